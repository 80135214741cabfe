"""Notebook 08: the dashboard at every corner and inside, and the self-checks.

The computations behind it (slope, roots, zero-loss θ) are tested in test_line.py."""

import numpy as np
import pytest

import invlib
from invlib import line, widgets
from invlib.dashboards import nb08 as panel
from invlib.selfcheck import nb08

from dashboard_checks import assert_shown

LINE = invlib.Line()
PROBLEM = invlib.data.original_problem()


# --------------------------------------------------------------------------------------
# The dashboard
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dashboard():
    return panel.truncation_dashboard()


def check_setting(dashboard, values):
    message = dashboard.update(**values)
    assert isinstance(message, str)
    assert_shown(dashboard, values)
    alpha, a0 = dashboard.values()["alpha"], dashboard.values()["a0"]
    if message.startswith("Training diverged"):
        # The message blames the start exactly when the start already has |q| > 1.
        assert message.startswith("Training diverged: α·a₀²") == (alpha * a0 * a0 >= 1)
        ax_T = dashboard.figure.axes[1]
        assert all(len(curve.get_xdata()) == 0 for curve in ax_T.get_lines())
    assert "nan" not in message.lower()
    return message


def test_default_settings_are_the_original(dashboard):
    dashboard.update(n_steps=20, alpha=0.05, a0=3.4, beta=0.005)
    assert dashboard.message == ""
    assert widgets.figure_is_finite(dashboard.figure)
    texts = [t.get_text() for t in dashboard.figure.axes[2].texts]
    assert "trained: s = 0.50000,  c = 1.99963" in texts


def test_every_corner(dashboard):
    corners = list(dashboard.corners())
    assert len(corners) == 2**4
    messages = [check_setting(dashboard, corner) for corner in corners]
    assert any(m.startswith("Training diverged") for m in messages)
    assert any("cannot fit the data" in m for m in messages)


