"""Notebook 07: the slope of the N-step predictor, the momentum dashboard at every corner and
inside, and the self-checks. (The rate formulas of invlib.rates are tested in test_rates.py.)"""

import math

import numpy as np
import pytest
import sympy

import invlib
from invlib import rates, selfcheck, widgets
from invlib.dashboards import nb07 as panel
from invlib.selfcheck import nb07

from dashboard_checks import assert_shown, check_every_corner, check_random_settings

LINE = invlib.Line()


# --- the predictor's slope and the zero-loss points ----------------------------------------

@pytest.mark.parametrize("mu", [0.0, 0.5, 0.7])
def test_predictor_is_affine_with_the_slope(mu):
    a, b, y0 = 0.8, -1.3, 1.99
    xs = np.linspace(-5, 5, 11)
    h = invlib.invert(LINE, (a, b), xs, y0, 0.05, 20, momentum=mu).y
    p = rates.error_path(0.05, mu, rates.curvature(a), 20)[-1]
    np.testing.assert_allclose(h, rates.slope(a, 0.05, 20, momentum=mu) * (xs - b) + p * y0,
                               rtol=0, atol=1e-12)


def test_predictor_slope_without_momentum_is_the_closed_form():
    a = np.linspace(0.1, 3.0, 30)
    q = 1 - 2 * 0.05 * a**2
    np.testing.assert_allclose(rates.slope(a, 0.05, 20, momentum=0.0), (1 - q**20) / a,
                               rtol=1e-12)


@pytest.mark.parametrize("mu, expected", [(0.0, (0.2674, 1.99993)), (0.5, (0.1356, 1.99878))])
def test_slope_roots_are_zero_loss_points(mu, expected):
    problem = invlib.data.original_problem()
    roots = rates.slope_roots(0.5, 0.05, 20, a_min=0.01, a_max=3.0, momentum=mu)
    np.testing.assert_allclose(roots, expected, atol=5e-5)
    for root in roots:
        p = rates.error_path(0.05, mu, rates.curvature(root), 20)[-1]
        b = 2 * (p * problem.y0_training - 2)
        h = invlib.invert(LINE, (root, b), problem.x, problem.y0_training, 0.05, 20, momentum=mu).y
        assert float(np.sum((problem.y - h) ** 2)) < 1e-20


# --- the dashboard -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dashboard():
    return panel.momentum_dashboard()


def expects_message(values):
    rho_plain, rho_heavy = panel.classify(values["alpha"], values["momentum"], values["a"])
    return max(rho_plain, rho_heavy) >= 1 - panel.EDGE


def check_setting(dashboard, values):
    message = dashboard.update(**values)
    assert_shown(dashboard, values)
    assert bool(message) == expects_message(values), (values, message)
    if message:
        assert "Lower α" in message and ("diverges" in message or "never settles" in message)
    for artist in dashboard.animated[:6]:
        for data in (artist.get_xdata(), artist.get_ydata()):
            assert np.all(np.abs(np.asarray(data, dtype=float)) < 1e6), values


def test_defaults(dashboard):
    assert dashboard.update(alpha=0.05, momentum=0.7, n_steps=150, a=0.5) == ""
    plain, heavy = dashboard.animated[0], dashboard.animated[1]
    assert len(plain.get_xdata()) == len(heavy.get_xdata()) == 151
    assert abs(heavy.get_ydata()[-1] - 2.0) < 1e-7 < abs(plain.get_ydata()[-1] - 2.0)


def test_every_corner_renders_the_widget_frame(dashboard):
    """At every corner: finite data, the right message, and the JPEG frame the widget shows."""
    check_every_corner(dashboard, check_setting, 2**4)


def test_random_interior_points(dashboard):
    assert all(isinstance(s["n_steps"], int) for s in dashboard.random_settings(20, seed=6))
    check_random_settings(dashboard, check_setting, 20, seed=6)


