"""Self-checks for notebook 01, the loss landscape of inverting the line f(y) = a·y + b.

Each exercise's numbers are constants here, so that the notebook and the check agree. Every
check returns an invlib.selfcheck.Feedback; a wrong answer that matches a common mistake is
told which mistake.
"""

from . import Feedback, as_number, check_number, exercise

#: Exercise 1: the minimiser y* = (x − b)/a of L(y) = (x − a·y − b)².
MINIMISER = {"a": 0.5, "b": 1.0, "x": 3.0}
#: Exercise 2: the curvature d²L/dy² = 2a², asked at the point y.
CURVATURE = {"a": 3.0, "b": -1.0, "x": 2.0, "y": 5.0}
#: Exercise 3: the width of the interval of y where L(y) = a²(y − y*)² ≤ `tolerance`.
VALLEY = {"a": 0.25, "b": 1.0, "x": 1.5, "tolerance": 0.04}


@exercise
def check_minimiser(answer):
    """Exercise 1: y* for a = 0.5, b = 1, x = 3 (it is (x − b)/a = 4)."""
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
    """Exercise 2: d²L/dy² at y = 5 for a = 3, b = −1, x = 2 (it is 2a² = 18, for every y)."""
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
    """Exercise 3: how wide is {y : L(y) ≤ 0.04} for a = 0.25, b = 1, x = 1.5? (2√0.04/a = 1.6.)"""
    a, b, x, tau = (VALLEY[k] for k in ("a", "b", "x", "tolerance"))
    root = tau**0.5
    value = as_number(answer, "the width")
    if isinstance(value, Feedback):
        return value
    if value < 0:
        return Feedback(False, "A width is a length, so it is positive: the interval runs from "
                               "y* − √τ/a to y* + √τ/a.")
    y_star = (x - b) / a
    hints = [
        (root / a, "That is the half-width √τ/a: the interval reaches that far on both sides "
                   "of y*, so its width is twice that."),
        (tau / a**2, "You forgot the square root: L = a²(y − y*)² ≤ τ means (y − y*)² ≤ τ/a², "
                     "so |y − y*| ≤ √τ/a."),
        (2 * tau / a**2, "You forgot the square root: L = a²(y − y*)² ≤ τ means "
                         "(y − y*)² ≤ τ/a², so |y − y*| ≤ √τ/a, and the width is 2√τ/a."),
        (2 * tau / a, "You divided τ by a, but τ bounds a²(y − y*)², a square: take the square "
                      "root first, |y − y*| ≤ √τ/a."),
        (2 * root * a, "You multiplied by a. From a²(y − y*)² ≤ τ, dividing by a² and taking the "
                       "root gives |y − y*| ≤ √τ/a: a flat line (small a) gives a wide interval."),
        (2 * root / a**2, "You divided by a². Taking the square root of a²(y − y*)² ≤ τ gives "
                          "|a|·|y − y*| ≤ √τ: the root of a² is a."),
        (2 * root, "That would be the width for a = 1. Here L = a²(y − y*)², so divide √τ by a."),
        (2 * (tau / 2) ** 0.5 / a, "You used the curvature 2a² as the factor in front of "
                                   "(y − y*)². The loss is L = a²(y − y*)²; its curvature, the "
                                   "second derivative, is twice that factor."),
        (y_star, f"{y_star:g} is y*, the middle of the interval; the question asks for its width."),
        (y_star + root / a, f"{y_star + root / a:g} is the right end of the interval; its width "
                            "is right end minus left end."),
    ]
    feedback = check_number(value, 2 * root / a, "the width", hints=hints)
    if feedback:
        return Feedback(True, f"the width is {2 * root / a:.6g}: every y from {y_star - root / a:g} "
                              f"to {y_star + root / a:g} has L(y) ≤ {tau:g}.")
    return feedback
