"""Helpers shared by the notebooks of *Neural Networks – From Theory to Practice*.

Everything a notebook needs more than once lives here, documented and
unit-tested, so the notebooks can read like the lecture::

    from nncourse import load_mnist, use_course_style
"""

from nncourse.data import (
    CorruptDatasetError,
    DatasetError,
    DatasetUnavailableError,
    check_datasets,
    load_california_housing,
    load_mnist,
)
from nncourse.output import plain_warnings
from nncourse.plotting import OKABE_ITO, plot_decision_boundary, plot_digit_grid, use_course_style
from nncourse.timing import format_duration, stopwatch

__version__ = "1.0.0"

__all__ = [
    "CorruptDatasetError",
    "DatasetError",
    "DatasetUnavailableError",
    "OKABE_ITO",
    "check_datasets",
    "format_duration",
    "load_california_housing",
    "load_mnist",
    "plot_decision_boundary",
    "plain_warnings",
    "plot_digit_grid",
    "stopwatch",
    "use_course_style",
]
