"""The exercises: the notebooks ship without answers, and every solution passes its check.

The committed notebooks set every answer to ``None``, so a learner reading them (on
GitHub, or before running anything) sees no solution by accident; the solutions sit in
the hidden ``<details>`` blocks. Here each solution those blocks state is given to its
check, which must call it correct.
"""

import json
import pathlib
import re

import numpy as np
import pytest

from invlib import selfcheck
from invlib.selfcheck import (nb00, nb01, nb02, nb03, nb04, nb05, nb06, nb07, nb08, nb09,
                              nb10, nb11)

NOTEBOOKS = pathlib.Path(__file__).resolve().parents[1] / "notebooks"



def tikhonov_solution(K, x, gamma):
    """Notebook 06, exercise 3: the solution's function, (KᵀK + γI) y = Kᵀx."""
    return np.linalg.solve(K.T @ K + gamma * np.eye(K.shape[1]), K.T @ x)


# (check, the answer its solution gives)
SOLUTIONS = [
    (nb00.check_number_of_causes, (2, 1, 0)),
    (nb00.check_error_in_y, (2.0,)),
    (nb01.check_minimiser, (4.0,)),
    (nb01.check_curvature, (18.0,)),
    (nb01.check_valley_width, (1.6,)),
    (nb02.check_one_step_alpha, (1 / 18,)),
    (nb02.check_q, (-0.8,)),
    (nb02.check_steps, (28,)),
    (nb02.check_converging_alphas, ([0.01, 0.1, 0.125, 0.2],)),
    (nb03.check_tangent_b_step2, (-0.465,)),
    (nb03.check_closed_form_g5, (1.8490146875,)),
    (nb03.check_tangent_factor, (-0.8,)),
    (nb04.check_training_loss, (0.72,)),
    (nb04.check_sign_dT_db, ("positive",)),
    (nb04.check_slope, (0.496,)),
    (nb05.check_biased_slope, (0.56,)),
    (nb05.check_better_estimator, ("trained", "classical")),
    (nb05.check_amplification, (0.2,)),
    (nb06.check_tikhonov_factor, (0.8,)),
    (nb06.check_matching_steps, (200,)),
    (nb06.check_tikhonov_solution, (tikhonov_solution,)),
    (nb06.check_discrepancy_steps, (3,)),
    (nb07.check_best_plain_alpha, (0.1,)),
    (nb07.check_plain_rate, (0.8,)),
    (nb07.check_polyak_momentum, (0.25,)),
    (nb07.check_nesterov_limit, (2 / 11,)),
    (nb08.check_true_loss, (0.0010967,)),
    (nb08.check_spurious_b, (-0.535105,)),
    (nb08.check_smallest_steps, (6,)),
    (nb09.check_peak_step, (1 / np.log(1 / 0.9),)),
    (nb09.check_implicit_gradient, (-1.25,)),
    (nb09.check_one_step_ratio, (0.4,)),
    (nb10.check_stability_limit, (0.00966407,)),
    (nb10.check_forward_tangents, (10 * 28 * 28,)),
    (nb10.check_one_step_accuracy, (406 / 450,)),
    (nb11.check_average_code, (np.full(10, 0.1),)),
    (nb11.check_switch_point, (0.541738,)),
    (nb11.check_better_rebuilt, (421,)),
]


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
    import importlib
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
    code = """
import sys
sys.modules["matplotlib"] = sys.modules["ipywidgets"] = None  # importing either now fails
sys.path.insert(0, "tests")
from test_solutions import SOLUTIONS
from invlib.selfcheck import installation
results = [bool(check(*answer)) for check, answer in SOLUTIONS]
print(len(results), all(results), installation.check_installation().items[0].ok)
"""
    import subprocess
    import sys

    root = NOTEBOOKS.parent
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root,
                            timeout=300)
    assert result.stdout.split() == [str(len(SOLUTIONS)), "True", "True"], result.stderr[-3000:]
