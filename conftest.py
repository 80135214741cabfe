"""Shared test settings, for tests/ and for the notebooks that nbval runs.

BLAS threads are limited to one: the arrays here are tiny, and on a 2-core machine
extra threads only fight each other (a logistic-regression fit took 11 s instead of
0.2 s). This file sits at the root so that it is loaded for `pytest notebooks/X.ipynb`
too; nbval's kernels inherit the environment. The hypothesis settings are in
tests/conftest.py.
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