def test_messages(dashboard):
    plain_only = dashboard.update(alpha=0.2, momentum=0.5, n_steps=50, a=2.5)   # αc = 2.5
    assert plain_only.startswith("Plain descent diverges") and "Heavy ball" not in plain_only
    both = dashboard.update(alpha=0.5, momentum=0.3, n_steps=200, a=2.5)        # αc = 6.25
    assert "Plain descent diverges" in both and "Heavy ball diverges" in both
    assert "2(1 + μ) = 2.600" in both
    edge = dashboard.update(alpha=0.16, momentum=0.5, n_steps=50, a=2.5)        # αc = 2
    assert edge.startswith("Plain descent never settles")
    heavy_edge = dashboard.update(alpha=0.3, momentum=0.875, n_steps=50, a=2.5)  # αc = 2(1 + μ)
    assert "Heavy ball never settles" in heavy_edge
    assert widgets.figure_is_finite(dashboard.figure)
    # Polyak's pair for [0.5, 2]: too large a step for plain descent from a ≈ 1.77 on,
    # fine for the heavy ball up to a ≈ 2.06
    assert dashboard.update(alpha=0.32, momentum=0.36, n_steps=60, a=1.75) == ""
    polyak = dashboard.update(alpha=0.32, momentum=0.36, n_steps=60, a=2.0)
    assert polyak.startswith("Plain descent diverges") and "Heavy ball" not in polyak
    assert "Heavy ball diverges" in dashboard.update(alpha=0.32, momentum=0.36, n_steps=60, a=2.1)


def test_a_diverging_path_is_cut_at_the_window(dashboard):
    dashboard.update(alpha=0.5, momentum=0.0, n_steps=200, a=2.5)
    ys = np.asarray(dashboard.animated[0].get_ydata())
    assert 1 <= ys.size < 20
    assert np.all((ys[:-1] >= panel.G_LIMITS[0]) & (ys[:-1] <= panel.G_LIMITS[1]))


def test_path_falls_back_after_a_divergence_error():
    with pytest.raises(invlib.DivergenceError):
        invlib.invert(LINE, (2.5, -5.0), 0.0, -2.5, 0.5, 200)
    path = panel._path((2.5, -5.0), -2.5, 0.5, 200, 0.0)
    assert 1 < path.size < 201 and np.all(np.isfinite(path))


# --- self-checks ---------------------------------------------------------------------------

def test_selfcheck_constants_agree_with_the_formulas():
    c_min, c_max = 2.0, 18.0
    assert nb07.BEST_PLAIN_ALPHA == pytest.approx(2 / (c_min + c_max))
    assert nb07.PLAIN_RATE == pytest.approx(0.8)
    assert (nb07.POLYAK_ALPHA, nb07.POLYAK_MOMENTUM, nb07.POLYAK_RATE) == pytest.approx(
        (4 / (math.sqrt(c_max) + math.sqrt(c_min)) ** 2, 0.25, 0.5))
    assert nb07.NESTEROV_LIMIT == pytest.approx(2 / 11)


@pytest.mark.parametrize("answer", [0.1, 1 / 10, np.float64(0.1), 2 / 20])
def test_best_plain_alpha_right(answer):
    feedback = nb07.check_best_plain_alpha(answer)
    assert feedback and repr(feedback).startswith("Correct")


@pytest.mark.parametrize("answer, says", [
    (0.5, "slopes a instead of the curvatures"), (0.2, "a² as the curvature"),
    (0.05, "gives α(c_min + c_max) = 2"), (1 / 18, "best step for a = 3 alone"),
    (1 / 9, "edge of stability"), (0.125, "Polyak"), (-0.1, "sign"),
    (0.3, "diverge at a = 3"), (0.105, "steep end a = 3"), (0.07, "flat end a = 1"),
    (-0.2, "must be > 0"), ("0.1", "single number"), (float("nan"), "finite"),
])
def test_best_plain_alpha_wrong(answer, says):
    feedback = nb07.check_best_plain_alpha(answer)
    assert not feedback and says in repr(feedback)


