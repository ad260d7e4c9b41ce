"""Sphinx extension: fast and findable pages on a phone (issue 18, Core Web Vitals).

Each change below answers one finding of Lighthouse (mobile preset) on the built book; the
benchmark is ``benchmarks/lighthouse_vitals.py`` (``make bench``), the tests are
``tests/test_fast_pages.py``.

* **Each demo's first picture is plain HTML.** A demo object's mimebundle carries its widget
  view plus ``image/png`` (the default state) and ``text/plain`` (its alt text), see
  ``widgets/static_frames.py`` ``still_mimebundle``. myst-nb keeps only the widget view for HTML; a
  post-transform, before myst-nb's mime selection, puts that PNG beside the view as an
  ``<img>`` with the alt text and its width and height (``<div class="kc-still">``). It is in
  the page before any script runs, so the page reads and looks right with JavaScript off, in
  a feed reader or for a search engine; ``kc-lazy.js`` swaps it for the widget once drawn.
  Generic: any cell output with a widget view and a PNG gets its still.
* **Widget code loads lazily.** myst-nb puts the scripts of ``nb_ipywidgets_js`` (require.js,
  the glue, the 3.6 MB widget manager) and the whole widget state (every frame, base64) in the
  page head, and the manager must run before a demo shows anything. Here they leave the head:
  the state goes to ``_static/kc-widgets/<page>.json``, and ``kc-lazy.js`` (deferred, 4 kB)
  gets the list of scripts, read from ``nb_ipywidgets_js`` so that any script added there is
  loaded too, in that order. It loads them when a demo comes near the viewport, when the
  reader touches or focuses a still, or when a script calls ``window.kcLoadWidgets()`` (which
  returns a promise that resolves when every widget is drawn; the browser tests' SETTLE_JS
  calls it).
* **MathJax only where there is maths.** myst-nb asks Sphinx to put MathJax on every page;
  a page whose body holds no ``math`` element drops MathJax and its inline configuration.
* **Maths typeset as it comes into view.** ``_config.yml`` ``mathjax3_config`` loads MathJax's
  lazy typesetting extension (``ui/lazy``, vendored) on pages with ``LAZY_MATH_MIN``
  expressions or more (below that, lazy costs more than it saves); a page with maths also gets
  ``kc-mathjax.js`` (after MathJax), whose ``window.kcTypesetMath()`` typesets every
  expression not typeset yet (SETTLE_JS calls it) and which replaces the extension's
  ``lazyTypesetAll`` (called before printing; in 3.2.2 it breaks expressions already typeset).
* **Icons without the 1.4 MB fontawesome.js.** ``fast_templates/static/webpack-macros.html``
  is the theme's file without that script (``tests/test_fast_pages.py`` checks that it differs
  from the installed theme's in that line only). At the end of the build, ``kc-icons.css`` gets
  one CSS mask per icon the pages use, its path taken from the theme's own fontawesome.js.
* **Findable.** A ``<meta name="description">`` on every page: the page's front matter
  ``description``, else its first paragraph of prose (admonitions, code and captions skipped),
  else the page title and the book's title. An SVG favicon (``kc-favicon.svg``, set when
  ``_config.yml`` names none), so no browser asks for a missing ``favicon.ico``. The canonical
  URL is Sphinx's own: set ``html: baseurl:`` in ``_config.yml`` and every page gets
  ``<link rel="canonical">``.

Registered in ``_config.yml`` under ``sphinx.local_extensions``.
"""

from __future__ import annotations

import hashlib
import html
import json
import posixpath
import re
import struct
import urllib.parse
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

HERE = Path(__file__).resolve().parent
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
STATE_FOLDER = "_static/kc-widgets"
DESCRIPTION_CHARS = 160
# Containers whose paragraphs are not the page's own prose.
NOT_PROSE = (nodes.Admonition, nodes.sidebar, nodes.topic, nodes.table, nodes.footnote,
             nodes.citation, nodes.field_list, nodes.caption, nodes.legend, nodes.literal_block,
             nodes.container, addnodes.glossary)


# --- The still: a demo's default picture as plain HTML --------------------------------------

