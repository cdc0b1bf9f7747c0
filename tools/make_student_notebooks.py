"""Generate the student versions of the exercise notebooks from their solutions.

    python tools/make_student_notebooks.py           # (re)write notebooks/NN-*.ipynb
    python tools/make_student_notebooks.py --check   # change nothing; exit 1 if one is out of date

The exercises are written solution-first. ``notebooks/solutions/NN-name.ipynb``
holds every answer with its outputs, and is what nbval executes. From it, this
script writes ``notebooks/NN-name.ipynb`` for students: the same notebook with
every answer replaced by a placeholder, so that it runs without errors up to
the first unanswered exercise and stops there, at that exercise's check cell,
with a friendly "not answered yet" message. Never edit a student notebook by
hand: edit the solution, execute it (tools/execute.py), then run this script.

How a solution notebook is marked up (cell tags, in ``cell.metadata.tags``)
---------------------------------------------------------------------------
``exercise``
    A Markdown cell starting with ``## Exercise N: title``, N = 1, 2, 3, ... in
    order. Every cell up to the next exercise cell belongs to exercise N.
``solution``
    A cell holding (part of) an answer. It declares what the student sees
    instead:

    * a code cell, with one or more lines ``# placeholder: <python>``, e.g.
      ``# placeholder: eta_max = ...``. In order, their text (after
      ``# placeholder: ``) forms the student's cell, below a prompt comment.
      It must compile, must not raise, and must define every name the check
      cells use, with ``...`` where the answer goes;
    * a Markdown cell, with one comment ``<!-- placeholder: ... -->`` whose
      text becomes the student's cell (a question to answer in words).
``check``
    A code cell of self-checks (``nncourse.checks``): kept as it is.
``solutions-only``
    A cell left out of the student version (e.g. a link to the exercise sheet).

Inside an exercise the statement and any given code (untagged cells) come
first. From the first solution cell on, only solution, check and Markdown
cells may follow: a code cell run after an unanswered solution must be a check,
so that a skipped exercise fails at its check and nowhere else.

The first cell is the front matter; its title must end in `` (solutions)``,
which the student version drops. The student version also gets a note at the
top linking to the solutions, its front matter as tools/sync_front_matter.py
keeps it (its Binder/Colab/download links go onto its page), no outputs, no execution
counts, and the marker ``metadata.nncourse.student_version_of`` naming its
solution, by which conftest.py keeps nbval from executing it (it stops at the
first exercise by design; tests/test_exercises.py checks it instead).

The output is deterministic: the same solutions give byte-identical files.
Exit status: 0 when every student notebook is (or now is) up to date; 1 with
``--check`` when one is out of date, or when a student notebook's solution is
gone; 2 when a solution notebook is malformed (the message names the cell).
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import posixpath
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS_DIR = Path("notebooks") / "solutions"
COMMAND = "python tools/make_student_notebooks.py"

TAG_EXERCISE, TAG_SOLUTION, TAG_CHECK, TAG_SOLUTIONS_ONLY = "exercise", "solution", "check", "solutions-only"
#: Tag of the cells in the student version where the student writes an answer.
TAG_ANSWER = "answer"
MARKER_KEY = "nncourse"
TITLE_SUFFIX = " (solutions)"
NOTE_ID = "student-version-note"

_EXERCISE_HEADING = re.compile(r"\A## Exercise (?P<number>\d+): \S")
_CODE_PLACEHOLDER = re.compile(r"^[ \t]*# placeholder:(?: (?P<text>.*))?$")
_MD_PLACEHOLDER = re.compile(r"<!--\s*placeholder:(?P<text>.*?)-->", re.DOTALL)
_MD_LINK = re.compile(r"(?P<head>!?\[[^\]]*\]\()(?P<target>[^)\s]+)(?P<tail>\))")
_URL_SCHEME = re.compile(r"\A[A-Za-z][A-Za-z0-9+.-]*:")
_TITLE_LINE = re.compile(r'^title:[ \t]*(?P<quote>["\']?)(?P<title>.*?)(?P=quote)[ \t]*$', re.MULTILINE)


class MalformedNotebookError(ValueError):
    """A solution notebook does not follow the markup this script needs."""


@dataclass
class Exercise:
    number: int
    heading_index: int
    solutions: list[int] = field(default_factory=list)
    checks: list[int] = field(default_factory=list)


# ----------------------------------------------------------------- reading
def tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []) or [])


def _where(name: str, index: int, cell) -> str:
    return f"{name}, cell {index} (id {cell.get('id', '?')!r})"


def code_placeholder(source: str) -> str | None:
    """The student's code for a solution cell: its ``# placeholder:`` lines, or None if it has none."""
    lines = [m["text"] or "" for m in map(_CODE_PLACEHOLDER.match, source.splitlines()) if m]
    return "\n".join(lines) if lines else None


