"""Self-checks for notebook 05 (noise and ill-posedness).

Exercise 1: the limit â = a + σ²/(aV) of the trained slope; exercise 2: which estimator
predicts y better inside the training range and which when extrapolating, measured by a seeded
simulation; exercise 3: the spread σ/a of the inferred y for a flat line.
"""

import numpy as np

from .. import data, regression
from . import Feedback, check_number, exercise

# --------------------------------------------------------------------------------------
# Exercise 1: the biased slope
# --------------------------------------------------------------------------------------

#: a, σ (noise in x) and Var y of exercise 1.
BIAS_A, BIAS_NOISE, BIAS_VAR_Y = 0.5, 0.3, 3.0


def expected_biased_slope():
    """a + σ²/(aV) for exercise 1 (0.56), from invlib.regression.slope_limits."""
    return regression.slope_limits(BIAS_A, BIAS_NOISE, BIAS_VAR_Y, "x")[0]


@exercise
def check_biased_slope(answer):
    """Exercise 1: the trained slope â for m, N → ∞ with a = 0.5, σ = 0.3 in x, Var y = 3."""
    a, s, v = BIAS_A, BIAS_NOISE, BIAS_VAR_Y
    c = a * v / (a * a * v + s * s)
    hints = [
        (a, "That is the true slope, which the classical estimator finds. The trained model "
            "regresses y on x, and noise in x flattens that regression: â = 1/c comes out "
            "larger than a."),
        (c, "That is c, the slope of the regression of y on x. The model's slope is its "
            "inverse, â = 1/c."),
        (a - s * s / (a * v), "The bias goes the other way: noise in x flattens the line of y on "
                              "x (c < 1/a), so â = 1/c > a."),
        (a + s / (a * v), "σ enters squared: the noise adds σ² to the variance of x."),
        (a + s * s * v / a, "Var y belongs in the denominator: â = (a²V + σ²)/(aV) = a + σ²/(aV)."),
        (a + s * s / (a * a * v), "Divide σ² by a·V, not a²·V: â = (a²V + σ²)/(aV)."),
        (a + s * s / v, "You lost the a in the denominator: â = (a²V + σ²)/(aV) = a + σ²/(aV)."),
        (a + s * s / a, "You lost Var y: â = a + σ²/(a·Var y), and Var y = 3 here."),
        (a * v / (v + s * s), "That is the classical slope with noise in y (attenuation); here "
                              "the noise is in x and the question is about the trained slope."),
    ]
    return check_number(answer, expected_biased_slope(), "â", rtol=1e-4, hints=hints)


# --------------------------------------------------------------------------------------
# Exercise 2: which estimator predicts better, inside and outside
# --------------------------------------------------------------------------------------

#: The setting of exercise 2: a, b, σ (in x), m training samples on y in [−2, 2],
#: test causes inside (uniform on [−2, 2]) and outside (uniform on [3, 4]).
BETTER_THETA, BETTER_NOISE, BETTER_SAMPLES = (2.0, -4.0), 0.5, 50
BETTER_INSIDE, BETTER_OUTSIDE = (-2.0, 2.0), (3.0, 4.0)
BETTER_REPEATS, BETTER_TEST, BETTER_SEED = 2000, 20, 55

_NAMES = {"trained": "trained", "inverse": "trained", "inverse regression": "trained",
          "inverse-regression": "trained", "y on x": "trained", "h": "trained",
          "classical": "classical", "forward": "classical", "x on y": "classical",
          "classical estimator": "classical", "trained model": "trained"}


def _fits(x, y):
    """Both estimators for each row of (x, y): the trained (u, v) and classical (u, v),
    each a predictor y ≈ u·x + v."""
    c, d = regression.inverse_regression(x, y)
    a_cl, b_cl = regression.classical_fit(x, y)
    return (c, d), (1.0 / a_cl, -b_cl / a_cl)


