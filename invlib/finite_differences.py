"""Central finite differences: the independent check of every derivative in the series (notebook 03).

∂F/∂θ_k ≈ (F(θ + Δθ 𝟏_k) − F(θ − Δθ 𝟏_k))/(2Δθ), 𝟏_k the k-th unit vector; the error is about
Δθ²F‴ (truncation) plus ε|F|/Δθ (rounding, ε ≈ 1e-16), smallest near Δθ ≈ 1e-5 … 1e-6.
"""

import numpy as np

from . import _validate


def finite_difference(function, theta, delta_theta=1e-6):
    """∂F/∂θ_k for every k by central differences; F's shape plus a last axis over the parameters."""
    if not callable(function):
        raise TypeError(f"function must be callable, got {type(function).__name__}")
    theta = _validate.finite_array(theta, "theta")
    if theta.ndim != 1:
        raise ValueError(f"theta must be a 1-d array of parameters, got shape {theta.shape}")
    delta_theta = _validate.positive_number(delta_theta, "delta_theta")
    columns = []
    for unit in np.eye(theta.size):
        up = np.asarray(function(theta + delta_theta * unit), dtype=float)
        down = np.asarray(function(theta - delta_theta * unit), dtype=float)
        columns.append((up - down) / (2.0 * delta_theta))
    return np.stack(columns, axis=-1)
