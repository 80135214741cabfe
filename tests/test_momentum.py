"""Notebook 06: the rate formulas against eigenvalues and against running the steps, the
momentum dashboard at every corner and inside, and the self-checks."""

import math

import numpy as np
import pytest

import invlib
from invlib import widgets
from invlib.dashboards import momentum
from invlib.selfcheck import nb06

LINE = invlib.Line()


def worst_rate(alpha, mu, a_min, a_max, n=201, nesterov=False):
    curvatures = momentum.curvature(np.linspace(a_min, a_max, n))
    return momentum.rate(alpha, mu, curvatures, nesterov).max()


# --- the error recursion is the steps of invlib.invert ----------------------------------

@pytest.mark.parametrize("nesterov", [False, True])
@pytest.mark.parametrize("alpha, mu, a", [(0.05, 0.0, 0.5), (0.05, 0.7, 0.5), (0.05, 0.7, 2.0),
                                          (0.32, 0.36, 1.3), (0.1, 0.9, 1.5)])
def test_error_path_is_invert(alpha, mu, a, nesterov):
    x, b, y0 = 0.7, -1.1, -2.5
    y_star = (x - b) / a
    run = invlib.invert(LINE, (a, b), x, y0, alpha, 60, momentum=mu, nesterov=nesterov)
    errors = momentum.error_path(alpha, mu, momentum.curvature(a), 60, e0=y0 - y_star,
                                 nesterov=nesterov)
    np.testing.assert_allclose(errors, run.path - y_star, rtol=0, atol=1e-12)


@pytest.mark.parametrize("nesterov", [False, True])
def test_matrix_powers_give_the_errors(nesterov):
    rng = np.random.default_rng(6)
    for _ in range(10):
        alpha, mu, c = rng.uniform(0.01, 0.5), rng.uniform(0, 0.95), rng.uniform(0.1, 8)
        matrix = momentum.iteration_matrix(alpha, mu, c, nesterov)
        errors = momentum.error_path(alpha, mu, c, 30, nesterov=nesterov)
        by_matrix = [(np.linalg.matrix_power(matrix, n) @ [1.0, 1.0])[0] for n in range(31)]
        np.testing.assert_allclose(errors, by_matrix, rtol=1e-9, atol=1e-12)


def test_iteration_matrix_broadcasts():
    matrices = momentum.iteration_matrix(np.array([0.1, 0.2]), 0.5, np.array([[1.0], [2.0]]))
    assert matrices.shape == (2, 2, 2, 2)
    np.testing.assert_allclose(matrices[1, 0], [[1 + 0.5 - 0.2, -0.5], [1, 0]])


# --- rates: eigenvalues, closed forms and long runs -------------------------------------

