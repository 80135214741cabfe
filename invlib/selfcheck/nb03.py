"""Self-checks for notebook 03 (symbolic derivatives of the unrolled steps).

The exercises use the line f(y) = a·y + b, whose descent step is G(g_n) = g_n + 2αa (x − a·g_n − b)
and whose tangents obey ∂g_{n+1}/∂θ = q ∂g_n/∂θ + ∂G/∂θ, with q = 1 − 2αa² and ∂g₀/∂θ = 0.
Each check compares with the right value and names the mistake behind a typical wrong one.
Exercise 3 asks from which step ∂g_n/∂a stays within 10⁻³ of its limit.
Exercise 4 asks for code: one step of the tangent recursion of f(y) = a·y³ + b.
"""

import numpy as np

from .. import line
from . import NO_ANSWER, Feedback, check_number, exercise

#: Exercise 1: the tangent ∂g_2/∂b of the line.
TANGENT_B = {"alpha": 0.1, "a": 1.5}
#: Exercise 2: g_5 of the line from the closed form.
CLOSED_FORM = {"alpha": 0.1, "a": 1.5, "b": 1.0, "x": 4.0, "g0": -1.0, "n": 5}
#: Exercise 3: from which step the a-tangent stays within `tolerance` of its limit −y*/a, in the
#: original problem (the start g₀ is the original's, from invlib.data.original_problem()).
A_TANGENT = {"alpha": 0.05, "a": 2.0, "b": -4.0, "x": 0.0, "tolerance": 1e-3}


def _q(alpha, a):
    return line.q(alpha, a)


@exercise
def check_tangent_b_step2(answer):
    """Exercise 1: ∂g₂/∂b for the line with α = 0.1, a = 1.5."""
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
         "that is g_4: after n steps the distance g_0 − y* has been multiplied by q five times (qⁿ, n = 5)."),
        (y_star + q ** (n + 1) * (g0 - y_star),
         "that is g_6: after n steps the distance g_0 − y* has been multiplied by q five times (qⁿ, n = 5)."),
        (y_star + (1.0 - alpha * a * a) ** n * (g0 - y_star),
         "q should be 1 − 2αa²: the loss derivative ∂L/∂y carries a factor 2."),
        (wrong_star + q**n * (g0 - wrong_star),
         "the fixed point is y* = (x − b)/a, where a·y* + b = x; you used (x + b)/a."),
        (q**n * (g0 - y_star), "you have the distance qⁿ(g_0 − y*) but forgot to add the fixed point y*."),
        (y_star + q**n * g0, "the part that shrinks is the distance g_0 − y*, not g_0 itself."),
        (y_star, "that is y*, the limit n → ∞; after 5 steps a small distance qⁿ(g_0 − y*) remains."),
    ]
    return check_number(answer, expected, "g_5", hints=hints)


def a_tangent_distances(n_max=200):
    """The distances of exercise 3, for n = 0 … n_max, from the closed form of notebook 03."""
    from ..data import original_problem

    p = A_TANGENT
    alpha, a, g0 = p["alpha"], p["a"], original_problem().y0_inversion
    q, y_star = _q(alpha, a), (p["x"] - p["b"]) / a
    n = np.arange(n_max + 1)
    with np.errstate(divide="ignore"):  # q^(n−1) at n = 0 is multiplied by n = 0
        return np.abs(q**n * y_star / a - 4 * alpha * a * n * np.where(n > 0, q ** (n - 1.0), 0.0)
                      * (g0 - y_star)), q, y_star, g0


def _stays_within_from(distances, tolerance):
    """The first n from which every distance is ≤ tolerance."""
    return int(np.nonzero(distances > tolerance)[0].max()) + 1


