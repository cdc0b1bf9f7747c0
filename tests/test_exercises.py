"""The exercise notebooks: the solutions, and the student versions generated from them.

nbval executes the solution notebooks (notebooks/solutions/*.ipynb) like every
other notebook. The student versions (notebooks/NN-*.ipynb, written from them
by tools/make_student_notebooks.py) stop at the first unanswered exercise by
design, so conftest.py keeps nbval away from them and this file checks them:

1. they are up to date with the solutions, byte for byte;
2. they are valid notebooks whose code cells all compile, with no outputs and
   no line of any solution in them;
3. executed in a fresh kernel (working directory notebooks/), they run without
   error up to the first check cell, which fails with the friendly
   NotAnsweredError; every later error is a NotAnsweredError in a check cell
   too (a student can skip an exercise);
4. every exercise has the structure the generator documents (heading, solution
   cells with placeholders, checks after solutions), and every check cell of a
   solution notebook passes;
5. the generator refuses malformed solutions with a message naming the cell,
   and every check above fails on an input broken for the purpose.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_raw_cell

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "notebooks" / "solutions").glob("*.ipynb"))
SOLUTION_IDS = [p.name for p in SOLUTIONS]


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module


gen = _load("make_student_notebooks", ROOT / "tools" / "make_student_notebooks.py")
course_conftest = _load("course_conftest", ROOT / "conftest.py")


def student_of(solution: Path) -> Path:
    return gen.student_path(solution)


def read(path: Path):
    return nbformat.read(path, as_version=4)


def tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []) or [])


# ----------------------------------------------------------- checks used below
def uncompilable_cells(nb) -> list[str]:
    """Code cells that do not compile, after IPython's own transforms (magics, `!` shell lines)."""
    from IPython.core.inputtransformer2 import TransformerManager

    transform = TransformerManager().transform_cell
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        try:
            compile(transform(cell.source), f"cell {index}", "exec")
        except SyntaxError as exc:
            problems.append(f"cell {index} (id {cell.get('id')}): {exc.msg} (line {exc.lineno})")
    return problems


def solution_lines(solution_nb, min_length: int = 20) -> set[str]:
    """Distinctive lines of the solution cells: what must never reach a student notebook.

    Lines that also occur outside the solution cells (in given code, say) are not distinctive.
    """
    lines, elsewhere = set(), set()
    for cell in solution_nb.cells:
        stripped = {line.strip() for line in cell.source.splitlines()}
        if gen.TAG_SOLUTION not in tags(cell):
            elsewhere |= stripped
            continue
        placeholder = (gen.code_placeholder(cell.source) or "") if cell.cell_type == "code" else ""
        lines |= {text for text in stripped if len(text) >= min_length
                  and not text.startswith(("#", "<!--")) and text not in placeholder}
    return lines - elsewhere


def leaked_lines(solution_nb, student_nb) -> list[str]:
    """Distinctive solution lines that occur, as whole lines, in the student notebook."""
    student = {line.strip() for cell in student_nb.cells for line in cell.source.splitlines()}
    return sorted(solution_lines(solution_nb) & student)


def execution_problems(nb) -> list[str]:
    """What is wrong with a student notebook executed with allow_errors=True.

    Expected: no error before the first check cell, an error there, and every
    error a NotAnsweredError raised by a check cell.
    """
    checks = [i for i, cell in enumerate(nb.cells) if gen.TAG_CHECK in tags(cell)]
    errors = [(i, out) for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
              for out in cell.get("outputs", []) if out.output_type == "error"]
    if not checks:
        return ["no check cell"]
    if not errors:
        return ["ran without any error: the first check cell should fail, not answered yet"]
    problems = []
    first, _ = errors[0]
    if first != checks[0]:
        problems.append(f"the first error is in cell {first}, not in the first check cell ({checks[0]})")
    for index, out in errors:
        if index not in checks:
            problems.append(f"cell {index} (not a check) raised {out.ename}: {out.evalue}")
        elif out.ename != "NotAnsweredError":
            problems.append(f"check cell {index} raised {out.ename} instead of NotAnsweredError: {out.evalue}")
    return problems


