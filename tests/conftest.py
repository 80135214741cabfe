"""Settings for the library tests (the notebooks do not need them, so nbval runs of the
notebooks alone do not load hypothesis)."""

import os

from hypothesis import settings

# In CI the property-based tests draw the same examples every run (a failure there is then
# reproducible); elsewhere they explore new examples each time.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
