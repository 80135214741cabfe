"""Training through the unrolled steps: gradients, bounds, momentum, general models."""

import numpy as np
import pytest
import sympy

import invlib

LINE = invlib.Line()
a_, b_, y_ = sympy.symbols("a b y")
TANH = invlib.SympyModel(a_ * sympy.tanh(y_) + b_, latent="y", params=("a", "b"))


@pytest.mark.parametrize("model, theta", [(LINE, (2.6, -1.0)), (TANH, (1.2, 0.3))])
def test_training_gradient_matches_finite_differences(model, theta):
    x, y = np.array([-0.9, -0.2, 0.4, 1.1]), np.array([-1.0, -0.3, 0.2, 0.9])
    T, grad = invlib.training_gradient(model, theta, x, y, 0.0, 0.1, 15)
    assert T == pytest.approx(invlib.training_loss(model, theta, x, y, 0.0, 0.1, 15), rel=1e-12)
    h = 1e-6
    for k in range(2):
        e = np.eye(2)[k] * h
        fd = (invlib.training_loss(model, np.add(theta, e), x, y, 0.0, 0.1, 15)
              - invlib.training_loss(model, np.subtract(theta, e), x, y, 0.0, 0.1, 15)) / (2 * h)
        assert grad[k] == pytest.approx(fd, rel=1e-6, abs=1e-9)


def test_training_reduces_the_loss_for_a_nonlinear_model():
    rng = np.random.default_rng(3)
    y = rng.uniform(-1.0, 1.0, 12)
    x = TANH.f(y, (1.5, 0.2))
    fit = invlib.train(TANH, x, y, theta0=(1.0, 0.0), y0=0.0, alpha=0.2, beta=0.01,
                       n_steps=30, n_epochs=400)
    assert fit.losses[-1] < 0.05 * fit.losses[0]
    assert np.all(np.isfinite(fit.thetas))


def test_bounds_are_respected_every_epoch():
    p = invlib.data.original_problem()
    fit = invlib.train(LINE, p.x, p.y, (0.6, 0.0), p.y0_training, p.alpha, 0.05, p.n_steps,
                       300, bounds=[(0.5, 2.5), (None, None)])
    assert np.all(fit.thetas[:, 0] >= 0.5) and np.all(fit.thetas[:, 0] <= 2.5)


def test_outer_momentum_reaches_the_same_answer_faster():
    p = invlib.data.original_problem()
    args = (LINE, p.x, p.y, (p.a0, 0.0), p.y0_training, p.alpha, p.beta, p.n_steps, 400)
    plain = invlib.train(*args, bounds=p.bounds)
    heavy = invlib.train(*args, bounds=p.bounds, momentum=0.8)
    assert heavy.losses[-1] < plain.losses[-1]


def test_zero_epochs_returns_the_start():
    p = invlib.data.original_problem()
    fit = invlib.train(LINE, p.x, p.y, (p.a0, 0.0), p.y0_training, p.alpha, p.beta, p.n_steps, 0)
    np.testing.assert_array_equal(fit.theta, [p.a0, 0.0])
    assert fit.losses.shape == (1,)


def test_line_data_is_seeded_and_noisy_where_asked():
    x1, y1 = invlib.data.line_data(8, noise=0.3, seed=5)
    x2, y2 = invlib.data.line_data(8, noise=0.3, seed=5)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, np.linspace(-2, 2, 8))
    assert np.std(x1 - (2 * y1 - 4)) > 0.05
    x3, y3 = invlib.data.line_data(8, noise=0.3, noise_in="y", seed=5)
    np.testing.assert_array_equal(x3, 2 * np.linspace(-2, 2, 8) - 4)
    with pytest.raises(ValueError, match="noise must be >= 0"):
        invlib.data.line_data(8, noise=-1.0)
