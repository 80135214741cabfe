"""Student copies of the series and their autograding, with nbgrader; the self-checks are the tests.

An exercise is a code cell that calls `selfcheck.nbXX.check_…(answer, …)`. Its nbgrader source
splits it into an answer cell (the learner's `… = None` stub, then the key's answer from
tests/test_nbXX.py between `### BEGIN SOLUTION` and `### END SOLUTION`) and a locked check cell
worth POINTS that fails with the self-check's message. The `<details>` solutions are removed and
every other cell is locked. `python -m classroom student OUT_DIR` writes the student copies,
`python -m classroom grade NOTEBOOK …` autogrades filled-in copies (see docs/teaching.md).
"""

import ast
import copy
import dataclasses
import importlib
import inspect
import os
import pathlib
import re
import shutil
import sys
import tempfile
import textwrap
import warnings

import nbformat
from nbformat.corpus.words import generate_corpus_id

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
TESTS = ROOT / "tests"

POINTS = 1  #: what each exercise is worth
SCHEMA_VERSION = 3  #: nbgrader's cell-metadata schema
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
#: a hidden solution (or the answers to "Check yourself" questions); "Optional: …" blocks stay
SOLUTION_BLOCK = re.compile(
    r"<details>\s*<summary>\s*(?:Solutions?|Answers?)\s*</summary>.*?</details>[ \t]*\n?",
    re.DOTALL)
CHECK_PREFIX = "check_"


@dataclasses.dataclass
class Exercise:
    """One exercise of a notebook: its check, the names its call passes, and its key."""

    module: str  # "nb02"
    check: str  # "check_one_step_alpha"
    names: list  # the variables the check is called with
    call: str  # the source of the call
    key: tuple = ()  # the solution's answers, in the order of names

    @property
    def grade_id(self):
        return f"{self.module}-{self.check}"


@dataclasses.dataclass
class Result:
    """The grade of one exercise: points out of max_points, and the check's message when lost."""

    exercise: str
    points: float
    max_points: float
    message: str


def number_of(path):
    """The two-digit number that starts a notebook's file name ("02" for 02-….ipynb)."""
    match = re.match(r"(\d\d)-", pathlib.Path(path).name)
    if not match:
        raise ValueError(f"notebook {path}: expected a file name starting with two digits and '-'")
    return match.group(1)


def load_key(number):
    """Notebook NN's solution key {check name: answers}, from SOLUTIONS in tests/test_nbNN.py."""
    if str(TESTS) not in sys.path:
        sys.path.insert(0, str(TESTS))
    module = importlib.import_module(f"test_nb{number}")
    return {check.__name__: tuple(answers) for check, answers in module.SOLUTIONS}


def check_call(statement):
    """(module, check) when statement is a call `selfcheck.nbXX.check_…(…)`, else None."""
    if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
        return None
    func = statement.value.func
    if (isinstance(func, ast.Attribute) and func.attr.startswith(CHECK_PREFIX)
            and isinstance(func.value, ast.Attribute) and re.fullmatch(r"nb\d\d", func.value.attr)
            and isinstance(func.value.value, ast.Name) and func.value.value.id == "selfcheck"):
        return func.value.attr, func.attr
    return None


def parse(source):
    """The cell's statements, or [] for a cell Python cannot parse (a magic, say)."""
    try:
        return ast.parse(source).body
    except SyntaxError:
        return []


def assigned_names(source):
    """The names a cell assigns at its top level."""
    names = set()
    for statement in parse(source):
        if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            for target in targets:
                names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(statement.name)
    return names


def literal(value):
    """(source that evaluates to value, whether it needs numpy): numbers, strings, lists, arrays."""
    import numpy as np

    if isinstance(value, np.ndarray):
        return f"numpy.array({value.tolist()!r})", True
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (list, tuple)):
        parts = [literal(v) for v in value]
        text = ", ".join(p for p, _ in parts)
        if isinstance(value, tuple) and len(value) == 1:
            text += ","
        brackets = "[]" if isinstance(value, list) else "()"
        return brackets[0] + text + brackets[1], any(n for _, n in parts)
    if value is None or isinstance(value, (bool, int, float, complex, str)):
        if ast.literal_eval(repr(value)) != value:
            raise ValueError(f"cannot write the answer {value!r} as Python source")
        return repr(value), False
    raise ValueError(f"cannot write an answer of type {type(value).__name__} as Python source")


