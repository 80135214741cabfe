"""How long does the series take under nbval? Run from the repository:

    python -m benchmarks.notebook_times          # as the test command runs it (all cores)
    python -m benchmarks.notebook_times -n 0     # in one process
    python -m benchmarks.notebook_times notebooks/04-*.ipynb   # some notebooks only

Runs ``pytest`` on every notebook, the way the README's test command does, plus a
baseline notebook measured in the same run: one cell that imports numpy, matplotlib and
invlib, i.e. what every notebook pays before it teaches anything (a kernel start and the
imports). Prints, per notebook, the seconds nbval spent on it (setup and all its cells)
and that time as a multiple of the baseline, then the wall time of the whole run.
"""

import argparse
import collections
import json
import pathlib
import re
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
BASELINE_SOURCE = "%matplotlib inline\nimport numpy as np\n\nimport invlib\nfrom invlib import plots"
DURATION = re.compile(r"^([\d.]+)s (?:setup|call|teardown)\s+(\S*)::Cell \d+$")
BASELINE = "baseline (kernel start + imports)"


def baseline_notebook(folder):
    """A one-cell notebook (not executed, so nbval compares nothing) in ``folder``."""
    path = pathlib.Path(folder) / "baseline-imports-only.ipynb"
    cell = {"id": "baseline", "cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
            "source": BASELINE_SOURCE}
    notebook = {"cells": [cell], "nbformat": 4, "nbformat_minor": 5,
                "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                            "language": "python"}}}
    path.write_text(json.dumps(notebook))
    return path


def run(workers, paths=("notebooks",)):
    """Seconds per notebook (by file name) and the wall time of the pytest run."""
    with tempfile.TemporaryDirectory() as folder:
        baseline = baseline_notebook(folder)
        command = [sys.executable, "-m", "pytest", "-c", "pyproject.toml", "--rootdir", ".",
                   "-q", "--durations=0", "--durations-min=0", "-n", workers,
                   *paths, str(baseline)]
        start = time.perf_counter()
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"pytest failed:\n{result.stdout[-3000:]}\n{result.stderr[-2000:]}")
    seconds = collections.defaultdict(float)
    for line in result.stdout.splitlines():
        match = DURATION.match(line)
        if match:
            # pytest names the baseline, which lies outside the repository, "::Cell 0"
            name = pathlib.Path(match.group(2)).name if match.group(2) else BASELINE
            seconds[name] += float(match.group(1))
    return dict(seconds), wall


def main(argv=None):
    parser = argparse.ArgumentParser(description="Time every notebook under nbval.")
    parser.add_argument("-n", "--workers", default="auto",
                        help="pytest-xdist workers, as in pytest -n (default auto; 0 = one process)")
    parser.add_argument("paths", nargs="*", default=["notebooks"],
                        help="notebooks or folders, relative to the repository (default notebooks)")
    args = parser.parse_args(argv)
    seconds, wall = run(args.workers, args.paths)
    base = seconds.pop(BASELINE)
    print(f"{BASELINE}: {base:.1f} s\n")
    print(f"{'notebook':45s} {'seconds':>8s} {'× baseline':>11s}")
    for name in sorted(seconds):
        print(f"{name:45s} {seconds[name]:8.1f} {seconds[name] / base:10.1f}×")
    total = sum(seconds.values())
    print(f"{'all notebooks, one after another':45s} {total:8.1f} {total / base:10.1f}×")
    print(f"\nwall time of the run (-n {args.workers}, baseline included): {wall:.1f} s")


if __name__ == "__main__":
    main()
