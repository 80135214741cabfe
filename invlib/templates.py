r"""A linear template model for images, inverted by N gradient steps and trained end to end.

An image :math:`x \in \mathbb{R}^D` (D = 64 pixels for the 8×8 digits) is modelled as a
weighted sum of K template images, the rows of :math:`W \in \mathbb{R}^{K \times D}`:

.. math:: x \approx f_W(z) = W^\top z, \qquad z \in \mathbb{R}^K \text{ the latent weights.}

This is the series' forward model with a vector latent: z plays the part of y, the
templates W the part of θ, and the one-hot target :math:`t_i` (1 at image i's class, 0
elsewhere) the part of the known :math:`y_i`; α, N, β and T keep their meanings.
**Prediction is inversion**: minimise the inner loss

.. math:: L(z) = \lVert x - W^\top z\rVert^2, \qquad \nabla_z L = -2\,W\,(x - W^\top z),

by N gradient steps of width α from :math:`z_0 = 0`,

.. math:: z_{n+1} = z_n + 2\alpha\,W\,(x - W^\top z_n), \qquad n = 0, \dots, N-1,

and the class is :math:`\arg\max_k (z_N)_k`. The weights are not probabilities: they can be
negative and need not sum to 1. The error :math:`z_n - z^*` is multiplied by
:math:`I - 2\alpha WW^\top` at every step, so for linearly independent templates (every
eigenvalue of :math:`WW^\top` positive) the steps converge exactly when
:math:`0 < \alpha < 1/\lambda_{\max}(WW^\top)` (:func:`stability_limit`).

Many images at once: the rows of X (shape (M, D)) are images and the rows of Z (shape
(M, K)) their latent weights, so one step for all of them is

.. math:: Z_{n+1} = Z_n + 2\alpha\,(X - Z_n W)\,W^\top .

**Training the templates end to end** (:func:`training_gradient`, :func:`train`): with
:math:`t_i` the one-hot vector of image i's class, the training loss is the series' T,

.. math:: T(W) = \sum_i \big\lVert t_i - z_N(x_i; W)\big\rVert^2 ,

and its gradient comes by **reverse mode** — backpropagation through the N steps. With the
residual :math:`r_n = x - W^\top z_n`, one step is :math:`z_{n+1} = z_n + 2\alpha W r_n`, so a
small change dW of the templates changes the iterates by

.. math:: dz_{n+1} = (I - 2\alpha WW^\top)\,dz_n + 2\alpha\,(dW\,r_n - W\,dW^\top z_n),
          \qquad dz_0 = 0 .

Carry the adjoint :math:`\lambda_n = \partial T/\partial z_n` backwards instead,

.. math::

    \lambda_N = -2\,(t - z_N), \qquad
    \lambda_n = (I - 2\alpha WW^\top)\,\lambda_{n+1}
    \quad\text{(the matrix is symmetric)};

then :math:`\lambda_{n+1}^\top dz_{n+1} = \lambda_n^\top dz_n
+ 2\alpha\,(\lambda_{n+1}^\top dW\,r_n - \lambda_{n+1}^\top W\,dW^\top z_n)`, and chaining
these from n = N − 1 down to :math:`dz_0 = 0` gives :math:`dT = \lambda_N^\top dz_N` as a
sum of terms linear in dW. Their gradients (:math:`\lambda^\top dW\,r \to \lambda r^\top`,
:math:`\lambda^\top W dW^\top z = z^\top dW\,W^\top\lambda \to z\,\lambda^\top W`) add up to

.. math::

    \frac{\partial T}{\partial W}
      = 2\alpha \sum_i \sum_{n=0}^{N-1}
        \Big(\lambda_{n+1}\,r_n^\top - z_n\,\lambda_{n+1}^\top W\Big),

summed over the images i (each has its own z_n, r_n, λ_n). One backward pass gives all
K·D entries of ∂T/∂W; the stored iterates take O(N·M·K) memory. Notebook 09 (section 7)
writes the derivation out step by step.

Core floor: numpy only.
"""

