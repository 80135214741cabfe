"""Notebook 01's dashboard: the loss landscape of inverting the line f(y) = a·y + b.

Sliders a, b, x and σ (`noise`). The inversion sees x_obs = x + σε, with one standard-normal ε
drawn once from numpy.random.default_rng(seed): moving σ scales that same draw, so x_obs slides
along a straight line and its minimum y*_obs = (x_obs − b)/a moves by σε/a from the noise-free
y* = (x − b)/a instead of jumping about. Top, the forward view: the line f(y) and the levels x
and x_obs; each crossing is a solution. Below: the landscapes L(y) for x_obs and for x, with
their minima y*_obs and y* marked. The
panels are stacked, 5.8 in wide, to stay readable in a 600 px wide notebook. Every moving
artist is animated; the axes limits are fixed.
"""

import numpy as np

from .. import inversion, plots, widgets
from ..models import Line

#: The seed of the one noise draw ε (ε ≈ 1.05, an ordinary one-sigma draw).
NOISE_SEED = 6
#: The y range shown, the loss range shown and the observation range shown.
Y_LIMITS = (-10.0, 10.0)
LOSS_LIMITS = (0.0, 40.0)
X_LIMITS = (-10.0, 10.0)
#: Legends sit below the axes, where no curve can hide behind them.
LEGEND = dict(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2, fontsize="small",
              frameon=False)
#: The message for a = 0, where every y minimises L (the answer is not unique).
A_ZERO_MESSAGE = ("a = 0: every y gives the same x, so every y minimises L: the answer is not "
                  "unique (and if x ≠ b, no y fits exactly)")


def noise_draw(seed=NOISE_SEED):
    """The one standard-normal number ε that σ scales: x_obs = x + σ·ε."""
    return float(np.random.default_rng(seed).standard_normal())


def outside_message(y_star, label):
    """The message for a minimum that lies beyond the plotted y range."""
    return (f"{label} = {y_star:.4g} lies outside the plotted range "
            f"{Y_LIMITS[0]:g} ≤ y ≤ {Y_LIMITS[1]:g}: a small a pushes the minimum far away")


