"""Everything closed-form about the line f(y) = a·y + b, θ = (a, b).

Each descent step multiplies the error g_n − y* by q = 1 − 2αa², so
g_N = y* + q^N (g₀ − y*) with y* = (x − b)/a (derived in notebooks 02 and 03). The
N-step prediction is then affine in x, h(x) = s(a)·x + d(a, b), with
s(a) = (1 − q^N)/a and d(a, b) = q^N g₀ − s(a)·b: notebook 08 asks what training fits.
numpy only.
"""

from typing import NamedTuple

import numpy as np

from . import _validate

#: Slope s_true and offset d_true of the original data's exact inverse, y = (x + 4)/2.
DATA_SLOPE, DATA_OFFSET = 0.5, 2.0


def curvature(a):
    """The curvature of the inner loss, c = ∂²L/∂y² = 2a²."""
    return 2.0 * _validate.finite_array(a, "a") ** 2


def q(alpha, a):
    """The factor of one step on the error, q = 1 − 2αa²."""
    return 1.0 - 2.0 * alpha * a * a


def stability_limit(a, momentum=0.0, nesterov=False):
    """The largest stable step: α < (1 + μ)/a², or (1 + μ)/((1 + 2μ)a²) for Nesterov."""
    a = _validate.real_number(a, "a")
    momentum = _validate.momentum_value(momentum)
    if a == 0:
        raise ValueError("a = 0: the loss is flat in y and no step size converges")
    with np.errstate(over="ignore", under="ignore", divide="ignore"):  # a huge a: limit 0; a tiny one: inf
        limit = (1.0 + momentum) / np.square(np.float64(a))
    return float(limit / (1.0 + 2.0 * momentum) if nesterov else limit)


def closed_form(theta, x, y0, alpha, n_steps):
    """g_N = y* + q^N (g₀ − y*), ∂g_N/∂a = −(1 − q^N) y*/a − 4αaN q^(N−1) (g₀ − y*) and
    ∂g_N/∂b = −(1 − q^N)/a, without running the steps (needs a ≠ 0)."""
    if n_steps == 0:
        return y0, [np.zeros_like(y0)] * 2
    a, b = float(theta[0]), float(theta[1])
    factor = np.float64(q(alpha, a))
    y_star = (x - b) / a
    offset_ = y0 - y_star
    shrink = (1.0 - factor**n_steps) / a
    g = y_star + factor**n_steps * offset_
    dg_da = -shrink * y_star - 4.0 * alpha * a * n_steps * factor ** (n_steps - 1) * offset_
    dg_db = 0.0 * x - shrink  # does not depend on x: given x's shape
    return g, [dg_da, dg_db]


def training_objective(x, y, y0, alpha, n_steps):
    """θ ↦ (T, [∂T/∂a, ∂T/∂b]) from h(x) = u·x − u·b + p·g₀ (p = q^N, u = (1 − p)/a): the cost
    does not grow with N, since T needs only the features (x, 1, g₀)."""
    features = np.stack([x.ravel(), np.ones(x.size), y0.ravel()])
    y = y.ravel()

    def loss_and_gradient(theta):
        a, b = theta
        factor = q(alpha, a)
        try:
            before = factor ** (n_steps - 1) if n_steps else 1.0 / factor if factor else 0.0
        except OverflowError:
            return float("inf"), [float("nan")] * 2
        p = before * factor if n_steps else 1.0
        dp_da = -4.0 * alpha * a * n_steps * before if n_steps else 0.0
        u = (1.0 - p) / a
        du_da = -(dp_da + u) / a
        residual = y - np.dot((u, -u * b, p), features)
        g_x, g_1, g_0 = (features @ residual).tolist()  # −½ ∂T/∂(u, −u·b, p)
        grad_a = -2.0 * (g_x * du_da - g_1 * b * du_da + g_0 * dp_da)
        return float(residual @ residual), [grad_a, 2.0 * g_1 * u]

    return loss_and_gradient


def _steps(alpha, n_steps):
    return (_validate.positive_number(alpha, "alpha"),
            _validate.count(n_steps, "n_steps", 0, _validate.MAX_STEPS))


def slope(a, alpha, n_steps):
    """The slope s(a) = (1 − q^N)/a of the N-step prediction in x; s(0) = 0, its limit
    (with momentum: invlib.rates.slope)."""
    a = _validate.finite_array(a, "a")
    alpha, n_steps = _steps(alpha, n_steps)
    return _slope(a, alpha, n_steps)


def _slope(a, alpha, n_steps):
    a = np.asarray(a, dtype=float)
    shrink = 2.0 * alpha * a * a  # 1 − q; small: expm1/log1p keep full precision
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        safe = np.where(shrink < 0.5, shrink, 0.0)
        gone = np.where(shrink < 0.5, -np.expm1(n_steps * np.log1p(-safe)),
                        1.0 - (1.0 - shrink) ** n_steps)
        s = np.where(a == 0.0, 0.0, gone / np.where(a == 0.0, 1.0, a))
    return s if s.ndim else float(s)


