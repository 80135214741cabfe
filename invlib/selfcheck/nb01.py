"""Self-checks for notebook 01, the loss landscape of inverting the line f(y) = a·y + b.
Exercise 4 asks for code: the learner's dL/dy of f(y) = a·y² + b, tried at unseen points.

Each exercise's numbers are constants here, so that the notebook and the check agree. Every
check returns an invlib.selfcheck.Feedback; a wrong answer that matches a common mistake is
told which mistake.
"""

import numpy as np

from . import Feedback, as_number, check_number, exercise, learner_values

#: Exercise 1: the minimiser y* = (x − b)/a of L(y) = (x − a·y − b)².
MINIMISER = {"a": 0.5, "b": 1.0, "x": 3.0}
#: Exercise 2: the curvature d²L/dy² = 2a², asked at the point y.
CURVATURE = {"a": 3.0, "b": -1.0, "x": 2.0, "y": 5.0}
#: Exercise 3: the width of the interval of y where L(y) = a²(y − y*)² ≤ `tolerance`.
VALLEY = {"a": 0.25, "b": 1.0, "x": 1.5, "level": 0.04}


@exercise
def check_minimiser(answer):
    """Exercise 1: y* for a = 0.5, b = 1, x = 3."""
    a, b, x = MINIMISER["a"], MINIMISER["b"], MINIMISER["x"]
    hints = [
        ((x + b) / a, "You added b. Solve x = a·y + b for y: first subtract b, then divide by a."),
        ((x - b) * a, "You multiplied by a. Solving x − b = a·y for y means dividing by a."),
        (x / a - b, "You subtracted b after dividing by a. Subtract b from x first: "
                    "y* = (x − b)/a."),
        ((b - x) / a, "Wrong sign: dL/dy = −2a(x − a·y − b) = 0 gives a·y = x − b, "
                      "so y* = (x − b)/a, not (b − x)/a."),
        (a * x + b, "That is f(x) = a·x + b, the forward model applied to x. "
                    "The inverse asks for the y with f(y) = x."),
        (0.0, "0 is the smallest value of L, not the place y* where L takes it."),
    ]
    return check_number(answer, (x - b) / a, "y*", hints=hints)


@exercise
def check_curvature(answer):
    """Exercise 2: d²L/dy² at y = 5 for a = 3, b = −1, x = 2."""
    a, b, x, y = (CURVATURE[k] for k in ("a", "b", "x", "y"))
    residual = x - (a * y + b)
    hints = [
        (a * a, "You lost the factor 2: the derivative of (x − a·y − b)² in y is "
                "−2a(x − a·y − b), and differentiating again gives 2a²."),
        (2 * a, "Each derivative of (x − a·y − b) in y brings a factor a, and you need "
                "two of them: d²L/dy² = 2a², not 2a."),
        (4 * a * a, "You doubled once too often: L' = −2a(x − a·y − b), so L'' = 2a²."),
        (residual**2, "That is the value of L at y = 5, not its second derivative."),
        (-2 * a * residual, "That is dL/dy at y = 5 (the slope). Differentiate once more: "
                            "the result does not depend on y at all."),
        (0.0, "L is a parabola in y, so its second derivative is a nonzero constant, 2a²."),
    ]
    return check_number(answer, 2 * a * a, "d²L/dy²", hints=hints)


@exercise
def check_valley_width(answer):
    """Exercise 3: how wide is {y : L(y) ≤ 0.04} for a = 0.25, b = 1, x = 1.5?"""
    a, b, x, level = (VALLEY[k] for k in ("a", "b", "x", "level"))
    root = level**0.5
    value = as_number(answer, "the width")
    if isinstance(value, Feedback):
        return value
    if value < 0:
        return Feedback(False, "A width is a length, so it is positive: the interval runs from "
                               "y* − √ℓ/a to y* + √ℓ/a.")
    y_star = (x - b) / a
    hints = [
        (root / a, "That is the half-width √ℓ/a: the interval reaches that far on both sides "
                   "of y*, so its width is twice that."),
        (level / a**2, "You forgot the square root: L = a²(y − y*)² ≤ ℓ means (y − y*)² ≤ ℓ/a², "
                     "so |y − y*| ≤ √ℓ/a."),
        (2 * level / a**2, "You forgot the square root: L = a²(y − y*)² ≤ ℓ means "
                         "(y − y*)² ≤ ℓ/a², so |y − y*| ≤ √ℓ/a, and the width is 2√ℓ/a."),
        (2 * level / a, "You divided ℓ by a, but ℓ bounds a²(y − y*)², a square: take the square "
                      "root first, |y − y*| ≤ √ℓ/a."),
        (2 * root * a, "You multiplied by a. From a²(y − y*)² ≤ ℓ, dividing by a² and taking the "
                       "root gives |y − y*| ≤ √ℓ/a: a flat line (small a) gives a wide interval."),
        (2 * root / a**2, "You divided by a². Taking the square root of a²(y − y*)² ≤ ℓ gives "
                          "|a|·|y − y*| ≤ √ℓ: the root of a² is |a|."),
        (2 * root, "That would be the width for a = 1. Here L = a²(y − y*)², so divide √ℓ by a."),
        (2 * (level / 2) ** 0.5 / a, "You used the curvature 2a² as the factor in front of "
                                   "(y − y*)². The loss is L = a²(y − y*)²; its curvature, the "
                                   "second derivative, is twice that factor."),
        (y_star, f"{y_star:g} is y*, the middle of the interval; the question asks for its width."),
        (y_star + root / a, f"{y_star + root / a:g} is the right end of the interval; its width "
                            "is right end minus left end."),
    ]
    feedback = check_number(value, 2 * root / a, "the width", hints=hints)
    if feedback:
        return Feedback(True, f"the width is {2 * root / a:.6g}: every y from {y_star - root / a:g} "
                              f"to {y_star + root / a:g} has L(y) ≤ {level:g}.")
    return feedback


