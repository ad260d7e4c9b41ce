"""Shared facts about the book for the tests: where things are and how the test build runs."""

import os
import re
import subprocess
import sys
from pathlib import Path

import jupytext

from tools.assignments import chapter_paths
from widgets import evidence

ROOT = Path(__file__).resolve().parents[1]
# KC_BUILD_ROOT lets several checkouts or people test at once without sharing _build/.
BUILD_ROOT = Path(os.environ.get("KC_BUILD_ROOT", ROOT)).resolve()
HTML = BUILD_ROOT / "_build" / "html"

# The test build: warnings are errors (-W), nitpicky references (-n), report every
# warning before failing (--keep-going), and re-read every page (--all) so that a cached
# page cannot hide a warning.
STRICT_BUILD = ["build", "-W", "-n", "--keep-going", "--all"]
OUTPUT_ARGS = ["--path-output", str(BUILD_ROOT)] if BUILD_ROOT != ROOT else []


# The citation keys of the book's one bibliography.
BIB_KEYS = frozenset(re.findall(r"^@\w+\{([^,\s]+),",
                                (ROOT / "references.bib").read_text(encoding="utf-8"), re.M))


def jupyter_book(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("jupyter-book")
    return subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True)


def chapter_files() -> list[Path]:
    """The numbered chapters, in table-of-contents order."""
    return [p for p in chapter_paths() if re.match(r"\d\d-", p.name)]


def chapter_title(path: Path) -> str:
    match = re.search(r"^# (.+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, f"{path.name} has no level-1 title"
    return match.group(1).strip()


def html_page(path: Path) -> Path:
    return HTML / path.relative_to(ROOT).with_suffix(".html")


def chapter_markdown(path: Path) -> str:
    """The text a reader reads: every markdown cell of a chapter, read with jupytext."""
    notebook = jupytext.read(path)
    return "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")


def sourced_values() -> set[float]:
    """Every value, bound and spread that widgets.evidence holds (the numbers prose may state).

    A negative value is also allowed as its magnitude: prose writes the minus as "−", which
    the tests' number patterns do not take as part of the number.
    """
    values = set()
    for sourced in evidence.all_sourced().values():
        values.update(abs(x) if x < 0 else x
                      for x in (sourced.value, sourced.sd, sourced.low, sourced.high)
                      if x is not None)
    for condition in evidence.SINCLAIR2017.values():
        values.update((condition.peak_eversion_deg, condition.tibial_rotation_range_deg))
    return values
