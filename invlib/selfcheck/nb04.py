"""Self-checks for notebook 04 (training through the unrolled steps).

Exercise 1: T at θ = (2, −4) for three points, with a single inner step; exercise 2: the sign of
∂T/∂b at θ = (3, −5), slope and offset both wrong; exercise 3: the slope (1 − q^N)/a of the unrolled prediction
in x; exercise 4 (code): the line's ∂T/∂θ by hand, tried on unseen settings. The expected values
are computed with invlib itself, so the checks and the lessons cannot drift apart.
"""

import numbers

import numpy as np

from .. import data, inversion, line, training
from ..models import Line
from . import Feedback, as_number, check_number, exercise, learner_result, rounds_to

# --------------------------------------------------------------------------------------
# Exercise 1: T with one inner step
# --------------------------------------------------------------------------------------

#: θ, the data y = −1, 0, 1 with x = 2y − 4, the start g₀, α and N of exercise 1.
LOSS_THETA = (2.0, -4.0)
LOSS_Y = np.array([-1.0, 0.0, 1.0])
LOSS_X = 2.0 * LOSS_Y - 4.0
LOSS_Y0, LOSS_ALPHA, LOSS_STEPS = 0.0, 0.05, 1


def expected_training_loss():
    """T(θ) of exercise 1, from invlib.training_loss."""
    return training.training_loss(Line(), LOSS_THETA, LOSS_X, LOSS_Y, LOSS_Y0, LOSS_ALPHA,
                                  LOSS_STEPS)


@exercise
def check_training_loss(answer):
    """Exercise 1: T(θ) at θ = (2, −4) for y = −1, 0, 1, x = 2y − 4, one step from g₀ = 0."""
    expected = expected_training_loss()
    sum_y2 = float(np.sum(LOSS_Y**2))  # 2
    hints = [
        (0.0, "T = 0 would need h_θ(x_i) = y_i, but one step from g₀ = 0 does not reach "
              "y_i: the true θ fits perfectly only when the inversion is finished."),
        (expected / LOSS_Y.size, "That is the mean of the squared misses; T is their sum."),
        (0.16 * sum_y2, "That is Σ hᵢ², the squared predictions; T sums the squared misses "
                        "(yᵢ − hᵢ)²."),
        (1.96 * sum_y2, "Your step went uphill: g₁ = g₀ − α ∂L/∂y with ∂L/∂y = −2a(x − a g₀ − b), "
                        "so g₁ = +2αa(x − b)."),
        (0.64 * sum_y2, "Your step is half as long as it should be: ∂L/∂y = −2a(x − a y − b) has "
                        "a factor 2 (from the square) and a factor a (the chain rule)."),
        (sum_y2, "That is T with no step at all (h = g₀ = 0): take the one step first."),
        (1.2, "That sums |yᵢ − hᵢ|; T sums the squares (yᵢ − hᵢ)²."),
    ]
    return check_number(answer, expected, "T", rtol=1e-6, hints=hints)


# --------------------------------------------------------------------------------------
# Exercise 2: the sign of ∂T/∂b
# --------------------------------------------------------------------------------------

#: θ of exercise 2: slope and offset both wrong; the rest is the original setup.
SIGN_THETA = (3.0, -5.0)

_WORDS = {"positive": 1, "+": 1, "pos": 1, "plus": 1, "up": 1,
          "negative": -1, "-": -1, "neg": -1, "minus": -1, "down": -1,
          "zero": 0, "0": 0}


def expected_dT_db():
    """∂T/∂b of exercise 2, from invlib.training_gradient."""
    problem = data.original_problem()
    _, gradient = training.training_gradient(Line(), SIGN_THETA, problem.x, problem.y,
                                             problem.y0_training, problem.alpha,
                                             problem.n_steps)
    return float(gradient[1])


def _sign_of(answer):
    """+1, −1 or 0 from a word ('positive', '-', …) or a number; None if unreadable."""
    if isinstance(answer, str):
        return _WORDS.get(answer.strip().lower())
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, numbers.Real):
        return None
    if not np.isfinite(float(answer)):
        return None
    return int(np.sign(float(answer)))


