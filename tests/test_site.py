"""The Quarto sources of the site and slides, checked without running Quarto.

The rendered site itself (links, embeds, offline, slide fit, accessibility) is
checked in a browser by tests/test_rendered_site.py.

Two kinds of tests:

* the repository: `_quarto.yml`, every `_metadata.yml`, every notebook's front
  matter and cells, `index.qmd`, checked by the functions in site_checks.py;
* the checks themselves: each is fed a small broken input (a misspelt option,
  a missing file, a missing label, ...) and must report it, and a clean input
  and must not.

Option names are checked against ../shared/quarto/options.json (the list of
every option Quarto's schema knows). That file exists on the development
machines only; elsewhere (GitHub) those tests skip and say why.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import re
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

import site_checks as sc

ROOT = Path(__file__).resolve().parents[1]
OPTIONS_JSON = ROOT.parent / "shared" / "quarto" / "options.json"
SYNC_COMMAND = "python tools/sync_front_matter.py"


def _load_sync_tool():
    spec = importlib.util.spec_from_file_location("sync_front_matter", ROOT / "tools" / "sync_front_matter.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


sync = _load_sync_tool()
NOTEBOOKS = sync.notebook_paths(ROOT)
NOTEBOOK_IDS = [p.relative_to(ROOT).as_posix() for p in NOTEBOOKS]
LECTURES = [p for p in NOTEBOOKS if p.parent.name == "lectures"]
METADATA_FILES = sorted(p for d in ("lectures", "notebooks") for p in (ROOT / d).rglob("_metadata.yml"))


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def read_nb(path: Path):
    return nbformat.read(path, as_version=4)


def assert_no_problems(problems: list[str]) -> None:
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def config() -> dict:
    return sc.parse_yaml((ROOT / "_quarto.yml").read_text(encoding="utf-8"), "_quarto.yml")


@pytest.fixture(scope="module")
def options() -> dict:
    if not OPTIONS_JSON.is_file():
        pytest.skip(
            f"no Quarto option list at {OPTIONS_JSON} (it exists on the development machines only); "
            "option names are not checked here"
        )
    return json.loads(OPTIONS_JSON.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def repo(config):
    return sync.repository_from_config(config)


# =============================================================================
# The repository
# =============================================================================

# --- everything parses -------------------------------------------------------------


def test_quarto_config_parses(config):
    assert config["project"]["type"] == "website"
    assert config["project"]["output-dir"] == "_site"


@pytest.mark.parametrize("path", METADATA_FILES, ids=[rel(p) for p in METADATA_FILES])
def test_metadata_file_parses(path):
    sc.parse_yaml(path.read_text(encoding="utf-8"), rel(path))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_front_matter_parses_and_has_a_title(path):
    meta = sc.front_matter(read_nb(path), rel(path))
    assert isinstance(meta.get("title"), str) and meta["title"].strip(), f"{rel(path)}: no title"


def test_index_front_matter_parses():
    text = (ROOT / "index.qmd").read_text(encoding="utf-8")
    match = re.match(r"\A---\n(.*?\n)---\n", text, re.DOTALL)
    assert match, "index.qmd starts with YAML front matter"
    assert sc.parse_yaml(match.group(1), "index.qmd").get("title")


# --- option names ------------------------------------------------------------------


def test_project_option_names(config, options):
    assert_no_problems(sc.check_project_options(config, options))


@pytest.mark.parametrize("path", METADATA_FILES, ids=[rel(p) for p in METADATA_FILES])
def test_metadata_option_names(path, options):
    meta = sc.parse_yaml(path.read_text(encoding="utf-8"), rel(path))
    assert_no_problems(sc.check_document_options(meta, options, rel(path)))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_front_matter_option_names(path, options):
    meta = sc.front_matter(read_nb(path), rel(path))
    dir_meta_path = path.parent / "_metadata.yml"
    dir_formats = []
    if dir_meta_path.exists():
        dir_formats = sc.document_formats(yaml.safe_load(dir_meta_path.read_text(encoding="utf-8")) or {})
    assert_no_problems(sc.check_document_options(meta, options, rel(path), formats=dir_formats))


def test_index_option_names(options):
    text = (ROOT / "index.qmd").read_text(encoding="utf-8")
    meta = sc.parse_yaml(re.match(r"\A---\n(.*?\n)---\n", text, re.DOTALL).group(1), "index.qmd")
    assert_no_problems(sc.check_document_options(meta, options, "index.qmd"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_cell_option_names(path, options):
    assert_no_problems(sc.check_cell_options(read_nb(path), options, rel(path)))


# --- formats: pages and slides -------------------------------------------------------


def test_no_revealjs_at_project_level(config):
    assert_no_problems(sc.check_no_project_revealjs(config))


@pytest.mark.parametrize("path", LECTURES, ids=[rel(p) for p in LECTURES])
def test_lecture_renders_as_page_and_slides(path):
    meta = sc.front_matter(read_nb(path), rel(path))
    assert_no_problems(sc.check_lecture_formats(meta, path.stem, rel(path)))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_page_and_slides_write_different_files(path):
    meta = sc.front_matter(read_nb(path), rel(path))
    assert_no_problems(sc.check_output_files(meta, path.stem, rel(path)))


@pytest.mark.parametrize("path", METADATA_FILES, ids=[rel(p) for p in METADATA_FILES])
def test_folder_formats_suit_every_document_in_it(path):
    dir_meta = sc.parse_yaml(path.read_text(encoding="utf-8"), rel(path))
    documents = {rel(nb): sc.front_matter(read_nb(nb), rel(nb)) for nb in sorted(path.parent.glob("*.ipynb"))}
    assert_no_problems(sc.check_directory_formats(dir_meta, documents, rel(path)))


# --- paths rendering follows ---------------------------------------------------------


def test_render_list_matches_files(config):
    assert_no_problems(sc.check_render_list(config, ROOT))


def test_navigation_targets_exist(config):
    """Fails while a planned notebook listed in the navigation is not written yet."""
    assert_no_problems(sc.check_navigation_exists(config, ROOT))


def test_config_files_exist(config):
    problems = sc.check_config_paths(config, ROOT, "_quarto.yml")
    for path in METADATA_FILES:
        meta = sc.parse_yaml(path.read_text(encoding="utf-8"), rel(path))
        problems += sc.check_config_paths(meta, path.parent, rel(path))
    assert_no_problems(problems)


def test_every_page_is_rendered_and_in_the_navigation(config):
    documents = ["index.qmd", *NOTEBOOK_IDS]
    assert_no_problems(sc.check_rendered(documents, config, ROOT) + sc.check_reachable(documents, config))


def _document_front_matter(source: str) -> dict:
    path = ROOT / source
    if path.suffix == ".ipynb":
        return sc.front_matter(nbformat.read(path, as_version=4), source)
    return sc.parse_yaml(path.read_text(encoding="utf-8").split("---")[1], source)


def test_every_page_has_a_description(config):
    problems = []
    for source in sc.rendered_inputs(config, ROOT):
        problems += sc.check_description(_document_front_matter(source), source)
    assert_no_problems(problems)


def test_description_check_bites():
    assert sc.check_description({"title": "A"}, "a.ipynb") == ["a.ipynb: no `description:` of a sentence in the front matter"]
    assert sc.check_description({"description": "x " * 150}, "a.ipynb")
    assert sc.check_description({"description": "What this page teaches, in one sentence."}, "a.ipynb") == []


def test_navbar_lists_what_the_sidebar_lists(config):
    navbar = sc.navigation_targets({"website": {"navbar": config["website"]["navbar"]}})
    assert navbar == sc.sidebar_targets(config), "the navbar menus follow the sidebar's teaching order"


def test_index_embeds_a_figure():
    """index.qmd shows the data through `{{< embed >}}` (a missing target fails the render:
    tests/test_rendered_site.py)."""
    assert "{{< embed notebooks/00-datasets.ipynb#fig-" in (ROOT / "index.qmd").read_text(encoding="utf-8")


def test_index_has_no_executable_code():
    assert_no_problems(sc.check_no_executable_code((ROOT / "index.qmd").read_text(encoding="utf-8"), "index.qmd"))


# --- cells -------------------------------------------------------------------------


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_labels_unique(path):
    assert_no_problems(sc.check_labels_unique(read_nb(path), rel(path)))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_figure_cells_have_label_caption_and_alt_text(path):
    assert_no_problems(sc.check_figure_cells(read_nb(path), rel(path)))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_notebook_loads_nothing_from_another_host(path):
    assert_no_problems(sc.check_no_external_loads(read_nb(path), rel(path)))


def test_site_sources_load_nothing_from_another_host():
    problems = []
    assets = sorted((ROOT / "assets").glob("*.s[ac]ss")) + sorted((ROOT / "assets").glob("*.svg"))
    for path in [ROOT / "index.qmd", *assets]:
        problems += [f"{rel(path)}: {hit}" for hit in sc.find_external_loads(path.read_text(encoding="utf-8"))]
    assert_no_problems(problems)


# --- links built from the one place that names the repository ----------------------


def test_repository_named_once(config, repo):
    assert (repo.owner, repo.name, repo.branch) == ("nn-course", "neural-networks-theory-to-practice", "main")
    slug = f"{repo.owner}/{repo.name}"
    assert (ROOT / "_quarto.yml").read_text(encoding="utf-8").count(slug) == 1, "the slug is written once"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_notebook_carries_no_generated_links(path):
    """The Binder/Colab/download links go onto the page after the render (tools/offline_site.py,
    checked in the browser by tests/test_rendered_site.py), not into the notebook."""
    source = sync.notebook_front_matter_source(read_nb(path))
    assert "other-links" not in sc.front_matter(read_nb(path), rel(path)), f"{rel(path)}: run `{SYNC_COMMAND}`"
    assert sync.LINKS_BEGIN not in source and sync.LEGACY_LINKS_BEGIN not in source


def test_front_matter_and_index_in_sync(config, repo):
    """Every generated block is what tools/sync_front_matter.py writes today."""
    stale = []
    for path in NOTEBOOKS:
        nb = read_nb(path)
        source = sync.notebook_front_matter_source(nb)
        if sync.synced_front_matter(source, repo, rel(path)) != source:
            stale.append(rel(path))
    index = (ROOT / "index.qmd").read_text(encoding="utf-8")
    if sync.synced_index(index, config, repo, ROOT, warn=lambda _: None) != index:
        stale.append("index.qmd")
    assert not stale, f"out of date: {', '.join(stale)}; run `{SYNC_COMMAND}`"


def test_index_writes_no_repository_url_by_hand(repo):
    """Outside its generated blocks, index.qmd names no repository, Binder or Colab URL."""
    text = (ROOT / "index.qmd").read_text(encoding="utf-8")
    for name in sync.INDEX_BLOCKS:
        begin, end = sync.INDEX_BEGIN.format(name=name), sync.INDEX_END.format(name=name)
        text = text.split(begin)[0] + text.split(end)[1]
    for needle in (repo.name, "mybinder.org", "colab.research.google.com", "raw.githubusercontent.com"):
        assert needle not in text, f"index.qmd names {needle} outside a generated block"


def test_hand_written_repository_urls_agree_with_the_config(repo):
    """README, CONTRIBUTING, index.qmd and the notebooks' text name the configured repository."""
    problems = []
    for name in ("README.md", "CONTRIBUTING.md", "index.qmd"):
        if (ROOT / name).is_file():
            text = (ROOT / name).read_text(encoding="utf-8")
            problems += sc.check_repository_urls(text, repo.owner, repo.name, repo.branch, name)
    for path in NOTEBOOKS:
        for index, cell in enumerate(read_nb(path).cells):
            if cell.cell_type in ("markdown", "raw"):
                problems += sc.check_repository_urls(
                    cell.source, repo.owner, repo.name, repo.branch, f"{rel(path)} cell {index}"
                )
    assert_no_problems(problems)


