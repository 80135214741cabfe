"""Notebook 08's dashboard: what training with a finite number of inner steps N learns.

N descent steps from g₀ make the prediction affine in x: h_θ(x) = s(a)·x + d(a, b) with
s(a) = (1 − q^N)/a, d(a, b) = q^N g₀ − s(a)·b and q = 1 − 2αa² (computed in invlib.line;
notebook 08 derives them). Sliders N, α, the start a₀ and the learning rate β; every move retrains
the line on the original data with invlib.train (no bounds) and redraws s(a) with its roots and
the training path, T per epoch, and the trained prediction against the data, in a 2×2 grid
(the fourth cell holds the legend and the numbers, off the data) that reads at 600 px.
"""

import numpy as np

from .. import data, plots, training, widgets
from .._validate import DivergenceError
from ..line import DATA_SLOPE, describe_end, offset, slope, slope_roots
from ..models import Line

#: The truth of the original data (its exact inverse y = (x + 4)/2 has the slope
#: s_true = DATA_SLOPE = 1/2 and the offset d_true = DATA_OFFSET = 2, from invlib.line).
THETA_TRUE = (2.0, -4.0)
#: Slider ranges (min, max) and the number of epochs of every retraining.
STEPS_RANGE, ALPHA_RANGE, A0_RANGE, BETA_RANGE = (1, 60), (0.01, 0.15), (0.1, 4.5), (0.001, 0.008)
N_EPOCHS = 1000
#: The fixed windows: a for the slope panel, s, T, and the (x, y) window of the fit panel.
A_LIMITS, S_LIMITS, LOSS_LIMITS = (0.0, 5.0), (-0.25, 1.75), (1e-12, 1e4)
X_LIMITS, Y_LIMITS = (-10.0, 2.0), (-3.5, 3.5)
#: Anything drawn is clipped to these, so that no huge number reaches the renderer.
FAR, DRAWN_LOSS = 1e6, (1e-40, 1e40)


def _divergence_message(alpha, a0):
    if alpha * a0 * a0 >= 1.0:
        return (f"Training diverged: α·a₀² = {alpha * a0 * a0:.2f} ≥ 1, so already at the start "
                f"the inner steps overshoot (|q| > 1) and T explodes. Start below "
                f"a₀ = 1/√α = {1 / np.sqrt(alpha):.2f}, or lower α.")
    return ("Training diverged: an outer step threw a to where the inner steps blow up "
            "(|q| > 1). Lower β.")


def _outcome_message(outcome, alpha, beta, n_steps, stable_roots):
    """The learner's message for a finished run ('' when it went for the near-true root)."""
    a_limit = 1.0 / np.sqrt(alpha)
    if outcome.kind == "cycle":
        return (f"Training does not settle: {outcome.text}, across a valley too steep "
                f"for β = {beta:g}. Lower β.")
    if outcome.kind in ("root", "near root") and outcome.root > a_limit:
        return (f"Zero loss with diverging inner steps: at a ≈ {outcome.root:.3f} > 1/√α, "
                f"|q| > 1, yet exactly N = {n_steps} steps land on the data. "
                "Run more steps and the predictions blow up.")
    if outcome.kind in ("root", "near root") and stable_roots.size:
        near_true = stable_roots[np.argmin(np.abs(stable_roots - THETA_TRUE[0]))]
        if abs(outcome.root - near_true) > 1e-9:
            verb = "found" if outcome.kind == "root" else "is heading for"
            return (f"Zero loss with the wrong model: training {verb} the root "
                    f"a ≈ {outcome.root:.3f} of s(a) = 1/2, far from the truth a = 2.")
    if not stable_roots.size:
        return (f"With N = {n_steps} and α = {alpha:g} no a with converging inner steps "
                "(|q| < 1) reaches the slope 1/2: the truncated inversion cannot fit the data.")
    if outcome.kind == "moving":
        where = ", ".join(f"{root:.3f}" for root in stable_roots)
        return (f"Not there yet after {N_EPOCHS:,} epochs: {outcome.text}. Zero loss exists "
                f"(s(a) = 1/2 at a ≈ {where}), but T falls slowly here. Raise β.")
    return ""


