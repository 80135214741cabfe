"""Straight lines fitted to noisy pairs (xᵢ, yᵢ), in both directions (notebooks 04, 05).

Training the line through its inversion fits, for N → ∞, the least-squares line of y on x
(inverse regression: the model's slope 1/s, offset −d/s); the classical fit is x on y (â, b̂), then inverted. Each
function takes one data set (1-d arrays: floats back) or many (shape (..., m): arrays back),
fitting along the last axis.
"""

import numpy as np

from . import _validate


def _checked_pairs(x, y):
    """x and y as float arrays of one shape with at least two samples on the last axis."""
    x = _validate.finite_array(x, "x")
    y = _validate.finite_array(y, "y")
    _validate.same_length(x, y)
    if x.ndim == 0:
        raise ValueError("x and y must be arrays of samples, got single numbers")
    if x.shape[-1] < 2:
        raise ValueError(
            f"x and y must hold at least two samples (along the last axis), got {x.shape[-1]}"
        )
    return x, y


def _least_squares(u, v, u_name, v_name):
    """The least-squares line of v on u along the last axis: (slope, intercept)."""
    if np.any(np.all(u == u[..., :1], axis=-1)):
        where = " in every row (data set)" if u.ndim > 1 else ""
        raise ValueError(
            f"{u_name} must hold at least two distinct values{where}: when all {u_name} "
            f"are equal, the line of {v_name} on {u_name} is not defined"
        )
    u_mean, v_mean = u.mean(axis=-1), v.mean(axis=-1)
    uc = u - u_mean[..., None]
    vc = v - v_mean[..., None]
    slope = np.sum(uc * vc, axis=-1) / np.sum(uc * uc, axis=-1)
    intercept = v_mean - slope * u_mean
    if u.ndim == 1:
        return float(slope), float(intercept)
    return slope, intercept


def inverse_regression(x, y):
    """The least-squares line of y on x, y ≈ s·x + d: s = Σ(xᵢ − x̄)(yᵢ − ȳ)/Σ(xᵢ − x̄)², d = ȳ − s·x̄."""
    x, y = _checked_pairs(x, y)
    return _least_squares(x, y, "x", "y")


def classical_fit(x, y):
    """The least-squares line of x on y, x ≈ â·y + b̂: â = Σ(xᵢ − x̄)(yᵢ − ȳ)/Σ(yᵢ − ȳ)², b̂ = x̄ − â·ȳ."""
    x, y = _checked_pairs(x, y)
    return _least_squares(y, x, "y", "x")


def regression_floor(x, y):
    """The smallest T of any affine prediction, min over s, d of Σ(yᵢ − s·xᵢ − d)²: T(θ) ≥ it for the line."""
    x, y = _checked_pairs(x, y)
    s, d = _least_squares(x, y, "x", "y")
    residual = y - (np.asarray(s)[..., None] * x + np.asarray(d)[..., None])
    floor = np.sum(residual**2, axis=-1)
    return float(floor) if x.ndim == 1 else floor


def slope_limits(a, noise, var_y, noise_in="x"):
    """The fitted model slopes for m → ∞, (trained 1/s, classical â): noise in x gives (a + σ²/(aV), a), noise in y (a, aV/(V + σ²))."""
    a = _validate.real_number(a, "a")
    if a == 0:
        raise ValueError("a must not be 0: a flat line x = b says nothing about y")
    noise = _validate.finite_array(noise, "noise")
    if np.any(noise < 0):
        raise ValueError(f"noise must be >= 0, got {noise[noise < 0].flat[0]!r}")
    var_y = _validate.positive_number(var_y, "var_y")
    if noise_in == "x":
        trained, classical = a + noise**2 / (a * var_y), np.full(noise.shape, a)
    elif noise_in == "y":
        trained, classical = np.full(noise.shape, a), a * var_y / (var_y + noise**2)
    else:
        raise ValueError(f"noise_in must be 'x' or 'y', got {noise_in!r}")
    if noise.ndim == 0:
        return float(trained), float(classical)
    return trained, classical
