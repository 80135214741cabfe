"""Self-checks for notebook 09 (unrolled versus implicit gradients).

Exercise 1: where n·q^(n−1) peaks for q = 0.9 (over real n); exercise 2: dy*/da for the line at
a = 2, b = −4, x = 1; exercise 3: the one-step estimate of ∂y*/∂b divided by the exact value,
for α = 0.05 and a = 2, as N → ∞. The expected values are computed with invlib itself, so the
checks and the lessons cannot drift apart.
"""

import math

from .. import gradients, inversion
from ..models import Line
from . import Feedback, as_number, check_number, exercise

# --------------------------------------------------------------------------------------
# Exercise 1: where n q^(n-1) peaks
# --------------------------------------------------------------------------------------

#: The factor of exercise 1.
PEAK_Q = 0.9


@exercise
def check_peak_step(answer):
    """Exercise 1: the real n > 0 at which n·q^(n−1) is largest, for q = 0.9."""
    q = PEAK_Q
    expected = gradients.peak_step(q)  # 1/ln(1/0.9) ≈ 9.49
    value = as_number(answer, "n*")
    if isinstance(value, Feedback):
        return value
    if float(value).is_integer() and int(value) in (9, 10):
        return Feedback(False, f"n = {int(value)} is one of the two whole steps where "
                               "n·0.9ⁿ⁻¹ is largest (9·0.9⁸ = 10·0.9⁹: they tie exactly). "
                               "The question asks for the maximiser over real n: set the "
                               "derivative of n·qⁿ⁻¹ to zero. (1/(1 − q) = 10 is only the "
                               "approximation for q close to 1.)")
    hints = [
        (math.log(1.0 / q), "That is ln(1/q); the maximiser is its reciprocal, n* = 1/ln(1/q)."),
        (1.0 / math.log10(1.0 / q), "Use the natural logarithm: d/dn qⁿ = qⁿ ln q with ln, "
                                    "not log₁₀."),
        (expected - 1.0, "You maximised something shifted by one step. Differentiate "
                         "n·qⁿ⁻¹ = (n/q)·qⁿ: the derivative is qⁿ⁻¹(1 + n ln q)."),
    ]
    result = check_number(value, expected, "n*", rtol=1e-3, hints=hints)
    if result:
        return Feedback(True, f"n* = 1/ln(1/0.9) = {expected:.4f}; the whole steps 9 and 10 on "
                              "either side of it tie for the largest n·0.9ⁿ⁻¹.")
    return result


# --------------------------------------------------------------------------------------
# Exercise 2: the implicit gradient for the line
# --------------------------------------------------------------------------------------

#: θ = (a, b) and x of exercise 2.
IMPLICIT_THETA, IMPLICIT_X = (2.0, -4.0), 1.0


def expected_implicit_gradient():
    """dy*/da of exercise 2, from invlib.implicit_gradient at y* (−1.25)."""
    a, b = IMPLICIT_THETA
    y_star = (IMPLICIT_X - b) / a
    return float(inversion.implicit_gradient(Line(), IMPLICIT_THETA, IMPLICIT_X, y_star)[0])


@exercise
def check_implicit_gradient(answer):
    """Exercise 2: dy*/da for f(y) = a·y + b at a = 2, b = −4, x = 1."""
    a, b = IMPLICIT_THETA
    y_star = (IMPLICIT_X - b) / a  # 2.5
    hints = [
        (y_star, "That is y* itself. Differentiate: dy*/da = −∂²L/∂y∂a ÷ ∂²L/∂y²."),
        (-y_star, "That is −y*: you divided ∂²L/∂y∂a = 2a·y* by 2a, but the implicit formula "
                  "divides by ∂²L/∂y² = 2a²."),
        (-1.0 / a, "−1/a is dy*/db. For a, ∂²L/∂y∂a = 2a·y − 2(x − a·y − b) = 2a·y* at y*."),
        (-y_star / a**2, "One factor a too many in the denominator: −(2a·y*)/(2a²) = −y*/a."),
    ]
    result = check_number(answer, expected_implicit_gradient(), "dy*/da", rtol=1e-6, hints=hints)
    if result:
        return Feedback(True, "dy*/da = −(2a·y*)/(2a²) = −y*/a = −2.5/2 = −1.25: a steeper line "
                              "reaches x = 1 from a smaller y.")
    return result


# --------------------------------------------------------------------------------------
# Exercise 3: how far off the one-step estimate stays
# --------------------------------------------------------------------------------------

#: α and θ of exercise 3 (x and g₀ do not matter for ∂/∂b of the line).
RATIO_ALPHA, RATIO_THETA = 0.05, (2.0, -4.0)


def expected_one_step_ratio():
    """(one-step estimate of ∂y*/∂b) / (∂y*/∂b) of exercise 3: 1 − q = 2αa² = 0.4."""
    one_step = gradients.one_step_gradient(Line(), RATIO_THETA, 0.0, 2.0, RATIO_ALPHA)[1]
    exact = inversion.implicit_gradient(Line(), RATIO_THETA, 0.0, 2.0)[1]
    return float(one_step / exact)


@exercise
def check_one_step_ratio(answer):
    """Exercise 3: the one-step estimate of ∂y*/∂b divided by ∂y*/∂b (α = 0.05, a = 2)."""
    a = RATIO_THETA[0]
    q = 1.0 - 2.0 * RATIO_ALPHA * a * a
    hints = [
        (1.0, "A ratio of 1 would mean the one-step estimate is exact. It is exact for a Newton "
              "step; a gradient step moves only the fraction 1 − q of the way."),
        (q, "q = 0.6 is the relative error, (exact − one-step)/exact. The ratio one-step/exact "
            "is 1 − q."),
        (1.0 / (1.0 - q), "Upside down: the one-step estimate −α·∂²L/∂y∂b = −2αa is smaller than "
                          "the exact −1/a."),
        (2.0 * RATIO_ALPHA * a, "2αa is the one-step estimate's size; divide it by "
                                "|∂y*/∂b| = 1/a."),
        (-(1.0 - q), "Both are negative (raising b lowers y*), so their ratio is positive."),
    ]
    result = check_number(answer, expected_one_step_ratio(), "the ratio", rtol=1e-6, hints=hints)
    if result:
        return Feedback(True, "one-step/exact = (−2αa)/(−1/a) = 2αa² = 1 − q = 0.4: the one-step "
                              "estimate stays 60 % short however many steps come before it.")
    return result

