"""The notebooks as RISE slideshows: the slide metadata is what `python -m tools.slides`
writes, and, in JupyterLab with jupyterlab-rise in headless Chromium at 1280×720 (browser
zoom 100%), every slide of the presented notebooks fits the screen and a dashboard still
responds inside its slide.

The browser part needs Chromium and playwright, as tests/test_browser.py does: outside CI a
missing browser skips it with the reason; in CI it fails.
"""

import pathlib
import time

import nbformat
import pytest

from benchmarks import lab_driver
from tools import slides

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SCREEN = {"width": 1280, "height": 720}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_slide_metadata_is_what_the_tool_writes(path):
    nb = nbformat.read(path, as_version=4)
    assert not slides.apply(nb), (
        f"{path.name}: its slide metadata is stale; run `python -m tools.slides {path.relative_to(ROOT)}`")


def test_slide_rules():
    md = nbformat.v4.new_markdown_cell
    code = nbformat.v4.new_code_cell
    cells = [md("# Title\n\nAim."), md("## 1. Section"), md("Derivation:\n\n$$a = b$$"),
             md("$$b = c$$"), md("### Exercise 1"), code("answer = None"),
             md("<details><summary>Solution</summary>\n\nIt is 3.\n</details>"),
             code("\n".join(f"x{i} = {i}" for i in range(20))),
             code("assert True", metadata={"tags": ["check"]}),
             md("What does the figure show?"), code("dashboard = nb02.descent_dashboard()\ndashboard")]
    assert slides.slide_types(cells) == ["slide", "slide", "-", "fragment", "subslide", "-", "skip",
                                         "skip", "skip", "subslide", "subslide"]


STATE = """() => {
  const top = [...document.querySelectorAll('.reveal .slides > section')];
  const h = top.findIndex(s => s.classList.contains('present'));
  const subs = [...top[h].querySelectorAll(':scope > section')];
  const v = subs.findIndex(s => s.classList.contains('present'));
  const slide = v >= 0 ? subs[v] : top[h];
  let bottom = 0, right = 0, upper = 1e9;
  for (const el of slide.querySelectorAll('.jp-Cell')) {
    if (el.closest('.fragment:not(.visible)')) continue;
    const box = el.getBoundingClientRect();
    if (box.height === 0) continue;
    bottom = Math.max(bottom, box.bottom); right = Math.max(right, box.right);
    upper = Math.min(upper, box.top);
  }
  return {h, v, fragments: slide.querySelectorAll('.fragment.visible').length,
          top: upper, bottom, right, scroll: slide.scrollHeight - slide.clientHeight,
          sliders: slide.querySelectorAll('.widget-slider').length,
          text: (slide.innerText || '').trim().slice(0, 60)};
}"""


def _settled(page):
    """The current slide's state once it has stopped moving."""
    last, same = page.evaluate(STATE), 0
    for _ in range(50):
        page.wait_for_timeout(100)
        now = page.evaluate(STATE)
        same = same + 1 if now == last else 0
        if same == 2:
            return now
        last = now
    return last


def step_through(page):
    """Press Space until the show ends; return every slide state met (the first included)."""
    states = [_settled(page)]
    while True:
        page.keyboard.press("Space")
        now = _settled(page)
        key = lambda s: (s["h"], s["v"], s["fragments"])
        if key(now) == key(states[-1]):
            return states
        states.append(now)


def overflows(states):
    return [s for s in states if s["bottom"] > SCREEN["height"] + 1 or s["top"] < -1
            or s["right"] > SCREEN["width"] + 1 or s["scroll"] > 1]


def open_show(chromium, base, token, name):
    """The notebook's slideshow, as "RISE:slideshow" opens it, on a 1280×720 page."""
    show = chromium.new_page(viewport=SCREEN)
    show.goto(f"{base}/rise/{name}?activeCellIndex=0&token={token}")
    show.wait_for_selector(".reveal.ready")
    # RISE builds the sections after Reveal is ready: wait for all of them, and for fonts.
    n_sections = sum(t == "slide" for t in slides.slide_types(
        nbformat.read(ROOT / "notebooks" / name, as_version=4).cells))
    show.wait_for_function(f"document.querySelectorAll('.reveal .slides > section').length === {n_sections}")
    show.evaluate("document.fonts.ready.then(() => true)")
    show.wait_for_timeout(500)
    return show


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_every_slide_fits_the_screen(lab, path):
    """Step through every slide and fragment with the committed outputs (what nbval
    guarantees a run reproduces): nothing may reach past 1280×720 or need scrolling."""
    (base, token, _), chromium = lab
    started = time.monotonic()
    show = open_show(chromium, base, token, path.name)
    try:
        states = step_through(show)
        n_slides = len({(s["h"], s["v"]) for s in states})
        expected = sum(t in ("slide", "subslide") for t in slides.slide_types(
            nbformat.read(path, as_version=4).cells))
        assert n_slides == expected, f"{path.name}: stepped through {n_slides} slides, metadata says {expected}"
        bad = overflows(states)
        assert bad == [], f"{path.name}: {len(bad)} slides do not fit 1280×720: " + "; ".join(
            f"slide {s['h']}.{s['v']} ({s['text']!r}) bottom {s['bottom']:.0f}px" for s in bad)
        print(f"{path.name}: {n_slides} slides, {len(states)} steps, {time.monotonic() - started:.0f} s")
    finally:
        show.close()
        lab_driver.shut_down_kernels(base, token)


