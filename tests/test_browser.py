"""The built book in a real browser, offline: the demos' controls move their figures.

Serves the built HTML on 127.0.0.1 and opens it in Debian's Chromium through Playwright
(no browser is downloaded). Every request to another host is blocked and recorded, so a
page that needs the network fails here instead of hanging. On CI (``CI`` set) a missing
Chromium is an error; elsewhere the test is skipped (``.ci/run`` installs it).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

from book import HTML, ROOT, html_page

CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
DEMO_CHAPTERS = {
    "axis-explorer": ROOT / "chapters" / "03-subtalar-to-tibia.md",
    "knee-chain": ROOT / "chapters" / "04-ankle-to-knee.md",
    "stance-player": ROOT / "chapters" / "05-stance-phase.md",
}

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing: .ci/run should have installed chromium")
    pytest.skip("Debian chromium is not installed", allow_module_level=True)
if os.environ.get("CI"):
    from playwright import sync_api  # on CI a missing Playwright is an error, not a skip
else:
    sync_api = pytest.importorskip("playwright.sync_api")

# A demo's picture: an <img> (with its alt text) inside an ipywidgets HTML.
FRAME = "img.kc-frame"
# Visible frame of a frame explorer: the one image whose Stack ancestors are all shown.
# Each is reported as its alt text and the size and end of its picture.
VISIBLE_FRAMES_JS = """
() => Array.from(document.querySelectorAll('img.kc-frame'))
      .filter(img => img.offsetParent !== null && img.getBoundingClientRect().height > 0)
      .map(img => ({alt: img.alt, src: img.src.length + ':' + img.src.slice(-120)}))
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def book_server(built_book):
    handler = functools.partial(_QuietHandler, directory=str(built_book))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


class OfflinePage:
    """A page whose requests may only reach the local server; records what failed."""

    def __init__(self, browser, base: str):
        self.base = base
        self.blocked: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", self._page_error)
        self.page.on("response", self._response)

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.base) or url.startswith("data:"):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def _page_error(self, error):
        # sphinx-thebe inserts its settings script twice on every page ("THEBE_JS_URL has
        # already been declared"); harmless here, since thebe only starts on a click.
        if "THEBE_JS_URL" not in error.message:
            self.errors.append(f"{error.message} {error.stack or ''}"[:400])

    def _response(self, response):
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")

    def open(self, chapter: Path):
        url = f"{self.base}/{html_page(chapter).relative_to(HTML).as_posix()}"
        self.page.goto(url, wait_until="load")
        # The widget manager renders after load; wait for the frames to appear.
        self.page.wait_for_selector(FRAME, state="visible", timeout=30_000)
        return self.page

    def visible_frames(self) -> list[dict]:
        """The visible frames (a list of {alt, src}); every one must have its alt text."""
        frames = self.page.evaluate(VISIBLE_FRAMES_JS)
        assert all(frame["alt"].strip() for frame in frames), f"a frame has no alt: {frames}"
        return frames

    def close(self):
        self.context.close()


@pytest.fixture()
def offline_page(browser, book_server):
    page = OfflinePage(browser, book_server)
    yield page
    page.close()


@pytest.mark.parametrize("demo", DEMO_CHAPTERS, ids=str)
def test_demo_sliders_change_the_frame_offline(offline_page, demo):
    chapter = DEMO_CHAPTERS[demo]
    page = offline_page.open(chapter)
    section = page.locator(f".kc-demo-{demo}")
    assert section.count() == 1, f"{chapter.name}: the {demo} fallback is missing"
    handles = section.locator(".noUi-handle")
    buttons = section.locator(".widget-toggle-button")
    assert handles.count() + min(buttons.count(), 1) >= 2, "each demo has two or more controls"
    seen = [offline_page.visible_frames()]
    assert len(seen[0]) == 1, f"exactly one frame should be visible, got {seen[0]!r}"
    if buttons.count():  # a named choice (the stance presets): pick the last one
        buttons.last.click()
        page.wait_for_timeout(150)
        seen.append(offline_page.visible_frames())
        assert len(seen[-1]) == 1 and seen[-1] != seen[-2], f"{demo}: the buttons did nothing"
        assert seen[-1][0]["alt"] != seen[-2][0]["alt"], f"{demo}: the alt text did not change"
    for i in range(handles.count()):
        handles.nth(i).focus()
        page.keyboard.press("End")          # to the slider's last value
        page.wait_for_timeout(150)
        seen.append(offline_page.visible_frames())
        assert len(seen[-1]) == 1
        assert seen[-1] != seen[-2], f"slider {i} of {demo} did not change the frame"
        assert seen[-1][0]["src"] != seen[-2][0]["src"], f"slider {i} of {demo}: same picture"
        assert seen[-1][0]["alt"] != seen[-2][0]["alt"], f"slider {i} of {demo}: same alt text"
    page.wait_for_timeout(300)
    assert not offline_page.blocked, f"requests left the machine: {offline_page.blocked[:5]}"
    assert not offline_page.failed, f"missing files: {offline_page.failed[:5]}"
    assert not offline_page.errors, f"JavaScript errors: {offline_page.errors[:5]}"


def test_stance_player_play_button_advances_offline(offline_page):
    page = offline_page.open(DEMO_CHAPTERS["stance-player"])
    section = page.locator(".kc-demo-stance-player")
    before = offline_page.visible_frames()
    section.locator(".widget-play button").first.click()
    page.wait_for_timeout(1500)
    assert offline_page.visible_frames() != before, "Play did not advance the frames"
    # The play/pause icon is drawn from its <i>'s class; the theme's svg copy nested in the
    # <i> would keep showing "play" beside "pause", so it must stay hidden.
    stale_icons = page.evaluate("""() => Array.from(
        document.querySelectorAll('.kc-demo-stance-player .widget-play i.fa > svg'))
        .filter(svg => svg.getBoundingClientRect().width > 0).length""")
    assert stale_icons == 0
    assert not offline_page.errors, offline_page.errors[:3]


def test_math_renders_offline(offline_page):
    page = offline_page.open(DEMO_CHAPTERS["axis-explorer"])
    page.wait_for_selector("mjx-container", timeout=30_000)
    assert not offline_page.blocked
