"""Self-checks for notebook 11: the code of the average template, where the walk from a 3 to an
8 switches class, and how many test images the trained templates rebuild better. The expected
values come from invlib.templates on invlib.data.digits(), as in the lesson.
"""

import numpy as np

from .. import data, templates
from . import Feedback, as_number, check_number, exercise

#: The inversion settings of notebooks 10 and 11.
ALPHA, N_STEPS = data.Digits.alpha, data.Digits.n_steps


def _setup():
    """The test images, their labels, the class means and the trained templates."""
    digits = data.digits()
    return digits.X_test, digits.y_test, digits.W_means, digits.W_trained


# --- Exercise 1: the code of the average template ---


@exercise
def check_average_code(answer):
    """Exercise 1: z with Wᵀz = (1/10) Σ_k w_k for the class means (z = 0.1·1)."""
    _, _, W_means, _ = _setup()
    K, D = W_means.shape
    try:
        z = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return Feedback(False, f"The code should be {K} numbers, one weight per template.")
    if z.shape == (D,):
        return Feedback(False, f"That has {D} numbers: it is an image, not a code. The code "
                               f"has one weight per template, {K} numbers.")
    if z.shape != (K,):
        return Feedback(False, f"The code should be {K} numbers, one weight per template; got "
                               f"shape {z.shape}.")
    if not np.all(np.isfinite(z)):
        return Feedback(False, "The code should hold finite numbers.")
    target = W_means.mean(axis=0)
    image = templates.generate(W_means, z)
    if np.allclose(image, target, rtol=0, atol=1e-9):
        return Feedback(True, "z = (0.1, …, 0.1): the average of the templates is Wᵀz with "
                              "equal weights 1/K. It is the only such code, because the ten "
                              "templates are linearly independent.")
    if np.allclose(z, np.ones(K)):
        return Feedback(False, "Weights of 1 add the ten templates up: that is their sum, ten "
                               "times the average.")
    if np.allclose(z, z[0]):
        return Feedback(False, f"Equal weights are right, but not {z[0]:g}: the average divides "
                               f"the sum by K = {K}.")
    if np.allclose(z.sum(), 1.0):
        return Feedback(False, "The weights sum to 1, but the average gives every template the "
                               "same weight.")
    return Feedback(False, f"Wᵀz misses the average template by up to "
                           f"{np.abs(image - target).max():.3g} in a pixel. Which weights make "
                           "Σ z_k w_k equal (1/K) Σ w_k?")


# --- Exercise 2: where the walk changes class ---


def walk_ends():
    """The test rows of the walk: the first 3 and the first 8 that both template sets get right."""
    X_test, y_test, W_means, W_trained = _setup()
    right = np.ones(y_test.size, dtype=bool)
    for W in (W_means, W_trained):
        right &= templates.predict(W, X_test, ALPHA, N_STEPS) == y_test
    return (int(np.flatnonzero((y_test == 3) & right)[0]),
            int(np.flatnonzero((y_test == 8) & right)[0]))


def switch_point(W):
    """s* with z₃(s*) = z₈(s*) on the walk z(s) = (1 − s) z_A + s z_B."""
    X_test, _, _, _ = _setup()
    three, eight = walk_ends()
    z_a = templates.invert(W, X_test[three], ALPHA, N_STEPS)
    z_b = templates.invert(W, X_test[eight], ALPHA, N_STEPS)
    d_a, d_b = z_a[3] - z_a[8], z_b[3] - z_b[8]
    return d_a / (d_a - d_b)


def expected_switch_point():
    """s* for the trained templates (about 0.542)."""
    return switch_point(_setup()[3])


@exercise
def check_switch_point(answer):
    """Exercise 2: the s at which the walk's predicted class switches from 3 to 8 (trained)."""
    expected = expected_switch_point()
    value = as_number(answer, "s*")
    if isinstance(value, Feedback):
        return value
    if not 0.0 <= value <= 1.0:
        return Feedback(False, f"s* = {value:.4g} lies off the walk: s runs from 0 (the 3) to "
                               "1 (the 8).")
    hints = [
        (0.5, "s = 1/2 would be right only if the 3 were as sure of being a 3 as the 8 is of "
              "being an 8. Solve z₃(s) = z₈(s) with z(s) = (1 − s) z_A + s z_B."),
        (1.0 - expected, "That is the distance from the 8's end; s counts from the 3 (s = 0)."),
        (switch_point(_setup()[2]), "That is s* for the class-mean templates; the exercise "
                                    "walks between the trained templates' codes."),
    ]
    return check_number(value, expected, "s*", rtol=0.0, atol=5e-4, hints=hints)


# --- Exercise 3: which templates rebuild the test images better ---


def rebuilt_better(n_steps=N_STEPS):
    """How many test images the trained templates rebuild with a smaller ‖x − Wᵀz_N‖.
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
    """Exercise 3: the test images the trained templates rebuild better after N = 20 (421)."""
    _, y_test, _, _ = _setup()
    expected = rebuilt_better()
    value = as_number(answer, "the count")
    if isinstance(value, Feedback):
        return value
    if not float(value).is_integer():
        if abs(value - expected / y_test.size) < 1e-3:
            return Feedback(False, f"That is the fraction; the exercise asks for the number of "
                                   f"images ({expected} of {y_test.size}).")
        return Feedback(False, f"Count images: a whole number, got {value!r}.")
    n = int(value)
    if n == expected:
        return Feedback(True, f"{n} of {y_test.size}: after 20 steps the trained templates rebuild "
                              "almost every test image more closely, although they were trained "
                              "to classify, not to rebuild.")
    if n == y_test.size - expected:
        return Feedback(False, "That counts the images the class means rebuild better: compare "
                               "the other way round.")
    if n == rebuilt_better(None):
        return Feedback(False, "That is the count once the inversion has converged; the exercise "
                               "runs N = 20 steps, as the classifier does.")
    return check_number(n, expected, "the count", rtol=0.0, atol=0.5)
