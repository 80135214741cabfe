"""Self-checks for notebook 09 (unrolled versus implicit gradients).

Exercise 1: where n·q^(n−1) peaks for q = 0.9 (over real n); exercise 2: dy*/da for the line at
a = 2, b = −4, x = 1; exercise 3: the one-step estimate of ∂y*/∂b divided by the exact value,
for α = 0.02 and a = 3, as N → ∞; exercise 4 (code): the implicit formula −(∂²L/∂y²)⁻¹ ∂²L/∂y∂θ
for any model, tried on cases it has not seen. The expected values are computed with invlib
itself, so the checks and the lessons cannot drift apart.
"""

import math

import numpy as np

from .. import gradients, inversion
from ..models import Line
from . import NO_ANSWER, Feedback, as_number, check_number, exercise

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
    """dy*/da of exercise 2, from invlib.implicit_gradient at y*."""
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
RATIO_ALPHA, RATIO_THETA = 0.02, (3.0, -4.0)


def expected_one_step_ratio():
    """(one-step estimate of ∂y*/∂b) / (∂y*/∂b) of exercise 3, from invlib.gradients."""
    one_step = gradients.one_step_gradient(Line(), RATIO_THETA, 0.0, 2.0, RATIO_ALPHA)[1]
    exact = inversion.implicit_gradient(Line(), RATIO_THETA, 0.0, 2.0)[1]
    return float(one_step / exact)


@exercise
def check_one_step_ratio(answer):
    """Exercise 3: the one-step estimate of ∂y*/∂b divided by ∂y*/∂b (α = 0.02, a = 3)."""
    a = RATIO_THETA[0]
    q = 1.0 - 2.0 * RATIO_ALPHA * a * a
    hints = [
        (1.0, "A ratio of 1 would mean the one-step estimate is exact. It is exact for a Newton "
              "step; a gradient step moves only the fraction 1 − q of the way."),
        (q, f"q = {q:.2f} is the relative error, (exact − one-step)/exact. The ratio one-step/exact "
            "is 1 − q."),
        (1.0 / (1.0 - q), "Upside down: the one-step estimate −α·∂²L/∂y∂b = −2αa is smaller than "
                          "the exact −1/a."),
        (2.0 * RATIO_ALPHA * a, "2αa is the one-step estimate's size; divide it by "
                                "|∂y*/∂b| = 1/a."),
        (-(1.0 - q), "Both are negative (raising b lowers y*), so their ratio is positive."),
        (0.4, "0.4 is the ratio of section 5's case, a = 2 and α = 0.05; here a = 3 and "
              "α = 0.02: compute 2αa² for them."),
    ]
    result = check_number(answer, expected_one_step_ratio(), "the ratio", rtol=1e-6, hints=hints)
    if result:
        return Feedback(True, f"one-step/exact = (−2αa)/(−1/a) = 2αa² = 1 − q = {1 - q:.2f}: the one-step "
                              f"estimate stays {100 * q:.0f} % short however many steps come before it.")
    return result



# --------------------------------------------------------------------------------------
# Exercise 4 (code): the implicit formula for any model
# --------------------------------------------------------------------------------------


def _implicit_cases():
    """(name, model, θ, x, y) the learner's function has not seen: the line and a cubic, off y*."""
    import sympy

    from ..models import SympyModel

    a, b, y = sympy.symbols("a b y")
    cubic = SympyModel(a * y**3 + b * y, latent="y", params=("a", "b"))
    return [("the line a·y + b", Line(), (1.5, 0.7), -0.3, 0.4),
            ("the cubic a·y³ + b·y", cubic, (0.8, 1.3), 0.9, 0.6)]


def _learner_result(function, args, size):
    """The learner's function called on args: (array of `size` numbers, None) or (None, Feedback)."""
    try:
        result = function(*args)
    except Exception as error:  # the learner's code: any error is reported, not raised
        return None, Feedback(False, f"your function raised {type(error).__name__}: {error}")
    if result is None:
        return None, Feedback(False, NO_ANSWER)
    try:
        result = np.asarray(result, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        return None, Feedback(False, f"your function should return {size} numbers, one per "
                                     f"parameter, got {type(result).__name__}.")
    if result.size != size:
        return None, Feedback(False, f"your function should return {size} numbers, one per "
                                     f"parameter θ_k, got {result.size}.")
    return result, None


@exercise
def check_implicit_formula(function):
    """Exercise 4: function(model, θ, x, y) = −(∂²L/∂y²)⁻¹ ∂²L/∂y∂θ, compared with invlib's on unseen cases."""
    if not callable(function):
        return Feedback(False, "give the function itself (its name, without brackets).")
    for name, model, theta, x, y in _implicit_cases():
        result, problem = _learner_result(function, (model, theta, x, y), len(theta))
        if problem is not None:
            return problem
        expected = inversion.implicit_gradient(model, theta, x, y)
        if np.allclose(result, expected, rtol=1e-9, atol=1e-12):
            continue
        L_y, L_yy, L_ytheta = model.loss_derivatives(x, y, theta)
        L_ytheta = np.asarray(L_ytheta, dtype=float)
        typical = [
            (-expected, "wrong sign: the formula is −(∂²L/∂y²)⁻¹ ∂²L/∂y∂θ, with a minus."),
            (-L_ytheta, "you forgot to divide by the curvature ∂²L/∂y² (that is the "
                        "one-step estimate without its α)."),
            (L_ytheta, "you forgot the minus sign and the division by ∂²L/∂y²."),
            (-L_ytheta / L_y, "you divided by ∂L/∂y, the slope; the formula divides by the "
                              "curvature ∂²L/∂y²."),
            (-L_yy / L_ytheta, "upside down: divide ∂²L/∂y∂θ by ∂²L/∂y², not the other way."),
            (-L_ytheta / L_yy**2, "you divided by the curvature twice."),
        ]
        for wrong, explanation in typical:
            if np.allclose(result, wrong, rtol=1e-9, atol=1e-12):
                return Feedback(False, f"{explanation} (Tried on {name}.)")
        return Feedback(False, f"for {name} at θ = {theta}, x = {x}, y = {y} your function gives "
                               f"{np.round(result, 4)}, the formula {np.round(expected, 4)}.")
    return Feedback(True, "−(∂²L/∂y²)⁻¹ ∂²L/∂y∂θ agrees with invlib.implicit_gradient on the "
                          "line and on a cubic model, at points it had not seen.")