from typing import NamedTuple

import numpy as np

from . import _validate
from ._validate import DivergenceError

#: Latent weights or templates larger than this are treated as diverged.
BLOW_UP = 1e150
#: Largest number of inner steps, and of training epochs, accepted.
MAX_STEPS = 100_000
MAX_EPOCHS = 1_000_000


# --------------------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------------------


def _check_templates(W, name="W"):
    W = _validate.finite_array(W, name)
    if W.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-d array of templates, one per row (shape (K, D)), "
            f"got shape {W.shape}"
        )
    return W


def _check_images(X, n_pixels, name="X"):
    """X as a 2-d array (M, D) and whether it was a single image (1-d)."""
    X = _validate.finite_array(X, name)
    single = X.ndim == 1
    X2 = X[None, :] if single else X
    if X2.ndim != 2:
        raise ValueError(
            f"{name} must be one image (shape (D,)) or one image per row (shape (M, D)), "
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
            f"{name} must hold K = {n_templates} weights (one per template) in its last axis, "
            f"shape (K,) or (M, K), got shape {Z.shape}"
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
            f"{name} must be < K = {n_classes} (one template per class), found {int(array.max())}"
        )
    return array.astype(int)


def _check_step(alpha, n_steps):
    alpha = _validate.positive_number(alpha, "alpha")
    n_steps = _validate.count(n_steps, "n_steps", 0, MAX_STEPS)
    return alpha, n_steps


def _check_finite(values, alpha, W, what="the inversion"):
    values = np.asarray(values)
    if np.all(np.isfinite(values)) and np.all(np.abs(values) < BLOW_UP):
        return
    limit = _stability_limit(W)
    raise DivergenceError(
        f"{what} diverged: the latent weights grew beyond {BLOW_UP:g} with alpha = {alpha:g}; "
        f"the steps converge only for 0 < alpha < 1/λ_max(WWᵀ) = {limit:.4g}. Reduce alpha "
        "(or n_steps)."
    )


# --------------------------------------------------------------------------------------
# Templates from data
# --------------------------------------------------------------------------------------


def one_hot(labels, n_classes=None):
    r"""The targets :math:`t_i`: row i is 1 in column ``labels[i]``, 0 elsewhere (shape (M, K))."""
    labels = _check_labels(labels, None, n_classes)
    K = int(labels.max()) + 1 if n_classes is None else _validate.count(n_classes, "n_classes", 1)
    targets = np.zeros((labels.size, K))
    targets[np.arange(labels.size), labels] = 1.0
    return targets


def class_means(X, labels, n_classes=None):
    r"""Template k = the mean of the images of class k.

    .. math:: w_k = \frac{1}{M_k}\sum_{i:\, c_i = k} x_i
    """
    X = _validate.finite_array(X, "X")
    if X.ndim != 2:
        raise ValueError(f"X must be one image per row (shape (M, D)), got shape {X.shape}")
    labels = _check_labels(labels, X.shape[0], n_classes)
    K = int(labels.max()) + 1 if n_classes is None else n_classes
    counts = np.bincount(labels, minlength=K)
    if np.any(counts == 0):
        raise ValueError(f"labels has no image of class {int(np.argmin(counts))}: no mean to take")
    sums = np.zeros((K, X.shape[1]))
    np.add.at(sums, labels, X)
    return sums / counts[:, None]


def class_examples(X, labels, n_classes=None):
    """Template k = the first image of class k in X (one example per class, as in the original)."""
    X = _validate.finite_array(X, "X")
    if X.ndim != 2:
        raise ValueError(f"X must be one image per row (shape (M, D)), got shape {X.shape}")
    labels = _check_labels(labels, X.shape[0], n_classes)
    K = int(labels.max()) + 1 if n_classes is None else n_classes
    first = []
    for k in range(K):
        where = np.flatnonzero(labels == k)
        if where.size == 0:
            raise ValueError(f"labels has no image of class {k}: no example to take")
        first.append(where[0])
    return X[first].copy(), np.array(first)


