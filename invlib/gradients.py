r"""Three estimates of :math:`dy^*/d\theta` after N descent steps, and where they go wrong.

The exact derivative of the minimiser :math:`y^*(\theta)` of :math:`L_\theta(x, y)` is,
by the implicit function theorem,

.. math:: J^* = \frac{dy^*}{d\theta} = -\big(\partial^2_{yy} L\big)^{-1}\,\partial^2_{y\theta} L
          \quad\text{at } y = y^* .

After N steps :math:`g_{n+1} = g_n - \alpha\,\partial_y L(x, g_n)` there are three cheap
stand-ins for it (notebook 08):

- **unrolled**: :math:`\partial g_N/\partial\theta`, the tangent recursion through all N
  steps (:func:`invlib.unroll_path`);
- **implicit at** :math:`g_N`: the formula above evaluated at the last iterate instead of
  at :math:`y^*` (:func:`invlib.implicit_gradient`);
- **one-step**: differentiate only the last step, holding :math:`g_{N-1}` fixed
  (:func:`one_step_gradient`).

For the line, :math:`q = 1 - 2\alpha a^2`, the unrolled error carries a factor
:math:`n\,|q|^{n-1}`, which peaks at :func:`peak_step`.
"""

from typing import NamedTuple

import numpy as np

from . import _validate, inversion
from .models import check_model, check_theta


def one_step_gradient(model, theta, x, y_prev, alpha):
    r"""The one-step estimate of :math:`dy^*/d\theta`: differentiate the last step only.

    The last step is :math:`g_N = g_{N-1} - \alpha\,\partial_y L_\theta(x, g_{N-1})`.
    Treating :math:`g_{N-1}` as a constant (no derivative flows through it) and
    differentiating in θ gives

    .. math::

        \widehat J_N^{\,\text{one-step}} = -\alpha\,\partial^2_{y\theta} L_\theta(x, g_{N-1}) .

    This is the "one-step differentiation" (also called Jacobian-free backpropagation)
    analysed by Bolte, Pauwels & Vaiter (2023). For gradient descent it does *not* tend
    to :math:`J^*` as N grows: at the fixed point it equals
    :math:`\alpha\,\partial^2_{yy} L \cdot J^* = (1 - q)\,J^*`, off by the factor q of the
    step. ``y_prev`` is :math:`g_{N-1}` (a number or an array, broadcast against ``x``);
    returns an array with the parameters on the last axis.
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
    r"""Where :math:`n\,|q|^{n-1}` is largest over real n > 0: :math:`n^* = 1/\ln(1/|q|)`.

    Setting the derivative to zero,
    :math:`\frac{d}{dn}\, n|q|^{n-1} = |q|^{n-1}\big(1 + n\ln|q|\big) = 0`, gives
    :math:`n^* = -1/\ln|q| = 1/\ln(1/|q|)`. For :math:`|q| \to 1` this is about
    :math:`1/(1 - |q|)`. Needs :math:`0 \le |q| < 1` (converging steps); q = 0 gives 0.
    """
    q = _validate.real_number(q, "q")
    if not abs(q) < 1.0:
        raise ValueError(f"q must satisfy |q| < 1 (converging steps), got {q!r}")
    if q == 0.0:
        return 0.0
    return 1.0 / np.log(1.0 / abs(q))


class GradientEstimates(NamedTuple):
    r"""What :func:`gradient_estimates` returns, every array indexed by the step n = 0 … N.

    ``g[n]``: the iterate :math:`g_n`; ``unrolled[n]``: :math:`\partial g_n/\partial\theta`;
    ``implicit[n]``: the implicit formula at :math:`g_n`; ``one_step[n]``:
    :math:`-\alpha\,\partial^2_{y\theta} L(g_{n-1})` (0 at n = 0, where no step was taken).
    The derivatives have the parameters on the last axis.
    """

    g: np.ndarray
    unrolled: np.ndarray
    implicit: np.ndarray
    one_step: np.ndarray


def gradient_estimates(model, theta, x, y0, alpha, n_steps):
    r"""The iterates and all three estimates of :math:`dy^*/d\theta` after every step n ≤ N.

    Runs the N steps once with :func:`invlib.unroll_path` (which also carries the
    unrolled tangents), then evaluates :func:`invlib.implicit_gradient` at every iterate
    and :func:`one_step_gradient` at every previous iterate. Raises
    :class:`invlib.DivergenceError` when the steps diverge, and ``ValueError`` when
    :math:`\partial^2_{yy} L = 0` at an iterate (the implicit formula divides by it).
    """
    g, unrolled = inversion.unroll_path(model, theta, x, y0, alpha, n_steps)
    theta = check_theta(model, theta)
    x = _validate.finite_array(x, "x")
    implicit = inversion.implicit_gradient(model, theta, x, g)
    one_step = np.zeros_like(unrolled)
    if n_steps > 0:
        one_step[1:] = one_step_gradient(model, theta, x, g[:-1], alpha)
    return GradientEstimates(g=g, unrolled=unrolled, implicit=implicit, one_step=one_step)
