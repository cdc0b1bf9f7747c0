"""Render the site with Quarto and look at it in a real browser.

Shared by tests/test_rendered_site.py and tools/screenshots.py. Every check is a
function from what the browser saw (a `PageReport`) or from the files of a
rendered site to a list of problems, one readable line each, so that a test
can feed it a deliberately broken page and see it report.

What needs what:

* `render()` needs `quarto` (on PATH, or `$QUARTO`): Quarto 1.10.18 as
  ../shared/quarto/offline installs it, or a release from quarto.org;
* the browser checks need Playwright (PyPI) and a Chromium: `$NNCOURSE_CHROMIUM`,
  or `chromium` / `chromium-browser` / `google-chrome` on PATH (Debian's
  `apt-get install chromium`), or else Playwright's own (`playwright install
  chromium`);
* the accessibility check needs axe-core from npm (`npm ci` at the root).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"

SLIDE = {"width": 1050, "height": 700}  # lectures/_metadata.yml: the deck's own size
PAGE = {"width": 1400, "height": 900}  # a laptop browser window
MIN_FIGURE_HEIGHT = 300  # px, as displayed on a 1050x700 slide
MIN_CODE_FONT = 16  # px on a 1050x700 slide: the theme's code font is 17.6 px; `.smaller` makes it 12


def _axis_label_px() -> float:
    """Height in px of an axis label in a PNG drawn with the course style, at 100 %."""
    from nncourse.plotting import _STYLE

    return _STYLE["axes.labelsize"] * _STYLE["figure.dpi"] / 72


AXIS_LABEL_PX = _axis_label_px()
FIT_TOLERANCE = 2  # px: sub-pixel rounding of the browser's layout

# A render log line that fails the build: Quarto prints "WARN:" / "ERROR:" (in colour).
LOG_PROBLEM = re.compile(r"^(?:\x1b\[[0-9;]*m)*\s*(WARN|ERROR)\b", re.M)


# --- finding the tools ------------------------------------------------------------------


def load_tool(name: str):
    """A script of tools/ as a module (tools/ is not a package)."""
    import importlib.util
    import sys

    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def find_quarto() -> str | None:
    return os.environ.get("QUARTO") or shutil.which("quarto")


def find_chromium() -> str | None:
    """A Chromium executable, or None to let Playwright use its own download."""
    if os.environ.get("NNCOURSE_CHROMIUM"):
        return os.environ["NNCOURSE_CHROMIUM"]
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


# --- rendering ---------------------------------------------------------------------------


@dataclass
class RenderResult:
    returncode: int
    log: str
    seconds: float
    output_dir: Path

    def problems(self) -> list[str]:
        """The render's failures: a non-zero exit and every WARN/ERROR line of its log."""
        problems = [] if self.returncode == 0 else [f"quarto render exited with {self.returncode}"]
        for line in self.log.splitlines():
            if LOG_PROBLEM.match(line):
                problems.append(re.sub(r"\x1b\[[0-9;]*m", "", line).strip())
        return problems


def render(output_dir: Path | None = None, quarto: str | None = None) -> RenderResult:
    """`quarto render` the whole project (into `output_dir`, else `_site/`)."""
    quarto = quarto or find_quarto()
    if quarto is None:
        raise FileNotFoundError("quarto is not installed")
    command = [quarto, "render"]
    if output_dir is not None:
        command += ["--output-dir", str(output_dir)]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
    return RenderResult(
        done.returncode, done.stdout + done.stderr, time.perf_counter() - start, Path(output_dir or ROOT / "_site")
    )


def need(message: str, variable: str):
    """Skip the calling test with `message`, or fail it when `variable`
    (NNCOURSE_REQUIRE_QUARTO, NNCOURSE_REQUIRE_BROWSER) is set: in CI a missing tool is a failure."""
    import pytest

    if os.environ.get(variable):
        pytest.fail(f"{message} ({variable} is set)")
    pytest.skip(message)


