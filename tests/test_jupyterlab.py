"""The live demos in a real JupyterLab: every control redraws the picture with the model's numbers.

Starts JupyterLab on 127.0.0.1 (a free port, a random token, no browser) with a temporary
folder as its root and its own Jupyter config, data and settings folders, whose only
``python3`` kernel is this interpreter (the project's venv). A small notebook written there
calls ``axis_explorer()``, ``knee_chain()`` and ``stance_player()``; Debian's Chromium
(through Playwright, nothing downloaded, every request to another host blocked) opens it,
runs all cells and moves each control from the keyboard or with a click: the slider handles
with End and Home, each preset button, Play, Pause and Stop. After every move the demo's
``img.kc-frame`` must change (picture and alt text) and its alt text must carry the numbers
that ``widgets.kinematics`` gives for the new control values (``tests/demo_alts.py``), so a
control that does nothing, or redraws a stale state, fails. On CI (``CI`` set) a missing
Chromium, Playwright or JupyterLab is an error; elsewhere the test is skipped.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

import demo_alts
from browser import CHROMIUM, CHROMIUM_FLAGS  # skips (or fails on CI) without Chromium
from widgets import kinematics as km
from widgets.axis_explorer import axis_explorer
from widgets.knee_chain import knee_chain
from widgets.stance_player import stance_player

if os.environ.get("CI"):
    from playwright import sync_api  # on CI a missing package is an error, not a skip
    import jupyterlab  # noqa: F401
else:
    sync_api = pytest.importorskip("playwright.sync_api")
    pytest.importorskip("jupyterlab")

# The notebook: one cell checks which interpreter the kernel runs, one cell per live demo.
CELLS = ["import sys\nprint(sys.prefix)",
         "from widgets.axis_explorer import axis_explorer\naxis_explorer()",
         "from widgets.knee_chain import knee_chain\nknee_chain()",
         "from widgets.stance_player import stance_player\nstance_player()"]
DEMO_CELLS = {"axis-explorer": 1, "knee-chain": 2, "stance-player": 3}
NOTEBOOK = "live_demos.ipynb"
SERVER_START_S = 60
RENDER_TIMEOUT_MS = 90_000
REDRAW_TIMEOUT_S = 20
KERNEL_NAME = "Python 3 (test venv)"
FRAME_JS = "img => ({alt: img.alt, src: img.src})"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _write_jupyter_home(home: Path) -> dict:
    """Jupyter folders of this server alone; returns the environment that points at them."""
    kernel = home / "share" / "kernels" / "python3"
    kernel.mkdir(parents=True)
    (kernel / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": KERNEL_NAME, "language": "python"}))
    labconfig = home / "config" / "labconfig"
    labconfig.mkdir(parents=True)
    # No "receive Jupyter news?" toast over the notebook.
    (labconfig / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))
    notebook_settings = home / "settings" / "@jupyterlab" / "notebook-extension"
    notebook_settings.mkdir(parents=True)
    # Every cell stays in the page (no virtual scrolling), so each demo can be found.
    (notebook_settings / "tracker.jupyterlab-settings").write_text(
        json.dumps({"windowingMode": "none"}))
    env = dict(os.environ)
    env.update(JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_DATA_DIR=str(home / "data"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), JUPYTER_PATH=str(home / "share"),
               JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
               IPYTHONDIR=str(home / "ipython"))
    return env


def _api(base: str, token: str, path: str, method: str = "GET"):
    request = urllib.request.Request(f"{base}{path}", method=method,
                                     headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read()


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 serving a temporary folder with the demo notebook."""
    home = tmp_path_factory.mktemp("jupyter-home")
    root = tmp_path_factory.mktemp("lab-root")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, root / NOTEBOOK)
    port, token = _free_port(), secrets.token_hex(24)
    base = f"http://127.0.0.1:{port}"
    log = (home / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         "--ServerApp.port_retries=0", f"--ServerApp.root_dir={root}",
         f"--IdentityProvider.token={token}", "--ServerApp.terminals_enabled=False",
         "--LabApp.extension_manager=readonly",  # no extension look-ups on PyPI
         "--allow-root"],  # CI containers run as root
        cwd=root, env=_write_jupyter_home(home), stdout=log, stderr=subprocess.STDOUT)

    def server_log() -> str:
        log.flush()
        return (home / "server.log").read_text()[-3000:]

    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            assert process.poll() is None, f"JupyterLab exited:\n{server_log()}"
            try:
                if _api(base, token, "/api/status")[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            assert time.monotonic() < deadline, f"JupyterLab did not start:\n{server_log()}"
            time.sleep(0.2)
        yield {"base": base, "token": token, "log": server_log, "home": home}
    finally:
        # Shut down through the API (kernels first), then make sure the process is gone.
        try:
            _api(base, token, "/api/shutdown", method="POST")
            process.wait(timeout=20)
        except Exception:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


def run_all_cells(page):
    """Run every cell of the notebook open in ``page``, once it is connected to its kernel
    (else Lab asks for one)."""
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=RENDER_TIMEOUT_MS)
    page.locator(".jp-StatusBar-TextItem").get_by_text(
        f"{KERNEL_NAME} | Idle", exact=True).wait_for(timeout=RENDER_TIMEOUT_MS)
    page.locator(".lm-MenuBar-itemLabel").get_by_text("Run", exact=True).click()
    page.locator(".lm-Menu-itemLabel").get_by_text("Run All Cells", exact=True).click()


