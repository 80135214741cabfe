"""Notebook 04's dashboard: training θ through the N unrolled steps, sliders α, β, N, σ, epochs.

Every move retrains the line f(y) = a·y + b from the original start (a₀ ≈ 3.4014, b₀ = 0, every
inversion from g₀ ≈ 1.99984, a kept ≥ 0.5) on five points y = −2 … 2, x = 2y − 4 + σε (seeded
noise). Top: T per epoch and the floor no line can beat (the least-squares line of y on x,
invlib.regression.regression_floor). Bottom: the data, the truth, the trained line and the
predictions h_θ(xᵢ). Legends and the T, a, b box sit in the right margin, off the data. A run
that diverges (DivergenceError) empties the moving artists and returns a message saying which
step size to lower; nothing non-finite is ever drawn.
"""

import numpy as np

from .. import data, line, plots, training, widgets
from .._validate import DivergenceError
from ..models import Line
from ..regression import regression_floor

#: The true line, and the seed of the noise (one draw of ε, scaled by σ).
THETA_TRUE = (2.0, -4.0)
NOISE_SEED = 1
#: Slider ranges: (min, max).
ALPHA_RANGE, BETA_RANGE, STEPS_RANGE = (0.005, 0.15), (0.001, 0.3), (1, 50)
NOISE_RANGE, EPOCHS_RANGE = (0.0, 1.0), (50, 2500)
#: The fixed windows of the two panels.
LOSS_LIMITS = (1e-26, 1e3)
Y_LIMITS, X_LIMITS = (-2.9, 2.9), (-11.5, 3.5)
#: What is drawn stays within these, so that no huge number reaches the renderer.
DRAWN_LOSS, FAR = (1e-30, 1e30), 1e6


def divergence_message(alpha, beta, a0):
    """The sentence for a run that left the finite numbers."""
    stability = alpha * a0 * a0
    if stability >= 1.0:
        return (f"Training diverged: α·a₀² = {stability:.2f} ≥ 1, so already at the start the "
                f"inner steps overshoot (|q| = |1 − 2αa₀²| > 1) and T explodes. "
                f"Lower α below 1/a₀² = {1 / (a0 * a0):.3f}.")
    return (f"Training diverged: the outer step β = {beta:g} overshot, or carried a to where "
            "α·a² ≥ 1 and the inner steps blow up. Lower β (or α).")


def warning_message(fit, a_low):
    """A sentence for a run that stayed finite but did not train well ('' otherwise)."""
    if fit.losses[-1] > fit.losses[0]:
        return "T ended higher than it started: the outer steps overshoot. Lower β."
    if fit.theta[0] <= a_low + 1e-12:
        return (f"a ended on its bound a = {a_low:g}: the steps pushed a down and the bound "
                "held it there. Try a smaller α or β, or more steps N.")
    return ""


