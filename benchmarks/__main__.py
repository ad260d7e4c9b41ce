"""``make bench``: every benchmark, one table. ``--runs N`` (default 3) sets the runs per
figure; ``--quick`` measures only the demos and the current ``_build/html`` (no builds, no
suites). Then the Lighthouse table (Core Web Vitals of every page, or with ``--quick`` of
three pages; ``--no-lighthouse`` skips it)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from . import build_time, demo_update_time, frames_time, leg3d_time, page_weight, suite_time
from . import quiz_weight
from . import pdf_build
from . import grading_time
from . import lighthouse_vitals
from .table import print_table

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="runs of each timed figure")
    parser.add_argument("--quick", action="store_true",
                        help="demos and the existing _build/html only")
    parser.add_argument("--no-lighthouse", action="store_true",
                        help="skip the Lighthouse table (needs Node and npm)")
    args = parser.parse_args()
    figures = demo_update_time.measure() + frames_time.measure(args.runs)
    if args.quick:
        html = Path(os.environ.get("KC_BUILD_ROOT", ROOT)) / "_build" / "html"
        if html.is_dir():
            figures += page_weight.measure(html)
            figures += quiz_weight.measure(html)
            figures += leg3d_time.measure(html)  # the 3-D leg (issue 14)
        figures += pdf_build.current()
        print_table(figures)
        if html.is_dir() and not args.no_lighthouse:
            lighthouse_vitals.print_results(lighthouse_vitals.measure(
                html, list(lighthouse_vitals.QUICK_PAGES), args.runs))
    else:
        with build_time.book_copy() as copy:
            figures += build_time.measure(copy, args.runs)
            figures += page_weight.measure(copy.html)
            figures += quiz_weight.measure(copy.html)
            figures += leg3d_time.measure(copy.html)  # the 3-D leg (issue 14)
            figures += suite_time.measure(copy.output, args.runs)
            figures += pdf_build.measure(copy.source, copy.output, args.runs)
            figures += grading_time.measure(args.runs)
            print_table(figures)
            if not args.no_lighthouse:
                lighthouse_vitals.print_results(lighthouse_vitals.measure(
                    copy.html, lighthouse_vitals.all_pages(copy.html), args.runs))


if __name__ == "__main__":
    main()