REPOSITORY_URL_BREAKS = {
    "Binder owner typo": "https://mybinder.org/v2/gh/nn-corse/course/main?labpath=a.ipynb",
    "Colab on another branch": "https://colab.research.google.com/github/nn-course/course/blob/master/a.ipynb",
    "GitHub name typo": "[source](https://github.com/nn-course/corse)",
    "Pages name typo": "https://nn-course.github.io/corse/",
    "raw file on another branch": "https://raw.githubusercontent.com/nn-course/course/dev/a.ipynb",
}


@pytest.mark.parametrize("case", REPOSITORY_URL_BREAKS, ids=list(REPOSITORY_URL_BREAKS))
def test_repository_url_mismatch_is_reported(case):
    problems = sc.check_repository_urls(REPOSITORY_URL_BREAKS[case], "nn-course", "course", "main", "README.md")
    assert len(problems) == 1, problems


def test_matching_and_unrelated_repository_urls_pass():
    text = (
        "[![CI](https://github.com/nn-course/course/actions/workflows/ci.yml/badge.svg)]"
        "(https://github.com/nn-course/course/actions) https://nn-course.github.io/course/ "
        "https://mybinder.org/v2/gh/nn-course/course/main?urlpath=lab https://mybinder.org/badge_logo.svg "
        "https://github.com/computationalmodelling/nbval `git clone https://github.com/nn-course/course.git`"
    )
    assert sc.check_repository_urls(text, "nn-course", "course", "main", "README.md") == []


