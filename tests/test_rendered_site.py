"""The rendered site and slides, as readers and audiences see them in a browser.

`quarto render` runs once per test session (into a temporary folder, so a
`_site/` of yours is left alone), then headless Chromium opens every page at
1400x900 and every slide deck at its own 1050x700, served over HTTP on
127.0.0.1, and checks:

1. the render itself: exit 0, no WARN or ERROR line in its log;
2. offline: no request to any other host (they are blocked and recorded), no
   failed request, no console error, no formula left as raw TeX;
3. slides fit: no slide's content is wider than the slide, or taller unless it
   is `.scrollable` (a handful at most, each with a reason), or reaches down
   into the footer, logo and menu button that reveal.js lays over the bottom of
   the slide; every figure on a slide is shown at least 300 px tall;
4. accessibility: axe-core reports no serious or critical violation, and every
   image has alt text;
5. valid HTML: the Nu HTML Checker (vnu-jar from npm, with java) reports no
   error except the listed ones that Quarto's templates make;
6. links: every internal href/src resolves, every notebook page shows its
   Binder, Colab and download links, every lecture page links to its slides;
   the navbar marks as current only the page's own link and its menu.

The second half of the file feeds each check a deliberately broken copy of the
site and shows that it reports the breakage.

Needs Quarto, Playwright with a Chromium, axe-core, and vnu-jar with java (see
tests/rendered_site.py). Without them these tests skip and say why;
NNCOURSE_REQUIRE_QUARTO=1 / NNCOURSE_REQUIRE_BROWSER=1 (set by .ci/run) turn a
missing tool into a failure. NNCOURSE_SITE_DIR=_site tests an existing render
instead of rendering (the render-log test then skips).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path, PurePosixPath

import nbformat
import pytest

import rendered_site as rs
import site_checks as sc

ROOT = Path(__file__).resolve().parents[1]

# Slides allowed to fail the fit check, (deck, slide id) -> why. Empty: every slide
# fits. The list may only shrink: a listed slide that fits, or an id that no longer
# exists, fails test_allowance_is_current until it is removed from the list.
KNOWN_UNFIT_SLIDES: dict[tuple[str, str], str] = {}

MAX_SCROLLABLE_SLIDES = 5


def expected_pages() -> list[str]:
    """Every page and deck the render should write, from the sources."""
    config = sc.parse_yaml((ROOT / "_quarto.yml").read_text(encoding="utf-8"), "_quarto.yml")
    pages = []
    for source in sc.rendered_inputs(config, ROOT):
        stem = PurePosixPath(source).with_suffix("")
        pages.append(f"{stem}.html")
        if stem.parent.name == "lectures":
            pages.append(f"{stem}-slides.html")
    return sorted(pages)


PAGES = expected_pages()
DECKS = [p for p in PAGES if rs.is_deck(p)]
# Pages rendered from a notebook (not index.qmd, not playground.qmd), which carry Binder/Colab links.
NOTEBOOK_PAGES = [p for p in PAGES if not rs.is_deck(p) and (ROOT / PurePosixPath(p).with_suffix(".ipynb")).is_file()]
LECTURE_PAGES = [p for p in NOTEBOOK_PAGES if p.startswith("lectures/")]


# --- fixtures: one render, one server, one browser, one look at each page --------------


@pytest.fixture(scope="session")
def rendered(tmp_path_factory) -> rs.RenderResult:
    if rs.find_quarto() is None and not os.environ.get("NNCOURSE_SITE_DIR"):
        rs.need("quarto is not installed (https://quarto.org, or ../shared/quarto/offline)", "NNCOURSE_REQUIRE_QUARTO")
    result = rs.session_render(tmp_path_factory)
    print(f"\nquarto render: {result.seconds:.0f} s")
    if not (result.output_dir / "index.html").is_file():
        pytest.fail("no rendered site (quarto render wrote none, or NNCOURSE_SITE_DIR is wrong):\n" + result.log[-3000:])
    return result


@pytest.fixture(scope="session")
def site(rendered) -> Path:
    return rendered.output_dir


@pytest.fixture(scope="session")
def look(site, chromium):
    """look(page) -> PageReport, each page opened once per session."""
    if not rs.AXE_JS.is_file():
        rs.need(f"axe-core is not installed ({rs.AXE_JS}): run `npm ci`", "NNCOURSE_REQUIRE_BROWSER")
    cache: dict[str, rs.PageReport] = {}
    with rs.serve(site) as base:

        def _look(page: str) -> rs.PageReport:
            if page not in cache:
                cache[page] = rs.inspect(chromium, base, page)
            return cache[page]

        yield _look


def assert_no_problems(problems: list[str]) -> None:
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)


# --- 1. the render ------------------------------------------------------------------------


def test_render_exits_cleanly_without_warnings(rendered):
    if os.environ.get("NNCOURSE_SITE_DIR"):
        pytest.skip("NNCOURSE_SITE_DIR: the site was rendered outside this test session")
    assert_no_problems(rendered.problems())


def test_every_page_and_deck_is_rendered(site):
    assert rs.site_pages(site) == PAGES


def test_no_path_of_the_rendering_machine_on_the_site(site):
    problems = []
    for page in rs.site_pages(site):
        text = (site / page).read_text(encoding="utf-8")
        if str(ROOT) in text:
            problems.append(f"{page}: contains {ROOT}")
    assert_no_problems(problems)


# --- 2. offline ---------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_works_offline(look, page):
    """No other host, no failed request, no console error, every formula typeset."""
    assert_no_problems(rs.check_offline(look(page)))


# --- 3. slides fit ------------------------------------------------------------------------


@pytest.mark.parametrize("deck", DECKS)
def test_slides_fit(look, deck):
    report = look(deck)
    allowance = [(deck, s["number"]) for s in report.slides if (deck, s["id"]) in KNOWN_UNFIT_SLIDES]
    assert report.slides, f"{deck}: no slides found"
    assert_no_problems(rs.check_slide_fit(report, allowance))


def test_allowance_is_current(look):
    """Every slide in KNOWN_UNFIT_SLIDES still fails: a fixed slide leaves the list."""
    stale = []
    for deck, slide_id in KNOWN_UNFIT_SLIDES:
        report = look(deck)
        numbers = [s["number"] for s in report.slides if s["id"] == slide_id]
        if not numbers:
            stale.append(f"{deck}: no slide with id {slide_id!r}")
        elif not rs.check_slide_fit(rs.PageReport(deck, "deck", slides=[report.slides[numbers[0] - 1]])):
            stale.append(f"{deck} slide {numbers[0]} ({slide_id}) fits now: remove it from KNOWN_UNFIT_SLIDES")
    assert_no_problems(stale)


def test_scrollable_slides_are_few_and_explained(look):
    """At most a handful of `.scrollable` slides, each with `<!-- scrollable: why -->`."""
    scrollable = [(deck, s) for deck in DECKS for s in rs.scrollable_slides(look(deck))]
    assert len(scrollable) <= MAX_SCROLLABLE_SLIDES, [f"{d} slide {s['number']}" for d, s in scrollable]
    problems = []
    for path in sorted((ROOT / "lectures").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown" and re.search(r"^##\s.*\{[^}]*\.scrollable", cell.source, re.M):
                if not re.search(r"<!--\s*scrollable:\s*\S", cell.source):
                    problems.append(f"{path.name}: {cell.source.splitlines()[0]} has no <!-- scrollable: reason -->")
    assert_no_problems(problems)


# --- 4. accessibility ---------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_accessible(look, page):
    """axe-core: no serious or critical violation; every image has alt text."""
    assert_no_problems(rs.check_accessibility(look(page)))


# --- 4b. valid HTML -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def html_errors(site):
    """The Nu HTML Checker's errors on every page and deck (one JVM, about 35 s)."""
    if not rs.VNU_JAR.is_file():
        rs.need(f"vnu-jar is not installed ({rs.VNU_JAR}): run `npm ci`", "NNCOURSE_REQUIRE_BROWSER")
    if rs.find_java() is None:
        rs.need("java is not installed (the Nu HTML Checker needs it)", "NNCOURSE_REQUIRE_BROWSER")
    return rs.validate_html(site, PAGES)


