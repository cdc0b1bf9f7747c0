"""Every stored notebook is what a fresh kernel produced, and nbval really bites.

nbval itself (run on every notebook by `python -m pytest`, see pyproject.toml)
compares each stored output with a fresh execution. The tests here check what
nbval does not: that the stored notebook was run top to bottom in one fresh
kernel with nothing left out, and, on a small notebook made for the purpose,
that the suite's nbval settings fail on an edited output, a deleted output and
a cell that raises.
"""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_BYTES = 2_000_000


def course_notebooks() -> list[Path]:
    found = [p for folder in ("lectures", "notebooks") for p in sorted((ROOT / folder).rglob("*.ipynb"))]
    return [p for p in found if ".ipynb_checkpoints" not in p.parts]


def is_student_version(nb) -> bool:
    """Generated student notebooks (see tools/make_student_notebooks.py) carry no outputs."""
    return bool(nb.metadata.get("nncourse", {}).get("student_version_of"))


def execution_problems(nb) -> list[str]:
    problems = []
    code = [c for c in nb.cells if c.cell_type == "code"]
    counts = [c.execution_count for c in code]
    if any(n is None for n in counts):
        problems.append(f"{counts.count(None)} code cell(s) never executed")
    if [n for n in counts if n is not None] != list(range(1, len(code) - counts.count(None) + 1)):
        problems.append("execution counts are not 1..N in order: run it top to bottom in a fresh kernel")
    for i, cell in enumerate(code):
        for out in cell.outputs:
            if out.output_type == "error":
                problems.append(f"code cell {i} stores an error ({out.ename})")
    if nb.metadata.get("kernelspec", {}).get("name") != "python3":
        problems.append("kernelspec is not python3")
    return problems


NOTEBOOKS = course_notebooks()


def test_there_are_notebooks():
    assert (ROOT / "notebooks" / "00-datasets.ipynb") in NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(p.relative_to(ROOT)) for p in NOTEBOOKS])
def test_notebook_was_executed_top_to_bottom(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert path.stat().st_size < MAX_BYTES, "keep stored outputs lean (modest PNG dpi)"
    if is_student_version(nb):
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
        return
    assert execution_problems(nb) == []


def test_execution_checks_bite():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1"), nbformat.v4.new_code_cell("2")])
    nb.metadata["kernelspec"] = {"name": "python3"}
    assert "code cell(s) never executed" in execution_problems(nb)[0]
    nb.cells[0].execution_count, nb.cells[1].execution_count = 2, 1
    assert "not 1..N" in execution_problems(nb)[0]
    nb.cells[0].execution_count, nb.cells[1].execution_count = 1, 2
    nb.cells[1].outputs = [nbformat.v4.new_output("error", ename="ValueError", evalue="", traceback=[])]
    assert execution_problems(nb) == ["code cell 1 stores an error (ValueError)"]


# ----------------------------------------------------------- nbval bites
SOURCE = [
    "import numpy as np\nrng = np.random.default_rng(0)\nw = rng.normal(size=3)",
    "print('loss:', round(float(w @ w), 4))",
    "w.round(3)",
]


def make_executed_notebook(path: Path) -> None:
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in SOURCE])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, kernel_name="python3", timeout=60).execute()
    nbformat.write(nb, path)


def run_nbval(path: Path) -> subprocess.CompletedProcess:
    """nbval with the suite's own options (see pyproject.toml), on one notebook."""
    (path.parent / "pytest.ini").write_text("[pytest]\n")  # keep the repo's config out
    cmd = [
        sys.executable, "-m", "pytest", str(path), "-p", "no:cacheprovider", "-p", "no:xdist",
        "--nbval", "--nbval-current-env", f"--nbval-sanitize-with={ROOT / 'tests' / 'sanitize.cfg'}",
    ]
    return subprocess.run(cmd, cwd=path.parent, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    path = tmp_path_factory.mktemp("bites") / "pristine.ipynb"
    make_executed_notebook(path)
    return path


def tampered(executed: Path, name: str, edit) -> Path:
    nb = nbformat.read(executed, as_version=4)
    edit(nb.cells)
    path = executed.parent / name
    nbformat.write(nb, path)
    return path


def test_nbval_passes_the_untouched_notebook(executed):
    result = run_nbval(executed)
    assert result.returncode == 0, result.stdout


def test_nbval_fails_on_an_edited_output(executed):
    def edit(cells):
        text = cells[1].outputs[0]["text"]
        cells[1].outputs[0]["text"] = text[:-2] + ("0" if text[-2] != "0" else "1") + "\n"

    result = run_nbval(tampered(executed, "edited.ipynb", edit))
    assert result.returncode == 1 and "1 failed" in result.stdout, result.stdout


def test_nbval_fails_on_a_deleted_output(executed):
    def edit(cells):
        cells[2].outputs = []

    result = run_nbval(tampered(executed, "deleted.ipynb", edit))
    assert result.returncode == 1 and "1 failed" in result.stdout, result.stdout


def test_nbval_fails_on_a_cell_that_raises(executed):
    def edit(cells):
        cells[1].source = "raise RuntimeError('boom')\n" + cells[1].source

    result = run_nbval(tampered(executed, "raises.ipynb", edit))
    assert result.returncode == 1 and "RuntimeError" in result.stdout, result.stdout
