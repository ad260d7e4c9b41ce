"""Assignments (issue 7): student notebooks hold no solution, both sets run, pages link them.

Checked on every chapter of the book and on ``tests/fixtures/fixture-chapter.md``, a small
chapter with both exercise forms, so the tests mean something whatever the chapters hold.
The solution text is found here with plain regular expressions on the chapter file, not with
the generator's Markdown parser, so the two cross-check each other.
"""

import ast
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup

from book import BUILD_ROOT, HTML, ROOT, STRICT_BUILD, chapter_files, html_page, jupyter_book
from tools import assignments

FIXTURE = ROOT / "tests" / "fixtures" / "fixture-chapter.md"
CHAPTERS = chapter_files()
SOURCES = [*CHAPTERS, FIXTURE]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))

# A directive fence and its closing fence (same backticks or colons), as MyST writes them.
SOLUTION_DIRECTIVE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{solution\}.*?^(?P=fence)[ \t]*$",
                                re.MULTILINE | re.DOTALL)
SOLUTION_BLOCK = re.compile(r"^(`{3,}|:{3,})\{solution-start\}.*?^(`{3,}|:{3,})\{solution-end\}",
                            re.MULTILINE | re.DOTALL)
EXERCISE_LABEL = re.compile(
    r"^(?:`{3,}|:{3,})\{exercise(?:-start)?\}[^\n]*\n(?::[\w-]+:[^\n]*\n)*?:label:\s*(\S+)",
    re.MULTILINE)
SOLUTION_LABEL = re.compile(r"^(?:`{3,}|:{3,})\{solution(?:-start)?\}\s+(\S+)", re.MULTILINE)


def solution_lines(chapter: Path) -> set[str]:
    """Lines that only a solution contains (text also found outside the solutions, like an
    import or a citation, is not a leak); short lines such as fences and options are skipped."""
    text = chapter.read_text(encoding="utf-8")
    solutions = [m.group(0) for pattern in (SOLUTION_DIRECTIVE, SOLUTION_BLOCK)
                 for m in pattern.finditer(text)]
    outside = SOLUTION_BLOCK.sub("", SOLUTION_DIRECTIVE.sub("", text))
    return {line.strip() for block in solutions for line in block.splitlines()
            if len(line.strip()) >= 12 and not line.strip().startswith(("```", ":::", ":class:"))
            and line.strip() not in outside}


def notebook_text(notebook) -> str:
    return "\n".join(cell.source for cell in notebook.cells)


def stub_cells(notebook):
    return [cell for cell in notebook.cells
            if assignments.STUB_TAG in cell.get("metadata", {}).get("tags", [])]


@pytest.fixture(scope="session")
def assignment_sets(built_book, tmp_path_factory):
    """`make assignments` for the book (reusing the test build's executed notebooks) and for
    the fixture chapter (executed with nbclient); returns {source: folder holding the sets}."""
    assert assignments.main(["--build-root", str(BUILD_ROOT)]) == 0
    fixture_root = tmp_path_factory.mktemp("fixture-build")
    assert assignments.main([str(FIXTURE), "--build-root", str(fixture_root)]) == 0
    book_sets = BUILD_ROOT / "_build" / "assignments"
    return {**{chapter: book_sets for chapter in CHAPTERS},
            FIXTURE: fixture_root / "_build" / "assignments"}


def read_set(sets, source, kind):
    return nbformat.read(sets[source] / kind / f"{source.stem}.ipynb", as_version=4)


