"""Plotting helpers for every notebook (upper floor: matplotlib); each draws on an Axes it is given.

Every function returns the artists it made, so that a dashboard can update them in place with
set_data instead of drawing the figure again from scratch.
"""

import base64
import html

import numpy as np
from matplotlib.figure import Figure

from . import inversion

#: One colour per role, the same in every notebook: Okabe and Ito's colour-blind-safe set, chosen so
#: that every pair stays apart under deuteranopia and protanopia (tests/test_plots.py). Colour is
#: never the only carrier of meaning: pair it with a marker or a line style.
COLORS = {"landscape": "#56B4E9", "path": "#E69F00", "truth": "#009E73", "model": "#332288",
          "data": "#000000"}


class Shown:
    """A figure as a notebook shows it, with its alt text (one sentence saying what it shows):
    a PNG whose metadata carries the alt text (for nbconvert and websites), an HTML <img> with
    the same alt text (JupyterLab's image renderer ignores the metadata), and the alt text as
    plain text (what nbval compares)."""

    def __init__(self, figure, alt):
        if not isinstance(alt, str) or len(alt.split()) < 4:
            raise ValueError(f"alt must be a sentence saying what the figure shows, got {alt!r}")
        self.figure, self.alt = figure, alt.strip()

    def _repr_mimebundle_(self, include=None, exclude=None):
        from IPython.core.pylabtools import print_figure

        png = print_figure(self.figure, "png", bbox_inches="tight")
        width, height = _png_size(png)
        data = base64.b64encode(png).decode("ascii")
        alt = html.escape(self.alt, quote=True)
        bundle = {
            "image/png": data,
            "text/html": f'<img src="data:image/png;base64,{data}" alt="{alt}" '
                         f'width="{width}" height="{height}"/>',
            "text/plain": f"Figure: {self.alt}",
        }
        return bundle, {"image/png": {"alt": self.alt, "width": width, "height": height}}


def _png_size(png):
    """(width, height) in pixels from a PNG's header."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def show(figure, alt):
    """Show a figure with its alt text: end a notebook cell with plots.show(fig, "…")."""
    return Shown(figure, alt)


def new_figure(ncols=1, nrows=1, width=4.2, height=3.2, **kwargs):
    """A figure not attached to pyplot, so shown only when asked (display(fig)).
    Returns (figure, axes): one Axes, or a flat array of them when there are several."""
    figure = Figure(figsize=(width * ncols, height * nrows), layout="constrained")
    axes = figure.subplots(nrows, ncols, squeeze=False, **kwargs)
    return figure, axes.ravel() if axes.size > 1 else axes[0, 0]


def plot_landscape(ax, model, theta, x, y_grid, **line_kwargs):
    """The inner loss L(y) = (x − f_θ(y))² over y_grid."""
    y_grid = np.asarray(y_grid, dtype=float)
    loss = inversion.inner_loss(model, np.asarray(theta, dtype=float), x, y_grid)
    line_kwargs.setdefault("color", COLORS["landscape"])
    (line,) = ax.plot(y_grid, loss, **line_kwargs)
    ax.set_xlabel("latent $y$")
    ax.set_ylabel(r"loss $L(y) = (x - f_\theta(y))^2$")
    return line


def plot_path(ax, result, **line_kwargs):
    """The descent path of an invlib.invert result, drawn on the landscape."""
    line_kwargs.setdefault("color", COLORS["path"])
    line_kwargs.setdefault("marker", "o")
    line_kwargs.setdefault("markersize", 3)
    (line,) = ax.plot(result.path, result.losses, **line_kwargs)
    return line


def plot_curve(ax, values, xlabel, ylabel, log=True, **line_kwargs):
    """A loss (or error) per step or epoch, on a log scale by default."""
    values = np.asarray(values, dtype=float)
    (line,) = ax.plot(np.arange(values.size), values, **line_kwargs)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return line


def plot_fit(ax, model, theta, x, y, theta_true=None, y_grid=None):
    """Data (yᵢ, xᵢ), the trained model x = f_θ(y) and, if given, the truth.
    Returns a dict of the artists by role: "truth" (if drawn), "model", "data"."""
    y = np.asarray(y, dtype=float)
    if y_grid is None:
        margin = 0.25 * (y.max() - y.min() + 1.0)
        y_grid = np.linspace(y.min() - margin, y.max() + margin, 100)
    artists = {}
    if theta_true is not None:
        (artists["truth"],) = ax.plot(y_grid, model.f(y_grid, theta_true), color=COLORS["truth"],
                                      label="truth")
    (artists["model"],) = ax.plot(y_grid, model.f(y_grid, theta), color=COLORS["model"],
                                  linestyle="--", label="trained model")
    (artists["data"],) = ax.plot(y, x, "o", color=COLORS["data"], label="data")
    ax.set_xlabel("latent $y$")
    ax.set_ylabel("observation $x$")
    ax.legend()
    return artists


def show_digits(ax, rows, labels, cmap="gray_r", limits=(0.0, 1.0), ylabel=None):
    """64-pixel rows (images or templates) as 8×8 pictures side by side, one blank column
    between them, each labelled underneath. Returns the image artist (for a colour bar)."""
    tiles = [np.pad(np.reshape(row, (8, 8)), ((0, 0), (0, 1)), constant_values=np.nan)
             for row in rows]
    image = ax.imshow(np.hstack(tiles)[:, :-1], cmap=cmap, vmin=limits[0], vmax=limits[1])
    ax.set_xticks(9 * np.arange(len(tiles)) + 3.5, labels)
    ax.set_yticks([])
    if ylabel:
        ax.set_ylabel(ylabel, fontsize=8)
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    return image
