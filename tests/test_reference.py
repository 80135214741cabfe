"""The original's reference numbers (shared/seed/NOTES.md), its gradient defect, and the
stability of the inner steps for the line."""

import numpy as np
import pytest

import invlib

P = invlib.data.original_problem()
LINE = invlib.Line()


def test_original_draws_are_replayed():
    assert P.y0_inversion == pytest.approx(-2.50919762305275, abs=1e-12)
    assert P.a0 == pytest.approx(3.4014286128198323, abs=1e-12)
    np.testing.assert_array_equal(P.x, [-8.0, -6.0, -4.0, -2.0, 0.0])


def test_inversion_of_zero_ends_at_two():
    res = invlib.invert(LINE, P.theta_true, 0.0, P.y0_inversion, P.alpha, P.n_steps)
    assert f"{res.y:.2f}" == "2.00"
    assert res.y == pytest.approx(P.y0_training, abs=1e-15)
    assert res.path.shape == (21,) and res.losses.shape == (21,)
    assert np.all(np.diff(res.losses) < 0) and not res.diverged


def train_original(method="auto"):
    return invlib.train(LINE, P.x, P.y, (P.a0, 0.0), P.y0_training, P.alpha, P.beta,
                        P.n_steps, P.n_epochs, bounds=P.bounds, method=method)


@pytest.mark.parametrize("method", ["auto", "forward"])
def test_consistent_training_reproduces_reference(method):
    fit = train_original(method)
    assert fit.theta[0] == pytest.approx(1.9999268, abs=5e-8)
    assert fit.theta[1] == pytest.approx(-3.9998536, abs=5e-8)
    assert fit.losses[-1] < 1e-21
    assert fit.losses.shape == (2501,) and fit.thetas.shape == (2501, 2)
    np.testing.assert_array_equal(fit.thetas[0], [P.a0, 0.0])


def test_original_gradient_is_not_the_gradient_of_its_loss():
    """The original differentiated 10 unrolled steps but predicted with 20."""
    theta = np.array([2.6, -1.0])
    T = lambda t: invlib.training_loss(LINE, t, P.x, P.y, P.y0_training, P.alpha, 20)
    h = 1e-6
    fd = np.array([(T(theta + h * e) - T(theta - h * e)) / (2 * h) for e in np.eye(2)])
    _, consistent = invlib.training_gradient(LINE, theta, P.x, P.y, P.y0_training, P.alpha, 20)
    prediction = invlib.invert(LINE, theta, P.x, P.y0_training, P.alpha, 20).y
    _, dh10 = invlib.unroll(LINE, theta, P.x, P.y0_training, P.alpha, 10)
    original = -2.0 * (P.y - prediction) @ dh10
    np.testing.assert_allclose(consistent, fd, rtol=1e-6)
    assert np.max(np.abs(original - fd) / np.abs(fd)) > 1e-3


@pytest.mark.parametrize("a", [0.5, 2.0, 3.0])
def test_stability_of_the_line(a):
    limit = invlib.stability_limit(a)
    assert limit == pytest.approx(1 / a**2)
    x, b, y0 = 1.0, -4.0, -3.0
    y_star = (x - b) / a
    converging = invlib.invert(LINE, (a, b), x, y0, 0.9 * limit, 200)
    assert abs(converging.y - y_star) < 1e-6 and not converging.diverged
    one_step = invlib.invert(LINE, (a, b), x, y0, 0.5 * limit, 1)
    assert one_step.y == pytest.approx(y_star, abs=1e-12)
    oscillating = invlib.invert(LINE, (a, b), x, y0, limit, 6)
    np.testing.assert_allclose(np.abs(oscillating.path - y_star), abs(y0 - y_star))
    diverging = invlib.invert(LINE, (a, b), x, y0, 1.1 * limit, 30)
    assert diverging.diverged and abs(diverging.y - y_star) > abs(y0 - y_star)
    with pytest.raises(invlib.DivergenceError, match="1/a²"):
        invlib.invert(LINE, (a, b), x, y0, 3 * limit, 2000)
