"""The print edition (issue 17): ``make pdf`` and ``make pdf STUDENT=1``.

Every expectation comes from the sources, so figures, demos, terms, citations and exercises
added later are checked too: chapter titles from the chapters, captions from the cells'
metadata (``mystnb.figure.caption`` and the print edition's ``print.caption``), glossary
terms from ``chapters/glossary.md``, cited works from the chapters' ``{cite}`` roles and
``references.bib``, solutions with the notebook leak test's own regular expressions.

The PDFs are read as built by ``.ci/run`` (``make pdf`` and ``make pdf STUDENT=1``); one that
is missing or older than its sources is built here first (about a minute each). Without TeX
Live the tests that need a PDF are skipped, except on CI (``CI`` set), where that is an error.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from functools import cache
from pathlib import Path

import jupytext
import pytest

from book import ROOT, chapter_files, chapter_title
from test_assignments import SOLUTION_BLOCK, SOLUTION_DIRECTIVE
from tools import pdf as print_edition

CHAPTERS = chapter_files()
SOURCES = [ROOT / "_config.yml", ROOT / "_toc.yml", ROOT / "index.md", ROOT / "references.bib",
           ROOT / "tools" / "pdf.py", *(ROOT / "chapters").glob("*.md"),
           *(ROOT / "_ext" / "print_edition").iterdir(), *(ROOT / "widgets").glob("*.py")]
FORBIDDEN = ("VBox(", "HBox(", "IPython.core.display", "NotImplementedError", "projectnamenotset",
             "widget-view+json")
CITE = re.compile(r"\{cite:[tp]\}`([^`]+)`")


def normalized(text: str) -> str:
    """Letters and digits only, lower case: hyphenation, line breaks, quotes, ligatures and
    spacing differ between a source and the text pdftotext reads back."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).lower() if ch.isalnum())


