"""Write the links every page needs, computed from the one place that names the repository.

    python tools/sync_front_matter.py            # update every notebook and index.qmd
    python tools/sync_front_matter.py --check    # change nothing; exit 1 if anything is out of date
    python tools/sync_front_matter.py notebooks/00-datasets.ipynb index.qmd   # only these files

The repository's owner, name and branch are set once, in `_quarto.yml`:
`website.repo-url` (``https://github.com/OWNER/NAME``) and `website.repo-branch`.
Quarto itself reads them for the "View source" / "Report an issue" links, and
this script derives every other URL from them:

* on the site, each notebook page's "Other Links" box: Launch on Binder, Open
  in Colab, Download the notebook. Not in the notebook, where a student would
  read them as noise: tools/offline_site.py, Quarto's post-render step, calls
  `write_site_links`, which writes the box into every rendered notebook page,
  in Quarto's own markup (what `other-links` in the front matter would give).
  The front matter keeps only what its author wrote; a links block an older
  version of this script wrote there is removed;
* in each notebook, a first code cell (tagged `colab-setup`, its source
  collapsed in JupyterLab, hidden from the page and the slides by the cell
  option `include: false` in its metadata) that installs the course package
  when, and only when, the notebook runs on Colab and the package is not there
  yet. Elsewhere it does nothing and prints nothing, so nbval sees no output.
  Adding it shifts the execution counts: re-execute the notebook
  (tools/execute.py) afterwards; updating it in place keeps them. Nothing else
  in the notebook is touched: not the rest of the front matter, not another
  cell, not an output;
* in `index.qmd`, the course table (page, slides, Binder, Colab, download for
  every notebook, in the teaching order of the sidebar in `_quarto.yml`), the
  Colab install line and the clone command, each between marker comments.

Running it twice changes nothing the second time. `tests/test_site.py` fails,
naming the files and this command, whenever a file is out of date.
"""

from __future__ import annotations

import argparse
import copy
import html
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]

# Notebooks the site renders (and nbval runs): the lecture and hands-on folders.
NOTEBOOK_GLOBS = ("lectures/*.ipynb", "notebooks/*.ipynb", "notebooks/*/*.ipynb")

LINKS_BEGIN = "# >>> written by tools/sync_front_matter.py from _quarto.yml: do not edit"
LINKS_END = "# <<< end of generated links"
# The first, longer version of the begin marker; still recognised so that the
# script can rewrite a block written before.
LEGACY_LINKS_BEGIN = "# >>> links written by tools/sync_front_matter.py from website.repo-url in _quarto.yml: do not edit"
COLAB_TAG = "colab-setup"
INDEX_BEGIN = "<!-- >>> {name}: written by tools/sync_front_matter.py from _quarto.yml, do not edit -->"
INDEX_END = "<!-- <<< end of {name} -->"
INDEX_BLOCKS = ("course-table", "colab", "clone")

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<body>.*?\n)?---[ \t]*\n?\Z", re.DOTALL)
_GITHUB_URL = re.compile(r"\Ahttps://github\.com/(?P<owner>[A-Za-z0-9-]+)/(?P<name>[A-Za-z0-9._-]+?)(?:\.git)?/?\Z")


@dataclass(frozen=True)
class Repository:
    """Where the course lives on GitHub, and every URL derived from it."""

    owner: str
    name: str
    branch: str

    @property
    def url(self) -> str:
        return f"https://github.com/{self.owner}/{self.name}"

    def binder_url(self, path: str | None = None) -> str:
        """Binder launching JupyterLab on `path` (repository-relative), or on the repository."""
        base = f"https://mybinder.org/v2/gh/{self.owner}/{self.name}/{self.branch}"
        return base if path is None else f"{base}?labpath={path}"

    def colab_url(self, path: str) -> str:
        return f"https://colab.research.google.com/github/{self.owner}/{self.name}/blob/{self.branch}/{path}"

    def download_url(self, path: str) -> str:
        """The raw file, as stored in the repository (with its outputs)."""
        return f"https://raw.githubusercontent.com/{self.owner}/{self.name}/{self.branch}/{path}"


