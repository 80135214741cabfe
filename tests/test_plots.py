"""invlib.plots: the colours stay apart for readers who do not see red and green apart, and
every figure a notebook shows carries its alt text (in the PNG's metadata, on the HTML <img>
and as the plain-text fallback)."""

import base64
import itertools

import numpy as np
import pytest

from invlib import plots

# Machado, Oliveira & Fernandes (2009), severity 1, applied to linear RGB.
SIMULATIONS = {
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "normal vision": np.eye(3),
}


def linear_rgb(colour):
    srgb = np.array([int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def cielab(rgb):
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ rgb / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


@pytest.mark.parametrize("vision", SIMULATIONS)
def test_every_pair_of_role_colours_stays_apart(vision):
    """ΔE (CIE 1976) ≥ 30 between every two roles: far more than the ~2.3 a viewer can just tell."""
    seen = {role: cielab(np.clip(SIMULATIONS[vision] @ linear_rgb(colour), 0, 1))
            for role, colour in plots.COLORS.items()}
    for (a, lab_a), (b, lab_b) in itertools.combinations(seen.items(), 2):
        assert np.linalg.norm(lab_a - lab_b) >= 30, (vision, a, b)


def test_the_simulation_merges_red_and_green():
    """The check can fail: the old red and green of the series collapse under deuteranopia."""
    red, green = (cielab(np.clip(SIMULATIONS["deuteranopia"] @ linear_rgb(c), 0, 1))
                  for c in ("#d62728", "#2ca02c"))
    assert np.linalg.norm(red - green) < 30


def test_a_shown_figure_carries_its_alt_text_everywhere():
    fig, ax = plots.new_figure()
    ax.plot([0, 1], [0, 1])
    alt = "A straight line from the origin to the point (1, 1)."
    data, metadata = plots.show(fig, alt)._repr_mimebundle_()
    png = base64.b64decode(data["image/png"])
    assert png.startswith(b"\x89PNG")
    assert metadata["image/png"]["alt"] == alt
    assert f'alt="{alt}"' in data["text/html"] and data["image/png"] in data["text/html"]
    assert data["text/plain"] == f"Figure: {alt}"
    assert (metadata["image/png"]["width"], metadata["image/png"]["height"]) == plots._png_size(png)


@pytest.mark.parametrize("alt", [None, "", "figure.png", 3])
def test_alt_text_must_be_a_sentence(alt):
    fig, _ = plots.new_figure()
    with pytest.raises(ValueError, match="alt must be a sentence"):
        plots.show(fig, alt)
