"""Notebook 02: the descent dashboard at every corner and inside, and the self-checks."""

import numpy as np
import pytest

import invlib
from invlib import widgets
from invlib.dashboards import nb02 as panel
from invlib.selfcheck import nb02

from dashboard_checks import (assert_shown, check_every_corner, check_random_settings,
                              line_steps_diverge)


@pytest.fixture(scope="module")
def dashboard():
    return panel.descent_dashboard()


def check_setting(dashboard, values):
    message = dashboard.update(**values)
    assert_shown(dashboard, values)
    assert bool(message) == line_steps_diverge(values, panel.EDGE), (values, message)
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
    check_every_corner(dashboard, check_setting, 2**4)


def test_random_interior_points(dashboard):
    check_random_settings(dashboard, check_setting, 20, seed=2)


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
    assert nb02.check_converging_alphas([0.1, 0.25, 0.5, 0.8])
    assert nb02.check_converging_alphas((0.8, 0.5, 0.25, 0.1))
    assert nb02.check_converging_alphas(np.array([0.1, 0.25, 0.5, 0.8]))


def test_converging_alphas_are_those_whose_runs_converge():
    """Run each candidate on the line with a = 1: the answer is what the steps really do."""
    converge = [alpha for alpha in nb02.CANDIDATE_ALPHAS
                if abs(invlib.invert(invlib.Line(), (1.0, 0.5), 2.0, -3.0, alpha, 200).y - 1.5) < 1e-6]
    assert converge == [0.1, 0.25, 0.5, 0.8]
    assert nb02.check_converging_alphas(converge)


@pytest.mark.parametrize("answer, says", [
    ([0.1, 0.25, 0.5, 0.8, 1.0], "bounces"),
    ([0.1, 0.25, 0.5], "zigzag"),
    ([0.1, 0.25, 0.8], "single step"),
    ([0.1, 0.25, 0.5, 0.8, 1.2], "larger"),
    ([0.1], "limit α < 0.25 of the line with a = 2"),
    ([0.1, 0.3], "not one of the candidates"),
    (0.1, "list"),
    ("0.1", "list"),
])
def test_converging_alphas_wrong(answer, says):
    feedback = nb02.check_converging_alphas(answer)
    assert not feedback and says in repr(feedback)


def test_one_step_alpha_rounded_to_three_digits_is_accepted():
    feedback = nb02.check_one_step_alpha(0.0556)
    assert feedback and "three significant digits" in repr(feedback)


def test_dashboard_numbers_sit_above_the_lower_panel(dashboard):
    """The q, y*, g_N line is drawn above the loss axes, never on the data."""
    info = dashboard.animated[4]
    for values in list(dashboard.corners()) + list(dashboard.random_settings(10, seed=5)):
        dashboard.update(**values)
        dashboard.render_frame()
        box = info.get_window_extent(dashboard.canvas.get_renderer())
        axes = info.axes.get_window_extent(dashboard.canvas.get_renderer())
        assert box.y0 >= axes.y1 and box.x1 <= dashboard.figure.bbox.x1, values


def test_dashboard_fits_600_pixels(dashboard):
    width, _ = dashboard.canvas.get_width_height()
    assert width <= 600


# --- The numbers the hidden solutions quote (recomputed here, not shown in the notebook) ---

def test_numbers_quoted_in_the_solutions():
    assert np.isclose(1 / (2 * 3**2), 0.0556, atol=5e-5) and np.isclose(1 / 3**2, 0.111, atol=5e-4)
    assert np.isclose(1 - 2 * 0.1 * 3**2, -0.8)
    assert np.allclose([1 - 2 * step for step in nb02.CANDIDATE_ALPHAS],
                       [0.8, 0.5, 0.0, -0.6, -1.0, -1.4])
    assert abs(0.6**28 - 6.1e-7) < 0.05e-7 and 0.36**14 <= 1e-6 < 0.36**13
    assert nb02.steps_for_reduction(0.05, 2.0, 1e6) == 28
    assert abs(np.log(1e6) / -np.log(0.6) - 27.05) < 0.005
    assert 0.6**27 > 1e-6 > 0.6**28 and abs(0.6**27 - 1.02e-6) < 0.005e-6
    assert nb02.steps_for_reduction(0.05, 2.0, 1e3) == 14


def test_the_count_law_near_both_ends():
    """Section 4: n ≈ ln 10³/(2αa²) as α → 0, and the same with 1/a² − α near the limit."""
    a = 2.0
    for step in (0.005, 0.01):
        n = nb02.steps_for_reduction(step, a, 1e3)
        mirror = nb02.steps_for_reduction(1 / a**2 - step, a, 1e3)
        law = np.log(1e3) / (2 * step * a**2)
        assert n == mirror and 0.95 * law < n <= law
    assert [nb02.steps_for_reduction(s, a, 1e3) for s in (0.01, 0.005)] == [83, 170]
    assert np.isclose(np.log(1e3) / 0.08, 86.3, atol=0.05)
    assert np.isclose(np.log(1e3) / 0.04, 172.7, atol=0.05)


# --- Exercise 5 (code): the offset of the N-step prediction -------------------------------