def test_url_builders_give_the_documented_urls():
    repo = sync.Repository("ORG", "REPO", "BRANCH")
    path = "lectures/01-x.ipynb"
    assert repo.binder_url(path) == "https://mybinder.org/v2/gh/ORG/REPO/BRANCH?labpath=lectures/01-x.ipynb"
    assert repo.colab_url(path) == "https://colab.research.google.com/github/ORG/REPO/blob/BRANCH/lectures/01-x.ipynb"
    assert repo.download_url(path) == "https://raw.githubusercontent.com/ORG/REPO/BRANCH/lectures/01-x.ipynb"


# --- the workflow renders this -------------------------------------------------------


def test_workflow_renders_and_publishes_the_site(config):
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    version = workflow["env"]["QUARTO_VERSION"]
    steps = workflow["jobs"]["site"]["steps"]
    runs = [step.get("run", "") for step in steps]
    assert any(run.strip() == "uv run quarto render" for run in runs), "the site job runs `uv run quarto render`"
    upload = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-pages-artifact")]
    assert upload and upload[0]["with"]["path"] == config["project"]["output-dir"]
    assert f"**{version}**" in (ROOT / "index.qmd").read_text(encoding="utf-8"), (
        f"index.qmd names the Quarto version the workflow pins ({version})"
    )


