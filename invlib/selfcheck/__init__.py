"""Self-checks for the exercises (upper floor): say what is wrong, not just "wrong".

Each notebook's checks live in a module of their own (invlib.selfcheck.nb01 for notebook 01, …)
and return a Feedback, which prints as one line and is truthy when the answer is right. The
notebooks ship with every answer set to None (the solutions stay hidden until the learner opens
them); `exercise` makes a check say so instead of failing.
"""

import functools
import numbers

import numpy as np


class Feedback:
    """The verdict on an answer: `ok` and a sentence saying why."""

    def __init__(self, ok, message):
        self.ok = bool(ok)
        self.message = message

    def __bool__(self):
        return self.ok

    def __repr__(self):
        return ("Correct: " if self.ok else "Not yet: ") + self.message


NO_ANSWER = "replace None with your answer, then run this cell again."


def exercise(check):
    """Decorate a check: while any answer is still None, it says so and checks nothing."""

    @functools.wraps(check)
    def checked(*answers, **options):
        if any(answer is None for answer in answers):
            return Feedback(False, NO_ANSWER)
        return check(*answers, **options)

    return checked


def as_number(answer, name):
    """The answer as a float, or a Feedback saying what kind of thing was expected."""
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, numbers.Real):
        return Feedback(False, f"{name} should be a single number, got {type(answer).__name__}.")
    if not np.isfinite(float(answer)):
        return Feedback(False, f"{name} should be a finite number, got {answer!r}.")
    return float(answer)


def check_number(answer, expected, name, rtol=1e-6, atol=1e-9, hints=()):
    """Compare a numeric answer with the expected value and explain the difference.
    hints: (wrong value, explanation) pairs for common mistakes; an answer near one is told why."""
    value = as_number(answer, name)
    if isinstance(value, Feedback):
        return value
    if np.isclose(value, expected, rtol=rtol, atol=atol):
        return Feedback(True, f"{name} = {value:.6g}.")
    for wrong, explanation in hints:
        if np.isclose(value, wrong, rtol=rtol, atol=atol):
            return Feedback(False, explanation)
    if expected != 0 and np.isclose(value, -expected, rtol=rtol, atol=atol):
        return Feedback(False, f"{name} has the wrong sign.")
    direction = "too large" if value > expected else "too small"
    return Feedback(False, f"{name} = {value:.6g} is {direction}.")


def __getattr__(name):
    """`selfcheck.nb02` imports the checks of notebook 02 on first use."""
    import importlib

    if name.startswith("nb"):
        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError:
            pass
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
