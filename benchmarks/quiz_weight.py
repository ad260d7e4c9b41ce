"""Bytes the "Check yourself" quiz adds to each chapter page: its ``<section class="kc-quiz">``
(jupyterquiz's inlined script and styles, the questions, the fixes of ``widgets/quiz.py``),
as written and gzip-compressed (what a server that compresses sends). Bytes do not vary
between runs: one measurement each.

Usage: ``python -m benchmarks.quiz_weight [path/to/_build/html]``.
"""

from __future__ import annotations

import gzip
import os
import re
import sys
from pathlib import Path

from .table import Figure, print_table

ROOT = Path(__file__).resolve().parents[1]
QUIZ_BUDGET_KB = 80.0
QUIZ_GZIP_BUDGET_KB = 20.0
QUIZ_SECTION = re.compile(r'<section class="kc-quiz.*?</script>\s*</section>', re.S)


def quiz_bytes(page: Path) -> tuple[int, int]:
    """(raw, gzip) bytes of the page's quiz sections; (0, 0) for a page without a quiz."""
    found = "".join(QUIZ_SECTION.findall(page.read_text(encoding="utf-8"))).encode()
    return (len(found), len(gzip.compress(found))) if found else (0, 0)


def measure(html: Path) -> list[Figure]:
    figures = []
    for page in sorted((html / "chapters").glob("[0-9][0-9]-*.html")):
        raw, packed = quiz_bytes(page)
        figures.append(Figure(f"quiz on {page.stem}", "KB", [raw / 1e3], QUIZ_BUDGET_KB))
        figures.append(Figure(f"quiz on {page.stem}, gzip", "KB", [packed / 1e3],
                              QUIZ_GZIP_BUDGET_KB))
    return figures


if __name__ == "__main__":
    default = Path(os.environ.get("KC_BUILD_ROOT", ROOT)) / "_build" / "html"
    print_table(measure(Path(sys.argv[1]) if len(sys.argv) > 1 else default))
