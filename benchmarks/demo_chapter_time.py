"""Execution time of the chapters with demonstrations, and of their demo cells (a benchmark).

Runs each chapter as the book build does (jupytext → nbclient, fresh kernel) and prints the
whole chapter's time and the part spent in cells that call a demonstration. The clean build
of a chapter adds a few seconds of Sphinx on top.
Usage: ``.venv/bin/python benchmarks/demo_chapter_time.py``.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import jupytext
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ("03-subtalar-to-tibia", "04-ankle-to-knee", "05-stance-phase")
DEMO_CALLS = ("axis_explorer", "knee_chain", "stance_player")


def cell_seconds(cell) -> float:
    timing = cell.metadata.get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))  # noqa: E731
    return (parse(end) - parse(start)).total_seconds()


def main():
    for name in CHAPTERS:
        notebook = jupytext.read(ROOT / "chapters" / f"{name}.md")
        start = time.perf_counter()
        NotebookClient(notebook, kernel_name="python3", timeout=300,
                       resources={"metadata": {"path": str(ROOT / "chapters")}}).execute()
        total = time.perf_counter() - start
        demo = sum(cell_seconds(c) for c in notebook.cells
                   if c.cell_type == "code" and any(call in c.source for call in DEMO_CALLS))
        print(f"{name:24s} chapter {total:5.1f} s, of which demo cells {demo:5.1f} s")


if __name__ == "__main__":
    main()
