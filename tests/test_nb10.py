"""Notebook 10: the digits dashboard at the corners of its sliders and at seeded interior points
(nothing may raise, every drawn number must be finite, the frame must render, a diverging α
must be said), and the exercises' self-checks."""

import numpy as np
import pytest

pytest.importorskip("sklearn")

from invlib import data, templates, widgets  # noqa: E402
from invlib.dashboards import nb10 as panel  # noqa: E402
from invlib.selfcheck import nb10  # noqa: E402

from dashboard_checks import assert_shown  # noqa: E402


def drawn(line):
    return np.asarray(line.get_xdata(), dtype=float).size > 0


# --------------------------------------------------------------------------------------
# Notebook 10: the digits dashboard
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def digits_board():
    return panel.digits_dashboard()


@pytest.fixture(scope="module")
def digits_data():
    d = data.digits()
    return d.X_test, d.y_test, d.W_trained


@pytest.fixture
def fresh_digits(digits_board):
    defaults = digits_board.values()
    yield digits_board
    digits_board.update(**defaults)


def test_digits_defaults(digits_board):
    assert digits_board.values() == {"alpha": 0.005, "n_steps": 20}
    assert digits_board.message == ""
    ax_acc, ax_conf = digits_board.figure.axes[:2]
    curve, curve_means, marker = ax_acc.get_lines()[:3]
    assert np.allclose(marker.get_ydata(), 414 / 450)
    assert all(drawn(line) for line in (curve, curve_means, marker))
    assert "414/450" in ax_acc.texts[0].get_text()
    assert widgets.figure_is_finite(digits_board.figure)


def test_figure_is_finite_sees_the_mesh(fresh_digits):
    """The checks below rely on figure_is_finite looking at the confusion matrix's mesh."""
    mesh = fresh_digits.figure.axes[1].collections[0]
    mesh.set_array(np.full(100, np.nan))
    assert not widgets.figure_is_finite(fresh_digits.figure)
    fresh_digits.update(n_steps=21)
    assert widgets.figure_is_finite(fresh_digits.figure)


def test_digits_every_corner(fresh_digits):
    corners = list(fresh_digits.corners())
    assert len(corners) == 4
    limit = templates.SpectralPredictor(*_trained_and_test(fresh_digits)).limit
    for corner in corners:
        message = fresh_digits.update(**corner)
        assert_shown(fresh_digits, corner)
        if corner["alpha"] >= limit:
            assert message.startswith(f"α = {corner['alpha']:.4f} ≥ 1/λ_max(WWᵀ)"), corner
            assert "Lower α below" in message
            curve = fresh_digits.figure.axes[0].get_lines()[0]
            assert not drawn(curve)
        else:
            assert message == "", corner


def _trained_and_test(board):
    return data.digits().W_trained, data.digits().X_test


def test_digits_seeded_interior_points(fresh_digits):
    limit = templates.SpectralPredictor(*_trained_and_test(fresh_digits)).limit
    settings = list(fresh_digits.random_settings(20, seed=9))
    assert any(s["alpha"] < limit for s in settings) and any(s["alpha"] >= limit for s in settings)
    for values in settings:
        message = fresh_digits.update(**values)
        assert (message == "") == (values["alpha"] < limit), values
        assert_shown(fresh_digits, values)


def test_digits_divergence_is_reported_and_cleared(fresh_digits):
    message = fresh_digits.update(alpha=0.0095)  # just above the trained limit ≈ 0.00945
    assert "≥ 1/λ_max" in message and "Lower α" in message
    ax_acc, ax_conf = fresh_digits.figure.axes[:2]
    assert not any(drawn(line) for line in ax_acc.get_lines()[:3])
    assert np.all(np.asarray(ax_conf.collections[0].get_array()) == 0)
    assert fresh_digits.update(alpha=0.009) == ""
    assert all(drawn(line) for line in ax_acc.get_lines()[:3])


def test_digits_dashboard_shows_the_steps(fresh_digits, digits_data):
    """The spectral shortcut gives what the N steps give, for the marker and the matrix."""
    X_test, y_test, W = digits_data
    for alpha, n_steps in [(0.001, 1), (0.003, 7), (0.005, 20), (0.009, 100)]:
        fresh_digits.update(alpha=alpha, n_steps=n_steps)
        predicted = templates.predict(W, X_test, alpha, n_steps)
        counts = templates.confusion_matrix(predicted, y_test, 10)
        np.fill_diagonal(counts, 0)
        ax_acc, ax_conf = fresh_digits.figure.axes[:2]
        marker = ax_acc.get_lines()[2]
        assert np.isclose(marker.get_ydata()[0], np.mean(predicted == y_test))
        assert np.array_equal(np.asarray(ax_conf.collections[0].get_array()).ravel(),
                              counts.ravel())