@exercise
def check_sign_dT_db(answer):
    """Exercise 2: the sign of ∂T/∂b at θ = (3, −5) (original data, α = 0.05, N = 20).
    Answer "positive" or "negative" (or +1 / −1, or your value of ∂T/∂b)."""
    sign = _sign_of(answer)
    if sign is None:
        return Feedback(False, "Answer with 'positive' or 'negative' (or +1 / −1, or a number "
                               f"for ∂T/∂b), got {answer!r}.")
    expected = int(np.sign(expected_dT_db()))
    if sign == expected:
        return Feedback(True, "∂T/∂b < 0: the predictions h ≈ (x − b)/a = (2y + 1)/3 miss by "
                              "yᵢ − hᵢ = (yᵢ − 1)/3, which sum to −5/3: on the whole they are "
                              "too high. Raising b lowers every prediction by the same amount "
                              "(∂h/∂b ≈ −1/3), so T falls as b grows; descent raises b.")
    if sign == 0:
        return Feedback(False, "∂T/∂b = −2 Σ (yᵢ − hᵢ) ∂hᵢ/∂b, and ∂hᵢ/∂b is the same for "
                               "every example, so it is 0 only if the misses yᵢ − hᵢ sum to "
                               "0. Work out hᵢ ≈ (xᵢ − b)/a for the five examples and add up "
                               "the misses.")
    return Feedback(False, "Mind the signs: h ≈ (x − b)/a, so raising b lowers every "
                           "prediction (∂h/∂b < 0). Some predictions are too high and some "
                           "too low: what counts is the sum of the misses Σ (yᵢ − hᵢ), since "
                           "∂T/∂b = −2 Σ (yᵢ − hᵢ) ∂hᵢ/∂b with the same ∂hᵢ/∂b for all.")


# --------------------------------------------------------------------------------------
# Exercise 3: the slope of h in x
# --------------------------------------------------------------------------------------

#: α, a and N of exercise 3.
SLOPE_ALPHA, SLOPE_A, SLOPE_STEPS = 0.1, 2.0, 3


def expected_slope():
    """∂h/∂x of exercise 3, measured on invlib.unroll."""
    theta, steps = (SLOPE_A, 0.0), SLOPE_STEPS
    h_low, _ = inversion.unroll(Line(), theta, 0.0, 0.0, SLOPE_ALPHA, steps)
    h_high, _ = inversion.unroll(Line(), theta, 1.0, 0.0, SLOPE_ALPHA, steps)
    return float(h_high - h_low)  # h is affine in x, so one unit of x gives the slope


@exercise
def check_slope(answer):
    """Exercise 3: the slope (1 − q^N)/a of h in x for α = 0.1, a = 2, N = 3."""
    alpha, a, n = SLOPE_ALPHA, SLOPE_A, SLOPE_STEPS
    q = line.q(alpha, a)
    q_wrong = 1.0 - alpha * a * a
    hints = [
        (1.0 / a, "1/a is the limit N → ∞, where the inversion is finished; after N = 3 steps "
                  "a fraction q^N of the start is still left."),
        (1.0 - q**n, "You forgot to divide by a: y* = (x − b)/a already has slope 1/a."),
        (a * (1.0 - q**n), "Divide by a, do not multiply: y* = (x − b)/a."),
        ((1.0 - q_wrong**n) / a, "q = 1 − 2αa²: the 2 comes from differentiating the square "
                                 "in L = (x − a y − b)²."),
        ((1.0 - q ** (n - 1)) / a, "Off by one step: after N steps the start's weight is q^N."),
        ((1.0 - q ** (n + 1)) / a, "Off by one step: after N steps the start's weight is q^N."),
        (q**n / a, "q^N is what is left of the start; the slope comes from the part that moved "
                   "towards y*, 1 − q^N."),
    ]
    expected = expected_slope()
    value = as_number(answer, "the slope")
    if not isinstance(value, Feedback) and not rounds_to(value, expected):
        for wrong, explanation in hints:  # a wrong value typed to three digits is named too
            if rounds_to(value, wrong):
                return Feedback(False, explanation)
    return check_number(answer, expected, "the slope", rtol=1e-4, hints=hints)


# --------------------------------------------------------------------------------------
# Exercise 4 (code): the line's training gradient by hand
# --------------------------------------------------------------------------------------

#: Seed of the unseen cases the learner's function is tried on.
GRADIENT_SEED = 404


def gradient_cases(count=4, seed=GRADIENT_SEED):
    """Unseen settings for exercise 4: dicts of θ, x, y, y0, α, N, each with |q| < 1."""
    rng = np.random.default_rng(seed)
    cases = []
    for steps in (3, 8, 1, 21)[:count]:
        a = float(rng.uniform(0.8, 2.5))
        alpha = float(rng.uniform(0.1, 0.9)) / (a * a)  # 0 < αa² < 1, so |q| < 1
        m = int(rng.integers(3, 8))
        y = rng.uniform(-3.0, 3.0, m)
        x = 1.7 * y - 1.0 + rng.normal(0.0, 0.5, m)
        cases.append({"theta": np.array([a, float(rng.uniform(-3.0, 3.0))]), "x": x, "y": y,
                      "y0": float(rng.uniform(-2.0, 2.0)), "alpha": alpha, "n_steps": steps})
    return cases


