"""sympy derives the formulas that the rest of invlib computes with numpy (notebook 03).

update_rule: G(y) = y − α ∂L/∂y; tangent_recursion: ∂g_{n+1}/∂θ = G_y ∂g_n/∂θ + G_θ;
line_closed_form: rsolve's g_n = y* + q^n (g_0 − y*); unrolled_expression: g_N written out by
substitution, to see why that blows up. Each takes a model with expr, latent and params.
"""

from functools import lru_cache
from typing import NamedTuple

import sympy

#: The symbols shared by every derivation (x observation, α step, n step index).
x, alpha = sympy.Symbol("x"), sympy.Symbol("alpha", positive=True)
n = sympy.Symbol("n", integer=True, nonnegative=True)
g_n = sympy.Symbol("g_n")


def inner_loss(model):
    """L = (x − f_θ(y))² as a sympy expression."""
    return (x - model.expr) ** 2


def update_rule(model):
    """One gradient step G = y − α ∂L/∂y, at y = g_n."""
    y = model.latent
    G = y - alpha * sympy.diff(inner_loss(model), y)
    return G.subs(y, g_n)


def tangent_symbol(param):
    """The symbol standing for ∂g_n/∂θ_k."""
    return sympy.Symbol(rf"\frac{{\partial g_n}}{{\partial {param.name}}}")


def tangent_recursion(model):
    """{θ_k: G_y ∂g_n/∂θ_k + G_θ_k}, the right-hand sides of the tangent recursion."""
    G = update_rule(model)
    G_y = sympy.diff(G, g_n)
    return {p: G_y * tangent_symbol(p) + sympy.diff(G, p) for p in model.params}


class LineClosedForm(NamedTuple):
    """g_n for the line, its derivatives in a and b, and the symbols they use."""

    g: sympy.Expr
    dg_da: sympy.Expr
    dg_db: sympy.Expr
    symbols: dict


@lru_cache(maxsize=1)
def line_closed_form():
    """rsolve's solution of g_{n+1} = g_n − 2αa(a g_n + b − x): g_n = (x − b)/a + (1 − 2αa²)ⁿ (a g_0 + b − x)/a."""
    a, b, g0 = sympy.symbols("a b g_0")
    g = sympy.Function("g")
    step = g(n) - alpha * sympy.diff((x - (a * g(n) + b)) ** 2, g(n))
    solution = sympy.rsolve(g(n + 1) - step, g(n), {g(0): g0})
    # powsimp writes sympy's n·qⁿ/q as n·qⁿ⁻¹, which stays finite at q = 0 (α = 1/(2a²)).
    return LineClosedForm(
        g=solution,
        dg_da=sympy.powsimp(sympy.diff(solution, a)),
        dg_db=sympy.powsimp(sympy.diff(solution, b)),
        symbols={"n": n, "alpha": alpha, "a": a, "b": b, "x": x, "g0": g0},
    )


def unrolled_expression(model, n_steps, g0=None, expand=False):
    """g_N by substituting the update rule into itself N times (without expand it grows ×2 a step for the line, ×3 for a·tanh(y) + b)."""
    g0 = sympy.Symbol("g_0") if g0 is None else g0
    G = update_rule(model)
    g = g0
    for _ in range(n_steps):
        g = G.subs(g_n, g)
        if expand:
            g = sympy.expand(g)
    return g