def training_dashboard(alpha=0.05, beta=0.005, n_steps=20, noise=0.0, n_epochs=1000):
    """Sliders α, β, N, σ and epochs; the training curve and the fit, redrawn in place.
    Defaults: the original setup with 1,000 epochs (not 2,500); the epoch slider acts on release."""
    problem = data.original_problem()
    model = Line()
    theta0 = (problem.a0, 0.0)
    y0, bounds = problem.y0_training, problem.bounds
    a_low = bounds[0][0]

    # Stacked panels, 6 in wide (readable in a 600 px column); legends and the text box sit
    # in the right margin, outside the axes, so that no slider setting can put data under them.
    figure, (ax_loss, ax_fit) = plots.new_figure(1, 2, width=6.0, height=2.7)
    outside = {"loc": "upper left", "bbox_to_anchor": (1.02, 1.0), "borderaxespad": 0.0,
               "fontsize": 8}

    curve = plots.plot_curve(ax_loss, [1.0], "epoch", r"training loss $T(\theta)$",
                             color=plots.COLORS["model"], label=r"$T$ per epoch")
    floor_line = ax_loss.axhline(1.0, color=plots.COLORS["data"], linestyle=":",
                                 label="best line (floor)")
    info = ax_loss.text(1.02, 0.0, "", transform=ax_loss.transAxes, ha="left", va="bottom",
                        fontsize=8.5)
    ax_loss.set_xlim(0, EPOCHS_RANGE[1])
    ax_loss.set_ylim(*LOSS_LIMITS)
    ax_loss.set_title("training loss", fontsize=10)
    ax_loss.grid(True, which="major", color="0.9")
    ax_loss.legend(**outside)

    x, y = data.line_data(theta=THETA_TRUE)
    fit_artists = plots.plot_fit(ax_fit, model, theta0, x, y, theta_true=THETA_TRUE,
                                 y_grid=np.linspace(*Y_LIMITS, 2))
    model_line, points = fit_artists["model"], fit_artists["data"]
    (predictions,) = ax_fit.plot(y, x, "x", color=plots.COLORS["path"], markersize=8,
                                 label=r"predictions $h_\theta(x_i)$")
    ax_fit.set_xlim(*Y_LIMITS)
    ax_fit.set_ylim(*X_LIMITS)
    ax_fit.set_title("data and trained line", fontsize=10)
    ax_fit.legend(**outside)

    def update(alpha, beta, n_steps, noise, n_epochs):
        x, y = data.line_data(theta=THETA_TRUE, noise=noise, seed=NOISE_SEED)
        points.set_data(y, x)
        best = regression_floor(x, y)
        try:
            fit = training.train(model, x, y, theta0, y0, alpha, beta, n_steps, n_epochs,
                                 bounds=bounds)
        except DivergenceError:
            # Emptied, not hidden: the dashboard's background capture makes artists visible.
            for artist in (curve, model_line, predictions):
                artist.set_data([], [])
            floor_line.set_data([], [])
            info.set_text("diverged:\nsee the\nmessage below")
            info.set_color("#b00020")
            return divergence_message(alpha, beta, problem.a0)
        # A floor of ~0 (σ = 0) lies below the log axis: leave it out.
        if best > LOSS_LIMITS[0]:
            floor_line.set_data([0.0, 1.0], [best, best])  # axes fraction × data value
        else:
            floor_line.set_data([], [])
        # T of exactly 0 would vanish from a log axis: draw it below the bottom edge.
        curve.set_data(np.arange(fit.losses.size), np.clip(fit.losses, *DRAWN_LOSS))
        a, b = fit.theta
        model_line.set_data(Y_LIMITS, np.clip(model.f(np.asarray(Y_LIMITS), fit.theta), -FAR, FAR))
        h, _ = line.closed_form(fit.theta, x, np.full_like(x, y0), alpha, n_steps)
        predictions.set_data(np.clip(h, -FAR, FAR), x)  # far outside the window is enough
        # Plain text, not mathtext: parsing TeX on every frame costs time.
        info.set_text(f"T = {fit.losses[-1]:.2e}\na = {a:.6g}\nb = {b:.6g}")
        info.set_color("black")
        return warning_message(fit, a_low)

    controls = {
        "alpha": widgets.float_slider("inner step α", *ALPHA_RANGE, 0.005, alpha),
        "beta": widgets.float_slider("learning rate β", *BETA_RANGE, 0.001, beta,
                                     readout_format=".3f"),
        "n_steps": widgets.int_slider("unrolled steps N", *STEPS_RANGE, n_steps),
        "noise": widgets.float_slider("noise σ", *NOISE_RANGE, 0.05, noise),
        "n_epochs": widgets.int_slider("epochs", *EPOCHS_RANGE, n_epochs, step=50),
    }
    controls["n_epochs"].continuous_update = False  # heavy settings run on release
    return widgets.Dashboard(
        figure, update, controls,
        animated=[curve, floor_line, model_line, predictions, points, info],
        description="Two panels. On top, the training loss T per epoch on a log scale. Below, "
                    "the data points, the true line and the trained line, with the trained "
                    "model's predictions.")
