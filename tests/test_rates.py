"""invlib.rates: the rate formulas against eigenvalues, against running the steps with
invlib.invert, and against brute-force searches; and their argument checks."""

import math
import re
import warnings

import numpy as np
import pytest

import invlib
from invlib import rates

LINE = invlib.Line()


def worst_rate(alpha, mu, a_min, a_max, n=201, nesterov=False):
    curvatures = rates.curvature(np.linspace(a_min, a_max, n))
    return rates.rate(alpha, mu, curvatures, nesterov).max()


# --- the error recursion is the steps of invlib.invert ----------------------------------

@pytest.mark.parametrize("nesterov", [False, True])
@pytest.mark.parametrize("alpha, mu, a", [(0.05, 0.0, 0.5), (0.05, 0.7, 0.5), (0.05, 0.7, 2.0),
                                          (0.32, 0.36, 1.3), (0.1, 0.9, 1.5)])
def test_error_path_is_invert(alpha, mu, a, nesterov):
    x, b, y0 = 0.7, -1.1, -2.5
    y_star = (x - b) / a
    run = invlib.invert(LINE, (a, b), x, y0, alpha, 60, momentum=mu, nesterov=nesterov)
    errors = rates.error_path(alpha, mu, rates.curvature(a), 60, e0=y0 - y_star,
                              nesterov=nesterov)
    np.testing.assert_allclose(errors, run.path - y_star, rtol=0, atol=1e-12)


@pytest.mark.parametrize("nesterov", [False, True])
def test_matrix_powers_give_the_errors(nesterov):
    rng = np.random.default_rng(6)
    for _ in range(10):
        alpha, mu, c = rng.uniform(0.01, 0.5), rng.uniform(0, 0.95), rng.uniform(0.1, 8)
        matrix = rates.iteration_matrix(alpha, mu, c, nesterov)
        errors = rates.error_path(alpha, mu, c, 30, nesterov=nesterov)
        by_matrix = [(np.linalg.matrix_power(matrix, n) @ [1.0, 1.0])[0] for n in range(31)]
        np.testing.assert_allclose(errors, by_matrix, rtol=1e-9, atol=1e-12)


def test_iteration_matrix_broadcasts():
    matrices = rates.iteration_matrix(np.array([0.1, 0.2]), 0.5, np.array([[1.0], [2.0]]))
    assert matrices.shape == (2, 2, 2, 2)
    np.testing.assert_allclose(matrices[1, 0], [[1 + 0.5 - 0.2, -0.5], [1, 0]])
    nesterov = rates.iteration_matrix(0.1, 0.5, 2.0, nesterov=True)
    np.testing.assert_allclose(nesterov, [[1.5 * 0.8, -0.5 * 0.8], [1, 0]])


def test_error_path_broadcasts_and_keeps_n_first():
    path = rates.error_path(np.array([0.05, 0.1]), np.array([[0.0], [0.5], [0.7]]), 1.0, 7)
    assert path.shape == (8, 3, 2)
    np.testing.assert_allclose(path[:, 1, 0], rates.error_path(0.05, 0.5, 1.0, 7))


def test_curvature():
    assert rates.curvature(2.0) == 8.0
    np.testing.assert_allclose(rates.curvature([-1.0, 0.5]), [2.0, 0.5])


# --- rates: eigenvalues, closed forms and long runs -------------------------------------

