"""Build the print edition: ``python -m tools.pdf [--paper letter] [--student]`` (``make pdf``).

Jupyter Book's LaTeX builder (Sphinx ``latex`` with sphinx-jupyterbook-latex, xelatex through
latexmk) on the same sources as the HTML book; ``_ext/print_edition`` turns the web pages into
a printed book (see its docstring). The notebooks' outputs come from the HTML build's
execution cache (``_build/.jupyter_cache``); the LaTeX build keeps its own doctrees in
``_build/pdf/`` so that it never invalidates the HTML build's.

Writes ``_build/pdf/the-kinetic-chain.pdf`` (``-student`` / ``-letter`` in the name for the
other editions) and its LaTeX log beside it, copies the default edition into ``_build/html``
when the HTML book is there (its landing page links it), and fails when the log has a LaTeX
error, a missing character or an overfull box wider than ``OVERFULL_LIMIT_PT``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# As in tests/book.py: KC_BUILD_ROOT lets several checkouts build at once.
BUILD = Path(os.environ.get("KC_BUILD_ROOT", ROOT)).resolve() / "_build"
PDF_DIR = BUILD / "pdf"
STEM = "the-kinetic-chain"
OVERFULL_LIMIT_PT = 10.0


def pdf_name(student: bool = False, paper: str = "a4") -> str:
    return STEM + ("-student" if student else "") + ("" if paper == "a4" else f"-{paper}") + ".pdf"


def pdf_path(student: bool = False, paper: str = "a4") -> Path:
    return PDF_DIR / pdf_name(student, paper)


@dataclass
class LogReport:
    errors: list[str]
    missing_characters: list[str]
    overfull_pt: list[float]
    undefined_references: list[str]

    @property
    def widest_overfull_pt(self) -> float:
        return max(self.overfull_pt, default=0.0)

    def problems(self, limit_pt: float = OVERFULL_LIMIT_PT) -> list[str]:
        found = [f"LaTeX error: {e}" for e in self.errors]
        found += [f"missing character: {m}" for m in sorted(set(self.missing_characters))]
        found += [f"overfull box {pt:.1f} pt wide (limit {limit_pt:g} pt)"
                  for pt in self.overfull_pt if pt > limit_pt]
        found += [f"undefined reference: {r}" for r in sorted(set(self.undefined_references))]
        return found


def read_log(text: str) -> LogReport:
    """The problems a LaTeX log records: ``! ...`` errors, missing glyphs, overfull boxes."""
    return LogReport(
        errors=re.findall(r"^! (.+)$", text, re.M),
        missing_characters=re.findall(r"^Missing character: (.+)$", text, re.M),
        overfull_pt=[float(x) for x in re.findall(r"^Overfull \\[hv]box \(([\d.]+)pt too",
                                                  text, re.M)],
        undefined_references=re.findall(r"^LaTeX Warning: (?:Hyper r|R)eference `([^']+)' on page",
                                        text, re.M))


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))


def build(student: bool = False, paper: str = "a4", quiet: bool = True) -> Path:
    """Build one edition; return the PDF's path. Raises ``SystemExit`` on any failure."""
    from jupyter_book.sphinx import build_sphinx

    started = time.perf_counter()
    edition = "student" if student else "full"
    latex_dir = PDF_DIR / f"latex-{edition}-{paper}"
    overrides = {
        "latex_individualpages": False,
        "kc_print_edition": edition,
        "kc_print_paper": paper,
        # Reuse the HTML build's executed notebooks (same cache, same keys).
        "nb_execution_cache_path": str(BUILD / ".jupyter_cache"),
        # Cross-references read "Figure 3.2", "Table 1.1" in print.
        "numfig_format": {"figure": "Figure %s", "table": "Table %s",
                          "code-block": "Listing %s", "section": "Section %s"},
    }
    doctrees = PDF_DIR / ".doctrees"
    environment = doctrees / "environment.pickle"
    widgets_changed = BUILD / ".widgets-stamp"   # the Makefile's: widgets/ changed, cache dropped
    if environment.exists() and widgets_changed.exists() and (
            widgets_changed.stat().st_mtime > environment.stat().st_mtime):
        # The chapters' sources did not change, so Sphinx would not re-read them and would
        # keep outputs of the old widgets: read everything again (from the new cache).
        shutil.rmtree(doctrees)
    status = build_sphinx(ROOT, latex_dir, doctreedir=doctrees,
                          path_config=str(ROOT / "_config.yml"), confoverrides=overrides,
                          builder="latex", noconfig=True, quiet=quiet,
                          # As strict as the HTML test build: a warning (e.g. a demo with no
                          # still or no print caption) fails the PDF.
                          warningiserror=True, keep_going=True)
    if status != 0:
        raise SystemExit(f"the LaTeX sources were not written (Sphinx status {status})")
    tex = latex_dir / f"{STEM}.tex"
    sphinx_done = time.perf_counter()
    # Sphinx's own Makefile: latexmk with its latexmkrc (xelatex three times, xindy).
    run = subprocess.run(["make", "-C", str(latex_dir), "all-pdf",
                          "LATEXMKOPTS=-silent -halt-on-error"],
                         capture_output=True, text=True)
    log_file = tex.with_suffix(".log")
    log = log_file.read_text(encoding="utf-8", errors="replace") if log_file.exists() else ""
    target = pdf_path(student, paper)
    if log:
        shutil.copy2(log_file, target.with_suffix(".log"))
    report = read_log(log)
    problems = report.problems()
    if run.returncode != 0 or problems or not tex.with_suffix(".pdf").exists():
        tail = "\n".join((run.stdout + run.stderr).splitlines()[-30:])
        raise SystemExit("the PDF build failed:\n  " + "\n  ".join(problems or ["see below"])
                         + f"\n{tail}\nlog: {target.with_suffix('.log')}")
    shutil.copy2(tex.with_suffix(".pdf"), target)
    print(f"Sphinx (read, LaTeX sources) {sphinx_done - started:.1f} s, "
          f"latexmk {time.perf_counter() - sphinx_done:.1f} s")
    html = BUILD / "html"
    if not student and paper == "a4" and html.is_dir():
        shutil.copy2(target, html / target.name)   # the landing page links it
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paper", choices=("a4", "letter"), default="a4")
    parser.add_argument("--student", action="store_true", help="leave out the solutions")
    parser.add_argument("--verbose", action="store_true", help="show Sphinx's output")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    pdf = build(student=args.student, paper=args.paper, quiet=not args.verbose)
    seconds = time.perf_counter() - start
    report = read_log(pdf.with_suffix(".log").read_text(encoding="utf-8", errors="replace"))
    print(f"{pdf.relative_to(BUILD.parent) if pdf.is_relative_to(BUILD.parent) else pdf}: "
          f"{page_count(pdf)} pages, {pdf.stat().st_size / 1e6:.2f} MB, {seconds:.1f} s; "
          f"widest overfull box {report.widest_overfull_pt:.1f} pt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
