r"""How fast the inner descent converges on the line, with and without momentum (notebook 06).

For the line :math:`f(y) = a\,y + b` the inner loss :math:`L(y) = (x - a y - b)^2` is a
parabola with its minimum at :math:`y^* = (x - b)/a` and curvature
:math:`c = \partial^2_{yy} L = 2a^2`, so its slope is proportional to the error
:math:`e = y - y^*`: :math:`\partial_y L = c\,e`. Heavy-ball steps with step α and
momentum μ,

.. math::

    v_{n+1} = \mu\,v_n - \alpha\,\partial_y L(g_n), \qquad g_{n+1} = g_n + v_{n+1},
    \qquad v_0 = 0,

therefore move the error by one fixed 2×2 matrix (eliminate :math:`v_n = e_n - e_{n-1}`):

.. math::

    \begin{pmatrix} e_{n+1} \\ e_n \end{pmatrix}
    = \underbrace{\begin{pmatrix} 1 + \mu - \alpha c & -\mu \\ 1 & 0 \end{pmatrix}}_{M}
      \begin{pmatrix} e_n \\ e_{n-1} \end{pmatrix}, \qquad e_{-1} = e_0 .

Nesterov's variant takes the slope at the look-ahead point :math:`g_n + \mu v_n`; its
matrix is :math:`\begin{pmatrix} (1 + \mu)(1 - \alpha c) & -\mu(1 - \alpha c) \\ 1 & 0
\end{pmatrix}`. Plain gradient descent is μ = 0. The **rate** ρ, the factor by which the
error shrinks per step in the long run, is the spectral radius of M (its largest
eigenvalue in absolute value). Everything here follows from that matrix:

- :func:`curvature`, :func:`iteration_matrix`, :func:`rate`, :func:`plain_rate`;
- :func:`stable_step_limit` (ρ < 1 for αc < 2(1 + μ), or 2(1 + μ)/(1 + 2μ) for Nesterov),
  :func:`flat_band` (where the heavy ball's rate is √μ) and :func:`best_momentum`;
- :func:`best_plain_alpha` and :func:`polyak_parameters`: one setting for a whole range of
  slopes;
- :func:`error_path` and :func:`steps_to_tolerance`: the errors themselves, step by step.

numpy only. The functions broadcast over arrays of α, μ and c.
"""

import numpy as np

from . import _validate

#: The largest number of steps :func:`error_path` and :func:`steps_to_tolerance` accept.
MAX_STEPS = 1_000_000


# --- argument checks ---------------------------------------------------------------------

def _nonnegative_array(value, name):
    """``value`` as a float array of finite numbers >= 0, or an error naming ``name``."""
    array = _validate.finite_array(value, name)
    if np.any(array < 0):
        raise ValueError(f"{name} must be >= 0, found {float(array[array < 0].flat[0])!r}")
    return array


def _momentum_array(value, name="momentum"):
    """``value`` as a float array with every entry in [0, 1)."""
    array = _validate.finite_array(value, name)
    bad = (array < 0) | (array >= 1)
    if np.any(bad):
        first = float(array[bad].flat[0])
        raise ValueError(f"{name} must satisfy 0 <= {name} < 1, found {first!r}")
    return array


def _step_arguments(alpha, momentum, curvature):
    """α, μ and c checked and broadcast to one shape."""
    arrays = (_nonnegative_array(alpha, "alpha"), _momentum_array(momentum),
              _nonnegative_array(curvature, "curvature"))
    try:
        return np.broadcast_arrays(*arrays)
    except ValueError:
        shapes = ", ".join(str(a.shape) for a in arrays)
        raise ValueError(
            f"alpha, momentum and curvature must have shapes that broadcast together, got {shapes}"
        ) from None


def _slope_range(a_min, a_max):
    """The range of slopes [a_min, a_max], checked: 0 < a_min <= a_max."""
    a_min = _validate.positive_number(a_min, "a_min")
    a_max = _validate.positive_number(a_max, "a_max")
    if a_min > a_max:
        raise ValueError(f"a_min must be <= a_max, got a_min = {a_min} > a_max = {a_max}")
    return a_min, a_max


# --- one curvature -----------------------------------------------------------------------

def curvature(a):
    r"""The curvature of the line's inner loss, :math:`c = \partial^2_{yy} L = 2a^2`."""
    return 2.0 * _validate.finite_array(a, "a") ** 2


