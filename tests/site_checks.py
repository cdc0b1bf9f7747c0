"""Static checks of the Quarto sources: fast, and they run where Quarto does not.

Every check is a function of already-parsed data (a config dict, a notebook,
a text) that returns a list of problems, each a sentence naming the file and
what is wrong; an empty list means the check passed. tests/test_site.py runs
them on the repository and on small broken inputs, to show each one fails
when it should.

What only a real render can prove (links and embeds resolve, nothing loads
from another host, slides fit, accessibility) is checked on the rendered site
in a browser: tests/test_rendered_site.py.

Option names are checked against ../shared/quarto/options.json: every option
name Quarto's schema knows, per format (see that folder's README). Quarto's
schema is open, so a misspelt option is silently ignored at render time; these
checks are what catches it.
"""

from __future__ import annotations

import fnmatch
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

import yaml

FORMATS = ("html", "revealjs")

# Options Quarto documents and honours but its schema does not list (options.json
# "known_schema_gaps"), plus page-level navigation switches from the docs'
# "Hiding Navigation" (websites/website-navigation.html), and `description`, the
# page's summary (Quarto's "Title & Author" options; options.json lists it only
# for `website`): the rendered-site tests see it as each page's
# <meta name="description">.
PAGE_OPTIONS_OUTSIDE_SCHEMA = frozenset(
    {"draft", "page-navigation", "sidebar", "navbar", "callout-appearance", "description"}
)
# Keys allowed at the top of _quarto.yml or a _metadata.yml besides format options.
STRUCTURAL_KEYS = frozenset({"format", "execute", "profile"})

# --- parsing ------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<body>.*?\n)?---[ \t]*\n?\Z", re.DOTALL)
_CELL_OPTION = re.compile(r"^#\|\s?(.*)$")


