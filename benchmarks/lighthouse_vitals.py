"""Core Web Vitals of every page: Lighthouse, mobile preset, on the book served with gzip.

Lighthouse 12 (npm ``lighthouse``, pinned in ``benchmarks/lighthouse/package.json`` with its
lock file; ``npm ci`` installs it there on first use) drives Debian's Chromium
(``/usr/bin/chromium``; nothing is downloaded) against ``_build/html`` served by
:mod:`benchmarks.static_host` (gzip, like a static host). The mobile preset is Lighthouse's
default: simulated slow 4G and a 4x slower CPU. Each page is measured ``runs`` times; the
table shows the median of each figure against the budgets of issue 18.

Usage::

    python -m benchmarks.lighthouse_vitals [--runs 3] [--quick] [--html PATH] [page.html ...]

``--quick`` measures ``QUICK_PAGES`` only (the landing page, one demo chapter, the chapter
with the most figures). It is a benchmark, not a test: a page over budget is printed ``OVER``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .static_host import StaticHost

ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE_DIR = Path(__file__).resolve().parent / "lighthouse"
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --no-first-run --disable-sync " \
               "--disable-background-networking --disable-component-update"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
QUICK_PAGES = ("index.html", "chapters/03-subtalar-to-tibia.html", "chapters/07-evidence.html")

# Issue 18's budgets, per page. Scores: at least; the rest: at most.
MIN_SCORES = {"performance": 90, "accessibility": 100, "best-practices": 100, "seo": 100}
MAX_LCP_S = 2.5
MAX_TBT_MS = 200
MAX_CLS = 0.1
MAX_KB = 1000  # bytes transferred for the first view, compressed (1 MB)


@dataclass
class PageResult:
    """One page's figures over its runs (scores 0-100, LCP in s, TBT in ms, kB transferred)."""

    path: str
    runs: list[dict] = field(default_factory=list)

    def median(self, key: str) -> float:
        return statistics.median(run[key] for run in self.runs)

    def over_budget(self) -> list[str]:
        """The budgets this page misses, by its medians (empty: within every budget)."""
        over = [f"{name} {self.median(name):.0f} < {low}" for name, low in MIN_SCORES.items()
                if self.median(name) < low]
        for key, limit in (("lcp_s", MAX_LCP_S), ("tbt_ms", MAX_TBT_MS), ("cls", MAX_CLS),
                           ("kb", MAX_KB)):
            if self.median(key) > limit:
                over.append(f"{key} {self.median(key):g} > {limit}")
        return over


def ensure_lighthouse() -> Path:
    """The pinned Lighthouse, installed from the lock file into benchmarks/lighthouse/."""
    if not LIGHTHOUSE.exists():
        if not shutil.which("npm"):
            raise RuntimeError("Lighthouse needs Node and npm (make bench installs it with npm ci)")
        subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund",
                        "--loglevel=error"], cwd=LIGHTHOUSE_DIR, check=True)
    return LIGHTHOUSE


def figures_of(report: dict) -> dict:
    """The figures of one Lighthouse JSON report that the budgets speak of."""
    audits = report["audits"]
    result = {name: round(100 * (report["categories"][name]["score"] or 0))
              for name in CATEGORIES}
    result["lcp_s"] = audits["largest-contentful-paint"]["numericValue"] / 1000
    result["tbt_ms"] = audits["total-blocking-time"]["numericValue"]
    result["cls"] = audits["cumulative-layout-shift"]["numericValue"]
    result["kb"] = audits["total-byte-weight"]["numericValue"] / 1000
    failed = [f"{cat}: {ref['id']}" for cat in CATEGORIES
              for ref in report["categories"][cat]["auditRefs"]
              if ref.get("weight", 0) > 0 and audits[ref["id"]].get("score") is not None
              and audits[ref["id"]]["score"] < 1 and cat != "performance"]
    result["failed"] = failed
    return result


def run_lighthouse(url: str, out: Path) -> dict:
    env = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
    command = [str(ensure_lighthouse()), url, "--output=json", f"--output-path={out}",
               "--quiet", f"--chrome-flags={CHROME_FLAGS}",
               f"--only-categories={','.join(CATEGORIES)}"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    if result.returncode != 0 or not out.exists():
        raise RuntimeError(f"lighthouse failed on {url}:\n{result.stderr[-2000:]}")
    return figures_of(json.loads(out.read_text(encoding="utf-8")))


def all_pages(html: Path) -> list[str]:
    """Every reader-facing page: the table of contents, the index and the search page."""
    sys.path.insert(0, str(ROOT))
    from tools.assignments import toc_pages
    return [f"{name}.html" for name in toc_pages()] + ["genindex.html", "search.html"]


def measure(html: Path, pages: list[str], runs: int = 3) -> list[PageResult]:
    results = []
    with StaticHost(html) as host, tempfile.TemporaryDirectory() as tmp:
        for path in pages:
            page = PageResult(path)
            for n in range(runs):
                page.runs.append(run_lighthouse(f"{host.url}/{path}", Path(tmp) / f"{n}.json"))
            results.append(page)
            print(f"  lighthouse: {path} done", file=sys.stderr, flush=True)
    return results


def print_results(results: list[PageResult]) -> None:
    """One row per page: medians of the scores, LCP, TBT, CLS and kB, and the verdict."""
    header = ("page", "perf", "a11y", "BP", "SEO", "LCP s", "TBT ms", "CLS", "kB", "runs", "")
    rows = [header]
    for r in results:
        over = r.over_budget()
        rows.append((r.path.removesuffix(".html"),
                     *(f"{r.median(c):.0f}" for c in CATEGORIES),
                     f"{r.median('lcp_s'):.2f}", f"{r.median('tbt_ms'):.0f}",
                     f"{r.median('cls'):.3f}", f"{r.median('kb'):.0f}", str(len(r.runs)),
                     "PASS" if not over else "OVER: " + ", ".join(over)))
    rows.append(("budget", "≥ 90", "100", "100", "100", f"≤ {MAX_LCP_S}", f"≤ {MAX_TBT_MS}",
                 f"≤ {MAX_CLS}", f"≤ {MAX_KB}", "", ""))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    print("Lighthouse 12, mobile preset (simulated slow 4G, 4x CPU), served with gzip; medians")
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0]), *(c.rjust(w) for c, w in zip(row[1:-1], widths[1:])),
                 row[-1]]
        print("  ".join(cells).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    failed = sorted({f for r in results for run in r.runs for f in run["failed"]})
    if failed:
        print("audits failed in some run (non-performance): " + "; ".join(failed))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.lighthouse_vitals",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", help="pages relative to _build/html (default: all)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help=f"only {', '.join(QUICK_PAGES)}")
    parser.add_argument("--html", type=Path,
                        default=Path(os.environ.get("KC_BUILD_ROOT", ROOT)) / "_build" / "html")
    args = parser.parse_args(argv)
    pages = args.pages or (list(QUICK_PAGES) if args.quick else all_pages(args.html))
    print_results(measure(args.html, pages, args.runs))


if __name__ == "__main__":
    main()
