"""Data for the lessons: the original problem's exact setup, and toy data with noise.

All randomness comes from a seeded generator, so every run gives the same numbers.
"""

from typing import NamedTuple

import numpy as np

from . import _validate


class OriginalProblem(NamedTuple):
    """The setup of the source blog series (part 3), with its random draws reproduced."""

    theta_true: tuple
    x: np.ndarray
    y: np.ndarray
    alpha: float
    beta: float
    n_steps: int
    n_epochs: int
    bounds: list
    y0_inversion: float
    y0_training: float
    a0: float


def original_problem():
    """The original's numbers: f(y) = 2y − 4, five points y = −2 … 2, α = 0.05, N = 20,
    β = 0.005, 2,500 epochs, a kept ≥ 0.5.

    The original drew its start points from numpy's legacy global generator seeded with
    42: the inversion starts at y0 = 20·u − 10 (u the first draw) and training starts at
    a0 = 2·u' + 1.5 (u' the second draw), b0 = 0, with every inversion starting from the
    result of that first inversion of x = 0 (≈ 1.99984). We replay those draws here so
    that the reference numbers can be reproduced; new code uses ``default_rng``.
    """
    legacy = np.random.RandomState(42)
    y0_inversion = 20.0 * legacy.rand() - 10.0
    a0 = 2.0 * legacy.rand() + 1.5
    a, b = 2.0, -4.0
    alpha, n_steps = 0.05, 20
    # The first inversion, x = 0, written out: y ← y − α·(−2(x − (a y + b))·a).
    y0_training = y0_inversion
    for _ in range(n_steps):
        y0_training = y0_training + alpha * 2.0 * (0.0 - (a * y0_training + b)) * a
    y = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    return OriginalProblem(
        theta_true=(a, b),
        x=a * y + b,
        y=y,
        alpha=alpha,
        beta=0.005,
        n_steps=n_steps,
        n_epochs=2500,
        bounds=[(0.5, None), (None, None)],
        y0_inversion=float(y0_inversion),
        y0_training=float(y0_training),
        a0=float(a0),
    )


def line_data(n_samples=5, theta=(2.0, -4.0), noise=0.0, noise_in="x", y_range=(-2.0, 2.0),
              random_y=False, seed=0):
    """Pairs (x, y) from the line x = a·y + b, with Gaussian noise of size σ = ``noise``.

    ``y`` is evenly spaced over ``y_range`` (or drawn uniformly if ``random_y``);
    ``noise_in`` says where the noise goes: ``"x"`` (the observation is measured badly)
    or ``"y"`` (the cause is recorded badly). Returns ``(x, y)``.
    """
    n_samples = _validate.count(n_samples, "n_samples", 1, 10_000_000)
    a, b = _validate.parameters(theta, 2)
    noise = _validate.real_number(noise, "noise")
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    if noise_in not in ("x", "y"):
        raise ValueError(f"noise_in must be 'x' or 'y', got {noise_in!r}")
    low, high = (_validate.real_number(v, "y_range") for v in y_range)
    rng = np.random.default_rng(seed)
    y = rng.uniform(low, high, n_samples) if random_y else np.linspace(low, high, n_samples)
    x = a * y + b
    if noise_in == "x":
        x = x + noise * rng.standard_normal(n_samples)
    else:
        y = y + noise * rng.standard_normal(n_samples)
    return x, y
