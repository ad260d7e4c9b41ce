"""Autograded code exercises (issue 16): otter notebooks, zips and ``make grade``.

One ``make assignments``-style generation per session (``otter_sets``). The notebooks graded
here are made in the test from the generated ones: the instructor's (solutions), the untouched
student notebook, one per question with that question's answer made wrong, one with a lucky
number but a wrong method; and a folder of bad and hostile submissions for ``make grade``.
All of them are graded through the real path (bubblewrap, otter's local runner), two at a time.
"""

import ast
import copy
import csv
import hashlib
import json
import os
import re
import subprocess
import zipfile
from pathlib import Path

import nbformat
import pytest

from book import BUILD_ROOT, ROOT, chapter_files
from test_assignments import solution_lines
from tools import assignments, grading

CHAPTERS = chapter_files()
OTTER = BUILD_ROOT / "_build" / "assignments" / grading.OTTER_FOLDER
MIN_GRADED = 18


def questions(chapter: Path) -> list[grading.Question]:
    return grading.questions_of(assignments.read_chapter(chapter))


def read(kind: str, chapter: Path) -> nbformat.NotebookNode:
    return nbformat.read(OTTER / kind / f"{chapter.stem}.ipynb", as_version=4)


def cases_of(chapter: Path) -> dict[str, list[dict]]:
    """Each question's test cases, from the chapter's autograder zip."""
    cases = {}
    with zipfile.ZipFile(OTTER / "autograder" / f"{chapter.stem}.zip") as archive:
        for name in archive.namelist():
            if name.startswith("tests/") and name.endswith(".py"):
                tree = ast.parse(archive.read(name).decode("utf-8"))
                test = next(ast.literal_eval(node.value) for node in tree.body
                            if isinstance(node, ast.Assign) and node.targets[0].id == "test")
                cases[test["name"]] = [case for suite in test["suites"] for case in suite["cases"]]
    return cases


def all_text(notebook: nbformat.NotebookNode) -> str:
    """Every string a notebook holds: cell sources and all metadata (otter keeps the public
    tests there)."""
    strings = []

    def walk(value):
        if isinstance(value, str):
            strings.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(notebook)
    return "\n".join(strings)


def hidden_test_lines(chapter: Path) -> set[str]:
    """Lines only hidden tests contain (found with a regular expression on the chapter file)."""
    text = chapter.read_text(encoding="utf-8")
    cells = re.findall(r"^```\{code-cell\}[^\n]*\n(?::tags:[^\n]*\n\n)?(.*?)^```$", text,
                       re.MULTILINE | re.DOTALL)
    hidden = [cell for cell in cells if re.match(r"#[^\n]*\bHIDDEN\b", cell)]
    elsewhere = "\n".join(cell for cell in cells if cell not in hidden)
    return {line.strip() for cell in hidden for line in cell.splitlines()[1:]
            if len(line.strip()) >= 12 and line.strip() not in elsewhere}


@pytest.fixture(scope="session")
def otter_sets():
    """`make assignments`' otter part, once per session."""
    assert grading.main(["--build-root", str(BUILD_ROOT), "assign"]) == 0
    return OTTER


# --- the exercises and the generated files -----------------------------------------------

