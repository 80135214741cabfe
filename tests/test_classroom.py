"""The classroom tools: student copies made by nbgrader, graded with the self-checks as tests.

Notebook 02 (four one-answer exercises) is graded in one course for three students: the key,
an untouched copy and one wrong answer; notebook 00 (an exercise with three answers) through
the command line. Every notebook of the series is turned into a student copy.
"""

import contextlib
import io
import json
import re

import nbformat
import pytest

import classroom
from classroom.__main__ import main
from invlib import selfcheck
from invlib.selfcheck import nb00, nb02

NB02 = next(classroom.NOTEBOOKS.glob("02-*.ipynb"))
NB00 = next(classroom.NOTEBOOKS.glob("00-*.ipynb"))
WRONG_Q = 0.8  # |q| instead of q: the check's hint says q is negative


@pytest.fixture(scope="module")
def student_copies(tmp_path_factory):
    """`python -m classroom student OUT_DIR` for the whole series: OUT_DIR and what it printed."""
    out_dir = tmp_path_factory.mktemp("student")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["student", str(out_dir)]) == 0
    return out_dir, printed.getvalue()


@pytest.fixture(scope="module")
def graded_nb02(tmp_path_factory):
    """The results of the key, an untouched student copy, and the key with check_q wrong."""
    folder = tmp_path_factory.mktemp("nb02")
    with classroom.scratch() as root:
        course = classroom.Course(root)
        release = course.add_source(NB02)
        copies = {"key": classroom.fill_in(release, folder / "key.ipynb"),
                  "untouched": release,
                  "wrong": classroom.fill_in(release, folder / "wrong.ipynb",
                                             {"check_q": (WRONG_Q,)})}
        yield {who: {r.exercise: r for r in course.autograde(path, NB02.name, who)}
               for who, path in copies.items()}


def test_grade_the_key_scores_full_marks(graded_nb02):
    results = graded_nb02["key"]
    assert [r.exercise.split("-")[1] for r in results.values()] == list(classroom.load_key("02"))
    assert all(r.points == r.max_points == classroom.POINTS for r in results.values()), results
    assert all(r.message == "" for r in results.values())


def test_grade_an_untouched_student_copy_scores_zero(graded_nb02):
    results = graded_nb02["untouched"].values()
    assert len(results) == len(classroom.load_key("02"))
    assert all(r.points == 0 and r.max_points == classroom.POINTS for r in results)
    assert all(r.message == selfcheck.NO_ANSWER for r in results)


def test_grade_one_wrong_answer_loses_exactly_its_points_with_its_hint(graded_nb02):
    results = graded_nb02["wrong"]
    hint = nb02.check_q(WRONG_Q)
    assert not hint and "negative" in hint.message
    lost = {name: r for name, r in results.items() if r.points < r.max_points}
    assert list(lost) == ["nb02-check_q"]
    assert lost["nb02-check_q"].points == 0 and lost["nb02-check_q"].message == hint.message
    assert sum(r.points for r in results.values()) == (len(results) - 1) * classroom.POINTS


def test_grade_command_prints_points_and_hint_for_a_notebook_with_three_answers(
        student_copies, tmp_path, capsys):
    release = student_copies[0] / NB00.name
    key = classroom.fill_in(release, tmp_path / "key.ipynb")
    wrong = classroom.fill_in(release, tmp_path / "wrong.ipynb",
                              {"check_number_of_causes": (2, 1, 1)})
    hint = nb00.check_number_of_causes(2, 1, 1)
    assert not hint
    assert main(["grade", str(key), str(wrong)]) == 0
    key_part, wrong_part = capsys.readouterr().out.split(str(wrong))
    assert re.search(r"^nb00-check_number_of_causes +1/1 *$", key_part, re.M), key_part
    assert re.search(r"^total +2/2$", key_part, re.M), key_part
    assert re.search(r"^nb00-check_number_of_causes +0/1 +" + re.escape(hint.message) + "$",
                     wrong_part, re.M), wrong_part
    assert re.search(r"^nb00-check_error_in_y +1/1 *$", wrong_part, re.M), wrong_part
    assert re.search(r"^total +1/2$", wrong_part, re.M), wrong_part


