"""Notebook 04: the training dashboard and the exercises' self-checks.

The dashboard is called at every corner of its sliders and at seeded interior points; the
claims that the notebook's "things to try" make about it are checked here too.
"""

import numpy as np
import pytest
from scipy.optimize import brentq

import invlib
from invlib import regression, widgets
from invlib.dashboards import nb04 as panel
from invlib.selfcheck import nb04

from dashboard_checks import assert_shown



@pytest.fixture(scope="module")
def dashboard():
    return panel.training_dashboard()


@pytest.fixture
def fresh(dashboard):
    """The module's dashboard, put back to its default settings after the test."""
    defaults = dashboard.values()
    yield dashboard
    dashboard.update(**defaults)


def _drawn(artist):
    return np.asarray(artist.get_xdata(), dtype=float).size > 0


def _moving_lines(dashboard):
    ax_loss, ax_fit = dashboard.figure.axes
    curve = ax_loss.get_lines()[0]
    model_line = [line for line in ax_fit.get_lines() if line.get_label() == "trained model"][0]
    predictions = ax_fit.get_lines()[-1]
    return curve, model_line, predictions


# --------------------------------------------------------------------------------------
# The dashboard
# --------------------------------------------------------------------------------------


def test_defaults(dashboard):
    assert dashboard.values() == {"alpha": 0.05, "beta": 0.005, "n_steps": 20, "noise": 0.0,
                                  "n_epochs": 1000}
    assert dashboard.message == ""
    assert widgets.figure_is_finite(dashboard.figure)
    assert dashboard.controls["n_epochs"].continuous_update is False
    assert all(_drawn(line) for line in _moving_lines(dashboard))


def test_every_corner(fresh):
    corners = list(fresh.corners())
    assert len(corners) == 2**5
    for corner in corners:
        message = fresh.update(**corner)
        assert isinstance(message, str)
        assert_shown(fresh, corner)
        unstable = corner["alpha"] * invlib.data.original_problem().a0 ** 2 >= 1
        if unstable and corner["n_steps"] == 50:
            assert message.startswith("Training diverged"), corner
            assert not any(_drawn(line) for line in _moving_lines(fresh)), corner


def test_seeded_interior_points(fresh):
    rng = np.random.default_rng(2024)
    low_high = {name: (c.min, c.max) for name, c in fresh.controls.items()}
    for _ in range(10):
        values = {name: float(rng.uniform(low, high)) for name, (low, high) in low_high.items()}
        values["n_steps"] = int(round(values["n_steps"]))
        values["n_epochs"] = int(round(values["n_epochs"] / 50) * 50)
        message = fresh.update(**values)
        assert isinstance(message, str)
        assert_shown(fresh, values)


def test_predictions_are_the_unrolled_steps(fresh):
    fresh.update(noise=0.5, n_steps=7)
    _, _, predictions = _moving_lines(fresh)
    x, y = invlib.data.line_data(noise=0.5, seed=panel.NOISE_SEED)
    problem = invlib.data.original_problem()
    fit = invlib.train(invlib.Line(), x, y, (problem.a0, 0.0), problem.y0_training, 0.05,
                       0.005, 7, 1000, bounds=problem.bounds)
    h, _ = invlib.unroll(invlib.Line(), fit.theta, x, problem.y0_training, 0.05, 7)
    assert np.allclose(predictions.get_xdata(), h, rtol=0, atol=1e-12)
    assert np.allclose(predictions.get_ydata(), x)


def test_divergence_is_reported_and_cleared(fresh):
    """Things to try: α = 0.12 > 1/a₀² ≈ 0.0864 with N = 20 diverges."""
    a0 = invlib.data.original_problem().a0
    assert 0.12 * a0**2 > 1
    message = fresh.update(alpha=0.12, n_steps=20)
    assert message.startswith("Training diverged") and "Lower α" in message
    assert not any(_drawn(line) for line in _moving_lines(fresh))
    assert widgets.figure_is_finite(fresh.figure)
    assert fresh.update(alpha=0.05) == ""
    assert all(_drawn(line) for line in _moving_lines(fresh))


def test_outer_divergence_message():
    message = panel.divergence_message(0.08, 0.02, 3.4014)
    assert "β = 0.02" in message and "Lower β" in message


