"""invlib.regression: both line fits against numpy.polyfit, the inverse regression against
training through the inversion at large N, the slope limits against the formulas and a
seeded simulation, and clear errors for bad input."""

import numpy as np
import pytest

import invlib
from invlib import regression


@pytest.fixture(scope="module")
def noisy():
    return invlib.data.line_data(30, noise=0.7, random_y=True, seed=9)


# --------------------------------------------------------------------------------------
# The fits, against numpy.polyfit
# --------------------------------------------------------------------------------------

def test_inverse_regression_is_polyfit_of_y_on_x(noisy):
    x, y = noisy
    c, d = regression.inverse_regression(x, y)
    assert isinstance(c, float) and isinstance(d, float)
    assert np.allclose((c, d), np.polyfit(x, y, 1), rtol=1e-12, atol=1e-12)


def test_classical_fit_is_polyfit_of_x_on_y(noisy):
    x, y = noisy
    assert np.allclose(regression.classical_fit(x, y), np.polyfit(y, x, 1), rtol=1e-12, atol=1e-12)


def test_floor_is_the_residual_of_polyfit(noisy):
    x, y = noisy
    c, d = np.polyfit(x, y, 1)
    floor = regression.regression_floor(x, y)
    assert isinstance(floor, float)
    assert floor == pytest.approx(np.sum((y - (c * x + d)) ** 2), rel=1e-12)
    # No other line of y on x does better.
    for dc, dd in ((1e-3, 0.0), (0.0, 1e-3), (-1e-3, 1e-3)):
        assert np.sum((y - ((c + dc) * x + d + dd)) ** 2) > floor


def test_exact_data_give_the_line_back():
    x, y = invlib.data.line_data(7, theta=(0.8, 1.5))
    assert regression.classical_fit(x, y) == pytest.approx((0.8, 1.5), abs=1e-12)
    c, d = regression.inverse_regression(x, y)
    assert (1 / c, -d / c) == pytest.approx((0.8, 1.5), abs=1e-12)
    assert regression.regression_floor(x, y) == pytest.approx(0.0, abs=1e-24)


def test_many_data_sets_at_once_fit_each_row():
    x, y = invlib.data.line_data(4 * 25, noise=0.5, random_y=True, seed=3)
    x, y = x.reshape(4, 25), y.reshape(4, 25)
    c, d = regression.inverse_regression(x, y)
    a_cl, b_cl = regression.classical_fit(x, y)
    floors = regression.regression_floor(x, y)
    assert c.shape == d.shape == a_cl.shape == b_cl.shape == floors.shape == (4,)
    for k in range(4):
        assert np.allclose((c[k], d[k]), np.polyfit(x[k], y[k], 1), rtol=1e-12, atol=1e-12)
        assert np.allclose((a_cl[k], b_cl[k]), np.polyfit(y[k], x[k], 1), rtol=1e-12, atol=1e-12)
        assert floors[k] == pytest.approx(regression.regression_floor(x[k], y[k]), rel=1e-12)


# --------------------------------------------------------------------------------------
# The inverse regression is what training through the inversion finds
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("n_steps", [40, 200])
def test_training_at_large_n_converges_to_the_inverse_regression(n_steps):
    x, y = invlib.data.line_data(300, noise=1.0, random_y=True, seed=4)
    fit = invlib.train(invlib.Line(), x, y, theta0=(1.0, 0.0), y0=0.0, alpha=0.05, beta=1.5e-4,
                       n_steps=n_steps, n_epochs=2000)
    c, d = regression.inverse_regression(x, y)
    assert fit.theta == pytest.approx((1 / c, -d / c), abs=1e-6)
    assert fit.losses[-1] == pytest.approx(regression.regression_floor(x, y), rel=1e-9)


def test_no_theta_beats_the_floor():
    """For the line, h_θ is affine in x for every θ and N, so T(θ) ≥ T_floor."""
    x, y = invlib.data.line_data(noise=0.3, seed=1)
    floor = regression.regression_floor(x, y)
    rng = np.random.default_rng(0)
    for _ in range(50):
        theta = (rng.uniform(0.5, 3.0), rng.uniform(-6.0, 2.0))
        n_steps = int(rng.integers(1, 40))
        T = invlib.training_loss(invlib.Line(), theta, x, y, 0.0, 0.05, n_steps)
        assert T >= floor * (1 - 1e-12)


# --------------------------------------------------------------------------------------
# The limits m → ∞
# --------------------------------------------------------------------------------------

def test_slope_limits_formulas():
    assert regression.slope_limits(2.0, 1.0, 4 / 3, "x") == pytest.approx((2.375, 2.0))
    assert regression.slope_limits(2.0, 2.0, 4 / 3, "y") == pytest.approx((2.0, 0.5))
    assert regression.slope_limits(2.0, 0.5, 4 / 3) == pytest.approx((2.09375, 2.0))
    assert regression.slope_limits(0.5, 0.3, 3.0, "x")[0] == pytest.approx(0.56)
    assert regression.slope_limits(2.0, 0.0, 1.0, "y") == (2.0, 2.0)