def truncation_dashboard(n_steps=20, alpha=0.05, a0=3.4, beta=0.005):
    """Sliders N, α, a₀, β; the slope s(a) with its roots, T per epoch, and the fit.
    Each move retrains for N_EPOCHS epochs from θ₀ = (a₀, 0); a₀ = 3.4 is the original's rounded."""
    problem = data.original_problem()
    model = Line()
    x, y, y0 = problem.x, problem.y, problem.y0_training
    a_grid = np.linspace(*A_LIMITS, 401)[1:]
    x_ends = np.array(X_LIMITS)
    x_marks = np.linspace(*X_LIMITS, 7)      # h_θ is drawn with square marks, the truth without

    figure, axes = plots.new_figure(2, 2, width=3.0, height=2.7)
    ax_s, ax_T, ax_h, ax_key = axes
    colors = plots.COLORS

    # Top left: the slope s(a), the level 1/2 the data need, the roots and the training path.
    unstable = ax_s.axvspan(A_LIMITS[1], A_LIMITS[1], color="0.85", zorder=0,
                            label=r"$|q| > 1$: inner steps diverge")
    (s_curve,) = ax_s.plot(a_grid, a_grid, color=colors["landscape"], label=r"slope $s(a)$")
    ax_s.axhline(DATA_SLOPE, color=colors["truth"], linestyle=":",
                 label=r"$s_\mathrm{true} = 1/2$, the data's slope")
    (roots_marker,) = ax_s.plot([], [], "D", color=colors["truth"], markersize=5,
                                markerfacecolor="none", label="roots of $s = 1/2$")
    (path,) = ax_s.plot([], [], ".", color=colors["model"], markersize=3,
                        label="training path")
    (start,) = ax_s.plot([], [], "o", color=colors["model"], markerfacecolor="none",
                         markersize=7, label="start $a_0$")
    (end,) = ax_s.plot([], [], "*", color=colors["path"], markeredgecolor="black",
                       markeredgewidth=0.5, markersize=11, label="trained $a$")
    ax_s.set_xlim(*A_LIMITS)
    ax_s.set_ylim(*S_LIMITS)
    ax_s.set_xlabel("slope $a$ of the model")
    ax_s.set_ylabel("$s(a) = (1 - q^N)/a$")
    ax_s.set_title("slope of the $N$-step prediction", fontsize="medium")

    # Top right: T per epoch.
    curve = plots.plot_curve(ax_T, [1.0], "epoch", r"training loss $T$",
                             color=colors["model"])
    ax_T.set_xlim(0, N_EPOCHS)
    ax_T.set_ylim(*LOSS_LIMITS)
    ax_T.grid(True, which="major", color="0.9")
    ax_T.set_title("training, no bounds", fontsize="medium")

    # Bottom left: the data, the exact inverse of the truth, the N-step prediction, and the
    # exact inverse of the trained θ (the prediction with the inversion run to the end).
    ax_h.plot(x_ends, (x_ends - THETA_TRUE[1]) / THETA_TRUE[0], color=colors["truth"],
              linestyle=":", linewidth=2, label="truth $(x + 4)/2$")
    (h_line,) = ax_h.plot([], [], "-s", color=colors["model"], markersize=4,
                          label=r"$h_\theta(x)$, $N$ steps")
    (exact_line,) = ax_h.plot([], [], color=colors["path"], linestyle="--",
                              label=r"$(x - b)/a$, steps run to the end")
    ax_h.plot(x, y, "o", color=colors["data"], label="data $(x_i, y_i)$")
    ax_h.set_xlim(*X_LIMITS)
    ax_h.set_ylim(*Y_LIMITS)
    ax_h.set_xlabel("observation $x$")
    ax_h.set_ylabel("prediction of $y$")
    ax_h.set_title("trained prediction", fontsize="medium")

    # Bottom right: no data, only the numbers and the legend of all three panels.
    ax_key.set_axis_off()
    ax_key.text(0.0, 1.0, "data:     s_true = 0.5,  d_true = 2", transform=ax_key.transAxes,
                ha="left", va="top", fontsize=8)
    numbers = ax_key.text(0.0, 0.9, "", transform=ax_key.transAxes, ha="left", va="top",
                          fontsize=8, color=colors["model"])
    handles = [artist for ax in (ax_s, ax_h) for artist in ax.get_legend_handles_labels()[0]]
    ax_key.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, 0.8), fontsize=7.5,
                  frameon=False, borderaxespad=0.0, handlelength=2.2)

    moving = [s_curve, path, start, end, roots_marker, curve, h_line, exact_line]

    def show_unstable(alpha):
        limit = min(1.0 / np.sqrt(alpha), A_LIMITS[1])
        unstable.set_x(limit)
        unstable.set_width(A_LIMITS[1] - limit)

    def update(n_steps, alpha, a0, beta):
        show_unstable(alpha)
        s_curve.set_data(a_grid, np.clip(slope(a_grid, alpha, n_steps), -FAR, FAR))
        roots = slope_roots(DATA_SLOPE, alpha, n_steps, a_max=A_LIMITS[1] + 1.0)
        stable_roots = roots[roots < 1.0 / np.sqrt(alpha)]
        roots_marker.set_data(roots, np.full(roots.size, DATA_SLOPE))
        start.set_data([a0], [np.clip(slope(a0, alpha, n_steps), -FAR, FAR)])
        try:
            fit = training.train(model, x, y, (a0, 0.0), y0, alpha, beta, n_steps, N_EPOCHS)
        except DivergenceError:
            for artist in (path, end, curve, h_line, exact_line):
                artist.set_data([], [])
            numbers.set_text("trained: diverged")
            return _divergence_message(alpha, a0)
        a, b = fit.theta
        every = max(1, N_EPOCHS // 200)
        a_path = fit.thetas[::every, 0]
        path.set_data(np.clip(a_path, -FAR, FAR),
                      np.clip(slope(a_path, alpha, n_steps), -FAR, FAR))
        end.set_data([a], [np.clip(slope(a, alpha, n_steps), -FAR, FAR)])
        curve.set_data(np.arange(fit.losses.size), np.clip(fit.losses, *DRAWN_LOSS))
        s, d = slope(a, alpha, n_steps), offset(fit.theta, y0, alpha, n_steps)
        h_line.set_data(x_marks, np.clip(s * x_marks + d, -FAR, FAR))
        if a != 0.0:
            exact_line.set_data(x_ends, np.clip((x_ends - b) / a, -FAR, FAR))
        else:
            exact_line.set_data([], [])
        # Plain text, short: every glyph drawn costs time on each frame.
        numbers.set_text(f"trained: s = {s:.5f},  d = {d:.5f}")
        outcome = describe_end(fit, roots)
        return _outcome_message(outcome, alpha, beta, n_steps, stable_roots)

    controls = {
        "n_steps": widgets.int_slider("unrolled steps N", *STEPS_RANGE, n_steps),
        "alpha": widgets.float_slider("inner step α", *ALPHA_RANGE, 0.005, alpha),
        "a0": widgets.float_slider("start a₀", *A0_RANGE, 0.05, a0),
        "beta": widgets.float_slider("learning rate β", *BETA_RANGE, 0.0005, beta,
                                     readout_format=".4f"),
    }
    return widgets.Dashboard(
        figure, update, controls, animated=[unstable, *moving, numbers],
        description="Three panels. Top left, the slope s(a) of the N-step prediction against "
                    "the model's slope a, with its crossings of ½ and the training path of a. "
                    "Top right, the training loss T per epoch on a log scale. Below, the "
                    "trained prediction against the observation x, with the data.")