def test_student_copies_of_every_notebook(student_copies):
    """Each student copy has one answer cell and one locked check cell per entry of its key,
    in the key's order, no solution and no filled-in answer, and every other cell locked."""
    tmp_path, printed = student_copies
    written = printed.split()
    assert sorted(p.split("/")[-1] for p in written) == [p.name for p in classroom.series()]
    for path in classroom.series():
        key = classroom.load_key(classroom.number_of(path))
        copy = nbformat.read(tmp_path / path.name, as_version=4)
        text = json.dumps(copy.dict())
        assert not re.search(r"<summary>\s*(Solution|Answer)", text), path.name
        assert "BEGIN SOLUTION" not in text, path.name
        original_text = path.read_text()
        kept = original_text.count("<details>") - len(re.findall(r"<summary>(Solution|Answer)",
                                                                 original_text))
        assert text.count("<details>") == kept, path.name  # the optional asides stay
        answers = [c for c in copy.cells if c.metadata["nbgrader"]["solution"]]
        checks = [c for c in copy.cells if c.metadata["nbgrader"]["grade"]]
        assert [c.metadata["nbgrader"]["grade_id"] for c in checks] == [
            f"nb{classroom.number_of(path)}-{name}" for name in key], path.name
        assert [c.metadata["nbgrader"]["grade_id"] for c in answers] == [
            f"nb{classroom.number_of(path)}-{name}-answer" for name in key], path.name
        original = {line for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"
                    for line in c.source.split("\n")}
        for cell in answers:  # only the learner's stub, as the committed notebook has it
            assert {line for line in cell.source.split("\n") if line.strip()} <= original, (
                path.name, cell.source)
        for cell in checks:
            assert cell.metadata["editable"] is False and cell.metadata["deletable"] is False
            assert cell.metadata["nbgrader"]["points"] == classroom.POINTS
            assert "assert feedback, feedback.message" in cell.source
        others = [c for c in copy.cells if c not in answers and c not in checks]
        assert all(c.metadata["nbgrader"]["locked"] and c.metadata["editable"] is False
                   for c in others), path.name
        assert all(c.get("outputs", []) == [] for c in copy.cells), path.name


def test_classroom_source_versions_hold_the_key_and_split_each_exercise():
    """The source version's answer cells carry the key between the markers; a stub kept in a
    cell of its own before the check is found too."""
    source = classroom.source_version(NB02)
    answers = [c for c in source.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert answers[1].source == ("answer = None  # your q\n### BEGIN SOLUTION\nanswer = -0.8\n"
                                 "### END SOLUTION")
    nb = nbformat.read(NB02, as_version=4)
    index = next(i for i, c in enumerate(nb.cells) if "check_q(" in c.source)
    stub, call = nb.cells[index].source.split("\n")
    nb.cells[index].source = call
    nb.cells.insert(index, nbformat.v4.new_code_cell(stub))
    found = classroom.find_exercises(nb, classroom.load_key("02"))
    assert [e.check for _, e, _ in found] == list(classroom.load_key("02"))


def test_classroom_writes_every_kind_of_answer_as_source():
    import numpy as np

    def solved(x):
        return 2 * x

    exercise = classroom.Exercise("nb99", "check_x", ["z", "f", "s"], "",
                                  (np.array([0.1, 0.2]), solved, "trained"))
    lines = classroom.solution_lines(exercise)
    scope = {}
    exec("\n".join(lines), scope)
    assert scope["z"].tolist() == [0.1, 0.2] and scope["f"](3) == 6 and scope["s"] == "trained"
    with pytest.raises(ValueError, match="lambda"):
        classroom.solution_lines(classroom.Exercise("nb99", "check_x", ["f"], "", (lambda x: x,)))
    with pytest.raises(ValueError, match="2 answers"):
        classroom.solution_lines(classroom.Exercise("nb99", "check_x", ["f"], "", (1, 2)))
