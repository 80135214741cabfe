"""The house rules of invlib's layout, read from the source (nothing is imported):

- the training core (invlib.training and every invlib module it imports at module level,
  transitively) stays small enough to read in one sitting and imports no lesson module;
- no invlib module reaches into another's private names (module._name; the shared argument
  checks of invlib._validate are the one private module every module uses);
- the notebook number is the key: dashboards/nbXX.py and selfcheck/nbXX.py belong to
  notebooks/XX-*.ipynb, and each has tests/test_nbXX.py.
"""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "invlib"
LESSON_MODULES = {"rates", "gradients", "regression", "templates", "symbolic", "data"}


def module_path(name):
    """invlib.a.b -> its file (a module or a package's __init__)."""
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py") if path.with_suffix(".py").exists() else path / "__init__.py"


def module_level_imports(name):
    """The invlib modules a module imports at its top level (not inside functions)."""
    path = module_path(name)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            base = f"{base}.{node.module}" if node.level and node.module else (node.module or base)
            if not base.startswith("invlib"):
                continue
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if module_path(candidate).exists() else base)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("invlib")}
    return found


def closure(name):
    seen, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        todo += module_level_imports(current)
    return seen - {"invlib"}


def test_the_training_core_is_small_and_imports_no_lesson_module():
    core = closure("invlib.training")
    assert {"invlib.inversion", "invlib.line", "invlib.models", "invlib._validate"} <= core
    lessons = {m for m in core if m.rpartition(".")[2] in LESSON_MODULES}
    assert not lessons, f"the training core imports lesson modules {sorted(lessons)}"
    lines = {m: len(module_path(m).read_text().splitlines()) for m in core}
    assert sum(lines.values()) <= 800, lines


def test_inversion_imports_no_lesson_module():
    assert not {m for m in closure("invlib.inversion") if m.rpartition(".")[2] in LESSON_MODULES}


def test_no_module_reaches_into_another_modules_private_names():
    reaches = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text())
        modules = set()  # names bound to invlib modules in this file
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("invlib")):
                for alias in node.names:
                    is_module = (path.parent / f"{alias.name}.py").exists() or alias.name == "_validate"
                    if alias.name.startswith("_") and not alias.name.startswith("__") and not is_module:
                        reaches.append(f"{path.relative_to(ROOT)}: from … import {alias.name}")
                    modules.add(alias.asname or alias.name)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in modules and node.attr.startswith("_")
                    and not node.attr.startswith("__") and node.value.id != "_validate"):
                reaches.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value.id}.{node.attr}")
    assert not reaches, "\n".join(reaches)


def test_the_notebook_number_is_the_key():
    numbers = {p.name[:2] for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")}
    for folder in ("dashboards", "selfcheck"):
        for path in (PACKAGE / folder).glob("*.py"):
            if path.stem in ("__init__", "installation"):
                continue
            assert path.stem.startswith("nb") and path.stem[2:] in numbers, path
            assert (ROOT / "tests" / f"test_{path.stem}.py").exists(), f"no tests/test_{path.stem}.py"
