"""The "Check yourself" quizzes: their data, the chapters that show them, and the print form.

* Data (``widgets/quizzes/chNN.yml``): at least six questions per chapter, each choice
  question with exactly one right answer and feedback for every choice, each section label a
  labelled heading whose number is the one the built book prints, every numeric answer equal
  to what ``widgets.kinematics`` or ``widgets.evidence`` gives (computed here), every decimal
  number in a question a sourced value, wrong answers' feedback linking their section,
  urgent questions linking chapter 8's urgent-care section. ``quiz_problems`` is shown
  failing on broken copies.
* Chapters: the "Check yourself" section comes before "Key takeaways", with a short cell
  tagged ``kc-quiz``; the student notebooks keep it.
* Print: a small Sphinx project (no TeX) built with the ``text`` and ``latex`` builders and
  ``_ext/quiz_answers.py``: the questions print in place, without answers, and the answers
  come in a section at the end of the chapter, after its takeaways.
"""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup

from book import HTML, ROOT, chapter_files, chapter_markdown, sourced_values
from test_content import UNVERIFIED_NUMBERS
from tools.assignments import student_notebook
from widgets import evidence as ev
from widgets import kinematics as km
from widgets import quiz as qz

CHAPTERS = {int(p.name[:2]): p for p in chapter_files()}
MIN_QUESTIONS = 6

# Every numeric answer, computed from the model or the evidence constants (never copied).
COMPUTED = {
    "ch01-estimate": lambda: 10 * ev.FISCHER2018_EVERSION_TO_TIBIAL_ROTATION.value,
    "ch02-q-angle-difference": lambda: (ev.Q_ANGLE_WOMEN_MEAN_DEG.value
                                        - ev.Q_ANGLE_MEN_MEAN_DEG.value),
    "ch03-ratio-value": lambda: km.small_angle_transfer_ratio(42.0, 0.0),
    "ch04-relative": lambda: km.tibiofemoral_rotation(6.0, 4.0),
    "ch05-orthosis": lambda: (ev.SINCLAIR2017["shod"].peak_eversion_deg
                              - ev.SINCLAIR2017["medial_orthosis"].peak_eversion_deg),
    "ch06-progressed": lambda: (100 * ev.MIYAZAKI2002_PROGRESSED.value
                                / ev.MIYAZAKI2002_FOLLOWED_UP.value),
    # "No difference": the ratio of two equal risks (any risk in (0, 1]).
    "ch07-null": lambda: ev.HOSSAIN_ORTHOSES_SHORT_TERM_RR.value
    / ev.HOSSAIN_ORTHOSES_SHORT_TERM_RR.value,
    "ch07-rr": lambda: 100 * (ev.HOSSAIN_ORTHOSES_SHORT_TERM_RR.value - 1),
    "ch08-knee-flexion": lambda: ev.OTTAWA_KNEE_FLEXION_DEG.value,
    "ch09-combine": lambda: (ev.SINCLAIR2017["shod"].peak_eversion_deg
                             * ev.FISCHER2018_EVERSION_TO_TIBIAL_ROTATION.value),
}


def to_precision(value: float, digits: int) -> float:
    """What jupyterquiz compares: the number rounded to ``digits`` significant digits."""
    return float(f"{value:.{digits}g}")


