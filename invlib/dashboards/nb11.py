"""Notebook 11's dashboard: the template model run forwards, one slider per latent weight.

Ten sliders set the code z; the figure draws z as bars and the image x = Wᵀz twice, with the
class-mean and with the trained templates (invlib.data.digits): one code, two images. Pixels
are drawn on a fixed grey scale [0, 1], clipped; a code far outside it gets a message.
"""

import numpy as np

from .. import data, plots, templates, widgets

#: The slider range of every latent weight, and its step.
WEIGHT_RANGE, WEIGHT_STEP = (-1.0, 1.5), 0.05
#: The grey scale of the images (real digits have pixels in [0, 1]).
PIXEL_LIMITS = (0.0, 1.0)
#: Pixels beyond this distance outside [0, 1] earn a message.
FAR_OUTSIDE = 0.5
#: The bar chart's window.
BAR_LIMITS = (-1.1, 1.6)


def code_from(values, C=10):
    """The latent code as an array from the slider values z0 … z9."""
    return np.array([values[f"z{k}"] for k in range(C)], dtype=float)


def range_message(images):
    """'' while every generated pixel lies within [−0.5, 1.5]; otherwise what is wrong."""
    low = min(float(image.min()) for image in images)
    high = max(float(image.max()) for image in images)
    if low >= PIXEL_LIMITS[0] - FAR_OUTSIDE and high <= PIXEL_LIMITS[1] + FAR_OUTSIDE:
        return ""
    return (f"The generated pixels reach from {low:.2f} to {high:.2f}, far outside the [0, 1] "
            "of real digits: the grey scale is clipped at white and black. Codes of real "
            "digits have a few weights of about 1 or less; try smaller weights.")


def latent_dashboard(code=None, W_trained=None):
    """Ten sliders for z; the code as bars and the images Wᵀz of both models. code: the start
    (default: 1 for template 3, 0 elsewhere); W_trained: default invlib.data.digits().W_trained."""
    W_means = data.digits().W_means
    if W_trained is None:
        W_trained = data.digits().W_trained
    W_trained = templates.check_templates(W_trained, "W_trained")
    C = W_means.shape[0]
    if code is None:
        code = np.eye(C)[3]
    code = np.asarray(code, dtype=float)

    # 6 inches wide: readable at about 600 pixels (JupyterLab beside its file browser).
    figure, (ax_code, ax_means, ax_trained) = plots.new_figure(3, width=2.0, height=2.3)
    bars = ax_code.bar(range(C), np.zeros(C), color=plots.COLORS["model"])
    ax_code.axhline(0.0, color="black", linewidth=0.8)
    ax_code.set_xticks(range(C))
    ax_code.set_ylim(*BAR_LIMITS)
    ax_code.set_xlabel("template $k$")
    ax_code.set_ylabel("latent weight $z_k$")
    ax_code.set_title("the code $z$", fontsize=9)

    pictures = []
    for ax, title in ((ax_means, "class means"), (ax_trained, "trained templates")):
        image = ax.imshow(np.zeros((8, 8)), cmap="gray_r", vmin=PIXEL_LIMITS[0],
                          vmax=PIXEL_LIMITS[1], interpolation="nearest")
        ax.set_title(f"$x = W^\\top z$, {title}", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
        pictures.append(image)

    def update(**values):
        z = code_from(values, C)
        for bar, weight in zip(bars, z):
            bar.set_height(weight)
        generated = [templates.generate(W, z).reshape(8, 8) for W in (W_means, W_trained)]
        for image, pixels in zip(pictures, generated):
            # Clipped to the grey scale's window: the picture is the same, the numbers tame.
            image.set_data(np.clip(pixels, PIXEL_LIMITS[0] - 1.0, PIXEL_LIMITS[1] + 1.0))
        return range_message(generated)

    controls = {
        f"z{k}": widgets.float_slider(f"z{k} (template {k})", *WEIGHT_RANGE, WEIGHT_STEP,
                                      float(code[k]), readout_format=".2f")
        for k in range(C)
    }
    return widgets.Dashboard(
        figure, update, controls, animated=[*bars, *pictures],
        description="The code z as ten bars, one weight per template k, and the two images "
                    "Wᵀz that it generates: from the class means and from the trained templates.")
