"""Regenerate requirements-lock.txt: every package of the course environment, pinned.

    python tools/lock.py            # resolve requirements.in afresh -> requirements-lock.txt
    python tools/lock.py --upgrade  # the same, letting unpinned dependencies move to their newest

requirements.in names what the course uses directly, each pinned to the version
its stored outputs were made with. pip-compile (pip-tools, pinned below) resolves
everything those packages need, for the Python running this script (the course's:
3.11, Linux x86_64), and writes one `name==version` line per package, with the
packages that pulled it in. pip-tools runs in a throwaway virtual environment, so
the course environment stays exactly the lock (tests/test_environment.py checks).

Then: `python -m pip install -r requirements.txt` into a fresh venv, and
`python -m pytest`: every notebook is re-executed on the new lock.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PIP_TOOLS = "pip-tools==7.6.2"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--upgrade", action="store_true", help="let unpinned dependencies move to their newest")
    args = parser.parse_args(argv)
    if sys.version_info[:2] != (3, 11):
        print(f"error: the lock is for Python 3.11; this is {sys.version.split()[0]}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        venv.create(tmp, with_pip=True)
        python = str(Path(tmp) / "bin" / "python")
        subprocess.run([python, "-m", "pip", "install", "--quiet", PIP_TOOLS], check=True)
        command = [
            python, "-m", "piptools", "compile", "--quiet", "--strip-extras", "--no-emit-index-url", "--no-emit-find-links",
            "--output-file", "requirements-lock.txt", "requirements.in",
        ]
        if args.upgrade:
            command.append("--upgrade")
        subprocess.run(command, cwd=ROOT, check=True)
    lines = (ROOT / "requirements-lock.txt").read_text().splitlines()
    print(f"requirements-lock.txt: {sum('==' in line and not line.startswith('#') for line in lines)} packages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