class kc_still(nodes.General, nodes.Element):
    """A demo's default picture, written before its widget view (width, height, alt text)."""


def png_size(path: Path) -> tuple[int, int] | None:
    """Width and height from a PNG's IHDR chunk (no image library needed)."""
    try:
        head = path.read_bytes()[:24]
    except OSError:
        return None
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


class AddStills(SphinxPostTransform):
    """For every mime bundle that has a widget view and a PNG, write the PNG (with the
    ``text/plain`` as alt text) into the widget view's output, before the view's script.
    Runs before myst-nb's ``SelectMimeType`` (priority 4), which keeps only the view."""

    default_priority = 3
    formats = ("html",)

    def run(self, **kwargs) -> None:
        for bundle in list(self.document.findall(nodes.container)):
            if bundle.get("nb_element") != "mime_bundle":
                continue
            parts = {child.get("mime_type"): child for child in bundle.children}
            view, png = parts.get(WIDGET_VIEW), parts.get("image/png")
            images = [n for n in png.findall(nodes.image)] if png is not None else []
            if view is None or not images:
                continue
            image = images[0].deepcopy()
            text = parts.get("text/plain")
            alt = " ".join(text.astext().split()) if text is not None else ""
            image["alt"] = alt
            image["classes"] = ["kc-still-img"]
            still = kc_still()
            size = png_size(Path(self.env.srcdir, image["uri"].lstrip("/")))
            if size is None:
                size = png_size(Path(image["uri"]))
            still["size"] = size
            still += image
            view.insert(0, still)


def visit_kc_still(self, node):
    self.body.append('<div class="kc-still">')


def depart_kc_still(self, node):
    # The image tag is the last thing written: give it its size, so the browser reserves its
    # box before the file arrives (no layout shift), and let it shrink with the column.
    size = node.get("size")
    for i in range(len(self.body) - 1, -1, -1):
        if self.body[i].startswith("<img"):
            extra = ' decoding="async" style="max-width:100%;height:auto"'
            if size:
                extra = f' width="{size[0]}" height="{size[1]}"' + extra
            self.body[i] = self.body[i].replace("<img", "<img" + extra, 1)
            break
    self.body.append('<noscript><p class="kc-still-note">The controls of this demonstration '
                     'need JavaScript; this is its default view.</p></noscript></div>')


# --- Per page: lazy widgets, MathJax only with maths, description ----------------------------

def _is(script, suffix: str) -> bool:
    return str(getattr(script, "filename", "") or "").split("?")[0].endswith(suffix)


def _static_path(filename: str) -> str:
    """A script's path as the builder keeps it (relative paths live under _static/)."""
    filename = filename.split("?")[0]
    if not filename or "://" in filename:
        return filename
    if not filename.startswith("_static/"):
        filename = posixpath.join("_static", filename)
    return posixpath.normpath(filename)


def _attributes(script) -> dict:
    return dict(getattr(script, "attributes", {}) or {})


def page_description(app, pagename: str, doctree, title: str) -> str:
    metadata = app.env.metadata.get(pagename, {}) if pagename in app.env.all_docs else {}
    text = str(metadata.get("description", "")).strip()
    if not text and doctree is not None:
        for paragraph in doctree.findall(nodes.paragraph):
            ancestor, prose = paragraph.parent, True
            while ancestor is not None:
                if isinstance(ancestor, NOT_PROSE):
                    prose = False
                    break
                ancestor = ancestor.parent
            words = " ".join(paragraph.astext().split())
            if prose and len(words) >= 40:
                text = words
                break
    if not text:
        text = f"{title}: {app.config.project}, an open interactive textbook."
    if len(text) > DESCRIPTION_CHARS:
        text = text[:DESCRIPTION_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text


def lazy_widgets(app, pagename, context) -> None:
    """Take the widget scripts and state out of the page; hand them to kc-lazy.js."""
    scripts = context.get("script_files")
    if not scripts:
        return
    state = [s for s in scripts if _attributes(s).get("type") == WIDGET_STATE]
    if not state:
        return
    configured = dict(app.config.nb_ipywidgets_js or {})
    keys = {_static_path(path) for path in configured}
    scripts[:] = [s for s in scripts if s not in state
                  and _static_path(str(getattr(s, "filename", "") or "")) not in keys]
    pathto = context["pathto"]
    name = re.sub(r"[^A-Za-z0-9_.-]+", "--", pagename) + ".json"
    target = Path(app.outdir, STATE_FOLDER, name)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_attributes(state[0]).get("body", ""), encoding="utf-8")
    loads = []
    for path, attributes in configured.items():
        url = path if "://" in path else pathto(_static_path(path), 1)
        loads.append({"src": url, "attrs": {k: str(v) for k, v in (attributes or {}).items()}})
    config = {"state": pathto(f"{STATE_FOLDER}/{name}", 1), "scripts": loads}
    app.add_js_file("kc-lazy.js", defer="defer", **{"data-kc-widgets": json.dumps(config)})