# --------------------------------------------------------------------------------------
# Exercise 4 (code): dL/dy for the model f(y) = a·y² + b
# --------------------------------------------------------------------------------------

#: The points (y, a, b, x) the learner's function is tried at; none of them is in the notebook.
SQUARE_CASES = ((0.7, 1.3, -0.4, 2.1), (-1.6, 0.8, 0.5, -0.3), (2.4, -0.6, 1.1, 0.9),
                (0.3, 2.2, -1.7, 4.0), (-0.9, 1.7, 0.2, 1.4))


def _square_gradients(chain, outer=2.0, sign=-1.0):
    """sign·outer·(x − a·y² − b)·chain(y, a) at every case (the right one: −2(x − f)·2ay)."""
    return np.array([sign * outer * (x - (a * y * y + b)) * chain(y, a)
                     for y, a, b, x in SQUARE_CASES])


@exercise
def check_square_gradient(function):
    """Exercise 4: function(y, a, b, x) should be dL/dy for f(y) = a·y² + b, tried at unseen points."""
    import sympy

    from .. import inversion
    from ..models import SympyModel

    values = learner_values(function, SQUARE_CASES, "your function")
    if isinstance(values, Feedback):
        return values
    a_s, b_s, y_s = sympy.symbols("a b y")
    model = SympyModel(a_s * y_s**2 + b_s)
    right = np.array([float(inversion.inner_gradient(model, (a, b), x, y))
                      for y, a, b, x in SQUARE_CASES])
    if np.allclose(values, right, rtol=1e-9, atol=1e-12):
        return Feedback(True, "dL/dy = −2(x − a·y² − b)·2a·y, the same as invlib.inner_gradient "
                              f"at {len(SQUARE_CASES)} points you had not seen.")
    mistakes = [
        (_square_gradients(lambda y, a: 2 * a * y, sign=1.0),
         "wrong sign: L = (x − f)², so dL/dy = 2(x − f)·(−∂f/∂y) = −2(x − f)·∂f/∂y."),
        (_square_gradients(lambda y, a: 2 * a * y, outer=1.0),
         "a factor 2 is missing: dL/dy has two of them, one from the outer square "
         "(d(r²)/dr = 2r) and one from y² (∂f/∂y = 2a·y)."),
        (_square_gradients(lambda y, a: 1.0),
         "the chain rule's inner factor ∂f/∂y = 2a·y is missing."),
        (_square_gradients(lambda y, a: a),
         "∂f/∂y of this model is 2a·y, not a: a is the slope of the line, not of a·y² + b."),
        (_square_gradients(lambda y, a: 2 * y),
         "∂f/∂y of a·y² + b is 2a·y: the factor a is missing."),
        (np.array([2 * a * y for y, a, b, x in SQUARE_CASES]),
         "that is ∂f/∂y, the model's slope; dL/dy multiplies it by −2(x − f(y))."),
        (np.array([(x - (a * y * y + b)) ** 2 for y, a, b, x in SQUARE_CASES]),
         "that is the loss L itself; the exercise asks for its derivative in y."),
    ]
    for wrong, explanation in mistakes:
        if np.allclose(values, wrong, rtol=1e-9, atol=1e-12):
            return Feedback(False, explanation)
    worst = int(np.argmax(np.abs(values - right)))
    y, a, b, x = SQUARE_CASES[worst]
    return Feedback(False, f"at y = {y:g}, a = {a:g}, b = {b:g}, x = {x:g} your function gives "
                           f"{values[worst]:.6g}, but dL/dy = {right[worst]:.6g}.")
