"""Notebook 01: the landscape dashboard and the exercises' self-checks."""

import numpy as np
import pytest

import invlib
from invlib import widgets
from invlib.dashboards import nb01 as panel
from invlib.selfcheck import nb01

from dashboard_checks import assert_shown, check_every_corner


@pytest.fixture(scope="module")
def dashboard():
    return panel.landscape_dashboard()


def expected_message(a, b, x, noise, epsilon):
    """The message the dashboard should give, computed independently of it."""
    if a == 0:
        return panel.A_ZERO_MESSAGE
    low, high = panel.Y_LIMITS
    y_star_obs, y_star = (x + noise * epsilon - b) / a, (x - b) / a
    if not low <= y_star_obs <= high:
        return panel.outside_message(y_star_obs, "y*_obs")
    if not low <= y_star <= high:
        return panel.outside_message(y_star, "the noise-free y*")
    return ""


def marker_positions(dashboard):
    """The y of the markers y*_obs (for x_obs = x + σε) and y* (noise-free) on the loss panel."""
    lines = {line.get_label(): line for line in dashboard.figure.axes[1].get_lines()}
    return (float(lines[r"$y^*_\mathrm{obs}$"].get_xdata()[0]),
            float(lines["$y^*$"].get_xdata()[0]))


def interior_points(dashboard, n=20, seed=0):
    rng = np.random.default_rng(seed)
    for _ in range(n):
        yield {name: float(rng.uniform(c.min, c.max)) for name, c in dashboard.controls.items()}


def check_setting(dashboard, values):
    message = dashboard.update(**values)
    assert_shown(dashboard, values)
    assert message == expected_message(**dashboard.values(), epsilon=panel.noise_draw())
    return message


def test_sliders_keep_away_from_a_zero(dashboard):
    assert 0 < dashboard.controls["a"].min <= 0.05
    assert dashboard.controls["a"].max >= 3


def test_every_corner(dashboard):
    messages = check_every_corner(dashboard, check_setting, 2**4)
    # a = 0.05 with x − b = ±10 puts y* at ±200: off the plot, and said so.
    assert any("outside the plotted range" in m for m in messages)


@pytest.mark.parametrize("index", range(20))
def test_interior_points(dashboard, index):
    values = list(interior_points(dashboard))[index]
    check_setting(dashboard, values)


def test_default_setting_is_the_original_example():
    board = panel.landscape_dashboard()
    assert board.values() == {"a": 2.0, "b": -4.0, "x": 0.0, "noise": 0.0}
    assert board.message == ""
    assert marker_positions(board) == pytest.approx((2.0, 2.0))


def test_markers_sit_at_the_minima(dashboard):
    epsilon = panel.noise_draw()
    dashboard.update(a=0.5, b=1.0, x=2.0, noise=0.4)
    y_star_obs, y_star = marker_positions(dashboard)
    assert y_star == pytest.approx((2.0 - 1.0) / 0.5)
    assert y_star_obs == pytest.approx((2.0 + 0.4 * epsilon - 1.0) / 0.5)
    # σ scales one fixed draw: doubling σ doubles the shift of the minimum.
    dashboard.update(noise=0.8)
    y_star_obs_double, _ = marker_positions(dashboard)
    assert y_star_obs_double - y_star == pytest.approx(2 * (y_star_obs - y_star))


def test_off_screen_minimum_is_pinned_at_the_edge(dashboard):
    message = dashboard.update(a=0.05, b=-5.0, x=5.0, noise=0.0)
    assert message == panel.outside_message(200.0, "y*_obs")
    y_star_obs, y_star = marker_positions(dashboard)
    assert panel.Y_LIMITS[0] < y_star_obs < panel.Y_LIMITS[1]
    assert y_star_obs == y_star
    assert widgets.figure_is_finite(dashboard.figure)


