"""invlib.inversion: the steps themselves, and the unrolled derivative ∂g_N/∂θ checked against
three independent references: finite differences, sympy's derivative of the unrolled
expression, and (for the line) the rsolve closed form."""

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import invlib
from invlib import symbolic

a_, b_, y_ = sympy.symbols("a b y")
MODELS = {
    "line": invlib.Line(),
    "tanh": invlib.SympyModel(a_ * sympy.tanh(y_) + b_, latent="y", params=("a", "b")),
    "cubic": invlib.SympyModel(a_ * y_**3 + b_, latent="y", params=("a", "b")),
    "exp": invlib.SympyModel(sympy.exp(a_ * y_) + b_, latent="y", params=("a", "b")),
}
# (theta, x, y0, alpha) where the inner steps are well behaved for each model
SETTINGS = {
    "line": ((2.0, -4.0), np.array([-8.0, -3.0, 0.0, 1.5]), 0.7, 0.05),
    "tanh": ((1.5, 0.2), np.array([-1.0, 0.0, 0.8, 1.2]), 0.1, 0.1),
    "cubic": ((0.8, -0.5), np.array([-1.0, 0.3, 0.5, 1.5]), 0.9, 0.02),
    "exp": ((0.7, -1.0), np.array([-0.5, 0.0, 0.4, 1.0]), 0.2, 0.1),
}


def finite_difference(model, theta, x, y0, alpha, n_steps, k, h=1e-3):
    """Five-point central difference of g_N in θ_k: error O(h⁴) + O(ε/h) ≈ 1e-12."""
    def g(shift):
        t = np.array(theta, dtype=float)
        t[k] += shift
        return invlib.invert(model, t, x, y0, alpha, n_steps).y

    return (-g(2 * h) + 8 * g(h) - 8 * g(-h) + g(-2 * h)) / (12 * h)


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("n_steps", [0, 1, 7, 20])
def test_forward_mode_matches_finite_differences(name, n_steps):
    model = MODELS[name]
    theta, x, y0, alpha = SETTINGS[name]
    g, dg = invlib.unroll(model, theta, x, y0, alpha, n_steps, method="forward")
    np.testing.assert_allclose(g, invlib.invert(model, theta, x, y0, alpha, n_steps).y, rtol=0, atol=1e-12)
    for k in range(model.n_params):
        fd = finite_difference(model, theta, x, y0, alpha, n_steps, k)
        np.testing.assert_allclose(dg[..., k], fd, rtol=0, atol=1e-9)


@pytest.mark.parametrize("name", MODELS)
def test_forward_mode_matches_sympy_derivative_of_unrolled_steps(name):
    """sympy writes g_N out for N = 3 and differentiates it: an independent derivative.
    (The written-out expression grows ×3 per step for the nonlinear models, so N stays small.)"""
    model = MODELS[name]
    theta, x, y0, alpha = SETTINGS[name]
    n_steps = 3
    g_expr = symbolic.unrolled_expression(model, n_steps, g0=sympy.Float(y0))
    args = (symbolic.x, symbolic.alpha, *model.params)
    values = sympy.lambdify(args, [g_expr, *[sympy.diff(g_expr, p) for p in model.params]])
    expected = [np.broadcast_to(v, x.shape) for v in values(x, alpha, *theta)]
    g, dg = invlib.unroll(model, theta, x, y0, alpha, n_steps, method="forward")
    np.testing.assert_allclose(g, expected[0], rtol=1e-12, atol=1e-12)
    for k in range(model.n_params):
        np.testing.assert_allclose(dg[..., k], expected[1 + k], rtol=1e-10, atol=1e-10)