@pytest.mark.parametrize("answer", [0.8, 4 / 5, np.float32(0.8)])
def test_plain_rate_right(answer):
    assert nb07.check_plain_rate(answer)


@pytest.mark.parametrize("answer, says", [
    (0.5, "Polyak"), (0.0, "middle curvature"), (0.64, "squared"), (8 / 9, "α = 1/c_max"),
    (0.9, "original α"), (0.95, "too large: evaluate |1 − αc|"), (0.7, "too small"),
    (1.2, "would mean the steps do not converge"), (-0.3, "never negative"),
])
def test_plain_rate_wrong(answer, says):
    feedback = nb07.check_plain_rate(answer)
    assert not feedback and says in repr(feedback)


@pytest.mark.parametrize("answer", [0.25, 1 / 4])
def test_polyak_momentum_right(answer):
    assert nb07.check_polyak_momentum(answer)


@pytest.mark.parametrize("answer, says", [
    (0.5, "its square"), (((math.sqrt(3) - 1) / (math.sqrt(3) + 1)) ** 2, "κ = a_max/a_min = 3"),
    (0.8, "plain descent's best rate"), ((1 - math.sqrt(0.1)) ** 2, "at a = 1 alone"),
    (0.9, "common default"), (0.3, "slower than needed"), (0.1, "less than κ = 9"),
    (1.5, "not a momentum"), (True, "single number"),
])
def test_polyak_momentum_wrong(answer, says):
    feedback = nb07.check_polyak_momentum(answer)
    assert not feedback and says in repr(feedback)


@pytest.mark.parametrize("answer", [2 / 11, 0.1818, 0.18182])
def test_nesterov_limit_right(answer):
    assert nb07.check_nesterov_limit(answer)


@pytest.mark.parametrize("answer, says", [
    (0.4, "heavy ball's limit"), (0.25, "plain descent's limit"), (4 / 11, "You used c = a²"),
    (16 / 11, "product αc"), (0.15, "still converge, so the limit is larger"),
    (0.2, "do not converge, so the limit is smaller"), (-0.1, "must be > 0"),
    ("2/11", "single number"),
])
def test_nesterov_limit_wrong(answer, says):
    feedback = nb07.check_nesterov_limit(answer)
    assert not feedback and says in repr(feedback)


def test_every_wrong_answer_is_explained():
    """No check ever answers with the bare "too large"/"too small" of check_number."""
    checks = [nb07.check_best_plain_alpha, nb07.check_plain_rate, nb07.check_polyak_momentum,
              nb07.check_nesterov_limit]
    for check in checks:
        for value in np.linspace(-0.5, 1.5, 81):
            message = repr(check(float(value)))
            assert not message.endswith(("is too large.", "is too small.")), (check, value, message)


def test_dashboard_fits_600_pixels_and_keeps_text_off_the_data(dashboard):
    """At the inline 100 dpi the figure is at most 600 px wide; the legend and the rate line
    stand above their panels, outside the data."""
    width, _ = dashboard.figure.get_size_inches()
    assert width * 100 <= 600
    dashboard.update(alpha=0.05, momentum=0.7, n_steps=150, a=0.5)
    dashboard.canvas.draw()
    ax_path, ax_error = dashboard.figure.axes
    renderer = dashboard.canvas.get_renderer()
    legend = ax_path.get_legend().get_window_extent(renderer)
    assert legend.y0 >= ax_path.get_window_extent(renderer).y1 - 1
    info = dashboard.animated[-1].get_window_extent(renderer)
    assert info.y0 >= ax_error.get_window_extent(renderer).y1 - 1


