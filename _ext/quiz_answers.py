"""Sphinx extension: the print form of the "Check yourself" quizzes.

In the HTML book a chapter's quiz cell (tagged ``kc-quiz``, in the section labelled
``chNN-check-yourself``) shows jupyterquiz's interactive questions. Every other output
format (LaTeX for the PDF, plain text, man, texinfo: any builder whose format is not
``html``) gets instead, from the same ``widgets/quizzes/chNN.yml``:

* in place of the cell's output, the questions as a numbered list, each choice lettered,
  with real maths nodes for ``$...$`` (so LaTeX typesets them), and no answer marked;
* at the end of the chapter, after its Key takeaways, a section "Answers to Check
  yourself" with each right answer, why, and the section to reread by its number.

It works on the resolved doctree (``doctree-resolved``), which the text builder emits per
page and the LaTeX builder once for the assembled book, so it finds each quiz by its
section and each chapter as that section's parent. The HTML build is left as it is.

Registered in ``_config.yml`` under ``sphinx.local_extensions``.
"""

from __future__ import annotations

import re

from docutils import nodes

QUIZ_TAG = "tag_kc-quiz"
SECTION_ID = re.compile(r"^ch(\d\d)-check-yourself$")


# Builders whose output is plain text: maths as characters (α, tan), not LaTeX source.
PLAIN_FORMATS = ("text", "man")
_plain = False  # set per doctree by print_quizzes (Sphinx writes one builder per run)


def inline_nodes(text: str) -> list[nodes.Node]:
    """Text with ``$...$`` maths as docutils Text and math nodes (plain text for text output)."""
    from widgets.quiz import split_math, to_plain
    if _plain:
        return [nodes.Text(to_plain(text))]
    return [nodes.math(piece, piece) if is_math else nodes.Text(piece)
            for is_math, piece in split_math(text)]


def _paragraph(text: str) -> nodes.paragraph:
    return nodes.paragraph("", "", *inline_nodes(text))


def question_nodes(quiz) -> list[nodes.Node]:
    """The questions of a ChapterQuiz, numbered, choices lettered, no answers."""
    from widgets.quiz import LETTERS
    questions = nodes.enumerated_list(enumtype="arabic", prefix="", suffix=".",
                                      classes=["kc-quiz-print"])
    for q in quiz.quiz.questions:
        item = nodes.list_item("", _paragraph(q.text))
        if q.kind == "choice":
            choices = nodes.bullet_list(bullet="-")
            for i, choice in enumerate(q.choices):
                choices += nodes.list_item("", _paragraph(f"({LETTERS[i]}) {choice.text}"))
            item += choices
        else:
            unit = f" ({q.unit})" if q.unit else ""
            item += _paragraph(f"Answer with a number{unit}.")
        questions += item
    note = _paragraph("The answers are at the end of the chapter.")
    return [questions, note]


def answer_section(quiz) -> nodes.section:
    section = nodes.section(ids=[f"ch{quiz.chapter:02d}-quiz-answers"],
                            names=[f"answers to check yourself, chapter {quiz.chapter}"],
                            classes=["kc-quiz-answers"])
    section += nodes.title("", "Answers to Check yourself")
    answers = nodes.enumerated_list(enumtype="arabic", prefix="", suffix=".")
    for line in quiz.answers():
        answers += nodes.list_item("", _paragraph(line))
    section += answers
    return section


def _quiz_sections(doctree):
    for section in doctree.findall(nodes.section):
        for section_id in section["ids"]:
            match = SECTION_ID.match(section_id)
            if match:
                yield int(match.group(1)), section


def print_quizzes(app, doctree, docname):
    global _plain
    if app.builder.format == "html":
        return
    _plain = app.builder.format in PLAIN_FORMATS
    from widgets.quiz import chapter_quiz
    for chapter, section in list(_quiz_sections(doctree)):
        quiz = chapter_quiz(chapter)
        cells = [c for c in section.findall(nodes.container) if QUIZ_TAG in c["classes"]]
        for cell in cells:
            outputs = [c for c in cell.findall(nodes.container) if "cell_output" in c["classes"]]
            for output in outputs:
                output.children = []
                output.extend(question_nodes(quiz))
            if not outputs:
                cell.extend(question_nodes(quiz))
        chapter_section = section.parent
        if isinstance(chapter_section, nodes.section):
            chapter_section += answer_section(quiz)
        else:  # a quiz outside a chapter section: the answers follow its section
            section.parent.insert(section.parent.index(section) + 1, answer_section(quiz))


def setup(app):
    app.connect("doctree-resolved", print_quizzes)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
