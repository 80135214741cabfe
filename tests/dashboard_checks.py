"""What every dashboard test checks after moving a slider, written once."""

from invlib import widgets

PNG, JPEG = b"\x89PNG", b"\xff\xd8"


def assert_shown(board, setting):
    """Every artist holds finite numbers, and the figure renders both as the PNG a reader
    saves and as the JPEG frame the widget shows."""
    assert widgets.figure_is_finite(board.figure), setting
    assert board.render_png().startswith(PNG), setting
    assert board.render_frame().startswith(JPEG), setting


def line_steps_diverge(values, edge):
    """The rule the line's dashboards (02, 09) warn by: plain steps diverge once α·a² ≥ 1
    (within the dashboard's `edge`, so a slider value a hair below the limit counts as on it)."""
    return values["alpha"] * values["a"] ** 2 >= 1.0 - edge


def check_every_corner(board, check_setting, count):
    """`check_setting(board, corner)` at each of the board's `count` slider corners; their results."""
    corners = list(board.corners())
    assert len(corners) == count
    return [check_setting(board, corner) for corner in corners]


def check_random_settings(board, check_setting, count, seed):
    """`check_setting` at `count` seeded settings on the sliders' own grids; their results."""
    settings = list(board.random_settings(count, seed=seed))
    assert len(settings) == count
    return [check_setting(board, setting) for setting in settings]