# Lazy typesetting pays from this many expressions on a page: below it, loading and running
# ui/lazy costs the main thread more than typesetting them at once (Lighthouse, glossary with 3:
# TBT about 110 ms eager, 220-290 ms lazy; chapter 3 with 36: 300-590 ms eager, 175-265 lazy).
LAZY_MATH_MIN = 10
LAZY_LOADER = '"loader": {"load": ["ui/lazy"]}'


def drop_mathjax_without_maths(app, context) -> None:
    body = context.get("body", "")
    if re.search(r'class="[^"]*\bmath\b', body):
        # kc-mathjax.js, run after MathJax (deferred, later priority), typesets what the lazy
        # extension has not yet, on demand and before printing.
        app.add_js_file("kc-mathjax.js", defer="defer", priority=501)
        if len(re.findall(r'class="[^"]*\bmath\b', body)) < LAZY_MATH_MIN:
            eager_mathjax(context)
        return
    scripts = context.get("script_files") or []
    mathjax = str(app.config.mathjax_path or "").split("?")[0]
    scripts[:] = [s for s in scripts
                  if not (mathjax and _is(s, mathjax.lstrip("./")))
                  and not str(_attributes(s).get("body", "")).lstrip().startswith("window.MathJax")]


def eager_mathjax(context) -> None:
    """The page's MathJax settings without ui/lazy (``_config.yml`` ``mathjax3_config``)."""
    scripts = context.get("script_files") or []
    for i, script in enumerate(scripts):
        attributes = _attributes(script)
        text = str(attributes.get("body", ""))
        if text.lstrip().startswith("window.MathJax") and LAZY_LOADER in text:
            settings = json.loads(text.split("=", 1)[1])
            load = [name for name in settings.get("loader", {}).get("load", []) if name != "ui/lazy"]
            if load:
                settings["loader"]["load"] = load
            else:
                settings.get("loader", {}).pop("load", None)
                if not settings.get("loader"):
                    settings.pop("loader", None)
            # A new object: the builder shares its script objects between pages.
            scripts[i] = type(script)(getattr(script, "filename", ""),
                                      priority=getattr(script, "priority", 500),
                                      **{**attributes, "body": "window.MathJax = " + json.dumps(settings)})


# Sphinx's head scripts that inline scripts after them use at once (DOCUMENTATION_OPTIONS).
KEEP_BLOCKING = ("documentation_options.js",)


def defer_head_scripts(context) -> None:
    """Every script file in the head runs deferred (in order, after parsing), so none holds
    back the first paint; inline settings scripts only set variables that the deferred
    scripts read later."""
    scripts = context.get("script_files") or []
    for i, script in enumerate(scripts):
        filename = str(getattr(script, "filename", "") or "")
        attributes = getattr(script, "attributes", None)
        if (not filename or attributes is None or filename.split("?")[0].endswith(KEEP_BLOCKING)
                or {"async", "defer"} & set(attributes)
                or attributes.get("type", "text/javascript") != "text/javascript"):
            continue
        # A new object: the builder shares its script objects between pages.
        scripts[i] = type(script)(filename, priority=getattr(script, "priority", 500),
                                  **{**attributes, "defer": "defer"})