# =============================================================================
# The checks fail on broken input
# =============================================================================

# A small stand-in for options.json, so these run everywhere.
MINI_OPTIONS = {
    "html": ["toc", "theme", "other-links", "format-links", "title", "subtitle", "code-overflow", "output-file"],
    "revealjs": ["slide-number", "scrollable", "theme", "title", "output-file", "logo"],
    "any_format": ["title", "echo", "output-file"],
    "execute": ["enabled", "echo", "freeze"],
    "project_file_top_level": ["project", "website"],
    "project_paths": ["type", "output-dir", "render"],
    "website_paths": [
        "title", "navbar", "navbar.left", "navbar.left.href", "navbar.left.text", "navbar.left.menu",
        "sidebar", "sidebar.style", "sidebar.contents", "sidebar.contents.href", "sidebar.contents.text",
        "sidebar.contents.section", "sidebar.contents.contents", "search", "search.location", "repo-url",
    ],
    "cell_jupyter": ["label", "fig-cap", "fig-alt", "echo", "output"],
}


def code_cell(source: str, outputs=()):
    cell = nbformat.v4.new_code_cell(source)
    cell.outputs = list(outputs)
    return cell


def image_output():
    return nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"})


def make_nb(*cells, front="---\ntitle: T\n---"):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_raw_cell(front), *cells] if front is not None else list(cells)
    return nb


FIGURE = "#| label: fig-a\n#| fig-cap: A caption.\n#| fig-alt: Bars of equal height.\nplt.show()"
GOOD_CONFIG = {
    "project": {"type": "website", "output-dir": "_site", "render": ["index.qmd", "lectures/*.ipynb"]},
    "execute": {"enabled": False},
    "website": {
        "title": "T",
        "repo-url": "https://github.com/o/r",
        "search": {"location": "navbar"},
        "navbar": {"left": [{"text": "Home", "href": "index.qmd"}, {"text": "L", "menu": ["lectures/01-a.ipynb"]}]},
        "sidebar": {
            "style": "docked",
            "contents": [
                {"text": "Home", "href": "index.qmd"},
                {"section": "Part 1", "contents": [{"section": "Sub", "contents": ["lectures/01-a.ipynb"]}]},
            ],
        },
    },
    "format": {"html": {"toc": True, "theme": ["flatly", "assets/t.scss"]}},
}
GOOD_LECTURE = {"title": "A", "format": {"html": "default", "revealjs": {"output-file": "01-a-slides.html"}}}


@pytest.fixture
def site(tmp_path):
    """A tiny valid site on disk: index, one lecture with a figure, a theme file."""
    (tmp_path / "lectures").mkdir()
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "t.scss").write_text("/*-- scss:defaults --*/\n")
    (tmp_path / "index.qmd").write_text("---\ntitle: T\n---\n")
    nb = make_nb(code_cell(FIGURE, [image_output()]), front="---\n" + yaml.safe_dump(GOOD_LECTURE) + "---")
    nbformat.write(nb, tmp_path / "lectures" / "01-a.ipynb")
    return tmp_path


def modified(data: dict, dotted: str, value) -> dict:
    """A deep copy of `data` with `value` set at `dotted` (list indices as numbers)."""
    data = json.loads(json.dumps(data))
    node = data
    keys = [int(k) if k.isdigit() else k for k in dotted.split(".")]
    for key in keys[:-1]:
        node = node[key]
    node[keys[-1]] = value
    return data


