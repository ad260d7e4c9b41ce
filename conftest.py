"""Run every chapter notebook under nbval.

The chapters are MyST Markdown notebooks; nbval reads only ``.ipynb``. Each chapter with a
jupytext header is converted with jupytext into ``_build/notebooks/`` (never kept in git)
and handed to nbval, so ``pytest`` alone checks that every cell of every chapter runs.
Options (``--nbval-lax``, the kernel, the sanitizer) are set in ``pyproject.toml``.
"""

import os
from pathlib import Path

import jupytext
from nbval.plugin import IPyNbFile

ROOT = Path(__file__).parent
NOTEBOOK_DIR = Path(os.environ.get("KC_BUILD_ROOT", ROOT)) / "_build" / "notebooks"


def is_chapter_notebook(path: Path) -> bool:
    return (path.suffix == ".md" and path.parent == ROOT / "chapters"
            and "jupytext:" in path.read_text(encoding="utf-8").split("\n---", 1)[0])


def pytest_collect_file(file_path: Path, parent):
    if not is_chapter_notebook(file_path):
        return None
    NOTEBOOK_DIR.mkdir(parents=True, exist_ok=True)
    notebook = NOTEBOOK_DIR / file_path.with_suffix(".ipynb").name
    jupytext.write(jupytext.read(file_path), notebook)
    return IPyNbFile.from_parent(parent, path=notebook)
