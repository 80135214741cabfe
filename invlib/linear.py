"""A linear ill-posed problem x = K y + noise, and three ways to regularise its inversion.

Tikhonov minimises ‖x − K y‖² + γ‖y‖²; Landweber runs the series' own gradient descent on
L(y) = ‖x − K y‖², g_{n+1} = g_n + 2α Kᵀ(x − K g_n), and stops after N steps; learned steps
give every step its own α_n and train them through the N steps. With the SVD
K = Σ √λⱼ uⱼ vⱼᵀ (λⱼ the eigenvalues of KᵀK) all three are filtered inverses
y = Σ φⱼ (uⱼᵀx)/√λⱼ vⱼ; N steps damp the small λⱼ as γ = 1/(2αN) does. The example operator
is a 1-d Gaussian blur on [0, 1]; the residual of an iterate is r = x − K g.
Core floor: numpy only.
"""

from typing import NamedTuple

import numpy as np

from . import _validate
from ._validate import BLOW_UP, MAX_STEPS, DivergenceError


class LinearProblem(NamedTuple):
    """A blur problem: operator K, true cause y, observation x = K y + σε, noise size δ = ‖σε‖."""

    K: np.ndarray
    y: np.ndarray
    x: np.ndarray
    delta: float


class StepTraining(NamedTuple):
    """Learned step sizes α₁ … α_N and the mean squared error T/m before each epoch and after the last."""

    alphas: np.ndarray
    errors: np.ndarray


# ---- argument checks -------------------------------------------------------------------


def _operator(K):
    K = _validate.finite_array(K, "K")
    if K.ndim != 2:
        raise ValueError(f"K must be a 2-d matrix (rows, columns), got shape {K.shape}")
    if not np.any(K):
        raise ValueError("K is all zeros: x does not depend on y and nothing can be inverted")
    return K


def _vector(v, length, name, what):
    v = _validate.finite_array(v, name)
    if v.shape != (length,):
        raise ValueError(f"{name} must be a 1-d array of length {length} ({what}), "
                         f"got shape {v.shape}")
    return v


def _rows(V, length, name, what, n_rows=None):
    V = _validate.finite_array(V, name)
    if V.ndim != 2 or V.shape[1] != length or (n_rows is not None and V.shape[0] != n_rows):
        rows = "B" if n_rows is None else n_rows  # B: how many rows (pairs) are given
        raise ValueError(f"{name} must have shape ({rows}, {length}), one {what} per row, "
                         f"got shape {V.shape}")
    return V


def _stable_alpha(K, alpha):
    alpha = _validate.positive_number(alpha, "alpha")
    limit = stability_limit(K)
    if alpha >= limit:
        raise DivergenceError(
            f"alpha = {alpha:.6g} is at or beyond the stability limit 1/‖K‖² = {limit:.6g}: "
            f"the steps would grow along v₁ instead of converging; take 0 < alpha < {limit:.6g}")
    return alpha


def _check_finite(values, what, remedy):
    if not _validate.is_finite(values):
        raise DivergenceError(f"{what} grew beyond {BLOW_UP:g}: {remedy}")


# ---- the example problem ---------------------------------------------------------------


def grid(n):
    """The n = D cell centres ξⱼ = (j − ½)/D of [0, 1], j = 1 … D."""
    n = _validate.count(n, "n", 1, 100_000)
    return (np.arange(n) + 0.5) / n


def blur_operator(n, width):
    """Gaussian blur K_jj′ = exp(−(ξⱼ − ξⱼ′)²/(2ω²)) / (D ω √(2π)), ω = width on [0, 1], D = n."""
    xi = grid(n)
    width = _validate.positive_number(width, "width")
    distance = xi[:, None] - xi[None, :]
    return np.exp(-0.5 * (distance / width) ** 2) / (n * width * np.sqrt(2.0 * np.pi))


def bumps(t, centres, heights, widths):
    """A sum of Gaussian bumps at the positions t: Σ over bumps of height·exp(−(t − centre)²/(2·width²))."""
    t = _validate.finite_array(t, "t")
    c, h, w = (np.atleast_1d(_validate.finite_array(v, name))
               for v, name in ((centres, "centres"), (heights, "heights"), (widths, "widths")))
    if np.any(w <= 0):
        raise ValueError(f"widths must be > 0, got {w}")
    return np.sum(h * np.exp(-0.5 * ((t[..., None] - c) / w) ** 2), axis=-1)