def test_slope_limits_take_an_array_of_noise_levels():
    sigmas = np.linspace(0.0, 2.0, 9)
    for where in ("x", "y"):
        trained, classical = regression.slope_limits(2.0, sigmas, 4 / 3, where)
        assert trained.shape == classical.shape == sigmas.shape
        for k, s in enumerate(sigmas):
            assert (trained[k], classical[k]) == pytest.approx(
                regression.slope_limits(2.0, float(s), 4 / 3, where))


@pytest.mark.parametrize("theta, y_range, sigma", [
    ((2.0, -4.0), (-2.0, 2.0), 0.5),
    ((2.0, -4.0), (-2.0, 2.0), 1.5),
    ((0.8, 1.0), (-1.0, 1.0), 0.2),   # V = 1/3: â → 0.8 + 0.04/(0.8/3) = 0.95
])
def test_bias_formula_against_a_seeded_simulation(theta, y_range, sigma):
    a = theta[0]
    var_y = (y_range[1] - y_range[0]) ** 2 / 12
    n_sets, m = 400, 500
    x, y = invlib.data.line_data(n_sets * m, theta=theta, noise=sigma, y_range=y_range,
                                 random_y=True, seed=11)
    c, _ = regression.inverse_regression(x.reshape(n_sets, m), y.reshape(n_sets, m))
    a_hat = 1.0 / c
    limit = a + sigma**2 / (a * var_y)
    assert limit == pytest.approx(regression.slope_limits(a, sigma, var_y, "x")[0])
    error = a_hat.std(ddof=1) / np.sqrt(n_sets)
    assert abs(a_hat.mean() - limit) < 3 * error
    assert a_hat.mean() - a > 10 * error  # the bias is real, and upwards


def test_attenuation_against_a_seeded_simulation():
    n_sets, m, sigma, var_y = 400, 500, 1.0, 4 / 3
    x, y = invlib.data.line_data(n_sets * m, noise=sigma, noise_in="y", random_y=True, seed=12)
    a_cl, _ = regression.classical_fit(x.reshape(n_sets, m), y.reshape(n_sets, m))
    limit = regression.slope_limits(2.0, sigma, var_y, "y")[1]
    assert limit == pytest.approx(2.0 * var_y / (var_y + sigma**2))
    assert abs(a_cl.mean() - limit) < 3 * a_cl.std(ddof=1) / np.sqrt(n_sets)


# --------------------------------------------------------------------------------------
# Bad input: a clear error naming the argument
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("function", [regression.inverse_regression, regression.classical_fit,
                                      regression.regression_floor])
@pytest.mark.parametrize("x, y, error, words", [
    ([1.0, 2.0, 3.0], [1.0, 2.0], ValueError, "x and y must have the same shape"),
    ([], [], ValueError, "x is empty"),
    ([1.0, np.nan], [0.0, 1.0], ValueError, "x must be finite"),
    ([1.0, 2.0], [0.0, np.inf], ValueError, "y must be finite"),
    ("12", [0.0, 1.0], TypeError, "x must be a number or an array"),
    (1.0, 2.0, ValueError, "arrays of samples"),
    ([1.0], [2.0], ValueError, "at least two samples"),
])
def test_bad_pairs(function, x, y, error, words):
    with pytest.raises(error, match=words):
        function(x, y)


def test_degenerate_data_name_the_flat_variable():
    with pytest.raises(ValueError, match="x must hold at least two distinct values"):
        regression.inverse_regression([1.0, 1.0], [0.0, 2.0])
    with pytest.raises(ValueError, match="x must hold at least two distinct values"):
        regression.regression_floor([1.0, 1.0, 1.0], [0.0, 2.0, 1.0])
    with pytest.raises(ValueError, match="y must hold at least two distinct values"):
        regression.classical_fit([0.0, 2.0], [1.0, 1.0])
    # Many data sets: one flat row is enough to refuse, and the message says so.
    x = np.array([[0.0, 1.0, 2.0], [3.0, 3.0, 3.0]])
    with pytest.raises(ValueError, match="in every row"):
        regression.inverse_regression(x, np.ones_like(x))


@pytest.mark.parametrize("args, error, words", [
    ((0.0, 1.0, 1.0), ValueError, "a must not be 0"),
    (("2", 1.0, 1.0), TypeError, "a must be a real number"),
    ((2.0, -0.5, 1.0), ValueError, "noise must be >= 0"),
    ((2.0, [0.5, np.nan], 1.0), ValueError, "noise must be finite"),
    ((2.0, 1.0, 0.0), ValueError, "var_y must be > 0"),
    ((2.0, 1.0, -1.0), ValueError, "var_y must be > 0"),
])
def test_bad_slope_limit_arguments(args, error, words):
    with pytest.raises(error, match=words):
        regression.slope_limits(*args)


def test_noise_in_must_be_x_or_y():
    with pytest.raises(ValueError, match="noise_in must be 'x' or 'y', got 'z'"):
        regression.slope_limits(2.0, 1.0, 1.0, "z")


def test_core_module_imports_no_upper_floor():
    """The computing core stays numpy-only: importing it pulls in no matplotlib."""
    import subprocess
    import sys

    code = ("import sys, invlib.regression; "
            "assert 'matplotlib' not in sys.modules and 'ipywidgets' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