def quiz_problems(quiz: qz.Quiz) -> list[str]:
    """Everything wrong with one chapter's quiz data (empty: it passes)."""
    found = []
    chapter_labels = set(qz.sections())
    if len(quiz.questions) < MIN_QUESTIONS:
        found.append(f"chapter {quiz.chapter}: {len(quiz.questions)} questions, "
                     f"needs {MIN_QUESTIONS}")
    ids = [q.id for q in quiz.questions]
    if len(set(ids)) != len(ids):
        found.append(f"chapter {quiz.chapter}: duplicate question ids")
    kinds = {q.kind for q in quiz.questions}
    if kinds != {"choice", "numeric"}:
        found.append(f"chapter {quiz.chapter}: needs choice and numeric questions, has {kinds}")
    for q in quiz.questions:
        if not q.id.startswith(f"ch{quiz.chapter:02d}-"):
            found.append(f"{q.id}: id must start with ch{quiz.chapter:02d}-")
        labels = [q.section] + [c.section for c in q.choices if c.section]
        found += [f"{q.id}: section {label!r} is not a labelled chapter heading"
                  for label in labels if label not in chapter_labels]
        if q.kind == "choice":
            rights = [c for c in q.choices if c.correct]
            if len(rights) != 1:
                found.append(f"{q.id}: {len(rights)} right answers, needs exactly 1")
            if len(q.choices) < 3:
                found.append(f"{q.id}: {len(q.choices)} choices, needs 3 or more")
            found += [f"{q.id}: choice {c.text!r} has no feedback" for c in q.choices
                      if len(c.why.split()) < 3]
            if len({c.text for c in q.choices}) != len(q.choices):
                found.append(f"{q.id}: two choices are the same")
        else:
            if q.id not in COMPUTED:
                found.append(f"{q.id}: numeric answer not computed in tests/test_quiz.py")
                continue
            expected = to_precision(float(COMPUTED[q.id]()), q.precision)
            if to_precision(q.answer, q.precision) != expected:
                found.append(f"{q.id}: answer {q.answer} but the model/evidence gives "
                             f"{expected} (to {q.precision} digits)")
            found += [f"{q.id}: the right answer falls in a wrong range {r.low}..{r.high}"
                      for r in q.wrong_ranges if r.low <= q.answer < r.high]
            if len(q.explanation.split()) < 3 or len(q.otherwise.split()) < 3:
                found.append(f"{q.id}: needs an explanation and default feedback")
    return found


@pytest.fixture(scope="module")
def quizzes() -> dict[int, qz.Quiz]:
    return {n: qz.load_quiz(n) for n in CHAPTERS}


def test_every_chapter_has_a_quiz_file():
    assert sorted(int(p.stem[2:]) for p in qz.QUIZ_DIR.glob("ch*.yml")) == sorted(CHAPTERS)


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_quiz_data(quizzes, chapter):
    assert quiz_problems(quizzes[chapter]) == []


def test_every_numeric_answer_is_computed(quizzes):
    numeric = {q.id for quiz in quizzes.values() for q in quiz.questions if q.kind == "numeric"}
    assert numeric == set(COMPUTED)


def test_quiz_numbers_follow_the_fact_sheet(quizzes):
    """Every decimal number a question, choice or feedback states is a sourced value or an
    answer computed from them; no number the fact sheet calls unverified."""
    allowed = sourced_values() | {to_precision(COMPUTED[k](), 2) for k in COMPUTED}
    allowed |= {round(COMPUTED[k](), 2) for k in COMPUTED}
    allowed |= {round(ev.MIYAZAKI2002_PROGRESSED.value / ev.MIYAZAKI2002_FOLLOWED_UP.value, 2),
                round(km.small_angle_transfer_ratio(42.0, 16.0), 2)}
    for quiz in quizzes.values():
        for q in quiz.questions:
            texts = [q.text, q.explanation, q.otherwise, *(r.why for r in q.wrong_ranges),
                     *(c.text for c in q.choices), *(c.why for c in q.choices)]
            for text in texts:
                for number in re.findall(r"(?<![\d.])\d+\.\d+", text):
                    assert float(number) in allowed, f"{q.id}: {number} is not a sourced value"
                for bad in UNVERIFIED_NUMBERS:
                    assert bad not in text, f"{q.id} states the unverified value {bad!r}"


def test_checker_fails_on_broken_quizzes(quizzes):
    good = quizzes[3]
    assert quiz_problems(good) == []

    def broken(change):
        copy_ = copy.deepcopy(good)
        change(copy_)
        return "\n".join(quiz_problems(copy_))

    numeric = next(q for q in good.questions if q.kind == "numeric")
    index = good.questions.index(numeric)
    assert "the model/evidence gives" in broken(
        lambda c: setattr(c.questions[index], "answer", 0.94))
    assert "right answers, needs exactly 1" in broken(
        lambda c: setattr(c.questions[0].choices[1], "correct", True))
    assert "has no feedback" in broken(lambda c: setattr(c.questions[0].choices[2], "why", ""))
    assert "is not a labelled chapter heading" in broken(
        lambda c: setattr(c.questions[1], "section", "ch03-no-such-section"))
    assert "questions, needs 6" in broken(lambda c: c.questions.pop())
    assert "not computed" in broken(lambda c: setattr(c.questions[index], "id", "ch03-new"))


