"""The self-checks of notebook 03: right answers pass, typical wrong ones are explained.

The expected values are also checked against invlib's own numerics (the tangent
recursion, the descent itself), so the self-checks and the library cannot drift apart.
"""

import numpy as np
import pytest
import sympy

import invlib
from invlib import selfcheck, symbolic
from invlib.selfcheck import nb03


def _verdict(feedback):
    return bool(feedback), repr(feedback)


# --- Exercise 1: ∂g_2/∂b ---------------------------------------------------------------

def test_tangent_b_right_answer_matches_recursion():
    alpha, a = nb03.TANGENT_B["alpha"], nb03.TANGENT_B["a"]
    _, tangents = invlib.unroll_path(invlib.Line(), (a, 0.0), 0.0, 0.0, alpha, 2)
    assert abs(tangents[2, 1] - (-0.465)) < 1e-12
    ok, text = _verdict(nb03.check_tangent_b_step2(tangents[2, 1]))
    assert ok and text.startswith("Correct")


def test_tangent_b_independent_of_b_x_g0():
    alpha, a = nb03.TANGENT_B["alpha"], nb03.TANGENT_B["a"]
    _, tangents = invlib.unroll_path(invlib.Line(), (a, 7.0), -3.0, 5.0, alpha, 2)
    assert nb03.check_tangent_b_step2(tangents[2, 1])


@pytest.mark.parametrize(
    "wrong, phrase",
    [
        (-0.3, "after one step"),
        (-0.165, "did not add the direct term"),
        (-0.6, "dropped the factor q"),
        (-0.26625, "factor 2"),
        (0.465, "wrong sign"),
        (-1.0, "too small"),
        (-0.1, "too large"),
    ],
)
def test_tangent_b_wrong_answers(wrong, phrase):
    ok, text = _verdict(nb03.check_tangent_b_step2(wrong))
    assert not ok and text.startswith("Not yet") and phrase in text


# --- Exercise 2: g_5 from the closed form ------------------------------------------------

def test_closed_form_right_answer_matches_descent():
    p = nb03.CLOSED_FORM
    path = invlib.invert(invlib.Line(), (p["a"], p["b"]), p["x"], p["g0"], p["alpha"], p["n"]).path
    assert abs(path[5] - 1.8490146875) < 1e-12
    assert nb03.check_closed_form_g5(path[5])


def test_closed_form_right_answer_matches_sympy():
    p = nb03.CLOSED_FORM
    closed = symbolic.line_closed_form()
    s = closed.symbols
    value = closed.g.subs({s["n"]: p["n"], s["alpha"]: sympy.Rational(1, 10), s["a"]: sympy.Rational(3, 2),
                           s["b"]: p["b"], s["x"]: p["x"], s["g0"]: p["g0"]})
    assert sympy.nsimplify(value) == sympy.Rational(18490146875, 10**10)
    assert nb03.check_closed_form_g5(sympy.Float(value))


@pytest.mark.parametrize(
    "wrong, phrase",
    [
        (2.0 - 3 * 0.55**4, "that is g_4"),
        (2.0 - 3 * 0.55**6, "that is g_6"),
        (2.0 - 3 * 0.775**5, "factor 2"),
        (10 / 3 + 0.55**5 * (-1 - 10 / 3), "(x − b)/a"),
        (-3 * 0.55**5, "forgot to add the fixed point"),
        (2.0 - 0.55**5, "not g_0 itself"),
        (2.0, "limit n → ∞"),
        (-1.8490146875, "wrong sign"),
        (0.0, "too small"),
    ],
)
def test_closed_form_wrong_answers(wrong, phrase):
    ok, text = _verdict(nb03.check_closed_form_g5(wrong))
    assert not ok and text.startswith("Not yet") and phrase in text


# --- Exercise 3: from which step the a-tangent stays within 10⁻³ of its limit -------------

