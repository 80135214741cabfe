"""Notebook 09: its dashboard at every corner and inside, and its self-checks."""

import numpy as np
import pytest

import invlib
from invlib import widgets
from invlib.dashboards import nb09 as panel
from invlib.selfcheck import nb09

from dashboard_checks import assert_shown, check_every_corner, line_steps_diverge

from test_gradients import Y0  # noqa: E402  (the original seeded start, as in the core tests)


# --------------------------------------------------------------------------------------
# The dashboard
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dashboard():
    return panel.gradients_dashboard()


def check_setting(dashboard, values):
    message = dashboard.update(**values)
    assert_shown(dashboard, values)
    assert bool(message) == line_steps_diverge(values, panel.EDGE), (values, message)
    lines = dashboard.animated[:3]
    if message:
        assert "1/a²" in message and f"{values['alpha']:.3f}" in message
        assert all(np.asarray(line.get_xdata()).size == 0 for line in lines)
    else:
        for line in lines:
            xs, ys = (np.asarray(d, dtype=float) for d in line.get_data())
            assert xs.size >= 1 and xs.max() == values["n_steps"], values
            low, high = panel.DRAWN
            assert np.all((ys >= low) & (ys <= high)), values


def test_defaults(dashboard):
    assert dashboard.values() == {"alpha": 0.24, "n_steps": 100, "a": 2.0}
    assert dashboard.update(alpha=0.24, n_steps=100, a=2.0) == ""
    unrolled = dashboard.animated[0]
    assert np.argmax(unrolled.get_ydata()) == 12
    peak = dashboard.animated[3]
    assert abs(peak.get_xdata()[0] - 11.99) < 0.005


def test_defaults_fill_the_window(dashboard):
    """The static figure of notebook 09: at the defaults every curve lies inside the fixed window
    and spans most of it (n from 0 to N = 100, errors over more than four of its nine decades)."""
    dashboard.update(alpha=0.24, n_steps=100, a=2.0)
    ax = dashboard.figure.axes[0]
    (x_low, x_high), (y_low, y_high) = ax.get_xlim(), ax.get_ylim()
    ys = np.concatenate([line.get_ydata() for line in dashboard.animated[:3]])
    xs = np.concatenate([line.get_xdata() for line in dashboard.animated[:3]])
    assert y_low < ys.min() and ys.max() < y_high and x_low < xs.min() and xs.max() < x_high
    assert np.log10(ys.max() / ys.min()) > 4 and xs.max() - xs.min() > 0.95 * (x_high - x_low)


def test_every_corner(dashboard):
    check_every_corner(dashboard, check_setting, 2**3)


def test_random_interior_points(dashboard):
    rng = np.random.default_rng(8)
    for _ in range(20):
        values = {name: control.min + rng.uniform() * (control.max - control.min)
                  for name, control in dashboard.controls.items()}
        values["n_steps"] = int(round(values["n_steps"]))
        check_setting(dashboard, values)


@pytest.mark.parametrize("alpha, diverges", [(0.2, False), (0.245, False), (0.25, True),
                                             (0.25 - 1e-15, True), (0.3, True)])
def test_messages_for_a_equal_2(dashboard, alpha, diverges):
    message = dashboard.update(alpha=alpha, n_steps=40, a=2.0)
    assert widgets.figure_is_finite(dashboard.figure)
    assert bool(message) == diverges
    if diverges:
        assert "do not converge" in message
        assert not dashboard.animated[3].get_visible()
    else:
        assert dashboard.animated[3].get_visible()


def test_things_to_try_q_equal_zero(dashboard):
    """α = 1/(2a²): implicit exact from n = 1; unrolled and one-step only from n = 2."""
    errors = panel.errors(0.125, 5, 2.0, Y0)
    assert errors["implicit"][0] > 0.1 and np.all(errors["implicit"][1:] < 1e-15)
    assert errors["unrolled"][1] > 0.1 and np.all(errors["unrolled"][2:] < 1e-15)
    assert errors["one-step"][0] > 0.1 and np.all(errors["one-step"][1:] < 1e-15)  # n = 1, 2, …
    dashboard.update(alpha=0.125, n_steps=5, a=2.0)
    assert widgets.figure_is_finite(dashboard.figure)


def test_things_to_try_small_step_climbs_less():
    large = panel.errors(0.24, 100, 2.0, Y0)["unrolled"]
    small = panel.errors(0.01, 100, 2.0, Y0)["unrolled"]
    assert abs(large.max() - 41.15) < 0.01 and abs(small.max() - 2.14) < 0.01


def test_flat_line_converges_for_every_alpha(dashboard):
    for alpha in (0.005, 0.15, 0.3):
        assert dashboard.update(alpha=alpha, n_steps=50, a=1.0) == ""


# --------------------------------------------------------------------------------------
# The self-checks
# --------------------------------------------------------------------------------------


def test_check_peak_step():
    assert nb09.check_peak_step(1 / np.log(1 / 0.9))
    assert nb09.check_peak_step(9.49)
    for wrong, words in [(9, "tie"), (10, "tie"), (np.log(1 / 0.9), "reciprocal"),
                         (1 / np.log10(1 / 0.9), "natural logarithm"), (8.4912, "shifted"),
                         (-9.49, "sign"), (12.0, "too large"), ("9.49", "single number"),
                         (float("nan"), "finite")]:
        feedback = nb09.check_peak_step(wrong)
        assert not feedback and words in feedback.message, (wrong, feedback)


def test_check_implicit_gradient():
    assert nb09.expected_implicit_gradient() == -1.25
    assert nb09.check_implicit_gradient(-1.25)
    for wrong, words in [(1.25, "sign"), (2.5, "y* itself"), (-2.5, "divide"),
                         (-0.5, "dy*/db"), (-0.625, "too many"), (-3.0, "too small"),
                         ([1.0], "single number")]:
        feedback = nb09.check_implicit_gradient(wrong)
        assert not feedback and words in feedback.message, (wrong, feedback)


