"""Build the series' website (Sphinx, from the committed outputs) and a PDF of the whole series.

`python -m tools.site` writes the site to build/site/html (open its index.html);
`python -m tools.site --pdf` also writes build/site/series.pdf, printed by Chromium from
Sphinx's single-page build. Nothing is executed: the notebooks' committed outputs are the
pages. The sources are copied to build/site/src, with one generated page per
invlib module, so the build never writes into the repository. Settings: docs/conf.py.
"""

import argparse
import contextlib
import functools
import html
import http.server
import importlib.util
import os
import pathlib
import pkgutil
import re
import shutil
import subprocess
import sys
import threading

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]
OUT = ROOT / "build" / "site"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def mathjax_es5():
    """The folder of MathJax 3's browser files that the django-static-mathjax package ships."""
    spec = importlib.util.find_spec("mathjax")
    if spec is None or spec.origin is None:
        raise RuntimeError("MathJax is missing: pip install -r requirements-test.txt")
    es5 = pathlib.Path(spec.origin).parent / "static" / "mathjax" / "es5"
    if not (es5 / "tex-mml-chtml.js").is_file():
        raise RuntimeError(f"no tex-mml-chtml.js in {es5}")
    return es5


def invlib_modules():
    """Every module of invlib, by dotted name, the package first."""
    import invlib
    names = ["invlib"]
    for info in pkgutil.walk_packages(invlib.__path__, "invlib."):
        names.append(info.name)
    return sorted(names)


SUMMARY = re.compile(r"<summary>(.*?)</summary>", re.DOTALL)
INLINE_MATH = re.compile(r"\$([^$\n]+?)\$")


def _summary_maths(match):
    inner = INLINE_MATH.sub(lambda m: '<span class="math notranslate nohighlight">\\('
                            + html.escape(m.group(1), quote=False) + '\\)</span>', match.group(1))
    return f"<summary>{inner}</summary>"


def read_notebook(text):
    """A notebook as the site shows it: live widget outputs (no state is stored) dropped,
    and the maths in a <details> block's <summary> (raw HTML, which MyST leaves as it is)
    marked up for MathJax as MyST marks up $…$ elsewhere.

    The cell before each live dashboard shows its static figure; the widget's own output
    would be an empty placeholder (and its text/plain a repr), so the whole output goes.
    """
    nb = nbformat.reads(text, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [out for out in cell.get("outputs", [])
                            if WIDGET_VIEW not in out.get("data", {})]
        elif cell.cell_type == "markdown":
            cell.source = SUMMARY.sub(_summary_maths, cell.source)
    return nb


def _copy(target, source):
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def stage(src):
    """Lay out the site's sources in `src`: copies of notebooks/ and docs/, module pages."""
    if src.exists():
        shutil.rmtree(src)
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        _copy(src / "notebooks" / path.name, path)
    for path in sorted((ROOT / "docs").glob("*.md")):
        _copy(src / "docs" / path.name, path)
    (src / "_mathjax" / "mathjax").mkdir(parents=True)
    (src / "_mathjax" / "mathjax" / "es5").symlink_to(mathjax_es5())
    api = src / "docs" / "api"
    api.mkdir(parents=True)
    names = invlib_modules()
    for name in names:
        (api / f"{name}.md").write_text(
            f"# `{name}`\n\n```{{eval-rst}}\n.. automodule:: {name}\n   :members:\n"
            f"   :undoc-members:\n```\n")
    toc = "\n".join(names)
    (api / "index.md").write_text(
        "# The library, module by module\n\n"
        "Each page lists a module's functions and classes with their one-line docstrings "
        "(the formula each computes, in the notebooks' symbols).\n\n"
        f"```{{toctree}}\n:maxdepth: 1\n\n{toc}\n```\n")
    return src


def build(out=OUT, builder="html", quiet=True):
    """Run Sphinx on the staged sources; returns the folder of the built pages."""
    out = pathlib.Path(out)
    src = stage(out / "src")
    html = out / builder
    cmd = [sys.executable, "-m", "sphinx", "-b", builder, "-c", str(ROOT / "docs"),
           "-d", str(out / "doctrees"), "--fail-on-warning", "--keep-going",
           str(src), str(html)]
    if quiet:
        cmd.insert(3, "-q")
    subprocess.run(cmd, check=True, cwd=ROOT)
    # The root of the site opens the home page, which lives at docs/index.html.
    (html / "index.html").write_text(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<title>Inverse problems, one idea at a time</title>'
        '<meta http-equiv="refresh" content="0; url=docs/index.html"></head>'
        '<body><p><a href="docs/index.html">The series\' home page</a></p></body></html>\n')
    return html


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(folder):
    """Serve `folder` over http on 127.0.0.1; yields the base address."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def wait_for_mathjax(page):
    """Wait until MathJax (on a page that loads it) has typeset every formula."""
    page.evaluate("() => window.MathJax && MathJax.startup ? MathJax.startup.promise.then(() => true) : true")


def pdf(out=OUT, browser=None):
    """Print Sphinx's single-page build of the series to out/series.pdf with Chromium
    (a Playwright browser if given, else Debian's Chromium started here)."""
    single = build(out, builder="singlehtml")
    target = pathlib.Path(out) / "series.pdf"
    if browser is None:
        from playwright.sync_api import sync_playwright

        from benchmarks.lab_driver import CHROMIUM_ARGS
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                return _print(chromium, single, target)
            finally:
                chromium.close()
    return _print(browser, single, target)


def _print(browser, single, target):
    with serve(single) as base:
        page = browser.new_page()
        try:
            page.set_default_timeout(300_000)
            page.goto(f"{base}/docs/index.html", wait_until="load")
            wait_for_mathjax(page)
            # Solutions print open, so the PDF holds them (at the end of each exercise).
            page.evaluate("document.querySelectorAll('article details').forEach(d => d.open = true)")
            page.pdf(path=str(target), format="A4", print_background=True,
                     margin={"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"})
        finally:
            page.close()
    return target


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=OUT,
                        help="output folder (default: build/site)")
    parser.add_argument("--pdf", action="store_true",
                        help="also print the whole series to OUT/series.pdf (needs Chromium)")
    args = parser.parse_args(argv)
    html = build(args.out, quiet=False)
    print(f"website: {html / 'index.html'}")
    if args.pdf:
        print(f"pdf: {pdf(args.out)}")


if __name__ == "__main__":
    main()