def _original_a_tangent(n_steps=60):
    problem = invlib.data.original_problem()
    _, tangents = invlib.unroll_path(invlib.Line(), problem.theta_true, 0.0, problem.y0_inversion,
                                     problem.alpha, n_steps)
    return tangents


def test_a_tangent_steps_right_answer_matches_the_recursion():
    """The solution's code: run the recursion past N = 20 and find the last step above 10⁻³."""
    tangents = _original_a_tangent()
    distance = np.abs(tangents[:, 0] + 1.0)  # the limit −y*/a = −1
    first = np.nonzero(distance > 1e-3)[0].max() + 1
    assert first == 22 and np.all(distance[22:] <= 1e-3)
    assert np.all(np.diff(distance[2:]) < 0)  # away from the limit for two steps, then closer
    ok, text = _verdict(nb03.check_a_tangent_steps(int(first)))
    assert ok and text.startswith("Correct")


def test_a_tangent_distance_formula_is_the_recursion():
    """Exercise 3's formula: |∂g_n/∂a + y*/a| = |qⁿ y*/a − 4αa n q^(n−1) (g₀ − y*)|."""
    distances, q, y_star, g0 = nb03.a_tangent_distances(60)
    assert np.allclose(distances, np.abs(_original_a_tangent()[:, 0] + 1.0), rtol=0, atol=1e-13)
    assert q == pytest.approx(0.6) and y_star == 2.0


def test_a_tangent_is_not_geometric_but_b_tangent_is():
    """The b-tangent's distance shrinks by q every step; the a-tangent's ratio is q(n+1)/n-ish."""
    tangents = _original_a_tangent(30)
    distance_b = tangents[:, 1] + 0.5
    assert np.allclose(distance_b[1:] / distance_b[:-1], 0.6)
    distance_a = tangents[:, 0] + 1.0
    ratios = distance_a[11:] / distance_a[10:-1]
    assert np.all(ratios > 0.6 + 1e-3) and np.all(ratios < 0.6 * 12 / 10)


@pytest.mark.parametrize(
    "wrong, phrase",
    [
        (13, "∂g_n/∂b"),
        (14, "qⁿ·y*/a small"),
        (21, "still 0.0014"),
        (2, "still 2.5"),
        (23, "not the first"),
        (40, "not the first"),
        (1000, "far from the fewest"),
        (-3, "0 or more"),
        (21.5, "whole number"),
    ],
)
def test_a_tangent_steps_wrong_answers(wrong, phrase):
    ok, text = _verdict(nb03.check_a_tangent_steps(wrong))
    assert not ok and text.startswith("Not yet") and phrase in text, text


# --- Answers of the wrong kind ---------------------------------------------------------------

@pytest.mark.parametrize(
    "check",
    [nb03.check_tangent_b_step2, nb03.check_closed_form_g5, nb03.check_a_tangent_steps],
)
@pytest.mark.parametrize(
    "answer, phrase",
    [("-0.465", "single number"), ([1.0], "single number"),
     (True, "single number"), (float("nan"), "finite number")],
)
def test_wrong_kind_of_answer(check, answer, phrase):
    ok, text = _verdict(check(answer))
    assert not ok and phrase in text


def test_reached_through_selfcheck_package():
    assert selfcheck.nb03 is nb03
    assert selfcheck.nb03.check_a_tangent_steps(22)