def test_bad_quiz_data_is_refused_with_a_clear_error():
    for bad in (0, "3", 3.0, True, None):
        with pytest.raises(ValueError, match="chapter must be"):
            qz.load_quiz(bad)
    with pytest.raises(ValueError, match="no quiz file"):
        qz.load_quiz(42)
    data = yaml.safe_load(qz.quiz_path(3).read_text(encoding="utf-8"))
    del data["questions"][0]["choices"][1]["why"]
    with pytest.raises(ValueError, match=r"question 1: 'why' is missing"):
        qz.parse_quiz(data, "ch03.yml")
    data = yaml.safe_load(qz.quiz_path(3).read_text(encoding="utf-8"))
    data["questions"][0]["kind"] = "essay"
    with pytest.raises(ValueError, match="kind must be"):
        qz.parse_quiz(data)
    with pytest.raises(ValueError, match="not a labelled heading"):
        qz.section("ch03-no-such-section")


def test_feedback_explains_and_links_the_section(quizzes):
    for chapter, quiz in quizzes.items():
        shown = qz.ChapterQuiz(quiz)
        for q, data in zip(quiz.questions, shown.jupyterquiz_questions()):
            for answer in data["answers"]:
                feedback = answer["feedback"]
                link = re.search(r'See <a href="([^"]+)">Section (\d+(?:\.\d+)+), ', feedback)
                assert link, f"{q.id}: feedback without a numbered, linked section: {feedback}"
                if q.urgent:
                    assert "08-assessment-and-care.html#ch08-urgent-care" in feedback \
                        or (chapter == 8 and 'href="#ch08-urgent-care"' in feedback), q.id
            if q.kind == "choice":
                assert [a["correct"] for a in data["answers"]] == [c.correct for c in q.choices]
                for answer, choice in zip(data["answers"], q.choices):
                    assert answer["feedback"].startswith("Right." if choice.correct
                                                         else "Not quite."), q.id


def test_urgent_questions_point_to_the_urgent_care_box(quizzes):
    urgent = [q.id for quiz in quizzes.values() for q in quiz.questions if q.urgent]
    assert {"ch06-fracture", "ch08-ottawa-purpose", "ch09-urgent"} <= set(urgent)
    assert qz.section(qz.URGENT_LABEL).page == "08-assessment-and-care"


def test_section_numbers_match_the_built_book(built_book, quizzes):
    """The number each feedback prints is the number the HTML heading shows."""
    used = {label for quiz in quizzes.values() for q in quiz.questions
            for label in [q.section, *(c.section for c in q.choices if c.section)]}
    used.add(qz.URGENT_LABEL)
    pages = {}
    for label in sorted(used):
        target = qz.section(label)
        path = built_book / "chapters" / f"{target.page}.html"
        soup = pages.setdefault(path, BeautifulSoup(path.read_text(encoding="utf-8"),
                                                    "html.parser"))
        element = soup.find(id=label)
        assert element is not None, f"{label} has no anchor in {path.name}"
        # MyST writes the label as an empty <span id> just before the section it names.
        heading = element.find_next(re.compile(r"^h[1-6]$"))
        number = heading.find(class_="section-number").get_text().strip().rstrip(".")
        assert number == target.number, (label, number, target.number)


def test_built_pages_hold_one_quiz_each(built_book, quizzes):
    for chapter, path in CHAPTERS.items():
        page = (built_book / "chapters" / f"{path.stem}.html").read_text(encoding="utf-8")
        soup = BeautifulSoup(page, "html.parser")
        shown = soup.select("section.kc-quiz")
        assert [s["data-kc-quiz"] for s in shown] == [str(chapter)], path.name
        # In the Check yourself section, which comes before the Key takeaways.
        check = soup.find(id=f"ch{chapter:02d}-check-yourself")
        assert check is not None, path.name
        assert check.find_next("section", class_="kc-quiz") is shown[0], path.name
        start = page.index(f'id="ch{chapter:02d}-check-yourself"')
        assert start < page.index('class="kc-quiz') < page.rindex("Key takeaways"), path.name
        # No answer key on the web page: the print-only section is absent.
        assert "Answers to Check yourself" not in page


