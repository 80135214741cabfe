"""Prediction as inversion, and the derivatives of the unrolled steps.

L(y) = (x − f_θ(y))², g_{n+1} = g_n − α ∂L/∂y(g_n), h_θ(x) = g_N (notebook 02).
`unroll` carries the tangent ∂g_n/∂θ along the steps (forward mode, O(N); notebook 03);
`implicit_gradient` gives the limit N → ∞ without any steps (notebook 09).
Works for any model with f, df_dy, loss_derivatives and n_params (invlib.models).
"""

from typing import NamedTuple

import numpy as np

from . import _validate, line
from ._validate import DivergenceError
from .models import Line, check_model, check_theta


def inner_loss(model, theta, x, y):
    """L(y) = (x − f_θ(y))²."""
    return (x - model.f(y, theta)) ** 2


def inner_gradient(model, theta, x, y):
    """∂L/∂y = −2 (x − f_θ(y)) ∂f/∂y."""
    return -2.0 * (x - model.f(y, theta)) * model.df_dy(y, theta)


def descent_step(model, theta, x, y, alpha):
    """One step of gradient descent, y − α ∂L/∂y."""
    return y - alpha * inner_gradient(model, theta, x, y)


class InversionResult(NamedTuple):
    """y: the last iterate g_N; path: g_0 … g_N (first axis n); losses: L at each iterate;
    diverged: True when the loss grew over the run."""

    y: np.ndarray
    path: np.ndarray
    losses: np.ndarray
    diverged: bool


def invert(model, theta, x, y0, alpha, n_steps, momentum=0.0, nesterov=False):
    """N steps of width α from y0 towards f_θ(y) = x (heavy ball: v ← μv − α ∂L/∂y, g ← g + v;
    Nesterov takes the slope at g + μv). DivergenceError when the iterates leave the finite
    numbers; a run whose loss merely grew comes back with diverged=True."""
    model, theta, x, y0, alpha, n_steps, momentum = check_inputs(
        model, theta, x, y0, alpha, n_steps, momentum)
    path = np.empty((n_steps + 1, *x.shape))
    y, velocity = y0, np.zeros_like(y0)
    path[0] = y
    with np.errstate(over="ignore", invalid="ignore"):
        for n in range(n_steps):
            if momentum == 0.0:
                y = descent_step(model, theta, x, y, alpha)
            else:
                look = y + momentum * velocity if nesterov else y
                velocity = momentum * velocity - alpha * inner_gradient(model, theta, x, look)
                y = y + velocity
            path[n + 1] = y
        _check_finite(path, "iterates", model, theta, alpha, momentum, nesterov)
        losses = inner_loss(model, theta, x, path)
    _check_finite(losses, "losses", model, theta, alpha, momentum, nesterov)
    diverged = bool(np.any(losses[-1] > losses[0] * (1 + 1e-12) + 1e-300))
    return InversionResult(y=path[-1], path=path, losses=losses, diverged=diverged)


def unroll(model, theta, x, y0, alpha, n_steps, momentum=0.0, nesterov=False, method="auto"):
    """h_θ(x) = g_N and ∂g_N/∂θ (parameters on the last axis) by method "forward" (tangents),
    "closed" (invlib.line.closed_form) or "auto" (the closed form where it applies)."""
    model, theta, x, y0, alpha, n_steps, momentum = check_inputs(
        model, theta, x, y0, alpha, n_steps, momentum, method)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if closed_form_applies(model, momentum, method, theta[0]):
            g, dg = line.closed_form(theta, x, y0, alpha, n_steps)
        else:
            g, dg = tangents(model, theta, x, y0, alpha, n_steps, momentum, nesterov)
        g, dg = np.broadcast_to(g, x.shape) * 1.0, _stack(dg, x)
    _check_finite(g, "iterates", model, theta, alpha, momentum, nesterov)
    _check_finite(dg, "derivatives", model, theta, alpha, momentum, nesterov)
    return g, dg


def unroll_path(model, theta, x, y0, alpha, n_steps, momentum=0.0, nesterov=False):
    """Like unroll, for every step: g[n] and dg[n] for n = 0 … N."""
    model, theta, x, y0, alpha, n_steps, momentum = check_inputs(
        model, theta, x, y0, alpha, n_steps, momentum)
    with np.errstate(over="ignore", invalid="ignore"):
        g, dg = tangents(model, theta, x, y0, alpha, n_steps, momentum, nesterov, True)
        g = np.broadcast_to(g, (n_steps + 1, *x.shape))
    _check_finite(g, "iterates", model, theta, alpha, momentum, nesterov)
    _check_finite(dg, "derivatives", model, theta, alpha, momentum, nesterov)
    return g, dg


