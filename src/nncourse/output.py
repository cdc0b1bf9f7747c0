"""Notebook output that is the same on every machine.

A stored output is published on the course site and compared by nbval, so it
must not depend on where the notebook ran. Python prints a warning with the
path of the file that raised it, e.g.
``/home/me/.venv/lib/python3.11/site-packages/sklearn/.../_multilayer_perceptron.py:785:``,
which names the executing machine's folders. :func:`plain_warnings` prints
warnings as ``ConvergenceWarning: <message>`` instead: what a student needs to
read, identical everywhere.
"""

from __future__ import annotations

import warnings

__all__ = ["plain_warnings", "format_warning"]


def format_warning(message, category, filename, lineno, line=None) -> str:
    """``"Category: message\\n"``, without the file and line that raised it."""
    return f"{category.__name__}: {message}\n"


def plain_warnings() -> None:
    """Print every later warning as ``Category: message`` (no file path). Idempotent.

    Warnings still show, once per place as usual; only their first line is
    shorter. Call it once in a notebook's setup cell.
    """
    warnings.formatwarning = format_warning