def test_plain_rate_is_the_spectral_radius_without_momentum():
    alpha = np.linspace(0.01, 0.5, 50)
    c = np.linspace(0.5, 8, 50)
    np.testing.assert_allclose(momentum.rate(alpha[:, None], 0.0, c), momentum.plain_rate(alpha[:, None], c),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("mu", [0.1, 0.36, 0.7, 0.95])
def test_heavy_ball_band_and_stability(mu):
    low, high = (1 - math.sqrt(mu)) ** 2, (1 + math.sqrt(mu)) ** 2
    inside = np.linspace(low * 1.0001, high * 0.9999, 40)
    np.testing.assert_allclose(momentum.rate(inside, mu, 1.0), math.sqrt(mu), rtol=1e-9)
    assert momentum.rate(0.5 * low, mu, 1.0) > math.sqrt(mu)
    limit = 2 * (1 + mu)
    assert momentum.rate(limit * (1 - 1e-6), mu, 1.0) < 1 < momentum.rate(limit * (1 + 1e-6), mu, 1.0)


@pytest.mark.parametrize("mu", [0.2, 0.5, 0.7, 0.9])
def test_nesterov_stability_limit_is_below_plain(mu):
    limit = 2 * (1 + mu) / (1 + 2 * mu)
    assert limit < 2
    assert momentum.rate(limit * (1 - 1e-6), mu, 1.0, nesterov=True) < 1
    assert momentum.rate(limit * (1 + 1e-6), mu, 1.0, nesterov=True) > 1


@pytest.mark.parametrize("alpha, mu, a", [(0.05, 0.0, 0.5), (0.05, 0.7, 0.5), (0.05, 0.7, 2.0),
                                          (0.32, 0.36, 1.0), (0.1, 0.9, 1.5), (0.2, 0.3, 1.2)])
def test_rate_matches_long_runs(alpha, mu, a):
    c = momentum.curvature(a)
    errors = np.abs(momentum.error_path(alpha, mu, c, 400))
    measured = (errors[380:400].max() / errors[180:200].max()) ** (1 / 200)
    assert measured == pytest.approx(momentum.rate(alpha, mu, c), rel=0.01)


@pytest.mark.parametrize("a_min, a_max", [(0.5, 2.0), (1.0, 3.0), (0.25, 3.5), (1.0, 1.5)])
def test_best_plain_alpha_beats_every_other_alpha(a_min, a_max):
    alpha, rate = momentum.best_plain_alpha(a_min, a_max)
    kappa = (a_max / a_min) ** 2
    assert rate == pytest.approx((kappa - 1) / (kappa + 1))
    assert worst_rate(alpha, 0.0, a_min, a_max) == pytest.approx(rate, rel=1e-9)
    grid = np.linspace(0.2 * alpha, 1.8 * alpha, 801)
    worst = [worst_rate(step, 0.0, a_min, a_max, n=41) for step in grid]
    assert min(worst) >= rate - 1e-9
    assert grid[int(np.argmin(worst))] == pytest.approx(alpha, rel=0.005)


@pytest.mark.parametrize("a_min, a_max", [(0.5, 2.0), (1.0, 3.0), (0.25, 3.5)])
def test_polyak_parameters_are_the_best_heavy_ball(a_min, a_max):
    alpha, mu, rate = momentum.polyak_parameters(a_min, a_max)
    root_kappa = a_max / a_min
    assert rate == pytest.approx((root_kappa - 1) / (root_kappa + 1))
    assert mu == pytest.approx(rate**2)
    assert worst_rate(alpha, mu, a_min, a_max) == pytest.approx(rate, abs=1e-6)
    # no (α, μ) on a grid around them does better
    alphas = np.linspace(0.5 * alpha, 1.5 * alpha, 41)
    mus = np.linspace(0.0, 0.98, 50)
    A, MU, C = np.meshgrid(alphas, mus, momentum.curvature(np.linspace(a_min, a_max, 41)), indexing="ij")
    assert momentum.rate(A, MU, C).max(axis=-1).min() >= rate - 1e-6
    # and plain descent's best is worse whenever the range is not a single point
    assert momentum.best_plain_alpha(a_min, a_max)[1] > rate


def test_notebook_numbers_for_the_original_range():
    assert momentum.best_plain_alpha(0.5, 2.0) == pytest.approx((4 / 17, 15 / 17))
    assert momentum.polyak_parameters(0.5, 2.0) == pytest.approx((0.32, 0.36, 0.6))
    assert momentum.plain_rate(0.05, 0.5) == pytest.approx(0.975)


# --- counting steps ------------------------------------------------------------------------

def count_with_invert(alpha, mu, a, tol=1e-8, max_steps=1000):
    y0, y_star = -2.5, 2.0
    run = invlib.invert(LINE, (a, -a * y_star), 0.0, y0, alpha, max_steps, momentum=mu)
    above = np.abs(run.path - y_star) >= tol * abs(y0 - y_star)
    return int(np.nonzero(above)[0][-1]) + 1


@pytest.mark.parametrize("alpha, mu, a, expected", [
    (0.05, 0.0, 0.5, 728), (0.05, 0.0, 2.0, 37), (4 / 17, 0.0, 0.5, 148), (4 / 17, 0.0, 2.0, 148),
    (0.32, 0.36, 0.5, 42), (0.32, 0.36, 2.0, 45), (0.05, (1 - math.sqrt(0.025)) ** 2, 0.5, 125),
])
def test_steps_to_tolerance(alpha, mu, a, expected):
    counted = momentum.steps_to_tolerance(alpha, mu, momentum.curvature(a))
    assert counted == expected == count_with_invert(alpha, mu, a)


@pytest.mark.parametrize("alpha, a", [(0.05, 0.5), (0.05, 1.0), (0.05, 2.0), (0.2, 1.0), (0.02, 3.0)])
def test_plain_counts_follow_from_the_rate(alpha, a):
    rate = float(momentum.plain_rate(alpha, momentum.curvature(a)))
    assert momentum.steps_to_tolerance(alpha, 0.0, momentum.curvature(a)) == math.ceil(math.log(1e8) / -math.log(rate))


def test_steps_to_tolerance_is_nan_when_not_reached():
    assert np.isnan(momentum.steps_to_tolerance(0.005, 0.0, 0.5, max_steps=100))
    assert np.isnan(momentum.steps_to_tolerance(0.5, 0.0, 8.0, max_steps=100))  # diverges


# --- the predictor's slope and the zero-loss points ----------------------------------------

@pytest.mark.parametrize("mu", [0.0, 0.5, 0.7])
def test_predictor_is_affine_with_the_slope(mu):
    a, b, y0 = 0.8, -1.3, 1.99
    xs = np.linspace(-5, 5, 11)
    h = invlib.invert(LINE, (a, b), xs, y0, 0.05, 20, momentum=mu).y
    p = momentum.error_path(0.05, mu, momentum.curvature(a), 20)[-1]
    np.testing.assert_allclose(h, momentum.predictor_slope(a, 0.05, mu, 20) * (xs - b) + p * y0,
                               rtol=0, atol=1e-12)


@pytest.mark.parametrize("mu, expected", [(0.0, (0.2674, 1.99993)), (0.5, (0.1356, 1.99878))])
def test_slope_roots_are_zero_loss_points(mu, expected):
    problem = invlib.data.original_problem()
    roots = momentum.slope_roots(0.05, mu, 20)
    np.testing.assert_allclose(roots, expected, atol=5e-5)
    for root in roots:
        p = momentum.error_path(0.05, mu, momentum.curvature(root), 20)[-1]
        b = 2 * (p * problem.y0_training - 2)
        T = invlib.training_loss(LINE, (root, b), problem.x, problem.y, problem.y0_training, 0.05, 20) \
            if mu == 0 else float(np.sum((problem.y - invlib.invert(
                LINE, (root, b), problem.x, problem.y0_training, 0.05, 20, momentum=mu).y) ** 2))
        assert T < 1e-20


# --- the dashboard -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dashboard():
    return momentum.momentum_dashboard()


def expects_message(values):
    rho_plain, rho_heavy = momentum.classify(values["alpha"], values["momentum"], values["a"])
    return max(rho_plain, rho_heavy) >= 1 - momentum.EDGE


def check_setting(dashboard, values):
    message = dashboard.update(**values)
    assert widgets.figure_is_finite(dashboard.figure), values
    assert dashboard.render_png().startswith(b"\x89PNG"), values
    assert bool(message) == expects_message(values), (values, message)
    if message:
        assert "Lower α" in message and ("diverges" in message or "never settles" in message)
    for line in dashboard.animated[:6]:
        for data in (line.get_xdata(), line.get_ydata()):
            assert np.all(np.abs(np.asarray(data, dtype=float)) < 1e6), values


def test_defaults(dashboard):
    assert dashboard.update(alpha=0.05, momentum=0.7, n_steps=150, a=0.5) == ""
    plain, heavy = dashboard.animated[0], dashboard.animated[1]
    assert len(plain.get_xdata()) == len(heavy.get_xdata()) == 151
    assert abs(heavy.get_ydata()[-1] - 2.0) < 1e-7 < abs(plain.get_ydata()[-1] - 2.0)


def test_every_corner(dashboard):
    corners = list(dashboard.corners())
    assert len(corners) == 2**4
    for corner in corners:
        check_setting(dashboard, corner)


def test_random_interior_points(dashboard):
    rng = np.random.default_rng(6)
    for _ in range(20):
        values = {name: control.min + rng.uniform() * (control.max - control.min)
                  for name, control in dashboard.controls.items()}
        values["n_steps"] = int(round(values["n_steps"]))
        check_setting(dashboard, values)


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
    assert np.all((ys[:-1] >= momentum.G_LIMITS[0]) & (ys[:-1] <= momentum.G_LIMITS[1]))


def test_path_falls_back_after_a_divergence_error():
    with pytest.raises(invlib.DivergenceError):
        invlib.invert(LINE, (2.5, -5.0), 0.0, -2.5, 0.5, 200)
    path = momentum._path((2.5, -5.0), -2.5, 0.5, 200, 0.0)
    assert 1 < path.size < 201 and np.all(np.isfinite(path))


def test_update_and_render_are_fast_enough(dashboard):
    """Kernel-side cost of one slider move; generous, since the test machine may be busy."""
    import time

    rng = np.random.default_rng(1)
    times = []
    for _ in range(10):
        values = {name: control.min + rng.uniform() * (control.max - control.min)
                  for name, control in dashboard.controls.items()}
        values["n_steps"] = int(round(values["n_steps"]))
        start = time.perf_counter()
        dashboard.update(**values)
        dashboard.render_png()
        times.append(time.perf_counter() - start)
    assert np.median(times) < 0.25


# --- self-checks ---------------------------------------------------------------------------

def test_selfcheck_constants_agree_with_the_library():
    assert (nb06.BEST_PLAIN_ALPHA, nb06.PLAIN_RATE) == pytest.approx(momentum.best_plain_alpha(1.0, 3.0))
    assert (nb06.POLYAK_ALPHA, nb06.POLYAK_MOMENTUM, nb06.POLYAK_RATE) == pytest.approx(
        momentum.polyak_parameters(1.0, 3.0))


@pytest.mark.parametrize("answer", [0.1, 1 / 10, np.float64(0.1), 2 / 20])
def test_best_plain_alpha_right(answer):
    feedback = nb06.check_best_plain_alpha(answer)
    assert feedback and repr(feedback).startswith("Correct")


@pytest.mark.parametrize("answer, says", [
    (0.5, "slopes a instead of the curvatures"), (0.2, "a² as the curvature"),
    (0.05, "gives α(c_min + c_max) = 2"), (1 / 18, "best step for a = 3 alone"),
    (1 / 9, "edge of stability"), (0.125, "Polyak"), (-0.1, "sign"), (0.3, "too large"),
    (0.07, "too small"), ("0.1", "single number"), (float("nan"), "finite"),
])
def test_best_plain_alpha_wrong(answer, says):
    feedback = nb06.check_best_plain_alpha(answer)
    assert not feedback and says in repr(feedback)


@pytest.mark.parametrize("answer", [0.8, 4 / 5, np.float32(0.8)])
def test_plain_rate_right(answer):
    assert nb06.check_plain_rate(answer)


@pytest.mark.parametrize("answer, says", [
    (0.5, "Polyak"), (0.0, "middle curvature"), (0.64, "squared"), (8 / 9, "α = 1/c_max"),
    (0.9, "original α"), (0.95, "too large"), (None, "single number"),
])
def test_plain_rate_wrong(answer, says):
    feedback = nb06.check_plain_rate(answer)
    assert not feedback and says in repr(feedback)


@pytest.mark.parametrize("answer", [0.25, 1 / 4])
def test_polyak_momentum_right(answer):
    assert nb06.check_polyak_momentum(answer)


@pytest.mark.parametrize("answer, says", [
    (0.5, "its square"), (((math.sqrt(3) - 1) / (math.sqrt(3) + 1)) ** 2, "κ = a_max/a_min = 3"),
    (0.8, "plain descent's best rate"), ((1 - math.sqrt(0.1)) ** 2, "critically damped"),
    (0.9, "common default"), (0.3, "too large"), (True, "single number"),
])
def test_polyak_momentum_wrong(answer, says):
    feedback = nb06.check_polyak_momentum(answer)
    assert not feedback and says in repr(feedback)
