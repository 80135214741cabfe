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
    return d.X_test, d.labels_test, d.W_trained


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
    assert ax_acc.get_legend() is not None
    assert all(drawn(line) for line in (curve, curve_means, marker))
    assert "414/450" in ax_acc.texts[0].get_text()
    assert widgets.figure_is_finite(digits_board.figure)


def covered_points(board):
    """Points of the accuracy curves and the current-N dot under the legend or the headline, and
    whether the dot lies whole inside the axes, in display pixels of the drawn figure."""
    figure = board.figure
    figure.canvas.draw()
    ax_acc = figure.axes[0]
    renderer = figure.canvas.get_renderer()
    boxes = [ax_acc.get_legend().get_window_extent(renderer),
             ax_acc.texts[0].get_window_extent(renderer)]
    covered = []
    for line in ax_acc.get_lines()[:3]:
        xy = ax_acc.transData.transform(np.column_stack(line.get_data()).astype(float))
        covered += [tuple(p) for p in xy for box in boxes if box.contains(*p)]
    marker = ax_acc.get_lines()[2]
    radius = marker.get_markersize() / 72 * figure.dpi / 2 + marker.get_markeredgewidth()
    (x, y), = ax_acc.transData.transform(np.column_stack(marker.get_data()).astype(float))
    inside = ax_acc.bbox.expanded(1.0, 1.0)
    whole = (inside.x0 <= x - radius and x + radius <= inside.x1
             and inside.y0 <= y - radius and y + radius <= inside.y1)
    return covered, whole


def test_legend_and_headline_never_cover_the_curves(fresh_digits):
    """At every corner and at seeded interior points, including N = 1 and N = 100 at the
    largest stable α, nothing covers the accuracy curves and the current-N dot is whole."""
    limit = templates.stability_limit(data.digits().W_trained)
    points = [dict(alpha=a, n_steps=n) for a in (0.0005, 0.005, round(limit - 5e-5, 4))
              for n in (1, 20, 100)]
    points += [p for p in fresh_digits.random_settings(12, seed=3) if p["alpha"] < limit]
    for values in points:
        assert fresh_digits.update(**values) == ""
        covered, whole = covered_points(fresh_digits)
        assert not covered, (values, covered[:3])
        assert whole, values


def test_dashboard_fits_600_pixels(digits_board):
    width, _ = digits_board.figure.get_size_inches() * digits_board.figure.dpi
    assert width <= 600


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
    X_test, labels_test, W = digits_data
    for alpha, n_steps in [(0.001, 1), (0.003, 7), (0.005, 20), (0.009, 100)]:
        fresh_digits.update(alpha=alpha, n_steps=n_steps)
        predicted = templates.predict(W, X_test, alpha, n_steps)
        counts = templates.confusion_matrix(predicted, labels_test, 10)
        np.fill_diagonal(counts, 0)
        ax_acc, ax_conf = fresh_digits.figure.axes[:2]
        marker = ax_acc.get_lines()[2]
        assert np.isclose(marker.get_ydata()[0], np.mean(predicted == labels_test))
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


def test_exercise_expected_values():
    assert abs(nb10.expected_stability_limit() - 0.00914) < 5e-6
    assert nb10.expected_one_step_accuracy() == 720 / 1347


