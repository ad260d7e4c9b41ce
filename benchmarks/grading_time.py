"""Autograding: ``otter assign`` of every chapter, and the grading time per notebook.

Grades each chapter's instructor notebook (full marks) through the real path of
``make grade`` (bubblewrap, otter's local runner): once alone, one notebook after another,
and once as one folder graded two at a time. Usage: ``python -m benchmarks.grading_time [runs]``.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from tools import assignments, grading

from .table import Figure, print_table

BUDGET_ONE_NOTEBOOK_S = 20.0


def submissions_folder(otter_dir: Path, folder: Path) -> list[Path]:
    """One submission per graded chapter: its instructor (solution) notebook."""
    folder.mkdir(parents=True, exist_ok=True)
    copies = []
    for notebook in sorted((otter_dir / "instructor").glob("*.ipynb")):
        copies.append(Path(shutil.copy(notebook, folder / notebook.name)))
    return copies


def measure(runs: int = 3) -> list[Figure]:
    chapters = assignments.chapter_paths()
    with tempfile.TemporaryDirectory(prefix="kc-bench-grading-") as work:
        build = Path(work) / "_build"
        assign = Figure("otter assign, every chapter", "s")
        for _ in range(runs):
            started = time.perf_counter()
            grading.write_otter_sets(chapters, build)
            assign.values.append(time.perf_counter() - started)
        otter_dir = build / "assignments" / grading.OTTER_FOLDER
        notebooks = submissions_folder(otter_dir, Path(work) / "submissions")
        alone = Figure(f"grade one notebook alone ({len(notebooks)} chapters)", "s",
                       budget=BUDGET_ONE_NOTEBOOK_S)
        for notebook in notebooks:
            single = Path(work) / "single"
            shutil.rmtree(single, ignore_errors=True)
            single.mkdir()
            shutil.copy(notebook, single)
            outcome, = grading.grade_folder(single, otter_dir / "autograder",
                                            Path(work) / "out" / "single.csv", jobs=1)
            assert outcome.total == outcome.possible, (notebook.name, outcome.reason)
            alone.values.append(outcome.seconds)
        folder = Figure(f"grade a folder of {len(notebooks)}, 2 at a time, per notebook", "s")
        for _ in range(max(1, runs - 2)):
            started = time.perf_counter()
            grading.grade_folder(notebooks[0].parent, otter_dir / "autograder",
                                 Path(work) / "out" / "folder.csv", jobs=2)
            folder.values.append((time.perf_counter() - started) / len(notebooks))
    return [assign, alone, folder]


if __name__ == "__main__":
    print_table(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 3))
