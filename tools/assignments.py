"""Student and instructor notebooks from the chapters (``make assignments``).

A chapter is a MyST Markdown notebook. jupytext reads it into cells; the exercise and solution
directives (sphinx-exercise, see "Writing a chapter" in README.md) are found with the same
Markdown parser that MyST uses, so nothing is copied by hand and a chapter can grow freely.

* The **student notebook** keeps every exercise, drops every ``{solution}`` directive and
  everything between ``{solution-start}`` and ``{solution-end}`` (text and code cells), puts
  one stub cell that raises ``NotImplementedError`` (tagged ``raises-exception``) where a
  solution had code, and has no outputs. If the chapter uses the book's ``widgets`` package, a
  first code cell installs it from the repository where it is missing (Colab).
* The **instructor notebook** is the whole chapter, executed. The outputs of the book build
  are taken from its jupyter-cache (``_build/.jupyter_cache``) when it holds a run of the
  chapter's current code; otherwise the chapter is executed here with nbclient.

Run ``python -m tools.assignments`` (what ``make assignments`` does) to write
``_build/assignments/{student,instructor}/NN-name.ipynb`` and a zip of each set.
"""

from __future__ import annotations

import argparse
import copy
import os
import re
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import jupytext
import nbformat
import yaml
from jupyter_cache import get_cache
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
STUB_TAG = "raises-exception"
INSTALL_TAG = "kc-install"
ANSWER_TAG = "kc-answer"            # a graded exercise's answer cell (tools/grading.py)
OTTER_IGNORE_TAG = "otter_ignore"   # otter-grader skips these cells when it grades
SETS = ("student", "instructor")

_MARKDOWN = create_md_parser(MdParserConfig(enable_extensions={"colon_fence"}), RendererHTML)
_LABEL_OPTION = re.compile(r"^:label:\s*(\S+)", re.MULTILINE)


@dataclass
class Exercise:
    label: str
    statement: str  # body of an {exercise} without options; empty for {exercise-start}
    solution_text: list[str] = field(default_factory=list)  # Markdown inside the solution
    solution_code: list[str] = field(default_factory=list)  # code cells inside the solution

    @property
    def has_code(self) -> bool:
        return bool(self.solution_code)


@dataclass
class Split:
    """A chapter taken apart: the student notebook and what was removed from it."""
    student: nbformat.NotebookNode
    exercises: dict[str, Exercise]


@dataclass
class _Fence:
    name: str       # directive name, e.g. "solution-start"
    argument: str   # e.g. the exercise label of a solution
    body: str
    start: int      # first line (0-based) of the fence in the cell
    end: int        # line after the closing fence


def _directive_fences(markdown: str) -> list[_Fence]:
    """The top-level MyST directives (``` or ::: fences) of one Markdown cell."""
    fences = []
    for token in _MARKDOWN.parse(markdown):
        match = re.match(r"\{([\w-]+)\}\s*(.*)", token.info.strip())
        if token.type in ("fence", "colon_fence") and token.level == 0 and match:
            fences.append(_Fence(match[1], match[2].strip(), token.content,
                                 token.map[0], token.map[1]))
    return fences


def _statement(body: str) -> str:
    """A directive body without its ``:option:`` lines."""
    return "\n".join(line for line in body.splitlines()
                     if not re.match(r"^:[\w-]+:", line)).strip()


_OTTER_MARKER = re.compile(r"^#\s*(ASSIGNMENT CONFIG|(?:BEGIN|END) (?:QUESTION|SOLUTION|TESTS|PROMPT))\b")


def otter_marker(cell: nbformat.NotebookNode) -> str | None:
    """The otter-grader marker a raw cell holds ("BEGIN QUESTION", "END TESTS", ...), or None.

    The chapters carry otter's markers as raw cells with no format, which the book does not
    show (see tools/grading.py)."""
    if cell.cell_type != "raw":
        return None
    match = _OTTER_MARKER.match(cell.source.lstrip())
    return match[1] if match else None


def wrap_solution(label: str, source: str) -> nbformat.NotebookNode:
    """A graded solution's code in otter's solution comments: ``otter assign`` replaces the
    block by ``...`` in the student notebook and keeps it in the autograder's."""
    return nbformat.v4.new_code_cell(
        f"# Exercise {label}: write your solution here; set the names the exercise asks for.\n"
        f"# BEGIN SOLUTION\n{source.rstrip()}\n# END SOLUTION",
        metadata={"tags": [ANSWER_TAG], "kc_exercise": label})


def stub_cell(label: str) -> nbformat.NotebookNode:
    source = (f"# Exercise {label}: write your solution here, then delete the line below.\n"
              f'raise NotImplementedError("exercise {label} is not solved yet")')
    return nbformat.v4.new_code_cell(source, metadata={"tags": [STUB_TAG]})


