"""Notebook 10's dashboard: classifying digits by inversion, with sliders for α and N.

The templates are trained once (invlib.data.digits); the sliders change how the prediction is
run. Left: test accuracy against N at the current α, trained templates and class means. Right:
the trained templates' mistakes at (α, N), the confusion matrix without its diagonal. A frame
runs no steps (invlib.templates.SpectralPredictor); from α ≥ 1/λ_max(WWᵀ) on the dashboard says
the steps diverge and draws nothing non-finite.
"""

import numpy as np

from .. import data, plots, templates, widgets

#: Slider ranges: (min, max).
ALPHA_RANGE, STEPS_RANGE = (0.0005, 0.012), (1, 100)
#: The colour scale of the mistakes (counts of test images off the diagonal): at the defaults no
#: cell exceeds 4, over the stable sliders few exceed 5; larger counts show the darkest red.
MISTAKE_LIMIT = 5
#: The accuracy panel's window: the curves stay within 0.87 … 0.93 for every stable α, so the
#: band below 0.87 holds the legend and the band above 0.93 the headline, off the data.
ACCURACY_LIMITS = (0.78, 0.96)
#: The N axis reaches past both ends of the slider, so that the current-N dot is whole at N = 1 and 100.
STEPS_WINDOW = (-3, 104)


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


def digits_dashboard(alpha=data.Digits.alpha, n_steps=data.Digits.n_steps, W=None):
    """Sliders α and N; accuracy against N and the mistakes. W: the trained templates, if the
    caller has them (by default invlib.data.digits().W_trained)."""
    digits = data.digits()
    X_test, labels_test = digits.X_test, digits.labels_test
    W = digits.W_trained if W is None else templates.check_templates(W)
    trained = templates.SpectralPredictor(W, X_test)
    means = templates.SpectralPredictor(digits.W_means, X_test)
    C = W.shape[0]
    n_test = labels_test.size
    steps = curve_steps(STEPS_RANGE[1])
    cache = {}  # the accuracy curves of the last α: moving N alone does not recompute them

    def accuracy_curve(predictor, alpha):
        weights = predictor.weights_for_steps(alpha, steps)
        return np.mean(np.argmax(weights, axis=-1) == labels_test[:, None], axis=0)

    # 6 inches wide: readable at about 600 pixels (JupyterLab beside its file browser).
    figure, (ax_acc, ax_conf) = plots.new_figure(2, width=3.0, height=3.4,
                                                 gridspec_kw={"width_ratios": [1.3, 1.0]})

    (curve,) = ax_acc.plot([], [], color=plots.COLORS["model"], label="trained templates")
    (curve_means,) = ax_acc.plot([], [], color=plots.COLORS["landscape"], linestyle="--",
                                 label="class means")
    (marker,) = ax_acc.plot([], [], "o", color=plots.COLORS["path"], markeredgecolor="black",
                            label="current N", clip_on=False)
    ax_acc.axvline(data.Digits.n_steps, color=plots.COLORS["data"], linestyle=":", linewidth=1,
                   label=f"trained with N = {data.Digits.n_steps}")
    ax_acc.set_xlim(*STEPS_WINDOW)
    ax_acc.set_ylim(*ACCURACY_LIMITS)
    ax_acc.set_xlabel("inversion steps $N$")
    ax_acc.set_ylabel("test accuracy")
    ax_acc.set_title("accuracy on the 450 test images", fontsize=10)
    ax_acc.grid(True, color="0.9")
    ax_acc.legend(loc="lower right", fontsize=7, handlelength=1.8)
    headline = ax_acc.text(0.97, 0.97, "", transform=ax_acc.transAxes, fontsize=9, ha="right",
                           va="top")  # no box: text is the slowest thing to draw

    # A mesh of 10×10 cells, not an image: it redraws in about a millisecond.
    edges = np.arange(C + 1) - 0.5
    matrix = ax_conf.pcolormesh(edges, edges, np.zeros((C, C)), cmap="Reds", vmin=0,
                                vmax=MISTAKE_LIMIT)
    figure.colorbar(matrix, ax=ax_conf, label="test images", extend="max", shrink=0.8,
                    ticks=range(MISTAKE_LIMIT + 1))
    ax_conf.set_xlim(edges[0], edges[-1])
    ax_conf.set_ylim(edges[-1], edges[0])  # class 0 at the top, as in a table
    ax_conf.set_aspect("equal")
    ax_conf.set_xticks(range(C))
    ax_conf.set_yticks(range(C))
    ax_conf.set_xlabel("predicted class")
    ax_conf.set_ylabel("true class")
    ax_conf.set_title("mistakes of the\ntrained templates", fontsize=10)

    def update(alpha, n_steps):
        if alpha >= trained.limit:
            cache.clear()
            for line in (curve, curve_means, marker):
                line.set_data([], [])
            matrix.set_array(np.zeros(C * C))
            headline.set_text("the steps diverge: no prediction")
            return divergence_message(alpha, trained.limit, trained.eigenvalues[-1])
        if cache.get("alpha") != alpha:
            cache.update(alpha=alpha, trained=accuracy_curve(trained, alpha),
                         means=accuracy_curve(means, alpha))
        curve.set_data(steps, cache["trained"])
        curve_means.set_data(steps, cache["means"])
        predicted = np.argmax(trained.weights(alpha, n_steps), axis=-1)
        counts = templates.confusion_matrix(predicted, labels_test, C)
        right = int(np.trace(counts))
        marker.set_data([n_steps], [right / n_test])
        mistakes = counts.copy()
        np.fill_diagonal(mistakes, 0)
        matrix.set_array(mistakes.ravel())
        headline.set_text(f"N = {n_steps}: {right}/{n_test} right ({right / n_test:.1%})")
        return ""

    controls = {
        "alpha": widgets.float_slider("inner step α", *ALPHA_RANGE, 0.0005, alpha,
                                      readout_format=".4f"),
        "n_steps": widgets.int_slider("inversion steps N", *STEPS_RANGE, n_steps),
    }
    return widgets.Dashboard(
        figure, update, controls, animated=[curve, curve_means, marker, headline, matrix],
        description="Two panels. Left, the test accuracy against the number of steps N for the "
                    "trained templates and for the class means, with the current N marked. "
                    "Right, the trained templates' mistakes: counts of each true class against "
                    "each predicted class.")