def landscape_dashboard(a=2.0, b=-4.0, x=0.0, noise=0.0, seed=NOISE_SEED,
                        a_range=(0.05, 3.0), n_points=401):
    """Sliders a, b, x (noise-free), σ; the line with the levels x and x_obs, and L(y) with its
    minima y* and y*_obs.
    a_range: the a slider's (min, max); the default avoids a = 0, which gets A_ZERO_MESSAGE."""
    model = Line()
    epsilon = noise_draw(seed)
    y_grid = np.linspace(*Y_LIMITS, n_points)
    edge = (Y_LIMITS[1] - Y_LIMITS[0]) * 0.01  # where an off-screen minimum is pinned

    figure, (ax_f, ax_L) = plots.new_figure(nrows=2, width=5.8, height=3.2)
    colors = plots.COLORS

    # Top: the forward view.
    (forward,) = ax_f.plot(y_grid, model.f(y_grid, (a, b)), color=colors["model"],
                           label=r"$f_\theta(y) = a y + b$")
    (level_clean,) = ax_f.plot(Y_LIMITS, [x, x], color=colors["truth"], linestyle="--",
                               label="noise-free $x$")
    (level_noisy,) = ax_f.plot(Y_LIMITS, [x, x], color=colors["landscape"],
                               label=r"$x_\mathrm{obs} = x + \sigma\varepsilon$")
    (crossing,) = ax_f.plot([0.0], [x], "o", color=colors["path"], markersize=5,
                            label=r"crossing at $y^*_\mathrm{obs}$")
    ax_f.set_xlim(*Y_LIMITS)
    ax_f.set_ylim(*X_LIMITS)
    ax_f.set_xlabel("latent $y$")
    ax_f.set_ylabel("observation")
    ax_f.set_title(r"forward view: where does $f$ reach $x$ and $x_\mathrm{obs}$?",
                   fontsize="medium")
    ax_f.legend(**LEGEND)

    # Below: the landscapes and their minima.
    loss_noisy = plots.plot_landscape(ax_L, model, (a, b), x, y_grid,
                                      label=r"$L(y)$ for $x_\mathrm{obs}$")
    loss_clean = plots.plot_landscape(ax_L, model, (a, b), x, y_grid,
                                      color=colors["truth"], linestyle="--",
                                      label=r"$L(y)$ for noise-free $x$")
    (star_clean,) = ax_L.plot([0.0], [0.0], "o", color=colors["truth"], markersize=9,
                              markerfacecolor="none", markeredgewidth=2,
                              label=r"$y^*$", clip_on=False)
    (star_noisy,) = ax_L.plot([0.0], [0.0], "o", color=colors["path"], markersize=5,
                              label=r"$y^*_\mathrm{obs}$", clip_on=False)
    ax_L.set_xlim(*Y_LIMITS)
    ax_L.set_ylim(*LOSS_LIMITS)
    ax_L.set_title("loss landscape: where is $L$ lowest?", fontsize="medium")
    # Column by column, so each row pairs a landscape with its minimum.
    ax_L.legend(handles=[loss_noisy, loss_clean, star_noisy, star_clean], **LEGEND)

    def place(marker, y_star):
        """Put a minimum marker at (y*, 0), or pinned at the edge pointing outwards."""
        if y_star > Y_LIMITS[1]:
            marker.set_data([Y_LIMITS[1] - edge], [0.0])
            marker.set_marker(">")
        elif y_star < Y_LIMITS[0]:
            marker.set_data([Y_LIMITS[0] + edge], [0.0])
            marker.set_marker("<")
        else:
            marker.set_data([y_star], [0.0])
            marker.set_marker("o")
        marker.set_visible(True)

    def update(a, b, x, noise):
        theta = (a, b)
        x_obs = x + noise * epsilon
        forward.set_ydata(model.f(y_grid, theta))
        level_clean.set_ydata([x, x])
        level_noisy.set_ydata([x_obs, x_obs])
        loss_noisy.set_ydata(inversion.inner_loss(model, theta, x_obs, y_grid))
        loss_clean.set_ydata(inversion.inner_loss(model, theta, x, y_grid))
        if a == 0:
            crossing.set_visible(False)
            star_clean.set_visible(False)
            star_noisy.set_visible(False)
            return A_ZERO_MESSAGE
        y_star_obs, y_star = (x_obs - b) / a, (x - b) / a
        place(star_clean, y_star)
        place(star_noisy, y_star_obs)
        crossing.set_data([y_star_obs], [x_obs])  # clipped away when off-screen
        crossing.set_visible(True)
        for value, label in ((y_star_obs, "y*_obs"), (y_star, "the noise-free y*")):
            if not Y_LIMITS[0] <= value <= Y_LIMITS[1]:
                return outside_message(value, label)
        return ""

    controls = {
        "a": widgets.float_slider("slope a", a_range[0], a_range[1], 0.05, a),
        "b": widgets.float_slider("offset b", -5.0, 5.0, 0.1, b),
        "x": widgets.float_slider("noise-free x", -5.0, 5.0, 0.1, x),
        "noise": widgets.float_slider("noise σ", 0.0, 1.0, 0.05, noise),
    }
    # No moving text: drawing a fresh string costs 10–20 ms a frame, the lines ~2 ms.
    animated = [forward, level_clean, level_noisy, crossing, loss_noisy, loss_clean, star_clean,
                star_noisy]
    return widgets.Dashboard(
        figure, update, controls, animated=animated,
        description="Two panels. On top, the line f(y) = a·y + b against the latent y, with the "
                    "levels x and x_obs and where the line crosses x_obs. Below, the losses L(y) "
                    "for x_obs and for the noise-free x, with their minima y*_obs and y*.")