@exercise
def check_a_tangent_steps(answer):
    """Exercise 3: from which step n is ∂g_n/∂a within 10⁻³ of its limit (original problem)?"""
    from . import as_count

    p = A_TANGENT
    tolerance = p["tolerance"]
    distances, q, y_star, g0 = a_tangent_distances()
    expected = _stays_within_from(distances, tolerance)
    value = as_count(answer, "n", "steps")
    if isinstance(value, Feedback):
        return value
    if value < 0:
        return Feedback(False, f"a step number is 0 or more, got {value}.")
    a = p["a"]
    b_tangent = _stays_within_from(np.abs(q ** np.arange(201)) / a, tolerance)
    q_part_only = _stays_within_from(np.abs(q ** np.arange(201)) * abs(y_star / a), tolerance)
    if value == expected:
        return Feedback(True, f"n = {value}: the distance is {distances[value - 1]:.2g} at step "
                              f"{value - 1} and {distances[value]:.2g} at step {value}, and only "
                              f"shrinks after that. The b-tangent gets there at n = {b_tangent}.")
    if value == b_tangent:
        return Feedback(False, f"n = {value} is when ∂g_n/∂b is within 10⁻³ of −1/a: its distance "
                               "shrinks by q at every step. The a-tangent's distance has the "
                               "extra term −4αa·n·q^(n−1)·(g₀ − y*), which shrinks more slowly.")
    if value == q_part_only:
        return Feedback(False, f"n = {value} makes qⁿ·y*/a small, but the distance also has the "
                               "term −4αa·n·q^(n−1)·(g₀ − y*) of section 5's formula, and it is "
                               "the larger one here.")
    if value < expected:
        return Feedback(False, f"at step {value} the a-tangent is still {distances[value]:.2g} "
                               "from its limit −y*/a, more than 10⁻³.")
    if value > len(distances) - 1:
        return Feedback(False, f"n = {value} is enough, but far from the fewest steps.")
    return Feedback(False, f"at step {value} it is within 10⁻³, but that is not the first such "
                           f"step: already at step {value - 1} the distance is "
                           f"{distances[value - 1]:.2g}, and it only shrinks after that.")


# --------------------------------------------------------------------------------------
# Exercise 4 (code): the tangent recursion of the cube f(y) = a·y³ + b
# --------------------------------------------------------------------------------------

#: The states (g_n, ∂g_n/∂a, ∂g_n/∂b, x, a, b, α) one step is tried at; none is in the notebook.
CUBE_STATES = ((0.6, 0.3, -0.2, 1.1, 0.8, 0.3, 0.05), (-0.9, -1.4, 0.7, 0.4, 1.3, -0.2, 0.08),
               (1.2, 0.05, -0.6, 2.0, 0.6, 0.7, 0.03), (0.2, 2.1, 1.5, -0.5, 1.1, 0.1, 0.1))
#: The run (θ, x, g₀, α, N) whose N steps are compared with invlib.unroll's forward mode.
CUBE_RUN = ((0.8, 0.3), 1.1, 0.4, 0.05, 15)


def _cube_model():
    import sympy

    from ..models import SympyModel

    a, b, y = sympy.symbols("a b y")
    return SympyModel(a * y**3 + b)


def _cube_steps(model, factor_rule, direct_rule):
    """(factor·tangent + direct) for each state, with the step's pieces from L's derivatives."""
    rows = []
    for g, da, db, x, a, b, alpha in CUBE_STATES:
        _, l_yy, l_yth = model.loss_derivatives(x, g, (a, b))
        factor = factor_rule(float(l_yy), alpha)
        direct = [direct_rule(float(d), alpha) for d in l_yth]
        rows.append([factor * da + direct[0], factor * db + direct[1]])
    return np.array(rows)


def _tangent_values(function):
    """The learner's (∂g_{n+1}/∂a, ∂g_{n+1}/∂b) at every state, or a Feedback."""
    if not callable(function):
        return Feedback(False, f"give the function itself (its name, without brackets), not "
                               f"{type(function).__name__}.")
    rows = []
    for state in CUBE_STATES:
        try:
            value = function(*state)
        except Exception as error:  # the learner's code: report, do not crash
            return Feedback(False, f"your function{state} raised {type(error).__name__}: {error}")
        if value is None or (isinstance(value, (tuple, list)) and None in value):
            return Feedback(False, NO_ANSWER)
        try:
            pair = np.asarray(value, dtype=float).reshape(-1)
        except (TypeError, ValueError):
            pair = np.array([])
        if pair.size != 2 or not np.all(np.isfinite(pair)):
            return Feedback(False, "return two finite numbers, (∂g_{n+1}/∂a, ∂g_{n+1}/∂b); got "
                                   f"{value!r}.")
        rows.append(pair)
    return np.array(rows)


