r"""Notebook 07: what training with a finite number of inner steps N really learns.

For the line :math:`f(y) = a y + b`, N descent steps from a fixed start :math:`y_0` give a
prediction that is an affine function of x,

.. math::

    h_\theta(x) = s(a)\,x + c(a, b), \qquad
    s(a) = \frac{1 - q^N}{a}, \qquad c(a, b) = q^N y_0 - s(a)\,b, \qquad q = 1 - 2\alpha a^2 .

Training can only adjust the slope s and the offset c. This module holds the few functions
the notebook teaches with (:func:`slope`, :func:`offset`, :func:`slope_roots`,
:func:`zero_loss_theta`, :func:`best_loss_over_b`, :func:`describe_end`; all numpy only) and
the dashboard (:func:`truncation_dashboard`, with :func:`train_in_chunks`): sliders N, α, the
start a₀ and the outer rate β; every move retrains the line on the original data (no bounds)
and redraws s(a) with its roots and the training path, T per epoch, and the trained
prediction against the data.
"""

from typing import NamedTuple

import numpy as np

from .. import _validate, data, plots, training, widgets
from .._validate import DivergenceError
from ..models import Line

#: The truth of the original data, and the slope and offset of its exact inverse y = (x + 4)/2.
THETA_TRUE = (2.0, -4.0)
DATA_SLOPE, DATA_OFFSET = 0.5, 2.0
#: Slider ranges (min, max) and the number of epochs of every retraining.
STEPS_RANGE, ALPHA_RANGE, A0_RANGE, BETA_RANGE = (1, 60), (0.01, 0.15), (0.1, 4.5), (0.001, 0.008)
N_EPOCHS = 1000
#: The fixed windows: a for the slope panel, s, T, and the (x, y) window of the fit panel.
A_LIMITS, S_LIMITS, LOSS_LIMITS = (0.0, 5.0), (-0.25, 1.75), (1e-12, 1e4)
X_LIMITS, Y_LIMITS = (-10.0, 2.0), (-3.5, 3.5)
#: Anything drawn is clipped to these, so that no huge number reaches the renderer.
FAR, DRAWN_LOSS = 1e6, (1e-40, 1e40)


def slope(a, alpha, n_steps):
    r"""The slope :math:`s(a) = (1 - q^N)/a` of the N-step prediction in x, :math:`q = 1 - 2\alpha a^2`.

    Vectorised over a. For 0 < q < 1 the numerator is computed as
    :math:`-\mathrm{expm1}(N \log(1 - 2\alpha a^2))`, which keeps full precision for small a,
    where :math:`s(a) \approx 2 N \alpha a`; at a = 0 the slope is 0 (its limit).
    """
    a = np.asarray(a, dtype=float)
    shrink = 2.0 * alpha * a * a  # 1 − q
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        safe = np.where(shrink < 0.5, shrink, 0.0)
        gone = np.where(shrink < 0.5, -np.expm1(n_steps * np.log1p(-safe)),
                        1.0 - (1.0 - shrink) ** n_steps)
        s = np.where(a == 0.0, 0.0, gone / np.where(a == 0.0, 1.0, a))
    return s if s.ndim else float(s)


def offset(theta, y0, alpha, n_steps):
    r"""The offset :math:`c(a, b) = q^N y_0 - s(a)\,b` of the N-step prediction."""
    a, b = float(theta[0]), float(theta[1])
    with np.errstate(over="ignore", invalid="ignore"):
        return float(_power(a, alpha, n_steps) * y0 - slope(a, alpha, n_steps) * b)


def _power(a, alpha, n_steps):
    """q^N with q = 1 − 2αa², as a numpy float (inf rather than an error on overflow)."""
    with np.errstate(over="ignore"):
        return np.float64(1.0 - 2.0 * alpha * a * a) ** n_steps


def slope_roots(target, alpha, n_steps, a_max, a_min=0.0, n_grid=2001, n_bisect=60):
    r"""Every a in [a_min, a_max] with :math:`s(a) = ` ``target``, sorted.

    Finds the sign changes of s(a) − target on a grid of ``n_grid`` points, then halves each
    bracket ``n_bisect`` times. A root where s only touches the target (a double root) has no
    sign change and can be missed; so can two roots closer than the grid spacing.
    """
    target = _validate.real_number(target, "target")
    alpha = _validate.positive_number(alpha, "alpha")
    n_steps = _validate.count(n_steps, "n_steps", 1)
    grid = np.linspace(a_min, a_max, n_grid)
    gap = slope(grid, alpha, n_steps) - target
    left = np.nonzero(np.sign(gap[:-1]) * np.sign(gap[1:]) <= 0)[0]
    lo, hi = grid[left], grid[left + 1]
    sign_lo = np.sign(gap[left])
    for _ in range(n_bisect):
        mid = 0.5 * (lo + hi)
        same = np.sign(slope(mid, alpha, n_steps) - target) == sign_lo
        lo, hi = np.where(same, mid, lo), np.where(same, hi, mid)
    return np.unique(0.5 * (lo + hi))


