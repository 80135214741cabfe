r"""Prediction as inversion, and the derivatives of the unrolled steps.

The symbols are the notebooks' own:

.. math::

    L_\theta(x, y) = (x - f_\theta(y))^2, \qquad
    g_{n+1} = g_n - \alpha\,\partial_y L_\theta(x, g_n), \qquad h_\theta(x) = g_N .

:func:`invert` runs the N steps and keeps the whole path. :func:`unroll` also carries the
tangent :math:`\partial g_n/\partial\theta` along, one step at a time (forward mode):

.. math::

    \frac{\partial g_{n+1}}{\partial\theta}
      = \Big(1 - \alpha\,\partial^2_{yy} L\Big)\frac{\partial g_n}{\partial\theta}
        - \alpha\,\partial^2_{y\theta} L ,
    \qquad \frac{\partial g_0}{\partial\theta} = 0,

which costs O(N), where re-deriving every earlier step costs O(N²).
:func:`implicit_gradient` gives the limit N → ∞ without any steps.
"""

from typing import NamedTuple

import numpy as np
from . import _validate, rates
from ._validate import DivergenceError
from .models import Line, check_model, check_theta

#: Iterates larger than this are treated as diverged (their squares would overflow).
BLOW_UP = 1e150
#: Largest number of inner steps accepted.
MAX_STEPS = 100_000


def inner_loss(model, theta, x, y):
    r""":math:`L_\theta(x, y) = (x - f_\theta(y))^2`."""
    return (x - model.f(y, theta)) ** 2


def inner_gradient(model, theta, x, y):
    r""":math:`\partial_y L = -2\,(x - f_\theta(y))\,\partial_y f_\theta(y)`."""
    return -2.0 * (x - model.f(y, theta)) * model.df_dy(y, theta)


def descent_step(model, theta, x, y, alpha):
    r"""One step of gradient descent: :math:`y - \alpha\,\partial_y L_\theta(x, y)`."""
    return y - alpha * inner_gradient(model, theta, x, y)


class InversionResult(NamedTuple):
    """What :func:`invert` returns.

    ``y``: the final iterate g_N; ``path``: all iterates g_0 … g_N (first axis n);
    ``losses``: L at each iterate; ``diverged``: True when the loss grew over the run.
    """

    y: np.ndarray
    path: np.ndarray
    losses: np.ndarray
    diverged: bool


def invert(model, theta, x, y0, alpha, n_steps, momentum=0.0, nesterov=False):
    r"""Find y with f_θ(y) ≈ x by ``n_steps`` steps of gradient descent of width ``alpha``.

    With ``momentum`` μ > 0 the steps are heavy-ball steps,
    :math:`v_{n+1} = \mu v_n - \alpha\,\partial_y L(g_n)`, :math:`g_{n+1} = g_n + v_{n+1}`
    (Nesterov: the gradient is taken at the look-ahead point :math:`g_n + \mu v_n`).
    ``x`` and ``y0`` may be arrays (one inversion per element, all at once).

    Raises :class:`DivergenceError` when the iterates leave the finite numbers; a run
    whose loss merely grew is returned with ``diverged=True``.
    """
    model, theta, x, y0, alpha, n_steps, momentum = _check_inputs(
        model, theta, x, y0, alpha, n_steps, momentum
    )
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
    r"""The prediction :math:`h_\theta(x) = g_N` and its derivative :math:`\partial g_N/\partial\theta`.

    Returns ``(g, dg)`` with ``dg[..., k]`` = ∂g_N/∂θ_k. ``method`` is ``"forward"``
    (the tangent recursion, any model), ``"closed"`` (the line's closed form,
    :func:`line_closed_form`) or ``"auto"`` (closed form for the line
    without momentum, the recursion otherwise). y0 does not depend on θ.
    """
    model, theta, x, y0, alpha, n_steps, momentum = _check_inputs(
        model, theta, x, y0, alpha, n_steps, momentum
    )
    if method not in ("auto", "forward", "closed"):
        raise ValueError(f"method must be 'auto', 'forward' or 'closed', got {method!r}")
    is_line = isinstance(model, Line)
    if method == "closed" and (not is_line or momentum != 0.0):
        raise ValueError("method='closed' needs the Line model and momentum=0")
    use_closed = method == "closed" or (
        method == "auto" and is_line and momentum == 0.0 and abs(theta[0]) > 1e-3
    )
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if use_closed:
            g, dg = line_closed_form(theta, x, y0, alpha, n_steps)
        else:
            g, dg = _forward_mode(model, theta, x, y0, alpha, n_steps, momentum, nesterov)
        g, dg = np.broadcast_to(g, x.shape) * 1.0, _stack(dg, x)
    _check_finite(g, "iterates", model, theta, alpha, momentum, nesterov)
    _check_finite(dg, "derivatives", model, theta, alpha, momentum, nesterov)
    return g, dg


def unroll_path(model, theta, x, y0, alpha, n_steps, momentum=0.0, nesterov=False):
    r"""Like :func:`unroll` but returns every step: ``g[n]`` and ``dg[n]`` for n = 0 … N."""
    model, theta, x, y0, alpha, n_steps, momentum = _check_inputs(
        model, theta, x, y0, alpha, n_steps, momentum
    )
    with np.errstate(over="ignore", invalid="ignore"):
        g, dg = _forward_mode(model, theta, x, y0, alpha, n_steps, momentum, nesterov, True)
        g = np.broadcast_to(g, (n_steps + 1, *x.shape))
    _check_finite(g, "iterates", model, theta, alpha, momentum, nesterov)
    _check_finite(dg, "derivatives", model, theta, alpha, momentum, nesterov)
    return g, dg


