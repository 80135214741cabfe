"""The series' website (`python -m tools.site`) and its PDF (`python -m tools.site --pdf`).

The site is built once, into a temporary folder, from the committed outputs. The HTML is
checked as files (a page per notebook, per invlib module and per guide; hidden check cells
and live widget outputs absent; every image with real alt text; every internal link
resolving), then in Chromium, served from 127.0.0.1 with MathJax from the site itself:
the maths is typeset, and axe-core finds no serious or critical accessibility violation on
any page.

The browser parts need Debian's Chromium (/usr/bin/chromium): without it they are
skipped with the reason, except in CI (CI=true), where they fail.
"""

import html.parser
import json
import os
import pathlib
import posixpath
import re
import time
import urllib.parse

import pytest

from benchmarks.lab_driver import CHROMIUM, CHROMIUM_ARGS
from tools import site

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
IMAGE_FILE = re.compile(r"\.(png|jpe?g|gif|svg|webp)$|^\.\.?/|^_images/|^data:", re.IGNORECASE)
def notebook(path):
    return json.loads(path.read_text())


def page_of(path):
    return f"notebooks/{path.stem}.html"


class Page(html.parser.HTMLParser):
    """The parts of an HTML page the tests look at: images, links, ids, classes."""

    def __init__(self, text):
        super().__init__()
        self.images, self.links, self.ids, self.elements = [], [], set(), []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "img":
            self.images.append(attrs)
        for key in ("href", "src"):
            if attrs.get(key) is not None and tag in ("a", "img", "link", "script"):
                self.links.append(attrs[key])

    def with_class(self, name):
        return [(tag, attrs) for tag, attrs in self.elements
                if name in (attrs.get("class") or "").split()]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    start = time.perf_counter()
    html = site.build(out)
    print(f"\nwebsite built in {time.perf_counter() - start:.1f} s")
    return html


@pytest.fixture(scope="module")
def pages(built):
    return {path.relative_to(built).as_posix(): path.read_text(encoding="utf-8")
            for path in built.rglob("*.html") if "_static" not in path.parts}


def test_every_notebook_guide_and_module_has_a_page(built):
    assert len(NOTEBOOKS) >= 12
    for path in NOTEBOOKS:
        assert (built / page_of(path)).is_file(), f"no page for {path.name}"
    for name in ("docs/index.html", "docs/teaching.html", "docs/notation.html", "index.html"):
        assert (built / name).is_file(), f"no {name}"
    modules = site.invlib_modules()
    assert {"invlib", "invlib.linear", "invlib.plots", "invlib.selfcheck.nb06"} <= set(modules)
    for name in modules:
        text = (built / "docs" / "api" / f"{name}.html").read_text()
        assert f'id="module-{name}"' in text, f"{name}'s page documents no module"


def test_module_pages_show_the_docstrings(pages):
    import invlib.linear
    text = pages["docs/api/invlib.linear.html"]
    for name in ("tikhonov", "landweber"):
        function = getattr(invlib.linear, name)
        first = html.escape(function.__doc__.strip().splitlines()[0], quote=False)
        assert first in text, f"invlib.linear.{name}'s docstring is not on its page"


def article(text):
    """The page's own content, without the navigation around it."""
    assert '<article class="bd-article">' in text
    return text.split('<article class="bd-article">', 1)[1].split("</article>", 1)[0]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem[:2])
def test_check_cells_and_live_widgets_are_not_shown(pages, path):
    """Cells tagged remove-cell are gone, every other code cell is there, and the live
    dashboards show no output (the cell before shows the static figure)."""
    cells = [c for c in notebook(path)["cells"]
             if c["cell_type"] == "code" and "remove-cell" not in c["metadata"].get("tags", [])]
    text = article(pages[page_of(path)])
    assert "tag_remove-cell" not in text and "tag_check" not in text, path.name
    assert WIDGET_VIEW not in text and "widget-view" not in text, path.name
    shown = re.split(r'<div class="cell[ "](?!_)', text)[1:]
    assert len(shown) == len(cells), f"{path.name}: {len(shown)} cells shown of {len(cells)}"
    for cell, html_cell in zip(cells, shown):
        live = any(WIDGET_VIEW in o.get("data", {}) for o in cell.get("outputs", []))
        has_output = '<div class="cell_output' in html_cell
        if live:
            assert not has_output, f"{path.name}: a live widget cell shows its output"
        elif cell.get("outputs"):
            assert has_output, f"{path.name}: a cell's output is missing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem[:2])
