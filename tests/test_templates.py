"""invlib.templates: the template model x ≈ Wᵀz, its inversion and its training.

The reverse-mode gradient is checked against central finite differences, against the
forward-mode tangent of a single entry, and (for C = D = 1, the line f(z) = w·z) against
invlib's scalar forward mode; the fast training path against the per-image backward pass;
the stability limit against the eigenvalues; bad input against clear errors; and the
digits numbers of notebooks 10 and 11 against their stated values.
"""

import numpy as np
import pytest

import invlib
from invlib import templates


def random_problem(seed, C=3, D=5, m=4):
    """Templates, images and labels with the steps comfortably stable at alpha = 0.5·limit."""
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((C, D))
    X = rng.standard_normal((m, D))
    labels = rng.integers(0, C, m)
    alpha = 0.5 * templates.stability_limit(W)
    return W, X, labels, alpha


def central_differences(W, X, labels, alpha, n_steps, h=1e-6):
    gradient = np.zeros_like(W)
    for index in np.ndindex(W.shape):
        up, down = W.copy(), W.copy()
        up[index] += h
        down[index] -= h
        gradient[index] = (templates.training_loss(up, X, labels, alpha, n_steps)
                           - templates.training_loss(down, X, labels, alpha, n_steps)) / (2 * h)
    return gradient


# --------------------------------------------------------------------------------------
# The reverse-mode gradient
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("n_steps", [1, 2, 7, 25])
def test_reverse_mode_matches_finite_differences(seed, n_steps):
    W, X, labels, alpha = random_problem(seed)
    T, gradient = templates.training_gradient(W, X, labels, alpha, n_steps)
    assert np.isclose(T, templates.training_loss(W, X, labels, alpha, n_steps), rtol=1e-14)
    fd = central_differences(W, X, labels, alpha, n_steps)
    assert np.abs(fd - gradient).max() <= 1e-7 * np.abs(gradient).max()


def test_no_steps_no_gradient():
    W, X, labels, alpha = random_problem(0)
    T, gradient = templates.training_gradient(W, X, labels, alpha, 0)
    assert T == float(len(labels))  # z_0 = 0: every one-hot target is missed by exactly 1
    assert np.all(gradient == 0.0)


def forward_mode_entry(W, X, targets, alpha, n_steps, k, d):
    """∂T/∂W_kd by the tangent recursion (one forward pass per entry)."""
    E = np.zeros_like(W)
    E[k, d] = 1.0
    Z, dZ = np.zeros((len(X), len(W))), np.zeros((len(X), len(W)))
    for _ in range(n_steps):
        R = X - Z @ W
        dZ = dZ + 2 * alpha * ((-dZ @ W - Z @ E) @ W.T + R @ E.T)
        Z = Z + 2 * alpha * R @ W.T
    return np.sum(-2 * (targets - Z) * dZ)


@pytest.mark.parametrize("seed", range(3))
def test_reverse_mode_matches_forward_mode_entry_by_entry(seed):
    W, X, labels, alpha = random_problem(seed, C=2, D=3, m=5)
    _, gradient = templates.training_gradient(W, X, labels, alpha, 9)
    targets = templates.one_hot(labels, 2)
    forward = np.array([[forward_mode_entry(W, X, targets, alpha, 9, k, d) for d in range(3)]
                        for k in range(2)])
    assert np.allclose(gradient, forward, rtol=1e-11, atol=1e-13)


@pytest.mark.parametrize("w, alpha, n_steps", [(1.3, 0.1, 7), (0.7, 0.5, 20), (-2.0, 0.05, 3),
                                               (2.0, 0.2, 11)])
def test_one_by_one_is_the_line_and_matches_scalar_forward_mode(w, alpha, n_steps):
    """C = D = 1: the template model is the line f(z) = w·z (a = w, b = 0), targets t_i = 1."""
    x = np.array([0.5, -1.0, 2.0, 0.25])
    T, gradient = templates.training_gradient([[w]], x[:, None], [0] * x.size, alpha, n_steps)
    h, dh = invlib.unroll(invlib.Line(), (w, 0.0), x, 0.0, alpha, n_steps, method="forward")
    assert np.allclose(templates.invert([[w]], x[:, None], alpha, n_steps)[:, 0], h,
                       rtol=0, atol=1e-14)
    assert np.isclose(T, np.sum((1.0 - h) ** 2), rtol=1e-13)
    assert np.isclose(gradient[0, 0], -2.0 * np.sum((1.0 - h) * dh[:, 0]), rtol=1e-11)
    T_line, gradient_line = invlib.training_gradient(invlib.Line(), (w, 0.0), x, np.ones_like(x),
                                                     0.0, alpha, n_steps)
    assert np.isclose(gradient[0, 0], gradient_line[0], rtol=1e-9)
    assert np.isclose(templates.stability_limit([[w]]), invlib.stability_limit(w), rtol=1e-14)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("n_steps", [0, 1, 6])