def markdown_placeholder(source: str) -> list[str]:
    """The texts of the ``<!-- placeholder: ... -->`` comments in a Markdown cell."""
    return [m["text"].strip() for m in _MD_PLACEHOLDER.finditer(source)]


def parse_exercises(nb, name: str = "notebook") -> list[Exercise]:
    """Check the markup of a solution notebook and return its exercises.

    Raises :class:`MalformedNotebookError` naming the notebook, the cell and
    the problem.
    """
    exercises: list[Exercise] = []
    for index, cell in enumerate(nb.cells):
        where = _where(name, index, cell)
        cell_tags = set(tags(cell))
        kinds = cell_tags & {TAG_EXERCISE, TAG_SOLUTION, TAG_CHECK, TAG_SOLUTIONS_ONLY}
        if len(kinds) > 1:
            raise MalformedNotebookError(f"{where}: a cell takes one of the tags {sorted(kinds)}, not several")
        source = cell.source
        if TAG_EXERCISE in kinds:
            match = _EXERCISE_HEADING.match(source)
            if cell.cell_type != "markdown" or not match:
                raise MalformedNotebookError(
                    f"{where}: an `exercise` cell is a Markdown cell starting with '## Exercise N: title'")
            number = int(match["number"])
            if number != len(exercises) + 1:
                raise MalformedNotebookError(
                    f"{where}: exercise {number} follows exercise {len(exercises)}; number them 1, 2, 3, ...")
            exercises.append(Exercise(number, index))
            continue
        current = exercises[-1] if exercises else None
        if TAG_SOLUTION in kinds:
            if current is None:
                raise MalformedNotebookError(f"{where}: a `solution` cell before the first exercise")
            if cell.cell_type == "code":
                placeholder = code_placeholder(source)
                if placeholder is None:
                    raise MalformedNotebookError(
                        f"{where}: this solution cell declares no placeholder. Add the student's "
                        "starting code as lines '# placeholder: <python>', e.g. '# placeholder: eta = ...'")
                try:
                    compile(placeholder, where, "exec")
                except SyntaxError as exc:
                    raise MalformedNotebookError(
                        f"{where}: its placeholder is not valid Python ({exc.msg}, line {exc.lineno}):\n"
                        f"{placeholder}") from None
            elif cell.cell_type == "markdown":
                found = markdown_placeholder(source)
                if len(found) != 1 or not found[0]:
                    raise MalformedNotebookError(
                        f"{where}: a Markdown solution cell needs exactly one non-empty "
                        f"'<!-- placeholder: question for the student -->' comment (found {len(found)})")
            else:
                raise MalformedNotebookError(f"{where}: a solution cell is a code or Markdown cell")
            current.solutions.append(index)
            continue
        if TAG_CHECK in kinds:
            if cell.cell_type != "code":
                raise MalformedNotebookError(f"{where}: a `check` cell is a code cell")
            if current is None or not current.solutions:
                raise MalformedNotebookError(
                    f"{where}: a `check` cell must follow a solution cell of its exercise")
            current.checks.append(index)
            continue
        # Untagged (or solutions-only) cells.
        if cell.cell_type == "code" and code_placeholder(source) is not None:
            raise MalformedNotebookError(
                f"{where}: has '# placeholder:' lines but no `solution` tag (forgotten tag?)")
        if cell.cell_type == "markdown" and markdown_placeholder(source):
            raise MalformedNotebookError(
                f"{where}: has a placeholder comment but no `solution` tag (forgotten tag?)")
        if cell.cell_type == "code" and current is not None and current.solutions and TAG_SOLUTIONS_ONLY not in kinds:
            raise MalformedNotebookError(
                f"{where}: an untagged code cell after a solution cell of exercise {current.number}. "
                "In a student's notebook it would run on an unanswered placeholder: tag it `solution` "
                "or `check`, or move it above the exercise's first solution cell")
    if not exercises:
        raise MalformedNotebookError(f"{name}: no cell tagged `exercise` ('## Exercise 1: ...')")
    for exercise in exercises:
        if not exercise.solutions:
            raise MalformedNotebookError(
                f"{name}: exercise {exercise.number} (cell {exercise.heading_index}) has no `solution` cell")
    return exercises


