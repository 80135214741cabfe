"""The pinned requirements install from wheels on every Python and platform the README names.

uv resolves requirements-test.txt (which includes requirements.txt, without the local
`-e .`) plus invlib's own dependencies for each (Python, platform) pair, wheels only, from
the indexes pip is configured with. The Pythons are pyproject.toml's classifiers. Needs
the package index: skipped when it cannot be reached, except in CI (CI=true).
"""

import os
import re
import subprocess
import sys

import pytest
from packaging.specifiers import SpecifierSet

from test_environment import ROOT, binder_python, pins
from tools.links import tomllib

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
PYTHONS = [c.rsplit(" :: ", 1)[1] for c in PYPROJECT["classifiers"]
           if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)]
#: The learners' platforms, as uv names them (manylinux_2_28: glibc 2.28 or newer).
PLATFORMS = {
    "Linux x86_64": "x86_64-manylinux_2_28",
    "Linux aarch64": "aarch64-manylinux_2_28",
    "macOS arm64": "aarch64-apple-darwin",
    "macOS x86_64": "x86_64-apple-darwin",
    "Windows x86_64": "x86_64-pc-windows-msvc",
}
IN_CI = os.environ.get("CI") == "true"
UNREACHABLE = re.compile(r"dns error|[Cc]onnect|timed out|[Nn]etwork is unreachable|os error 1[01]\d")


def requirement_lines(path):
    """The lines of a requirements file with `-r` includes expanded and the repository's own
    packages (`-e .`, `./dashboard-support`) left out."""
    for line in path.read_text().splitlines():
        if line.startswith("-r "):
            yield from requirement_lines(path.parent / line[3:].strip())
        elif line.strip() and not line.startswith(("#", "-e ", "./")):
            yield line


def pip_index_options():
    """uv options and environment for the indexes, links and certificates pip is configured with."""
    listed = subprocess.run([sys.executable, "-m", "pip", "config", "list"],
                            capture_output=True, text=True, check=True).stdout
    config = {}
    for scope in ("global", "install", ":env:"):  # later scopes override earlier ones
        for line in listed.splitlines():
            match = re.fullmatch(r"([^.]+)\.([a-z-]+)='(.*)'", line)
            if match and match.group(1) == scope:
                config[match.group(2)] = match.group(3)
    options = ["--index-strategy", "unsafe-best-match"]  # like pip: best version on any index
    flags = {"index-url": "--index-url", "extra-index-url": "--extra-index-url",
             "find-links": "--find-links", "constraint": "--constraint"}
    for key, flag in flags.items():
        for value in config.get(key, "").split():
            options += [flag, value]
    if config.get("no-index", "").lower() in ("1", "true", "yes", "on"):
        options.append("--no-index")
    environment = {"SSL_CERT_FILE": config["cert"]} if "cert" in config else {}
    return options, environment


@pytest.fixture(scope="module")
def resolver(tmp_path_factory):
    """A function that resolves the pinned set for one (Python, platform) and returns uv's result."""
    try:
        import uv
    except ImportError:
        if IN_CI:
            raise
        pytest.skip("uv is missing: pip install -r requirements-test.txt")
    uv = uv.find_uv_bin()
    wanted = tmp_path_factory.mktemp("install") / "requirements.txt"
    wanted.write_text("\n".join([*requirement_lines(ROOT / "requirements-test.txt"),
                                 *PYPROJECT["dependencies"]]) + "\n")
    options, environment = pip_index_options()

    def resolve(python, platform):
        if resolve.unreachable:  # one skip reason for all, without waiting for each
            pytest.skip(f"the package index cannot be reached: {resolve.unreachable}")
        command = [uv, "pip", "compile", "--quiet", "--no-config", "--no-python-downloads",
                   "--python", sys.executable, "--only-binary", ":all:", "--no-header",
                   "--python-version", python, "--python-platform", platform, *options, str(wanted)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=300,
                                env={**os.environ, **environment})
        if result.returncode and UNREACHABLE.search(result.stderr) and not IN_CI:
            resolve.unreachable = result.stderr.strip()[-300:]
            pytest.skip(f"the package index cannot be reached: {resolve.unreachable}")
        return result

    resolve.unreachable = ""
    return resolve


@pytest.mark.parametrize("platform", PLATFORMS.values(), ids=PLATFORMS.keys())
@pytest.mark.parametrize("python", PYTHONS)
def test_pinned_set_installs_from_wheels(resolver, python, platform):
    result = resolver(python, platform)
    assert result.returncode == 0, f"Python {python} on {platform}:\n{result.stderr[-3000:]}"
    resolved = dict(re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)", result.stdout, re.MULTILINE))
    wanted = pins(ROOT / "requirements-test.txt", python) | pins(ROOT / "requirements.txt", python)
    for name, version in wanted.items():
        assert resolved.get(name) == version, f"Python {python}: {name} {resolved.get(name)}, not {version}"


def test_every_python_gets_one_pin_of_every_package():
    """Markers split a package's pins by Python version: each named Python gets each package once."""
    for path in (ROOT / "requirements.txt", ROOT / "requirements-test.txt"):
        names = {python: set(pins(path, python)) for python in PYTHONS}
        for python in PYTHONS:
            assert names[python] == names[binder_python()], f"{path.name}: Python {python} vs Binder's"


def test_pythons_agree_across_pyproject_readme_binder_and_the_install_check():
    """The classifiers name consecutive Pythons from requires-python's floor, which is the
    installation check's minimum; Binder's is among them and the README names the range."""
    from invlib.selfcheck.installation import MINIMUM_PYTHON

    minors = [int(python.split(".")[1]) for python in PYTHONS]
    assert minors == list(range(minors[0], minors[-1] + 1)), f"a gap in {PYTHONS}"
    assert (3, minors[0]) == tuple(MINIMUM_PYTHON), f"classifiers from {PYTHONS[0]}, invlib {MINIMUM_PYTHON}"
    allowed = SpecifierSet(PYPROJECT["requires-python"])
    floor = [allowed.contains(f"3.{minor}.0") for minor in [minors[0] - 1, *minors]]
    assert floor == [False] + [True] * len(minors), f"requires-python {allowed} vs {PYTHONS}"
    assert binder_python() in PYTHONS
    readme = (ROOT / "README.md").read_text()
    assert f"Python {PYTHONS[0]}–{PYTHONS[-1]}" in readme, "the README should name the Pythons proven here"