def test_line_closed_form_matches_recursion_and_rsolve():
    model = invlib.Line()
    theta, x, y0, alpha = SETTINGS["line"]
    form = symbolic.line_closed_form()
    s = form.symbols
    exact = sympy.lambdify((s["n"], s["alpha"], s["a"], s["b"], s["x"], s["g0"]),
                           [form.g, form.dg_da, form.dg_db])
    for n_steps in (0, 1, 2, 5, 20, 60):
        g_fwd, dg_fwd = invlib.unroll(model, theta, x, y0, alpha, n_steps, method="forward")
        g_cf, dg_cf = invlib.unroll(model, theta, x, y0, alpha, n_steps, method="closed")
        g_rs, da_rs, db_rs = (np.broadcast_to(v, x.shape)
                              for v in exact(n_steps, alpha, *theta, x, y0))
        np.testing.assert_allclose(g_cf, g_fwd, rtol=0, atol=1e-12)
        np.testing.assert_allclose(dg_cf, dg_fwd, rtol=0, atol=1e-9)
        np.testing.assert_allclose(g_cf, g_rs, rtol=0, atol=1e-12)
        np.testing.assert_allclose(dg_cf[..., 0], da_rs, rtol=0, atol=1e-9)
        np.testing.assert_allclose(dg_cf[..., 1], db_rs, rtol=0, atol=1e-9)


def test_closed_form_is_finite_where_one_step_lands_on_the_minimum():
    """α = 1/(2a²) makes q = 0; sympy's raw n·qⁿ/q would give 0/0 there."""
    model = invlib.Line()
    for n_steps in (1, 2, 10):
        g, dg = invlib.unroll(model, (2.0, -4.0), [0.0, 2.0], 5.0, 0.125, n_steps, method="closed")
        g_f, dg_f = invlib.unroll(model, (2.0, -4.0), [0.0, 2.0], 5.0, 0.125, n_steps, method="forward")
        np.testing.assert_allclose(g, g_f, atol=1e-12)
        np.testing.assert_allclose(dg, dg_f, atol=1e-12)


@settings(max_examples=150, deadline=None)
@given(
    a=st.floats(0.3, 3.0), b=st.floats(-5, 5), x=st.floats(-10, 10), y0=st.floats(-10, 10),
    alpha_fraction=st.floats(0.01, 0.95), n_steps=st.integers(0, 60),
)
def test_line_recursion_equals_closed_form_in_the_stable_range(a, b, x, y0, alpha_fraction, n_steps):
    alpha = alpha_fraction / a**2  # 0 < α < 1/a²: the stable range
    model = invlib.Line()
    g_f, dg_f = invlib.unroll(model, (a, b), x, y0, alpha, n_steps, method="forward")
    g_c, dg_c = invlib.unroll(model, (a, b), x, y0, alpha, n_steps, method="closed")
    scale = 1.0 + abs(x - b) / a + abs(y0)
    assert abs(g_f - g_c) <= 1e-12 * scale * (1 + n_steps)
    np.testing.assert_allclose(dg_f, dg_c, rtol=1e-9, atol=1e-10 * scale * (1 + n_steps))


@settings(max_examples=60, deadline=None)
@given(
    a=st.floats(0.5, 2.0), b=st.floats(-1, 1), x=st.floats(-1.5, 1.5),
    y0=st.floats(-1, 1), alpha=st.floats(0.01, 0.1), n_steps=st.integers(1, 25),
)
def test_tanh_forward_mode_matches_finite_differences(a, b, x, y0, alpha, n_steps):
    model = MODELS["tanh"]
    _, dg = invlib.unroll(model, (a, b), x, y0, alpha, n_steps)
    for k in range(2):
        fd = finite_difference(model, (a, b), x, y0, alpha, n_steps, k)
        assert abs(dg[k] - fd) <= 1e-9 * (1 + abs(fd))


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_tangents_match_finite_differences(nesterov):
    for name in ("line", "tanh"):
        model = MODELS[name]
        theta, x, y0, alpha = SETTINGS[name]
        g, dg = invlib.unroll(model, theta, x, y0, alpha, 15, momentum=0.6, nesterov=nesterov)
        for k in range(model.n_params):
            def g_of(shift):
                t = np.array(theta, dtype=float)
                t[k] += shift
                return invlib.invert(model, t, x, y0, alpha, 15, momentum=0.6, nesterov=nesterov).y
            h = 1e-3
            fd = (-g_of(2 * h) + 8 * g_of(h) - 8 * g_of(-h) + g_of(-2 * h)) / (12 * h)
            np.testing.assert_allclose(dg[..., k], fd, atol=1e-9)


