"""invlib.linear: Landweber, Tikhonov and learned step sizes for x = K y + noise.

Landweber's iterates are checked against the SVD filter-factor formula at every step,
Tikhonov against a stacked least-squares solve, the learned steps' reverse-mode gradient
against central finite differences, the two discrepancy principles against their own
definitions; and the lesson's problem shows semi-convergence.
"""

import numpy as np
import pytest

import invlib
from invlib import linear

LESSON = linear.blur_problem()
LESSON_ALPHA = 0.5 * linear.stability_limit(LESSON.K)  # 2α λ₁ = 1


def random_problem(seed, m=7, n=5, noise=0.1):
    """A small, well-conditioned K, a cause, its noisy observation and the noise size δ."""
    rng = np.random.default_rng(seed)
    K = rng.standard_normal((m, n))
    y = rng.standard_normal(n)
    e = noise * rng.standard_normal(m)
    return linear.LinearProblem(K, y, K @ y + e, float(np.linalg.norm(e)))


def residual(K, x, y):
    return np.linalg.norm(x - K @ y)


# ---- the example problem ---------------------------------------------------------------


def test_blur_operator_is_a_symmetric_smoothing_kernel():
    K = linear.blur_operator(100, 0.02)
    assert np.allclose(K, K.T)
    assert np.all(K >= 0) and np.all(np.diag(K) > 0)
    assert abs(K[50].sum() - 1.0) < 1e-6  # an interior row averages: constants pass through
    s = np.linalg.svd(K, compute_uv=False)
    assert s[0] / s[-1] > 1e7  # ill-conditioned: that is the point of the lesson


def test_blur_problem_is_reproducible_and_its_delta_is_the_noise_size():
    K, y, x, delta = linear.blur_problem(seed=3)
    again = linear.blur_problem(seed=3)
    assert np.array_equal(x, again.x) and delta == again.delta
    e = 0.01 * np.random.default_rng(3).standard_normal(100)
    assert np.allclose(x - K @ y, e) and np.isclose(delta, np.linalg.norm(e))
    assert not np.array_equal(x, linear.blur_problem(seed=4).x)


def test_blur_pairs_rows_are_observations_of_their_causes():
    Y, X = linear.blur_pairs(6, n=40, width=0.05, noise=1e-12, seed=2)
    K = linear.blur_operator(40, 0.05)
    assert Y.shape == X.shape == (6, 40)
    assert np.allclose(X, Y @ K.T, atol=1e-10)
    assert np.ptp(Y, axis=1).min() > 0.05  # every cause has some structure


# ---- filter factors ----------------------------------------------------------------------


def test_stability_limit_is_one_over_the_largest_singular_value_squared():
    K = random_problem(0).K
    assert np.isclose(linear.stability_limit(K), 1 / np.linalg.svd(K, compute_uv=False)[0] ** 2)


@pytest.mark.parametrize("seed, m, n", [(0, 7, 5), (1, 5, 7), (2, 6, 6)])
def test_landweber_iterates_equal_the_filter_factor_formula_at_every_step(seed, m, n):
    K, _, x, _ = random_problem(seed, m, n)
    s = np.linalg.svd(K, compute_uv=False)
    alpha = 0.8 * linear.stability_limit(K)  # 2α λ₁ > 1: the top factor oscillates
    path = linear.landweber(K, x, alpha, 40)
    assert path.shape == (41, n)
    for N, g in enumerate(path):
        expected = linear.filtered_solution(K, x, linear.landweber_filter(s, alpha, N))
        assert np.allclose(g, expected, rtol=1e-10, atol=1e-10), N


def test_landweber_on_the_lesson_problem_equals_the_filter_formula():
    K, _, x, _ = LESSON
    s = np.linalg.svd(K, compute_uv=False)
    path = linear.landweber(K, x, LESSON_ALPHA, 200)
    for N in range(0, 201, 7):
        expected = linear.filtered_solution(K, x, linear.landweber_filter(s, LESSON_ALPHA, N))
        assert np.allclose(path[N], expected, rtol=0, atol=1e-9), N


def test_landweber_from_y0_inverts_the_remaining_residual():
    K, _, x, _ = random_problem(4)
    y0 = np.arange(5.0)
    alpha = 0.5 * linear.stability_limit(K)
    path = linear.landweber(K, x, alpha, 12, y0=y0)
    assert np.array_equal(path[0], y0)
    assert np.allclose(path - y0, linear.landweber(K, x - K @ y0, alpha, 12))


