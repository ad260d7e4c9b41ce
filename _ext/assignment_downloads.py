"""Sphinx extension: each chapter page offers its student and instructor notebooks.

* ``doctree-resolved``: under the title of every notebook page, a box with two download links,
  ``assignments/student/<chapter>.ipynb`` and ``assignments/instructor/<chapter>.ipynb``.
* ``build-finished``: writes those files (and ``student.zip``, ``instructor.zip``) into the
  HTML output with ``tools.assignments``, so every link resolves inside ``_build/html``. The
  instructor notebooks take their outputs from the build's jupyter-cache (no second run).
* ``html-page-context``: the theme's Colab button would open the chapter's ``.md``, which Colab
  cannot read; it is pointed at the student notebook on the branch ``kc_colab_branch``
  (filled by ``.github/workflows/book.yml``).

Registered in ``_config.yml`` under ``sphinx.local_extensions``.
"""

import html
import posixpath
import sys
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tools import assignments  # noqa: E402  (needs the repository root on sys.path)

LOGGER = logging.getLogger(__name__)
OUTPUT_FOLDER = "assignments"


def _chapter_docnames(app) -> list[str]:
    return sorted(docname for docname in app.env.found_docs
                  if assignments.is_notebook_page(Path(app.env.doc2path(docname))))


def _link(app, docname: str, kind: str) -> str:
    """The notebook's URL relative to the page of ``docname``."""
    target = f"{OUTPUT_FOLDER}/{kind}/{posixpath.basename(docname)}.ipynb"
    return posixpath.relpath(target, posixpath.dirname(docname) or ".")


def add_download_box(app, doctree, docname):
    if app.builder.format != "html" or not assignments.is_notebook_page(
            Path(app.env.doc2path(docname))):
        return
    student = html.escape(_link(app, docname, "student"))
    instructor = html.escape(_link(app, docname, "instructor"))
    box = nodes.raw("", (
        '<div class="admonition kc-assignment-downloads">\n'
        '<p class="admonition-title">This chapter as a notebook</p>\n'
        f'<p><a class="kc-download-student" href="{student}" download>Student notebook</a>'
        " (exercises without solutions, no outputs) &middot; "
        f'<a class="kc-download-instructor" href="{instructor}" download>Instructor notebook</a>'
        " (with solutions, executed). See <em>For instructors</em>.</p>\n</div>\n"),
        format="html")
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    title_index = next((i for i, child in enumerate(section.children)
                        if isinstance(child, nodes.title)), -1)
    section.insert(title_index + 1, box)


def write_notebooks(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    chapters = [Path(app.env.doc2path(docname)) for docname in _chapter_docnames(app)]
    cache = app.config.nb_execution_cache_path
    rows = assignments.write_sets(
        chapters, Path(app.outdir) / OUTPUT_FOLDER,
        cache_dir=Path(cache) if cache else Path(app.outdir).parent / ".jupyter_cache",
        book_root=Path(app.srcdir))
    for row in rows:
        LOGGER.info(f"assignments: {row['chapter']}: {row['exercises']} exercises, "
                    f"instructor notebook from {row['instructor_from']}")


def colab_opens_student_notebook(app, pagename, templatename, context, doctree):
    options = app.config.html_theme_options
    colab_url = options.get("launch_buttons", {}).get("colab_url", "").strip("/")
    repository = options.get("repository_url", "").rstrip("/")
    if not (colab_url and "github.com/" in repository and app.config.kc_colab_branch):
        return
    org_repo = "/".join(repository.split("github.com/")[-1].split("/")[:2])
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", []) if group.get("label") == "launch-buttons" else []:
            if button.get("text") == "Colab":
                button["url"] = (f"{colab_url}/github/{org_repo}/blob/{app.config.kc_colab_branch}"
                                 f"/student/{posixpath.basename(pagename)}.ipynb")


def setup(app):
    app.add_config_value("kc_colab_branch", "notebooks", "html")
    app.connect("doctree-resolved", add_download_box)
    app.connect("build-finished", write_notebooks)
    # After sphinx-book-theme's add_launch_buttons (priority 501) has made the button.
    app.connect("html-page-context", colab_opens_student_notebook, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
