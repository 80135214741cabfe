"""Notebook 07: the slope of the N-step prediction, its roots, the dashboard, the self-checks."""

import numpy as np
import pytest
from numpy.polynomial import Polynomial

import invlib
from invlib import widgets
from invlib.dashboards import truncation
from invlib.selfcheck import nb07

LINE = invlib.Line()
PROBLEM = invlib.data.original_problem()


# --------------------------------------------------------------------------------------
# The slope and offset of h_θ(x) = s(a)·x + c(a, b)
# --------------------------------------------------------------------------------------


def test_slope_and_offset_reproduce_the_steps():
    rng = np.random.default_rng(11)
    x = np.linspace(-6.0, 6.0, 9)
    for _ in range(40):
        a, b = rng.uniform(0.05, 3.0), rng.uniform(-5.0, 5.0)
        alpha = rng.uniform(0.005, 0.9 / a**2)  # α·a² < 0.9 keeps |q| < 1
        n_steps, y0 = int(rng.integers(1, 60)), rng.normal(scale=3.0)
        h = invlib.invert(LINE, (a, b), x, y0, alpha, n_steps).y
        s, c = truncation.slope(a, alpha, n_steps), truncation.offset((a, b), y0, alpha, n_steps)
        np.testing.assert_allclose(h, s * x + c, rtol=0, atol=1e-10 * (1 + np.abs(h).max()))


def test_slope_with_diverging_steps_matches_invert():
    # |q| > 1: the steps diverge, but N of them are still an affine map of x.
    a, b, alpha, n_steps = 4.6, -1.0, 0.05, 7
    assert abs(1 - 2 * alpha * a * a) > 1
    x = np.array([-3.0, 0.0, 2.0])
    h = invlib.invert(LINE, (a, b), x, 0.5, alpha, n_steps).y
    expected = truncation.slope(a, alpha, n_steps) * x + truncation.offset((a, b), 0.5, alpha,
                                                                           n_steps)
    np.testing.assert_allclose(h, expected, rtol=1e-12)


def test_slope_keeps_precision_for_tiny_a():
    alpha, n_steps = 0.05, 20
    for a in (1e-9, 1e-6, 1e-4):
        series = 2 * n_steps * alpha * a * (1 - (n_steps - 1) * alpha * a * a)
        assert truncation.slope(a, alpha, n_steps) == pytest.approx(series, rel=1e-12)
    assert truncation.slope(0.0, alpha, n_steps) == 0.0


def test_slope_is_odd_and_vectorised():
    a = np.linspace(-3.0, 3.0, 13)
    s = truncation.slope(a, 0.05, 20)
    assert s.shape == a.shape
    np.testing.assert_allclose(s, -s[::-1], rtol=1e-14, atol=0)
    assert isinstance(truncation.slope(2.0, 0.05, 20), float)


def test_slope_at_the_truth_is_short_of_one_half():
    assert truncation.slope(2.0, 0.05, 20) == pytest.approx((1 - 0.6**20) / 2, rel=1e-14)


# --------------------------------------------------------------------------------------
# The roots of s(a) = S
# --------------------------------------------------------------------------------------


def polynomial_roots(target, alpha, n_steps, low, high):
    """s(a) = S  ⟺  1 − (1 − 2αa²)^N − S·a = 0 (a ≠ 0): a polynomial's real roots."""
    q = Polynomial([1.0, 0.0, -2.0 * alpha])
    p = 1.0 - q**n_steps - Polynomial([0.0, target])
    roots = p.roots()
    real = roots[np.abs(roots.imag) < 1e-7].real
    return np.sort(real[(real > low) & (real < high) & (np.abs(real) > 1e-9)])


@pytest.mark.parametrize("alpha, n_steps", [(0.05, 20), (0.05, 21), (0.05, 7), (0.1, 5),
                                            (0.1, 21), (0.02, 40)])
def test_slope_roots_agree_with_the_polynomial(alpha, n_steps):
    # The polynomial (degree 2N) is solved accurately for 0 < a < 1/√α; elsewhere its large
    # coefficients spoil the roots, so there we only check s(a) = 1/2 at what was found.
    edge = 1 / np.sqrt(alpha)
    found = truncation.slope_roots(0.5, alpha, n_steps, a_min=-2 * edge, a_max=2 * edge,
                                   n_grid=8001)
    inside = found[(found > 0) & (found < edge)]
    expected = polynomial_roots(0.5, alpha, n_steps, 0.0, edge)
    assert inside.size == expected.size
    np.testing.assert_allclose(inside, expected, rtol=1e-6)
    np.testing.assert_allclose(truncation.slope(found, alpha, n_steps), 0.5, rtol=1e-9)