def test_html_is_valid(html_errors):
    """No error of the Nu HTML Checker except the listed ones of Quarto's templates."""
    assert_no_problems(rs.check_html(html_errors))


def test_html_allowance_is_current(html_errors):
    """Each listed template error still occurs: one that Quarto stopped making leaves the list."""
    used = {rs.allowed_html_error(e) for e in html_errors}
    stale = [why for i, (_, _, why) in enumerate(rs.HTML_TEMPLATE_ERRORS) if i not in used]
    assert_no_problems([f"no longer reported, remove it from HTML_TEMPLATE_ERRORS: {why}" for why in stale])


# --- 5. links -----------------------------------------------------------------------------


def test_internal_links_resolve(site):
    assert_no_problems(rs.check_internal_links(site))


def _expected_notebook_links(page: str) -> list[dict]:
    """What tools/sync_front_matter.py builds from _quarto.yml (tools/offline_site.py writes
    it into the page after the render)."""
    sync = rs.load_tool("sync_front_matter")
    repo = sync.repository_from_config(sync.load_quarto_config(ROOT))
    source = PurePosixPath(page).with_suffix(".ipynb").as_posix()
    return [{"text": link["text"], "href": link["href"]} for link in sync.other_links(repo, source)]


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_notebook_page_shows_binder_colab_and_download(site, page):
    expected = _expected_notebook_links(page)
    assert {link["text"] for link in expected} >= {"Launch on Binder", "Open in Colab", "Download the notebook"}
    assert_no_problems(rs.check_notebook_page_links(site, page, expected))