def pdf_text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    return subprocess.run(["pdftotext", *pages, str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


@cache
def edition(student: bool) -> Path:
    pdf = print_edition.pdf_path(student=student)
    newest_source = max(path.stat().st_mtime for path in SOURCES if path.is_file())
    if not pdf.exists() or pdf.stat().st_mtime < newest_source:
        missing = [tool for tool in ("xelatex", "latexmk", "xindy", "pdftotext")
                   if shutil.which(tool) is None]
        if missing and os.environ.get("CI"):   # .ci/run installs TeX Live: an error there
            pytest.fail(f"TeX Live is missing ({', '.join(missing)}): .ci/run should install it")
        if missing:
            pytest.skip(f"no PDF and no TeX Live ({', '.join(missing)}) to build it: see README")
        print_edition.build(student=student)
    return pdf


@pytest.fixture(scope="module")
def full_pdf() -> Path:
    return edition(False)


@pytest.fixture(scope="module")
def full_text(full_pdf) -> str:
    return normalized(pdf_text(full_pdf))


@pytest.fixture(scope="module")
def student_text() -> str:
    return normalized(pdf_text(edition(True)))


def code_cells(path: Path):
    return [cell for cell in jupytext.read(path).cells if cell.cell_type == "code"]


def figure_captions() -> dict[str, str]:
    """Every caption a chapter gives a picture, keyed by where it comes from."""
    captions = {}
    for path in CHAPTERS:
        for n, cell in enumerate(code_cells(path)):
            meta = cell.metadata
            for kind, caption in (("figure", meta.get("mystnb", {}).get("figure", {}).get("caption")),
                                  ("print", meta.get("print", {}).get("caption"))):
                if caption:
                    captions[f"{path.stem} cell {n} ({kind})"] = caption
    return captions


def plain_caption(caption: str) -> str:
    """The words of a caption as printed: MyST roles print their text, not their markup."""
    caption = re.sub(r"\{[\w:-]+\}`([^`<]*?)(?:\s*<[^>]*>)?`", r"\1", caption)
    return caption.replace("$", "")


def glossary_terms() -> list[str]:
    text = (ROOT / "chapters" / "glossary.md").read_text(encoding="utf-8")
    block = re.search(r"```\{glossary\}\n(.*?)^```", text, re.S | re.M).group(1)
    return [line.strip() for line in block.splitlines()
            if line.strip() and not line.startswith((" ", ":"))]


def bib_titles() -> dict[str, str]:
    text = (ROOT / "references.bib").read_text(encoding="utf-8")
    titles = {}
    for key, body in re.findall(r"^@\w+\{([^,\s]+),(.*?)^\}", text, re.M | re.S):
        match = re.search(r"^\s*title\s*=\s*[{\"](.*?)[}\"],?\s*$", body, re.M | re.S)
        if match:
            titles[key] = re.sub(r"\\[a-zA-Z]+|[{}\\]", "", match.group(1))
    return titles


def cited_keys() -> set[str]:
    keys = set()
    for path in [*CHAPTERS, ROOT / "index.md"]:
        for group in CITE.findall(path.read_text(encoding="utf-8")):
            keys.update(k.strip() for k in group.split(","))
    return keys


@cache
def text_outside_solutions() -> str:
    pages = [*(ROOT / "chapters").glob("*.md"), ROOT / "index.md"]
    return normalized("".join(SOLUTION_BLOCK.sub("", SOLUTION_DIRECTIVE.sub("", p.read_text(
        encoding="utf-8"))) for p in pages))


def solution_phrases(chapter: Path) -> list[list[str]]:
    """Per solution: runs of at least seven plain words (no markup, maths or code symbols),
    found with the notebook leak test's regular expressions. A run that also occurs outside
    the solutions, anywhere in the book, is not evidence of a leak and is dropped."""
    text = chapter.read_text(encoding="utf-8")
    outside = text_outside_solutions()
    found = []
    for pattern in (SOLUTION_DIRECTIVE, SOLUTION_BLOCK):
        for match in pattern.finditer(text):
            body = re.sub(r"^[:`].*$|\{[\w:-]+\}`[^`]*`|`[^`]*`|\$[^$]*\$", "|", match.group(0),
                          flags=re.M)
            runs = [run.split() for run in re.split(r"[^A-Za-z ,;'’-]+", body)]
            phrases = [" ".join(run) for run in runs if len(run) >= 7]
            found.append([p for p in phrases if normalized(p) not in outside])
    return [phrases for phrases in found if phrases]


# --- The book is there, in order, with its parts ------------------------------------------

def test_the_pdf_is_a4_and_named_after_the_book(full_pdf):
    info = subprocess.run(["pdfinfo", str(full_pdf)], capture_output=True, text=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert (round(width), round(height)) == (595, 842), "A4 is 595 x 842 pt"
    assert full_pdf.name == "the-kinetic-chain.pdf"


def test_title_page_has_the_licence_and_the_medical_advice_notice(full_pdf):
    first = normalized(pdf_text(full_pdf, 1, 1))
    for words in ("The Kinetic Chain", "Education, not medical advice", "CC BY 4.0",
                  "MIT licence", "When to get help urgently"):
        assert normalized(words) in first, words


def test_chapters_are_numbered_in_order_and_start_on_their_contents_page(full_pdf):
    """The LaTeX table of contents lists the chapters of _toc.yml in order, numbered 1, 2...,
    and each listed page shows that chapter's title."""
    listed = toc_entries(full_pdf, "chapter")
    titles = [chapter_title(path) for path in CHAPTERS]
    assert [int(number) for number, _, _ in listed[:len(titles)]] == list(range(1, len(titles) + 1))
    for (number, _, page), title in zip(listed, titles):
        assert normalized(title) in normalized(pdf_text(full_pdf, page, page)), (
            f"chapter {number} ({title}) is not on page {page}")


def test_every_figure_caption_is_printed(full_text):
    captions = figure_captions()
    assert len(captions) >= 20   # the book's figures and its three demo stills
    missing = [where for where, caption in captions.items()
               if normalized(plain_caption(caption)) not in full_text]
    assert not missing, f"captions not in the PDF: {missing}"


def test_the_caption_check_fails_on_a_caption_the_book_does_not_have(full_text):
    assert normalized(plain_caption("The subtalar axis drawn as a bicycle wheel.")) not in full_text


def test_cross_references_read_figure_and_chapter(full_text, full_pdf):
    raw = pdf_text(full_pdf)
    sources = "".join(path.read_text(encoding="utf-8") for path in CHAPTERS)
    figure_refs = len(re.findall(r"\{numref\}`fig-", sources))
    assert len(re.findall(r"Figure \d+\.\d+", raw)) >= figure_refs
    assert "Fig. " not in raw
    chapter_refs = re.findall(r"\{numref\}`chapter %s <ch(\d\d)>`", sources)
    for number in {int(n) for n in chapter_refs}:
        assert re.search(rf"chapter\s+{number}\b", raw), f"no 'chapter {number}' reference"


def test_every_glossary_term_is_printed(full_text):
    terms = glossary_terms()
    assert len(terms) >= 20
    assert not [term for term in terms if normalized(term) not in full_text]


def test_every_cited_work_is_in_the_one_reference_list(full_pdf):
    raw = pdf_text(full_pdf)
    # The list: from its first entry ("[1] ", citations in the text are author-year) to the
    # index, which follows it; its heading is the "References" line before the first entry.
    first = re.search(r"\n\[1\]\s", raw).start()
    start = [m.start() for m in re.finditer(r"\sreferences\n", raw[:first], re.I)][-1]
    assert first - start < 200, "the list's heading is not References"
    references = normalized(raw[start:raw.index("\nIndex\n", start)])
    titles = bib_titles()
    keys = cited_keys()
    assert keys and keys <= set(titles), f"cited but not in references.bib: {keys - set(titles)}"
    missing = [key for key in keys if normalized(titles[key])[:60] not in references]
    assert not missing, f"cited works missing from the references: {missing}"
    assert "Bibliography" not in raw, "the list is called References, as on the web"


def test_no_widget_text_no_display_reprs_no_live_code(full_pdf):
    raw = pdf_text(full_pdf)
    assert not [word for word in FORBIDDEN if word in raw]
    # Cells tagged web-only (live demos) print neither code nor output.
    for path in CHAPTERS:
        for cell in code_cells(path):
            if "web-only" in cell.metadata.get("tags", []):
                lines = [line.strip() for line in cell.source.splitlines() if len(line.strip()) > 8]
                assert lines and not [line for line in lines if line in raw], path.name


@cache
def front_pages(full_pdf: Path) -> int:
    """Pages before the one numbered 1 in the contents' numbering: the physical page of
    chapter 1's opening (its heading starts "CHAPTER"), less its number."""
    pages = pdf_text(full_pdf).split("\f")
    opening = next(n for n, page in enumerate(pages, 1) if page.lstrip().startswith("CHAPTER"))
    return opening - _toc(full_pdf, "chapter")[0][2]


def toc_entries(full_pdf: Path, level: str) -> list[tuple[str, str, int]]:
    """(number, title, physical page) of each chapter or section in LaTeX's contents."""
    offset = front_pages(full_pdf)
    return [(n, title, page + offset) for n, title, page in _toc(full_pdf, level)]


def _toc(full_pdf: Path, level: str) -> list[tuple[str, str, int]]:
    toc = (full_pdf.parent / "latex-full-a4" / "the-kinetic-chain.toc").read_text(
        encoding="utf-8", errors="replace")
    return [(number, title, int(page)) for number, title, page in re.findall(
        rf"\\contentsline \{{{level}\}}\{{\\numberline \{{([\d.]+)\}}(.*?)\}}\{{(\d+)\}}", toc)]


def test_solutions_are_printed_at_the_end_of_their_chapter_not_beside_the_exercise(full_pdf):
    """Each chapter with solutions has a section Solutions, its last; every solution's text is
    on the pages of that section and on none of the chapter's pages before it."""
    chapters = toc_entries(full_pdf, "chapter")
    sections = toc_entries(full_pdf, "section")
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(full_pdf)], capture_output=True, text=True).stdout).group(1))
    for index, path in enumerate(CHAPTERS):
        number = str(index + 1)
        own = [s for s in sections if s[0].split(".")[0] == number]
        phrases = solution_phrases(path)
        if not phrases:
            assert not [s for s in own if s[1] == "Solutions"]
            continue
        assert own[-1][1] == "Solutions", f"chapter {number}: Solutions is not its last section"
        start, solutions_page = chapters[index][2], own[-1][2]
        end = chapters[index + 1][2] - 1 if index + 1 < len(chapters) else pages
        before = normalized(pdf_text(full_pdf, start, solutions_page - 1)) \
            if solutions_page > start else ""
        after = normalized(pdf_text(full_pdf, solutions_page, end))
        for solution in phrases:
            assert any(normalized(p) in after for p in solution), (path.name, solution[0])
            assert not [p for p in solution if normalized(p) in before], (path.name, solution[0])


