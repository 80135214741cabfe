"""Benchmark: training with invlib against a baseline written the way the original works.

Run it from the repository with ``python -m benchmarks.training_speed`` (``--repeat K`` for more runs).
Everything is timed in the same run and reported as a ratio to the baseline, so the
figures mean the same on a slow and a fast machine.

The baseline computes ∂g_N/∂θ as the original did: a recursive function that, for every
n, calls the prediction g(n−1) again from scratch, so one derivative costs O(N²) steps.
Unlike the original it uses the same N (20) for the prediction and the gradient, so both
sides compute the same numbers (checked below).
"""

import argparse
import statistics
import time

import numpy as np
import sympy

from invlib import data, models, training


def naive_train_line(x, y, theta0, y0, alpha, beta, n_steps, n_epochs, a_min):
    """The original's training loop for the line, with its hand-derived recursions."""

    def g(n, x, a, b):
        if n == 0:
            return y0
        previous = g(n - 1, x, a, b)
        return previous - alpha * (-2.0 * (x - (a * previous + b)) * a)

    def dg_da(n, x, a, b):
        if n == 0:
            return 0.0
        previous, d_previous = g(n - 1, x, a, b), dg_da(n - 1, x, a, b)
        return d_previous - alpha * 2.0 * (-x + 2.0 * a * previous + a * a * d_previous + b)

    def dg_db(n, x, a, b):
        if n == 0:
            return 0.0
        d_previous = dg_db(n - 1, x, a, b)
        return d_previous - alpha * 2.0 * (a * a * d_previous + a)

    a, b = theta0
    for _ in range(n_epochs):
        residual = y - g(n_steps, x, a, b)
        grad_a = -2.0 * np.sum(residual * dg_da(n_steps, x, a, b))
        grad_b = -2.0 * np.sum(residual * dg_db(n_steps, x, a, b))
        a, b = max(a - beta * grad_a, a_min), b - beta * grad_b
    return np.array([a, b])


def naive_train_model(model, x, y, theta0, y0, alpha, beta, n_steps, n_epochs, a_min):
    """The same recursive scheme for any model, with the model's own loss derivatives:
    ∂g_n/∂θ_k = (1 − α L_yy(g_{n−1})) ∂g_{n−1}/∂θ_k − α L_yθk(g_{n−1})."""

    def g(n, x, theta):
        if n == 0:
            return y0
        previous = g(n - 1, x, theta)
        L_y, _, _ = model.loss_derivatives(x, previous, theta)
        return previous - alpha * L_y

    def dg(n, x, theta, k):
        if n == 0:
            return 0.0
        previous = g(n - 1, x, theta)
        _, L_yy, L_ytheta = model.loss_derivatives(x, previous, theta)
        return (1.0 - alpha * L_yy) * dg(n - 1, x, theta, k) - alpha * L_ytheta[k]

    theta = np.array(theta0, dtype=float)
    for _ in range(n_epochs):
        residual = y - g(n_steps, x, theta)
        gradient = np.array([-2.0 * np.sum(residual * dg(n_steps, x, theta, k))
                             for k in range(model.n_params)])
        theta = theta - beta * gradient
        theta[0] = max(theta[0], a_min)
    return theta


def timed(function, repeat):
    """Median wall time of ``repeat`` calls, and the last result."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def run(repeat=3, baseline_epochs=None):
    """Time both sides on the original's setup and return a dict of figures."""
    p = data.original_problem()
    epochs = p.n_epochs
    baseline_epochs = baseline_epochs or epochs
    scale = epochs / baseline_epochs  # the baseline may run fewer epochs; scaled linearly
    a, b, y_sym = sympy.symbols("a b y")
    tanh = models.SympyModel(a * sympy.tanh(y_sym) + b, latent="y", params=("a", "b"))
    line = models.Line()
    common = (p.x, p.y, (p.a0, 0.0), p.y0_training, p.alpha, p.beta, p.n_steps)

    def ours(model, n_epochs):
        return training.train(model, *common, n_epochs, bounds=p.bounds).theta

    ours(line, 10)  # warm up caches outside the timing
    figures = {}
    t_base, base = timed(lambda: naive_train_line(*common, baseline_epochs, 0.5), 1)
    t_ours, mine = timed(lambda: ours(line, epochs), repeat)
    check = training.train(line, *common, baseline_epochs, bounds=p.bounds).theta
    assert np.allclose(base, check, rtol=1e-9), (base, check)
    figures["line"] = (t_base * scale, t_ours)
    t_base, base = timed(lambda: naive_train_model(tanh, *common, baseline_epochs, 0.5), 1)
    t_ours, _ = timed(lambda: ours(tanh, epochs), repeat)
    check = training.train(tanh, *common, baseline_epochs, bounds=p.bounds).theta
    assert np.allclose(base, check, rtol=1e-9), (base, check)
    figures["sympy a*tanh(y)+b"] = (t_base * scale, t_ours)
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of invlib (median)")
    parser.add_argument("--baseline-epochs", type=int, default=None,
                        help="epochs for the slow baseline (scaled to 2,500); default 2,500")
    args = parser.parse_args(argv)
    print("Training on the original's setup: 5 points, N = 20, 2,500 epochs.")
    print(f"{'model':<22}{'baseline (s)':>14}{'invlib (s)':>12}{'speed-up':>10}")
    for name, (t_base, t_ours) in run(args.repeat, args.baseline_epochs).items():
        print(f"{name:<22}{t_base:>14.3f}{t_ours:>12.4f}{t_base / t_ours:>9.0f}x")


if __name__ == "__main__":
    main()
