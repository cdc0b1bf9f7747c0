"""nncourse.output: warnings printed without the path of the executing machine."""

import subprocess
import sys
import warnings

from nncourse import plain_warnings
from nncourse.output import format_warning


def test_format_warning_names_category_and_message_only():
    line = format_warning(UserWarning("scale your data"), UserWarning, "/home/me/x.py", 12)
    assert line == "UserWarning: scale your data\n"


def test_a_warning_prints_without_its_file_path():
    code = (
        "import warnings\n"
        "from nncourse import plain_warnings\n"
        "plain_warnings()\n"
        "from sklearn.exceptions import ConvergenceWarning\n"
        "warnings.warn('Maximum iterations (5) reached', ConvergenceWarning)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stderr == "ConvergenceWarning: Maximum iterations (5) reached\n"


def test_without_it_the_path_shows():
    """What plain_warnings is for: Python's own format names the file."""
    code = "import warnings\nwarnings.warn('x', UserWarning)\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "<string>:2: UserWarning: x" in done.stderr


def test_idempotent():
    before = warnings.formatwarning
    try:
        plain_warnings()
        plain_warnings()
        assert warnings.formatwarning is format_warning
    finally:
        warnings.formatwarning = before
