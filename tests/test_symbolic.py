"""What sympy derives: the update rule, the tangent recursion, the closed form."""

import sympy

import invlib
from invlib import symbolic


def test_tangent_recursion_recovers_the_hand_derived_one():
    a, b = sympy.symbols("a b")
    x, alpha, g = symbolic.x, symbolic.alpha, symbolic.g_n
    rec = symbolic.tangent_recursion(invlib.Line())
    da, db = symbolic.tangent_symbol(a), symbolic.tangent_symbol(b)
    hand_a = da - 2 * alpha * (-x + 2 * a * g + a**2 * da + b)
    hand_b = db - 2 * alpha * (a + a**2 * db)
    by_name = {p.name: e for p, e in rec.items()}
    assert sympy.simplify(by_name["a"] - hand_a) == 0
    assert sympy.simplify(by_name["b"] - hand_b) == 0


def test_closed_form_is_the_contraction_toward_the_minimiser():
    form = symbolic.line_closed_form()
    s = form.symbols
    y_star = (s["x"] - s["b"]) / s["a"]
    q = 1 - 2 * s["alpha"] * s["a"] ** 2
    assert sympy.simplify(form.g - (y_star + q ** s["n"] * (s["g0"] - y_star))) == 0
    # it solves the recursion: g(n+1) = g(n) − 2αa(a·g(n) + b − x)
    step = form.g - 2 * s["alpha"] * s["a"] * (s["a"] * form.g + s["b"] - s["x"])
    assert sympy.simplify(form.g.subs(s["n"], s["n"] + 1) - step) == 0
    assert sympy.simplify(form.g.subs(s["n"], 0) - s["g0"]) == 0


def test_naive_unrolling_grows_while_expanding_does_not_change_the_value():
    a, b, y = sympy.symbols("a b y")
    model = invlib.SympyModel(a * sympy.tanh(y) + b, params=("a", "b"))
    sizes = [sympy.count_ops(symbolic.unrolled_expression(model, n)) for n in range(1, 6)]
    assert all(later > 1.8 * earlier for earlier, later in zip(sizes, sizes[1:]))
    line = invlib.Line()
    values = {a: 2.0, b: -4.0, symbolic.x: 0.0, symbolic.alpha: 0.05, sympy.Symbol("g_0"): -2.5}
    plain = symbolic.unrolled_expression(line, 6).subs(values)
    expanded = symbolic.unrolled_expression(line, 6, expand=True).subs(values)
    assert abs(float(plain) - float(expanded)) < 1e-12
