"""Notebook 08: the dashboard at every corner and inside, and the self-checks.

The computations behind it (slope, roots, zero-loss θ) are tested in test_line.py."""

import numpy as np
import pytest
import sympy

import invlib
from invlib import line, rates, selfcheck, widgets
from invlib.dashboards import nb08 as panel
from invlib.selfcheck import nb08

from dashboard_checks import assert_shown, check_every_corner

LINE = invlib.Line()
PROBLEM = invlib.data.original_problem()


# --------------------------------------------------------------------------------------
# The dashboard
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dashboard():
    return panel.truncation_dashboard()


def check_setting(dashboard, values):
    message = dashboard.update(**values)
    assert isinstance(message, str)
    assert_shown(dashboard, values)
    alpha, a0 = dashboard.values()["alpha"], dashboard.values()["a0"]
    if message.startswith("Training diverged"):
        # The message blames the start exactly when the start already has |q| > 1.
        assert message.startswith("Training diverged: α·a₀²") == (alpha * a0 * a0 >= 1)
        ax_T = dashboard.figure.axes[1]
        assert all(len(curve.get_xdata()) == 0 for curve in ax_T.get_lines())
    assert "nan" not in message.lower()
    return message


def test_default_settings_are_the_original(dashboard):
    dashboard.update(n_steps=20, alpha=0.05, a0=3.4, beta=0.005)
    assert dashboard.message == ""
    assert widgets.figure_is_finite(dashboard.figure)
    texts = [t.get_text() for t in dashboard.figure.axes[3].texts]
    assert "trained: s = 0.50000,  d = 1.99963" in texts
    assert "data:     s_true = 0.5,  d_true = 2" in texts


def test_every_corner(dashboard):
    messages = check_every_corner(dashboard, check_setting, 2**4)
    assert any(m.startswith("Training diverged") for m in messages)
    assert any("cannot fit the data" in m for m in messages)


