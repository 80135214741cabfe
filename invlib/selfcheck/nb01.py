r"""Self-checks for notebook 01, the loss landscape of inverting the line f(y) = a·y + b.

Each exercise's numbers are constants here, so that the notebook and the check agree.
Every check returns a :class:`invlib.selfcheck.Feedback`; a wrong answer that matches a
common mistake is told which mistake.
"""

from . import Feedback, as_number, check_number

#: Exercise 1: the minimiser y* = (x − b)/a of L(y) = (x − a·y − b)².
MINIMISER = {"a": 0.5, "b": 1.0, "x": 3.0}
#: Exercise 2: the curvature d²L/dy² = 2a², asked at the point y.
CURVATURE = {"a": 3.0, "b": -1.0, "x": 2.0, "y": 5.0}
#: Exercise 3: how far y* moves when x is off by ``error`` and the slope is a.
SHIFT = {"a": 0.1, "error": 0.1}


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


def check_shift(answer):
    """Exercise 3: how far y* moves when x is off by 0.1 and a = 0.1 (|Δy*| = 0.1/0.1 = 1)."""
    a, error = SHIFT["a"], SHIFT["error"]
    value = as_number(answer, "the shift of y*")
    if isinstance(value, Feedback):
        return value
    if abs(value + error / a) <= 1e-9 + 1e-6 * error / a:
        return Feedback(False, "Give the distance, which is positive: y* moves by error/a, "
                               "to one side or the other depending on the sign of the error.")
    hints = [
        (error * a, "You multiplied by a. y* = (x − b)/a, so an error in x is divided by a, "
                    "and dividing by a small a makes it larger."),
        (error, "That would be the shift for a = 1. Here y* = (x − b)/a moves by error/a."),
        (error / a**2, "You divided by a². y* = (x − b)/a depends on x through 1/a, once."),
        (error / (2 * a * a), "You divided by the curvature 2a². The shift comes from "
                              "y* = (x − b)/a: it is error/a."),
    ]
    return check_number(value, error / a, "the shift of y*", hints=hints)