@pytest.mark.parametrize("page", LECTURE_PAGES + [p for p in DECKS if p.startswith("lectures/")])
def test_answers_hidden_until_clicked(site, page):
    """Page: each answer is a collapsed callout; slides: a fragment (the next click)."""
    html = (site / page).read_text(encoding="utf-8")
    assert html.count("callout-tip") >= 1, f"{page}: no Check-yourself answer"
    assert_no_problems(rs.check_answers(html, page, deck=rs.is_deck(page)))


def test_answer_check_bites():
    page = ('<div class="callout callout-tip fragment"><div class="callout-header" '
            'data-bs-toggle="collapse" aria-expanded="false">Answer</div></div>')
    assert rs.check_answers(page, "p", deck=False) == []
    assert rs.check_answers(page.replace('aria-expanded="false"', ""), "p", deck=False)
    assert rs.check_answers("<details><summary>Answer</summary><p>x</p></details>", "p", deck=False)
    deck = '<div class="fragment">\n<div class="callout callout-tip">Answer</div></div>'
    assert rs.check_answers(deck, "d", deck=True) == []
    assert rs.check_answers(deck.replace("fragment", "other"), "d", deck=True)


@pytest.mark.parametrize("page", LECTURE_PAGES)
def test_lecture_page_links_to_its_slides(site, page):
    assert_no_problems(rs.check_links_to_slides(site, page))


@pytest.mark.parametrize("page", [p for p in PAGES if not rs.is_deck(p)])
def test_navbar_marks_only_the_page_itself(site, page):
    """Quarto marks "Home" current on every page of a one-sidebar site; tools/offline_site.py
    marks the page's own navbar link (and its menu) instead."""
    assert_no_problems(rs.check_navbar_current(site, page))


def test_navbar_marks_the_section_of_a_lecture(site):
    header = rs._HEADER.search((site / "lectures/09-tuning-and-best-practices.html").read_text(encoding="utf-8"))
    assert re.search(r'class="nav-link dropdown-toggle active"[^>]*id="nav-menu-part-2', header.group(0))
    assert 'class="dropdown-item active" aria-current="page" href="../lectures/09-tuning' in header.group(0)