def session_render(tmp_path_factory, wait: float = 1200) -> RenderResult:
    """One `quarto render` per test session, shared by every pytest-xdist worker.

    The first worker to ask renders into a folder of the session's base
    temporary directory; the others wait for it (a lock file created with
    O_EXCL, which works on every OS), then read its result. NNCOURSE_SITE_DIR
    names an existing render instead (nothing is rendered).
    """
    given = os.environ.get("NNCOURSE_SITE_DIR")
    if given:
        return RenderResult(0, "", 0.0, Path(given))
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the session's folder, above each worker's own
    folder = base / "quarto-render"
    folder.mkdir(exist_ok=True)
    done, lock = folder / "result.json", folder / "render.lock"
    deadline = time.monotonic() + wait
    while not done.is_file():
        try:
            os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"waited {wait:.0f} s for another worker's render ({lock})") from None
            time.sleep(1)
            continue
        try:
            result = render(folder / "_site")
        except BaseException:
            lock.unlink()  # let another worker try
            raise
        partial = folder / "result.json.partial"
        partial.write_text(json.dumps({"returncode": result.returncode, "log": result.log,
                                       "seconds": result.seconds}), encoding="utf-8")
        partial.replace(done)
        return result
    data = json.loads(done.read_text(encoding="utf-8"))
    return RenderResult(data["returncode"], data["log"], data["seconds"], folder / "_site")


# --- what is in a rendered site -----------------------------------------------------------


def site_pages(site: Path) -> list[str]:
    """Every page and slide deck of a rendered site, as paths relative to it."""
    skip = ("site_libs/", "-preview.html")
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if not any(s in p.relative_to(site).as_posix() for s in skip)
    )


def is_deck(page: str) -> bool:
    return page.endswith("-slides.html")


# --- serving and browsing ---------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output readable
        pass


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve `site` over HTTP on 127.0.0.1 (a free port); yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        executable = find_chromium()
        chromium = playwright.chromium.launch(**({"executable_path": executable} if executable else {}))
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class PageReport:
    """What the browser saw on one page or deck."""

    page: str
    kind: str  # "page" or "deck"
    foreign_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    raw_math: list[str] = field(default_factory=list)
    images_without_alt: list[str] = field(default_factory=list)
    axe: list[dict] = field(default_factory=list)
    slides: list[dict] = field(default_factory=list)
    seconds: float = 0.0


# Text nodes that still hold TeX delimiters after the math engine has run.
RAW_MATH_JS = r"""
() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const raw = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!/\\\(|\\\[|\$\$/.test(node.textContent)) continue;
    if (node.parentElement.closest('pre, code, script, style, textarea, mjx-container, .MathJax, .MathJax_Preview')) continue;
    raw.push(node.textContent.trim().replace(/\s+/g, ' ').slice(0, 80));
  }
  return raw;
}
"""

WAIT_FOR_MATH_JS = r"""
async () => {
  const deadline = Date.now() + 20000;
  const hasMath = document.querySelector('script[src*="mathjax" i]')
    || (window.Reveal && Reveal.getConfig && Reveal.getConfig().math);
  if (!hasMath) return 'no math';
  while (Date.now() < deadline) {
    const mj = window.MathJax;
    if (mj && mj.startup && mj.startup.promise) { await mj.startup.promise; return 'mathjax3'; }
    if (mj && mj.Hub && mj.Hub.Queue) {
      // Twice: typesetting queued while the first pass runs (the slide menu) ends too.
      await new Promise(r => mj.Hub.Queue(r));
      await new Promise(r => setTimeout(r, 200));
      await new Promise(r => mj.Hub.Queue(r));
      return 'mathjax2';
    }
    await new Promise(r => setTimeout(r, 50));
  }
  return 'math engine never loaded';
}
"""

IMAGES_WITHOUT_ALT_JS = r"""
() => [...document.querySelectorAll('img, [role="img"]')]
  .filter(el => el.tagName === 'IMG' ? !(el.getAttribute('alt') || '').trim()
                                     : !(el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')))
  .filter(el => el.getAttribute('role') !== 'presentation' && el.getAttribute('aria-hidden') !== 'true')
  .map(el => el.outerHTML.slice(0, 120))
"""