def parse_yaml(text: str, where: str) -> dict:
    """Parse a YAML mapping; ValueError naming `where` if it is not one."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(f"{where}: not valid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError(f"{where}: not a YAML mapping")
    return data


def front_matter(nb: Mapping, where: str) -> dict:
    """The parsed front matter of a notebook: its first cell, a Raw cell of `---` YAML."""
    cells = nb.get("cells", [])
    if not cells or cells[0].get("cell_type") != "raw":
        raise ValueError(f"{where}: the first cell must be a Raw cell holding the front matter")
    match = _FRONT_MATTER.match(_source(cells[0]))
    if not match:
        raise ValueError(f"{where}: the front matter must be YAML between two '---' lines")
    return parse_yaml(match["body"] or "", f"{where} (front matter)")


# Cell metadata that belongs to Jupyter or to the course's tools; every other
# top-level key of a code cell's metadata is a Quarto cell option
# (tools/cell_options.py moves the `#|` lines there).
NOT_CELL_OPTIONS = frozenset({"tags", "jupyter", "collapsed", "scrolled", "editable", "deletable", "execution",
                              "slideshow", "trusted", "id", "name", "format"})


def cell_options(cell: Mapping) -> dict:
    """The Quarto options of a code cell: the keys of its metadata, then its leading
    `#|` lines parsed as YAML (which win, as in Quarto)."""
    meta = {k: v for k, v in (cell.get("metadata") or {}).items() if k not in NOT_CELL_OPTIONS}
    lines = []
    for line in _source(cell).splitlines():
        match = _CELL_OPTION.match(line)
        if not match:
            break
        lines.append(match.group(1))
    if not lines:
        return meta
    try:
        options = yaml.safe_load("\n".join(lines))
    except yaml.YAMLError as exc:
        return {"__error__": str(exc)}
    if not isinstance(options, dict):
        return {"__error__": "the #| lines are not a YAML mapping"}
    return {**meta, **options}


def _source(cell: Mapping) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _code_cells(nb: Mapping):
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") == "code":
            yield index, cell


def _is_external(target: str) -> bool:
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", target)) or target.startswith("//")


def document_formats(meta: Mapping) -> list[str]:
    """Format names declared under `format:` (a string, a list or a mapping)."""
    fmt = meta.get("format")
    if fmt is None:
        return []
    if isinstance(fmt, str):
        return [fmt]
    if isinstance(fmt, list):
        return [str(f) for f in fmt]
    if isinstance(fmt, dict):
        return [str(f) for f in fmt]
    return []


# --- option names -------------------------------------------------------------


def _format_option_problems(fmt_value, options: Mapping, where: str) -> list[str]:
    problems = []
    if fmt_value is None:
        return problems
    if isinstance(fmt_value, str):
        return [] if fmt_value in FORMATS else [f"{where}: unknown format {fmt_value!r}"]
    if isinstance(fmt_value, list):
        return [f"{where}: unknown format {f!r}" for f in fmt_value if f not in FORMATS]
    if not isinstance(fmt_value, dict):
        return [f"{where}: `format` must be a format name or a mapping of formats"]
    for name, opts in fmt_value.items():
        if name not in FORMATS:
            problems.append(f"{where}: unknown format {name!r} (this site uses {', '.join(FORMATS)})")
            continue
        if opts is None or opts == "default":
            continue
        if not isinstance(opts, dict):
            problems.append(f"{where}: format.{name} must be `default` or a mapping of options")
            continue
        for key in opts:
            if key not in options[name]:
                problems.append(f"{where}: format.{name}.{key} is not a {name} option Quarto knows")
    return problems


def check_document_options(meta: Mapping, options: Mapping, where: str, formats: Iterable[str] = ()) -> list[str]:
    """Option names of a front matter or a _metadata.yml.

    A top-level key must be valid for every format (any_format), or for one of
    the formats the document renders to (`formats`, or those it declares).
    """
    formats = set(formats) | set(document_formats(meta)) or {"html"}
    problems = _format_option_problems(meta.get("format"), options, where)
    allowed = set(options["any_format"]) | PAGE_OPTIONS_OUTSIDE_SCHEMA | STRUCTURAL_KEYS
    for fmt in formats & set(FORMATS):
        allowed |= set(options[fmt])
    for key, value in meta.items():
        if key == "execute":
            if not isinstance(value, dict):
                problems.append(f"{where}: `execute` must be a mapping")
                continue
            problems += [
                f"{where}: execute.{k} is not an execution option Quarto knows"
                for k in value
                if k not in options["execute"]
            ]
        elif key not in allowed:
            problems.append(f"{where}: {key} is not an option Quarto knows for {' or '.join(sorted(formats))}")
    return problems


def _dotted_problems(value, path: str, allowed: set[str], where: str, recursive: Iterable[str] = ()) -> list[str]:
    """Walk mappings (lists are transparent) and check every dotted key path is allowed."""
    problems = []
    if isinstance(value, list):
        for item in value:
            problems += _dotted_problems(item, path, allowed, where, recursive)
    elif isinstance(value, dict):
        prefixes = {p.rsplit(".", 1)[0] for p in allowed if "." in p}
        if path and path not in prefixes:
            return problems  # a free-form value (Quarto does not describe its keys)
        for key, sub in value.items():
            full = f"{path}.{key}" if path else str(key)
            for nested in recursive:  # sidebar sections nest: contents.contents == contents
                while f"{nested}.{nested.rsplit('.', 1)[-1]}" in full:
                    full = full.replace(f"{nested}.{nested.rsplit('.', 1)[-1]}", nested)
            if full not in allowed:
                problems.append(f"{where}: {full} is not an option Quarto knows")
            else:
                problems += _dotted_problems(sub, full, allowed, where, recursive)
    return problems


def check_project_options(config: Mapping, options: Mapping, where: str = "_quarto.yml") -> list[str]:
    """Option names of _quarto.yml: project, website, format, execute and top-level options."""
    problems = []
    if "project" in config:
        problems += _dotted_problems(config["project"], "", set(options["project_paths"]), f"{where} project")
    if "website" in config:
        problems += _dotted_problems(
            config["website"], "", set(options["website_paths"]), f"{where} website", recursive=["sidebar.contents"]
        )
    # Everything else is format, execute, or an option shared by every document.
    project_keys = set(options["project_file_top_level"]) - STRUCTURAL_KEYS
    rest = {k: v for k, v in config.items() if k not in project_keys}
    problems += check_document_options(rest, options, where, formats=FORMATS)
    return problems


def check_cell_options(nb: Mapping, options: Mapping, where: str) -> list[str]:
    """Every `#|` option of every code cell is a Jupyter cell option Quarto knows."""
    problems = []
    for index, cell in _code_cells(nb):
        opts = cell_options(cell)
        if "__error__" in opts:
            problems.append(f"{where} cell {index}: its #| options are not valid YAML: {opts['__error__']}")
            continue
        problems += [
            f"{where} cell {index}: #| {key} is not a cell option Quarto knows"
            for key in opts
            if key not in options["cell_jupyter"]
        ]
    return problems


# --- formats ------------------------------------------------------------------


def check_no_project_revealjs(config: Mapping, where: str = "_quarto.yml") -> list[str]:
    """reveal.js at project level would render every page, index included, as slides too."""
    if "revealjs" in document_formats(config):
        return [f"{where}: `revealjs` under `format` renders every page as slides; set it per lecture"]
    return []


def check_output_files(meta: Mapping, stem: str, where: str) -> list[str]:
    """A document with html and revealjs must give the slides their own file."""
    formats = document_formats(meta)
    if not {"html", "revealjs"} <= set(formats):
        return []
    revealjs = meta["format"].get("revealjs") if isinstance(meta.get("format"), dict) else None
    output = revealjs.get("output-file") if isinstance(revealjs, dict) else None
    if not output or output == f"{stem}.html":
        return [f"{where}: html and revealjs both write {stem}.html; set format.revealjs.output-file"]
    return []


def check_lecture_formats(meta: Mapping, stem: str, where: str) -> list[str]:
    """A lecture renders as a page and as slides in `<stem>-slides.html`."""
    fmt = meta.get("format")
    if not isinstance(fmt, dict) or "html" not in fmt or "revealjs" not in fmt:
        return [f"{where}: a lecture declares `format: {{html: default, revealjs: {{output-file: ...}}}}`"]
    revealjs = fmt["revealjs"] if isinstance(fmt["revealjs"], dict) else {}
    expected = f"{stem}-slides.html"
    if revealjs.get("output-file") != expected:
        return [f"{where}: format.revealjs.output-file must be {expected!r}, not {revealjs.get('output-file')!r}"]
    return []


def check_directory_formats(dir_meta: Mapping, documents: Mapping[str, Mapping], where: str) -> list[str]:
    """A folder's _metadata.yml format keys apply to every document in it (Quarto merges
    them into each document's own list), so with `revealjs` there, each document needs
    its own slides file."""
    if "revealjs" not in document_formats(dir_meta):
        return []
    problems = []
    for rel, meta in documents.items():
        revealjs = meta.get("format", {}).get("revealjs") if isinstance(meta.get("format"), dict) else None
        stem = PurePosixPath(rel).stem
        if not isinstance(revealjs, dict) or revealjs.get("output-file") in (None, f"{stem}.html"):
            problems.append(f"{where}: sets revealjs, but {rel} gives its slides no output-file of their own")
    return problems


# --- navigation and paths -----------------------------------------------------


def navigation_targets(config: Mapping) -> list[str]:
    """Every local path the navbar and the sidebar link to, in order."""
    website = config.get("website") or {}
    found: list[str] = []

    def visit(node):
        if isinstance(node, str):
            if not _is_external(node) and not node.startswith("sidebar:") and node != "---":
                found.append(node)
        elif isinstance(node, list):
            for item in node:
                visit(item)
        elif isinstance(node, dict):
            for key in ("href", "file"):
                if isinstance(node.get(key), str):
                    visit(node[key])
            for key in ("left", "right", "menu", "contents", "tools"):
                if key in node:
                    visit(node[key])
            if isinstance(node.get("section"), str) and "." in node["section"]:
                visit(node["section"])  # `section: file.qmd` makes the section a link

    visit(website.get("navbar", {}))
    sidebars = website.get("sidebar", [])
    visit(sidebars if isinstance(sidebars, list) else [sidebars])
    return [path.lstrip("/") for path in found]


def sidebar_targets(config: Mapping) -> list[str]:
    return navigation_targets({"website": {"sidebar": (config.get("website") or {}).get("sidebar", [])}})


def check_navigation_exists(config: Mapping, root: Path, where: str = "_quarto.yml") -> list[str]:
    targets = dict.fromkeys(navigation_targets(config))  # the navbar repeats the sidebar: report once
    return [f"{where}: the navigation links to {t}, which does not exist" for t in targets if not (root / t).is_file()]


def check_render_list(config: Mapping, root: Path, where: str = "_quarto.yml") -> list[str]:
    """Every entry of project.render names a file, or a glob that matches one."""
    problems = []
    for entry in (config.get("project") or {}).get("render", []):
        if entry.startswith("!"):
            continue
        if not any(p.is_file() for p in root.glob(entry.rstrip("/") + ("/**/*" if entry.endswith("/") else ""))):
            problems.append(f"{where}: project.render entry {entry!r} matches no file")
    return problems


def rendered_inputs(config: Mapping, root: Path) -> list[str]:
    """Repository-relative inputs that project.render selects."""
    inputs: set[str] = set()
    for entry in (config.get("project") or {}).get("render", []):
        if entry.startswith("!"):
            continue
        pattern = entry.rstrip("/") + ("/**/*" if entry.endswith("/") else "")
        for path in root.glob(pattern):
            if path.is_file() and path.suffix in {".qmd", ".ipynb", ".md"}:
                inputs.add(path.relative_to(root).as_posix())
    for entry in (config.get("project") or {}).get("render", []):
        if entry.startswith("!"):
            inputs = {i for i in inputs if not fnmatch.fnmatch(i, entry[1:].rstrip("/") + "*")}
    return sorted(inputs)


def check_reachable(documents: Iterable[str], config: Mapping, where: str = "_quarto.yml") -> list[str]:
    """Every document is linked from the navigation (in the sidebar, in teaching order)."""
    targets = set(sidebar_targets(config))
    return [f"{where}: {doc} is not in the sidebar, so no page links to it" for doc in documents
            if doc not in targets]


def check_rendered(documents: Iterable[str], config: Mapping, root: Path, where: str = "_quarto.yml") -> list[str]:
    """Every notebook is in the render list."""
    rendered = set(rendered_inputs(config, root))
    return [f"{where}: project.render leaves out {doc}" for doc in documents if doc not in rendered]


def config_paths(meta: Mapping) -> list[tuple[str, str]]:
    """(what, path) for every local file a config names: theme layers, css, logo, favicon."""
    paths = []

    def theme_layers(value):
        if isinstance(value, str):
            return [value] if value.endswith((".scss", ".css")) else []
        if isinstance(value, list):
            return [v for item in value for v in theme_layers(item)]
        if isinstance(value, dict):
            return [v for item in value.values() for v in theme_layers(item)]
        return []

    def visit(opts: Mapping, prefix: str):
        for key in ("theme", "css"):
            for layer in theme_layers(opts.get(key)):
                paths.append((f"{prefix}{key}", layer))
        if isinstance(opts.get("logo"), str):
            paths.append((f"{prefix}logo", opts["logo"]))

    visit(meta, "")
    if isinstance(meta.get("format"), dict):
        for name, opts in meta["format"].items():
            if isinstance(opts, dict):
                visit(opts, f"format.{name}.")
    website = meta.get("website") or {}
    for key in ("favicon", "image"):
        if isinstance(website.get(key), str):
            paths.append((f"website.{key}", website[key]))
    for bar in ("navbar", "sidebar"):
        if isinstance(website.get(bar), dict) and isinstance(website[bar].get("logo"), str):
            paths.append((f"website.{bar}.logo", website[bar]["logo"]))
    return [(what, path) for what, path in paths if not _is_external(path)]


def check_config_paths(meta: Mapping, base: Path, where: str) -> list[str]:
    """Files named by a config (relative to its folder) exist."""
    return [f"{where}: {what} names {path}, which does not exist" for what, path in config_paths(meta)
            if not (base / path).is_file()]


# --- external loads (in JupyterLab as on the site) ----------------------------

_EXTERNAL_LOADS = [
    re.compile(
        r"<(?:img|script|iframe|source|video|audio|embed|input|track)\b[^>]*?\bsrc\s*=\s*[\"']?(?:https?:)?//", re.I
    ),
    re.compile(r"<link\b[^>]*?\bhref\s*=\s*[\"']?(?:https?:)?//", re.I),
    re.compile(r"<image\b[^>]*?\b(?:xlink:)?href\s*=\s*[\"']?(?:https?:)?//", re.I),
    re.compile(r"url\(\s*[\"']?(?:https?:)?//", re.I),
    re.compile(r"@import\s+[\"'](?:https?:)?//", re.I),
    re.compile(r"!\[[^\]]*\]\(\s*<?(?:https?:)?//", re.I),
]


def find_external_loads(text: str) -> list[str]:
    """Snippets of `text` that would make a browser load an image, script, style or
    frame from another host (links a reader clicks are fine)."""
    hits = []
    for pattern in _EXTERNAL_LOADS:
        hits += [text[m.start() : m.end() + 40].splitlines()[0] for m in pattern.finditer(text)]
    return hits


def notebook_texts(nb: Mapping) -> list[tuple[str, str]]:
    """(where in the notebook, text) for every markdown/raw cell and every text-like output."""
    texts = []
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") in ("markdown", "raw"):
            texts.append((f"cell {index}", _source(cell)))
        for output in cell.get("outputs", []) or []:
            for mime, data in (output.get("data") or {}).items():
                if mime in ("text/html", "text/markdown", "image/svg+xml", "text/latex"):
                    texts.append((f"cell {index} output {mime}", "".join(data) if isinstance(data, list) else data))
    return texts


def check_no_external_loads(nb: Mapping, where: str) -> list[str]:
    return [f"{where} {part}: loads from another host: {hit}"
            for part, text in notebook_texts(nb) for hit in find_external_loads(text)]


# --- cells --------------------------------------------------------------------


def check_labels_unique(nb: Mapping, where: str) -> list[str]:
    labels = [cell_options(c).get("label") for _, c in _code_cells(nb)]
    counts = Counter(label for label in labels if label)
    return [f"{where}: label {label!r} is used by {n} cells" for label, n in counts.items() if n > 1]


def is_figure_cell(cell: Mapping) -> bool:
    """A code cell whose stored outputs include an image."""
    return cell.get("cell_type") == "code" and any(
        mime.startswith("image/") for output in cell.get("outputs", []) or [] for mime in output.get("data") or {}
    )


def check_figure_cells(nb: Mapping, where: str) -> list[str]:
    """Every figure cell has a `fig-` label, a caption and alt text."""
    problems = []
    for index, cell in _code_cells(nb):
        if not is_figure_cell(cell):
            continue
        opts = cell_options(cell)
        label = opts.get("label")
        if not (isinstance(label, str) and label.startswith("fig-")):
            problems.append(f"{where} cell {index}: a figure cell needs `#| label: fig-...` (has {label!r})")
        for key in ("fig-cap", "fig-alt"):
            if not (isinstance(opts.get(key), str) and opts[key].strip()):
                problems.append(f"{where} cell {index} ({label}): a figure cell needs `#| {key}:`")
    return problems


# --- links built from the repository -------------------------------------------


_EXECUTABLE_CHUNK = re.compile(r"^\s*(`{3,}|~{3,})\s*\{\s*[A-Za-z]", re.MULTILINE)
_INLINE_EXPR = re.compile(r"`\{[A-Za-z]+\}\s[^`]*`")


def check_no_executable_code(text: str, where: str) -> list[str]:
    """A .qmd page holds no executable code: all code lives in notebooks."""
    hits = _EXECUTABLE_CHUNK.findall(text) + _INLINE_EXPR.findall(text)
    return [f"{where}: holds executable code ({len(hits)} chunk(s)); code belongs in a notebook"] if hits else []


_REPOSITORY_URLS = [
    ("GitHub", re.compile(r"https?://github\.com/(?P<owner>[\w.-]+)/(?P<name>[\w.-]+?)(?:\.git)?(?=[/\s)\"'#?>`]|$)")),
    ("raw file", re.compile(
        r"https?://raw\.githubusercontent\.com/(?P<owner>[\w.-]+)/(?P<name>[\w.-]+)/(?P<branch>[\w.-]+)/"
    )),
    ("Binder", re.compile(r"https?://mybinder\.org/v2/gh/(?P<owner>[\w.-]+)/(?P<name>[\w.-]+)/(?P<branch>[\w.-]+)")),
    ("Colab", re.compile(
        r"https?://colab\.research\.google\.com/github/(?P<owner>[\w.-]+)/(?P<name>[\w.-]+)/blob/(?P<branch>[\w.-]+)/"
    )),
    ("GitHub Pages", re.compile(r"https?://(?P<owner>[\w-]+)\.github\.io/(?P<name>[\w.-]+)")),
]


def check_repository_urls(text: str, owner: str, name: str, branch: str, where: str) -> list[str]:
    """URLs of the course's repository written by hand agree with the one place that sets it.

    Every Binder and Colab URL is about this course; a GitHub, raw-file or Pages
    URL is taken to be about it when its owner or its name matches (a link to
    another project, nbval say, is left alone).
    """
    problems = []
    for kind, pattern in _REPOSITORY_URLS:
        for match in pattern.finditer(text):
            found_owner, found_name = match["owner"], match["name"]
            found_branch = match.groupdict().get("branch")
            if kind not in ("Binder", "Colab") and found_owner != owner and found_name != name:
                continue
            if (found_owner, found_name) != (owner, name) or found_branch not in (None, branch):
                problems.append(
                    f"{where}: {kind} URL {match.group(0)} does not name {owner}/{name}"
                    + (f" on branch {branch}" if found_branch is not None else "")
                    + " (set in _quarto.yml: website.repo-url, website.repo-branch)"
                )
    return problems


MAX_DESCRIPTION = 200  # characters: search engines show about 160


def check_description(meta: Mapping, where: str) -> list[str]:
    """A page's front matter has a `description` (its <meta name="description">, what a
    search engine shows under the title; Lighthouse's SEO audit asks for one)."""
    text = meta.get("description")
    if not isinstance(text, str) or len(text.split()) < 5:
        return [f"{where}: no `description:` of a sentence in the front matter"]
    if len(text) > MAX_DESCRIPTION:
        return [f"{where}: the description is {len(text)} characters long (at most {MAX_DESCRIPTION})"]
    return []
