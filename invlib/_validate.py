"""Argument checks shared by the public functions.

Every check raises ``TypeError`` (wrong kind of thing) or ``ValueError`` (right kind,
wrong value) with a message that names the argument and says what was expected, so a
learner never meets a silent NaN three cells later.
"""

import numbers

import numpy as np


class DivergenceError(ArithmeticError):
    """The iteration left the finite numbers: the step size is too large for the model."""


def positive_number(value, name):
    """Return ``value`` as a float, checking that it is a finite number > 0."""
    number = real_number(value, name)
    if number <= 0:
        raise ValueError(f"{name} must be > 0, got {number!r}")
    return number


def real_number(value, name):
    """Return ``value`` as a float, checking that it is a finite real number."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    number = float(value)
    if not np.isfinite(number):
        raise ValueError(f"{name} must be finite, got {number!r}")
    return number


def momentum_value(value, name="momentum"):
    """Return a momentum coefficient, checking 0 <= value < 1."""
    number = real_number(value, name)
    if not 0.0 <= number < 1.0:
        raise ValueError(f"{name} must satisfy 0 <= {name} < 1, got {number!r}")
    return number


def count(value, name, minimum=0, maximum=1_000_000):
    """Return ``value`` as an int, checking minimum <= value <= maximum."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        if isinstance(value, numbers.Real) and float(value).is_integer():
            hint = f" (write {int(value)}, not {value!r})"
        else:
            hint = ""
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}{hint}")
    number = int(value)
    if not minimum <= number <= maximum:
        raise ValueError(f"{name} must be between {minimum} and {maximum}, got {number}")
    return number


def finite_array(value, name, allow_empty=False):
    """Return ``value`` as a float array, checking that it is numeric, finite and not empty."""
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be a number or an array of numbers, got {value!r}")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a number or an array of numbers, got {type(value).__name__}"
        ) from None
    if array.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty: give at least one value")
    bad = ~np.isfinite(array)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        where = f" at index {first}" if array.ndim else ""
        raise ValueError(f"{name} must be finite, found {float(array[bad].flat[0])}{where}")
    return array


def parameters(theta, n_params, name="theta"):
    """Return the parameter vector θ as a 1-d float array of length ``n_params``."""
    array = finite_array(theta, name)
    if array.ndim != 1 or array.size != n_params:
        raise ValueError(
            f"{name} must hold {n_params} numbers (one per model parameter), got shape {array.shape}"
        )
    return array


def same_length(x, y, x_name="x", y_name="y"):
    """Check that two data arrays hold the same number of samples."""
    if x.shape != y.shape:
        raise ValueError(
            f"{x_name} and {y_name} must have the same shape, got {x.shape} and {y.shape}"
        )


def common_shape(x, other, other_name):
    """The shape x and ``other`` broadcast to, or a ValueError naming both."""
    try:
        return np.broadcast_shapes(x.shape, other.shape)
    except ValueError:
        raise ValueError(
            f"x and {other_name} must have matching shapes (or {other_name} a single number), "
            f"got {x.shape} and {other.shape}"
        ) from None


def bounds_list(bounds, n_params, theta0):
    """Return bounds as two arrays (lower, upper), checking that θ₀ lies inside them."""
    lower = np.full(n_params, -np.inf)
    upper = np.full(n_params, np.inf)
    if bounds is None:
        return lower, upper
    if len(bounds) != n_params:
        raise ValueError(
            f"bounds must hold one (low, high) pair per parameter ({n_params}), got {len(bounds)}"
        )
    for k, pair in enumerate(bounds):
        if pair is None:
            continue
        if len(pair) != 2:
            raise ValueError(f"bounds[{k}] must be a (low, high) pair, got {pair!r}")
        low, high = pair
        if low is not None:
            lower[k] = real_number(low, f"bounds[{k}][0]")
        if high is not None:
            upper[k] = real_number(high, f"bounds[{k}][1]")
        if lower[k] > upper[k]:
            raise ValueError(f"bounds[{k}] has low {lower[k]} > high {upper[k]}")
    outside = (theta0 < lower) | (theta0 > upper)
    if outside.any():
        k = int(np.argmax(outside))
        raise ValueError(
            f"theta0[{k}] = {theta0[k]} lies outside its bounds [{lower[k]}, {upper[k]}]"
        )
    return lower, upper