def test_checks_pass_on_a_clean_site(site):
    nb = read_nb(site / "lectures" / "01-a.ipynb")
    meta = sc.front_matter(nb, "l")
    problems = (
        sc.check_project_options(GOOD_CONFIG, MINI_OPTIONS)
        + sc.check_document_options(meta, MINI_OPTIONS, "l")
        + sc.check_cell_options(nb, MINI_OPTIONS, "l")
        + sc.check_no_project_revealjs(GOOD_CONFIG)
        + sc.check_lecture_formats(meta, "01-a", "l")
        + sc.check_output_files(meta, "01-a", "l")
        + sc.check_render_list(GOOD_CONFIG, site)
        + sc.check_navigation_exists(GOOD_CONFIG, site)
        + sc.check_config_paths(GOOD_CONFIG, site, "c")
        + sc.check_reachable(["index.qmd", "lectures/01-a.ipynb"], GOOD_CONFIG)
        + sc.check_rendered(["index.qmd", "lectures/01-a.ipynb"], GOOD_CONFIG, site)
        + sc.check_labels_unique(nb, "l")
        + sc.check_figure_cells(nb, "l")
        + sc.check_no_external_loads(nb, "l")
        + sc.check_no_executable_code("```bash\nquarto render\n```\n", "i")
    )
    assert problems == []


# --- option names -------------------------------------------------------------------

OPTION_TYPOS = {
    "revealjs option": (lambda: sc.check_document_options(
        modified(GOOD_LECTURE, "format.revealjs", {"slide-numbr": "c/t"}), MINI_OPTIONS, "l"), "slide-numbr"),
    "html option": (lambda: sc.check_document_options(
        modified(GOOD_LECTURE, "format.html", {"tocc": True}), MINI_OPTIONS, "l"), "tocc"),
    "top-level option": (lambda: sc.check_document_options(
        {**GOOD_LECTURE, "subtitel": "x"}, MINI_OPTIONS, "l"), "subtitel"),
    "html-only option on slides-only doc": (lambda: sc.check_document_options(
        {"title": "t", "format": {"revealjs": {}}, "toc": True}, MINI_OPTIONS, "l"), "toc"),
    "unknown format": (lambda: sc.check_document_options(
        {"format": {"revealjss": {}}}, MINI_OPTIONS, "l"), "revealjss"),
    "unknown format as a string": (lambda: sc.check_document_options(
        {"format": "htlm"}, MINI_OPTIONS, "l"), "htlm"),
    "execute option": (lambda: sc.check_document_options(
        {"execute": {"enable": False}}, MINI_OPTIONS, "l"), "enable"),
    "project option": (lambda: sc.check_project_options(
        modified(GOOD_CONFIG, "project.output_dir", "_site"), MINI_OPTIONS), "output_dir"),
    "navbar option": (lambda: sc.check_project_options(
        modified(GOOD_CONFIG, "website.navbar.lefft", []), MINI_OPTIONS), "lefft"),
    "nested sidebar entry": (lambda: sc.check_project_options(
        modified(GOOD_CONFIG, "website.sidebar.contents.1.contents.0.contents", [{"hreff": "x"}]),
        MINI_OPTIONS), "hreff"),
    "top-level key of _quarto.yml": (lambda: sc.check_project_options(
        {**GOOD_CONFIG, "websiet": {}}, MINI_OPTIONS), "websiet"),
    "project-level format option": (lambda: sc.check_project_options(
        modified(GOOD_CONFIG, "format.html.them", "x"), MINI_OPTIONS), "them"),
    "cell option": (lambda: sc.check_cell_options(
        make_nb(code_cell("#| label: fig-a\n#| fig-atl: x\n1")), MINI_OPTIONS, "l"), "fig-atl"),
    "cell options not YAML": (lambda: sc.check_cell_options(
        make_nb(code_cell("#| label: [\n1")), MINI_OPTIONS, "l"), "not valid YAML"),
}


@pytest.mark.parametrize("case", OPTION_TYPOS, ids=list(OPTION_TYPOS))
def test_option_checks_catch_typos(case):
    run, needle = OPTION_TYPOS[case]
    problems = run()
    assert problems and any(needle in p for p in problems), problems


def test_option_checks_catch_typos_with_the_real_option_list(options):
    assert any("slide-numbr" in p for p in sc.check_document_options(
        modified(GOOD_LECTURE, "format.revealjs", {"slide-numbr": "c/t"}), options, "l"))
    assert any("lefft" in p for p in sc.check_project_options(
        modified(GOOD_CONFIG, "website.navbar.lefft", []), options))
    assert any("fig-atl" in p for p in sc.check_cell_options(
        make_nb(code_cell("#| fig-atl: x\n1")), options, "l"))


# --- formats --------------------------------------------------------------------------