# Walk every slide of a reveal.js deck at its own size and measure it.
SLIDES_JS = r"""
async () => {
  Reveal.configure({ transition: 'none', backgroundTransition: 'none', fragments: false });
  const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const height = Reveal.getConfig().height;
  const code = document.querySelector('.reveal div.sourceCode pre code');
  const codeFont = code ? parseFloat(getComputedStyle(code).fontSize) : 0;
  const out = [];
  const slides = Reveal.getSlides();
  for (let i = 0; i < slides.length; i++) {
    const slide = slides[i];
    const at = Reveal.getIndices(slide);
    Reveal.slide(at.h, at.v);
    await Promise.all([...slide.querySelectorAll('img')].map(img => img.complete ? 0
      : new Promise(r => { img.addEventListener('load', r); img.addEventListener('error', r); })));
    Reveal.layout();
    await frame();
    const scale = Reveal.getScale();
    const box = document.querySelector('.reveal .slides').getBoundingClientRect();
    let bottom = box.top, right = box.left;
    for (const el of slide.querySelectorAll(':scope > *')) {
      if (el.matches('aside.notes, .notes, script, style')) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      bottom = Math.max(bottom, r.bottom);
    }
    // Width: anything that sticks out to the right (a long formula), except inside
    // a box that scrolls or clips its own content.
    const walk = (el) => {
      for (const c of el.children) {
        if (c.matches('aside.notes, .notes, script, style')) continue;
        const r = c.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        right = Math.max(right, r.right);
        if (getComputedStyle(c).overflowX === 'visible') {
          // text that runs past its own box (scrollWidth is in unscaled CSS px)
          if (c.offsetWidth) right = Math.max(right, r.left + c.scrollWidth * (r.width / c.offsetWidth));
          walk(c);
        }
      }
    };
    walk(slide);
    const codes = [...slide.querySelectorAll('div.sourceCode pre code, .cell-output pre code')]
      .filter(el => !el.closest('aside.notes') && el.getBoundingClientRect().height > 0);
    const smallestCode = codes.length ? Math.min(...codes.map(el => parseFloat(getComputedStyle(el).fontSize))) : 0;
    const figures = [...slide.querySelectorAll('img, svg.figure, .quarto-figure svg')]
      .filter(el => !el.closest('aside.notes'))
      .map(el => ({ src: (el.getAttribute('src') || el.tagName).split('/').pop(),
                    height: Math.round(el.getBoundingClientRect().height / scale),
                    natural_height: el.naturalHeight || 0 }));
    // The footer, the logo and the menu button sit over the bottom of the slide:
    // content below the highest of them runs into them.
    let footerTop = height;
    for (const el of document.querySelectorAll('.reveal .footer, .reveal .slide-logo, .reveal .slide-menu-button')) {
      const r = el.getBoundingClientRect();
      if (r.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
      footerTop = Math.min(footerTop, (r.top - box.top) / scale);
    }
    const heading = slide.querySelector('h1, h2, h3');
    out.push({
      number: i + 1,
      title: heading ? heading.textContent.trim() : (slide.id || ''),
      id: slide.id || '',
      content_height: Math.round((bottom - box.top) / scale),
      slide_height: height,
      footer_top: Math.round(footerTop),
      content_width: Math.round((right - box.left) / scale),
      slide_width: Reveal.getConfig().width,
      scrollable: slide.classList.contains('scrollable'),
      code_font_px: codeFont,
      smallest_code_px: smallestCode,
      figures,
    });
  }
  return out;
}
"""


def _is_local(url: str, base: str) -> bool:
    return url.startswith(base) or url.startswith(("data:", "blob:", "about:"))


def inspect(browser_, base: str, page: str, *, slides: bool = True, axe: bool = True) -> PageReport:
    """Open `page` of the site served at `base` and record what the browser saw.

    Requests to any other host are recorded and aborted: the site must work offline.
    """
    kind = "deck" if is_deck(page) else "page"
    report = PageReport(page, kind)
    start = time.perf_counter()
    context = browser_.new_context(viewport=SLIDE if kind == "deck" else PAGE)
    tab = context.new_page()

    def route(r):
        if _is_local(r.request.url, base):
            r.continue_()
        else:
            report.foreign_requests.append(r.request.url)
            r.abort()

    tab.route("**/*", route)
    tab.on("console", lambda m: m.type == "error" and report.console_errors.append(m.text))
    tab.on("pageerror", lambda e: report.console_errors.append(f"uncaught: {e}"))
    tab.on(
        "response",
        lambda r: r.status >= 400 and report.failed_requests.append(f"{r.status} {r.url.removeprefix(base)}"),
    )
    try:
        tab.goto(base + page, wait_until="load")
        state = tab.evaluate(WAIT_FOR_MATH_JS)
        if state == "math engine never loaded":
            report.console_errors.append("the page has math but its math engine never loaded")
        report.raw_math = tab.evaluate(RAW_MATH_JS)
        report.images_without_alt = tab.evaluate(IMAGES_WITHOUT_ALT_JS)
        if kind == "deck" and slides:
            report.slides = tab.evaluate(SLIDES_JS)
        if axe:
            report.axe = run_axe(tab, kind)
    finally:
        context.close()
    report.seconds = time.perf_counter() - start
    return report


