"""invlib.line: q and the stability limit, the closed form, the fast training objective, the slope
and offset of the N-step prediction, the roots of s(a) = S, the zero-loss θ, the profile of T
over b, and where a training run ends."""

import subprocess
import sys

import numpy as np
import pytest
from numpy.polynomial import Polynomial

import invlib
from invlib import line

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
        s, c = line.slope(a, alpha, n_steps), line.offset((a, b), y0, alpha, n_steps)
        np.testing.assert_allclose(h, s * x + c, rtol=0, atol=1e-10 * (1 + np.abs(h).max()))


def test_slope_with_diverging_steps_matches_invert():
    # |q| > 1: the steps diverge, but N of them are still an affine map of x.
    a, b, alpha, n_steps = 4.6, -1.0, 0.05, 7
    assert abs(1 - 2 * alpha * a * a) > 1
    x = np.array([-3.0, 0.0, 2.0])
    h = invlib.invert(LINE, (a, b), x, 0.5, alpha, n_steps).y
    expected = line.slope(a, alpha, n_steps) * x + line.offset((a, b), 0.5, alpha,
                                                                           n_steps)
    np.testing.assert_allclose(h, expected, rtol=1e-12)


def test_slope_keeps_precision_for_tiny_a():
    alpha, n_steps = 0.05, 20
    for a in (1e-9, 1e-6, 1e-4):
        series = 2 * n_steps * alpha * a * (1 - (n_steps - 1) * alpha * a * a)
        assert line.slope(a, alpha, n_steps) == pytest.approx(series, rel=1e-12)
    assert line.slope(0.0, alpha, n_steps) == 0.0


def test_slope_is_odd_and_vectorised():
    a = np.linspace(-3.0, 3.0, 13)
    s = line.slope(a, 0.05, 20)
    assert s.shape == a.shape
    np.testing.assert_allclose(s, -s[::-1], rtol=1e-14, atol=0)
    assert isinstance(line.slope(2.0, 0.05, 20), float)


def test_slope_at_the_truth_is_short_of_one_half():
    assert line.slope(2.0, 0.05, 20) == pytest.approx((1 - 0.6**20) / 2, rel=1e-14)


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
    found = line.slope_roots(0.5, alpha, n_steps, a_min=-2 * edge, a_max=2 * edge,
                                   n_grid=8001)
    inside = found[(found > 0) & (found < edge)]
    expected = polynomial_roots(0.5, alpha, n_steps, 0.0, edge)
    assert inside.size == expected.size
    np.testing.assert_allclose(inside, expected, rtol=1e-6)
    np.testing.assert_allclose(line.slope(found, alpha, n_steps), 0.5, rtol=1e-9)


def test_the_original_roots():
    roots = line.slope_roots(0.5, 0.05, 20, a_max=1 / np.sqrt(0.05))
    np.testing.assert_allclose(roots, [0.2674095478, 1.9999268054], rtol=1e-9)
    # The leading-order rule 1/(2Nα·a_true) = 0.25 is 6.5 % low.
    assert (roots[0] - 0.25) / roots[0] == pytest.approx(0.0651, abs=5e-4)


@pytest.mark.parametrize("alpha, n_steps, stable, unstable", [
    (0.05, 20, 2, 1), (0.05, 21, 2, 1), (0.05, 5, 0, 1), (0.05, 6, 2, 1),
    (0.1, 20, 2, 1), (0.1, 21, 3, 0),
])
def test_root_census(alpha, n_steps, stable, unstable):
    edge = 1 / np.sqrt(alpha)
    found = line.slope_roots(0.5, alpha, n_steps, a_min=-3 * edge, a_max=3 * edge,
                                   n_grid=6001)
    assert np.count_nonzero(np.abs(found) < edge) == stable
    assert np.count_nonzero(np.abs(found) > edge) == unstable


def test_no_roots_when_the_target_is_out_of_reach():
    assert line.slope_roots(5.0, 0.05, 20, a_max=4.0).size == 0


def test_zero_loss_theta_fits_the_original_data():
    p = PROBLEM
    for a in line.slope_roots(0.5, p.alpha, p.n_steps, a_max=1 / np.sqrt(p.alpha)):
        theta = line.zero_loss_theta(a, p.y0_training, p.alpha, p.n_steps)
        assert invlib.training_loss(LINE, theta, p.x, p.y, p.y0_training, p.alpha,
                                    p.n_steps) < 1e-25
    fit = invlib.train(LINE, p.x, p.y, (p.a0, 0.0), p.y0_training, p.alpha, p.beta, p.n_steps,
                       p.n_epochs, bounds=p.bounds)
    theta = line.zero_loss_theta(1.9999268054, p.y0_training, p.alpha, p.n_steps)
    np.testing.assert_allclose(fit.theta, theta, rtol=0, atol=1e-9)


def test_best_loss_over_b_is_the_profile_of_T():
    p = PROBLEM
    a = np.array([0.1, 0.5, 1.0, 2.5, 4.0])
    profile = line.best_loss_over_b(a, p.x, p.y, p.alpha, p.n_steps)
    s = line.slope(a, p.alpha, p.n_steps)
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

ROOTS = line.slope_roots(0.5, PROBLEM.alpha, PROBLEM.n_steps, a_max=1 / np.sqrt(PROBLEM.alpha))


