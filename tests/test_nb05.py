"""Notebook 05: the noise dashboard at every corner and inside, and the self-checks with
right and typical wrong answers. The fits and their limits (invlib.regression) are tested
in test_regression.py."""

import numpy as np
import pytest

import invlib
from invlib import regression
from invlib.dashboards import nb05 as panel
from invlib.selfcheck import nb05

from dashboard_checks import assert_shown, check_every_corner


@pytest.fixture(scope="module")
def dashboard():
    return panel.noise_dashboard()


def fitted_slope(values):
    """s, the slope of y on x, for the data the dashboard draws at these settings."""
    x, y = invlib.data.line_data(values["n_samples"], theta=(panel.A_TRUE, panel.B_TRUE),
                                 noise=values["noise"], noise_in=values["noise_in"],
                                 y_range=panel.Y_RANGE, random_y=True, seed=panel.SEED)
    return regression.inverse_regression(x, y)[0]


def check_setting(dashboard, values):
    message = dashboard.update(**values)
    assert_shown(dashboard, values)
    if values["n_samples"] == 2 and values["noise"] > 0:
        assert "m = 2" in message, (values, message)
    elif fitted_slope(values) <= 0:
        assert "wrong sign" in message, (values, message)
    else:
        assert message == "", (values, message)
    for artist in dashboard.animated:
        if hasattr(artist, "get_xdata"):
            for data in (artist.get_xdata(), artist.get_ydata()):
                assert np.all(np.abs(np.asarray(data, dtype=float)) <= panel.FAR), values
    text = dashboard.animated[3].get_text()
    assert "trained" in text and "classical" in text and "nan" not in text.lower()


def test_defaults(dashboard):
    assert dashboard.update(noise=1.0, n_samples=50, noise_in="x") == ""
    assert set(dashboard.controls) == {"noise", "n_samples", "noise_in"}


def test_every_corner(dashboard):
    assert {corner["noise_in"] for corner in dashboard.corners()} == {"x", "y"}
    check_every_corner(dashboard, check_setting, 2**3)


def test_random_interior_points(dashboard):
    rng = np.random.default_rng(5)
    for _ in range(20):
        values = {
            "noise": float(rng.uniform(*panel.NOISE_RANGE)),
            "n_samples": int(rng.integers(panel.SAMPLES_RANGE[0] + 1, panel.SAMPLES_RANGE[1])),
            "noise_in": str(rng.choice(["x", "y"])),
        }
        check_setting(dashboard, values)


def test_degenerate_settings_explain_themselves(dashboard):
    # Two samples: both lines pass through both points and coincide.
    assert "m = 2" in dashboard.update(noise=1.0, n_samples=2, noise_in="x")
    # Eight samples with σ = 2 in y: for the dashboard's seed the slope of y on x is negative.
    values = {"noise": 2.0, "n_samples": 8, "noise_in": "y"}
    assert fitted_slope(values) < 0
    check_setting(dashboard, values)
    # No noise: both fits are the truth.
    dashboard.update(noise=0.0, n_samples=2, noise_in="x")
    assert dashboard.animated[3].get_text() == "trained 1/s: 2.000\nclassical â: 2.000"


def test_numbers_quoted_in_things_to_try(dashboard):
    """The slopes the notebook's dashboard section quotes, and the wrong-sign setting."""
    dashboard.update(noise=2.0, n_samples=1000, noise_in="x")
    assert dashboard.animated[3].get_text() == "trained 1/s: 3.433\nclassical â: 2.074"
    dashboard.update(noise=2.0, n_samples=1000, noise_in="y")
    assert dashboard.animated[3].get_text() == "trained 1/s: 1.863\nclassical â: 0.541"
    assert "wrong sign" in dashboard.update(noise=2.0, n_samples=8, noise_in="y")


def test_legends_and_text_stay_off_the_data(dashboard):
    """The legends and the slopes' text sit outside both axes, whatever the settings."""
    renderer = dashboard.figure.canvas.get_renderer()
    for values in list(dashboard.corners()) + [{"noise": 1.0, "n_samples": 50, "noise_in": "x"}]:
        dashboard.update(**values)
        dashboard.render_frame()
        boxes = [ax.get_legend().get_window_extent(renderer) for ax in dashboard.figure.axes]
        boxes.append(dashboard.animated[3].get_window_extent(renderer))
        for ax in dashboard.figure.axes:
            for box in boxes:
                assert not box.overlaps(ax.get_window_extent(renderer)), values
    width, _ = dashboard.figure.get_size_inches()
    assert width * dashboard.figure.dpi <= 600  # readable in a 600 px column
    dashboard.update(noise=1.0, n_samples=50, noise_in="x")


