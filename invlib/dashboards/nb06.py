"""Notebook 06: Landweber's N steps and Tikhonov's γ on the 1-d blur, with sliders σ, N, γ, α.

The left panel draws the true cause y, the observation x, Landweber's g_N and Tikhonov's y_γ;
the right panel draws the error ‖g_N − y‖ against N (log scales) with the current N marked,
the discrepancy-principle N, and Tikhonov's error at the current γ as a reference line.
The SVD of K is computed once: every frame is a filtered inverse Σ φⱼ (uⱼᵀx)/√λⱼ vⱼ with the
filter factors of invlib.linear, so a move costs a few milliseconds. The noise draw ε is fixed,
so x = K y + σε changes smoothly with σ. From α = 1/λ₁ on (λ₁ the largest eigenvalue of KᵀK)
the steps do not converge: the dashboard says so and hides Landweber's curves.
"""

import numpy as np

from .. import linear, plots, widgets

#: The lesson's problem (invlib.linear.blur_problem): D cells, blur width ω, seed of ε.
N_CELLS, WIDTH, SEED = 100, 0.02, 0
#: τ of the discrepancy principle ‖x − K g_N‖ ≤ τδ.
TAU = 1.1
#: Slider ranges: σ, N, log₁₀ γ and α as a fraction of the stability limit 1/λ₁.
NOISE_RANGE, STEPS_RANGE = (0.0, 0.05), (1, 500)
LOG_GAMMA_RANGE, ALPHA_RANGE = (-6.0, 0.0), (0.05, 1.2)
#: The steps N at which the error curve is drawn (log-spaced whole numbers).
CURVE_STEPS = np.unique(np.geomspace(1, STEPS_RANGE[1], 90).round().astype(int))
#: Fixed windows: left (position ξ across, y up), right (N across, error up).
Y_LIMITS, ERROR_LIMITS = (-1.3, 1.7), (0.03, 30.0)
#: Drawn values are clipped just outside the windows, so nothing huge reaches the renderer.
Y_CLIP, ERROR_CLIP = (-3.0, 3.0), (0.01, 100.0)


def message(alpha_fraction):
    """The sentence for the learner: '' while α < 1/λ₁ (the steps converge)."""
    q = 1.0 - 2.0 * alpha_fraction
    if alpha_fraction < 1.0:
        return ""
    if np.isclose(alpha_fraction, 1.0):
        return ("α = 1/λ₁, the stability limit: 1 − 2αλ₁ = −1, so the component along v₁ "
                "flips sign at every step and never settles. Landweber is hidden; take α < 1/λ₁.")
    return (f"α = {alpha_fraction:.2f}/λ₁ is beyond the stability limit 1/λ₁: "
            f"1 − 2αλ₁ = {q:.2f}, so the component along v₁ grows by {abs(q):.2f} at every "
            "step and the iterates diverge. Landweber is hidden; take α < 1/λ₁.")


def first_stop(residual, target, largest):
    """The first N in 0 … largest with residual(N) ≤ target (residual falls with N), or None."""
    if residual(largest) > target:
        return None
    low, high = -1, largest  # residual(low) > target (N = −1 stands for "before the start")
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if residual(middle) <= target else (middle, high)
    return high