def test_landweber_filter_keeps_its_digits_for_tiny_singular_values():
    phi = linear.landweber_filter([1e-9, 1e-3, 1.0], 0.4, 10)
    assert np.isclose(phi[0], 2 * 0.4 * 10 * 1e-18, rtol=1e-12)  # φ ≈ 2αN s² for small s
    assert np.isclose(phi[1], 1 - (1 - 0.8e-6) ** 10, rtol=1e-9)
    assert np.isclose(phi[2], 1 - (1 - 0.8) ** 10, rtol=1e-15)
    assert np.all(linear.landweber_filter([0.5, 2.0], 0.1, 0) == 0)


def test_tikhonov_filter_of_zero_singular_value_is_zero_also_for_gamma_zero():
    assert np.array_equal(linear.tikhonov_filter([0.0, 2.0], 0.0), [0.0, 1.0])
    assert np.allclose(linear.tikhonov_filter([[1.0, 3.0]], 1.0), [[0.5, 0.9]])


def test_early_stopping_acts_like_tikhonov_with_gamma_one_over_two_alpha_n():
    s = np.linalg.svd(LESSON.K, compute_uv=False)
    alpha, N = LESSON_ALPHA, 40
    landweber = linear.landweber_filter(s, alpha, N)
    tikhonov = linear.tikhonov_filter(s, 1 / (2 * alpha * N))
    small = 2 * alpha * N * s**2 < 0.01
    assert small.sum() > 20 and np.allclose(landweber[small], tikhonov[small], rtol=0.02)
    large = 2 * alpha * N * s**2 > 10  # both near 1, Tikhonov's φ ≥ 1 − 1/(2αN λⱼ)
    assert large.sum() > 10 and np.allclose(landweber[large], tikhonov[large], atol=0.1)
    assert np.max(np.abs(landweber - tikhonov)) < 0.25  # the two filters' largest gap


# ---- Tikhonov -------------------------------------------------------------------------------


@pytest.mark.parametrize("seed, m, n", [(0, 7, 5), (1, 5, 7)])
@pytest.mark.parametrize("gamma", [1e-3, 0.1, 10.0])
def test_tikhonov_equals_a_stacked_least_squares_solve(seed, m, n, gamma):
    K, _, x, _ = random_problem(seed, m, n)
    stacked = np.vstack([K, np.sqrt(gamma) * np.eye(n)])
    expected = np.linalg.lstsq(stacked, np.concatenate([x, np.zeros(n)]), rcond=None)[0]
    assert np.allclose(linear.tikhonov(K, x, gamma), expected, rtol=1e-10, atol=1e-12)


def test_tikhonov_on_the_lesson_problem_equals_the_stacked_solve():
    K, _, x, _ = LESSON
    gamma = 1e-3
    stacked = np.vstack([K, np.sqrt(gamma) * np.eye(100)])
    expected = np.linalg.lstsq(stacked, np.concatenate([x, np.zeros(100)]), rcond=None)[0]
    assert np.allclose(linear.tikhonov(K, x, gamma), expected, rtol=0, atol=1e-9)


def test_tikhonov_with_gamma_zero_is_the_least_squares_solution():
    K, _, x, _ = random_problem(5)
    assert np.allclose(linear.tikhonov(K, x, 0.0), np.linalg.lstsq(K, x, rcond=None)[0])


# ---- discrepancy principles ---------------------------------------------------------------


@pytest.mark.parametrize("tau", [1.0, 1.1, 2.0])
def test_discrepancy_stop_returns_the_first_n_that_meets_it(tau):
    K, _, x, delta = LESSON
    N = linear.discrepancy_stop(K, x, delta, LESSON_ALPHA, tau=tau)
    assert N >= 2
    path = linear.landweber(K, x, LESSON_ALPHA, N)
    assert residual(K, x, path[N]) <= tau * delta
    assert residual(K, x, path[N - 1]) > tau * delta


def test_discrepancy_stop_is_zero_when_the_start_already_fits():
    K, _, x, _ = random_problem(0)
    assert linear.discrepancy_stop(K, x, np.linalg.norm(x), 0.1 * linear.stability_limit(K)) == 0


def test_discrepancy_stop_says_so_when_max_steps_is_too_small():
    K, _, x, delta = LESSON
    with pytest.raises(ValueError, match=r"at N = max_steps = 3 is still above tau·delta"):
        linear.discrepancy_stop(K, x, delta, LESSON_ALPHA, max_steps=3)
    with pytest.raises(ValueError, match="raise max_steps"):  # τδ below the reachable residual
        linear.discrepancy_stop(K, x, 1e-9, LESSON_ALPHA, max_steps=50)


