"""Every stored notebook is what a fresh kernel produced, and nbval really bites.

nbval itself (run on every notebook by `uv run pytest`, see pyproject.toml)
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


# --- no path of the executing machine in a stored output -----------------------------------

def machine_paths() -> list[str]:
    """Folders that name the machine that executed a notebook: this checkout, the Python
    installation, the home folder, and any virtual environment's site-packages."""
    import site
    import sysconfig

    paths = {str(ROOT), sys.prefix, sys.base_prefix, str(Path.home()), sysconfig.get_paths()["purelib"]}
    paths.update(site.getsitepackages())
    return sorted(p for p in paths if p and p != "/")


MACHINE_PATH = r"(?:/home/|/Users/|/root/|/tmp/|[A-Za-z]:\\\\Users\\\\|site-packages|dist-packages)"


def output_path_problems(nb, paths: list[str]) -> list[str]:
    """Stored outputs (text, HTML, tracebacks) that show a path of the executing machine."""
    import re

    pattern = re.compile("|".join([MACHINE_PATH, *map(re.escape, paths)]))
    problems = []
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            texts = [out.get("text", "")] + out.get("traceback", [])
            texts += [v for k, v in (out.get("data") or {}).items() if k.startswith("text/")]
            for text in texts:
                text = "".join(text) if isinstance(text, list) else text
                match = pattern.search(text)
                if match:
                    line = next(l for l in text.splitlines() if match.group(0) in l)
                    problems.append(f"cell {index}: {line.strip()[:160]}")
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(p.relative_to(ROOT)) for p in NOTEBOOKS])
def test_no_stored_output_shows_a_path_of_the_machine(path):
    """The site publishes stored outputs: no venv, home or checkout path may appear in one
    (warnings print through nncourse.plain_warnings, without their file)."""
    problems = output_path_problems(nbformat.read(path, as_version=4), machine_paths())
    assert not problems, "\n".join(problems)


def test_machine_path_check_bites():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("fit()")
    cell.outputs = [nbformat.v4.new_output(
        "stream", name="stderr",
        text="/opt/venvs/course/lib/python3.11/site-packages/sklearn/neural_network/_multilayer_perceptron.py:785: "
             "ConvergenceWarning: Stochastic Optimizer: Maximum iterations (20) reached\n")]
    nb.cells = [cell]
    assert output_path_problems(nb, []) and output_path_problems(nb, [])[0].startswith("cell 0: /opt/venvs")
    cell.outputs[0]["text"] = f"data in {ROOT}/notebooks\n"
    assert output_path_problems(nb, [str(ROOT)])
    cell.outputs[0]["text"] = "ConvergenceWarning: Stochastic Optimizer: Maximum iterations (20) reached\n"
    assert output_path_problems(nb, machine_paths()) == []
