"""Execute notebooks top to bottom in a fresh kernel and store their outputs.

    python tools/execute.py lectures/01-*.ipynb notebooks/00-datasets.ipynb

This is how every stored output in the repository is made: the same settings
as the test suite (one BLAS thread, the notebook's folder as working
directory, a fresh kernel per notebook), no per-cell timing metadata, and the
wall time of each notebook printed so the budget in the README can be checked.

Re-executing an unchanged notebook leaves no diff: consecutive stream outputs
are merged into one (the kernel splits a long print into chunks at random
points), and a cell whose new outputs equal the stored ones once the nbval
sanitizer rules (tests/sanitize.cfg: wall-clock times) are applied keeps the
stored ones. What remains in a diff changed for real, or is a figure drawn
from timings.
"""

from __future__ import annotations

import argparse
import configparser
import copy
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SANITIZE_CFG = ROOT / "tests" / "sanitize.cfg"


def sanitizer_rules(path: Path = SANITIZE_CFG) -> list[tuple[re.Pattern, str]]:
    """The (regex, replacement) rules nbval applies before comparing outputs."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path, encoding="utf-8")
    return [(re.compile(parser[s]["regex"]), parser[s]["replace"]) for s in parser.sections()]


def merge_streams(outputs: list) -> list:
    """Consecutive stream outputs of the same name (stdout, stderr) as one output."""
    merged = []
    for out in outputs:
        if (
            merged
            and out.get("output_type") == "stream"
            and merged[-1].get("output_type") == "stream"
            and merged[-1].get("name") == out.get("name")
        ):
            merged[-1]["text"] += out["text"]
        else:
            merged.append(copy.deepcopy(out))
    return merged


def _comparable(outputs: list, rules) -> list:
    """Outputs as nbval compares them: text sanitized, images and everything else as they are.
    (Only text: a sanitizer regex run over a 500 kB base64 PNG can take minutes.)"""

    def clean(text):
        text = "".join(text) if isinstance(text, list) else text
        for pattern, replacement in rules:
            text = pattern.sub(replacement, text)
        return text

    comparable = []
    for out in outputs:
        out = {k: v for k, v in dict(out).items() if k != "execution_count"}
        if "text" in out:
            out["text"] = clean(out["text"])
        if "traceback" in out:
            out["traceback"] = [clean(line) for line in out["traceback"]]
        if "data" in out:
            out["data"] = {k: clean(v) if k.startswith("text/") else v for k, v in out["data"].items()}
        comparable.append(out)
    return comparable


def keep_unchanged_outputs(old_cells: list, new_cells: list, rules) -> int:
    """Give back the stored outputs of each cell whose new outputs differ only where the
    sanitizer masks (a duration); returns how many cells kept their stored outputs."""
    kept = 0
    old_by_id = {c.get("id"): c for c in old_cells if c.get("cell_type") == "code"}
    for cell in new_cells:
        old = old_by_id.get(cell.get("id"))
        if cell.get("cell_type") != "code" or old is None or old.get("source") != cell.get("source"):
            continue
        if old.get("outputs") != cell.get("outputs") and _comparable(old["outputs"], rules) == _comparable(
            cell["outputs"], rules
        ):
            cell["outputs"] = copy.deepcopy(old["outputs"])
            kept += 1
    return kept


def execute(path: Path, timeout: int) -> float:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    stored = copy.deepcopy(nb.cells)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    for cell in nb.cells:  # keep diffs quiet: no per-run metadata, streams in one piece
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = [nbformat.from_dict(o) for o in merge_streams(cell.outputs)]
    keep_unchanged_outputs(stored, nb.cells, sanitizer_rules())
    nbformat.write(nb, path)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell")
    args = parser.parse_args(argv)
    # The same environment as conftest.py gives the test suite.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    os.environ["PYTHONHASHSEED"] = "0"
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    import matplotlib.font_manager  # noqa: F401  (build the font cache outside the kernel)

    for path in args.notebooks:
        seconds = execute(path.resolve(), args.timeout)
        print(f"{path}: executed in {seconds:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
