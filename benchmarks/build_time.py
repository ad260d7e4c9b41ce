"""How long the book takes to build: clean (empty ``_build``), with no change, and after
an edit of one chapter's prose. Builds a copy of the repository in a temporary folder, so
the working tree's ``_build`` is left alone.

Usage: ``python -m benchmarks.build_time [runs]``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .table import Figure, print_table, timed

ROOT = Path(__file__).resolve().parents[1]
JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")
CLEAN_BUILD_BUDGET_S = 180.0
NO_CHANGE_BUDGET_S = 15.0
EDITED_CHAPTER = Path("chapters") / "01-kinetic-chain.md"


@dataclass
class BookCopy:
    """A copy of the book's sources and the folder its builds go to."""

    source: Path
    output: Path

    @property
    def html(self) -> Path:
        return self.output / "_build" / "html"

    def build(self) -> None:
        subprocess.run([str(JUPYTER_BOOK), "build", str(self.source), "--path-output",
                        str(self.output)], check=True, capture_output=True)

    def remove_build(self) -> None:
        shutil.rmtree(self.output / "_build", ignore_errors=True)

    def edit_prose(self) -> None:
        """Add a sentence to the end of a markdown cell: no code cell changes."""
        chapter = self.source / EDITED_CHAPTER
        chapter.write_text(chapter.read_text(encoding="utf-8") + "\nOne more sentence.\n",
                           encoding="utf-8")


@contextmanager
def book_copy() -> Iterator[BookCopy]:
    with tempfile.TemporaryDirectory(prefix="kc-bench-") as tmp:
        source = Path(tmp) / "book"
        shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
            ".venv", "_build", ".git", "__pycache__", "*.egg-info", ".hypothesis",
            "node_modules"))
        yield BookCopy(source, Path(tmp) / "out")


def measure(book: BookCopy, runs: int = 3) -> list[Figure]:
    """Clean, no-change and prose-edit builds; leaves a full build in ``book.html``."""
    clean = timed(book.build, runs, "book build, clean (empty _build)", CLEAN_BUILD_BUDGET_S,
                  before=book.remove_build)
    unchanged = timed(book.build, runs, "book rebuild, nothing changed", NO_CHANGE_BUDGET_S)
    edited = timed(book.build, runs, "book rebuild, one chapter's prose edited",
                   before=book.edit_prose)
    return [clean, unchanged, edited]


if __name__ == "__main__":
    with book_copy() as copy:
        print_table(measure(copy, int(sys.argv[1]) if len(sys.argv) > 1 else 3))