def run_axe(tab, kind: str) -> list[dict]:
    """axe-core's violations on the open page; for a deck, on every slide at once."""
    if not AXE_JS.is_file():
        raise FileNotFoundError(f"axe-core is not installed ({AXE_JS}): run `npm ci` in the repository root")
    if kind == "deck":
        # Every slide visible at once, as reveal.js lays them out for printing.
        tab.evaluate("() => { Reveal.configure({ fragments: false }); document.querySelectorAll("
                     "'.reveal .slides section').forEach(s => { s.hidden = false; s.style.display = 'block'; "
                     "s.removeAttribute('aria-hidden'); s.classList.remove('future', 'past'); }); }")
    tab.add_script_tag(path=str(AXE_JS))
    results = tab.evaluate(
        """async () => {
            const r = await axe.run(document, { resultTypes: ['violations'] });
            return r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5), count: v.nodes.length }));
        }"""
    )
    return results


# --- checks on what the browser saw ------------------------------------------------------


def check_offline(report: PageReport) -> list[str]:
    """No request to another host, no failed request, no console error, no raw TeX."""
    where = report.page
    return (
        [f"{where}: requests another host: {url}" for url in report.foreign_requests]
        + [f"{where}: request failed: {line}" for line in report.failed_requests]
        + [f"{where}: console error: {text}" for text in report.console_errors]
        + [f"{where}: formula left as raw TeX: {text!r}" for text in report.raw_math]
    )


def check_accessibility(report: PageReport) -> list[str]:
    """No axe-core violation of impact serious or critical; every image has alt text."""
    problems = [f"{report.page}: image without alt text: {html}" for html in report.images_without_alt]
    for v in report.axe:
        if v["impact"] in ("serious", "critical"):
            problems.append(
                f"{report.page}: axe {v['impact']} '{v['id']}' ({v['help']}) on {v['count']} element(s), "
                f"e.g. {', '.join(v['nodes'][:3])}"
            )
    return problems


def check_slide_fit(report: PageReport, allowance: Iterable[tuple[str, int]] = ()) -> list[str]:
    """Each slide's content fits the slide: its width, and its height unless the slide is
    `.scrollable`, down to the top of the footer, logo and menu button that reveal.js lays
    over the bottom of the slide (about 14 px of the 700: content there runs into them). Each figure is displayed at least MIN_FIGURE_HEIGHT px tall, and large
    enough that its axis labels (drawn at the course style's size) are no smaller than the
    slide's code font. Code itself is no smaller than MIN_CODE_FONT px (a `.smaller` slide
    shrinks it to 12 px). `allowance` lists (deck, slide number) pairs known to fail."""
    allowed = set(allowance)
    problems = []
    for s in report.slides:
        reasons = []
        if not s["scrollable"] and s["content_height"] > s["slide_height"] + FIT_TOLERANCE:
            reasons.append(f"content {s['content_height']} px tall on a {s['slide_height']} px slide")
        elif not s["scrollable"] and s["content_height"] > s.get("footer_top", s["slide_height"]) + FIT_TOLERANCE:
            reasons.append(
                f"content {s['content_height']} px tall runs into the footer, which starts {s['footer_top']} px "
                f"down the {s['slide_height']} px slide"
            )
        if s.get("smallest_code_px") and s["smallest_code_px"] < MIN_CODE_FONT:
            reasons.append(f"code shown at {s['smallest_code_px']:.1f} px (< {MIN_CODE_FONT}): unreadable from the back")
        if s["content_width"] > s["slide_width"] + FIT_TOLERANCE:
            reasons.append(f"content {s['content_width']} px wide on a {s['slide_width']} px slide")
        for fig in s["figures"]:
            if fig["height"] < MIN_FIGURE_HEIGHT:
                reasons.append(f"figure {fig['src']} shown {fig['height']} px tall (< {MIN_FIGURE_HEIGHT})")
            elif fig.get("natural_height") and s.get("code_font_px"):
                label = AXIS_LABEL_PX * fig["height"] / fig["natural_height"]
                if label < s["code_font_px"] - 0.5:
                    reasons.append(
                        f"figure {fig['src']} shown at {fig['height'] / fig['natural_height']:.0%}: its axis labels "
                        f"are about {label:.0f} px, smaller than the code font ({s['code_font_px']:.1f} px)"
                    )
        if reasons and (report.page, s["number"]) not in allowed:
            problems.append(f"{report.page} slide {s['number']} \"{s['title']}\": " + "; ".join(reasons))
    return problems