# --- The student edition ---------------------------------------------------------------

def test_student_edition_holds_no_solution_text(student_text, full_text):
    checked = 0
    for path in CHAPTERS:
        for phrases in solution_phrases(path):
            # The same phrases are in the edition with solutions: the check can fail.
            assert any(normalized(p) in full_text for p in phrases), (path.name, phrases[0])
            leaked = [p for p in phrases if normalized(p) in student_text]
            assert not leaked, f"solution text in the student edition ({path.name}): {leaked}"
            checked += 1
    assert checked >= 20
    assert "solutiontoexercise" in full_text and "solutiontoexercise" not in student_text


# --- The LaTeX log ------------------------------------------------------------------------

def test_latex_log_has_no_error_no_missing_character_no_wide_overfull_box(full_pdf):
    for pdf in (full_pdf, edition(True)):
        report = print_edition.read_log(pdf.with_suffix(".log").read_text(encoding="utf-8",
                                                                          errors="replace"))
        assert report.problems() == [], pdf.name


def test_the_log_check_finds_each_kind_of_problem():
    log = "\n".join(["! Undefined control sequence.",
                     "Missing character: There is no ⚠ (U+26A0) in font [FreeSansBold.otf]!",
                     "Overfull \\hbox (12.5pt too wide) in paragraph at lines 1--2",
                     "Overfull \\hbox (1.97pt too wide) in paragraph at lines 3--4",
                     "LaTeX Warning: Reference `chapters/x:fig' on page 7 undefined on input line 9."])
    problems = print_edition.read_log(log).problems()
    assert len(problems) == 4
    assert any("12.5 pt" in p for p in problems) and not any("1.97" in p for p in problems)