def solution_lines(exercise):
    """The key's answers as assignments to the exercise's variables (a function by its source)."""
    if len(exercise.key) != len(exercise.names):
        raise ValueError(f"{exercise.grade_id}: the key has {len(exercise.key)} answers, the call "
                         f"passes {len(exercise.names)}")
    lines, numpy_needed = [], False
    for name, value in zip(exercise.names, exercise.key):
        if inspect.isfunction(value):
            if value.__name__ == "<lambda>":
                raise ValueError(f"{exercise.grade_id}: give the key's function as a def, "
                                 "not a lambda")
            lines += textwrap.dedent(inspect.getsource(value)).rstrip().split("\n")
            if value.__name__ != name:
                lines.append(f"{name} = {value.__name__}")
        else:
            text, needs = literal(value)
            numpy_needed |= needs
            lines.append(f"{name} = {text}")
    return (["import numpy"] if numpy_needed else []) + lines


def nbgrader_metadata(grade_id, *, grade=False, solution=False, points=None):
    """nbgrader's cell metadata: a graded cell, a solution cell, or (neither) a locked one."""
    meta = {"grade": grade, "grade_id": grade_id, "locked": not solution, "schema_version":
            SCHEMA_VERSION, "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return meta


def check_source(exercise):
    """The check cell: show the self-check's verdict, fail with its message when not right."""
    return (f"feedback = {exercise.call}\n"
            "display(feedback)\n"
            "assert feedback, feedback.message")


def find_exercises(nb, key=None, path="notebook"):
    """The exercises of a notebook, in order: (index of the call's cell, Exercise, the call)."""
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not re.search(r"selfcheck\.nb\d\d\.check_", cell.source):
            continue
        statements = parse(cell.source)
        calls = [(s, check_call(s)) for s in statements if check_call(s)]
        if len(calls) != 1:
            raise ValueError(f"{path}, cell {index}: expected one self-check call on a line of "
                             f"its own, found {len(calls)}:\n{cell.source}")
        statement, (module, check) = calls[0]
        args = statement.value.args
        if statement.value.keywords or not all(isinstance(a, ast.Name) for a in args):
            raise ValueError(f"{path}, cell {index}: the check must be called with variables only:"
                             f"\n{cell.source}")
        exercise = Exercise(module, check, [a.id for a in args],
                            ast.get_source_segment(cell.source, statement))
        if key is not None:
            if check not in key:
                raise ValueError(f"{path}: {module}.{check} has no entry in the solution key "
                                 f"(SOLUTIONS in tests/test_{module}.py)")
            exercise.key = key[check]
        found.append((index, exercise, statement))
    return found


def source_version(path):
    """The nbgrader source version of a notebook, with the key's answers in solution regions."""
    path = pathlib.Path(path)
    nb = nbformat.read(path, as_version=4)
    exercises = find_exercises(nb, load_key(number_of(path)), path.name)
    roles = {}  # cell index → what it becomes
    for index, exercise, statement in exercises:
        lines = nb.cells[index].source.split("\n")
        rest = "\n".join(lines[:statement.lineno - 1] + lines[statement.end_lineno:]).strip("\n")
        if set(exercise.names) & assigned_names(rest):
            roles[index] = ("answer and check", exercise, rest)
            continue
        # the stub sits in an earlier code cell (the check cell may be kept apart)
        earlier = [i for i in range(index - 1, -1, -1) if nb.cells[i].cell_type == "code"
                   and set(exercise.names) & assigned_names(nb.cells[i].source)]
        if not earlier or earlier[0] in roles:
            raise ValueError(f"{path.name}: no cell before {exercise.check}'s call assigns "
                             f"{', '.join(exercise.names)}")
        roles[earlier[0]] = ("answer", exercise, nb.cells[earlier[0]].source.rstrip("\n"))
        roles[index] = ("check", exercise, rest)

    cells = []
    for index, cell in enumerate(nb.cells):
        cell = nbformat.from_dict(cell)
        cell.pop("id", None)
        if cell.cell_type == "markdown":
            cell.source = SOLUTION_BLOCK.sub("", cell.source)
            if not cell.source.strip():
                continue
        role, exercise, rest = roles.get(index, (None, None, None))
        if role in ("answer", "answer and check"):
            answer = nbformat.v4.new_code_cell(
                "\n".join([rest, BEGIN, *solution_lines(exercise), END]),
                metadata=copy.deepcopy(cell.metadata))
            answer.metadata["nbgrader"] = nbgrader_metadata(exercise.grade_id + "-answer",
                                                            solution=True)
            cells.append(answer)
        if role in ("check", "answer and check"):
            source = check_source(exercise)
            if role == "check" and rest.strip():
                source = rest + "\n" + source
            check = nbformat.v4.new_code_cell(source, metadata=copy.deepcopy(cell.metadata))
            check.metadata["nbgrader"] = nbgrader_metadata(exercise.grade_id, grade=True,
                                                           points=POINTS)
            cells.append(check)
        if role is None:
            cell.metadata["nbgrader"] = nbgrader_metadata(f"{number_of(path)}-cell-{index}")
            cells.append(cell)
    nb.cells = cells
    for cell in nb.cells:
        cell.id = generate_corpus_id()
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


class Course:
    """A temporary nbgrader course directory, driven through nbgrader's Python API."""

    def __init__(self, root, timeout=600):
        from nbgrader.apps import NbGraderAPI
        from traitlets.config import Config

        # nbgrader runs the `alembic` command found on PATH when it creates a gradebook: ours
        bin_dir = str(pathlib.Path(sys.executable).parent)
        if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
            os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
        self.root = pathlib.Path(root)
        config = Config()
        config.CourseDirectory.root = str(self.root)
        config.CourseDirectory.course_id = "invlib-series"
        config.Exchange.root = str(self.root / "exchange")  # never the system-wide one
        (self.root / "exchange").mkdir(parents=True, exist_ok=True)
        config.ClearSolutions.code_stub = {"python": ""}  # the stub above the region stays
        config.Execute.timeout = timeout
        config.NbGraderAPI.log_level = "ERROR"
        self.api = NbGraderAPI(config=config)

    @staticmethod
    def assignment(path):
        return f"nb{number_of(path)}"

    def add_source(self, path):
        """Write a notebook's source version and generate its student version; the release path."""
        path = pathlib.Path(path)
        assignment = self.assignment(path)
        folder = self.root / "source" / assignment
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(source_version(path), folder / path.name)
        self.run("generate_assignment", assignment)
        return self.root / "release" / assignment / path.name

    def run(self, step, *args):
        with warnings.catch_warnings():
            # nbgrader 0.9.6 with SQLAlchemy 2 warns of its own session handling at autograde
            warnings.filterwarnings("ignore", message="Object of type <Submitted")
            result = getattr(self.api, step)(*args)
        if not result["success"]:
            raise RuntimeError(f"nbgrader {step} {' '.join(args)} failed:\n"
                               f"{result.get('error', '')}\n{result.get('log', '')}")
        return result

    def autograde(self, submission, source_name, student):
        """Autograde a filled-in copy of the notebook source_name: its Results in notebook order."""
        assignment = self.assignment(source_name)
        folder = self.root / "submitted" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(submission, folder / source_name)
        self.run("autograde", assignment, student)
        graded = nbformat.read(self.root / "autograded" / student / assignment / source_name,
                               as_version=4)
        notebook_id = pathlib.Path(source_name).stem
        gradebook = self.api.gradebook
        try:
            results = []
            for cell in graded.cells:
                meta = cell.metadata.get("nbgrader", {})
                if not meta.get("grade") or cell.cell_type != "code":
                    continue
                grade = gradebook.find_grade(meta["grade_id"], notebook_id, assignment, student)
                results.append(Result(meta["grade_id"], grade.score, grade.max_score,
                                      failure_message(cell)))
        finally:
            gradebook.close()
        return results


def failure_message(cell):
    """What a failing check cell said: the self-check's message, or the error it raised."""
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            if output.ename == "AssertionError":
                return output.evalue
            return f"{output.ename}: {output.evalue}"
    return ""


def series():
    """The notebooks of the series, in order."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))


def scratch():
    """A temporary folder for a course, in memory where the system has one (/dev/shm)."""
    # the gradebook commits once per cell: on a disk each commit waits for a sync
    shm = pathlib.Path("/dev/shm")
    return tempfile.TemporaryDirectory(prefix="classroom-", dir=shm if shm.is_dir() else None)


def make_student_copies(out_dir, notebooks=None):
    """Write the student version of each notebook (default: the whole series) into out_dir."""
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with scratch() as root:
        course = Course(root)
        for path in notebooks or series():
            release = course.add_source(path)
            shutil.copyfile(release, out_dir / release.name)
            written.append(out_dir / release.name)
    return written


def source_of_submission(path):
    """The series notebook a student copy was made from, by its graded cells' ids, else its name."""
    nb = nbformat.read(path, as_version=4)
    modules = {c.metadata["nbgrader"]["grade_id"].split("-")[0] for c in nb.cells
               if c.metadata.get("nbgrader", {}).get("grade")}
    numbers = {m[2:] for m in modules if re.fullmatch(r"nb\d\d", m)}
    if len(numbers) != 1:
        numbers = {number_of(path)}
    matches = sorted(NOTEBOOKS.glob(f"{numbers.pop()}-*.ipynb"))
    if len(matches) != 1:
        raise ValueError(f"{path}: found no notebook of the series it was made from")
    return matches[0]


def exercises_of(path):
    """The exercises of a series notebook, each with its key."""
    path = pathlib.Path(path)
    nb = nbformat.read(path, as_version=4)
    return [e for _, e, _ in find_exercises(nb, load_key(number_of(path)), path.name)]


def fill_in(student_copy, out_path, answers=None):
    """Fill a student copy's answers from the key, or from answers ({check name: arguments})."""
    answers = answers or {}
    nb = nbformat.read(student_copy, as_version=4)
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    for exercise in exercises_of(source_of_submission(student_copy)):
        given = dataclasses.replace(exercise, key=tuple(answers.get(exercise.check, exercise.key)))
        cell = cells[exercise.grade_id + "-answer"]
        cell.source = "\n".join([cell.source.rstrip("\n"), *solution_lines(given)])
    nbformat.write(nb, out_path)
    return out_path


def grade(submissions, timeout=600):
    """{copy: [Result, …]} for filled-in student copies, in one course, each copy a student."""
    grades = {}
    with scratch() as root:
        course = Course(root, timeout=timeout)
        sources = {}
        for number, submission in enumerate(submissions, 1):
            source = source_of_submission(submission)
            if source not in sources:
                sources[source] = course.add_source(source)
            grades[submission] = course.autograde(submission, source.name, f"copy{number}")
    return grades


def table(results):
    """A plain-text table: exercise, points out of the maximum, and the message for lost points."""
    width = max([len("exercise")] + [len(r.exercise) for r in results])
    lines = [f"{'exercise':<{width}}  points  feedback"]
    for r in results:
        line = (f"{r.exercise:<{width}}  {r.points:g}/{r.max_points:g}".ljust(width + 10)
                + (r.message if r.points < r.max_points else ""))
        lines.append(line.rstrip())
    total, most = sum(r.points for r in results), sum(r.max_points for r in results)
    lines.append(f"{'total':<{width}}  {total:g}/{most:g}")
    return "\n".join(lines)