def tangents(model, theta, x, y0, alpha, n_steps, momentum=0.0, nesterov=False, keep_path=False):
    """t_{n+1} = t_n − α (∂²L/∂y² t_n + ∂²L/∂y∂θ), t_0 = 0, for checked arguments: g_N and
    [∂g_N/∂θ_k], or with keep_path both for every n (the momentum tangents alike)."""
    y, v = y0, 0.0
    t, s = [np.zeros_like(y0)] * model.n_params, [0.0] * model.n_params  # ∂y/∂θ_k, ∂v/∂θ_k
    path = [(y, t)]
    for _ in range(n_steps):
        if nesterov:
            look, t_look = y + momentum * v, [tk + momentum * sk for tk, sk in zip(t, s)]
        else:
            look, t_look = y, t
        L_y, L_yy, L_ytheta = model.loss_derivatives(x, look, theta)
        v = momentum * v - alpha * L_y
        s = [momentum * sk - alpha * (L_yy * tk + L_yk) for sk, tk, L_yk in zip(s, t_look, L_ytheta)]
        y, t = y + v, [tk + sk for tk, sk in zip(t, s)]
        if keep_path:
            path.append((y, t))
    if keep_path:
        return np.stack([g for g, _ in path]), np.stack([_stack(dg, g) for g, dg in path])
    return y, t


def _stack(tangents_, like):
    """The list [∂g/∂θ_k] as one array with the parameters on the last axis."""
    return np.stack(np.broadcast_arrays(*tangents_, like)[:-1], axis=-1)


def closed_form_applies(model, momentum, method, a):
    """Whether the line's closed form replaces the steps: "closed", or "auto" for the line
    without momentum and |a| > 10⁻³ (the closed form divides by a)."""
    if method == "closed":
        return True
    return method == "auto" and isinstance(model, Line) and momentum == 0.0 and not abs(a) <= 1e-3


def implicit_gradient(model, theta, x, y_star):
    """dy*/dθ = −(∂²L/∂y²)⁻¹ ∂²L/∂y∂θ at y_star (exact only where ∂L/∂y = 0)."""
    model = check_model(model)
    theta = check_theta(model, theta)
    x = _validate.finite_array(x, "x")
    y_star = _validate.finite_array(y_star, "y_star")
    shape = _validate.common_shape(x, y_star, "y_star")
    _, L_yy, L_ytheta = model.loss_derivatives(x, y_star, theta)
    L_yy = np.broadcast_to(L_yy, shape)
    if np.any(np.abs(L_yy) < 1e-300):
        raise ValueError(
            "the second derivative of L in y is 0 at y_star: the minimiser is degenerate, so the "
            "implicit formula would divide by zero (for the line this means a = 0)"
        )
    return -_stack(L_ytheta, L_yy) / L_yy[..., None]


def check_inputs(model, theta, x, y0, alpha, n_steps, momentum=0.0, method="auto"):
    """The arguments of invert and unroll, checked, with x and y0 broadcast to one shape."""
    model = check_model(model)
    theta = check_theta(model, theta)
    x = _validate.finite_array(x, "x")
    y0 = _validate.finite_array(y0, "y0")
    shape = _validate.common_shape(x, y0, "y0")
    x, y0 = np.broadcast_to(x, shape), np.array(np.broadcast_to(y0, shape))
    alpha = _validate.positive_number(alpha, "alpha")
    n_steps = _validate.count(n_steps, "n_steps", 0, _validate.MAX_STEPS)
    momentum = _validate.momentum_value(momentum)
    check_method(model, momentum, method)
    return model, theta, x, y0, alpha, n_steps, momentum


def check_method(model, momentum, method):
    """method is "auto", "forward", or "closed" (for the line without momentum)."""
    if method not in ("auto", "forward", "closed"):
        raise ValueError(f"method must be 'auto', 'forward' or 'closed', got {method!r}")
    if method == "closed" and (not isinstance(model, Line) or momentum != 0.0):
        raise ValueError("method='closed' needs the Line model and momentum=0")


def _check_finite(values, what, model, theta, alpha, momentum=0.0, nesterov=False):
    if _validate.is_finite(values):
        return
    hint = ""
    if isinstance(model, Line) and theta[0] != 0:
        limit = line.stability_limit(theta[0], momentum, nesterov)
        rule = "(1+μ)/((1+2μ)a²)" if nesterov else ("(1+μ)/a²" if momentum else "1/a²")
        hint = f"; for the line the steps converge only for 0 < alpha < {rule} = {limit:.4g}"
    raise DivergenceError(
        f"the inversion diverged: its {what} grew beyond {_validate.BLOW_UP:g} with alpha = "
        f"{alpha:g}{hint}. Reduce alpha (or n_steps)."
    )
