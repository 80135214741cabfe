"""Self-checks for notebook 05 (noise and ill-posedness).

Exercise 1: the limit 1/s → a + σ²/(aV) of the trained model's slope; exercise 2: which estimator
predicts y better inside the training range and which when extrapolating, with the noise in y
(the recorded causes), measured by a seeded simulation (medians over training sets); exercise 3 (code): the least-squares line of y on x
by hand, tried on unseen data; exercise 4: the spread σ/a of the inferred y for a flat line.
"""

import numpy as np

from .. import data, regression
from . import Feedback, as_number, check_number, exercise, learner_result, rounds_to

def _check_with_hints(answer, expected, name, hints, rtol):
    """check_number, but a hint also fits an answer given to three significant digits (1.786
    for s = 1.7857…), so a rounded wrong value is named, not called "too large"."""
    value = as_number(answer, name)
    if not isinstance(value, Feedback) and not rounds_to(value, expected):
        for wrong, explanation in hints:
            if rounds_to(value, wrong) or np.isclose(value, wrong, rtol=rtol, atol=1e-9):
                return Feedback(False, explanation)
    return check_number(answer, expected, name, rtol=rtol, hints=hints)


# --------------------------------------------------------------------------------------
# Exercise 1: the biased slope
# --------------------------------------------------------------------------------------

#: a, σ (noise in x) and Var y of exercise 1.
BIAS_A, BIAS_NOISE, BIAS_VAR_Y = 0.5, 0.3, 3.0


def expected_biased_slope():
    """The limit of exercise 1, from invlib.regression.slope_limits."""
    return regression.slope_limits(BIAS_A, BIAS_NOISE, BIAS_VAR_Y, "x")[0]


@exercise
def check_biased_slope(answer):
    """Exercise 1: the trained model's slope 1/s for m, N → ∞ with a = 0.5, σ = 0.3 in x, Var y = 3."""
    a, noise, v = BIAS_A, BIAS_NOISE, BIAS_VAR_Y
    slope = a * v / (a * a * v + noise * noise)  # s, the regression of y on x
    hints = [
        (a, "That is the true slope, which the classical estimator finds. The trained model "
            "regresses y on x, and noise in x flattens that regression: its slope 1/s comes out "
            "larger than a."),
        (slope, "That is s, the slope of the regression of y on x. The model's slope is its "
            "inverse, 1/s."),
        (a - noise * noise / (a * v), "The bias goes the other way: noise in x flattens the line of y on "
                              "x (s < 1/a), so 1/s > a."),
        (a + noise / (a * v), "σ enters squared: the noise adds σ² to the variance of x."),
        (a + noise * noise * v / a, "Var y belongs in the denominator: 1/s = (a²V + σ²)/(aV) = a + σ²/(aV)."),
        (a + noise * noise / (a * a * v), "Divide σ² by a·V, not a²·V: 1/s = (a²V + σ²)/(aV)."),
        (a + noise * noise / v, "You lost the a in the denominator: 1/s = (a²V + σ²)/(aV) = a + σ²/(aV)."),
        (a + noise * noise / a, "You lost Var y: 1/s = a + σ²/(a·Var y), and Var y = 3 here."),
        (a * v / (v + noise * noise), "That is the classical slope with noise in y (attenuation); here "
                              "the noise is in x and the question is about the trained slope."),
    ]
    return _check_with_hints(answer, expected_biased_slope(), "1/s", hints, rtol=1e-4)


# --------------------------------------------------------------------------------------
# Exercise 2: which estimator predicts better, inside and outside
# --------------------------------------------------------------------------------------

#: The setting of exercise 2: a, b, σ (in y: the training causes are recorded badly, every x is
#: exact), m training samples on y in [−2, 2], test causes inside (uniform on [−2, 2]) and
#: outside (uniform on [3, 4]), observed without noise.
BETTER_THETA, BETTER_NOISE, BETTER_SAMPLES = (2.0, -4.0), 0.5, 50
BETTER_INSIDE, BETTER_OUTSIDE = (-2.0, 2.0), (3.0, 4.0)
BETTER_REPEATS, BETTER_SEED = 2000, 55

_NAMES = {"trained": "trained", "inverse": "trained", "inverse regression": "trained",
          "inverse-regression": "trained", "y on x": "trained", "h": "trained",
          "classical": "classical", "forward": "classical", "x on y": "classical",
          "classical estimator": "classical", "trained model": "trained"}


