"""Every dashboard, in JupyterLab, in a real browser: run all cells, move every slider,
and check that the figure changed, the slider's number field (its name for a screen reader)
followed, and no error appeared.

Needs Debian's Chromium (/usr/bin/chromium) and the playwright package; `.ci/run`
installs both. Outside CI a missing browser skips these tests with the reason; in CI
(CI=true) it fails them, so they can never be skipped silently there.
"""

import pathlib
import tempfile

import pytest

from benchmarks import lab_driver

NOTEBOOKS = lab_driver.widget_notebooks()
SCREENSHOTS = pathlib.Path(tempfile.gettempdir()) / "invlib-browser-screenshots"


def test_there_are_dashboards_to_test():
    assert len(NOTEBOOKS) >= 3, NOTEBOOKS


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_dashboard_responds_in_the_browser(lab, name):
    (base, token, _), chromium = lab
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    try:
        errors = lab_driver.open_and_run(page, base, token, name)
        assert errors == [], f"{name}: cells reported errors: {errors}"
        boards = lab_driver.dashboards(page)
        assert boards, f"{name}: no dashboard was rendered"
        for board in boards:
            sliders, fields = board["sliders"], board["fields"]
            assert sliders.count() >= 1
            assert fields.count() == sliders.count(), f"{name}: a slider without its number field"
            for i in range(sliders.count()):
                handle = sliders.nth(i).locator(".noUi-handle").first
                at_max = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
                label = sliders.nth(i).locator(".widget-label").inner_text().strip()
                field = board["box"].get_by_role("spinbutton", name=label, exact=True)
                assert field.count() == 1, f"{name}: no number field a screen reader names {label!r}"
                shown = field.input_value()
                before = board["image"].screenshot()
                lab_driver.move_slider(page, board, i, "ArrowLeft" if at_max else "ArrowRight")
                after = board["image"].screenshot()
                assert before != after, f"{name}: slider {i} did not change the figure"
                assert field.input_value() != shown, f"{name}: the field {label!r} did not follow its slider"
        assert lab_driver.cell_errors(page) == [], f"{name}: errors after moving sliders"
        names = lab_driver.figure_names(page)
        assert names and all(names), f"{name}: a figure without an accessible name: {names}"
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    finally:
        page.close()
        lab_driver.shut_down_kernels(base, token)


STATIC = [p.name for p in sorted(lab_driver.ROOT.joinpath("notebooks").glob("[0-9][0-9]-*.ipynb"))
          if p.name not in NOTEBOOKS]


@pytest.mark.parametrize("name", STATIC)
def test_every_figure_has_an_accessible_name(lab, name):
    """In the running notebook every figure is an <img> with alt text (plots.show's HTML output),
    which a screen reader announces; JupyterLab's own PNG renderer would give it none."""
    (base, token, _), chromium = lab
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    try:
        assert lab_driver.open_and_run(page, base, token, name) == []
        names = lab_driver.figure_names(page)
        assert names and all(len(n.split()) >= 4 for n in names), f"{name}: {names}"
    finally:
        page.close()
        lab_driver.shut_down_kernels(base, token)