# --- The web book publishes it ------------------------------------------------------------

def test_landing_page_links_the_pdf_and_the_site_holds_it(built_book, full_pdf):
    """Whichever was built first: the HTML build copies an existing PDF beside the landing
    page, ``make pdf`` copies the PDF into an existing _build/html (here: the PDF exists
    before the test build, so the build copied it)."""
    from bs4 import BeautifulSoup

    page = BeautifulSoup((built_book / "index.html").read_text(encoding="utf-8"), "html.parser")
    links = [a for a in page.find_all("a") if a.get("href") == full_pdf.name]
    assert links and "PDF" in links[0].get_text()
    published = built_book / full_pdf.name
    assert published.is_file() and published.read_bytes() == full_pdf.read_bytes()


# --- Print forms: the demo objects' mimebundle (contract 1) and the extension's rules -----

def _decoded_png(bundle: dict) -> bytes:
    import base64

    return base64.b64decode(bundle["image/png"])


@pytest.mark.parametrize("module, factory", [("axis_explorer", "axis_explorer_frames"),
                                             ("knee_chain", "knee_chain_frames"),
                                             ("stance_player", "stance_player_frames")])
def test_frame_explorers_give_a_still_of_the_frame_they_open_on(module, factory):
    import importlib

    explorer = getattr(importlib.import_module(f"widgets.{module}"), factory)()
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle   # the web book's widget
    opened = tuple(explorer.sliders[name].index for name in explorer.axes)
    assert explorer.default_index() == opened
    assert _decoded_png(bundle) == explorer.frames[opened]
    assert _decoded_png(bundle).startswith(b"\x89PNG")
    assert bundle["text/plain"] == explorer.alts[opened] and "°" in bundle["text/plain"]


