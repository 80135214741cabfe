"""Notebook 07's dashboard: plain descent and heavy-ball momentum on the same line.

Sliders α, μ, N and a; the dashboard inverts x = 0 for the line through (2, 0), f(y) = a·(y − 2),
so that y* = 2 whatever the slope. The rate formulas (curvature c = 2a², the 2×2 iteration
matrix, its spectral radius, Polyak's parameters, the error path) live in invlib.rates and the
slope of the N-step predictor in invlib.line; notebook 07 derives them.
"""

import numpy as np

from .. import inversion, plots, rates, widgets
from .._validate import DivergenceError
from ..models import Line

#: A spectral radius within this of 1 counts as 1 (a slider value is not exact).
EDGE = 1e-9

# --- the dashboard -----------------------------------------------------------------------

#: The dashboard's problem: invert x = 0 for f(y) = a·(y − 2), so y* = 2 for every a,
#: from the original's seeded start y0 ≈ −2.509.
Y_STAR, OBSERVATION = 2.0, 0.0
#: The fixed windows: iterates over n, and errors over n (log scale).
G_LIMITS = (-6.0, 10.0)
ERROR_LIMITS = (1e-14, 1e3)
#: Slider ranges (min, max) and steps.
ALPHA_RANGE, ALPHA_STEP = (0.005, 0.5), 0.005
MOMENTUM_RANGE, MOMENTUM_STEP = (0.0, 0.95), 0.01
STEPS_RANGE = (5, 200)
A_RANGE, A_STEP = (0.25, 2.5), 0.05


def classify(alpha, momentum, a):
    """(plain_rate, heavy_ball_rate) = (|1 − αc|, ρ) on the dashboard's line of slope a, c = 2a²."""
    c = float(rates.curvature(a))
    return float(rates.plain_rate(alpha, c)), float(rates.rate(alpha, momentum, c))


def message(alpha, momentum, a):
    """The sentence for the learner: '' while both methods converge."""
    rho_plain, rho_heavy = classify(alpha, momentum, a)
    c = float(rates.curvature(a))
    parts = []
    if rho_plain >= 1.0 - EDGE:
        verb = "never settles" if rho_plain <= 1.0 + EDGE else "diverges"
        parts.append(f"Plain descent {verb}: |1 − αc| = {rho_plain:.3f} ≥ 1, because αc = "
                     f"{alpha * c:.3f} ≥ 2 (α ≥ 1/a² = {1.0 / (a * a):.3f}).")
    if rho_heavy >= 1.0 - EDGE:
        verb = "never settles" if rho_heavy <= 1.0 + EDGE else "diverges"
        parts.append(f"Heavy ball {verb}: spectral radius ρ = {rho_heavy:.3f} ≥ 1, because "
                     f"αc = {alpha * c:.3f} ≥ 2(1 + μ) = {2.0 * (1.0 + momentum):.3f}.")
    if parts:
        parts.append("Lower α (the diverging path is cut where it leaves the picture).")
    return " ".join(parts)


def _path(theta, y0, alpha, n_steps, momentum):
    """The iterates of invlib.invert; on a DivergenceError, N halves until the run stays finite."""
    model = Line()
    while True:
        try:
            return inversion.invert(model, theta, OBSERVATION, y0, alpha, n_steps, momentum=momentum).path
        except DivergenceError:
            n_steps //= 2
            if n_steps == 0:
                return np.array([y0])


def _cut(values, low, high):
    """How many leading values to draw: those inside [low, high], plus the first one outside."""
    outside = ~((values >= low) & (values <= high))
    return int(np.argmax(outside)) + 1 if outside.any() else values.size