def test_training_step_uses_the_same_gradient(seed, n_steps):
    """train's fast path (sums over the images taken first) equals the per-image backward pass."""
    W, X, labels, alpha = random_problem(seed, C=3, D=6, m=40)
    beta = 1e-3
    T, gradient = templates.training_gradient(W, X, labels, alpha, n_steps)
    fit = templates.train(W, X, labels, alpha, beta, n_steps, 1)
    assert np.isclose(fit.losses[0], T, rtol=1e-10, atol=1e-12)
    assert np.allclose(fit.W, W - beta * gradient, rtol=0, atol=1e-13)


def test_momentum_update():
    W, X, labels, alpha = random_problem(4)
    beta, mu = 1e-3, 0.8
    fit = templates.train(W, X, labels, alpha, beta, 5, 2, momentum=mu)
    _, g0 = templates.training_gradient(W, X, labels, alpha, 5)
    W1 = W - beta * g0
    _, g1 = templates.training_gradient(W1, X, labels, alpha, 5)
    W2 = W1 + mu * (-beta * g0) - beta * g1
    assert np.allclose(fit.W, W2, rtol=0, atol=1e-13)
    assert fit.losses.shape == (3,)


def test_training_lowers_the_loss():
    W, X, labels, alpha = random_problem(5, C=3, D=6, m=30)
    fit = templates.train(W, X, labels, alpha, 2e-3, 10, 100, momentum=0.5)
    assert fit.losses[-1] < 0.9 * fit.losses[0]
    assert np.isclose(fit.losses[-1], templates.training_loss(fit.W, X, labels, alpha, 10))


def test_training_divergence_is_reported():
    W, X, labels, alpha = random_problem(6)
    with pytest.raises(invlib.DivergenceError, match="beta"):
        templates.train(W, X, labels, alpha, 1e6, 5, 50)


# --------------------------------------------------------------------------------------
# Inversion and stability
# --------------------------------------------------------------------------------------


def test_invert_is_the_written_out_loop():
    W, X, _, alpha = random_problem(1, C=4, D=7, m=6)
    Z = np.zeros((6, 4))
    path = [Z]
    for _ in range(12):
        Z = Z + 2 * alpha * (X - Z @ W) @ W.T
        path.append(Z)
    assert np.allclose(templates.invert(W, X, alpha, 12), Z, rtol=0, atol=1e-13)
    assert np.allclose(templates.invert_path(W, X, alpha, 12), np.stack(path), rtol=0, atol=1e-13)
    # one image: 1-d in, 1-d out
    assert np.allclose(templates.invert(W, X[2], alpha, 12), Z[2], rtol=0, atol=1e-13)
    assert templates.invert_path(W, X[2], alpha, 12).shape == (13, 4)
    assert np.array_equal(templates.predict(W, X, alpha, 12), np.argmax(Z, axis=1))
    # the operator view: z_N = H_N x
    operator = templates.unrolled_operator(W, alpha, 12)
    assert np.allclose(X @ operator.T, Z, rtol=0, atol=1e-12)


@pytest.mark.parametrize("n_steps", [1, 3, 40])
def test_filter_factors_give_the_iterates(n_steps):
    W, X, _, alpha = random_problem(2, C=4, D=7, m=6)
    lam, V = np.linalg.eigh(W @ W.T)
    gain = templates.filter_factors(lam, alpha, n_steps) / lam
    Z = (X @ W.T @ V) * gain @ V.T
    assert np.allclose(Z, templates.invert(W, X, alpha, n_steps), rtol=0, atol=1e-12)


def test_filter_factors_limits():
    """filter_factors' docstring: φ/λ ≈ 2αN for small λ, like the factor 1/(λ + γ) of a
    penalty γ‖z‖² with γ = 1/(2αN); φ → 1 for large λ; one step overshoots for 2αλ > 1."""
    alpha, n_steps = 0.005, 20
    gamma = 1 / (2 * alpha * n_steps)
    small = np.array([1e-4, 1e-3, 1e-2])
    gain = templates.filter_factors(small, alpha, n_steps) / small
    assert np.allclose(gain, 2 * alpha * n_steps, rtol=2e-3)
    assert np.allclose(gain, 1 / (small + gamma), rtol=2e-3)
    large = np.array([50.0, 80.0, 99.0])
    assert np.allclose(templates.filter_factors(large, alpha, 200), 1.0, rtol=0, atol=1e-12)
    assert np.allclose(1 / (large + gamma), 1 / large, rtol=0.1)
    assert templates.filter_factors(150.0, alpha, 1) == pytest.approx(1.5)


