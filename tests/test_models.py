"""invlib.models: the line written by hand and any scalar sympy model give f, ∂f/∂y and the
derivatives of L = (x − f_θ(y))² that the tangent recursion needs; checked against finite
differences and against each other."""

import numpy as np
import pytest
import sympy

import invlib
from invlib.models import check_model, check_theta

a_, b_, y_ = sympy.symbols("a b y")
LINE = invlib.Line()
SYMPY_LINE = invlib.SympyModel(a_ * y_ + b_, latent="y", params=("a", "b"))
TANH = invlib.SympyModel(a_ * sympy.tanh(y_) + b_, latent="y", params=("a", "b"))
H = 1e-6


def loss(model, x, y, theta):
    return (x - model.f(y, theta)) ** 2


@pytest.mark.parametrize("model", [LINE, SYMPY_LINE, TANH], ids=["line", "sympy line", "tanh"])
@pytest.mark.parametrize("theta, x, y", [((2.0, -4.0), 0.5, 1.3), ((0.7, 0.3), -1.0, -0.4)])
def test_loss_derivatives_match_finite_differences(model, theta, x, y):
    L_y, L_yy, L_ytheta = model.loss_derivatives(x, y, np.array(theta))
    assert L_y == pytest.approx((loss(model, x, y + H, theta) - loss(model, x, y - H, theta)) / (2 * H), rel=1e-6)
    dL = lambda yy, t: (loss(model, x, yy + H, t) - loss(model, x, yy - H, t)) / (2 * H)
    assert L_yy == pytest.approx((dL(y + 1e-4, theta) - dL(y - 1e-4, theta)) / 2e-4, rel=1e-4)
    for k, L_yk in enumerate(L_ytheta):
        up, down = np.array(theta, dtype=float), np.array(theta, dtype=float)
        up[k] += 1e-4
        down[k] -= 1e-4
        assert L_yk == pytest.approx((dL(y, up) - dL(y, down)) / 2e-4, rel=1e-4, abs=1e-8)


@pytest.mark.parametrize("model", [LINE, TANH], ids=["line", "tanh"])
def test_df_dy_matches_finite_differences(model):
    y, theta = np.array([-1.0, 0.2, 1.5]), (1.3, -0.7)
    expected = (model.f(y + H, theta) - model.f(y - H, theta)) / (2 * H)
    np.testing.assert_allclose(model.df_dy(y, theta), expected, rtol=1e-7)


def test_the_hand_written_line_equals_the_sympy_line():
    y, x, theta = np.linspace(-2, 2, 7), 0.3, np.array([1.7, -0.2])
    np.testing.assert_allclose(LINE.f(y, theta), SYMPY_LINE.f(y, theta), rtol=1e-15)
    for hand, derived in zip(LINE.loss_derivatives(x, y, theta)[:2],
                             SYMPY_LINE.loss_derivatives(x, y, theta)[:2]):
        np.testing.assert_allclose(hand, derived, rtol=1e-14)
    assert sympy.simplify(LINE.expr - SYMPY_LINE.expr) == 0


def test_models_keep_the_shape_of_y():
    for model in (LINE, TANH):
        assert model.f(np.zeros((2, 3)), (1.0, 0.0)).shape == (2, 3)
        assert model.df_dy(np.zeros((2, 3)), (1.0, 0.0)).shape == (2, 3)


def test_check_model_and_theta_name_what_is_wrong():
    assert check_model(LINE) is LINE
    with pytest.raises(TypeError, match="model must be an invlib model"):
        check_model(lambda y: y)
    with pytest.raises(ValueError, match="theta must hold 2 numbers"):
        check_theta(LINE, (1.0, 2.0, 3.0))
    assert repr(LINE) == "Line()  # f(y) = a*y + b"
    assert repr(TANH).startswith("SympyModel(a*tanh(y) + b")