def prediction_errors():
    """Mean squared errors of y, measured on fresh seeded data: a dict
    {("inside" | "outside", "trained" | "classical"): value}."""
    r, m, k = BETTER_REPEATS, BETTER_SAMPLES, BETTER_TEST
    x, y = data.line_data(r * m, BETTER_THETA, BETTER_NOISE, random_y=True, seed=BETTER_SEED)
    estimators = dict(zip(("trained", "classical"), _fits(x.reshape(r, m), y.reshape(r, m))))
    errors = {}
    for offset, (where, y_range) in enumerate((("inside", BETTER_INSIDE),
                                               ("outside", BETTER_OUTSIDE))):
        xt, yt = data.line_data(r * k, BETTER_THETA, BETTER_NOISE, y_range=y_range,
                                random_y=True, seed=BETTER_SEED + 1 + offset)
        xt, yt = xt.reshape(r, k), yt.reshape(r, k)
        for name, (u, v) in estimators.items():
            errors[where, name] = float(np.mean((u[:, None] * xt + v[:, None] - yt) ** 2))
    return errors


def _name(answer):
    if not isinstance(answer, str):
        return None
    return _NAMES.get(answer.strip().lower())


@exercise
def check_better_estimator(inside, outside):
    """Exercise 2: which estimator, "trained" or "classical", has the smaller mean squared error of
    y inside the training range [−2, 2], and which outside it, on [3, 4]?"""
    answers = {"inside": _name(inside), "outside": _name(outside)}
    for where, given in (("inside", inside), ("outside", outside)):
        if answers[where] is None:
            return Feedback(False, f"Answer {where}= with 'trained' or 'classical', got {given!r}.")
    errors = prediction_errors()
    best = {where: min(("trained", "classical"), key=lambda n: errors[where, n])
            for where in ("inside", "outside")}
    numbers = (f"(measured: inside trained {errors['inside', 'trained']:.3f}, classical "
               f"{errors['inside', 'classical']:.3f}; outside trained "
               f"{errors['outside', 'trained']:.3f}, classical "
               f"{errors['outside', 'classical']:.3f})")
    if answers == best:
        return Feedback(True, "the trained line shrinks its predictions towards the mean of "
                              "the training y: that pays inside the range, where the test causes "
                              "follow the same distribution, and costs outside it, where the "
                              f"shrinkage becomes a large bias {numbers}.")
    wrong = []
    if answers["inside"] != best["inside"]:
        wrong.append("Inside the range the trained line wins: pulling a noisy prediction "
                     "towards the mean of y removes more variance than it adds bias, because "
                     "the test causes come from the same distribution as the training ones.")
    if answers["outside"] != best["outside"]:
        wrong.append("Outside the range the classical estimator wins: the trained line's pull "
                     "towards the mean of y (about 0) grows with the distance from it, and on "
                     "[3, 4] that bias outweighs the variance it saves.")
    return Feedback(False, " ".join(wrong) + f" {numbers}")


# --------------------------------------------------------------------------------------
# Exercise 3: noise amplification by a flat forward model
# --------------------------------------------------------------------------------------

#: a and σ (in x) of exercise 3.
AMPLIFY_A, AMPLIFY_NOISE = 0.05, 0.01


@exercise
def check_amplification(answer):
    """Exercise 3: the standard deviation of the inferred y = (x − b)/a for noise σ = 0.01 in x and
    a = 0.05, the model known exactly (σ/a = 0.2)."""
    a, s = AMPLIFY_A, AMPLIFY_NOISE
    hints = [
        (s, "The inversion divides by a: an error σ in x becomes σ/a in y, not σ."),
        (s * a, "Divide by a, do not multiply: y = (x − b)/a."),
        (s * s / (a * a), "That is the variance (σ/a)²; the question asks for the standard "
                          "deviation σ/a."),
        (s / (a * a), "a enters once: y = (x − b)/a, so the error is σ/a."),
        (a / s, "Upside down: the error in y is σ/a."),
        (1.0 / a, "That is the amplification factor 1/a; multiply it by σ."),
    ]
    return check_number(answer, s / a, "the standard deviation of y", rtol=1e-6, hints=hints)