class LabPage:
    """The demo notebook opened in JupyterLab; requests may only reach 127.0.0.1."""

    def __init__(self, browser, server: dict):
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": 1400, "height": 2400})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(error.message[:300]))
        self.page.goto(f"{server['base']}/lab/tree/{NOTEBOOK}?token={server['token']}")

    def _route(self, route):
        url = route.request.url
        if url.startswith("http://127.0.0.1:") or url.startswith("data:"):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def run_all(self):
        page = self.page
        run_all_cells(page)
        page.locator(".jp-Notebook img.kc-frame").nth(len(DEMO_CELLS) - 1).wait_for(
            timeout=RENDER_TIMEOUT_MS)

    def assert_offline_and_clean(self):
        assert not self.blocked, f"requests left the machine: {self.blocked[:5]}"
        assert not self.errors, f"JavaScript errors: {self.errors[:5]}"

    def cell(self, index: int):
        return self.page.locator(".jp-Notebook .jp-Cell").nth(index)

    def close(self):
        self.context.close()


@pytest.fixture(scope="module")
def lab(lab_server):
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        page = LabPage(browser, lab_server)
        try:
            page.run_all()
        except Exception as error:
            shot = lab_server["home"] / "lab-did-not-render.png"
            page.page.screenshot(path=shot)
            raise AssertionError(f"the demos did not render ({shot}): {error}\n"
                                 f"{lab_server['log']()}") from error
        yield page
        page.close()
        browser.close()


class Demo:
    """One demo's output in the notebook: its controls and its picture."""

    def __init__(self, lab: LabPage, name: str):
        self.page = lab.page
        self.name = name
        self.output = lab.cell(DEMO_CELLS[name]).locator(".jp-OutputArea")
        self.output.locator("img.kc-frame").wait_for(timeout=RENDER_TIMEOUT_MS)
        self.last = self.frame()

    def frame(self) -> dict:
        frames = self.output.locator("img.kc-frame")
        assert frames.count() == 1, f"{self.name}: expected one picture, got {frames.count()}"
        return frames.first.evaluate(FRAME_JS)

    def slider(self, description: str):
        found = self.output.locator(".widget-slider").filter(
            has=self.page.locator(".widget-label", has_text=description))
        assert found.count() == 1, f"{self.name}: no single slider {description!r}"
        return found

    def press(self, description: str, key: str):
        handle = self.slider(description).locator(".noUi-handle")
        handle.scroll_into_view_if_needed()
        handle.focus()
        self.page.keyboard.press(key)

    def readout(self, description: str) -> float:
        """The number the slider shows beside it (ipywidgets writes "−" for minus)."""
        text = self.slider(description).locator(".widget-readout").inner_text()
        return float(text.strip().replace("\u2212", "-"))

    def expect(self, action: str, params: dict) -> dict:
        """Wait for the picture to change to one whose alt describes ``params``."""
        deadline = time.monotonic() + REDRAW_TIMEOUT_S
        while True:
            frame = self.frame()
            missing = demo_alts.missing_phrases(self.name, params, frame["alt"])
            if frame["alt"] != self.last["alt"] and not missing:
                break
            if time.monotonic() > deadline:
                assert frame != self.last, f"{self.name}: {action} did not change the picture"
                raise AssertionError(f"{self.name}: after {action} the alt text lacks "
                                     f"{missing} for {params}: {frame['alt']!r}")
            self.page.wait_for_timeout(50)
        assert frame["src"] != self.last["src"], f"{self.name}: {action} left the same picture"
        self.last = frame
        return frame


