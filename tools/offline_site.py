"""Make the rendered site work offline: serve from the site what Quarto loads from CDNs.

Quarto's pages load MathJax 3 and a polyfill from CDNs, and its reveal.js
slides load MathJax 2. Without a network (a lecture hall with bad Wi-Fi, a
student on a train) every formula would then show as raw LaTeX. Quarto has no
option to serve these itself, so this script, run by Quarto after every render
(`project: post-render` in _quarto.yml), does it:

1. copies the two MathJax versions from `node_modules/` (installed from the npm
   registry by `npm ci`, pinned in package.json and package-lock.json; run for
   you if missing) into `<output-dir>/site_libs/offline/`;
2. rewrites every MathJax address in every HTML page of the site to that copy,
   relative to the page; the ES6 polyfill goes, since every browser that
   MathJax 3 supports has ES6;
3. removes require.js and jQuery, which Quarto adds from a CDN to every page
   whose notebook has an HTML output, in case that output is a JavaScript
   widget. The course's HTML outputs are static pandas tables, and with
   require.js present a library that checks for an AMD loader (clipboard.js)
   registers itself anonymously and require.js throws "Mismatched anonymous
   define()" on the page. A widget added later would fail visibly: the
   rendered-site tests fail on any console error;
4. removes the absolute path of the rendering machine that Quarto leaves in
   `data-notebook` attributes of embedded notebook cells;
5. marks the navbar item of the page's own section as the current one. Quarto
   marks the first navbar link that also appears in the page's sidebar (its rule
   for "hybrid navigation", one sidebar per navbar item; quarto-cli issue
   #11481). This site has one sidebar holding every page, Home first, so Quarto
   marks "Home" on every page. Here the navbar link to the page itself is the
   current one (`active`, `aria-current="page"`), and when that link is in a
   menu, the menu's toggle ("Part 1 · Theory") is `active` too; a page the
   navbar does not list marks nothing;
6. repairs four things in Quarto's own markup that the Nu HTML Checker rejects
   and no option changes (tests/test_rendered_site.py runs the checker): a
   figure's `fig-alt` copied as an `alt` attribute onto its `<div>` (the `<img>`
   keeps its alt); a collapsible callout's header, a `<div>` with
   `aria-expanded` and `aria-label` but no role, becomes `role="button"`, a tab
   stop, named by its visible title (assets/a11y.html adds Enter and Space);
   pandas' `<style scoped>` table styles, which the pages already drop and the
   slides keep; `role="menu"` on the navbar's collapse button, which holds no
   menu items;
7. on the slides, two things Lighthouse marks down: the viewport forbids zooming
   (`maximum-scale=1.0, user-scalable=no`: a reader with low vision cannot
   pinch-zoom, WCAG 1.4.4), and each code line starts with an empty `<a>`
   with neither href nor text (the pages give it an href; on slides it only
   makes an uncrawlable link), which goes; and Quarto's reveal.js template
   writes no `<meta name="description">`: a deck gets its page's;
8. writes each notebook page's Binder, Colab and download links into its
   margin (tools/sync_front_matter.py builds them from `website.repo-url`; the
   notebooks themselves no longer carry them, see that script);
9. fails, naming the page and the address, if any script or stylesheet is still
   loaded from another host, so a new CDN dependency cannot slip in unnoticed.

The rendered-site tests (tests/test_rendered_site.py) then prove in a real
browser that no page or slide deck requests anything from another host.

    python tools/offline_site.py [OUTPUT_DIR]   # by hand; default: _site
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import sync_front_matter  # noqa: E402
NODE_MODULES = ROOT / "node_modules"
TARGET = "site_libs/offline"

# What to copy: (npm package folder, files or folders inside it, name under TARGET).
# Only what the pages load: each MathJax ships many outputs and fonts, these are
# the ones the two configurations Quarto uses (tex-chtml-full for pages,
# TeX-AMS_HTML-full for slides) ask for.
COPIES = [
    ("mathjax3/es5", ["tex-chtml-full.js", "input", "output/chtml", "ui", "a11y", "adaptors"], "mathjax3"),
    (
        "mathjax2",
        [
            "MathJax.js",
            "config/TeX-AMS_HTML-full.js",
            "extensions",
            "jax/element",
            "jax/input/TeX",
            "jax/output/HTML-CSS",
            "jax/output/CommonHTML",
            "jax/output/PreviewHTML",
            "fonts/HTML-CSS/TeX/woff",
            "localization/en",
            "LICENSE",
        ],
        "mathjax2",
    ),
]

# CDN address (a regular expression matched inside src="…") -> local file under TARGET.
REWRITES = [
    (r"https://cdn\.jsdelivr\.net/npm/mathjax@3/es5/tex-chtml-full\.js", "mathjax3/tex-chtml-full.js"),
    (r"https://cdn\.jsdelivr\.net/npm/mathjax@2\.7\.9/MathJax\.js", "mathjax2/MathJax.js"),
]

POLYFILL = re.compile(r'[ \t]*<script src="https://cdnjs\.cloudflare\.com/polyfill/[^"]*"></script>\n?')
# Quarto's widget loaders (quarto-cli src/core/jupyter/widgets.ts): the two
# <script> tags and the inline define('jquery', ...) that needs require.js.
WIDGET_LOADERS = re.compile(
    r'[ \t]*<script src="https://cdn\.jsdelivr\.net/npm/(?:requirejs|jquery)@[^"]*"[^>]*></script>\n?'
    r'|[ \t]*<script type="application/javascript">define\(\'jquery\', \[\],function\(\) '
    r'\{return window\.jQuery;\}\)</script>\n?'
)
DATA_NOTEBOOK = re.compile(r'\s+data-notebook="[^"]*"')
# <script src="http…"> and <link rel="stylesheet" href="http…">: anything a page
# would load from another host when it opens (plain links to other sites are fine).
REMOTE_LOAD = re.compile(
    r'<script\b[^>]*\bsrc="(https?:)?//[^"]+"|<link\b(?=[^>]*\brel="stylesheet")[^>]*\bhref="(https?:)?//[^"]+"'
)


class OfflineSiteError(RuntimeError):
    """The site would load something from another host, or a library is missing."""


def ensure_node_modules() -> None:
    """Install the pinned npm packages if they are not there yet (`npm ci`)."""
    if all((NODE_MODULES / package.split("/")[0]).is_dir() for package, _, _ in COPIES):
        return
    npm = shutil.which("npm")
    if npm is None:
        raise OfflineSiteError(
            "the site's offline libraries (MathJax) come from the npm "
            "registry, but `npm` is not installed: install Node.js, then run `npm ci` "
            "in the repository root"
        )
    print("offline_site: installing the site's libraries with `npm ci`", file=sys.stderr)
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ROOT, check=True)


def copy_libraries(site: Path) -> None:
    for package, members, name in COPIES:
        source = NODE_MODULES / package
        destination = site / TARGET / name
        for member in members:
            src, dst = source / member, destination / member
            if not src.exists():
                raise OfflineSiteError(f"{src} is missing: run `npm ci` in the repository root")
            dst.parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir():
                shutil.copytree(src, dst, dirs_exist_ok=True)
            else:
                shutil.copy2(src, dst)


def localise(html: str, prefix: str) -> str:
    """Rewrite one page: CDN addresses to `prefix + TARGET/…`, no polyfill, no machine paths."""
    html = WIDGET_LOADERS.sub("", POLYFILL.sub("", html))
    for pattern, local in REWRITES:
        address = re.compile(r'(<script\b[^>]*\bsrc=")' + pattern)
        html = address.sub(lambda m: m.group(1) + prefix + TARGET + "/" + local, html)
        # reveal.js takes the MathJax address from its configuration object instead.
        html = re.sub(r"(mathjax: ')" + pattern, lambda m: m.group(1) + prefix + TARGET + "/" + local, html)
    return DATA_NOTEBOOK.sub("", html)


# (6): attributes are name="value" with `"` escaped inside values, so [^"]* stays in one value.
DIV_ALT = re.compile(r'(<div\b(?:\s+[\w-]+="[^"]*")*?)\s+alt="[^"]*"')
CALLOUT_HEADER = re.compile(r'<div class="callout-header[^"]*"(?:\s+[\w-]+="[^"]*")*\s*>')
PANDAS_STYLE = re.compile(r'<style scoped(?:="")?>\s*\.dataframe[^<]*</style>\n?')
MENU_BUTTON = re.compile(r'(<button class="navbar-toggler"[^>]*?)\s+role="menu"')


# (7)
DECK_VIEWPORT = re.compile(r'<meta name="viewport" content="[^"]*user-scalable=no[^"]*">')
EMPTY_CODE_ANCHOR = re.compile(r'<a aria-hidden="true" tabindex="-1"></a>')


def repair_deck(html: str) -> str:
    """A reveal.js deck that can be zoomed, without empty code-line anchors."""
    html = DECK_VIEWPORT.sub('<meta name="viewport" content="width=device-width, initial-scale=1.0">', html)
    return EMPTY_CODE_ANCHOR.sub("", html)


META_DESCRIPTION = re.compile(r'<meta name="description" content="[^"]*">')


def describe_decks(site: Path) -> None:
    """Give each deck (NAME-slides.html) the meta description of its page (NAME.html)."""
    for deck in site.rglob("*-slides.html"):
        page = deck.with_name(deck.name.removesuffix("-slides.html") + ".html")
        html = deck.read_text(encoding="utf-8")
        found = META_DESCRIPTION.search(page.read_text(encoding="utf-8")) if page.is_file() else None
        if found and not META_DESCRIPTION.search(html):
            deck.write_text(html.replace('<meta name="viewport"', found.group(0) + '\n  <meta name="viewport"', 1),
                            encoding="utf-8")


def repair_markup(html: str) -> str:
    """Quarto's markup, valid: no alt on a figure's div, callout headers as buttons,
    no pandas <style scoped>, no role="menu" on the navbar's collapse button."""
    html = DIV_ALT.sub(r"\1", html)

    def button(m: re.Match) -> str:
        tag = re.sub(r'\s+aria-label="[^"]*"', "", m.group(0))
        return tag if 'role="' in tag else tag[:-1].rstrip() + ' role="button" tabindex="0">'

    html = CALLOUT_HEADER.sub(lambda m: button(m) if "aria-expanded" in m.group(0) else m.group(0), html)
    return MENU_BUTTON.sub(r"\1", PANDAS_STYLE.sub("", html))


