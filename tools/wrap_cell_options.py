"""Wrap long `#|` cell options so code cells do not scroll sideways in JupyterLab.

    python tools/wrap_cell_options.py            # rewrite every notebook that needs it
    python tools/wrap_cell_options.py --check    # change nothing; exit 1 if a line is too long

A figure's `#| fig-cap:` and `#| fig-alt:` are often 200-400 characters. This
writes each such option as a YAML double-quoted string continued over several
`#|` lines of at most MAX_WIDTH characters (inside double quotes a line break
is read as a space), which Quarto reads exactly as before:

    #| fig-alt: "Line chart with the prediction y-hat from -1 to 5 on the x-axis
    #|   and the loss on the y-axis. A blue parabola touches zero at y-hat = 2 ..."

(Not `>-` or `|` block scalars: Quarto 1.10 breaks a multi-line `fig-alt`
written that way.) The parsed value of every option is checked to be unchanged
before a notebook is written. Only the source of code cells changes, never an
output.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from sync_front_matter import notebook_paths  # noqa: E402

MAX_WIDTH = 100
_OPTION = re.compile(r"^#\|\s?(?P<key>[A-Za-z][\w-]*):\s*(?P<value>.*)$")


def option_lines(source: str) -> tuple[list[str], list[str]]:
    """The leading `#|` lines of a cell and the rest."""
    lines = source.split("\n")
    n = 0
    while n < len(lines) and lines[n].startswith("#|"):
        n += 1
    return lines[:n], lines[n:]


def parse_options(lines: list[str]) -> dict:
    text = "\n".join(re.sub(r"^#\|\s?", "", line) for line in lines)
    return yaml.safe_load(text) or {} if text.strip() else {}


def _quoted(value: str) -> str:
    """A YAML double-quoted scalar for `value` (JSON string syntax is valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def wrap_option(key: str, value: str) -> list[str]:
    """`#| key: "value"` over lines of at most MAX_WIDTH characters."""
    first = f"#| {key}: "
    quoted = _quoted(value)
    if len(first) + len(quoted) <= MAX_WIDTH:
        return [first + quoted]
    # Break only at single spaces, never inside an escape, so the folded value is the same.
    words = quoted.split(" ")
    lines, current = [], first + words[0]
    for word in words[1:]:
        if len(current) + 1 + len(word) > MAX_WIDTH and current.strip() not in ("#|", first.strip()):
            lines.append(current)
            current = "#|   " + word
        else:
            current += " " + word
    lines.append(current)
    return lines


def wrapped_source(source: str) -> str:
    options, rest = option_lines(source)
    if not options or all(len(line) <= MAX_WIDTH for line in options):
        return source
    parsed = parse_options(options)
    new_options: list[str] = []
    i = 0
    while i < len(options):
        line = options[i]
        match = _OPTION.match(line)
        # an option together with its continuation lines
        j = i + 1
        while j < len(options) and not _OPTION.match(options[j]):
            j += 1
        block = options[i:j]
        if match and any(len(b) > MAX_WIDTH for b in block):
            value = parse_options(block)[match["key"]]
            if isinstance(value, str):
                block = wrap_option(match["key"], value)
        new_options.extend(block)
        i = j
    if parse_options(new_options) != parsed:
        raise ValueError(f"wrapping changed the options of a cell starting {options[0]!r}")
    return "\n".join(new_options + rest)


def long_lines(nb) -> list[str]:
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        options, _ = option_lines(cell.source)
        found += [f"cell {index}: {textwrap.shorten(line, 60)} ({len(line)} characters)"
                  for line in options if len(line) > MAX_WIDTH]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks (default: all)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a line is too long")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.paths] or notebook_paths(ROOT)
    status = 0
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        rel = path.relative_to(ROOT).as_posix()
        if args.check:
            for line in long_lines(nb):
                print(f"{rel}: {line}")
                status = 1
            continue
        changed = 0
        for cell in nb.cells:
            if cell.cell_type == "code":
                new = wrapped_source(cell.source)
                changed += new != cell.source
                cell.source = new
        if changed:
            nbformat.write(nb, path)
            print(f"{rel}: wrapped the options of {changed} cells")
    return status


if __name__ == "__main__":
    sys.exit(main())