def _move_sliders(demo: Demo, live, params: dict, names: list[str]):
    """Each slider to its maximum (End), then each back to its minimum (Home)."""
    for key, bound in (("End", "max"), ("Home", "min")):
        for name in names:
            control = live.controls[name]
            demo.press(control.description, key)
            params[name] = getattr(control, bound)
            demo.expect(f"{key} on {control.description!r}", params)
            # The slider's own readout shows the value the picture was drawn for.
            assert demo.readout(control.description) == pytest.approx(params[name])


def test_lab_kernel_is_this_venv(lab):
    output = lab.cell(0).locator(".jp-OutputArea-output")
    output.wait_for(timeout=RENDER_TIMEOUT_MS)
    assert output.inner_text().strip() == sys.prefix


def test_axis_explorer_every_slider_redraws_in_lab(lab):
    live = axis_explorer()  # the same defaults as the notebook's, to know names and bounds
    demo = Demo(lab, "axis-explorer")
    params = {name: c.value for name, c in live.controls.items()}
    assert demo_alts.missing_phrases("axis-explorer", params, demo.last["alt"]) == []
    _move_sliders(demo, live, params, ["inclination_deg", "deviation_deg", "pronation_deg"])
    lab.assert_offline_and_clean()


def test_knee_chain_every_slider_redraws_in_lab(lab):
    live = knee_chain()
    demo = Demo(lab, "knee-chain")
    params = {name: c.value for name, c in live.controls.items()}
    assert demo_alts.missing_phrases("knee-chain", params, demo.last["alt"]) == []
    _move_sliders(demo, live, params, ["pronation_deg", "femoral_rotation_deg",
                                       "knee_flexion_deg"])
    lab.assert_offline_and_clean()


def test_stance_player_every_control_redraws_in_lab(lab):
    live = stance_player()
    demo = Demo(lab, "stance-player")
    percent, ratio = live.controls["percent_stance"], live.controls["coupling_ratio"]
    params = {"preset": live.controls["preset"].value, "percent_stance": percent.value,
              "coupling_ratio": ratio.value}
    assert demo_alts.missing_phrases("stance-player", params, demo.last["alt"]) == []
    # Each preset button (the chosen one last): the preset and its coupling ratio.
    presets = list(km.STANCE_PRESETS)
    for preset in presets[1:] + presets[:1]:
        label = km.STANCE_PRESETS[preset].label
        demo.output.locator(".widget-toggle-button", has_text=label).click()
        params.update(preset=preset,
                      coupling_ratio=round(km.STANCE_PRESETS[preset].ratio_early, 2))
        demo.expect(f"the {label!r} button", params)
        assert demo.readout(ratio.description) == pytest.approx(params["coupling_ratio"])
    # The sliders: % of stance to 100, the ratio to its bounds, % of stance back to 0.
    for control, name, key, value in ((percent, "percent_stance", "End", percent.max),
                                      (ratio, "coupling_ratio", "End", ratio.max),
                                      (ratio, "coupling_ratio", "Home", ratio.min),
                                      (ratio, "coupling_ratio", "End", ratio.max),
                                      (percent, "percent_stance", "Home", percent.min)):
        demo.press(control.description, key)
        params[name] = value
        demo.expect(f"{key} on {control.description!r}", params)
        assert demo.readout(control.description) == pytest.approx(value)
    # Play moves through stance; the same button then pauses it, on a frame drawn for the
    # slider's value; Stop goes back to the start.
    play_pause = demo.output.locator(".widget-play button").first
    stop = demo.output.locator(".widget-play button:has(i.fa-stop)")
    assert play_pause.locator("i.fa-play").count() == 1
    play_pause.click()
    deadline = time.monotonic() + REDRAW_TIMEOUT_S
    while demo.frame()["alt"] == demo.last["alt"]:
        assert time.monotonic() < deadline, "stance-player: Play did not change the picture"
        demo.page.wait_for_timeout(50)
    play_pause.click()
    play_pause.locator("i.fa-play").wait_for(timeout=5_000)  # the button shows Play again
    demo.page.wait_for_timeout(300)  # a step already sent may still arrive
    params["percent_stance"] = demo.readout(percent.description)
    assert percent.min < params["percent_stance"] < percent.max, "Pause did not pause"
    demo.expect("Play, then Pause", params)
    demo.page.wait_for_timeout(600)  # more than two steps of Play: nothing may move now
    assert demo.frame() == demo.last, "the player went on after Pause"
    stop.click()
    params["percent_stance"] = percent.min
    demo.expect("Stop", params)
    assert demo.readout(percent.description) == percent.min
    lab.assert_offline_and_clean()


