"""invlib.selfcheck: how a verdict looks, and how close a numeric answer must be."""

import pytest

from invlib.selfcheck import Feedback, check_number, rounds_to


def test_a_verdict_is_a_marked_box_with_a_plain_text_fallback():
    right, wrong = Feedback(True, "α = 0.0556."), Feedback(False, "q has the wrong sign <here>.")
    assert repr(right) == "Correct: α = 0.0556." and repr(wrong).startswith("Not yet: ")
    assert "✔ Correct:" in right._repr_html_() and "✘ Not yet:" in wrong._repr_html_()
    assert right._repr_html_() != wrong._repr_html_().replace("✘ Not yet", "✔ Correct")
    assert "&lt;here&gt;" in wrong._repr_html_()  # the message is text, not markup


@pytest.mark.parametrize("answer, ok, words", [
    (1 / 18, True, "α = 0.0555556."),
    (0.0556, True, "to three significant digits"),      # the solution's own rounding
    (0.05555, True, "to three significant digits"),
    (0.055, False, "close — α = 0.055 is within 2 %"),  # two digits: ask for more
    (0.0575, False, "too large"),                       # three digits, 3.5 % off
    (-1 / 18, False, "wrong sign"),
])
def test_three_significant_digits_are_enough(answer, ok, words):
    feedback = check_number(answer, 1 / 18, "α")
    assert bool(feedback) is ok and words in feedback.message, feedback


def test_rounds_to():
    assert rounds_to(0.902, 406 / 450) and not rounds_to(0.9, 406 / 450)
    assert rounds_to(-0.535, -0.535105) and not rounds_to(-0.536, -0.535105)
    assert rounds_to(0.0, 0.0) and not rounds_to(1e-9, 0.0)