@pytest.mark.parametrize("tau", [1.0, 1.1, 3.0])
def test_discrepancy_gamma_satisfies_its_equation(tau):
    K, _, x, delta = LESSON
    gamma = linear.discrepancy_gamma(K, x, delta, tau=tau)
    assert gamma > 0
    assert np.isclose(residual(K, x, linear.tikhonov(K, x, gamma)), tau * delta, rtol=1e-9)


def test_discrepancy_gamma_on_an_overdetermined_problem():
    K, _, x, delta = random_problem(1, m=30, n=5, noise=0.5)
    gamma = linear.discrepancy_gamma(K, x, delta, tau=1.5)
    assert np.isclose(residual(K, x, linear.tikhonov(K, x, gamma)), 1.5 * delta, rtol=1e-9)


def test_discrepancy_gamma_says_when_no_gamma_fits():
    K, _, x, delta = random_problem(1, m=30, n=5, noise=0.5)
    with pytest.raises(ValueError, match="no gamma meets"):  # below the part outside range(K)
        linear.discrepancy_gamma(K, x, 1e-3 * delta)
    with pytest.raises(ValueError, match="no gamma meets"):  # above ‖x‖: y = 0 already fits
        linear.discrepancy_gamma(K, x, 10 * np.linalg.norm(x))


# ---- semi-convergence ----------------------------------------------------------------------


