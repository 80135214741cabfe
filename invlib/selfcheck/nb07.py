"""Self-checks for notebook 07, momentum and step size in the inner loop.

The notebook works out slopes a ∈ [0.5, 2] in its text; exercises 1–3 ask the same questions for
a ∈ [1, 3]: the best plain step, its worst rate, and Polyak's momentum. Exercise 4: the
stability limit of look-ahead momentum with μ = 0.6 at a = 2. Exercise 5 (code): one
heavy-ball step for f = a·tanh(y) + b, run against invlib.invert. A wrong answer that matches a
common mistake is told which mistake; any other is told what it would do (its rate, or divergence).
"""

import math

import numpy as np

from .. import inversion, rates
from ..models import SympyModel
from . import NO_ANSWER, Feedback, as_number, check_number, exercise

#: The range of slopes exercises 1–3 ask about, and what follows from it.
A_MIN, A_MAX = 1.0, 3.0
C_MIN, C_MAX = 2 * A_MIN**2, 2 * A_MAX**2
KAPPA = C_MAX / C_MIN
#: The original's inner step, which learners sometimes plug in.
ORIGINAL_ALPHA = 0.05

BEST_PLAIN_ALPHA, PLAIN_RATE = rates.best_plain_alpha(A_MIN, A_MAX)
POLYAK_ALPHA, POLYAK_MOMENTUM, POLYAK_RATE = rates.polyak_parameters(A_MIN, A_MAX)

#: Exercise 4: look-ahead ("Nesterov") momentum at one slope.
NESTEROV_A, NESTEROV_MU = 2.0, 0.6
NESTEROV_C = 2 * NESTEROV_A**2
NESTEROV_LIMIT = float(rates.stable_step_limit(NESTEROV_MU, nesterov=True)) / NESTEROV_C


def _check(answer, expected, name, hints, explain, rtol=1e-6):
    """check_number with its hints; a wrong answer that matches none gets explain(value)."""
    feedback = check_number(answer, expected, name, rtol=rtol, hints=hints)
    value = as_number(answer, name)
    if feedback.ok or isinstance(value, Feedback):
        return feedback
    known = [wrong for wrong, _ in hints] + [-expected]
    if any(math.isclose(value, wrong, rel_tol=rtol, abs_tol=1e-9) for wrong in known):
        return feedback
    return Feedback(False, explain(value))


def _worst_plain_rate(alpha):
    """The worst |1 − αc| over the exercises' range, and the slope a where it occurs."""
    at_min, at_max = abs(1 - alpha * C_MIN), abs(1 - alpha * C_MAX)
    return (at_min, A_MIN) if at_min >= at_max else (at_max, A_MAX)


@exercise
def check_best_plain_alpha(answer):
    """Exercise 1: the one plain step α best for every a in [1, 3]."""
    hints = [
        (2.0 / (A_MIN + A_MAX), "You used the slopes a instead of the curvatures c = 2a²: a "
                                "step multiplies the error by 1 − αc, so balance αc at the "
                                "two ends of the range."),
        (2.0 / (A_MIN**2 + A_MAX**2), "You used a² as the curvature; the curvature of "
                                      "L = (x − a·y − b)² is c = 2a² (mind the factor 2 "
                                      "from the square)."),
        (1.0 / (C_MIN + C_MAX), "Almost: balancing the two ends, 1 − αc_min = αc_max − 1, "
                                "gives α(c_min + c_max) = 2, not 1. (This is also the "
                                "original's α = 0.05, by coincidence.)"),
        (1.0 / C_MAX, f"α = 1/c_max = 1/{C_MAX:g} is the best step for a = {A_MAX:g} alone "
                      f"(one step lands on y*), but at a = {A_MIN:g} it is slow: "
                      f"|1 − α·{C_MIN:g}| = {1 - C_MIN / C_MAX:.3f}."),
        (2.0 / C_MAX, f"α = 2/c_max = 1/{C_MAX / 2:g} is the edge of stability at "
                      f"a = {A_MAX:g}: there |1 − αc| = 1 and the error never shrinks."),
        (POLYAK_ALPHA, f"{POLYAK_ALPHA:g} is Polyak's step for heavy ball, which relies on "
                       "momentum; plain descent has none."),
    ]

    def explain(alpha):
        if alpha <= 0:
            return f"α = {alpha:g} does not step downhill: a step width must be > 0."
        worst, where = _worst_plain_rate(alpha)
        if worst >= 1:
            return (f"With α = {alpha:g} the steps diverge at a = {A_MAX:g}: "
                    f"αc_max = {alpha * C_MAX:.3g} ≥ 2. The best α is smaller.")
        end = "steep" if where == A_MAX else "flat"
        move = "smaller" if where == A_MAX else "larger"
        return (f"With α = {alpha:g} the worst rate is {worst:.3g}, at the {end} end a = "
                f"{where:g}; the other end does better. A {move} α balances the two ends.")

    return _check(answer, BEST_PLAIN_ALPHA, "α", hints, explain)


