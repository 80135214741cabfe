r"""What training with a finite number N of inner steps fits, for the line (notebook 07).

For the line :math:`f_\theta(y) = a y + b`, θ = (a, b), the N descent steps
:math:`g_{n+1} = g_n - \alpha\,\partial_y L` from a start :math:`g_0 = y_0` that does not
depend on θ have the closed form :math:`g_N = y^* + q^N (y_0 - y^*)`, with
:math:`y^* = (x - b)/a` and :math:`q = 1 - 2\alpha a^2`. So the prediction is an affine
function of the observation x,

.. math::

    h_\theta(x) = s(a)\,x + c(a, b), \qquad
    s(a) = \frac{1 - q^N}{a}, \qquad c(a, b) = q^N y_0 - s(a)\,b ,

and the training loss :math:`T(\theta) = \sum_i (y_i - h_\theta(x_i))^2` sees θ only
through the slope s and the offset c. On data that lie on the line y = S x + C, T = 0
exactly where :math:`s(a) = S` (:func:`slope_roots`) and :math:`c(a, b) = C`
(:func:`zero_loss_theta`). The original data (x = 2y − 4) have S = 1/2, C = 2.

Everything here is numpy only, like the rest of the computing core.
"""

from typing import NamedTuple

import numpy as np

from . import _validate, inversion, rates

#: Slope S and offset C of the original data's exact inverse, y = (x + 4)/2.
DATA_SLOPE, DATA_OFFSET = 0.5, 2.0


def _steps(alpha, n_steps):
    alpha = _validate.positive_number(alpha, "alpha")
    n_steps = _validate.count(n_steps, "n_steps", 0, inversion.MAX_STEPS)
    return alpha, n_steps


def _power(a, alpha, n_steps):
    r""":math:`q^N` with :math:`q = 1 - 2\alpha a^2` (inf rather than an error on overflow)."""
    with np.errstate(over="ignore"):
        return np.float64(1.0 - 2.0 * alpha * a * a) ** n_steps


def slope(a, alpha, n_steps, momentum=0.0):
    r"""The slope :math:`s(a) = (1 - q^N)/a` of the N-step prediction in x, :math:`q = 1 - 2\alpha a^2`.

    With heavy-ball ``momentum`` μ > 0 the steps are still linear in the error, so the
    prediction is still affine in x, with :math:`s(a) = (1 - p)/a` where p is the error
    factor after N steps (:func:`invlib.rates.error_path`); μ = 0 gives p = q^N.

    ``a`` is a number or an array (the result has its shape; a float for a number). Where
    :math:`2\alpha a^2 < 1/2` the numerator is computed as
    :math:`-\mathrm{expm1}\big(N \ln(1 - 2\alpha a^2)\big)`, which keeps full precision for
    small a, where :math:`s(a) \approx 2 N \alpha a`; at a = 0 the slope is 0, its limit.
    For :math:`|q| > 1` (α > 1/a², diverging inner steps) the formula still holds for the
    N steps taken; :math:`|s|` may then overflow to inf.
    """
    a = _validate.finite_array(a, "a")
    alpha, n_steps = _steps(alpha, n_steps)
    momentum = _validate.momentum_value(momentum)
    return _slope(a, alpha, n_steps, momentum)


def _slope(a, alpha, n_steps, momentum=0.0):
    """:func:`slope` without the argument checks (for loops that call it many times)."""
    a = np.asarray(a, dtype=float)
    if momentum:
        p = rates.error_path(alpha, momentum, rates.curvature(a), n_steps)[-1]
        with np.errstate(over="ignore", invalid="ignore"):
            s = np.where(a == 0.0, 0.0, (1.0 - p) / np.where(a == 0.0, 1.0, a))
        return s if s.ndim else float(s)
    shrink = 2.0 * alpha * a * a  # 1 − q
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        safe = np.where(shrink < 0.5, shrink, 0.0)
        gone = np.where(shrink < 0.5, -np.expm1(n_steps * np.log1p(-safe)),
                        1.0 - (1.0 - shrink) ** n_steps)  # 1 − q^N
        s = np.where(a == 0.0, 0.0, gone / np.where(a == 0.0, 1.0, a))
    return s if s.ndim else float(s)