def _fits(x, y):
    """Both estimators for each row of (x, y): the trained (s, d) and classical (s, d),
    each a predictor y ≈ s·x + d."""
    s, d = regression.inverse_regression(x, y)
    a_cl, b_cl = regression.classical_fit(x, y)
    return (s, d), (1.0 / a_cl, -b_cl / a_cl)


def expected_error(slope, offset, y_range, theta=BETTER_THETA, noise=BETTER_NOISE):
    """E (h − y)² of h = s·x + d for x = a·y + b + σε, y uniform on y_range (exact):
    (s·a − 1)²·E y² + 2(s·a − 1)(s·b + d)·E y + (s·b + d)² + s²σ²."""
    low, high = y_range
    mean_y, mean_y2 = (low + high) / 2.0, (low * low + low * high + high * high) / 3.0
    phi, shift = slope * theta[0], slope * theta[1] + offset  # h − y = (φ − 1)·y + shift + s·σε
    return ((phi - 1.0) ** 2 * mean_y2 + 2.0 * (phi - 1.0) * shift * mean_y + shift**2
            + (slope * noise) ** 2)


def prediction_errors():
    """Median over seeded training sets of each estimator's expected squared error of y (new
    observations exact): a dict {("inside" | "outside", "trained" | "classical"): value}."""
    r, m = BETTER_REPEATS, BETTER_SAMPLES
    x, y = data.line_data(r * m, BETTER_THETA, BETTER_NOISE, noise_in="y", random_y=True,
                          seed=BETTER_SEED)
    estimators = dict(zip(("trained", "classical"), _fits(x.reshape(r, m), y.reshape(r, m))))
    return {(where, name): float(np.median(expected_error(slope, offset, y_range, noise=0.0)))
            for where, y_range in (("inside", BETTER_INSIDE), ("outside", BETTER_OUTSIDE))
            for name, (slope, offset) in estimators.items()}


def _name(answer):
    if not isinstance(answer, str):
        return None
    return _NAMES.get(answer.strip().lower())


@exercise
def check_better_estimator(inside, outside):
    """Exercise 2, noise in y: which estimator, "trained" or "classical", has the smaller squared
    error of y (median over training sets) inside the training range [−2, 2], and which outside,
    on [3, 4]?"""
    answers = {"inside": _name(inside), "outside": _name(outside)}
    for where, given in (("inside", inside), ("outside", outside)):
        if answers[where] is None:
            return Feedback(False, f"Answer {where}= with 'trained' or 'classical', got {given!r}.")
    errors = prediction_errors()
    best = {where: min(("trained", "classical"), key=lambda n: errors[where, n])
            for where in ("inside", "outside")}
    numbers = (f"(medians over {BETTER_REPEATS:,} training sets: inside trained {errors['inside', 'trained']:.3f}, classical "
               f"{errors['inside', 'classical']:.3f}; outside trained "
               f"{errors['outside', 'trained']:.3f}, classical "
               f"{errors['outside', 'classical']:.3f})")
    if answers == best:
        return Feedback(True, "with the noise in y the trained line (y on x) finds the true "
                              "slope: it regresses the noisy variable on the exact one, so it has "
                              "no shrinkage to pay for. The classical fit (x on y) is attenuated, "
                              "â → aV/(V + σ²), and its inverse overshoots more the farther y "
                              f"lies from the mean: it loses inside and, by far, outside {numbers}.")
    wrong = []
    if answers["inside"] != best["inside"]:
        wrong.append("Inside the range the trained line wins: with the noise in y it regresses "
                     "the noisy variable on the exact one and finds the true slope, while the "
                     "classical slope is attenuated, â → aV/(V + σ²).")
    if answers["outside"] != best["outside"]:
        wrong.append("Outside the range the trained line wins too: section 5's classical "
                     "advantage came from noise in x. With the noise in y the classical slope "
                     "is the biased one (attenuated, â → aV/(V + σ²)), and the error of its "
                     "inverse grows with the distance from the mean of y.")
    return Feedback(False, " ".join(wrong) + f" {numbers}")


# --------------------------------------------------------------------------------------
# Exercise 4: noise amplification by a flat forward model
# --------------------------------------------------------------------------------------

#: a and σ (in x) of exercise 4.
AMPLIFY_A, AMPLIFY_NOISE = 0.05, 0.03