def test_a_zero_gives_the_message_and_hides_the_minima():
    board = panel.landscape_dashboard(a_range=(0.0, 3.0))
    message = board.update(a=0.0, b=1.0, x=2.0, noise=0.5)
    assert message == ("a = 0: every y gives the same x, so every y minimises L: the answer is "
                       "not unique (and if x ≠ b, no y fits exactly)")
    hidden = [line for ax in board.figure.axes for line in ax.get_lines() if not line.get_visible()]
    assert len(hidden) == 3  # the crossing and the two minima
    assert widgets.figure_is_finite(board.figure)
    board.render_png()
    assert board.update(a=1.0) == ""
    assert all(line.get_visible() for ax in board.figure.axes for line in ax.get_lines())


def test_landscape_curve_is_invlib_inner_loss(dashboard):
    dashboard.update(a=1.5, b=0.5, x=-1.0, noise=0.3)
    line = dashboard.figure.axes[1].get_lines()[0]
    x_obs = -1.0 + 0.3 * panel.noise_draw()
    expected = invlib.inner_loss(invlib.Line(), (1.5, 0.5), x_obs, line.get_xdata())
    np.testing.assert_allclose(line.get_ydata(), expected)


def test_noise_draw_is_fixed():
    assert panel.noise_draw() == panel.noise_draw()
    assert panel.noise_draw() == pytest.approx(1.0531157544867582)


# --- self-checks ---------------------------------------------------------------------

def test_minimiser_right_answer():
    feedback = nb01.check_minimiser(4.0)
    assert feedback and repr(feedback) == "Correct: y* = 4."
    assert nb01.check_minimiser(4)  # an int is a number too


@pytest.mark.parametrize("wrong, phrase", [
    (8.0, "You added b"),
    (1.0, "You multiplied by a"),
    (5.0, "after dividing by a"),
    (-4.0, "Wrong sign"),
    (2.5, "forward model"),
    (0.0, "smallest value of L"),
    (7.0, "too large"),
    (3.0, "too small"),
])
def test_minimiser_wrong_answers(wrong, phrase):
    feedback = nb01.check_minimiser(wrong)
    assert not feedback
    assert phrase in feedback.message
    assert repr(feedback).startswith("Not yet: ")


@pytest.mark.parametrize("bad", ["4", [4.0], float("nan"), True])
def test_minimiser_not_a_number(bad):
    feedback = nb01.check_minimiser(bad)
    assert not feedback
    assert "y*" in feedback.message


def test_curvature_right_answer():
    assert repr(nb01.check_curvature(18.0)) == "Correct: d²L/dy² = 18."
    a = nb01.CURVATURE["a"]
    model, theta = invlib.Line(), (a, nb01.CURVATURE["b"])
    _, L_yy, _ = model.loss_derivatives(nb01.CURVATURE["x"], nb01.CURVATURE["y"], theta)
    assert nb01.check_curvature(float(L_yy))


@pytest.mark.parametrize("wrong, phrase", [
    (9.0, "lost the factor 2"),
    (6.0, "not 2a"),
    (36.0, "doubled once too often"),
    (144.0, "value of L"),
    (72.0, "dL/dy"),
    (0.0, "nonzero constant"),
    (-18.0, "wrong sign"),
])
def test_curvature_wrong_answers(wrong, phrase):
    feedback = nb01.check_curvature(wrong)
    assert not feedback
    assert phrase in feedback.message


def test_curvature_hints_match_finite_differences():
    """The 'value of L' and 'slope' hints really are L(5) and L'(5)."""
    c = nb01.CURVATURE
    model, theta, delta_y = invlib.Line(), (c["a"], c["b"]), 1e-5
    L = float(invlib.inner_loss(model, theta, c["x"], c["y"]))
    dL_dy = float(invlib.inner_gradient(model, theta, c["x"], c["y"]))
    assert "value of L" in nb01.check_curvature(L).message
    assert "dL/dy" in nb01.check_curvature(dL_dy).message
    plus, minus = (float(invlib.inner_loss(model, theta, c["x"], c["y"] + step))
                   for step in (delta_y, -delta_y))
    assert (plus - 2 * L + minus) / delta_y**2 == pytest.approx(18.0, rel=1e-4)


