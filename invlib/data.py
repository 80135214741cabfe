"""Data for the lessons: the original problem's exact setup, toy data with noise, and the
digits of notebooks 10 and 11. All randomness comes from seeded generators.
"""

import functools
from typing import NamedTuple

import numpy as np

from . import _validate, templates


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
    """The original's numbers: f(y) = 2y − 4, y = −2 … 2, α = 0.05, N = 20, β = 0.005, 2,500
    epochs, a ≥ 0.5, and its draws from numpy's legacy generator seeded with 42 replayed:
    y0 = 20u − 10, a0 = 2u′ + 1.5, every training inversion starting at g_20 of x = 0."""
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
    """Pairs (x, y) on x = a·y + b, y evenly spaced (or uniform if random_y), with Gaussian
    noise of size σ = noise in x (measured badly) or in y (recorded badly)."""
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


class Digits:
    """scikit-learn's 8×8 digits in [0, 1], split 3:1 (stratified, seed 0), with the settings of
    notebooks 10 and 11, the class-mean templates and the templates trained from them."""

    alpha, n_steps = 0.005, 20
    beta, momentum, n_epochs = 0.002, 0.9, 200

    def __init__(self):
        from sklearn.datasets import load_digits  # scikit-learn only where digits are used
        from sklearn.model_selection import train_test_split

        bundle = load_digits()
        images = bundle.data / 16.0  # the pixels are whole numbers 0 … 16
        split = train_test_split(images, bundle.target, test_size=0.25, random_state=0,
                                 stratify=bundle.target)
        for array in split:
            array.flags.writeable = False  # shared by every caller: nobody may change them
        self.X_train, self.X_test, self.labels_train, self.labels_test = split

    @functools.cached_property
    def W_means(self):
        """Template k = the mean of the training images of class k."""
        return _read_only(templates.class_means(self.X_train, self.labels_train))

    @functools.cached_property
    def fit(self):
        """The class means trained end to end through N steps (invlib.templates.train)."""
        fit = templates.train(self.W_means, self.X_train, self.labels_train, self.alpha, self.beta,
                              self.n_steps, self.n_epochs, momentum=self.momentum)
        return templates.TemplateFit(W=_read_only(fit.W), losses=_read_only(fit.losses))

    @property
    def W_trained(self):
        """The trained templates, fit.W."""
        return self.fit.W


def _read_only(array):
    array.flags.writeable = False
    return array


@functools.lru_cache(maxsize=1)
def digits():
    """The digits, loaded and split once per session (Digits)."""
    return Digits()
