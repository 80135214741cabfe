"""Settings for the library tests (the notebooks do not need them, so nbval runs of the
notebooks alone do not load hypothesis)."""

import importlib.util
import os

import pytest
from hypothesis import settings

# In CI the property-based tests draw the same examples every run (a failure there is then
# reproducible); elsewhere they explore new examples each time.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def missing_browser():
    """Why the browser tests cannot run here, or None."""
    from benchmarks import lab_driver

    if not os.path.exists(lab_driver.CHROMIUM):
        return f"no Chromium at {lab_driver.CHROMIUM} (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed"
    return None


@pytest.fixture(scope="module")
def lab():
    """JupyterLab and headless Chromium for a test module. A missing browser skips the tests
    with the reason outside CI and fails them in CI (CI=true)."""
    from benchmarks import lab_driver

    reason = missing_browser()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run in CI: {reason}")
        pytest.skip(reason)
    with lab_driver.jupyter_lab() as server, lab_driver.browser() as chromium:
        yield server, chromium
