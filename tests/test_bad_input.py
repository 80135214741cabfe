"""Bad input gets a clear error that names the argument — never a silent NaN."""

import warnings

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import invlib

LINE = invlib.Line()
GOOD = dict(model=LINE, theta=(2.0, -4.0), x=[0.0, 1.0], y0=0.5, alpha=0.05, n_steps=20)
X, Y = np.array([-8.0, -6.0, -4.0]), np.array([-2.0, -1.0, 0.0])
TRAIN = dict(model=LINE, x=X, y=Y, theta0=(2.5, 0.0), y0=0.0, alpha=0.05, beta=0.005,
             n_steps=20, n_epochs=10)


@pytest.mark.parametrize("function", [invlib.invert, invlib.unroll, invlib.unroll_path])
@pytest.mark.parametrize(
    "change, error, words",
    [
        (dict(alpha=0.0), ValueError, "alpha must be > 0"),
        (dict(alpha=-0.1), ValueError, "alpha must be > 0"),
        (dict(alpha=float("nan")), ValueError, "alpha must be finite"),
        (dict(alpha=float("inf")), ValueError, "alpha must be finite"),
        (dict(alpha="0.1"), TypeError, "alpha must be a real number"),
        (dict(n_steps=-1), ValueError, "n_steps must be between 0"),
        (dict(n_steps=2.5), TypeError, "n_steps must be an integer"),
        (dict(n_steps=20.0), TypeError, "write 20"),
        (dict(n_steps=10**9), ValueError, "n_steps must be between"),
        (dict(x=[]), ValueError, "x is empty"),
        (dict(x=[0.0, np.nan]), ValueError, "x must be finite"),
        (dict(x=[0.0, np.inf]), ValueError, "x must be finite"),
        (dict(x="zero"), TypeError, "x must be a number"),
        (dict(y0=[1.0, 2.0, 3.0]), ValueError, "x and y0 must have matching shapes"),
        (dict(theta=(2.0,)), ValueError, "theta must hold 2 numbers"),
        (dict(theta=(2.0, np.nan)), ValueError, "theta must be finite"),
        (dict(model="line"), TypeError, "model must be an invlib model"),
        (dict(momentum=1.0), ValueError, "momentum must satisfy"),
    ],
)
def test_inversion_arguments(function, change, error, words):
    kwargs = {**GOOD, **change}
    with pytest.raises(error, match=words):
        function(**kwargs)


@pytest.mark.parametrize(
    "change, error, words",
    [
        (dict(y=Y[:2]), ValueError, "x and y must have the same shape"),
        (dict(x=[], y=[]), ValueError, "x is empty"),
        (dict(y=[0.0, np.nan, 1.0]), ValueError, "y must be finite"),
        (dict(beta=0.0), ValueError, "beta must be > 0"),
        (dict(n_epochs=-3), ValueError, "n_epochs must be between 0"),
        (dict(theta0=(0.2, 0.0), bounds=[(0.5, None), (None, None)]), ValueError,
         r"theta0\[0\] = 0.2 lies outside its bounds"),
        (dict(bounds=[(0.5, None)]), ValueError, "bounds must hold one"),
        (dict(bounds=[(3.0, 1.0), (None, None)]), ValueError, "low 3.0 > high 1.0"),
        (dict(y0=[0.0, 1.0]), ValueError, "y0 must be a number or have the shape of x"),
        (dict(momentum=-0.5), ValueError, "momentum must satisfy"),
    ],
)
def test_training_arguments(change, error, words):
    with pytest.raises(error, match=words):
        invlib.train(**{**TRAIN, **change})


def test_sympy_model_symbols_must_match_its_parameters():
    a, b, c, y = sympy.symbols("a b c y")
    with pytest.raises(ValueError, match=r"uses symbols \['c'\]"):
        invlib.SympyModel(a * y + c, params=("a", "b"))
    with pytest.raises(ValueError, match=r"does not use \['b'\]"):
        invlib.SympyModel(a * y, params=("a", "b"))
    with pytest.raises(ValueError, match=r"does not use \['y'\]"):
        invlib.SympyModel(a + b, params=("a", "b"))
    with pytest.raises(TypeError, match="not a string"):
        invlib.SympyModel("a*y + b", params=("a", "b"))
    with pytest.raises(TypeError, match="params must name symbols"):
        invlib.SympyModel(a * y + b, params=("a", "b + 1"))
    with pytest.raises(ValueError, match="also listed in params"):
        invlib.SympyModel(a * y + b, params=("a", "b", "y"))


def test_divergence_is_an_error_not_a_nan():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(invlib.DivergenceError, match="alpha < 1/a²|0 < alpha < 1/a²"):
            invlib.unroll(LINE, (2.0, -4.0), [0.0], 0.0, 1.0, 500)
        with pytest.raises(invlib.DivergenceError, match="training diverged at epoch"):
            invlib.train(**{**TRAIN, "beta": 5.0, "n_epochs": 2000})


def test_a_growing_but_finite_run_is_flagged():
    res = invlib.invert(LINE, (2.0, -4.0), 0.0, 0.0, 0.3, 10)
    assert res.diverged and np.all(np.isfinite(res.path))


BAD_VALUES = st.one_of(
    st.just(float("nan")), st.just(float("inf")), st.just(-float("inf")),
    st.floats(max_value=0.0, allow_nan=False), st.text(max_size=3), st.none(),
    st.lists(st.floats(), min_size=2, max_size=4), st.just([]), st.complex_numbers(),
    st.integers(min_value=100_001, max_value=10**12), st.integers(max_value=-1),
    st.just(np.zeros((2, 2))), st.just(True), st.just(object()),
)
CALLS = {
    invlib.invert: (GOOD, ["theta", "x", "y0", "alpha", "n_steps", "momentum"]),
    invlib.unroll: (GOOD, ["theta", "x", "y0", "alpha", "n_steps", "momentum"]),
    invlib.train: (TRAIN, ["x", "y", "theta0", "y0", "alpha", "beta", "n_steps", "n_epochs",
                           "momentum", "inner_momentum"]),
}


@st.composite
def bad_calls(draw):
    function = draw(st.sampled_from(list(CALLS)))
    good, arguments = CALLS[function]
    argument = draw(st.sampled_from(arguments))
    return function, good, argument, draw(BAD_VALUES)


@settings(max_examples=300, deadline=None)
@given(call=bad_calls())
def test_generated_bad_inputs_get_a_clear_error(call):
    """Each generated bad value either is valid (and then gives finite numbers) or raises a
    TypeError/ValueError whose message names the argument — never a warning or a NaN."""
    function, good, argument, value = call
    kwargs = {**good, argument: value}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            result = function(**kwargs)
    except (TypeError, ValueError) as error:
        message = str(error)
        assert argument in message or (argument in ("x", "y", "y0") and "shape" in message), message
    except invlib.DivergenceError:
        pass  # a valid but unstable setting, reported with its reason
    else:
        values = [result.theta, result.losses] if function is invlib.train else (
            [result.y, result.path] if function is invlib.invert else list(result))
        assert all(np.all(np.isfinite(v)) for v in values)


def test_divergence_message_for_a_huge_slope_raises_no_warning():
    """Found by hypothesis: the stability hint for a ≈ 1e154 overflowed while being written."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(invlib.DivergenceError, match="1/a²"):
            invlib.train(**{**TRAIN, "theta0": (9.480751908109177e153, 0.0)})
