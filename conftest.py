"""Test-session setup shared by the unit tests and the nbval notebook runs.

Runs before any notebook kernel starts, and kernels inherit this process's
environment, so what is fixed here is fixed in every notebook too.
"""

import os

# One thread for BLAS and OpenMP: a second run, another machine and another
# BLAS kernel (e.g. OPENBLAS_CORETYPE=Haswell) then reproduce the stored
# outputs. pytest-xdist runs notebooks side by side instead (one per core).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"
os.environ["PYTHONHASHSEED"] = "0"
# ipykernel's debugger otherwise warns about frozen modules on stderr.
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")


def pytest_configure(config):
    # Build matplotlib's font cache in this process: on a fresh machine the
    # first kernel would otherwise print "Matplotlib is building the font
    # cache" into a cell's output and fail the comparison.
    import matplotlib.font_manager  # noqa: F401
