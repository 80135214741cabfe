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


# --- Exercise 3: the tangent's factor q ----------------------------------------------------

def test_tangent_factor_right_answer_matches_sympy():
    line = invlib.Line()
    a, _ = line.params
    factor = sympy.diff(symbolic.update_rule(line), symbolic.g_n)
    value = factor.subs({symbolic.alpha: nb03.TANGENT_FACTOR["alpha"], a: nb03.TANGENT_FACTOR["a"]})
    assert abs(float(value) - (-0.8)) < 1e-12
    assert nb03.check_tangent_factor(float(value))


def test_tangent_factor_is_what_the_recursion_multiplies_by():
    alpha, a = nb03.TANGENT_FACTOR["alpha"], nb03.TANGENT_FACTOR["a"]
    _, tangents = invlib.unroll_path(invlib.Line(), (a, 1.0), 2.0, 0.0, alpha, 6)
    direct = -2 * alpha * a  # ∂G/∂b, added every step
    ratios = (tangents[2:, 1] - direct) / tangents[1:-1, 1]
    assert np.allclose(ratios, -0.8)


@pytest.mark.parametrize(
    "wrong, phrase",
    [
        (0.8, "negative here"),
        (0.1, "factor 2"),
        (-0.2, "squared"),
        (1.8, "keeps g_n itself"),
        (-1.2, "∂G/∂b"),
        (-0.5, "too large"),
        (-0.9, "too small"),
    ],
)
def test_tangent_factor_wrong_answers(wrong, phrase):
    ok, text = _verdict(nb03.check_tangent_factor(wrong))
    assert not ok and text.startswith("Not yet") and phrase in text


# --- Answers of the wrong kind ---------------------------------------------------------------

@pytest.mark.parametrize(
    "check",
    [nb03.check_tangent_b_step2, nb03.check_closed_form_g5, nb03.check_tangent_factor],
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
    assert selfcheck.nb03.check_tangent_factor(-0.8)


def test_numbers_in_the_solutions():
    """The intermediate numbers the notebook's hidden solutions state."""
    alpha, a = nb03.TANGENT_B["alpha"], nb03.TANGENT_B["a"]
    q = 1 - 2 * alpha * a**2
    assert abs(q - 0.55) < 1e-12 and abs(-2 * alpha * a - (-0.3)) < 1e-12
    assert abs(q**2 - 0.3025) < 1e-12 and abs(-(1 - q**2) / a - (-0.465)) < 1e-12
    p = nb03.CLOSED_FORM
    assert (p["x"] - p["b"]) / p["a"] == 2.0
    assert abs(0.55**5 - 0.0503284375) < 1e-15
    alpha, a = nb03.TANGENT_FACTOR["alpha"], nb03.TANGENT_FACTOR["a"]
    assert abs(1 / a**2 - 0.444) < 1e-3 and alpha < 1 / a**2


def test_tangent_distance_to_its_limit_shrinks_by_q():
    """Exercise 3's solution: ∂g_{n+1}/∂b + 1/a = q (∂g_n/∂b + 1/a)."""
    alpha, a = nb03.TANGENT_FACTOR["alpha"], nb03.TANGENT_FACTOR["a"]
    _, tangents = invlib.unroll_path(invlib.Line(), (a, 0.5), 1.0, -2.0, alpha, 8)
    distance = tangents[:, 1] + 1 / a
    assert np.allclose(distance[1:] / distance[:-1], -0.8)


# --- Exercise 4 (code): the cube's tangent step ------------------------------------------

_a, _b, _y = sympy.symbols("a b y")
_cube = invlib.SympyModel(_a * _y**3 + _b)
_G = symbolic.update_rule(_cube)
_pieces = [sympy.diff(_G, symbolic.g_n), sympy.diff(_G, _a), sympy.diff(_G, _b)]
_G_y, _G_a, _G_b = [sympy.lambdify((symbolic.g_n, symbolic.x, _a, _b, symbolic.alpha), p)
                    for p in _pieces]


def cube_tangent_step(g, dg_da, dg_db, x, a, b, alpha):
    """The solution, as the notebook gives it: sympy's ∂G/∂y, ∂G/∂a, ∂G/∂b, lambdified."""
    factor = _G_y(g, x, a, b, alpha)
    next_tangents = (factor * dg_da + _G_a(g, x, a, b, alpha),
                     factor * dg_db + _G_b(g, x, a, b, alpha))
    return next_tangents


def cube_tangent_step_by_hand(g, dg_da, dg_db, x, a, b, alpha):
    """The solution's by-hand formulas, self-contained (tests/test_solutions.py runs its source)."""
    r = x - a * g**3 - b
    factor = 1 - alpha * (18 * a * a * g**4 - 12 * a * g * r)
    return (factor * dg_da - alpha * (6 * a * g**5 - 6 * g * g * r),
            factor * dg_db - 6 * alpha * a * g * g)


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
    (nb03.check_tangent_factor, (-0.8,)),
    (nb03.check_cube_tangent_step, (cube_tangent_step_by_hand,)),
]


def test_numbers_the_prose_states():
    """Sections 6 and 8: q = 1 − 2·0.05·2² = 0.6 for the original line; the tanh model
    2·tanh(y) − 4 inverts x = −3 at y* = artanh(1/2) ≈ 0.549."""
    assert 1 - 2 * 0.05 * 2.0**2 == pytest.approx(0.6)
    y_star = np.arctanh(0.5)
    assert 2 * np.tanh(y_star) - 4 == pytest.approx(-3.0) and y_star == pytest.approx(0.549, abs=5e-4)


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