# --- Chapters and notebooks ------------------------------------------------------------------

@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_chapter_shows_its_quiz_before_the_takeaways(chapter):
    path = CHAPTERS[chapter]
    notebook = jupytext.read(path)
    cells = [c for c in notebook.cells if c.cell_type == "code"
             and "kc-quiz" in c.metadata.get("tags", [])]
    assert len(cells) == 1, path.name
    assert cells[0].source.strip() == (f"from widgets.quiz import chapter_quiz\n"
                                       f"chapter_quiz({chapter})")
    assert {"remove-input", "nbval-ignore-output"} <= set(cells[0].metadata["tags"])
    text = path.read_text(encoding="utf-8")
    check = text.index(f"(ch{chapter:02d}-check-yourself)=\n## Check yourself")
    assert check < text.rindex("```{admonition} Key takeaways")
    headings = re.findall(r"^## (.+)$", text[check:], re.M)
    assert headings[0] == "Check yourself" and len(headings) == 2, headings  # then takeaways


@pytest.mark.parametrize("chapter", [3, 8])
def test_student_notebooks_keep_the_quiz(chapter):
    notebook = student_notebook(CHAPTERS[chapter])
    assert any(c.cell_type == "code" and f"chapter_quiz({chapter})" in c.source
               for c in notebook.cells)


# --- The display object ----------------------------------------------------------------------

def test_mimebundle_has_html_and_plain_forms_without_answers():
    shown = qz.chapter_quiz(3)
    bundle = shown._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/markdown", "text/plain"}
    html = bundle["text/html"]
    assert 'id="kcquiz03"' in html and "<math" in html and "$" not in html.split("<script")[0]
    # The library never gets the page's MathJax, so never its CDN fallback.
    assert "const MathJax = {version: '3-kc', typeset: function () {}};" in html
    assert html.index("const MathJax") < html.index("function show_questions")
    assert "#009113" not in html.split("</style>")[0].split("{", 2)[1]  # colour overridden
    for form in (bundle["text/plain"], bundle["text/markdown"]):
        for q in shown.quiz.questions:
            assert qz.to_plain(q.text)[:40] in qz.to_plain(form)
        assert "Right." not in form and "correct" not in form.lower()
    assert "tan α / cos β" in bundle["text/plain"]
    assert shown.html() == qz.chapter_quiz(3).html()  # the same output on every run
    # No address off the page: only the MathML namespace, which is a name, not a request.
    addresses = set(re.findall(r"https?://[^\s\"'\\<>)]+", html))
    assert addresses <= {"http://www.w3.org/1998/Math/MathML"}, addresses


# --- Print form: a small Sphinx project with the text and latex builders (no TeX) -----------

FIXTURE_PAGE = """# From subtalar motion to tibial rotation

(ch03-derivation)=
## Deriving the transfer ratio

Text.

(ch03-check-yourself)=
## Check yourself

```{{code-cell}} ipython3
:tags: [remove-input, nbval-ignore-output, kc-quiz]

from widgets.quiz import chapter_quiz
chapter_quiz(3)
```

(ch03-takeaways)=
## Key takeaways

Takeaway text.
"""


def _fixture_notebook(tmp_path: Path) -> Path:
    notebook = jupytext.reads(FIXTURE_PAGE.format(), fmt="md:myst")
    cell = next(c for c in notebook.cells if c.cell_type == "code")
    bundle = qz.chapter_quiz(3)._repr_mimebundle_()
    cell.outputs = [nbformat.v4.new_output("display_data", data=bundle)]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    path = tmp_path / "src" / "quizpage.ipynb"
    path.parent.mkdir()
    nbformat.write(notebook, path)
    (path.parent / "index.md").write_text("# Fixture\n\n```{toctree}\nquizpage\n```\n")
    (path.parent / "conf.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT / '_ext')!r})\n"
        "extensions = ['myst_nb', 'quiz_answers']\n"
        "nb_execution_mode = 'off'\n"
        "myst_enable_extensions = ['dollarmath']\n"
        "exclude_patterns = ['_build']\n")
    return path.parent


