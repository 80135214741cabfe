"""Self-checks for notebook 02, prediction as inversion.

For the line f(y) = a·y + b every descent step multiplies the error by q = 1 − 2αa²:
g_{n+1} − y* = q (g_n − y*). Exercise 5 asks for code: the offset d of the N-step
prediction h(x) = s·x + d (its slope s is given), tried at unseen settings against
invlib.invert.
"""

import math

import numpy as np

from .. import line
from . import Feedback, as_number, check_number, exercise, learner_result


@exercise
def check_one_step_alpha(answer):
    """Exercise 1: the step α that lands on y* in one step when a = 3."""
    a = 3.0
    return check_number(
        answer, 1.0 / (2.0 * a * a), "α", hints=[
            (1.0 / a**2, "α = 1/a² = 1/9 gives q = 1 − 2αa² = −1: the step jumps to the mirror "
                         "point and bounces for ever. Ask for q = 0 instead."),
            (1.0 / (2.0 * a), "α = 1/(2a) forgets that a enters twice (once in f(y), once in "
                              "f'(y) = a): q = 1 − 2αa², so a is squared."),
            (1.0 / a, "α = 1/a: remember that q = 1 − 2αa² has a², and set q = 0."),
            (1.0 / (4.0 * a * a), "α = 1/(4a²) gives q = 1/2: that halves the error, it does not "
                                  "remove it. Set q = 1 − 2αa² = 0."),
            (0.125, "0.125 = 1/(2·2²) is the answer for a = 2; this exercise has a = 3."),
        ])


@exercise
def check_q(answer):
    """Exercise 2: the factor q = 1 − 2αa² for α = 0.1 and a = 3."""
    alpha, a = 0.1, 3.0
    return check_number(
        answer, line.q(alpha, a), "q", hints=[
            (2.0 * alpha * a * a, "2αa² = 1.8 is what the step removes; q = 1 − 2αa²."),
            (1.0 - alpha * a * a, "1 − αa² misses the factor 2 from the derivative of the "
                                  "square: ∂L/∂y = 2a(a·y + b − x)."),
            (1.0 - 2.0 * alpha * a, "1 − 2αa uses a once; the step's factor is 1 − 2αa² "
                                    "(a from f and again from f')."),
            (abs(line.q(alpha, a)), "|q| = 0.8 is the size of the factor, but q itself "
                                             "is negative: the iterate jumps to the other side "
                                             "of y* at every step."),
        ])


def steps_for_reduction(alpha, a, factor):
    """The smallest n with |q|ⁿ ≤ 1/factor, q = 1 − 2αa² (0 < |q| < 1)."""
    q = abs(line.q(alpha, a))
    n = math.ceil(math.log(factor) / -math.log(q))
    while q**n > 1.0 / factor:  # guard against rounding in the logarithms
        n += 1
    while n > 0 and q ** (n - 1) <= 1.0 / factor:
        n -= 1
    return n


@exercise
def check_steps(answer):
    """Exercise 3: steps to shrink the error by 10⁶ at α = 0.05, a = 2."""
    alpha, a, factor = 0.05, 2.0, 1e6
    q = line.q(alpha, a)
    expected = steps_for_reduction(alpha, a, factor)
    exact = math.log(factor) / -math.log(q)
    value = as_number(answer, "N")
    if isinstance(value, Feedback):
        return value
    if not float(value).is_integer():
        if abs(value - exact) < 0.01:
            return Feedback(False, f"N = {value:.4g} solves 0.6ᴺ = 10⁻⁶ exactly, but steps come "
                                   "whole: round up to the first N that is enough.")
        return Feedback(False, f"N should be a whole number of steps, got {value!r}.")
    n = int(value)
    if n == expected:
        return Feedback(True, f"N = {n}: 0.6^{n} = {q**n:.3g} ≤ 10⁻⁶ "
                              f"while 0.6^{n - 1} = {q**(n - 1):.3g} is not yet small enough.")
    if n == steps_for_reduction(alpha, a, math.sqrt(factor)) or n == math.ceil(exact / 2):
        return Feedback(False, f"N = {n} shrinks the loss by 10⁶ (the loss falls by q² = 0.36 "
                               "per step); the question asks about the error, which falls by "
                               "|q| = 0.6.")
    if n < expected:
        return Feedback(False, f"N = {n} is too few: the error is still 0.6^{n} = {q**n:.3g} "
                               "of where it started, more than 10⁻⁶.")
    return Feedback(False, f"N = {n} is enough, but not the fewest: already after {n - 1} steps "
                           f"the error is 0.6^{n - 1} = {q**(n - 1):.3g} ≤ 10⁻⁶.")


#: Exercise 4: the candidate steps for a = 1 (1/a² = 1).
CANDIDATE_ALPHAS = (0.1, 0.25, 0.5, 0.8, 1.0, 1.2)