SHIM = "window._JUPYTERLAB['invlib-dashboard-support']"


def _figure_changes(board, act):
    """Whether the dashboard's figure looks different after `act()` (polled for 10 s)."""
    figure = board["figure"]
    before = figure.screenshot(animations="disabled")
    act()
    for _ in range(50):
        figure.page.wait_for_timeout(200)
        if figure.screenshot(animations="disabled") != before:
            return True
    return False


def test_a_dashboard_responds_inside_its_slide(lab):
    """Run notebook 02 in the lab, save, open the slideshow at the dashboard and use it as a
    presenter does: click the slider's track with the mouse, and step the number field with the
    arrow keys (on the slider itself the arrow keys change slides, as everywhere in a slideshow).

    It works because dashboard-support/ supplies the one module the slideshow lacks for
    ipywidgets 8 (the comment in its remoteEntry.js says why). The test also checks that the
    lab has the module and the slideshow still does not: when a jupyterlab-rise release
    provides it, this fails, and that part of dashboard-support/ can go."""
    (base, token, _), chromium = lab
    name = "02-prediction-as-inversion.ipynb"
    cells = nbformat.read(ROOT / "notebooks" / name, as_version=4).cells
    index = next(i for i, c in enumerate(cells) if "_dashboard(" in c.source)
    lab_page = chromium.new_page(viewport=SCREEN)
    show = None
    try:
        assert lab_driver.open_and_run(lab_page, base, token, name) == []
        assert lab_page.evaluate(f"{SHIM}.supplied") is False, "the lab itself lacks @jupyterlab/console?"
        lab_page.evaluate("window.jupyterapp.commands.execute('docmanager:save')")
        lab_page.wait_for_function("!window.jupyterapp.shell.currentWidget.context.model.dirty")
        show = chromium.new_page(viewport=SCREEN)
        show.goto(f"{base}/rise/{name}?activeCellIndex={index}&token={token}")
        show.wait_for_selector(".reveal.ready")
        assert show.evaluate(f"{SHIM}.supplied") is True, (
            "the slideshow now provides @jupyterlab/console itself: remove the stand-in from "
            "dashboard-support/ and check that this test still passes")
        show.wait_for_selector(".reveal .widget-slider", state="attached", timeout=15_000)
        # The slideshow opens at the slide before the dashboard's: go forward to it.
        here = ".reveal .slides section.present:not(:has(section))"
        for _ in range(5):
            if show.locator(f"{here} .widget-slider").count():
                break
            show.keyboard.press("Space")
            _settled(show)
        _settled(show)
        board = lab_driver.dashboards(show.locator(here))[0]
        shown = board["image"].bounding_box()
        natural = board["image"].evaluate("img => [img.naturalWidth, img.naturalHeight]")
        assert shown["width"] / shown["height"] == pytest.approx(natural[0] / natural[1], rel=0.02), (
            f"the figure is stretched in its slide: {shown} for a {natural} image")

        track = board["sliders"].nth(0).locator(".noUi-target").first
        box = track.bounding_box()
        click = lambda: show.mouse.click(box["x"] + 0.8 * box["width"], box["y"] + box["height"] / 2)
        assert _figure_changes(board, click), "clicking the slider's track did not change the figure"

        field, slide = board["fields"].nth(0), show.evaluate("location.hash")
        value = float(field.input_value())
        field.focus()
        assert _figure_changes(board, lambda: show.keyboard.press("ArrowDown")), (
            "stepping the number field did not change the figure")
        assert float(field.input_value()) < value
        assert show.evaluate("location.hash") == slide, "the arrow key in the number field changed slides"
    finally:
        if show:
            show.close()
        lab_page.close()
        lab_driver.shut_down_kernels(base, token)
