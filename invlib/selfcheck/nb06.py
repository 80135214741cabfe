r"""Self-checks for notebook 06, momentum and step size in the inner loop.

The notebook works out the range of slopes a ∈ [0.5, 2] in its text; the exercises ask the
same questions for a ∈ [1, 3]. The line f(y) = a·y + b has the inner-loss curvature
:math:`c = 2a^2`, so here c runs from 2 to 18 and :math:`\kappa = c_\max/c_\min = 9`:

- the best plain step :math:`\alpha = 2/(c_\min + c_\max) = 0.1`,
- its worst rate :math:`(\kappa - 1)/(\kappa + 1) = 0.8`,
- Polyak's momentum :math:`\mu = \big((\sqrt\kappa - 1)/(\sqrt\kappa + 1)\big)^2 = 0.25`
  (with :math:`\alpha = 4/(\sqrt{c_\max} + \sqrt{c_\min})^2 = 0.125` and rate 0.5).

A wrong answer that matches a common mistake is told which mistake.
"""

import math

from . import check_number

#: The range of slopes the exercises ask about, and what follows from it.
A_MIN, A_MAX = 1.0, 3.0
C_MIN, C_MAX = 2 * A_MIN**2, 2 * A_MAX**2
KAPPA = C_MAX / C_MIN
#: The original's inner step, which learners sometimes plug in.
ORIGINAL_ALPHA = 0.05

BEST_PLAIN_ALPHA = 2.0 / (C_MIN + C_MAX)
PLAIN_RATE = (KAPPA - 1.0) / (KAPPA + 1.0)
POLYAK_RATE = (math.sqrt(KAPPA) - 1.0) / (math.sqrt(KAPPA) + 1.0)
POLYAK_MOMENTUM = POLYAK_RATE**2
POLYAK_ALPHA = 4.0 / (math.sqrt(C_MAX) + math.sqrt(C_MIN)) ** 2


def check_best_plain_alpha(answer):
    """Exercise 1: the one plain step α best for every a in [1, 3]: 2/(c_min + c_max) = 0.1."""
    hints = [
        (2.0 / (A_MIN + A_MAX), "You used the slopes a instead of the curvatures c = 2a²: a "
                                "step multiplies the error by 1 − αc, so balance αc at the "
                                "two ends of the range."),
        (2.0 / (A_MIN**2 + A_MAX**2), "You used a² as the curvature; the curvature of "
                                      "L = (x − a·y − b)² is c = 2a² (mind the factor 2 "
                                      "from the square)."),
        (1.0 / (C_MIN + C_MAX), "Almost: balancing the two ends, 1 − αc_min = αc_max − 1, "
                                "gives α(c_min + c_max) = 2, not 1. (This is also the "
                                "original's α = 0.05, by coincidence.)"),
        (1.0 / C_MAX, f"α = 1/c_max = 1/{C_MAX:g} is the best step for a = {A_MAX:g} alone "
                      f"(one step lands on y*), but at a = {A_MIN:g} it is slow: "
                      f"|1 − α·{C_MIN:g}| = {1 - C_MIN / C_MAX:.3f}."),
        (2.0 / C_MAX, f"α = 2/c_max = 1/{C_MAX / 2:g} is the edge of stability at "
                      f"a = {A_MAX:g}: there |1 − αc| = 1 and the error never shrinks."),
        (POLYAK_ALPHA, f"{POLYAK_ALPHA:g} is Polyak's step for heavy ball, which relies on "
                       "momentum; plain descent has none."),
    ]
    return check_number(answer, BEST_PLAIN_ALPHA, "α", hints=hints)


def check_plain_rate(answer):
    """Exercise 2: the worst rate of α = 0.1 over a in [1, 3]: (κ − 1)/(κ + 1) = 0.8."""
    slope_ratio = A_MAX / A_MIN
    hints = [
        (POLYAK_RATE, f"{POLYAK_RATE:g} is heavy ball's rate with Polyak's parameters, "
                      "(√κ − 1)/(√κ + 1) — or plain descent's (κ − 1)/(κ + 1) with κ taken "
                      f"as a_max/a_min = {slope_ratio:g}. For plain descent use "
                      f"κ = c_max/c_min = (a_max/a_min)² = {KAPPA:g}."),
        (0.0, "The rate is 0 only at the middle curvature c = (c_min + c_max)/2, where one "
              "step lands on y*; the worst rate is at the two ends of the range."),
        (PLAIN_RATE**2, "That is the rate squared: the factor per step on the loss "
                        "L = a²e², not on the error e = g_n − y*."),
        ((KAPPA - 1.0) / KAPPA, "(κ − 1)/κ = 1 − c_min/c_max is the worst rate of "
                                "α = 1/c_max; with α = 2/(c_min + c_max) it is "
                                "(κ − 1)/(κ + 1)."),
        (1.0 - ORIGINAL_ALPHA * C_MIN, f"{1 - ORIGINAL_ALPHA * C_MIN:g} is the rate of the "
                                       f"original α = {ORIGINAL_ALPHA} at a = {A_MIN:g}; use "
                                       "the best α from exercise 1."),
    ]
    return check_number(answer, PLAIN_RATE, "the worst rate", hints=hints)


def check_polyak_momentum(answer):
    """Exercise 3: Polyak's momentum for a in [1, 3]: ((√κ − 1)/(√κ + 1))² = 0.25."""
    wrong_root = math.sqrt(A_MAX / A_MIN)
    hints = [
        (POLYAK_RATE, f"{POLYAK_RATE:g} = (√κ − 1)/(√κ + 1) is the rate, which equals √μ; "
                      "the momentum is its square."),
        (((wrong_root - 1.0) / (wrong_root + 1.0)) ** 2,
         f"You took κ = a_max/a_min = {A_MAX / A_MIN:g}; κ is the ratio of the curvatures "
         f"c = 2a², (a_max/a_min)² = {KAPPA:g}, so √κ = {math.sqrt(KAPPA):g}."),
        (PLAIN_RATE, "(κ − 1)/(κ + 1) is plain descent's best rate; Polyak's momentum is "
                     "((√κ − 1)/(√κ + 1))²."),
        ((1.0 - math.sqrt(ORIGINAL_ALPHA * C_MIN)) ** 2,
         f"That is the critically damped μ for α = {ORIGINAL_ALPHA} at a = {A_MIN:g} alone. "
         "Polyak's μ is chosen, together with its own α, for the whole range."),
        (0.9, "0.9 is a common default in deep learning, not the best value for this range: "
              "its rate could be no better than √0.9 ≈ 0.95."),
    ]
    return check_number(answer, POLYAK_MOMENTUM, "μ", hints=hints)
