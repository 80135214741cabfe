"""Notebook 05's dashboard: noisy data, the trained (inverse-regression) line and the classical one.

Data from invlib.data.line_data: x = a·y + b with a = 2, b = −4, causes y uniform on [−2, 2]
(variance V = 4/3), Gaussian noise σ added to x or to y. The trained line (training for N → ∞)
is the least-squares line of y on x, y ≈ s·x + d, the model's slope 1/s; the classical fit is x on y, then
inverted. Both fits and their limits for m → ∞ come from invlib.regression (notebook 05 derives
them). Top: the data, the truth and both lines (y across, x up); bottom: both limits against σ
and the current estimates; legends and the slopes' text in the right margin, off the data.
Frames use the closed forms only (no gradient steps); the trained line is drawn as y = s·x + d
over the window's x range, finite even when s = 0.
"""

import numpy as np

from .. import data, plots, widgets
from ..regression import classical_fit, inverse_regression, slope_limits

#: The true line x = a·y + b, the range of the causes y and their variance V.
A_TRUE, B_TRUE = 2.0, -4.0
Y_RANGE = (-2.0, 2.0)
VAR_Y = (Y_RANGE[1] - Y_RANGE[0]) ** 2 / 12.0  # uniform distribution: 4/3
#: The seed of the dashboard's data (the same ε for every σ, so the points move smoothly).
SEED = 4
#: Slider ranges: (min, max).
NOISE_RANGE, SAMPLES_RANGE = (0.0, 2.0), (2, 1000)
#: The fixed windows: left panel (y across, x up), right panel (σ across, fitted slope up).
Y_LIMITS, X_LIMITS = (-4.5, 4.5), (-14.0, 6.0)
SLOPE_LIMITS = (0.0, 4.2)
#: Drawn coordinates are kept within ±FAR, so that no huge number reaches the renderer.
FAR = 1e6


def _slope_text(s):
    """The trained model's slope 1/s as text; s = 0 (no trend of y in x) gives an infinite slope."""
    return "∞" if s == 0 else f"{1.0 / s:.3f}"


def message(n_samples, noise, s):
    """The sentence for the learner on a degenerate setting ('' otherwise)."""
    if n_samples == 2 and noise > 0:
        return ("Only m = 2 samples: both lines pass exactly through the two points, so they "
                "coincide and T = 0 — two points cannot tell the noise from the line.")
    if s <= 0:
        return ("With so few samples and so much noise the fitted slopes even have the wrong "
                "sign (or none): these data do not determine the line.")
    return ""


