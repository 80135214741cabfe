"""Argument checks and limits shared by the core.

A check raises TypeError (wrong kind of thing) or ValueError (right kind, wrong value) with
a message that names the argument and says what was expected: never a silent NaN.
"""

import numbers

import numpy as np

#: Iterates larger than this count as diverged (their squares would overflow).
BLOW_UP = 1e150
#: The most inner steps, and outer epochs, accepted.
MAX_STEPS, MAX_EPOCHS = 100_000, 1_000_000


class DivergenceError(ArithmeticError):
    """The iteration left the finite numbers: the step size is too large for the model."""


def is_finite(values):
    """True when every value is finite and smaller than BLOW_UP in size."""
    values = np.asarray(values)
    return bool(np.all(np.isfinite(values)) and np.all(np.abs(values) < BLOW_UP))


def positive_number(value, name):
    """value as a float, checked to be a finite number > 0."""
    number = real_number(value, name)
    if number <= 0:
        raise ValueError(f"{name} must be > 0, got {number!r}")
    return number


def real_number(value, name):
    """value as a float, checked to be a finite real number."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    number = float(value)
    if not np.isfinite(number):
        raise ValueError(f"{name} must be finite, got {number!r}")
    return number


def momentum_value(value, name="momentum"):
    """A momentum coefficient, checked: 0 ≤ μ < 1."""
    number = real_number(value, name)
    if not 0.0 <= number < 1.0:
        raise ValueError(f"{name} must satisfy 0 <= {name} < 1, got {number!r}")
    return number


def count(value, name, minimum=0, maximum=1_000_000):
    """value as an int, checked: minimum ≤ value ≤ maximum."""
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
    """value as a float array, checked to be numeric, finite and (unless allowed) not empty."""
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
    """θ as a 1-d float array of length n_params."""
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
    """The shape x and other broadcast to, or a ValueError naming both."""
    try:
        return np.broadcast_shapes(x.shape, other.shape)
    except ValueError:
        raise ValueError(
            f"x and {other_name} must have matching shapes (or {other_name} a single number), "
            f"got {x.shape} and {other.shape}"
        ) from None


def bounds_list(bounds, n_params, theta0):
    """bounds as two arrays (lower, upper), checked to hold θ₀."""
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