def test_the_original_roots():
    roots = truncation.slope_roots(0.5, 0.05, 20, a_max=1 / np.sqrt(0.05))
    np.testing.assert_allclose(roots, [0.2674095478, 1.9999268054], rtol=1e-9)
    # The leading-order rule 1/(2Nα·a_true) = 0.25 is 6.5 % low.
    assert (roots[0] - 0.25) / roots[0] == pytest.approx(0.0651, abs=5e-4)


@pytest.mark.parametrize("alpha, n_steps, stable, unstable", [
    (0.05, 20, 2, 1), (0.05, 21, 2, 1), (0.05, 5, 0, 1), (0.05, 6, 2, 1),
    (0.1, 20, 2, 1), (0.1, 21, 3, 0),
])
def test_root_census(alpha, n_steps, stable, unstable):
    edge = 1 / np.sqrt(alpha)
    found = truncation.slope_roots(0.5, alpha, n_steps, a_min=-3 * edge, a_max=3 * edge,
                                   n_grid=6001)
    assert np.count_nonzero(np.abs(found) < edge) == stable
    assert np.count_nonzero(np.abs(found) > edge) == unstable


def test_no_roots_when_the_target_is_out_of_reach():
    assert truncation.slope_roots(5.0, 0.05, 20, a_max=4.0).size == 0


def test_zero_loss_theta_fits_the_original_data():
    p = PROBLEM
    for a in truncation.slope_roots(0.5, p.alpha, p.n_steps, a_max=1 / np.sqrt(p.alpha)):
        theta = truncation.zero_loss_theta(a, p.y0_training, p.alpha, p.n_steps)
        assert invlib.training_loss(LINE, theta, p.x, p.y, p.y0_training, p.alpha,
                                    p.n_steps) < 1e-25
    fit = invlib.train(LINE, p.x, p.y, (p.a0, 0.0), p.y0_training, p.alpha, p.beta, p.n_steps,
                       p.n_epochs, bounds=p.bounds)
    theta = truncation.zero_loss_theta(1.9999268054, p.y0_training, p.alpha, p.n_steps)
    np.testing.assert_allclose(fit.theta, theta, rtol=0, atol=1e-9)


def test_best_loss_over_b_is_the_profile_of_T():
    p = PROBLEM
    a = np.array([0.1, 0.5, 1.0, 2.5, 4.0])
    profile = truncation.best_loss_over_b(a, p.x, p.y, p.alpha, p.n_steps)
    s = truncation.slope(a, p.alpha, p.n_steps)
    np.testing.assert_allclose(profile, 10 * (1 - 2 * s) ** 2, rtol=1e-12)
    # T is a quadratic in b (h is affine in b): its minimum from three values of T.
    for a_k, T_min in zip(a, profile):
        T_at = [invlib.training_loss(LINE, (a_k, b), p.x, p.y, p.y0_training, p.alpha,
                                     p.n_steps) for b in (-1.0, 0.0, 1.0)]
        curvature, tilt = (T_at[2] + T_at[0]) / 2 - T_at[1], (T_at[2] - T_at[0]) / 2
        assert T_at[1] - tilt**2 / (4 * curvature) == pytest.approx(T_min, rel=1e-8, abs=1e-12)


# --------------------------------------------------------------------------------------
# Where a run ends
# --------------------------------------------------------------------------------------

ROOTS = truncation.slope_roots(0.5, PROBLEM.alpha, PROBLEM.n_steps, a_max=1 / np.sqrt(PROBLEM.alpha))


def train_from(a0, beta, bounds=None, n_epochs=2500):
    p = PROBLEM
    return invlib.train(LINE, p.x, p.y, (a0, 0.0), p.y0_training, p.alpha, beta, p.n_steps,
                        n_epochs, bounds=bounds)


