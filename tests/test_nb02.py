"""Notebook 02: the descent dashboard at every corner and inside, and the self-checks."""

import numpy as np
import pytest

import invlib
from invlib import widgets
from invlib.dashboards import nb02 as panel
from invlib.selfcheck import nb02

from dashboard_checks import assert_shown


@pytest.fixture(scope="module")
def dashboard():
    return panel.descent_dashboard()


def expects_message(values):
    """The rule the dashboard implements: a message exactly when α ≥ 1/a²."""
    return values["alpha"] * values["a"] ** 2 >= 1.0 - panel.EDGE


def check_setting(dashboard, values):
    message = dashboard.update(**values)
    assert_shown(dashboard, values)
    assert bool(message) == expects_message(values), (values, message)
    if message:
        assert "1/a²" in message and f"{values['alpha']:.3f}" in message
    for line in dashboard.animated[:4]:  # drawn coordinates stay of a sensible size
        for data in (line.get_xdata(), line.get_ydata()):
            assert np.all(np.abs(np.asarray(data, dtype=float)) < 1e80), values


def test_defaults_are_the_original_example(dashboard):
    problem = invlib.data.original_problem()
    dashboard.update(alpha=0.05, n_steps=20, y0=problem.y0_inversion, a=2.0)
    assert dashboard.message == ""
    path = dashboard.animated[2]
    assert abs(path.get_xdata()[-1] - 2.0) < 1e-3
    assert len(path.get_xdata()) == 21


def test_every_corner(dashboard):
    corners = list(dashboard.corners())
    assert len(corners) == 2**4
    for corner in corners:
        check_setting(dashboard, corner)


def test_random_interior_points(dashboard):
    for values in dashboard.random_settings(20, seed=2):
        check_setting(dashboard, values)


@pytest.mark.parametrize("alpha, kind", [(0.05, ""), (0.125, ""), (0.2, ""),
                                         (0.25, "for ever"), (0.3, "diverge"), (0.35, "diverge")])
def test_messages_for_a_equal_2(dashboard, alpha, kind):
    message = dashboard.update(alpha=alpha, a=2.0, n_steps=20, y0=-2.5)
    assert widgets.figure_is_finite(dashboard.figure)
    if kind:
        assert kind in message
    else:
        assert message == ""


def test_a_slider_value_near_the_limit_counts_as_the_limit(dashboard):
    assert "for ever" in dashboard.update(alpha=0.25 + 1e-15, a=2.0)
    assert "for ever" in dashboard.update(alpha=0.25 - 1e-15, a=2.0)


def test_diverging_path_is_cut_at_the_window(dashboard):
    dashboard.update(alpha=0.35, a=3.0, n_steps=40, y0=-5.0)
    path = dashboard.animated[2]
    ys = np.asarray(path.get_xdata())
    low, high = panel.Y_LIMITS
    assert 1 <= ys.size < 41
    assert np.all((ys[:-1] >= low) & (ys[:-1] <= high))


def test_one_step_alpha_hits_zero_loss(dashboard):
    dashboard.update(alpha=0.125, a=2.0, n_steps=5, y0=-2.5)
    curve = dashboard.animated[3]
    losses = np.asarray(curve.get_ydata())
    assert losses[0] > 1 and np.all(losses[1:] < panel.STEP_LOSS_LIMITS[0])
    assert widgets.figure_is_finite(dashboard.figure)


def test_regime():
    assert panel.regime(0.05, 2.0) == "converges"
    assert panel.regime(0.25, 2.0) == "oscillates"
    assert panel.regime(0.3, 2.0) == "diverges"
    assert panel.message(0.1, 2.0) == ""
    assert panel.message(0.3, 2.0) == (
        "α = 0.300 > 1/a² = 0.250: q = 1 − 2αa² = -1.40, each step overshoots further; the "
        "iterates diverge (the path is cut where it leaves the picture).")


# --- self-checks ---------------------------------------------------------------------------

@pytest.mark.parametrize("answer", [1 / 18, 0.0555555556, np.float64(1 / 18)])
def test_one_step_alpha_right(answer):
    assert nb02.check_one_step_alpha(answer)


@pytest.mark.parametrize("answer, says", [
    (1 / 9, "bounces"), (1 / 6, "squared"), (1 / 3, "a²"), (1 / 36, "halves"),
    (0.125, "a = 2"), (-1 / 18, "sign"), (0.3, "too large"), ("1/18", "single number"),
])
def test_one_step_alpha_wrong(answer, says):
    feedback = nb02.check_one_step_alpha(answer)
    assert not feedback and says in repr(feedback)


def test_q_right():
    assert nb02.check_q(-0.8)
    assert "Correct" in repr(nb02.check_q(1 - 2 * 0.1 * 3**2))


@pytest.mark.parametrize("answer, says", [
    (0.8, "negative"), (1.8, "1 − 2αa²"), (0.1, "factor 2"), (0.4, "a once"),
    (0.0, "too large"),
])
def test_q_wrong(answer, says):
    feedback = nb02.check_q(answer)
    assert not feedback and says in repr(feedback)


def test_steps_right():
    assert nb02.check_steps(28)
    assert nb02.check_steps(np.int64(28))
    assert nb02.check_steps(28.0)
    # and the count is what the iteration itself gives
    result = invlib.invert(invlib.Line(), (2.0, -4.0), 0.0, 1.0, 0.05, 40)
    error = np.abs(result.path - 2.0)
    assert int(np.argmax(error <= error[0] * 1e-6)) == 28


@pytest.mark.parametrize("answer, says", [
    (27, "too few"), (29, "not the fewest"), (14, "loss"), (27.05, "round up"),
    (12.5, "whole number"), (True, "single number"),
])
def test_steps_wrong(answer, says):
    feedback = nb02.check_steps(answer)
    assert not feedback and says in repr(feedback)


def test_steps_for_reduction_matches_brute_force():
    for alpha in np.linspace(0.01, 0.24, 24):
        q = abs(1 - 8 * alpha)
        if q == 0:
            continue
        n = nb02.steps_for_reduction(alpha, 2.0, 1e6)
        assert q**n <= 1e-6 < q ** (n - 1)


def test_converging_alphas_right():
    assert nb02.check_converging_alphas([0.01, 0.1, 0.125, 0.2])
    assert nb02.check_converging_alphas((0.2, 0.125, 0.1, 0.01))
    assert nb02.check_converging_alphas(np.array([0.01, 0.1, 0.125, 0.2]))


@pytest.mark.parametrize("answer, says", [
    ([0.01, 0.1, 0.125, 0.2, 0.25], "bounces"),
    ([0.01, 0.1, 0.125], "zigzag"),
    ([0.01, 0.1, 0.2], "single step"),
    ([0.01, 0.1, 0.125, 0.2, 0.3], "larger"),
    ([0.01, 0.5], "not one of the candidates"),
    (0.1, "list"),
    ("0.1", "list"),
])
def test_converging_alphas_wrong(answer, says):
    feedback = nb02.check_converging_alphas(answer)
    assert not feedback and says in repr(feedback)


# The answers the hidden solutions give, as (check, arguments); tests/test_solutions.py
# gives each to its check and keeps them out of the notebook's outputs.
SOLUTIONS = [
    (nb02.check_one_step_alpha, (1 / 18,)),
    (nb02.check_q, (-0.8,)),
    (nb02.check_steps, (28,)),
    (nb02.check_converging_alphas, ([0.01, 0.1, 0.125, 0.2],)),
]