def test_every_image_has_real_alt_text(pages, path):
    """Each figure's alt text (the output's image/png metadata) is on the page, and no
    image has an empty alt or a file name for one."""
    images = Page(pages[page_of(path)]).images
    figures = [o for c in notebook(path)["cells"] if c["cell_type"] == "code"
               and "remove-cell" not in c["metadata"].get("tags", [])
               for o in c.get("outputs", []) if "image/png" in o.get("data", {})
               and WIDGET_VIEW not in o.get("data", {})]
    assert len(images) == len(figures), f"{path.name}: {len(images)} images for {len(figures)} figures"
    for image in images:
        alt = (image.get("alt") or "").strip()
        assert alt, f"{path.name}: an image without alt text"
        assert not IMAGE_FILE.search(alt), f"{path.name}: alt text is a file name: {alt!r}"
    alts = [image.get("alt") for image in images]
    for output in figures:
        wanted = output.get("metadata", {}).get("image/png", {}).get("alt")
        assert wanted, f"{path.name}: a figure output carries no alt text (show it with invlib.plots.show)"
        assert wanted in alts, f"{path.name}: {wanted!r} is not on the page"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem[:2])
def test_solutions_are_collapsed(pages, path):
    source = "".join("".join(c["source"]) for c in notebook(path)["cells"] if c["cell_type"] == "markdown")
    found = re.findall(r"<details\b[^>]*>", article(pages[page_of(path)]))
    assert len(found) == source.count("<details"), path.name
    assert not any(re.search(r"\bopen\b", tag) for tag in found), f"{path.name}: a solution shows open"


def test_internal_links_resolve(built, pages):
    """Every relative link and image of every page points at a file that exists, and an
    anchor at an id on that page."""
    broken = []
    ids = {}
    for name, text in pages.items():
        for link in Page(text).links:
            parts = urllib.parse.urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "javascript:")):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), parts.path)) if parts.path else name
            path = built / urllib.parse.unquote(target)
            if path.is_dir():
                path = path / "index.html"
            if not path.is_file():
                broken.append(f"{name}: {link}")
                continue
            if parts.fragment and path.suffix == ".html":
                key = path.relative_to(built).as_posix()
                if key not in ids:
                    ids[key] = Page(path.read_text(encoding="utf-8")).ids
                if urllib.parse.unquote(parts.fragment) not in ids[key]:
                    broken.append(f"{name}: {link} (no such anchor)")
    assert not broken, "\n".join(broken[:30])
    assert len(pages) >= len(NOTEBOOKS) + 4


# In the browser ---------------------------------------------------------------------------

def missing_browser():
    if not os.path.exists(CHROMIUM):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def browser_page(built):
    reason = missing_browser()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"website browser tests cannot run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright
    with site.serve(built) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        outside = []
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((base, "data:")) else None)
        try:
            yield base, page, outside, browser
        finally:
            browser.close()


def visit(browser_page, name):
    base, page, outside, _ = browser_page
    page.goto(f"{base}/{name}", wait_until="load")
    site.wait_for_mathjax(page)
    return page


# The page's text outside code, formulas and hidden elements: where raw TeX would show.
VISIBLE_PROSE = """() => {
  const main = document.querySelector('main').cloneNode(true);
  main.querySelectorAll('pre, code, mjx-container, script, style, .cell_output').forEach(e => e.remove());
  return main.textContent;
}"""


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem[:2])
def test_maths_is_typeset_by_the_local_mathjax(browser_page, pages, path):
    name = page_of(path)
    page = visit(browser_page, name)
    formulas = pages[name].count('class="math notranslate nohighlight"')
    assert formulas >= 1, f"{name}: no formulas on the page"
    typeset = page.locator("mjx-container").count()
    assert typeset >= formulas, f"{name}: {typeset} typeset of {formulas} formulas"
    prose = page.evaluate(VISIBLE_PROSE)
    for raw in ("$", "\\(", "\\)", "\\[", "\\frac", "\\alpha"):
        assert raw not in prose, f"{name}: raw TeX {raw!r} left in the text"
    assert page.evaluate("() => !!window.MathJax && MathJax.version.startsWith('3')")
    assert browser_page[2] == [], f"requests left the machine: {browser_page[2][:5]}"


def test_no_serious_accessibility_violations_on_any_page(browser_page, pages):
    """axe-core on every page of the site: the notebooks, the guides and each module's page."""
    from axe_playwright_python.sync_playwright import Axe
    axe, bad, scanned = Axe(), [], 0
    for name in sorted(pages):
        if 'http-equiv="refresh"' in pages[name]:
            continue  # the redirect to the home page
        results = axe.run(visit(browser_page, name))
        assert results.response["passes"], f"{name}: axe ran no checks"
        scanned += 1
        bad += [f"{name}: {v['impact']} {v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
                for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    print(f"\naxe scanned {scanned} pages")
    assert scanned >= len(NOTEBOOKS) + 3
    assert not bad, "\n".join(bad)


def test_the_pdf_of_the_series(browser_page, tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf")
    start = time.perf_counter()
    path = site.pdf(out, browser=browser_page[3])
    print(f"\nPDF built in {time.perf_counter() - start:.1f} s")
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    # Every notebook is several pages long: far more pages than notebooks.
    assert pages >= 3 * len(NOTEBOOKS), f"only {pages} pages"