def _inner_loss_gradient(case, at):
    """Σᵢ ∂L/∂θ of the inner loss L = (xᵢ − a·gᵢ − b)² at gᵢ = at (a typical wrong function)."""
    a, b = case["theta"]
    inner = case["x"] - a * at - b
    return np.array([np.sum(-2.0 * inner * at), np.sum(-2.0 * inner)])


def _typical_mistakes(case, right):
    """(wrong gradient, what went wrong) for the usual slips in ∂T/∂θ."""
    h, _ = inversion.unroll(Line(), case["theta"], case["x"], case["y0"], case["alpha"],
                            case["n_steps"])
    mistakes = [
        (right / 2.0, "a factor 2 is missing: ∂/∂θ of (yᵢ − hᵢ)² is −2(yᵢ − hᵢ)·∂hᵢ/∂θ."),
        (-right, "the sign is wrong: the miss is yᵢ − hᵢ, so ∂T/∂θ = −2 Σ (yᵢ − hᵢ) ∂hᵢ/∂θ "
                 "(or +2 Σ (hᵢ − yᵢ) ∂hᵢ/∂θ)."),
        (-right / 2.0, "both the sign and a factor 2: ∂T/∂θ = −2 Σ (yᵢ − hᵢ) ∂hᵢ/∂θ."),
        (_inner_loss_gradient(case, case["y"]),
         "that is ∂L/∂θ, the derivative of the inner loss L = (xᵢ − a·yᵢ − b)² (fitting the "
         "forward model), not of T = Σ (yᵢ − hᵢ)²: differentiate the prediction hᵢ = g_N."),
        (_inner_loss_gradient(case, h),
         "that is ∂L/∂θ at g_N, the derivative of the inner loss, not of T = Σ (yᵢ − hᵢ)²: "
         "the gradient of T needs the tangent ∂g_N/∂θ, carried through the N steps."),
    ]
    for steps in (case["n_steps"] - 1, case["n_steps"] + 1):
        if steps >= 1:
            shifted = dict(case, n_steps=steps)
            _, gradient = training.training_gradient(Line(), shifted["theta"], shifted["x"],
                                                     shifted["y"], shifted["y0"],
                                                     shifted["alpha"], steps)
            mistakes.append((gradient, f"that is the gradient for {steps} steps, not N = "
                                       f"{case['n_steps']}: count the steps (off by one)."))
    return mistakes


@exercise
def check_training_gradient(gradient_by_hand):
    """Exercise 4: a function (θ, x, y, y0, α, N) → ∂T/∂θ = (∂T/∂a, ∂T/∂b) for the line, tried on
    unseen settings against invlib.training_gradient."""
    for case in gradient_cases():
        right = training.training_gradient(Line(), case["theta"], case["x"], case["y"],
                                           case["y0"], case["alpha"], case["n_steps"])[1]
        value = learner_result(
            gradient_by_hand, (case["theta"].copy(), case["x"].copy(), case["y"].copy(),
                               case["y0"], case["alpha"], case["n_steps"]),
            "only ∂T/∂θ, as two numbers (∂T/∂a, ∂T/∂b), not T as well",
            f" (on N = {case['n_steps']}, m = {case['x'].size} examples).", shape=(2,))
        if isinstance(value, Feedback):
            return value
        if np.allclose(value, right, rtol=1e-7, atol=1e-10):
            continue
        for wrong, explanation in _typical_mistakes(case, right):
            if np.allclose(value, wrong, rtol=1e-7, atol=1e-10):
                return Feedback(False, explanation)
        part = "∂T/∂a" if not np.isclose(value[0], right[0], rtol=1e-7, atol=1e-10) else "∂T/∂b"
        return Feedback(False, f"{part} differs: on a setting with N = {case['n_steps']} your "
                               f"function gave {np.round(value, 6)}, invlib.training_gradient "
                               f"gives {np.round(right, 6)}. Check it on the notebook's data "
                               "first.")
    return Feedback(True, "your ∂T/∂θ agrees with invlib.training_gradient on "
                          f"{len(gradient_cases())} settings it had not seen.")