def test_check_one_step_ratio():
    assert abs(nb09.expected_one_step_ratio() - 0.36) < 1e-15
    assert nb09.check_one_step_ratio(0.36)
    for wrong, words in [(1.0, "Newton"), (0.64, "relative error"), (1 / 0.36, "Upside down"),
                         (0.12, "divide"), (-0.36, "positive"), (0.4, "section 5"),
                         (0.5, "too large"),
                         (True, "single number")]:
        feedback = nb09.check_one_step_ratio(wrong)
        assert not feedback and words in feedback.message, (wrong, feedback)


def test_feedback_prints_one_line():
    for feedback in (nb09.check_peak_step(9.49), nb09.check_implicit_gradient(2.5),
                     nb09.check_one_step_ratio(0.64)):
        text = repr(feedback)
        assert "\n" not in text and text.startswith(("Correct: ", "Not yet: "))


def implicit_estimate(model, theta, x, y):
    """The solution of exercise 4, as its <details> block gives it."""
    L_y, L_yy, L_ytheta = model.loss_derivatives(x, y, theta)
    return -np.asarray(L_ytheta, dtype=float) / L_yy


def with_derivatives(formula):
    """A learner's function built from formula(L_y, L_yy, L_ytheta)."""
    def function(model, theta, x, y):
        L_y, L_yy, L_ytheta = model.loss_derivatives(x, y, theta)
        return formula(L_y, L_yy, np.asarray(L_ytheta, dtype=float))
    return function


def test_check_implicit_formula_accepts_the_solution_on_unseen_cases():
    assert nb09.check_implicit_formula(implicit_estimate)
    # the cases differ from the notebook's: neither θ = (2, −4) nor a minimiser
    for name, model, theta, x, y in nb09._implicit_cases():
        assert tuple(theta) != (2.0, -4.0)
        assert abs(invlib.inner_gradient(model, np.array(theta), x, y)) > 0.1


@pytest.mark.parametrize("formula, words", [
    (lambda L_y, L_yy, L_yt: L_yt / L_yy, "wrong sign"),
    (lambda L_y, L_yy, L_yt: -L_yt, "forgot to divide"),
    (lambda L_y, L_yy, L_yt: L_yt, "minus sign and the division"),
    (lambda L_y, L_yy, L_yt: -L_yt / L_y, "divided by ∂L/∂y"),
    (lambda L_y, L_yy, L_yt: -L_yy / L_yt, "upside down"),
    (lambda L_y, L_yy, L_yt: -L_yt / L_yy**2, "curvature twice"),
    (lambda L_y, L_yy, L_yt: -1.1 * L_yt / L_yy, "your function gives"),
    (lambda L_y, L_yy, L_yt: np.r_[L_yt, 0.0], "2 numbers"),
    (lambda L_y, L_yy, L_yt: "none", "2 numbers"),
    (lambda L_y, L_yy, L_yt: 1 / 0, "ZeroDivisionError"),
    (lambda L_y, L_yy, L_yt: None, "replace None"),
])
def test_check_implicit_formula_names_the_mistake(formula, words):
    feedback = nb09.check_implicit_formula(with_derivatives(formula))
    assert not feedback and words in feedback.message, feedback


def test_check_implicit_formula_wants_a_function():
    assert "function itself" in nb09.check_implicit_formula(-1.25).message
    assert repr(nb09.check_implicit_formula(None)).endswith("replace None with your answer, "
                                                            "then run this cell again.")


# --------------------------------------------------------------------------------------
# Numbers the prose states before the cell that prints them (or in an optional box)
# --------------------------------------------------------------------------------------


def test_numbers_stated_before_their_output():
    line, theta, x = invlib.Line(), np.array([2.0, -4.0]), 0.0
    a, b = theta
    y_star = (x - b) / a
    assert y_star == 2.0 and round(Y0, 3) == -2.509                       # section 1
    assert np.array_equal(invlib.implicit_gradient(line, theta, x, y_star), [-1.0, -0.5])
    assert abs(1 - 2 * 0.05 * a**2 - 0.6) < 1e-15                          # section 2: q = 0.6
    # the optional box of section 3: where the whole error peaks, n* − A₀/A₁
    for alpha, expected, whole_step in [(0.24, 12.10, 12), (0.01, 9.44, 9)]:
        q = 1 - 2 * alpha * a**2
        n_peak = invlib.gradients.peak_step(q) + q * y_star / (2 * (1 - q) * (Y0 - y_star))
        assert round(n_peak, 2) == expected
        _, dg = invlib.unroll_path(line, theta, x, Y0, alpha, 80)
        assert np.argmax(np.abs(dg[:, 0] + 1.0)) == whole_step
    # section 6: the tanh model's minimiser and exact derivative
    y_star_tanh = np.arctanh(0.5)
    assert round(y_star_tanh, 3) == 0.549
    J = np.array([-np.tanh(y_star_tanh), -1.0]) / (2.0 * (1 - np.tanh(y_star_tanh) ** 2))
    assert np.allclose(J, [-1 / 3, -2 / 3], rtol=0, atol=1e-15)


# The answers the hidden solutions give, as (check, arguments); tests/test_solutions.py
# gives each to its check and keeps them out of the notebook's outputs.
SOLUTIONS = [
    (nb09.check_peak_step, (1 / np.log(1 / 0.9),)),
    (nb09.check_implicit_gradient, (-1.25,)),
    (nb09.check_one_step_ratio, (0.36,)),
    (nb09.check_implicit_formula, (implicit_estimate,)),
]
