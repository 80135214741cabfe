"""Self-checks for notebook 06, regularisation: Tikhonov's filter λ/(λ + γ), N ↔ γ, the
normal equations written by the learner, and the discrepancy stop on the lesson's blur.
λⱼ are the eigenvalues of KᵀK, √λⱼ the singular values of K."""

import numpy as np

from . import NO_ANSWER, Feedback, as_count, as_number, check_number, exercise


@exercise
def check_tikhonov_factor(answer):
    """Exercise 1: Tikhonov's filter factor φ = λ/(λ + γ) for the singular value √λ = 0.2
    (λ = 0.04) and γ = 0.01."""
    root, gamma = 0.2, 0.01  # the singular value √λ
    lam = root**2
    return check_number(
        answer, lam / (lam + gamma), "φ", rtol=1e-3, hints=[
            (gamma / (lam + gamma), "γ/(λ + γ) = 0.2 is the part Tikhonov removes; φ is the "
                                    "part it keeps, λ/(λ + γ)."),
            (root / (lam + gamma), "√λ/(λ + γ) = 4 is what multiplies uⱼᵀx in y_γ; the filter "
                                   "factor is that times √λ: φ = λ/(λ + γ)."),
            (root / (root + gamma), "√λ/(√λ + γ) uses the singular value where λ = (√λ)² "
                                    "belongs: φ = λ/(λ + γ) with λ = 0.04."),
            (lam / (lam + gamma**2), "λ/(λ + γ²) squares γ too; γ enters as it is: "
                                     "φ = λ/(λ + γ)."),
        ])


@exercise
def check_matching_steps(answer):
    """Exercise 2: the N whose damping of small λⱼ matches γ = 0.01 at α = 0.25."""
    alpha, gamma = 0.25, 0.01
    value = as_number(answer, "N")
    if isinstance(value, Feedback):
        return value
    hints = [
        (1 / (alpha * gamma), "N = 1/(αγ) misses the factor 2 of the step: for small λⱼ "
                              "Landweber keeps φⱼ ≈ 2αNλⱼ, Tikhonov λⱼ/γ."),
        (1 / gamma, "N = 1/γ forgets the step width α: φⱼ ≈ 2αNλⱼ depends on αN, not N alone."),
        (2 * alpha / gamma, "N = 2α/γ puts α upside down: set 2αNλⱼ = λⱼ/γ and solve for N."),
        (1 / (2 * alpha) / gamma**2, "γ enters once, not squared: N = 1/(2αγ)."),
    ]
    return check_number(value, 1 / (2 * alpha * gamma), "N", rtol=1e-3, hints=hints)


def _tikhonov_cases():
    """The cases the learner's function is tried on: one tall K, one square (K ≠ Kᵀ)."""
    rng = np.random.default_rng(606)
    return [(rng.standard_normal((7, 4)), rng.standard_normal(7), 0.3),
            (rng.standard_normal((5, 5)), rng.standard_normal(5), 2.0)]


def _normal_equations(K, x, gamma, sign=1.0, identity=True, rhs=None):
    A = K.T @ K + sign * gamma * (np.eye(K.shape[1]) if identity else 1.0)
    return np.linalg.solve(A, K.T @ x if rhs is None else rhs)


def _mistakes(K, x, gamma):
    """What common slips give, by name (each an array, or None where the shapes do not fit)."""
    found = {
        "forgot γ: (KᵀK) y = Kᵀx is plain least squares, the naive inverse": _normal_equations(
            K, x, 0.0),
        "wrong sign: KᵀK − γI makes the small λⱼ worse, not better; use KᵀK + γI":
            _normal_equations(K, x, gamma, sign=-1.0),
        "γ added to every entry of KᵀK: it belongs on the diagonal only, KᵀK + γI":
            _normal_equations(K, x, gamma, identity=False),
        "γ² instead of γ: the penalty γ‖y‖² puts γ (not γ²) on the diagonal":
            _normal_equations(K, x, gamma**2),
        "the factor 2 went wrong: the gradient 2Kᵀ(K y − x) + 2γy = 0 has a 2 on both "
        "terms, so (KᵀK + γI) y = Kᵀx": _normal_equations(K, x, 2.0 * gamma),
        "half the factor 2 went wrong: (KᵀK + γI) y = Kᵀx, with no 2 or ½ on either side":
            _normal_equations(K, x, 0.5 * gamma),
    }
    if K.shape[0] == K.shape[1]:
        found["K instead of Kᵀ: the normal equations are (KᵀK + γI) y = Kᵀx"] = (
            _normal_equations(K, x, gamma, rhs=K @ x))
        found["KKᵀ instead of KᵀK: the normal equations are (KᵀK + γI) y = Kᵀx"] = (
            np.linalg.solve(K @ K.T + gamma * np.eye(K.shape[0]), K.T @ x))
    return found