def true_cause(n):
    """The lesson's cause: a wide bump, a narrow one close to it, and a dip."""
    return bumps(grid(n), centres=(0.3, 0.45, 0.75), heights=(1.0, 0.7, -0.6),
                 widths=(0.06, 0.025, 0.04))


def blur_problem(n=100, width=0.02, noise=0.01, seed=0):
    """The lesson's problem: K = blur_operator(n, width), y = true_cause(n), x = K y + σε."""
    K = blur_operator(n, width)
    noise = _validate.positive_number(noise, "noise")
    y = true_cause(n)
    noise_vector = noise * np.random.default_rng(seed).standard_normal(n)  # σε
    return LinearProblem(K, y, K @ y + noise_vector, float(np.linalg.norm(noise_vector)))


def blur_pairs(count, n=100, width=0.02, noise=0.01, seed=1):
    """count random causes Y (three bumps each) and their observations X = Y Kᵀ + σε, by rows."""
    count = _validate.count(count, "count", 1, 100_000)
    K = blur_operator(n, width)
    noise = _validate.positive_number(noise, "noise")
    rng = np.random.default_rng(seed)
    shape = (count, 1, 3)
    Y = bumps(grid(n), rng.uniform(0.1, 0.9, shape), rng.uniform(-1, 1, shape),
              rng.uniform(0.02, 0.08, shape))
    return Y, Y @ K.T + noise * rng.standard_normal(Y.shape)


# ---- SVD view: filter factors ----------------------------------------------------------


def stability_limit(K):
    """The largest stable Landweber step: 0 < α < 1/‖K‖² = 1/λ₁ (λ₁ the largest eigenvalue of KᵀK)."""
    K = _operator(K)
    return 1.0 / np.linalg.norm(K, 2) ** 2


def landweber_filter(s, alpha, n_steps):
    """Landweber's filter factors φⱼ = 1 − (1 − 2αλⱼ)^N, from the singular values s = √λⱼ."""
    s = _validate.finite_array(s, "s")
    alpha = _validate.positive_number(alpha, "alpha")
    n_steps = _validate.count(n_steps, "n_steps", 0, MAX_STEPS)
    a = 2.0 * alpha * s**2
    with np.errstate(over="ignore", invalid="ignore"):  # the unused branch may be NaN
        tiny = -np.expm1(n_steps * np.log1p(-np.minimum(a, 0.5)))  # keeps digits for tiny λⱼ
        return np.where(a < 0.5, tiny, 1.0 - (1.0 - a) ** n_steps)


def tikhonov_filter(s, gamma):
    """Tikhonov's filter factors φⱼ = λⱼ/(λⱼ + γ) from the singular values s = √λⱼ (0 where λⱼ = 0)."""
    s = _validate.finite_array(s, "s")
    gamma = _gamma(gamma)
    s2 = s**2
    return np.divide(s2, s2 + gamma, out=np.zeros_like(s2), where=s2 > 0)


def learned_filter(s, alphas):
    """The filter factors of steps α₁ … α_N: φⱼ = 1 − Πₙ (1 − 2α_n λⱼ), from the singular values s = √λⱼ."""
    s = _validate.finite_array(s, "s")
    alphas = _validate.finite_array(alphas, "alphas")
    if alphas.ndim != 1:
        raise ValueError(f"alphas must be a 1-d array α₁ … α_N, got shape {alphas.shape}")
    with np.errstate(over="ignore"):
        return 1.0 - np.prod(1.0 - 2.0 * alphas * s[..., None] ** 2, axis=-1)


def filtered_solution(K, x, phi):
    """The filtered inverse y = Σ φⱼ (uⱼᵀx)/√λⱼ vⱼ (terms with λⱼ = 0 left out)."""
    K = _operator(K)
    x = _vector(x, K.shape[0], "x", "one value per row of K")
    U, singular_values, Vt = np.linalg.svd(K, full_matrices=False)
    phi = _validate.finite_array(phi, "phi")
    if phi.shape not in ((), singular_values.shape):
        raise ValueError(f"phi must hold one factor per singular value, shape "
                         f"{singular_values.shape}, got shape {phi.shape}")
    coefficients = np.divide(phi * (U.T @ x), singular_values, out=np.zeros_like(singular_values),
                             where=singular_values > 0)
    return Vt.T @ coefficients


