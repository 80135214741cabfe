r"""Straight lines fitted to noisy pairs (x_i, y_i), in both directions (notebooks 04, 05).

Training the line :math:`f(y) = a\,y + b` through its inversion fits the prediction
:math:`h_\theta(x)` to the causes :math:`y_i`. For the line, :math:`h_\theta(x)` is an
affine function :math:`c\,x + d` of x for every θ and N, and for :math:`N \to \infty` it is
the exact inverse :math:`(x - b)/a`, so :math:`c = 1/a`, :math:`d = -b/a`. Minimising

.. math:: T = \sum_i \big(y_i - c\,x_i - d\big)^2

is then the least-squares line of y on x (*inverse regression*). The classical
alternative fits the forward model :math:`x \approx \hat a\,y + \hat b` (x on y) and
inverts it. This module holds both fits, the smallest T that any affine prediction
reaches, and the slopes both fits tend to for many examples.

The fits take one data set (1-d arrays: the results are floats) or many at once (arrays
of shape ``(..., m)`` with one data set per row: the results are arrays of shape
``(...)``), always fitting along the last axis.
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
    r"""The least-squares line of v on u along the last axis: ``(slope, intercept)``."""
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
    r"""The least-squares line of y on x, :math:`y \approx c\,x + d`: returns ``(c, d)``.

    .. math:: c = \frac{\sum_i (x_i - \bar x)(y_i - \bar y)}{\sum_i (x_i - \bar x)^2},
              \qquad d = \bar y - c\,\bar x .

    This is what training θ = (a, b) through the inversion converges to for
    :math:`N \to \infty`: the prediction :math:`h_\theta(x) = (x - b)/a` is such a line, with
    the trained :math:`\hat a = 1/c` and :math:`\hat b = -d/c`. ``c = 0`` (no trend of y in
    x) means an infinite slope â. Needs two distinct x values in every data set.
    """
    x, y = _checked_pairs(x, y)
    return _least_squares(x, y, "x", "y")


def classical_fit(x, y):
    r"""The least-squares line of x on y, the forward model :math:`x \approx \hat a\,y + \hat b`:
    returns ``(â, b̂)``.

    .. math:: \hat a = \frac{\sum_i (x_i - \bar x)(y_i - \bar y)}{\sum_i (y_i - \bar y)^2},
              \qquad \hat b = \bar x - \hat a\,\bar y .

    Its prediction is the inverse :math:`y = (x - \hat b)/\hat a`. Needs two distinct y
    values in every data set.
    """
    x, y = _checked_pairs(x, y)
    return _least_squares(y, x, "y", "x")


def regression_floor(x, y):
    r"""The smallest training loss any affine prediction :math:`h(x) = c\,x + d` reaches:

    .. math:: T_\text{floor} = \min_{c,\,d} \sum_i \big(y_i - c\,x_i - d\big)^2,

    the residual of :func:`inverse_regression`. For the line the unrolled prediction is
    affine in x for every θ and N, so :math:`T(\theta) \ge T_\text{floor}`.
    """
    x, y = _checked_pairs(x, y)
    c, d = _least_squares(x, y, "x", "y")
    residual = y - (np.asarray(c)[..., None] * x + np.asarray(d)[..., None])
    floor = np.sum(residual**2, axis=-1)
    return float(floor) if x.ndim == 1 else floor


def slope_limits(a, noise, var_y, noise_in="x"):
    r"""The slopes â of the two fits for many examples (m → ∞): ``(trained, classical)``.

    With causes of variance :math:`V` (``var_y``) and Gaussian noise of size σ (``noise``):

    - noise in x, :math:`x = a y + b + \sigma\varepsilon`: the line of y on x has slope
      :math:`c = aV/(a^2V + \sigma^2)`, so the trained :math:`\hat a = 1/c = a + \sigma^2/(aV)`;
      the classical fit finds :math:`a`;
    - noise in y (the cause recorded as :math:`y + \sigma\varepsilon`): the trained fit
      finds :math:`a`; the classical one :math:`aV/(V + \sigma^2)` (attenuation).

    ``noise`` may be a number (floats are returned) or an array (arrays are returned).
    """
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