@exercise
def check_cube_tangent_step(function):
    """Exercise 4: function(g, dg_da, dg_db, x, a, b, alpha) should be one step of the tangent recursion for a·y³ + b."""
    from .. import inversion

    values = _tangent_values(function)
    if isinstance(values, Feedback):
        return values
    model = _cube_model()
    right = _cube_steps(model, lambda l_yy, al: 1 - al * l_yy, lambda l_yt, al: -al * l_yt)
    if not np.allclose(values, right, rtol=1e-9, atol=1e-12):
        line_rows = np.array([[(1 - 2 * al * a * a) * da - 2 * al * (a * g - (x - a * g - b)),
                               (1 - 2 * al * a * a) * db - 2 * al * a]
                              for g, da, db, x, a, b, al in CUBE_STATES])
        mistakes = [
            (_cube_steps(model, lambda l_yy, al: 1 - al * l_yy, lambda l_yt, al: 0.0),
             "the direct term ∂G/∂θ is missing: θ also enters this step's own formula, so add "
             "∂G/∂θ to ∂G/∂y·∂g_n/∂θ."),
            (_cube_steps(model, lambda l_yy, al: 0.0, lambda l_yt, al: -al * l_yt),
             "the earlier tangent is missing: g_n depends on θ too, so ∂G/∂y·∂g_n/∂θ comes first."),
            (_cube_steps(model, lambda l_yy, al: 1 + al * l_yy, lambda l_yt, al: al * l_yt),
             "wrong sign: a descent step is G = g − α∂L/∂y (downhill), so ∂G/∂y = 1 − α∂²L/∂y² "
             "and ∂G/∂θ = −α∂²L/∂y∂θ."),
            (_cube_steps(model, lambda l_yy, al: 1 - al * l_yy, lambda l_yt, al: al * l_yt),
             "the direct term has the wrong sign: ∂G/∂θ = −α∂²L/∂y∂θ."),
            (_cube_steps(model, lambda l_yy, al: 1 - l_yy, lambda l_yt, al: -l_yt),
             "α is missing: G = g − α∂L/∂y, so both ∂G/∂y − 1 and ∂G/∂θ carry the factor α."),
            (line_rows,
             "those are the line's formulas (q = 1 − 2αa²); derive this model's step: "
             "G = g − α∂L/∂y with L = (x − a·y³ − b)²."),
        ]
        for wrong, explanation in mistakes:
            if np.allclose(values, wrong, rtol=1e-9, atol=1e-12):
                return Feedback(False, explanation)
        worst = int(np.argmax(np.abs(values - right).max(axis=1)))
        return Feedback(False, f"at (g_n, ∂g_n/∂a, ∂g_n/∂b, x, a, b, α) = {CUBE_STATES[worst]} "
                               f"your step gives {tuple(np.round(values[worst], 6))}, the "
                               f"recursion {tuple(np.round(right[worst], 6))}.")
    theta, x, y0, alpha, n_steps = CUBE_RUN
    path = inversion.invert(model, theta, x, y0, alpha, n_steps).path
    tangent = np.zeros(2)
    for g in path[:-1]:
        tangent = np.asarray(function(float(g), *tangent, x, *theta, alpha), dtype=float)
    _, reference = inversion.unroll(model, theta, x, y0, alpha, n_steps)
    return Feedback(True, f"your step agrees with the recursion at {len(CUBE_STATES)} states you "
                          f"had not seen, and {n_steps} of them give ∂g_N/∂θ = "
                          f"({tangent[0]:.6g}, {tangent[1]:.6g}), as invlib.unroll's forward mode "
                          f"({float(reference[0]):.6g}, {float(reference[1]):.6g}).")