def test_no_trend_draws_a_vertical_line():
    assert panel._slope_text(0.0) == "∞"
    assert panel.message(50, 1.0, 0.0) != ""


def test_dashboard_uses_the_core_fits():
    """The dashboard draws invlib.regression's fits, and its limits are the core's."""
    assert panel.inverse_regression is regression.inverse_regression
    assert panel.classical_fit is regression.classical_fit
    assert panel.slope_limits is regression.slope_limits
    assert panel.VAR_Y == pytest.approx(4 / 3)


def test_frames_follow_the_sliders(dashboard):
    """Two different settings give two different frames; the same setting the same frame."""
    dashboard.update(noise=0.5, n_samples=200, noise_in="x")
    first = dashboard.render_frame()
    dashboard.update(noise=1.5, n_samples=200, noise_in="y")
    second = dashboard.render_frame()
    dashboard.update(noise=0.5, n_samples=200, noise_in="x")
    assert dashboard.render_frame() == first != second
    dashboard.update(noise=1.0, n_samples=50, noise_in="x")


# --------------------------------------------------------------------------------------
# Self-checks
# --------------------------------------------------------------------------------------

def test_section_3_limit():
    """Section 3 states 1/s → a + σ²/(aV) = 2.09375 for a = 2, V = 4/3, σ = 0.5 (printed in
    section 3 to five decimals, stated in the sentence above that print)."""
    assert regression.slope_limits(2.0, 0.5, 4 / 3, "x")[0] == pytest.approx(2.09375, abs=1e-12)


def test_biased_slope_check():
    assert nb05.expected_biased_slope() == pytest.approx(0.56)
    assert nb05.check_biased_slope(0.56)
    assert nb05.check_biased_slope(0.5600001)
    # the solution's numbers: s = aV/(a²V + σ²) = 1.5/0.84, and 1/s is 12 % too large
    assert 1.5 / 0.84 == pytest.approx(1.786, abs=5e-4)
    assert nb05.expected_biased_slope() / nb05.BIAS_A == pytest.approx(1.12)
    wrong = {0.5: "true slope", 1.5 / 0.84: "inverse", 0.44: "other way", 0.7: "squared",
             1.04: "denominator", 0.62: "a·V", 0.53: "lost the a", 0.68: "lost Var y",
             1.5 / 3.09: "classical", "0.56": "single number", 0.6: "too large",
             # wrong values typed to the precision the solution uses are named, too
             1.786: "inverse", 1.79: "inverse", 0.485: "classical", 0.440: "other way"}
    for answer, phrase in wrong.items():
        feedback = nb05.check_biased_slope(answer)
        assert not feedback and phrase in feedback.message, (answer, feedback.message)


def test_better_estimator_check():
    errors = nb05.prediction_errors()
    # the numbers quoted in the notebook's solution (medians over the training sets)
    assert errors["inside", "trained"] == pytest.approx(0.0066, abs=5e-5)
    assert errors["inside", "classical"] == pytest.approx(0.052, abs=5e-4)
    assert errors["outside", "trained"] == pytest.approx(0.022, abs=5e-4)
    assert errors["outside", "classical"] == pytest.approx(0.429, abs=5e-4)
    # the solution's limit of the attenuated classical slope, aV/(V + σ²) with V = 4/3
    assert 2 * (4 / 3) / (4 / 3 + 0.25) == pytest.approx(1.68, abs=5e-3)
    assert nb05.check_better_estimator("trained", "trained")
    assert nb05.check_better_estimator("Inverse regression", "y on x")
    both_wrong = nb05.check_better_estimator("classical", "classical")
    assert not both_wrong and "Inside" in both_wrong.message and "Outside" in both_wrong.message
    outside_wrong = nb05.check_better_estimator("trained", "classical")  # section 5's answer
    assert not outside_wrong and "Outside" in outside_wrong.message
    assert "Inside" not in outside_wrong.message and "noise in x" in outside_wrong.message
    unreadable = nb05.check_better_estimator(1, "classical")
    assert not unreadable and "'trained' or 'classical'" in unreadable.message


