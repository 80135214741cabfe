"""Images as mixtures of templates, inverted by N gradient steps and trained end to end (notebook 10).

An image x ∈ ℝᴰ is modelled as x ≈ Wᵀz, the rows of W ∈ ℝ^{C×D} being C templates and z ∈ ℝᶜ
the latent weights. Prediction is inversion: N steps z⁽ⁿ⁺¹⁾ = z⁽ⁿ⁾ + 2αW(x − Wᵀz⁽ⁿ⁾) from
z⁽⁰⁾ = 0, the class is argmax_k z⁽ᴺ⁾_k. Training minimises T(W) = Σᵢ ‖tᵢ − z⁽ᴺ⁾(xᵢ; W)‖² (tᵢ
one-hot) by reverse mode through the N steps. Notebook 10 derives every formula; numpy only.
"""

from typing import NamedTuple

import numpy as np

from . import _validate, linear
from ._validate import BLOW_UP, MAX_EPOCHS, MAX_STEPS, DivergenceError


# --- Argument checks ---


def check_templates(W, name="W"):
    """W as a 2-d float array of templates, one per row (C, D), or an error naming it."""
    W = _validate.finite_array(W, name)
    if W.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-d array of templates, one per row (shape (C, D)), "
            f"got shape {W.shape}"
        )
    return W


def _check_images(X, n_pixels, name="X"):
    """X as a 2-d array (m, D), and whether it was a single image (1-d)."""
    X = _validate.finite_array(X, name)
    single = X.ndim == 1
    X2 = X[None, :] if single else X
    if X2.ndim != 2:
        raise ValueError(
            f"{name} must be one image (shape (D,)) or one image per row (shape (m, D)), "
            f"got shape {X.shape}"
        )
    if X2.shape[1] != n_pixels:
        raise ValueError(
            f"{name} must have D = {n_pixels} pixels per image (as many as each template in "
            f"W), got shape {X.shape}"
        )
    return X2, single


def _check_latents(Z, n_templates, name="Z"):
    Z = _validate.finite_array(Z, name)
    if Z.ndim not in (1, 2) or Z.shape[-1] != n_templates:
        raise ValueError(
            f"{name} must hold C = {n_templates} weights (one per template) in its last axis, "
            f"shape (C,) or (m, C), got shape {Z.shape}"
        )
    return Z


def _check_labels(labels, n_samples, n_classes=None, name="labels"):
    if isinstance(labels, (str, bytes)):
        raise TypeError(f"{name} must be an array of class numbers, got a string")
    array = np.asarray(labels)
    if array.ndim != 1:
        raise ValueError(f"{name} must be a 1-d array of class numbers, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} is empty: give one class number per image")
    if array.dtype.kind not in "iu":
        whole = array.dtype.kind == "f" and np.all(np.isfinite(array))
        if whole and np.all(array == np.round(array)):
            array = array.astype(int)
        else:
            raise TypeError(
                f"{name} must hold whole class numbers 0, 1, …, got dtype {array.dtype}")
    if n_samples is not None and array.size != n_samples:
        raise ValueError(
            f"{name} must hold one class per image: {n_samples} images but {array.size} labels"
        )
    if array.min() < 0:
        raise ValueError(f"{name} must be ≥ 0, found {int(array.min())}")
    if n_classes is not None and array.max() >= n_classes:
        raise ValueError(
            f"{name} must be < C = {n_classes} (one template per class), found {int(array.max())}"
        )
    return array.astype(int)


def _check_step(alpha, n_steps):
    alpha = _validate.positive_number(alpha, "alpha")
    n_steps = _validate.count(n_steps, "n_steps", 0, MAX_STEPS)
    return alpha, n_steps


def _check_finite(values, alpha, W, what="the inversion"):
    if _validate.is_finite(values):
        return
    limit = _stability_limit(W)
    raise DivergenceError(
        f"{what} diverged: the latent weights grew beyond {BLOW_UP:g} with alpha = {alpha:g}; "
        f"the steps converge only for 0 < alpha < 1/λ_max(WWᵀ) = {limit:.4g}. Reduce alpha "
        "(or n_steps)."
    )


# --- Templates from data ---


