"""The ways people run the series: Binder's configuration, the pins, one kernel name."""

import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tools import links

ROOT = pathlib.Path(__file__).resolve().parents[1]


def binder_python():
    """The Python version Binder builds with, from binder/runtime.txt ("python-3.11")."""
    return (ROOT / "binder" / "runtime.txt").read_text().strip().removeprefix("python-")


def pins(path, python):
    """{package: version} pinned by a requirements file for one Python version (markers applied)."""
    environment = {"python_version": python, "python_full_version": python + ".0"}
    found = {}
    for line in path.read_text().splitlines():
        line = line.split(" #")[0].strip()
        if not line or line.startswith(("#", "-", "./")):  # options, and the repository's own packages
            continue
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate(environment):
            name = canonicalize_name(requirement.name)
            assert name not in found, f"{path.name}: {name} is pinned twice for Python {python}"
            (found[name],) = [s.version for s in requirement.specifier if s.operator == "=="]
    return found


def test_binder_pins_agree_with_requirements():
    """Binder installs, on its Python, the versions requirements.txt pins for that Python."""
    python = binder_python()
    main, binder = pins(ROOT / "requirements.txt", python), pins(ROOT / "binder" / "requirements.txt", python)
    assert binder, "binder/requirements.txt pins nothing"
    for name, version in binder.items():
        assert main.get(name) == version, f"{name}: binder {version}, requirements {main.get(name)} on Python {python}"
    missing = set(main) - set(binder)
    assert not missing, f"binder/requirements.txt lacks {sorted(missing)}"


def test_pins_apply_markers(tmp_path):
    path = tmp_path / "requirements.txt"
    path.write_text('# pins\nnumpy==2.4.6; python_version >= "3.11"\n'
                    'numpy==2.2.6; python_version < "3.11"  # the last for 3.10\n-e .\nSympy==1.14.0\n')
    assert pins(path, "3.10") == {"numpy": "2.2.6", "sympy": "1.14.0"}
    assert pins(path, "3.12") == {"numpy": "2.4.6", "sympy": "1.14.0"}


