"""Shared test settings.

BLAS threads are limited to one: the arrays here are tiny, and on a 2-core machine
extra threads only fight each other. Notebooks are executed by nbval (see README).
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