def offset(theta, y0, alpha, n_steps):
    r"""The offset :math:`c(a, b) = q^N y_0 - s(a)\,b` of the N-step prediction, θ = (a, b).

    ``y0`` is the start :math:`g_0` of every inversion (a number).
    """
    a, b = _validate.parameters(theta, 2)
    y0 = _validate.real_number(y0, "y0")
    alpha, n_steps = _steps(alpha, n_steps)
    with np.errstate(over="ignore", invalid="ignore"):
        return float(_power(a, alpha, n_steps) * y0 - _slope(a, alpha, n_steps) * b)


def slope_roots(target, alpha, n_steps, a_max, a_min=0.0, n_grid=2001, n_bisect=60,
                momentum=0.0):
    r"""Every a in [``a_min``, ``a_max``] with :math:`s(a) = S`, S = ``target``, sorted
    (``momentum`` as in :func:`slope`).

    Finds the sign changes of :math:`s(a) - S` on a grid of ``n_grid`` points, then halves
    each bracket ``n_bisect`` times. A root where s only touches S (a double root) has no
    sign change and can be missed; so can two roots closer than the grid spacing.
    """
    target = _validate.real_number(target, "target")
    alpha = _validate.positive_number(alpha, "alpha")
    n_steps = _validate.count(n_steps, "n_steps", 1, inversion.MAX_STEPS)
    a_min = _validate.real_number(a_min, "a_min")
    a_max = _validate.real_number(a_max, "a_max")
    if not a_max > a_min:
        raise ValueError(f"a_max must be larger than a_min, got a_min = {a_min}, a_max = {a_max}")
    n_grid = _validate.count(n_grid, "n_grid", 2, 10_000_000)
    n_bisect = _validate.count(n_bisect, "n_bisect", 0, 200)
    momentum = _validate.momentum_value(momentum)
    grid = np.linspace(a_min, a_max, n_grid)
    gap = _slope(grid, alpha, n_steps, momentum) - target
    left = np.nonzero(np.sign(gap[:-1]) * np.sign(gap[1:]) <= 0)[0]
    lo, hi = grid[left], grid[left + 1]
    sign_lo = np.sign(gap[left])
    for _ in range(n_bisect):
        mid = 0.5 * (lo + hi)
        same = np.sign(_slope(mid, alpha, n_steps, momentum) - target) == sign_lo  # root in [mid, hi]
        lo, hi = np.where(same, mid, lo), np.where(same, hi, mid)
    return np.unique(0.5 * (lo + hi))


def zero_loss_theta(a, y0, alpha, n_steps, data_offset=DATA_OFFSET):
    r"""θ = (a, b) with the b that gives the N-step prediction the offset C = ``data_offset``.

    Solving :math:`c(a, b) = q^N y_0 - s(a)\,b = C` for b gives

    .. math:: b = \frac{q^N y_0 - C}{s(a)} .

    At a root of :math:`s(a) = S` (:func:`slope_roots`) this θ predicts the line
    y = S x + C exactly, so T = 0 on data that lie on it (C = 2 for the original data).
    Needs :math:`s(a) \ne 0`.
    """
    a = _validate.real_number(a, "a")
    y0 = _validate.real_number(y0, "y0")
    alpha, n_steps = _steps(alpha, n_steps)
    data_offset = _validate.real_number(data_offset, "data_offset")
    s = _slope(a, alpha, n_steps)
    if s == 0.0:
        raise ValueError(f"the slope s(a) is 0 at a = {a!r} with n_steps = {n_steps}: "
                         "no b changes the offset, so b is not determined")
    with np.errstate(over="ignore", invalid="ignore"):
        b = (_power(a, alpha, n_steps) * y0 - data_offset) / s
    return np.array([a, float(b)])