def test_the_path_is_that_of_invlib_train(dashboard):
    dashboard.update(n_steps=20, alpha=0.05, a0=3.4, beta=0.005)
    p = PROBLEM
    fit = invlib.train(LINE, p.x, p.y, (3.4, 0.0), p.y0_training, 0.05, 0.005, 20,
                       panel.N_EPOCHS)
    path = next(curve for curve in dashboard.figure.axes[0].get_lines()
                if curve.get_label() == "training path")
    every = max(1, panel.N_EPOCHS // 200)
    np.testing.assert_array_equal(path.get_xdata(), fit.thetas[::every, 0])
    np.testing.assert_array_equal(dashboard.figure.axes[1].get_lines()[0].get_ydata(), fit.losses)


@pytest.mark.parametrize("values", [dict(n_steps=60, alpha=0.15, a0=4.5, beta=0.008),
                                    dict(n_steps=20, alpha=0.05, a0=4.5, beta=0.005),
                                    dict(n_steps=60, alpha=0.15, a0=2.0, beta=0.008)])
def test_diverging_settings_stop_at_once(dashboard, values, monkeypatch):
    """invlib.train stops at the first non-finite T: a diverging setting costs a few epochs,
    not the 1,000 of a full run (counted, not timed)."""
    epochs = []
    make = invlib.line.training_objective

    def counting(*args):
        loss_and_gradient = make(*args)

        def counted(theta):
            epochs.append(1)
            return loss_and_gradient(theta)

        return counted

    monkeypatch.setattr(invlib.line, "training_objective", counting)
    message = dashboard.update(**values)
    assert message.startswith("Training diverged")
    assert 0 < len(epochs) < panel.N_EPOCHS // 10, len(epochs)


def test_seeded_interior_points(dashboard):
    rng = np.random.default_rng(2024)
    for _ in range(10):
        values = {}
        for name, control in dashboard.controls.items():
            if name == "n_steps":
                values[name] = int(rng.integers(control.min, control.max + 1))
            else:
                values[name] = float(rng.uniform(control.min, control.max))
        check_setting(dashboard, values)


@pytest.mark.parametrize("values, expected", [
    (dict(n_steps=5, alpha=0.05, a0=3.4, beta=0.005), "cannot fit the data"),
    (dict(n_steps=20, alpha=0.05, a0=0.3, beta=0.005), ""),
    (dict(n_steps=20, alpha=0.05, a0=0.3, beta=0.002), "Zero loss with the wrong model"),
    (dict(n_steps=20, alpha=0.05, a0=4.5, beta=0.005), "Training diverged: α·a₀² = 1.01"),
])
def test_what_the_notebook_says_to_try(dashboard, values, expected):
    message = check_setting(dashboard, values)
    if expected:
        assert expected in message
    else:
        assert message == ""


def test_odd_steps_large_alpha_shows_three_roots(dashboard):
    check_setting(dashboard, dict(n_steps=21, alpha=0.1, a0=3.0, beta=0.005))
    roots_marker = next(curve for curve in dashboard.figure.axes[0].get_lines()
                        if curve.get_label() == "roots of $s = 1/2$")
    roots = np.asarray(roots_marker.get_xdata())
    assert np.count_nonzero(roots < 1 / np.sqrt(0.1)) == 3


# --------------------------------------------------------------------------------------
# Self-checks
# --------------------------------------------------------------------------------------


def test_true_loss_right_answers():
    q = 0.6
    by_hand = q**20 * np.sum((PROBLEM.y0_training - PROBLEM.y) ** 2)
    for answer in (nb08.expected_true_loss(), by_hand, 0.0010967, 0.6**20 * 30):
        assert nb08.check_true_loss(answer), answer


@pytest.mark.parametrize("answer, explanation", [
    (0.0, "inversion to be finished"),
    (0.6**10 * 30, "forgot to square"),
    (0.6**20 * 30 / 5, "mean of the squared residuals"),
    (0.6**40 * 30, "T with N = 20"),
    (30.0, "no steps at all"),
    (0.8**20 * 30, "the 2 comes from"),
    (0.6**20 * 10, "not at 0"),
    (0.002, "too large"),
    ("0.0011", "single number"),
])
def test_true_loss_wrong_answers(answer, explanation):
    feedback = nb08.check_true_loss(answer)
    assert not feedback and explanation in feedback.message


def test_spurious_b_right_answers():
    a_s = nb08.spurious_root()
    q_n = (1 - 2 * 0.05 * a_s**2) ** 20
    for answer in (2 * q_n * PROBLEM.y0_training - 4, -0.53510, nb08.expected_spurious_b()):
        assert nb08.check_spurious_b(answer), answer


@pytest.mark.parametrize("answer, explanation", [
    (-4.0, "the true b"),
    (-0.26755, "forgot to divide"),
    (-0.53482, "exact inverse"),
    (0.5351, "wrong sign"),
    (-7.465, "plus sign"),
    (-1.0, "too small"),
    (float("nan"), "finite number"),
])
def test_spurious_b_wrong_answers(answer, explanation):
    feedback = nb08.check_spurious_b(answer)
    assert not feedback and explanation in feedback.message


def test_smallest_steps():
    assert nb08.expected_smallest_steps() == 6
    assert nb08.check_smallest_steps(6) and nb08.check_smallest_steps(np.int64(6))
    assert "0.483" in nb08.check_smallest_steps(5).message
    assert "beyond 1/√α" in nb08.check_smallest_steps(5).message
    assert "beyond" not in nb08.check_smallest_steps(2).message
    assert "smaller N already does" in nb08.check_smallest_steps(7).message
    assert "whole number" in nb08.check_smallest_steps(5.5).message
    assert "whole number" in nb08.check_smallest_steps(0).message
    assert "single number" in nb08.check_smallest_steps("6").message


def test_numbers_in_the_exercise_solutions():
    p = PROBLEM
    # Exercise 1: 0.6^20 ≈ 3.66e-5, times Σ(y0 − y_i)² ≈ 30, is ≈ 1.10e-3.
    assert 0.6**20 == pytest.approx(3.66e-5, abs=0.005e-5)
    assert nb08.expected_true_loss() == pytest.approx(1.10e-3, abs=0.005e-3)
    # Exercise 2: q^20 ≈ 0.8663, q^20·y0 ≈ 1.7324, b ≈ −0.5351, −2 a_s ≈ −0.5348.
    a_s = nb08.spurious_root()
    q_n = (1 - 2 * p.alpha * a_s**2) ** p.n_steps
    assert q_n == pytest.approx(0.8663, abs=5e-5)
    assert q_n * p.y0_training == pytest.approx(1.7324, abs=5e-5)
    assert nb08.expected_spurious_b() == pytest.approx(-0.5351, abs=5e-5)
    assert -2 * a_s == pytest.approx(-0.5348, abs=5e-5)
    # Exercise 3: the peak of s is 0.483 at N = 5 and 0.522 at N = 6, with roots 1.16 and 1.82.
    assert nb08._largest_stable_slope(5) == pytest.approx(0.483, abs=5e-4)
    assert nb08._largest_stable_slope(6) == pytest.approx(0.522, abs=5e-4)
    np.testing.assert_allclose(nb08.stable_roots(6), [1.16, 1.82], atol=5e-3)
    for n in (1, 3, 5):
        beyond = line.slope_roots(0.5, 0.05, n, a_min=1 / np.sqrt(0.05), a_max=10.0)
        assert beyond.size == 1 and nb08.stable_roots(n).size == 0


# The answers the hidden solutions give, as (check, arguments); tests/test_solutions.py
# gives each to its check and keeps them out of the notebook's outputs.
SOLUTIONS = [
    (nb08.check_true_loss, (0.0010967,)),
    (nb08.check_spurious_b, (-0.535105,)),
    (nb08.check_smallest_steps, (6,)),
]
