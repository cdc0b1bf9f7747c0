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


def _runs_notebooks(config) -> bool:
    """Whether this run will execute notebooks (nbval on, and a notebook among the paths)."""
    from pathlib import Path

    if not config.getoption("nbval", default=False):
        return False
    for arg in config.args:
        path = Path(str(arg).split("::")[0])
        if path.suffix == ".ipynb":
            return True
        if path.is_dir() and any(
            ".ipynb_checkpoints" not in p.parts for p in path.rglob("*.ipynb")
        ):
            return True
    return False


def pytest_sessionstart(session):
    """Before any notebook runs, make sure both datasets are there (downloading them if
    they can be), or stop the whole run with one message that says what is missing,
    where it was looked for and how to get it: without the data every notebook would
    fail, each with a long traceback that hides the cause."""
    config = session.config
    if hasattr(config, "workerinput") or not _runs_notebooks(config):
        return  # a pytest-xdist worker (the controller checked), or no notebook to run
    import pytest

    from nncourse.data import DatasetError, check_datasets

    import warnings

    try:
        with warnings.catch_warnings():  # scikit-learn's "Retrying..." lines add nothing here
            warnings.simplefilter("ignore")
            check_datasets()
    except DatasetError as error:
        pytest.exit(f"\n{error}\n", returncode=pytest.ExitCode.USAGE_ERROR)


def pytest_ignore_collect(collection_path, config):
    """Keep nbval away from the generated *student* versions of the exercise notebooks.

    tools/make_student_notebooks.py writes notebooks/NN-*.ipynb from
    notebooks/solutions/NN-*.ipynb with every answer replaced by `...`, so by
    design a student notebook stops with a "not answered yet" AssertionError at
    its first check cell, and it stores no outputs to compare. nbval executes
    the solution notebooks instead; tests/test_exercises.py checks the student
    versions (up to date, valid, and failing exactly at the first check).

    Only a notebook carrying the generator's marker
    `metadata.nncourse.student_version_of`, naming a solution notebook that
    exists, is skipped; every other notebook is collected as usual.
    """
    if collection_path.suffix != ".ipynb" or not collection_path.is_file():
        return None
    import json

    try:
        metadata = json.loads(collection_path.read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError, AttributeError):
        return None  # unreadable: let nbval collect it and report the problem
    marker = metadata.get("nncourse") if isinstance(metadata, dict) else None
    source = marker.get("student_version_of") if isinstance(marker, dict) else None
    if isinstance(source, str) and source and (collection_path.parent / source).is_file():
        return True
    return None