@exercise
def check_amplification(answer):
    """Exercise 4: the standard deviation of the inferred y = (x − b)/a for noise σ = 0.03 in x and
    a = 0.05, the model known exactly."""
    a, noise = AMPLIFY_A, AMPLIFY_NOISE
    hints = [
        (noise, "The inversion divides by a: an error σ in x becomes σ/a in y, not σ."),
        (noise * a, "Divide by a, do not multiply: y = (x − b)/a."),
        (noise * noise / (a * a), "That is the variance (σ/a)²; the question asks for the "
                                  "standard deviation σ/a."),
        (noise / (a * a), "a enters once: y = (x − b)/a, so the error is σ/a."),
        (a / noise, "Upside down: the error in y is σ/a."),
        (1.0 / a, "That is the amplification factor 1/a; multiply it by σ."),
    ]
    return _check_with_hints(answer, noise / a, "the standard deviation of y", hints, rtol=1e-6)


# --------------------------------------------------------------------------------------
# Exercise 3 (code): the least-squares line of y on x, by hand
# --------------------------------------------------------------------------------------

#: Seed of the unseen data sets the learner's function is tried on.
LINE_SEED = 505


def line_cases(seed=LINE_SEED):
    """Unseen data sets (x, y) for exercise 3: a few sizes, slopes, offsets and noise levels."""
    rng = np.random.default_rng(seed)
    cases = []
    for m, a, b, noise in ((7, 1.5, 0.7, 0.4), (30, -0.8, 2.5, 0.3), (200, 3.0, -1.0, 1.0)):
        y = rng.uniform(-1.0, 3.0, m)
        cases.append((a * y + b + noise * rng.standard_normal(m), y))
    return cases


def _line_mistakes(x, y):
    """(wrong (s, d), what went wrong) for the usual slips in the line of y on x."""
    s, d = regression.inverse_regression(x, y)
    a_cl, b_cl = regression.classical_fit(x, y)
    xc, yc = x - x.mean(), y - y.mean()
    raw = float(np.sum(x * y) / np.sum(x * x))
    return [
        ((a_cl, b_cl), "that is the classical fit, the line of x on y (x ≈ â·y + b̂); training "
                       "regresses y on x: divide Σ(xᵢ − x̄)(yᵢ − ȳ) by Σ(xᵢ − x̄)²."),
        ((1 / a_cl, -b_cl / a_cl), "that is the classical line, inverted: it predicts y from x "
                                   "too, but it is not the least-squares line of y on x."),
        ((1 / s, -d / s), "that is the model the line stands for, slope 1/s and offset −d/s; give "
                          "the predictor's own slope s and offset d."),
        ((float(np.sum(xc * yc) / np.sum(yc * yc)), d),
         "divide by Σ(xᵢ − x̄)², the spread of what you regress on (x), not of y."),
        ((raw, float(y.mean() - raw * x.mean())),
         "centre the data first: s = Σ(xᵢ − x̄)(yᵢ − ȳ)/Σ(xᵢ − x̄)², not Σxᵢyᵢ/Σxᵢ²."),
        ((raw, 0.0), "centre the data first, and fit an offset: s = Σ(xᵢ − x̄)(yᵢ − ȳ)/Σ(xᵢ − x̄)², "
                     "d = ȳ − s·x̄."),
        ((s, float(y.mean() + s * x.mean())), "the offset has the wrong sign of s·x̄: the line "
                                              "passes through (x̄, ȳ), so d = ȳ − s·x̄."),
        ((s, float(x.mean() - s * y.mean())), "x̄ and ȳ are swapped in the offset: d = ȳ − s·x̄."),
        ((d, s), "the slope and the offset are swapped: return (s, d)."),
    ]


@exercise
def check_line_of_y_on_x(line_by_hand):
    """Exercise 3: a function (x, y) → (s, d), the least-squares line of y on x, y ≈ s·x + d,
    tried on unseen data against invlib.regression.inverse_regression."""
    cases = line_cases()
    for x, y in cases:
        value = learner_result(line_by_hand, (x.copy(), y.copy()),
                               "two numbers, the slope s and the offset d",
                               f" (on {x.size} examples).", shape=(2,))
        if isinstance(value, Feedback):
            return value
        right = np.array(regression.inverse_regression(x, y))
        if np.allclose(value, right, rtol=1e-9, atol=1e-12):
            continue
        for wrong, explanation in _line_mistakes(x, y):
            if np.allclose(value, wrong, rtol=1e-9, atol=1e-12):
                return Feedback(False, explanation)
        return Feedback(False, f"on {x.size} examples your function gave (s, d) = "
                               f"{tuple(np.round(value, 6))}, the least-squares line of y on x is "
                               f"{tuple(np.round(right, 6))}. Try it on the notebook's data first.")
    return Feedback(True, "your line of y on x agrees with invlib.regression.inverse_regression "
                          f"on {len(cases)} data sets it had not seen.")
