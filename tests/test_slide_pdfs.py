"""The slide decks as PDFs (tools/slides_pdf.py): exported several times each, every copy right.

Renders the site once (or takes NNCOURSE_SITE_DIR), serves it on 127.0.0.1, and
exports every deck NNCOURSE_PDF_REPEATS times with decktape (default 1: one pass
over the ten decks, 360 slides, costs about 3 CPU-minutes, lecture 05's 31 slides
about 17 s of CPU, which is what fits the suite's budget; set 5 or 20 for a
reliability run), then checks each PDF with `slides_pdf.pdf_problems`:

1. one page per slide, the slides counted by reveal.js itself in Chromium
   (Reveal.getSlides(), as tests/rendered_site.py walks them), which also checks
   the tool's own static count;
2. no blank page (pdftoppm at 20 dpi: less than 0.1 % of the page differs from
   its background);
3. no page whose text (pdftotext) holds "Math Processing Error" or a formula
   left as raw TeX;
4. an image (pdfimages) on the page of every slide that shows a figure.

The second half shows each check failing on a deliberately broken copy of a real
export of lecture 05: a page missing, an extra blank page, a blank page for a
slide, a page with "[Math Processing Error]", a page with raw TeX, a figure's
page without its figure.

Needs Quarto (as the rendered-site tests), Node.js with `npm ci` (decktape), a
Chromium and poppler-utils. Without them these tests skip and say why;
NNCOURSE_REQUIRE_QUARTO=1 / NNCOURSE_REQUIRE_BROWSER=1 turn a skip into a failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import rendered_site as rs

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import slides_pdf as sp  # noqa: E402

REPEATS = int(os.environ.get("NNCOURSE_PDF_REPEATS", "1"))
DECKS = sorted(f"lectures/{p.stem}-slides.html" for p in (ROOT / "lectures").glob("[0-9][0-9]-*.ipynb"))
BROKEN_DECK = "lectures/05-backpropagation-slides.html"


# --- fixtures: the tools, one render, one server, the slide counts, the exports ----------


@pytest.fixture(scope="module")
def tools():
    missing = sp.missing_tools()
    if missing:
        rs.need("; ".join(missing), "NNCOURSE_REQUIRE_BROWSER")


@pytest.fixture(scope="module")
def site(tools, tmp_path_factory) -> Path:
    if rs.find_quarto() is None and not os.environ.get("NNCOURSE_SITE_DIR"):
        rs.need("quarto is not installed (https://quarto.org, or ../shared/quarto/offline)", "NNCOURSE_REQUIRE_QUARTO")
    result = rs.session_render(tmp_path_factory)   # the render test_rendered_site.py uses too
    if not (result.output_dir / "index.html").is_file():
        pytest.fail("no rendered site (quarto render wrote none, or NNCOURSE_SITE_DIR is wrong):\n" + result.log[-3000:])
    return result.output_dir


@pytest.fixture(scope="module")
def base(site):
    with sp.serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def reveal_counts(site, base, chromium) -> dict[str, int]:
    """Each deck's number of slides, as reveal.js counts them in Chromium."""
    counts = {}
    context = chromium.new_context(viewport=rs.SLIDE)
    tab = context.new_page()
    for deck in DECKS:
        tab.goto(base + deck, wait_until="load")
        counts[deck] = tab.evaluate("() => Reveal.getSlides().length")
    context.close()
    return counts


TIMES: dict[str, list[float]] = {}  # deck -> seconds of each export
LAST: dict[str, Path] = {}  # deck -> its last export that had no problem


@pytest.fixture(scope="module")
def export(site, base, tmp_path_factory):
    """export(deck) -> a fresh PDF of the deck, its time recorded in TIMES and printed at the end (-s)."""
    folder = tmp_path_factory.mktemp("pdfs")

    def _export(deck: str) -> tuple[sp.Export, Path]:
        n = len(TIMES.setdefault(deck, []))
        pdf = folder / f"{Path(deck).stem}-{n + 1}.pdf"
        done = sp.export(base, site, deck, pdf)
        TIMES[deck].append(done.seconds)
        return done, pdf

    yield _export
    if TIMES:
        lines = [f"  {Path(deck).name}: {', '.join(f'{s:.1f}' for s in t)} s" for deck, t in TIMES.items()]
        total = sum(map(sum, TIMES.values()))
        print(f"\nslide PDFs: {sum(map(len, TIMES.values()))} exports in {total:.0f} s\n" + "\n".join(lines))


def assert_no_problems(problems: list[str]) -> None:
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)


# --- 1. every deck, exported REPEATS times, every copy right ------------------------------------


@pytest.mark.parametrize("deck", DECKS)
def test_tool_counts_slides_as_revealjs_does(site, reveal_counts, deck):
    assert sp.slide_count(site / deck) == reveal_counts[deck]


@pytest.mark.parametrize("deck", DECKS)
def test_every_export_of_the_deck_is_right(export, site, reveal_counts, deck):
    figures = sp.figure_slides(site / deck)
    problems = []
    for repeat in range(1, REPEATS + 1):
        done, pdf = export(deck)
        if done.returncode:
            problems.append(f"export {repeat}: decktape exited with {done.returncode}:\n{done.log[-2000:]}")
            continue
        found = sp.pdf_problems(pdf, reveal_counts[deck], deck, figures)
        problems += [f"export {repeat}: {line}" for line in found]
        if not found:
            LAST[deck] = pdf
    assert_no_problems(problems)


