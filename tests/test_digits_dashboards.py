"""Notebooks 09 and 10: the digits and latent dashboards, and the exercises' self-checks.

Each dashboard is called at the corners of its sliders (for the ten latent sliders: all at
the minimum, all at the maximum, each one alone at its maximum) and at seeded interior
points (``Dashboard.random_settings``); nothing may raise, every drawn number must be
finite (``widgets.figure_is_finite`` covers the lines, the confusion matrix's mesh and the
bars), the frame the widget shows must render, and the message must say when the setting
is out of range.
"""

import functools

import numpy as np
import pytest

pytest.importorskip("sklearn")

from invlib import templates, widgets  # noqa: E402
from invlib.dashboards import digits, latent  # noqa: E402
from invlib.selfcheck import nb09, nb10  # noqa: E402

from dashboard_checks import assert_shown


JPEG = b"\xff\xd8\xff"


def drawn(line):
    return np.asarray(line.get_xdata(), dtype=float).size > 0


# --------------------------------------------------------------------------------------
# Notebook 09: the digits dashboard
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def digits_board():
    return digits.digits_dashboard()


@pytest.fixture(scope="module")
def digits_data():
    X_train, X_test, y_train, y_test = digits.digit_split()
    return X_test, y_test, digits.trained_templates(X_train, y_train).W


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


def test_figure_is_finite_sees_the_mesh_and_the_bars(fresh_digits, fresh_latent):
    """The checks below rely on figure_is_finite looking at the mesh and the bars."""
    mesh = fresh_digits.figure.axes[1].collections[0]
    mesh.set_array(np.full(100, np.nan))
    assert not widgets.figure_is_finite(fresh_digits.figure)
    fresh_digits.update(n_steps=21)
    assert widgets.figure_is_finite(fresh_digits.figure)
    bar = fresh_latent.figure.axes[0].patches[0]
    bar.set_height(np.nan)
    assert not widgets.figure_is_finite(fresh_latent.figure)
    fresh_latent.update(z0=0.5)
    assert widgets.figure_is_finite(fresh_latent.figure)


def test_digits_every_corner(fresh_digits):
    corners = list(fresh_digits.corners())
    assert len(corners) == 4
    limit = digits.SpectralPredictor(*_trained_and_test(fresh_digits)).limit
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
    X_train, X_test, y_train, _ = digits.digit_split()
    return digits.trained_templates(X_train, y_train).W, X_test


def test_digits_seeded_interior_points(fresh_digits):
    limit = digits.SpectralPredictor(*_trained_and_test(fresh_digits)).limit
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
    """Passing the trained templates in (as notebook 09 does) draws the same as training here."""
    _, _, W = digits_data
    given = digits.digits_dashboard(W=W)
    for ax_given, ax_default in zip(given.figure.axes[:2], digits_board.figure.axes[:2]):
        for line_given, line_default in zip(ax_given.get_lines(), ax_default.get_lines()):
            assert np.array_equal(line_given.get_ydata(), line_default.get_ydata())
    assert np.array_equal(given.figure.axes[1].collections[0].get_array(),
                          digits_board.figure.axes[1].collections[0].get_array())
    with pytest.raises(ValueError, match="W must be a 2-d array"):
        digits.digits_dashboard(W=W[0])


def test_spectral_predictor_matches_invert(digits_data):
    X_test, _, W = digits_data
    predictor = digits.SpectralPredictor(W, X_test)
    steps = digits.curve_steps(100)
    all_steps = predictor.weights_for_steps(0.004, steps)
    for i, n in enumerate(steps[::7]):
        Z = templates.invert(W, X_test, 0.004, int(n))
        assert np.allclose(predictor.weights(0.004, int(n)), Z, rtol=0, atol=1e-12)
        assert np.allclose(all_steps[:, 7 * i], Z, rtol=0, atol=1e-12)


# --------------------------------------------------------------------------------------
# Notebook 10: the latent dashboard
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def latent_board():
    return latent.latent_dashboard()


@pytest.fixture
def fresh_latent(latent_board):
    defaults = latent_board.values()
    yield latent_board
    latent_board.update(**defaults)


def latent_corners():
    """All at min, all at max, and each slider alone at max (all 2¹⁰ corners are too many)."""
    low, high = latent.WEIGHT_RANGE
    names = [f"z{k}" for k in range(10)]
    points = [dict.fromkeys(names, low), dict.fromkeys(names, high)]
    for name in names:
        point = dict.fromkeys(names, low)
        point[name] = high
        points.append(point)
    return points


@functools.lru_cache(maxsize=1)
def both_templates():
    """The class means and the trained templates that the latent dashboard reads codes with."""
    X_train, _, y_train, _ = digits.digit_split()
    return templates.class_means(X_train, y_train), digits.trained_templates(X_train, y_train).W


def generated_images(values):
    z = latent.code_from(values)
    return [templates.generate(W, z) for W in both_templates()]


def test_latent_defaults(latent_board):
    assert latent_board.values() == {f"z{k}": (1.0 if k == 3 else 0.0) for k in range(10)}
    assert latent_board.message == ""
    images = [ax.get_images()[0].get_array() for ax in latent_board.figure.axes[1:3]]
    expected = generated_images(latent_board.values())
    for image, pixels in zip(images, expected):
        assert np.allclose(image, pixels.reshape(8, 8))
    assert widgets.figure_is_finite(latent_board.figure)


