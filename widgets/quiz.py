"""Self-check quizzes ("Check yourself"): one YAML file of questions per chapter, shown with
jupyterquiz in the book and in JupyterLab, and in plain form for print.

The questions of chapter N live in ``widgets/quizzes/chNN.yml`` (the one place they are
written); a chapter shows them with a two-line cell::

    from widgets.quiz import chapter_quiz
    chapter_quiz(3)

``chapter_quiz`` returns a :class:`ChapterQuiz`, whose ``_repr_mimebundle_`` gives

* ``text/html``: the interactive quiz of `jupyterquiz <https://pypi.org/project/jupyterquiz/>`_
  (pinned 2.9.6.4), built from the library's own loader, container, styles and scripts, plus
  the fixes listed below (the HTML book and JupyterLab pick this one);
* ``text/markdown`` and ``text/plain``: the questions and their choices, without answers, for
  print and plain-text readers (the answers are at the end of the chapter in print, written
  by ``_ext/quiz_answers.py`` from the same file).

Each wrong answer's feedback says why it is wrong and names the section that explains the
point by its number ("Section 3.4, Deriving the transfer ratio"), linked in the book; a
question marked ``urgent`` also points every answer at chapter 8's urgent-care section.

What jupyterquiz needs around it here, fixed in this file (never in the installed package):

* **Maths offline everywhere.** The library typesets with whatever ``MathJax`` it finds and,
  when that object has no ``typeset`` (JupyterLab 4's MathJax), injects MathJax from a CDN;
  it then raises "Cannot read properties of undefined (reading '0')" on the config object
  it left behind. Here ``$...$`` maths is converted to MathML in Python (latex2mathml), which
  Chromium, Firefox and Safari draw natively, and the library's script runs inside a function
  in which ``MathJax`` is a local stand-in whose ``typeset`` does nothing: it never sees the
  page's MathJax, never looks for a CDN (and the CDN address is taken out of its script).
* **Names and announcements** (axe-core ``label``, WCAG 4.1.3). The numeric input's label is
  not tied to it; the radio groups have no name; feedback is not announced. A script after
  the library's ties each input to its label and question, makes each answer set a named
  ``radiogroup`` and each feedback area ``aria-live="polite"``.
* **Contrast** (axe ``color-contrast``): the default "correct" green #009113 is 4.15:1 on
  white and the numeric input writes #fafafa on #c0c0c0; the colours below reach WCAG AA,
  and the quiz sits on a light panel in the theme's dark mode too.
* **Stable output**: the container id is ``kcquizNN`` instead of a random one, so the
  output of a chapter is the same on every run; answers are not shuffled (the print answer
  key refers to choices by letter).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

QUIZ_DIR = Path(__file__).resolve().parent / "quizzes"
# The one address jupyterquiz's script holds (its MathJax fallback, never reached here, see
# below); written out of the page so that no CDN address is in the book at all.
LIBRARY_CDN_URL = "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-svg.js"
# jupyterquiz's answer fields refuse pasting; a reader may paste a number, and browsers and
# Lighthouse (best practices, "paste-preventing-inputs") count it as a fault: taken out too.
LIBRARY_NO_PASTE = "inp.onpaste = event => false;"
CHAPTERS_DIR = Path(__file__).resolve().parents[1] / "chapters"
URGENT_LABEL = "ch08-urgent-care"
LETTERS = "abcdefghij"
MATH = re.compile(r"(?<!\\)\$(.+?)(?<!\\)\$")

# WCAG AA on their backgrounds: text on the answer buttons (#333 on #fafafa), white on the
# correct/incorrect fill (#00701a 6.5:1, #b00000 7.2:1), dark text in the numeric box.
COLOURS = {
    "--jq-correct-color": "#00701a",
    "--jq-incorrect-color": "#b00000",
    "--jq-numeric-input-bg": "#f4f4f4",
    "--jq-numeric-input-label": "#1a1a1a",
}
EXTRA_CSS = """
.kc-quiz { background: #ffffff; color: #1a1a1a; border-radius: 10px; padding: 0.5rem 0.75rem;
           margin: 1rem 0; }
