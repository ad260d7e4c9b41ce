"""Autograded code exercises: otter-grader notebooks and zips, and local grading.

Generation (``python -m tools.grading assign``, run by ``make assignments``)
    Every chapter with graded exercises (otter's markers as raw cells, see "Autograded
    exercises" in README.md) becomes an otter *master notebook*: the chapter split by
    ``tools.assignments.split_chapter(..., graded=True)`` (solution text gone, graded solution
    code wrapped in otter's ``# BEGIN SOLUTION`` comments, the chapter's own figure and demo
    cells tagged ``otter_ignore``) behind an ``# ASSIGNMENT CONFIG`` cell written here.
    ``otter assign`` turns it into

    * ``_build/assignments/otter/student/NN-name.ipynb``: no solutions, no hidden tests, no
      markers, a ``grader.check("...")`` cell after each graded exercise;
    * ``_build/assignments/otter/instructor/NN-name.ipynb``: otter's solution notebook;
    * ``_build/assignments/otter/autograder/NN-name.zip``: the tests, hidden ones too;
    * ``_build/assignments/autograders.zip``: every chapter's autograder zip, for the course.

Grading (``python -m tools.grading grade FOLDER``, run by ``make grade SUBMISSIONS=FOLDER``)
    Every file in the folder is a submission. Each is graded by ``tools.grade_one`` (otter's
    own local runner, ``otter run``, with no Docker) in its own process, on a copy in its own
    temporary folder, under bubblewrap (``bwrap``: the file system read-only but for that
    folder, no network, its own process tree), with a time limit and a memory limit. The result
    is one CSV: one row per submission, one column per question, the total, what was possible,
    and the reason when a submission scored 0 because it could not be graded.
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

from tools import assignments

ROOT = assignments.ROOT
DEFAULT_TIMEOUT_S = 120
DEFAULT_MEMORY_MB = 4096
OTTER_FOLDER = "otter"
COURSE_ZIP = "autograders.zip"
# What a hosted grader (Gradescope, or otter's Docker image) must install besides otter: the
# book's package, from the repository, with the pins of the book's numerical stack.
HOSTED_PACKAGES = ("numpy", "scipy", "matplotlib", "ipywidgets")


@dataclass
class Question:
    name: str
    points: float


@dataclass
class GradedChapter:
    stem: str
    questions: list[Question] = field(default_factory=list)


def questions_of(chapter: nbformat.NotebookNode) -> list[Question]:
    """The graded exercises of a chapter: each ``# BEGIN QUESTION`` cell's name and points."""
    found = []
    for cell in chapter.cells:
        if assignments.otter_marker(cell) == "BEGIN QUESTION":
            config = yaml.safe_load(cell.source.split("\n", 1)[1]) or {}
            found.append(Question(str(config["name"]), float(config.get("points", 1))))
    return found


