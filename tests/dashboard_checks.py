"""What every dashboard test checks after moving a slider, written once."""

from invlib import widgets

PNG, JPEG = b"\x89PNG", b"\xff\xd8"


def assert_shown(board, setting):
    """Every artist holds finite numbers, and the figure renders both as the PNG a reader
    saves and as the JPEG frame the widget shows."""
    assert widgets.figure_is_finite(board.figure), setting
    assert board.render_png().startswith(PNG), setting
    assert board.render_frame().startswith(JPEG), setting