def lazy_images(context) -> None:
    """Pictures load when they come near the viewport (``loading="lazy"``), all but the
    page's first, which may be the largest thing in the first view."""
    body = context.get("body", "")
    first = body.find("<img")
    if first >= 0:
        context["body"] = body[:first + 4] + body[first + 4:].replace(
            "<img ", '<img loading="lazy" ')


# --- One stylesheet per page instead of fourteen ---------------------------------------------

# What the theme's head links before Sphinx's own CSS files (see fast_templates/static/).
THEME_CSS = ("_static/basic.css", "_static/styles/pydata-sphinx-theme.css")
BUNDLE_FOLDER = "_static/styles"
CSS_URL = re.compile(r"url\(\s*(['\"]?)(?!data:|[a-z]+://|/|#)([^'\")]+)\1\s*\)")
# bundle file name -> the CSS files it joins, in order (filled while pages are written).
BUNDLES: dict[str, list[str]] = {}


def bundle_css(app, context) -> None:
    """Replace the page's stylesheets by one file that joins them in the same order: on a
    phone each stylesheet in the head is a round trip before the first paint."""
    css_files = context.get("css_files")
    if css_files is None:
        return
    joined, kept = list(THEME_CSS), []
    for css in css_files:
        filename = str(getattr(css, "filename", "") or "").split("?")[0]
        attributes = dict(getattr(css, "attributes", {}) or {})
        plain = set(attributes) <= {"rel", "type"} and attributes.get("rel") == "stylesheet"
        if filename and "://" not in filename and plain:
            joined.append(_static_path(filename))
        else:
            kept.append(css)
    name = "kc-" + hashlib.sha256("\n".join(joined).encode()).hexdigest()[:12] + ".css"
    BUNDLES[name] = joined
    css_files[:] = kept
    app.add_css_file(posixpath.relpath(f"{BUNDLE_FOLDER}/{name}", "_static"), priority=0)


