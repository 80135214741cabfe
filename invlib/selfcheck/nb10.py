"""Self-checks for notebook 10: the stability limit 1/λ_max(WWᵀ) of the class-mean templates,
the forward-mode tangents training 28×28 templates would need, and the one-step accuracy.
The expected values come from invlib.templates on invlib.data.digits(), as in the lesson.
"""

import numbers

import numpy as np

from .. import data, templates
from . import Feedback, as_number, check_number, exercise

# --- Exercise 1: the stability limit of the class-mean templates ---


def _class_means():
    return data.digits().W_means


def expected_stability_limit():
    """1/λ_max(WWᵀ) for the class means of the training split (about 0.00966)."""
    return templates.stability_limit(_class_means())


@exercise
def check_stability_limit(answer):
    """Exercise 1: the largest α for which the steps converge, with the class-mean templates."""
    W = _class_means()
    lam = np.linalg.eigvalsh(W @ W.T)
    hints = [
        (1.0 / (2.0 * lam[-1]), "1/(2λ_max) is the step that removes the top direction in a "
                                "single step (1 − 2αλ_max = 0). The limit is twice that: "
                                "there 1 − 2αλ_max = −1."),
        (lam[-1], "That is λ_max itself; the limit on α is its inverse, 1/λ_max."),
        (1.0 / lam[0], "1/λ_min would let the top direction blow up: every direction needs "
                       "|1 − 2αλ| < 1, and the largest λ is the first to fail."),
        (1.0 / float(np.sum(W * W)), "1/‖W‖² (the sum of all eigenvalues, trace WWᵀ) is a "
                                     "safe "
                                     "step, but not the largest: use the largest eigenvalue "
                                     "of WWᵀ alone."),
        (1.0 / float(np.max(np.sum(W * W, axis=1))), "1/‖w_k‖² uses the longest single "
                                                     "template; the templates overlap, and "
                                                     "λ_max(WWᵀ) is much larger than any one "
                                                     "‖w_k‖²."),
    ]
    return check_number(answer, 1.0 / lam[-1], "the largest stable α", rtol=2e-3, atol=0.0,
                        hints=hints)


# --- Exercise 2: forward mode for 28×28 images ---

#: The sizes of exercise 2: ten templates of 28×28 pixels, N = 20 steps.
TANGENT_K, TANGENT_SIDE, TANGENT_STEPS = 10, 28, 20


@exercise
def check_forward_tangents(answer):
    """Exercise 2: forward-mode tangents for K = 10 templates of 28×28 images (7,840)."""
    K, D = TANGENT_K, TANGENT_SIDE**2
    value = as_number(answer, "the number of tangents")
    if isinstance(value, Feedback):
        return value
    if not float(value).is_integer():
        return Feedback(False, f"Count tangents: a whole number, got {value!r}.")
    n = int(value)
    if n == K * D:
        return Feedback(True, f"{n:,} tangents, one per entry of W (K·D = {K} · {D}); reverse "
                              "mode needs a single backward pass for all of them.")
    explanations = {
        D: f"{D} is one per pixel; every template has its own {D} pixels, so count the entries "
           f"of W: K·D.",
        K: f"{K} is one per template, but each template has {D} pixels, and each pixel is a "
           "parameter of its own.",
        1: "One pass is what reverse mode needs. Forward mode carries one tangent per "
           "parameter it differentiates by.",
        K * 64: f"{K * 64} is the count for the 8×8 digits of this notebook; here the images "
                f"are 28×28.",
        K * D * TANGENT_STEPS: "Tangents are carried along the N steps, not made anew at each "
                               "step: one tangent per parameter, whatever N.",
        D * D: "A tangent per pair of pixels? The parameters are the entries of W: K rows of "
               "D pixels.",
        K * K: "K·K is the size of WWᵀ; the parameters are the K·D entries of W.",
    }
    if n in explanations:
        return Feedback(False, explanations[n])
    return Feedback(False, f"{n:,} is {'too many' if n > K * D else 'too few'}: forward mode "
                           "needs one tangent per number in W.")


# --- Exercise 3: one step, any α ---

#: α and N of exercise 3.
ONE_STEP_ALPHA, ONE_STEP_N = 0.001, 1


def _one_step_counts():
    digits = data.digits()
    W, X_test, y_test = digits.W_means, digits.X_test, digits.y_test
    right = int(np.sum(templates.predict(W, X_test, ONE_STEP_ALPHA, ONE_STEP_N) == y_test))
    right_20 = int(np.sum(templates.predict(W, X_test, digits.alpha, digits.n_steps) == y_test))
    return right, right_20, y_test.size


def expected_one_step_accuracy():
    """The test accuracy of the class means with N = 1 at α = 0.001 (406/450 ≈ 0.902)."""
    right, _, total = _one_step_counts()
    return right / total


@exercise
def check_one_step_accuracy(answer):
    """Exercise 3: the class means' test accuracy with N = 1, α = 0.001, as a fraction."""
    right, right_20, total = _one_step_counts()
    value = as_number(answer, "the accuracy")
    if isinstance(value, Feedback):
        return value
    if isinstance(answer, numbers.Integral) or value > 1.0:
        if int(round(value)) == right:
            return Feedback(False, f"{right} is the number of test images classified right; "
                                   f"give the fraction {right}/{total}.")
        return Feedback(False, "Give the accuracy as a fraction between 0 and 1.")
    if abs(value - right / total) <= 0.5 / total:
        return Feedback(True, f"{right}/{total} = {right / total:.3f}, exactly as at α = 0.005: "
                              "z₁ = 2αWx is the template correlations scaled by 2α, and the "
                              "scale does not move the argmax.")
    hints = [
        (right_20 / total, "That is the accuracy after N = 20 steps; the exercise asks for "
                           "N = 1."),
        (1.0 - right / total, "That is the error rate; the accuracy is the fraction right."),
        (0.1, "With N = 1 the weights are not 0: z₁ = 2αWx. (z₀ = 0 would give class 0 for "
              "every image, 10 % right.)"),
    ]
    return check_number(value, right / total, "the accuracy", rtol=0.0, atol=0.5 / total,
                        hints=hints)