@exercise
def check_tikhonov_solution(answer):
    """Exercise 3: the learner's function (K, x, γ) → y_γ = (KᵀK + γI)⁻¹ Kᵀx, tried on new cases."""
    if not callable(answer):
        return Feedback(False, "give your function itself (tikhonov_solution, without "
                               f"brackets), got {type(answer).__name__}.")
    for K, x, gamma in _tikhonov_cases():
        try:
            result = answer(K.copy(), x.copy(), gamma)
        except Exception as error:  # the learner's code may fail in any way: say how
            rows, columns = K.shape
            return Feedback(False, f"your function raised {type(error).__name__} "
                                   f"({str(error)[:80]}). K here is {rows}×{columns}, so KᵀK is "
                                   f"{columns}×{columns} and Kᵀx has length {columns}: is there a "
                                   "K where Kᵀ belongs?")
        if result is None:
            return Feedback(False, NO_ANSWER)
        result = np.asarray(result, dtype=float)
        expected = _normal_equations(K, x, gamma)
        if result.size == expected.size and result.shape != expected.shape:
            return Feedback(False, f"return y as a 1-d array of length {expected.size}, got "
                                   f"shape {result.shape}.")
        if result.shape != expected.shape:
            return Feedback(False, f"for K of shape {K.shape} y has length {K.shape[1]} (one per "
                                   f"column of K), got shape {result.shape}.")
        if np.allclose(result, expected, rtol=1e-6, atol=1e-9):
            continue
        for mistake, wrong in _mistakes(K, x, gamma).items():
            if np.allclose(result, wrong, rtol=1e-6, atol=1e-9):
                return Feedback(False, mistake + ".")
        if np.allclose(result, -expected, rtol=1e-6, atol=1e-9):
            return Feedback(False, "your y_γ has the wrong sign: the right side is +Kᵀx.")
        return Feedback(False, f"for a test case with K of shape {K.shape} and γ = {gamma:g} "
                               f"your y differs from (KᵀK + γI)⁻¹Kᵀx by up to "
                               f"{np.max(np.abs(result - expected)):.3g}.")
    return Feedback(True, "(KᵀK + γI) y = Kᵀx, solved; it agrees with invlib.linear.tikhonov "
                          "on cases your function had not seen.")


@exercise
def check_discrepancy_steps(answer):
    """Exercise 4: the discrepancy-principle N for τ = 1.5 on the lesson's blur (α = 0.5/λ₁)."""
    from .. import linear  # numpy only: the check stays off the plotting floor

    K, _, x, delta = linear.blur_problem()
    alpha = 0.5 * linear.stability_limit(K)
    expected = linear.discrepancy_stop(K, x, delta, alpha, tau=1.5)
    steps = as_count(answer, "N", "steps")
    if isinstance(steps, Feedback):
        return steps
    if steps == expected:
        return Feedback(True, f"N = {steps}: the first N whose residual r = x − K g_N has "
                              "‖r‖ ≤ 1.5δ.")
    if steps == linear.discrepancy_stop(K, x, delta, alpha, tau=1.1):
        return Feedback(False, f"N = {steps} is the stop for the lesson's τ = 1.1; this exercise "
                               "asks for τ = 1.5, a looser target that is met earlier.")
    if steps == 12:
        return Feedback(False, "N = 12 is the best N in hindsight (it needs the true y); the "
                               "discrepancy principle needs only δ and stops at the first N "
                               "whose residual r = x − K g_N has ‖r‖ ≤ τδ.")
    if steps == expected - 1:
        return Feedback(False, f"at N = {steps} the residual ‖r‖ = ‖x − K g_N‖ is still above "
                               "1.5δ: the first N that meets it comes one step later.")
    return Feedback(False, f"N = {steps} is too {'early' if steps < expected else 'late'}: run "
                           "linear.discrepancy_stop(K, x, delta, alpha, tau=1.5).")