# --- the checks bite: a deliberately broken copy of the site ------------------------------

LECTURE = "lectures/01-from-regression-to-neurons.html"
DECK = "lectures/01-from-regression-to-neurons-slides.html"


def _large_figure(deck: Path) -> str:
    """A figure PNG of the deck at least 400 px tall (so 301 px shows it below 90 %)."""
    from PIL import Image

    folder = deck.parent / (deck.name.removesuffix("-slides.html") + "_files") / "figure-revealjs"
    for png in sorted(folder.glob("*.png")):
        if Image.open(png).height >= 400:
            return png.relative_to(deck.parent).as_posix()
    raise AssertionError(f"no figure of 400 px or more in {folder}")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="session")
def broken(site, chromium, tmp_path_factory):
    """A copy of the site with one breakage per page; yields (folder, look)."""
    copy = tmp_path_factory.mktemp("broken") / "_site"
    shutil.copytree(site, copy)
    # offline: a script and an image from other hosts, a script that throws
    _edit(copy / "index.html", "</body>",
          '<script src="https://cdn.example.org/lib.js"></script>'
          '<img src="https://example.org/logo.png" alt="a remote image">'
          '<script>throw new Error("deliberate")</script></body>')
    # navbar: "Home" marked current on a lecture page, as Quarto marks it
    _edit(copy / LECTURE, '<a class="nav-link" href="../index.html">',
          '<a class="nav-link active" href="../index.html" aria-current="page">')
    # raw TeX: the page's math engine is gone
    _edit(copy / LECTURE, "site_libs/offline/mathjax3/tex-chtml-full.js", "site_libs/offline/missing/tex-chtml-full.js")
    # slides: five slides of our own before the deck's first content slide: one too
    # tall, one too wide, one figure shrunk to a thumbnail, one figure tall enough
    # but scaled down so far that its text is smaller than the code font, and one
    # that fits the slide but runs into its footer
    figure = _large_figure(copy / DECK)
    bad_slides = (
        '<section id="bite-tall" class="slide level2"><h2>Bite: too tall</h2>'
        '<div style="height: 900px"></div></section>'
        '<section id="bite-wide" class="slide level2"><h2>Bite: too wide</h2><p style="white-space: nowrap">'
        + "a very long line that does not wrap " * 6 + "</p></section>"
        f'<section id="bite-thumbnail" class="slide level2"><h2>Bite: thumbnail</h2>'
        f'<img src="{figure}" alt="a figure" style="height: 120px"></section>'
        f'<section id="bite-small-text" class="slide level2"><h2>Bite: small text</h2>'
        f'<img src="{figure}" alt="a figure" style="height: 301px"></section>'
        # within the slide's 700 px, but under the footer, the logo and the menu button
        '<section id="bite-footer" class="slide level2"><h2>Bite: into the footer</h2>'
        '<div style="position: absolute; top: 0; left: 0; width: 20px; height: 695px"></div></section>'
    )
    text = (copy / DECK).read_text(encoding="utf-8")
    first = re.search(r'<section id="[^"]+" class="slide level2', text).start()
    (copy / DECK).write_text(text[:first] + bad_slides + text[first:], encoding="utf-8")
    # accessibility: an image without alt text, a link without a name
    page = "notebooks/00-datasets.html"
    _edit(copy / page, "</main>", '<img src="../assets/logo.svg"><a href="#top"><i class="bi bi-x"></i></a></main>')
    # links: a missing page, a missing anchor; a notebook page without Colab; slides gone
    _edit(copy / "notebooks/01-mlp-from-scratch.html", "</main>",
          '<a href="no-such-page.html">gone</a><a href="../index.html#no-such-id">gone</a></main>')
    _edit(copy / "notebooks/01-mlp-from-scratch.html", "Open in Colab", "Open elsewhere")
    (copy / "lectures/02-the-multilayer-perceptron-slides.html").unlink()
    # HTML: an alt on a div, an aria-label on a div without a role, a pandas <style scoped>
    _edit(copy / "notebooks/00-datasets.html", "</main>",
          '<div alt="a figure"></div><div aria-label="a name">x</div>'
          '<div><style scoped="">.dataframe th { color: red; }</style></div></main>')
    rs._parse.cache_clear()
    with rs.serve(copy) as base:
        yield copy, (lambda p: rs.inspect(chromium, base, p))
    rs._parse.cache_clear()


