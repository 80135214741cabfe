r"""Training θ by differentiating through the N unrolled inversion steps.

.. math::

    T(\theta) = \sum_i \big(y_i - h_\theta(x_i)\big)^2, \qquad
    \nabla_\theta T = -2 \sum_i \big(y_i - h_\theta(x_i)\big)\,\frac{\partial h_\theta(x_i)}{\partial\theta},

with :math:`h_\theta(x) = g_N` and :math:`\partial h/\partial\theta` from
:func:`invlib.unroll`. The outer update is gradient descent with rate β,
:math:`\theta \leftarrow \theta - \beta\,\nabla_\theta T` (heavy-ball with ``momentum``),
projected back into ``bounds`` after every step.
"""

from typing import NamedTuple

import numpy as np

from . import _validate, inversion
from ._validate import DivergenceError
from .models import check_model, check_theta

#: Largest number of outer steps accepted.
MAX_EPOCHS = 1_000_000


def training_loss(model, theta, x, y, y0, alpha, n_steps):
    r""":math:`T(\theta) = \sum_i (y_i - h_\theta(x_i))^2`."""
    h = inversion.invert(model, theta, x, y0, alpha, n_steps).y
    return float(np.sum((np.asarray(y, dtype=float) - h) ** 2))


def training_gradient(model, theta, x, y, y0, alpha, n_steps, method="auto"):
    r""":math:`T(\theta)` and :math:`\nabla_\theta T = -2\sum_i r_i\,\partial h_\theta(x_i)/\partial\theta`."""
    x, y = _check_data(x, y)
    h, dh = inversion.unroll(model, theta, x, y0, alpha, n_steps, method=method)
    residual = y - h
    return float(np.sum(residual**2)), -2.0 * np.tensordot(residual, dh, axes=residual.ndim)


class TrainResult(NamedTuple):
    """What :func:`train` returns: final ``theta``; ``losses[k]`` = T after k updates
    (k = 0 … n_epochs); ``thetas[k]`` the parameters after k updates."""

    theta: np.ndarray
    losses: np.ndarray
    thetas: np.ndarray


def train(
    model,
    x,
    y,
    theta0,
    y0,
    alpha,
    beta,
    n_steps,
    n_epochs,
    bounds=None,
    momentum=0.0,
    inner_momentum=0.0,
    nesterov=False,
    method="auto",
):
    r"""Fit θ to pairs (x_i, y_i) by gradient descent on T, through the N inner steps.

    ``y0`` is where every inversion starts (a number, or one per sample); it does not
    depend on θ. ``bounds`` holds a (low, high) pair per parameter (None = open), for
    example ``[(0.5, None), (None, None)]`` keeps a ≥ 0.5. Raises
    :class:`DivergenceError` if T or θ stops being finite.
    """
    model = check_model(model)
    x, y = _check_data(x, y)
    theta = check_theta(model, theta0, "theta0").copy()
    y0 = _validate.finite_array(y0, "y0")
    try:
        y0 = np.array(np.broadcast_to(y0, x.shape))
    except ValueError:
        raise ValueError(f"y0 must be a number or have the shape of x {x.shape}, got {y0.shape}") from None
    alpha = _validate.positive_number(alpha, "alpha")
    beta = _validate.positive_number(beta, "beta")
    n_steps = _validate.count(n_steps, "n_steps", 0, inversion.MAX_STEPS)
    n_epochs = _validate.count(n_epochs, "n_epochs", 0, MAX_EPOCHS)
    momentum = _validate.momentum_value(momentum)
    inner_momentum = _validate.momentum_value(inner_momentum, "inner_momentum")
    lower, upper = _validate.bounds_list(bounds, model.n_params, theta)
    # Check the remaining arguments once, through the public function.
    inversion.unroll(model, theta, x, y0, alpha, n_steps, inner_momentum, nesterov, method)
    use_closed = method == "closed" or (
        method == "auto" and isinstance(model, inversion.Line) and inner_momentum == 0.0
    )

    line_fast_path = _line_loss_and_gradient(x, y, y0, alpha, n_steps) if use_closed else None

    def loss_and_gradient(theta):
        if line_fast_path and not abs(theta[0]) <= 1e-3:  # a NaN also takes the fast path
            return line_fast_path(theta)
        h, dh = inversion._forward_mode(
            model, theta, x, y0, alpha, n_steps, inner_momentum, nesterov
        )
        residual = y - h
        gradient = [-2.0 * float(np.vdot(residual, dh_k)) for dh_k in dh]
        return float(np.vdot(residual, residual)), gradient

    # The loop works on plain Python floats: for a handful of parameters that is
    # several times faster than numpy's small-array calls.
    losses = np.full(n_epochs + 1, np.nan)
    thetas = np.full((n_epochs + 1, model.n_params), np.nan)
    theta, lower, upper = theta.tolist(), lower.tolist(), upper.tolist()
    velocity = [0.0] * model.n_params
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for epoch in range(n_epochs):
            loss, gradient = loss_and_gradient(theta)
            losses[epoch], thetas[epoch] = loss, theta
            if not loss < inversion.BLOW_UP:  # diverged (this is also true for NaN)
                break
            velocity = [momentum * v - beta * dT for v, dT in zip(velocity, gradient)]
            theta = [min(max(t + v, lo), hi) for t, v, lo, hi in zip(theta, velocity, lower, upper)]
        else:
            losses[n_epochs], _ = loss_and_gradient(theta)
            thetas[n_epochs] = theta
    _check_training(losses, thetas, beta, alpha)
    return TrainResult(theta=thetas[-1].copy(), losses=losses, thetas=thetas)