def test_amplification_check():
    assert nb05.check_amplification(0.6)
    assert 1 / nb05.AMPLIFY_A == pytest.approx(20)  # "20 times larger" in the solution
    wrong = {0.03: "divides by a", 0.0015: "do not multiply", 0.36: "variance", 12.0: "once",
             1.667: "Upside down", 5 / 3: "Upside down", 20.0: "amplification factor",
             -0.6: "sign", 0.7: "too large", 0.360: "variance"}
    for answer, phrase in wrong.items():
        feedback = nb05.check_amplification(answer)
        assert not feedback and phrase in feedback.message, (answer, feedback.message)
    x_obs, _ = invlib.data.line_data(10_000, theta=(0.05, -4.0), noise=0.03, y_range=(1, 1),
                                     seed=0)
    assert np.std((x_obs + 4.0) / 0.05) == pytest.approx(0.6, rel=0.02)


def test_expected_error_is_the_average_over_test_data():
    """The exact error of a predictor h = s·x + d against a large seeded test sample."""
    x, y = invlib.data.line_data(400_000, noise=0.5, y_range=(3.0, 4.0), random_y=True, seed=9)
    for slope, offset in ((0.45, 1.9), (0.52, 2.1)):
        sampled = np.mean((slope * x + offset - y) ** 2)
        assert nb05.expected_error(slope, offset, (3.0, 4.0)) == pytest.approx(sampled, rel=5e-3)


def line_of_y_on_x(x, y):
    """Exercise 3's solution, as the notebook's hidden solution states it."""
    xc, yc = x - x.mean(), y - y.mean()
    slope = np.sum(xc * yc) / np.sum(xc * xc)
    return slope, y.mean() - slope * x.mean()


def _wrong(function):
    return lambda x, y: function(np.asarray(x), np.asarray(y))


@pytest.mark.parametrize("function, words", [
    (line_of_y_on_x, "agrees"),
    (lambda x, y: tuple(np.polyfit(x, y, 1)), "agrees"),
    (lambda x, y: regression.classical_fit(x, y), "classical fit"),
    (lambda x, y: (1 / regression.classical_fit(x, y)[0],
                   -regression.classical_fit(x, y)[1] / regression.classical_fit(x, y)[0]),
     "classical line, inverted"),
    (lambda x, y: (1 / line_of_y_on_x(x, y)[0], -line_of_y_on_x(x, y)[1] / line_of_y_on_x(x, y)[0]),
     "slope 1/s"),
    (lambda x, y: (np.sum((x - x.mean()) * (y - y.mean())) / np.sum((y - y.mean()) ** 2),
                   line_of_y_on_x(x, y)[1]), "spread of what you regress on"),
    (lambda x, y: (np.sum(x * y) / np.sum(x * x),
                   y.mean() - np.sum(x * y) / np.sum(x * x) * x.mean()), "centre the data first"),
    (lambda x, y: (np.sum(x * y) / np.sum(x * x), 0.0), "fit an offset"),
    (lambda x, y: (line_of_y_on_x(x, y)[0], y.mean() + line_of_y_on_x(x, y)[0] * x.mean()),
     "wrong sign"),
    (lambda x, y: (line_of_y_on_x(x, y)[0], x.mean() - line_of_y_on_x(x, y)[0] * y.mean()),
     "swapped in the offset"),
    (lambda x, y: line_of_y_on_x(x, y)[::-1], "slope and the offset are swapped"),
    (lambda x, y: (line_of_y_on_x(x, y)[0], 0.3), "Try it on the notebook's data"),
    (lambda x, y: (None, None), "replace None"),
    (lambda x, y: None, "replace None"),
    (lambda x, y: (1.0, 2.0, 3.0), "shape (3,)"),
    (lambda x, y: "line", "got a str"),
    (lambda x, y: (np.inf, 0.0), "not finite"),
    (lambda x, y: x[1000], "raised IndexError"),
    ("s, d", "the function itself"),
])
def test_line_of_y_on_x_check(function, words):
    feedback = nb05.check_line_of_y_on_x(function)
    assert bool(feedback) == (words == "agrees") and words in feedback.message, feedback.message


# The answers the hidden solutions give, as (check, arguments); tests/test_solutions.py
# gives each to its check and keeps them out of the notebook's outputs.
SOLUTIONS = [
    (nb05.check_biased_slope, (0.56,)),
    (nb05.check_better_estimator, ("trained", "trained")),
    (nb05.check_line_of_y_on_x, (line_of_y_on_x,)),
    (nb05.check_amplification, (0.6,)),
]


def test_line_solution_on_the_notebooks_data():
    """Exercise 3's solution: on section 1's data with noise in x, 1/s = 2.0818."""
    x, y = invlib.data.line_data(1000, noise=0.5, noise_in="x", random_y=True, seed=3)
    slope, offset = line_of_y_on_x(x, y)
    assert abs(1 / slope - 2.0818) < 5e-5
    assert np.allclose((slope, offset), regression.inverse_regression(x, y), rtol=1e-12)