def test_valley_width_right_answer():
    assert repr(nb01.check_valley_width(1.6)) == (
        "Correct: the width is 1.6: every y from 1.2 to 2.8 has L(y) ≤ 0.04.")
    assert nb01.check_valley_width(np.float64(1.6))


@pytest.mark.parametrize("wrong, phrase", [
    (0.8, "half-width"),
    (0.64, "forgot the square root"),
    (1.28, "forgot the square root"),
    (0.32, "divided ℓ by a"),
    (0.1, "multiplied by a"),
    (6.4, "divided by a²"),
    (0.4, "for a = 1"),
    (2 * 0.02**0.5 / 0.25, "curvature 2a²"),
    (2.0, "is y*"),
    (2.8, "right end"),
    (-1.6, "positive"),
    (3.0, "too large"),
    (1.0, "too small"),
    ("1.6", "single number"),
])
def test_valley_width_wrong_answers(wrong, phrase):
    feedback = nb01.check_valley_width(wrong)
    assert not feedback
    assert phrase in feedback.message


def test_valley_width_matches_the_loss_on_a_grid():
    """The interval where invlib's loss is at most the level ℓ really is 1.6 wide."""
    v = nb01.VALLEY
    y = np.linspace(-2.0, 6.0, 800_001)
    inside = y[invlib.inner_loss(invlib.Line(), (v["a"], v["b"]), v["x"], y) <= v["level"]]
    assert inside.max() - inside.min() == pytest.approx(1.6, abs=2e-5)
    assert nb01.check_valley_width(round(inside.max() - inside.min(), 4))


# --- The numbers the hidden solutions quote (recomputed here, not shown in the notebook) ---

def _loss(y, a, b, x):
    return (x - (a * y + b)) ** 2


def test_numbers_quoted_in_the_solutions():
    assert (3.0 - 1.0) / 0.5 == 4.0 and 0.5 * 4.0 + 1.0 == 3.0
    delta_y = 1e-2
    second = (_loss(5.0 + delta_y, 3.0, -1.0, 2.0) - 2 * _loss(5.0, 3.0, -1.0, 2.0)
              + _loss(5.0 - delta_y, 3.0, -1.0, 2.0)) / delta_y**2
    assert np.isclose(second, 18.0)
    assert _loss(5.0, 3.0, -1.0, 2.0) == 144.0
    assert -2.0 * 3.0 * (2.0 - (3.0 * 5.0 - 1.0)) == 72.0
    assert (1.5 - 1.0) / 0.25 == 2.0
    y = np.linspace(-4.0, 8.0, 120_001)
    inside = y[_loss(y, 0.25, 1.0, 1.5) <= 0.04]
    assert np.isclose(inside.min(), 1.2, atol=2e-4) and np.isclose(inside.max(), 2.8, atol=2e-4)
    assert np.isclose(0.2 / 0.25, 0.8)


# --- Exercise 4 (code): dL/dy of f(y) = a·y² + b ------------------------------------------

def square_loss_gradient(y, a, b, x):
    """The solution: dL/dy = −2(x − a·y² − b)·2a·y."""
    dL_dy = -2 * (x - (a * y**2 + b)) * 2 * a * y
    return dL_dy


def test_square_gradient_solution_agrees_with_finite_differences():
    dy = 1e-6
    for y, a, b, x in [(0.4, 1.1, -0.3, 0.8), (-1.3, 0.5, 2.0, -1.0)]:
        fd = (_square_loss(y + dy, a, b, x) - _square_loss(y - dy, a, b, x)) / (2 * dy)
        assert abs(square_loss_gradient(y, a, b, x) - fd) < 1e-7


def _square_loss(y, a, b, x):
    return (x - (a * y**2 + b)) ** 2