def test_every_code_exercise_is_graded_two_per_chapter_and_enough_in_all(otter_sets):
    total = 0
    for chapter in CHAPTERS:
        split = assignments.split_chapter(assignments.read_chapter(chapter), chapter.name)
        code_exercises = [e.label for e in split.exercises.values() if e.has_code]
        graded = [q.name for q in questions(chapter)]
        assert graded == code_exercises, chapter.name
        assert len(graded) >= 2, chapter.name
        cases = cases_of(chapter)
        for name in graded:
            kinds = {case["hidden"] for case in cases[name]}
            assert kinds == {True, False}, f"{name}: needs public and hidden tests"
        total += len(graded)
    assert total >= MIN_GRADED
    with zipfile.ZipFile(BUILD_ROOT / "_build" / "assignments" / grading.COURSE_ZIP) as course:
        assert sorted(course.namelist()) == sorted(
            f"kinetic-chain-autograders/{chapter.stem}.zip" for chapter in CHAPTERS)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_no_exercise_overwrites_a_name_another_exercise_is_graded_on(chapter):
    """Otter tests every answer at the end of the notebook: a later solution that reassigns an
    earlier answer's name would grade the earlier question on the wrong value."""
    master = assignments.split_chapter(assignments.read_chapter(chapter), chapter.name,
                                       graded=True).student
    solutions, tests, question = {}, {}, None
    for cell in master.cells:
        if assignments.otter_marker(cell) == "BEGIN QUESTION":
            question = re.search(r"name:\s*(\S+)", cell.source)[1]
        elif cell.cell_type == "code" and cell.metadata.get("kc_exercise"):
            solutions.setdefault(question, set()).update(assigned_names(cell.source))
        elif cell.cell_type == "code" and question and not cell.metadata.get("tags"):
            tree = ast.parse(cell.source)
            read = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
            tests.setdefault(question, set()).update(read - set(assigned_names(cell.source)))
    for graded_on in tests:
        for other, names in solutions.items():
            if other != graded_on:
                assert not tests[graded_on] & names, (graded_on, other, tests[graded_on] & names)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_otter_student_notebook_has_no_solution_hidden_test_or_marker(otter_sets, chapter):
    student = read("student", chapter)
    nbformat.validate(student)
    text = all_text(student)
    leaked = sorted(line for line in solution_lines(chapter) if line in text)
    assert not leaked, f"solution text in the otter student notebook: {leaked}"
    hidden = hidden_test_lines(chapter)
    assert hidden, "the oracle finds the hidden tests"
    assert not sorted(line for line in hidden if line in text), "hidden test in the notebook"
    assert not re.search(r"#\s*(BEGIN|END) (QUESTION|SOLUTION|TESTS)|ASSIGNMENT CONFIG|\{solution",
                         text)
    assert all(cell.cell_type != "raw" for cell in student.cells)
    for question in questions(chapter):
        assert any(cell.source.strip() == f'grader.check("{question.name}")'
                   for cell in student.cells), question.name
    answers = [cell for cell in student.cells if assignments.ANSWER_TAG in cell.metadata.get("tags", [])]
    assert len(answers) == len(questions(chapter))
    assert all(cell.source.splitlines()[1:] == ["..."] for cell in answers)
    assert all(not cell.get("outputs") for cell in student.cells if cell.cell_type == "code")


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_plain_student_notebook_has_no_otter_marker_or_test(chapter):
    student = assignments.student_notebook(chapter)
    text = all_text(student)
    assert "BEGIN QUESTION" not in text and "BEGIN TESTS" not in text
    assert not sorted(line for line in hidden_test_lines(chapter) if line in text)


def test_the_leak_oracles_catch_a_leak(otter_sets):
    """The same checks fail on a student notebook with a solution and a hidden test left in."""
    chapter = CHAPTERS[2]
    instructor = read("instructor", chapter)
    text = all_text(instructor)
    assert any(line in text for line in solution_lines(chapter))
    with zipfile.ZipFile(OTTER / "autograder" / f"{chapter.stem}.zip") as archive:
        tests_text = "\n".join(archive.read(n).decode() for n in archive.namelist()
                               if n.startswith("tests/"))
    assert any(line in tests_text for line in hidden_test_lines(chapter))


# --- grading the generated notebooks -----------------------------------------------------

WRONG_CELL = '''\
# Test only: every name the solution above assigns, made wrong.
import numpy as _np
def _kc_wrong(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float, _np.ndarray)):
        return value * 1.25 + 1.0
    if isinstance(value, dict):
        return {key: _kc_wrong(item) for key, item in value.items()}
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return type(value)(*map(_kc_wrong, value))
    if isinstance(value, (tuple, list)):
        return type(value)(map(_kc_wrong, value))
    if callable(value):
        return lambda *args, **kwargs: _kc_wrong(value(*args, **kwargs))
    return value
'''


def assigned_names(source: str) -> list[str]:
    names = []
    for node in ast.parse(source).body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        for target in targets:
            elements = target.elts if isinstance(target, ast.Tuple) else [target]
            names += [e.id for e in elements if isinstance(e, ast.Name)]
        if isinstance(node, ast.FunctionDef):
            names.append(node.name)
    return names


def with_wrong_answer(instructor: nbformat.NotebookNode, question: str) -> nbformat.NotebookNode:
    notebook = copy.deepcopy(instructor)
    index, cell = next((i, c) for i, c in enumerate(notebook.cells)
                       if c.metadata.get("kc_exercise") == question)
    names = assigned_names(cell.source)
    assert names, question
    source = WRONG_CELL + "".join(f"{name} = _kc_wrong({name})\n" for name in names)
    notebook.cells.insert(index + 1, nbformat.v4.new_code_cell(source))
    return notebook


