"""Notebook 02's dashboard: gradient descent on the line's loss, with sliders α, N, g₀ and a.

Top: the loss L(y) = (x − a·y − b)² and the path of the iterates g₀ … g_N on it; below: the
loss per step on a log scale, titled with q, y* and g_N (off the data at every setting). The
panels are stacked, 5.8 in wide, so the dashboard stays readable in a 600 px wide notebook. The steps converge exactly when 0 < α < 1/a² (notebook 02 derives
it from q = 1 − 2αa²); from α = 1/a² on, the message line says so. Both panels keep fixed limits:
a path that leaves the window is cut after its first point outside, so the learner sees it head
off the picture and every number drawn stays finite and of a sensible size.
"""

import numpy as np

from .. import data, inversion, line, plots, widgets
from .._validate import DivergenceError
from ..models import Line

#: The original problem's line and observation: f(y) = 2y − 4, x = 0.
B, X = -4.0, 0.0
#: The fixed windows of the two panels.
Y_LIMITS = (-5.5, 9.5)
LANDSCAPE_LIMITS = (0.0, 200.0)
STEP_LOSS_LIMITS = (1e-16, 1e8)
#: |q| within this of 1 counts as q = −1 (a slider value is not exactly 1/a²).
EDGE = 1e-9


def regime(alpha, a):
    """Classify the step by q = 1 − 2αa²: "converges", "oscillates" (q = −1) or "diverges"."""
    q = line.q(alpha, a)
    if abs(q) < 1.0 - EDGE:
        return "converges"
    if abs(q) <= 1.0 + EDGE:
        return "oscillates"
    return "diverges"


def message(alpha, a):
    """The sentence for the learner: '' while the steps converge."""
    kind = regime(alpha, a)
    limit = 1.0 / (a * a)
    q = line.q(alpha, a)
    if kind == "oscillates":
        return (f"α = {alpha:.3f} = 1/a² = {limit:.3f}: q = 1 − 2αa² = −1, so every step jumps "
                "to the mirror point on the other side of y*; the iterates bounce between two "
                "values for ever.")
    if kind == "diverges":
        return (f"α = {alpha:.3f} > 1/a² = {limit:.3f}: q = 1 − 2αa² = {q:.2f}, each step "
                "overshoots further; the iterates diverge (the path is cut where it leaves "
                "the picture).")
    return ""


def _up_to_first(outside):
    """How many leading points to draw: all of them, or up to the first one outside."""
    return int(np.argmax(outside)) + 1 if outside.any() else outside.size


def descent_dashboard(alpha=0.05, n_steps=20, y0=None, a=2.0):
    """Sliders α, N, g₀ (`y0`), a; the path on the landscape and the loss per step.
    Defaults: the original example, f(y) = 2y − 4, x = 0, α = 0.05, N = 20, seeded g₀ ≈ −2.509."""
    if y0 is None:
        y0 = data.original_problem().y0_inversion
    model = Line()
    figure, (ax_land, ax_loss) = plots.new_figure(1, 2, width=5.8, height=2.6)

    grid = np.linspace(*Y_LIMITS, 301)
    landscape = plots.plot_landscape(ax_land, model, (a, B), X, grid)
    optimum = ax_land.axvline((X - B) / a, color=plots.COLORS["truth"], linestyle=":",
                              label="minimiser $y^*$")
    first = inversion.invert(model, (a, B), X, y0, alpha, n_steps)
    path = plots.plot_path(ax_land, first, label="iterates $g_n$")
    ax_land.set_xlim(*Y_LIMITS)
    ax_land.set_ylim(*LANDSCAPE_LIMITS)
    ax_land.set_xlabel("latent $y$  (the line $f(y) = a y - 4$, observation $x = 0$)")
    # Above the axes, not inside: a zigzag path's chords can cross any spot of the panel.
    ax_land.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=3, fontsize=8,
                   frameon=False, borderaxespad=0.2)

    curve = plots.plot_curve(ax_loss, first.losses, "step $n$", "loss $L(g_n)$ per step",
                             color=plots.COLORS["path"], marker="o", markersize=3)
    ax_loss.set_xlim(-0.5, 40.5)
    ax_loss.set_ylim(*STEP_LOSS_LIMITS)
    ax_loss.grid(True, which="major", color="0.9")
    # The numbers go in the title, above the axes, where no curve can reach at any setting.
    ax_loss.set_title(" ", fontsize=9)  # reserves the line that the text below fills
    info = ax_loss.text(0.0, 1.03, "", transform=ax_loss.transAxes, va="bottom", fontsize=9)

    def update(alpha, n_steps, y0, a):
        theta = (a, B)
        y_star = (X - B) / a
        q = line.q(alpha, a)
        landscape.set_ydata(inversion.inner_loss(model, theta, X, grid))
        optimum.set_xdata([y_star, y_star])
        try:
            result = inversion.invert(model, theta, X, y0, alpha, n_steps)
            steps, losses = np.asarray(result.path), np.asarray(result.losses)
        except DivergenceError:  # not reachable with these slider ranges; kept as a guard
            steps, losses = np.array([y0]), inversion.inner_loss(model, theta, X, np.array([y0]))
        # A diverging path is cut after its first point outside the window: finite, and
        # of a size the renderer handles, yet visibly heading off the picture.
        keep = _up_to_first((steps < Y_LIMITS[0]) | (steps > Y_LIMITS[1])
                            | (losses > 50 * LANDSCAPE_LIMITS[1]))
        path.set_data(steps[:keep], losses[:keep])
        # Losses of exactly 0 (α = 1/(2a²)) drop below the bottom edge of the log axis.
        shown = np.maximum(losses, 1e-3 * STEP_LOSS_LIMITS[0])
        keep = _up_to_first(shown > STEP_LOSS_LIMITS[1])
        curve.set_data(np.arange(keep), shown[:keep])
        # Plain text, not mathtext: parsing TeX on every frame would cost ~20 ms.
        if regime(alpha, a) == "converges":
            final = f"g_N = {steps[-1]:.6g}"
        else:
            final = "no limit (α ≥ 1/a²)"
        # Few glyphs: drawing text is most of a frame's cost.
        info.set_text(f"q = {q:.3g}   y* = {y_star:.4g}   {final}")
        return message(alpha, a)

    controls = {
        "alpha": widgets.float_slider("step α", 0.005, 0.35, 0.005, alpha),
        "n_steps": widgets.int_slider("steps N", 0, 40, n_steps),
        "y0": widgets.float_slider("start g₀", -5.0, 9.0, 0.1, y0),
        "a": widgets.float_slider("slope a", 1.0, 3.0, 0.05, a),
    }
    return widgets.Dashboard(
        figure, update, controls, animated=[landscape, optimum, path, curve, info],
        description="Two panels. On top, the loss L(y) against the latent y, with the minimiser "
                    "y* and the iterates g_n of gradient descent from the start g₀. Below, the "
                    "loss at each step n on a log scale.")