def zero_loss_theta(a, y0, alpha, n_steps, data_slope=DATA_SLOPE, data_offset=DATA_OFFSET):
    r"""The θ = (a, b) whose prediction has the data's offset: :math:`b = (q^N y_0 - C)/s(a)`.

    At a root of :math:`s(a) = S` (the data's slope) this θ predicts the line y = S x + C
    exactly, so T = 0 on data that lie on that line.
    """
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        b = (_power(a, alpha, n_steps) * y0 - data_offset) / slope(a, alpha, n_steps)
    return np.array([a, b])


def best_loss_over_b(a, x, y, alpha, n_steps):
    r"""The smallest T over b at each a: :math:`\sum_i \big((y_i - \bar y) - s(a)(x_i - \bar x)\big)^2`.

    For fixed a the offset c can take any value (through b), so the best c fits the means.
    On data on the line y = S x + C this is :math:`(1 - s(a)/S)^2 \sum_i (y_i - \bar y)^2`.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    dx, dy = x - x.mean(), y - y.mean()
    s = np.asarray(slope(a, alpha, n_steps))[..., None]
    return np.sum((dy - s * dx) ** 2, axis=-1)


class Outcome(NamedTuple):
    """Where a training run ended: ``kind`` is 'root', 'near root', 'cycle', 'bound' or
    'moving'; ``root`` the nearest root of s(a) = S (NaN if none); ``text`` a short phrase."""

    kind: str
    root: float
    text: str


def describe_end(fit, roots, a_bound=None):
    """Classify the end of an :func:`invlib.train` run against the ``roots`` of s(a) = S."""
    thetas, final_loss = fit.thetas, fit.losses[-1]
    a = float(fit.theta[0])
    roots = np.asarray(roots, dtype=float)
    root = float(roots[np.argmin(np.abs(roots - a))]) if roots.size else float("nan")
    if thetas.shape[0] >= 3:
        scale = 1.0 + np.abs(thetas[-1])
        period_two = np.all(np.abs(thetas[-1] - thetas[-3]) < 1e-7 * scale)
        jumping = np.any(np.abs(thetas[-1] - thetas[-2]) > 1e-3 * scale)
        if period_two and jumping:
            low, high = sorted((thetas[-1, 0], thetas[-2, 0]))
            return Outcome("cycle", root, f"a jumps between {low:.3f} and {high:.3f} every epoch")
    if a_bound is not None and a == a_bound:
        return Outcome("bound", root, f"stuck on the bound a = {a_bound:g}, T = {final_loss:.3g}")
    # T at rounding level differs in its last digits between machines: not printed.
    loss = f"T = {final_loss:.1e}" if final_loss >= 1e-12 else "T < 1e-12"
    if roots.size and abs(a - root) < 1e-3 * max(1.0, root) and final_loss < 1e-6:
        return Outcome("root", root, f"reached the root a = {root:.4f}, {loss}")
    if roots.size and abs(a - root) < 0.05 * max(1.0, root):
        return Outcome("near root", root, f"approaching the root a = {root:.4f}, {loss}")
    return Outcome("moving", root, f"still moving at a = {a:.3f}, {loss}")


def train_in_chunks(model, x, y, theta0, y0, alpha, beta, n_steps, n_epochs, first=8,
                    largest=512):
    """:func:`invlib.train` (no bounds, no momentum) run in chunks of 8, 16, 32, … epochs.

    Plain gradient descent keeps no state besides θ, so the result is exactly that of one
    call. The point is speed when a run diverges: ``invlib.train`` notices a non-finite T
    only every 256 epochs, and until then a line whose θ has become NaN is stepped through
    the slow general recursion. Runs that diverge mostly do so in their first epochs, so
    short chunks first end them early, and longer chunks later keep the calls few.
    """
    theta, losses, thetas = np.asarray(theta0, dtype=float), [], []
    done, chunk = 0, first
    while done < n_epochs:
        part = training.train(model, x, y, theta, y0, alpha, beta, n_steps,
                              min(chunk, n_epochs - done))
        losses.append(part.losses[:-1])
        thetas.append(part.thetas[:-1])
        theta, done, chunk = part.theta, done + part.losses.size - 1, min(2 * chunk, largest)
    losses.append(part.losses[-1:])
    thetas.append(part.thetas[-1:])
    return training.TrainResult(theta=theta, losses=np.concatenate(losses),
                                thetas=np.concatenate(thetas))


def _divergence_message(alpha, a0):
    if alpha * a0 * a0 >= 1.0:
        return (f"Training diverged: α·a₀² = {alpha * a0 * a0:.2f} ≥ 1, so already at the start "
                f"the inner steps overshoot (|q| > 1) and T explodes. Start below "
                f"a₀ = 1/√α = {1 / np.sqrt(alpha):.2f}, or lower α.")
    return ("Training diverged: an outer step threw a to where the inner steps blow up "
            "(|q| > 1). Lower β.")


def _outcome_message(outcome, alpha, beta, n_steps, stable_roots):
    """The learner's message for a finished run ('' when it went for the near-true root)."""
    a_limit = 1.0 / np.sqrt(alpha)
    if outcome.kind == "cycle":
        return (f"Training does not settle: {outcome.text}, across a valley too steep "
                f"for β = {beta:g}. Lower β.")
    if outcome.kind in ("root", "near root") and outcome.root > a_limit:
        return (f"Zero loss with diverging inner steps: at a ≈ {outcome.root:.3f} > 1/√α, "
                f"|q| > 1, yet exactly N = {n_steps} steps land on the data. "
                "Run more steps and the predictions blow up.")
    if outcome.kind in ("root", "near root") and stable_roots.size:
        near_true = stable_roots[np.argmin(np.abs(stable_roots - THETA_TRUE[0]))]
        if abs(outcome.root - near_true) > 1e-9:
            verb = "found" if outcome.kind == "root" else "is heading for"
            return (f"Zero loss with the wrong model: training {verb} the root "
                    f"a ≈ {outcome.root:.3f} of s(a) = 1/2, far from the truth a = 2.")
    if not stable_roots.size:
        return (f"With N = {n_steps} and α = {alpha:g} no a with converging inner steps "
                "(|q| < 1) reaches the slope 1/2: the truncated inversion cannot fit the data.")
    return ""


