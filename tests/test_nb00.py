"""Notebook 00's self-checks and the installation check."""

import re
import sys

import numpy as np
import pytest

import invlib
from invlib.selfcheck import installation, nb00

# --------------------------------------------------------------------------------------
# Exercise 1: how many causes?
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("answers", [(2, 1, 0), (2.0, 1.0, 0.0), (np.int64(2), 1, 0)])
def test_number_of_causes_accepts_the_right_counts(answers):
    feedback = nb00.check_number_of_causes(*answers)
    assert feedback
    assert repr(feedback).startswith("Correct:")


def test_the_right_counts_are_what_sympy_finds():
    import sympy

    y = sympy.Symbol("y", real=True)
    counts = [len(sympy.solve(sympy.Eq(y**2, x), y)) for x in (4, 0, -1)]
    assert counts == [2, 1, 0]
    assert nb00.check_number_of_causes(*counts)


@pytest.mark.parametrize(
    "answers, explanation",
    [
        ((1, 1, 0), "so does y = -2"),
        ((4, 1, 0), "4 is the observation x itself"),
        ((3, 1, 0), "how many real solutions"),
        ((2, 2, 0), "+0 and -0 are the same number"),
        ((2, 0, 0), "which y has y² = 0"),
        ((2, 1, 2), "±√−1, which are not real numbers"),
        ((2, 1, 1), "can the square of a real number be negative"),
        (([2, -2], 1, 0), "a count (a whole number), not the causes themselves"),
        ((2.5, 1, 0), "whole number"),
        ((-2, 1, 0), "whole number"),
        (("2", 1, 0), "should be a single number"),
        ((True, 1, 0), "should be a single number"),
    ],
)
def test_number_of_causes_explains_typical_mistakes(answers, explanation):
    feedback = nb00.check_number_of_causes(*answers)
    assert not feedback
    assert repr(feedback).startswith("Not yet:")
    assert explanation in feedback.message


# --------------------------------------------------------------------------------------
# Exercise 2: an error in x, seen in y*
# --------------------------------------------------------------------------------------


def test_error_in_y_accepts_the_right_answer_computed_two_ways():
    a, b, x = 0.05, 1.0, 0.7
    by_inverting = (x + 0.1 - b) / a - (x - b) / a  # 2 up to rounding
    assert abs(by_inverting - 2.0) < 1e-9
    for answer in (2, 2.0, by_inverting, np.float64(2.0)):
        feedback = nb00.check_error_in_y(answer)
        assert feedback, answer
        assert "20 times larger" in feedback.message


@pytest.mark.parametrize(
    "answer, explanation",
    [
        (-2.0, "give it as a positive number"),
        (0.005, "You multiplied the error by a"),
        (0.1, "That is the error in x itself"),
        (0.5, "You divided a by the error"),
        (20.0, "20 is the amplification factor 1/a"),
        (4.0, "the width of the whole band"),
        (-18.0, "b is the same for the true and the wrong reading"),
        (22.0, "cancels in the difference"),
        (3.0, "too large"),
        (1.0, "too small"),
        ("2", "should be a single number"),
        (float("nan"), "should be a finite number"),
    ],
)
def test_error_in_y_explains_typical_mistakes(answer, explanation):
    feedback = nb00.check_error_in_y(answer)
    assert not feedback
    assert explanation in feedback.message


# --------------------------------------------------------------------------------------
# The installation check
# --------------------------------------------------------------------------------------


def test_installation_is_all_ok_here():
    report = installation.check_installation()
    assert report and report.ok
    names = [item.name for item in report.items]
    assert names == ["python", "numpy", "sympy", "matplotlib", "ipywidgets", "invlib",
                     "inversion"]
    lines = repr(report).splitlines()
    assert all(line.startswith("OK") for line in lines[:-1])
    assert lines[-1] == "All requirements are met: the series is ready to run."
    assert "y = 2.00 after 20 steps" in repr(report)