def test_the_path_is_that_of_invlib_train(dashboard):
    dashboard.update(n_steps=20, alpha=0.05, a0=3.4, beta=0.005)
    p = PROBLEM
    fit = invlib.train(LINE, p.x, p.y, (3.4, 0.0), p.y0_training, 0.05, 0.005, 20,
                       panel.N_EPOCHS)
    path = next(curve for curve in dashboard.figure.axes[0].get_lines()
                if curve.get_label() == "training path")
    every = max(1, panel.N_EPOCHS // 200)
    np.testing.assert_array_equal(path.get_xdata(), fit.thetas[::every, 0])
    np.testing.assert_array_equal(dashboard.figure.axes[1].get_lines()[0].get_ydata(), fit.losses)


@pytest.mark.parametrize("values", [dict(n_steps=60, alpha=0.15, a0=4.5, beta=0.008),
                                    dict(n_steps=20, alpha=0.05, a0=4.5, beta=0.005),
                                    dict(n_steps=60, alpha=0.15, a0=2.0, beta=0.008)])
def test_diverging_settings_stop_at_once(dashboard, values, monkeypatch):
    """invlib.train stops at the first non-finite T: a diverging setting costs a few epochs,
    not the 1,000 of a full run (counted, not timed)."""
    epochs = []
    make = invlib.line.training_objective

    def counting(*args):
        loss_and_gradient = make(*args)

        def counted(theta):
            epochs.append(1)
            return loss_and_gradient(theta)

        return counted

    monkeypatch.setattr(invlib.line, "training_objective", counting)
    message = dashboard.update(**values)
    assert message.startswith("Training diverged")
    assert 0 < len(epochs) < panel.N_EPOCHS // 10, len(epochs)


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
    (dict(n_steps=6, alpha=0.05, a0=3.4, beta=0.005), "Not there yet after 1,000 epochs"),
    (dict(n_steps=6, alpha=0.05, a0=3.4, beta=0.008), ""),
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
    roots_marker = next(curve for curve in dashboard.figure.axes[0].get_lines()
                        if curve.get_label() == "roots of $s = 1/2$")
    roots = np.asarray(roots_marker.get_xdata())
    assert np.count_nonzero(roots < 1 / np.sqrt(0.1)) == 3


# --------------------------------------------------------------------------------------
# Self-checks
# --------------------------------------------------------------------------------------


def test_true_loss_right_answers():
    q = 0.6
    by_hand = q**16 * np.sum((PROBLEM.y0_training - PROBLEM.y) ** 2)
    for answer in (nb08.expected_true_loss(), by_hand, 0.0084624, 0.6**16 * 30):
        assert nb08.check_true_loss(answer), answer


@pytest.mark.parametrize("answer, explanation", [
    (0.0, "inversion to be finished"),
    (0.6**8 * 30, "forgot to square"),
    (0.6**16 * 30 / 5, "mean of the squared residuals"),
    (0.6**40 * 30, "T with N = 20"),
    (30.0, "no steps at all"),
    (0.8**16 * 30, "the 2 comes from"),
    (0.6**16 * 10, "not at 0"),
    (0.02, "too large"),
    ("0.0085", "single number"),
])
def test_true_loss_wrong_answers(answer, explanation):
    feedback = nb08.check_true_loss(answer)
    assert not feedback and explanation in feedback.message


def test_spurious_b_right_answers():
    a_sp = nb08.spurious_root()
    q_n = (1 - 2 * 0.05 * a_sp**2) ** 20
    for answer in (2 * q_n * PROBLEM.y0_training - 4, -0.53510, nb08.expected_spurious_b()):
        assert nb08.check_spurious_b(answer), answer


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
    feedback = nb08.check_spurious_b(answer)
    assert not feedback and explanation in feedback.message


def test_smallest_steps():
    assert nb08.expected_smallest_steps() == 6
    for answer in (5, 6, 7):   # every message names the quantity: the prediction's slope s(a)
        assert "prediction's slope s(a)" in nb08.check_smallest_steps(answer).message
    assert nb08.check_smallest_steps(6) and nb08.check_smallest_steps(np.int64(6))
    assert "0.483" in nb08.check_smallest_steps(5).message
    assert "beyond 1/√α" in nb08.check_smallest_steps(5).message
    assert "beyond" not in nb08.check_smallest_steps(2).message
    assert "smaller N already does" in nb08.check_smallest_steps(7).message
    assert "whole number" in nb08.check_smallest_steps(5.5).message
    assert "whole number" in nb08.check_smallest_steps(0).message
    assert "single number" in nb08.check_smallest_steps("6").message


def test_the_originals_starts_are_drawn_from_the_printed_range():
    """Section 5 prints a_0 ∈ [1.5, 3.5): invlib.data draws a_0 = 2u + 1.5 with the legacy
    generator seeded with 42 (the second draw)."""
    legacy = np.random.RandomState(42)
    legacy.rand()
    u = legacy.rand()
    assert PROBLEM.a0 == 2.0 * u + 1.5 and 1.5 <= PROBLEM.a0 < 3.5


def test_the_small_free_starts_cross_a_zero_with_the_original_beta():
    """Section 5's map reaches a = −0.4: the paths from the two small starts with β = 0.005
    dip to −0.129 and −0.204 and stay within the map."""
    starts = np.sort(np.random.default_rng(0).uniform(0.1, 4.0, 6))[:2]
    p = PROBLEM
    for a_start, lowest in zip(starts, (-0.129, -0.204)):
        run = invlib.train(invlib.Line(), p.x, p.y, (a_start, 0.0), p.y0_training, p.alpha, 0.005,
                           p.n_steps, 60)
        assert abs(run.thetas[:, 0].min() - lowest) < 5e-4
        assert run.thetas[:, 0].min() > -0.4 and -6 < run.thetas[:, 1].min() < run.thetas[:, 1].max() < 1


def test_numbers_in_the_exercise_solutions():
    p = PROBLEM
    # Exercise 1: 0.6^16 ≈ 2.82e-4, times Σ(y0 − y_i)² ≈ 30, is ≈ 8.46e-3.
    assert 0.6**16 == pytest.approx(2.82e-4, abs=0.005e-4)
    assert nb08.expected_true_loss() == pytest.approx(8.46e-3, abs=0.005e-3)
    # Exercise 2: q^20 ≈ 0.8663, q^20·y0 ≈ 1.7324, b ≈ −0.5351, −2 a_sp ≈ −0.5348.
    a_sp = nb08.spurious_root()
    q_n = (1 - 2 * p.alpha * a_sp**2) ** p.n_steps
    assert q_n == pytest.approx(0.8663, abs=5e-5)
    assert q_n * p.y0_training == pytest.approx(1.7324, abs=5e-5)
    assert nb08.expected_spurious_b() == pytest.approx(-0.5351, abs=5e-5)
    assert -2 * a_sp == pytest.approx(-0.5348, abs=5e-5)
    # Exercise 3: the peak of s is 0.483 at N = 5 and 0.522 at N = 6, with roots 1.16 and 1.82.
    assert nb08._peak_prediction_slope(5) == pytest.approx(0.483, abs=5e-4)
    assert nb08._peak_prediction_slope(6) == pytest.approx(0.522, abs=5e-4)
    np.testing.assert_allclose(nb08.stable_roots(6), [1.16, 1.82], atol=5e-3)
    for n in (1, 3, 5):
        beyond = line.slope_roots(0.5, 0.05, n, a_min=1 / np.sqrt(0.05), a_max=10.0)
        assert beyond.size == 1 and nb08.stable_roots(n).size == 0


def test_numbers_the_prose_states():
    """Numbers of the aim, sections 3 and 6 and "What next" that no cell above them prints."""
    p = PROBLEM
    # The aim: notebook 04's run ends at a = 1.9999268, b = −3.9998536.
    fit = invlib.train(LINE, p.x, p.y, (p.a0, 0.0), p.y0_training, p.alpha, p.beta, p.n_steps,
                       p.n_epochs, bounds=p.bounds)
    assert round(fit.theta[0], 7) == 1.9999268 and round(fit.theta[1], 7) == -3.9998536
    # Section 3: min over b of T is 10 (1 − 2 s(a))², since Σ(y_i − ȳ)² = 10 and x = 2y − 4.
    assert np.sum((p.y - p.y.mean()) ** 2) == pytest.approx(10.0, abs=1e-12)
    np.testing.assert_allclose(p.x, 2 * p.y - 4, atol=1e-12)
    a = np.linspace(0.05, 4.0, 50)
    s = line.slope(a, p.alpha, p.n_steps)
    np.testing.assert_allclose(line.best_loss_over_b(a, p.x, p.y, p.alpha, p.n_steps),
                               10 * (1 - 2 * s) ** 2, rtol=1e-9, atol=1e-12)
    # Section 6: Polyak's α = 0.32, μ = 0.36 (notebook 07) diverges above a ≈ 2.06.
    assert rates.rate(0.32, 0.36, rates.curvature(2.05)) < 1 < rates.rate(0.32, 0.36,
                                                                         rates.curvature(2.07))
    # What next: the exact inverse (x − b)/a at the truth (2, −4) fits the data exactly.
    assert np.sum((p.y - (p.x + 4) / 2) ** 2) == pytest.approx(0.0, abs=1e-24)


def test_dashboard_fits_600_pixels_with_the_legend_off_the_data(dashboard):
    """2×2 panels, 6 in wide (600 px at 100 dpi); the legend and the numbers live in the fourth
    cell, which holds no data; h_θ and the truth differ in line style and marker, not colour only."""
    width, _ = dashboard.figure.get_size_inches()
    assert width * 100 <= 600 and len(dashboard.figure.axes) == 4
    ax_s, ax_T, ax_h, ax_key = dashboard.figure.axes
    assert not ax_key.axison and not ax_key.get_lines() and ax_key.get_legend() is not None
    assert all(ax.get_legend() is None for ax in (ax_s, ax_T, ax_h))
    lines = {line.get_label(): line for line in ax_h.get_lines()}
    truth, h = lines["truth $(x + 4)/2$"], lines[r"$h_\theta(x)$, $N$ steps"]
    assert truth.get_linestyle() != h.get_linestyle() and truth.get_marker() != h.get_marker()


def test_six_steps_train_slowly_and_the_dashboard_says_so(dashboard):
    """N = 5 → 6: roots exist again (at 1.16 and 1.82, s peaks at 0.522), but T after 1,000
    epochs rises from 0.024 to 0.37; with β = 0.008 the run gets below 1e-3 (as the notebook says)."""
    p = PROBLEM
    losses = {}
    for n, beta in ((5, 0.005), (6, 0.005), (6, 0.008)):
        fit = invlib.train(LINE, p.x, p.y, (3.4, 0.0), p.y0_training, 0.05, beta, n, panel.N_EPOCHS)
        losses[n, beta] = fit.losses[-1]
    assert losses[5, 0.005] == pytest.approx(0.024, abs=5e-4)
    assert losses[6, 0.005] == pytest.approx(0.37, abs=5e-3)
    assert losses[6, 0.008] < 1e-3
    np.testing.assert_allclose(nb08.stable_roots(6), [1.16, 1.82], atol=5e-3)
    message = dashboard.update(n_steps=6, alpha=0.05, a0=3.4, beta=0.005)
    assert "1.161, 1.823" in message and "Raise β" in message


def root_census(alpha, n_steps):
    """The optional box of section 3: roots of s(a) = 1/2 with |q| < 1 and > 1, turning points."""
    edge = 1 / np.sqrt(alpha)
    found = line.slope_roots(0.5, alpha, n_steps, a_min=-3 * edge, a_max=3 * edge, n_grid=6001)
    stable = np.abs(found) < edge
    a = np.linspace(1e-4, edge * (1 - 1e-9), 20001)
    rising = np.sign(np.diff(line.slope(a, alpha, n_steps)))
    return found[stable], found[~stable], np.count_nonzero(np.diff(rising))


@pytest.mark.parametrize("alpha, n_steps, stable, unstable, turns", [
    (0.05, 20, [0.267, 2.0], [-4.54], 1),
    (0.05, 21, [0.254, 2.0], [4.484], 2),
    (0.05, 200, [0.025, 2.0], [-4.479], 1),
    (0.1, 20, [0.129, 2.0], [-3.201], 1),
    (0.1, 21, [0.123, 2.0, 3.141], [], 2),
])
def test_the_root_census_table(alpha, n_steps, stable, unstable, turns):
    found_stable, found_unstable, found_turns = root_census(alpha, n_steps)
    np.testing.assert_allclose(found_stable, stable, atol=5e-4)
    np.testing.assert_allclose(found_unstable, unstable, atol=5e-4)
    assert found_turns == turns


def test_the_estimate_of_the_spurious_root():
    """The optional box of section 3: a_sp ≈ 1/(2Nα·a_true), low by about 1/(4Nα·a_true²)."""
    alpha, a_true = 0.05, 2.0
    table = {20: (0.267410, 0.0651), 50: (0.102602, 0.0254), 100: (0.050637, 0.0126),
             200: (0.025158, 0.0063)}
    for n, (root, gap) in table.items():
        exact = line.slope_roots(0.5, alpha, n, a_max=1 / np.sqrt(alpha))[0]
        rule = 1 / (2 * n * alpha * a_true)
        estimate = 1 / (4 * n * alpha * a_true**2)
        assert abs(exact - root) < 5e-7 and abs((exact - rule) / exact - gap) < 5e-5
        assert abs(gap / estimate - 1) < 0.05
    assert 2 * 20 * alpha * a_true**2 == 8


def test_numbers_of_the_census_box():
    """The third root at α = 0.1, N = 21 lies between q = 0 and the stability edge 3.16, where
    s tends to 2√α ≈ 0.63; at q = 0 the slope is √(2α)."""
    alpha = 0.1
    edge = 1 / np.sqrt(alpha)
    third = root_census(alpha, 21)[0][-1]
    assert 1 / np.sqrt(2 * alpha) < third < edge
    assert abs(third - 3.14) < 0.005 and abs(edge - 3.16) < 0.005
    assert abs(line.slope(edge * (1 - 1e-12), alpha, 21) - 2 * np.sqrt(alpha)) < 1e-6
    assert abs(2 * np.sqrt(alpha) - 0.63) < 0.005 and 1 / 16 < alpha < 1 / 8
    assert abs(line.slope(1 / np.sqrt(2 * alpha), alpha, 21) - np.sqrt(2 * alpha)) < 1e-12


# --------------------------------------------------------------------------------------
# Exercise 4: the derivative ds/da of the prediction's slope, written by the learner
# --------------------------------------------------------------------------------------


def slope_derivative(a, alpha, n_steps):
    """The solution the notebook hides."""
    q = 1 - 2 * alpha * a**2
    return 4 * alpha * n_steps * q ** (n_steps - 1) - (1 - q**n_steps) / a**2


def test_slope_derivative_solution_is_correct():
    feedback = nb08.check_slope_derivative(slope_derivative)
    assert feedback and "line.slope" in feedback.message
    assert any(1 - 2 * alpha * a * a < 0 for a, alpha, _ in nb08.SLOPE_CASES)


def test_slope_derivative_is_sympys():
    """The solution's formula is sympy's derivative of s(a) = (1 − (1 − 2αa²)^N)/a."""
    a, alpha = sympy.symbols("a alpha", positive=True)
    for n in (5, 7, 13, 20):
        s = (1 - (1 - 2 * alpha * a**2) ** n) / a
        closed = 4 * alpha * n * (1 - 2 * alpha * a**2) ** (n - 1) - (1 - (1 - 2 * alpha * a**2) ** n) / a**2
        assert sympy.simplify(sympy.diff(s, a) - closed) == 0


def test_slope_derivative_vanishes_at_the_peak_of_section_3():
    """Its zero between the roots is the peak of s near a = 0.80 that the notebook prints."""
    grid = np.linspace(0.3, 1.5, 1201)
    values = slope_derivative(grid, 0.05, 20)
    peak = grid[np.nonzero(np.diff(np.sign(values)))[0][0]]
    assert abs(peak - 0.80) < 0.005


@pytest.mark.parametrize("wrong, says", [(wrong, message[:25]) for wrong, message in nb08.WRONG_DERIVATIVES] + [
    (lambda a, alpha, n: 0.3, "changes at the rate"),
    (lambda a, alpha, n: "0.5", "single number"),
    (lambda a, alpha, n: 1 / 0, "ZeroDivisionError"),
    (0.5, "pass the function itself"),
])
def test_slope_derivative_mistakes_are_named(wrong, says):
    feedback = nb08.check_slope_derivative(wrong)
    assert not feedback and says in feedback.message, feedback.message


def test_slope_derivative_mistakes_differ_from_the_solution():
    for wrong, _ in nb08.WRONG_DERIVATIVES:
        assert any(not np.isclose(wrong(*case), slope_derivative(*case)) for case in nb08.SLOPE_CASES)


def test_slope_derivative_stub_is_not_yet():
    def stub(a, alpha, n_steps):
        ds_da = None
        return ds_da

    assert repr(nb08.check_slope_derivative(stub)) == "Not yet: " + selfcheck.NO_ANSWER


# The answers the hidden solutions give, as (check, arguments); tests/test_solutions.py
# gives each to its check and keeps them out of the notebook's outputs.
SOLUTIONS = [
    (nb08.check_true_loss, (0.0084624,)),
    (nb08.check_spurious_b, (-0.535105,)),
    (nb08.check_smallest_steps, (6,)),
    (nb08.check_slope_derivative, (slope_derivative,)),
]
