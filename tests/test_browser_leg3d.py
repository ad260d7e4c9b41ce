"""The 3-D leg in the built book, in Debian's Chromium, offline (tests/browser.py).

One page load per chapter: the page passes every page check (``audit_page``: no request off
127.0.0.1, no error, axe-core clean), the canvas is drawn, every control and preset changes
the picture and the canvas's accessible name (to the model's numbers), 20 random states set
in one call give each bone's world matrix equal to ``widgets.leg3d.model_pose`` (the model)
to 1e-3, and orbiting changes the view. A last test starts Chromium without WebGL and
checks the still picture and its message.
"""

from __future__ import annotations

import numpy as np
import pytest

from book import HTML, ROOT, html_page
from browser import CHROMIUM, CHROMIUM_FLAGS, SETTLE_JS, OfflinePage, audit_page
from browser import book_server, browser, offline_page  # noqa: F401 (fixtures)
from widgets import leg3d

CHAPTERS = {"foot": "03-subtalar-to-tibia", "knee": "04-ankle-to-knee", "stance": "05-stance-phase"}
RANDOM_STATES = 20

# A digest of the canvas's pixels and how many differ from the background colour.
PIXELS_JS = """
(root) => {
  const canvas = root.querySelector('canvas');
  const copy = document.createElement('canvas');
  copy.width = 240; copy.height = 160;
  const ctx = copy.getContext('2d');
  ctx.drawImage(canvas, 0, 0, copy.width, copy.height);
  const data = ctx.getImageData(0, 0, copy.width, copy.height).data;
  let hash = 0, drawn = 0;
  const [r0, g0, b0] = [data[0], data[1], data[2]];
  for (let i = 0; i < data.length; i += 4) {
    hash = (hash * 31 + data[i] + 7 * data[i + 1] + 13 * data[i + 2]) | 0;
    if (Math.abs(data[i] - r0) + Math.abs(data[i + 1] - g0) + Math.abs(data[i + 2] - b0) > 30) drawn++;
  }
  return {hash, drawn, total: data.length / 4};
}
"""
SET_STATES_JS = """
([root, states]) => states.map(state => root.kcLeg3d.set(state))
"""


def page_path(view: str) -> str:
    return html_page(ROOT / "chapters" / f"{CHAPTERS[view]}.md").relative_to(HTML).as_posix()


def random_states(view: str, count: int) -> list[dict]:
    rng = np.random.default_rng(2026)
    states = []
    for _ in range(count):
        state = {c.name: float(rng.uniform(c.low, c.high)) for c in leg3d.controls(view)}
        if view == "stance":
            state["preset"] = str(rng.choice(leg3d.PRESET_KEYS))
        states.append(state)
    return states


class View:
    def __init__(self, page):
        self.page = page
        self.root = page.locator(".kc-leg3d")
        assert self.root.count() == 1, "one 3-D view on the page"
        self.root.locator("canvas").wait_for(state="visible", timeout=30_000)
        self.handle = self.root.element_handle()

    def pixels(self) -> dict:
        return self.page.evaluate(PIXELS_JS, self.handle)

    def name(self) -> str:
        return self.root.locator("canvas").get_attribute("aria-label") or ""

    def seen(self):
        return self.pixels()["hash"], self.name()


@pytest.mark.parametrize("view", leg3d.VIEWS)
def test_the_3d_view_works_offline(offline_page, view):
    report = audit_page(offline_page, page_path(view), screenshot=False)
    assert report.problems() == [], report.problems()
    page = offline_page.page
    leg = View(page)
    pixels = leg.pixels()
    assert pixels["drawn"] > 0.02 * pixels["total"], f"the canvas looks blank: {pixels}"
    assert leg.root.locator("canvas").get_attribute("role") == "img"
    start = leg3d.check_state(view, {})
    assert leg.name() == leg3d.describe(view, leg3d.model_values(view, start),
                                        leg3d.km.STANCE_PRESETS["shod"].label
                                        if view == "stance" else None)

    # Every slider from the keyboard, to its last and first value: new picture, new name.
    last = leg.seen()
    sliders = leg.root.locator("input[type=range]")
    assert sliders.count() == len(leg3d.controls(view))
    for i in range(sliders.count()):
        for key in ("End", "Home"):
            sliders.nth(i).focus()
            page.keyboard.press(key)
            now = leg.seen()
            assert now[0] != last[0] and now[1] != last[1], f"{view}: slider {i}, {key}"
            last = now
    # Every preset button, from the keyboard (Enter); the pressed one says so.
    buttons = leg.root.locator(".kc-leg3d-group button")
    for i in reversed(range(buttons.count())):
        if buttons.nth(i).get_attribute("aria-pressed") == "true":
            continue
        buttons.nth(i).focus()
        page.keyboard.press("Enter")
        assert buttons.nth(i).get_attribute("aria-pressed") == "true"
        now = leg.seen()
        assert now != last, f"{view}: preset {i}"
        last = now

    # 20 random states in one call: each bone's world matrix against the model's pose.
    states = random_states(view, RANDOM_STATES)
    matrices = page.evaluate(SET_STATES_JS, [leg.handle, states])
    worst = 0.0
    for state, shown in zip(states, matrices):
        exact = leg3d.model_pose(view, state)
        assert set(shown) == set(exact)
        for bone, matrix in exact.items():
            drawn = np.array(shown[bone]).reshape(4, 4).T   # three.js is column-major
            worst = max(worst, float(np.abs(drawn - matrix).max()))
    assert worst < 1e-3, f"{view}: largest difference from the model's pose {worst:.2e}"

    # Orbiting: arrow keys on the focused picture turn the camera and change the picture.
    before = leg.seen()
    camera = "root => root.kcLeg3d.camera.position.toArray()"
    position = page.evaluate(camera, leg.handle)
    leg.root.locator("canvas").focus()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowUp")
    assert page.evaluate(camera, leg.handle) != position
    assert leg.seen()[0] != before[0], "orbiting did not change the picture"
    assert leg.seen()[1] == before[1], "orbiting does not change the state"

    if view == "stance":  # Play moves through stance, Pause stops it.
        play = leg.root.locator(".kc-leg3d-play")
        play.click()
        page.wait_for_function("root => root.kcLeg3d.frames > 0", arg=leg.handle)
        before = leg.name()
        page.wait_for_timeout(400)
        assert leg.name() != before and play.inner_text() == "Pause"
        play.click()
        stopped = leg.name()
        page.wait_for_timeout(300)
        assert leg.name() == stopped and play.inner_text() == "Play"

    assert not offline_page.errors and not offline_page.console_errors, (
        offline_page.errors + offline_page.console_errors)
    assert not offline_page.blocked and not offline_page.failed


def test_without_webgl_the_still_and_a_message_show(browser, book_server):  # noqa: F811
    # A second Chromium from the same Playwright, with no way to draw WebGL.
    chromium = browser.browser_type.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS + ["--disable-software-rasterizer"])
    try:
        offline = OfflinePage(chromium, book_server)
        page = offline.goto(page_path("foot"))
        page.evaluate(SETTLE_JS)
        fallback = page.locator(".kc-leg3d-fallback")
        fallback.wait_for(state="visible", timeout=30_000)
        image = fallback.locator("img")
        assert image.evaluate("img => img.complete && img.naturalWidth > 100")
        assert "calcaneal eversion" in image.get_attribute("alt")
        assert "WebGL" in fallback.locator(".kc-leg3d-message").inner_text()
        assert page.locator(".kc-leg3d canvas").count() == 0
        assert not offline.errors, offline.errors
        assert not offline.blocked and not offline.failed
    finally:
        chromium.close()
