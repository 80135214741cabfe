"""What a learner sees in the committed notebooks: the lesson, not its scaffolding.

At most five `assert` lines in view per notebook (forty in the series), every other guard in
tests/ or in a collapsed check cell; no test-tool comment in view; every figure with alt text
in its output's metadata; every exercise ships unanswered.
"""

import json
import pathlib
import re

import pytest

NOTEBOOKS = sorted((pathlib.Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def cells(path):
    return json.loads(path.read_text())["cells"]


def hidden(cell):
    metadata = cell.get("metadata", {})
    return bool(metadata.get("jupyter", {}).get("source_hidden")) or "remove-cell" in metadata.get("tags", [])


def visible_asserts(path):
    return sum(line.strip().startswith("assert") for c in cells(path)
               if c["cell_type"] == "code" and not hidden(c) for line in "".join(c["source"]).splitlines())


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_at_most_five_asserts_in_view(path):
    assert visible_asserts(path) <= 5


def test_at_most_forty_asserts_in_view_in_the_series():
    assert sum(visible_asserts(p) for p in NOTEBOOKS) <= 40


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_check_cells_are_collapsed_and_tagged(path):
    for cell in cells(path):
        tags = cell.get("metadata", {}).get("tags", [])
        if "check" in tags:
            assert hidden(cell) and cell["metadata"]["jupyter"].get("source_hidden"), cell["source"][:2]
            assert "remove-cell" in tags
        if cell["cell_type"] == "code":
            assert not re.search(r"#\s*NBVAL", "".join(cell["source"])), "use the nbval cell tags"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_every_figure_has_alt_text(path):
    figures = [o for c in cells(path) if c["cell_type"] == "code" for o in c.get("outputs", [])
               if "image/png" in o.get("data", {})]
    for output in figures:
        alt = (output.get("metadata", {}).get("image/png") or {}).get("alt", "")
        assert len(alt.split()) >= 4 and not re.fullmatch(r"\S+\.(png|jpe?g|svg)", alt), alt
        assert 'alt="' in "".join(output["data"].get("text/html", "")), "the HTML <img> needs the alt text too"