def test_installation_report_prints_no_installed_version_numbers():
    import matplotlib
    import sympy

    text = repr(installation.check_installation())
    for version in (np.__version__, sympy.__version__, matplotlib.__version__,
                    ".".join(map(str, sys.version_info[:3]))):
        assert version not in text
    # the only numbers are the fixed minimum versions and the inversion's own numbers
    numbers = set(re.findall(r"\d+(?:\.\d+)*", text))
    assert numbers <= {"3.10", "1.26", "1.12", "3.8", "8.1", "2", "4", "0", "2.00", "20"}


def test_installation_report_is_the_same_twice():
    assert repr(installation.check_installation()) == repr(installation.check_installation())


def test_the_inversion_of_the_check_is_the_original_one():
    problem = invlib.data.original_problem()
    result = invlib.invert(invlib.Line(), problem.theta_true, 0.0, problem.y0_inversion,
                           problem.alpha, problem.n_steps)
    assert f"{float(result.y):.2f}" == "2.00"


@pytest.mark.parametrize("module", ["numpy", "sympy", "matplotlib", "ipywidgets"])
def test_a_missing_module_is_reported_with_the_fix(monkeypatch, module):
    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` fail
    report = installation.check_installation()
    assert not report
    item = {item.name: item for item in report.items}[module]
    assert not item.ok
    assert item.message == (
        f"{module} is missing: run `pip install -r requirements.txt` in the series' folder."
    )
    text = repr(report)
    assert f"FIX    {module} is missing" in text
    assert "1 of 7 checks need fixing" in text
    assert "restart the kernel" in text


def test_a_missing_invlib_is_reported_and_the_inversion_skipped(monkeypatch):
    monkeypatch.setitem(sys.modules, "invlib", None)
    report = installation.check_installation()
    assert not report
    assert report.items[-1].name == "invlib"
    assert report.items[-1].message.startswith("invlib is missing: run `pip install")


def test_a_module_that_fails_to_import_is_reported(monkeypatch):
    real_import = installation.importlib.import_module

    def broken(name, *args):
        if name == "matplotlib":
            raise ImportError("libfreetype.so.6: cannot open shared object file")
        return real_import(name, *args)

    monkeypatch.setattr(installation.importlib, "import_module", broken)
    item = {i.name: i for i in installation.check_installation().items}["matplotlib"]
    assert not item.ok
    assert "installed but does not import (ImportError: libfreetype" in item.message
    assert "pip install -r requirements.txt" in item.message


@pytest.mark.parametrize("module, old", [("numpy", "1.24.4"), ("sympy", "1.11.1"),
                                         ("matplotlib", "3.7.0"), ("ipywidgets", "7.8.1")])
def test_an_old_version_is_reported_with_the_version_found(monkeypatch, module, old):
    imported = __import__(module)
    monkeypatch.setattr(imported, "__version__", old)
    item = {i.name: i for i in installation.check_installation().items}[module]
    assert not item.ok
    assert item.message.startswith(f"{module} {old} is too old (at least ")
    assert "pip install -r requirements.txt" in item.message


@pytest.mark.parametrize("version, ok", [("1.26.0", True), ("1.26.0rc1", True),
                                         ("2.0.0.dev0+abc", True), ("1.25.9", False),
                                         ("0.99", False)])
def test_versions_are_compared_as_numbers(monkeypatch, version, ok):
    monkeypatch.setattr(np, "__version__", version)
    item = {i.name: i for i in installation.check_installation().items}["numpy"]
    assert item.ok is ok


def test_an_unreadable_version_is_not_a_failure(monkeypatch):
    monkeypatch.setattr(np, "__version__", "unknown")
    item = {i.name: i for i in installation.check_installation().items}["numpy"]
    assert item.ok
    assert "could not be read" in item.message


def test_an_old_python_is_reported(monkeypatch):
    monkeypatch.setattr(installation, "_python_version", lambda: (3, 9))
    item = installation.check_installation().items[0]
    assert not item.ok
    assert item.message.startswith("Python 3.9 is too old (at least 3.10 is needed)")


