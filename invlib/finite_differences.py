"""Central finite differences: the independent check of every derivative in the series (notebook 03).

∂F/∂θ_k ≈ (F(θ + h e_k) − F(θ − h e_k))/(2h); the error is about h²F‴ (truncation) plus
ε|F|/h (rounding, ε ≈ 1e-16), smallest near h ≈ 1e-5 … 1e-6.
"""

import numpy as np

from . import _validate


def finite_difference(function, theta, h=1e-6):
    """∂F/∂θ_k for every k by central differences; F's shape plus a last axis over the parameters."""
    if not callable(function):
        raise TypeError(f"function must be callable, got {type(function).__name__}")
    theta = _validate.finite_array(theta, "theta")
    if theta.ndim != 1:
        raise ValueError(f"theta must be a 1-d array of parameters, got shape {theta.shape}")
    h = _validate.positive_number(h, "h")
    columns = []
    for e_k in np.eye(theta.size):
        up = np.asarray(function(theta + h * e_k), dtype=float)
        down = np.asarray(function(theta - h * e_k), dtype=float)
        columns.append((up - down) / (2.0 * h))
    return np.stack(columns, axis=-1)