def test_render_check_bites():
    ok = rs.RenderResult(0, "Output created: _site/index.html\n", 1.0, ROOT)
    assert ok.problems() == []
    warned = rs.RenderResult(0, "\x1b[33mWARN: Theme file not found: x.scss\x1b[39m\n", 1.0, ROOT)
    assert warned.problems() == ["WARN: Theme file not found: x.scss"]
    failed = rs.RenderResult(1, "ERROR: something\n", 1.0, ROOT)
    assert failed.problems() == ["quarto render exited with 1", "ERROR: something"]


def test_offline_check_bites(broken):
    _, look_broken = broken
    problems = "\n".join(rs.check_offline(look_broken("index.html")))
    assert "requests another host: https://cdn.example.org/lib.js" in problems
    assert "requests another host: https://example.org/logo.png" in problems
    assert "console error: uncaught: deliberate" in problems


def test_raw_math_check_bites(broken):
    _, look_broken = broken
    problems = "\n".join(rs.check_offline(look_broken(LECTURE)))
    assert "formula left as raw TeX" in problems
    assert "request failed: 404 site_libs/offline/missing/tex-chtml-full.js" in problems


def test_slide_fit_check_bites(broken, look):
    _, look_broken = broken
    report = look_broken(DECK)
    problems = "\n".join(rs.check_slide_fit(report))
    assert re.search(r'slide 2 "Bite: too tall": content \d+ px tall on a 700 px slide', problems)
    assert re.search(r'slide 3 "Bite: too wide": content \d+ px wide on a 1050 px slide', problems)
    assert re.search(r'slide 4 "Bite: thumbnail": figure \S+.png shown 120 px tall', problems)
    assert re.search(r'slide 5 "Bite: small text": figure \S+.png shown at \d+%: its axis labels are about '
                     r"\d+ px, smaller than the code font", problems)
    assert re.search(r'slide 6 "Bite: into the footer": content 695 px tall runs into the footer, which starts '
                     r"\d+ px down the 700 px slide", problems)
    assert problems.count('"Bite: ') == 5
    real = rs.check_slide_fit(look(DECK))  # the deck's own slides, in the intact site
    assert problems.count("\n") == 4 + len(real), "the real slides around them are judged as before"
    # and the allowance lets exactly the listed slide through
    allowed = rs.check_slide_fit(report, [(DECK, 2)])
    assert not any("slide 2 " in line for line in allowed) and any("slide 3 " in line for line in allowed)


def test_accessibility_check_bites(broken):
    _, look_broken = broken
    problems = "\n".join(rs.check_accessibility(look_broken("notebooks/00-datasets.html")))
    assert "image without alt text" in problems
    assert "axe critical 'image-alt'" in problems
    assert "axe serious 'link-name'" in problems


def test_navbar_check_bites(broken):
    copy, _ = broken
    assert rs.check_navbar_current(copy, LECTURE) == [f"{LECTURE}: the navbar marks ../index.html as the current page"]


def test_html_check_bites(broken):
    copy, _ = broken
    if not rs.VNU_JAR.is_file() or rs.find_java() is None:
        rs.need("the Nu HTML Checker needs vnu-jar (`npm ci`) and java", "NNCOURSE_REQUIRE_BROWSER")
    page = "notebooks/00-datasets.html"
    problems = "\n".join(rs.check_html(rs.validate_html(copy, [page, DECK])))
    assert f"{page}:" in problems
    assert "Attribute “alt” not allowed on element “div”" in problems
    assert "The “aria-label” attribute must not be specified on any “div” element" in problems
    assert "Attribute “scoped” not allowed on element “style”" in problems
    assert DECK not in problems, "a deck's template errors are allowed"
    assert problems.count("\n") + 1 >= 3