def test_exercise_stability_limit():
    right = nb10.expected_stability_limit()
    assert nb10.check_stability_limit(right)
    assert nb10.check_stability_limit(right * 1.001)
    W = nb10.class_medians()
    digits = data.digits()
    assert np.array_equal(W[4], np.median(digits.X_train[digits.labels_train == 4], axis=0))
    lam = np.linalg.eigvalsh(W @ W.T)
    for answer, words in [(right / 2, "twice that"), (lam[-1], "its inverse"),
                          (1 / lam[0], "1/λ_min"), (1 / np.sum(W * W), "trace"),
                          (1 / np.max(np.sum(W * W, axis=1)), "longest single template"),
                          (right * 1.5, "too large"),
                          (templates.stability_limit(digits.W_means), "class means"),
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
def test_exercise_forward_tangents(answer, ok, words):
    feedback = nb10.check_forward_tangents(answer)
    assert bool(feedback) is ok and words in feedback.message


@pytest.mark.parametrize("answer, ok, words", [
    (720 / 1347, True, "exactly as at α = 0.005"),
    (0.535, True, "720/1347"),
    (720, False, "give the fraction"),
    (783 / 1347, False, "N = 20 steps"),
    (627 / 1347, False, "error rate"),
    (242 / 450, False, "test images"),
    (1203 / 1347, False, "class means (b)"),
    (0.1, False, "z⁽⁰⁾ = 0"),
    (0.95, False, "too large"),
    (4.0, False, "fraction between 0 and 1"),
])
def test_exercise_one_step_accuracy(answer, ok, words):
    feedback = nb10.check_one_step_accuracy(answer)
    assert bool(feedback) is ok and words in feedback.message, feedback


def spectral_prediction(W, x, alpha, n_steps):
    """The solution of exercise 4, as its <details> block gives it."""
    lam, Q = np.linalg.eigh(W @ W.T)
    phi = 1 - (1 - 2 * alpha * lam) ** n_steps
    return Q @ (phi / lam * (Q.T @ (W @ x)))


def test_check_spectral_prediction_accepts_the_solution_on_unseen_templates():
    assert nb10.check_spectral_prediction(spectral_prediction)
    for W, x, alpha, n_steps in nb10._spectral_cases():
        assert W.shape != (10, 64) and alpha < templates.stability_limit(W)
        # the solution agrees with the steps on the digits too
    digits = data.digits()
    assert np.allclose(spectral_prediction(digits.W_means, digits.X_test[0], 0.005, 20),
                       templates.invert(digits.W_means, digits.X_test[0], 0.005, 20), atol=1e-12)


@pytest.mark.parametrize("options, words", [
    ({"factor": 1.0}, "factor 2"),
    ({"gain": False}, "divide by λ_j"),
    ({"shift": 1}, "one step too many"),
    ({"shift": -1}, "one step too few"),
    ({"rotate": False}, "rotate with Qᵀ"),
])
def test_check_spectral_prediction_names_the_mistake(options, words):
    feedback = nb10.check_spectral_prediction(
        lambda W, x, alpha, n_steps: nb10._spectral(W, x, alpha, n_steps, **options))
    assert not feedback and words in feedback.message, feedback


@pytest.mark.parametrize("function, words", [
    (lambda W, x, alpha, n_steps: np.linalg.solve(W @ W.T, W @ x), "exact minimiser"),
    (lambda W, x, alpha, n_steps: -spectral_prediction(W, x, alpha, n_steps), "wrong sign"),
    (lambda W, x, alpha, n_steps: spectral_prediction(W, x, alpha, n_steps) @ W, "an image?"),
    (lambda W, x, alpha, n_steps: 1.1 * spectral_prediction(W, x, alpha, n_steps), "the N steps give"),
    (lambda W, x, alpha, n_steps: None, "replace None"),
    (lambda W, x, alpha, n_steps: W[5], "raised IndexError"),
    (spectral_prediction(np.eye(2), np.ones(2), 0.1, 3), "function itself"),
])
def test_check_spectral_prediction_other_mistakes(function, words):
    feedback = nb10.check_spectral_prediction(function)
    assert not feedback and words in feedback.message, feedback


# --------------------------------------------------------------------------------------
# Numbers notebook 10 states, checked here so that its cells show no answer
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def digits():
    return data.digits()


def test_section_1_the_split(digits):
    """Section 1 states these before the cell that prints them: 1,797 images of grey levels
    0 … 16, a quarter held out for testing."""
    images = np.vstack([digits.X_train, digits.X_test])
    assert len(images) == 1797 and np.array_equal(np.unique(images * 16), np.arange(17))
    assert round(len(digits.X_test) / len(images), 2) == 0.25


def test_section_4_eigenvalues_and_limits(digits):
    W_examples, _ = templates.class_examples(digits.X_train, digits.labels_train)
    lam_means = np.linalg.eigvalsh(digits.W_means @ digits.W_means.T)
    lam_examples = np.linalg.eigvalsh(W_examples @ W_examples.T)
    assert abs(lam_means[0] - 0.33) < 0.005 and abs(lam_means[-1] - 103.5) < 0.05
    assert abs(lam_examples[0] - 1.29) < 0.005 and abs(lam_examples[-1] - 104.9) < 0.05
    # "about half of the limit 1/λ_max ≈ 1/104": 0.0095 and 0.0097
    assert abs(templates.stability_limit(W_examples) - 0.00953) < 5e-6
    assert abs(templates.stability_limit(digits.W_means) - 0.00966) < 5e-6
    assert np.isclose(templates.stability_limit(digits.W_means), 1 / lam_means[-1])
    Q = np.linalg.eigh(digits.W_means @ digits.W_means.T)[1]
    top, bottom = Q[:, -1] * np.sign(Q[0, -1]), Q[:, 0]
    assert np.all((0.29 < top) & (top < 0.35))            # all ten templates, about equally
    assert bottom.min() < -0.5 and bottom.max() > 0.5     # weights of both signs


def test_section_9_accuracy_against_n(digits):
    W_examples, _ = templates.class_examples(digits.X_train, digits.labels_train)
    steps = [1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100, 200, 500, 1000]
    acc = {name: {N: templates.accuracy(W, digits.X_test, digits.labels_test, 0.005, N) for N in steps}
           for name, W in (("means", digits.W_means), ("examples", W_examples),
                           ("trained", digits.W_trained))}
    means, examples, trained = acc["means"], acc["examples"], acc["trained"]
    lam = np.linalg.eigvalsh(digits.W_means @ digits.W_means.T)
    assert max(means.values()) == means[1] and round(means[1], 3) == 0.902
    assert all(0.868 < means[N] < 0.872 for N in (500, 1000))
    assert min(means.values()) == min(means[500], means[1000])
    assert abs(templates.filter_factors(lam[-1], 0.005, 1) - 1.035) < 5e-4
    assert templates.filter_factors(lam[0], 0.005, 200) < 0.5 < templates.filter_factors(lam[0], 0.005, 1000)
    assert round(examples[5], 3) == 0.600 and max(examples.values()) == examples[5]
    assert round(examples[1000], 3) == 0.498
    assert round(trained[5], 3) == 0.929 and round(trained[1000], 3) == 0.916


def test_numbers_quoted_in_the_solutions(digits):
    lam = np.linalg.eigvalsh(digits.W_means @ digits.W_means.T)
    assert abs(lam[-1] - 103.5) < 0.05 and abs(1 / lam[-1] - 0.00966) < 5e-6
    W = nb10.class_medians()
    assert abs(np.linalg.eigvalsh(W @ W.T)[-1] - 109.4) < 0.05
    X, labels = digits.X_train, digits.labels_train
    W_examples, _ = templates.class_examples(X, labels)
    assert templates.accuracy(W_examples, X, labels, 0.001, 1) == \
        templates.accuracy(W_examples, X, labels, 0.005, 1) == 720 / 1347


def test_the_stability_limit_is_not_a_largest_converging_step(digits):
    """Exercise 1's solution: at α = 1/λ_max the top direction neither shrinks nor grows."""
    W = nb10.class_medians()
    alpha = templates.stability_limit(W)
    lam = np.linalg.eigvalsh(W @ W.T)
    assert abs(abs(1 - 2 * alpha * lam[-1]) - 1) < 1e-12


# The answers the hidden solutions give, as (check, arguments); tests/test_solutions.py
# gives each to its check and keeps them out of the notebook's outputs.
SOLUTIONS = [
    (nb10.check_stability_limit, (0.00913804,)),
    (nb10.check_forward_tangents, (10 * 28 * 28,)),
    (nb10.check_one_step_accuracy, (720 / 1347,)),
    (nb10.check_spectral_prediction, (spectral_prediction,)),
]