@exercise
def check_plain_rate(answer):
    """Exercise 2: the worst rate of exercise 1's α over a in [1, 3]."""
    slope_ratio = A_MAX / A_MIN
    hints = [
        (POLYAK_RATE, f"{POLYAK_RATE:g} is heavy ball's rate with Polyak's parameters, "
                      "(√κ − 1)/(√κ + 1) — or plain descent's (κ − 1)/(κ + 1) with κ taken "
                      f"as a_max/a_min = {slope_ratio:g}. For plain descent use "
                      f"κ = c_max/c_min = (a_max/a_min)² = {KAPPA:g}."),
        (0.0, "The rate is 0 only at the middle curvature c = (c_min + c_max)/2, where one "
              "step lands on y*; the worst rate is at the two ends of the range."),
        (PLAIN_RATE**2, "That is the rate squared: the factor per step on the loss "
                        "L = a²e², not on the error e = g_n − y*."),
        ((KAPPA - 1.0) / KAPPA, "(κ − 1)/κ = 1 − c_min/c_max is the worst rate of "
                                "α = 1/c_max; with α = 2/(c_min + c_max) it is "
                                "(κ − 1)/(κ + 1)."),
        (1.0 - ORIGINAL_ALPHA * C_MIN, f"{1 - ORIGINAL_ALPHA * C_MIN:g} is the rate of the "
                                       f"original α = {ORIGINAL_ALPHA} at a = {A_MIN:g}; use "
                                       "the best α from exercise 1."),
    ]

    def explain(value):
        if value < 0:
            return "A rate is an absolute value |1 − αc|, never negative."
        if value >= 1:
            return (f"A rate ≥ 1 would mean the steps do not converge, but α = "
                    f"{BEST_PLAIN_ALPHA:g} keeps αc ≤ {BEST_PLAIN_ALPHA * C_MAX:g} < 2 across "
                    "the whole range.")
        direction = "too large" if value > PLAIN_RATE else "too small"
        return (f"{value:g} is {direction}: evaluate |1 − αc| with α = {BEST_PLAIN_ALPHA:g} at "
                f"both ends, c_min = {C_MIN:g} and c_max = {C_MAX:g}, and take the larger.")

    return _check(answer, PLAIN_RATE, "the worst rate", hints, explain)


@exercise
def check_polyak_momentum(answer):
    """Exercise 3: Polyak's momentum for a in [1, 3]."""
    wrong_root = math.sqrt(A_MAX / A_MIN)
    hints = [
        (POLYAK_RATE, f"{POLYAK_RATE:g} = (√κ − 1)/(√κ + 1) is the rate, which equals √μ; "
                      "the momentum is its square."),
        (((wrong_root - 1.0) / (wrong_root + 1.0)) ** 2,
         f"You took κ = a_max/a_min = {A_MAX / A_MIN:g}; κ is the ratio of the curvatures "
         f"c = 2a², (a_max/a_min)² = {KAPPA:g}, so √κ = {math.sqrt(KAPPA):g}."),
        (PLAIN_RATE, "(κ − 1)/(κ + 1) is plain descent's best rate; Polyak's momentum is "
                     "((√κ − 1)/(√κ + 1))²."),
        (float(rates.best_momentum(ORIGINAL_ALPHA, C_MIN)),
         f"That is the best μ for α = {ORIGINAL_ALPHA} at a = {A_MIN:g} alone, "
         "(1 − √(αc))². Polyak's μ is chosen, together with its own α, for the whole range."),
        (0.9, "0.9 is a common default in deep learning, not the best value for this range: "
              "its rate could be no better than √0.9 ≈ 0.95."),
    ]

    def explain(mu):
        if not 0 <= mu < 1:
            return f"μ = {mu:g} is not a momentum: the heavy ball needs 0 ≤ μ < 1."
        root = math.sqrt(mu)
        ratio = ((1 + root) / (1 - root)) ** 2
        if mu < POLYAK_MOMENTUM:
            return (f"With μ = {mu:g} the flat band [(1 − √μ)², (1 + √μ)²] spans a ratio of "
                    f"only {ratio:.3g} between its ends, less than κ = {KAPPA:g}: no single α "
                    f"fits every curvature from {C_MIN:g} to {C_MAX:g} into it. Choose μ so "
                    "that the ratio is exactly κ.")
        return (f"With μ = {mu:g} the flat band spans a ratio of {ratio:.3g} > κ = {KAPPA:g}: "
                f"it covers the range, but at the rate √μ = {root:.3g}, slower than needed. "
                "Choose μ so that the ratio is exactly κ.")

    return _check(answer, POLYAK_MOMENTUM, "μ", hints, explain)