def test_digits_dashboard_with_given_templates(digits_board, digits_data):
    """Passing the trained templates in (as notebook 10 does) draws the same as training here."""
    _, _, W = digits_data
    given = panel.digits_dashboard(W=W)
    for ax_given, ax_default in zip(given.figure.axes[:2], digits_board.figure.axes[:2]):
        for line_given, line_default in zip(ax_given.get_lines(), ax_default.get_lines()):
            assert np.array_equal(line_given.get_ydata(), line_default.get_ydata())
    assert np.array_equal(given.figure.axes[1].collections[0].get_array(),
                          digits_board.figure.axes[1].collections[0].get_array())
    with pytest.raises(ValueError, match="W must be a 2-d array"):
        panel.digits_dashboard(W=W[0])


def test_spectral_predictor_matches_invert(digits_data):
    X_test, _, W = digits_data
    predictor = templates.SpectralPredictor(W, X_test)
    steps = panel.curve_steps(100)
    all_steps = predictor.weights_for_steps(0.004, steps)
    for i, n in enumerate(steps[::7]):
        Z = templates.invert(W, X_test, 0.004, int(n))
        assert np.allclose(predictor.weights(0.004, int(n)), Z, rtol=0, atol=1e-12)
        assert np.allclose(all_steps[:, 7 * i], Z, rtol=0, atol=1e-12)


# --------------------------------------------------------------------------------------
# The self-checks of notebook 10
# --------------------------------------------------------------------------------------


def test_nb09_expected_values():
    assert abs(nb10.expected_stability_limit() - 0.00966) < 5e-6
    assert nb10.expected_one_step_accuracy() == 406 / 450


def test_nb09_stability_limit():
    right = nb10.expected_stability_limit()
    assert nb10.check_stability_limit(right)
    assert nb10.check_stability_limit(right * 1.001)
    W = nb10._class_means()
    lam = np.linalg.eigvalsh(W @ W.T)
    for answer, words in [(right / 2, "twice that"), (lam[-1], "its inverse"),
                          (1 / lam[0], "1/λ_min"), (1 / np.sum(W * W), "trace"),
                          (1 / np.max(np.sum(W * W, axis=1)), "longest single template"),
                          (right * 1.5, "too large"),
                          ("0.01", "single number"), (float("inf"), "finite")]:
        feedback = nb10.check_stability_limit(answer)
        assert not feedback and words in feedback.message, (answer, feedback)


@pytest.mark.parametrize("answer, ok, words", [
    (7840, True, "one per entry of W"),
    (7840.0, True, "one per entry of W"),
    (784, False, "one per pixel"),
    (10, False, "one per template"),
    (1, False, "reverse mode needs"),
    (640, False, "8×8 digits"),
    (156800, False, "not made anew"),
    (100, False, "size of WWᵀ"),
    (5000, False, "too few"),
    (7840.5, False, "whole number"),
    ("7840", False, "single number"),
])
def test_nb09_forward_tangents(answer, ok, words):
    feedback = nb10.check_forward_tangents(answer)
    assert bool(feedback) is ok and words in feedback.message


@pytest.mark.parametrize("answer, ok, words", [
    (406 / 450, True, "exactly as at α = 0.005"),
    (0.902, True, "406/450"),
    (406, False, "give the fraction"),
    (397 / 450, False, "N = 20 steps"),
    (44 / 450, False, "error rate"),
    (0.1, False, "z₀ = 0"),
    (0.95, False, "too large"),
    (4.0, False, "fraction between 0 and 1"),
])
def test_nb09_one_step_accuracy(answer, ok, words):
    feedback = nb10.check_one_step_accuracy(answer)
    assert bool(feedback) is ok and words in feedback.message, feedback


# The answers the hidden solutions give, as (check, arguments); tests/test_solutions.py
# gives each to its check and keeps them out of the notebook's outputs.
SOLUTIONS = [
    (nb10.check_stability_limit, (0.00966407,)),
    (nb10.check_forward_tangents, (10 * 28 * 28,)),
    (nb10.check_one_step_accuracy, (406 / 450,)),
]
