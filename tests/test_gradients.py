"""invlib.gradients: the three estimates of dy*/dθ, their error rates and the peak formula
(notebook 09; its dashboard and self-checks are tested in test_nb08.py)."""

import numpy as np
import pytest
import sympy

import invlib
from invlib import gradients, line
from invlib.inversion import descent_step

LINE = invlib.Line()
a_, b_, y_ = sympy.symbols("a b y")
TANH = invlib.SympyModel(a_ * sympy.tanh(y_) + b_, latent="y", params=("a", "b"))
THETA, X = np.array([2.0, -4.0]), 0.0
Y0 = invlib.data.original_problem().y0_inversion
Y_STAR = (X - THETA[1]) / THETA[0]
J_STAR = np.array([-Y_STAR / THETA[0], -1.0 / THETA[0]])


# --------------------------------------------------------------------------------------
# The one-step estimate
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("model, theta, x", [(LINE, THETA, X), (TANH, (2.0, -1.0), 0.0),
                                             (TANH, (1.5, 0.2), np.array([-1.0, 0.3, 0.8]))])
@pytest.mark.parametrize("y_prev", [-1.0, 0.4, 1.3])
def test_one_step_is_the_derivative_of_a_single_step(model, theta, x, y_prev):
    """Its definition, −α ∂²L/∂y∂θ(g_{N−1}), and a central difference of one step in θ."""
    alpha, eps = 0.1, 1e-6
    theta = np.asarray(theta, dtype=float)
    estimate = gradients.one_step_gradient(model, theta, x, y_prev, alpha)
    _, _, L_ytheta = model.loss_derivatives(x, y_prev, theta)
    definition = np.stack(np.broadcast_arrays(*[-alpha * np.asarray(v) for v in L_ytheta]), -1)
    np.testing.assert_allclose(estimate, definition, rtol=0, atol=1e-15)
    for k, e in enumerate(np.eye(model.n_params)):
        finite = (descent_step(model, theta + eps * e, x, y_prev, alpha)
                  - descent_step(model, theta - eps * e, x, y_prev, alpha)) / (2 * eps)
        np.testing.assert_allclose(estimate[..., k], finite, rtol=0, atol=1e-8)


def test_one_step_shapes_broadcast():
    out = gradients.one_step_gradient(LINE, THETA, [0.0, 1.0, 2.0], 0.5, 0.05)
    assert out.shape == (3, 2)
    out = gradients.one_step_gradient(LINE, THETA, 0.0, [[0.5], [1.0]], 0.05)
    assert out.shape == (2, 1, 2)
    # ∂²L/∂y∂b = 2a does not depend on y: still one value per point
    np.testing.assert_array_equal(out[..., 1], -0.05 * 4.0)


@pytest.mark.parametrize("change, error, words", [
    (dict(alpha=0.0), ValueError, "alpha must be > 0"),
    (dict(alpha="0.1"), TypeError, "alpha must be a real number"),
    (dict(y_prev=np.nan), ValueError, "y_prev must be finite"),
    (dict(y_prev=[1.0, 2.0, 3.0], x=[0.0, 1.0]), ValueError, "x and y_prev must have matching"),
    (dict(theta=(2.0,)), ValueError, "theta must hold 2 numbers"),
    (dict(model="line"), TypeError, "model must be an invlib model"),
])
def test_one_step_arguments(change, error, words):
    kwargs = {**dict(model=LINE, theta=THETA, x=0.0, y_prev=0.5, alpha=0.05), **change}
    with pytest.raises(error, match=words):
        gradients.one_step_gradient(**kwargs)


@pytest.mark.parametrize("alpha", [0.01, 0.05, 0.2, 0.24])
def test_one_step_tends_to_one_minus_q_times_the_exact_derivative(alpha):
    q = 1.0 - 2.0 * alpha * THETA[0] ** 2
    est = gradients.gradient_estimates(LINE, THETA, X, Y0, alpha, 3000)
    np.testing.assert_allclose(est.one_step[-1], (1.0 - q) * J_STAR, rtol=1e-9)
    # for b it is (1 − q)·J* after every single step
    np.testing.assert_allclose(est.one_step[1:, 1], (1.0 - q) * J_STAR[1], rtol=1e-12)


