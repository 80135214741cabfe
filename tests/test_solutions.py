"""The exercises: the notebooks ship without answers, and every solution passes its check.

The committed notebooks set every answer to ``None``, so a learner reading them (on
GitHub, or before running anything) sees no solution by accident; the solutions sit in
the hidden ``<details>`` blocks. Here each solution those blocks state is given to its
check, which must call it correct.
"""

import importlib
import json
import pathlib
import re

import numpy as np
import pytest

from invlib import selfcheck

NOTEBOOKS = pathlib.Path(__file__).resolve().parents[1] / "notebooks"

# (check, the answer its solution gives), from each notebook's tests/test_nbXX.py
NUMBERS = sorted(p.name[:2] for p in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
SOLUTIONS = [entry for number in NUMBERS
             for entry in importlib.import_module(f"test_nb{number}").SOLUTIONS]


@pytest.mark.parametrize("check, answer", SOLUTIONS, ids=lambda v: getattr(v, "__name__", ""))
def test_the_solution_passes_its_check(check, answer):
    feedback = check(*answer)
    assert feedback, repr(feedback)
    assert repr(feedback).startswith("Correct: ")


@pytest.mark.parametrize("check, answer", SOLUTIONS, ids=lambda v: getattr(v, "__name__", ""))
def test_an_answer_left_as_none_is_pointed_out(check, answer):
    for position in range(len(answer)):
        partial = list(answer)
        partial[position] = None
        feedback = check(*partial)
        assert not feedback and repr(feedback) == "Not yet: " + selfcheck.NO_ANSWER


def test_every_check_has_a_solution_here():
    checks = {check for check, _ in SOLUTIONS}
    import pkgutil

    modules = [importlib.import_module(f"invlib.selfcheck.{info.name}")
               for info in pkgutil.iter_modules(selfcheck.__path__) if info.name.startswith("nb")]
    assert len(modules) == len(list(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")))
    for module in modules:
        for name in dir(module):
            function = getattr(module, name)
            if (name.startswith("check_") and name != "check_installation"
                    and function.__module__ == module.__name__):  # not the imported helper
                assert function in checks, f"{module.__name__}.{name} has no solution"


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name[:2])
def test_the_committed_notebook_gives_no_answer_away(path):
    """Every answer cell is committed with None and shows the check's 'no answer yet'."""
    cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
    answer_cells = [c for c in cells if re.search(r"selfcheck\.nb\d\d\.check_(?!installation)",
                                                   "".join(c["source"]))]
    assert len(answer_cells) >= 2, f"{path.name}: fewer than two exercises"
    for cell in answer_cells:
        source = "".join(cell["source"])
        shown = "".join(
            "".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
            for o in cell["outputs"])
        assert "= None" in source, f"{path.name}: an answer is filled in:\n{source}"
        assert shown == "Not yet: " + selfcheck.NO_ANSWER, f"{path.name}: {shown!r}"


def test_self_checks_need_neither_matplotlib_nor_ipywidgets():
    """Every self-check module imports, and every check runs on its solution, with matplotlib
    and ipywidgets unimportable: checking an answer never loads the plotting floor."""
    import subprocess
    import sys

    import inspect

    def portable(answer):  # a coding exercise's solution travels as its source
        if callable(answer):
            return {"source": inspect.getsource(answer), "name": answer.__name__}
        return answer.tolist() if isinstance(answer, np.ndarray) else answer

    calls = [(check.__module__, check.__name__, [portable(a) for a in answer])
             for check, answer in SOLUTIONS]
    code = """
import importlib, json, sys
sys.modules["matplotlib"] = sys.modules["ipywidgets"] = None  # importing either now fails
from invlib.selfcheck import installation
import numpy as np


def arrived(arg):
    if isinstance(arg, dict) and "source" in arg:
        space = {"np": np}
        exec(arg["source"], space)
        return space[arg["name"]]
    return arg


calls = json.loads(sys.stdin.read())
results = [bool(getattr(importlib.import_module(m), f)(*map(arrived, args))) for m, f, args in calls]
print(len(results), all(results), installation.check_installation().items[0].ok)
"""
    result = subprocess.run([sys.executable, "-c", code], input=json.dumps(calls),
                            capture_output=True, text=True, cwd=NOTEBOOKS.parent, timeout=300)
    assert result.stdout.split() == [str(len(SOLUTIONS)), "True", "True"], result.stderr[-3000:]


def printed_forms(value):
    """The ways an answer could show in a cell: a few roundings of a number with three or more
    significant digits (shorter ones, like 2 or 0.8, turn up everywhere by chance)."""
    if isinstance(value, (bool, str)) or not isinstance(value, (int, float, np.floating, np.integer)):
        return set()
    value = float(value)
    if value == int(value):
        if abs(value) < 100 or value % 100 == 0:  # small or round numbers turn up by chance
            return set()
        return {f"{int(value)}", f"{int(value):,}"}
    if len(f"{abs(value):.6g}".replace(".", "").strip("0")) < 3:
        return set()
    forms = {f"{value:.{digits}g}" for digits in (3, 4, 5, 6)} | {f"{value:.{d}f}" for d in (3, 4)}
    return {f for f in forms if len(f.lstrip("-0.").replace(".", "").rstrip("0")) >= 3}


def code_and_outputs(path):
    """All a reader sees of the code cells: their source and their outputs."""
    texts = []
    for cell in json.loads(path.read_text())["cells"]:
        if cell["cell_type"] == "code":
            texts.append("".join(cell["source"]))
        for output in cell.get("outputs", []):
            texts.append("".join(output.get("text", "")))
            for key in ("text/plain", "text/html", "text/markdown"):
                texts.append("".join(output.get("data", {}).get(key, "")))
    return "\n".join(texts)


@pytest.mark.parametrize("number", NUMBERS)
def test_no_answer_shows_in_its_notebooks_outputs(number):
    """The hidden solutions stay hidden: no answer of the solutions table stands in any code cell
    or output of its notebook (the numbers the solutions quote are checked in the tests)."""
    path = next(NOTEBOOKS.glob(f"{number}-*.ipynb"))
    text = code_and_outputs(path)
    leaks = []
    for check, answer in importlib.import_module(f"test_nb{number}").SOLUTIONS:
        for value in answer:
            for form in printed_forms(value):
                if re.search(rf"(?<![\d.]){re.escape(form)}(?![\d])", text):
                    leaks.append(f"{check.__name__}: {form}")
    assert not leaks, f"{path.name} shows answers: {leaks}"


def visible_markdown(path):
    """The notebook's prose outside the <details> boxes: what the exercise prompts show."""
    text = "\n".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"]
                     if c["cell_type"] == "markdown")
    return re.sub(r"<details>.*?</details>", "", text, flags=re.S)


def stated_numbers(text):
    """Every number a text states, fractions such as 2/11 included."""
    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text.replace("−", "-"))  # 7,840 is one number
    numbers = [float(n) for n in re.findall(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e-?\d+)?", text)]
    numbers += [int(p) / int(q) for p, q in re.findall(r"(?<![\w.])(\d+)/(\d+)(?![\d.])", text) if int(q)]
    return numbers


@pytest.mark.parametrize("number", NUMBERS)
def test_a_checks_help_gives_no_answer_away(number):
    """Shift+Tab on a check (or help(), or the website's page of the module) shows the docstrings
    of the check, its helpers and its module: none may state an answer that the exercise's prompt
    does not already show."""
    path = next(NOTEBOOKS.glob(f"{number}-*.ipynb"))
    prompt = stated_numbers(visible_markdown(path))
    leaks = []
    for check, answer in importlib.import_module(f"test_nb{number}").SOLUTIONS:
        module = importlib.import_module(check.__module__)
        functions = [f for f in vars(module).values()
                     if callable(f) and getattr(f, "__module__", None) == module.__name__]
        help_text = "\n".join([module.__doc__ or ""] + [f.__doc__ or "" for f in functions])
        for value in answer:
            if isinstance(value, (bool, str)) or not isinstance(value, (int, float, np.number)):
                continue
            close = lambda n: abs(n - float(value)) <= 5e-3 * max(abs(float(value)), 1e-12)
            if any(close(n) for n in stated_numbers(help_text)) and not any(close(n) for n in prompt):
                leaks.append(f"{check.__name__}: {value}")
    assert not leaks, f"the checks' help states answers: {leaks}"
