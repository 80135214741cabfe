"""Self-checks for notebook 00 (start here): how many causes y give x for f(y) = y², and how far
an error in x moves y* for a line of small slope. The installation check is in
invlib.selfcheck.installation.
"""

from . import Feedback, as_number, check_number, exercise


def _count(answer, name):
    """The answer as a whole number ≥ 0, or a Feedback saying what kind of thing was expected."""
    value = as_number(answer, name)
    if isinstance(value, Feedback):
        if isinstance(answer, (list, tuple, set)):
            return Feedback(
                False,
                f"{name} should be a count (a whole number), not the causes themselves; "
                f"you gave {len(answer)} of them, so perhaps {name} = {len(answer)}.",
            )
        return value
    if value < 0 or not value.is_integer():
        return Feedback(False, f"{name} counts causes, so it is a whole number 0, 1, 2, …; "
                               f"got {value:g}.")
    return int(value)


@exercise
def check_number_of_causes(causes_of_4, causes_of_0, causes_of_minus_1):
    """For f(y) = y²: how many real causes y give x = 4, x = 0 and x = −1?"""
    answers = {}
    for name, answer in (("causes_of_4", causes_of_4), ("causes_of_0", causes_of_0),
                         ("causes_of_minus_1", causes_of_minus_1)):
        count = _count(answer, name)
        if isinstance(count, Feedback):
            return count
        answers[name] = count

    n4, n0, n_minus_1 = answers.values()
    if n4 != 2:
        if n4 == 1:
            return Feedback(False, "causes_of_4: y = 2 gives x = 4, but so does y = -2, "
                                   "since (-2)² = 4.")
        if n4 == 4:
            return Feedback(False, "causes_of_4: 4 is the observation x itself; count the "
                                   "values of y with y² = 4.")
        return Feedback(False, f"causes_of_4 = {n4}: solve y² = 4; how many real solutions "
                               "does it have?")
    if n0 != 1:
        if n0 == 2:
            return Feedback(False, "causes_of_0: y² = 0 only for y = 0; +0 and -0 are the "
                                   "same number, so they are one cause.")
        return Feedback(False, f"causes_of_0 = {n0}: which y has y² = 0?")
    if n_minus_1 != 0:
        if n_minus_1 == 2:
            return Feedback(False, "causes_of_minus_1: the solutions of y² = -1 are ±√−1, which "
                                   "are not real numbers; no real y gives x = -1.")
        return Feedback(False, f"causes_of_minus_1 = {n_minus_1}: can the square of a real "
                               "number be negative?")
    return Feedback(True, "x = 4 has two causes (y = ±2), x = 0 has one (y = 0), and x = -1 "
                          "has none: an observation may have several causes, one, or none.")


# --------------------------------------------------------------------------------------
# Exercise 2: an error in x, seen in y*
# --------------------------------------------------------------------------------------


@exercise
def check_error_in_y(answer, a=0.05, b=1.0, error_in_x=0.1):
    """How far does an error of 0.1 in x move y* = (x − b)/a when a = 0.05?"""
    expected = error_in_x / a
    hints = [
        (-expected, "The question asks how far y* moves, a distance: give it as a positive "
                    "number."),
        (error_in_x * a, "You multiplied the error by a. Invert first: y* = (x - b)/a, so "
                         "y* changes by (error in x)/a."),
        (error_in_x, "That is the error in x itself; inverting divides it by the slope a."),
        (a / error_in_x, "You divided a by the error; it is the other way round: "
                         "(error in x)/a."),
        (1.0 / a, f"{1.0 / a:g} is the amplification factor 1/a; multiply it by the error "
                  f"in x, {error_in_x:g}."),
        (2.0 * expected, f"That is the width of the whole band x ± {error_in_x:g}; the "
                         f"question asks how far y* moves for one error of {error_in_x:g}."),
        ((error_in_x - b) / a, "You inverted the error as if it were an observation; b is "
                               "the same for the true and the wrong reading, so it cancels."),
        ((error_in_x + b) / a, "b is the same for the true and the wrong reading, so it "
                               "cancels in the difference: only (error in x)/a remains."),
    ]
    feedback = check_number(answer, expected, "the change in y*", hints=hints)
    if feedback:
        return Feedback(True, f"the change in y* is {expected:g}: an error of {error_in_x:g} "
                              f"in x becomes {expected:g} in y*, {1.0 / a:g} times larger.")
    return feedback
