"""Self-checks for notebook 04 (training through the unrolled steps).

Exercise 1: T at θ = (2, −4) for three points, with a single inner step; exercise 2: the sign of
∂T/∂b when b is one unit too high; exercise 3: the slope (1 − q^N)/a of the unrolled prediction
in x. The expected values are computed with invlib itself, so the checks and the lessons cannot
drift apart.
"""

import numbers

import numpy as np

from .. import data, inversion, line, training
from ..models import Line
from . import Feedback, check_number, exercise

# --------------------------------------------------------------------------------------
# Exercise 1: T with one inner step
# --------------------------------------------------------------------------------------

#: θ, the data y = −1, 0, 1 with x = 2y − 4, the start y₀, α and N of exercise 1.
LOSS_THETA = (2.0, -4.0)
LOSS_Y = np.array([-1.0, 0.0, 1.0])
LOSS_X = 2.0 * LOSS_Y - 4.0
LOSS_Y0, LOSS_ALPHA, LOSS_STEPS = 0.0, 0.05, 1


def expected_training_loss():
    """T(θ) of exercise 1, from invlib.training_loss (0.72)."""
    return training.training_loss(Line(), LOSS_THETA, LOSS_X, LOSS_Y, LOSS_Y0, LOSS_ALPHA,
                                  LOSS_STEPS)


@exercise
def check_training_loss(answer):
    """Exercise 1: T(θ) at θ = (2, −4) for y = −1, 0, 1, x = 2y − 4, one step from y₀ = 0."""
    expected = expected_training_loss()
    sum_y2 = float(np.sum(LOSS_Y**2))  # 2
    hints = [
        (0.0, "T = 0 would need h_θ(x_i) = y_i, but one step from y₀ = 0 does not reach "
              "y_i: the true θ fits perfectly only when the inversion is finished."),
        (expected / LOSS_Y.size, "That is the mean of the squared residuals; T is their sum."),
        (0.16 * sum_y2, "That is Σ h_i², the squared predictions; T sums the squared residuals "
                        "r_i = y_i − h_i."),
        (1.96 * sum_y2, "Your step went uphill: g₁ = g₀ − α ∂L/∂y with ∂L/∂y = −2a(x − a g₀ − b), "
                        "so g₁ = +2αa(x − b)."),
        (0.64 * sum_y2, "Your step is half as long as it should be: ∂L/∂y = −2a(x − a y − b) has "
                        "a factor 2 (from the square) and a factor a (the chain rule)."),
        (sum_y2, "That is T with no step at all (h = y₀ = 0): take the one step first."),
        (1.2, "That sums |r_i|; T sums the squares r_i²."),
    ]
    return check_number(answer, expected, "T", rtol=1e-6, hints=hints)


# --------------------------------------------------------------------------------------
# Exercise 2: the sign of ∂T/∂b
# --------------------------------------------------------------------------------------

#: θ of exercise 2: the right slope, b one unit too high; the rest is the original setup.
SIGN_THETA = (2.0, -3.0)

_WORDS = {"positive": 1, "+": 1, "pos": 1, "plus": 1, "up": 1,
          "negative": -1, "-": -1, "neg": -1, "minus": -1, "down": -1,
          "zero": 0, "0": 0}


def expected_dT_db():
    """∂T/∂b of exercise 2, from invlib.training_gradient (about +2.5)."""
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
    """Exercise 2: the sign of ∂T/∂b at θ = (2, −3) (original data, α = 0.05, N = 20).
    Answer "positive" or "negative" (or +1 / −1, or your value of ∂T/∂b)."""
    sign = _sign_of(answer)
    if sign is None:
        return Feedback(False, "Answer with 'positive' or 'negative' (or +1 / −1, or a number "
                               f"for ∂T/∂b), got {answer!r}.")
    expected = int(np.sign(expected_dT_db()))
    if sign == expected:
        return Feedback(True, "∂T/∂b > 0: with b too high every prediction h = (x − b)/a is "
                              "too low (r_i > 0), and raising b lowers it further "
                              "(∂h/∂b < 0), so T grows with b; descent lowers b towards −4.")
    if sign == 0:
        return Feedback(False, "∂T/∂b = −2 Σ r_i ∂h_i/∂b is 0 only if the residuals sum to 0; "
                               "here every prediction is off in the same direction.")
    return Feedback(False, "Mind the sign of ∂h/∂b: h ≈ (x − b)/a, so raising b lowers every "
                           "prediction, and the predictions are already too low (r_i > 0). "
                           "Then ∂T/∂b = −2 Σ r_i ∂h_i/∂b has two minus signs.")


# --------------------------------------------------------------------------------------
# Exercise 3: the slope of h in x
# --------------------------------------------------------------------------------------

#: α, a and N of exercise 3.
SLOPE_ALPHA, SLOPE_A, SLOPE_STEPS = 0.1, 2.0, 3


def expected_slope():
    """∂h/∂x of exercise 3, measured on invlib.unroll ((1 − q^N)/a = 0.496)."""
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
    return check_number(answer, expected_slope(), "the slope", rtol=1e-4, hints=hints)
