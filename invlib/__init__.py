"""invlib: the small library behind the notebook series on inverse problems.

The computing core (numpy and sympy only) is imported here; sympy itself is loaded only
when something symbolic is first used (``invlib.symbolic``, ``SympyModel``, ``model.expr``):

- :mod:`invlib.models`     forward models f_θ(y): :class:`Line`, :class:`SympyModel`
- :mod:`invlib.inversion`  prediction as inversion: :func:`invert`, :func:`unroll`,
  :func:`implicit_gradient`
- :mod:`invlib.training`   training through the unrolled steps: :func:`train`
- :func:`finite_difference` central differences, the independent check of derivatives
- :mod:`invlib.finite_n`   what finite-N training of the line learns: slope, offset, roots
- :mod:`invlib.gradients`  unrolled vs implicit vs one-step derivative estimates
- :mod:`invlib.symbolic`   sympy derivations (update rule, tangent recursion, closed form)
- :mod:`invlib.rates`      convergence rates of plain and momentum steps for the line
- :mod:`invlib.regression` least-squares fits: inverse regression vs the classical fit
- :mod:`invlib.templates`  images as template mixtures: inversion, reverse-mode training
- :mod:`invlib.data`       the original problem and toy data

Plots, widgets and learner self-checks stand on top and are imported on their own:
``from invlib import plots, widgets, selfcheck``.
"""

from . import data, finite_n, gradients, linear, rates, regression, templates
from .finite_differences import finite_difference
from ._validate import DivergenceError
from .inversion import (
    InversionResult,
    descent_step,
    implicit_gradient,
    inner_gradient,
    inner_loss,
    invert,
    stability_limit,
    unroll,
    unroll_path,
)
from .models import Line, SympyModel
from .training import TrainResult, train, training_gradient, training_loss

__version__ = "0.1.0"


def __getattr__(name):
    """``invlib.symbolic`` is loaded on first use: it imports sympy, which takes about half a
    second, and most notebooks never need it."""
    if name == "symbolic":
        import importlib

        return importlib.import_module(".symbolic", __name__)
    raise AttributeError(f"module 'invlib' has no attribute {name!r}")

__all__ = [
    "DivergenceError",
    "InversionResult",
    "Line",
    "SympyModel",
    "TrainResult",
    "data",
    "descent_step",
    "finite_difference",
    "finite_n",
    "gradients",
    "rates",
    "regression",
    "implicit_gradient",
    "inner_gradient",
    "inner_loss",
    "invert",
    "linear",
    "stability_limit",
    "symbolic",
    "templates",
    "train",
    "training_gradient",
    "training_loss",
    "unroll",
    "unroll_path",
]
