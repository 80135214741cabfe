r"""Notebook 09: classifying digits by inversion, with sliders for the step α and the steps N.

The templates are trained once, end to end through N = 20 steps of width α = 0.005
(:func:`trained_templates`); the sliders then change how the *prediction* is run. The left
panel draws the test accuracy against N at the current α, for the trained templates (the
current N marked) and for the untrained class means; the right panel draws the trained
templates' mistakes at (α, N): the confusion matrix (row = true class, column = predicted
class) without its diagonal.

A frame needs no steps at all. With :math:`WW^\top = V\,\mathrm{diag}(\lambda_j)\,V^\top`,
N steps from :math:`z_0 = 0` give (:func:`invlib.templates.filter_factors`)

.. math:: z_N = V\,\mathrm{diag}\big(\varphi_j/\lambda_j\big)\,V^\top W x, \qquad
          \varphi_j = 1 - (1 - 2\alpha\lambda_j)^N,

so the products :math:`V^\top W x` of the test images are computed once, and a move of a
slider only rescales ten columns. The tests check this against :func:`invlib.templates.invert`.

From :math:`\alpha \ge 1/\lambda_{\max}(WW^\top)` on, the weights no longer converge
(beyond the limit they grow without bound as N grows; the slider's grid never lands on the
limit itself): the dashboard says so, empties the curve and blanks the matrix — nothing
non-finite is drawn.
"""

import numpy as np

from .. import plots, templates, widgets

#: The fixed split of scikit-learn's 8×8 digits: a quarter held out, stratified, seeded.
TEST_SIZE, SPLIT_SEED = 0.25, 0
#: The settings the templates are trained with (and the dashboard's defaults).
ALPHA, N_STEPS = 0.005, 20
BETA, MOMENTUM, N_EPOCHS = 0.002, 0.9, 200
#: Slider ranges: (min, max).
ALPHA_RANGE, STEPS_RANGE = (0.0005, 0.012), (1, 100)
#: The colour scale of the mistakes (counts of test images off the diagonal).
MISTAKE_LIMIT = 10
#: The accuracy panel's window.
ACCURACY_LIMITS = (0.8, 0.96)


def digit_split():
    """scikit-learn's bundled 8×8 digits, scaled to [0, 1], split into training and test.

    Returns ``(X_train, X_test, y_train, y_test)``: 1,347 and 450 images, one per row
    (64 pixels), every class in the same proportion in both parts.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    images = digits.data / 16.0  # the pixels are whole numbers 0 … 16
    return train_test_split(images, digits.target, test_size=TEST_SIZE,
                            random_state=SPLIT_SEED, stratify=digits.target)


def trained_templates(X_train, y_train):
    """The class means, then trained end to end with the module's settings."""
    W0 = templates.class_means(X_train, y_train)
    return templates.train(W0, X_train, y_train, ALPHA, BETA, N_STEPS, N_EPOCHS,
                           momentum=MOMENTUM)


class SpectralPredictor:
    r"""The latent weights :math:`z_N` of fixed images for any (α, N), without running steps.

    ``weights(alpha, n_steps)`` returns shape (M, K); ``weights_for_steps(alpha, steps)``
    returns :math:`z_N` for every N in ``steps`` at once, shape (M, len(steps), K).
    """

    def __init__(self, W, X):
        self.eigenvalues, self.V = np.linalg.eigh(W @ W.T)
        self.projected = X @ W.T @ self.V      # rows: (Vᵀ W x)ᵀ
        self.limit = 1.0 / self.eigenvalues[-1]

    def weights(self, alpha, n_steps):
        gain = templates.filter_factors(self.eigenvalues, alpha, n_steps) / self.eigenvalues
        return (self.projected * gain) @ self.V.T

    def weights_for_steps(self, alpha, steps):
        """z_N for every N in ``steps`` at once: shape (M, len(steps), K), one matmul."""
        steps = np.asarray(steps)
        K = self.V.shape[0]
        q = 1.0 - 2.0 * alpha * self.eigenvalues
        gain = (1.0 - q ** steps[:, None]) / self.eigenvalues        # (S, K)
        blocks = gain[:, :, None] * self.V.T[None, :, :]              # diag(gain_N) Vᵀ
        weights = self.projected @ blocks.transpose(1, 0, 2).reshape(K, -1)
        return weights.reshape(self.projected.shape[0], steps.size, K)


def divergence_message(alpha, limit, lam_max):
    """The sentence for a step beyond the stability limit."""
    factor = abs(1.0 - 2.0 * alpha * lam_max)
    return (f"α = {alpha:.4f} ≥ 1/λ_max(WWᵀ) = {limit:.4f}: along the top eigenvector each "
            f"step multiplies the weights by |1 − 2αλ_max| = {factor:.2f} ≥ 1, so they grow "
            f"without bound as N grows and the classes become meaningless. Lower α below "
            f"{limit:.4f}.")