def scrollable_slides(report: PageReport) -> list[dict]:
    return [s for s in report.slides if s["scrollable"]]


# --- checks on the files of a rendered site ------------------------------------------------


class _LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str]] = []  # (attribute, value)
        self.ids: set[str] = set()
        self.anchors: list[tuple[str, str]] = []  # (href, text) of <a>
        self._a: list[str] | None = None
        self._href = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name) and not (tag == "a" and name == "src"):
                self.links.append((name, attrs[name]))
        if tag == "a":
            self._a, self._href = [], attrs.get("href") or ""

    def handle_data(self, data):
        if self._a is not None:
            self._a.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._a is not None:
            self.anchors.append((self._href, " ".join("".join(self._a).split())))
            self._a = None


@functools.lru_cache(maxsize=None)
def _parse(path: Path) -> _LinkParser:
    parser = _LinkParser()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return parser


def check_internal_links(site: Path, pages: Iterable[str] | None = None) -> list[str]:
    """Every relative href/src in the site's HTML resolves to a file of the site, and every
    `#fragment` of a link to another page names an element on it."""
    problems = []
    for page in pages if pages is not None else [p.relative_to(site).as_posix() for p in site.rglob("*.html")]:
        path = site / page
        for attribute, value in _parse(path).links:
            parts = urlsplit(value)
            if parts.scheme or value.startswith(("//", "#", "mailto:", "javascript:")) or not parts.path:
                continue
            target = (PurePosixPath(page).parent / unquote(parts.path)).as_posix()
            resolved = Path(os.path.normpath(site / target))
            if resolved.is_dir():
                resolved = resolved / "index.html"
            if not resolved.is_file():
                problems.append(f"{page}: {attribute}=\"{value}\" points to a missing file")
            elif parts.fragment and resolved.suffix == ".html" and parts.fragment not in _parse(resolved).ids:
                problems.append(f"{page}: {attribute}=\"{value}\": no element with id \"{parts.fragment}\"")
    return problems


def page_links(site: Path, page: str) -> list[tuple[str, str]]:
    """(href, text) of every <a> on a rendered page."""
    return _parse(site / page).anchors


def check_notebook_page_links(site: Path, page: str, expected: list[dict]) -> list[str]:
    """A notebook's page shows each expected link ({"text", "href"}) with that exact address."""
    anchors = page_links(site, page)
    problems = []
    for link in expected:
        if not any(href == link["href"] and link["text"] in text for href, text in anchors):
            problems.append(f"{page}: no link \"{link['text']}\" to {link['href']}")
    return problems


def check_links_to_slides(site: Path, page: str) -> list[str]:
    """A lecture page links to its slide deck, and the deck exists."""
    deck = PurePosixPath(page).stem + "-slides.html"
    hrefs = [href for href, _ in page_links(site, page)]
    problems = []
    if not any(PurePosixPath(urlsplit(h).path).name == deck for h in hrefs):
        problems.append(f"{page}: no link to its slides {deck}")
    if not (site / PurePosixPath(page).parent / deck).is_file():
        problems.append(f"{page}: its slides {deck} were not rendered")
    return problems



_HEADER = re.compile(r'<header id="quarto-header".*?</header>', re.S)
_MARKED = re.compile(r'<a\b(?=[^>]*\bclass="[^"]*\bactive\b|[^>]*\baria-current=)[^>]*>', re.S)


def check_navbar_current(site: Path, page: str) -> list[str]:
    """The navbar marks as current (`active`, `aria-current`) only the link to the page itself
    and the menu that holds it: never "Home", or another page, on every page."""
    header = _HEADER.search((site / page).read_text(encoding="utf-8"))
    if header is None:
        return []
    problems = []
    for tag in _MARKED.findall(header.group(0)):
        href = re.search(r'\bhref="([^"]*)"', tag)
        href = href.group(1) if href else ""
        if "dropdown-toggle" in tag and href == "#":
            continue  # a menu, marked because it holds the page (checked through its item)
        target = os.path.normpath(os.path.join(os.path.dirname(page), unquote(urlsplit(href).path)))
        if target != os.path.normpath(page):
            problems.append(f"{page}: the navbar marks {href} as the current page")
    return problems