# --- The "Check yourself" quiz (widgets/quiz.py) in JupyterLab: its own notebook and test ----
# A notebook holding chapter 3's quiz cell is written through the server's contents API and
# opened in a page of its own; the quiz must draw every question with its maths as MathML
# (no MathJax, no CDN), give each answer its feedback, and leave no request off 127.0.0.1
# and no page error (jupyterquiz alone tries a CDN MathJax here and raises six errors).
QUIZ_NOTEBOOK = "quiz.ipynb"
QUIZ_CHAPTER = 3  # its questions and choices have maths
QUIZ_CELLS = [f"from widgets.quiz import chapter_quiz\nchapter_quiz({QUIZ_CHAPTER})"]


def _put_notebook(server: dict, name: str, cells: list[str]):
    """Write a notebook of these code cells into the server's folder (contents API)."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    body = json.dumps({"type": "notebook", "format": "json",
                       "content": json.loads(nbformat.writes(notebook))}).encode()
    request = urllib.request.Request(
        f"{server['base']}/api/contents/{name}", data=body, method="PUT",
        headers={"Authorization": f"token {server['token']}",
                 "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status in (200, 201)


def test_quiz_renders_with_maths_and_feedback_in_lab(lab, lab_server):
    from widgets.quiz import _number, chapter_quiz, to_plain

    questions = chapter_quiz(QUIZ_CHAPTER).quiz.questions
    _put_notebook(lab_server, QUIZ_NOTEBOOK, QUIZ_CELLS)
    blocked, errors = [], []

    def route(route_):
        url = route_.request.url
        if url.startswith("http://127.0.0.1:") or url.startswith(("data:", "blob:")):
            route_.continue_()
        else:
            blocked.append(url)
            route_.abort()

    context = lab.context.browser.new_context(viewport={"width": 1400, "height": 2400})
    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(error.message[:300]))
    try:
        # A workspace of its own, reset: only this notebook is open, so the status bar's
        # kernel state is this notebook's (the demo notebook stays in the default workspace).
        page.goto(f"{lab_server['base']}/lab/workspaces/kc-quiz/tree/{QUIZ_NOTEBOOK}"
                  f"?reset&token={lab_server['token']}")
        run_all_cells(page)
        root = page.locator(f'#kcquiz{QUIZ_CHAPTER:02d}[data-kc-ready="true"]')
        root.wait_for(state="attached", timeout=RENDER_TIMEOUT_MS)
        wraps = root.locator(".Quiz")
        assert wraps.count() == len(questions)

        # Maths typeset: MathML drawn by the browser, with real size, no "$" left.
        maths = root.locator("math")
        assert maths.count() >= 3
        box = maths.first.bounding_box()
        assert box and box["width"] > 5 and box["height"] > 5
        assert root.locator("math mi").count() >= 3
        assert "$" not in root.inner_text()

        def feedback_after(n: int, verdict: str) -> str:
            fb = wraps.nth(n).locator(".Feedback")
            fb.locator(f"xpath=self::*[contains(@class, '{verdict}')]").wait_for(timeout=5_000)
            return " ".join(fb.inner_text().split())

        n, q = next((n, q) for n, q in enumerate(questions) if q.kind == "choice")
        wrong = next(i for i, c in enumerate(q.choices) if not c.correct)
        buttons = wraps.nth(n).locator("label.MCButton")
        buttons.nth(wrong).click()
        assert " ".join(q.choices[wrong].why.split()[:5]) in feedback_after(n, "incorrect")
        buttons.nth(q.right_choice).click()
        assert " ".join(q.choices[q.right_choice].why.split()[:5]) in feedback_after(n, "correct")

        n, q = next((n, q) for n, q in enumerate(questions) if q.kind == "numeric")
        field_ = wraps.nth(n).locator("input.Input-text")
        field_.fill(_number(q.answer, q.precision))
        field_.press("Enter")
        assert to_plain(q.explanation).split()[0] in feedback_after(n, "correct")

        assert not blocked, f"requests left the machine: {blocked[:5]}"
        assert not errors, f"JavaScript errors: {errors[:5]}"
    except Exception:
        page.screenshot(path=lab_server["home"] / "quiz-in-lab.png")
        raise
    finally:
        context.close()
# --- The 3-D leg live (widgets/leg3d.py, issue 14): its own notebook in the same server ----------
LEG3D_NOTEBOOK = "leg3d_live.ipynb"
LEG3D_CELLS = {"foot": "from widgets.leg3d import foot_3d\nfoot_3d()",
               "knee": "from widgets.leg3d import knee_3d\nknee_3d()",
               "stance": "from widgets.leg3d import stance_3d\nstance_3d()"}
LEG3D_RENDER_TIMEOUT_MS = 240_000   # the kernel builds chapter 3's tables first (~20 s)


@pytest.fixture(scope="module")
def leg3d_lab(lab, lab_server):
    """The 3-D notebook, written through the contents API, opened and run in its own tab."""
    _put_notebook(lab_server, LEG3D_NOTEBOOK, list(LEG3D_CELLS.values()))
    browser = lab.page.context.browser
    tab = LabPage.__new__(LabPage)   # LabPage's checks, this notebook's URL
    tab.blocked, tab.errors = [], []
    tab.context = browser.new_context(viewport={"width": 1400, "height": 2400})
    tab.context.route("**/*", tab._route)
    tab.page = tab.context.new_page()
    tab.page.on("pageerror", lambda error: tab.errors.append(error.message[:300]))
    # Its own, empty workspace: the default one would reopen live_demos.ipynb here too.
    tab.page.goto(f"{lab_server['base']}/lab/workspaces/kc-leg3d/tree/{LEG3D_NOTEBOOK}"
                  f"?reset&token={lab_server['token']}")
    page = tab.page
    run_all_cells(page)
    try:
        page.locator(".jp-Notebook .kc-leg3d canvas").nth(len(LEG3D_CELLS) - 1).wait_for(
            timeout=LEG3D_RENDER_TIMEOUT_MS)
    except Exception as error:
        shot = lab_server["home"] / "leg3d-did-not-render.png"
        page.screenshot(path=shot)
        outputs = page.locator(".jp-OutputArea").all_inner_texts()
        raise AssertionError(f"the 3-D views did not render ({shot}): {error}\n{tab.errors}\n"
                             f"{[o[:300] for o in outputs]}\n{lab_server['log']()}") from error
    yield tab
    tab.close()


def _leg3d_expect(root, view: str, state: dict, what: str):
    """Wait until the live view shows the kernel's pose and words for ``state``."""
    from widgets import leg3d
    label = km.STANCE_PRESETS[state["preset"]].label if view == "stance" else None
    expected = leg3d.describe(view, leg3d.model_values(view, state), label)
    deadline = time.monotonic() + REDRAW_TIMEOUT_S
    canvas = root.locator("canvas")
    while canvas.get_attribute("aria-label") != expected:
        assert time.monotonic() < deadline, (
            f"{view}: after {what} the view shows {canvas.get_attribute('aria-label')!r}, "
            f"not {expected!r}")
        root.page.wait_for_timeout(50)
    assert root.evaluate("root => root.kcLeg3d.isLive()"), "the view did not go live"