def curve_steps(n_max):
    """The N at which the accuracy curve is evaluated: every N up to 20, then every 5th."""
    return np.union1d(np.arange(1, min(n_max, 20) + 1), np.arange(20, n_max + 1, 5))


def digits_dashboard(alpha=ALPHA, n_steps=N_STEPS, W=None):
    r"""Sliders α and N; test accuracy against N and the mistakes, redrawn in place.

    ``W``: the trained templates (K, D), if the caller has them already (trained on
    :func:`digit_split`'s training part); by default they are trained here with the module's
    settings. The left panel also draws the class-mean templates' accuracy (untrained) for
    comparison.
    """
    X_train, X_test, y_train, y_test = digit_split()
    W = trained_templates(X_train, y_train).W if W is None else templates._check_templates(W)
    trained = SpectralPredictor(W, X_test)
    means = SpectralPredictor(templates.class_means(X_train, y_train), X_test)
    K = W.shape[0]
    n_test = y_test.size
    steps = curve_steps(STEPS_RANGE[1])
    cache = {}  # the accuracy curves of the last α: moving N alone does not recompute them

    def accuracy_curve(predictor, alpha):
        weights = predictor.weights_for_steps(alpha, steps)
        return np.mean(np.argmax(weights, axis=-1) == y_test[:, None], axis=0)

    figure, (ax_acc, ax_conf) = plots.new_figure(2, width=4.3, height=3.6)

    (curve,) = ax_acc.plot([], [], color=plots.COLORS["model"], label="trained templates")
    (curve_means,) = ax_acc.plot([], [], color=plots.COLORS["landscape"], linestyle="--",
                                 label="class means (untrained)")
    (marker,) = ax_acc.plot([], [], "o", color=plots.COLORS["path"], label="current N")
    ax_acc.axvline(N_STEPS, color=plots.COLORS["data"], linestyle=":", linewidth=1,
                   label=f"trained with N = {N_STEPS}")
    ax_acc.set_xlim(0, STEPS_RANGE[1] + 1)
    ax_acc.set_ylim(*ACCURACY_LIMITS)
    ax_acc.set_xlabel("inversion steps $N$")
    ax_acc.set_ylabel("test accuracy")
    ax_acc.set_title("accuracy on the 450 test images")
    ax_acc.grid(True, alpha=0.3)
    ax_acc.legend(loc="upper right", fontsize=7)
    headline = ax_acc.text(0.03, 0.04, "", transform=ax_acc.transAxes, fontsize=9,
                           va="bottom")  # no box: text is the slowest thing to draw

    # A mesh of 10×10 cells, not an image: it redraws in about a millisecond.
    edges = np.arange(K + 1) - 0.5
    matrix = ax_conf.pcolormesh(edges, edges, np.zeros((K, K)), cmap="Reds", vmin=0,
                                vmax=MISTAKE_LIMIT)
    figure.colorbar(matrix, ax=ax_conf, label="test images")
    ax_conf.set_xlim(edges[0], edges[-1])
    ax_conf.set_ylim(edges[-1], edges[0])  # class 0 at the top, as in a table
    ax_conf.set_aspect("equal")
    ax_conf.set_xticks(range(K))
    ax_conf.set_yticks(range(K))
    ax_conf.set_xlabel("predicted class")
    ax_conf.set_ylabel("true class")
    ax_conf.set_title("mistakes of the trained templates")

    def update(alpha, n_steps):
        if alpha >= trained.limit:
            cache.clear()
            for line in (curve, curve_means, marker):
                line.set_data([], [])
            matrix.set_array(np.zeros(K * K))
            headline.set_text("the steps diverge: no prediction")
            headline.set_color("#b00020")
            return divergence_message(alpha, trained.limit, trained.eigenvalues[-1])
        if cache.get("alpha") != alpha:
            cache.update(alpha=alpha, trained=accuracy_curve(trained, alpha),
                         means=accuracy_curve(means, alpha))
        curve.set_data(steps, cache["trained"])
        curve_means.set_data(steps, cache["means"])
        predicted = np.argmax(trained.weights(alpha, n_steps), axis=-1)
        counts = templates.confusion_matrix(predicted, y_test, K)
        right = int(np.trace(counts))
        marker.set_data([n_steps], [right / n_test])
        mistakes = counts.copy()
        np.fill_diagonal(mistakes, 0)
        matrix.set_array(mistakes.ravel())
        headline.set_text(f"N = {n_steps}: {right}/{n_test} right ({right / n_test:.1%})")
        headline.set_color("black")
        return ""

    controls = {
        "alpha": widgets.float_slider("inner step α", *ALPHA_RANGE, 0.0005, alpha,
                                      readout_format=".4f"),
        "n_steps": widgets.int_slider("inversion steps N", *STEPS_RANGE, n_steps),
    }
    return widgets.Dashboard(figure, update, controls,
                             animated=[curve, curve_means, marker, headline, matrix])
