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