# --------------------------------------------------------------------------------------
# The forward model and its inversion
# --------------------------------------------------------------------------------------


def generate(W, Z):
    r"""The forward model :math:`x = W^\top z`: images from latent weights (row by row)."""
    W = _check_templates(W)
    Z = _check_latents(Z, W.shape[0])
    return Z @ W


def inner_loss(W, X, Z):
    r""":math:`L(z) = \lVert x - W^\top z\rVert^2`, one value per image."""
    W = _check_templates(W)
    X, single = _check_images(X, W.shape[1])
    Z = np.atleast_2d(_check_latents(Z, W.shape[0]))
    loss = np.sum((X - Z @ W) ** 2, axis=-1)
    return loss[0] if single else loss


def _stability_limit(W):
    lam = float(np.linalg.eigvalsh(W @ W.T)[-1])
    return np.inf if lam <= 0 else 1.0 / lam


def stability_limit(W):
    r"""The largest stable step, :math:`1/\lambda_{\max}(WW^\top)`.

    The error :math:`e_n = z_n - z^*` obeys :math:`e_{n+1} = (I - 2\alpha WW^\top)\,e_n`;
    along the eigenvector of eigenvalue λ it is multiplied by :math:`1 - 2\alpha\lambda`,
    which has size below 1 for every λ exactly when :math:`0 < \alpha < 1/\lambda_{\max}`.
    For K = D = 1 (W = [[a]]) this is the line's 1/a².
    """
    W = _check_templates(W)
    limit = _stability_limit(W)
    if not np.isfinite(limit):
        raise ValueError("W is all zeros: the loss is flat in z and no step size converges")
    return limit


def filter_factors(eigenvalues, alpha, n_steps):
    r"""How much of each eigen-direction of :math:`WW^\top` the N steps have inverted.

    With :math:`WW^\top = V\,\mathrm{diag}(\lambda_j)\,V^\top`, N steps from
    :math:`z_0 = 0` give

    .. math:: z_N = V\,\mathrm{diag}\!\Big(\frac{\varphi_j}{\lambda_j}\Big)\,V^\top W x,
              \qquad \varphi_j = 1 - (1 - 2\alpha\lambda_j)^N,

    where the exact least-squares answer has :math:`\varphi_j = 1`. Directions with large
    :math:`\lambda_j` are inverted within a few steps (for :math:`2\alpha\lambda_j > 1` the
    early :math:`\varphi_j` overshoot 1 and oscillate towards it); along a small
    :math:`\lambda_j` (:math:`2\alpha N\lambda_j \ll 1`),
    :math:`\varphi_j/\lambda_j \approx 2\alpha N` stays far below :math:`1/\lambda_j`. So
    stopping early damps exactly the directions that the full inversion would amplify
    most, much as a penalty :math:`\gamma\lVert z\rVert^2` in L with
    :math:`\gamma = 1/(2\alpha N)` would (its factor is :math:`1/(\lambda_j + \gamma)`).
    Returns :math:`\varphi_j` for each eigenvalue.
    """
    lam = _validate.finite_array(eigenvalues, "eigenvalues")
    alpha, n_steps = _check_step(alpha, n_steps)
    with np.errstate(over="ignore", invalid="ignore"):
        factors = 1.0 - (1.0 - 2.0 * alpha * lam) ** n_steps
    return factors


def _steps(W, X, alpha, n_steps, keep_path):
    """The N steps as Z ← Z A + C, with A = I − 2αWWᵀ and C = 2αXWᵀ computed once."""
    K = W.shape[0]
    A = np.eye(K) - 2.0 * alpha * (W @ W.T)
    C = 2.0 * alpha * (X @ W.T)
    Z = np.zeros((X.shape[0], K))
    path = np.empty((n_steps + 1, *Z.shape)) if keep_path else None
    if keep_path:
        path[0] = Z
    with np.errstate(over="ignore", invalid="ignore"):
        for n in range(n_steps):
            Z = Z @ A + C
            if keep_path:
                path[n + 1] = Z
    return (path if keep_path else Z), A