NAVBAR = re.compile(r'<header id="quarto-header".*?</header>', re.S)
NAV_ITEM = re.compile(r'<li class="nav-item(?P<dropdown> dropdown)?[^"]*">.*?</li>(?(dropdown)\s*</ul>\s*</li>)', re.S)
NAV_ANCHOR = re.compile(r'<a class="(?P<cls>nav-link|dropdown-item)(?P<rest>[^"]*)" href="(?P<href>[^"]*)"')


def mark_current_section(html: str, page: str) -> str:
    """The navbar of `page` (a path relative to the site) with only its own section marked current."""

    def own(href: str) -> bool:
        return os.path.normpath(os.path.join(os.path.dirname(page), href)) == os.path.normpath(page)

    def item(m: re.Match) -> str:
        text = m.group(0).replace(' aria-current="page"', "")
        text = re.sub(r'class="(nav-link|dropdown-item)((?: [^" ]+)*?) active\b', r'class="\1\2', text)
        current = [a for a in NAV_ANCHOR.finditer(text) if own(a.group("href"))]
        if not current:
            return text
        a = current[0]
        marked = f'<a class="{a.group("cls")}{a.group("rest")} active" aria-current="page" href="{a.group("href")}"'
        text = text[: a.start()] + marked + text[a.end():]
        if a.group("cls") == "dropdown-item":  # and its menu's toggle
            text = text.replace('class="nav-link dropdown-toggle"', 'class="nav-link dropdown-toggle active"', 1)
        return text

    return NAVBAR.sub(lambda header: NAV_ITEM.sub(item, header.group(0)), html, count=1)


