"""Self-checks for notebook 08 (what finite-N training really learns).

Exercise 1: T at the true θ = (2, −4) on the original data with N = 8 steps; exercise 2: the b
that makes the small root a_sp of s(a) = 1/2 fit exactly; exercise 3: the smallest N (α = 0.05)
at which the prediction's slope s(a) reaches 1/2 at some a with |q| < 1; exercise 4 (code): the
derivative ds/da of that slope, against central differences of invlib.line.slope on unseen a, α,
N.
The expected values are computed with invlib itself, so the checks and the lessons cannot drift
apart."""

import numpy as np

from .. import data, line, training
from ..models import Line
from . import NO_ANSWER, Feedback, as_number, check_number, exercise

# --------------------------------------------------------------------------------------
# Exercise 1: T of the true parameters with N = 8
# --------------------------------------------------------------------------------------

#: The number of inner steps of exercise 1 (the notebook's runs use 20).
TRUE_LOSS_STEPS = 8


def expected_true_loss():
    """T(θ_true) on the original data with N = 8, from invlib.training_loss."""
    p = data.original_problem()
    return training.training_loss(Line(), p.theta_true, p.x, p.y, p.y0_training, p.alpha,
                                  TRUE_LOSS_STEPS)


@exercise
def check_true_loss(answer):
    """Exercise 1: T at θ = (2, −4) on the original data, α = 0.05, N = 8, g₀ ≈ 1.99984."""
    p = data.original_problem()
    n = TRUE_LOSS_STEPS
    q = line.q(p.alpha, p.theta_true[0])
    spread = float(np.sum((p.y0_training - p.y) ** 2))
    expected = expected_true_loss()
    hints = [
        (0.0, f"T = 0 would need the inversion to be finished (N → ∞); after {n} steps a "
              "fraction q^N of the distance from g₀ to y* is left in every prediction."),
        (q**n * spread, "Each residual is q^N (g₀ − y_i), so T sums q^(2N) (g₀ − y_i)²: "
                        "you forgot to square q^N."),
        (expected / p.y.size, "That is the mean of the squared residuals; T is their sum."),
        (q ** (2 * 20) * spread, "That is T with N = 20, the value from the notebook; the "
                                 f"exercise asks for N = {n}."),
        (spread, "That is T with no steps at all (every prediction is g₀)."),
        ((1.0 - p.alpha * 4.0) ** (2 * n) * spread,
         "q = 1 − 2αa² = 0.6: the 2 comes from differentiating the square in L."),
        (q ** (2 * n) * float(np.sum(p.y**2)),
         "The inversions start at g₀ ≈ 1.99984, not at 0: the residuals are q^N (g₀ − y_i)."),
        (q**n * np.sqrt(spread), "T sums the squared residuals q^(2N) (g₀ − y_i)², not "
                                 "the length of the residual vector."),
    ]
    return check_number(answer, expected, "T", rtol=1e-3, hints=hints)


# --------------------------------------------------------------------------------------
# Exercise 2: the b of the spurious zero-loss point
# --------------------------------------------------------------------------------------


def spurious_root():
    """The small root a_sp ≈ 0.2674 of s(a) = 1/2 on the original setup (α = 0.05, N = 20)."""
    p = data.original_problem()
    roots = line.slope_roots(line.DATA_SLOPE, p.alpha, p.n_steps,
                                   a_max=1.0 / np.sqrt(p.alpha))
    return float(roots[0])


def expected_spurious_b():
    """The b of exercise 2, from invlib.line."""
    p = data.original_problem()
    return float(line.zero_loss_theta(spurious_root(), p.y0_training, p.alpha,
                                            p.n_steps)[1])