@exercise
def check_converging_alphas(answer):
    """Exercise 4: which of CANDIDATE_ALPHAS converge for a = 1?"""
    a = 1.0
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__iter__"):
        return Feedback(False, "give a list of the α values that converge, e.g. [0.1, 0.25].")
    chosen = []
    for item in answer:
        value = as_number(item, "each α")
        if isinstance(value, Feedback):
            return value
        match = [c for c in CANDIDATE_ALPHAS if np.isclose(value, c, rtol=0, atol=1e-9)]
        if not match:
            return Feedback(False, f"{value!r} is not one of the candidates {list(CANDIDATE_ALPHAS)}.")
        chosen.append(match[0])
    chosen = set(chosen)
    right = {c for c in CANDIDATE_ALPHAS if abs(line.q(c, a)) < 1.0}
    if chosen == right:
        return Feedback(True, f"{sorted(right)}: exactly the α with 0 < α < 1/a² = 1.")
    if chosen and chosen == {c for c in CANDIDATE_ALPHAS if c < 0.25}:
        return Feedback(False, "that is the limit α < 0.25 of the line with a = 2; here a = 1, so "
                               "q = 1 − 2α and the limit is 1/a² = 1.")
    problems = []
    for c in sorted(chosen - right):
        q = line.q(c, a)
        if np.isclose(abs(q), 1.0):
            problems.append(f"α = {c:g} gives q = {q:g}: the error keeps its size and the "
                            "iterate bounces for ever, which is not convergence")
        else:
            problems.append(f"α = {c:g} gives q = {q:g}, |q| > 1: each step makes the error "
                            "larger")
    for c in sorted(right - chosen):
        q = line.q(c, a)
        if q < 0:
            reason = "the iterates zigzag around y*, yet the error still shrinks by |q| each step"
        elif q == 0:
            reason = "it lands on y* in a single step"
        else:
            reason = "the error shrinks by q each step"
        problems.append(f"α = {c:g} is missing: q = {q:g}, {reason}")
    return Feedback(False, "; ".join(problems) + ".")


# --------------------------------------------------------------------------------------
# Exercise 5 (code): the offset d of the N-step prediction h(x) = s·x + d
# --------------------------------------------------------------------------------------

#: The settings (a, b, y0, α, N) the learner's function is tried at (q > 0, q < 0, N = 0, 1).
AFFINE_CASES = ((1.2, 0.4, -0.7, 0.1, 6), (0.9, -1.1, 2.5, 0.45, 9), (1.6, 2.0, 0.3, 0.3, 1),
                (2.5, -0.5, 1.9, 0.05, 0), (0.7, 0.6, -3.0, 0.6, 15))


def _offsets(rule):
    """rule(a, b, y0, q, N) → d at every case, with q = 1 − 2αa²."""
    return np.array([rule(a, b, y0, line.q(alpha, a), n) for a, b, y0, alpha, n in AFFINE_CASES])


@exercise
def check_offset(function):
    """Exercise 5: function(a, b, y0, alpha, n_steps) should give the offset d of the N-step prediction, tried at unseen settings."""
    from .. import inversion
    from ..models import Line

    values = []
    for case in AFFINE_CASES:
        value = learner_result(function, case, "one number, the offset d",
                               f" (at prediction_offset{case})", shape=())
        if isinstance(value, Feedback):
            return value
        values.append(float(value))
    values = np.array(values)
    right = np.array([inversion.invert(Line(), (a, b), 0.0, y0, alpha, n).y  # d = h(0)
                      for a, b, y0, alpha, n in AFFINE_CASES])
    close = lambda u, v: np.allclose(u, v, rtol=1e-9, atol=1e-12)
    if close(values, right):
        return Feedback(True, "d = q^N·g₀ − (1 − q^N)·b/a: with s = (1 − q^N)/a, h(x) = s·x + d "
                              f"matches N steps of invlib.invert in all {len(AFFINE_CASES)} "
                              "settings you had not seen, zigzagging ones (q < 0) and N = 0 "
                              "included.")
    mistakes = [
        (_offsets(lambda a, b, y0, q, n: q ** (n - 1) * y0 - (1 - q ** (n - 1)) * b / a),
         "the exponent is off by one: after N steps the start's distance to y* has been "
         "multiplied by q N times, q^N."),
        (_offsets(lambda a, b, y0, q, n: q ** (n + 1) * y0 - (1 - q ** (n + 1)) * b / a),
         "the exponent is off by one: after N steps the start's distance to y* has been "
         "multiplied by q N times, q^N."),
        (np.array([(1 - al * a * a) ** n * y0 - (1 - (1 - al * a * a) ** n) * b / a
                   for a, b, y0, al, n in AFFINE_CASES]),
         "q should be 1 − 2αa²: the derivative of the square brings a factor 2."),
        (_offsets(lambda a, b, y0, q, n: (1 - q**n) / a),
         "that is the slope s, what multiplies x; d is the part of h(x) that does not contain x."),
        (_offsets(lambda a, b, y0, q, n: q**n * y0),
         "d misses the part of (1 − q^N)(x − b)/a that does not contain x: −(1 − q^N)·b/a."),
        (_offsets(lambda a, b, y0, q, n: -(1 - q**n) * b / a),
         "d misses the start: what is left of it after N steps, q^N·g₀, does not depend on x, "
         "so it belongs to the offset."),
        (_offsets(lambda a, b, y0, q, n: q**n * y0 + (1 - q**n) * b / a),
         "the b-part of d has the wrong sign: (1 − q^N)(x − b)/a contributes −(1 − q^N)·b/a."),
        (_offsets(lambda a, b, y0, q, n: -b / a),
         "−b/a is the offset of the exact inverse (x − b)/a, the limit N → ∞; after N steps it "
         "is weighted by 1 − q^N, and the start adds q^N·g₀."),
        (_offsets(lambda a, b, y0, q, n: (1 - q**n) * y0 - q**n * b / a),
         "the two weights are swapped: the start keeps the weight q^N, which shrinks, and "
         "−b/a gets 1 − q^N."),
    ]
    for wrong, explanation in mistakes:
        if close(values, wrong):
            return Feedback(False, explanation)
    worst = int(np.argmax(np.abs(values - right)))
    a, b, y0, alpha, n = AFFINE_CASES[worst]
    return Feedback(False, f"the offset is not right yet: for a = {a:g}, b = {b:g}, y0 = {y0:g}, "
                           f"α = {alpha:g}, N = {n} your d = {values[worst]:.6g}, but N steps from "
                           f"x = 0 end at h(0) = {right[worst]:.6g}.")
