"""The print edition: how long ``make pdf`` takes, how many pages and bytes the PDF has.

Each timed run removes ``_build/pdf`` (the LaTeX build's own doctrees and output) and builds
the A4 edition with solutions, reusing the HTML build's executed notebooks (the execution
cache), as ``make pdf`` after ``make book`` or ``make test`` does: Sphinx reads and writes the
LaTeX, latexmk runs xelatex three times and xindy. In ``make bench`` it runs in the temporary
copy that ``benchmarks.build_time`` built; alone, it builds a copy of its own first.

Usage: ``python -m benchmarks.pdf_build [runs]``; ``--quick`` in ``make bench`` reports only
the pages and size of the current ``_build/pdf/the-kinetic-chain.pdf``.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

from .table import Figure, print_table, timed

ROOT = Path(__file__).resolve().parents[1]
BUILD_BUDGET_S = 120.0   # on 2 cores
SIZE_BUDGET_MB = 10.0
PDF_NAME = "the-kinetic-chain.pdf"


def pdf_figures(pdf: Path) -> list[Figure]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = next(int(line.split()[-1]) for line in info.stdout.splitlines()
                 if line.startswith("Pages:"))
    return [Figure("PDF pages (A4, with solutions)", "pages", [float(pages)]),
            Figure("PDF size", "MB", [pdf.stat().st_size / 1e6], SIZE_BUDGET_MB)]


def measure(source: Path, output: Path, runs: int = 3) -> list[Figure]:
    """``make pdf`` in the book at ``source`` with its build under ``output``/_build."""
    environment = {**os.environ, "KC_BUILD_ROOT": str(output)}

    cpu = Figure("PDF build, CPU time (user + system; less sensitive to load)", "s")

    def build() -> None:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-m", "tools.pdf"], cwd=source, env=environment,
                       check=True, capture_output=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.values.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)

    def fresh() -> None:
        shutil.rmtree(output / "_build" / "pdf", ignore_errors=True)

    figure = timed(build, runs, "PDF build (make pdf, notebooks cached)", BUILD_BUDGET_S,
                   before=fresh)
    return [figure, cpu, *pdf_figures(output / "_build" / "pdf" / PDF_NAME)]


def current() -> list[Figure]:
    """Pages and size of the PDF in this working tree, if built (``--quick``)."""
    pdf = Path(os.environ.get("KC_BUILD_ROOT", ROOT)) / "_build" / "pdf" / PDF_NAME
    return pdf_figures(pdf) if pdf.is_file() else []


if __name__ == "__main__":
    from .build_time import book_copy

    with book_copy() as copy:
        copy.build()   # executes the notebooks once, into the copy's cache
        print_table(measure(copy.source, copy.output, int(sys.argv[1]) if len(sys.argv) > 1 else 3))
