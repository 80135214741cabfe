"""Restart and run all: execute notebooks in place, each in a fresh kernel.

    python tools/run_notebooks.py                 # every notebook
    python tools/run_notebooks.py notebooks/02*   # some

Neither widget state (random model ids and images) nor cell timings are stored in the
file, so that re-running a notebook changes only what its outputs really change; the static figure above each dashboard is what a reader without a
kernel sees.
"""

import os
import pathlib
import sys

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[1]
# The same single BLAS thread as the tests (conftest.py), so outputs match nbval's runs.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def run(path):
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)  # timings: they would change on every run
    client = NotebookClient(nb, timeout=600, kernel_name="python3", store_widget_state=False,
                            record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)


def main(argv):
    paths = [pathlib.Path(p) for p in argv] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in paths:
        print(f"running {path.name}", flush=True)
        run(path)


if __name__ == "__main__":
    main(sys.argv[1:])
