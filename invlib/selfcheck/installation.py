"""Is everything the series needs installed, and does a tiny inversion give the right answer?

check_installation() reports one line per requirement (versions only when one is too old, so
the report reads the same wherever all is well). From a terminal,
`python -m invlib.selfcheck.installation` exits with status 1 when something needs fixing.
"""

import importlib
import re
import sys
from typing import NamedTuple

#: Where every installation problem is fixed.
INSTALL_FIX = "run `pip install -r requirements.txt` in the series' folder"

#: The oldest versions the series is known to work with: (module, (major, minor)).
MINIMUM_VERSIONS = (
    ("numpy", (1, 26)),
    ("sympy", (1, 12)),
    ("matplotlib", (3, 8)),
    ("ipywidgets", (8, 1)),
)
MINIMUM_PYTHON = (3, 10)


class CheckItem(NamedTuple):
    """One line of the installation report: what was checked, whether it passed, and why."""

    name: str
    ok: bool
    message: str


class InstallationReport:
    """The result of check_installation, one CheckItem per requirement.
    Truthy when every item passed; prints as one line per item and a verdict."""

    def __init__(self, items):
        self.items = list(items)

    @property
    def ok(self):
        return all(item.ok for item in self.items)

    def __bool__(self):
        return self.ok

    def __repr__(self):
        lines = [("OK     " if item.ok else "FIX    ") + item.message for item in self.items]
        if self.ok:
            lines.append("All requirements are met: the series is ready to run.")
        else:
            failed = sum(not item.ok for item in self.items)
            lines.append(
                f"{failed} of {len(self.items)} checks need fixing (the lines marked FIX). "
                "After fixing, restart the kernel and run this check again."
            )
        return "\n".join(lines)

    __str__ = __repr__


def _python_version():
    """The running Python's (major, minor); a function so that the tests can replace it."""
    return tuple(sys.version_info[:2])


def _parse_version(text):
    """(major, minor) from a version string such as '2.4.6' or '1.26.0rc1', else None."""
    match = re.match(r"\s*(\d+)\.(\d+)", str(text))
    return (int(match.group(1)), int(match.group(2))) if match else None


def _dotted(version):
    return ".".join(str(part) for part in version)


def _check_python():
    found = _python_version()
    need = _dotted(MINIMUM_PYTHON)
    if found >= MINIMUM_PYTHON:
        return CheckItem("python", True, f"Python (at least {need})")
    return CheckItem(
        "python", False,
        f"Python {_dotted(found)} is too old (at least {need} is needed): install a newer "
        f"Python, then {INSTALL_FIX}.",
    )


def _check_module(name, minimum):
    """Import `name` and compare its __version__ with `minimum` (major, minor)."""
    need = _dotted(minimum)
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError:
        return CheckItem(name, False, f"{name} is missing: {INSTALL_FIX}.")
    except Exception as error:  # a broken install fails in many ways; say which
        return CheckItem(
            name, False,
            f"{name} is installed but does not import ({type(error).__name__}: {error}): "
            f"{INSTALL_FIX}.",
        )
    found_text = getattr(module, "__version__", "")
    found = _parse_version(found_text)
    if found is None:
        return CheckItem(
            name, True,
            f"{name} (its version {found_text!r} could not be read; at least {need} is needed)",
        )
    if found < minimum:
        return CheckItem(
            name, False,
            f"{name} {found_text} is too old (at least {need} is needed): {INSTALL_FIX}.",
        )
    return CheckItem(name, True, f"{name} (at least {need})")


def _check_invlib():
    try:
        invlib = importlib.import_module("invlib")
    except ModuleNotFoundError:
        return CheckItem("invlib", False, f"invlib is missing: {INSTALL_FIX}.")
    except Exception as error:
        return CheckItem(
            "invlib", False,
            f"invlib does not import ({type(error).__name__}: {error}): {INSTALL_FIX}.",
        )
    missing = [name for name in ("invert", "Line", "data") if not hasattr(invlib, name)]
    if missing:
        return CheckItem(
            "invlib", False,
            f"the invlib found lacks {', '.join(missing)}: it is not the series' own copy; "
            f"{INSTALL_FIX}.",
        )
    return CheckItem("invlib", True, "invlib (the series' helper library)")


def _check_inversion():
    """Invert x = 0 through f(y) = 2y − 4 with the original's numbers: the answer is 2.00."""
    label = "a tiny inversion: f(y) = 2y - 4 and x = 0 give y = 2.00 after 20 steps"
    try:
        invlib = importlib.import_module("invlib")
        problem = invlib.data.original_problem()
        result = invlib.invert(invlib.Line(), problem.theta_true, 0.0, problem.y0_inversion,
                               problem.alpha, problem.n_steps)
        y = float(result.y)
    except Exception as error:
        return CheckItem(
            "inversion", False,
            f"the tiny inversion failed ({type(error).__name__}: {error}): {INSTALL_FIX}.",
        )
    if not abs(y - 2.0) < 0.005:
        return CheckItem(
            "inversion", False,
            f"the tiny inversion gave y = {y:.4g} instead of 2.00: invlib has been changed or "
            f"is an old copy; {INSTALL_FIX}.",
        )
    return CheckItem("inversion", True, label)


def check_installation():
    """Check Python, numpy, sympy, matplotlib, ipywidgets (versions), invlib, and that x = 0
    through f(y) = 2y − 4 inverts to y = 2.00; returns an InstallationReport."""
    items = [_check_python()]
    items += [_check_module(name, minimum) for name, minimum in MINIMUM_VERSIONS]
    items.append(_check_invlib())
    if items[-1].ok:
        items.append(_check_inversion())
    return InstallationReport(items)


def main():
    """Run the check from a terminal; the exit status is 0 when all is well, else 1."""
    report = check_installation()
    print(report)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