def momentum_dashboard(alpha=0.05, momentum=0.7, n_steps=150, a=0.5, y0=None):
    """Sliders α, μ, N, a: the iterates g_n of plain descent and heavy ball, and |g_n − y*| (log).
    Defaults: α = 0.05, a = 0.5 (plain steps crawl: |1 − αc| = 0.975), μ = 0.7 (near the best)."""
    from .. import data

    if y0 is None:
        y0 = data.original_problem().y0_inversion
    e0 = abs(y0 - Y_STAR)
    # Stacked, 6 in wide: readable at 600 px (JupyterLab beside its file browser).
    figure, (ax_path, ax_error) = plots.new_figure(1, 2, width=5.6, height=2.6, sharex=True)
    n_max = STEPS_RANGE[1]

    ax_path.axhline(Y_STAR, color=plots.COLORS["truth"], linestyle=":",
                             label="$y^* = 2$")
    (plain_path,) = ax_path.plot([], [], color=plots.COLORS["landscape"], linewidth=1.5,
                                 label="plain, $\\mu = 0$")
    (heavy_path,) = ax_path.plot([], [], color=plots.COLORS["path"], linewidth=1.8,
                                 linestyle="--", label="heavy ball")
    ax_path.set_xlim(0, n_max)
    ax_path.set_ylim(*G_LIMITS)
    ax_path.set_ylabel("iterate $g_n$")

    # Above the panel, off the data: no path can run under it.
    ax_path.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=3, fontsize=8,
                   frameon=False, borderaxespad=0.2)

    (plain_error,) = ax_error.plot([], [], color=plots.COLORS["landscape"], linewidth=1.5)
    (heavy_error,) = ax_error.plot([], [], color=plots.COLORS["path"], linewidth=1.8,
                                   linestyle="--")
    (plain_rate_line,) = ax_error.plot([], [], color=plots.COLORS["landscape"], linewidth=1.0,
                                       linestyle=":")
    (heavy_rate_line,) = ax_error.plot([], [], color=plots.COLORS["path"], linewidth=1.0,
                                       linestyle=":")
    ax_error.set_yscale("log")
    ax_error.set_xlim(0, n_max)
    ax_error.set_ylim(*ERROR_LIMITS)
    ax_error.set_xlabel("step $n$")
    ax_error.set_ylabel("error $|g_n - y^*|$")
    ax_error.set_title(r"errors; dotted: $\rho^n |e_0|$", loc="left", fontsize="medium")
    ax_error.grid(True, which="major", color="0.9")
    # Above the panel, right of its title: never over a curve.
    info = ax_error.text(1.0, 1.02, "", transform=ax_error.transAxes, ha="right", va="bottom",
                         fontsize=8.5)

    smallest = ERROR_LIMITS[0] * 1e-3  # exact zeros are drawn just below the window

    def draw(path_line, error_line, rate_line, path, rho):
        steps = np.arange(path.size)
        keep = _cut(path, *G_LIMITS)
        path_line.set_data(steps[:keep], path[:keep])
        errors = np.maximum(np.abs(path - Y_STAR), smallest)
        keep = _cut(errors, 0.0, ERROR_LIMITS[1])
        error_line.set_data(steps[:keep], errors[:keep])
        # ρⁿ|e₀|, computed in logarithms (no overflow), cut where it leaves the window.
        log_rho = np.log(max(rho, smallest))
        log_line = np.log(e0) + steps * log_rho
        predicted = np.exp(np.clip(log_line, np.log(smallest), np.log(ERROR_LIMITS[1]) + 1.0))
        keep = _cut(predicted, 0.0, ERROR_LIMITS[1])
        rate_line.set_data(steps[:keep], predicted[:keep])

    def update(alpha, momentum, n_steps, a):
        theta = (a, -a * Y_STAR)
        rho_plain, rho_heavy = classify(alpha, momentum, a)
        draw(plain_path, plain_error, plain_rate_line,
             _path(theta, y0, alpha, n_steps, 0.0), rho_plain)
        draw(heavy_path, heavy_error, heavy_rate_line,
             _path(theta, y0, alpha, n_steps, momentum), rho_heavy)
        # Plain text, not mathtext: parsing TeX on every frame costs time.
        info.set_text(f"αc = {alpha * 2 * a * a:.3g};  ρ: plain {rho_plain:.3f}, "
                      f"heavy ball {rho_heavy:.3f}")
        return message(alpha, momentum, a)

    controls = {
        "alpha": widgets.float_slider("step α", *ALPHA_RANGE, ALPHA_STEP, alpha),
        "momentum": widgets.float_slider("momentum μ", *MOMENTUM_RANGE, MOMENTUM_STEP, momentum),
        "n_steps": widgets.int_slider("steps N", *STEPS_RANGE, n_steps),
        "a": widgets.float_slider("slope a", *A_RANGE, A_STEP, a),
    }
    return widgets.Dashboard(
        figure, update, controls,
        animated=[plain_path, heavy_path, plain_error, heavy_error, plain_rate_line,
                  heavy_rate_line, info],
        description="Two panels. On top, the iterates g_n of plain gradient descent and of the "
                    "heavy ball against the step n, with the answer y*. Below, their errors "
                    "|g_n − y*| on a log scale, with the rates each should follow.",
    )