def regularisation_dashboard(noise=0.01, n_steps=12, log_gamma=-1.7, alpha_fraction=0.5):
    """Sliders σ, N, log₁₀ γ, α·λ₁; truth, x, g_N and y_γ (left); ‖g_N − y‖ against N (right)."""
    K = linear.blur_operator(N_CELLS, WIDTH)
    U, singular_values, Vt = np.linalg.svd(K)  # K = Σ √λⱼ uⱼ vⱼᵀ
    xi, y = linear.grid(N_CELLS), linear.true_cause(N_CELLS)
    epsilon = np.random.default_rng(SEED).standard_normal(N_CELLS)
    clean, noise_part = U.T @ (K @ y), U.T @ epsilon  # uⱼᵀx = uⱼᵀK y + σ uⱼᵀε
    y_coefficients = Vt @ y
    limit = 1.0 / singular_values[0] ** 2  # 1/λ₁

    figure, (ax_fit, ax_err) = plots.new_figure(2, width=3.2, height=3.3)
    ax_fit.plot(xi, y, color=plots.COLORS["truth"], linewidth=2, label="truth $y$")
    (observed,) = ax_fit.plot([], [], ".", color=plots.COLORS["data"], markersize=3,
                              label="observation $x$")
    (landweber_line,) = ax_fit.plot([], [], color=plots.COLORS["path"], linestyle="--",
                                    label="Landweber $g_N$")
    (tikhonov_line,) = ax_fit.plot([], [], color=plots.COLORS["landscape"], linestyle="-.",
                                   label=r"Tikhonov $y_\gamma$")
    ax_fit.set_xlim(0.0, 1.0)
    ax_fit.set_ylim(*Y_LIMITS)
    ax_fit.set_xlabel(r"position $\xi$")
    ax_fit.set_ylabel("value")
    ax_fit.set_title("reconstructions", fontsize=10)
    ax_fit.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=7.5)

    (curve,) = ax_err.plot([], [], color=plots.COLORS["path"], linestyle="--",
                           label=r"Landweber $\|g_N - y\|$")
    tikhonov_level = ax_err.axhline(1.0, color=plots.COLORS["landscape"], linestyle="-.",
                                    label=r"Tikhonov $\|y_\gamma - y\|$")
    stop_line = ax_err.axvline(1.0, color="black", linestyle=":", linewidth=1,
                               label=rf"discrepancy stop, $\tau = {TAU:g}$")
    (marker,) = ax_err.plot([], [], "o", color=plots.COLORS["path"], label="current $N$")
    ax_err.set_xscale("log")
    ax_err.set_yscale("log")
    ax_err.set_xlim(0.8, STEPS_RANGE[1] * 1.25)
    ax_err.set_ylim(*ERROR_LIMITS)
    ax_err.set_xlabel("steps $N$")
    ax_err.set_ylabel("error")
    ax_err.set_title("error against $N$", fontsize=10)
    ax_err.grid(True, which="major", color="0.9")
    ax_err.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=7.5)
    figure.suptitle(" ", fontsize=9)  # keeps room at the top for the moving text below
    info = figure.text(0.5, 0.985, "", ha="center", va="top", fontsize=9)

    def solution(phi, x_coefficients):  # the filtered inverse, in the coordinates vⱼᵀy
        return phi * x_coefficients / singular_values

    def update(noise, n_steps, log_gamma, alpha_fraction):
        x_coefficients = clean + noise * noise_part  # the uⱼᵀx
        x = U @ x_coefficients
        delta = noise * np.linalg.norm(epsilon)
        gamma = 10.0**log_gamma
        observed.set_data(xi, np.clip(x, *Y_CLIP))
        y_gamma = solution(linear.tikhonov_filter(singular_values, gamma), x_coefficients)
        tikhonov_line.set_data(xi, np.clip(Vt.T @ y_gamma, *Y_CLIP))
        tikhonov_error = np.linalg.norm(y_gamma - y_coefficients)
        tikhonov_level.set_ydata([np.clip(tikhonov_error, *ERROR_CLIP)] * 2)
        text = f"γ = {gamma:.3g}: ‖y_γ − y‖ = {tikhonov_error:.3f}"

        said = message(alpha_fraction)
        hidden = bool(said)
        for artist in (landweber_line, curve, marker, stop_line):
            artist.set_visible(not hidden)
        if not hidden:
            alpha = alpha_fraction * limit
            g_n = solution(linear.landweber_filter(singular_values, alpha, n_steps), x_coefficients)
            landweber_line.set_data(xi, np.clip(Vt.T @ g_n, *Y_CLIP))
            errors = [np.linalg.norm(solution(linear.landweber_filter(singular_values, alpha, n), x_coefficients)
                                     - y_coefficients) for n in CURVE_STEPS]
            curve.set_data(CURVE_STEPS, np.clip(errors, *ERROR_CLIP))
            error = np.linalg.norm(g_n - y_coefficients)
            marker.set_data([n_steps], [np.clip(error, *ERROR_CLIP)])
            # ‖r‖ = ‖x − K g_n‖ = ‖(1 − φⱼ) uⱼᵀx‖
            residual = lambda n: np.linalg.norm(
                (1.0 - linear.landweber_filter(singular_values, alpha, n)) * x_coefficients)
            stop = first_stop(residual, TAU * delta, STEPS_RANGE[1]) if delta > 0 else None
            stop_line.set_xdata([stop or 1.0] * 2)
            stop_line.set_visible(stop is not None and stop >= 1)
            text = f"N = {n_steps}: ‖g_N − y‖ = {error:.3f}    " + text
        info.set_text(text)
        return said

    controls = {
        "noise": widgets.float_slider("noise σ", *NOISE_RANGE, 0.001, noise, readout_format=".3f"),
        "n_steps": widgets.int_slider("steps N", *STEPS_RANGE, n_steps),
        "log_gamma": widgets.float_slider("log₁₀ γ", *LOG_GAMMA_RANGE, 0.1, log_gamma,
                                          readout_format=".1f"),
        "alpha_fraction": widgets.float_slider("step α·λ₁", *ALPHA_RANGE, 0.05, alpha_fraction,
                                               readout_format=".2f"),
    }
    return widgets.Dashboard(
        figure, update, controls,
        animated=[observed, landweber_line, tikhonov_line, curve, tikhonov_level, stop_line,
                  marker, info],
        description="Two panels. Left, the truth y, the observation x, Landweber's iterate g_N "
                    "and Tikhonov's solution y_γ against the position ξ. Right, the error "
                    "‖g_N − y‖ against N on log scales, with the current N marked, the "
                    "discrepancy stop, and Tikhonov's error as a level line.")