def write_bundles(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    for name, parts in BUNDLES.items():
        texts = []
        for part in parts:
            path = out / part
            if not path.is_file():
                continue
            folder = posixpath.dirname(part)

            def rebase(match, folder=folder):  # url() relative to the bundle's folder
                target = posixpath.normpath(posixpath.join(folder, match.group(2)))
                return f'url("{posixpath.relpath(target, BUNDLE_FOLDER)}")'

            text = path.read_text(encoding="utf-8")
            text = re.sub(r'^\s*@charset\s+"[^"]*";', "", text)
            texts.append(f"/* {part} */\n" + CSS_URL.sub(rebase, text))
        (out / BUNDLE_FOLDER / name).write_text('@charset "UTF-8";\n' + "\n".join(texts),
                                                 encoding="utf-8")


def page_context(app, pagename, templatename, context, doctree):
    bundle_css(app, context)
    lazy_widgets(app, pagename, context)
    drop_mathjax_without_maths(app, context)
    if pagename != "search":  # its template runs searchtools.js at once, which needs doctools.js
        defer_head_scripts(context)
    lazy_images(context)
    title = re.sub(r"<[^>]+>", "", context.get("title", "") or app.config.project)
    description = page_description(app, pagename, doctree, html.unescape(title))
    context["metatags"] = (context.get("metatags", "") + "\n"
                           f'<meta name="description" content="{html.escape(description)}" />')


# --- Icons: the subset of Font Awesome the pages show, as CSS --------------------------------

ICON_CLASS = re.compile(r'class="([^"]*\bfa-[^"]*)"')
PACKS = {"fas": "fas", "fa-solid": "fas", "far": "far", "fa-regular": "far",
         "fab": "fab", "fa-brands": "fab"}
PACK_CLASSES = {"fas": ("fas", "fa-solid"), "far": ("far", "fa-regular"),
                "fab": ("fab", "fa-brands")}
# Modifier classes of Font Awesome 6 that are not icons (sizes as fontawesome.js draws them).
MODIFIERS = {"fa-lg": "font-size:1.25em;line-height:.05em;vertical-align:-.075em",
             "fa-fw": "text-align:center;width:1.25em"}
ICON_ENTRY = re.compile(r'(?:"([^"]+)"|([A-Za-z0-9_]+)):\[(\d+),(\d+),\[([^\]]*)\],"([^"]*)","([^"]+)"\]')


def fontawesome_packs(script: str) -> dict[str, dict[str, tuple[int, int, str]]]:
    """Icon name -> (width, height, path) for each pack ("fas", "far", "fab") of the theme's
    fontawesome.js: each pack is a ``var p={...}`` object followed by ``("fab",p)``."""
    packs: dict[str, dict[str, tuple[int, int, str]]] = {}
    for match in re.finditer(r"var p=\{", script):
        start, depth = match.end() - 1, 0
        for end in range(start, len(script)):
            depth += {"{": 1, "}": -1}.get(script[end], 0)
            if depth == 0:
                break
        pack = re.search(r'\("(fa[srb])",p\)', script[end:end + 600])
        if not pack:
            continue
        icons = packs.setdefault(pack.group(1), {})
        for entry in ICON_ENTRY.finditer(script[start:end + 1]):
            name = entry.group(1) or entry.group(2)
            icon = (int(entry.group(3)), int(entry.group(4)), entry.group(7))
            icons[name] = icon
            for alias in re.findall(r'"([a-z0-9-]+)"', entry.group(5)):
                icons.setdefault(alias, icon)
            if entry.group(6):  # by code point too, as the theme's CSS names its icons
                icons.setdefault(f"U+{int(entry.group(6), 16):04x}", icon)
    return packs


def used_icons(pages) -> set[tuple[str, str]]:
    """(pack, name) of every Font Awesome icon in the given HTML texts."""
    found = set()
    for text in pages:
        for classes in ICON_CLASS.findall(text):
            names = classes.split()
            pack = next((PACKS[n] for n in names if n in PACKS), None)
            if pack is None:
                continue
            found.update((pack, n[3:]) for n in names
                         if n.startswith("fa-") and n not in PACKS and n not in MODIFIERS)
    return found


def _mask(icon) -> str:
    width, height, path = icon
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}">'
           f'<path d="{path}"/></svg>')
    return f'url("data:image/svg+xml,{urllib.parse.quote(svg, safe=" =:/")}")'


FONT_RULE = re.compile(r"([^{}]+)\{([^{}]*font:var\(--fa-font-(solid|regular|brands)\)[^{}]*)\}")
CONTENT_RULE = re.compile(r"([^{}]+)\{[^{}]*content:var\((--pst-[a-z-]+)\)[^{}]*\}")
ICON_VARIABLE = re.compile(r'(--pst-[a-z-]+):\s*("(?:\\.|[^"\\])*"|var\(--pst-[a-z-]+\))')
FONT_PACKS = {"solid": "fas", "regular": "far", "brands": "fab"}


def theme_icon_css(packs, theme_css: str) -> str:
    """The theme's own CSS icons (admonition titles, download and external links, the
    breadcrumbs' divider) are glyphs of Font Awesome's font (157 kB, fetched before the first
    view is complete): drawn here as CSS masks of the same icons, with no glyph, so the font
    is never fetched."""
    variables = dict(ICON_VARIABLE.findall(theme_css))

    def code_point(variable: str, depth: int = 0) -> str | None:
        value = variables.get(variable, "")
        if value.startswith("var(") and depth < 5:
            return code_point(value[4:-1], depth + 1)
        text = value[1:-1]
        if text.startswith("\\"):
            return f"U+{int(text[1:], 16):04x}"
        return f"U+{ord(text):04x}" if len(text) == 1 else None

    def icon(variable: str):
        point = code_point(variable)
        return next((packs[p][point] for p in ("fas", "fab", "far")
                     if point and point in packs.get(p, {})), None)

    rules = []
    for selector, declarations, _font in FONT_RULE.findall(theme_css):
        extra = "" if "position:absolute" in declarations else " vertical-align: -0.125em;"
        extra += "" if "width:" in declarations else " width: 1em;"
        extra += "" if "height:" in declarations else " height: 1em;"
        rules.append(f"{selector.strip()} {{ content: \"\" !important; font-family: inherit;"
                     " display: inline-block;"
                     f"{extra} background-color: currentColor;"
                     " -webkit-mask: var(--kc-mask) center / contain no-repeat;"
                     " mask: var(--kc-mask) center / contain no-repeat; }")
    for selector, variable in CONTENT_RULE.findall(theme_css):
        found = icon(variable)
        if found is not None:
            rules.append(f"{selector.strip()} {{ --kc-mask: {_mask(found)}; }}")
    return "\n".join(rules) + "\n"


