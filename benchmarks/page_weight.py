"""Size of each built chapter page and of its widget state (a benchmark, not a test).

Usage: ``.venv/bin/python benchmarks/page_weight.py [path/to/_build/html]`` (default: the
``_build/html`` under ``$KC_BUILD_ROOT`` or the repository). The limit the tests enforce
for pages with demonstrations is ``tests/test_demo_pages.py``'s ``PAGE_LIMIT_BYTES``.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WIDGET_STATE = re.compile(
    r'<script type="application/vnd\.jupyter\.widget-state\+json">(.*?)</script>', re.DOTALL)


def main():
    default = Path(os.environ.get("KC_BUILD_ROOT", ROOT)) / "_build" / "html"
    html = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    for page in sorted((html / "chapters").glob("*.html")):
        text = page.read_text(encoding="utf-8")
        state = sum(len(m) for m in WIDGET_STATE.findall(text))
        print(f"{page.name:40s} {page.stat().st_size / 1e6:5.2f} MB"
              f"  (widget state {state / 1e6:4.2f} MB)")


if __name__ == "__main__":
    main()
