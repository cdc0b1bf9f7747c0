"""Write assets/playground/playground-data.json, the numbers the browser playground starts from.

    python tools/export_playground_data.py          # (re)write the file
    python tools/export_playground_data.py --check  # exit 1 if the file is out of date

The numbers come from src/nncourse/playground.py (lecture 04's landscape,
lecture 02's moons, scikit-learn's initial weights); tests/test_playground.py
checks that the committed file equals what those functions compute now.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from nncourse.playground import playground_data, to_json  # noqa: E402

OUTPUT = ROOT / "assets" / "playground" / "playground-data.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the file is current")
    args = parser.parse_args(argv)
    text = to_json(playground_data())
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT.relative_to(ROOT)} is out of date: run python tools/export_playground_data.py")
            return 1
        print(f"{OUTPUT.relative_to(ROOT)} is current")
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({len(text.encode()) / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
