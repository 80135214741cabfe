"""Self-checks for notebook 10: the stability limit 1/λ_max(WWᵀ) of the class-median templates,
the forward-mode tangents training 28×28 templates would need, the one-step training accuracy of the example templates, and
(code) the spectral predictor z⁽ᴺ⁾ = Q diag(φ_j/λ_j) Qᵀ W x, tried on templates it has not seen.
The expected values come from invlib.templates on invlib.data.digits(), as in the lesson.
"""

import numbers

import numpy as np

from .. import data, templates
from . import Feedback, as_count, as_number, check_number, exercise, learner_result

# --- Exercise 1: the stability limit of the class-median templates ---


def class_medians():
    """The class-median templates of exercise 1: row k the pixel-wise median of class k's training images."""
    digits = data.digits()
    return np.stack([np.median(digits.X_train[digits.labels_train == k], axis=0) for k in range(10)])


def expected_stability_limit():
    """1/λ_max(WWᵀ) for the class medians of the training split."""
    return templates.stability_limit(class_medians())


@exercise
def check_stability_limit(answer):
    """Exercise 1: the stability limit 1/λ_max(WWᵀ) of the class-median templates (the steps converge for α below it)."""
    W = class_medians()
    means = data.digits().W_means
    lam = np.linalg.eigvalsh(W @ W.T)
    hints = [
        (1.0 / (2.0 * lam[-1]), "1/(2λ_max) is the step that removes the top direction in a "
                                "single step (1 − 2αλ_max = 0). The limit is twice that: "
                                "there 1 − 2αλ_max = −1."),
        (lam[-1], "That is λ_max itself; the limit on α is its inverse, 1/λ_max."),
        (1.0 / lam[0], "1/λ_min would let the top direction blow up: every direction needs "
                       "|1 − 2αλ| < 1, and the largest λ is the first to fail."),
        (1.0 / float(np.sum(W * W)), "1/‖W‖² (the sum of all eigenvalues, trace WWᵀ) is a "
                                     "safe step, but below the limit: use the largest "
                                     "eigenvalue of WWᵀ alone."),
        (1.0 / float(np.max(np.sum(W * W, axis=1))), "1/‖w_k‖² uses the longest single "
                                                     "template; the templates overlap, and "
                                                     "λ_max(WWᵀ) is much larger than any one "
                                                     "‖w_k‖²."),
        (templates.stability_limit(means), "That is the limit of the class means; the "
                                           "exercise asks for the class medians."),
    ]
    return check_number(answer, 1.0 / lam[-1], "the stability limit", rtol=2e-3, atol=0.0,
                        hints=hints)


# --- Exercise 2: forward mode for 28×28 images ---

#: The sizes of exercise 2: ten templates of 28×28 pixels, N = 20 steps.
TANGENT_C, TANGENT_SIDE, TANGENT_STEPS = 10, 28, 20


@exercise
def check_forward_tangents(answer):
    """Exercise 2: how many forward-mode tangents training C = 10 templates of 28×28 images needs."""
    C, D = TANGENT_C, TANGENT_SIDE**2
    n = as_count(answer, "the number of tangents", "tangents")
    if isinstance(n, Feedback):
        return n
    if n == C * D:
        return Feedback(True, f"{n:,} tangents, one per entry of W (C·D = {C} · {D}); reverse "
                              "mode needs a single backward pass for all of them.")
    explanations = {
        D: f"{D} is one per pixel; every template has its own {D} pixels, so count the entries "
           f"of W: C·D.",
        C: f"{C} is one per template, but each template has {D} pixels, and each pixel is a "
           "parameter of its own.",
        1: "One pass is what reverse mode needs. Forward mode carries one tangent per "
           "parameter it differentiates by.",
        C * 64: f"{C * 64} is the count for the 8×8 digits of this notebook; here the images "
                f"are 28×28.",
        C * D * TANGENT_STEPS: "Tangents are carried along the N steps, not made anew at each "
                               "step: one tangent per parameter, whatever N.",
        D * D: "A tangent per pair of pixels? The parameters are the entries of W: C rows of "
               "D pixels.",
        C * C: "C·C is the size of WWᵀ; the parameters are the C·D entries of W.",
    }
    if n in explanations:
        return Feedback(False, explanations[n])
    return Feedback(False, f"{n:,} is {'too many' if n > C * D else 'too few'}: forward mode "
                           "needs one tangent per number in W.")


# --- Exercise 3: one step, any α (on the training images) ---

#: α and N of exercise 3.
ONE_STEP_ALPHA, ONE_STEP_N = 0.001, 1


def _one_step_counts():
    digits = data.digits()
    X, labels = digits.X_train, digits.labels_train
    W = templates.class_examples(X, labels)[0]
    right = int(np.sum(templates.predict(W, X, ONE_STEP_ALPHA, ONE_STEP_N) == labels))
    right_20 = int(np.sum(templates.predict(W, X, digits.alpha, digits.n_steps) == labels))
    right_test = int(np.sum(templates.predict(W, digits.X_test, ONE_STEP_ALPHA, ONE_STEP_N)
                            == digits.labels_test))
    right_means = int(np.sum(templates.predict(digits.W_means, X, ONE_STEP_ALPHA, ONE_STEP_N) == labels))
    return right, right_20, labels.size, right_test / digits.labels_test.size, right_means / labels.size


def expected_one_step_accuracy():
    """The training accuracy of the example templates with N = 1 at α = 0.001."""
    right, _, total, _, _ = _one_step_counts()
    return right / total