def test_large_beta_overshoots(fresh):
    """Things to try: β = 0.3 makes the outer steps overshoot."""
    message = fresh.update(beta=0.3)
    assert message.startswith("T ended higher than it started") and "Lower β" in message
    assert widgets.figure_is_finite(fresh.figure)


def test_few_steps_cannot_reach_the_slope(fresh):
    """Things to try: with N = 3 (α = 0.05) T stalls near 0.46 however long we train: the
    slope (1 − q³)/a of h has a hump of 0.39 near a = 2.1, short of the 1/2 the data need;
    slope 1/2 needs a ≈ 4.57 (q ≈ −1.09), where θ ≈ (4.57, −9.14) fits exactly, but
    training from a₀ = 3.40 ends on the hump."""
    a = np.linspace(0.5, 3.0, 2501)
    q = 1 - 2 * 0.05 * a**2
    assert abs(((1 - q**3) / a).max() - 0.39) < 0.005
    assert abs(a[np.argmax((1 - q**3) / a)] - 2.1) < 0.01  # "the hump, near a = 2.1"
    a_wide = np.linspace(0.5, 6.0, 5501)
    slope_wide = (1 - (1 - 0.1 * a_wide**2) ** 3) / a_wide
    crossings = a_wide[1:][np.diff(np.sign(slope_wide - 0.5)) != 0]
    assert crossings.size == 1 and abs(crossings[0] - 4.57) < 0.005
    a_fit = brentq(lambda a_: (1 - (1 - 0.1 * a_**2) ** 3) / a_ - 0.5, 4.0, 5.0)
    q_fit = 1 - 0.1 * a_fit**2
    assert abs(q_fit + 1.09) < 0.005
    problem = invlib.data.original_problem()
    b_fit = (q_fit**3 * problem.y0_training - 2) / 0.5  # offset q³g₀ − b/2 = 2
    assert abs(b_fit + 9.14) < 0.005
    assert invlib.training_loss(invlib.Line(), (a_fit, b_fit), problem.x, problem.y,
                                problem.y0_training, 0.05, 3) < 1e-20  # an exact fit
    problem = invlib.data.original_problem()
    losses, trained_a = [], []
    for n_epochs in (1000, 2500):
        fresh.update(n_steps=3, n_epochs=n_epochs)
        fit = invlib.train(invlib.Line(), problem.x, problem.y, (problem.a0, 0.0),
                           problem.y0_training, 0.05, 0.005, 3, n_epochs, bounds=problem.bounds)
        losses.append(fit.losses[-1])
        trained_a.append(fit.theta[0])
    assert all(abs(T - 0.46) < 0.01 for T in losses)
    # A larger α (or more steps) reaches the slope and T drops.
    assert all(abs(theta_a - 2.1) < 0.05 for theta_a in trained_a)  # on the hump
    for alpha, n_steps in ((0.1, 3), (0.05, 20)):
        fit = invlib.train(invlib.Line(), problem.x, problem.y, (problem.a0, 0.0),
                           problem.y0_training, alpha, 0.005, n_steps, 2500, bounds=problem.bounds)
        assert fit.losses[-1] < 1e-3  # from 0.46


def test_noise_levels_off_on_the_floor(fresh):
    """Things to try: σ = 0.5 puts T on the dotted floor, and the line leaves the truth."""
    assert fresh.update(noise=0.5) == ""
    x, y = invlib.data.line_data(noise=0.5, seed=panel.NOISE_SEED)
    problem = invlib.data.original_problem()
    fit = invlib.train(invlib.Line(), x, y, (problem.a0, 0.0), problem.y0_training, 0.05,
                       0.005, 20, 1000, bounds=problem.bounds)
    best = regression.regression_floor(x, y)
    assert abs(fit.losses[-1] / best - 1) < 1e-5
    assert abs(fit.theta[1] + 4) > 0.05
    ax_loss = fresh.figure.axes[0]
    floor_line = ax_loss.get_lines()[1]
    assert np.allclose(floor_line.get_ydata(), best)


