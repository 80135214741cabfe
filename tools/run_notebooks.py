"""Restart and run all: execute notebooks in place, each in a fresh kernel.

    python tools/run_notebooks.py                 # every notebook
    python tools/run_notebooks.py notebooks/02*   # some

Widget state is not stored in the file (it holds random model ids and a PNG that would
change on every run); the static figure above each dashboard is what a reader without a
kernel sees.
"""

import pathlib
import sys

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[1]


def run(path):
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("widgets", None)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", store_widget_state=False,
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
