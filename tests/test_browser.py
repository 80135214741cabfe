"""Every dashboard, in JupyterLab, in a real browser: run all cells, move every slider,
and check that the figure changed, its alt text told the new setting, the slider's number
field followed, and no error appeared; a screen reader finds each slider and each number
field by the slider's name (the handle's name comes from dashboard-support/).

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
                key = lab_driver.first_key(board, i)
                label = sliders.nth(i).locator(".widget-label").inner_text().strip()
                field = board["box"].get_by_role("spinbutton", name=label, exact=True)
                assert field.count() == 1, f"{name}: no number field a screen reader names {label!r}"
                slider = board["box"].get_by_role("slider", name=label, exact=True)
                assert slider.count() == 1, f"{name}: no slider a screen reader names {label!r}"
                shown = field.input_value()
                before, alt = board["figure"].screenshot(), board["image"].get_attribute("alt")
                assert f"{label} = " in alt, f"{name}: the figure's alt text lacks {label!r}: {alt!r}"
                lab_driver.move_slider(page, board, i, key)
                after = board["figure"].screenshot()
                assert before != after, f"{name}: slider {i} did not change the figure"
                assert board["image"].get_attribute("alt") != alt, f"{name}: the alt text kept the old {label!r}"
                assert field.input_value() != shown, f"{name}: the field {label!r} did not follow its slider"
        assert lab_driver.cell_errors(page) == [], f"{name}: errors after moving sliders"
        names = lab_driver.figure_names(page)
        assert names and all(names), f"{name}: a figure without an accessible name: {names}"
        assert_axe_finds_nothing_serious(page, name)
        # At 1024 px with the file browser open the figure shrinks to fit: nothing cut off.
        page.set_viewport_size({"width": 1024, "height": 800})
        page.evaluate("window.jupyterapp.commands.execute('filebrowser:activate')")
        page.wait_for_timeout(500)
        for board in boards:
            image, figure = board["image"].bounding_box(), board["figure"].bounding_box()
            assert image["width"] <= figure["width"] + 1, f"{name}: the figure is cut off at 1024 px"
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    finally:
        page.close()
        lab_driver.shut_down_kernels(base, token)


def assert_axe_finds_nothing_serious(page, name):
    """axe-core (WCAG 2 A and AA rules and best practices) on the dashboards themselves:
    sliders and fields named, the figure's alt text, the contrast of labels and messages."""
    from axe_playwright_python.sync_playwright import Axe

    response = Axe().run(page, context=".dashboard", options={"resultTypes": ["violations"]}).response
    assert response["passes"], f"{name}: axe checked nothing in the dashboard"
    bad = [f"{v['impact']} {v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
           for v in response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, f"{name}: " + "; ".join(bad)


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

