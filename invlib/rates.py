"""How fast the inner descent converges on the line, with and without momentum (notebook 07).

The error e = g − y* of heavy-ball steps on the line moves by a fixed 2×2 matrix,
(e_{n+1}, e_n) = M (e_n, e_{n−1}) with M = [[1 + μ − αc, −μ], [1, 0]] and c = 2a² the curvature
(look-ahead, nesterov=True: [[(1 + μ)(1 − αc), −μ(1 − αc)], [1, 0]]; constant μ, as Sutskever et al.
2013 wrote Nesterov's method, not his 1983 schedule). The rate ρ, the factor by which the error
shrinks per step in the long run, is M's spectral radius; everything here follows from M and
broadcasts over arrays of α, μ and c. Notebook 07 derives it.
"""

import numpy as np

from . import _validate
from . import line

#: The largest number of steps error_path and steps_to_tolerance accept.
MAX_STEPS = 1_000_000


# --- argument checks ---------------------------------------------------------------------

def _nonnegative_array(value, name):
    """value as a float array of finite numbers ≥ 0, or an error naming it."""
    array = _validate.finite_array(value, name)
    if np.any(array < 0):
        raise ValueError(f"{name} must be >= 0, found {float(array[array < 0].flat[0])!r}")
    return array


def _momentum_array(value, name="momentum"):
    """value as a float array with every entry in [0, 1)."""
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


#: The curvature c = 2a² of the line's inner loss (its one home is invlib.line).
curvature = line.curvature


# --- one curvature -----------------------------------------------------------------------

def iteration_matrix(alpha, momentum, curvature, nesterov=False):
    """M = [[1 + μ − αc, −μ], [1, 0]] (Nesterov: [[(1 + μ)(1 − αc), −μ(1 − αc)], [1, 0]]), on the last two axes."""
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
    """The rate ρ = max |eigenvalue of M|: the steps converge for ρ < 1 and diverge for ρ > 1."""
    eigenvalues = np.linalg.eigvals(iteration_matrix(alpha, momentum, curvature, nesterov))
    return np.abs(eigenvalues).max(axis=-1)


def plain_rate(alpha, curvature):
    """Plain descent's rate |1 − αc| (c = 2a² makes it |q|, invlib.line.q)."""
    alpha = _nonnegative_array(alpha, "alpha")
    c = _nonnegative_array(curvature, "curvature")
    return np.abs(1.0 - alpha * c)


def stable_step_limit(momentum=0.0, nesterov=False):
    """The largest stable αc: 2(1 + μ), or 2(1 + μ)/(1 + 2μ) for Nesterov (plain descent: α < 1/a²)."""
    momentum = _momentum_array(momentum)
    limit = 2.0 * (1.0 + momentum)
    return limit / (1.0 + 2.0 * momentum) if nesterov else limit


def flat_band(momentum):
    """The band [(1 − √μ)², (1 + √μ)²] of αc where the heavy ball's rate is exactly √μ: (low, high)."""
    root = np.sqrt(_momentum_array(momentum))
    return (1.0 - root) ** 2, (1.0 + root) ** 2


def best_momentum(alpha, curvature):
    """The heavy-ball momentum with the smallest rate for one αc in (0, 4): μ = (1 − √(αc))², rate √μ."""
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
    """The plain step for all slopes in [a_min, a_max]: α = 2/(c_min + c_max), rate (κ − 1)/(κ + 1), κ = c_max/c_min."""
    a_min, a_max = _slope_range(a_min, a_max)
    c_min, c_max = 2.0 * a_min**2, 2.0 * a_max**2
    kappa = c_max / c_min
    return 2.0 / (c_min + c_max), (kappa - 1.0) / (kappa + 1.0)


def polyak_parameters(a_min, a_max):
    """Polyak's heavy ball for all slopes in [a_min, a_max]: α = 4/(√c_max + √c_min)², μ = ((√κ − 1)/(√κ + 1))², rate √μ."""
    a_min, a_max = _slope_range(a_min, a_max)
    c_min, c_max = 2.0 * a_min**2, 2.0 * a_max**2
    root_kappa = np.sqrt(c_max / c_min)
    step_rate = float((root_kappa - 1.0) / (root_kappa + 1.0))
    alpha = float(4.0 / (np.sqrt(c_max) + np.sqrt(c_min)) ** 2)
    return alpha, step_rate**2, step_rate


# --- the steps themselves ----------------------------------------------------------------

def error_path(alpha, momentum, curvature, n_steps, e0=1.0, nesterov=False):
    """The errors e_0 … e_N of N heavy-ball (μ = 0: plain) steps, Δg ← μΔg − αc·ê, e ← e + Δg (ê = e, or e + μΔg for the look-ahead).
    Working on e follows the error far below the rounding level of g. n on the first axis.
    """
    alpha, momentum, c = _step_arguments(alpha, momentum, curvature)
    n_steps = _validate.count(n_steps, "n_steps", 0, MAX_STEPS)
    e0 = _validate.real_number(e0, "e0")
    e = np.full(c.shape, e0)
    v = np.zeros(c.shape)  # the last step Δg_n
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
    """The first N with |e_n| < tol·|e_0| for every n ≥ N, counted by running the steps (NaN if none by max_steps)."""
    tol = _validate.positive_number(tol, "tol")
    if tol >= 1:
        raise ValueError(f"tol must be < 1 (a fraction of |e_0|), got {tol!r}")
    max_steps = _validate.count(max_steps, "max_steps", 1, MAX_STEPS)
    errors = np.abs(error_path(alpha, momentum, curvature, max_steps, nesterov=nesterov))
    with np.errstate(invalid="ignore"):
        above = ~(errors < tol)
    last_above = max_steps - np.argmax(above[::-1], axis=0)  # the last n with |e_n| >= tol
    return np.where(above[-1], np.nan, last_above + 1.0)


# --- what momentum does to the N-step prediction ---------------------------------------

def slope(a, alpha, n_steps, momentum=0.0):
    """The N-step prediction's slope s(a) = (1 − p)/a with heavy-ball steps, p = e_N/e₀ from
    error_path; μ = 0 gives invlib.line.slope. s(0) = 0, its limit."""
    a = _validate.finite_array(a, "a")
    alpha = _validate.positive_number(alpha, "alpha")
    n_steps = _validate.count(n_steps, "n_steps", 0, MAX_STEPS)
    return _slope(a, alpha, n_steps, _validate.momentum_value(momentum))


def _slope(a, alpha, n_steps, momentum):
    if momentum == 0.0:
        return line.slope(a, alpha, n_steps)
    a = np.asarray(a, dtype=float)
    p = error_path(alpha, momentum, 2.0 * a * a, n_steps)[-1]
    with np.errstate(over="ignore", invalid="ignore"):
        s = np.where(a == 0.0, 0.0, (1.0 - p) / np.where(a == 0.0, 1.0, a))
    return s if s.ndim else float(s)


def slope_roots(target, alpha, n_steps, a_max, a_min=0.0, momentum=0.0, n_grid=2001,
                n_bisect=60):
    """Every a in [a_min, a_max] with s(a) = S for heavy-ball steps (invlib.line.roots)."""
    alpha = _validate.positive_number(alpha, "alpha")
    n_steps = _validate.count(n_steps, "n_steps", 1, MAX_STEPS)
    momentum = _validate.momentum_value(momentum)
    return line.roots(lambda a: _slope(a, alpha, n_steps, momentum), target, a_min, a_max,
                      n_grid, n_bisect)