def test_link_checks_bite(broken):
    copy, _ = broken
    problems = "\n".join(rs.check_internal_links(copy))
    assert 'notebooks/01-mlp-from-scratch.html: href="no-such-page.html" points to a missing file' in problems
    assert 'href="../index.html#no-such-id": no element with id "no-such-id"' in problems
    page = "notebooks/01-mlp-from-scratch.html"
    assert "no link \"Open in Colab\"" in "\n".join(
        rs.check_notebook_page_links(copy, page, _expected_notebook_links(page)))
    assert "its slides 02-the-multilayer-perceptron-slides.html were not rendered" in "\n".join(
        rs.check_links_to_slides(copy, "lectures/02-the-multilayer-perceptron.html"))


# --- 6. the playground: the demos react to every control ---------------------------------
# playground.qmd includes assets/playground/lr-explorer.qmd and mlp-playground.qmd; the
# offline and accessibility tests above cover the page (it is in project.render). Here a
# browser moves every slider and presses every button, as a reader would, and checks that
# what is drawn changes. tests/test_playground.py checks the numbers themselves.

PLAYGROUND = "playground.html"
MIN_STEPS_PER_SECOND = 30


def test_playground_is_in_the_site_checks():
    assert PLAYGROUND in PAGES, "playground.qmd must be in project.render (offline and a11y checks)"
    assert PLAYGROUND not in NOTEBOOK_PAGES


@pytest.fixture(scope="module")
def playground(site, chromium):
    """The playground page, open in a tab with both demos mounted; its uncaught errors are recorded."""
    with rs.serve(site) as base:
        context = chromium.new_context(viewport=rs.PAGE)
        tab = context.new_page()
        tab.errors = []
        tab.on("pageerror", lambda e: tab.errors.append(str(e)))
        tab.goto(base + PLAYGROUND, wait_until="load")
        tab.wait_for_selector('[data-nn-demo="lr-explorer"][data-mounted]', timeout=20000)
        tab.wait_for_selector('[data-nn-demo="mlp-playground"][data-mounted]', timeout=20000)
        yield tab
        context.close()


def _attr(tab, selector: str, name: str) -> str:
    return tab.locator(selector).get_attribute(name) or ""


def _lrx(tab) -> dict:
    return tab.evaluate("""() => ({
        path: document.querySelector('.lrx-path').getAttribute('points'),
        loss: document.querySelector('.lrx-loss').getAttribute('points'),
        status: document.querySelector('.nn-lrx').dataset.status,
        kind: document.querySelector('#lrx-kind').value,
        steps: +document.querySelector('.nn-lrx').dataset.steps,
        text: document.querySelector('#lrx-status').textContent })""")


def _set_range(tab, selector: str, value: str) -> None:
    tab.locator(selector).fill(value)  # sets the value and fires input/change, as dragging does


def _axe_problems(tab) -> list[str]:
    return rs.check_accessibility(rs.PageReport(PLAYGROUND, "page", axe=rs.run_axe(tab, "page")))


def test_playground_is_accessible_once_mounted(playground):
    """test_accessible may run axe before the demos have fetched their data: here they are drawn,
    in both states of the explorer's verdict and with the network trained."""
    tab = playground
    assert tab.locator("#lrx-eta").get_attribute("aria-valuetext") is None  # a plain number is announced
    problems = _axe_problems(tab)
    _set_range(tab, "#lrx-eta", "0.55")
    tab.click("#mlpg-step")
    problems += _axe_problems(tab)
    _set_range(tab, "#lrx-eta", "0.3")
    tab.click("#mlpg-reset")
    assert_no_problems(problems)