# ---- Tikhonov and Landweber ------------------------------------------------------------


def _gamma(gamma):
    gamma = _validate.real_number(gamma, "gamma")
    if gamma < 0:
        raise ValueError(f"gamma must be >= 0, got {gamma!r}")
    return gamma


def tikhonov(K, x, gamma):
    """Tikhonov's y_γ = argmin ‖x − K y‖² + γ‖y‖² = Σ √λⱼ/(λⱼ + γ) (uⱼᵀx) vⱼ."""
    K = _operator(K)
    return filtered_solution(K, x, tikhonov_filter(np.linalg.svd(K, compute_uv=False), gamma))


def landweber(K, x, alpha, n_steps, y0=None):
    """Landweber's iterates g_{n+1} = g_n + 2α Kᵀ(x − K g_n), g₀ = y0; all N + 1 of them."""
    K = _operator(K)
    x = _vector(x, K.shape[0], "x", "one value per row of K")
    g = np.zeros(K.shape[1]) if y0 is None else _vector(y0, K.shape[1], "y0", "one per column of K")
    alpha = _stable_alpha(K, alpha)
    n_steps = _validate.count(n_steps, "n_steps", 0, MAX_STEPS)
    path = np.empty((n_steps + 1, K.shape[1]))
    path[0] = g
    for n in range(n_steps):
        path[n + 1] = path[n] + 2.0 * alpha * (K.T @ (x - K @ path[n]))
    return path


def discrepancy_stop(K, x, delta, alpha, tau=1.1, max_steps=10_000):
    """The first N whose residual r = x − K g_N has ‖r‖ ≤ τδ, for Landweber's steps from g₀ = 0."""
    K = _operator(K)
    x = _vector(x, K.shape[0], "x", "one value per row of K")
    target = _validate.positive_number(tau, "tau") * _validate.positive_number(delta, "delta")
    alpha = _stable_alpha(K, alpha)
    max_steps = _validate.count(max_steps, "max_steps", 0, MAX_STEPS)
    g = np.zeros(K.shape[1])
    for n in range(max_steps + 1):
        residual = x - K @ g  # r = x − K g_n
        if np.linalg.norm(residual) <= target:
            return n
        g = g + 2.0 * alpha * (K.T @ residual)
    raise ValueError(
        f"the residual ‖x − K g_N‖ = {np.linalg.norm(residual):.4g} at N = max_steps = {max_steps} is "
        f"still above tau·delta = {target:.4g}: raise max_steps (or tau or alpha)")


def discrepancy_gamma(K, x, delta, tau=1.1):
    """The γ whose residual r = x − K y_γ has ‖r‖ = τδ (discrepancy principle), by bisection in log γ."""
    K = _operator(K)
    x = _vector(x, K.shape[0], "x", "one value per row of K")
    target = _validate.positive_number(tau, "tau") * _validate.positive_number(delta, "delta")
    U, singular_values, _ = np.linalg.svd(K, full_matrices=False)
    lam = singular_values**2  # the eigenvalues λⱼ of KᵀK
    coefficients = U.T @ x
    outside = max(float(x @ x - coefficients @ coefficients), 0.0)  # ‖x‖² outside the range of K

    def residual(log_gamma):  # ‖r‖ = ‖x − K y_γ‖ = ‖(γ/(λⱼ + γ)) uⱼᵀx‖ ⊕ the outside part
        gamma = np.exp(log_gamma)
        return np.sqrt(np.sum((gamma / (lam + gamma) * coefficients) ** 2) + outside)

    low, high = np.log(lam[0]) - 80.0, np.log(lam[0]) + 80.0
    if not residual(low) < target < residual(high):
        raise ValueError(
            f"no gamma meets ‖x − K y_γ‖ = tau·delta = {target:.4g}: the residual runs from "
            f"{residual(low):.4g} (γ → 0) to {residual(high):.4g} (γ → ∞); check delta and tau")
    while high - low > 1e-12:
        middle = 0.5 * (low + high)
        low, high = (middle, high) if residual(middle) < target else (low, middle)
    return float(np.exp(0.5 * (low + high)))


