"""Sphinx extension: every page loads without a console error and passes axe-core.

Each fix below answers one finding of the browser suite (``tests/test_browser_pages.py``,
which runs axe-core on every page and fails on a console error); each names its upstream cause.

* **Inline scripts written twice** (``html-page-context``). Sphinx 7.4 adds an inline script
  that an extension registers after the builder started (``app.add_js_file(None, body=...)``)
  once as filename ``None`` and once as ``''``, so every page held sphinx-thebe's
  ``const THEBE_JS_URL = ...`` twice: "Identifier 'THEBE_JS_URL' has already been declared".
  Fixed upstream in Sphinx 8.2 (sphinx-doc/sphinx#13402); jupyter-book 1 needs Sphinx 7.
  Here each page keeps the first of two identical scripts.
* **Theme colour mode** (``config-inited``). pydata-sphinx-theme reads ``default_mode`` from
  ``html_context``; unset, its script logs "Got invalid theme mode: . Resetting to auto." on
  every page. Set to ``auto`` (what the theme falls back to).
* **Bibliography roles** (``citation`` visitor). docutils 0.19 marks each reference
  ``role="doc-biblioentry"`` inside ``role="list"``: DPUB-ARIA 1.1 deprecates that role and a
  list must hold list items (axe: aria-required-children, critical). Each reference becomes
  ``role="listitem"``.
* **"Show code cell source" buttons** (myst-nb's hidden-input visitor). myst-nb names every
  ``<summary>`` "Toggle hidden content", which is not the text it shows (WCAG 2.5.3 Label in
  Name; axe: label-content-name-mismatch, serious). Without the aria-label the summary is
  named by its visible text.
* **Search button and colour-mode button** (``a11y_templates/``, ahead of the theme's
  templates). The search button's ``aria-label="Search"`` hides its visible "Ctrl+K"; the
  colour-mode button is labelled "Color mode" while its visible icon is named "Light", "Dark"
  or "System Settings" (both label-content-name-mismatch). The copies of the theme's two
  components drop those aria-labels, so each button is named by what it shows, and the
  icons say "Color mode: light" and so on.
* **Book title outside any landmark** (``html_sidebars``). The theme puts the title link at
  the top of the primary sidebar, outside its navigation (axe: region, moderate): the same
  sidebar is listed with the link inside a ``<nav aria-label="Book home">``.
* **Link contrast in exercise boxes** (``a11y_static/kc-accessibility.css``). sphinx-exercise
  tints its boxes ``rgba(68,138,255,.1)``; the book theme's link colour reaches only 4.29:1 on
  it (axe: color-contrast, serious; WCAG AA asks 4.5:1).

The widgets' own controls (slider handles, toggle buttons, Play) get their accessible names
in ``_vendor/html/jupyter-widgets/setup.js``, the glue that loads with the widget bundle.

Registered in ``_config.yml`` under ``sphinx.local_extensions``.
"""

from pathlib import Path

from docutils import nodes
from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput, visit_HideCellInput

HERE = Path(__file__).resolve().parent


# sphinx-book-theme's primary sidebar (its theme.conf ``sidebars``), with the title link
# wrapped in a landmark (a11y_templates/kc-sidebar-title.html).
PRIMARY_SIDEBAR = ["kc-sidebar-title.html", "icon-links.html", "search-button-field.html",
                   "sbt-sidebar-nav.html"]


def configure(app, config):
    config.templates_path = [str(HERE / "a11y_templates"), *config.templates_path]
    config.html_static_path = [*config.html_static_path, str(HERE / "a11y_static")]
    config.html_context.setdefault("default_mode", "auto")
    if not config.html_sidebars:
        config.html_sidebars = {"**": PRIMARY_SIDEBAR}


def _script_key(script):
    """What makes two scripts the same: filename (None and '' alike), priority, attributes."""
    attributes = getattr(script, "attributes", {})
    return (str(getattr(script, "filename", script) or ""), getattr(script, "priority", 0),
            tuple(sorted((k, str(v)) for k, v in attributes.items())))


def drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = _script_key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique  # in place: the builder restores its own list before the next page


def visit_citation(self, node):
    type(self).visit_citation(self, node)  # docutils' markup, then the ARIA 1.2 role
    self.body[-1] = self.body[-1].replace('role="doc-biblioentry"', 'role="listitem"')


def depart_citation(self, node):
    type(self).depart_citation(self, node)


def visit_hidden_input(self, node):
    visit_HideCellInput(self, node)
    for i in range(len(self.body) - 1, -1, -1):
        if self.body[i].startswith("<summary aria-label="):
            self.body[i] = "<summary>\n"
            break


def setup(app):
    app.connect("config-inited", configure)
    # After every other handler, so that scripts added for one page are seen too.
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    app.add_node(nodes.citation, override=True, html=(visit_citation, depart_citation))
    app.add_node(HideCodeCellNode, override=True,
                 html=(visit_hidden_input, depart_HideCellInput))
    app.add_css_file("kc-accessibility.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