def train_from(a0, beta, bounds=None, n_epochs=2500):
    p = PROBLEM
    return invlib.train(LINE, p.x, p.y, (a0, 0.0), p.y0_training, p.alpha, beta, p.n_steps,
                        n_epochs, bounds=bounds)


def test_describe_end_root_and_bound():
    end = line.describe_end(train_from(1.15, 0.005), ROOTS)
    assert end.kind == "root" and end.root == ROOTS[1] and "T < 1e-12" in end.text
    end = line.describe_end(train_from(0.5, 0.005, PROBLEM.bounds), ROOTS, a_bound=0.5)
    assert end.kind == "bound" and "T = 3.47" in end.text


def test_describe_end_cycle_and_spurious():
    end = line.describe_end(train_from(0.9, 0.005), ROOTS)
    assert end.kind == "cycle" and end.root == ROOTS[0]
    assert end.text == "a jumps between 0.251 and 0.459 every epoch"
    end = line.describe_end(train_from(0.26, 0.002), ROOTS)
    assert end.kind == "near root" and end.root == ROOTS[0]


def test_spurious_valley_needs_a_small_outer_rate():
    theta = line.zero_loss_theta(ROOTS[0], PROBLEM.y0_training, PROBLEM.alpha,
                                       PROBLEM.n_steps)
    _, dh = invlib.unroll(LINE, theta, PROBLEM.x, PROBLEM.y0_training, PROBLEM.alpha,
                          PROBLEM.n_steps)
    limit = 2 / np.linalg.eigvalsh(2 * dh.T @ dh).max()
    assert 0.002 < limit < 0.005




# --------------------------------------------------------------------------------------
# The computing core stays light, and every argument is checked
# --------------------------------------------------------------------------------------


def test_line_imports_without_matplotlib():
    code = ("import sys, invlib.line; "
            "print(sorted(m for m in ('matplotlib', 'ipywidgets') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_data_slope_and_offset_are_the_original_inverse():
    # y = (x + 4)/2 inverts x = 2y − 4 exactly
    p = PROBLEM
    np.testing.assert_allclose(line.DATA_SLOPE * p.x + line.DATA_OFFSET, p.y, atol=0)


def test_zero_loss_theta_sets_the_offset_anywhere():
    # away from a root it still gives the prediction the requested offset
    for a, target in [(0.7, 2.0), (3.0, -1.5)]:
        theta = line.zero_loss_theta(a, 1.3, 0.05, 20, data_offset=target)
        assert line.offset(theta, 1.3, 0.05, 20) == pytest.approx(target, abs=1e-12)


def test_no_steps_means_no_slope():
    assert line.slope(2.0, 0.05, 0) == 0.0
    assert line.offset((2.0, -4.0), 1.5, 0.05, 0) == 1.5  # every prediction is y0
    with pytest.raises(ValueError, match="s\\(a\\) is 0"):
        line.zero_loss_theta(2.0, 1.5, 0.05, 0)
    with pytest.raises(ValueError, match="s\\(a\\) is 0"):
        line.zero_loss_theta(0.0, 1.5, 0.05, 20)


@pytest.mark.parametrize("call, error, words", [
    (lambda: line.slope("2", 0.05, 20), TypeError, "a must be a number"),
    (lambda: line.slope([1.0, np.nan], 0.05, 20), ValueError, "a must be finite"),
    (lambda: line.slope(2.0, 0.0, 20), ValueError, "alpha must be > 0"),
    (lambda: line.slope(2.0, 0.05, 2.5), TypeError, "n_steps must be an integer"),
    (lambda: line.slope(2.0, 0.05, -1), ValueError, "n_steps must be between"),
    (lambda: line.offset((2.0,), 0.0, 0.05, 20), ValueError, "theta must hold 2 numbers"),
    (lambda: line.offset((2.0, -4.0), "0", 0.05, 20), TypeError, "y0 must be a real"),
    (lambda: line.slope_roots(0.5, 0.05, 20, a_max=0.0), ValueError, "a_max must be larger"),
    (lambda: line.slope_roots(None, 0.05, 20, a_max=4.0), TypeError, "target must be a real"),
    (lambda: line.slope_roots(0.5, 0.05, 0, a_max=4.0), ValueError, "n_steps must be between"),
    (lambda: line.slope_roots(0.5, 0.05, 20, a_max=4.0, n_grid=1), ValueError, "n_grid"),
    (lambda: line.zero_loss_theta(np.inf, 0.0, 0.05, 20), ValueError, "a must be finite"),
    (lambda: line.zero_loss_theta(0.3, 0.0, 0.05, 20, data_offset="2"), TypeError,
     "data_offset must be a real"),
    (lambda: line.best_loss_over_b(1.0, [1.0, 2.0], [1.0], 0.05, 20), ValueError,
     "x and y must have the same shape"),
    (lambda: line.best_loss_over_b(1.0, [1.0], [1.0], -0.05, 20), ValueError,
     "alpha must be > 0"),
    (lambda: line.describe_end((1.0, 2.0), [0.5]), TypeError, "fit must be the result"),
    (lambda: line.describe_end(train_from(1.15, 0.005, n_epochs=5), [np.nan]), ValueError,
     "roots must be finite"),
])
def test_arguments_are_checked(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_describe_end_with_no_roots():
    end = line.describe_end(train_from(3.4, 0.005, n_epochs=5), [])
    assert end.kind == "moving" and np.isnan(end.root)
