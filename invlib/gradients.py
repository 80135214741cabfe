"""Three estimates of dy*/dθ after N descent steps, and where they go wrong (notebook 09).

The exact derivative of the minimiser is J* = −(∂²L/∂y²)⁻¹ ∂²L/∂y∂θ at y* (implicit function
theorem). Its stand-ins after N steps: unrolled (∂g_N/∂θ through all the steps), implicit at g_N
(the formula at the last iterate) and one-step (differentiate the last step only). For the
line the unrolled error carries a factor n|q|^(n−1), which peaks at peak_step.
"""

from typing import NamedTuple

import numpy as np

from . import _validate, inversion
from .models import check_model, check_theta


def one_step_gradient(model, theta, x, y_prev, alpha):
    """The one-step estimate −α ∂²L/∂y∂θ(g_{N−1}): the last step alone, g_{N−1} held fixed.
    It tends to (1 − q) J*, not J* (Bolte, Pauwels & Vaiter 2023); parameters on the last axis.
    """
    model = check_model(model)
    theta = check_theta(model, theta)
    x = _validate.finite_array(x, "x")
    y_prev = _validate.finite_array(y_prev, "y_prev")
    alpha = _validate.positive_number(alpha, "alpha")
    shape = _validate.common_shape(x, y_prev, "y_prev")
    _, _, L_ytheta = model.loss_derivatives(x, y_prev, theta)
    columns = [np.broadcast_to(-alpha * np.asarray(L_yk, dtype=float), shape) for L_yk in L_ytheta]
    return np.stack(columns, axis=-1)


def peak_step(q):
    """Where n|q|^(n−1) is largest over n > 0: n* = 1/ln(1/|q|) (needs |q| < 1; q = 0 gives 0)."""
    q = _validate.real_number(q, "q")
    if not abs(q) < 1.0:
        raise ValueError(f"q must satisfy |q| < 1 (converging steps), got {q!r}")
    if q == 0.0:
        return 0.0
    return 1.0 / np.log(1.0 / abs(q))


class GradientEstimates(NamedTuple):
    """g[n], unrolled[n] = ∂g_n/∂θ, implicit[n] (the formula at g_n), one_step[n] (0 at n = 0), n = 0 … N."""

    g: np.ndarray
    unrolled: np.ndarray
    implicit: np.ndarray
    one_step: np.ndarray


def gradient_estimates(model, theta, x, y0, alpha, n_steps):
    """The iterates and all three estimates after every step n ≤ N (one run of invlib.unroll_path)."""
    g, unrolled = inversion.unroll_path(model, theta, x, y0, alpha, n_steps)
    theta = check_theta(model, theta)
    x = _validate.finite_array(x, "x")
    implicit = inversion.implicit_gradient(model, theta, x, g)
    one_step = np.zeros_like(unrolled)
    if n_steps > 0:
        one_step[1:] = one_step_gradient(model, theta, x, g[:-1], alpha)
    return GradientEstimates(g=g, unrolled=unrolled, implicit=implicit, one_step=one_step)