# --- the Nu HTML Checker ---------------------------------------------------------------------

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# Errors the Nu HTML Checker reports in markup that Quarto 1.10 and its reveal.js format
# write into every page or deck, which no option turns off and which the course does not
# rewrite. (message pattern, pattern of the offending source, why it stays). Everything
# else, the markup of the course's own content, must be valid.
HTML_TEMPLATE_ERRORS: list[tuple[str, str, str]] = [
    (r"^Attribute “append-hash” not allowed on element “link”", r"<link ",
     "Quarto's stylesheet links carry append-hash=\"true\" for its own cache-busting script"),
    (r"^Duplicate ID “(quarto-bootstrap|quarto-text-highlighting-styles)”", r"<link ",
     "Quarto links a light and a dark stylesheet under the same id and switches between them"),
    (r"^A “style” element in “body” must be the first child of its parent", r"<style type=\"text/css\">",
     "Quarto's reveal.js format puts a MathJax <style> at the end of every speaker-notes <aside> "
     "(src/format/reveal/format-reveal.ts)"),
    (r"^Element “img” is missing one or more of the following attributes: “src”, “srcset”", r"<img data-src=",
     "reveal.js lazy-loads a slide's images: data-src becomes src when the slide comes near"),
]


def find_java() -> str | None:
    return shutil.which("java")


def validate_html(site: Path, pages: Iterable[str]) -> list[dict]:
    """The Nu HTML Checker's errors on `pages` of `site`, in one run (a JVM starts once).
    Each error is vnu's JSON message with "page" (relative to the site) added."""
    if not VNU_JAR.is_file():
        raise FileNotFoundError(f"vnu-jar is not installed ({VNU_JAR}): run `npm ci` in the repository root")
    java = find_java()
    if java is None:
        raise FileNotFoundError("java is not installed (the Nu HTML Checker needs a Java runtime)")
    paths = [str(site / page) for page in pages]
    done = subprocess.run([java, "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", *paths],
                          capture_output=True, text=True, timeout=600)
    import json

    messages = json.loads(done.stderr)["messages"]
    root = site.resolve().as_uri() + "/"
    errors = []
    for m in messages:
        if m.get("type") == "error" or m.get("subType") == "fatal":
            m["page"] = m.get("url", "").removeprefix(root)
            errors.append(m)
    return errors


def allowed_html_error(error: dict, allowance=HTML_TEMPLATE_ERRORS) -> int | None:
    """The index of the HTML_TEMPLATE_ERRORS entry that explains `error`, or None."""
    for i, (message, source, _) in enumerate(allowance):
        if re.search(message, error.get("message", "")) and re.search(source, error.get("extract", "")):
            return i
    return None


def check_html(errors: list[dict], allowance=HTML_TEMPLATE_ERRORS) -> list[str]:
    """One line per error of the Nu HTML Checker that the template allowance does not explain."""
    return [
        f"{e['page']}:{e.get('lastLine', '?')}: {e['message']} in {' '.join(e.get('extract', '').split())[:120]!r}"
        for e in errors
        if allowed_html_error(e, allowance) is None
    ]


_CALLOUT_TIP = re.compile(r'<div class="([^"]*\bcallout-tip\b[^"]*)"')


def check_answers(html: str, page: str, *, deck: bool) -> list[str]:
    """"Check yourself" answers (collapsed callout-tips) are hidden until clicked on a page
    and revealed by a click (inside a fragment) on the slides; no <details> answer or
    speaker notes were left as they are (assets/notebook-markup.lua converts them)."""
    problems = [f"{page}: <details><summary>{summary}</summary> left as it is (assets/notebook-markup.lua)"
                for summary in ("Answer", "Speaker notes") if f"<summary>{summary}</summary>" in html]
    for match in _CALLOUT_TIP.finditer(html):
        if deck:
            if not html[: match.start()].rstrip().endswith('<div class="fragment">'):
                problems.append(f"{page}: a callout-tip answer that is not a fragment (shown with its question)")
        else:
            header = html[match.end() : match.end() + 400]
            if 'data-bs-toggle="collapse"' not in header or 'aria-expanded="false"' not in header:
                problems.append(f"{page}: a callout-tip answer that is not collapsed (shown under its question)")
    return problems
