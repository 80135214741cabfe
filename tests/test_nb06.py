"""Notebook 06: the regularisation dashboard at every corner and inside, its messages, the
self-checks (right answers and each named mistake), and the numbers the notebook's prose
states without printing them."""

import json
import pathlib

import numpy as np
import pytest

from invlib import linear, widgets
from invlib.dashboards import nb06 as panel
from invlib.selfcheck import nb06

from dashboard_checks import assert_shown, check_every_corner, check_random_settings

NOTEBOOK = pathlib.Path(__file__).resolve().parents[1] / "notebooks" / "06-regularisation.ipynb"


@pytest.fixture(scope="module")
def dashboard():
    return panel.regularisation_dashboard()


@pytest.fixture(scope="module")
def problem():
    K, y, x, delta = linear.blur_problem()
    singular_values = np.linalg.svd(K, compute_uv=False)  # √λⱼ
    return K, y, x, delta, singular_values, 0.5 / singular_values[0] ** 2  # α = 0.5/λ₁


# --- the dashboard --------------------------------------------------------------------------

def landweber_artists(dashboard):
    landweber_line, curve, marker = dashboard.animated[1], dashboard.animated[3], dashboard.animated[6]
    return landweber_line, curve, marker


def check_setting(dashboard, values):
    message = dashboard.update(**values)
    assert_shown(dashboard, values)
    assert bool(message) == (values["alpha_fraction"] >= 1.0 - 1e-9), (values, message)
    for artist in landweber_artists(dashboard):
        assert artist.get_visible() == (not message), values
    for line in dashboard.animated[:4]:  # drawn values stay within the clipping bounds
        assert np.all(np.abs(np.asarray(line.get_ydata(), dtype=float)) <= panel.ERROR_CLIP[1])


def test_every_corner(dashboard):
    check_every_corner(dashboard, check_setting, 2**4)


def test_random_interior_points(dashboard):
    check_random_settings(dashboard, check_setting, 25, seed=6)


def test_defaults_show_the_lessons_numbers(dashboard):
    message = dashboard.update(noise=0.01, n_steps=12, log_gamma=-1.7, alpha_fraction=0.5)
    assert message == ""
    info = dashboard.animated[-1].get_text()
    assert "N = 12: ‖g_N − y‖ = 0.146" in info and "‖y_γ − y‖ = 0.195" in info
    stop_line = dashboard.animated[5]
    assert stop_line.get_visible() and stop_line.get_xdata()[0] == 4  # the notebook's N = 4
    _, curve, marker = landweber_artists(dashboard)
    steps, errors = curve.get_data()
    assert steps[np.argmin(errors)] == 12 and marker.get_xdata()[0] == 12


def test_the_dashboard_reconstructions_are_the_librarys(dashboard, problem):
    K, y, x, _, _, alpha = problem
    dashboard.update(noise=0.01, n_steps=30, log_gamma=-2.0, alpha_fraction=0.5)
    landweber_line, tikhonov_line = dashboard.animated[1], dashboard.animated[2]
    assert np.allclose(landweber_line.get_ydata(), linear.landweber(K, x, alpha, 30)[-1], atol=1e-9)
    assert np.allclose(tikhonov_line.get_ydata(), linear.tikhonov(K, x, 0.01), atol=1e-9)


def test_without_noise_there_is_no_discrepancy_stop_and_no_semi_convergence(dashboard):
    dashboard.update(noise=0.0, n_steps=100, alpha_fraction=0.5)
    assert not dashboard.animated[5].get_visible()
    errors = dashboard.animated[3].get_ydata()
    assert np.all(np.diff(errors) <= 1e-12)
    assert widgets.figure_is_finite(dashboard.figure)


@pytest.mark.parametrize("fraction, says", [(0.95, ""), (1.0, "flips sign"), (1.05, "diverge"),
                                            (1.2, "grows by 1.40")])
def test_messages(dashboard, fraction, says):
    message = dashboard.update(alpha_fraction=fraction, n_steps=500, noise=0.05)
    assert widgets.figure_is_finite(dashboard.figure)
    if says:
        assert says in message and "1/λ₁" in message
    else:
        assert message == ""


def test_message_text():
    assert panel.message(0.5) == ""
    assert panel.message(1.1) == (
        "α = 1.10/λ₁ is beyond the stability limit 1/λ₁: 1 − 2αλ₁ = -1.20, so the component "
        "along v₁ grows by 1.20 at every step and the iterates diverge. Landweber is hidden; "
        "take α < 1/λ₁.")


def test_first_stop_is_the_first_n_that_meets_the_target():
    residuals = np.array([5.0, 4.0, 3.0, 2.5, 2.0, 1.0, 0.5])
    for target in (6.0, 4.5, 2.5, 2.2, 0.7, 0.5):
        expected = int(np.argmax(residuals <= target))
        assert panel.first_stop(lambda n: residuals[n], target, len(residuals) - 1) == expected
    assert panel.first_stop(lambda n: residuals[n], 0.1, len(residuals) - 1) is None


