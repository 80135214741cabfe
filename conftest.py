"""Shared test settings, for tests/ and for the notebooks that nbval runs.

BLAS threads are limited to one: the arrays here are tiny, and on a 2-core machine
extra threads only fight each other (a logistic-regression fit took 11 s instead of
0.2 s). This file sits at the root so that it is loaded for `pytest notebooks/X.ipynb`
too; nbval's kernels inherit the environment.
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from hypothesis import settings  # noqa: E402

# In CI the property-based tests draw the same examples every run (a failure there is then
# reproducible); elsewhere they explore new examples each time.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
