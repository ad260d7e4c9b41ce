"""Shared machinery of the browser tests: the built book in Debian's Chromium, offline.

The built HTML is served on 127.0.0.1 and opened through Playwright with Debian's Chromium
(``executable_path``; Playwright never downloads a browser here). Every request to any other
host is aborted and recorded, so a page that needs the internet fails instead of hanging.
``audit_page`` loads one page and reports everything the tests check on every page: blocked
requests, HTTP errors, JavaScript and console errors, MathJax, pictures without alt text,
controls without a label and axe-core's violations; it also saves a screenshot.

Importing this module skips the importing test module when Chromium or Playwright is
missing, except on CI (``CI`` set), where that is an error (``.ci/run`` installs Chromium).
"""

from __future__ import annotations

import dataclasses
import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

from book import BUILD_ROOT, HTML, ROOT
from tools.assignments import toc_pages

CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
# axe-core, from the npm registry at the version pinned in _vendor/package.json (make vendor);
# injected by the tests only, never published with the book.
AXE_JS = ROOT / "_vendor" / "test" / "axe-core" / "axe.min.js"
SCREENSHOTS = BUILD_ROOT / "_build" / "screenshots"
# Impacts that fail a page: all that axe reports. The issue asked for none serious or
# critical; after the fixes in _ext/accessible_html.py no page has even a minor one, and a
# new one should be seen, not slip in.
FAILING_IMPACTS = ("minor", "moderate", "serious", "critical")
GROUP_ROLES = ("group", "radiogroup")

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing: .ci/run should have installed chromium")
    pytest.skip("Debian chromium is not installed", allow_module_level=True)
if os.environ.get("CI"):
    from playwright import sync_api  # on CI a missing Playwright is an error, not a skip
else:
    sync_api = pytest.importorskip("playwright.sync_api")


def book_pages() -> list[str]:
    """Every HTML page a reader can open, relative to _build/html: the landing page, each
    page of the table of contents, the index and the search page."""
    return [f"{name}.html" for name in toc_pages()] + ["genindex.html", "search.html"]


# Folders of _build/html that hold no reader-facing page: Sphinx's assets and sources, the
# notebooks for download and the vendored JavaScript (_vendor/html).
NOT_PAGES = ("_static", "_sources", "_images", "assignments", *(
    p.name for p in (ROOT / "_vendor" / "html").iterdir() if p.is_dir()))


def built_pages(html: Path = HTML) -> list[str]:
    """Every *.html under ``html`` outside NOT_PAGES, relative and sorted."""
    return sorted(p.relative_to(html).as_posix() for p in html.rglob("*.html")
                  if p.relative_to(html).parts[0] not in NOT_PAGES)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class Server:
    """A folder served over HTTP on 127.0.0.1 (a free port), in a thread."""

    def __init__(self, folder: Path):
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def book_server(built_book):
    server = Server(built_book)
    yield server.url
    server.close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


class OfflinePage:
    """A browser page whose requests may only reach ``base``; records what went wrong."""

    def __init__(self, browser, base: str):
        self.base = base
        self.blocked: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.console_errors: list[str] = []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", self._page_error)
        self.page.on("console", self._console)
        self.page.on("response", self._response)
        self.page.on("requestfailed", self._request_failed)

    def _local(self, url: str) -> bool:
        return url.startswith((self.base + "/", "data:", "blob:")) or url == self.base

    def _route(self, route):
        url = route.request.url
        if self._local(url):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def _page_error(self, error):
        self.errors.append(f"{error.message} {error.stack or ''}"[:400])

    def _console(self, message):
        if message.type == "error":
            location = message.location or {}
            self.console_errors.append(f"{message.text} ({location.get('url', '')})"[:400])

    def _response(self, response):
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")

    def _request_failed(self, request):
        if self._local(request.url):  # blocked ones are in self.blocked already
            self.failed.append(f"{request.failure} {request.url}")

    def goto(self, path: str):
        self.page.goto(f"{self.base}/{path}", wait_until="load")
        return self.page

    def close(self):
        self.context.close()


