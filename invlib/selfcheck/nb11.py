"""Self-checks for notebook 11: the code of the mean training image, where the walk from a 3 to an
8 switches class with the class-mean templates, how many test images the trained templates rebuild better, and (code) the
round trip x → z⁽ᴺ⁾ → Wᵀz⁽ᴺ⁾, tried on images it has not seen. The expected values come from
invlib.templates on invlib.data.digits(), as in the lesson.
"""

import numpy as np

from .. import data, templates
from . import Feedback, as_number, check_number, exercise, learner_result

#: The inversion settings of notebooks 10 and 11.
ALPHA, N_STEPS = data.Digits.alpha, data.Digits.n_steps


def _setup():
    """The test images, their labels, the class means and the trained templates."""
    digits = data.digits()
    return digits.X_test, digits.labels_test, digits.W_means, digits.W_trained


# --- Exercise 1: the code of the mean training image ---


def _class_shares():
    """The code of exercise 1, computed from the training labels."""
    labels_train = data.digits().labels_train
    return np.bincount(labels_train, minlength=10) / labels_train.size


@exercise
def check_average_code(answer):
    """Exercise 1: the code z with Wᵀz = the mean of all training images, for the class means."""
    digits = data.digits()
    W_means, X_train = digits.W_means, digits.X_train
    C, D = W_means.shape
    m = len(X_train)
    try:
        z = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return Feedback(False, f"The code should be {C} numbers, one weight per template.")
    if z.shape == (D,):
        return Feedback(False, f"That has {D} numbers: it is an image, not a code. The code "
                               f"has one weight per template, {C} numbers.")
    if z.shape != (C,):
        return Feedback(False, f"The code should be {C} numbers, one weight per template; got "
                               f"shape {z.shape}.")
    if not np.all(np.isfinite(z)):
        return Feedback(False, "The code should hold finite numbers.")
    target = X_train.mean(axis=0)
    image = templates.generate(W_means, z)
    shares = _class_shares()
    if np.allclose(image, target, rtol=0, atol=1e-9):
        return Feedback(True, "z_k = m_k/m, the share of class k among the training images: "
                              "the mean of all images is Σ_k (m_k/m) w_k, each class mean "
                              "weighted by its class's size. It is the only such code, because "
                              "the ten templates are linearly independent.")
    if np.allclose(z, shares * m):
        return Feedback(False, "Those are the class sizes m_k; the mean divides by the number "
                               f"of images, m = {m}.")
    if np.allclose(z, z[0]):
        return Feedback(False, "Equal weights give the average of the ten templates; but the "
                               "classes are not equally large, and the mean of all images "
                               "counts every image once.")
    if np.allclose(z.sum(), 1.0):
        return Feedback(False, f"The weights sum to 1, as they should, but Wᵀz misses the mean "
                               f"image by up to {np.abs(image - target).max():.3g} in a pixel. "
                               "How much does each class contribute to the sum of all images?")
    return Feedback(False, f"Wᵀz misses the mean image by up to "
                           f"{np.abs(image - target).max():.3g} in a pixel. Write the sum of all "
                           "training images class by class: what does class k contribute?")


# --- Exercise 2: where the walk changes class ---


def walk_ends():
    """The test rows of the walk: the first 3 and the first 8 that both template sets get right."""
    X_test, labels_test, W_means, W_trained = _setup()
    right = np.ones(labels_test.size, dtype=bool)
    for W in (W_means, W_trained):
        right &= templates.predict(W, X_test, ALPHA, N_STEPS) == labels_test
    return (int(np.flatnonzero((labels_test == 3) & right)[0]),
            int(np.flatnonzero((labels_test == 8) & right)[0]))


def _switch_point(W):
    """η* of exercise 2 for the templates W (the walk between the codes zᴬ, zᴮ under W)."""
    X_test, _, _, _ = _setup()
    three, eight = walk_ends()
    z_a = templates.invert(W, X_test[three], ALPHA, N_STEPS)
    z_b = templates.invert(W, X_test[eight], ALPHA, N_STEPS)
    zeta_a, zeta_b = z_a[3] - z_a[8], z_b[3] - z_b[8]
    return zeta_a / (zeta_a - zeta_b)


def expected_switch_point():
    """η* for the class-mean templates (section 4's trained templates give 0.542)."""
    return _switch_point(_setup()[2])


@exercise
def check_switch_point(answer):
    """Exercise 2: the η at which the walk's predicted class switches from 3 to 8 (class means)."""
    expected = expected_switch_point()
    value = as_number(answer, "η*")
    if isinstance(value, Feedback):
        return value
    if not 0.0 <= value <= 1.0:
        return Feedback(False, f"η* = {value:.4g} lies off the walk: η runs from 0 (the 3) to "
                               "1 (the 8).")
    hints = [
        (0.5, "η = 1/2 would be right only if the 3 were as sure of being a 3 as the 8 is of "
              "being an 8. Solve z₃(η) = z₈(η) with z(η) = (1 − η) zᴬ + η zᴮ."),
        (1.0 - expected, "That is the distance from the 8's end; η counts from the 3 (η = 0)."),
        (_switch_point(_setup()[3]), "That is η* for the trained templates, the walk of "
                                    "section 4; the exercise takes the codes under the class "
                                    "means, W_means."),
    ]
    return check_number(value, expected, "η*", rtol=0.0, atol=5e-4, hints=hints)