def test_legends_and_text_stay_off_the_data(fresh):
    """The legends and the T, a, b box sit outside both axes, whatever the sliders say."""
    renderer = fresh.figure.canvas.get_renderer()
    for values in [{"noise": 1.0}, {"noise": 1.0, "n_epochs": 2500}, {"alpha": 0.12},
                   {"beta": 0.3, "noise": 1.0}, {"n_steps": 1, "noise": 0.5}]:
        fresh.update(**{**fresh.values(), **values})
        fresh.render_frame()
        boxes = [ax.get_legend().get_window_extent(renderer) for ax in fresh.figure.axes]
        boxes.append(fresh.animated[-1].get_window_extent(renderer))  # the T, a, b text
        for ax in fresh.figure.axes:
            for box in boxes:
                assert not box.overlaps(ax.get_window_extent(renderer)), values
    width, _ = fresh.figure.get_size_inches()
    assert width * fresh.figure.dpi <= 600  # readable in a 600 px column


# --------------------------------------------------------------------------------------
# The self-checks
# --------------------------------------------------------------------------------------


def training_gradient_by_hand(theta, x, y, y0, alpha, n_steps):
    """Exercise 4's solution, as the notebook's hidden solution states it."""
    a, b = theta
    g = np.full_like(x, y0, dtype=float)
    dg_da, dg_db = np.zeros_like(g), np.zeros_like(g)
    for n in range(n_steps):
        inner = x - a * g - b
        dg_da = (1 - 2 * alpha * a**2) * dg_da + 2 * alpha * (inner - a * g)
        dg_db = (1 - 2 * alpha * a**2) * dg_db - 2 * alpha * a
        g = g + 2 * alpha * a * inner
    r = y - g
    return -2 * np.array([r @ dg_da, r @ dg_db])


def test_gradient_by_hand_matches_on_the_notebooks_data():
    """The solution gives section 1's numbers, T = 8.6121 and ∇T = (−2.6413, 3.4573)."""
    problem = invlib.data.original_problem()
    gradient = training_gradient_by_hand((problem.a0, 0.0), problem.x, problem.y,
                                         problem.y0_training, 0.05, 20)
    assert np.allclose(gradient, (-2.6413, 3.4573), rtol=0, atol=5e-5)
    T, _ = invlib.training_gradient(invlib.Line(), (problem.a0, 0.0), problem.x, problem.y,
                                    problem.y0_training, 0.05, 20)
    assert abs(T - 8.6121) < 5e-5


def _closed_form_gradient(theta, x, y, y0, alpha, n_steps):
    """The other route: h = s·x + d from section 4, differentiated by hand."""
    a, b = theta
    q = 1 - 2 * alpha * a**2
    dq_da = -4 * alpha * a
    s = (1 - q**n_steps) / a
    ds_da = -n_steps * q ** (n_steps - 1) * dq_da / a - (1 - q**n_steps) / a**2
    h = s * (x - b) + q**n_steps * y0
    dh_da = ds_da * (x - b) + n_steps * q ** (n_steps - 1) * dq_da * y0
    r = y - h
    return -2 * np.array([r @ dh_da, r @ (-s * np.ones_like(x))])


@pytest.mark.parametrize("function, words", [
    (training_gradient_by_hand, "agrees"),
    (_closed_form_gradient, "agrees"),
    (lambda *args: training_gradient_by_hand(*args) / 2, "factor 2"),
    (lambda *args: -training_gradient_by_hand(*args), "sign is wrong"),
    (lambda *args: -training_gradient_by_hand(*args) / 2, "both the sign and a factor 2"),
    (lambda th, x, y, y0, al, n: nb04._inner_loss_gradient({"theta": th, "x": x}, y),
     "derivative of the inner loss"),
    (lambda th, x, y, y0, al, n: nb04._inner_loss_gradient(
        {"theta": th, "x": x}, invlib.invert(invlib.Line(), th, x, y0, al, n).y), "∂L/∂θ at g_N"),
    (lambda th, x, y, y0, al, n: training_gradient_by_hand(th, x, y, y0, al, n - 1), "off by one"),
    (lambda th, x, y, y0, al, n: training_gradient_by_hand(th, x, y, y0, al, n) + [0, 1],
     "∂T/∂b differs"),
    (lambda *args: (1.0, training_gradient_by_hand(*args)), "return only"),
    (lambda *args: np.zeros(3), "shape (3,)"),
    (lambda *args: [np.nan, 1.0], "not finite"),
    (lambda *args: 1 / 0, "raised ZeroDivisionError"),
    (lambda *args: None, "replace None"),
    (3.0, "the function itself"),
])
def test_training_gradient_check(function, words):
    feedback = nb04.check_training_gradient(function)
    assert bool(feedback) == (words == "agrees") and words in feedback.message, feedback.message