@pytest.fixture()
def offline_page(browser, book_server):
    page = OfflinePage(browser, book_server)
    yield page
    page.close()


# Resolves when the page has settled: the widget manager has drawn every saved view (each
# into a "widget-subarea" it adds beside the view's script) and MathJax, when the page has
# math, has typeset it. Gives up after 30 s; the checks then report what is missing.
# Widget code loads lazily (_ext/fast_pages.py, kc-lazy.js: when a demo nears the viewport):
# window.kcLoadWidgets() starts that loading now and resolves once every view is drawn and
# has replaced its still, so every test that settles a page sees its widgets.
# MathJax typesets lazily (_config.yml mathjax3_config loads ui/lazy: an expression is typeset
# when it nears the viewport): once MathJax has started, window.kcTypesetMath()
# (_ext/fast_static/kc-mathjax.js, on every page with maths) typesets every expression now.
SETTLE_JS = """
async () => {
  const deadline = Date.now() + 30000;
  const wait = () => new Promise(resolve => setTimeout(resolve, 50));
  if (window.kcLoadWidgets) {
    await Promise.race([window.kcLoadWidgets(),
                        new Promise(resolve => setTimeout(resolve, 30000))]);
  }
  const views = () => Array.from(document.querySelectorAll(
      'script[type="application/vnd.jupyter.widget-view+json"]'));
  const drawn = script => [script.previousElementSibling, script.nextElementSibling].some(
      area => area && area.classList.contains('widget-subarea') && area.children.length > 0);
  while (!views().every(drawn) && Date.now() < deadline) await wait();
  if (document.querySelector('.math')) {
    while (!(window.MathJax && MathJax.startup && MathJax.startup.promise)
           && Date.now() < deadline) await wait();
    if (window.MathJax && MathJax.startup) await MathJax.startup.promise;
    if (window.kcTypesetMath) await window.kcTypesetMath();
  }
  return {views: views().length, drawn: views().filter(drawn).length};
}
"""

# The page's math: elements Sphinx marks "math", those MathJax has typeset, and its errors.
# An expression the lazy extension has not typeset yet holds an <mjx-lazy> placeholder inside
# its mjx-container: that is not typeset.
MATH_JS = """
() => {
  const math = Array.from(document.querySelectorAll('.math'));
  const untypeset = math.filter(el => !el.querySelector('mjx-container') || el.querySelector('mjx-lazy'));
  return {
    math: math.length,
    typeset: math.length - untypeset.length,
    untypeset: untypeset.slice(0, 3).map(el => el.textContent.slice(0, 80)),
    errors: Array.from(document.querySelectorAll('mjx-merror'))
                 .slice(0, 3).map(el => el.textContent.slice(0, 80)),
  };
}
"""

# Every <img> without alt text, unless it is marked decorative (alt="" with role=presentation
# or none); and the decorative ones, for the report.
IMAGES_JS = """
() => {
  const images = Array.from(document.querySelectorAll('img'));
  const decorative = img => img.getAttribute('alt') === ''
      && ['presentation', 'none'].includes(img.getAttribute('role'));
  const describe = img => (img.getAttribute('src') || '').slice(0, 80);
  return {
    count: images.length,
    missing: images.filter(img => !decorative(img) && !(img.getAttribute('alt') || '').trim())
                   .map(describe),
    decorative: images.filter(decorative).map(describe),
  };
}
"""