def remote_loads(html: str) -> list[str]:
    return [m.group(0) for m in REMOTE_LOAD.finditer(html)]


def process(site: Path) -> list[Path]:
    """Localise every HTML page below `site`; return the pages changed."""
    ensure_node_modules()
    copy_libraries(site)
    changed, problems = [], []
    describe_decks(site)
    for page in sorted(site.rglob("*.html")):
        if TARGET in page.relative_to(site).as_posix():
            continue
        depth = len(page.relative_to(site).parts) - 1
        before = page.read_text(encoding="utf-8")
        after = repair_markup(localise(before, "../" * depth))
        if 'class="reveal"' in after:
            after = repair_deck(after)
        after = mark_current_section(after, page.relative_to(site).as_posix())
        if after != before:
            page.write_text(after, encoding="utf-8")
            changed.append(page)
        problems += [f"{page.relative_to(site)}: {tag}" for tag in remote_loads(after)]
    if problems:
        raise OfflineSiteError(
            "these pages still load from another host (add the library to package.json "
            "and to COPIES/REWRITES in tools/offline_site.py):\n  " + "\n  ".join(problems)
        )
    return changed


def main(argv: list[str]) -> int:
    if len(argv) > 1:
        site = Path(argv[1])
    else:
        # Quarto runs post-render scripts from the project directory and names the output.
        site = ROOT / os.environ.get("QUARTO_PROJECT_OUTPUT_DIR", "_site")
    if not site.is_dir():
        print(f"offline_site: no rendered site at {site}", file=sys.stderr)
        return 1
    try:
        changed = process(site)
        linked = sync_front_matter.write_site_links(site)
    except (OfflineSiteError, ValueError) as error:
        print(f"offline_site: error: {error}", file=sys.stderr)
        return 1
    print(f"offline_site: {len(changed)} pages now load their libraries from {TARGET}/")
    print(f"offline_site: Binder, Colab and download links written into {len(linked)} notebook pages")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