def repository_from_config(config: dict) -> Repository:
    """Read `website.repo-url` and `website.repo-branch` from a parsed `_quarto.yml`."""
    website = config.get("website")
    if not isinstance(website, dict):
        raise ValueError("_quarto.yml has no `website:` section")
    url = website.get("repo-url")
    if not isinstance(url, str):
        raise ValueError("_quarto.yml sets no `website.repo-url` (https://github.com/OWNER/NAME)")
    match = _GITHUB_URL.match(url)
    if not match:
        raise ValueError(f"website.repo-url {url!r} is not of the form https://github.com/OWNER/NAME")
    branch = website.get("repo-branch")
    if not isinstance(branch, str) or not branch.strip() or any(c.isspace() for c in branch):
        raise ValueError(f"_quarto.yml sets no valid `website.repo-branch` (got {branch!r})")
    return Repository(match["owner"], match["name"], branch)


def load_quarto_config(root: Path = ROOT) -> dict:
    path = root / "_quarto.yml"
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"no _quarto.yml in {root}") from None
    if not isinstance(config, dict):
        raise ValueError(f"{path} is not a YAML mapping")
    return config


# --- front matter -----------------------------------------------------------


def front_matter_body(source: str) -> str:
    """The YAML text between the `---` lines of a front-matter cell's source."""
    match = _FRONT_MATTER.match(source)
    if not match:
        raise ValueError("the front matter must be a Raw cell holding YAML between two '---' lines")
    return match["body"] or ""