# Every visible control of a rendered widget, with the accessible name axe-core computes for
# it (the name a screen reader announces); a ToggleButtons row counts as one control too, a
# group that needs its own name. Runs after axe.run, with axe's tree set up and torn down.
CONTROLS_JS = """
() => {
  const selector = 'button, input, select, textarea, [role="slider"], [role="textbox"],'
                 + ' [contenteditable="true"], .widget-toggle-buttons';
  const controls = Array.from(document.querySelectorAll('.jupyter-widgets'))
      .flatMap(widget => Array.from(widget.querySelectorAll(selector)))
      .filter((el, i, all) => all.indexOf(el) === i && el.getClientRects().length > 0);
  axe.setup(document);
  try {
    return controls.map(el => ({
      kind: el.classList.contains('widget-toggle-buttons') ? 'ToggleButtons group'
          : el.tagName.toLowerCase() + (el.getAttribute('role') ? `[role=${el.getAttribute('role')}]` : ''),
      role: axe.commons.aria.getRole(el) || '',
      name: axe.commons.text.accessibleTextVirtual(axe.utils.getNodeFromTree(el)).trim(),
      where: (el.closest('[class*="kc-demo-"]') || {className: ''}).className
                 .split(' ').filter(c => c.startsWith('kc-demo-')).join(' '),
    }));
  } finally {
    axe.teardown();
  }
}
"""


@dataclasses.dataclass
class PageReport:
    """What ``audit_page`` found on one page."""

    path: str
    widgets: dict
    blocked: list[str]
    failed: list[str]
    errors: list[str]
    console_errors: list[str]
    math: dict
    images: dict
    controls: list[dict]
    violations: list[dict]
    screenshot: Path | None

    def failing_violations(self) -> list[str]:
        """axe violations of a failing impact: rule, impact, node count, first targets."""
        return [f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): "
                + "; ".join(" ".join(map(str, n["target"])) for n in v["nodes"][:3])
                for v in self.violations if v["impact"] in FAILING_IMPACTS]

    def problems(self) -> list[str]:
        """Everything that fails a page, one readable line each (empty: the page passes)."""
        found = []
        found += [f"blocked request to another host: {url}" for url in self.blocked]
        found += [f"failed request: {line}" for line in self.failed]
        found += [f"JavaScript error: {line}" for line in self.errors]
        found += [f"console error: {line}" for line in self.console_errors]
        if self.widgets["drawn"] < self.widgets["views"]:
            found.append(f"widgets drawn: {self.widgets['drawn']} of {self.widgets['views']}")
        if self.math["typeset"] < self.math["math"]:
            found.append(f"MathJax typeset {self.math['typeset']} of {self.math['math']} "
                         f"math elements; not: {self.math['untypeset']}")
        found += [f"MathJax error: {text}" for text in self.math["errors"]]
        found += [f"picture without alt text: {src}" for src in self.images["missing"]]
        found += [f"control without an accessible name: {c['kind']} in {c['where'] or 'page'}"
                  for c in self.controls if not c["name"]]
        found += [f"ToggleButtons not exposed as a named group: role {c['role']!r}"
                  for c in self.controls
                  if c["kind"] == "ToggleButtons group" and c["role"] not in GROUP_ROLES]
        found += [f"axe: {line}" for line in self.failing_violations()]
        return found


def screenshot_path(path: str) -> Path:
    return SCREENSHOTS / (path.removesuffix(".html").replace("/", "__") + ".png")


def audit_page(offline: OfflinePage, path: str, screenshot: bool = True) -> PageReport:
    """Load ``path`` offline, let widgets and MathJax settle, save a full-page screenshot
    (unless ``screenshot`` is false), run axe-core and collect what every page must pass."""
    page = offline.goto(path)
    widgets = page.evaluate(SETTLE_JS)
    page.wait_for_load_state("networkidle")
    shot = None
    if screenshot:
        shot = screenshot_path(path)
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)
    math, images = page.evaluate(MATH_JS), page.evaluate(IMAGES_JS)
    page.add_script_tag(path=str(AXE_JS))
    axe = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    violations = [{"id": v["id"], "impact": v["impact"], "help": v["help"],
                   "nodes": [{"target": n["target"], "impact": n.get("impact")}
                             for n in v["nodes"]]}
                  for v in axe["violations"]]
    controls = page.evaluate(CONTROLS_JS)
    return PageReport(path=path, widgets=widgets, blocked=list(offline.blocked), failed=list(offline.failed),
                      errors=list(offline.errors), console_errors=list(offline.console_errors),
                      math=math, images=images, controls=controls, violations=violations,
                      screenshot=shot)