# --------------------------------------------------------------------------------------
# gradient_estimates against the library's own pieces
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("model, theta, x, y0, alpha", [
    (LINE, THETA, np.array([0.0, 1.0, -3.0]), Y0, 0.05),
    (TANH, (2.0, -1.0), 0.0, 0.0, 0.1),
])
def test_gradient_estimates_agree_with_unroll_and_implicit_gradient(model, theta, x, y0, alpha):
    n_steps = 12
    est = gradients.gradient_estimates(model, theta, x, y0, alpha, n_steps)
    g, dg = invlib.unroll_path(model, theta, x, y0, alpha, n_steps)
    np.testing.assert_array_equal(est.g, g)
    np.testing.assert_array_equal(est.unrolled, dg)
    for n in range(n_steps + 1):
        np.testing.assert_allclose(est.implicit[n], invlib.implicit_gradient(model, theta, x, g[n]),
                                   rtol=0, atol=1e-15)
        if n:
            np.testing.assert_allclose(
                est.one_step[n], gradients.one_step_gradient(model, theta, x, g[n - 1], alpha),
                rtol=0, atol=1e-15)
    assert np.all(est.one_step[0] == 0)
    assert est.unrolled.shape == est.implicit.shape == est.one_step.shape


def test_gradient_estimates_with_no_steps():
    est = gradients.gradient_estimates(LINE, THETA, X, Y0, 0.05, 0)
    assert est.g.shape == (1,) and est.one_step.shape == (1, 2)


def test_gradient_estimates_raise_on_divergence():
    with pytest.raises(invlib.DivergenceError, match="1/a²"):
        gradients.gradient_estimates(LINE, THETA, X, Y0, 0.3, 2000)