def parse_front_matter(source: str) -> dict:
    """Parse a front-matter cell's source into a dict (empty front matter gives {})."""
    try:
        data = yaml.safe_load(front_matter_body(source))
    except yaml.YAMLError as exc:
        raise ValueError(f"the front matter is not valid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError("the front matter is not a YAML mapping")
    return data


def notebook_front_matter_source(nb) -> str:
    """The source of a notebook's front-matter cell (its first cell, which must be Raw)."""
    if not nb.cells or nb.cells[0].cell_type != "raw":
        raise ValueError("the first cell must be a Raw cell holding the front matter (see CONTRIBUTING.md)")
    return nb.cells[0].source


def other_links(repo: Repository, path: str) -> list[dict]:
    """The `other-links` entries of the notebook at repository-relative `path`."""
    return [
        {"text": "Launch on Binder", "icon": "rocket", "href": repo.binder_url(path)},
        {"text": "Open in Colab", "icon": "google", "href": repo.colab_url(path)},
        {"text": "Download the notebook", "icon": "download", "href": repo.download_url(path)},
    ]


def colab_cell_source(repo: Repository) -> str:
    """The first code cell of every notebook: installs the course package on Colab only."""
    return (
        "# On Colab, install this course's helper package (nncourse) from the repository,\n"
        "# once. Anywhere else (your machine, Binder) it is installed already: nothing runs.\n"
        "import importlib.util\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules and importlib.util.find_spec("nncourse") is None:\n'
        f'    %pip install --quiet "nncourse @ git+{repo.url}@{repo.branch}"'
    )


# The Colab cell's metadata: its tag, Quarto's `include: false` (not on the page
# nor the slides), and its source collapsed in JupyterLab (a "..." to click).
COLAB_METADATA = {"tags": [COLAB_TAG], "include": False, "jupyter": {"source_hidden": True}}


def synced_front_matter(source: str, repo: Repository | None = None, path: str | None = None) -> str:
    """`source` (a front-matter cell) without the links block older versions wrote into it.

    The links now go onto the rendered page (`write_site_links`); `repo` and
    `path` are accepted for the callers written for the older version.
    """
    body = front_matter_body(source).replace(LEGACY_LINKS_BEGIN, LINKS_BEGIN)
    begin, end = body.find(LINKS_BEGIN), body.find(LINKS_END)
    if (begin == -1) != (end == -1) or end < begin:
        raise ValueError("the generated links block is damaged: one of its two marker comments is missing")
    if begin == -1:
        body_out = body
    else:
        line_end = body.find("\n", end)
        body_out = body[:begin] + body[len(body) if line_end == -1 else line_end + 1 :]
    try:
        rest = yaml.safe_load(body_out) if body_out.strip() else {}
    except yaml.YAMLError as exc:
        raise ValueError(f"the front matter is not valid YAML: {exc}") from None
    if not isinstance(rest, dict):
        raise ValueError("the front matter is not a YAML mapping")
    if "other-links" in rest:
        raise ValueError("the front matter sets `other-links` by hand; remove it, this script writes the links")
    if begin == -1:
        return source
    if body_out and not body_out.endswith("\n"):
        body_out += "\n"
    return f"---\n{body_out}---"


# --- notebooks --------------------------------------------------------------


def notebook_paths(root: Path = ROOT) -> list[Path]:
    found: set[Path] = set()
    for pattern in NOTEBOOK_GLOBS:
        found.update(p for p in root.glob(pattern) if ".ipynb_checkpoints" not in p.parts)
    return sorted(found)


def synced_colab_cell(nb, repo: Repository) -> bool:
    """Put the Colab cell, up to date, right after the front matter; return whether `nb` changed.

    A Colab cell already in place is updated where it is, keeping its execution
    count (it prints nothing either way), so nbval's fresh-kernel check holds.
    """
    source = colab_cell_source(repo)
    tagged = [i for i, c in enumerate(nb.cells) if COLAB_TAG in c.get("metadata", {}).get("tags", [])]
    if len(tagged) > 1:
        raise ValueError(f"{len(tagged)} cells are tagged {COLAB_TAG!r}; keep one")
    if tagged and tagged[0] == 1 and nb.cells[1].cell_type == "code":
        cell = nb.cells[1]
        if cell.source == source and dict(cell.metadata) == COLAB_METADATA:
            return False
        cell.source = source
        cell.metadata = nbformat.from_dict(copy.deepcopy(COLAB_METADATA))
        return True
    if tagged:
        nb.cells.pop(tagged[0])
    cell = nbformat.v4.new_code_cell(source, metadata=copy.deepcopy(COLAB_METADATA))
    cell.pop("id", None)
    cell["id"] = "colab-setup"
    nb.cells.insert(1, cell)
    return True


def sync_notebook(path: Path, repo: Repository, root: Path = ROOT, *, write: bool) -> bool:
    """Bring one notebook's links and Colab cell up to date; return whether it was (or would be) changed."""
    rel = path.resolve().relative_to(root.resolve()).as_posix()
    nb = nbformat.read(path, as_version=4)
    source = notebook_front_matter_source(nb)
    new_source = synced_front_matter(source, repo, rel)
    others = [dict(c) for c in nb.cells[1:] if COLAB_TAG not in c.get("metadata", {}).get("tags", [])]
    nb.cells[0].source = new_source
    changed = synced_colab_cell(nb, repo) | (new_source != source)
    if changed and write:
        # only the front matter and the Colab cell change
        assert [dict(c) for c in nb.cells[2:]] == others
        nbformat.write(nb, path)
    return changed


# --- index.qmd ----------------------------------------------------------------


def sidebar_sections(config: dict) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Sections of the sidebar, in order: (title, [(href, explicit text or None), ...]).

    Top-level entries outside a section (the home page) are left out.
    """
    sidebar = config.get("website", {}).get("sidebar")
    if isinstance(sidebar, list):  # several sidebars: the first is the global one
        sidebar = sidebar[0] if sidebar else {}
    if not isinstance(sidebar, dict):
        raise ValueError("_quarto.yml has no `website.sidebar`")
    sections = []
    for entry in sidebar.get("contents", []):
        if isinstance(entry, dict) and "section" in entry:
            items = []
            for item in entry.get("contents", []):
                if isinstance(item, str):
                    items.append((item, None))
                elif isinstance(item, dict) and "href" in item:
                    items.append((item["href"], item.get("text")))
                else:
                    raise ValueError(f"sidebar section {entry['section']!r}: cannot read entry {item!r}")
            sections.append((str(entry["section"]), items))
    return sections


def _cell(text: str) -> str:
    return text.replace("|", r"\|")


def course_table(config: dict, repo: Repository, root: Path = ROOT, warn=print) -> str:
    """The course table of index.qmd: one Markdown table per sidebar section."""
    parts = []
    for title, items in sidebar_sections(config):
        rows = []
        for href, text in items:
            path = root / href
            if not path.exists():
                warn(f"warning: {href} (sidebar section {title!r}) does not exist yet; left out of index.qmd")
                continue
            front = {}
            if path.suffix == ".ipynb":
                front = parse_front_matter(notebook_front_matter_source(nbformat.read(path, as_version=4)))
            label = text or front.get("title") or href
            slides = "—"
            revealjs = (front.get("format") or {}).get("revealjs") if isinstance(front.get("format"), dict) else None
            if isinstance(revealjs, dict) and revealjs.get("output-file"):
                slides = f"[Slides]({Path(href).parent.as_posix()}/{revealjs['output-file']})"
            rows.append(
                f"| [{_cell(label)}]({href}) | {slides} "
                f"| [Binder]({repo.binder_url(href)}) | [Colab]({repo.colab_url(href)}) "
                f"| [.ipynb]({repo.download_url(href)}) |"
            )
        if not rows:
            continue
        parts.append(f"### {title}\n")
        parts.append("| Notebook | Slides | Run on Binder | Run on Colab | Download |")
        parts.append("|:---|:---|:---|:---|:---|")
        parts.extend(rows)
        parts.append("")
    return "\n".join(parts)


def colab_block(repo: Repository) -> str:
    """The first cell a Colab user runs: install the course's helper package from the repository."""
    return f'```python\n%pip install "nncourse @ git+{repo.url}@{repo.branch}"\n```\n'


def clone_block(repo: Repository) -> str:
    return (
        "```bash\n"
        f"git clone {repo.url}.git\n"
        f"cd {repo.name}\n"
        "```\n\n"
        f"The whole repository also opens in JupyterLab on [Binder]({repo.binder_url()}), "
        f"and its source is on [GitHub]({repo.url}).\n"
    )


def synced_index(text: str, config: dict, repo: Repository, root: Path = ROOT, warn=print) -> str:
    """index.qmd with each generated block rewritten."""
    contents = {
        "course-table": course_table(config, repo, root, warn),
        "colab": colab_block(repo),
        "clone": clone_block(repo),
    }
    for name in INDEX_BLOCKS:
        begin, end = INDEX_BEGIN.format(name=name), INDEX_END.format(name=name)
        if text.count(begin) != 1 or text.count(end) != 1 or text.index(begin) > text.index(end):
            raise ValueError(f"index.qmd must hold exactly one block between {begin!r} and {end!r}")
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = f"{head}{begin}\n\n{contents[name].strip()}\n\n{end}{tail}"
    return text


# --- the rendered site ---------------------------------------------------------


def links_box(repo: Repository, path: str) -> str:
    """The "Other Links" box of the notebook page at `path`, as Quarto writes `other-links`."""
    items = "".join(
        f'<li><a href="{html.escape(link["href"])}"><i class="bi bi-{link["icon"]}"></i>'
        f'{html.escape(link["text"])}</a></li>'
        for link in other_links(repo, path)
    )
    return f'<div class="quarto-other-links"><h2>Other Links</h2><ul>{items}</ul></div>'


def write_site_links(site: Path, root: Path = ROOT, warn=print) -> list[str]:
    """Write each notebook page's Binder/Colab/download box into the rendered site `site`.

    The box goes at the end of the page's table of contents (the right margin),
    where Quarto puts `other-links`; a page that has one already keeps it.
    Returns the pages written. A notebook whose page is missing (a partial
    render) is skipped; a page without a table of contents is an error.
    """
    repo = repository_from_config(load_quarto_config(root))
    written = []
    for path in notebook_paths(root):
        rel = path.relative_to(root).as_posix()
        page = site / Path(rel).with_suffix(".html")
        if not page.is_file():
            continue
        text = page.read_text(encoding="utf-8")
        if 'class="quarto-other-links"' in text:
            continue
        start = text.find('<nav id="TOC"')
        end = text.find("</nav>", start)
        if start == -1 or end == -1:
            raise ValueError(f"{page}: no table of contents (<nav id=\"TOC\">) to put the notebook links in")
        page.write_text(text[:end] + links_box(repo, rel) + text[end:], encoding="utf-8")
        written.append(rel)
    return written


# --- command line -------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks and/or index.qmd (default: all)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file is out of date")
    args = parser.parse_args(argv)

    config = load_quarto_config(ROOT)
    repo = repository_from_config(config)
    index = ROOT / "index.qmd"
    targets = [p.resolve() for p in args.paths] if args.paths else [*notebook_paths(ROOT), index]

    stale, errors = [], []
    for path in targets:
        rel = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
        try:
            if path == index.resolve():
                text = path.read_text(encoding="utf-8")
                new = synced_index(text, config, repo, ROOT, warn=lambda m: print(m, file=sys.stderr))
                changed = new != text
                if changed and not args.check:
                    path.write_text(new, encoding="utf-8")
            elif path.suffix == ".ipynb":
                changed = sync_notebook(path, repo, ROOT, write=not args.check)
            else:
                raise ValueError("not a notebook or index.qmd")
        except (ValueError, OSError) as exc:
            errors.append(f"{rel}: {exc}")
            continue
        if changed:
            stale.append(rel)

    for message in errors:
        print(f"error: {message}", file=sys.stderr)
    verb = "out of date" if args.check else "updated"
    for rel in stale:
        print(f"{verb}: {rel}")
    if not stale and not errors:
        print("everything up to date")
    return 1 if errors or (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