def test_a_wrong_inversion_is_reported(monkeypatch):
    def wrong_invert(*args, **kwargs):
        return invlib.InversionResult(y=np.array(1.5), path=None, losses=None, diverged=False)

    monkeypatch.setattr(invlib, "invert", wrong_invert)
    item = installation.check_installation().items[-1]
    assert item.name == "inversion" and not item.ok
    assert "gave y = 1.5 instead of 2.00" in item.message


def test_a_failing_inversion_is_reported(monkeypatch):
    def failing_invert(*args, **kwargs):
        raise invlib.DivergenceError("the inversion diverged")

    monkeypatch.setattr(invlib, "invert", failing_invert)
    item = installation.check_installation().items[-1]
    assert not item.ok
    assert "the tiny inversion failed (DivergenceError: the inversion diverged)" in item.message


def test_an_invlib_that_is_not_the_series_copy_is_reported(monkeypatch):
    monkeypatch.delattr(invlib, "invert")
    report = installation.check_installation()
    assert report.items[-1].name == "invlib" and not report.items[-1].ok
    assert "lacks invert" in report.items[-1].message


def test_main_prints_the_report_and_returns_the_exit_status(monkeypatch, capsys):
    assert installation.main() == 0
    assert "All requirements are met" in capsys.readouterr().out
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    assert installation.main() == 1
    assert "FIX    ipywidgets is missing" in capsys.readouterr().out


# The answers the hidden solutions give, as (check, arguments); tests/test_solutions.py
# gives each to its check and keeps them out of the notebook's outputs.
SOLUTIONS = [
    (nb00.check_number_of_causes, (2, 1, 0)),
    (nb00.check_error_in_y, (2.0,)),
]


def test_least_squares_claims_of_section_4():
    """x = 1 under f(y) = (y − 1)² + 2 ≥ 2 has no cause, yet L = (1 − f(y))² has its best fit at
    y = 1; a flat line (a = 0, x ≠ b) makes L the same for every y: every y minimises it.
    Exercise 1's solution: x = −1 under y² has its best fit at y = 0."""
    y = np.linspace(-3.0, 3.0, 6001)
    f = (y - 1.0) ** 2 + 2.0
    assert f.min() == 2.0 > 1.0
    loss = (1.0 - f) ** 2
    assert y[np.argmin(loss)] == pytest.approx(1.0) and loss.min() == pytest.approx(1.0)
    assert np.allclose(loss, (1.0 + (y - 1.0) ** 2) ** 2)
    assert y[np.argmin((-1.0 - y**2) ** 2)] == 0.0
    flat = invlib.inner_loss(invlib.Line(), (0.0, 1.5), 0.5, y)
    assert np.all(flat == (0.5 - 1.5) ** 2)


def test_numbers_the_prose_states():
    """Sections 3.3 and 4: both lines give x = 0 at y = 2, the error grows by 1/a = 5 for
    a = 0.2, the original's cause of x = 0 is y = 2, and its steps converge for α < 1/a² = 0.25."""
    for a, b in [(2.0, -4.0), (0.2, -0.4)]:
        assert a * 2.0 + b == pytest.approx(0.0, abs=1e-15)
        assert invlib.invert(invlib.Line(), (a, b), 0.0, 2.0, 0.05, 5).y == pytest.approx(2.0)
    assert 1 / 0.2 == pytest.approx(5.0)
    problem = invlib.data.original_problem()
    a, b = problem.theta_true
    assert (0.0 - b) / a == 2.0
    assert invlib.stability_limit(a) == 0.25 == 1 / a**2
    for alpha in (0.24, 0.26):  # just inside and just outside the limit
        run = invlib.invert(invlib.Line(), (a, b), 0.0, problem.y0_inversion, alpha, 200)
        assert bool(abs(run.y - 2.0) < 1e-3) == (alpha < 0.25)