def _forward_mode(model, theta, x, y0, alpha, n_steps, momentum, nesterov, keep_path=False):
    """The tangent recursion, for plain, heavy-ball or Nesterov steps.

    State: iterate y, velocity v, and per parameter θ_k the tangents t_k = ∂y/∂θ_k and
    s_k = ∂v/∂θ_k. With momentum μ = 0 this is exactly g_{n+1} = g_n − α L_y and
    t_{n+1} = t_n − α (L_yy t_n + L_yθ). Returns g_N and the list [∂g_N/∂θ_k].
    """
    P = model.n_params
    y, v = y0, 0.0
    t, s = [np.zeros_like(y0)] * P, [0.0] * P
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


def _stack(tangents, like):
    """The list [∂g/∂θ_k] as one array with the parameters on the last axis."""
    return np.stack(np.broadcast_arrays(*tangents, like)[:-1], axis=-1)


def line_closed_form(theta, x, y0, alpha, n_steps):
    r"""g_N for the line without any steps, and its derivatives, as lists like the recursion's.

    .. math::

        g_N = y^* + q^N (g_0 - y^*),\quad y^* = \frac{x - b}{a},\quad q = 1 - 2\alpha a^2,

        \frac{\partial g_N}{\partial a} = -\frac{1 - q^N}{a}\,y^* - 4\alpha a N q^{N-1}(g_0 - y^*),
        \qquad \frac{\partial g_N}{\partial b} = -\frac{1 - q^N}{a}.

    sympy's ``rsolve`` derives this in :func:`invlib.symbolic.line_closed_form`; the tests
    check that the two agree. Needs a ≠ 0 (it divides by a). Returns ``(g, [dg_da, dg_db])``.
    """
    if n_steps == 0:
        return y0, [np.zeros_like(y0)] * 2
    a, b = float(theta[0]), float(theta[1])
    q = np.float64(1.0 - 2.0 * alpha * a * a)
    q_n = q**n_steps
    y_star = (x - b) / a
    offset = y0 - y_star
    shrink = (1.0 - q_n) / a
    g = y_star + q_n * offset
    dg_da = -shrink * y_star - 4.0 * alpha * a * n_steps * q ** (n_steps - 1) * offset
    dg_db = 0.0 * x - shrink  # does not depend on x: given x's shape
    return g, [dg_da, dg_db]


def implicit_gradient(model, theta, x, y_star):
    r"""dy*/dθ at a minimiser y* of L, by the implicit function theorem.

    .. math:: \frac{dy^*}{d\theta} = -\big(\partial^2_{yy} L\big)^{-1}\,\partial^2_{y\theta} L

    Exact only where ∂L/∂y = 0; elsewhere it is an estimate (used in notebook 08).
    """
    model = check_model(model)
    theta = check_theta(model, theta)
    x = _validate.finite_array(x, "x")
    y_star = _validate.finite_array(y_star, "y_star")
    shape = _validate.common_shape(x, y_star, "y_star")
    _, L_yy, L_ytheta = model.loss_derivatives(x, y_star, theta)
    L_yy = np.broadcast_to(L_yy, shape)
    if np.any(np.abs(L_yy) < 1e-300):
        raise ValueError(
            "the second derivative of L in y is 0 at y_star: the minimiser is not isolated, "
            "so dy*/dθ is not defined (for the line this means a = 0)"
        )
    return -_stack(L_ytheta, L_yy) / L_yy[..., None]


def stability_limit(a):
    r"""The largest stable step for the line: gradient descent converges for 0 < α < 1/a²."""
    a = _validate.real_number(a, "a")
    if a == 0:
        raise ValueError("a = 0: the loss is flat in y and no step size converges")
    return 1.0 / a**2


def _check_inputs(model, theta, x, y0, alpha, n_steps, momentum):
    model = check_model(model)
    theta = check_theta(model, theta)
    x = _validate.finite_array(x, "x")
    y0 = _validate.finite_array(y0, "y0")
    shape = _validate.common_shape(x, y0, "y0")
    x, y0 = np.broadcast_to(x, shape), np.array(np.broadcast_to(y0, shape))
    alpha = _validate.positive_number(alpha, "alpha")
    n_steps = _validate.count(n_steps, "n_steps", 0, MAX_STEPS)
    momentum = _validate.momentum_value(momentum)
    return model, theta, x, y0, alpha, n_steps, momentum


def _check_finite(values, what, model, theta, alpha, momentum=0.0, nesterov=False):
    values = np.asarray(values)
    if np.all(np.isfinite(values)) and np.all(np.abs(values) < BLOW_UP):
        return
    hint = ""
    if isinstance(model, Line) and theta[0] != 0:
        with np.errstate(over="ignore", under="ignore"):  # a huge a gives a limit of 0
            limit = float(rates.stable_step_limit(momentum, nesterov) / rates.curvature(theta[0]))
        rule = "(1+μ)/((1+2μ)a²)" if nesterov else ("(1+μ)/a²" if momentum else "1/a²")
        hint = f"; for the line the steps converge only for 0 < alpha < {rule} = {limit:.4g}"
    raise DivergenceError(
        f"the inversion diverged: its {what} grew beyond {BLOW_UP:g} with alpha = {alpha:g}"
        f"{hint}. Reduce alpha (or n_steps)."
    )