# --- Exercise 3: which templates rebuild the test images better ---


def rebuilt_better(n_steps=N_STEPS):
    """How many test images the trained templates rebuild with a smaller ‖x − Wᵀz⁽ᴺ⁾‖.
    n_steps=None takes the converged codes (N → ∞), the least-squares solutions."""
    X_test, _, W_means, W_trained = _setup()
    errors = []
    for W in (W_means, W_trained):
        if n_steps is None:
            Z = np.linalg.solve(W @ W.T, W @ X_test.T).T
        else:
            Z = templates.invert(W, X_test, ALPHA, n_steps)
        errors.append(np.sum((X_test - Z @ W) ** 2, axis=1))
    return int(np.sum(errors[1] < errors[0]))


@exercise
def check_better_rebuilt(answer):
    """Exercise 3: the test images the trained templates rebuild better after N = 20."""
    _, labels_test, _, _ = _setup()
    expected = rebuilt_better()
    value = as_number(answer, "the count")
    if isinstance(value, Feedback):
        return value
    if not float(value).is_integer():
        if abs(value - expected / labels_test.size) < 1e-3:
            return Feedback(False, f"That is the fraction; the exercise asks for the number of "
                                   f"images ({expected} of {labels_test.size}).")
        return Feedback(False, f"Count images: a whole number, got {value!r}.")
    n = int(value)
    if n == expected:
        return Feedback(True, f"{n} of {labels_test.size}: after 20 steps the trained templates rebuild "
                              "almost every test image more closely, although they were trained "
                              "to classify, not to rebuild.")
    if n == labels_test.size - expected:
        return Feedback(False, "That counts the images the class means rebuild better: compare "
                               "the other way round.")
    if n == rebuilt_better(None):
        return Feedback(False, "That is the count once the inversion has converged; the exercise "
                               "runs N = 20 steps, as the classifier does.")
    return check_number(n, expected, "the count", rtol=0.0, atol=0.5)


# --- Exercise 4 (code): the round trip, image → code → image ---


def _round_trip_cases():
    """(W, x, α, N) the learner's function has not seen: a training image with the class means,
    and random templates with a random image."""
    digits = data.digits()
    rng = np.random.default_rng(11)
    W = rng.standard_normal((3, 6))
    return [(digits.W_means, digits.X_train[7], 0.004, 13),
            (W, rng.standard_normal(6), 0.4 * templates.stability_limit(W), 9)]


def _learner_image(function, args, size):
    """The learner's rebuilt image as an array of `size` pixels, or a Feedback saying what went wrong."""
    result = learner_result(function, args, f"an image of {size} pixels")
    if isinstance(result, Feedback):
        return result
    result = result.reshape(-1)
    if result.size == args[0].shape[0]:
        return Feedback(False, f"that is the code z⁽ᴺ⁾ ({result.size} weights); the round trip "
                               "ends with the image Wᵀz⁽ᴺ⁾ generated from it.")
    if result.size != size:
        return Feedback(False, f"the rebuilt image has {size} pixels, like x; your function "
                               f"returned {result.size} numbers.")
    return result


@exercise
def check_round_trip(function):
    """Exercise 4: function(W, x, α, N) = Wᵀz⁽ᴺ⁾, z⁽ᴺ⁾ after N steps from z⁽⁰⁾ = 0, compared with templates on unseen images."""
    for W, x, alpha, n_steps in _round_trip_cases():
        result = _learner_image(function, (W, x, alpha, n_steps), W.shape[1])
        if isinstance(result, Feedback):
            return result
        expected = templates.generate(W, templates.invert(W, x, alpha, n_steps))
        if np.allclose(result, expected, rtol=1e-8, atol=1e-10):
            continue
        rebuilt = {N: templates.generate(W, templates.invert(W, x, alpha, N))
                   for N in (n_steps - 1, n_steps + 1)}
        half = templates.generate(W, templates.invert(W, x, alpha / 2, n_steps))
        projection = W.T @ np.linalg.solve(W @ W.T, W @ x)
        typical = [
            (x - expected, "that is the residual x − Wᵀz⁽ᴺ⁾, what the templates miss; return "
                           "the image Wᵀz⁽ᴺ⁾ itself."),
            (half, "each step is z + 2αW(x − Wᵀz): the gradient of ‖x − Wᵀz‖² carries a "
                   "factor 2."),
            (rebuilt[n_steps + 1], "one step too many: run exactly N steps from z⁽⁰⁾ = 0."),
            (rebuilt[n_steps - 1], "one step too few: run exactly N steps from z⁽⁰⁾ = 0."),
            (projection, "that is the projection onto the span of the templates, the "
                         "converged code (N → ∞); the round trip runs N steps."),
            (-expected, "wrong sign."),
        ]
        for wrong, explanation in typical:
            if np.allclose(result, wrong, rtol=1e-8, atol=1e-10):
                return Feedback(False, explanation)
        miss = float(np.abs(result - expected).max())
        return Feedback(False, f"on an image it had not seen (N = {n_steps}) your rebuilt image "
                               f"misses Wᵀz⁽ᴺ⁾ by up to {miss:.3g} in a pixel.")
    return Feedback(True, "x → z⁽ᴺ⁾ → Wᵀz⁽ᴺ⁾ agrees with templates.invert and templates.generate on "
                          "images it had not seen.")