def test_fixture_has_both_exercise_forms_and_a_solution_oracle():
    split = assignments.split_chapter(assignments.read_chapter(FIXTURE))
    kinds = {exercise.has_code for exercise in split.exercises.values()}
    assert kinds == {True, False}
    oracle = " ".join(solution_lines(FIXTURE))
    for marker in ("FIXTURE-CONCEPT-ANSWER", "FIXTURE-SECOND-ANSWER", "FIXTURE-TEXT-BEFORE-CODE",
                   "FIXTURE-CODE-ANSWER", "FIXTURE-TEXT-AFTER-CODE"):
        assert marker in oracle
    assert "FIXTURE-TAKEAWAY" not in oracle


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_exercises_found_match_the_chapter_text(source):
    text = source.read_text(encoding="utf-8")
    split = assignments.split_chapter(assignments.read_chapter(source), source.name)
    assert list(split.exercises) == EXERCISE_LABEL.findall(text)
    assert split.exercises, f"{source.name} has no exercise"
    assert set(SOLUTION_LABEL.findall(text)) <= set(split.exercises)


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_student_notebook_is_valid_without_outputs_or_solutions(assignment_sets, source):
    student = read_set(assignment_sets, source, "student")
    nbformat.validate(student)
    for cell in student.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    text = notebook_text(student)
    leaked = sorted(line for line in solution_lines(source) if line in text)
    assert not leaked, f"solution text in the student notebook of {source.name}: {leaked}"
    assert "{solution" not in text


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_student_notebook_keeps_every_exercise_and_one_stub_per_code_solution(
        assignment_sets, source):
    student = read_set(assignment_sets, source, "student")
    split = assignments.split_chapter(assignments.read_chapter(source), source.name)
    text = notebook_text(student)
    for exercise in split.exercises.values():
        assert f":label: {exercise.label}" in text
        assert exercise.statement in text
    stubs = stub_cells(student)
    code_labels = [e.label for e in split.exercises.values() if e.has_code]
    assert [re.search(r"Exercise (\S+):", cell.source)[1] for cell in stubs] == code_labels
    for cell in stubs:
        last = ast.parse(cell.source).body[-1]
        assert isinstance(last, ast.Raise) and last.exc.func.id == "NotImplementedError"


def test_fixture_student_notebook_keeps_text_and_code_outside_solutions(assignment_sets):
    student = read_set(assignment_sets, FIXTURE, "student")
    text = notebook_text(student)
    assert "FIXTURE-TAKEAWAY" in text and "# your code here" in text and "leg_length = 0.9" in text
    code = [cell for cell in student.cells if cell.cell_type == "code"]
    assert len(code) == 3  # set-up, starter cell, one stub for the two solution cells


@pytest.mark.parametrize("broken, message", [
    ("```{solution-start} ex-chfx-code\n```\n\nno end\n", "never closed"),
    ("```{solution} ex-chfx-nothing\nanswer\n```\n", "follows no exercise"),
    ("```{solution-end}\n```\n", "without {solution-start}"),
])
def test_malformed_solutions_are_refused(broken, message):
    chapter = assignments.read_chapter(FIXTURE)
    chapter.cells.append(nbformat.v4.new_markdown_cell(broken))
    with pytest.raises(ValueError, match=re.escape(message)):
        assignments.split_chapter(chapter)


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_instructor_notebook_is_the_executed_chapter_with_solutions(assignment_sets, source):
    """Same code cells as the chapter (which conftest.py runs under nbval-lax), all executed,
    no error output, every solution line present."""
    instructor = read_set(assignment_sets, source, "instructor")
    nbformat.validate(instructor)
    chapter = assignments.read_chapter(source)
    code = [cell for cell in instructor.cells if cell.cell_type == "code"]
    assert [cell.source for cell in code] == [
        cell.source for cell in chapter.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code), "every code cell is executed"
    assert not [out for cell in code for out in cell.outputs if out.output_type == "error"]
    text = notebook_text(instructor)
    assert all(line in text for line in solution_lines(source))


def test_notebooks_run_under_nbval_lax(assignment_sets, tmp_path):
    """Student notebooks run with nothing raising but the stub cells tagged raises-exception
    (an untagged raising cell fails nbval); so does the fixture's instructor notebook.

    A book chapter's instructor notebook has exactly the chapter's code cells (checked above),
    and conftest.py already runs every chapter under nbval-lax in the same session, so running
    it again here would only double the time."""
    notebooks = [assignment_sets[source] / "student" / f"{source.stem}.ipynb" for source in SOURCES]
    notebooks.append(assignment_sets[FIXTURE] / "instructor" / f"{FIXTURE.stem}.ipynb")
    report = tmp_path / "nbval.xml"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
         "--nbval-current-env", "--nbval-kernel-name=python3", f"--junitxml={report}",
         *map(str, notebooks)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    suite = ET.parse(report).getroot().find("testsuite")
    assert int(suite.get("failures")) == int(suite.get("errors")) == 0
    ran = {case.get("file") or case.get("classname") for case in suite.iter("testcase")}
    code_cells = sum(1 for path in notebooks for cell in nbformat.read(path, 4).cells
                     if cell.cell_type == "code")
    assert int(suite.get("tests")) == code_cells, f"expected one nbval item per code cell: {ran}"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_page_links_both_notebooks_inside_the_html(assignment_sets, chapter):
    page = html_page(chapter)
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    for kind in assignments.SETS:
        link = soup.select_one(f"a.kc-download-{kind}")
        assert link is not None and link.has_attr("download"), f"{kind} link missing"
        target = (page.parent / link["href"]).resolve()
        assert target.is_relative_to(HTML.resolve()) and target.exists(), link["href"]
        published = nbformat.read(target, as_version=4)
        assert notebook_text(published) == notebook_text(read_set(assignment_sets, chapter, kind))