def one_hot(labels, n_classes=None):
    """The targets tᵢ: row i is 1 in column labels[i], 0 elsewhere, shape (m, C)."""
    labels = _check_labels(labels, None, n_classes)
    C = int(labels.max()) + 1 if n_classes is None else _validate.count(n_classes, "n_classes", 1)
    targets = np.zeros((labels.size, C))
    targets[np.arange(labels.size), labels] = 1.0
    return targets


def _labelled_images(X, labels, n_classes):
    """X as (m, D), its labels checked, and the number of classes C."""
    X = _validate.finite_array(X, "X")
    if X.ndim != 2:
        raise ValueError(f"X must be one image per row (shape (m, D)), got shape {X.shape}")
    labels = _check_labels(labels, X.shape[0], n_classes)
    return X, labels, int(labels.max()) + 1 if n_classes is None else n_classes


def class_means(X, labels, n_classes=None):
    """Template k = the mean of the images of class k, w_k = Σ_{i of class k} xᵢ / m_k (m_k images)."""
    X, labels, C = _labelled_images(X, labels, n_classes)
    counts = np.bincount(labels, minlength=C)
    if np.any(counts == 0):
        raise ValueError(f"labels has no image of class {int(np.argmin(counts))}: no mean to take")
    sums = np.zeros((C, X.shape[1]))
    np.add.at(sums, labels, X)
    return sums / counts[:, None]


def class_examples(X, labels, n_classes=None):
    """Template k = the first image of class k in X (one example per class, as in the original), and their rows."""
    X, labels, C = _labelled_images(X, labels, n_classes)
    first = []
    for k in range(C):
        where = np.flatnonzero(labels == k)
        if where.size == 0:
            raise ValueError(f"labels has no image of class {k}: no example to take")
        first.append(where[0])
    return X[first].copy(), np.array(first)


# --- The forward model and its inversion ---


def generate(W, Z):
    """The forward model x = Wᵀz: images from latent weights, row by row."""
    W = check_templates(W)
    Z = _check_latents(Z, W.shape[0])
    return Z @ W


def inner_loss(W, X, Z):
    """L(z) = ‖x − Wᵀz‖², one value per image."""
    W = check_templates(W)
    X, single = _check_images(X, W.shape[1])
    Z = np.atleast_2d(_check_latents(Z, W.shape[0]))
    loss = np.sum((X - Z @ W) ** 2, axis=-1)
    return loss[0] if single else loss


def _stability_limit(W):
    lam = float(np.linalg.eigvalsh(W @ W.T)[-1])
    return np.inf if lam <= 0 else 1.0 / lam


def stability_limit(W):
    """The stability limit 1/λ_max(WWᵀ): the steps converge for 0 < α < 1/λ_max, the error multiplied by I − 2αWWᵀ each step (C = D = 1: the line's 1/a²)."""
    W = check_templates(W)
    limit = _stability_limit(W)
    if not np.isfinite(limit):
        raise ValueError("W is all zeros: the loss is flat in z and no step size converges")
    return limit


def filter_factors(eigenvalues, alpha, n_steps):
    """φ_j = 1 − (1 − 2αλ_j)^N: how much of each eigen-direction of WWᵀ N steps from z⁽⁰⁾ = 0 have
    inverted (1 = all); the steps are Landweber's with K = Wᵀ, λ_j = s_j² (invlib.linear)."""
    lam = _validate.finite_array(eigenvalues, "eigenvalues")
    return linear.landweber_filter(np.sqrt(np.maximum(lam, 0.0)), alpha, n_steps)


