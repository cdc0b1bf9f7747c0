"""Screenshot every slide and page of a rendered site, and a contact sheet per deck.

Look at what the audience and the readers see, at the size they see it:

    quarto render                               # or use an existing _site/
    python tools/screenshots.py                 # -> screenshots/
    python tools/screenshots.py --deck 03       # only the decks whose name contains "03"
    python tools/screenshots.py --no-pages      # slides only

writes

    screenshots/<deck>/slide-NN.png     each slide at 1050x700 (the deck's own size)
    screenshots/<deck>-contact.png      every slide of the deck on one sheet, numbered;
                                        a red frame marks a slide the slide-fit test rejects
    screenshots/pages/<page>.png        each page at 1400x900 (--full-page: the whole page)

Needs Playwright and a Chromium (see tests/rendered_site.py).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import rendered_site as rs  # noqa: E402

THUMB = (350, 233)  # a third of 1050x700
COLUMNS = 5


def shoot_deck(browser, base: str, deck: str, out: Path) -> tuple[list[Path], set[int]]:
    """One PNG per slide; returns the files and the numbers of the slides that fail the fit check."""
    report = rs.inspect(browser, base, deck, axe=False)
    failing = {int(line.split(" slide ")[1].split(" ")[0]) for line in rs.check_slide_fit(report)}
    context = browser.new_context(viewport=rs.SLIDE)
    tab = context.new_page()
    tab.goto(base + deck, wait_until="load")
    tab.evaluate(rs.WAIT_FOR_MATH_JS)
    tab.evaluate("() => Reveal.configure({ transition: 'none', backgroundTransition: 'none', fragments: false })")
    folder = out / Path(deck).stem
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for s in report.slides:
        tab.evaluate(
            "(n) => { const s = Reveal.getSlides()[n - 1]; const i = Reveal.getIndices(s); Reveal.slide(i.h, i.v); }",
            s["number"],
        )
        tab.wait_for_timeout(60)
        path = folder / f"slide-{s['number']:02d}.png"
        tab.screenshot(path=str(path))
        files.append(path)
    context.close()
    return files, failing


def contact_sheet(files: list[Path], failing: set[int], title: str, path: Path) -> None:
    from PIL import Image, ImageDraw

    rows = (len(files) + COLUMNS - 1) // COLUMNS
    pad, label = 8, 22
    sheet = Image.new("RGB", (COLUMNS * (THUMB[0] + pad) + pad, rows * (THUMB[1] + label + pad) + pad + 30), "white")
    draw = ImageDraw.Draw(sheet)
    draw.text((pad, 8), title, fill="black")
    for i, file in enumerate(files):
        number = i + 1
        x = pad + (i % COLUMNS) * (THUMB[0] + pad)
        y = 30 + pad + (i // COLUMNS) * (THUMB[1] + label + pad)
        thumb = Image.open(file).convert("RGB").resize(THUMB)
        sheet.paste(thumb, (x, y + label))
        colour = "red" if number in failing else "grey"
        draw.rectangle([x - 1, y + label - 1, x + THUMB[0], y + label + THUMB[1]], outline=colour, width=3 if number in failing else 1)
        draw.text((x, y + 4), f"{number}" + ("  fails the slide-fit check" if number in failing else ""), fill=colour)
    sheet.save(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, default=ROOT / "_site", help="rendered site (default: _site)")
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots", help="output folder (default: screenshots)")
    parser.add_argument("--deck", default="", help="only decks and pages whose path contains this text")
    parser.add_argument("--no-pages", action="store_true", help="slides only")
    parser.add_argument("--full-page", action="store_true", help="pages: the whole page, not the first screen")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        print(f"no rendered site at {args.site}: run `quarto render` first", file=sys.stderr)
        return 1
    pages = [p for p in rs.site_pages(args.site) if args.deck in p]
    start = time.perf_counter()
    with rs.serve(args.site) as base, rs.browser() as browser:
        for page in pages:
            if rs.is_deck(page):
                files, failing = shoot_deck(browser, base, page, args.out)
                sheet = args.out / f"{Path(page).stem}-contact.png"
                contact_sheet(files, failing, f"{page}: {len(files)} slides, {len(failing)} failing", sheet)
                print(f"{page}: {len(files)} slides, {len(failing)} failing the fit check -> {sheet}")
            elif not args.no_pages:
                context = browser.new_context(viewport=rs.PAGE)
                tab = context.new_page()
                tab.goto(base + page, wait_until="load")
                tab.evaluate(rs.WAIT_FOR_MATH_JS)
                path = args.out / "pages" / (page.replace("/", "__").removesuffix(".html") + ".png")
                path.parent.mkdir(parents=True, exist_ok=True)
                tab.screenshot(path=str(path), full_page=args.full_page)
                context.close()
                print(f"{page} -> {path}")
    print(f"done in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