def test_binder_configuration_builds_offline():
    """repo2docker --no-build prints the Dockerfile it would build, without Docker."""
    exe = shutil.which("repo2docker") or str(pathlib.Path(sys.executable).with_name("repo2docker"))
    result = subprocess.run([exe, "--no-build", "--debug", str(ROOT)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    dockerfile = result.stdout + result.stderr
    assert 'pip install --no-cache-dir -r "binder/requirements.txt"' in dockerfile
    assert "./binder/postBuild" in dockerfile
    assert "conda environment for python=3.11" in dockerfile, "runtime.txt should select Python 3.11"
    # postBuild installs invlib, which needs the repository: it must run after the copy.
    assert dockerfile.index("COPY --chown") < dockerfile.rindex("./binder/postBuild")
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert "pip install --no-deps -e ." in post_build
    assert "pip install --no-deps ./dashboard-support" in post_build


def test_every_notebook_uses_the_same_kernel_and_is_executed():
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks
    for path in notebooks:
        nb = json.loads(path.read_text())
        assert nb["metadata"]["kernelspec"]["name"] == "python3", path.name
        counts = [c.get("execution_count") for c in nb["cells"] if c["cell_type"] == "code"]
        assert counts == list(range(1, len(counts) + 1)), f"{path.name} is not executed in one run"


LINK = re.compile(r"https?://[^\s)<>\]`'\"]+")


def test_every_link_to_the_repository_is_built_from_its_address():
    """Binder, nbgitpuller and repository links in README.md and docs/ are those tools.links
    builds from pyproject.toml's address (run `python -m tools.links` to print them)."""
    repo = links.repository()
    slug = repo.split("://", 1)[1].split("/", 1)[1].removesuffix(".git")  # owner/name
    notebooks = [p.relative_to(ROOT).as_posix() for p in sorted((ROOT / "notebooks").glob("*.ipynb"))]
    built = {"binder": {links.binder_link(nb) for nb in notebooks},
             "nbgitpuller": {links.nbgitpuller_link("HUB", nb) for nb in notebooks}}
    seen = set()
    for path in [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for url in LINK.findall(path.read_text()):
            kind = ("binder" if url.startswith("https://mybinder.org/v2/") else
                    "nbgitpuller" if "/git-pull?" in url else "repository" if slug in url else None)
            if kind == "repository":
                assert url == repo or url.startswith(repo + "/"), f"{path.name}: {url} is not under {repo}"
            elif kind:
                assert url in built[kind], (f"{path.name}: {url} is not built from {repo} "
                                            "(`python -m tools.links` prints the right one)")
            seen.add((path.name, kind))
    for expected in [("README.md", "binder"), ("README.md", "nbgitpuller"), ("teaching.md", "nbgitpuller")]:
        assert expected in seen, f"no {expected[1]} link found in {expected[0]}"
    assert links.binder_link() in (ROOT / "README.md").read_text(), "the badge should open notebook 00"


def test_links_are_built_from_the_address_given():
    github = "https://github.com/someone/series"
    assert (links.binder_link("notebooks/a.ipynb", repo=github)
            == "https://mybinder.org/v2/gh/someone/series/HEAD?urlpath=lab/tree/notebooks/a.ipynb")
    assert (links.binder_link("a.ipynb", repo="https://gitlab.com/group/sub/series.git")
            == "https://mybinder.org/v2/gl/group%2Fsub%2Fseries/HEAD?urlpath=lab/tree/a.ipynb")
    assert (links.binder_link("a.ipynb", repo="https://git.example.org/series")
            == "https://mybinder.org/v2/git/https%3A%2F%2Fgit.example.org%2Fseries/HEAD?urlpath=lab/tree/a.ipynb")
    assert (links.nbgitpuller_link("hub.uni.edu/", "notebooks/a.ipynb", repo=github + ".git")
            == "https://hub.uni.edu/hub/user-redirect/git-pull?repo=https://github.com/someone/series.git"
               "&branch=main&urlpath=lab/tree/series/notebooks/a.ipynb")


def test_links_command_prints_the_links_and_rejects_a_missing_notebook():
    run = [sys.executable, "-m", "tools.links", "--hub", "https://hub.uni.edu"]
    result = subprocess.run(run, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert links.binder_link() in result.stdout
    assert links.nbgitpuller_link("https://hub.uni.edu") in result.stdout
    result = subprocess.run(run + ["--notebook", "notebooks/nope.ipynb"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2 and "--notebook: notebooks/nope.ipynb is not a file" in result.stderr


def test_core_imports_neither_matplotlib_nor_ipywidgets():
    code = ("import sys, invlib; invlib.train; "
            "bad = [m for m in ('matplotlib', 'ipywidgets') if m in sys.modules]; print(bad)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


def test_notebook_benchmark_runs_from_the_repository():
    """It times the notebooks it is given against its baseline (times are not asserted)."""
    result = subprocess.run([sys.executable, "-m", "benchmarks.notebook_times", "-n", "0",
                             "notebooks/00-start-here.ipynb"],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert re.search(r"baseline \(kernel start \+ imports\): [\d.]+ s", result.stdout)
    assert re.search(r"00-start-here.ipynb\s+[\d.]+\s+[\d.]+×", result.stdout), result.stdout


def test_sympy_is_loaded_only_when_something_symbolic_is_used():
    code = ("import sys, invlib; invlib.train(invlib.Line(), [0.0], [2.0], theta0=(2.0, -4.0), "
            "y0=0.0, alpha=0.05, beta=0.01, n_steps=5, n_epochs=3); print('sympy' in sys.modules); "
            "print(invlib.Line().expr, invlib.symbolic.update_rule(invlib.Line()) is not None, "
            "'sympy' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.split("\n")[:2] == ["False", "a*y + b True True"], result.stdout + result.stderr


@pytest.mark.parametrize("argv", [["--repeat", "1", "--baseline-epochs", "5"]])
def test_benchmark_runs_from_the_repository(argv):
    """The benchmark runs and prints a ratio per model (its timings are not asserted)."""
    result = subprocess.run([sys.executable, "-m", "benchmarks.training_speed", *argv], capture_output=True,
                            text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert re.search(r"line\s+[\d.]+\s+[\d.]+\s+\d+x", result.stdout), result.stdout


def test_notebooks_stand_alone_and_store_no_widget_state():
    """No notebook writes or reads files another could depend on, edits sys.path, or
    carries widget state (random ids and PNGs that change on every run)."""
    forbidden = ["sys.path", "savefig(", "open(", "np.save", "np.load", "to_csv", "pickle"]
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text())
        assert "widgets" not in nb["metadata"], f"{path.name}: run tools/run_notebooks.py"
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"])
            for word in forbidden:
                assert word not in source, f"{path.name}: {word!r} in a code cell"


def test_relative_links_point_to_files_that_exist():
    """Every relative link in the README, the docs and the notebooks' markdown resolves."""
    sources = [(ROOT / "README.md", (ROOT / "README.md").read_text()),
               (ROOT / "CONTRIBUTING.md", (ROOT / "CONTRIBUTING.md").read_text())]
    sources += [(p, p.read_text()) for p in (ROOT / "docs").glob("*.md")]
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text())
        text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
        sources.append((path, text))
    for path, text in sources:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if re.match(r"[a-z]+:", target):
                continue  # an absolute URL
            assert (path.parent / target).exists(), f"{path.name}: broken link {target}"


def test_figure_is_finite_catches_nan_in_every_kind_of_artist():
    import numpy as np

    from invlib import plots, widgets

    for draw in (lambda ax: ax.plot([0, 1], [0, np.nan]),
                 lambda ax: ax.bar([0, 1], [1, np.nan]),
                 lambda ax: ax.pcolormesh(np.array([[1.0, np.nan], [2.0, 3.0]])),
                 lambda ax: ax.scatter([1.0, np.inf], [2.0, 3.0]),
                 lambda ax: ax.imshow(np.array([[np.nan, 1.0]]))):
        fig, ax = plots.new_figure()
        draw(ax)
        assert not widgets.figure_is_finite(fig)
    fig, ax = plots.new_figure()
    ax.plot([0, 1], [0, 1])
    ax.bar([0, 1], [1, 2])
    assert widgets.figure_is_finite(fig)


def test_show_digits_lays_out_8x8_tiles_with_blank_columns():
    import numpy as np

    from invlib import plots

    fig, ax = plots.new_figure()
    rows = np.arange(3 * 64, dtype=float).reshape(3, 64)
    image = plots.show_digits(ax, rows, ["a", "b", "c"], limits=(0, 200))
    shown = np.asarray(image.get_array())
    assert shown.shape == (8, 3 * 8 + 2)
    np.testing.assert_array_equal(shown[:, 9:17], rows[1].reshape(8, 8))
    assert np.all(np.isnan(np.ma.getdata(shown)[:, [8, 17]]))
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]


def test_property_based_tests_are_reproducible_in_ci():
    """In CI (CI set) hypothesis draws the same examples every run; elsewhere it explores."""
    from hypothesis import settings

    assert settings().derandomize == bool(os.environ.get("CI"))