def with_answer(notebook: nbformat.NotebookNode, question: str, source: str):
    notebook = copy.deepcopy(notebook)
    next(c for c in notebook.cells if c.metadata.get("kc_exercise") == question).source = source
    return notebook


# A lucky number, a wrong method: the small-angle rule used for the "exact" values.
SMALL_ANGLE_FOR_EVERYTHING = """\
from widgets import kinematics as km
small_30 = exact_30 = 8 * km.small_angle_transfer_ratio(30.0, 0.0)
small_textbook = exact_textbook = 8 * km.small_angle_transfer_ratio()
"""
METHOD_CHAPTER = ROOT / "chapters" / "03-subtalar-to-tibia.md"


@pytest.fixture(scope="session")
def graded(otter_sets, tmp_path_factory):
    """Every chapter's instructor, untouched student and one-wrong-answer notebooks, graded
    in one `grade_folder` run (two at a time); {file name: Outcome}."""
    folder = tmp_path_factory.mktemp("variants")
    for chapter in CHAPTERS:
        instructor = read("instructor", chapter)
        nbformat.write(instructor, folder / f"{chapter.stem}--full.ipynb")
        nbformat.write(read("student", chapter), folder / f"{chapter.stem}--blank.ipynb")
        for question in questions(chapter):
            nbformat.write(with_wrong_answer(instructor, question.name),
                           folder / f"{chapter.stem}--wrong--{question.name}.ipynb")
    nbformat.write(with_answer(read("instructor", METHOD_CHAPTER), "ex-ch03-eight-degrees",
                               SMALL_ANGLE_FOR_EVERYTHING), folder / "method.ipynb")
    csv_path = tmp_path_factory.mktemp("grades") / "grades.csv"
    outcomes = grading.grade_folder(folder, OTTER / "autograder", csv_path, timeout=300)
    return {outcome.submission: outcome for outcome in outcomes}


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_instructor_notebook_gets_full_marks(graded, chapter):
    outcome = graded[f"{chapter.stem}--full.ipynb"]
    assert outcome.reason == "" and outcome.assignment == chapter.stem
    assert outcome.scores == {q.name: q.points for q in questions(chapter)}
    assert outcome.total == outcome.possible == sum(q.points for q in questions(chapter))


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_untouched_student_notebook_gets_zero(graded, chapter):
    outcome = graded[f"{chapter.stem}--blank.ipynb"]
    assert outcome.scores == {q.name: 0 for q in questions(chapter)}, outcome.reason
    assert outcome.possible == sum(q.points for q in questions(chapter))


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_one_wrong_answer_loses_exactly_that_questions_points(graded, chapter):
    for wrong in questions(chapter):
        outcome = graded[f"{chapter.stem}--wrong--{wrong.name}.ipynb"]
        expected = {q.name: (0 if q.name == wrong.name else q.points) for q in questions(chapter)}
        assert outcome.scores == expected, (wrong.name, outcome.reason)


def test_a_lucky_number_with_the_wrong_method_fails_the_hidden_test(graded):
    """The small-angle rule for the exact values passes the public test, not the hidden one."""
    outcome = graded["method.ipynb"]
    assert outcome.scores["ex-ch03-eight-degrees"] == 1
    assert outcome.scores["ex-ch03-mitred-hinge"] == 2


# --- make grade on bad and hostile submissions -------------------------------------------

def tree_digest(*folders: Path) -> dict[str, str]:
    return {str(path): hashlib.sha256(path.read_bytes()).hexdigest()
            for folder in folders for path in sorted(folder.rglob("*")) if path.is_file()}


