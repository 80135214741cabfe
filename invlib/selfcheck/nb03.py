"""Self-checks for notebook 03 (symbolic derivatives of the unrolled steps).

The exercises use the line f(y) = a·y + b, whose descent step is G(g_n) = g_n + 2αa (x − a·g_n − b)
and whose tangents obey ∂g_{n+1}/∂θ = q ∂g_n/∂θ + ∂G/∂θ, with q = 1 − 2αa² and ∂g₀/∂θ = 0.
Each check compares with the right value and names the mistake behind a typical wrong one.
"""

from .. import line
from . import check_number, exercise

#: Exercise 1: the tangent ∂g_2/∂b of the line.
TANGENT_B = {"alpha": 0.1, "a": 1.5}
#: Exercise 2: g_5 of the line from the closed form.
CLOSED_FORM = {"alpha": 0.1, "a": 1.5, "b": 1.0, "x": 4.0, "g0": -1.0, "n": 5}
#: Exercise 3: the factor that multiplies the tangent at every step.
TANGENT_FACTOR = {"alpha": 0.4, "a": 1.5}


def _q(alpha, a):
    return line.q(alpha, a)


@exercise
def check_tangent_b_step2(answer):
    """∂g₂/∂b for the line with α = 0.1, a = 1.5: −2αa (1 + q)."""
    alpha, a = TANGENT_B["alpha"], TANGENT_B["a"]
    q, direct = _q(alpha, a), -2.0 * alpha * a
    expected = q * direct + direct
    half_q, half_direct = 1.0 - alpha * a * a, -alpha * a
    hints = [
        (direct, "that is ∂g_1/∂b = −2αa, after one step; apply the recursion once more."),
        (q * direct, "you multiplied ∂g_1/∂b by q but did not add the direct term ∂G/∂b = −2αa."),
        (2.0 * direct, "you added −2αa twice but dropped the factor q: ∂g_2/∂b = q·∂g_1/∂b − 2αa, "
                       "with q = 1 − 2αa²."),
        (half_q * half_direct + half_direct,
         "the factor 2 of ∂L/∂y = −2a(x − a·y − b) is missing: the direct term is −2αa and "
         "q = 1 − 2αa²."),
    ]
    return check_number(answer, expected, "∂g_2/∂b", hints=hints)


@exercise
def check_closed_form_g5(answer):
    """g₅ for the line from g_n = y* + q^n (g₀ − y*)."""
    p = CLOSED_FORM
    alpha, a, b, x, g0, n = p["alpha"], p["a"], p["b"], p["x"], p["g0"], p["n"]
    q, y_star = _q(alpha, a), (x - b) / a
    expected = y_star + q**n * (g0 - y_star)
    wrong_star = (x + b) / a
    hints = [
        (y_star + q ** (n - 1) * (g0 - y_star),
         "that is g_4: after n steps the offset g_0 − y* has been multiplied by q five times (qⁿ, n = 5)."),
        (y_star + q ** (n + 1) * (g0 - y_star),
         "that is g_6: after n steps the offset g_0 − y* has been multiplied by q five times (qⁿ, n = 5)."),
        (y_star + (1.0 - alpha * a * a) ** n * (g0 - y_star),
         "q should be 1 − 2αa²: the loss derivative ∂L/∂y carries a factor 2."),
        (wrong_star + q**n * (g0 - wrong_star),
         "the fixed point is y* = (x − b)/a, where a·y* + b = x; you used (x + b)/a."),
        (q**n * (g0 - y_star), "you have the offset qⁿ(g_0 − y*) but forgot to add the fixed point y*."),
        (y_star + q**n * g0, "the part that shrinks is the offset g_0 − y*, not g_0 itself."),
        (y_star, "that is y*, the limit n → ∞; after 5 steps a small offset qⁿ(g_0 − y*) remains."),
    ]
    return check_number(answer, expected, "g_5", hints=hints)


@exercise
def check_tangent_factor(answer):
    """The factor q = ∂G/∂y = 1 − 2αa² that multiplies the tangent each step (α = 0.4, a = 1.5)."""
    alpha, a = TANGENT_FACTOR["alpha"], TANGENT_FACTOR["a"]
    expected = _q(alpha, a)
    hints = [
        (-expected, f"the size is right but q = 1 − 2αa² = {expected:.6g} is negative here: "
                    "the tangent flips sign at every step."),
        (1.0 - alpha * a * a, "q = 1 − 2αa²: the loss derivative ∂L/∂y carries a factor 2."),
        (1.0 - 2.0 * alpha * a, "a enters squared: ∂²L/∂y² = 2a², so q = 1 − 2αa²."),
        (2.0 * alpha * a * a, "the step keeps g_n itself: G = g_n − α∂L/∂y, so ∂G/∂y = 1 − 2αa²."),
        (-2.0 * alpha * a, "−2αa is ∂G/∂b, the term added each step; the factor is ∂G/∂y."),
    ]
    return check_number(answer, expected, "q", hints=hints)