def test_landweber_semi_converges_on_the_lesson_problem():
    K, y, x, _ = LESSON
    path = linear.landweber(K, x, LESSON_ALPHA, 2000)
    errors = np.linalg.norm(path - y, axis=1)
    best = int(np.argmin(errors))
    assert 10 <= best <= 200  # N/10 ≥ 1 and 10 N inside the computed path
    assert errors[best] < 0.5 * errors[best // 10]
    assert errors[best] < 0.8 * errors[10 * best]
    assert errors[-1] > errors[10 * best]  # and it keeps growing towards the naive inverse


# ---- learned step sizes ----------------------------------------------------------------------


def learned_setup(seed=0, B=4):
    K, _, _, _ = random_problem(seed)
    rng = np.random.default_rng(seed + 10)
    Y = rng.standard_normal((B, 5))
    X = Y @ K.T + 0.1 * rng.standard_normal((B, 7))
    alphas = linear.stability_limit(K) * np.array([0.3, 1.4, 0.9, 0.1, 0.6])
    return K, X, Y, alphas


def test_learned_steps_equal_their_filter_factor_formula():
    K, X, _, alphas = learned_setup()
    s = np.linalg.svd(K, compute_uv=False)
    path = linear.learned_path(K, X, alphas)
    assert path.shape == (6, 4, 5)
    phi = linear.learned_filter(s, alphas)
    for x, g in zip(X, path[-1]):
        assert np.allclose(g, linear.filtered_solution(K, x, phi), rtol=1e-10)


def test_equal_learned_steps_are_landweber():
    K, X, _, _ = learned_setup()
    alpha = 0.7 * linear.stability_limit(K)
    path = linear.learned_path(K, X, np.full(9, alpha))
    assert np.allclose(path[:, 2], linear.landweber(K, X[2], alpha, 9), rtol=1e-12)
    s = np.linalg.svd(K, compute_uv=False)
    assert np.allclose(linear.learned_filter(s, np.full(9, alpha)),
                       linear.landweber_filter(s, alpha, 9), rtol=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_learned_step_gradient_agrees_with_finite_differences(seed):
    K, X, Y, alphas = learned_setup(seed)
    E, gradient = linear.step_error_gradient(K, X, Y, alphas)
    assert np.isclose(E, linear.step_error(K, X, Y, alphas), rtol=1e-14)
    expected = invlib.finite_difference(lambda a: linear.step_error(K, X, Y, a), alphas)
    assert np.allclose(gradient, expected, rtol=1e-6, atol=1e-9 * np.abs(expected).max())
    assert np.abs(gradient).min() > 1e-6 * np.abs(gradient).max()  # every α_k matters


def test_learned_step_gradient_on_the_lesson_problem():
    K = LESSON.K
    Y, X = linear.blur_pairs(5, seed=7)
    alphas = linear.stability_limit(K) * np.array([0.2, 0.5, 1.5, 0.9])
    _, gradient = linear.step_error_gradient(K, X, Y, alphas)
    expected = invlib.finite_difference(lambda a: linear.step_error(K, X, Y, a), alphas)
    assert np.allclose(gradient, expected, rtol=1e-5, atol=1e-9 * np.abs(expected).max())


def test_the_steps_commute_so_equal_steps_stay_equal_in_training():
    K, X, Y, alphas = learned_setup()
    E, gradient = linear.step_error_gradient(K, X, Y, alphas)
    E_reversed, gradient_reversed = linear.step_error_gradient(K, X, Y, alphas[::-1])
    assert np.isclose(E, E_reversed, rtol=1e-12)
    assert np.allclose(gradient, gradient_reversed[::-1], rtol=1e-9)
    result = linear.train_steps(K, X, Y, np.full(3, 0.3 * linear.stability_limit(K)), 0.01, 20)
    assert np.allclose(result.alphas, result.alphas[0], rtol=1e-12)
    assert result.errors[-1] < result.errors[0]


def test_training_lowers_the_error_and_reports_it():
    K = LESSON.K
    Y, X = linear.blur_pairs(20, seed=5)
    alphas0 = linear.stability_limit(K) * np.linspace(0.25, 0.75, 4)
    result = linear.train_steps(K, X, Y, alphas0, beta=0.03, n_epochs=100)
    assert result.errors.shape == (101,)
    assert np.all(np.diff(result.errors) <= 1e-12)
    assert result.errors[-1] < 0.9 * result.errors[0]
    assert np.isclose(result.errors[-1], linear.step_error(K, X, Y, result.alphas))
    assert np.all(result.alphas > 0)


def test_learned_five_steps_do_the_work_of_landweber_at_its_best_n_on_held_out_data():
    K = LESSON.K
    limit = linear.stability_limit(K)
    Y, X = linear.blur_pairs(100, seed=1)
    Yh, Xh = linear.blur_pairs(200, seed=2)
    learned = linear.train_steps(K, X, Y, limit * np.linspace(0.25, 0.75, 5), 0.1, 300).alphas
    path = linear.learned_path(K, Xh, np.full(100, LESSON_ALPHA))  # Landweber, every N ≤ 100
    landweber = np.mean(np.sum((path - Yh) ** 2, axis=2), axis=1)
    U, s, Vt = np.linalg.svd(K)
    tikhonov = [np.mean(np.sum((Xh @ U * (s / (s**2 + g)) @ Vt - Yh) ** 2, axis=1))
                for g in np.logspace(-4, 0, 41)]
    error = linear.step_error(K, Xh, Yh, learned)
    assert np.argmin(landweber) >= 8 and error <= landweber.min()
    assert error < 0.8 * landweber[5]
    assert error < 0.5 * min(tikhonov)
    assert learned.max() > limit  # a single learned step may exceed 1/‖K‖²


# ---- bad input --------------------------------------------------------------------------------

K7, _, X7, D7 = random_problem(0)
LIMIT7 = linear.stability_limit(K7)
_, XB, YB, AB = learned_setup()


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: linear.landweber(K7[0], X7, 0.1, 3), ValueError, "K must be a 2-d matrix"),
        (lambda: linear.landweber(np.zeros((7, 5)), X7, 0.1, 3), ValueError, "K is all zeros"),
        (lambda: linear.landweber(K7 * np.inf, X7, 0.1, 3), ValueError, "K must be finite"),
        (lambda: linear.landweber(K7, X7[:6], 0.1, 3), ValueError,
         "x must be a 1-d array of length 7"),
        (lambda: linear.landweber(K7, X7 * np.nan, 0.1, 3), ValueError, "x must be finite"),
        (lambda: linear.landweber(K7, "x", 0.1, 3), TypeError, "x must be a number"),
        (lambda: linear.landweber(K7, X7, 0.1, 3, y0=np.ones(7)), ValueError,
         "y0 must be a 1-d array of length 5"),
        (lambda: linear.landweber(K7, X7, 0.0, 3), ValueError, "alpha must be > 0"),
        (lambda: linear.landweber(K7, X7, np.nan, 3), ValueError, "alpha must be finite"),
        (lambda: linear.landweber(K7, X7, LIMIT7, 3), invlib.DivergenceError,
         "alpha = .* stability limit 1/‖K‖² = "),
        (lambda: linear.landweber(K7, X7, 3 * LIMIT7, 3), invlib.DivergenceError,
         f"take 0 < alpha < {LIMIT7:.6g}"),
        (lambda: linear.landweber(K7, X7, 0.1, -1), ValueError, "n_steps must be between 0"),
        (lambda: linear.landweber(K7, X7, 0.1, 3.0), TypeError, "n_steps must be an integer"),
        (lambda: linear.tikhonov(K7, X7, -1.0), ValueError, "gamma must be >= 0"),
        (lambda: linear.tikhonov(K7, X7, np.inf), ValueError, "gamma must be finite"),
        (lambda: linear.tikhonov(K7, X7, "1"), TypeError, "gamma must be a real number"),
        (lambda: linear.tikhonov(K7, X7[:3], 1.0), ValueError, "x must be a 1-d array of length 7"),
        (lambda: linear.discrepancy_stop(K7, X7, 0.0, 0.1), ValueError, "delta must be > 0"),
        (lambda: linear.discrepancy_stop(K7, X7, -D7, 0.1), ValueError, "delta must be > 0"),
        (lambda: linear.discrepancy_stop(K7, X7, D7, 0.1, tau=0.0), ValueError, "tau must be > 0"),
        (lambda: linear.discrepancy_stop(K7, X7, D7, LIMIT7), invlib.DivergenceError, "stability limit"),
        (lambda: linear.discrepancy_stop(K7, X7, D7, 0.1, max_steps=-2), ValueError, "max_steps must be"),
        (lambda: linear.discrepancy_gamma(K7, X7, 0.0), ValueError, "delta must be > 0"),
        (lambda: linear.discrepancy_gamma(K7, X7, D7, tau=-1.1), ValueError, "tau must be > 0"),
        (lambda: linear.landweber_filter([1.0], -0.1, 3), ValueError, "alpha must be > 0"),
        (lambda: linear.landweber_filter([np.nan], 0.1, 3), ValueError, "s must be finite"),
        (lambda: linear.tikhonov_filter([1.0], -1e-3), ValueError, "gamma must be >= 0"),
        (lambda: linear.learned_filter([1.0], [[0.1]]), ValueError, "alphas must be a 1-d array"),
        (lambda: linear.filtered_solution(K7, X7, np.ones(4)), ValueError, "phi must hold one factor"),
        (lambda: linear.stability_limit(np.zeros((3, 3))), ValueError, "K is all zeros"),
        (lambda: linear.blur_operator(0, 0.1), ValueError, "n must be between 1"),
        (lambda: linear.blur_operator(50, 0.0), ValueError, "width must be > 0"),
        (lambda: linear.blur_problem(noise=0.0), ValueError, "noise must be > 0"),
        (lambda: linear.blur_pairs(0), ValueError, "count must be between 1"),
        (lambda: linear.bumps([0.5], [0.5], [1.0], [0.0]), ValueError, "widths must be > 0"),
        (lambda: linear.learned_path(K7, XB[:, :6], AB), ValueError, r"X must have shape \(B, 7\)"),
        (lambda: linear.learned_path(K7, XB[0], AB), ValueError, r"X must have shape \(B, 7\)"),
        (lambda: linear.learned_path(K7, XB, AB[None]), ValueError, "alphas must be a 1-d array"),
        (lambda: linear.learned_path(K7, XB, AB * np.nan), ValueError, "alphas must be finite"),
        (lambda: linear.learned_path(K7, XB, AB * 1e80), invlib.DivergenceError,
         "alphas are too large"),
        (lambda: linear.step_error(K7, XB, YB[:3], AB), ValueError, r"Y must have shape \(4, 5\)"),
        (lambda: linear.step_error_gradient(K7, XB, YB[:, :4], AB), ValueError,
         r"Y must have shape \(4, 5\)"),
        (lambda: linear.train_steps(K7, XB, YB, -AB, 0.1, 5), ValueError, "alphas0 must all be > 0"),
        (lambda: linear.train_steps(K7, XB, YB, AB * np.inf, 0.1, 5), ValueError,
         "alphas0 must be finite"),
        (lambda: linear.train_steps(K7, XB, YB, AB, 0.0, 5), ValueError, "beta must be > 0"),
        (lambda: linear.train_steps(K7, XB, YB, AB, 0.1, -5), ValueError, "n_epochs must be between 0"),
        (lambda: linear.train_steps(K7, XB, YB, AB, 1e9, 5), invlib.DivergenceError, "reduce beta"),
    ],
)
def test_bad_input_gets_a_clear_error_naming_the_argument(call, error, words):
    with pytest.raises(error, match=words):
        call()