def invert(W, X, alpha, n_steps):
    r"""The latent weights :math:`z_N` of each image after N steps from :math:`z_0 = 0`.

    :math:`z_{n+1} = z_n + 2\alpha\,W\,(x - W^\top z_n)`. X is one image (D,) or one per
    row (M, D); returns (K,) or (M, K). Raises :class:`invlib.DivergenceError` when the
    weights leave the finite numbers (α too large: see :func:`stability_limit`).
    """
    W = _check_templates(W)
    X, single = _check_images(X, W.shape[1])
    alpha, n_steps = _check_step(alpha, n_steps)
    Z, _ = _steps(W, X, alpha, n_steps, keep_path=False)
    _check_finite(Z, alpha, W)
    return Z[0] if single else Z


def invert_path(W, X, alpha, n_steps):
    r"""Every iterate :math:`z_0, \dots, z_N`: shape (N + 1, K), or (N + 1, M, K) for M images."""
    W = _check_templates(W)
    X, single = _check_images(X, W.shape[1])
    alpha, n_steps = _check_step(alpha, n_steps)
    path, _ = _steps(W, X, alpha, n_steps, keep_path=True)
    _check_finite(path, alpha, W)
    return path[:, 0] if single else path


def predict(W, X, alpha, n_steps):
    r"""The class of each image: :math:`\arg\max_k (z_N)_k`."""
    return np.argmax(invert(W, X, alpha, n_steps), axis=-1)


def accuracy(W, X, labels, alpha, n_steps):
    """The fraction of images whose predicted class equals their label."""
    W = _check_templates(W)
    X, _ = _check_images(X, W.shape[1])
    labels = _check_labels(labels, X.shape[0])
    return float(np.mean(predict(W, X, alpha, n_steps) == labels))


def confusion_matrix(predicted, labels, n_classes):
    """Counts C[true class, predicted class] (rows: the label, columns: the prediction)."""
    n_classes = _validate.count(n_classes, "n_classes", 1)
    labels = _check_labels(labels, None, n_classes)
    predicted = _check_labels(predicted, labels.size, n_classes, name="predicted")
    counts = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(counts, (labels, predicted), 1)
    return counts


# --------------------------------------------------------------------------------------
# Training the templates through the N steps
# --------------------------------------------------------------------------------------


def training_loss(W, X, labels, alpha, n_steps):
    r""":math:`T(W) = \sum_i \lVert t_i - z_N(x_i; W)\rVert^2`, with :math:`t_i` one-hot."""
    W = _check_templates(W)
    X, _ = _check_images(X, W.shape[1])
    targets = one_hot(_check_labels(labels, X.shape[0], W.shape[0]), W.shape[0])
    Z = invert(W, X, alpha, n_steps)
    return float(np.sum((targets - Z) ** 2))


def _loss_and_gradient(W, X, targets, alpha, n_steps):
    """T and ∂T/∂W for checked arrays (no validation: the training loop calls this)."""
    path, A = _steps(W, X, alpha, n_steps, keep_path=True)
    Z_N = path[-1]
    with np.errstate(over="ignore", invalid="ignore"):
        loss = float(np.sum((targets - Z_N) ** 2))
        adjoint = -2.0 * (targets - Z_N)          # λ_N = ∂T/∂z_N, one row per image
        adjoint_sum = np.zeros_like(adjoint)      # S = Σ_n λ_{n+1}
        outer = np.zeros((W.shape[0], W.shape[0]))  # P = Σ_n Σ_i z_n λ_{n+1}ᵀ
        for n in range(n_steps - 1, -1, -1):
            # here `adjoint` holds λ_{n+1}; step n used z_n = path[n]
            adjoint_sum += adjoint
            outer += path[n].T @ adjoint
            adjoint = adjoint @ A                 # λ_n = (I − 2αWWᵀ) λ_{n+1}, A symmetric
        # Σ_n [λ_{n+1} r_nᵀ − z_n λ_{n+1}ᵀ W] with r_n = x − Wᵀz_n, summed over images:
        # Sᵀ X − Pᵀ W − P W
        gradient = 2.0 * alpha * (adjoint_sum.T @ X - (outer + outer.T) @ W)
    return loss, gradient


