r"""sympy derives the formulas that the rest of invlib computes with numpy.

- :func:`update_rule`: one descent step :math:`G(y) = y - \alpha\,\partial_y L`.
- :func:`tangent_recursion`: differentiate :math:`g_{n+1} = G(g_n; \theta)` by the chain
  rule, :math:`\partial_\theta g_{n+1} = G_y\,\partial_\theta g_n + G_\theta`.
- :func:`line_closed_form`: ``sympy.rsolve`` solves the line's recursion,
  :math:`g_n = y^* + q^n (g_0 - y^*)` with :math:`y^* = (x-b)/a`, :math:`q = 1 - 2\alpha a^2`.
- :func:`unrolled_expression`: g_N written out by substitution, to see why that blows up.

Every function takes a model with ``expr``, ``latent`` and ``params`` (:class:`invlib.Line`,
:class:`invlib.SympyModel`) and returns sympy objects a notebook can display.
"""

from functools import lru_cache
from typing import NamedTuple

import sympy

#: The symbols shared by every derivation (x observation, α step, n step index).
x, alpha = sympy.Symbol("x"), sympy.Symbol("alpha", positive=True)
n = sympy.Symbol("n", integer=True, nonnegative=True)
g_n = sympy.Symbol("g_n")


def inner_loss(model):
    r""":math:`L_\theta(x, y) = (x - f_\theta(y))^2` as a sympy expression."""
    return (x - model.expr) ** 2


def update_rule(model):
    r"""One gradient step, :math:`G(y) = y - \alpha\,\partial L/\partial y`, evaluated at :math:`y = g_n`."""
    y = model.latent
    G = y - alpha * sympy.diff(inner_loss(model), y)
    return G.subs(y, g_n)


def tangent_symbol(param):
    r"""The symbol standing for :math:`\partial g_n/\partial\theta_k`."""
    return sympy.Symbol(rf"\frac{{\partial g_n}}{{\partial {param.name}}}")


def tangent_recursion(model):
    r"""For each parameter θ_k, the right-hand side of
    :math:`\partial g_{n+1}/\partial\theta_k = G_y\,\partial g_n/\partial\theta_k + G_{\theta_k}`.

    Returns a dict {parameter symbol: expression in g_n and ∂g_n/∂θ_k}. For the line the
    entry for a is the hand-derived
    :math:`\partial_a g_n - 2\alpha(-x + 2 a g_n + a^2 \partial_a g_n + b)`.
    """
    G = update_rule(model)
    G_y = sympy.diff(G, g_n)
    return {p: G_y * tangent_symbol(p) + sympy.diff(G, p) for p in model.params}


class LineClosedForm(NamedTuple):
    """g_n for the line and its derivatives in a and b, with the symbols they use."""

    g: sympy.Expr
    dg_da: sympy.Expr
    dg_db: sympy.Expr
    symbols: dict


@lru_cache(maxsize=1)
def line_closed_form():
    r"""Solve :math:`g_{n+1} = g_n - 2\alpha a (a g_n + b - x)` with ``sympy.rsolve``.

    The answer is :math:`g_n = \frac{x-b}{a} + (1 - 2\alpha a^2)^n \frac{a g_0 + b - x}{a}`,
    i.e. :math:`y^* + q^n (g_0 - y^*)`; it divides by a, so it needs a ≠ 0.
    """
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
    r"""g_N written out by substituting the update rule into itself ``n_steps`` times.

    Without ``expand`` the expression grows each step by the factor of how often the update
    rule uses g_n (×2 for the line, ×3 for a·tanh(y) + b): exponential in N. That is why
    invlib carries the derivative along step by step instead.
    """
    g0 = sympy.Symbol("g_0") if g0 is None else g0
    G = update_rule(model)
    g = g0
    for _ in range(n_steps):
        g = G.subs(g_n, g)
        if expand:
            g = sympy.expand(g)
    return g