FORMAT_BREAKS = {
    "revealjs at project level": (lambda: sc.check_no_project_revealjs(
        modified(GOOD_CONFIG, "format.revealjs", {})), "revealjs"),
    "lecture without slides": (lambda: sc.check_lecture_formats(
        {"title": "A", "format": {"html": "default"}}, "01-a", "l"), "revealjs"),
    "slides with the wrong file": (lambda: sc.check_lecture_formats(
        modified(GOOD_LECTURE, "format.revealjs.output-file", "slides.html"), "01-a", "l"), "01-a-slides.html"),
    "page and slides in one file": (lambda: sc.check_output_files(
        modified(GOOD_LECTURE, "format.revealjs", "default"), "01-a", "l"), "output-file"),
    "folder revealjs, document without its own file": (lambda: sc.check_directory_formats(
        {"format": {"revealjs": {"scrollable": True}}}, {"lectures/02-b.ipynb": {"title": "B"}}, "m"),
        "02-b.ipynb"),
}


@pytest.mark.parametrize("case", FORMAT_BREAKS, ids=list(FORMAT_BREAKS))
def test_format_checks_catch_breaks(case):
    run, needle = FORMAT_BREAKS[case]
    problems = run()
    assert problems and any(needle in p for p in problems), problems


# --- paths ------------------------------------------------------------------------------


def test_missing_render_target_is_reported(site):
    config = modified(GOOD_CONFIG, "project.render", ["index.qmd", "lectures/*.ipynb", "notebooks/*.ipynb"])
    assert any("notebooks/*.ipynb" in p for p in sc.check_render_list(config, site))


def test_missing_navigation_target_is_reported(site):
    config = modified(GOOD_CONFIG, "website.sidebar.contents.1.contents.0.contents", ["lectures/02-b.ipynb"])
    assert any("lectures/02-b.ipynb" in p for p in sc.check_navigation_exists(config, site))
    config = modified(GOOD_CONFIG, "website.navbar.left.1.menu", ["lectures/01-a.ipynb", "lectures/O2-typo.ipynb"])
    assert any("O2-typo" in p for p in sc.check_navigation_exists(config, site))


def test_missing_theme_file_is_reported(site):
    config = modified(GOOD_CONFIG, "format.html.theme", {"light": ["flatly", "assets/t.scss"], "dark": "assets/d.scss"})
    assert any("assets/d.scss" in p for p in sc.check_config_paths(config, site, "c"))


def test_notebook_missing_from_navigation_is_reported(site):
    problems = sc.check_reachable(["index.qmd", "lectures/01-a.ipynb", "notebooks/extra.ipynb"], GOOD_CONFIG)
    assert any("notebooks/extra.ipynb" in p for p in problems)
    problems = sc.check_rendered(["notebooks/extra.ipynb"], GOOD_CONFIG, site)
    assert any("notebooks/extra.ipynb" in p for p in problems)


# --- cells ------------------------------------------------------------------------------

CELL_BREAKS = {
    "duplicate label": (sc.check_labels_unique,
                        make_nb(code_cell("#| label: fig-a\n1"), code_cell("#| label: fig-a\n2")), "fig-a"),
    "figure without alt text": (sc.check_figure_cells,
                                make_nb(code_cell("#| label: fig-a\n#| fig-cap: C.\nplt.show()", [image_output()])),
                                "fig-alt"),
    "figure without caption": (sc.check_figure_cells,
                               make_nb(code_cell("#| label: fig-a\n#| fig-alt: A.\nplt.show()", [image_output()])),
                               "fig-cap"),
    "figure without label": (sc.check_figure_cells,
                             make_nb(code_cell("#| fig-cap: C.\n#| fig-alt: A.\nplt.show()", [image_output()])),
                             "label"),
    "figure label without fig-": (sc.check_figure_cells,
                                  make_nb(code_cell("#| label: bars\n#| fig-cap: C.\n#| fig-alt: A.\n1",
                                                    [image_output()])), "fig-"),
    "hotlinked markdown image": (sc.check_no_external_loads,
                                 make_nb(nbformat.v4.new_markdown_cell("![logo](https://example.org/logo.png)")),
                                 "example.org"),
    "hotlinked html image": (sc.check_no_external_loads,
                             make_nb(nbformat.v4.new_markdown_cell('<img src="http://example.org/a.png">')),
                             "example.org"),
    "script from a CDN in an output": (sc.check_no_external_loads,
                                       make_nb(code_cell("show()", [nbformat.v4.new_output(
                                           "display_data",
                                           data={"text/html": '<script src="https://cdn.example/x.js"></script>'})])),
                                       "cdn.example"),
    "image in an SVG output": (sc.check_no_external_loads,
                               make_nb(code_cell("show()", [nbformat.v4.new_output(
                                   "display_data",
                                   data={"image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg">'
                                                          '<image href="https://example.org/p.png"/></svg>'})])),
                               "example.org"),
    "web font import": (sc.check_no_external_loads,
                        make_nb(nbformat.v4.new_markdown_cell(
                            '<style>@import url("https://fonts.example/css");</style>')), "fonts.example"),
}