def test_describe_end_root_and_bound():
    end = truncation.describe_end(train_from(1.15, 0.005), ROOTS)
    assert end.kind == "root" and end.root == ROOTS[1] and "T < 1e-12" in end.text
    end = truncation.describe_end(train_from(0.5, 0.005, PROBLEM.bounds), ROOTS, a_bound=0.5)
    assert end.kind == "bound" and "T = 3.47" in end.text


def test_describe_end_cycle_and_spurious():
    end = truncation.describe_end(train_from(0.9, 0.005), ROOTS)
    assert end.kind == "cycle" and end.root == ROOTS[0]
    assert end.text == "a jumps between 0.251 and 0.459 every epoch"
    end = truncation.describe_end(train_from(0.26, 0.002), ROOTS)
    assert end.kind == "near root" and end.root == ROOTS[0]


def test_spurious_valley_needs_a_small_outer_rate():
    theta = truncation.zero_loss_theta(ROOTS[0], PROBLEM.y0_training, PROBLEM.alpha,
                                       PROBLEM.n_steps)
    _, dh = invlib.unroll(LINE, theta, PROBLEM.x, PROBLEM.y0_training, PROBLEM.alpha,
                          PROBLEM.n_steps)
    limit = 2 / np.linalg.eigvalsh(2 * dh.T @ dh).max()
    assert 0.002 < limit < 0.005


# --------------------------------------------------------------------------------------
# The dashboard
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dashboard():
    return truncation.truncation_dashboard()


def check_setting(dashboard, values):
    message = dashboard.update(**values)
    assert isinstance(message, str)
    assert widgets.figure_is_finite(dashboard.figure), values
    alpha, a0 = dashboard.values()["alpha"], dashboard.values()["a0"]
    if message.startswith("Training diverged"):
        # The message blames the start exactly when the start already has |q| > 1.
        assert message.startswith("Training diverged: α·a₀²") == (alpha * a0 * a0 >= 1)
        ax_T = dashboard.figure.axes[1]
        assert all(len(line.get_xdata()) == 0 for line in ax_T.get_lines())
    assert "nan" not in message.lower()
    assert dashboard.render_png().startswith(b"\x89PNG")
    return message


def test_default_settings_are_the_original(dashboard):
    dashboard.update(n_steps=20, alpha=0.05, a0=3.4, beta=0.005)
    assert dashboard.message == ""
    assert widgets.figure_is_finite(dashboard.figure)
    texts = [t.get_text() for t in dashboard.figure.axes[2].texts]
    assert "trained: s = 0.50000,  c = 1.99963" in texts


def test_every_corner(dashboard):
    corners = list(dashboard.corners())
    assert len(corners) == 2**4
    messages = [check_setting(dashboard, corner) for corner in corners]
    assert any(m.startswith("Training diverged") for m in messages)
    assert any("cannot fit the data" in m for m in messages)


def test_seeded_interior_points(dashboard):
    rng = np.random.default_rng(2024)
    for _ in range(10):
        values = {}
        for name, control in dashboard.controls.items():
            if name == "n_steps":
                values[name] = int(rng.integers(control.min, control.max + 1))
            else:
                values[name] = float(rng.uniform(control.min, control.max))
        check_setting(dashboard, values)


@pytest.mark.parametrize("values, expected", [
    (dict(n_steps=5, alpha=0.05, a0=3.4, beta=0.005), "cannot fit the data"),
    (dict(n_steps=20, alpha=0.05, a0=0.3, beta=0.005), ""),
    (dict(n_steps=20, alpha=0.05, a0=0.3, beta=0.002), "Zero loss with the wrong model"),
    (dict(n_steps=20, alpha=0.05, a0=4.5, beta=0.005), "Training diverged: α·a₀² = 1.01"),
])
def test_what_the_notebook_says_to_try(dashboard, values, expected):
    message = check_setting(dashboard, values)
    if expected:
        assert expected in message
    else:
        assert message == ""


def test_odd_steps_large_alpha_shows_three_roots(dashboard):
    check_setting(dashboard, dict(n_steps=21, alpha=0.1, a0=3.0, beta=0.005))
    roots_marker = next(line for line in dashboard.figure.axes[0].get_lines()
                        if line.get_label() == "roots of $s(a) = 1/2$")
    roots = np.asarray(roots_marker.get_xdata())
    assert np.count_nonzero(roots < 1 / np.sqrt(0.1)) == 3