def test_square_gradient_right():
    feedback = nb01.check_square_gradient(square_loss_gradient)
    assert feedback and "invlib.inner_gradient" in repr(feedback)
    assert nb01.check_square_gradient(np.vectorize(square_loss_gradient))


@pytest.mark.parametrize("wrong, says", [
    (lambda y, a, b, x: 2 * (x - (a * y**2 + b)) * 2 * a * y, "wrong sign"),
    (lambda y, a, b, x: -(x - (a * y**2 + b)) * 2 * a * y, "a factor 2 is missing"),
    (lambda y, a, b, x: -2 * (x - (a * y**2 + b)), "inner factor"),
    (lambda y, a, b, x: -2 * (x - (a * y**2 + b)) * a, "not a"),
    (lambda y, a, b, x: -2 * (x - (a * y**2 + b)) * 2 * y, "factor a is missing"),
    (lambda y, a, b, x: -2 * (x - (a * y**2 + b)) * a * y, "one from y²"),
    (lambda y, a, b, x: 2 * a * y, "the model's slope"),
    (lambda y, a, b, x: (x - (a * y**2 + b)) ** 2, "the loss L itself"),
    (lambda y, a, b, x: 0.0, "but dL/dy ="),
    (lambda y, a, b, x: 1 / 0, "raised ZeroDivisionError"),
    (lambda y, a, b, x: "1.0", "single number"),
    (lambda y, a, b, x: [1.0, 2.0], "single number"),
    (lambda y, a, b, x: None, "replace None"),
    (3.0, "the function itself"),
])
def test_square_gradient_wrong(wrong, says):
    feedback = nb01.check_square_gradient(wrong)
    assert not feedback and says in repr(feedback), repr(feedback)


# The answers the hidden solutions give, as (check, arguments); tests/test_solutions.py
# gives each to its check and keeps them out of the notebook's outputs.
SOLUTIONS = [
    (nb01.check_minimiser, (4.0,)),
    (nb01.check_curvature, (18.0,)),
    (nb01.check_valley_width, (1.6,)),
    (nb01.check_square_gradient, (square_loss_gradient,)),
]


def test_numbers_the_prose_states():
    """Sections 3 and 4: y* = (0 − (−4))/2 = 2; L = 4 one unit from it; b = −2a puts every
    valley's bottom at 2; for a = 0.1, L = 0.01 (y − 2)² < 0.01 exactly for 1 < y < 3, and a loss
    of 0.01 is an error of √0.01 = 0.1 in x."""
    line = invlib.Line()
    assert (0.0 - (-4.0)) / 2.0 == 2.0
    assert invlib.inner_loss(line, (2.0, -4.0), 0.0, 1.0) == invlib.inner_loss(line, (2.0, -4.0), 0.0, 3.0) == 4.0
    for a in (2.0, 1.0, 0.5, 0.1):
        assert (0.0 - (-2 * a)) / a == pytest.approx(2.0)
    y = np.linspace(-4.0, 8.0, 120_001)
    inside = y[invlib.inner_loss(line, (0.1, -0.2), 0.0, y) < 0.01]
    assert inside.min() == pytest.approx(1.0, abs=2e-4) and inside.max() == pytest.approx(3.0, abs=2e-4)
    assert np.sqrt(0.01) == pytest.approx(0.1)
    assert 4.0 - np.arctanh(0.5) == pytest.approx(3.45, abs=0.01)  # "about 3.45 away"


def test_numbers_of_section_6a():
    """y* = artanh(0.5) ≈ 0.5493 for x = 0.5, and L = (1.5 − tanh y)² > 0.25 for every y: x = 1.5
    has no minimum, L only approaches 0.25."""
    assert np.arctanh(0.5) == pytest.approx(0.5493, abs=5e-5)
    y = np.linspace(-8.0, 8.0, 16_001)
    loss = (1.5 - np.tanh(y)) ** 2
    assert np.all(loss > 0.25) and loss[-1] == pytest.approx(0.25, abs=1e-6)