def test_latent_dashboard_with_given_templates(latent_board):
    """Passing the trained templates in (as notebook 10 does) draws the same as training here."""
    given = latent.latent_dashboard(W_trained=both_templates()[1])
    for ax_given, ax_default in zip(given.figure.axes[1:3], latent_board.figure.axes[1:3]):
        assert np.array_equal(ax_given.get_images()[0].get_array(),
                              ax_default.get_images()[0].get_array())


def test_latent_corners_and_random_points(fresh_latent):
    corners = latent_corners()
    points = corners + list(fresh_latent.random_settings(20, seed=10))
    assert len(points) == 32
    for i, values in enumerate(points):
        message = fresh_latent.update(**values)
        assert isinstance(message, str)
        assert widgets.figure_is_finite(fresh_latent.figure), values
        bars = fresh_latent.figure.axes[0].patches
        assert np.allclose([bar.get_height() for bar in bars], latent.code_from(values))
        expected = generated_images(values)
        assert message == latent.range_message(expected)
        for ax, pixels in zip(fresh_latent.figure.axes[1:3], expected):
            shown = np.asarray(ax.get_images()[0].get_array())
            assert np.allclose(shown, np.clip(pixels.reshape(8, 8), -1.0, 2.0))
        if i < len(corners):
            assert fresh_latent.render_frame().startswith(JPEG), values


def test_latent_messages(fresh_latent):
    high = latent.WEIGHT_RANGE[1]
    message = fresh_latent.update(**{f"z{k}": high for k in range(10)})
    assert message.startswith("The generated pixels reach") and "clipped" in message
    assert fresh_latent.update(**{f"z{k}": 0.0 for k in range(10)}) == ""
    assert fresh_latent.update(z3=0.5, z8=0.5) == ""


# --------------------------------------------------------------------------------------
# The self-checks of notebook 09
# --------------------------------------------------------------------------------------


def test_nb09_expected_values():
    assert abs(nb09.expected_stability_limit() - 0.00966) < 5e-6
    assert nb09.expected_one_step_accuracy() == 406 / 450


def test_nb09_stability_limit():
    right = nb09.expected_stability_limit()
    assert nb09.check_stability_limit(right)
    assert nb09.check_stability_limit(right * 1.001)
    W = nb09._class_means()
    lam = np.linalg.eigvalsh(W @ W.T)
    for answer, words in [(right / 2, "twice that"), (lam[-1], "its inverse"),
                          (1 / lam[0], "1/λ_min"), (1 / np.sum(W * W), "trace"),
                          (1 / np.max(np.sum(W * W, axis=1)), "longest single template"),
                          (right * 1.5, "too large"),
                          ("0.01", "single number"), (float("inf"), "finite")]:
        feedback = nb09.check_stability_limit(answer)
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
    feedback = nb09.check_forward_tangents(answer)
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
    feedback = nb09.check_one_step_accuracy(answer)
    assert bool(feedback) is ok and words in feedback.message, feedback


# --------------------------------------------------------------------------------------
# The self-checks of notebook 10
# --------------------------------------------------------------------------------------


def test_nb10_expected_values():
    assert abs(nb10.expected_switch_point() - 0.5417) < 5e-4
    assert nb10.rebuilt_better(20) == 421 and nb10.rebuilt_better(None) == 22
    three, eight = nb10.walk_ends()
    _, _, _, y_test = digits.digit_split()
    assert y_test[three] == 3 and y_test[eight] == 8


@pytest.mark.parametrize("answer, ok, words", [
    (np.full(10, 0.1), True, "equal weights 1/K"),
    ([0.1] * 10, True, "only such code"),
    (np.ones(10), False, "ten times the average"),
    (np.full(10, 0.2), False, "divides the sum by K"),
    (np.eye(10)[3], False, "same weight"),
    (np.arange(10.0), False, "misses the average template"),
    (np.full(64, 0.1), False, "it is an image, not a code"),
    (np.full(9, 0.1), False, "shape (9,)"),
    ("tenth", False, "10 numbers"),
    ([np.nan] * 10, False, "finite"),
])
def test_nb10_average_code(answer, ok, words):
    feedback = nb10.check_average_code(answer)
    assert bool(feedback) is ok and words in feedback.message, feedback


def test_nb10_switch_point():
    right = nb10.expected_switch_point()
    assert nb10.check_switch_point(right)
    assert nb10.check_switch_point(round(right, 3))
    means_t = nb10.switch_point(nb10._setup()[2])
    for answer, words in [(0.5, "s = 1/2"), (1 - right, "8's end"), (means_t, "class-mean"),
                          (1.2, "off the walk"), (0.9, "too large"), ("half", "single number")]:
        feedback = nb10.check_switch_point(answer)
        assert not feedback and words in feedback.message, (answer, feedback)


@pytest.mark.parametrize("answer, ok, words", [
    (421, True, "421 of 450"),
    (29, False, "other way round"),
    (22, False, "converged"),
    (421 / 450, False, "the fraction"),
    (400, False, "too small"),
    (12.5, False, "whole number"),
])
def test_nb10_better_rebuilt(answer, ok, words):
    feedback = nb10.check_better_rebuilt(answer)
    assert bool(feedback) is ok and words in feedback.message, feedback