def _line_loss_and_gradient(x, y, y0, alpha, n_steps):
    r"""T and ∇T for the line from its closed form, at a cost that does not grow with N.

    With p = q^N, q = 1 − 2αa² and u = (1 − p)/a, the closed form
    g_N = y* + p (g_0 − y*) reads :math:`h_\theta(x) = u\,x - u\,b + p\,g_0`: linear in the
    features (x, 1, g_0) with coefficients c = (u, −u·b, p). So each epoch needs c and
    its derivatives (a few numbers) and two products with the feature matrix.
    """
    features = np.stack([x.ravel(), np.ones(x.size), y0.ravel()])
    y = y.ravel()

    def loss_and_gradient(theta):
        a, b = theta
        q = 1.0 - 2.0 * alpha * a * a
        try:
            q_before = q ** (n_steps - 1) if n_steps else 1.0 / q if q else 0.0
        except OverflowError:
            return float("inf"), [float("nan")] * 2
        p = q_before * q if n_steps else 1.0
        dp_da = -4.0 * alpha * a * n_steps * q_before if n_steps else 0.0
        u = (1.0 - p) / a
        du_da = -(dp_da + u) / a
        residual = y - np.dot((u, -u * b, p), features)
        g_x, g_1, g_0 = (features @ residual).tolist()  # -½ ∂T/∂c
        grad_a = -2.0 * (g_x * du_da - g_1 * b * du_da + g_0 * dp_da)
        grad_b = 2.0 * g_1 * u
        return float(residual @ residual), [grad_a, grad_b]

    return loss_and_gradient


def _check_data(x, y):
    x = _validate.finite_array(x, "x")
    y = _validate.finite_array(y, "y")
    _validate.same_length(x, y)
    return x, y


def _check_training(losses, thetas, beta, alpha):
    bad = ~(np.isfinite(losses) & (np.abs(losses) < inversion.BLOW_UP))
    bad |= ~np.all(np.isfinite(thetas) & (np.abs(thetas) < inversion.BLOW_UP), axis=1)
    if not bad.any():
        return
    epoch = int(np.argmax(bad))
    last = thetas[epoch - 1] if epoch else thetas[0]
    raise DivergenceError(
        f"training diverged at epoch {epoch} (last finite theta = {np.round(last, 4).tolist()}): "
        f"the outer rate beta = {beta:g} is too large, or theta left the region where the "
        f"inner step alpha = {alpha:g} is stable (for the line: alpha < 1/a²). "
        "Reduce beta, or add bounds."
    )