def test_first_stop_matches_the_librarys_discrepancy_stop(problem):
    K, _, x, delta, singular_values, alpha = problem
    c = np.linalg.svd(K)[0].T @ x
    residual = lambda n: np.linalg.norm((1 - linear.landweber_filter(singular_values, alpha, n)) * c)
    for tau in (1.0, 1.1, 1.5, 2.0):
        assert (panel.first_stop(residual, tau * delta, 500)
                == linear.discrepancy_stop(K, x, delta, alpha, tau=tau))


# --- self-checks ----------------------------------------------------------------------------

def test_tikhonov_factor():
    assert nb06.check_tikhonov_factor(0.8) and nb06.check_tikhonov_factor(0.8004)
    for answer, says in [(0.2, "removes"), (4.0, "times √λ"), (0.2 / 0.21, "singular value"),
                         (0.04 / 0.0401, "γ²"), (-0.8, "sign"), (0.9, "too large"),
                         ("0.8", "single number")]:
        feedback = nb06.check_tikhonov_factor(answer)
        assert not feedback and says in repr(feedback), (answer, feedback)


def test_matching_steps():
    assert nb06.check_matching_steps(200) and nb06.check_matching_steps(200.0)
    for answer, says in [(400, "factor 2"), (100, "step width α"), (50, "upside down"),
                         (20000, "not squared"), (150, "too small")]:
        feedback = nb06.check_matching_steps(answer)
        assert not feedback and says in repr(feedback), (answer, feedback)


def right_tikhonov(K, x, gamma):
    return np.linalg.solve(K.T @ K + gamma * np.eye(K.shape[1]), K.T @ x)


def test_tikhonov_solution_right():
    feedback = nb06.check_tikhonov_solution(right_tikhonov)
    assert feedback and "Correct" in repr(feedback)
    via_svd = lambda K, x, gamma: linear.tikhonov(K, x, gamma)
    assert nb06.check_tikhonov_solution(via_svd)


def stub(K, x, gamma):
    y = None
    return y


@pytest.mark.parametrize("function, says", [
    (stub, "replace None"),
    (lambda K, x, g: np.linalg.solve(K.T @ K, K.T @ x), "forgot γ"),
    (lambda K, x, g: np.linalg.solve(K.T @ K - g * np.eye(K.shape[1]), K.T @ x), "wrong sign"),
    (lambda K, x, g: np.linalg.solve(K.T @ K + g, K.T @ x), "every entry"),
    (lambda K, x, g: np.linalg.solve(K.T @ K + g**2 * np.eye(K.shape[1]), K.T @ x), "γ²"),
    (lambda K, x, g: np.linalg.solve(K.T @ K + 2 * g * np.eye(K.shape[1]), K.T @ x), "factor 2"),
    (lambda K, x, g: np.linalg.solve(K.T @ K + g * np.eye(K.shape[1]), K @ x), "Kᵀ belongs"),
    (lambda K, x, g: np.linalg.solve(K @ K.T + g * np.eye(K.shape[0]), K.T @ x), "Kᵀ belongs"),
    (lambda K, x, g: right_tikhonov(K, x, g)[:, None], "1-d array"),
    (lambda K, x, g: -right_tikhonov(K, x, g), "wrong sign"),
    (lambda K, x, g: right_tikhonov(K, x, g) + 0.01, "differs"),
    (lambda K, x, g: np.zeros(3), "length 4"),
    (right_tikhonov(np.eye(2), np.ones(2), 1.0), "function itself"),
])
def test_tikhonov_solution_names_the_mistake(function, says):
    feedback = nb06.check_tikhonov_solution(function)
    assert not feedback and says in repr(feedback), repr(feedback)


def test_tikhonov_solution_names_kt_mistakes_on_square_matrices():
    """Where the shapes let K and Kᵀ mix up, the check still says which."""
    for slip, says in [("rhs", "K instead of Kᵀ"), ("gram", "KKᵀ instead of KᵀK")]:
        def learner(K, x, gamma, slip=slip):
            if K.shape[0] != K.shape[1]:
                return right_tikhonov(K, x, gamma)
            if slip == "rhs":
                return np.linalg.solve(K.T @ K + gamma * np.eye(len(x)), K @ x)
            return np.linalg.solve(K @ K.T + gamma * np.eye(len(x)), K.T @ x)
        feedback = nb06.check_tikhonov_solution(learner)
        assert not feedback and says in repr(feedback), repr(feedback)


def test_discrepancy_steps():
    assert nb06.check_discrepancy_steps(3) and nb06.check_discrepancy_steps(3.0)
    for answer, says in [(4, "τ = 1.1"), (12, "hindsight"), (2, "one step later"),
                         (7, "too late"), (1, "too early"), (3.5, "whole number")]:
        feedback = nb06.check_discrepancy_steps(answer)
        assert not feedback and says in repr(feedback), (answer, feedback)


# --- numbers the prose states ---------------------------------------------------------------

