"""The 3-D leg (widgets/leg3d.py): control change to frame drawn, load to first frame, the
kernel's recomputation per change, and the shared front end's size.

Static book: each chapter page with a 3-D view is served from ``_build/html`` on 127.0.0.1
and opened in Debian's Chromium (headless, software WebGL, every other host blocked). For
every control, values over its whole range are set as a reader's slider would set them (an
``input`` event); the time runs from the change until the frame is drawn (``readPixels`` of
one pixel waits for the GPU to finish it). Load to first frame: page start to the first
render of the view. Live: the kernel's side of a change (``Leg3D.move`` -> model pose
and words sent back), per control over its range; the comm round trip through Jupyter comes
on top of it and is not timed here.

Usage: ``python -m benchmarks.leg3d_time [path/to/_build/html]``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np

from widgets import leg3d

from .table import Figure, print_table

ROOT = Path(__file__).resolve().parents[1]
FRAME_BUDGET_MS = 16.0   # one frame at 60 Hz
STEPS_PER_CONTROL = 30
CHAPTERS = {"foot": "03-subtalar-to-tibia", "knee": "04-ankle-to-knee", "stance": "05-stance-phase"}
SWEEP_JS = """
async ([name, values]) => {
  const root = document.querySelector('.kc-leg3d');
  const input = root.querySelector(`input[data-control="${name}"]`);
  const gl = root.kcLeg3d.renderer.getContext();
  const pixel = new Uint8Array(4);
  const times = [];
  for (const value of values) {
    await new Promise(resolve => requestAnimationFrame(resolve));
    const start = performance.now();
    input.value = value;
    input.dispatchEvent(new Event('input'));
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, pixel);
    times.push(performance.now() - start);
  }
  return times;
}
"""


def _values(control: leg3d.Control) -> list[float]:
    up = np.linspace(control.low, control.high, STEPS_PER_CONTROL)
    return [float(v) for v in np.concatenate([up, up[-2::-1]])]


def measure_static(html: Path) -> list[Figure]:
    sys.path.insert(0, str(ROOT / "tests"))
    from browser import CHROMIUM, CHROMIUM_FLAGS, SETTLE_JS, Server
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists() or not (html / "leg3d" / "leg3d.js").is_file():
        return []
    figures = []
    server = Server(html)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                 args=CHROMIUM_FLAGS)
            for view, chapter in CHAPTERS.items():
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.route("**/*", lambda route: route.continue_()
                           if route.request.url.startswith(server.url) else route.abort())
                page.goto(f"{server.url}/chapters/{chapter}.html")
                page.evaluate(SETTLE_JS)
                page.wait_for_function(
                    "() => document.querySelector('.kc-leg3d')?.kcLeg3d?.frames > 0",
                    timeout=60_000)
                first = page.evaluate("() => document.querySelector('.kc-leg3d').kcLeg3d.firstFrameMs")
                figures.append(Figure(f"3-D {view}, ch. {chapter[:2]}: load to first frame",
                                      "ms", [first]))
                times = []
                for control in leg3d.controls(view):
                    times += page.evaluate(SWEEP_JS, [control.name, _values(control)])
                # The table prints this figure's median and max over the whole sweep.
                figures.append(Figure(f"3-D {view}: control change to frame drawn (static)",
                                      "ms", times, FRAME_BUDGET_MS))
                page.close()
            browser.close()
    finally:
        server.close()
    return figures


def measure_live() -> list[Figure]:
    figures = []
    for view, make in (("foot", leg3d.foot_3d), ("knee", leg3d.knee_3d),
                       ("stance", leg3d.stance_3d)):
        widget = make()
        times = []
        for control in leg3d.controls(view):
            for value in _values(control):
                start = time.perf_counter()
                widget.move(**{control.name: value})
                times.append((time.perf_counter() - start) * 1000)
        figures.append(Figure(f"3-D {view}: kernel recompute per change (live)", "ms", times))
    return figures


def measure_bundle() -> list[Figure]:
    return [Figure("3-D front end leg3d.js (once per site, cached)", "MB",
                   [leg3d.BUNDLE.stat().st_size / 1e6])]


def measure(html: Path) -> list[Figure]:
    return measure_bundle() + measure_static(html) + measure_live()


if __name__ == "__main__":
    default = Path(os.environ.get("KC_BUILD_ROOT", ROOT)) / "_build" / "html"
    print_table(measure(Path(sys.argv[1]) if len(sys.argv) > 1 else default))