def test_numbers_in_the_exercise_solutions():
    """The numbers the hidden solutions quote (kept out of the notebook's outputs)."""
    assert np.allclose(rates.best_plain_alpha(1.0, 3.0), (0.1, 0.8))
    assert np.allclose(rates.polyak_parameters(1.0, 3.0), (0.125, 0.25, 0.5))
    assert abs(np.log(1e8) / np.log(1 / 0.8) - 83) < 0.5
    assert round(np.log(1 / 0.8) / np.log(1 / 0.5), 1) == 0.3       # "about a third of the steps"
    limit = rates.stable_step_limit(0.6, nesterov=True) / rates.curvature(2.0)
    assert np.isclose(limit, 2 / 11) and abs(limit - 0.1818) < 5e-5
    assert np.isclose(rates.stable_step_limit(0.6, nesterov=True), 16 / 11)
    for factor, converges in [(0.999, True), (1.001, False)]:        # converging below, not above
        assert (rates.rate(factor * limit, 0.6, 8.0, nesterov=True) < 1) == converges
    assert np.isclose(rates.rate(limit, 0.6, 8.0, nesterov=True), 1.0)  # the edge: rate exactly 1
    assert np.isclose(rates.stable_step_limit(0.6) / 8.0, 0.4) and limit < 0.4 / 2
    assert np.isclose(1 / 2.0**2, 0.25)


def test_numbers_of_the_aim_and_the_dashboard_tips():
    """The aim quotes section 5's counts; the dashboard's tips quote μ_edge, 1.77 and 2.06."""
    assert rates.steps_to_tolerance(0.05, 0.0, rates.curvature(0.5)) == 728
    assert rates.steps_to_tolerance(0.05, 0.0, rates.curvature(2.0)) == 37
    mu_edge = rates.best_momentum(0.05, rates.curvature(0.5))
    assert 0.70 < mu_edge < 0.71        # "raise μ past 0.71": the heavy ball starts to swing
    assert rates.rate(0.05, 0.7, rates.curvature(2.0)) > rates.plain_rate(0.05, rates.curvature(2.0))
    assert abs(np.sqrt(1 / 0.32) - 1.77) < 0.005    # plain descent with α = 0.32 diverges from here
    assert rates.plain_rate(0.32, rates.curvature(1.76)) < 1 < rates.plain_rate(0.32, rates.curvature(1.77))
    for a in (0.5, 1.0, 1.5, 2.0):                  # Polyak's pair: rate 0.6 across [0.5, 2]
        assert rates.rate(0.32, 0.36, rates.curvature(a)) == pytest.approx(0.6, abs=1e-6)
    assert rates.rate(0.32, 0.36, rates.curvature(2.05)) < 1 < rates.rate(0.32, 0.36,
                                                                         rates.curvature(2.07))


def test_best_momentum_for_one_curvature_beats_every_other():
    """Section 3's argument: below μ_edge the rate exceeds √μ_edge (P(√μ_edge) < 0), above it
    the rate is √μ; for several αc, not only the notebook's."""
    for step_c in (0.025, 0.1, 0.4, 0.9):
        mu_edge = rates.best_momentum(step_c, 1.0)
        rho_edge = np.sqrt(mu_edge)
        assert np.isclose(rho_edge, 1 - np.sqrt(step_c))
        mus = np.linspace(0.0, 0.99, 991)
        rho = rates.rate(step_c, mus, 1.0)
        assert np.all(rho >= rho_edge - 1e-9)
        below, above = mus < mu_edge - 1e-6, mus > mu_edge + 1e-6
        poly = rho_edge**2 - (1 + mus - step_c) * rho_edge + mus
        np.testing.assert_allclose(poly, np.sqrt(step_c) * (mus - mu_edge), atol=1e-12)
        assert np.all(rho[below] > rho_edge) and np.allclose(rho[above], np.sqrt(mus[above]))


# --- exercise 5: one heavy-ball step for a·tanh(y) + b, written by the learner ----------------

def heavy_ball_step(g, velocity, theta, x, alpha, mu):
    """The solution the notebook hides."""
    a, b = theta
    L_y = -2 * a * (1 - np.tanh(g) ** 2) * (x - a * np.tanh(g) - b)
    velocity = mu * velocity - alpha * L_y
    return g + velocity, velocity


def test_heavy_ball_step_solution_is_correct():
    feedback = nb07.check_heavy_ball_step(heavy_ball_step)
    assert feedback and "agree with invlib.invert" in feedback.message