def test_the_tool_writes_the_pdf_next_to_the_deck(tools, site, tmp_path):
    """The command line, on one deck: the PDF lands at lectures/NN-*-slides.pdf under --out."""
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "slides_pdf.py"), "--site", str(site), "--out", str(out), "--deck", "10-"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    written = [p.relative_to(out).as_posix() for p in out.rglob("*.pdf")]
    assert written == ["lectures/10-solvers-issues-and-summary-slides.pdf"]


# --- 2. each check fails on a broken PDF -----------------------------------------------------------


def _page(path: Path, size: tuple[float, float], text: str = "") -> Path:
    """A one-page PDF of `size` points: white, or holding `text` (as a broken export would)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with matplotlib.rc_context({"pdf.fonttype": 42}):  # real text, which pdftotext reads
        figure = plt.figure(figsize=(size[0] / 72, size[1] / 72))
        if text:
            figure.text(0.1, 0.5, text, fontsize=28)
        figure.savefig(path)
        plt.close(figure)
    return path


def _page_size(pdf: Path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    width, height = next(line for line in info.splitlines() if line.startswith("Page size:")).split()[2:5:2]
    return float(width), float(height)


def _pages(pdf: Path, folder: Path) -> list[Path]:
    folder.mkdir()
    subprocess.run(["pdfseparate", str(pdf), str(folder / "page-%03d.pdf")], check=True)
    return sorted(folder.glob("page-*.pdf"))


def _unite(pages: list[Path], out: Path) -> Path:
    subprocess.run(["pdfunite", *map(str, pages), str(out)], check=True)
    return out


def _with_page(pdf: Path, folder: Path, number: int, text: str, name: str) -> Path:
    """A copy of `pdf` (as `name`) whose page `number` (from 1) is a page holding only `text`."""
    pages = _pages(pdf, folder / "pages")
    page = _page(folder / "replacement.pdf", _page_size(pdf), text)
    return _unite(pages[: number - 1] + [page] + pages[number:], folder / name)


@pytest.fixture(scope="module")
def good_pdf(export, site, reveal_counts) -> tuple[Path, int, list[int]]:
    """A right export of lecture 05 (the one the test above made, or a new one), its
    number of slides and the slides that show a figure."""
    slides, figures = reveal_counts[BROKEN_DECK], sp.figure_slides(site / BROKEN_DECK)
    if BROKEN_DECK in LAST:
        return LAST[BROKEN_DECK], slides, figures
    done, pdf = export(BROKEN_DECK)
    assert done.returncode == 0, done.log[-2000:]
    assert_no_problems(sp.pdf_problems(pdf, slides, figures=figures))
    return pdf, slides, figures


def test_a_missing_page_is_caught(good_pdf, tmp_path):
    pdf, slides, figures = good_pdf
    pages = _pages(pdf, tmp_path / "pages")
    broken = _unite(pages[:1] + pages[2:], tmp_path / "missing.pdf")  # slide 2 lost: the figures move up a page
    problems = sp.pdf_problems(broken, slides, "missing.pdf", figures)
    assert problems[0] == f"missing.pdf: {slides - 1} pages for {slides} slides", problems


def test_an_extra_blank_page_is_caught(good_pdf, tmp_path):
    pdf, slides, figures = good_pdf
    blank = _page(tmp_path / "blank.pdf", _page_size(pdf))
    broken = _unite([pdf, blank], tmp_path / "extra.pdf")
    problems = sp.pdf_problems(broken, slides, "extra.pdf", figures)
    assert len(problems) == 2, problems
    assert problems[0] == f"extra.pdf: {slides + 1} pages for {slides} slides"
    assert problems[1].startswith(f"extra.pdf: page {slides + 1} is blank")


def test_a_blank_page_instead_of_a_slide_is_caught(good_pdf, tmp_path):
    pdf, slides, figures = good_pdf
    broken = _with_page(pdf, tmp_path, 3, "", "blank-slide.pdf")
    problems = sp.pdf_problems(broken, slides, "blank-slide.pdf", figures)
    assert len(problems) == 1 and problems[0].startswith("blank-slide.pdf: page 3 is blank"), problems


def test_a_math_processing_error_is_caught(good_pdf, tmp_path):
    pdf, slides, figures = good_pdf
    broken = _with_page(pdf, tmp_path, 7, "The chain rule: [Math Processing Error]", "mpe.pdf")
    assert sp.pdf_problems(broken, slides, "mpe.pdf", figures) == ['mpe.pdf: page 7 shows "[Math Processing Error]"']


def test_raw_tex_is_caught(good_pdf, tmp_path):
    pdf, slides, figures = good_pdf
    broken = _with_page(pdf, tmp_path, 4, r"the loss \(L = (\hat y - y)^2\)", "raw-tex.pdf")
    problems = sp.pdf_problems(broken, slides, "raw-tex.pdf", figures)
    assert len(problems) == 1 and problems[0].startswith("raw-tex.pdf: page 4 shows a formula as raw TeX"), problems


def test_a_figure_missing_from_its_slide_is_caught(good_pdf, tmp_path):
    pdf, slides, figures = good_pdf
    n = figures[0]
    broken = _with_page(pdf, tmp_path, n, "The forward pass as a computational graph", "no-figure.pdf")
    problems = sp.pdf_problems(broken, slides, "no-figure.pdf", figures)
    assert problems == [f"no-figure.pdf: page {n} should show a figure but holds no image"]


def test_a_missing_pdf_is_caught(tmp_path):
    assert sp.pdf_problems(tmp_path / "none.pdf", 3) == ["none.pdf: no PDF was written"]