def execute_allowing_errors(nb, cwd: Path):
    from nbclient import NotebookClient

    nb = copy.deepcopy(nb)
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


# =============================================================================
# 1. up to date
# =============================================================================
def test_there_are_exercise_notebooks():
    assert [p.name for p in SOLUTIONS] == ["02-exercises-theory.ipynb", "03-exercises-practice.ipynb"]


@pytest.fixture(scope="module")
def expected():
    return gen.expected_files(ROOT)


def test_student_notebooks_are_up_to_date(expected):
    stale = [p.relative_to(ROOT).as_posix() for p, data in expected.items() if not gen.up_to_date(p, data)]
    assert not stale, f"out of date: {stale}; run {gen.COMMAND}"
    assert gen.orphans(ROOT, expected) == []


def make_tmp_root(tmp_path: Path) -> Path:
    """A copy of what the generator reads: _quarto.yml, the solutions and the student notebooks."""
    shutil.copy(ROOT / "_quarto.yml", tmp_path / "_quarto.yml")
    (tmp_path / "notebooks" / "solutions").mkdir(parents=True)
    for solution in SOLUTIONS:
        shutil.copy(solution, tmp_path / "notebooks" / "solutions" / solution.name)
        shutil.copy(student_of(solution), tmp_path / "notebooks" / solution.name)
    return tmp_path


def test_check_mode_passes_then_bites_on_a_stale_and_an_orphan_notebook(tmp_path, capsys):
    root = make_tmp_root(tmp_path)
    assert gen.main(["--check", "--root", str(root)]) == 0
    student = root / "notebooks" / SOLUTIONS[0].name
    student.write_bytes(student.read_bytes().replace(b"YOUR ANSWER", b"YOUR ANSWR", 1))
    capsys.readouterr()
    assert gen.main(["--check", "--root", str(root)]) == 1
    assert f"out of date: notebooks/{SOLUTIONS[0].name}" in capsys.readouterr().out
    assert gen.main(["--root", str(root)]) == 0                         # regenerates it
    assert gen.main(["--check", "--root", str(root)]) == 0
    (root / "notebooks" / "solutions" / SOLUTIONS[0].name).unlink()     # its solution is gone
    assert gen.main(["--check", "--root", str(root)]) == 1
    assert "whose solution is gone" in capsys.readouterr().err


def test_a_crlf_checkout_is_up_to_date(tmp_path):
    """Git for Windows may check the notebooks out with CRLF line endings; that is not a stale notebook."""
    root = make_tmp_root(tmp_path)
    for path in (root / "notebooks").rglob("*.ipynb"):
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert gen.main(["--check", "--root", str(root)]) == 0
    student = root / "notebooks" / SOLUTIONS[0].name
    student.write_bytes(student.read_bytes().replace(b"YOUR ANSWER", b"YOUR ANSWR", 1))
    assert gen.main(["--check", "--root", str(root)]) == 1


def test_generation_is_deterministic_and_leaves_the_input_alone():
    nb = read(SOLUTIONS[0])
    before = copy.deepcopy(nb)
    first = gen.render(gen.make_student_notebook(nb, SOLUTIONS[0].name))
    second = gen.render(gen.make_student_notebook(read(SOLUTIONS[0]), SOLUTIONS[0].name))
    assert first == second
    assert nb == before


