"""Notebook 09's dashboard: three estimates of ∂y*/∂a against the step n.

The line f(y) = a·y + b with b = −4 and x = 0 (the original problem), started at the seeded
g₀ ≈ −2.509; sliders α, N and a. It draws against n = 0 … N, on a log scale, how far from
∂y*/∂a = −y*/a are the unrolled ∂g_n/∂a, the implicit formula −(∂²L/∂y∂a)/(∂²L/∂y²) at g_n and
the one-step estimate −α ∂²L/∂y∂a(g_{n−1}), with a marker at n* = 1/ln(1/|q|), where the
unrolled error's factor n|q|^(n−1) peaks (invlib.gradients; notebook 09 derives it). For
α ≥ 1/a² the steps do not converge: the moving artists are emptied and the message says why.
The window is fixed (a new one would need a full redraw on every move): 10⁻⁶ … 10³, where the
defaults' curves lie; smaller errors, exact zeros included, leave it at the bottom.
"""

import numpy as np

from .. import data, gradients, line, plots, widgets
from ..models import Line

#: The original problem's b and x (so y* = 4/a), and the slider ranges (min, max).
B, X = -4.0, 0.0
ALPHA_RANGE, STEPS_RANGE, A_RANGE = (0.005, 0.3), (1, 100), (1.0, 3.0)
#: The fixed window: errors are drawn between these (log scale).
ERROR_LIMITS = (1e-6, 1e3)
#: Drawn values are clipped to this range, just outside the window, so that exact zeros (q = 0)
#: stay finite on a log axis and leave the window cleanly, and nothing huge reaches the renderer.
DRAWN = (1e-7, 1e4)
#: α·a² within this of 1 counts as 1 (a slider value is not exactly 1/a²).
EDGE = 1e-9
#: One colour per estimator, shared with the notebook's figures.
COLORS = {"unrolled": plots.COLORS["path"], "implicit": plots.COLORS["truth"],
          "one-step": plots.COLORS["model"], "iterate": plots.COLORS["data"]}
#: And one marker and line style per estimator, so that colour is not the only difference.
STYLES = {"unrolled": {"marker": "o", "linestyle": "-"},
          "implicit": {"marker": "s", "linestyle": "-", "linewidth": 2.6},
          "one-step": {"marker": "^", "linestyle": "-."},
          "iterate": {"marker": "", "linestyle": "--"}}


def converges(alpha, a):
    """True when the steps converge for the line: α·a² < 1, i.e. |q| < 1."""
    return alpha * a * a < 1.0 - EDGE


def message(alpha, a):
    """The sentence for the learner: '' while the steps converge."""
    if converges(alpha, a):
        return ""
    q = line.q(alpha, a)
    return (f"α = {alpha:.3f} ≥ 1/a² = {1.0 / (a * a):.3f}: q = 1 − 2αa² = {q:.2f}, so the steps "
            "do not converge. There is no limit y* for the iterates to approach, and no "
            "estimate of ∂y*/∂a can improve with n. Lower α below 1/a².")


def errors(alpha, n_steps, a, y0):
    """|estimate − ∂y*/∂a| of the three estimates for n = 0 … N, and |g_n − y*| (converging steps).
    Returns a dict: "unrolled", "implicit", "one-step" (from n = 1, one shorter) and "iterate"."""
    theta = (a, B)
    exact = -(X - B) / a / a  # ∂y*/∂a = −y*/a
    estimates = gradients.gradient_estimates(Line(), theta, X, y0, alpha, n_steps)
    return {
        "unrolled": np.abs(estimates.unrolled[:, 0] - exact),
        "implicit": np.abs(estimates.implicit[:, 0] - exact),
        "one-step": np.abs(estimates.one_step[1:, 0] - exact),
        "iterate": np.abs(estimates.g - (X - B) / a),
    }


def gradients_dashboard(alpha=0.24, n_steps=100, a=2.0):
    """Sliders α, N and a; the three errors against n on a log scale, with the peak n*.
    Default α = 0.24, a = 2 (q = −0.92): the unrolled error climbs ~12 steps, the implicit falls."""
    y0 = data.original_problem().y0_inversion
    figure, ax = plots.new_figure(width=6.0, height=4.2)
    first = errors(alpha, n_steps, a, y0)
    lines = {}
    for name, label in [("unrolled", r"unrolled $\partial g_n/\partial a$"),
                        ("implicit", r"implicit formula at $g_n$"),
                        ("one-step", r"one-step, $-\alpha\,\partial^2_{ya}L(g_{n-1})$")]:
        start = 1 if name == "one-step" else 0
        values = np.clip(first[name], *DRAWN)
        style = {"linewidth": 1.4, **STYLES[name]}
        (lines[name],) = ax.plot(np.arange(start, start + values.size), values,
                                 color=COLORS[name], label=label, markersize=3, **style)
    peak = ax.axvline(0.0, color="black", linestyle="--", linewidth=1,
                      label=r"$n^* = 1/\ln(1/|q|)$")
    ax.set_yscale("log")
    ax.set_xlim(-1, STEPS_RANGE[1] + 1)
    ax.set_ylim(*ERROR_LIMITS)
    ax.set_xlabel("step $n$")
    ax.set_ylabel(r"error in $\partial y^*/\partial a$")
    ax.set_title(r"line $f(y) = a y - 4$, $x = 0$: three estimates of $\partial y^*/\partial a$",
                 fontsize=10)
    ax.grid(True, which="major", color="0.9")
    # Below the axes: the curves reach every corner of the window at some slider position.
    figure.legend(loc="outside lower center", ncols=2, fontsize=8)
    # Top right stays clear at the defaults: the errors there have already fallen.
    info = ax.text(0.98, 0.97, "", transform=ax.transAxes, ha="right", va="top", fontsize=9)

    def update(alpha, n_steps, a):
        q = line.q(alpha, a)
        if not converges(alpha, a):
            for curve in lines.values():
                curve.set_data([], [])
            peak.set_visible(False)
            info.set_text(f"q = {q:.3f}: no convergence".replace("-", "−"))
            return message(alpha, a)
        found = errors(alpha, n_steps, a, y0)
        for name, curve in lines.items():
            start = 1 if name == "one-step" else 0
            values = np.clip(found[name], *DRAWN)
            curve.set_data(np.arange(start, start + values.size), values)
        n_star = gradients.peak_step(q)
        peak.set_xdata([n_star, n_star])
        peak.set_visible(True)
        # Plain text, not mathtext: parsing TeX on every frame would cost ~20 ms.
        info.set_text(f"q = 1 − 2αa² = {q:.3f},  n* = {n_star:.1f}".replace("-", "−"))
        return ""

    controls = {
        "alpha": widgets.float_slider("step α", *ALPHA_RANGE, 0.005, alpha),
        "n_steps": widgets.int_slider("steps N", *STEPS_RANGE, n_steps),
        "a": widgets.float_slider("slope a", *A_RANGE, 0.05, a),
    }
    return widgets.Dashboard(
        figure, update, controls, animated=[*lines.values(), peak, info],
        description="The errors of the unrolled, implicit and one-step gradients against the "
                    "step n on a log scale, with the peak n* of the unrolled error marked.")