def iteration_matrix(alpha, momentum, curvature, nesterov=False):
    r"""The 2×2 matrix M that maps :math:`(e_n, e_{n-1})` to :math:`(e_{n+1}, e_n)`.

    Heavy ball: :math:`\begin{pmatrix} 1 + \mu - \alpha c & -\mu \\ 1 & 0 \end{pmatrix}`;
    Nesterov:
    :math:`\begin{pmatrix} (1+\mu)(1 - \alpha c) & -\mu(1 - \alpha c) \\ 1 & 0 \end{pmatrix}`.
    Broadcasts over α ≥ 0, 0 ≤ μ < 1 and c ≥ 0; the matrices sit on the last two axes.
    """
    alpha, momentum, c = _step_arguments(alpha, momentum, curvature)
    matrix = np.zeros(alpha.shape + (2, 2))
    if nesterov:
        damped = 1.0 - alpha * c
        matrix[..., 0, 0] = (1.0 + momentum) * damped
        matrix[..., 0, 1] = -momentum * damped
    else:
        matrix[..., 0, 0] = 1.0 + momentum - alpha * c
        matrix[..., 0, 1] = -momentum
    matrix[..., 1, 0] = 1.0
    return matrix


def rate(alpha, momentum, curvature, nesterov=False):
    r"""The rate ρ: the spectral radius :math:`\max_k |\lambda_k|` of :func:`iteration_matrix`.

    In the long run every step multiplies the error by about ρ; the steps converge for
    ρ < 1 and diverge for ρ > 1.
    """
    eigenvalues = np.linalg.eigvals(iteration_matrix(alpha, momentum, curvature, nesterov))
    return np.abs(eigenvalues).max(axis=-1)


def plain_rate(alpha, curvature):
    r"""Plain gradient descent's rate :math:`|1 - \alpha c|`.

    Each step multiplies the error by :math:`1 - \alpha c`, notebook 02's factor
    :math:`q = 1 - 2\alpha a^2`.
    """
    alpha = _nonnegative_array(alpha, "alpha")
    c = _nonnegative_array(curvature, "curvature")
    return np.abs(1.0 - alpha * c)


def stable_step_limit(momentum=0.0, nesterov=False):
    r"""The largest stable :math:`\alpha c`: the steps converge if and only if 0 < αc < it.

    Heavy ball (and plain descent, μ = 0): :math:`2(1 + \mu)`. Nesterov:
    :math:`2(1 + \mu)/(1 + 2\mu)`, which is below 2 for every μ > 0. For the line,
    c = 2a², so plain descent needs α < 1/a².
    """
    momentum = _momentum_array(momentum)
    limit = 2.0 * (1.0 + momentum)
    return limit / (1.0 + 2.0 * momentum) if nesterov else limit


def flat_band(momentum):
    r"""The band of αc where the heavy ball's rate is exactly √μ.

    The band is :math:`[(1 - \sqrt\mu)^2, (1 + \sqrt\mu)^2]`. Inside it the eigenvalues
    of M are a complex pair (a double real one at its ends) with
    :math:`|\lambda|^2 = \det M = \mu`. Returns ``(low, high)``.
    """
    root = np.sqrt(_momentum_array(momentum))
    return (1.0 - root) ** 2, (1.0 + root) ** 2


def best_momentum(alpha, curvature):
    r"""The heavy-ball momentum with the smallest rate for one curvature c and step α.

    :math:`\mu = (1 - \sqrt{\alpha c})^2` puts αc on an edge of :func:`flat_band`, where
    the two eigenvalues of M coincide, and its rate is
    :math:`\sqrt\mu = |1 - \sqrt{\alpha c}|`. Needs 0 < αc < 4 (beyond, no μ < 1 makes
    the steps converge).
    """
    alpha = _nonnegative_array(alpha, "alpha")
    c = _nonnegative_array(curvature, "curvature")
    step = alpha * c
    outside = (step <= 0) | (step >= 4)
    if np.any(outside):
        raise ValueError("alpha * curvature must lie in (0, 4): outside it no momentum "
                         f"0 <= mu < 1 converges, found {float(step[outside].flat[0])!r}")
    return (1.0 - np.sqrt(step)) ** 2


# --- a whole range of slopes -------------------------------------------------------------

