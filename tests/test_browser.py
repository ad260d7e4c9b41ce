"""The demonstrations of the built book in a real browser, offline: every control moves its
figure.

The machinery (server on 127.0.0.1, Debian's Chromium, every other host blocked) is in
``tests/browser.py``; ``tests/test_browser_pages.py`` runs the checks every page must pass
(no request leaves the machine, no error, MathJax, alt texts, labels, axe-core) on every page,
the demo pages included. On CI (``CI`` set) a missing Chromium is an error; elsewhere these
tests are skipped (``.ci/run`` installs it).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from book import HTML, ROOT, html_page
# Importing browser skips this module without Chromium or Playwright (fails on CI).
from browser import MATH_JS, SETTLE_JS
from browser import book_server, browser, offline_page  # noqa: F401 (fixtures)

DEMO_CHAPTERS = {
    "axis-explorer": ROOT / "chapters" / "03-subtalar-to-tibia.md",
    "knee-chain": ROOT / "chapters" / "04-ankle-to-knee.md",
    "stance-player": ROOT / "chapters" / "05-stance-phase.md",
}
# The static controls of each demo: (sliders, ToggleButtons rows), one per frame-grid axis
# (see widgets/*_frames and tests/test_demo_pages.py), plus the stance player's Play button.
DEMO_CONTROLS = {"axis-explorer": (2, 0), "knee-chain": (3, 0), "stance-player": (1, 1)}

# A demo's picture: an <img> (with its alt text) inside an ipywidgets HTML.
FRAME = "img.kc-frame"
# Visible frame of a frame explorer: the one image whose Stack ancestors are all shown.
# Each is reported as its alt text and the size and end of its picture.
VISIBLE_FRAMES_JS = """
() => Array.from(document.querySelectorAll('img.kc-frame'))
      .filter(img => img.offsetParent !== null && img.getBoundingClientRect().height > 0)
      .map(img => ({alt: img.alt, src: img.src.length + ':' + img.src.slice(-120)}))
"""


def open_demo(offline_page, chapter: Path):
    page = offline_page.goto(html_page(chapter).relative_to(HTML).as_posix())
    # The widget code loads lazily (SETTLE_JS starts it and waits); then the frames appear.
    page.evaluate(SETTLE_JS)
    page.wait_for_selector(FRAME, state="visible", timeout=30_000)
    return page


def visible_frames(page) -> list[dict]:
    """The visible frames (a list of {alt, src}); every one must have its alt text."""
    frames = page.evaluate(VISIBLE_FRAMES_JS)
    assert all(frame["alt"].strip() for frame in frames), f"a frame has no alt: {frames}"
    return frames


def assert_clean(offline_page):
    assert not offline_page.blocked, f"requests left the machine: {offline_page.blocked[:5]}"
    assert not offline_page.failed, f"missing files: {offline_page.failed[:5]}"
    assert not offline_page.errors, f"JavaScript errors: {offline_page.errors[:5]}"
    assert not offline_page.console_errors, f"console errors: {offline_page.console_errors[:5]}"


@pytest.mark.parametrize("demo", DEMO_CHAPTERS, ids=str)
def test_demo_controls_change_the_frame_offline(offline_page, demo):
    """Every static control renders, and moving it changes the visible picture and its alt."""
    page = open_demo(offline_page, DEMO_CHAPTERS[demo])
    section = page.locator(f".kc-demo-{demo}")
    assert section.count() == 1, f"{demo}: the static demo is missing"
    sliders, choices = DEMO_CONTROLS[demo]
    assert section.locator(".widget-slider:visible").count() == sliders, "sliders not drawn"
    assert section.locator(".widget-toggle-buttons:visible").count() == choices
    handles = section.locator(".noUi-handle")
    buttons = section.locator(".widget-toggle-button")
    assert handles.count() == sliders
    seen = [visible_frames(page)]
    assert len(seen[0]) == 1, f"exactly one frame should be visible, got {seen[0]!r}"

    def moved(what: str):
        page.wait_for_timeout(150)
        seen.append(visible_frames(page))
        assert len(seen[-1]) == 1, f"{demo}, {what}: {len(seen[-1])} frames visible"
        assert seen[-1][0]["src"] != seen[-2][0]["src"], f"{demo}, {what}: same picture"
        assert seen[-1][0]["alt"] != seen[-2][0]["alt"], f"{demo}, {what}: same alt text"

    # A named choice (the stance presets): every button, from the last back to the first.
    for i in reversed(range(buttons.count())):
        if "mod-active" in (buttons.nth(i).get_attribute("class") or ""):
            continue
        buttons.nth(i).click()
        moved(f"button {buttons.nth(i).inner_text()!r}")
        assert buttons.nth(i).get_attribute("aria-pressed") == "true"
    for i in range(handles.count()):
        handles.nth(i).focus()
        for key in ("End", "Home"):  # to the slider's last value, then its first
            page.keyboard.press(key)
            moved(f"slider {i}, key {key}")
    page.wait_for_timeout(300)
    assert_clean(offline_page)


def test_stance_player_play_button_advances_offline(offline_page):
    page = open_demo(offline_page, DEMO_CHAPTERS["stance-player"])
    section = page.locator(".kc-demo-stance-player")
    before = visible_frames(page)
    play = section.locator(".widget-play button").first
    assert play.get_attribute("aria-label") == "Play"
    play.click()
    page.wait_for_timeout(1500)
    assert visible_frames(page) != before, "Play did not advance the frames"
    assert play.get_attribute("aria-label") == "Pause", "the playing button is named Pause"
    # The play/pause icon is drawn from its <i>'s class; the theme's svg copy nested in the
    # <i> would keep showing "play" beside "pause", so it must stay hidden.
    stale_icons = page.evaluate("""() => Array.from(
        document.querySelectorAll('.kc-demo-stance-player .widget-play i.fa > svg'))
        .filter(svg => svg.getBoundingClientRect().width > 0).length""")
    assert stale_icons == 0
    assert_clean(offline_page)


def test_math_renders_offline(offline_page):
    page = open_demo(offline_page, DEMO_CHAPTERS["axis-explorer"])
    page.evaluate(SETTLE_JS)
    math = page.evaluate(MATH_JS)
    assert math["math"] > 0, "chapter 3 has equations"
    assert math["typeset"] == math["math"] and not math["errors"], math
    assert_clean(offline_page)
