"""Forward models f_θ(y): from the latent cause y to the observation x.

Every model offers f(y, θ), df_dy(y, θ), loss_derivatives(x, y, θ) = (∂L/∂y, ∂²L/∂y²,
[∂²L/∂y∂θ_k]) for L = (x − f_θ(y))², and expr/latent/params as sympy objects for
invlib.symbolic. Line is written by hand; SympyModel derives the same from any scalar sympy
expression. sympy is imported where it is used: most notebooks never need it.
"""

import numpy as np

from . import _validate


class Line:
    """The line f(y) = a·y + b with θ = (a, b)."""

    param_names = ("a", "b")
    n_params = 2

    @property
    def latent(self):
        import sympy

        return sympy.Symbol("y")

    @property
    def params(self):
        import sympy

        return sympy.symbols("a b")

    @property
    def expr(self):
        a, b = self.params
        return a * self.latent + b

    def __repr__(self):
        return "Line()  # f(y) = a*y + b"

    def f(self, y, theta):
        """f(y) = a·y + b."""
        a, b = theta
        return a * np.asarray(y, dtype=float) + b

    def df_dy(self, y, theta):
        """∂f/∂y = a."""
        return np.full(np.shape(y), float(theta[0]))

    def loss_derivatives(self, x, y, theta):
        """With r = x − a·y − b: L_y = −2ar, L_yy = 2a², L_ya = 2ay − 2r, L_yb = 2a."""
        a, b = theta
        r = x - (a * y + b)
        return -2.0 * a * r, 2.0 * a * a, [2.0 * (a * y - r), 2.0 * a]


class SympyModel:
    """Any scalar model f_θ(y) given as a sympy expression, e.g. SympyModel(a*sympy.tanh(y) + b).

    It must use exactly the latent and the declared parameters (matched by name). Strings are
    refused: turning one into sympy would run it as Python code.
    """

    def __init__(self, expr, latent="y", params=("a", "b")):
        import sympy

        if isinstance(expr, str):
            raise TypeError(
                "expr must be a sympy expression, not a string: build it from symbols, "
                "e.g. a, b, y = sympy.symbols('a b y'); a*sympy.tanh(y) + b"
            )
        if not isinstance(expr, sympy.Expr):
            raise TypeError(f"expr must be a sympy expression, got {type(expr).__name__}")
        latent_name = _symbol_name(latent, "latent")
        if isinstance(params, (str, sympy.Symbol)):
            raise TypeError("params must be a sequence of parameter names, e.g. ('a', 'b')")
        param_names = tuple(_symbol_name(p, "params") for p in params)
        if not param_names:
            raise ValueError("params is empty: a model needs at least one parameter to train")
        if len(set(param_names)) != len(param_names):
            raise ValueError(f"params has repeated names: {param_names}")
        if latent_name in param_names:
            raise ValueError(f"latent {latent_name!r} is also listed in params")

        by_name = {s.name: s for s in expr.free_symbols}
        declared = {latent_name, *param_names}
        unexpected = sorted(set(by_name) - declared)
        missing = sorted(declared - set(by_name))
        if unexpected:
            raise ValueError(
                f"expr uses symbols {unexpected} that are neither the latent "
                f"{latent_name!r} nor among params {list(param_names)}"
            )
        if missing:
            raise ValueError(
                f"expr does not use {missing}: every declared parameter and the latent "
                "must appear in the model"
            )

        self.expr = expr
        self.latent = by_name[latent_name]
        self.params = tuple(by_name[p] for p in param_names)
        self.param_names = param_names
        self.n_params = len(param_names)

        y, theta = self.latent, self.params
        x = sympy.Symbol("x")
        L = (x - expr) ** 2
        L_y = sympy.diff(L, y)
        derivatives = [L_y, sympy.diff(L_y, y), *[sympy.diff(L_y, p) for p in theta]]
        self._loss_derivatives = sympy.lambdify((x, y, *theta), derivatives, cse=True)
        self._f = sympy.lambdify((y, *theta), expr)
        self._f_y = sympy.lambdify((y, *theta), sympy.diff(expr, y))

    def __repr__(self):
        return f"SympyModel({self.expr}, latent={self.latent.name!r}, params={self.param_names})"

    def f(self, y, theta):
        y = np.asarray(y, dtype=float)
        return np.broadcast_to(self._f(y, *theta), y.shape) * 1.0

    def df_dy(self, y, theta):
        y = np.asarray(y, dtype=float)
        return np.broadcast_to(self._f_y(y, *theta), y.shape) * 1.0

    def loss_derivatives(self, x, y, theta):
        """L_y, L_yy and the list [L_yθ_k], from sympy's derivatives of L = (x − f)²."""
        L_y, L_yy, *L_ytheta = self._loss_derivatives(x, y, *theta)
        return L_y, L_yy, L_ytheta


def _symbol_name(value, argument):
    import sympy

    if isinstance(value, sympy.Symbol):
        return value.name
    if isinstance(value, str) and value.isidentifier():
        return value
    raise TypeError(f"{argument} must name symbols as identifiers or sympy Symbols, got {value!r}")


def check_model(model):
    """model itself, or a clear TypeError when it lacks the model interface."""
    for attribute in ("f", "df_dy", "loss_derivatives", "n_params"):
        if not hasattr(model, attribute):
            raise TypeError(
                f"model must be an invlib model such as invlib.Line() or invlib.SympyModel(...), "
                f"got {type(model).__name__} (it has no {attribute!r})"
            )
    return model


def check_theta(model, theta, name="theta"):
    """Return θ as a float array of the model's length."""
    return _validate.parameters(theta, model.n_params, name)
