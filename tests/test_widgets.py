"""What every dashboard promises about a slider move, checked by counting, not by timing.

A move must not redraw the whole figure: the axes, ticks and labels are drawn once into a
cached background, and a frame pastes it and draws only the artists that move. A full
redraw costs 5–20 times more, which the learner feels as lag; ``benchmarks/`` measures
the times themselves.
"""

import pytest

from benchmarks.widget_latency import dashboard_builders

BUILDERS = dict(dashboard_builders())  # every *_dashboard in invlib.dashboards


def test_every_widget_notebook_has_its_dashboard_here():
    assert len(BUILDERS) >= 9, sorted(BUILDERS)


@pytest.mark.parametrize("name", BUILDERS)
def test_a_slider_move_does_not_redraw_the_whole_figure(name, monkeypatch):
    board = BUILDERS[name]()
    assert board.animated, f"{name}: no animated artists, so every frame is a full redraw"
    first = board.render_frame()  # draws the background once
    full_draws = []
    monkeypatch.setattr(board.canvas, "draw", lambda *a, **k: full_draws.append(1))
    frames = []
    for values in board.random_settings(6, seed=3):
        board.update(**values)
        frames.append(board.render_frame())
    assert full_draws == [], f"{name}: {len(full_draws)} full redraws in 6 slider moves"
    assert any(frame != first for frame in frames), f"{name}: no move changed the picture"


@pytest.mark.parametrize("name", BUILDERS)
def test_every_slider_has_a_named_number_field_that_follows_it(name):
    """The field is a second control a screen reader names (the handle is named by
    dashboard-support/ in the browser): it carries the slider's name, shows its value rounded
    to the step, and a value typed into it moves the slider and redraws the figure once."""
    import ipywidgets

    board = BUILDERS[name]()
    rows = board.widget().children[:-2]
    sliders = [c for c in board.controls.values()
               if isinstance(c, (ipywidgets.IntSlider, ipywidgets.FloatSlider))]
    pairs = [row.children for row in rows if isinstance(row, ipywidgets.HBox)]
    assert [slider for slider, _ in pairs] == sliders, f"{name}: a slider without its field"
    for slider, field in pairs:
        assert field.description == slider.description and not slider.readout
        target = slider.max if slider.value != slider.max else slider.min
        slider.value = target + (1e-12 if isinstance(target, float) else 0)
        assert field.value == target, f"{name}: {slider.description} shows {field.value}"
        redraws = []
        slider.observe(lambda change: redraws.append(change), names="value")
        typed = slider.min + slider.step if target == slider.max else slider.max - slider.step
        field.value = typed
        assert slider.value == pytest.approx(typed) and field.value == pytest.approx(typed)
        assert len(redraws) == 1, f"{name}: {slider.description}: {len(redraws)} redraws"


@pytest.mark.parametrize("name", BUILDERS)
def test_the_live_figure_tells_a_screen_reader_what_it_shows_now(name):
    """The figure is an <img> whose alt text says what the figure shows, every setting by its
    control's name, and the message; it changes with the settings, and the image it carries
    is the frame the dashboard rendered."""
    import base64
    import html
    import re

    board = BUILDERS[name]()
    figure = board.widget().children[-2]
    assert len(board.description.split()) >= 12, f"{name}: no description of the figure"

    def shown():
        match = re.fullmatch(r'<img class="dashboard-figure" src="data:image/jpeg;base64,([^"]+)" '
                             r'style="max-width: 100%; height: auto" alt="([^"]+)">', figure.value)
        assert match, f"{name}: the figure is not one <img> with alt text: {figure.value[:120]}"
        return base64.b64decode(match.group(1)), html.unescape(match.group(2))

    frame, alt = shown()
    assert frame == board.render_frame() and alt.startswith(board.description)
    for control in board.controls.values():
        assert f"{control.description} = " in alt, f"{name}: the alt text lacks {control.description!r}"
    alts = {alt}
    for setting in board.random_settings(3, seed=5):
        board.update(**setting)
        frame, alt = shown()
        assert frame == board.render_frame()
        assert not re.search(r"\d{7}", alt), f"{name}: an unrounded number in {alt!r}"
        assert board.message in alt, f"{name}: the message is not in the alt text"
        alts.add(alt)
    assert len(alts) > 1, f"{name}: the alt text does not follow the settings"