def test_stability_limit_is_one_over_the_largest_eigenvalue():
    W, X, _, _ = random_problem(3, C=4, D=9, m=5)
    lam = np.linalg.eigvalsh(W @ W.T)
    limit = templates.stability_limit(W)
    assert np.isclose(limit, 1.0 / lam[-1], rtol=1e-14)
    z_star = np.linalg.solve(W @ W.T, W @ X.T).T

    def distance(alpha, n_steps):
        return np.abs(templates.invert(W, X, alpha, n_steps) - z_star).max()

    # Below the limit the steps converge (slowly along the smallest eigenvalue) ...
    assert distance(0.99 * limit, 20_000) < 1e-8
    # ... above it the top direction grows at every step, by |1 − 2αλ_max|.
    factor = abs(1 - 2 * 1.01 * limit * lam[-1])
    assert factor > 1
    assert distance(1.01 * limit, 400) > 10 * distance(1.01 * limit, 100)
    with pytest.raises(invlib.DivergenceError, match="1/λ_max"):
        templates.invert(W, X, 1.5 * limit, 5000)


def test_stability_limit_of_zero_templates():
    with pytest.raises(ValueError, match="all zeros"):
        templates.stability_limit(np.zeros((2, 3)))


def test_generate_and_inner_loss():
    W, X, _, alpha = random_problem(7)
    Z = templates.invert(W, X, alpha, 15)
    assert np.allclose(templates.generate(W, Z), Z @ W)
    assert np.allclose(templates.generate(W, Z[0]), W.T @ Z[0])
    assert np.allclose(templates.inner_loss(W, X, Z), np.sum((X - Z @ W) ** 2, axis=1))
    assert np.isclose(templates.inner_loss(W, X[1], Z[1]), np.sum((X[1] - W.T @ Z[1]) ** 2))


def test_class_means_examples_one_hot_confusion():
    X = np.arange(12.0).reshape(6, 2)
    labels = np.array([1, 0, 1, 2, 0, 2])
    assert np.allclose(templates.class_means(X, labels), [[5, 6], [2, 3], [8, 9]])
    examples, rows = templates.class_examples(X, labels)
    assert rows.tolist() == [1, 0, 3] and np.array_equal(examples, X[[1, 0, 3]])
    assert np.array_equal(templates.one_hot([2, 0], 3), [[0, 0, 1], [1, 0, 0]])
    counts = templates.confusion_matrix([1, 1, 2, 0], [1, 0, 2, 0], 3)
    assert counts.tolist() == [[1, 1, 0], [0, 1, 0], [0, 0, 1]]
    assert counts.sum() == 4


def test_accuracy_counts():
    W, X, labels, alpha = random_problem(8, C=3, D=5, m=20)
    predicted = templates.predict(W, X, alpha, 10)
    assert templates.accuracy(W, X, labels, alpha, 10) == np.mean(predicted == labels)


# --------------------------------------------------------------------------------------
# Bad input: errors that name the argument
# --------------------------------------------------------------------------------------

W_OK = np.ones((2, 3)) + np.eye(2, 3)
X_OK = np.arange(12.0).reshape(4, 3) / 10
LABELS_OK = np.array([0, 1, 1, 0])