@exercise
def check_nesterov_limit(answer):
    """Exercise 4: the stability limit α of look-ahead momentum, μ = 0.6 at a = 2."""
    c, mu = NESTEROV_C, NESTEROV_MU
    hints = [
        (2 * (1 + mu) / c, f"{2 * (1 + mu) / c:g} = 2(1 + μ)/c is the heavy ball's limit; "
                           "the look-ahead lowers it by the factor 1 + 2μ."),
        (2 / c, f"{2 / c:g} = 2/c = 1/a² is plain descent's limit. Momentum changes it: "
                "find where the look-ahead's spectral radius reaches 1."),
        (2 * (1 + mu) / (1 + 2 * mu) / NESTEROV_A**2,
         f"You used c = a²; the curvature of L = (x − a·y − b)² is c = 2a² = {c:g}."),
        (2 * (1 + mu) / (1 + 2 * mu), f"{2 * (1 + mu) / (1 + 2 * mu):.4g} is the limit on the "
                                      f"product αc; divide by c = {c:g} to get α."),
    ]

    def explain(alpha):
        if alpha <= 0:
            return f"α = {alpha:g} does not step downhill: a step width must be > 0."
        rho = float(rates.rate(alpha, mu, c, nesterov=True))
        if rho < 1:
            return (f"With α = {alpha:g}, the look-ahead's rate is ρ = {rho:.4f} < 1: the steps "
                    "still converge, so the limit is larger.")
        return (f"With α = {alpha:g}, the look-ahead's rate is ρ = {rho:.4f} ≥ 1: the steps do not "
                "converge, so the limit is smaller.")

    return _check(answer, NESTEROV_LIMIT, "α", hints, explain, rtol=1e-3)


#: Exercise 5: the settings the learner's heavy-ball step is run on (not those of the notebook).
STEP_CASES = [  # (θ, x, g₀, α, μ, N)
    ((1.5, 0.2), 0.9, -0.5, 0.15, 0.6, 8),
    ((-0.8, 0.5), 0.1, 1.2, 0.3, 0.75, 8),
]


def tanh_model():
    """The saturating model f_θ(y) = a·tanh(y) + b of notebook 01 (section 6a)."""
    import sympy  # here, so that importing the self-checks stays light

    a, b, y = sympy.symbols("a b y")
    return SympyModel(a * sympy.tanh(y) + b, latent="y", params=("a", "b"))


def _step(factor=2.0, saturation=True, outer_a=True, sign=-1.0, momentum=True, carry="new"):
    """A heavy-ball step for a·tanh(y) + b, right or with one slip."""
    def step(g, velocity, theta, x, alpha, mu):
        a, b = theta
        t = math.tanh(g)
        L_y = -factor * (a if outer_a else 1.0) * (1 - t * t if saturation else 1.0) * (x - a * t - b)
        new = (mu * velocity if momentum else 0.0) + sign * alpha * L_y
        if carry == "old":           # g moved by the old step
            return g + velocity, new
        if carry == "gradient":      # the new step taken, but only its gradient part handed back
            return g + new, sign * alpha * L_y
        return g + new, new
    return step