# ---- learned step sizes ----------------------------------------------------------------


def _learned_inputs(K, X, alphas, Y=None, name="alphas"):
    K = _operator(K)
    X = _rows(X, K.shape[0], "X", f"observation x (length {K.shape[0]})")
    alphas = _validate.finite_array(alphas, name)
    if alphas.ndim != 1:
        raise ValueError(f"{name} must be a 1-d array α₁ … α_N, got shape {alphas.shape}")
    if Y is not None:
        Y = _rows(Y, K.shape[1], "Y", f"cause y (length {K.shape[1]})", n_rows=X.shape[0])
    return K, X, alphas, Y


def learned_path(K, X, alphas):
    """The iterates g_n = g_{n−1} + 2α_n Kᵀ(x − K g_{n−1}) from g₀ = 0 for every row x of X."""
    K, X, alphas, _ = _learned_inputs(K, X, alphas)
    A, B = K.T @ K, X @ K  # B: rows of Kᵀx; the step is g ← g + 2α_n (Kᵀx − KᵀK g)
    path = np.zeros((alphas.size + 1, X.shape[0], K.shape[1]))
    with np.errstate(over="ignore", invalid="ignore"):
        for n, alpha in enumerate(alphas):
            path[n + 1] = path[n] + 2.0 * alpha * (B - path[n] @ A)
    _check_finite(path, "the iterates", "the alphas are too large (some |1 − 2α_n λⱼ| ≫ 1)")
    return path


def step_error(K, X, Y, alphas):
    """The mean squared error T/m = (1/m) Σᵢ ‖g_N(xᵢ) − yᵢ‖² over the m pairs (rows), T the training loss."""
    K, X, alphas, Y = _learned_inputs(K, X, alphas, Y)
    return float(np.mean(np.sum((learned_path(K, X, alphas)[-1] - Y) ** 2, axis=1)))


def step_error_gradient(K, X, Y, alphas):
    """T/m and its gradient ∂(T/m)/∂α_n = Σᵢ ψ_nᵀ 2Kᵀ(xᵢ − K g_{n−1}) by reverse mode, ψ_{n−1} = (I − 2α_n KᵀK) ψ_n."""
    K, X, alphas, Y = _learned_inputs(K, X, alphas, Y)
    path = learned_path(K, X, alphas)
    A, B = K.T @ K, X @ K
    adjoint = 2.0 * (path[-1] - Y) / X.shape[0]  # ψ_N = ∂(T/m)/∂g_N, one row per pair
    gradient = np.empty_like(alphas)
    for n in range(alphas.size, 0, -1):  # step n maps g_{n−1} to g_n with α_n = alphas[n − 1]
        gradient[n - 1] = 2.0 * np.sum(adjoint * (B - path[n - 1] @ A))
        adjoint = adjoint - 2.0 * alphas[n - 1] * (adjoint @ A)
    return float(np.mean(np.sum((path[-1] - Y) ** 2, axis=1))), gradient


def train_steps(K, X, Y, alphas0, beta, n_epochs):
    """Gradient descent on log T over u = log α (α_n > 0, β unitless): u ← u − β α ⊙ ∂T/∂α / T."""
    # The steps commute (T is symmetric in the α_n): equal α's get equal gradients and stay equal.
    # T/m in place of T gives the same steps: log(T/m) = log T − log m.
    K, X, alphas, Y = _learned_inputs(K, X, alphas0, Y, name="alphas0")
    if np.any(alphas <= 0):
        raise ValueError(f"alphas0 must all be > 0 (the trainer works on log α), got {alphas}")
    beta = _validate.positive_number(beta, "beta")
    n_epochs = _validate.count(n_epochs, "n_epochs", 0, MAX_STEPS)
    errors = np.empty(n_epochs + 1)
    for epoch in range(n_epochs + 1):
        errors[epoch], gradient = step_error_gradient(K, X, Y, alphas)
        if epoch < n_epochs:
            with np.errstate(over="ignore"):
                alphas = alphas * np.exp(-beta * alphas * gradient / errors[epoch])
            _check_finite(alphas, f"in epoch {epoch + 1} the step sizes", f"reduce beta = {beta:g}")
    return StepTraining(alphas, errors)