def test_playground_lr_explorer_sliders_move_the_path_and_the_curve(playground):
    tab = playground
    _set_range(tab, "#lrx-eta", "0.3")
    before = _lrx(tab)
    assert before["status"] == "converges" and "converges" in before["text"]
    for selector, key in [("#lrx-eta", "ArrowRight"), ("#lrx-momentum", "ArrowRight"), ("#lrx-steps", "ArrowLeft")]:
        state = _lrx(tab)
        tab.locator(selector).focus()
        tab.keyboard.press(key)
        after = _lrx(tab)
        assert after["path"] != state["path"], f"{selector}: the path did not change"
        assert after["loss"] != state["loss"], f"{selector}: the loss curve did not change"
    assert _lrx(tab)["steps"] == 49
    assert "heavy-ball momentum" in _lrx(tab)["text"]
    state = _lrx(tab)
    tab.locator("#lrx-kind").select_option("nesterov")
    after = _lrx(tab)
    assert after["kind"] == "nesterov" and "Nesterov momentum" in after["text"]
    assert after["path"] != state["path"], "#lrx-kind: the path did not change"
    assert after["loss"] != state["loss"], "#lrx-kind: the loss curve did not change"
    tab.locator("#lrx-kind").select_option("heavy-ball")
    _set_range(tab, "#lrx-momentum", "0")
    _set_range(tab, "#lrx-steps", "50")


def test_playground_lr_explorer_says_diverges_above_the_ceiling(playground):
    tab = playground
    _set_range(tab, "#lrx-momentum", "0")
    _set_range(tab, "#lrx-steps", "60")
    _set_range(tab, "#lrx-eta", "0.51")  # the ceiling 2 / lambda_max is 0.520 (lecture 04)
    below = _lrx(tab)
    assert below["status"] == "converges" and "below the ceiling" in below["text"]
    _set_range(tab, "#lrx-eta", "0.53")
    above = _lrx(tab)
    assert above["status"] == "diverges" and "diverges" in above["text"] and "above the ceiling" in above["text"]
    _set_range(tab, "#lrx-eta", "0.55")  # lecture 04: stopped as diverged after 31 steps
    assert "stopped at step 32" in _lrx(tab)["text"]
    tab.locator("#lrx-eta").focus()
    tab.keyboard.press("End")
    assert _lrx(tab)["status"] == "diverges"
    _set_range(tab, "#lrx-eta", "0.3")
    assert not tab.errors


@pytest.mark.parametrize("kind, below, above, ceiling", [
    ("heavy-ball", "0.98", "1.00", "lifted to 2(1 + μ)/λmax = 0.987"),       # 2(1.9)/3.849
    ("nesterov", "0.35", "0.36", "lowered to 2(1 + μ)/((1 + 2μ)λmax) = 0.353"),  # 2(1.9)/(2.8 * 3.849)
])
def test_playground_lr_explorer_ceiling_depends_on_the_momentum(playground, kind, below, above, ceiling):
    """At mu = 0.9 heavy ball converges up to 0.987 and Nesterov (scikit-learn's form) only up to 0.353:
    the verdict and the ceiling announced follow the selected momentum, and the eta range reaches both."""
    tab = playground
    tab.locator("#lrx-kind").select_option(kind)
    _set_range(tab, "#lrx-momentum", "0.9")
    _set_range(tab, "#lrx-steps", "200")
    _set_range(tab, "#lrx-eta", below)
    state = _lrx(tab)
    assert state["status"] == "converges" and "below the ceiling" in state["text"] and ceiling in state["text"]
    _set_range(tab, "#lrx-eta", above)
    state = _lrx(tab)
    assert state["status"] == "diverges" and "above the ceiling" in state["text"] and "diverges" in state["text"]
    tab.locator("#lrx-kind").select_option("heavy-ball")
    _set_range(tab, "#lrx-momentum", "0")
    _set_range(tab, "#lrx-steps", "50")
    _set_range(tab, "#lrx-eta", "0.3")
    assert not tab.errors


def _mlpg(tab) -> dict:
    return tab.evaluate("""() => {
        const root = document.querySelector('.nn-mlpg');
        return { steps: +root.dataset.steps, loss: root.dataset.loss, accuracy: root.dataset.accuracy,
                 canvas: document.querySelector('#mlpg-boundary').toDataURL(),
                 curve: document.querySelector('.mlpg-loss').getAttribute('points') || '',
                 play: document.querySelector('#mlpg-play').textContent,
                 pressed: document.querySelector('#mlpg-play').getAttribute('aria-pressed') };
    }""")