def student_title(front_matter: str, name: str) -> str:
    """The front matter with the title's ``(solutions)`` suffix dropped."""
    matches = list(_TITLE_LINE.finditer(front_matter))
    if len(matches) != 1:
        raise MalformedNotebookError(
            f"{name}: the front matter (first cell) needs exactly one 'title:' line, found {len(matches)}")
    match = matches[0]
    title = match["title"]
    if not title.endswith(TITLE_SUFFIX):
        raise MalformedNotebookError(
            f"{name}: the title {title!r} must end in {TITLE_SUFFIX!r} (the student version drops it)")
    quote = match["quote"]
    line = f"title: {quote}{title[: -len(TITLE_SUFFIX)]}{quote}"
    return front_matter[: match.start()] + line + front_matter[match.end() :]


# ----------------------------------------------------------------- writing
def rebase_links(markdown: str) -> str:
    """Rewrite relative Markdown links written from notebooks/solutions/ to work from notebooks/.

    ``../03-x.ipynb`` becomes ``03-x.ipynb``, ``01-y.ipynb`` (a sibling solution)
    becomes ``solutions/01-y.ipynb``; URLs, anchors and absolute paths are kept.
    """
    def rebase(match: re.Match) -> str:
        target = match["target"]
        if target.startswith(("#", "/")) or _URL_SCHEME.match(target):
            return match[0]
        path, hash_, fragment = target.partition("#")
        new = posixpath.normpath(posixpath.join("solutions", path))
        return f"{match['head']}{new}{hash_}{fragment}{match['tail']}"

    return _MD_LINK.sub(rebase, markdown)


def _clean_copy(cell):
    new = copy.deepcopy(cell)
    new.metadata.pop("execution", None)
    if new.cell_type == "markdown":
        new.source = rebase_links(new.source)
    if new.cell_type == "code":
        new.outputs = []
        new.execution_count = None
    return new


def _answer_cell(cell, exercise: int):
    new = _clean_copy(cell)
    # The placeholder is not the solution's code: none of its Quarto options (a
    # figure's label, caption and alt text, in the metadata: tools/cell_options.py) apply.
    new.metadata = nbformat.from_dict({"tags": [TAG_ANSWER]})
    if cell.cell_type == "code":
        placeholder = code_placeholder(cell.source)
        prompt = f"# YOUR ANSWER (exercise {exercise})"
        if "..." in placeholder:
            prompt += ": replace each `...`"
        new.source = f"{prompt}\n{placeholder}".rstrip("\n")
    else:
        new.source = rebase_links(markdown_placeholder(cell.source)[0])
    return new


def _note_cell(solution_name: str):
    # A blockquote, not a Quarto callout: it reads the same in JupyterLab and on the site.
    return nbformat.v4.new_markdown_cell(
        "> **The exercises, without their answers.** "
        "Every answer below is a placeholder, a cell starting with `# YOUR ANSWER`, where each `...` "
        "waits for your code, or a question to answer in words. Run the notebook from the top: "
        "each exercise ends with a **check** cell that prints a line starting with ✓ when your answer "
        "is right, or stops the run there and says what is still missing. "
        "To start on a later exercise, run the Setup cells, then click that exercise's heading and "
        "choose *Run ▸ Run Selected Cell and All Below*: each exercise needs only the Setup, never "
        "an earlier answer. "
        f"Stuck? The [worked solutions](solutions/{solution_name}) show one way to answer each exercise.\n>\n"
        f"> *For contributors: this notebook is generated from the solutions by `{COMMAND}`; "
        "edit the solutions, never this file.*",
        id=NOTE_ID,
    )