@pytest.mark.parametrize("view", list(LEG3D_CELLS))
def test_leg3d_every_control_is_recomputed_by_the_kernel_in_lab(leg3d_lab, view):
    from widgets import leg3d
    root = leg3d_lab.cell(list(LEG3D_CELLS).index(view)).locator(".kc-leg3d")
    root.locator("canvas").wait_for(timeout=RENDER_TIMEOUT_MS)
    state = leg3d.check_state(view, {})
    _leg3d_expect(root, view, state, "loading")
    for control in leg3d.controls(view):
        slider = root.locator(f"input[data-control={control.name}]")
        for key, value in (("End", control.high), ("Home", control.low)):
            slider.scroll_into_view_if_needed()
            slider.focus()
            leg3d_lab.page.keyboard.press(key)
            state[control.name] = value
            _leg3d_expect(root, view, state, f"{key} on {control.label!r}")
    for button in root.locator(".kc-leg3d-group button").all():
        button.click()
        if view == "stance":
            state["preset"] = next(k for k, p in km.STANCE_PRESETS.items()
                                   if p.label == button.inner_text())
        else:
            preset = next(p for p in leg3d.presets("foot")
                          if p["label"] == button.inner_text())
            state.update(preset["values"])
        _leg3d_expect(root, view, state, f"the {button.inner_text()!r} button")
    if view == "stance":
        play = root.locator(".kc-leg3d-play")
        before = root.locator("canvas").get_attribute("aria-label")
        play.click()
        deadline = time.monotonic() + REDRAW_TIMEOUT_S
        while root.locator("canvas").get_attribute("aria-label") == before:
            assert time.monotonic() < deadline, "Play did not move the live view"
            leg3d_lab.page.wait_for_timeout(50)
        play.click()
        assert play.inner_text() == "Play"
    leg3d_lab.assert_offline_and_clean()