def test_plain_rate_is_the_spectral_radius_without_momentum():
    alpha = np.linspace(0.01, 0.5, 50)
    c = np.linspace(0.5, 8, 50)
    np.testing.assert_allclose(rates.rate(alpha[:, None], 0.0, c), rates.plain_rate(alpha[:, None], c),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("mu", [0.1, 0.36, 0.7, 0.95])
def test_heavy_ball_flat_band_and_stability(mu):
    low, high = rates.flat_band(mu)
    assert (low, high) == pytest.approx(((1 - math.sqrt(mu)) ** 2, (1 + math.sqrt(mu)) ** 2))
    inside = np.linspace(low * 1.0001, high * 0.9999, 40)
    np.testing.assert_allclose(rates.rate(inside, mu, 1.0), math.sqrt(mu), rtol=1e-9)
    assert rates.rate(0.5 * low, mu, 1.0) > math.sqrt(mu) < rates.rate(1.01 * high, mu, 1.0)
    limit = rates.stable_step_limit(mu)
    assert limit == pytest.approx(2 * (1 + mu))
    assert rates.rate(limit * (1 - 1e-6), mu, 1.0) < 1 < rates.rate(limit * (1 + 1e-6), mu, 1.0)


@pytest.mark.parametrize("mu", [0.2, 0.5, 0.7, 0.9])
def test_nesterov_stability_limit_is_below_plain(mu):
    limit = rates.stable_step_limit(mu, nesterov=True)
    assert limit == pytest.approx(2 * (1 + mu) / (1 + 2 * mu)) and limit < 2
    assert rates.rate(limit * (1 - 1e-6), mu, 1.0, nesterov=True) < 1
    assert rates.rate(limit * (1 + 1e-6), mu, 1.0, nesterov=True) > 1


def test_stability_limit_matches_invert_on_the_line():
    """α below (1 + μ)/a² converges, above it diverges — the steps themselves agree."""
    a, mu = 2.0, 0.5
    limit = rates.stable_step_limit(mu) / rates.curvature(a)
    assert limit == pytest.approx((1 + mu) / a**2)
    below = invlib.invert(LINE, (a, -4.0), 0.0, 1.0, limit * 0.99, 3000, momentum=mu)
    assert abs(below.y - 2.0) < 1e-6
    with pytest.raises(invlib.DivergenceError):
        invlib.invert(LINE, (a, -4.0), 0.0, 1.0, limit * 1.05, 3000, momentum=mu)


@pytest.mark.parametrize("alpha, c", [(0.05, 0.5), (0.05, 8.0), (0.3, 2.0), (1.0, 3.0)])
def test_best_momentum_is_the_best_for_one_curvature(alpha, c):
    mu = rates.best_momentum(alpha, c)
    assert rates.rate(alpha, mu, c) == pytest.approx(abs(1 - math.sqrt(alpha * c)), rel=1e-6)
    assert rates.flat_band(mu)[0 if alpha * c <= 1 else 1] == pytest.approx(alpha * c)
    others = np.linspace(0.0, 0.99, 991)
    assert rates.rate(alpha, others, c).min() >= rates.rate(alpha, mu, c) - 1e-6


@pytest.mark.parametrize("alpha, mu, a", [(0.05, 0.0, 0.5), (0.05, 0.7, 0.5), (0.05, 0.7, 2.0),
                                          (0.32, 0.36, 1.0), (0.1, 0.9, 1.5), (0.2, 0.3, 1.2)])
def test_rate_matches_long_runs(alpha, mu, a):
    c = rates.curvature(a)
    errors = np.abs(rates.error_path(alpha, mu, c, 400))
    measured = (errors[380:400].max() / errors[180:200].max()) ** (1 / 200)
    assert measured == pytest.approx(rates.rate(alpha, mu, c), rel=0.01)


@pytest.mark.parametrize("a_min, a_max", [(0.5, 2.0), (1.0, 3.0), (0.25, 3.5), (1.0, 1.5)])
def test_best_plain_alpha_beats_every_other_alpha(a_min, a_max):
    alpha, rate = rates.best_plain_alpha(a_min, a_max)
    kappa = (a_max / a_min) ** 2
    assert rate == pytest.approx((kappa - 1) / (kappa + 1))
    assert worst_rate(alpha, 0.0, a_min, a_max) == pytest.approx(rate, rel=1e-9)
    grid = np.linspace(0.2 * alpha, 1.8 * alpha, 801)
    worst = [worst_rate(step, 0.0, a_min, a_max, n=41) for step in grid]
    assert min(worst) >= rate - 1e-9
    assert grid[int(np.argmin(worst))] == pytest.approx(alpha, rel=0.005)


@pytest.mark.parametrize("a_min, a_max", [(0.5, 2.0), (1.0, 3.0), (0.25, 3.5)])
def test_polyak_parameters_are_the_best_heavy_ball(a_min, a_max):
    alpha, mu, rate = rates.polyak_parameters(a_min, a_max)
    root_kappa = a_max / a_min
    assert rate == pytest.approx((root_kappa - 1) / (root_kappa + 1))
    assert mu == pytest.approx(rate**2)
    assert worst_rate(alpha, mu, a_min, a_max) == pytest.approx(rate, abs=1e-6)
    # the flat band covers the curvatures exactly
    band = rates.flat_band(mu)
    assert (alpha * rates.curvature(a_min), alpha * rates.curvature(a_max)) == pytest.approx(band)
    # no (α, μ) on a grid around them does better
    alphas = np.linspace(0.5 * alpha, 1.5 * alpha, 41)
    mus = np.linspace(0.0, 0.98, 50)
    A, MU, C = np.meshgrid(alphas, mus, rates.curvature(np.linspace(a_min, a_max, 41)), indexing="ij")
    assert rates.rate(A, MU, C).max(axis=-1).min() >= rate - 1e-6
    # and plain descent's best is worse whenever the range is not a single point
    assert rates.best_plain_alpha(a_min, a_max)[1] > rate


def test_a_single_slope_needs_no_compromise():
    assert rates.best_plain_alpha(1.5, 1.5) == pytest.approx((1 / 4.5, 0.0))
    assert rates.polyak_parameters(1.5, 1.5) == pytest.approx((1 / 4.5, 0.0, 0.0))


def test_notebook_numbers_for_the_original_range():
    assert rates.best_plain_alpha(0.5, 2.0) == pytest.approx((4 / 17, 15 / 17))
    assert rates.polyak_parameters(0.5, 2.0) == pytest.approx((0.32, 0.36, 0.6))
    assert rates.plain_rate(0.05, 0.5) == pytest.approx(0.975)
    assert rates.best_momentum(0.05, 0.5) == pytest.approx(0.709, abs=5e-4)


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
    counted = rates.steps_to_tolerance(alpha, mu, rates.curvature(a))
    assert counted == expected == count_with_invert(alpha, mu, a)


@pytest.mark.parametrize("alpha, a", [(0.05, 0.5), (0.05, 1.0), (0.05, 2.0), (0.2, 1.0), (0.02, 3.0)])
def test_plain_counts_follow_from_the_rate(alpha, a):
    rate = float(rates.plain_rate(alpha, rates.curvature(a)))
    expected = math.ceil(math.log(1e8) / -math.log(rate))
    assert rates.steps_to_tolerance(alpha, 0.0, rates.curvature(a)) == expected


def test_steps_to_tolerance_is_nan_when_not_reached():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(rates.steps_to_tolerance(0.005, 0.0, 0.5, max_steps=100))
        assert np.isnan(rates.steps_to_tolerance(0.5, 0.0, 8.0, max_steps=100))  # diverges


def test_steps_to_tolerance_counts_the_last_step_above():
    """With momentum the error can dip below the tolerance and come back: the count is the
    step after the last one above it, not the first one below."""
    alpha, mu, c = 0.05, 0.9, 8.0           # inside the flat band: the error spirals
    errors = np.abs(rates.error_path(alpha, mu, c, 2000))
    count = int(rates.steps_to_tolerance(alpha, mu, c, tol=1e-3))
    first_below = int(np.argmax(errors < 1e-3))
    assert first_below < count
    assert np.all(errors[count:] < 1e-3) and errors[count - 1] >= 1e-3


# --- argument checks -----------------------------------------------------------------------

@pytest.mark.parametrize("call, error, words", [
    (lambda: rates.rate(-0.1, 0.5, 1.0), ValueError, "alpha must be >= 0"),
    (lambda: rates.rate(0.1, 1.0, 1.0), ValueError, "momentum must satisfy"),
    (lambda: rates.rate(0.1, [0.2, -0.1], 1.0), ValueError, "momentum must satisfy"),
    (lambda: rates.rate(0.1, 0.5, -2.0), ValueError, "curvature must be >= 0"),
    (lambda: rates.rate(0.1, 0.5, float("nan")), ValueError, "curvature must be finite"),
    (lambda: rates.rate("0.1", 0.5, 1.0), TypeError, "alpha"),
    (lambda: rates.rate([0.1, 0.2], [0.1, 0.2, 0.3], 1.0), ValueError, "broadcast"),
    (lambda: rates.plain_rate(0.1, -1.0), ValueError, "curvature"),
    (lambda: rates.curvature(None), TypeError, "a must be a number"),
    (lambda: rates.stable_step_limit(1.2), ValueError, "momentum"),
    (lambda: rates.flat_band(-0.1), ValueError, "momentum"),
    (lambda: rates.best_momentum(1.0, 5.0), ValueError, "alpha * curvature"),
    (lambda: rates.best_momentum(0.0, 5.0), ValueError, "alpha * curvature"),
    (lambda: rates.best_plain_alpha(0.0, 2.0), ValueError, "a_min must be > 0"),
    (lambda: rates.best_plain_alpha(2.0, 1.0), ValueError, "a_min must be <= a_max"),
    (lambda: rates.polyak_parameters(1.0, float("inf")), ValueError, "a_max must be finite"),
    (lambda: rates.error_path(0.1, 0.5, 1.0, 2.5), TypeError, "n_steps must be an integer"),
    (lambda: rates.error_path(0.1, 0.5, 1.0, -1), ValueError, "n_steps"),
    (lambda: rates.error_path(0.1, 0.5, 1.0, 5, e0="1"), TypeError, "e0"),
    (lambda: rates.steps_to_tolerance(0.1, 0.5, 1.0, tol=0.0), ValueError, "tol must be > 0"),
    (lambda: rates.steps_to_tolerance(0.1, 0.5, 1.0, tol=1.5), ValueError, "tol must be < 1"),
    (lambda: rates.steps_to_tolerance(0.1, 0.5, 1.0, max_steps=0), ValueError, "max_steps"),
])
def test_bad_arguments_are_named(call, error, words):
    with pytest.raises(error, match=re.escape(words)):
        call()


def test_diverging_settings_give_no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = rates.error_path(0.5, 0.5, 8.0, 2000)
        assert not np.all(np.isfinite(path)) or np.abs(path[-1]) > 1e100
        assert rates.rate(0.5, 0.5, 8.0) > 1