# --------------------------------------------------------------------------------------
# The error rates
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("alpha", [0.01, 0.05, 0.2, 0.24])
def test_line_unrolled_error_is_the_closed_form(alpha):
    """∂g_n/∂a − ∂y*/∂a = qⁿ y*/a − 4αa n qⁿ⁻¹ (g₀ − y*), from the closed form."""
    a = THETA[0]
    q = 1.0 - 2.0 * alpha * a * a
    est = gradients.gradient_estimates(LINE, THETA, X, Y0, alpha, 60)
    n = np.arange(61)
    formula = q**n * Y_STAR / a - 4 * alpha * a * n * q ** (n - 1.0) * (Y0 - Y_STAR)
    np.testing.assert_allclose(est.unrolled[:, 0] - J_STAR[0], formula, rtol=1e-9, atol=1e-13)
    for k in (0, 1, 7, 60):
        _, (dg_da, dg_db) = line.closed_form(THETA, X, Y0, alpha, k)
        np.testing.assert_allclose(est.unrolled[k], [dg_da, dg_db], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("alpha", [0.01, 0.05, 0.2, 0.24])
def test_line_error_ratios(alpha):
    """Unrolled/iterate grows by 4αa/|q| per step (a) or stays put (b); implicit/iterate = 2/a."""
    a = THETA[0]
    q = 1.0 - 2.0 * alpha * a * a
    est = gradients.gradient_estimates(LINE, THETA, X, Y0, alpha, 30)
    iterate = np.abs(est.g - Y_STAR)
    unrolled = np.abs(est.unrolled - J_STAR)
    implicit = np.abs(est.implicit - J_STAR)
    ratio_a = unrolled[:, 0] / iterate
    np.testing.assert_allclose(np.diff(ratio_a)[2:], 4 * alpha * a / abs(q), rtol=1e-6)
    np.testing.assert_allclose(unrolled[:, 1] / iterate, 1 / (a * abs(Y0 - Y_STAR)), rtol=1e-8)
    np.testing.assert_allclose(implicit[:, 0], 2 / a * iterate, rtol=1e-10, atol=1e-15)
    assert np.all(implicit[:, 1] == 0)


@pytest.mark.parametrize("alpha, n_steps", [(0.1, 40), (0.42, 150)])
def test_nonlinear_rates(alpha, n_steps):
    """tanh model: implicit error ∝ iterate error; unrolled/iterate grows linearly in N;
    one-step relative error → |q| with the local q = 1 − α ∂²L/∂y²(y*)."""
    theta, x = (2.0, -1.0), 0.0
    y_star = invlib.invert(TANH, theta, x, 0.0, 0.1, 400).y
    exact = invlib.implicit_gradient(TANH, theta, x, y_star)
    np.testing.assert_allclose(exact, [-1 / 3, -2 / 3], atol=1e-14)
    _, curvature, _ = TANH.loss_derivatives(x, y_star, theta)
    q = 1 - alpha * curvature
    est = gradients.gradient_estimates(TANH, theta, x, 0.0, alpha, n_steps)
    iterate = np.abs(est.g - y_star)
    h = n_steps // 4
    for k in range(2):
        implicit = np.abs(est.implicit[:, k] - exact[k]) / iterate
        assert abs(implicit[-1] / implicit[-11] - 1) < 1e-3
        ratio = np.abs(est.unrolled[:, k] - exact[k]) / iterate
        slopes = [(ratio[(j + 1) * h] - ratio[j * h]) / h for j in (2, 3)]
        assert abs(slopes[1] / slopes[0] - 1) < 0.01 and abs(slopes[0]) > 0.5
        one_step = np.abs(est.one_step[-1, k] - exact[k]) / abs(exact[k])
        assert abs(one_step - abs(q)) < 1e-3


# --------------------------------------------------------------------------------------
# The peak
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("q", [0.3, 0.6, 0.9, 0.92, -0.92, 0.99, -0.999])
def test_peak_step_maximises_n_q_to_the_n_minus_one(q):
    n_star = gradients.peak_step(q)
    grid = np.linspace(1e-6, 10 * n_star + 10, 200_001)
    values = grid * abs(q) ** (grid - 1)
    assert abs(grid[np.argmax(values)] - n_star) < 2 * (grid[1] - grid[0])
    assert abs(n_star - 1 / np.log(1 / abs(q))) < 1e-12
    whole = np.arange(1, int(20 * n_star) + 20)
    best = whole[np.argmax(whole * abs(q) ** (whole - 1.0))]
    assert np.floor(n_star) <= best <= np.ceil(n_star)


def test_peak_step_edges():
    assert gradients.peak_step(0.0) == 0.0
    assert abs(gradients.peak_step(0.9) - 9.4912) < 1e-4
    for bad in (1.0, -1.0, 1.5):
        with pytest.raises(ValueError, match=r"\|q\| < 1"):
            gradients.peak_step(bad)
    with pytest.raises(TypeError):
        gradients.peak_step("0.5")


@pytest.mark.parametrize("alpha, expected_peak", [(0.24, 12), (0.245, 25)])
def test_unrolled_error_peaks_where_predicted_for_large_steps(alpha, expected_peak):
    """For q near −1 the growth term dominates: the unrolled error peaks within a step of n*."""
    q = 1.0 - 2.0 * alpha * THETA[0] ** 2
    est = gradients.gradient_estimates(LINE, THETA, X, Y0, alpha, 200)
    error = np.abs(est.unrolled[:, 0] - J_STAR[0])
    assert np.argmax(error) == expected_peak
    assert abs(expected_peak - gradients.peak_step(q)) < 1


@pytest.mark.parametrize("alpha", [0.01, 0.03, 0.05, 0.2, 0.24, 0.245])
def test_peak_with_start_term(alpha):
    """The exact maximiser of |q|ⁿ⁻¹|c₀ + c₁n| sits next to the largest whole-step error."""
    a = THETA[0]
    q = 1.0 - 2.0 * alpha * a * a
    n_peak = gradients.peak_step(q) + q * Y_STAR / (2 * (1 - q) * (Y0 - Y_STAR))
    est = gradients.gradient_estimates(LINE, THETA, X, Y0, alpha, 200)
    best = np.argmax(np.abs(est.unrolled[:, 0] - J_STAR[0]))
    assert np.floor(n_peak) <= best <= np.ceil(n_peak)