def split_chapter(notebook: nbformat.NotebookNode, name: str = "chapter",
                  graded: bool = False) -> Split:
    """Take the solutions out of a chapter notebook (as read by jupytext).

    Raises ValueError on a solution without an exercise or an unclosed solution block, so a
    typo in a chapter cannot leak a solution into the student notebook.

    Otter-grader's markers (raw cells) and test cells are dropped. With ``graded=True``
    (``tools/grading.py``) they are kept for ``otter assign``, which takes them out itself: the
    code of a solution inside ``# BEGIN SOLUTION`` ... ``# END SOLUTION`` is kept, wrapped in
    otter's solution comments (``wrap_solution``), and every code cell outside the exercises
    is tagged ``otter_ignore`` so that grading never runs the chapter's figures and demos.
    """
    exercises: dict[str, Exercise] = {}
    cells = []
    open_solution: Exercise | None = None  # inside {solution-start} ... {solution-end}
    stub_placed = False
    in_exercise = False  # inside {exercise-start} ... {exercise-end}: the starter cells

    def solution_for(fence: _Fence) -> Exercise:
        if fence.argument not in exercises:
            raise ValueError(f"{name}: {{{fence.name}}} {fence.argument!r} follows no exercise")
        return exercises[fence.argument]

    block = None  # the otter block the cell is in: "QUESTION", "SOLUTION", "TESTS" or None
    for cell in notebook.cells:
        marker = otter_marker(cell)
        if marker is not None:  # otter's markers and its test cells never reach students
            kind = marker.split()[-1]
            block = kind if marker.startswith("BEGIN") and kind != "QUESTION" else (
                "QUESTION" if marker in ("BEGIN QUESTION", "END SOLUTION", "END TESTS") else None)
            if graded:
                cells.append(nbformat.v4.new_raw_cell(cell.source))
            continue
        if block == "TESTS":
            if graded and cell.cell_type == "code":
                cells.append(nbformat.v4.new_code_cell(cell.source))  # no remove-cell tag
            continue
        if cell.cell_type == "code":
            if open_solution is None:
                kept = copy.deepcopy(cell)
                kept.outputs, kept.execution_count = [], None
                if graded and not in_exercise:
                    kept.metadata.setdefault("tags", []).append(OTTER_IGNORE_TAG)
                cells.append(kept)
            else:
                open_solution.solution_code.append(cell.source)
                if graded and block == "SOLUTION":
                    cells.append(wrap_solution(open_solution.label, cell.source))
                elif not stub_placed:
                    cells.append(stub_cell(open_solution.label))
                    stub_placed = True
            continue
        if cell.cell_type != "markdown":  # raw cells: kept unless inside a solution
            if open_solution is None:
                cells.append(copy.deepcopy(cell))
            continue

        lines = cell.source.splitlines(keepends=True)
        kept_lines: list[str] = []
        position = 0
        for fence in _directive_fences(cell.source):
            if open_solution is not None:
                if fence.name == "solution-end":
                    open_solution.solution_text.append("".join(lines[position:fence.start]))
                    open_solution, position = None, fence.end
                continue
            kept_lines += lines[position:fence.start]
            position = fence.start
            in_exercise = {"exercise-start": True, "exercise-end": False}.get(fence.name,
                                                                               in_exercise)
            if fence.name in ("exercise", "exercise-start"):
                label = _LABEL_OPTION.search(fence.body)
                if not label:
                    raise ValueError(f"{name}: an {{{fence.name}}} has no :label:")
                exercises[label[1]] = Exercise(label[1], _statement(fence.body))
            elif fence.name == "solution":
                solution_for(fence).solution_text.append(_statement(fence.body))
                position = fence.end
            elif fence.name == "solution-start":
                open_solution, stub_placed = solution_for(fence), False
                position = fence.end
            elif fence.name == "solution-end":
                raise ValueError(f"{name}: {{solution-end}} without {{solution-start}}")
        if open_solution is None:
            kept_lines += lines[position:]
        else:
            open_solution.solution_text.append("".join(lines[position:]))
        text = re.sub(r"\n{3,}", "\n\n", "".join(kept_lines)).strip()
        if text:
            cells.append(nbformat.v4.new_markdown_cell(text, metadata=copy.deepcopy(cell.metadata)))

    if open_solution is not None:
        raise ValueError(f"{name}: {{solution-start}} {open_solution.label} is never closed")

    student = nbformat.v4.new_notebook(cells=cells, metadata=_plain_metadata(notebook))
    return Split(student, exercises)


def repository_url(book_root: Path = ROOT) -> str:
    """The repository, named once in ``_config.yml``."""
    config = yaml.safe_load((book_root / "_config.yml").read_text(encoding="utf-8"))
    return config["repository"]["url"].rstrip("/")