class SpectralPredictor:
    """z⁽ᴺ⁾ of fixed images X for any (α, N) without steps: z⁽ᴺ⁾ = Q diag(φ_j/λ_j) Qᵀ W x, WWᵀ = Q diag(λ) Qᵀ."""

    def __init__(self, W, X):
        W = check_templates(W)
        X, _ = _check_images(X, W.shape[1])
        self.eigenvalues, self.Q = np.linalg.eigh(W @ W.T)
        self.projected = X @ W.T @ self.Q  # rows: (Qᵀ W x)ᵀ
        self.limit = 1.0 / self.eigenvalues[-1]

    def weights(self, alpha, n_steps):
        """z⁽ᴺ⁾ of every image, shape (m, C)."""
        gain = filter_factors(self.eigenvalues, alpha, n_steps) / self.eigenvalues
        return (self.projected * gain) @ self.Q.T

    def weights_for_steps(self, alpha, steps):
        """z⁽ᴺ⁾ for every N in steps at once, shape (m, len(steps), C): one matrix product."""
        steps = np.asarray(steps)
        C = self.Q.shape[0]
        gain = (1.0 - (1.0 - 2.0 * alpha * self.eigenvalues) ** steps[:, None]) / self.eigenvalues
        blocks = gain[:, :, None] * self.Q.T[None, :, :]  # diag(gain_N) Qᵀ, one block per N
        weights = self.projected @ blocks.transpose(1, 0, 2).reshape(C, -1)
        return weights.reshape(self.projected.shape[0], steps.size, C)


def _steps(W, X, alpha, n_steps, keep_path):
    """The N steps as Z ← Z·step_matrix + shift, with step_matrix = I − 2αWWᵀ and shift = 2αXWᵀ computed once."""
    step_matrix = np.eye(W.shape[0]) - 2.0 * alpha * (W @ W.T)
    shift = 2.0 * alpha * (X @ W.T)
    Z = np.zeros((X.shape[0], W.shape[0]))
    path = np.empty((n_steps + 1, *Z.shape)) if keep_path else None
    if keep_path:
        path[0] = Z
    with np.errstate(over="ignore", invalid="ignore"):
        for n in range(n_steps):
            Z = Z @ step_matrix + shift
            if keep_path:
                path[n + 1] = Z
    return (path if keep_path else Z), step_matrix


def invert(W, X, alpha, n_steps):
    """z⁽ᴺ⁾ of each image after N steps z⁽ⁿ⁺¹⁾ = z⁽ⁿ⁾ + 2αW(x − Wᵀz⁽ⁿ⁾) from z⁽⁰⁾ = 0: (C,) or (m, C)."""
    return invert_path(W, X, alpha, n_steps, keep_path=False)


def invert_path(W, X, alpha, n_steps, keep_path=True):
    """Every iterate z⁽⁰⁾ … z⁽ᴺ⁾: shape (N + 1, C), or (N + 1, m, C) for m images (only z⁽ᴺ⁾ without keep_path)."""
    W = check_templates(W)
    X, single = _check_images(X, W.shape[1])
    alpha, n_steps = _check_step(alpha, n_steps)
    found, _ = _steps(W, X, alpha, n_steps, keep_path)
    _check_finite(found, alpha, W)
    return found[..., 0, :] if single else found


def predict(W, X, alpha, n_steps):
    """The class of each image, argmax_k z⁽ᴺ⁾_k."""
    return np.argmax(invert(W, X, alpha, n_steps), axis=-1)


def accuracy(W, X, labels, alpha, n_steps):
    """The fraction of images whose predicted class equals their label."""
    W = check_templates(W)
    X, _ = _check_images(X, W.shape[1])
    labels = _check_labels(labels, X.shape[0])
    return float(np.mean(predict(W, X, alpha, n_steps) == labels))


def confusion_matrix(predicted, labels, n_classes):
    """The confusion matrix: counts[true class, predicted class]."""
    n_classes = _validate.count(n_classes, "n_classes", 1)
    labels = _check_labels(labels, None, n_classes)
    predicted = _check_labels(predicted, labels.size, n_classes, name="predicted")
    counts = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(counts, (labels, predicted), 1)
    return counts


# --- Training the templates through the N steps ---


def training_loss(W, X, labels, alpha, n_steps):
    """T(W) = Σᵢ ‖tᵢ − z⁽ᴺ⁾(xᵢ; W)‖², tᵢ one-hot."""
    W = check_templates(W)
    X, _ = _check_images(X, W.shape[1])
    targets = one_hot(_check_labels(labels, X.shape[0], W.shape[0]), W.shape[0])
    Z = invert(W, X, alpha, n_steps)
    return float(np.sum((targets - Z) ** 2))


