"""Training θ by differentiating through the N unrolled inversion steps (notebook 04).

T(θ) = Σᵢ (yᵢ − h_θ(xᵢ))², ∇T = −2 Σᵢ (yᵢ − h_θ(xᵢ)) ∂h_θ(xᵢ)/∂θ with ∂h/∂θ from the
tangents of invlib.inversion; the outer update is θ ← θ − β ∇T (heavy ball with momentum),
projected back into the bounds after every step.
"""

from typing import NamedTuple

import numpy as np

from . import _validate, inversion, line
from ._validate import DivergenceError
from .models import Line, check_model, check_theta


def training_loss(model, theta, x, y, y0, alpha, n_steps):
    """T(θ) = Σᵢ (yᵢ − h_θ(xᵢ))²."""
    h = inversion.invert(model, theta, x, y0, alpha, n_steps).y
    return float(np.sum((np.asarray(y, dtype=float) - h) ** 2))


def training_gradient(model, theta, x, y, y0, alpha, n_steps, method="auto"):
    """T(θ) and ∇T = −2 Σᵢ rᵢ ∂h_θ(xᵢ)/∂θ, with rᵢ = yᵢ − h_θ(xᵢ)."""
    x, y = _check_data(x, y)
    h, dh = inversion.unroll(model, theta, x, y0, alpha, n_steps, method=method)
    residual = y - h
    return float(np.sum(residual**2)), -2.0 * np.tensordot(residual, dh, axes=residual.ndim)


class TrainResult(NamedTuple):
    """theta: the final θ; losses[k]: T after k updates (k = 0 … n_epochs); thetas[k]: θ then."""

    theta: np.ndarray
    losses: np.ndarray
    thetas: np.ndarray


def train(model, x, y, theta0, y0, alpha, beta, n_steps, n_epochs, bounds=None, momentum=0.0,
          inner_momentum=0.0, nesterov=False, method="auto"):
    """Fit θ to the pairs (xᵢ, yᵢ) by gradient descent on T, through the N inner steps.

    y0: where every inversion starts (a number, or one per sample). bounds: a (low, high)
    pair per parameter (None = open), e.g. [(0.5, None), (None, None)] keeps a ≥ 0.5.
    DivergenceError when T or θ stops being finite.
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
    n_steps = _validate.count(n_steps, "n_steps", 0, _validate.MAX_STEPS)
    n_epochs = _validate.count(n_epochs, "n_epochs", 0, _validate.MAX_EPOCHS)
    momentum = _validate.momentum_value(momentum)
    inner_momentum = _validate.momentum_value(inner_momentum, "inner_momentum")
    lower, upper = _validate.bounds_list(bounds, model.n_params, theta)
    inversion.check_method(model, inner_momentum, method)
    closed = line.training_objective(x, y, y0, alpha, n_steps) if isinstance(model, Line) else None

    def loss_and_gradient(theta):
        if inversion.closed_form_applies(model, inner_momentum, method, theta[0]):
            return closed(theta)  # a NaN takes this path too, and is caught below
        h, dh = inversion.tangents(model, theta, x, y0, alpha, n_steps, inner_momentum, nesterov)
        residual = y - h
        return float(np.vdot(residual, residual)), [-2.0 * float(np.vdot(residual, dh_k))
                                                    for dh_k in dh]

    # Plain Python floats: for a handful of parameters several times faster than numpy's.
    losses = np.full(n_epochs + 1, np.nan)
    thetas = np.full((n_epochs + 1, model.n_params), np.nan)
    theta, lower, upper = theta.tolist(), lower.tolist(), upper.tolist()
    velocity = [0.0] * model.n_params
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for epoch in range(n_epochs):
            loss, gradient = loss_and_gradient(theta)
            losses[epoch], thetas[epoch] = loss, theta
            if not loss < _validate.BLOW_UP:  # diverged (also true for NaN)
                break
            velocity = [momentum * v - beta * dT for v, dT in zip(velocity, gradient)]
            theta = [min(max(t + v, lo), hi) for t, v, lo, hi in zip(theta, velocity, lower, upper)]
        else:
            losses[n_epochs], _ = loss_and_gradient(theta)
            thetas[n_epochs] = theta
    _check_training(losses, thetas, beta, alpha)
    return TrainResult(theta=thetas[-1].copy(), losses=losses, thetas=thetas)


def _check_data(x, y):
    x = _validate.finite_array(x, "x")
    y = _validate.finite_array(y, "y")
    _validate.same_length(x, y)
    return x, y


def _check_training(losses, thetas, beta, alpha):
    bad = ~(np.isfinite(losses) & (np.abs(losses) < _validate.BLOW_UP))
    bad |= ~np.all(np.isfinite(thetas) & (np.abs(thetas) < _validate.BLOW_UP), axis=1)
    if not bad.any():
        return
    epoch = int(np.argmax(bad))
    last = thetas[epoch - 1] if epoch else thetas[0]
    raise DivergenceError(
        f"training diverged at epoch {epoch} (last finite theta = {np.round(last, 4).tolist()}): "
        f"the outer learning rate beta = {beta:g} is too large, or theta left the region where the "
        f"inner step alpha = {alpha:g} is stable (for the line: alpha < 1/a²). "
        "Reduce beta, or add bounds."
    )
