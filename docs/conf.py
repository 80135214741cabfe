"""Sphinx settings for the series' website. Build it with `python -m tools.site` (README).

The notebooks' committed outputs are the pages (nothing is executed); MathJax is served
from the site itself (the django-static-mathjax package), so it works offline.
"""

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

project = "Inverse problems, one idea at a time"
author = "The invlib series' authors"
copyright = "the invlib series' authors, MIT licence"
language = "en"
# Text as written: an apostrophe or a prime (f'(y)) is not turned into a curly quote.
smartquotes = False

extensions = ["myst_nb", "sphinx.ext.autodoc"]
root_doc = "docs/index"
exclude_patterns = ["**/.ipynb_checkpoints", "_mathjax"]

# The committed outputs are shown as they are.
nb_execution_mode = "off"
# Live dashboards drop their output (no widget state is stored; the cell before shows the
# static figure): tools.site.read_notebook removes it.
nb_custom_formats = {".ipynb": ["tools.site.read_notebook", {}, False]}
# A figure shown with invlib.plots.show has image/png (alt text in its metadata, which
# MyST-NB does not read: it would write the file name as alt) and the same image as
# text/html, an <img> with that alt text: the site shows the text/html (MyST-NB's default).
nb_mime_priority_overrides = [("*", "application/vnd.jupyter.widget-view+json", None)]
myst_enable_extensions = ["dollarmath", "amsmath"]
# $$…$$ inside a paragraph (as JupyterLab allows) is display maths too.
myst_dmath_double_inline = True
myst_heading_anchors = 3
suppress_warnings = ["mystnb.unknown_mime_type"]

autodoc_member_order = "bysource"
autodoc_typehints = "none"

# MathJax 3 from the site's own _static folder: no network needed to read the maths.
mathjax_path = "mathjax/es5/tex-mml-chtml.js"

html_theme = "sphinx_book_theme"
html_static_path = ["_static"]
html_js_files = ["a11y.js"]
html_title = project
html_theme_options = {
    "pygments_light_style": "a11y-high-contrast-light",
    "pygments_dark_style": "a11y-high-contrast-dark",
    "show_toc_level": 2,
}
html_last_updated_fmt = None


def plain_docstring(app, what, name, obj, options, lines):
    """invlib's docstrings are plain Unicode, not reST: escape what reST would read as markup."""
    for i, line in enumerate(lines):
        for char in "\\*`|_[":
            line = line.replace(char, "\\" + char)
        lines[i] = line


def setup(app):
    app.connect("autodoc-process-docstring", plain_docstring)
    # tools.site stages MathJax (as a link) in the sources' _mathjax folder.
    app.connect("builder-inited",
                lambda app: app.config.html_static_path.append(str(pathlib.Path(app.srcdir) / "_mathjax")))
