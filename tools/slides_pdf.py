"""Every slide deck of a rendered site as a PDF, one page per slide, checked.

    quarto render                          # or use an existing _site/
    python tools/slides_pdf.py             # -> _site/lectures/NN-*-slides.pdf
    python tools/slides_pdf.py --deck 05   # only the decks whose name contains "05"
    python tools/slides_pdf.py --out pdfs  # -> pdfs/lectures/NN-*-slides.pdf

Serves the site on 127.0.0.1 and prints each deck with decktape (npm,
package.json; `npm ci` installs it) through `tools/decktape.mjs`, which makes
decktape wait, before each page, until MathJax has typeset and the slide's
figures are loaded. Not reveal.js's own `?print-pdf` through the browser's
print dialog: that lays the deck out for print before the formulas are
typeset in about half of the page loads (formulas missing, misplaced or
"[Math Processing Error]", extra blank pages), and waiting longer does not help.

Each page is the slide at the deck's own size (1050x700), every fragment shown
(the answers of "Check yourself" included), speaker notes left out. Each PDF is
then checked (`pdf_problems`): one page per slide, no blank page, no "Math
Processing Error" and no formula left as raw TeX in its text, and an image on
the page of every slide that shows a figure. A problem is an
error: the script exits 1 and names the deck and the page.

Needs Node.js with `npm ci` done, a Chromium (`$NNCOURSE_CHROMIUM`, or
`chromium` / `chromium-browser` / `google-chrome` on PATH, or Playwright's own)
and poppler-utils (`pdftotext`, `pdftoppm`, `pdfinfo`, `pdfimages`; Debian:
`apt-get install poppler-utils`).
tests/test_slide_pdfs.py exports every deck several times and runs the same checks.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DECKTAPE = ROOT / "node_modules" / "decktape" / "decktape.js"
WRAPPER = ROOT / "tools" / "decktape.mjs"
SIZE = "1050x700"  # lectures/_metadata.yml: the decks' own width and height
# decktape's fixed waits: none needed, tools/decktape.mjs waits for each slide to be ready.
PAUSE_MS = 0
LOAD_PAUSE_MS = 0
# A page is blank when fewer than this fraction of its pixels differ from its background.
# The sparsest real slide (a title slide) has about 1 % ink at 20 dpi.
BLANK_INK = 0.001
RAW_TEX = re.compile(r"\\\(|\\\)|\\\[|\\\]|\$\$")


# --- finding the tools ------------------------------------------------------------------


def find_chromium() -> str | None:
    """`$NNCOURSE_CHROMIUM`, else a Chromium or Chrome on PATH (as tests/rendered_site.py
    looks for one), else the Chromium that `playwright install chromium` downloaded."""
    if os.environ.get("NNCOURSE_CHROMIUM"):
        return os.environ["NNCOURSE_CHROMIUM"]
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            path = playwright.chromium.executable_path
        return path if os.path.isfile(path) else None
    except Exception:  # no Playwright, or no browser of its own
        return None


def missing_tools() -> list[str]:
    """What this script needs and does not find, one readable line each."""
    missing = []
    if not shutil.which("node"):
        missing.append("node (Node.js) is not installed")
    if not DECKTAPE.is_file():
        missing.append(f"decktape is not installed ({DECKTAPE}): run `npm ci`")
    chromium = find_chromium()
    if chromium is None or not os.access(chromium, os.X_OK):
        where = f" at {chromium}" if chromium else ""
        missing.append(f"no Chromium{where} (apt-get install chromium, or set NNCOURSE_CHROMIUM)")
    for tool in ("pdftotext", "pdftoppm", "pdfinfo", "pdfimages"):
        if not shutil.which(tool):
            missing.append(f"{tool} is not installed (apt-get install poppler-utils)")
    return missing


# --- the decks of a rendered site ---------------------------------------------------------


def decks(site: Path, pattern: str = "") -> list[str]:
    """The slide decks of a rendered site, as paths relative to it."""
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.glob("lectures/*-slides.html")
        if pattern in p.name
    )


class _Slides(HTMLParser):
    """Counts the slides of a reveal.js deck as reveal.js does: every <section> inside
    <div class="slides"> that holds no <section> itself (a vertical stack's parent is
    not a slide), except those reveal.js removes (data-visibility="hidden")."""

    def __init__(self):
        super().__init__()
        self.stack: list[list] = []  # open sections: [hidden, has a child section, has a figure]
        self.count = 0
        self.figures: list[int] = []  # numbers of the slides that show a raster image
        self.title = ""
        self._in_title = False
        self._notes = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title":
            self._in_title = True
        if tag == "aside":
            self._notes += 1
        if tag == "img" and self.stack and not self._notes:
            src = attrs.get("src") or attrs.get("data-src") or ""
            if not src.lower().endswith(".svg"):  # an SVG prints as vector paths, not as an image
                self.stack[-1][2] = True
        if tag != "section":
            return
        if self.stack:
            self.stack[-1][1] = True
        self.stack.append([attrs.get("data-visibility") == "hidden", False, False])

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag == "aside" and self._notes:
            self._notes -= 1
        if tag == "section" and self.stack:
            hidden, has_child, has_figure = self.stack.pop()
            if not has_child and not hidden and not any(h for h, _, _ in self.stack):
                self.count += 1
                if has_figure:
                    self.figures.append(self.count)

    def handle_data(self, data):
        if self._in_title:
            self.title += data


@functools.lru_cache(maxsize=None)
def _parse_deck(path: Path) -> _Slides:
    parser = _Slides()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def slide_count(deck: Path) -> int:
    """How many slides the rendered deck has (what reveal.js's getSlides() returns)."""
    return _parse_deck(deck).count


def figure_slides(deck: Path) -> list[int]:
    """The numbers of the deck's slides that show a figure (a PNG or JPEG <img>)."""
    return list(_parse_deck(deck).figures)


# --- serving and exporting -------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a browser that moved on mid-reply is no error
            super().handle_error(request, client_address)


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve `site` over HTTP on 127.0.0.1 (a free port); yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = _Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Export:
    deck: str
    pdf: Path
    seconds: float
    returncode: int
    log: str


def decktape_command(url: str, pdf: Path, title: str = "") -> list[str]:
    command = [
        "node", str(WRAPPER), "reveal",
        "--chrome-path", find_chromium() or "chromium",
        "--size", SIZE,
        "--pause", str(PAUSE_MS),
        "--load-pause", str(LOAD_PAUSE_MS),
    ]
    if title:
        command += ["--pdf-title", title]
    if os.geteuid() == 0 or os.environ.get("NNCOURSE_CHROME_NO_SANDBOX"):
        # Chromium refuses to start as root with its sandbox; the pages printed are the course's own.
        command += ["--chrome-arg=--no-sandbox"]
    return command + [url, str(pdf)]


def export(base: str, site: Path, deck: str, pdf: Path) -> Export:
    """Print one deck of the site served at `base` to `pdf` with decktape."""
    pdf.parent.mkdir(parents=True, exist_ok=True)
    title = _parse_deck(site / deck).title.strip()
    start = time.perf_counter()
    done = subprocess.run(
        decktape_command(base + deck, pdf, title), cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    return Export(deck, pdf, time.perf_counter() - start, done.returncode, done.stdout + done.stderr)


# --- checking a PDF -------------------------------------------------------------------------------


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def page_texts(pdf: Path) -> list[str]:
    """The text of each page (pdftotext separates pages with a form feed)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[: page_count(pdf)]


def page_ink(pdf: Path, dpi: int = 20) -> list[float]:
    """For each page, the fraction of its pixels that differ from the page's most common
    colour (its background), rendered in grey at `dpi`."""
    out = subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(pdf)], capture_output=True, check=True).stdout
    inks = []
    while out:  # a stream of binary PGM images, one per page: "P5\n<w> <h>\n255\n<pixels>"
        header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", out)
        width, height = int(header.group(1)), int(header.group(2))
        pixels = out[header.end(): header.end() + width * height]
        out = out[header.end() + width * height:]
        counts = [0] * 256
        for value in pixels:
            counts[value] += 1
        background = max(range(256), key=counts.__getitem__)
        near = sum(counts[max(0, background - 8): background + 9])  # anti-aliasing noise is not ink
        inks.append(1 - near / len(pixels))
    return inks


def image_pages(pdf: Path) -> set[int]:
    """The pages that hold a raster image (pdfimages -list)."""
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    return {int(line.split()[0]) for line in listing.splitlines()[2:] if line.split()[2:3] == ["image"]}


def pdf_problems(pdf: Path, slides: int, name: str = "", figures: list[int] = ()) -> list[str]:
    """Everything wrong with a deck's PDF, one readable line each: a page count other
    than the deck's slide count, a blank page, a page whose text holds "Math Processing
    Error" or a formula left as raw TeX (\\( \\) \\[ \\] $$), and a page of `figures`
    (slide numbers, see figure_slides) without its image."""
    name = name or pdf.name
    if not pdf.is_file() or pdf.stat().st_size == 0:
        return [f"{name}: no PDF was written"]
    problems = []
    pages = page_count(pdf)
    if pages != slides:
        problems.append(f"{name}: {pages} pages for {slides} slides")
    for number, ink in enumerate(page_ink(pdf), start=1):
        if ink < BLANK_INK:
            problems.append(f"{name}: page {number} is blank ({ink:.3%} of it differs from the background)")
    for number, text in enumerate(page_texts(pdf), start=1):
        if "Math Processing Error" in text:
            problems.append(f"{name}: page {number} shows \"[Math Processing Error]\"")
        raw = RAW_TEX.search(text)
        if raw:
            context = " ".join(text[max(0, raw.start() - 30): raw.end() + 30].split())
            problems.append(f"{name}: page {number} shows a formula as raw TeX: {context!r}")
    with_images = image_pages(pdf)
    for number in figures:
        if number not in with_images:
            problems.append(f"{name}: page {number} should show a figure but holds no image")
    return problems


# --- the command line -------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "_site", help="the rendered site (default: _site)")
    parser.add_argument("--out", type=Path, help="where to write lectures/*.pdf (default: into the site)")
    parser.add_argument("--deck", default="", help="only the decks whose file name contains this")
    args = parser.parse_args(argv)
    missing = missing_tools()
    if missing:
        print("error: " + "\n       ".join(missing), file=sys.stderr)
        return 2
    site, out = args.site.resolve(), (args.out or args.site).resolve()
    chosen = decks(site, args.deck)
    if not chosen:
        print(f"error: no slide deck in {site}/lectures (run `quarto render` first)", file=sys.stderr)
        return 2
    failed = 0
    start = time.perf_counter()
    with serve(site) as base:
        for deck in chosen:
            pdf = out / (deck.removesuffix(".html") + ".pdf")
            slides = slide_count(site / deck)
            done = export(base, site, deck, pdf)
            if done.returncode:
                problems = [f"{deck}: decktape exited with {done.returncode}:\n{done.log[-2000:]}"]
            else:
                problems = pdf_problems(pdf, slides, deck, figure_slides(site / deck))
            status = "ok" if not problems else "FAILED"
            print(f"{pdf.relative_to(out) if pdf.is_relative_to(out) else pdf}: {slides} slides, "
                  f"{done.seconds:.1f} s, {status}")
            for line in problems:
                print("  " + line)
            failed += bool(problems)
    print(f"{len(chosen) - failed} of {len(chosen)} decks as PDF in {time.perf_counter() - start:.0f} s -> {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