def add_install_cell(notebook: nbformat.NotebookNode, repository: str) -> None:
    """Put a cell before the first code cell that installs the book's ``widgets`` package
    where it is missing (Colab opens a lone notebook); it does nothing in the book's .venv."""
    if not any("widgets" in cell.source for cell in notebook.cells if cell.cell_type == "code"):
        return
    source = (
        "# Installs the book's `widgets` package if it is missing (for example on Colab).\n"
        "import importlib.util, subprocess, sys\n"
        "if importlib.util.find_spec(\"widgets\") is None:\n"
        f"    subprocess.run([sys.executable, \"-m\", \"pip\", \"install\", \"-q\", \"git+{repository}\"],\n"
        "                   check=True)")
    first_code = next(i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code")
    notebook.cells.insert(first_code, nbformat.v4.new_code_cell(
        source, metadata={"tags": [INSTALL_TAG]}))


def _plain_metadata(notebook: nbformat.NotebookNode) -> dict:
    """Notebook metadata without jupytext's (the .ipynb is not paired with a text file)."""
    return {key: copy.deepcopy(value) for key, value in notebook.metadata.items()
            if key not in ("jupytext", "source_map")}


def read_chapter(path: Path) -> nbformat.NotebookNode:
    return jupytext.read(path)


def student_notebook(path: Path, book_root: Path = ROOT) -> nbformat.NotebookNode:
    notebook = split_chapter(read_chapter(path), path.name).student
    add_install_cell(notebook, repository_url(book_root))
    return notebook


def _code_sources(notebook: nbformat.NotebookNode) -> list[str]:
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def instructor_notebook(path: Path, cache_dir: Path | None = None,
                        timeout: int = 120) -> tuple[nbformat.NotebookNode, str]:
    """The chapter with its solutions, executed; also says where the outputs came from.

    ``cache_dir`` is the book build's jupyter-cache (``_build/.jupyter_cache``, filled by
    myst-nb with ``execute_notebooks: cache``). Its outputs are used only when it holds a run
    of exactly the chapter's current code cells, so a stale build is never handed out.
    (myst-nb's ``_build/jupyter_execute/*.ipynb`` is not used: it has no outputs when the
    page came from the cache.)
    """
    chapter = read_chapter(path)
    chapter.metadata = _plain_metadata(chapter)
    if cache_dir is not None and (cache_dir / "global.db").exists():
        try:
            _, merged = get_cache(cache_dir).merge_match_into_notebook(chapter)
            return merged, "book cache"
        except KeyError:  # no cached run of this code
            pass
    NotebookClient(chapter, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return chapter, "nbclient"


def toc_pages() -> list[str]:
    """Every page of the table of contents, in order, as in ``_toc.yml`` (no suffix): the
    landing page, then each part's pages."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [toc["root"]] + [entry["file"] for part in toc["parts"] for entry in part["chapters"]]


def chapter_paths() -> list[Path]:
    """Every notebook page of the table of contents, in order (chapters with a jupytext header)."""
    files = [ROOT / f"{name}.md" for name in toc_pages()[1:]]
    return [path for path in files if path.exists() and is_notebook_page(path)]


def is_notebook_page(path: Path) -> bool:
    return "jupytext:" in path.read_text(encoding="utf-8").split("\n---", 1)[0]


def write_sets(chapters: list[Path], out_dir: Path, cache_dir: Path | None,
               book_root: Path = ROOT) -> list[dict]:
    """Write both notebooks of each chapter and a zip of each set; return one row per chapter.

    ``cache_dir`` is the jupyter-cache of the book build in ``book_root`` (or None).
    """
    rows = []
    for kind in SETS:
        (out_dir / kind).mkdir(parents=True, exist_ok=True)
    for path in chapters:
        started = time.perf_counter()
        split = split_chapter(read_chapter(path), path.name)
        add_install_cell(split.student, repository_url(book_root))
        instructor, origin = instructor_notebook(path, cache_dir)
        filename = path.with_suffix(".ipynb").name
        nbformat.write(split.student, out_dir / "student" / filename)
        nbformat.write(instructor, out_dir / "instructor" / filename)
        rows.append({"chapter": path.stem, "exercises": len(split.exercises),
                     "with_code": sum(e.has_code for e in split.exercises.values()),
                     "instructor_from": origin, "seconds": time.perf_counter() - started})
    for kind in SETS:
        with zipfile.ZipFile(out_dir / f"{kind}.zip", "w", zipfile.ZIP_DEFLATED) as archive:
            for path in chapters:
                filename = path.with_suffix(".ipynb").name
                archive.write(out_dir / kind / filename, f"kinetic-chain-{kind}/{filename}")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chapters", nargs="*", type=Path,
                        help="chapter files (default: every notebook page in _toc.yml)")
    parser.add_argument("--build-root", type=Path,
                        default=Path(os.environ.get("KC_BUILD_ROOT", ROOT)),
                        help="folder holding _build/ (default: $KC_BUILD_ROOT or the repository)")
    args = parser.parse_args(argv)
    build = args.build_root.resolve() / "_build"
    chapters = [path.resolve() for path in args.chapters] or chapter_paths()
    started = time.perf_counter()
    rows = write_sets(chapters, build / "assignments", build / ".jupyter_cache")
    for row in rows:
        print(f"{row['chapter']:32} {row['exercises']:2} exercises ({row['with_code']} with code)"
              f"  instructor from {row['instructor_from']:10} {row['seconds']:5.1f} s")
    print(f"wrote {build / 'assignments'} (student/, instructor/, student.zip, instructor.zip)"
          f" in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