@pytest.fixture(scope="module")
def print_builds(tmp_path_factory):
    source = _fixture_notebook(tmp_path_factory.mktemp("quiz-print"))
    built = {}
    for builder in ("text", "latex", "html"):
        out = source.parent / builder
        result = subprocess.run([sys.executable, "-m", "sphinx", "-b", builder, "-W", "-q",
                                 str(source), str(out)], capture_output=True, text=True,
                                cwd=ROOT)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        built[builder] = out
    return built


def test_plain_text_prints_questions_then_answers_at_the_end(print_builds):
    text = (print_builds["text"] / "quizpage.txt").read_text(encoding="utf-8")
    quiz = qz.load_quiz(3)
    check, takeaways = text.index("Check yourself"), text.index("Key takeaways")
    answers = text.index("Answers to Check yourself")
    assert check < takeaways < answers, "answers come after the takeaways, at the end"
    questions_part = text[check:takeaways]
    flat = re.sub(r"\s+", " ", questions_part)
    for q in quiz.questions:
        assert qz.to_plain(q.text)[:30].split("$")[0].split("\\")[0] in flat, q.id
    assert "<" not in questions_part and "script" not in questions_part
    # No answer beside its question; every answer, with its section number, at the end.
    flat_answers = re.sub(r"\s+", " ", text[answers:])
    for line in qz.chapter_quiz(3).answers():
        head = re.sub(r"\s+", " ", qz.to_plain(line))[:25].split("\\")[0]
        assert head.split("$")[0] in flat_answers.replace("\\", ""), line
    assert "See Section 3.4, Deriving the transfer ratio" in flat_answers
    assert "Right." not in questions_part and "See Section" not in questions_part


def test_latex_prints_questions_with_maths_and_answers_at_the_end(print_builds):
    tex = next(print_builds["latex"].glob("*.tex")).read_text(encoding="utf-8")
    check, answers = tex.index("Check yourself"), tex.index("Answers to Check yourself")
    takeaways = tex.index("Key takeaways")
    assert check < takeaways < answers
    part = tex[check:takeaways]
    assert r"\(\tan\alpha / \cos\beta\)" in part  # real maths, typeset by LaTeX
    assert r"\begin{enumerate}" in part and "kcquiz" not in part and "<math" not in part
    assert "0.90." in tex[answers:]


def test_html_build_keeps_the_interactive_quiz_and_no_answer_section(print_builds):
    page = (print_builds["html"] / "quizpage.html").read_text(encoding="utf-8")
    assert 'id="kcquiz03"' in page and "Answers to Check yourself" not in page


def test_default_palette_is_the_librarys():
    """widgets/quiz.py repeats jupyterquiz's default colours (a local of display_quiz)."""
    import inspect

    from jupyterquiz.dynamic import display
    source = inspect.getsource(display.display_quiz)
    for name, colour in qz._default_colours().items():
        assert f"'{name}': '{colour}'" in source, name


def test_feedback_without_the_chapters_names_the_section_by_label(monkeypatch):
    """Installed alone (Colab), the package has no chapters to number the sections."""
    monkeypatch.setattr(qz, "_chapter_files", lambda: [])
    qz.sections.cache_clear()
    try:
        assert qz.see_also("ch03-derivation", None) == ("section ch03-derivation",
                                                         "#ch03-derivation")
        shown = qz.chapter_quiz(3)
        feedback = shown.jupyterquiz_questions()[2]["answers"][1]["feedback"]
        assert 'See <a href="#ch03-derivation">section ch03-derivation</a>' in feedback
        assert 'id="kcquiz03"' in shown.html()
        assert "See section ch03-derivation" in " ".join(shown.answers())
    finally:
        qz.sections.cache_clear()


def test_answer_fields_accept_pasting():
    """jupyterquiz's answer fields refuse pasting (a fault for readers and for Lighthouse's
    best practices); the wrapper takes that line out. The line must still be the library's,
    or the replacement would silently stop working after an upgrade."""
    import jupyterquiz

    from widgets import quiz
    from widgets.quiz import chapter_quiz

    library = (Path(jupyterquiz.__file__).parent / "js" / "numeric.js").read_text(encoding="utf-8")
    assert quiz.LIBRARY_NO_PASTE in library
    html = chapter_quiz(3)._repr_mimebundle_()["text/html"]
    assert "onpaste" not in html and "kcquiz03" in html