def _loss_and_gradient(W, X, targets, alpha, n_steps):
    """T and ∂T/∂W for checked arrays, the readable backward pass (one adjoint per image)."""
    path, step_matrix = _steps(W, X, alpha, n_steps, keep_path=True)
    Z_N = path[-1]
    with np.errstate(over="ignore", invalid="ignore"):
        loss = float(np.sum((targets - Z_N) ** 2))
        adjoint = -2.0 * (targets - Z_N)          # ψ⁽ᴺ⁾ = ∂T/∂z⁽ᴺ⁾, one row per image
        adjoint_sum = np.zeros_like(adjoint)      # Σ_n ψ⁽ⁿ⁺¹⁾
        outer = np.zeros((W.shape[0], W.shape[0]))  # Σ_n Σ_i z⁽ⁿ⁾ψ⁽ⁿ⁺¹⁾ᵀ
        for n in range(n_steps - 1, -1, -1):
            # here `adjoint` holds ψ⁽ⁿ⁺¹⁾; step n used z⁽ⁿ⁾ = path[n]
            adjoint_sum += adjoint
            outer += path[n].T @ adjoint
            adjoint = adjoint @ step_matrix                 # ψ⁽ⁿ⁾ = (I − 2αWWᵀ) ψ⁽ⁿ⁺¹⁾, symmetric
        # Σ_n [ψ⁽ⁿ⁺¹⁾ r⁽ⁿ⁾ᵀ − z⁽ⁿ⁾ ψ⁽ⁿ⁺¹⁾ᵀ W] with r⁽ⁿ⁾ = x − Wᵀz⁽ⁿ⁾, summed over images:
        # adjoint_sumᵀ X − (outer + outerᵀ) W
        gradient = 2.0 * alpha * (adjoint_sum.T @ X - (outer + outer.T) @ W)
    return loss, gradient


def training_gradient(W, X, labels, alpha, n_steps):
    """T(W) and ∂T/∂W = 2α Σᵢ Σₙ (ψ⁽ⁿ⁺¹⁾ r⁽ⁿ⁾ᵀ − z⁽ⁿ⁾ ψ⁽ⁿ⁺¹⁾ᵀ W), ψ⁽ⁿ⁾ = (I − 2αWWᵀ) ψ⁽ⁿ⁺¹⁾, ψ⁽ᴺ⁾ = −2(t − z⁽ᴺ⁾), r⁽ⁿ⁾ = x − Wᵀz⁽ⁿ⁾.
    Reverse mode through the N steps, the iterates kept in memory (O(N·m·C)).
    """
    W = check_templates(W)
    X, _ = _check_images(X, W.shape[1])
    targets = one_hot(_check_labels(labels, X.shape[0], W.shape[0]), W.shape[0])
    alpha, n_steps = _check_step(alpha, n_steps)
    loss, gradient = _loss_and_gradient(W, X, targets, alpha, n_steps)
    _check_finite([loss], alpha, W)
    _check_finite(gradient, alpha, W, "the backward pass")
    return loss, gradient


def unrolled_operator(W, alpha, n_steps):
    """The C×D matrix B⁽ᴺ⁾ with z⁽ᴺ⁾ = B⁽ᴺ⁾x for every image: B⁽⁰⁾ = 0, B⁽ⁿ⁺¹⁾ = (I − 2αWWᵀ)B⁽ⁿ⁾ + 2αW."""
    W = check_templates(W)
    alpha, n_steps = _check_step(alpha, n_steps)
    path, _ = _operator_steps(W, alpha, n_steps)
    _check_finite(path[-1], alpha, W)
    return path[-1]


def _operator_steps(W, alpha, n_steps):
    """B⁽⁰⁾ … B⁽ᴺ⁾ (shape (N + 1, C, D)) and step_matrix = I − 2αWWᵀ."""
    step_matrix = np.eye(W.shape[0]) - 2.0 * alpha * (W @ W.T)
    step = 2.0 * alpha * W
    path = np.empty((n_steps + 1, *W.shape))
    path[0] = 0.0
    with np.errstate(over="ignore", invalid="ignore"):
        for n in range(n_steps):
            path[n + 1] = step_matrix @ path[n] + step
    return path, step_matrix


