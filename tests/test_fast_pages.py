"""Fast and findable pages (issue 18, _ext/fast_pages.py): checked on the HTML as served.

Deterministic, no timing (speed is ``make bench``'s Lighthouse table): every page has a meta
description and a favicon; every demo output's default picture is an ``<img>`` with alt text
in the HTML before any script, and visible with JavaScript off; no render-blocking script
over 100 kB in any head; MathJax only on pages with maths; the widget code is not in the head
and the lazy loader loads every script of ``nb_ipywidgets_js``, in order. The checker is shown
failing on a broken page.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from book import BUILD_ROOT, HTML, ROOT

import browser as browser_support
from browser import OfflinePage, book_pages, SETTLE_JS
from browser import book_server, browser  # noqa: F401 (fixtures)

PAGES = book_pages()
DEMO_PAGES = ["chapters/03-subtalar-to-tibia.html", "chapters/04-ankle-to-knee.html",
              "chapters/05-stance-phase.html"]
BLOCKING_LIMIT_BYTES = 100_000
VIEW = "application/vnd.jupyter.widget-view+json"
STATE = "application/vnd.jupyter.widget-state+json"


def configured_widget_scripts() -> list[str]:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return list(config["sphinx"]["config"]["nb_ipywidgets_js"])


def local_file(page: Path, url: str, html: Path) -> Path | None:
    if "://" in url or url.startswith(("data:", "//")):
        return None
    return (page.parent / url.split("?")[0].split("#")[0]).resolve()


def widget_views(soup: BeautifulSoup) -> list:
    return soup.find_all("script", type=VIEW)


def page_problems(page: Path, html: Path = HTML) -> list[str]:
    """What the served HTML of ``page`` breaks of issue 18's rules, one line each."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    head = soup.head
    problems = []
    description = head.find("meta", attrs={"name": "description"})
    if description is None or len(description.get("content", "").strip()) < 20:
        problems.append("no meta description")
    icon = head.find("link", rel="icon")
    if icon is None:
        problems.append("no favicon")
    elif not (local_file(page, icon["href"], html) or Path("/nonexistent")).is_file():
        problems.append(f"favicon missing: {icon['href']}")
    for script in head.find_all("script", src=True):
        if script.has_attr("async") or script.has_attr("defer") or script.get("type") == "module":
            continue
        path = local_file(page, script["src"], html)
        size = path.stat().st_size if path and path.is_file() else 0
        if size > BLOCKING_LIMIT_BYTES:
            problems.append(f"render-blocking script of {size / 1000:.0f} kB: {script['src']}")
    if any("fontawesome.js" in s["src"] for s in soup.find_all("script", src=True)):
        problems.append("fontawesome.js is loaded")
    has_maths = bool(soup.body.select(".math"))
    loads_mathjax = any("mathjax" in s["src"] for s in soup.find_all("script", src=True))
    if loads_mathjax and not has_maths:
        problems.append("MathJax is loaded on a page without maths")
    if has_maths and not loads_mathjax:
        problems.append("a page with maths does not load MathJax")
    widget_files = {name.rsplit("/", 1)[-1] for name in configured_widget_scripts()}
    for script in head.find_all("script", src=True):
        if script["src"].split("?")[0].rsplit("/", 1)[-1] in widget_files:
            problems.append(f"widget script in the head: {script['src']}")
    if head.find("script", type=STATE):
        problems.append("widget state inline in the head")
    for img in soup.select("div.kc-still > img"):
        view = img.parent.find_next_sibling()
        if view is None or view.name != "script" or view.get("type") != VIEW:
            problems.append(f"still not right before its widget view: {img.get('src')}")
        if not img.get("alt", "").strip() or not any(c.isdigit() for c in img["alt"]):
            problems.append(f"still without an alt text holding numbers: {img.get('src')}")
        if not (img.get("width") and img.get("height")):
            problems.append(f"still without width and height: {img.get('src')}")
        source = local_file(page, img.get("src", ""), html)
        if source is None or not source.is_file():
            problems.append(f"still picture missing: {img.get('src')}")
    return problems


