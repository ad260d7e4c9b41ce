"""Bytes of every chapter page (its HTML with the inline widget data, plus the images it
alone shows) and of the whole built site.

Usage: ``python -m benchmarks.page_weight [path/to/_build/html]`` (default: the ``_build/html``
under ``$KC_BUILD_ROOT`` or the repository). ``tests/test_demo_pages.py`` enforces the page
limit on every build.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from .table import Figure, print_table

ROOT = Path(__file__).resolve().parents[1]
PAGE_BUDGET_MB = 1.5
SITE_BUDGET_MB = 30.0
IMAGE_SRC = re.compile(r'<img[^>]*\ssrc="(?!data:)([^"]+)"')


# The widget state file kc-lazy.js loads (_ext/fast_pages.py), named in the loader's JSON.
STATE_URL = re.compile(r'data-kc-widgets="\{&quot;state&quot;: &quot;([^&]+)&quot;')


def page_bytes(page: Path) -> int:
    """The page's HTML plus the local images it links and its widget state file (theme
    assets are shared by all pages)."""
    text = page.read_text(encoding="utf-8")
    files = {(page.parent / src.split("#")[0]).resolve()
             for src in IMAGE_SRC.findall(text) + STATE_URL.findall(text)}
    return page.stat().st_size + sum(f.stat().st_size for f in files if f.is_file())


def site_bytes(html: Path) -> int:
    return sum(f.stat().st_size for f in html.rglob("*") if f.is_file())


def measure(html: Path) -> list[Figure]:
    figures = [Figure(f"page {page.stem} (HTML + its images)", "MB",
                      [page_bytes(page) / 1e6], PAGE_BUDGET_MB)
               for page in sorted((html / "chapters").glob("*.html"))]
    figures.append(Figure("_build/html in total", "MB", [site_bytes(html) / 1e6], SITE_BUDGET_MB))
    return figures


if __name__ == "__main__":
    default = Path(os.environ.get("KC_BUILD_ROOT", ROOT)) / "_build" / "html"
    print_table(measure(Path(sys.argv[1]) if len(sys.argv) > 1 else default))