# --------------------------------------------------------------------------------------
# Self-checks
# --------------------------------------------------------------------------------------


def test_true_loss_right_answers():
    q = 0.6
    by_hand = q**20 * np.sum((PROBLEM.y0_training - PROBLEM.y) ** 2)
    for answer in (nb07.expected_true_loss(), by_hand, 0.0010967, 0.6**20 * 30):
        assert nb07.check_true_loss(answer), answer


@pytest.mark.parametrize("answer, explanation", [
    (0.0, "inversion to be finished"),
    (0.6**10 * 30, "forgot to square"),
    (0.6**20 * 30 / 5, "mean of the squared residuals"),
    (0.6**40 * 30, "T with N = 20"),
    (30.0, "no steps at all"),
    (0.8**20 * 30, "the 2 comes from"),
    (0.6**20 * 10, "not at 0"),
    (0.002, "too large"),
    ("0.0011", "single number"),
])
def test_true_loss_wrong_answers(answer, explanation):
    feedback = nb07.check_true_loss(answer)
    assert not feedback and explanation in feedback.message


def test_spurious_b_right_answers():
    a_s = nb07.spurious_root()
    q_n = (1 - 2 * 0.05 * a_s**2) ** 20
    for answer in (2 * q_n * PROBLEM.y0_training - 4, -0.53510, nb07.expected_spurious_b()):
        assert nb07.check_spurious_b(answer), answer


@pytest.mark.parametrize("answer, explanation", [
    (-4.0, "the true b"),
    (-0.26755, "forgot to divide"),
    (-0.53482, "exact inverse"),
    (0.5351, "wrong sign"),
    (-7.465, "plus sign"),
    (-1.0, "too small"),
    (float("nan"), "finite number"),
])
def test_spurious_b_wrong_answers(answer, explanation):
    feedback = nb07.check_spurious_b(answer)
    assert not feedback and explanation in feedback.message


def test_smallest_steps():
    assert nb07.expected_smallest_steps() == 6
    assert nb07.check_smallest_steps(6) and nb07.check_smallest_steps(np.int64(6))
    assert "0.483" in nb07.check_smallest_steps(5).message
    assert "beyond 1/√α" in nb07.check_smallest_steps(5).message
    assert "beyond" not in nb07.check_smallest_steps(2).message
    assert "smaller N already does" in nb07.check_smallest_steps(7).message
    assert "whole number" in nb07.check_smallest_steps(5.5).message
    assert "whole number" in nb07.check_smallest_steps(0).message
    assert "single number" in nb07.check_smallest_steps("6").message


def test_numbers_in_the_exercise_solutions():
    p = PROBLEM
    # Exercise 1: 0.6^20 ≈ 3.66e-5, times Σ(y0 − y_i)² ≈ 30, is ≈ 1.10e-3.
    assert 0.6**20 == pytest.approx(3.66e-5, abs=0.005e-5)
    assert nb07.expected_true_loss() == pytest.approx(1.10e-3, abs=0.005e-3)
    # Exercise 2: q^20 ≈ 0.8663, q^20·y0 ≈ 1.7324, b ≈ −0.5351, −2 a_s ≈ −0.5348.
    a_s = nb07.spurious_root()
    q_n = (1 - 2 * p.alpha * a_s**2) ** p.n_steps
    assert q_n == pytest.approx(0.8663, abs=5e-5)
    assert q_n * p.y0_training == pytest.approx(1.7324, abs=5e-5)
    assert nb07.expected_spurious_b() == pytest.approx(-0.5351, abs=5e-5)
    assert -2 * a_s == pytest.approx(-0.5348, abs=5e-5)
    # Exercise 3: the peak of s is 0.483 at N = 5 and 0.522 at N = 6, with roots 1.16 and 1.82.
    assert nb07._largest_stable_slope(5) == pytest.approx(0.483, abs=5e-4)
    assert nb07._largest_stable_slope(6) == pytest.approx(0.522, abs=5e-4)
    np.testing.assert_allclose(nb07.stable_roots(6), [1.16, 1.82], atol=5e-3)
    for n in (1, 3, 5):
        beyond = truncation.slope_roots(0.5, 0.05, n, a_min=1 / np.sqrt(0.05), a_max=10.0)
        assert beyond.size == 1 and nb07.stable_roots(n).size == 0