@exercise
def check_spurious_b(answer):
    """Exercise 2: the b that puts the offset d = q^N g₀ − s(a_sp)·b at 2 for a = a_sp."""
    p = data.original_problem()
    a_sp, n = spurious_root(), p.n_steps
    q_n = line.q(p.alpha, a_sp) ** n
    s = line.DATA_SLOPE  # s(a_sp) = 1/2 at the root
    d_true = line.DATA_OFFSET
    hints = [
        (-4.0, "−4 is the true b. With a ≈ 0.27 the 20 steps leave q^N ≈ 0.87 of the start "
               "g₀ in every prediction, so b must make up for it: solve q^N g₀ − s b = 2."),
        (q_n * p.y0_training - d_true, "You forgot to divide by the slope: d = q^N g₀ − s·b with "
                                  "s(a_sp) = 1/2, so b = (q^N g₀ − 2)/s."),
        (-2.0 * a_sp, "That b gives the exact inverse (x − b)/a the offset 2, but the 20-step "
                     "prediction has the offset d = q^N g₀ − s(a)·b: the start g₀ still "
                     "counts."),
        ((-q_n * p.y0_training - d_true) / s, "The start enters the offset with a plus sign: "
                                         "h = y* + q^N (g₀ − y*), so d = q^N g₀ − s·b."),
        ((q_n * p.y0_training + d_true) / s, "The data's offset is +2 (y = (x + 4)/2): "
                                        "solve q^N g₀ − s·b = 2."),
    ]
    return check_number(answer, expected_spurious_b(), "b", rtol=1e-4, hints=hints)


# --------------------------------------------------------------------------------------
# Exercise 3: the smallest N that can fit the slope
# --------------------------------------------------------------------------------------

#: The inner step of exercise 3, and the largest N the check searches.
SMALLEST_ALPHA, SEARCH_STEPS = 0.05, 200


def stable_roots(n_steps, alpha=SMALLEST_ALPHA):
    """The roots of s(a) = 1/2 with 0 < a < 1/√α, i.e. |q| < 1 (converging inner steps)."""
    return line.slope_roots(line.DATA_SLOPE, alpha, n_steps,
                                  a_max=1.0 / np.sqrt(alpha) * (1.0 - 1e-12))


def expected_smallest_steps():
    """The smallest N with a root of s(a) = 1/2 where |q| < 1 ."""
    for n in range(1, SEARCH_STEPS + 1):
        if stable_roots(n).size:
            return n
    raise RuntimeError("no N up to SEARCH_STEPS fits the slope")  # pragma: no cover


def _peak_prediction_slope(n_steps, alpha=SMALLEST_ALPHA):
    """The peak of the prediction's slope s(a) = (1 − q^N)/a over 0 ≤ a ≤ 1/√α (|q| ≤ 1)."""
    a = np.linspace(0.0, 1.0 / np.sqrt(alpha), 20001)
    return float(np.max(line.slope(a, alpha, n_steps)))


@exercise
def check_smallest_steps(answer):
    """Exercise 3: the smallest N for which the prediction's slope s(a) reaches 1/2 at some a
    with |q| < 1 (α = 0.05)."""
    value = as_number(answer, "N")
    if isinstance(value, Feedback):
        return value
    if value != int(value) or value < 1:
        return Feedback(False, f"N counts steps: give a whole number ≥ 1, got {answer!r}.")
    n, expected = int(value), expected_smallest_steps()
    if n == expected:
        return Feedback(True, f"N = {n}: over 0 < a < 1/√α (|q| < 1) the prediction's slope s(a) "
                              f"now peaks at {_peak_prediction_slope(n):.3f} ≥ 1/2; with "
                              f"N = {n - 1} its peak was {_peak_prediction_slope(n - 1):.3f}.")
    if n > expected:
        return Feedback(False, f"With N = {n} the prediction's slope s(a) reaches 1/2 at some a "
                               "with |q| < 1, but a smaller N already does: go down until those "
                               "roots vanish.")
    beyond = line.slope_roots(line.DATA_SLOPE, SMALLEST_ALPHA, n,
                                    a_max=3.0 / np.sqrt(SMALLEST_ALPHA),
                                    a_min=1.0 / np.sqrt(SMALLEST_ALPHA))
    aside = (f" (s(a) = 1/2 at a ≈ {beyond[0]:.3f}, but that is beyond 1/√α, where |q| > 1 and "
             "the inner steps diverge)" if beyond.size else "")
    return Feedback(False, f"At N = {n} the prediction's slope s(a) peaks at "
                           f"{_peak_prediction_slope(n):.3f} < 1/2 over 0 < a < 1/√α (|q| < 1)"
                           f"{aside}: no such θ fits the data. Try a larger N.")


# --------------------------------------------------------------------------------------
# Exercise 4 (code): how the prediction's slope changes with a
# --------------------------------------------------------------------------------------

#: The settings the learner's derivative is tried on (a, α, N): none is the notebook's, and the
#: last has q < 0 with an odd N.
SLOPE_CASES = [(0.7, 0.04, 13), (1.9, 0.06, 7), (2.6, 0.1, 5)]


