"""Slide metadata for RISE: set every cell's slideshow.slide_type from the cell's role.

    python -m tools.slides [notebooks…]     # default: all;  --check: list, change nothing

Rules, first match wins. skip: cells tagged check/remove-cell/remove-input/skip-slide,
<details> boxes (solutions are opened in the notebook, after the class has tried), code over
15 lines that draws no figure. slide: the first cell, markdown with a #/## heading.
subslide: ### headings (an exercise with its answer cell), a figure or dashboard cell and
the markdown just above it, any cell that would overfill its slide (estimated lines).
fragment: a display-math cell after another on its slide. Else "-". Only metadata changes,
computed from sources, outputs and tags alone, so a re-run changes nothing.
"""

import base64
import math
import pathlib
import re
import struct
import sys

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]
SKIP_TAGS = {"check", "remove-cell", "remove-input", "skip-slide"}
LONG_CODE = 15          # code lines: longer cells without a figure are skipped
BUDGET = 30             # lines of slide text (at RISE's scale on 1280×720) per (sub)slide
CHARS_PER_LINE = 95     # prose characters per rendered line at that width
FIGURE_PX_PER_LINE = 24  # a figure of this many (saved) pixels takes one line of budget
# Notebook-wide RISE settings: no sliding transitions (steadier on a projector, and for
# readers who prefer reduced motion); a slide could still be scrolled, but
# tests/test_slides.py checks that none needs it.
NOTEBOOK_RISE = {"scroll": True, "transition": "none"}


def _source(cell):
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


def _png_height(cell):
    """Height in pixels of the tallest PNG the cell outputs (from its header), or 0."""
    tallest = 0
    for out in cell.get("outputs", []):
        data = out.get("data", {}).get("image/png")
        if data:
            head = base64.b64decode("".join("".join(data).split())[:32])  # signature and IHDR
            tallest = max(tallest, struct.unpack(">I", head[20:24])[0])
    return tallest


def is_figure(cell):
    """A code cell that shows a figure or a dashboard."""
    return cell.cell_type == "code" and (_png_height(cell) > 0 or "_dashboard(" in _source(cell)
                                         or "interact(" in _source(cell))


def is_skipped(cell):
    src = _source(cell).strip()
    if SKIP_TAGS & set(cell.metadata.get("tags", [])):
        return True
    if cell.cell_type == "markdown":
        return src.startswith("<details")
    if cell.cell_type == "raw":
        return True
    return src.count("\n") + 1 > LONG_CODE and not is_figure(cell)


def height(cell):
    """Estimated lines a cell takes on a slide: wrapped prose, code plus its text outputs,
    figures by their saved pixel height."""
    src = _source(cell)
    if cell.cell_type == "markdown":
        src = re.sub(r"<details>.*?</details>", "▸ details", src, flags=re.S)
        lines = 0
        for line in src.split("\n"):
            lines += max(1, math.ceil(len(line) / CHARS_PER_LINE))
        return lines + 1
    lines = src.count("\n") + 2
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            lines += "".join(out.get("text", "")).count("\n") + 1
        elif "text/plain" in out.get("data", {}) and "image/png" not in out.get("data", {}):
            lines += min("".join(out["data"]["text/plain"]).count("\n") + 1, 10)
    lines += math.ceil(_png_height(cell) / FIGURE_PX_PER_LINE)
    if "_dashboard(" in src or "interact(" in src:
        lines = max(lines, BUDGET)
    return lines


def slide_types(cells):
    """The slide_type of each cell, by the rules in the module docstring."""
    types = []
    used = BUDGET           # lines on the current (sub)slide
    math_on_slide = False   # has a display-math cell appeared on this (sub)slide?
    for i, cell in enumerate(cells):
        src = _source(cell).lstrip()
        nxt = next((c for c in cells[i + 1:] if not is_skipped(c)), None)
        if is_skipped(cell):
            types.append("skip")
            continue
        h = height(cell)
        has_math = cell.cell_type == "markdown" and "$$" in src
        if i == 0 or (cell.cell_type == "markdown" and re.search(r"^#{1,2} ", src, re.M)):
            kind = "slide"
        elif (cell.cell_type == "markdown" and src.startswith("### ")) or is_figure(cell) \
                or (cell.cell_type == "markdown" and nxt is not None and is_figure(nxt)) \
                or used + h > BUDGET:
            kind = "subslide"
        elif has_math and math_on_slide:
            kind = "fragment"
        else:
            kind = "-"
        if kind in ("slide", "subslide"):
            used, math_on_slide = 0, False
        used += h
        math_on_slide = math_on_slide or has_math
        types.append(kind)
    return types


def apply(nb):
    """Set the slide metadata of a notebook (in memory); return whether anything changed."""
    before = nbformat.writes(nb)
    for cell, kind in zip(nb.cells, slide_types(nb.cells)):
        cell.metadata["slideshow"] = {"slide_type": kind}
    nb.metadata["rise"] = dict(NOTEBOOK_RISE)
    return nbformat.writes(nb) != before


def main(argv):
    check = "--check" in argv
    paths = [pathlib.Path(p) for p in argv if p != "--check"] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    stale = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        if apply(nb):
            stale.append(path)
            if not check:
                nbformat.write(nb, path)
        kinds = [c.metadata["slideshow"]["slide_type"] for c in nb.cells]
        print(f"{path.name}: {kinds.count('slide')} slides, {kinds.count('subslide')} sub-slides,"
              f" {kinds.count('fragment')} fragments, {kinds.count('skip')} cells skipped"
              + (" (differs)" if check and path in stale else ""))
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