def icons_css(packs, icons) -> str:
    rules = ["/* Generated by _ext/fast_pages.py: the Font Awesome icons these pages use, as\n"
             "   CSS masks drawn in the text colour (from the theme's fontawesome.js). */"]
    selectors = []
    for pack, name in sorted(icons):
        icon = packs.get(pack, {}).get(name)
        if icon is None:
            continue
        width, height, path = icon
        svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}">'
               f'<path d="{path}"/></svg>')
        selector = ", ".join(f".{cls}.fa-{name}" for cls in PACK_CLASSES[pack])
        selectors.append(selector)
        rules.append(f'{selector} {{ --kc-icon: url("data:image/svg+xml,'
                     f'{urllib.parse.quote(svg, safe=" =:/")}"); width: {width / height:.4f}em;'
                     # not the icon font: even an empty box with that font has the browser
                     # fetch it (for the line's metrics)
                     ' font-family: inherit; }')
        # The theme's CSS would also draw the icon as a glyph of its icon font: not twice,
        # and the font file is then not fetched for these icons.
        rules.append(", ".join(f".{cls}.fa-{name}::before" for cls in PACK_CLASSES[pack])
                     + " { content: none; }")
    if selectors:
        # :where() keeps the theme's own rules (e.g. which colour-mode icon shows) stronger.
        rules.insert(1, f":where({', '.join(selectors)}) {{ display: inline-block; height: 1em;"
                        " vertical-align: -0.125em; background-color: currentColor;"
                        " -webkit-mask: var(--kc-icon) center / contain no-repeat;"
                        " mask: var(--kc-icon) center / contain no-repeat; }")
    rules += [f":where(.{name}) {{ {css} }}" for name, css in MODIFIERS.items()]
    return "\n".join(rules) + "\n"


def write_icons(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    script = out / "_static" / "scripts" / "fontawesome.js"
    if not script.is_file():
        return
    pages = (p.read_text(encoding="utf-8", errors="replace") for p in out.rglob("*.html")
             if p.relative_to(out).parts[0] not in ("_static", "_sources", "assignments"))
    packs = fontawesome_packs(script.read_text(encoding="utf-8"))
    theme_css = "\n".join(p.read_text(encoding="utf-8") for p in sorted(
        (out / "_static" / "styles").glob("*.css")) if not p.name.startswith("kc-"))
    css = icons_css(packs, used_icons(pages)) + theme_icon_css(packs, theme_css)
    (out / "_static" / "kc-icons.css").write_text(css, encoding="utf-8")


# --- Set-up ----------------------------------------------------------------------------------

def configure(app, config):
    config.templates_path = [str(HERE / "fast_templates"), *config.templates_path]
    config.html_static_path = [*config.html_static_path, str(HERE / "fast_static")]
    if not config.html_favicon:
        config.html_favicon = str(HERE / "fast_static" / "kc-favicon.svg")


def setup(app):
    app.connect("config-inited", configure)
    app.connect("html-page-context", page_context, priority=800)
    app.connect("build-finished", write_icons)
    app.connect("build-finished", write_bundles, priority=600)  # after kc-icons.css exists
    app.add_post_transform(AddStills)
    app.add_node(kc_still, html=(visit_kc_still, depart_kc_still))
    app.add_css_file("kc-icons.css")
    app.add_css_file("kc-fast.css")
    # Not parallel_write_safe: the CSS bundles are collected while pages are written.
    return {"parallel_read_safe": True, "parallel_write_safe": False}