def graded_chapters() -> list[Path]:
    """The chapters of the table of contents that hold at least one graded exercise."""
    return [path for path in assignments.chapter_paths()
            if questions_of(assignments.read_chapter(path))]


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==([^\s#]+)", line)
        if match:
            pins[match[1].lower()] = match[2]
    return pins


def hosted_requirements(repository: str) -> str:
    """requirements.txt for a hosted grader: the widgets package and its numerical stack."""
    pins = _pins()
    lines = [f"{name}=={pins[name]}" for name in HOSTED_PACKAGES if name in pins]
    return "\n".join(lines + [f"kinetic-chain-widgets @ git+{repository}"]) + "\n"


def master_notebook(path: Path, book_root: Path = ROOT) -> nbformat.NotebookNode:
    """The otter master notebook of one chapter (see the module docstring)."""
    split = assignments.split_chapter(assignments.read_chapter(path), path.name, graded=True)
    notebook = split.student
    repository = assignments.repository_url(book_root)
    assignments.add_install_cell(notebook, repository)
    for cell in notebook.cells:
        if assignments.INSTALL_TAG in cell.metadata.get("tags", []):
            # otter's init cell needs otter: install it with the package, where missing.
            cell.source = cell.source.replace(
                'if importlib.util.find_spec("widgets") is None:',
                'if importlib.util.find_spec("otter") is None:\n'
                f'    subprocess.run([sys.executable, "-m", "pip", "install", "-q", '
                f'"otter-grader=={_pins()["otter-grader"]}"], check=True)\n'
                'if importlib.util.find_spec("widgets") is None:')
            cell.metadata["tags"].append(assignments.OTTER_IGNORE_TAG)
    # otter's own init cell would come first, before otter is installed (Colab): ours follows
    # the install cell.
    first_code = next(i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code")
    if assignments.INSTALL_TAG in notebook.cells[first_code].metadata.get("tags", []):
        first_code += 1
    notebook.cells.insert(first_code, nbformat.v4.new_code_cell(
        f'# Otter-grader: the check cells below call grader.check\nimport otter\n'
        f'grader = otter.Notebook("{path.stem}.ipynb")'))
    config = {
        "name": path.stem,
        "requirements": "requirements.txt",
        "python_version": "3.11",
        "run_tests": False,      # the book build and tests/test_grading.py run them
        "init_cell": False,      # ours, after the install cell (above)
        "check_all_cell": False,
        "export_cell": False,    # submissions are the .ipynb itself
        "tests": {"files": False},  # public tests in the notebook's metadata: no tests/ folder
        "generate": {"pdf": False, "show_hidden": True, "show_stdout": True},
    }
    notebook.cells.insert(0, nbformat.v4.new_raw_cell(
        "# ASSIGNMENT CONFIG\n" + yaml.safe_dump(config, sort_keys=False)))
    return notebook


def assign_chapter(path: Path, out_dir: Path, book_root: Path = ROOT) -> dict:
    """Run ``otter assign`` on one chapter; copy its student and solution notebooks and its
    autograder zip into ``out_dir`` (``student/``, ``instructor/``, ``autograder/``)."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kc-otter-") as work:
        work = Path(work)
        nbformat.write(master_notebook(path, book_root), work / f"{path.stem}.ipynb")
        (work / "requirements.txt").write_text(
            hosted_requirements(assignments.repository_url(book_root)), encoding="utf-8")
        # In this process (importing otter takes seconds, one assign well under one); otter
        # changes the working folder while it runs, so chapters are assigned one at a time.
        import otter.assign
        try:
            otter.assign.main(str(work / f"{path.stem}.ipynb"), str(work / "dist"),
                              no_run_tests=True, no_pdfs=True)
        except Exception as error:
            raise RuntimeError(f"otter assign failed on {path.name}: {error}") from error
        dist = work / "dist"
        zips = list((dist / "autograder").glob("*.zip"))
        if len(zips) != 1:
            raise RuntimeError(f"otter assign wrote {len(zips)} autograder zips for {path.name}")
        for kind in ("student", "instructor", "autograder"):
            (out_dir / kind).mkdir(parents=True, exist_ok=True)
        shutil.copy(dist / "student" / f"{path.stem}.ipynb", out_dir / "student")
        shutil.copy(dist / "autograder" / f"{path.stem}.ipynb", out_dir / "instructor")
        shutil.copy(zips[0], out_dir / "autograder" / f"{path.stem}.zip")
    questions = questions_of(assignments.read_chapter(path))
    return {"chapter": path.stem, "questions": len(questions),
            "points": sum(q.points for q in questions), "seconds": time.perf_counter() - started}


def write_otter_sets(chapters: list[Path], build: Path, book_root: Path = ROOT) -> list[dict]:
    """Otter notebooks and zips of every chapter in ``chapters`` (those with graded
    exercises), and the course zip; returns one row per chapter."""
    out_dir = build / "assignments" / OTTER_FOLDER
    if out_dir.exists():
        shutil.rmtree(out_dir)
    graded = [p for p in chapters if questions_of(assignments.read_chapter(p))]
    rows = [assign_chapter(path, out_dir, book_root) for path in graded]
    with zipfile.ZipFile(build / "assignments" / COURSE_ZIP, "w", zipfile.ZIP_DEFLATED) as course:
        for path in graded:
            course.write(out_dir / "autograder" / f"{path.stem}.zip",
                         f"kinetic-chain-autograders/{path.stem}.zip")
    return rows


# --- grading ------------------------------------------------------------------------------

@dataclass
class Outcome:
    submission: str
    assignment: str = ""
    scores: dict[str, float] = field(default_factory=dict)
    possible: float = 0.0
    reason: str = ""
    seconds: float = 0.0

    @property
    def total(self) -> float:
        return round(sum(self.scores.values()), 6)


def assignment_of(notebook: nbformat.NotebookNode, filename: str,
                  autograders: dict[str, Path]) -> str | None:
    """Which chapter a submission answers: otter's assignment name in the notebook's metadata
    (set by ``otter assign``), else a chapter named at the start of the file name."""
    name = notebook.get("metadata", {}).get("otter", {}).get("assignment_name")
    if name in autograders:
        return name
    return next((stem for stem in sorted(autograders, key=len, reverse=True)
                 if filename.startswith(stem)), None)


def _limits(memory_mb: int):
    """Runs in the child before bwrap starts: cap its address space (inherited by the kernel)
    and never dump core."""
    def apply():
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply


def _under_tmp(paths: list[Path]) -> list[Path]:
    """The resolved ``paths`` that lie under /tmp, outermost first, without repeats."""
    found = []
    for path in sorted({p.resolve() for p in paths}, key=lambda p: len(p.parts)):
        if path.is_relative_to("/tmp") and path != Path("/tmp") \
                and not any(path.is_relative_to(outer) for outer in found):
            found.append(path)
    return found


def sandbox_command(work: Path, hidden: list[Path]) -> list[str]:
    """bubblewrap: everything read-only (so the venv, the book's package and Python are there),
    a private /tmp, ``work`` writable, the folders in ``hidden`` (submissions, output) empty, no
    network, its own process tree that dies with the grader."""
    command = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
               "--tmpfs", "/tmp", "--unshare-all", "--die-with-parent", "--new-session",
               "--cap-drop", "ALL"]
    # The private /tmp would hide a book or a venv that lives under /tmp (a CI clone in
    # /tmp/x, say): bind them back, read-only, before the hidden folders are emptied.
    for needed in _under_tmp([ROOT, Path(sys.prefix), Path(sys.base_prefix)]):
        command += ["--ro-bind", str(needed), str(needed)]
    for folder in hidden:
        command += ["--tmpfs", str(folder)]
    return command + ["--bind", str(work), str(work), "--chdir", str(work),
                      "--setenv", "HOME", str(work)]


def grade_submission(submission: Path, autograder: Path, assignment: str, *,
                     timeout: float, memory_mb: int, hidden: list[Path],
                     sandbox: bool = True) -> Outcome:
    """Grade one notebook in its own sandboxed process; never raises for a bad submission."""
    started = time.perf_counter()
    outcome = Outcome(submission.name, assignment)
    with tempfile.TemporaryDirectory(prefix="kc-grade-") as work:
        work = Path(work).resolve()
        shutil.copy(autograder, work / "autograder.zip")
        shutil.copy(submission, work / "submission.ipynb")
        runner = [sys.executable, "-m", "tools.grade_one", "autograder.zip", "submission.ipynb",
                  "result.json"]
        command = (sandbox_command(work, hidden) if sandbox else []) + runner
        env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg",
               "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "HOME": str(work),
               "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
        process = subprocess.Popen(command, cwd=work, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True,
                                   preexec_fn=_limits(memory_mb), start_new_session=True)
        try:
            log, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # bwrap's whole process tree
            process.communicate()
            outcome.reason = f"stopped after the time limit of {timeout:g} s"
            return _zero(outcome, autograder, started)
        result_file = work / "result.json"
        try:
            result = json.loads(result_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            last = [line for line in (log or "").splitlines() if line.strip()][-3:]
            outcome.reason = ("the grader stopped before writing a result: "
                              + " | ".join(last))[:300]
            return _zero(outcome, autograder, started)
    outcome.reason = result.get("reason", "")
    if outcome.reason:
        return _zero(outcome, autograder, started)
    outcome.scores = {name: float(score) for name, score in result["scores"].items()}
    outcome.possible = float(result["possible"])
    outcome.seconds = time.perf_counter() - started
    return outcome


def autograder_questions(autograder: Path) -> dict[str, float]:
    """Question names and points, read from the autograder zip's test files (``tests/*.py``,
    otter's OK format: a literal ``test = {"name": ..., "points": ...}``)."""
    questions = {}
    with zipfile.ZipFile(autograder) as archive:
        for name in sorted(archive.namelist()):
            if not re.match(r"^tests/[^/]+\.py$", name):
                continue
            for node in ast.parse(archive.read(name).decode("utf-8")).body:
                if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "test":
                    test = ast.literal_eval(node.value)
                    questions[test["name"]] = float(test.get("points", 1))
    return questions


def _zero(outcome: Outcome, autograder: Path | None, started: float) -> Outcome:
    if autograder is not None:
        questions = autograder_questions(autograder)
        outcome.scores = dict.fromkeys(questions, 0.0)
        outcome.possible = sum(questions.values())
    outcome.seconds = time.perf_counter() - started
    return outcome


def submissions_in(folder: Path) -> list[Path]:
    return sorted(path for path in folder.iterdir()
                  if path.is_file() and not path.name.startswith("."))


def grade_folder(folder: Path, autograder_dir: Path, csv_path: Path, *,
                 timeout: float = DEFAULT_TIMEOUT_S, memory_mb: int = DEFAULT_MEMORY_MB,
                 jobs: int = 2, sandbox: bool = True) -> list[Outcome]:
    """Grade every file in ``folder`` and write one CSV; a bad file gets a row with 0."""
    folder, csv_path = folder.resolve(), csv_path.resolve()
    autograders = {path.stem: path for path in sorted(autograder_dir.glob("*.zip"))}
    if not autograders:
        raise FileNotFoundError(f"no autograder zip in {autograder_dir}: run make assignments")
    # Hide the other submissions and the grades from each submission, unless such a folder
    # holds the book or its venv (which grading needs, read-only).
    needed = [ROOT, Path(sys.prefix).resolve()]
    hidden = [path for path in (folder, csv_path.parent)
              if not any(need.is_relative_to(path) for need in needed)]

    def grade(path: Path) -> Outcome:
        started = time.perf_counter()
        try:
            notebook = nbformat.read(path, as_version=4)
            nbformat.validate(notebook)
        except Exception as error:  # not JSON, not a notebook, or an invalid one
            kind = "is not a notebook" if path.suffix != ".ipynb" else "is not a valid notebook"
            return _zero(Outcome(path.name, reason=f"{kind} ({type(error).__name__}: "
                                 f"{str(error).splitlines()[0][:120] if str(error) else ''})"),
                         None, started)
        assignment = assignment_of(notebook, path.name, autograders)
        if assignment is None:
            return _zero(Outcome(path.name, reason="names no chapter with graded exercises"),
                         None, started)
        return grade_submission(path, autograders[assignment], assignment, timeout=timeout,
                                memory_mb=memory_mb, hidden=hidden, sandbox=sandbox)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        outcomes = list(pool.map(grade, submissions_in(folder)))
    write_csv(outcomes, csv_path)
    return outcomes


def write_csv(outcomes: list[Outcome], csv_path: Path) -> None:
    questions = list(dict.fromkeys(q for outcome in outcomes for q in outcome.scores))
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    with open(csv_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["submission", "assignment", *questions, "total", "possible", "reason"])
        for outcome in outcomes:
            writer.writerow([outcome.submission, outcome.assignment,
                             *[_number(outcome.scores[q]) if q in outcome.scores else ""
                               for q in questions],
                             _number(outcome.total), _number(outcome.possible), outcome.reason])


def _number(value: float) -> str:
    return f"{value:g}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-root", type=Path,
                        default=Path(os.environ.get("KC_BUILD_ROOT", ROOT)),
                        help="folder holding _build/ (default: $KC_BUILD_ROOT or the repository)")
    commands = parser.add_subparsers(dest="command", required=True)
    assign = commands.add_parser("assign", help="otter notebooks and autograder zips")
    assign.add_argument("chapters", nargs="*", type=Path)
    grade = commands.add_parser("grade", help="grade a folder of submitted notebooks")
    grade.add_argument("submissions", type=Path)
    grade.add_argument("--csv", type=Path, help="default: _build/grades/<folder name>.csv")
    grade.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S,
                       help=f"seconds per submission (default {DEFAULT_TIMEOUT_S})")
    grade.add_argument("--memory", type=int, default=DEFAULT_MEMORY_MB,
                       help=f"address-space limit per submission in MB (default {DEFAULT_MEMORY_MB})")
    grade.add_argument("--jobs", type=int, default=2, help="submissions graded at once")
    grade.add_argument("--no-sandbox", action="store_true",
                       help="without bubblewrap (only inside a container of its own)")
    args = parser.parse_args(argv)
    build = args.build_root.resolve() / "_build"
    if args.command == "assign":
        chapters = [path.resolve() for path in args.chapters] or assignments.chapter_paths()
        started = time.perf_counter()
        rows = write_otter_sets(chapters, build)
        for row in rows:
            print(f"{row['chapter']:32} {row['questions']:2} graded questions "
                  f"({row['points']:g} points)  {row['seconds']:5.1f} s")
        print(f"wrote {build / 'assignments' / OTTER_FOLDER} and "
              f"{build / 'assignments' / COURSE_ZIP} in {time.perf_counter() - started:.1f} s")
        return 0
    if not args.submissions.is_dir():
        parser.error(f"{args.submissions} is not a folder")
    if not args.no_sandbox and shutil.which("bwrap") is None:
        parser.error("bubblewrap (bwrap) is missing: apt-get install bubblewrap, "
                     "or grade inside a container with --no-sandbox")
    csv_path = args.csv or build / "grades" / f"{args.submissions.resolve().name}.csv"
    outcomes = grade_folder(args.submissions, build / "assignments" / OTTER_FOLDER / "autograder",
                            csv_path, timeout=args.timeout, memory_mb=args.memory,
                            jobs=args.jobs, sandbox=not args.no_sandbox)
    for outcome in outcomes:
        print(f"{outcome.submission:40} {outcome.total:5g} / {outcome.possible:<4g} "
              f"{outcome.seconds:5.1f} s  {outcome.reason}")
    print(f"wrote {csv_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
