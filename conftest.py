"""Run every chapter notebook under nbval.

The chapters are MyST Markdown notebooks and nbval reads only ``.ipynb``. Instead of
writing converted copies, each chapter with a jupytext header is handed to nbval's own
collector, which reads it through jupytext; so ``pytest`` (or ``pytest chapters/03-...md``)
runs every cell of every chapter, in the chapter's folder as the book build does.
Options (``--nbval-lax``, the kernel, the sanitizer) are set in ``pyproject.toml``.
"""

from pathlib import Path
from unittest import mock

import jupytext
import nbval.plugin
from nbval.plugin import IPyNbFile

from tools.assignments import is_notebook_page

CHAPTERS = Path(__file__).parent / "chapters"


def is_chapter_notebook(path: Path) -> bool:
    return path.suffix == ".md" and path.parent == CHAPTERS and is_notebook_page(path)


class MystNotebook(IPyNbFile):
    """nbval's notebook collector, reading the MyST source with jupytext."""

    def collect(self):
        def read(path, as_version=4):
            return jupytext.read(path, as_version=as_version)

        with mock.patch.object(nbval.plugin.nbformat, "read", read):
            yield from super().collect()


def pytest_collect_file(file_path: Path, parent):
    if is_chapter_notebook(file_path):
        return MystNotebook.from_parent(parent, path=file_path)
    return None
