"""Move `#|` cell options into the cell's metadata, where JupyterLab hides them.

    python tools/cell_options.py            # rewrite every notebook that has `#|` lines
    python tools/cell_options.py --check    # change nothing; exit 1 if a cell still has them

Quarto reads a code cell's options from its leading `#|` lines or from the
cell's own metadata (the keys at the top of `cell.metadata`, as `label`,
`fig-cap`, `output-location` here; a `#|` line wins when both give one). A
student in JupyterLab reads the code, not a figure's 300-character caption and
alt text, so the course keeps them in the metadata. Write a new cell with `#|`
lines as usual (see CONTRIBUTING.md), then run this: it parses them as YAML,
moves every option into the metadata and removes the lines. Only the source
and metadata of code cells change, never an output or an execution count.
JupyterLab shows and edits the metadata in its property inspector (the gear
icon on the right, "Advanced Tools"). tests/test_site.py fails on a `#|` line.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from sync_front_matter import notebook_paths  # noqa: E402

# Cell metadata that belongs to Jupyter or to the course's tools, not to Quarto.
NOT_QUARTO = frozenset({"tags", "jupyter", "collapsed", "scrolled", "editable", "deletable", "execution",
                        "slideshow", "trusted", "id", "name", "format"})


def option_lines(source: str) -> tuple[list[str], list[str]]:
    """The leading `#|` lines of a cell and the rest."""
    lines = source.split("\n")
    n = 0
    while n < len(lines) and lines[n].startswith("#|"):
        n += 1
    return lines[:n], lines[n:]


def parse_options(lines: list[str]) -> dict:
    text = "\n".join(re.sub(r"^#\|\s?", "", line) for line in lines)
    options = yaml.safe_load(text) if text.strip() else {}
    if not isinstance(options, dict):
        raise ValueError(f"the #| lines starting {lines[0]!r} are not a YAML mapping")
    return options


def quarto_options(cell) -> dict:
    """The Quarto options of a code cell: its metadata, then its `#|` lines (which win)."""
    meta = {k: v for k, v in cell.get("metadata", {}).items() if k not in NOT_QUARTO}
    lines, _ = option_lines(cell.get("source", ""))
    return {**meta, **(parse_options(lines) if lines else {})}


def moved(cell) -> bool:
    """Move the `#|` options of one code cell into its metadata; return whether it changed."""
    lines, rest = option_lines(cell.source)
    if cell.cell_type != "code" or not lines:
        return False
    options = parse_options(lines)
    cell.metadata.update(options)
    cell.source = "\n".join(rest)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks (default: all)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a cell has #| lines")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.paths] or notebook_paths(ROOT)
    status = 0
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        rel = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
        if args.check:
            for index, cell in enumerate(nb.cells):
                if cell.cell_type == "code" and option_lines(cell.source)[0]:
                    print(f"{rel} cell {index}: #| options in the source; run `python tools/cell_options.py`")
                    status = 1
            continue
        changed = sum(moved(cell) for cell in nb.cells if cell.cell_type == "code")
        if changed:
            nbformat.write(nb, path)
            print(f"{rel}: moved the #| options of {changed} cells into their metadata")
    return status


if __name__ == "__main__":
    sys.exit(main())