def test_make_grade_on_a_hostile_folder_writes_the_expected_csv(otter_sets, tmp_path):
    chapter = METHOD_CHAPTER
    instructor, student = read("instructor", chapter), read("student", chapter)
    label = "ex-ch03-eight-degrees"
    folder = tmp_path / "submissions"
    folder.mkdir()
    nbformat.write(instructor, folder / "good.ipynb")
    nbformat.write(student, folder / "blank.ipynb")
    nbformat.write(with_wrong_answer(instructor, label), folder / "wrong.ipynb")
    (folder / "corrupt.ipynb").write_text(
        nbformat.writes(instructor)[:500], encoding="utf-8")  # cut off: not JSON
    (folder / "essay.docx").write_bytes(b"PK\x03\x04 not a notebook")
    nbformat.write(with_answer(instructor, label, "while True:\n    pass\n"), folder / "loop.ipynb")
    nbformat.write(with_answer(instructor, label, "hog = bytearray(64 * 1024**3)\n"),
                   folder / "memory.ipynb")
    targets = [chapter, OTTER / "autograder" / f"{chapter.stem}.zip", folder / "good.ipynb"]
    deleting = (f"import os, pathlib\nfor target in {[str(t) for t in targets]!r}:\n"
                "    try:\n        os.remove(target)\n    except OSError as error:\n"
                "        print(error)\n"
                f"pathlib.Path({str(ROOT / 'GRADED-BY-ME.txt')!r}).write_text('full marks')\n")
    nbformat.write(with_answer(instructor, label, deleting), folder / "deleter.ipynb")
    broken = copy.deepcopy(instructor)
    for cell in broken.cells:
        if cell.cell_type == "code":
            cell.source = 'raise RuntimeError("broken")'
    nbformat.write(broken, folder / "raises.ipynb")

    protected = [ROOT / "chapters", ROOT / "tools", OTTER, folder]
    before = tree_digest(*protected)
    csv_path = tmp_path / "out" / "grades.csv"
    result = subprocess.run(
        ["make", "-s", "grade", f"SUBMISSIONS={folder}", "TIMEOUT=60", f"CSV={csv_path}"],
        cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "KC_BUILD_ROOT": str(BUILD_ROOT)})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert tree_digest(*protected) == before, "grading changed the instructor's files"
    assert not (ROOT / "GRADED-BY-ME.txt").exists()

    with open(csv_path, newline="", encoding="utf-8") as handle:
        rows = {row["submission"]: row for row in csv.DictReader(handle)}
    names = [q.name for q in questions(chapter)]
    assert list(next(iter(rows.values()))) == ["submission", "assignment", *names, "total",
                                               "possible", "reason"]
    expected = {  # submission: (score of the first question, total, words of the reason)
        "good.ipynb": ("2", "4", ""), "blank.ipynb": ("0", "0", ""),
        "wrong.ipynb": ("0", "2", ""),
        "corrupt.ipynb": ("", "0", "not a valid notebook"),
        "essay.docx": ("", "0", "not a notebook"),
        "loop.ipynb": ("0", "0", "time limit of 60 s"),
        "memory.ipynb": ("0", "0", "out of memory"),
        "deleter.ipynb": ("0", "0", "outside its own folder"),
        "raises.ipynb": ("0", "0", "every code cell raised"),
    }
    assert set(rows) == set(expected)
    for name, (first, total, reason) in expected.items():
        row = rows[name]
        assert (row[names[0]], row["total"]) == (first, total), row
        assert reason in row["reason"] and (reason or row["reason"] == ""), row
    for name in ("good.ipynb", "blank.ipynb", "wrong.ipynb", "loop.ipynb", "memory.ipynb"):
        assert rows[name]["assignment"] == chapter.stem and rows[name]["possible"] == "4"


def test_make_grade_without_a_folder_says_how():
    result = subprocess.run(["make", "-s", "grade"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode != 0 and "SUBMISSIONS=folder" in result.stdout + result.stderr


def test_the_sandbox_binds_back_a_book_that_lives_under_tmp(monkeypatch):
    """bwrap's private /tmp would hide a clone in /tmp (as CI makes one): the book is bound
    back read-only after the private /tmp and before the hidden folders are emptied."""
    from tools import grading

    monkeypatch.setattr(grading, "ROOT", Path("/tmp/kc-book-clone"))
    command = grading.sandbox_command(Path("/tmp/kc-grade-x"), [Path("/tmp/kc-book-clone/subs")])
    tmpfs = command.index("/tmp", command.index("--tmpfs"))
    bind = [i for i in range(len(command) - 2) if command[i:i + 3] ==
            ["--ro-bind", "/tmp/kc-book-clone", "/tmp/kc-book-clone"]]
    hidden = command.index("/tmp/kc-book-clone/subs")
    assert bind and tmpfs < bind[0] < hidden
    monkeypatch.setattr(grading, "ROOT", Path("/srv/book"))
    assert "/srv/book" not in grading.sandbox_command(Path("/tmp/kc-grade-x"), [])