@pytest.mark.parametrize("call, error, words", [
    (lambda: templates.invert(np.ones(3), X_OK, 0.1, 5), ValueError, "W must be a 2-d array"),
    (lambda: templates.invert([[1.0, np.nan, 0.0]], X_OK, 0.1, 5), ValueError, "W must be finite"),
    (lambda: templates.invert("W", X_OK, 0.1, 5), TypeError, "W must be a number"),
    (lambda: templates.invert(W_OK, np.ones((4, 5)), 0.1, 5), ValueError, "X must have D = 3"),
    (lambda: templates.invert(W_OK, np.ones((2, 2, 3)), 0.1, 5), ValueError, "X must be one image"),
    (lambda: templates.invert(W_OK, [], 0.1, 5), ValueError, "X is empty"),
    (lambda: templates.invert(W_OK, X_OK, 0.0, 5), ValueError, "alpha must be > 0"),
    (lambda: templates.invert(W_OK, X_OK, "0.1", 5), TypeError, "alpha must be a real number"),
    (lambda: templates.invert(W_OK, X_OK, 0.1, 5.0), TypeError, "write 5"),
    (lambda: templates.invert(W_OK, X_OK, 0.1, -1), ValueError, "n_steps must be between"),
    (lambda: templates.training_gradient(W_OK, X_OK, [0, 1, 2, 0], 0.1, 5), ValueError,
     "labels must be < C = 2"),
    (lambda: templates.training_gradient(W_OK, X_OK, [0, 1], 0.1, 5), ValueError,
     "labels must hold one class per image"),
    (lambda: templates.training_gradient(W_OK, X_OK, [0, -1, 1, 0], 0.1, 5), ValueError,
     "labels must be ≥ 0"),
    (lambda: templates.training_gradient(W_OK, X_OK, [0, 0.5, 1, 0], 0.1, 5), TypeError,
     "labels must hold whole class numbers"),
    (lambda: templates.training_gradient(W_OK, X_OK, "0110", 0.1, 5), TypeError,
     "labels must be an array"),
    (lambda: templates.train(W_OK, X_OK, LABELS_OK, 0.1, 0.0, 5, 10), ValueError,
     "beta must be > 0"),
    (lambda: templates.train(W_OK, X_OK, LABELS_OK, 0.1, 0.01, 5, 10, momentum=1.0), ValueError,
     "momentum must satisfy"),
    (lambda: templates.train(W_OK, X_OK, LABELS_OK, 0.1, 0.01, 5, -3), ValueError,
     "n_epochs must be between"),
    (lambda: templates.train(np.ones(3), X_OK, LABELS_OK, 0.1, 0.01, 5, 3), ValueError,
     "W0 must be a 2-d array"),
    (lambda: templates.generate(W_OK, np.ones(3)), ValueError, "Z must hold C = 2 weights"),
    (lambda: templates.class_means(X_OK, [0, 0, 2, 2]), ValueError, "no image of class 1"),
    (lambda: templates.class_means(X_OK, [0, 1, 1]), ValueError, "labels must hold one class"),
    (lambda: templates.confusion_matrix([0, 3], [0, 1], 3), ValueError, "predicted must be < C"),
    (lambda: templates.filter_factors([1.0, np.inf], 0.1, 3), ValueError,
     "eigenvalues must be finite"),
])
def test_bad_input_names_the_argument(call, error, words):
    with pytest.raises(error, match=words):
        call()


# --------------------------------------------------------------------------------------
# The digits numbers of notebooks 10 and 11
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def digits_setup():
    pytest.importorskip("sklearn")
    d = invlib.data.digits()
    return d.X_train, d.X_test, d.labels_train, d.labels_test, d.fit


def test_digits_numbers_are_reproducible(digits_setup):
    X_train, X_test, labels_train, labels_test, fit = digits_setup
    assert (len(X_train), len(X_test)) == (1347, 450)
    alpha, n_steps = 0.005, 20
    W_examples, _ = templates.class_examples(X_train, labels_train)
    W_means = templates.class_means(X_train, labels_train)

    def right(W):
        return int(np.sum(templates.predict(W, X_test, alpha, n_steps) == labels_test))

    assert right(W_examples) == 259 and right(W_means) == 397 and right(fit.W) == 414
    assert abs(fit.losses[0] - 698.0) < 0.05 and abs(fit.losses[-1] - 596.95) < 0.01
    again = templates.train(W_means, X_train, labels_train, alpha, 0.002, n_steps, 200, momentum=0.9)
    assert np.array_equal(again.W, fit.W)  # same settings, same numbers
    assert templates.stability_limit(fit.W) > alpha


def test_digits_reverse_mode_against_finite_differences(digits_setup):
    X_train, _, labels_train, _, _ = digits_setup
    W = templates.class_means(X_train, labels_train)
    _, gradient = templates.training_gradient(W, X_train[:200], labels_train[:200], 0.005, 20)
    for k, d in [(0, 20), (3, 27), (8, 36), (9, 63)]:
        up, down = W.copy(), W.copy()
        up[k, d] += 1e-5
        down[k, d] -= 1e-5
        fd = (templates.training_loss(up, X_train[:200], labels_train[:200], 0.005, 20)
              - templates.training_loss(down, X_train[:200], labels_train[:200], 0.005, 20)) / 2e-5
        assert abs(fd - gradient[k, d]) <= 1e-7 * np.abs(gradient).max()