def _q(a, alpha):
    return 1.0 - 2.0 * alpha * a * a


def expected_slope_derivative(a, alpha, n_steps):
    """ds/da by central differences of line.slope (independent of the closed form)."""
    delta_a = 1e-5 * a
    return float((line.slope(a + delta_a, alpha, n_steps)
                  - line.slope(a - delta_a, alpha, n_steps)) / (2 * delta_a))


#: Typical wrong derivatives ds/da(a, α, N), and what each one got wrong.
WRONG_DERIVATIVES = [
    (lambda a, alpha, n: 4.0 * alpha * n * _q(a, alpha) ** (n - 1),
     "You differentiated only the numerator: s = (1 − q^N)·(1/a) is a product, and 1/a changes "
     "with a too, which adds −(1 − q^N)/a²."),
    (lambda a, alpha, n: 4.0 * alpha * n * _q(a, alpha) ** (n - 1) + (1.0 - _q(a, alpha) ** n) / a**2,
     "Wrong sign on the second term: d(1/a)/da = −1/a², so it is −(1 − q^N)/a²."),
    (lambda a, alpha, n: -n * _q(a, alpha) ** (n - 1) / a - (1.0 - _q(a, alpha) ** n) / a**2,
     "The chain rule needs dq/da too: d(q^N)/da = N q^(N−1)·dq/da, with dq/da = −4αa."),
    (lambda a, alpha, n: 2.0 * alpha * n * _q(a, alpha) ** (n - 1) - (1.0 - _q(a, alpha) ** n) / a**2,
     "dq/da = −4αa: q = 1 − 2αa², and the derivative of a² is 2a (a factor 2 is missing)."),
    (lambda a, alpha, n: 4.0 * alpha * n * _q(a, alpha) ** n - (1.0 - _q(a, alpha) ** n) / a**2,
     "d(q^N)/dq = N q^(N−1): the exponent drops by one."),
    (lambda a, alpha, n: -4.0 * alpha * n * _q(a, alpha) ** (n - 1) - (1.0 - _q(a, alpha) ** n) / a**2,
     "Wrong sign on the first term: d(1 − q^N)/da = −N q^(N−1)·dq/da, and dq/da = −4αa is "
     "negative, so the two minus signs make +4αN q^(N−1)·a."),
    (lambda a, alpha, n: (1.0 - _q(a, alpha) ** n) / a,
     "That is s(a) itself; the exercise asks for its derivative ds/da."),
    (lambda a, alpha, n: -1.0 / a**2,
     "−1/a² is the derivative of the exact inverse's slope 1/a (the steps run to the end); "
     "after N steps s = (1 − q^N)/a."),
]


def _as_value(answer, a, alpha, n):
    """The learner's value at one setting, or a Feedback (None stays None: the stub)."""
    if answer is None:
        return None
    return as_number(answer, f"slope_derivative({a}, {alpha}, {n})")


@exercise
def check_slope_derivative(slope_derivative):
    """Exercise 4: slope_derivative(a, α, N), the derivative ds/da of the prediction's slope,
    against central differences of line.slope."""
    if not callable(slope_derivative):
        return Feedback(False, "pass the function itself: check_slope_derivative(slope_derivative).")
    for a, alpha, n in SLOPE_CASES:
        try:
            answer = slope_derivative(a, alpha, n)
        except Exception as error:  # the learner's code: say what it raised
            return Feedback(False, f"your function raised {type(error).__name__}: {error}")
        value = _as_value(answer, a, alpha, n)
        if value is None:
            return Feedback(False, NO_ANSWER)  # the stub as committed: nothing to check yet
        if isinstance(value, Feedback):
            return value
        expected = expected_slope_derivative(a, alpha, n)
        if np.isclose(value, expected, rtol=1e-6, atol=1e-9):
            continue
        for wrong, explanation in WRONG_DERIVATIVES:
            if np.isclose(value, wrong(a, alpha, n), rtol=1e-9, atol=1e-12):
                return Feedback(False, explanation)
        return Feedback(False, f"slope_derivative({a}, {alpha}, {n}) = {value:.6g}, but s(a) "
                               f"changes at the rate {expected:.6g} there (central differences "
                               "of line.slope).")
    return Feedback(True, f"your ds/da agrees with central differences of invlib.line.slope at "
                          f"{len(SLOPE_CASES)} settings you have not seen (one with q < 0).")