@pytest.mark.parametrize("case", CELL_BREAKS, ids=list(CELL_BREAKS))
def test_cell_checks_catch_breaks(case):
    check, nb, needle = CELL_BREAKS[case]
    problems = check(nb, "nb")
    assert problems and any(needle in p for p in problems), problems


def test_format_given_as_a_name_is_accepted():
    assert sc.check_document_options({"title": "A", "format": "html"}, MINI_OPTIONS, "l") == []


def test_plain_links_and_svg_namespaces_are_not_loads():
    nb = make_nb(
        nbformat.v4.new_markdown_cell("Data from [OpenML](https://www.openml.org)."),
        code_cell("show()", [nbformat.v4.new_output(
            "display_data", data={"image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg" '
                                                   'xmlns:xlink="http://www.w3.org/1999/xlink"></svg>'})]),
    )
    assert sc.check_no_external_loads(nb, "nb") == []


FRONT_MATTER_BREAKS = {
    "first cell not raw": make_nb(nbformat.v4.new_markdown_cell("---\ntitle: T\n---"), front=None),
    "no closing ---": make_nb(front="---\ntitle: T\n"),
    "invalid YAML": make_nb(front="---\ntitle: [T\n---"),
    "not a mapping": make_nb(front="---\n- a\n- b\n---"),
}


@pytest.mark.parametrize("case", FRONT_MATTER_BREAKS, ids=list(FRONT_MATTER_BREAKS))
def test_unparseable_front_matter_is_reported(case):
    with pytest.raises(ValueError, match="front matter|YAML"):
        sc.front_matter(FRONT_MATTER_BREAKS[case], "nb")


def test_executable_code_in_a_page_is_reported():
    assert sc.check_no_executable_code("```{python}\n1 + 1\n```\n", "i")
    assert sc.check_no_executable_code("Inline `{python} 1 + 1` result.", "i")


# --- links built from the repository ------------------------------------------------------


def _site_with_page(tmp_path, body: str):
    (tmp_path / "_quarto.yml").write_text(
        "website:\n  repo-url: https://github.com/o/r\n  repo-branch: main\n", encoding="utf-8")
    (tmp_path / "lectures").mkdir()
    nbformat.write(make_nb(), tmp_path / "lectures" / "01-a.ipynb")
    page = tmp_path / "_site" / "lectures" / "01-a.html"
    page.parent.mkdir(parents=True)
    page.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    return page


def test_site_links_are_written_into_the_page_margin(tmp_path):
    page = _site_with_page(tmp_path, '<nav id="TOC"><ul><li>Intro</li></ul></nav><main>text</main>')
    assert sync.write_site_links(tmp_path / "_site", tmp_path) == ["lectures/01-a.ipynb"]
    text = page.read_text(encoding="utf-8")
    repo = sync.Repository("o", "r", "main")
    for link in sync.other_links(repo, "lectures/01-a.ipynb"):
        assert f'<a href="{link["href"]}"><i class="bi bi-{link["icon"]}"></i>{link["text"]}</a>' in text
    assert text.index("quarto-other-links") < text.index("</nav>") < text.index("<main>")
    assert sync.write_site_links(tmp_path / "_site", tmp_path) == []  # once only
    assert page.read_text(encoding="utf-8") == text


def test_a_page_without_a_table_of_contents_is_reported(tmp_path):
    _site_with_page(tmp_path, "<main>text</main>")
    with pytest.raises(ValueError, match="no table of contents"):
        sync.write_site_links(tmp_path / "_site", tmp_path)


def test_sync_removes_only_the_old_links_block():
    repo = sync.Repository("o", "r", "main")
    old = ('---\ntitle: "A"\ndescription: "What it is."\nformat:\n  html: default\n'
           f'{sync.LINKS_BEGIN}\nother-links:\n  - {{text: "Open in Colab", href: "x"}}\n{sync.LINKS_END}\n'
           '# a comment\n---')
    once = sync.synced_front_matter(old, repo, "lectures/01-a.ipynb")
    assert once == '---\ntitle: "A"\ndescription: "What it is."\nformat:\n  html: default\n# a comment\n---'
    assert sync.synced_front_matter(once, repo, "lectures/01-a.ipynb") == once  # idempotent