.kc-quiz .kc-quiz-help { margin: 0.25rem 0 0.5rem; font-size: 1rem; }
.kc-quiz .Quiz { font-size: 1.05rem; line-height: 1.35; }
.kc-quiz .Feedback { font-size: 1rem; text-align: left; padding: 0.25rem 0.5rem; }
.kc-quiz .Feedback a { color: inherit; text-decoration: underline; }
.kc-quiz .Input-text { color: #1a1a1a; border: 1px solid #555555; }
.kc-quiz .sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px;
                    overflow: hidden; clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
.kc-quiz .MCButton:focus-within { outline: 3px solid #1a55b3; outline-offset: 2px; }
.kc-quiz math { font-size: 1.05em; }
/* The answered colours at once, not through the library's 0.6 s animation: the text is
   white on the fill from the first frame (and no motion for readers who avoid it). */
.kc-quiz .correctButton { animation: none; background-color: var(--jq-correct-color);
                          color: #ffffff; }
.kc-quiz .incorrectButton { animation: none; background-color: var(--jq-incorrect-color);
                            color: #ffffff; }
"""
# Runs after the library has drawn the questions (synchronously, the container precedes the
# script; polled in case a front end inserts the script first).
A11Y_JS = """
(function (root, count) {
  function fix() {
    var wraps = root.querySelectorAll('.Quiz');
    if (wraps.length < count) { setTimeout(fix, 50); return; }
    wraps.forEach(function (wrap, n) {
      var question = wrap.querySelector('[id^="quizQn"]');
      if (question) question.id = question.id || ('kcq' + n);
      var answers = wrap.querySelector('.Answer');
      if (answers && answers.querySelector('input[type="radio"]') && question) {
        answers.setAttribute('role', 'radiogroup');
        answers.setAttribute('aria-labelledby', question.id);
      }
      var input = wrap.querySelector('input.Input-text');
      var label = wrap.querySelector('label.InpLabel');
      if (input && label) {
        label.id = input.id + '-label';
        label.htmlFor = input.id;
        input.setAttribute('aria-labelledby', (question ? question.id + ' ' : '') + label.id);
        input.setAttribute('inputmode', 'decimal');
        input.setAttribute('autocomplete', 'off');
      }
      wrap.querySelectorAll('.Feedback').forEach(function (fb) {
        fb.setAttribute('aria-live', 'polite');
        fb.setAttribute('role', 'status');
      });
    });
    root.dataset.kcReady = 'true';
  }
  fix();
})
"""


@dataclass(frozen=True)
class Section:
    label: str
    number: str  # "3.4"
    title: str
    page: str  # chapter file stem, e.g. "03-subtalar-to-tibia"


def _chapter_files() -> list[Path]:
    return sorted(CHAPTERS_DIR.glob("[0-9][0-9]-*.md"))


def _fences(lines):
    """Yield (line, inside_a_code_fence) for a MyST file: ``` and ~~~ fences of any length."""
    fence = None
    for line in lines:
        stripped = line.lstrip()
        match = re.match(r"(`{3,}|~{3,})", stripped)
        if match:
            mark = match.group(1)
            if fence is None:
                fence = mark
                yield line, True
                continue
            if mark[0] == fence[0] and len(mark) >= len(fence) and stripped.strip() == mark:
                fence = None
                yield line, True
                continue
        yield line, fence is not None


@lru_cache(maxsize=None)
def sections() -> dict[str, Section]:
    """Every labelled heading of the numbered chapters with the number the book prints.

    Chapter N's ``##`` headings are N.1, N.2, ... in order, ``###`` under them N.M.1, ...
    (``numbered: true`` in ``_toc.yml``); ``tests/test_quiz.py`` checks each number against
    the built page.
    """
    found = {}
    for path in _chapter_files():
        chapter = int(path.name[:2])
        counts = [0, 0]
        pending = None
        for line, fenced in _fences(path.read_text(encoding="utf-8").splitlines()):
            if fenced:
                continue
            label = re.match(r"^\(([\w-]+)\)=\s*$", line)
            if label:
                pending = label.group(1)
                continue
            heading = re.match(r"^(#{1,3}) (.+?)\s*$", line)
            if heading:
                level = len(heading.group(1))
                if level == 1:
                    number = str(chapter)
                elif level == 2:
                    counts = [counts[0] + 1, 0]
                    number = f"{chapter}.{counts[0]}"
                else:
                    counts[1] += 1
                    number = f"{chapter}.{counts[0]}.{counts[1]}"
                if pending:
                    found[pending] = Section(pending, number, heading.group(2).strip(), path.stem)
            if line.strip():
                pending = None
    return found


def section(label: str) -> Section:
    try:
        return sections()[label]
    except KeyError:
        if not _chapter_files():
            # The package alone (e.g. installed from git on Colab) has no chapters to number:
            # name the section by its label rather than fail the quiz.
            return Section(label, label, "", "")
        raise ValueError(f"section label {label!r} is not a labelled heading of a chapter") from None


# --- The questions ----------------------------------------------------------------------

@dataclass
class Choice:
    text: str
    correct: bool
    why: str
    section: str | None = None  # where this choice's point is explained, if not the question's


@dataclass
class NumericRange:
    low: float
    high: float
    why: str


@dataclass
class Question:
    id: str
    kind: str  # "choice" or "numeric"
    text: str
    section: str
    urgent: bool = False
    choices: list[Choice] = field(default_factory=list)
    answer: float | None = None
    precision: int | None = None
    explanation: str = ""
    wrong_ranges: list[NumericRange] = field(default_factory=list)
    otherwise: str = ""
    unit: str = ""

    @property
    def right_choice(self) -> int | None:
        rights = [i for i, c in enumerate(self.choices) if c.correct]
        return rights[0] if len(rights) == 1 else None


@dataclass
class Quiz:
    chapter: int
    questions: list[Question]


def quiz_path(chapter: int) -> Path:
    return QUIZ_DIR / f"ch{chapter:02d}.yml"


def _need(entry: dict, key: str, where: str):
    if key not in entry or entry[key] in (None, ""):
        raise ValueError(f"{where}: '{key}' is missing")
    return entry[key]


def parse_quiz(data: dict, where: str = "quiz") -> Quiz:
    """A quiz from the YAML data; a missing field raises ValueError naming it."""
    questions = []
    for n, entry in enumerate(_need(data, "questions", where), 1):
        place = f"{where}, question {n}"
        kind = _need(entry, "kind", place)
        if kind not in ("choice", "numeric"):
            raise ValueError(f"{place}: kind must be 'choice' or 'numeric', not {kind!r}")
        question = Question(id=_need(entry, "id", place), kind=kind,
                            text=_need(entry, "question", place).strip(),
                            section=_need(entry, "section", place),
                            urgent=bool(entry.get("urgent", False)))
        if kind == "choice":
            question.choices = [Choice(text=str(_need(c, "text", place)).strip(),
                                       correct=bool(c.get("correct", False)),
                                       why=str(_need(c, "why", place)).strip(),
                                       section=c.get("section"))
                                for c in _need(entry, "choices", place)]
        else:
            question.answer = float(_need(entry, "answer", place))
            question.precision = int(_need(entry, "precision", place))
            question.unit = entry.get("unit", "")
            question.explanation = str(_need(entry, "explanation", place)).strip()
            question.otherwise = str(_need(entry, "otherwise", place)).strip()
            question.wrong_ranges = [NumericRange(float(r["range"][0]), float(r["range"][1]),
                                                  str(_need(r, "why", place)).strip())
                                     for r in entry.get("wrong", [])]
        questions.append(question)
    return Quiz(chapter=int(_need(data, "chapter", where)), questions=questions)


def load_quiz(chapter: int) -> Quiz:
    if not isinstance(chapter, int) or isinstance(chapter, bool) or not 1 <= chapter <= 99:
        raise ValueError(f"chapter must be a chapter number (an int from 1 to 99), not {chapter!r}")
    path = quiz_path(chapter)
    if not path.exists():
        raise ValueError(f"chapter {chapter} has no quiz file ({path.name} in {QUIZ_DIR})")
    quiz = parse_quiz(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)
    if quiz.chapter != chapter:
        raise ValueError(f"{path.name} says chapter {quiz.chapter}, expected {chapter}")
    return quiz


# --- Text forms ---------------------------------------------------------------------------

def split_math(text: str) -> list[tuple[bool, str]]:
    """``text`` as (is_math, piece) pairs, maths being the LaTeX between single dollars."""
    pieces, start = [], 0
    for match in MATH.finditer(text):
        if match.start() > start:
            pieces.append((False, text[start:match.start()]))
        pieces.append((True, match.group(1)))
        start = match.end()
    if start < len(text):
        pieces.append((False, text[start:]))
    return pieces


def _mathml(latex: str) -> str:
    from latex2mathml.converter import convert
    return convert(latex, display="inline")


def _math_html(latex: str) -> str:
    # MathML to see; the same maths as words for screen readers and axe, which give a
    # <math> element no accessible name (a choice that is only maths would be unnamed).
    spoken = html.escape(to_plain(f"${latex}$"), quote=False)
    return (f'<span class="sr-only">{spoken}</span>'
            + _mathml(latex).replace("<math ", '<math aria-hidden="true" ', 1))


def to_html(text: str) -> str:
    """Plain text with ``$...$`` maths as HTML with MathML (drawn without MathJax)."""
    return "".join(_math_html(piece) if is_math else html.escape(piece, quote=False)
                   for is_math, piece in split_math(text))


# The few LaTeX commands the questions use, as plain characters for the text form.
PLAIN_MATH = {r"\alpha": "α", r"\beta": "β", r"\tan": "tan ", r"\cos": "cos ",
              r"\sin": "sin ", r"\cdot": "·", r"\times": "×"}


def to_plain(text: str) -> str:
    """Plain text: the maths as characters where it can be (α, tan), else its LaTeX."""
    def plain_math(latex: str) -> str:
        for command, character in PLAIN_MATH.items():
            latex = latex.replace(command, character)
        return re.sub(r"\s+", " ", latex).strip()
    return "".join(plain_math(piece) if is_math else piece for is_math, piece in split_math(text))


def see_also(label: str, from_page: str | None) -> tuple[str, str]:
    """('Section 3.4, Title', href) for a section label, the href relative to a chapter page."""
    target = section(label)
    same_page = target.page in (from_page, "")
    href = f"#{target.label}" if same_page else f"{target.page}.html#{target.label}"
    title = to_plain(target.title).rstrip(" ⚠")
    return (f"Section {target.number}, {title}" if title else f"section {target.label}"), href


def _feedback_html(why: str, label: str, page: str, urgent: bool) -> str:
    name, href = see_also(label, page)
    out = f'{to_html(why)} See <a href="{href}">{html.escape(name)}</a>.'
    if urgent and label != URGENT_LABEL:
        name, href = see_also(URGENT_LABEL, page)
        out += (' For an injury of your own, read <a href="{}">{}</a> first.'
                .format(href, html.escape(name)))
    return out


def _feedback_plain(why: str, label: str, urgent: bool) -> str:
    out = f"{to_plain(why)} See {see_also(label, None)[0]}."
    if urgent and label != URGENT_LABEL:
        out += f" For an injury of your own, read {see_also(URGENT_LABEL, None)[0]} first."
    return out


def _number(value: float, precision: int) -> str:
    """``value`` to ``precision`` significant digits, as jupyterquiz compares it (0.90, 43)."""
    if abs(value) >= 10 ** (precision - 1):
        return f"{value:.0f}"
    return f"{value:#.{precision}g}"


@dataclass
class ChapterQuiz:
    """A chapter's quiz as a displayable object (see the module docstring)."""

    quiz: Quiz

    @property
    def chapter(self) -> int:
        return self.quiz.chapter

    @property
    def page(self) -> str:
        # "" when the package is installed without the chapters (links stay on the page)
        return next((p.stem for p in _chapter_files() if int(p.name[:2]) == self.chapter), "")

    @property
    def div_id(self) -> str:
        return f"kcquiz{self.chapter:02d}"

    # The data jupyterquiz reads: a list of question dicts.
    def jupyterquiz_questions(self) -> list[dict]:
        out = []
        for q in self.quiz.questions:
            if q.kind == "choice":
                out.append({"type": "multiple_choice", "question": to_html(q.text),
                            "answers": [{"answer": to_html(c.text), "correct": c.correct,
                                         "feedback": ("Right. " if c.correct else "Not quite. ")
                                         + _feedback_html(c.why, c.section or q.section,
                                                          self.page, q.urgent)}
                                        for c in q.choices]})
            else:
                answers = [{"type": "value", "value": q.answer, "correct": True,
                            "feedback": "Right. " + _feedback_html(q.explanation, q.section,
                                                                   self.page, q.urgent)}]
                answers += [{"type": "range", "range": [r.low, r.high], "correct": False,
                             "feedback": "Not quite. " + _feedback_html(r.why, q.section,
                                                                        self.page, q.urgent)}
                            for r in q.wrong_ranges]
                answers.append({"type": "default", "feedback": "Not quite. " + _feedback_html(
                    q.otherwise, q.section, self.page, q.urgent)})
                out.append({"type": "numeric", "question": to_html(q.text),
                            "precision": q.precision, "answers": answers})
        return out

    def html(self) -> str:
        # jupyterquiz's own building blocks (its display_quiz calls display() twice with a
        # random id; one HTML output with a fixed id is what a book page and nbval want).
        from jupyterquiz.dynamic.loader import load_questions_script
        from jupyterquiz.dynamic.renderer import build_script, build_styles, render_div

        div_id = self.div_id
        prefix, static, url = load_questions_script(self.jupyterquiz_questions(), div_id)
        container = render_div(div_id, shuffle_questions=False, shuffle_answers=False,
                               preserve_responses=False, num=1_000_000, max_width=760,
                               border_radius=10, question_alignment="left")
        styles = build_styles(div_id, {**_default_colours(), **COLOURS})
        library = build_script(prefix, static, url, div_id, load_js=True)
        library = library.replace(LIBRARY_CDN_URL, "data:text/javascript,")
        library = library.replace(LIBRARY_NO_PASTE, "")
        count = len(self.quiz.questions)
        script = ("(function () {\n"
                  "// jupyterquiz sees this MathJax, not the page's: the maths is MathML already,\n"
                  "// and the library must never look for MathJax on a CDN (see widgets/quiz.py).\n"
                  "const MathJax = {version: '3-kc', typeset: function () {}};\n"
                  f"{library}\n}})();\n"
                  f"{A11Y_JS.strip()}(document.getElementById({json.dumps(div_id)}), {count});")
        return (f'<section class="kc-quiz mathjax_ignore" data-kc-quiz="{self.chapter}" '
                f'aria-label="Check yourself: quiz of chapter {self.chapter}">\n'
                '<p class="kc-quiz-help">Choose an answer to see whether it is right and why; '
                'for a number, type it and press Enter. You can try again as often as you like.'
                '</p>\n'
                f"{container}</div>\n{styles}\n<style>{EXTRA_CSS}</style>\n"
                f"<script>\n{script}\n</script>\n</section>")

    def markdown(self) -> str:
        """The questions for print: numbered, choices lettered, no answers."""
        lines = []
        for n, q in enumerate(self.quiz.questions, 1):
            lines.append(f"{n}. {q.text}")
            if q.kind == "choice":
                lines += [f"   - ({LETTERS[i]}) {c.text}" for i, c in enumerate(q.choices)]
            else:
                unit = f" ({q.unit})" if q.unit else ""
                lines.append(f"   - Answer with a number{unit}.")
            lines.append("")
        lines.append("The answers are at the end of the chapter.")
        return "\n".join(lines)

    def plain(self) -> str:
        return "\n".join(to_plain(line) for line in self.markdown().splitlines())

    def answers(self) -> list[str]:
        """One line per question: the right answer and why, for the chapter's answer section."""
        out = []
        for q in self.quiz.questions:
            if q.kind == "choice":
                right = q.right_choice
                c = q.choices[right]
                out.append(f"({LETTERS[right]}) {c.text} {_feedback_plain(c.why, c.section or q.section, False)}")
            else:
                unit = "" if not q.unit else q.unit if q.unit == "%" else f" {q.unit}"
                out.append(f"{_number(q.answer, q.precision)}{unit}. "
                           f"{_feedback_plain(q.explanation, q.section, False)}")
        return out

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self.html(), "text/markdown": self.markdown(),
                "text/plain": self.plain()}


def _default_colours() -> dict:
    # jupyterquiz's palette (display_quiz's color_dict, a local there, so not importable);
    # only the entries in COLOURS change. tests/test_quiz.py checks it against the library.
    return {
        "--jq-multiple-choice-bg": "#392061", "--jq-mc-button-bg": "#fafafa",
        "--jq-mc-button-border": "#e0e0e0e0", "--jq-mc-button-inset-shadow": "#555555",
        "--jq-many-choice-bg": "#f75c03ff", "--jq-numeric-bg": "#392061ff",
        "--jq-numeric-input-bg": "#c0c0c0", "--jq-numeric-input-label": "#101010",
        "--jq-numeric-input-shadow": "#999999", "--jq-string-bg": "#4c1a57",
        "--jq-incorrect-color": "#c80202", "--jq-correct-color": "#009113",
        "--jq-text-color": "#fafafa", "--jq-link-color": "#9abafa"}


def chapter_quiz(chapter: int) -> ChapterQuiz:
    """The "Check yourself" quiz of a chapter, ready to display (see the module docstring)."""
    return ChapterQuiz(load_quiz(chapter))