def demo_outputs(chapter: Path) -> list[str]:
    """The alt text (``text/plain``) of every cell output of the chapter, as the book build
    ran it (its jupyter-cache), that carries a widget view and an ``image/png``: each must
    have its still. Outputs of ``remove-output`` cells are not on the page."""
    from jupyter_cache import get_cache
    from tools.assignments import read_chapter
    _, notebook = get_cache(BUILD_ROOT / "_build" / ".jupyter_cache").merge_match_into_notebook(
        read_chapter(chapter))
    return [output["data"]["text/plain"] for cell in notebook.cells if cell.cell_type == "code"
            and "remove-output" not in cell.metadata.get("tags", [])
            for output in cell.get("outputs", [])
            if VIEW in output.get("data", {}) and "image/png" in output.get("data", {})]


def missing_stills(page: Path, expected_alts: list[str]) -> list[str]:
    """Each expected still (by its alt text, in page order) that the page does not show."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    shown = [img.get("alt", "") for img in soup.select("div.kc-still > img")]
    return [alt[:100] for alt in expected_alts if alt not in shown] + (
        [f"{len(shown)} stills for {len(expected_alts)} demo outputs"]
        if len(shown) != len(expected_alts) else [])


@pytest.mark.parametrize("path", DEMO_PAGES, ids=str)
def test_every_demo_output_has_its_still(built_book, path):
    """Per demo output, never per page: a chapter may hold several demos (e.g. a 2-D and a
    3-D view), each output with a widget view and a PNG gets its own still."""
    expected = demo_outputs(ROOT / path.replace(".html", ".md"))
    assert expected, f"{path}: no demo output found in the build's cache"
    assert not missing_stills(built_book / path, expected)


def test_missing_stills_are_found(tmp_path):
    page = tmp_path / "p.html"
    page.write_text('<div class="kc-still"><img alt="A at 1°" src="a.png"></div>'
                    '<script type="application/vnd.jupyter.widget-view+json">{}</script>')
    assert missing_stills(page, ["A at 1°"]) == []
    problems = missing_stills(page, ["A at 1°", "B at 2°"])
    assert "B at 2°" in problems and "1 stills for 2 demo outputs" in problems


@pytest.mark.parametrize("path", PAGES, ids=str)
def test_page_is_findable_light_and_has_its_stills(built_book, path):
    problems = page_problems(built_book / path)
    assert not problems, f"{path}:\n  " + "\n  ".join(problems)


def test_math_pages_and_demo_pages_are_among_the_pages(built_book):
    """The checks above cover both kinds of page: with and without maths, with demos."""
    soups = {p: BeautifulSoup((built_book / p).read_text(encoding="utf-8"), "html.parser")
             for p in PAGES}
    assert any(s.body.select(".math") for s in soups.values())
    assert any(not s.body.select(".math") for s in soups.values())
    for path in DEMO_PAGES:
        assert widget_views(soups[path]), f"{path} has no widget view"


def test_lazy_loader_loads_every_configured_widget_script_in_order(built_book):
    """Contract 3: kc-lazy.js is handed _config.yml's nb_ipywidgets_js, in order, and the
    page's state file, which holds every model the page's views show."""
    configured = configured_widget_scripts()
    for path in DEMO_PAGES:
        page = built_book / path
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        [loader] = soup.find_all("script", attrs={"data-kc-widgets": True})
        assert loader.has_attr("defer") and "kc-lazy.js" in loader["src"]
        config = json.loads(loader["data-kc-widgets"])
        loaded = [(page.parent / s["src"]).resolve() for s in config["scripts"]]
        expected = [(built_book / "_static" / name).resolve() for name in configured]
        assert loaded == expected
        assert all(f.is_file() for f in loaded)
        state = json.loads((page.parent / config["state"]).read_text(encoding="utf-8"))
        for view in widget_views(soup):
            assert json.loads(view.string)["model_id"] in state["state"]


def test_each_still_is_the_demos_default_frame(built_book):
    """The still's alt text is one of the alt texts of the frames the widget itself shows
    (so it is the model's picture, not a stand-in)."""
    for path in DEMO_PAGES:
        page = built_book / path
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        config = json.loads(soup.find("script", attrs={"data-kc-widgets": True})["data-kc-widgets"])
        state = json.loads((page.parent / config["state"]).read_text(encoding="utf-8"))["state"]
        frame_alts = {img.get("alt") for model in state.values()
                      if model["model_name"] == "HTMLModel"
                      for img in BeautifulSoup(model["state"].get("value", ""), "html.parser")("img")}
        # The 3-D leg (widgets/leg3d.py, an anywidget) names its default pose in its spec.
        frame_alts |= {model["state"]["spec"]["alt"] for model in state.values()
                       if model["model_name"] == "AnyModel" and "spec" in model["state"]}
        stills = soup.select("div.kc-still > img")
        assert stills, path
        for img in stills:
            assert img["alt"] in frame_alts, img["alt"][:120]


def test_theme_template_copy_differs_only_where_we_changed_it():
    """fast_templates/static/webpack-macros.html is the installed theme's file with the
    fontawesome.js script and the two stylesheet links taken out (they are in the CSS
    bundle): a theme upgrade that changes the file fails here instead of silently."""
    import pydata_sphinx_theme
    theme = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / \
        "static" / "webpack-macros.html"
    ours = ROOT / "_ext" / "fast_templates" / "static" / "webpack-macros.html"
    removed = [line for line in difflib.ndiff(theme.read_text().splitlines(),
                                              ours.read_text().splitlines())
               if line.startswith("- ")]
    assert len(removed) == 4, removed
    assert all(("fontawesome.js" in line or "theme.css" in line
                or "pydata-sphinx-theme.css" in line or "custom icons" in line)
               for line in removed), removed


BROKEN_HEAD = """<!DOCTYPE html><html><head><title>Broken</title>
<script src="big.js"></script>
<script defer src="../mathjax/tex-mml-chtml.js"></script>
<script src="jupyter-widgets/embed-amd.js"></script>
<script defer src="_static/scripts/fontawesome.js"></script>
</head><body><p>No maths here.</p>
<div class="cell_output"><div class="kc-still"><img src="gone.png" alt="no numbers"></div>
<p>in between</p><script type="application/vnd.jupyter.widget-view+json">
{"version_major": 2, "version_minor": 0, "model_id": "abc"}</script></div>
</body></html>"""


def test_the_checker_fails_a_broken_page(tmp_path):
    (tmp_path / "big.js").write_text("x" * (BLOCKING_LIMIT_BYTES + 1))
    page = tmp_path / "broken.html"
    page.write_text(BROKEN_HEAD)
    problems = "\n".join(page_problems(page, tmp_path))
    for expected in ("no meta description", "no favicon", "render-blocking script of 100 kB",
                     "MathJax is loaded on a page without maths",
                     "widget script in the head", "still not right before its widget view",
                     "still without an alt text holding numbers", "still without width",
                     "still picture missing",
                     "fontawesome.js is loaded"):
        assert expected in problems, (expected, problems)


# --- In the browser ------------------------------------------------------------------------

STILLS_JS = """
() => Array.from(document.querySelectorAll('div.kc-still > img')).map(img => ({
  alt: img.alt, complete: img.complete, natural: img.naturalWidth,
  height: img.getBoundingClientRect().height, shown: img.offsetParent !== null,
}))
"""


@pytest.mark.parametrize("path", DEMO_PAGES, ids=str)
def test_stills_show_with_javascript_off(browser, book_server, path):  # noqa: F811
    context = browser.new_context(java_script_enabled=False, viewport={"width": 412, "height": 823})
    try:
        page = context.new_page()
        page.goto(f"{book_server}/{path}", wait_until="load")
        images = page.locator("div.kc-still > img")  # JavaScript is off: locators only
        assert images.count() >= 1
        for i in range(images.count()):
            image = images.nth(i)
            image.scroll_into_view_if_needed()
            assert image.is_visible()
            box = image.bounding_box()
            assert box and box["height"] > 50 and box["width"] > 50, box
            assert any(c.isdigit() for c in image.get_attribute("alt"))
            assert image.evaluate("img => img.complete && img.naturalWidth > 0")
        assert page.locator("p.kc-still-note").first.is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("path", DEMO_PAGES, ids=str)
def test_widgets_load_only_on_demand_then_replace_the_still(browser, book_server, path):  # noqa: F811
    """At page load the 3.6 MB widget manager is not fetched and the still shows; after
    SETTLE_JS (which calls window.kcLoadWidgets) every view is drawn and its still hidden,
    with no error."""
    offline = OfflinePage(browser, book_server)
    requested: list[str] = []
    offline.page.on("request", lambda request: requested.append(request.url))
    try:
        page = offline.goto(path)
        page.wait_for_timeout(200)
        assert not [u for u in requested if "embed-amd.js" in u], "widget code loaded at once"
        before = page.evaluate(STILLS_JS)
        assert before and all(s["alt"] for s in before)
        assert page.evaluate("typeof window.kcLoadWidgets") == "function"
        settled = page.evaluate(SETTLE_JS)
        assert settled["views"] and settled["drawn"] == settled["views"], settled
        assert [u for u in requested if "embed-amd.js" in u]
        after = page.evaluate(STILLS_JS)
        assert not [s for s in after if s["shown"]], "a still stays beside its drawn widget"
        assert not offline.errors and not offline.console_errors, (offline.errors,
                                                                   offline.console_errors)
        assert not offline.blocked and not offline.failed
    finally:
        offline.close()


def test_browser_support_module_still_exports_settle_js():
    assert "kcLoadWidgets" in browser_support.SETTLE_JS


def test_a_demo_mimebundle_carries_its_still():
    """Contract 1: widget view + image/png (the default state) + text/plain (its alt text)."""
    import base64

    from widgets import axis_explorer
    demo = axis_explorer.axis_explorer()
    bundle = demo._repr_mimebundle_()
    assert VIEW in bundle
    assert base64.b64decode(bundle["image/png"]) == demo.png
    assert bundle["text/plain"] == demo.alt and any(c.isdigit() for c in demo.alt)


# --- MathJax typesets lazily (ui/lazy) -------------------------------------------------------

MATH_PAGE = "chapters/03-subtalar-to-tibia.html"

def _fast_pages_module():
    import importlib.util
    spec = importlib.util.spec_from_file_location("fast_pages", ROOT / "_ext" / "fast_pages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


LAZY_MATH_MIN = _fast_pages_module().LAZY_MATH_MIN
# Each .math element: typeset (an mjx-container without the lazy extension's <mjx-lazy>
# placeholder) or not, in page order.
MATH_STATES_JS = """
() => Array.from(document.querySelectorAll('.math')).map(
  el => !!el.querySelector('mjx-container') && !el.querySelector('mjx-lazy'))
"""
MATHJAX_STARTED_JS = """
async () => { await MathJax.startup.promise;
              return !!MathJax.startup.document.lazyList && typeof window.kcTypesetMath; }
"""


def test_maths_pages_typeset_lazily_with_the_local_extension(built_book):
    """Every page with LAZY_MATH_MIN expressions or more asks MathJax's loader for ui/lazy (the
    others typeset at once), and that file is served beside tex-mml-chtml.js (the loader's
    [mathjax] folder), the vendored copy; kc-mathjax.js comes after MathJax on every page with
    maths, and only there."""
    vendored = (ROOT / "_vendor/html/mathjax/ui/lazy.js").read_bytes()
    math_pages = lazy_pages = 0
    for path in PAGES:
        page = built_book / path
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        scripts = [s["src"] for s in soup.find_all("script", src=True)]
        helper = [i for i, src in enumerate(scripts) if src.split("?")[0].endswith("kc-mathjax.js")]
        if not soup.body.select(".math"):
            assert not helper, f"{path} has no maths but loads kc-mathjax.js"
            continue
        math_pages += 1
        [mathjax] = [s for s in soup.find_all("script", src=True) if "tex-mml-chtml.js" in s["src"]]
        assert len(helper) == 1 and helper[0] > scripts.index(mathjax["src"]), scripts
        lazy = (page.parent / mathjax["src"]).resolve().parent / "ui" / "lazy.js"
        assert lazy.is_file() and lazy.read_bytes() == vendored, f"{path}: {lazy}"
        [config] = [s.string for s in soup.find_all("script", src=False)
                    if (s.string or "").lstrip().startswith("window.MathJax")]
        settings = json.loads(config.split("=", 1)[1].strip().rstrip(";"))
        assert settings["options"]["processHtmlClass"]  # myst-parser's part is kept
        loads_lazy = "ui/lazy" in settings.get("loader", {}).get("load", [])
        many = len(soup.body.select(".math")) >= LAZY_MATH_MIN
        assert loads_lazy == many, f"{path}: {len(soup.body.select('.math'))} expressions, {settings}"
        lazy_pages += many
    assert math_pages and lazy_pages and lazy_pages < math_pages


def test_maths_is_typeset_when_scrolled_to_and_all_of_it_by_settle_js(browser, book_server):  # noqa: F811
    """At load only the maths near the viewport is typeset (the last expression of a long
    chapter is not); scrolled into view it is; SETTLE_JS typesets every expression. ui/lazy.js
    comes from the book's own server."""
    offline = OfflinePage(browser, book_server)
    requested: list[str] = []
    offline.page.on("request", lambda request: requested.append(request.url))
    try:
        page = offline.goto(MATH_PAGE)
        assert page.evaluate(MATHJAX_STARTED_JS) == "function", "ui/lazy or kc-mathjax.js missing"
        assert [u for u in requested if u == f"{book_server}/mathjax/ui/lazy.js"], requested
        states = page.evaluate(MATH_STATES_JS)
        assert len(states) > 3 and not states[-1], "the last expression is typeset at load"
        page.locator(".math").last.scroll_into_view_if_needed()
        page.wait_for_function(
            "() => { const el = Array.from(document.querySelectorAll('.math')).pop();"
            " return el.querySelector('mjx-container') && !el.querySelector('mjx-lazy'); }",
            timeout=15000)
        page.evaluate(SETTLE_JS)
        states = page.evaluate(MATH_STATES_JS)
        assert all(states), f"{states.count(False)} of {len(states)} expressions not typeset"
        assert not page.locator("mjx-container mjx-container").count(), "typeset twice, nested"
        assert not page.locator("mjx-merror").count()
        assert not offline.errors and not offline.console_errors, (offline.errors,
                                                                   offline.console_errors)
        assert not offline.blocked and not offline.failed
    finally:
        offline.close()


def test_printing_typesets_all_the_maths(browser, book_server):  # noqa: F811
    """The lazy extension typesets everything before the page prints: window.print() and the
    browser's print command fire beforeprint, which it listens to (dispatched here, since a
    headless print would not wait)."""
    offline = OfflinePage(browser, book_server)
    try:
        page = offline.goto(MATH_PAGE)
        assert page.evaluate(MATHJAX_STARTED_JS) == "function"
        # Wait for the first expression, typeset by the extension as it is in view: MathJax
        # 3.2.2's own print handler broke those (kc-mathjax.js replaces it).
        page.evaluate("() => document.querySelector('.math').scrollIntoView()")
        page.wait_for_function(
            "() => !document.querySelector('.math').querySelector('mjx-lazy')", timeout=15000)
        assert not all(page.evaluate(MATH_STATES_JS))
        page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
        page.wait_for_function(
            "() => Array.from(document.querySelectorAll('.math')).every("
            " el => el.querySelector('mjx-container') && !el.querySelector('mjx-lazy'))",
            timeout=15000)
        nested = page.evaluate("() => document.querySelectorAll('mjx-container mjx-container').length")
        assert not nested, f"{nested} expressions typeset twice, one inside the other"
        assert not offline.errors and not offline.console_errors
    finally:
        offline.close()