def offset(theta, y0, alpha, n_steps):
    """The offset d(a, b) = q^N g₀ − s(a)·b of the N-step prediction (g₀ = y0)."""
    a, b = _validate.parameters(theta, 2)
    y0 = _validate.real_number(y0, "y0")
    alpha, n_steps = _steps(alpha, n_steps)
    with np.errstate(over="ignore", invalid="ignore"):
        return float(np.float64(q(alpha, a)) ** n_steps * y0 - _slope(a, alpha, n_steps) * b)


def slope_roots(target, alpha, n_steps, a_max, a_min=0.0, n_grid=2001, n_bisect=60):
    """Every a in [a_min, a_max] with s(a) = S (S = target), sorted (see roots)."""
    alpha = _validate.positive_number(alpha, "alpha")
    n_steps = _validate.count(n_steps, "n_steps", 1, _validate.MAX_STEPS)
    return roots(lambda a: _slope(a, alpha, n_steps), target, a_min, a_max, n_grid, n_bisect)


def roots(function, target, a_min, a_max, n_grid=2001, n_bisect=60):
    """Every a in [a_min, a_max] with function(a) = target, sorted: sign changes on a grid, each
    halved n_bisect times (a double root, or two roots within one grid cell, can be missed)."""
    target = _validate.real_number(target, "target")
    a_min, a_max = _validate.real_number(a_min, "a_min"), _validate.real_number(a_max, "a_max")
    if not a_max > a_min:
        raise ValueError(f"a_max must be larger than a_min, got a_min = {a_min}, a_max = {a_max}")
    n_grid = _validate.count(n_grid, "n_grid", 2, 10_000_000)
    n_bisect = _validate.count(n_bisect, "n_bisect", 0, 200)
    grid = np.linspace(a_min, a_max, n_grid)
    gap = function(grid) - target
    left = np.nonzero(np.sign(gap[:-1]) * np.sign(gap[1:]) <= 0)[0]
    lo, hi, sign_lo = grid[left], grid[left + 1], np.sign(gap[left])
    for _ in range(n_bisect):
        mid = 0.5 * (lo + hi)
        same = np.sign(function(mid) - target) == sign_lo  # the root lies in [mid, hi]
        lo, hi = np.where(same, mid, lo), np.where(same, hi, mid)
    return np.unique(0.5 * (lo + hi))


def zero_loss_theta(a, y0, alpha, n_steps, data_offset=DATA_OFFSET):
    """θ = (a, b) whose N-step prediction has the offset d_true: b = (q^N g₀ − d_true)/s(a)."""
    a = _validate.real_number(a, "a")
    y0 = _validate.real_number(y0, "y0")
    alpha, n_steps = _steps(alpha, n_steps)
    data_offset = _validate.real_number(data_offset, "data_offset")
    s = _slope(a, alpha, n_steps)
    if s == 0.0:
        raise ValueError(f"the slope s(a) is 0 at a = {a!r} with n_steps = {n_steps}: "
                         "no b changes the offset, so b is not determined")
    with np.errstate(over="ignore", invalid="ignore"):
        b = (np.float64(q(alpha, a)) ** n_steps * y0 - data_offset) / s
    return np.array([a, float(b)])


def best_loss_over_b(a, x, y, alpha, n_steps):
    """min over b of T(a, b) = Σ ((yᵢ − ȳ) − s(a)(xᵢ − x̄))², at each a (a number or an array)."""
    a = _validate.finite_array(a, "a")
    x, y = _validate.finite_array(x, "x"), _validate.finite_array(y, "y")
    _validate.same_length(x, y)
    dx, dy = x.ravel() - x.mean(), y.ravel() - y.mean()
    alpha, n_steps = _steps(alpha, n_steps)
    s = np.asarray(_slope(a, alpha, n_steps))[..., None]
    with np.errstate(over="ignore", invalid="ignore"):
        return np.sum((dy - s * dx) ** 2, axis=-1)


class Outcome(NamedTuple):
    """Where a training run ended: kind ('root', 'near root', 'cycle', 'bound', 'moving'),
    the nearest root of s(a) = S (NaN if none), and a short text."""

    kind: str
    root: float
    text: str


def describe_end(fit, roots, a_bound=None):
    """An invlib.train run of the line, against the roots of s(a) = S: cycle (θ jumps with period
    two), bound (a on a_bound), root (within 10⁻³, T < 1e-6), near root (within 0.05), moving."""
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
        if period_two and np.any(np.abs(thetas[-1] - thetas[-2]) > 1e-3 * scale):
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
