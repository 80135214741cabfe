"""Self-checks for the exercises (upper floor): say what is wrong, not just "wrong".

Each notebook's checks live in a module of their own (invlib.selfcheck.nb01 for notebook 01, …)
and return a Feedback, which prints as one line and is truthy when the answer is right. The
notebooks ship with every answer set to None (the solutions stay hidden until the learner opens
them); `exercise` makes a check say so instead of failing.
"""

import functools
import html
import math
import numbers

import numpy as np

#: How a verdict looks in a notebook: a mark and a colour bar that differ in shape, not only hue.
STYLE = {True: ("✔", "Correct", "#009E73"), False: ("✘", "Not yet", "#D55E00")}


class Feedback:
    """The verdict on an answer: ok, and a sentence saying why; shown as a marked box (HTML),
    with a one-line plain-text fallback ("Correct: …" / "Not yet: …")."""

    def __init__(self, ok, message):
        self.ok = bool(ok)
        self.message = message

    def __bool__(self):
        return self.ok

    def __repr__(self):
        return ("Correct: " if self.ok else "Not yet: ") + self.message

    def _repr_html_(self):
        mark, word, colour = STYLE[self.ok]
        return (f'<div role="status" style="border-left: 6px solid {colour}; padding: 4px 10px; '
                f'font-family: sans-serif; line-height: 1.4"><strong>{mark} {word}:</strong> '
                f'{html.escape(self.message)}</div>')


NO_ANSWER = "replace None with your answer, then run this cell again."


def exercise(check):
    """Decorate a check: while any answer is still None, it says so and checks nothing."""

    @functools.wraps(check)
    def checked(*answers, **options):
        if any(answer is None for answer in answers):
            return Feedback(False, NO_ANSWER)
        return check(*answers, **options)

    return checked


def learner_call(function, args, where=""):
    """The learner's function's result on args, or a Feedback saying what went wrong (not a
    function, an error it raised, None)."""
    if not callable(function):
        return Feedback(False, "give the function itself (its name, without brackets), not "
                               f"{type(function).__name__}.")
    try:
        result = function(*args)
    except Exception as error:  # the learner's code: report what it raised, do not crash
        return Feedback(False, f"your function raised {type(error).__name__}: {error}{where}")
    if result is None or (isinstance(result, (tuple, list)) and any(r is None for r in result)):
        return Feedback(False, NO_ANSWER)
    return result


def learner_result(function, args, what, where="", shape=None):
    """The learner's result on args as a float array, or a Feedback (see learner_call; also
    not numbers, not of the given shape, not finite)."""
    result = learner_call(function, args, where)
    if isinstance(result, Feedback):
        return result
    try:
        value = np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        return Feedback(False, f"your function should return {what}, got a {type(result).__name__}.")
    if shape is not None and value.shape != shape:
        return Feedback(False, f"your function should return {what}; got an array of shape "
                               f"{value.shape}.")
    if not np.all(np.isfinite(value)):
        return Feedback(False, f"your function's result is not finite: {value}.")
    return value


def learner_values(function, cases, name="your function"):
    """The learner's single number at every case, as an array, or a Feedback."""
    values = []
    for case in cases:
        value = learner_call(function, case, f" (at {name}{tuple(case)})")
        if isinstance(value, Feedback):
            return value
        number = as_number(np.asarray(value).item() if np.size(value) == 1 else value,
                           f"{name}(…)")
        if isinstance(number, Feedback):
            return number
        values.append(number)
    return np.array(values)


def as_number(answer, name):
    """The answer as a float, or a Feedback saying what kind of thing was expected."""
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, numbers.Real):
        return Feedback(False, f"{name} should be a single number, got {type(answer).__name__}.")
    if not np.isfinite(float(answer)):
        return Feedback(False, f"{name} should be a finite number, got {answer!r}.")
    return float(answer)


def rounds_to(value, expected, digits=3):
    """True when value agrees with expected to the given number of significant digits."""
    if expected == 0:
        return value == 0
    unit = 10.0 ** (math.floor(math.log10(abs(expected))) - digits + 1)
    return abs(value - expected) <= 0.5 * unit * (1 + 1e-9)


def as_count(answer, name, unit):
    """The answer as a whole number of units, or a Feedback: not a number, or not whole."""
    value = as_number(answer, name)
    if isinstance(value, Feedback):
        return value
    if not float(value).is_integer():
        return Feedback(False, f"{name} counts {unit}: a whole number, got {value!r}.")
    return int(value)


def check_number(answer, expected, name, rtol=1e-6, atol=1e-9, hints=()):
    """Compare a numeric answer with the expected value and explain the difference.

    Three significant digits are enough, as the notebooks round; hints is a list of
    (wrong value, explanation) pairs for common mistakes, told when the answer matches one.
    """
    value = as_number(answer, name)
    if isinstance(value, Feedback):
        return value
    if np.isclose(value, expected, rtol=rtol, atol=atol):
        return Feedback(True, f"{name} = {value:.6g}.")
    for wrong, explanation in hints:
        if np.isclose(value, wrong, rtol=rtol, atol=atol):
            return Feedback(False, explanation)
    if rounds_to(value, expected):
        return Feedback(True, f"{name} = {value:.6g} (to three significant digits; more "
                              f"exactly {expected:.6g}).")
    if expected != 0 and np.isclose(value, -expected, rtol=rtol, atol=atol):
        return Feedback(False, f"{name} has the wrong sign.")
    if expected != 0 and abs(value - expected) <= 0.02 * abs(expected):
        return Feedback(False, f"close — {name} = {value:.6g} is within 2 % of the answer: give "
                               "three significant digits.")
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