#: Exercise 5: typical wrong heavy-ball steps, and what each one got wrong.
WRONG_STEPS = [
    (_step(factor=1.0),
     "∂L/∂y misses the factor 2 of the square: L = (x − a·tanh y − b)² gives "
     "∂L/∂y = −2(x − a·tanh y − b)·∂f/∂y."),
    (_step(saturation=False),
     "∂L/∂y misses the derivative of tanh: ∂f/∂y = a(1 − tanh²y), not a."),
    (_step(outer_a=False),
     "∂L/∂y misses the factor a: ∂f/∂y = a(1 − tanh²y)."),
    (_step(sign=+1.0),
     "Wrong sign: the step goes downhill, Δg_{n+1} = μ·Δg_n − α·∂L/∂y, with "
     "∂L/∂y = −2a(1 − tanh²y)(x − a·tanh y − b)."),
    (_step(momentum=False),
     "You forgot the momentum: Δg_{n+1} = μ·Δg_n − α·∂L/∂y keeps μ times the last step."),
    (_step(carry="old"),
     "g_{n+1} = g_n + Δg_{n+1} moves by the NEW step; you moved g by the old one, Δg_n."),
    (_step(carry="gradient"),
     "Hand back the whole new step Δg_{n+1} = μ·Δg_n − α·∂L/∂y: you handed back only "
     "−α·∂L/∂y, so the velocity is not carried and the momentum never builds up."),
]


def _as_number_pair(result):
    """The learner's (g_{n+1}, Δg_{n+1}) as two floats, None for the stub, or a Feedback."""
    shape = "Return a pair (g_{n+1}, Δg_{n+1}) of two numbers."
    try:
        g, velocity = result
    except (TypeError, ValueError):
        return Feedback(False, shape)
    if g is None or velocity is None:
        return None
    try:
        pair = float(np.asarray(g, dtype=float).item()), float(np.asarray(velocity, dtype=float).item())
    except (TypeError, ValueError):
        return Feedback(False, shape)
    if not all(math.isfinite(value) for value in pair):
        return Feedback(False, "your step returned a number that is not finite (nan or inf).")
    return pair


def _run_steps(step, case):
    """g₀ … g_N of `step` from g₀ with Δg₀ = 0; None if the step returned None, a Feedback if
    it returned something else than a pair of numbers."""
    theta, x, g0, alpha, mu, n_steps = case
    g, velocity = g0, 0.0
    path = [g]
    for _ in range(n_steps):
        pair = _as_number_pair(step(g, velocity, theta, x, alpha, mu))
        if pair is None or isinstance(pair, Feedback):
            return pair
        g, velocity = pair
        path.append(g)
    return np.array(path)


@exercise
def check_heavy_ball_step(heavy_ball_step):
    """Exercise 5: one heavy-ball step for f = a·tanh(y) + b, run N steps and compared with
    invlib.invert(..., momentum=μ) on settings the notebook does not use."""
    if not callable(heavy_ball_step):
        return Feedback(False, "pass the function itself: check_heavy_ball_step(heavy_ball_step).")
    model = tanh_model()
    for case in STEP_CASES:
        theta, x, g0, alpha, mu, n_steps = case
        try:
            path = _run_steps(heavy_ball_step, case)
        except Exception as error:  # the learner's code: say what it raised
            return Feedback(False, f"your function raised {type(error).__name__}: {error}")
        if path is None:
            return Feedback(False, NO_ANSWER)  # the stub as committed: nothing to check yet
        if isinstance(path, Feedback):
            return path
        expected = inversion.invert(model, theta, x, g0, alpha, n_steps, momentum=mu).path
        if np.allclose(path, expected, rtol=1e-9, atol=1e-12):
            continue
        for wrong, explanation in WRONG_STEPS:
            if np.allclose(path, _run_steps(wrong, case), rtol=1e-9, atol=1e-12):
                return Feedback(False, explanation)
        first = int(np.argmax(~np.isclose(path, expected, rtol=1e-9, atol=1e-12)))
        return Feedback(False, f"With θ = {theta}, x = {x}, g₀ = {g0}, α = {alpha}, μ = {mu} "
                               f"your step {first} gives g = {path[first]:.6g}, invlib.invert "
                               f"{expected[first]:.6g}. Check ∂L/∂y of "
                               "L = (x − a·tanh y − b)² at y = g_n, then the heavy-ball step.")
    return Feedback(True, f"your steps agree with invlib.invert(..., momentum=μ) at every step, "
                          f"in {len(STEP_CASES)} settings you have not seen.")