def training_gradient(W, X, labels, alpha, n_steps):
    r"""T(W) and :math:`\partial T/\partial W` (shape (K, D)) by reverse mode through the N steps.

    Forward pass: run the steps and keep :math:`z_0, \dots, z_N` (O(N·M·K) memory).
    Backward pass, from :math:`\lambda_N = \partial T/\partial z_N = -2(t - z_N)`:

    .. math::

        \frac{\partial T}{\partial W} \mathrel{+}= 2\alpha\big(\lambda_{n+1} r_n^\top
            - z_n \lambda_{n+1}^\top W\big), \qquad
        \lambda_n = (I - 2\alpha WW^\top)\,\lambda_{n+1}, \qquad n = N-1, \dots, 0,

    with :math:`r_n = x - W^\top z_n`, summed over the images. Because the sums over n
    can be taken before multiplying by X and W, the backward pass costs about as much as
    the forward pass.
    """
    W = _check_templates(W)
    X, _ = _check_images(X, W.shape[1])
    targets = one_hot(_check_labels(labels, X.shape[0], W.shape[0]), W.shape[0])
    alpha, n_steps = _check_step(alpha, n_steps)
    loss, gradient = _loss_and_gradient(W, X, targets, alpha, n_steps)
    _check_finite([loss], alpha, W)
    _check_finite(gradient, alpha, W, "the backward pass")
    return loss, gradient


def unrolled_operator(W, alpha, n_steps):
    r"""The K×D matrix :math:`M_N` with :math:`z_N = M_N\,x` for every image x.

    Every step is linear in x and :math:`z_0 = 0`, so :math:`z_n = M_n x` with

    .. math:: M_0 = 0, \qquad M_{n+1} = M_n + 2\alpha\,W\,(I - W^\top M_n)
              = (I - 2\alpha WW^\top)\,M_n + 2\alpha W .

    (:math:`M_n` is the inversion of the D unit images, one per pixel.) Applying
    :math:`M_N` to a batch, ``X @ M_N.T``, gives the same :math:`z_N` as :func:`invert`
    at the cost of N steps on a K×D matrix, however many images there are.
    """
    W = _check_templates(W)
    alpha, n_steps = _check_step(alpha, n_steps)
    path, _ = _operator_steps(W, alpha, n_steps)
    _check_finite(path[-1], alpha, W)
    return path[-1]


def _operator_steps(W, alpha, n_steps):
    """M_0 … M_N (shape (N + 1, K, D)) and A = I − 2αWWᵀ."""
    A = np.eye(W.shape[0]) - 2.0 * alpha * (W @ W.T)
    step = 2.0 * alpha * W
    path = np.empty((n_steps + 1, *W.shape))
    path[0] = 0.0
    with np.errstate(over="ignore", invalid="ignore"):
        for n in range(n_steps):
            path[n + 1] = A @ path[n] + step
    return path, A


class BatchStatistics(NamedTuple):
    """What T needs from a batch, summed once: xx = Σ x_i x_iᵀ = XᵀX (D, D),
    xt = Σ x_i t_iᵀ (D, K) and tt = Σ‖t_i‖²."""

    xx: np.ndarray
    xt: np.ndarray
    tt: float