def noise_dashboard(noise=1.0, n_samples=50, noise_in="x"):
    """Sliders σ and m, buttons for where the noise goes; the data, the truth, the classical and
    the trained line (top) and the fitted slopes against their limits (bottom)."""
    # Stacked panels, 6 in wide (readable in a 600 px column); legends and the text sit in the
    # right margin, outside the axes, so that no setting can put data under them.
    figure, (ax_fit, ax_slope) = plots.new_figure(1, 2, width=6.0, height=2.8)
    outside = {"loc": "upper left", "bbox_to_anchor": (1.02, 1.0), "borderaxespad": 0.0,
               "fontsize": 7.5}

    y_ends, x_ends = np.array(Y_LIMITS), np.array(X_LIMITS)
    ax_fit.plot(y_ends, A_TRUE * y_ends + B_TRUE, color=plots.COLORS["truth"], linestyle=":",
                label=f"truth, a = {A_TRUE:g}")
    (classical_line,) = ax_fit.plot([], [], color=plots.COLORS["landscape"], linestyle="--",
                                    label="classical: fit x on y, invert")
    (trained_line,) = ax_fit.plot([], [], color=plots.COLORS["model"],
                                  label="trained (N → ∞): y on x")
    (points,) = ax_fit.plot([], [], "o", color="0.5", markersize=3,  # the data colour, paled
                            label="data", zorder=1)  # under the lines, as in the frames
    info = ax_fit.text(1.02, 0.0, "", transform=ax_fit.transAxes, ha="left", va="bottom",
                       fontsize=8.5)
    ax_fit.set_xlim(*Y_LIMITS)
    ax_fit.set_ylim(*X_LIMITS)
    ax_fit.set_xlabel("latent $y$")
    ax_fit.set_ylabel("observation $x$")
    ax_fit.set_title("data and fitted lines", fontsize=10)
    ax_fit.legend(**outside)

    sigma_grid = np.linspace(*NOISE_RANGE, 81)
    ax_slope.axhline(A_TRUE, color=plots.COLORS["truth"], linewidth=1, linestyle=":", label="truth")
    (trained_limit,) = ax_slope.plot([], [], color=plots.COLORS["model"],
                                     label="trained, limit m → ∞")
    (classical_limit,) = ax_slope.plot([], [], color=plots.COLORS["landscape"], linestyle="--",
                                       label="classical, limit m → ∞")
    (trained_mark,) = ax_slope.plot([], [], "o", color=plots.COLORS["model"],
                                    label="trained, these data")
    (classical_mark,) = ax_slope.plot([], [], "s", color=plots.COLORS["landscape"],
                                      label="classical, these data")
    ax_slope.set_xlim(NOISE_RANGE[0] - 0.05, NOISE_RANGE[1] + 0.08)  # markers at the ends stay whole
    ax_slope.set_ylim(*SLOPE_LIMITS)
    ax_slope.set_xlabel(r"noise level $\sigma$")
    ax_slope.set_ylabel(r"fitted slope")
    ax_slope.set_title(r"trained $1/s$, classical $\hat a$ (true $a = 2$)", fontsize=10)
    ax_slope.legend(**outside)

    def update(noise, n_samples, noise_in):
        x, y = data.line_data(n_samples, theta=(A_TRUE, B_TRUE), noise=noise, noise_in=noise_in,
                              y_range=Y_RANGE, random_y=True, seed=SEED)
        points.set_data(y, x)
        s, d = inverse_regression(x, y)
        a_cl, b_cl = classical_fit(x, y)
        # Trained line y = s·x + d, drawn over the window's x range: finite for every s.
        trained_line.set_data(np.clip(s * x_ends + d, -FAR, FAR), x_ends)
        classical_line.set_data(y_ends, np.clip(a_cl * y_ends + b_cl, -FAR, FAR))

        trained_limits, classical_limits = slope_limits(A_TRUE, sigma_grid, VAR_Y, noise_in)
        trained_limit.set_data(sigma_grid, trained_limits)
        classical_limit.set_data(sigma_grid, classical_limits)
        a_trained = 1.0 / s if s != 0 else FAR
        trained_mark.set_data([noise], [float(np.clip(a_trained, -FAR, FAR))])
        classical_mark.set_data([noise], [float(np.clip(a_cl, -FAR, FAR))])

        # Two short lines of plain text: glyphs are the costliest part of a frame.
        info.set_text(f"trained 1/s: {_slope_text(s)}\nclassical â: {a_cl:.3f}")
        return message(n_samples, noise, s)

    controls = {
        "noise": widgets.float_slider("noise σ", *NOISE_RANGE, 0.05, noise, readout_format=".2f"),
        "n_samples": widgets.int_slider("samples m", *SAMPLES_RANGE, n_samples),
        "noise_in": widgets.choice("noise in", ("x", "y"), noise_in),
    }
    return widgets.Dashboard(
        figure, update, controls,
        animated=[points, classical_line, trained_line, info, trained_limit, classical_limit,
                  trained_mark, classical_mark],
        description="Two panels. On top, the noisy data, the true line, the classical fitted "
                    "line and the trained line. Below, the limits of the two fitted slopes "
                    "against the noise level σ, with this data set's slopes as markers.",
    )