def test_semi_convergence_on_the_notebooks_problem(problem):
    K, y, x, delta, _, alpha = problem
    errors = np.linalg.norm(linear.landweber(K, x, alpha, 5000) - y, axis=1)
    best = int(np.argmin(errors))
    assert best == 12 and round(errors[best], 3) == 0.146
    assert errors[best] < errors[best // 10] and errors[best] < errors[10 * best]
    assert 3.5 < errors[1] / errors[best] < 4.5  # "4× worse" at N/10 (the notes' reading)
    n_dp = linear.discrepancy_stop(K, x, delta, alpha, tau=1.1)
    assert n_dp == 4 and round(errors[n_dp] / errors[best] - 1, 2) == 0.37  # "37 % above"
    assert linear.discrepancy_stop(K, x, delta, alpha, tau=1.5) == 3
    assert round(errors[3], 3) == 0.243 and round(errors[4], 3) == 0.200  # exercise 4


def test_the_aims_numbers(problem):
    """The aim, before any output: 2.5 % of noise becomes an error hundreds of thousands of
    times larger than the signal."""
    K, y, x, delta, _, _ = problem
    assert round(100 * delta / np.linalg.norm(K @ y), 1) == 2.5
    ratio = np.linalg.norm(np.linalg.solve(K, x) - y) / np.linalg.norm(y)
    assert 1e5 <= ratio < 1e6


def test_tikhonov_numbers(problem):
    K, y, x, delta, _, alpha = problem
    error = lambda g: np.linalg.norm(linear.tikhonov(K, x, g) - y)
    best = 10 ** (np.argmin([error(g) for g in np.logspace(-8, 0, 161)]) / 20 - 8)
    assert 2 < error(best / 10) / error(best) < 4 and 2 < error(best * 10) / error(best) < 4
    assert round(error(1e-5), 1) == 4.3 and round(error(1.0), 1) == 2.1
    assert 3.5 < (1 / (2 * alpha * 12)) / best < 4.5  # "four times the best γ"
    gamma = 0.02  # the noise factor φⱼ/√λⱼ = √λⱼ/(λⱼ + γ) peaks at 1/(2√γ), at λⱼ = γ
    grid = np.geomspace(1e-6, 10, 200_001)
    assert abs(np.max(grid / (grid**2 + gamma)) * 2 * np.sqrt(gamma) - 1) < 1e-8


def test_picard_noise_floor(problem):
    K, y, x, _, _, _ = problem
    U = np.linalg.svd(K)[0]
    assert 0.005 < np.median(np.abs(U.T @ x)[26:]) < 0.01  # "flat just under σ" (printed: 0.007)


def test_the_step_width_only_moves_the_valley(problem):
    """The optional box: α = 0.1/λ₁ has its best N at 63, error 0.147; halving α doubles N."""
    K, y, x, _, singular_values, alpha = problem
    for fraction, best_n, best_error in ((0.1, 63, 0.147), (0.25, 24, None)):
        errors = np.linalg.norm(linear.landweber(K, x, fraction / singular_values[0] ** 2, 200) - y, axis=1)
        assert abs(int(np.argmin(errors)) - best_n) <= (0 if best_error else 1)
        if best_error:
            assert round(errors.min(), 3) == best_error


def test_the_learned_filter_is_landwebers_nine_step_filter(problem):
    K, _, _, _, singular_values, alpha = problem
    Y, X = linear.blur_pairs(100, seed=1)
    fit = linear.train_steps(K, X, Y, np.linspace(0.25, 0.75, 5) * alpha * 2, 0.1, 300)
    learned = linear.learned_filter(singular_values, fit.alphas)
    near = np.max(np.abs(learned - linear.landweber_filter(singular_values, alpha, 9)))
    far = np.max(np.abs(learned - linear.landweber_filter(singular_values, alpha, 5)))
    assert near < 0.1 and far > 2 * near


def test_the_notebook_shows_few_asserts_and_no_test_tool_comments():
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    visible = [c for c in cells if c["cell_type"] == "code"
               and "remove-cell" not in c.get("metadata", {}).get("tags", [])]
    source = "\n".join("".join(c["source"]) for c in visible)
    assert sum(line.lstrip().startswith("assert") for line in source.splitlines()) <= 5
    assert "NBVAL" not in source
    live = [c for c in visible if "".join(c["source"]).strip() == "dashboard"]
    assert len(live) == 1 and "nbval-ignore-output" in live[0]["metadata"]["tags"]


def tikhonov_solution(K, x, gamma):
    """Notebook 06, exercise 3: the solution's function, (KᵀK + γI) y = Kᵀx."""
    return np.linalg.solve(K.T @ K + gamma * np.eye(K.shape[1]), K.T @ x)


# The answers the hidden solutions give, as (check, arguments); tests/test_solutions.py
# gives each to its check and keeps them out of the notebook's outputs.
SOLUTIONS = [
    (nb06.check_tikhonov_factor, (0.8,)),
    (nb06.check_matching_steps, (200,)),
    (nb06.check_tikhonov_solution, (tikhonov_solution,)),
    (nb06.check_discrepancy_steps, (3,)),
]
