"""invlib: the small library behind the notebook series on inverse problems.

`import invlib` loads the computing core (numpy only; sympy and scikit-learn load on first use).
Plots, widgets, dashboards and self-checks stand on top: `from invlib import plots, selfcheck`.
The README's module table says what lives where.
"""

from . import data, gradients, line, linear, rates, regression, templates
from ._validate import DivergenceError
from .finite_differences import finite_difference
from .inversion import (
    InversionResult,
    descent_step,
    implicit_gradient,
    inner_gradient,
    inner_loss,
    invert,
    tangents,
    unroll,
    unroll_path,
)
from .line import stability_limit
from .models import Line, SympyModel
from .training import TrainResult, train, training_gradient, training_loss

__version__ = "0.1.0"


def __getattr__(name):
    """invlib.symbolic loads on first use: it imports sympy (half a second)."""
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
    "gradients",
    "implicit_gradient",
    "inner_gradient",
    "inner_loss",
    "invert",
    "line",
    "linear",
    "rates",
    "regression",
    "stability_limit",
    "symbolic",
    "tangents",
    "templates",
    "train",
    "training_gradient",
    "training_loss",
    "unroll",
    "unroll_path",
]