def test_unroll_path_ends_where_unroll_ends():
    model = MODELS["tanh"]
    theta, x, y0, alpha = SETTINGS["tanh"]
    g_path, dg_path = invlib.unroll_path(model, theta, x, y0, alpha, 12)
    g, dg = invlib.unroll(model, theta, x, y0, alpha, 12)
    assert g_path.shape == (13, *x.shape) and dg_path.shape == (13, *x.shape, 2)
    np.testing.assert_allclose(g_path[-1], g, atol=1e-14)
    np.testing.assert_allclose(dg_path[-1], dg, atol=1e-14)
    np.testing.assert_array_equal(dg_path[0], 0.0)


def test_implicit_gradient_is_the_limit_of_the_unrolled_one():
    for name in ("line", "tanh"):
        model = MODELS[name]
        theta, x, y0, alpha = SETTINGS[name]
        g, dg = invlib.unroll(model, theta, x, y0, alpha, 2000, method="forward")
        implicit = invlib.implicit_gradient(model, theta, x, g)
        np.testing.assert_allclose(dg, implicit, atol=1e-8)
    # the line: y* = (x − b)/a, so dy*/da = −y*/a and dy*/db = −1/a
    y_star = (np.array([0.0, 2.0]) + 4.0) / 2.0
    implicit = invlib.implicit_gradient(invlib.Line(), (2.0, -4.0), [0.0, 2.0], y_star)
    np.testing.assert_allclose(implicit, np.stack([-y_star / 2.0, np.full(2, -0.5)], axis=-1))


def test_line_hand_written_loss_derivatives_match_sympy():
    line, sym_line = invlib.Line(), invlib.SympyModel(a_ * y_ + b_, latent="y", params=("a", "b"))
    x, y, theta = np.array([-3.0, 0.0, 2.5]), np.array([1.0, -2.0, 0.5]), (1.7, 0.3)
    L_y, L_yy, L_ytheta = line.loss_derivatives(x, y, theta)
    R_y, R_yy, R_ytheta = sym_line.loss_derivatives(x, y, theta)
    np.testing.assert_allclose(L_y, R_y)
    np.testing.assert_allclose(np.broadcast_to(L_yy, x.shape), np.broadcast_to(R_yy, x.shape))
    for mine, ref in zip(L_ytheta, R_ytheta):
        np.testing.assert_allclose(np.broadcast_to(mine, x.shape), np.broadcast_to(ref, x.shape))


def test_finite_difference_on_functions_with_known_derivatives():
    theta = np.array([0.7, -1.3])
    cubic = lambda t: t[0] ** 3 * t[1] + np.sin(t[1])
    expected = [3 * 0.7**2 * -1.3, 0.7**3 + np.cos(-1.3)]
    np.testing.assert_allclose(invlib.finite_difference(cubic, theta), expected, rtol=1e-9)
    vector = lambda t: np.array([t[0] * t[1], t[0] ** 2, 5.0])
    np.testing.assert_allclose(invlib.finite_difference(vector, theta),
                               [[-1.3, 0.7], [1.4, 0.0], [0.0, 0.0]], atol=1e-9)
    with pytest.raises(TypeError, match="function must be callable"):
        invlib.finite_difference(3.0, theta)
    with pytest.raises(ValueError, match="delta_theta must be > 0"):
        invlib.finite_difference(cubic, theta, delta_theta=0.0)


# --- the steps, the public tangent recursion and the closed-form switch ---