def test_numbers_in_the_solutions():
    """The intermediate numbers the notebook's hidden solutions state."""
    alpha, a = nb03.TANGENT_B["alpha"], nb03.TANGENT_B["a"]
    q = 1 - 2 * alpha * a**2
    assert abs(q - 0.55) < 1e-12 and abs(-2 * alpha * a - (-0.3)) < 1e-12
    assert abs(q**2 - 0.3025) < 1e-12 and abs(-(1 - q**2) / a - (-0.465)) < 1e-12
    p = nb03.CLOSED_FORM
    assert (p["x"] - p["b"]) / p["a"] == 2.0
    assert abs(0.55**5 - 0.0503284375) < 1e-15
    # exercise 3: y*/a = 1, 4αa(g₀ − y*) ≈ −1.804, distances 0.0014 at n = 21 and 0.00088 at
    # n = 22; the b-tangent's qⁿ/a is within 10⁻³ from n = 13 (0.6¹² / 2 ≈ 0.0011)
    distances, q, y_star, g0 = nb03.a_tangent_distances()
    assert y_star / 2.0 == 1.0 and abs(4 * 0.05 * 2.0 * (g0 - y_star) - (-1.804)) < 5e-4
    assert f"{g0 - y_star:.3f}" == "-4.509"
    assert f"{distances[21]:.2g}" == "0.0014" and f"{distances[22]:.2g}" == "0.00088"
    assert 0.6**12 / 2 > 1e-3 >= 0.6**13 / 2 and f"{0.6**12 / 2:.2g}" == "0.0011"


# --- Exercise 4 (code): the cube's tangent step ------------------------------------------

_a, _b, _y = sympy.symbols("a b y")
_cube = invlib.SympyModel(_a * _y**3 + _b)
_G = symbolic.update_rule(_cube)
_pieces = [sympy.diff(_G, symbolic.g_n), sympy.diff(_G, _a), sympy.diff(_G, _b)]
_G_y, _G_a, _G_b = [sympy.lambdify((symbolic.g_n, symbolic.x, _a, _b, symbolic.alpha), p)
                    for p in _pieces]


def cube_tangent_step(g, dg_da, dg_db, x, a, b, alpha):
    """The solution, as the notebook gives it: sympy's ∂G/∂y, ∂G/∂a, ∂G/∂b, lambdified."""
    dG_dy = _G_y(g, x, a, b, alpha)
    next_tangents = (dG_dy * dg_da + _G_a(g, x, a, b, alpha),
                     dG_dy * dg_db + _G_b(g, x, a, b, alpha))
    return next_tangents


def cube_tangent_step_by_hand(g, dg_da, dg_db, x, a, b, alpha):
    """The solution's by-hand formulas, self-contained (tests/test_solutions.py runs its source)."""
    r = x - a * g**3 - b
    dG_dy = 1 - alpha * (18 * a * a * g**4 - 12 * a * g * r)
    return (dG_dy * dg_da - alpha * (6 * a * g**5 - 6 * g * g * r),
            dG_dy * dg_db - 6 * alpha * a * g * g)


def test_cube_step_solutions_right():
    for step in (cube_tangent_step, cube_tangent_step_by_hand):
        feedback = nb03.check_cube_tangent_step(step)
        assert feedback and "invlib.unroll" in repr(feedback), repr(feedback)


def test_cube_step_matches_finite_differences():
    theta, x, y0, alpha, n_steps = nb03.CUBE_RUN
    path = invlib.invert(_cube, theta, x, y0, alpha, n_steps).path
    tangent = (0.0, 0.0)
    for g in path[:-1]:
        tangent = cube_tangent_step(g, *tangent, x, *theta, alpha)
    fd = invlib.finite_difference(lambda th: invlib.invert(_cube, th, x, y0, alpha, n_steps).y,
                                  np.array(theta))
    assert np.allclose(tangent, fd, rtol=0, atol=1e-8)


def _variant(factor_sign=1, direct_sign=1, alpha_power=1, direct=True, earlier=True):
    def step(g, dg_da, dg_db, x, a, b, alpha):
        r = x - a * g**3 - b
        step_alpha = alpha**alpha_power
        l_yy, l_ya, l_yb = 18 * a * a * g**4 - 12 * a * g * r, 6 * a * g**5 - 6 * g * g * r, 6 * a * g * g
        factor = (1 - factor_sign * step_alpha * l_yy) if earlier else 0.0
        scale = -direct_sign * step_alpha if direct else 0.0
        return factor * dg_da + scale * l_ya, factor * dg_db + scale * l_yb
    return step