def _steps(tab, n: int) -> dict:
    for _ in range(n):
        tab.click("#mlpg-step")
    return _mlpg(tab)


def test_playground_mlp_buttons(playground):
    tab = playground
    tab.click("#mlpg-reset")
    start = _mlpg(tab)
    assert start["steps"] == 0 and start["curve"] == ""
    one = _steps(tab, 1)
    assert one["steps"] == 1 and one["canvas"] != start["canvas"] and one["curve"] != ""
    tab.click("#mlpg-play")
    tab.wait_for_timeout(1000)
    playing = _mlpg(tab)
    assert playing["play"] == "Pause" and playing["pressed"] == "true"
    assert playing["steps"] > 10, "one second of play made fewer than 10 steps"
    tab.click("#mlpg-play")
    paused = _mlpg(tab)
    tab.wait_for_timeout(300)
    assert _mlpg(tab)["steps"] == paused["steps"] and paused["play"] == "Play" and paused["pressed"] == "false"
    assert paused["canvas"] != one["canvas"] and paused["curve"] != one["curve"]
    assert float(paused["loss"]) < float(one["loss"]), "training did not lower the loss"
    tab.click("#mlpg-reset")
    again = _mlpg(tab)
    assert again["steps"] == 0 and again["canvas"] == start["canvas"], "reset must return to the same initial weights"
    assert not tab.errors


def test_playground_mlp_controls_change_the_network(playground):
    tab = playground
    tab.click("#mlpg-reset")
    base = _mlpg(tab)
    for selector, value in [("#mlpg-layers", "1"), ("#mlpg-width", "4"), ("#mlpg-activation", "tanh")]:
        tab.select_option(selector, value)
        changed = _mlpg(tab)
        assert changed["steps"] == 0 and changed["canvas"] != base["canvas"], f"{selector}={value} changed nothing"
        base = changed
    # the optimiser and the learning rate change what a step does
    after = {}
    for solver in ("gd", "adam"):
        tab.select_option("#mlpg-solver", solver)
        after[solver] = _steps(tab, 3)["loss"]
    assert after["gd"] != after["adam"]
    losses = []
    for rate in ("8", "10"):  # slider stops 0.5 and 2
        tab.select_option("#mlpg-solver", "gd")
        _set_range(tab, "#mlpg-lr", rate)
        assert tab.locator("#mlpg-lr-out").text_content() == {"8": "0.5", "10": "2"}[rate]
        tab.click("#mlpg-reset")
        losses.append(_steps(tab, 3)["loss"])
    assert losses[0] != losses[1]
    for selector, value in [("#mlpg-layers", "2"), ("#mlpg-width", "8"), ("#mlpg-activation", "relu")]:
        tab.select_option(selector, value)
    assert not tab.errors


def test_playground_mlp_trains_smoothly(playground):
    """A 2-16-16-1 network on the 200 moons: training step + full redraw at least 30 times a second."""
    tab = playground
    tab.select_option("#mlpg-layers", "2")
    tab.select_option("#mlpg-width", "16")
    tab.select_option("#mlpg-solver", "adam")
    ms = tab.evaluate("() => document.querySelector('.nn-mlpg').benchmark(200)")
    tab.click("#mlpg-reset")
    tab.click("#mlpg-play")
    tab.wait_for_timeout(2000)
    tab.click("#mlpg-play")
    played = _mlpg(tab)["steps"] / 2
    print(f"\n2-16-16-1, 200 points: {1000 / ms:.0f} steps + redraws per second "
          f"({ms:.2f} ms each); while playing (one per animation frame): {played:.0f} per second")
    assert 1000 / ms >= MIN_STEPS_PER_SECOND
    assert played >= MIN_STEPS_PER_SECOND
    tab.click("#mlpg-reset")