def test_gradient_cases_are_unseen_and_stable():
    cases = nb04.gradient_cases()
    assert sorted(case["n_steps"] for case in cases) == [1, 3, 8, 21]
    for case in cases:
        q = 1 - 2 * case["alpha"] * case["theta"][0] ** 2
        assert abs(q) < 1 and case["x"].size >= 3
        assert not np.array_equal(case["x"], invlib.data.original_problem().x[:case["x"].size])


def test_expected_values():
    """The numbers the exercises' solutions state."""
    assert abs(nb04.expected_training_loss() - 0.72) < 1e-12
    assert abs(nb04.expected_dT_db() + 10 / 9) < 1e-6
    problem = invlib.data.original_problem()
    _, gradient = invlib.training_gradient(invlib.Line(), nb04.SIGN_THETA, problem.x, problem.y,
                                           problem.y0_training, 0.05, 20)
    assert np.allclose(gradient, (10 / 9, -10 / 9), rtol=0, atol=1e-6)
    assert abs(nb04.expected_slope() - 0.496) < 1e-12


@pytest.mark.parametrize("answer", [0.72, 0.7200000001])
def test_training_loss_right(answer):
    assert nb04.check_training_loss(answer)


@pytest.mark.parametrize("answer, words", [
    (0.0, "inversion is finished"),
    (0.24, "mean"),
    (0.32, "squared predictions"),
    (3.92, "uphill"),
    (1.28, "half as long"),
    (2.0, "no step at all"),
    (1.2, "|yᵢ − hᵢ|"),
    (-0.72, "wrong sign"),
    (0.5, "too small"),
    ("0.72", "single number"),
    (float("nan"), "finite"),
])
def test_training_loss_wrong(answer, words):
    feedback = nb04.check_training_loss(answer)
    assert not feedback and words in feedback.message


@pytest.mark.parametrize("answer", ["negative", " Negative ", "-", -1, -1.11])
def test_sign_right(answer):
    assert nb04.check_sign_dT_db(answer)


@pytest.mark.parametrize("answer, words", [
    ("positive", "Mind the signs"),
    (1, "Mind the signs"),
    (0, "sum to 0"),
    ("zero", "sum to 0"),
    ("maybe", "Answer with"),
    (True, "Answer with"),
])
def test_sign_wrong(answer, words):
    feedback = nb04.check_sign_dT_db(answer)
    assert not feedback and words in feedback.message


@pytest.mark.parametrize("answer", [0.496, 0.49601])
def test_slope_right(answer):
    assert nb04.check_slope(answer)


@pytest.mark.parametrize("answer, words", [
    (0.5, "limit N → ∞"),
    (0.992, "divide by a"),
    (1.984, "do not multiply"),
    (0.392, "the 2 comes from"),
    (0.48, "Off by one"),
    (0.4992, "Off by one"),
    (0.004, "left of the start"),
    (-0.496, "wrong sign"),
    (0.499, "Off by one step"),    # (1 − q⁴)/a = 0.4992, typed to three digits
    (1.98, "Divide by a"),         # a(1 − q³) = 1.984, typed to three digits
    (0.3, "too small"),
    ([0.496], "single number"),
])
def test_slope_wrong(answer, words):
    feedback = nb04.check_slope(answer)
    assert not feedback and words in feedback.message


# The answers the hidden solutions give, as (check, arguments); tests/test_solutions.py
# gives each to its check and keeps them out of the notebook's outputs.
SOLUTIONS = [
    (nb04.check_training_loss, (0.72,)),
    (nb04.check_sign_dT_db, ("negative",)),
    (nb04.check_slope, (0.496,)),
    (nb04.check_training_gradient, (training_gradient_by_hand,)),
]