@exercise
def check_one_step_accuracy(answer):
    """Exercise 3: the example templates' training accuracy with N = 1, α = 0.001, as a fraction."""
    right, right_20, total, test_share, means_share = _one_step_counts()
    value = as_number(answer, "the accuracy")
    if isinstance(value, Feedback):
        return value
    if isinstance(answer, numbers.Integral) or value > 1.0:
        if int(round(value)) == right:
            return Feedback(False, f"{right} is the number of training images classified right; "
                                   f"give the fraction {right}/{total}.")
        return Feedback(False, "Give the accuracy as a fraction between 0 and 1.")
    if abs(value - right / total) <= max(0.5 / total, 5e-4):  # the count, or three digits
        return Feedback(True, f"{right}/{total} = {right / total:.3f}, exactly as at α = 0.005: "
                              "z⁽¹⁾ = 2αWx is the template correlations scaled by 2α, and the "
                              "scale does not move the argmax.")
    hints = [
        (right_20 / total, "That is the accuracy after N = 20 steps; the exercise asks for "
                           "N = 1."),
        (1.0 - right / total, "That is the error rate; the accuracy is the fraction right."),
        (test_share, "That is the accuracy on the 450 test images; the exercise asks for the "
                     "1,347 training images."),
        (means_share, "That is the accuracy of the class means (b); the exercise asks for the "
                      "example templates (a)."),
        (0.1, "With N = 1 the weights are not 0: z⁽¹⁾ = 2αWx. (z⁽⁰⁾ = 0 would give class 0 for "
              "every image, 10 % right.)"),
    ]
    return check_number(value, right / total, "the accuracy", rtol=0.0, atol=0.5 / total,
                        hints=hints)


# --- Exercise 4 (code): the spectral predictor ---


def _spectral_cases():
    """(W, x, α, N) the learner's function has not seen: random templates, steps well inside the limit."""
    rng = np.random.default_rng(2024)
    cases = []
    for C, D, share, n_steps in [(4, 7, 0.6, 6), (3, 5, 0.3, 11)]:
        W = rng.standard_normal((C, D))
        cases.append((W, rng.standard_normal(D), share * templates.stability_limit(W), n_steps))
    return cases


def _spectral(W, x, alpha, n_steps, factor=2.0, shift=0, gain=True, rotate=True):
    """z⁽ᴺ⁾ by the eigen-decomposition, and the typical wrong versions of it (by the options)."""
    lam, Q = np.linalg.eigh(W @ W.T)
    phi = 1.0 - (1.0 - factor * alpha * lam) ** (n_steps + shift)
    scale = phi / lam if gain else phi
    if not rotate:
        return scale * (W @ x)
    return Q @ (scale * (Q.T @ (W @ x)))


def _learner_weights(function, args, size):
    """The learner's z⁽ᴺ⁾ as an array of `size` numbers, or a Feedback saying what went wrong."""
    result = learner_result(function, args, f"the {size} weights of z⁽ᴺ⁾")
    if isinstance(result, Feedback):
        return result
    result = result.reshape(-1)
    if result.size != size:
        return Feedback(False, f"z⁽ᴺ⁾ has one weight per template, {size} here; your function "
                               f"returned {result.size} numbers"
                               + (" (an image? z⁽ᴺ⁾ is the code, before Wᵀ)." if result.size ==
                                  args[0].shape[1] else "."))
    return result


@exercise
def check_spectral_prediction(function):
    """Exercise 4: function(W, x, α, N) = z⁽ᴺ⁾ = Q diag(φ_j/λ_j) Qᵀ W x, compared with N steps of templates.invert."""
    for W, x, alpha, n_steps in _spectral_cases():
        result = _learner_weights(function, (W, x, alpha, n_steps), W.shape[0])
        if isinstance(result, Feedback):
            return result
        expected = templates.invert(W, x, alpha, n_steps)
        if np.allclose(result, expected, rtol=1e-8, atol=1e-10):
            continue
        lam, Q = np.linalg.eigh(W @ W.T)
        typical = [
            (Q @ (Q.T @ (W @ x) / lam), "that is the exact minimiser z* (φ_j = 1): N steps "
                                        "invert only the fraction φ_j = 1 − (1 − 2αλ_j)^N."),
            (_spectral(W, x, alpha, n_steps, factor=1.0), "one step multiplies by 1 − 2αλ_j, "
                                                         "not 1 − αλ_j: the gradient of ‖x − Wᵀz‖² "
                                                         "carries a factor 2."),
            (_spectral(W, x, alpha, n_steps, gain=False), "you forgot to divide by λ_j: z⁽ᴺ⁾ = "
                                                          "Q diag(φ_j/λ_j) Qᵀ W x."),
            (_spectral(W, x, alpha, n_steps, shift=1), "one step too many: φ_j has the power N."),
            (_spectral(W, x, alpha, n_steps, shift=-1), "one step too few: φ_j has the power N."),
            (_spectral(W, x, alpha, n_steps, rotate=False), "the factors φ_j/λ_j act along the "
                                                            "eigenvectors: rotate with Qᵀ first "
                                                            "and back with Q after."),
            (-expected, "wrong sign."),
        ]
        for wrong, explanation in typical:
            if np.allclose(result, wrong, rtol=1e-8, atol=1e-10):
                return Feedback(False, f"{explanation} (Tried on random templates, C = "
                                       f"{W.shape[0]}, D = {W.shape[1]}, N = {n_steps}.)")
        return Feedback(False, f"on random templates (C = {W.shape[0]}, D = {W.shape[1]}, "
                               f"N = {n_steps}) your z⁽ᴺ⁾ is {np.round(result, 4)}; the N steps "
                               f"give {np.round(expected, 4)}.")
    return Feedback(True, "z⁽ᴺ⁾ = Q diag(φ_j/λ_j) Qᵀ W x agrees with N steps of templates.invert "
                          "on random templates it had not seen: no steps needed, for any N.")
