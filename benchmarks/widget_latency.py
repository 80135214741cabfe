"""How fast do the dashboards respond? Run from the repository:

    python -m benchmarks.widget_latency            # kernel side and browser
    python -m benchmarks.widget_latency --kernel   # kernel side only (no browser needed)

Kernel side: for every dashboard in ``invlib.dashboards``, the time of one slider move
(the update function plus rendering the image that the widget shows), over
``--moves`` moves of each slider; median per dashboard.

Browser: JupyterLab in headless Chromium; per widget notebook, the time from a key press
on a slider to the new figure painted on screen, over ``--moves`` moves per slider.
As a baseline measured in the same run, the same question is asked of a plain
``ipywidgets.interact`` with an inline matplotlib figure (the usual way to write a widget),
and every figure is also given as a ratio to it.
"""

import argparse
import importlib
import inspect
import pkgutil
import statistics
import time

import invlib.dashboards

BASELINE_NOTEBOOK = "zz-baseline-interact.ipynb"
BASELINE_SOURCE = '''%matplotlib inline
import numpy as np
import matplotlib.pyplot as plt
import ipywidgets
import invlib

model = invlib.Line()
grid = np.linspace(-4, 8, 200)

def show(alpha=0.05, n_steps=20):
    res = invlib.invert(model, (2.0, -4.0), 0.0, -2.5, alpha, n_steps)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8.4, 3.2))
    ax1.plot(grid, invlib.inner_loss(model, (2.0, -4.0), 0.0, grid))
    ax1.plot(res.path, res.losses, "o-", color="C3")
    ax2.semilogy(res.losses)
    plt.show()

_ = ipywidgets.interact(show, alpha=ipywidgets.FloatSlider(0.05, min=0.01, max=0.2, step=0.005),
                        n_steps=ipywidgets.IntSlider(20, min=1, max=60))
'''


def dashboard_builders():
    """(module name, builder function) for every ``*_dashboard`` in invlib.dashboards."""
    found = []
    for info in pkgutil.iter_modules(invlib.dashboards.__path__):
        module = importlib.import_module(f"invlib.dashboards.{info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.endswith("_dashboard") and function.__module__ == module.__name__:
                found.append((f"{info.name}.{name}", function))
    return found


def kernel_side(moves):
    """Median seconds per slider move (update + the <img> the browser gets), per dashboard."""
    results = {}
    for label, build in dashboard_builders():
        dashboard = build()
        dashboard.render_frame()  # first frame draws the background
        times = []
        for name, control in dashboard.controls.items():
            start_value = control.value
            for k in range(moves):
                value = _neighbour(control, start_value, k % 2)
                t0 = time.perf_counter()
                dashboard.update(**{name: value})
                dashboard.figure_html()
                times.append(time.perf_counter() - t0)
            dashboard.update(**{name: start_value})
        results[label] = statistics.median(times)
    return results


def _neighbour(control, start, away):
    """The start value, or (``away``) one step further: back and forth, one step at a time."""
    if not away:
        return start
    if hasattr(control, "options"):  # a dropdown or toggle: the next option
        values = [o[1] if isinstance(o, tuple) else o for o in control.options]
        return values[(values.index(start) + 1) % len(values)]
    step = getattr(control, "step", 1) or 1
    return start + step if start + step <= control.max else start - step


def browser_side(moves):
    """Median seconds from key press to painted figure, per widget notebook, and for the
    interact baseline."""
    import json

    from benchmarks import lab_driver

    results = {}
    with lab_driver.jupyter_lab() as (base, token, folder), lab_driver.browser() as chromium:
        baseline = {"cells": [{"cell_type": "code", "metadata": {}, "execution_count": None,
                               "outputs": [], "source": BASELINE_SOURCE}],
                    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                "language": "python"}},
                    "nbformat": 4, "nbformat_minor": 5}
        (folder / "notebooks" / BASELINE_NOTEBOOK).write_text(json.dumps(baseline))
        for name in [BASELINE_NOTEBOOK, *lab_driver.widget_notebooks()]:
            page = chromium.new_page(viewport={"width": 1400, "height": 1000})
            lab_driver.open_and_run(page, base, token, name)
            boards = (lab_driver.interact_areas(page) if name == BASELINE_NOTEBOOK
                      else lab_driver.dashboards(page))
            times = []
            for board in boards:
                for i in range(board["sliders"].count()):
                    there = lab_driver.first_key(board, i)  # and back, one step at a time
                    back = "ArrowLeft" if there == "ArrowRight" else "ArrowRight"
                    for k in range(moves):
                        times.append(lab_driver.move_slider(page, board, i, there if k % 2 == 0 else back))
            results[name] = statistics.median(times)
            page.close()
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description="Dashboard latency, kernel side and browser.")
    parser.add_argument("--moves", type=int, default=10, help="moves per slider (default 10)")
    parser.add_argument("--kernel", action="store_true", help="kernel side only")
    args = parser.parse_args(argv)

    print(f"Kernel side: update + the figure's <img> per slider move, median over {args.moves} moves per slider")
    for label, seconds in kernel_side(args.moves).items():
        print(f"  {label:<40}{seconds * 1000:8.1f} ms")
    if args.kernel:
        return
    print(f"Browser: key press to painted figure, median over {args.moves} moves per slider")
    results = browser_side(args.moves)
    base = results.pop(BASELINE_NOTEBOOK)
    print(f"  {'baseline: interact + inline matplotlib':<40}{base * 1000:8.1f} ms   1.00x")
    for name, seconds in results.items():
        print(f"  {name:<40}{seconds * 1000:8.1f} ms   {seconds / base:.2f}x of baseline")


if __name__ == "__main__":
    main()