def prediction_offset(a, b, y0, alpha, n_steps):
    """The solution: d = q^N·g₀ − (1 − q^N)·b/a in h(x) = s·x + d."""
    q = 1 - 2 * alpha * a**2
    return q**n_steps * y0 - (1 - q**n_steps) * b / a


def test_prediction_offset_solution_agrees_with_the_steps_on_arrays():
    """With section 5's slope s = (1 − q^N)/a, s·x + d is N real steps at every x."""
    xs = np.linspace(-3.0, 3.0, 7)
    for a, b, y0, alpha, n in [(2.0, -4.0, 0.5, 0.05, 20), (1.3, 0.2, -1.0, 0.5, 7),
                               (2.0, -4.0, -2.5, 0.125, 3)]:
        steps = invlib.invert(invlib.Line(), (a, b), xs, y0, alpha, n).y
        slope = (1 - invlib.line.q(alpha, a) ** n) / a
        assert np.allclose(slope * xs + prediction_offset(a, b, y0, alpha, n), steps,
                           rtol=0, atol=1e-12)


def test_prediction_offset_right():
    feedback = nb02.check_offset(prediction_offset)
    assert feedback and "invlib.invert" in repr(feedback)


def _by_taking_the_steps(a, b, y0, alpha, n_steps):
    g = y0
    for _ in range(n_steps):  # from x = 0, where h(0) = d
        g = g + 2 * alpha * a * (0.0 - a * g - b)
    return g


def test_prediction_offset_by_taking_the_steps_is_right_too():
    assert nb02.check_offset(_by_taking_the_steps)


def _q(alpha, a):
    return 1 - 2 * alpha * a**2


@pytest.mark.parametrize("wrong, says", [
    (lambda a, b, y0, al, n: prediction_offset(a, b, y0, al, n + 1), "off by one"),
    (lambda a, b, y0, al, n: prediction_offset(a, b, y0, al, n - 1), "off by one"),
    (lambda a, b, y0, al, n: prediction_offset(a, b, y0, al / 2, n), "factor 2"),
    (lambda a, b, y0, al, n: (1 - _q(al, a) ** n) / a, "that is the slope s"),
    (lambda a, b, y0, al, n: _q(al, a) ** n * y0, "−(1 − q^N)·b/a"),
    (lambda a, b, y0, al, n: -(1 - _q(al, a) ** n) * b / a, "misses the start"),
    (lambda a, b, y0, al, n: _q(al, a) ** n * y0 + (1 - _q(al, a) ** n) * b / a, "wrong sign"),
    (lambda a, b, y0, al, n: -b / a, "offset of the exact inverse"),
    (lambda a, b, y0, al, n: (1 - _q(al, a) ** n) * y0 - _q(al, a) ** n * b / a,
     "weights are swapped"),
    (lambda a, b, y0, al, n: 0.0, "the offset is not right yet"),
    (lambda a, b, y0, al, n: ((1 - _q(al, a) ** n) / a, prediction_offset(a, b, y0, al, n)),
     "one number, the offset d"),
    (lambda a, b, y0, al, n: None, "replace None"),
    (lambda a, b, y0, al, n: float("nan"), "not finite"),
    (lambda a, b, y0, al, n: a / 0, "raised ZeroDivisionError"),
    ("prediction_offset", "the function itself"),
])
def test_prediction_offset_wrong(wrong, says):
    feedback = nb02.check_offset(wrong)
    assert not feedback and says in repr(feedback), repr(feedback)


# The answers the hidden solutions give, as (check, arguments); tests/test_solutions.py
# gives each to its check and keeps them out of the notebook's outputs.
SOLUTIONS = [
    (nb02.check_one_step_alpha, (1 / 18,)),
    (nb02.check_q, (-0.8,)),
    (nb02.check_steps, (28,)),
    (nb02.check_converging_alphas, ([0.1, 0.25, 0.5, 0.8],)),
    (nb02.check_offset, (prediction_offset,)),
]


def test_numbers_the_prose_states():
    """Sections 2–4: f(2) = 0 for f(y) = 2y − 4; q = 1 − 2·0.05·4 = 0.6; for a = 2 the special
    widths 1/(2a²) = 0.125 and 1/a² = 0.25; the largest float is ≈ 1.8·10³⁰⁸."""
    assert 2 * 2.0 - 4 == 0.0
    assert invlib.line.q(0.05, 2.0) == pytest.approx(0.6)
    assert 1 / (2 * 2.0**2) == 0.125 and invlib.stability_limit(2.0) == 0.25
    assert np.finfo(float).max / 1e308 == pytest.approx(1.8, abs=0.005)


def test_the_five_regimes_of_section_3():
    """α = 0.05, 0.125, 0.2, 0.25, 0.3 give q = 0.6, 0, −0.6, −1, −1.4 for a = 2: one per row of
    the table (0 < q < 1, q = 0, −1 < q < 0, q = −1, q < −1)."""
    qs = [invlib.line.q(alpha, 2.0) for alpha in (0.05, 0.125, 0.2, 0.25, 0.3)]
    assert np.allclose(qs, [0.6, 0.0, -0.6, -1.0, -1.4])
    assert 0 < qs[0] < 1 and qs[1] == 0 and -1 < qs[2] < 0 and qs[3] == -1 and qs[4] < -1