def test_sync_rewrites_only_the_front_matter_and_colab_cell_of_a_real_notebook(tmp_path):
    """On a copy of a stored notebook: the front matter and the Colab cell change, no other
    cell or output does."""
    source = ROOT / "notebooks" / "00-datasets.ipynb"
    nb = read_nb(source)
    nb.cells[0].source = '---\ntitle: "A tour of the two datasets"\n---'
    nb.cells = [c for c in nb.cells if "colab-setup" not in c.metadata.get("tags", [])]
    (tmp_path / "notebooks").mkdir()
    copy = tmp_path / "notebooks" / "00-datasets.ipynb"
    nbformat.write(nb, copy)
    repo = sync.Repository("o", "r", "main")
    assert sync.sync_notebook(copy, repo, tmp_path, write=True)
    assert not sync.sync_notebook(copy, repo, tmp_path, write=True)  # idempotent on disk too
    after = read_nb(copy)
    assert after.cells[2:] == nb.cells[1:]
    assert after.cells[0].source == nb.cells[0].source  # no links in the notebook
    colab = after.cells[1]
    assert colab.cell_type == "code" and colab.metadata["tags"] == ["colab-setup"] and not colab.outputs
    assert '"google.colab" in sys.modules' in colab.source and "git+https://github.com/o/r@main" in colab.source
    assert colab.metadata["include"] is False  # not on the page, not on a slide
    assert colab.metadata["jupyter"] == {"source_hidden": True}  # collapsed in JupyterLab


def test_unparseable_yaml_file_is_reported():
    with pytest.raises(ValueError, match="_metadata.yml: not valid YAML"):
        sc.parse_yaml("format:\n  revealjs: [\n", "_metadata.yml")
    with pytest.raises(ValueError, match="not a YAML mapping"):
        sc.parse_yaml("- html\n", "_metadata.yml")


def test_sync_refuses_hand_written_links():
    with pytest.raises(ValueError, match="by hand"):
        sync.synced_front_matter("---\ntitle: A\nother-links: []\n---", sync.Repository("o", "r", "m"), "a.ipynb")


@pytest.mark.parametrize("url", ["https://gitlab.com/o/r", "github.com/o/r", "https://github.com/o"])
def test_repository_url_must_be_a_github_repository(url):
    with pytest.raises(ValueError, match="repo-url"):
        sync.repository_from_config({"website": {"repo-url": url, "repo-branch": "main"}})


def test_repository_branch_is_required():
    with pytest.raises(ValueError, match="repo-branch"):
        sync.repository_from_config({"website": {"repo-url": "https://github.com/o/r"}})


# --- cell options live in the cell metadata, where JupyterLab hides them -----------------


def _load_cell_options_tool():
    spec = importlib.util.spec_from_file_location("cell_options", ROOT / "tools" / "cell_options.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


cell_options_tool = _load_cell_options_tool()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_no_cell_option_comments(path):
    """No `#|` line in a code cell: `python tools/cell_options.py` moves them into the metadata."""
    assert_no_problems([f"{rel(path)} cell {i}: #| options in the source; run `python tools/cell_options.py`"
                        for i, cell in enumerate(read_nb(path).cells)
                        if cell.cell_type == "code" and cell_options_tool.option_lines(cell.source)[0]])


def test_moving_cell_options_keeps_every_value():
    caption = "Squared error $(y - 2)^2$: missing by 2 costs 4, \"y-hat\" near 2 costs little."
    cell = code_cell('#| label: fig-a\n#| fig-cap: "' + caption.replace('"', '\\"') + '"\n'
                     '#|   \n#| output-location: slide\nplt.show()', [image_output()])
    cell.metadata["tags"] = ["keep"]
    before = sc.cell_options(cell)
    assert before == {"label": "fig-a", "fig-cap": caption, "output-location": "slide"}
    outputs = copy.deepcopy(cell.outputs)
    assert cell_options_tool.moved(cell)
    assert cell.source == "plt.show()" and cell.outputs == outputs and cell.metadata["tags"] == ["keep"]
    assert sc.cell_options(cell) == before
    assert not cell_options_tool.moved(cell)  # idempotent


def test_a_cell_option_comment_is_reported(tmp_path):
    path = tmp_path / "a.ipynb"
    nbformat.write(make_nb(code_cell("#| echo: false\n1")), path)
    assert cell_options_tool.main(["--check", str(path)]) == 1
    assert cell_options_tool.main([str(path)]) == 0
    assert cell_options_tool.main(["--check", str(path)]) == 0