# =============================================================================
# 2. valid, compiling, no outputs, no solutions
# =============================================================================
@pytest.mark.parametrize("solution", SOLUTIONS, ids=SOLUTION_IDS)
def test_student_notebook_is_valid_and_clean(solution):
    student = read(student_of(solution))
    nbformat.validate(student)
    assert uncompilable_cells(student) == []
    code = [c for c in student.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert student.metadata["nncourse"]["student_version_of"] == f"solutions/{solution.name}"
    front = student.cells[0].source
    assert "title:" in front and gen.TITLE_SUFFIX not in front
    assert leaked_lines(read(solution), student) == []
    answers = [c for c in student.cells if gen.TAG_ANSWER in tags(c)]
    assert len(answers) == sum(gen.TAG_SOLUTION in tags(c) for c in read(solution).cells)


@pytest.mark.parametrize("solution", SOLUTIONS, ids=SOLUTION_IDS)
def test_solution_notebook_compiles(solution):
    assert uncompilable_cells(read(solution)) == []


def test_compile_check_bites_and_understands_magics():
    nb = new_notebook(cells=[new_code_cell("%matplotlib inline\n!ls\nx = 1"), new_code_cell("def f(:\n    pass")])
    problems = uncompilable_cells(nb)
    assert len(problems) == 1 and problems[0].startswith("cell 1")


def test_leak_check_bites():
    solution = read(SOLUTIONS[0])
    student = gen.make_student_notebook(solution, SOLUTIONS[0].name)
    assert leaked_lines(solution, student) == []
    index = next(i for i, c in enumerate(student.cells) if gen.TAG_ANSWER in tags(c) and c.cell_type == "code")
    original = next(c for c in solution.cells if c.get("id") == student.cells[index].get("id"))
    student.cells[index].source += "\n" + original.source          # a solution copied in
    assert leaked_lines(solution, student) != []


# =============================================================================
# 3. executed, a student notebook stops at the first check, with the friendly error
# =============================================================================
@pytest.mark.parametrize("solution", SOLUTIONS, ids=SOLUTION_IDS)
def test_student_notebook_fails_only_at_its_checks(solution):
    executed = execute_allowing_errors(read(student_of(solution)), ROOT / "notebooks")
    assert execution_problems(executed) == []
    first_check = next(c for c in executed.cells if gen.TAG_CHECK in tags(c))
    error = next(o for o in first_check.outputs if o.output_type == "error")
    assert "placeholder" in error.evalue or "None" in error.evalue    # the friendly message
    # ... and only the message: no traceback through nncourse/checks.py
    assert error.traceback == [f"Not answered yet: {error.evalue}"]


def exercise_alone(student_nb) -> list:
    """One notebook that runs each exercise's given code on the Setup alone, in a cleared namespace.

    For exercise k: `%reset -f` (no earlier answer, no earlier exercise's names), the
    Setup's code cells (those before the first exercise), then the untagged code cells
    of exercise k: what a student runs who starts on exercise k. Each group opens with a
    marker cell, so that an error is traced back to its exercise.
    """
    headings = [i for i, cell in enumerate(student_nb.cells) if gen.TAG_EXERCISE in tags(cell)]
    ends = headings[1:] + [next((i for i, c in enumerate(student_nb.cells) if i > headings[-1]
                                 and c.cell_type == "markdown" and c.source.startswith("## ")),
                                len(student_nb.cells))]
    setup = [c.source for c in student_nb.cells[:headings[0]] if c.cell_type == "code"]
    cells = []
    for number, (start, end) in enumerate(zip(headings, ends), start=1):
        given = [c.source for c in student_nb.cells[start:end] if c.cell_type == "code" and not tags(c)]
        cells.append(new_code_cell(f"%reset -f\n# exercise {number} alone"))
        cells += [new_code_cell(source) for source in setup + given]
    return new_notebook(cells=cells, metadata=student_nb.metadata)


def exercise_alone_problems(executed) -> list[str]:
    problems, exercise = [], None
    for cell in executed.cells:
        marker = re.search(r"# exercise (\d+) alone", cell.source)
        if marker:
            exercise = int(marker[1])
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                problems.append(f"exercise {exercise} needs more than the Setup: {out.ename}: {out.evalue}")
    return problems


@pytest.mark.parametrize("solution", SOLUTIONS, ids=SOLUTION_IDS)
def test_every_exercise_can_be_started_after_the_setup_alone(solution):
    """A student may start on exercise 5: its given code needs the Setup, never an earlier answer."""
    executed = execute_allowing_errors(exercise_alone(read(student_of(solution))), ROOT / "notebooks")
    assert exercise_alone_problems(executed) == []


def test_starting_alone_bites_on_an_exercise_that_needs_an_earlier_answer():
    student = read(student_of(SOLUTIONS[0]))
    second = [i for i, c in enumerate(student.cells) if gen.TAG_EXERCISE in tags(c)][1]
    student.cells.insert(second + 1, new_code_cell("needs_exercise_1 = softplus(0.0)"))
    nb = exercise_alone(student)
    nb.cells = [c for c in nb.cells if "exercise 2 alone" in c.source or "softplus" in c.source][:2]
    executed = execute_allowing_errors(nb, ROOT / "notebooks")
    assert exercise_alone_problems(executed) == [
        "exercise 2 needs more than the Setup: NameError: name 'softplus' is not defined"
    ]


def _run(sources_and_tags, errors):
    """A fake executed notebook: (source, tags) cells, `errors` = {cell index: ename}."""
    nb = new_notebook()
    for i, (source, cell_tags) in enumerate(sources_and_tags):
        cell = new_code_cell(source)
        cell.metadata["tags"] = list(cell_tags)
        if i in errors:
            cell.outputs = [nbformat.v4.new_output("error", ename=errors[i], evalue="...", traceback=[])]
        nb.cells.append(cell)
    return nb


CELLS = [("import numpy", []), ("x = ...", ["answer"]), ("check(x)", ["check"]),
         ("y = ...", ["answer"]), ("check(y)", ["check"])]


@pytest.mark.parametrize("errors, expected", [
    ({2: "NotAnsweredError", 4: "NotAnsweredError"}, None),
    ({}, "ran without any error"),
    ({1: "NameError", 2: "NotAnsweredError"}, "the first error is in cell 1"),
    ({2: "TypeError", 4: "NotAnsweredError"}, "raised TypeError instead of NotAnsweredError"),
    ({2: "NotAnsweredError", 3: "NotImplementedError"}, "cell 3 (not a check) raised NotImplementedError"),
    ({4: "NotAnsweredError"}, "not in the first check cell"),
])
def test_execution_check_bites(errors, expected):
    problems = execution_problems(_run(CELLS, errors))
    if expected is None:
        assert problems == []
    else:
        assert any(expected in p for p in problems), problems


# =============================================================================
# 4. structure
# =============================================================================
@pytest.mark.parametrize("solution", SOLUTIONS, ids=SOLUTION_IDS)
def test_exercise_structure(solution):
    nb = read(solution)
    exercises = gen.parse_exercises(nb, solution.name)        # raises on any markup problem
    assert 5 <= len(exercises) <= 7, "a handful of exercises per notebook"
    assert exercises[0].checks, "the first exercise needs a check: the student notebook stops there"
    for exercise in exercises:
        heading = nb.cells[exercise.heading_index].source
        kind = re.search(r"^\*(Predict|Implement|Change|Compare|Tune)[^*]*\.\*", heading, re.MULTILINE)
        assert kind, f"exercise {exercise.number} does not say what kind of exercise it is"
        for index in exercise.solutions:
            cell = nb.cells[index]
            if cell.cell_type == "code":
                assert gen.code_placeholder(cell.source) is not None
            else:
                assert len(gen.markdown_placeholder(cell.source)) == 1


@pytest.mark.parametrize("solution", SOLUTIONS, ids=SOLUTION_IDS)
def test_every_check_passes_in_the_solutions(solution):
    for cell in read(solution).cells:
        if gen.TAG_CHECK in tags(cell):
            text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
            lines = text.strip().splitlines()
            assert lines and all(line.startswith("✓ ") for line in lines), (cell.get("id"), text)


# =============================================================================
# 5. the generator on malformed input
# =============================================================================
FRONT = '---\ntitle: "Exercises (solutions)"\n---'


def cell(kind: str, source: str, *cell_tags: str):
    new = {"raw": new_raw_cell, "md": new_markdown_cell, "code": new_code_cell}[kind](source)
    if cell_tags:
        new.metadata["tags"] = list(cell_tags)
    return new


def notebook(*cells, front=FRONT):
    nb = new_notebook(cells=[cell("raw", front), *cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for i, c in enumerate(nb.cells):
        c["id"] = f"c{i}"
    return nb


def good_cells():
    return [
        cell("code", "import numpy as np"),
        cell("md", "## Exercise 1: Shapes\n\n*Predict.* Say it.", "exercise"),
        cell("code", "given = 3"),
        cell("code", "# placeholder: answer = ...\nanswer = 3", "solution"),
        cell("code", "check(answer)", "check"),
        cell("md", "Because.\n<!-- placeholder: **Your answer:** why? -->", "solution"),
        cell("md", "Next: [part 2](../03-x.ipynb)"),
    ]


def test_a_good_notebook_gives_the_student_version():
    student = gen.make_student_notebook(notebook(*good_cells()), "02-x.ipynb")
    sources = [c.source for c in student.cells]
    assert sources[0] == '---\ntitle: "Exercises"\n---'
    assert "solutions/02-x.ipynb" in sources[1]
    assert sources[5] == "# YOUR ANSWER (exercise 1): replace each `...`\nanswer = ..."
    assert sources[6] == "check(answer)"
    assert sources[7] == "**Your answer:** why?"
    assert sources[8] == "Next: [part 2](03-x.ipynb)"        # the link rebased to notebooks/
    assert student.metadata["nncourse"]["student_version_of"] == "solutions/02-x.ipynb"


@pytest.mark.parametrize("target, rebased", [
    ("../03-x.ipynb", "03-x.ipynb"), ("01-y.ipynb", "solutions/01-y.ipynb"),
    ("../../assets/a.svg", "../assets/a.svg"), ("../03-x.ipynb#fig-a", "03-x.ipynb#fig-a"),
    ("https://example.org/a", "https://example.org/a"), ("#fig-a", "#fig-a"),
])
def test_links_are_rebased(target, rebased):
    assert gen.rebase_links(f"see [this]({target}) and ![img]({target})") == \
        f"see [this]({rebased}) and ![img]({rebased})"


def replace(cells, index, new):
    cells = list(cells)
    cells[index] = new
    return cells


BROKEN = {
    "no placeholder": (replace(good_cells(), 3, cell("code", "answer = 3", "solution")),
                       "declares no placeholder"),
    "placeholder not Python": (replace(good_cells(), 3, cell("code", "# placeholder: answer = (\nanswer = 3",
                                                             "solution")), "not valid Python"),
    "markdown without placeholder": (replace(good_cells(), 5, cell("md", "Because.", "solution")),
                                     "needs exactly one non-empty"),
    "check before solution": (replace(good_cells(), 2, cell("code", "check(1)", "check")),
                              "must follow a solution cell"),
    "solution before any exercise": ([cell("code", "# placeholder: a = ...\na = 1", "solution"), *good_cells()],
                                     "before the first exercise"),
    "numbering": (replace(good_cells(), 1, cell("md", "## Exercise 2: Shapes", "exercise")),
                  "exercise 2 follows exercise 0"),
    "heading": (replace(good_cells(), 1, cell("md", "### Shapes", "exercise")), "starting with '## Exercise N"),
    "exercise without solution": ([*good_cells(), cell("md", "## Exercise 2: More", "exercise")],
                                  "exercise 2 (cell 8) has no `solution` cell"),
    "given code after a solution": (replace(good_cells(), 4, cell("code", "print(answer)")),
                                    "untagged code cell after a solution"),
    "forgotten solution tag": (replace(good_cells(), 2, cell("code", "# placeholder: a = ...\na = 1")),
                               "forgotten tag"),
    "two kinds": (replace(good_cells(), 4, cell("code", "check(answer)", "check", "solution")), "not several"),
    "no exercise": ([cell("code", "x = 1")], "no cell tagged `exercise`"),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_generator_refuses_malformed_solutions(case):
    cells, message = BROKEN[case]
    with pytest.raises(gen.MalformedNotebookError, match=re.escape(message)) as info:
        gen.make_student_notebook(notebook(*cells), "02-x.ipynb")
    assert "solutions/02-x.ipynb" in str(info.value)


@pytest.mark.parametrize("front, message", [
    ('---\ntitle: "Exercises"\n---', "must end in ' (solutions)'"),
    ("---\nsubtitle: x\n---", "exactly one 'title:' line"),
])
def test_generator_refuses_a_bad_title(front, message):
    with pytest.raises(gen.MalformedNotebookError, match=re.escape(message)):
        gen.make_student_notebook(notebook(*good_cells(), front=front), "02-x.ipynb")


def test_generator_needs_front_matter_first():
    nb = notebook(*good_cells())
    nb.cells = nb.cells[1:]
    with pytest.raises(gen.MalformedNotebookError, match="first cell must be the Raw front-matter cell"):
        gen.make_student_notebook(nb, "02-x.ipynb")


def test_generator_reports_malformed_solutions_from_the_command_line(tmp_path, capsys):
    root = make_tmp_root(tmp_path)
    path = root / "notebooks" / "solutions" / SOLUTIONS[0].name
    nb = read(path)
    solution_cell = next(c for c in nb.cells if gen.TAG_SOLUTION in tags(c) and c.cell_type == "code")
    solution_cell.source = "\n".join(line for line in solution_cell.source.splitlines()
                                     if not line.lstrip().startswith("# placeholder:"))
    nbformat.write(nb, path)
    assert gen.main(["--check", "--root", str(root)]) == 2
    assert "declares no placeholder" in capsys.readouterr().err


# =============================================================================
# conftest.py: nbval skips exactly the student versions
# =============================================================================
def write_json(path: Path, metadata) -> Path:
    path.write_text(json.dumps({"cells": [], "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}))
    return path


def test_conftest_ignores_exactly_the_marked_student_notebooks(tmp_path):
    ignore = course_conftest.pytest_ignore_collect
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "02-x.ipynb").write_text("{}")
    marked = write_json(tmp_path / "02-x.ipynb", {"nncourse": {"student_version_of": "solutions/02-x.ipynb"}})
    no_solution = write_json(tmp_path / "03-y.ipynb", {"nncourse": {"student_version_of": "solutions/03-y.ipynb"}})
    plain = write_json(tmp_path / "00-z.ipynb", {"kernelspec": {"name": "python3"}})
    broken = tmp_path / "01-w.ipynb"
    broken.write_text("{not json")
    other = tmp_path / "notes.txt"
    other.write_text("{}")
    assert ignore(collection_path=marked, config=None) is True
    for path in (no_solution, plain, broken, other, tmp_path / "solutions" / "02-x.ipynb"):
        assert ignore(collection_path=path, config=None) is None, path


def test_pytest_collects_the_solutions_and_not_the_student_versions():
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-n", "0", "-p", "no:randomly",
         "-p", "no:cacheprovider", "notebooks"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    collected = result.stdout
    for solution in SOLUTIONS:
        assert f"notebooks/solutions/{solution.name}::" in collected, result.stdout + result.stderr
        assert f"notebooks/{solution.name}::" not in collected