def batch_statistics(X, labels, n_classes):
    r"""The sums :math:`\sum_i x_i x_i^\top`, :math:`\sum_i x_i t_i^\top`, :math:`\sum_i \lVert t_i\rVert^2`.

    With :math:`z_N = M_N x` (:func:`unrolled_operator`),

    .. math:: T = \sum_i \lVert t_i - M_N x_i\rVert^2
              = \operatorname{tr}\Big(M_N \Big(\sum_i x_i x_i^\top\Big) M_N^\top\Big)
              - 2\operatorname{tr}\Big(M_N \sum_i x_i t_i^\top\Big)
              + \sum_i \lVert t_i\rVert^2

    depends on the images only through these sums.
    """
    n_classes = _validate.count(n_classes, "n_classes", 1)
    X = _validate.finite_array(X, "X")
    if X.ndim != 2:
        raise ValueError(f"X must be one image per row (shape (M, D)), got shape {X.shape}")
    targets = one_hot(_check_labels(labels, X.shape[0], n_classes), n_classes)
    return BatchStatistics(xx=X.T @ X, xt=X.T @ targets, tt=float(np.sum(targets**2)))


def _fast_loss_and_gradient(W, stats, alpha, n_steps):
    """T and ∂T/∂W from the batch sums: the same backward pass, summed over the images first.

    With z_n = M_n x, the per-image adjoints summed against the images,
    Λ_n = Σ_i λ_{n,i} x_iᵀ (K×D), obey the same recursion Λ_n = (I − 2αWWᵀ) Λ_{n+1}
    from Λ_N = Σ_i 2 (M_N x_i − t_i) x_iᵀ = 2 (M_N·xx − xtᵀ), and the per-step terms of
    ∂T/∂W sum over the images to 2α [Λ_{n+1} (I − M_nᵀ W) − M_n Λ_{n+1}ᵀ W]
    (substitute r_n = (I − WᵀM_n) x and z_n = M_n x in the per-image terms).
    """
    path, A = _operator_steps(W, alpha, n_steps)
    M_N = path[-1]
    with np.errstate(over="ignore", invalid="ignore"):
        M_xx = M_N @ stats.xx
        loss = float(np.sum(M_xx * M_N) - 2.0 * np.sum(M_N * stats.xt.T) + stats.tt)
        adjoint = 2.0 * (M_xx - stats.xt.T)       # Λ_N
        adjoint_sum = np.zeros_like(adjoint)      # Σ_n Λ_{n+1}
        outer = np.zeros((W.shape[0], W.shape[0]))  # Σ_n Λ_{n+1} M_nᵀ
        for n in range(n_steps - 1, -1, -1):
            adjoint_sum += adjoint
            outer += adjoint @ path[n].T
            adjoint = A @ adjoint
        gradient = 2.0 * alpha * (adjoint_sum - (outer + outer.T) @ W)
    return loss, gradient


class TemplateFit(NamedTuple):
    """What :func:`train` returns: the trained templates ``W`` (K, D) and
    ``losses[k]`` = T after k updates (k = 0 … n_epochs)."""

    W: np.ndarray
    losses: np.ndarray


def train(W0, X, labels, alpha, beta, n_steps, n_epochs, momentum=0.0):
    r"""Train the templates through the N inversion steps by gradient descent on T.

    :math:`V \leftarrow \mu V - \beta\,\partial T/\partial W`, :math:`W \leftarrow W + V`
    (plain gradient descent for momentum μ = 0), starting from ``W0``, for ``n_epochs``
    updates over the whole batch X. The gradient is :func:`training_gradient`'s reverse
    mode, with the sums over the images taken once before training
    (:func:`batch_statistics`), so an epoch costs the same for 10 images or 10,000.
    Raises :class:`invlib.DivergenceError` if T or W stops being finite (β too large, or
    W grew until α is no longer stable).
    """
    W = _check_templates(W0, "W0").copy()
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
            if not (np.isfinite(loss) and abs(loss) < BLOW_UP and np.all(np.isfinite(gradient))
                    and np.all(np.abs(W) < BLOW_UP)):
                raise DivergenceError(
                    f"training diverged at epoch {epoch}: T = {loss:.3g}. The outer rate "
                    f"beta = {beta:g} is too large, or the templates grew until alpha = "
                    f"{alpha:g} is no longer below 1/λ_max(WWᵀ). Reduce beta (or alpha)."
                )
            if epoch == n_epochs:
                break
            velocity = momentum * velocity - beta * gradient
            W = W + velocity
    return TemplateFit(W=W, losses=losses)