def test_the_solutions_derivative_is_sympys():
    """∂L/∂y of L = (x − a·tanh y − b)², as the solution writes it, from sympy and from the
    check's model."""
    a, b, x, y = sympy.symbols("a b x y")
    L = (x - a * sympy.tanh(y) - b) ** 2
    written = -2 * a * (1 - sympy.tanh(y) ** 2) * (x - a * sympy.tanh(y) - b)
    assert sympy.simplify(sympy.diff(L, y) - written) == 0
    model = nb07.tanh_model()
    for theta, x_value, g0, *_ in nb07.STEP_CASES:
        assert np.isclose(invlib.inner_gradient(model, theta, x_value, g0),
                          float(written.subs({a: theta[0], b: theta[1], x: x_value, y: g0})))


def test_the_checks_reference_is_the_heavy_ball():
    """invlib.invert with momentum, the check's reference, takes v ← μv − α∂L/∂y, g ← g + v, and
    each case converges towards y* = artanh((x − b)/a) without diverging."""
    model = nb07.tanh_model()
    for case in nb07.STEP_CASES:
        theta, x, g0, alpha, mu, n_steps = case
        path = nb07._run_steps(heavy_ball_step, case)
        result = invlib.invert(model, theta, x, g0, alpha, n_steps, momentum=mu)
        np.testing.assert_allclose(path, result.path, atol=1e-12)
        y_star = np.arctanh((x - theta[1]) / theta[0])
        long = invlib.invert(model, theta, x, g0, alpha, 400, momentum=mu)
        assert abs(long.y - y_star) < 1e-8 and abs(path[-1] - y_star) < abs(g0 - y_star)


@pytest.mark.parametrize("wrong, says", [(wrong, message[:30]) for wrong, message in nb07.WRONG_STEPS] + [
    (lambda g, v, theta, x, alpha, mu: (g * 1.01 + 1, v), "Check ∂L/∂y"),
    (lambda g, v, theta, x, alpha, mu: 3.0, "Return a pair"),
    (lambda g, v, theta, x, alpha, mu: ([1.0, 2.0], 2.0), "Return a pair"),
    (lambda g, v, theta, x, alpha, mu: (g * np.nan, v), "not finite"),
    (lambda g, v, theta, x, alpha, mu: 1 / 0, "ZeroDivisionError"),
    (3.0, "pass the function itself"),
])
def test_heavy_ball_step_mistakes_are_named(wrong, says):
    feedback = nb07.check_heavy_ball_step(wrong)
    assert not feedback and says in feedback.message, feedback.message


def test_heavy_ball_step_mistakes_differ_from_the_solution_and_each_other():
    """Each slip the check names gives other iterates than the right step, and than every
    other slip, in some setting (so each message is reachable)."""
    steps = [heavy_ball_step] + [wrong for wrong, _ in nb07.WRONG_STEPS]
    for i, one in enumerate(steps):
        for other in steps[i + 1:]:
            assert any(not np.allclose(nb07._run_steps(one, case), nb07._run_steps(other, case))
                       for case in nb07.STEP_CASES)


def test_heavy_ball_step_stub_is_not_yet():
    def stub(g, velocity, theta, x, alpha, mu):
        a, b = theta
        g_next, velocity_next = None, None
        return g_next, velocity_next

    assert repr(nb07.check_heavy_ball_step(stub)) == "Not yet: " + selfcheck.NO_ANSWER


# The answers the hidden solutions give, as (check, arguments); tests/test_solutions.py
# gives each to its check and keeps them out of the notebook's outputs.
SOLUTIONS = [
    (nb07.check_best_plain_alpha, (0.1,)),
    (nb07.check_plain_rate, (0.8,)),
    (nb07.check_polyak_momentum, (0.25,)),
    (nb07.check_nesterov_limit, (2 / 11,)),
    (nb07.check_heavy_ball_step, (heavy_ball_step,)),
]