def test_launch_buttons_point_at_the_configured_repository(built_book):
    repository = CONFIG["repository"]["url"].rstrip("/")
    org_repo = "/".join(repository.split("github.com/")[1].split("/")[:2])
    colab_branch = CONFIG["sphinx"]["config"]["kc_colab_branch"]
    chapter = CHAPTERS[0]
    soup = BeautifulSoup(html_page(chapter).read_text(encoding="utf-8"), "html.parser")
    links = [a.get("href", "") for a in soup.find_all("a")]
    binder = f"{CONFIG['launch_buttons']['binderhub_url']}/v2/gh/{org_repo}/"
    assert any(link.startswith(binder) and link.endswith(f"chapters/{chapter.name}")
               for link in links), "Binder button"
    colab = (f"{CONFIG['launch_buttons']['colab_url']}/github/{org_repo}/blob/{colab_branch}"
             f"/student/{chapter.stem}.ipynb")
    assert colab in links, "Colab button opens the student notebook"
    glossary = (HTML / "chapters" / "glossary.html").read_text(encoding="utf-8")
    assert "kc-download-student" not in glossary


def test_instructors_page_links_both_zips(assignment_sets):
    page = HTML / "chapters" / "instructors.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    hrefs = {a["href"] for a in soup.find_all("a", href=True)}
    for kind in assignments.SETS:
        href = f"../assignments/{kind}.zip"
        assert href in hrefs
        with zipfile.ZipFile(page.parent / href) as archive:
            assert sorted(archive.namelist()) == sorted(
                f"kinetic-chain-{kind}/{chapter.stem}.ipynb" for chapter in CHAPTERS)


def test_a_course_hub_gets_a_jupyterhub_button_and_the_downloads(tmp_path):
    """A small book of the fixture chapter with a JupyterHub set, as a course would do."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["launch_buttons"]["jupyterhub_url"] = "https://hub.example.org"
    (tmp_path / "_config.yml").write_text(yaml.safe_dump(config))
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: index\nchapters:\n  - file: chapters/fixture-chapter\n")
    (tmp_path / "index.md").write_text("# Fixture book\n")
    (tmp_path / "chapters").mkdir()
    shutil.copy(FIXTURE, tmp_path / "chapters" / FIXTURE.name)
    shutil.copy(ROOT / "references.bib", tmp_path / "references.bib")
    # Every folder _config.yml names (extensions, html_extra_path: _vendor/html, widgets/static).
    for folder in ("_ext", "_vendor", "widgets"):
        if (ROOT / folder).exists():
            (tmp_path / folder).symlink_to(ROOT / folder)
    result = jupyter_book(*STRICT_BUILD, ".", cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    html = tmp_path / "_build" / "html"
    page = (html / "chapters" / "fixture-chapter.html").read_text(encoding="utf-8")
    org_repo = "/".join(config["repository"]["url"].split("github.com/")[1].split("/")[:2])
    assert "https://hub.example.org/hub/user-redirect/git-pull?repo=" in page
    assert f"{org_repo}" in page
    student = nbformat.read(html / "assignments" / "student" / "fixture-chapter.ipynb", 4)
    assert "FIXTURE-CODE-ANSWER" not in notebook_text(student)
    instructor = nbformat.read(html / "assignments" / "instructor" / "fixture-chapter.ipynb", 4)
    printed = [out.get("text", "") for cell in instructor.cells if cell.cell_type == "code"
               for out in cell.outputs]
    assert "0.886 m\n" in printed  # 0.9 m * cos(10 degrees), computed by the solution cell


def test_workflow_runs_ci_script_and_publishes_the_html_from_the_default_branch():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "book.yml").read_text())
    build = workflow["jobs"]["build"]["steps"]
    assert any(step.get("run") == "bash .ci/run" for step in build)
    ci_commands = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci_commands, re.MULTILINE)
    assert re.search(r"^make book assignments$", ci_commands, re.MULTILINE)
    pages = next(step for step in build if "upload-pages-artifact" in step.get("uses", ""))
    assert pages["with"]["path"] == "_build/html"
    default_branch_only = "github.ref == format('refs/heads/{0}', " \
                          "github.event.repository.default_branch)"
    assert workflow["jobs"]["deploy"]["if"] == default_branch_only
    assert "deploy-pages" in workflow["jobs"]["deploy"]["steps"][0]["uses"]