def test_a_live_demo_gives_a_still_of_its_current_state():
    from widgets.knee_chain import knee_chain

    demo = knee_chain()
    bundle = demo._repr_mimebundle_()
    assert _decoded_png(bundle) == demo.png and bundle["text/plain"] == demo.alt
    control = next(iter(demo.controls.values()))
    control.value = control.max
    moved = demo._repr_mimebundle_()
    assert moved["text/plain"] == demo.alt != bundle["text/plain"]
    assert "application/vnd.jupyter.widget-view+json" in moved


def test_print_forms_drop_widgets_without_a_still_and_bare_reprs():
    import sys

    sys.path.insert(0, str(ROOT / "_ext"))
    from myst_nb.core.render import get_mime_priority
    from print_edition import WIDGET_VIEW, PrintForms

    printable = set(get_mime_priority("latex", []))

    def bundle(**kinds):
        from docutils import nodes

        node = nodes.container(nb_element="mime_bundle")
        for mime_type, text in kinds.items():
            child = nodes.container(mime_type=mime_type)
            child += nodes.literal_block(text, text)
            node += child
        return node

    widget_only = bundle(**{WIDGET_VIEW: "{}", "text/plain": "VBox(children=(...))"})
    assert PrintForms.print_form(widget_only, printable) is False
    still = bundle(**{WIDGET_VIEW: "{}", "image/png": "x.png", "text/plain": "alt text"})
    assert PrintForms.print_form(still, printable) is True and PrintForms.has_still_bundle(still)
    html_only = bundle(**{"text/html": "<div>", "text/plain": "<IPython.core.display.HTML object>"})
    assert PrintForms.print_form(html_only, printable) is False
    quiz = bundle(**{"text/html": "<div>", "text/markdown": "1. Which bone ...?",
                     "text/plain": "<IPython.core.display.HTML object>"})
    assert PrintForms.print_form(quiz, printable) is True
    assert [c["mime_type"] for c in quiz.children] == ["text/html", "text/markdown"]
    number = bundle(**{"text/plain": "0.94"})
    assert PrintForms.print_form(number, printable) is True and len(number.children) == 1


def test_answers_are_taken_in_order_from_their_own_page_only():
    """A quiz's answers (class kc-print-answer, or a cell tagged print-answer) move with the
    solutions; an answer on another page inlined inside this one stays there."""
    import sys

    from docutils import nodes
    from sphinx import addnodes

    sys.path.insert(0, str(ROOT / "_ext"))
    from print_edition import take_answers

    section = nodes.section()
    first = nodes.container(classes=["cell", "tag_print-answer"])
    second = nodes.paragraph("", "answer 2", classes=["kc-print-answer"])
    question = nodes.paragraph("", "question")
    other_page = addnodes.start_of_file(docname="other")
    other_page += nodes.paragraph("", "other page's answer", classes=["kc-print-answer"])
    section += [question, first, nodes.container("", second), other_page]
    assert take_answers(section) == [first, second]
    assert first not in section.children and "answer 2" not in section.astext()
    assert "question" in section.astext() and "other page's answer" in section.astext()