def test_invert_keeps_the_path_and_the_losses_of_the_written_out_steps():
    model, theta, x, y0, alpha = MODELS["tanh"], (1.5, 0.2), np.array([0.3, -0.8]), 0.1, 0.1
    g, path = np.full(2, y0), [np.full(2, y0)]
    for _ in range(7):
        slope = -2.0 * (x - (1.5 * np.tanh(g) + 0.2)) * 1.5 / np.cosh(g) ** 2
        g = g - alpha * slope
        path.append(g)
    result = invlib.invert(model, theta, x, y0, alpha, 7)
    np.testing.assert_allclose(result.path, path, rtol=0, atol=1e-14)
    np.testing.assert_allclose(result.losses, (x - (1.5 * np.tanh(path) + 0.2)) ** 2, atol=1e-14)
    assert result.y is result.path[-1] or np.array_equal(result.y, result.path[-1])
    assert not result.diverged


def test_heavy_ball_steps_are_the_written_out_recursion():
    line, theta, x, y0, alpha, mu = MODELS["line"], (2.0, -4.0), 0.0, -2.5, 0.05, 0.6
    g, v = y0, 0.0
    for _ in range(9):
        v = mu * v - alpha * (-2.0 * (x - (2.0 * g - 4.0)) * 2.0)
        g = g + v
    assert invlib.invert(line, theta, x, y0, alpha, 9, momentum=mu).y == pytest.approx(g, abs=1e-14)


def test_tangents_is_the_recursion_unroll_uses():
    model, theta, x, y0, alpha = MODELS["cubic"], np.array([0.8, -0.5]), np.array([0.3, 0.5]), 0.9, 0.02
    checked = invlib.inversion.check_inputs(model, theta, x, y0, alpha, 12)
    g, dg = invlib.tangents(*checked)
    g_path, dg_path = invlib.tangents(*checked, keep_path=True)
    g_unroll, dg_unroll = invlib.unroll(model, theta, x, y0, alpha, 12)
    np.testing.assert_array_equal(g, g_unroll)
    np.testing.assert_array_equal(np.stack(dg, axis=-1), dg_unroll)
    np.testing.assert_array_equal(g_path[-1], g)
    np.testing.assert_array_equal(dg_path[-1], dg_unroll)
    assert g_path.shape == (13, 2) and dg_path.shape == (13, 2, 2)


@pytest.mark.parametrize("model, momentum, method, a, expected", [
    (invlib.Line(), 0.0, "auto", 2.0, True),
    (invlib.Line(), 0.0, "auto", 1e-4, False),     # the closed form divides by a
    (invlib.Line(), 0.5, "auto", 2.0, False),      # no closed form with momentum
    (invlib.Line(), 0.0, "forward", 2.0, False),
    (invlib.Line(), 0.0, "closed", 1e-4, True),    # asked for explicitly
    (MODELS["tanh"], 0.0, "auto", 2.0, False),
])
def test_one_closed_form_switch(model, momentum, method, a, expected):
    assert invlib.inversion.closed_form_applies(model, momentum, method, a) is expected


def test_unroll_gives_the_same_with_and_without_the_closed_form():
    line, theta, x = invlib.Line(), (1.7, 0.4), np.linspace(-3, 3, 5)
    g_closed, dg_closed = invlib.unroll(line, theta, x, 0.5, 0.08, 25, method="closed")
    g_forward, dg_forward = invlib.unroll(line, theta, x, 0.5, 0.08, 25, method="forward")
    np.testing.assert_allclose(g_closed, g_forward, rtol=1e-12)
    np.testing.assert_allclose(dg_closed, dg_forward, rtol=1e-10)


def test_method_is_checked():
    with pytest.raises(ValueError, match="method must be"):
        invlib.unroll(invlib.Line(), (2.0, -4.0), 0.0, 0.0, 0.05, 5, method="backward")
    with pytest.raises(ValueError, match="needs the Line model"):
        invlib.unroll(MODELS["tanh"], (2.0, -4.0), 0.0, 0.0, 0.05, 5, method="closed")