def best_loss_over_b(a, x, y, alpha, n_steps):
    r"""The smallest T over b at each a: :math:`\min_b T(a, b) = \sum_i \big((y_i - \bar y) - s(a)(x_i - \bar x)\big)^2`.

    For fixed a with :math:`s(a) \ne 0`, b can give the offset c any value, and the best c
    fits the means: :math:`c = \bar y - s(a)\,\bar x`. On data on the line y = S x + C this is
    :math:`(1 - s(a)/S)^2 \sum_i (y_i - \bar y)^2`. ``a`` may be an array; the data are
    the pairs (``x``, ``y``).
    """
    a = _validate.finite_array(a, "a")
    x = _validate.finite_array(x, "x")
    y = _validate.finite_array(y, "y")
    _validate.same_length(x, y)
    dx, dy = x.ravel() - x.mean(), y.ravel() - y.mean()
    alpha, n_steps = _steps(alpha, n_steps)
    s = np.asarray(_slope(a, alpha, n_steps))[..., None]
    with np.errstate(over="ignore", invalid="ignore"):
        return np.sum((dy - s * dx) ** 2, axis=-1)


class Outcome(NamedTuple):
    """Where a training run ended: ``kind`` is 'root', 'near root', 'cycle', 'bound' or
    'moving'; ``root`` the nearest root of s(a) = S (NaN if none); ``text`` a short phrase."""

    kind: str
    root: float
    text: str


def describe_end(fit, roots, a_bound=None):
    r"""Classify the end of an :func:`invlib.train` run of the line against the ``roots`` of s(a) = S.

    - 'cycle': θ repeats every second epoch while jumping (gradient descent with too large
      a rate β across a steep valley);
    - 'bound': a sits on ``a_bound`` (the run was clamped there);
    - 'root': a is within 10⁻³·max(1, root) of a root and T < 1e-6;
    - 'near root': a is within 0.05·max(1, root) of a root (still converging);
    - 'moving': none of these.
    """
    for attribute in ("theta", "losses", "thetas"):
        if not hasattr(fit, attribute):
            raise TypeError(f"fit must be the result of invlib.train, got {type(fit).__name__} "
                            f"(it has no {attribute!r})")
    roots = _validate.finite_array(roots, "roots", allow_empty=True).ravel()
    if a_bound is not None:
        a_bound = _validate.real_number(a_bound, "a_bound")
    thetas, final_loss = np.asarray(fit.thetas), float(fit.losses[-1])
    a = float(fit.theta[0])
    root = float(roots[np.argmin(np.abs(roots - a))]) if roots.size else float("nan")
    if thetas.shape[0] >= 3:
        scale = 1.0 + np.abs(thetas[-1])
        period_two = np.all(np.abs(thetas[-1] - thetas[-3]) < 1e-7 * scale)
        jumping = np.any(np.abs(thetas[-1] - thetas[-2]) > 1e-3 * scale)
        if period_two and jumping:
            low, high = sorted((thetas[-1, 0], thetas[-2, 0]))
            return Outcome("cycle", root, f"a jumps between {low:.3f} and {high:.3f} every epoch")
    if a_bound is not None and a == a_bound:
        return Outcome("bound", root, f"stuck on the bound a = {a_bound:g}, T = {final_loss:.3g}")
    # T at rounding level differs in its last digits between machines: not printed.
    loss = f"T = {final_loss:.1e}" if final_loss >= 1e-12 else "T < 1e-12"
    if roots.size and abs(a - root) < 1e-3 * max(1.0, root) and final_loss < 1e-6:
        return Outcome("root", root, f"reached the root a = {root:.4f}, {loss}")
    if roots.size and abs(a - root) < 0.05 * max(1.0, root):
        return Outcome("near root", root, f"approaching the root a = {root:.4f}, {loss}")
    return Outcome("moving", root, f"still moving at a = {a:.3f}, {loss}")