def best_plain_alpha(a_min, a_max):
    r"""The plain step α whose worst rate over all slopes in [a_min, a_max] is smallest.

    The rate :math:`|1 - \alpha c|` is a V in c, so the worst case is at an end of the range
    of curvatures :math:`[c_\min, c_\max] = [2a_\min^2, 2a_\max^2]`; the best α makes both
    ends equally bad, :math:`1 - \alpha c_\min = \alpha c_\max - 1`:

    .. math:: \alpha = \frac{2}{c_\min + c_\max}, \qquad
              \rho = \frac{\kappa - 1}{\kappa + 1}, \qquad
              \kappa = \frac{c_\max}{c_\min} = \Big(\frac{a_\max}{a_\min}\Big)^2 .

    Returns ``(alpha, rate)``.
    """
    a_min, a_max = _slope_range(a_min, a_max)
    c_min, c_max = 2.0 * a_min**2, 2.0 * a_max**2
    kappa = c_max / c_min
    return 2.0 / (c_min + c_max), (kappa - 1.0) / (kappa + 1.0)


def polyak_parameters(a_min, a_max):
    r"""Polyak's heavy-ball step and momentum for all slopes in [a_min, a_max].

    They make :func:`flat_band` cover the curvatures exactly,
    :math:`\alpha c_\min = (1 - \sqrt\mu)^2` and :math:`\alpha c_\max = (1 + \sqrt\mu)^2`:

    .. math:: \alpha = \frac{4}{(\sqrt{c_\max} + \sqrt{c_\min})^2}, \qquad
              \mu = \Big(\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}\Big)^2, \qquad
              \rho = \sqrt\mu = \frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}

    at every curvature in the range. Returns ``(alpha, momentum, rate)``.
    """
    a_min, a_max = _slope_range(a_min, a_max)
    c_min, c_max = 2.0 * a_min**2, 2.0 * a_max**2
    root_kappa = np.sqrt(c_max / c_min)
    step_rate = float((root_kappa - 1.0) / (root_kappa + 1.0))
    alpha = float(4.0 / (np.sqrt(c_max) + np.sqrt(c_min)) ** 2)
    return alpha, step_rate**2, step_rate


# --- the steps themselves ----------------------------------------------------------------

def error_path(alpha, momentum, curvature, n_steps, e0=1.0, nesterov=False):
    r"""The errors :math:`e_0, \dots, e_N` of N heavy-ball (or plain, μ = 0) steps on the line.

    The steps of :func:`invlib.invert` written for the error :math:`e = g - y^*`, whose
    slope is :math:`c\,e`:

    .. math:: v_{n+1} = \mu v_n - \alpha c\,\hat e_n, \qquad e_{n+1} = e_n + v_{n+1},

    with :math:`\hat e_n = e_n` (heavy ball) or :math:`e_n + \mu v_n` (Nesterov). Working on
    e rather than g follows the error far below the rounding level of g. Broadcasts over α,
    μ and c; returns an array with n on the first axis. Diverging settings give huge
    numbers or inf, not warnings.
    """
    alpha, momentum, c = _step_arguments(alpha, momentum, curvature)
    n_steps = _validate.count(n_steps, "n_steps", 0, MAX_STEPS)
    e0 = _validate.real_number(e0, "e0")
    e = np.full(c.shape, e0)
    v = np.zeros(c.shape)
    path = np.empty((n_steps + 1,) + c.shape)
    path[0] = e
    with np.errstate(over="ignore", invalid="ignore"):
        for n in range(n_steps):
            look = e + momentum * v if nesterov else e
            v = momentum * v - alpha * c * look
            e = e + v
            path[n + 1] = e
    return path


def steps_to_tolerance(alpha, momentum, curvature, tol=1e-8, max_steps=2000, nesterov=False):
    r"""The number of steps N after which :math:`|e_n| <` ``tol``·:math:`|e_0|` for every n ≥ N.

    Counted by running the steps (:func:`error_path`), not from the rate: with momentum the
    error can dip below the tolerance and come back up, so the last step above it counts.
    NaN where the error is still above it after ``max_steps`` steps. 0 < ``tol`` < 1;
    broadcasts like :func:`error_path`.
    """
    tol = _validate.positive_number(tol, "tol")
    if tol >= 1:
        raise ValueError(f"tol must be < 1 (a fraction of |e_0|), got {tol!r}")
    max_steps = _validate.count(max_steps, "max_steps", 1, MAX_STEPS)
    errors = np.abs(error_path(alpha, momentum, curvature, max_steps, nesterov=nesterov))
    with np.errstate(invalid="ignore"):
        above = ~(errors < tol)
    last_above = max_steps - np.argmax(above[::-1], axis=0)  # the last n with |e_n| >= tol
    return np.where(above[-1], np.nan, last_above + 1.0)