def truncation_dashboard(n_steps=20, alpha=0.05, a0=3.4, beta=0.005):
    r"""Sliders N, α, a₀, β; the slope s(a) with its roots, T per epoch, and the fit.

    Every move retrains the line without bounds for :data:`N_EPOCHS` epochs from
    θ₀ = (a₀, 0) on the original data (five points on x = 2y − 4, every inversion starting
    at the original y₀ ≈ 1.99984). The default a₀ = 3.4 is the original's start rounded.
    """
    problem = data.original_problem()
    model = Line()
    x, y, y0 = problem.x, problem.y, problem.y0_training
    a_grid = np.linspace(*A_LIMITS, 401)[1:]
    x_ends = np.array(X_LIMITS)

    figure, (ax_s, ax_T, ax_h) = plots.new_figure(3, width=3.4, height=3.2)
    colors = plots.COLORS

    # Left: the slope s(a), the level 1/2 the data need, the roots and the training path.
    unstable = ax_s.axvspan(A_LIMITS[1], A_LIMITS[1], color="0.85", zorder=0,
                            label=r"$|q| > 1$: inner steps diverge")
    (s_curve,) = ax_s.plot(a_grid, a_grid, color=colors["landscape"], label=r"$s(a)$")
    ax_s.axhline(DATA_SLOPE, color=colors["truth"], linestyle=":", label="data: 1/2")
    (path,) = ax_s.plot([], [], ".", color=colors["model"], markersize=3,
                        label="training path")
    (start,) = ax_s.plot([], [], "o", color=colors["model"], markerfacecolor="none",
                         markersize=7)
    (end,) = ax_s.plot([], [], "*", color=colors["path"], markersize=12, label="trained $a$")
    (roots_marker,) = ax_s.plot([], [], "o", color=colors["truth"], markersize=6,
                                label="roots of $s(a) = 1/2$")
    ax_s.set_xlim(*A_LIMITS)
    ax_s.set_ylim(*S_LIMITS)
    ax_s.set_xlabel("$a$")
    ax_s.set_ylabel(r"slope $s(a) = (1 - q^N)/a$")
    ax_s.set_title("slope of the $N$-step prediction", fontsize="medium")
    ax_s.legend(loc="upper right", fontsize=7)

    # Middle: T per epoch.
    curve = plots.plot_curve(ax_T, [1.0], "epoch", r"training loss $T(\theta)$",
                             color=colors["model"])
    ax_T.set_xlim(0, N_EPOCHS)
    ax_T.set_ylim(*LOSS_LIMITS)
    ax_T.grid(True, which="major", alpha=0.3)
    ax_T.set_title("training, no bounds", fontsize="medium")

    # Right: the data, the exact inverse of the truth, the N-step prediction, and the
    # exact inverse of the trained θ (the prediction with the inversion run to the end).
    ax_h.plot(x_ends, (x_ends - THETA_TRUE[1]) / THETA_TRUE[0], color=colors["truth"],
              label="truth $(x + 4)/2$")
    (h_line,) = ax_h.plot([], [], color=colors["model"], label=r"$h_\theta(x)$, $N$ steps")
    (exact_line,) = ax_h.plot([], [], color=colors["path"], linestyle="--",
                              label=r"$(x - b)/a$, $N \to \infty$")
    ax_h.plot(x, y, "o", color=colors["data"], label="data")
    ax_h.text(0.03, 0.97, "data:     s = 0.5,  c = 2", transform=ax_h.transAxes, ha="left",
              va="top", fontsize=8)
    numbers = ax_h.text(0.03, 0.89, "", transform=ax_h.transAxes, ha="left", va="top",
                        fontsize=8, color=colors["model"])
    ax_h.set_xlim(*X_LIMITS)
    ax_h.set_ylim(*Y_LIMITS)
    ax_h.set_xlabel("observation $x$")
    ax_h.set_ylabel("prediction of $y$")
    ax_h.set_title("trained prediction", fontsize="medium")
    ax_h.legend(loc="lower right", fontsize=7)

    moving = [s_curve, path, start, end, roots_marker, curve, h_line, exact_line]

    def show_unstable(alpha):
        limit = min(1.0 / np.sqrt(alpha), A_LIMITS[1])
        unstable.set_x(limit)
        unstable.set_width(A_LIMITS[1] - limit)

    def update(n_steps, alpha, a0, beta):
        show_unstable(alpha)
        s_curve.set_data(a_grid, np.clip(slope(a_grid, alpha, n_steps), -FAR, FAR))
        roots = slope_roots(DATA_SLOPE, alpha, n_steps, a_max=A_LIMITS[1] + 1.0)
        stable_roots = roots[roots < 1.0 / np.sqrt(alpha)]
        roots_marker.set_data(roots, np.full(roots.size, DATA_SLOPE))
        start.set_data([a0], [np.clip(slope(a0, alpha, n_steps), -FAR, FAR)])
        try:
            fit = train_in_chunks(model, x, y, (a0, 0.0), y0, alpha, beta, n_steps, N_EPOCHS)
        except DivergenceError:
            for artist in (path, end, curve, h_line, exact_line):
                artist.set_data([], [])
            numbers.set_text("diverged")
            return _divergence_message(alpha, a0)
        a, b = fit.theta
        every = max(1, N_EPOCHS // 200)
        a_path = fit.thetas[::every, 0]
        path.set_data(np.clip(a_path, -FAR, FAR),
                      np.clip(slope(a_path, alpha, n_steps), -FAR, FAR))
        end.set_data([a], [np.clip(slope(a, alpha, n_steps), -FAR, FAR)])
        curve.set_data(np.arange(fit.losses.size), np.clip(fit.losses, *DRAWN_LOSS))
        s, c = slope(a, alpha, n_steps), offset(fit.theta, y0, alpha, n_steps)
        h_line.set_data(x_ends, np.clip(s * x_ends + c, -FAR, FAR))
        if a != 0.0:
            exact_line.set_data(x_ends, np.clip((x_ends - b) / a, -FAR, FAR))
        else:
            exact_line.set_data([], [])
        # Plain text, short: every glyph drawn costs time on each frame.
        numbers.set_text(f"trained: s = {s:.5f},  c = {c:.5f}")
        outcome = describe_end(fit, roots)
        return _outcome_message(outcome, alpha, beta, n_steps, stable_roots)

    controls = {
        "n_steps": widgets.int_slider("unrolled steps N", *STEPS_RANGE, n_steps),
        "alpha": widgets.float_slider("inner step α", *ALPHA_RANGE, 0.005, alpha),
        "a0": widgets.float_slider("start a₀", *A0_RANGE, 0.05, a0),
        "beta": widgets.float_slider("outer rate β", *BETA_RANGE, 0.0005, beta,
                                     readout_format=".4f"),
    }
    return widgets.Dashboard(figure, update, controls,
                             animated=[unstable, *moving, numbers])