class BatchStatistics(NamedTuple):
    """The sums T needs from a batch: xx = Σ xᵢxᵢᵀ (D, D), xt = Σ xᵢtᵢᵀ (D, C), tt = Σ ‖tᵢ‖²."""

    xx: np.ndarray
    xt: np.ndarray
    tt: float


def batch_statistics(X, labels, n_classes):
    """Σ xᵢxᵢᵀ, Σ xᵢtᵢᵀ and Σ ‖tᵢ‖², through which T = Σᵢ ‖tᵢ − H_N xᵢ‖² depends on the images."""
    n_classes = _validate.count(n_classes, "n_classes", 1)
    X = _validate.finite_array(X, "X")
    if X.ndim != 2:
        raise ValueError(f"X must be one image per row (shape (m, D)), got shape {X.shape}")
    targets = one_hot(_check_labels(labels, X.shape[0], n_classes), n_classes)
    return BatchStatistics(xx=X.T @ X, xt=X.T @ targets, tt=float(np.sum(targets**2)))


def _fast_loss_and_gradient(W, stats, alpha, n_steps):
    """T and ∂T/∂W from the batch sums: the same backward pass with the sum over images taken first.
    Two backward passes are kept on purpose: _loss_and_gradient to read, this one to train fast; a test proves them equal.
    """
    path, step_matrix = _operator_steps(W, alpha, n_steps)
    H_N = path[-1]
    with np.errstate(over="ignore", invalid="ignore"):
        H_xx = H_N @ stats.xx
        loss = float(np.sum(H_xx * H_N) - 2.0 * np.sum(H_N * stats.xt.T) + stats.tt)
        adjoint = 2.0 * (H_xx - stats.xt.T)       # Ψ_N
        adjoint_sum = np.zeros_like(adjoint)      # Σ_n Ψ_{n+1}
        outer = np.zeros((W.shape[0], W.shape[0]))  # Σ_n Ψ_{n+1} H_nᵀ
        for n in range(n_steps - 1, -1, -1):
            adjoint_sum += adjoint
            outer += adjoint @ path[n].T
            adjoint = step_matrix @ adjoint
        gradient = 2.0 * alpha * (adjoint_sum - (outer + outer.T) @ W)
    return loss, gradient


class TemplateFit(NamedTuple):
    """W: the trained templates (C, D); losses[e]: T after e updates (e = 0 … n_epochs)."""

    W: np.ndarray
    losses: np.ndarray


def train(W0, X, labels, alpha, beta, n_steps, n_epochs, momentum=0.0):
    """Train the templates through the N steps: ΔW ← μΔW − β ∂T/∂W, W ← W + ΔW, from W0 for n_epochs full-batch updates.
    The gradient uses the batch sums, so an epoch costs the same for 10 images or 10,000. DivergenceError if T or W stops being finite.
    """
    W = check_templates(W0, "W0").copy()
    X, _ = _check_images(X, W.shape[1])
    labels = _check_labels(labels, X.shape[0], W.shape[0])
    alpha, n_steps = _check_step(alpha, n_steps)
    beta = _validate.positive_number(beta, "beta")
    n_epochs = _validate.count(n_epochs, "n_epochs", 0, MAX_EPOCHS)
    momentum = _validate.momentum_value(momentum)
    stats = batch_statistics(X, labels, W.shape[0])
    losses = np.empty(n_epochs + 1)
    velocity = np.zeros_like(W)
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(n_epochs + 1):
            loss, gradient = _fast_loss_and_gradient(W, stats, alpha, n_steps)
            losses[epoch] = loss
            if not (_validate.is_finite(loss) and np.all(np.isfinite(gradient))
                    and _validate.is_finite(W)):
                raise DivergenceError(
                    f"training diverged at epoch {epoch}: T = {loss:.3g}. The outer learning rate "
                    f"beta = {beta:g} is too large, or the templates grew until alpha = "
                    f"{alpha:g} is no longer below 1/λ_max(WWᵀ). Reduce beta (or alpha)."
                )
            if epoch == n_epochs:
                break
            velocity = momentum * velocity - beta * gradient
            W = W + velocity
    return TemplateFit(W=W, losses=losses)