def _line_step(g, dg_da, dg_db, x, a, b, alpha):
    q = 1 - 2 * alpha * a * a
    return q * dg_da - 2 * alpha * (a * g - (x - a * g - b)), q * dg_db - 2 * alpha * a


@pytest.mark.parametrize("wrong, says", [
    (_variant(direct=False), "direct term ∂G/∂θ is missing"),
    (_variant(earlier=False), "earlier tangent is missing"),
    (_variant(factor_sign=-1, direct_sign=-1), "downhill"),
    (_variant(direct_sign=-1), "direct term has the wrong sign"),
    (_variant(alpha_power=0), "α is missing"),
    (_line_step, "the line's formulas"),
    (lambda *state: (0.0, 0.0), "your step gives"),
    (lambda *state: 1.0, "two finite numbers"),
    (lambda *state: (None, None), "replace None"),
    (lambda *state: None, "replace None"),
    (lambda *state: 1 / 0, "raised ZeroDivisionError"),
    (2.0, "the function itself"),
])
def test_cube_step_wrong(wrong, says):
    feedback = nb03.check_cube_tangent_step(wrong)
    assert not feedback and says in repr(feedback), repr(feedback)


# The answers the hidden solutions give, as (check, arguments); tests/test_solutions.py
# gives each to its check and keeps them out of the notebook's outputs.
SOLUTIONS = [
    (nb03.check_tangent_b_step2, (-0.465,)),
    (nb03.check_closed_form_g5, (1.8490146875,)),
    (nb03.check_a_tangent_steps, (22,)),
    (nb03.check_cube_tangent_step, (cube_tangent_step_by_hand,)),
]


def test_numbers_the_prose_states():
    """Sections 6 and 8: q = 1 − 2·0.05·2² = 0.6 for the original line; the tanh model
    2·tanh(y) − 4 inverts x = −3 at y* = artanh(1/2) ≈ 0.549."""
    assert 1 - 2 * 0.05 * 2.0**2 == pytest.approx(0.6)
    y_star = np.arctanh(0.5)
    assert 2 * np.tanh(y_star) - 4 == pytest.approx(-3.0) and y_star == pytest.approx(0.549, abs=5e-4)


def test_the_original_series_steps_section_10_states():
    """Section 10: the original predicted with N = 20 steps but took the derivative through
    10; notebook 04, which replays it, uses exactly these two numbers."""
    import json
    from pathlib import Path

    assert invlib.data.original_problem().n_steps == 20
    notebook = Path(__file__).resolve().parents[1] / "notebooks" / "04-training-through-unrolled-steps.ipynb"
    code = "".join("".join(cell["source"]) for cell in json.loads(notebook.read_text())["cells"]
                   if cell["cell_type"] == "code")
    assert "gradient_steps=10" in code  # its replay of the original's 10-step derivative


def test_the_finite_difference_error_section_7_predicts():
    """Section 7: with Δθ = 10⁻⁶ the central difference of the line's path is within about 10⁻¹⁰
    of the exact tangents (truncation ~Δθ², rounding ~10⁻¹⁶/Δθ)."""
    problem = invlib.data.original_problem()
    theta = np.array(problem.theta_true)
    args = (0.0, problem.y0_inversion, problem.alpha, problem.n_steps)
    fd = invlib.finite_difference(lambda th: invlib.invert(invlib.Line(), th, *args).path, theta,
                                  delta_theta=1e-6)
    _, exact = invlib.unroll_path(invlib.Line(), theta, *args)
    assert np.max(np.abs(fd - exact)) < 1e-9


