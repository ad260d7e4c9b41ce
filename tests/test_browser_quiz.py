"""The "Check yourself" quiz of every chapter page, answered in Debian's Chromium, offline.

On each chapter page (served on 127.0.0.1, every other host blocked, ``tests/browser.py``)
the quiz must draw all its questions, with maths as MathML where the question has maths.
Clicking a wrong choice must show that choice's own feedback, marked incorrect, with the
section to reread; clicking the right one its feedback marked correct; the arrow keys must
move between choices and answer too; typing the numeric answer and Enter must say right,
and a value in a known wrong range its own feedback. The feedback areas are live regions and
the numeric input is named by its question. After all that (answered states, coloured
buttons) axe-core must find no violation in the quiz, and the page no console error, no page
error and no request to another host. The questions and feedback expected come from
``widgets/quizzes/chNN.yml`` through ``widgets.quiz``, not from copies.
"""

from __future__ import annotations

import re

import pytest

from browser import AXE_JS, FAILING_IMPACTS, SETTLE_JS  # skips without Chromium
from browser import book_server, browser, offline_page  # noqa: F401 (fixtures)
from book import chapter_files
from widgets import quiz as qz

CHAPTERS = {int(p.name[:2]): p for p in chapter_files()}
READY_TIMEOUT_MS = 15_000


def words(html_or_text: str) -> str:
    """The first words of a feedback text as a reader sees them (maths and tags dropped)."""
    text = re.sub(r"\$[^$]*\$", " ", html_or_text)
    return " ".join(text.split()[:6])


def normal(text: str) -> str:
    return " ".join(text.split())


class QuizOnPage:
    def __init__(self, page, chapter: int):
        self.page = page
        self.root = page.locator(f"#kcquiz{chapter:02d}")
        page.locator(f'#kcquiz{chapter:02d}[data-kc-ready="true"]').wait_for(
            state="attached", timeout=READY_TIMEOUT_MS)
        self.questions = self.root.locator(".Quiz")

    def feedback(self, n: int):
        return self.questions.nth(n).locator(".Feedback")

    def expect_feedback(self, n: int, verdict: str, text: str):
        feedback = self.feedback(n)
        feedback.locator(f"xpath=self::*[contains(@class, '{verdict}')]").wait_for(
            timeout=5_000)
        shown = normal(feedback.inner_text())
        assert words(text) in shown, (n, verdict, words(text), shown)
        assert re.search(r"See Section \d+\.\d+", shown), shown
        return shown


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_quiz_answers_give_the_right_feedback(offline_page, chapter):
    path = f"chapters/{CHAPTERS[chapter].stem}.html"
    page = offline_page.goto(path)
    page.evaluate(SETTLE_JS)
    shown = qz.chapter_quiz(chapter)
    questions = shown.quiz.questions
    quiz = QuizOnPage(page, chapter)
    assert quiz.questions.count() == len(questions)

    for n, q in enumerate(questions):
        text = normal(quiz.questions.nth(n).locator('[id^="quizQn"]').inner_text())
        assert words(qz.to_plain(q.text)).split(" ")[0] in text, (q.id, text)
        if "$" in q.text:
            assert quiz.questions.nth(n).locator("math").count() >= 1, q.id
        assert quiz.feedback(n).get_attribute("aria-live") == "polite", q.id

    choice_n = next(n for n, q in enumerate(questions) if q.kind == "choice")
    q = questions[choice_n]
    buttons = quiz.questions.nth(choice_n).locator("label.MCButton")
    assert buttons.count() == len(q.choices)
    assert quiz.questions.nth(choice_n).locator('[role="radiogroup"]').count() == 1
    wrong = next(i for i, c in enumerate(q.choices) if not c.correct)
    buttons.nth(wrong).click()
    quiz.expect_feedback(choice_n, "incorrect", q.choices[wrong].why)
    buttons.nth(q.right_choice).click()
    quiz.expect_feedback(choice_n, "correct", q.choices[q.right_choice].why)

    # The keyboard: focus a choice's radio button, move with the arrow keys.
    keyboard_n = next(n for n, q in enumerate(questions) if q.kind == "choice" and n != choice_n)
    kq = questions[keyboard_n]
    radios = quiz.questions.nth(keyboard_n).locator('input[type="radio"]')
    radios.first.focus()
    page.keyboard.press("ArrowDown")
    quiz.expect_feedback(keyboard_n, "correct" if kq.choices[1].correct else "incorrect",
                         kq.choices[1].why)

    numeric_n = next(n for n, q in enumerate(questions) if q.kind == "numeric")
    nq = questions[numeric_n]
    box = quiz.questions.nth(numeric_n).locator("input.Input-text")
    name = page.evaluate("""el => (el.getAttribute('aria-labelledby') || '').split(' ')
        .map(id => document.getElementById(id)).filter(Boolean)
        .map(node => node.textContent).join(' ')""", box.element_handle())
    assert words(qz.to_plain(nq.text)).split(" ")[0] in name, name
    if nq.wrong_ranges:
        wrong_range = nq.wrong_ranges[0]
        box.fill(f"{(wrong_range.low + wrong_range.high) / 2:g}")
        box.press("Enter")
        quiz.expect_feedback(numeric_n, "incorrect", wrong_range.why)
    box.fill(qz._number(nq.answer, nq.precision))
    box.press("Enter")
    quiz.expect_feedback(numeric_n, "correct", nq.explanation)

    # Answered states (filled buttons, coloured feedback) pass axe too.
    page.add_script_tag(path=str(AXE_JS))
    axe = page.evaluate("() => axe.run('.kc-quiz', {resultTypes: ['violations']})")
    violations = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:3]]}"
                  for v in axe["violations"] if v["impact"] in FAILING_IMPACTS]
    assert not violations, violations
    assert not offline_page.blocked, offline_page.blocked
    assert not offline_page.errors, offline_page.errors
    assert not offline_page.console_errors, offline_page.console_errors
    assert not offline_page.failed, offline_page.failed