def make_student_notebook(solution_nb, solution_name: str,
                          front_matter: Callable[[str], str] | None = None, name: str | None = None):
    """The student version of a solution notebook (a new notebook; the input is not changed).

    ``solution_name`` is the solution's file name inside ``notebooks/solutions/``.
    ``front_matter`` post-processes the student's front matter (the real build
    writes its Binder/Colab/download links there).
    """
    name = name or f"solutions/{solution_name}"
    nb = solution_nb
    if not nb.cells or nb.cells[0].cell_type != "raw":
        raise MalformedNotebookError(f"{name}: the first cell must be the Raw front-matter cell")
    exercises = parse_exercises(nb, name)
    exercise_of = {}
    for exercise in exercises:
        for index in exercise.solutions:
            exercise_of[index] = exercise.number
    if any(c.get("id") == NOTE_ID for c in nb.cells):
        raise MalformedNotebookError(f"{name}: the cell id {NOTE_ID!r} is reserved for the student note")

    student = nbformat.v4.new_notebook()
    student.nbformat, student.nbformat_minor = nb.nbformat, max(nb.nbformat_minor, 5)
    # Everything but language_info, whose Python version changes with whoever last
    # executed the solutions: the student version need not change with it.
    student.metadata = {k: copy.deepcopy(v) for k, v in nb.metadata.items() if k != "language_info"}
    student.metadata["language_info"] = {"name": nb.metadata.get("language_info", {}).get("name", "python")}
    student.metadata[MARKER_KEY] = {
        "student_version_of": f"solutions/{solution_name}",
        "generated_by": "tools/make_student_notebooks.py",
    }
    head = _clean_copy(nb.cells[0])
    head.source = student_title(head.source, name)
    if front_matter is not None:
        head.source = front_matter(head.source)
    student.cells = [head]
    rest = list(enumerate(nb.cells[1:], start=1))
    # The Colab setup cell (tools/sync_front_matter.py) stays the first code cell.
    while rest and "colab-setup" in tags(rest[0][1]):
        student.cells.append(_clean_copy(rest.pop(0)[1]))
    student.cells.append(_note_cell(solution_name))
    for index, cell in rest:
        if TAG_SOLUTIONS_ONLY in tags(cell):
            continue
        if index in exercise_of:
            student.cells.append(_answer_cell(cell, exercise_of[index]))
        else:
            student.cells.append(_clean_copy(cell))
    nbformat.validate(student)
    return student


def render(nb) -> bytes:
    """The bytes nbformat.write would store (sorted keys, one-space indent, final newline)."""
    text = nbformat.writes(nb)
    if not text.endswith("\n"):
        text += "\n"
    return text.encode("utf-8")


# ----------------------------------------------------------------- the repo
def _load_sync_tool():
    """tools/sync_front_matter.py, which writes every notebook's Binder/Colab/download links."""
    path = Path(__file__).with_name("sync_front_matter.py")
    loaded = sys.modules.get("sync_front_matter")
    if loaded is not None and Path(getattr(loaded, "__file__", "")).resolve() == path.resolve():
        return loaded
    spec = importlib.util.spec_from_file_location("sync_front_matter", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["sync_front_matter"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def student_path(solution: Path) -> Path:
    """notebooks/solutions/NN-name.ipynb -> notebooks/NN-name.ipynb"""
    return solution.parent.parent / solution.name


def expected_files(root: Path = ROOT) -> dict[Path, bytes]:
    """Every student notebook as it should be, keyed by its path under ``root``."""
    sync = _load_sync_tool()
    repo = sync.repository_from_config(sync.load_quarto_config(root))
    files = {}
    for solution in sorted((root / SOLUTIONS_DIR).glob("*.ipynb")):
        target = student_path(solution)
        rel = target.relative_to(root).as_posix()
        nb = nbformat.read(solution, as_version=4)
        student = make_student_notebook(
            nb, solution.name, front_matter=lambda source, rel=rel: sync.synced_front_matter(source, repo, rel),
            name=solution.relative_to(root).as_posix(),
        )
        files[target] = render(student)
    return files


def orphans(root: Path, expected: dict[Path, bytes]) -> list[Path]:
    """Notebooks marked as student versions that no solution generates any more."""
    found = []
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        if path in expected:
            continue
        try:
            marker = nbformat.read(path, as_version=4).metadata.get(MARKER_KEY, {})
        except Exception:  # noqa: BLE001 - an unreadable notebook is not ours to judge here
            continue
        if isinstance(marker, dict) and marker.get("student_version_of"):
            found.append(path)
    return found


def up_to_date(path: Path, data: bytes) -> bool:
    """Whether `path` holds `data`, line endings aside (a Windows checkout may have CRLF)."""
    return path.exists() and path.read_bytes().replace(b"\r\n", b"\n") == data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if a student notebook is out of date")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    root = args.root.resolve()
    try:
        expected = expected_files(root)
    except (MalformedNotebookError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not expected:
        print(f"error: no solution notebooks in {root / SOLUTIONS_DIR}", file=sys.stderr)
        return 2
    stale = [p for p, data in expected.items() if not up_to_date(p, data)]
    left_over = orphans(root, expected)
    for path in left_over:
        print(f"error: {path.relative_to(root).as_posix()} is a student version whose solution is gone; delete it",
              file=sys.stderr)
    if args.check:
        for path in stale:
            print(f"out of date: {path.relative_to(root).as_posix()} (run {COMMAND})")
        if not stale and not left_over:
            print("student notebooks up to date")
        return 1 if stale or left_over else 0
    for path in stale:
        path.write_bytes(expected[path])
        print(f"wrote {path.relative_to(root).as_posix()}")
    if not stale:
        print("student notebooks up to date")
    return 1 if left_over else 0


if __name__ == "__main__":
    sys.exit(main())