def test_the_optional_box_of_section_9_why_not_write_g_N_out():
    """Optional section 9: sympy.count_ops of the written-out g_n (line and tanh), of the line's
    ∂g_n/∂a, of one recursion step, the crossovers, and the expanded and cse'd sizes."""
    line = invlib.Line()
    a, b = line.params
    y = sympy.Symbol("y")
    tanh_model = invlib.SympyModel(a * sympy.tanh(y) + b, latent="y", params=("a", "b"))
    depths = range(1, 7)
    unrolled_line = [symbolic.unrolled_expression(line, n) for n in depths]
    unrolled_tanh = [symbolic.unrolled_expression(tanh_model, n) for n in depths]
    ops_line = [sympy.count_ops(expr) for expr in unrolled_line]
    ops_line_da = [sympy.count_ops(sympy.diff(expr, a)) for expr in unrolled_line]
    ops_tanh = [sympy.count_ops(expr) for expr in unrolled_tanh]
    # the table
    assert ops_line == [7, 21, 49, 105, 217, 441]
    assert ops_line_da == [9, 45, 145, 401, 1025, 2497]
    assert ops_tanh == [12, 48, 156, 480, 1452, 4368]

    def step_cost(model):
        tangents = symbolic.tangent_recursion(model).values()
        return (sympy.count_ops(symbolic.update_rule(model))
                + sum(sympy.count_ops(tangent) for tangent in tangents))

    cost_line, cost_tanh = step_cost(line), step_cost(tanh_model)
    assert (cost_line, cost_tanh) == (30, 89)
    assert [cost_line * n for n in depths] == [30, 60, 90, 120, 150, 180]
    assert [cost_tanh * n for n in depths] == [89, 178, 267, 356, 445, 534]
    # the laws: 7(2ⁿ − 1), each twice the one before plus 7; 6(3ⁿ − 1), three times plus 12
    assert ops_line == [7 * (2**n - 1) for n in depths]
    assert ops_tanh == [6 * (3**n - 1) for n in depths]
    assert all(later == 2 * earlier + 7 for earlier, later in zip(ops_line, ops_line[1:]))
    assert all(later == 3 * earlier + 12 for earlier, later in zip(ops_tanh, ops_tanh[1:]))
    assert [round(later / earlier, 2) for earlier, later in zip(ops_line, ops_line[1:])][:2] == [3.0, 2.33]
    assert [round(later / earlier, 2) for earlier, later in zip(ops_tanh, ops_tanh[1:])][:2] == [4.0, 3.25]
    # the derivative grows faster still
    assert np.all(np.diff(np.array(ops_line_da) / np.array(ops_line)) > 0)
    # each step uses g_n twice (line) and three times (tanh)
    g_n = symbolic.g_n
    assert symbolic.update_rule(line).count(g_n) == 2
    assert symbolic.update_rule(tanh_model).count(g_n) == 3
    # crossovers: the written-out form overtakes the recursion from n = 4 (tanh) and n = 5 (line)
    assert ops_tanh[2] < 3 * cost_tanh and ops_tanh[3] > 4 * cost_tanh
    assert ops_line[3] < 4 * cost_line and ops_line[4] > 5 * cost_line
    # N = 20: about 2.1·10¹⁰ operations written out, 89·20 = 1780 for the recursion
    assert f"{6 * (3**20 - 1):.1e}" == "2.1e+10" and cost_tanh * 20 == 1780
    # expanded, the line grows as 18n − 5; after cse the tanh form grows by 9 per step (from n = 2)
    expanded = [sympy.count_ops(symbolic.unrolled_expression(line, n, expand=True)) for n in depths]
    assert expanded == [18 * n - 5 for n in depths]

    def ops_after_cse(expr):
        named, (reduced,) = sympy.cse(expr)
        return sum(sympy.count_ops(value) for _, value in named) + sympy.count_ops(reduced)

    after_cse = [ops_after_cse(expr) for expr in unrolled_tanh]
    assert after_cse == [11, 21, 30, 39, 48, 57]
