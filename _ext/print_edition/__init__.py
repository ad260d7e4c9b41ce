"""The print edition: what the LaTeX builder changes so that the PDF reads as a printed book.

Used by ``make pdf`` (``tools/pdf.py``); the HTML build only uses :func:`publish_pdf`. All the
rules are generic, so demos, figures and quizzes added later print without new code:

- **Interactive outputs print as stills.** A demo object's display data holds its widget view
  plus ``image/png`` (its default state) and ``text/plain`` (its alt text), see
  ``widgets/static_frames.py``, ``still_mimebundle``. The LaTeX builder picks ``image/png``;
  an output that holds a widget view but no still is dropped with a warning (``print``
  type), never printed as ``VBox(...)`` text. A ``text/plain`` that is only an object's repr
  (``<IPython.core.display.HTML object>``) is dropped: an HTML-only output has no print form.
  A quiz or any other output may give its own print form as ``text/latex`` or
  ``text/markdown``; those rank above ``text/plain`` (``nb_mime_priority_overrides``).
- **Print captions.** A code cell whose metadata holds ``print: {caption: "..."}`` prints its
  picture as a numbered figure with that caption (what the web page lets you do with it).
- **Web-only cells.** A cell tagged ``web-only`` is left out of the print (e.g. the cell that
  starts a live demo, which only a running kernel can show). Prose for one medium goes in
  ```` ```{only} html ```` or ```` ```{only} latex ```` blocks.
- **Solutions at the end of each chapter.** Every sphinx-exercise solution, and every node
  with the class ``kc-print-answer`` (e.g. a cell tagged ``print-answer``: a quiz's answers),
  moves to a section "Solutions" at the end of its chapter, in order; in the student edition
  (``kc_print_edition = "student"``) they are left out and no such section is written.
- **One list of references.** Sphinx's LaTeX writer moves every citation to one bibliography
  at the end of the book, which left the references chapter empty: its page is dropped from
  the print and the list is titled "References".
- **Title page** with the licence and the medical-advice notice, A4 (``kc_print_paper =
  "letter"`` for US letter), ``kc-print.sty`` for the rest of the preamble, and ``bbm.sty``,
  a stand-in for the package that ``jupyterBook.cls`` loads and Debian ships only in the
  1.4 GB ``texlive-fonts-extra``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
PDF_NAME = "the-kinetic-chain.pdf"
EDITIONS = ("full", "student")
PAPERS = {"a4": "a4paper", "letter": "letterpaper"}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# The repr IPython prints for a display object that has no text form of its own.
OBJECT_REPR = re.compile(r"^<[\w.]+ object( at 0x[0-9a-f]+)?>$")
ANSWER_CLASSES = {"kc-print-answer", "tag_print-answer"}
REFERENCES_DOC = "chapters/references"


def is_latex(app) -> bool:
    return app.builder is not None and app.builder.format == "latex"


class PrintForms(SphinxPostTransform):
    """Before myst-nb picks one output per mime bundle (priority 4): stills, not widgets."""

    default_priority = 3
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        for cell in list(self.document.findall(nodes.container)):
            if cell.get("nb_element") != "cell_code":
                continue
            if "tag_web-only" in cell["classes"]:
                cell.parent.remove(cell)
                continue
            for bundle in list(cell.findall(nodes.container)):
                if bundle.get("nb_element") == "mime_bundle":
                    self.print_form(bundle)
            caption = (cell.get("cell_metadata") or {}).get("print", {}).get("caption")
            if caption:
                self.add_caption(cell, caption)

    def print_form(self, bundle: nodes.container) -> None:
        kinds = {child["mime_type"]: child for child in bundle.children}
        if WIDGET_VIEW in kinds and "image/png" not in kinds:
            logger.warning("[print] an interactive output has no still (image/png) to print; "
                           "left out of the PDF", location=bundle, type="print")
            bundle.parent.remove(bundle)
            return
        plain = kinds.get("text/plain")
        if plain is not None and OBJECT_REPR.match(plain.astext().strip()):
            bundle.remove(plain)
            if not bundle.children:
                bundle.parent.remove(bundle)

    @staticmethod
    def add_caption(cell: nodes.container, caption: str) -> None:
        """Wrap the cell's picture in a numbered figure with the print caption."""
        images = [n for n in cell.findall(nodes.container)
                  if n.get("nb_element") == "mime_bundle"]
        if not images:
            return
        output = images[0]
        figure = nodes.figure("", classes=["kc-print-still"])
        output.replace_self(figure)
        figure += output
        figure += nodes.caption(caption, caption)


def chapter_sections(tree: nodes.Node):
    """(docname, top section) of every page inlined in the assembled LaTeX document."""
    for start in tree.findall(addnodes.start_of_file):
        section = next((c for c in start.children if isinstance(c, nodes.section)), None)
        if section is not None:
            yield start["docname"], start, section


def is_answer(node: nodes.Node) -> bool:
    if type(node).__name__ == "solution_node":
        return True
    return isinstance(node, nodes.Element) and bool(ANSWER_CLASSES & set(node["classes"]))


def arrange_print_book(app, doctree: nodes.document, docname: str) -> None:
    """On the assembled book (LaTeX builder): solutions to chapter ends, one reference list."""
    if not is_latex(app) or docname != app.config.root_doc:
        return
    student = app.config.kc_print_edition == "student"
    for page, start, section in list(chapter_sections(doctree)):
        if page == REFERENCES_DOC:
            # Keep only the citations (the writer gathers them at the end of the book).
            citations = list(start.findall(nodes.citation))
            start.children = []
            for citation in citations:
                citation.parent = None
                start += citation
            continue
        answers = [n for n in section.findall(nodes.Element) if is_answer(n)]
        # Outermost only (an answer block may hold another).
        answers = [n for n in answers if not any(is_answer(a) for a in _ancestors(n))]
        for answer in answers:
            answer.parent.remove(answer)
        if answers and not student:
            solutions = nodes.section(ids=[f"kc-solutions-{page.replace('/', '-')}"],
                                      classes=["kc-print-solutions"])
            solutions += nodes.title("Solutions", "Solutions")
            solutions.extend(answers)
            section += solutions


def _ancestors(node: nodes.Node):
    node = node.parent
    while node is not None:
        yield node
        node = node.parent


def configure_latex(app, config) -> None:
    """A4 or letter, the title page, our preamble and the files it needs."""
    if config.kc_print_edition not in EDITIONS:
        raise ValueError(f"kc_print_edition must be one of {EDITIONS}, "
                         f"not {config.kc_print_edition!r}")
    if config.kc_print_paper not in PAPERS:
        raise ValueError(f"kc_print_paper must be one of {tuple(PAPERS)}, "
                         f"not {config.kc_print_paper!r}")
    elements = dict(config.latex_elements)
    elements["papersize"] = PAPERS[config.kc_print_paper]
    elements["preamble"] = elements.get("preamble", "") + "\n\\usepackage{kc-print}\n"
    edition = ("Student edition (without solutions)" if config.kc_print_edition == "student"
               else "With solutions at the end of each chapter")
    elements["maketitle"] = f"\\kcTitlePage{{{edition}}}"
    config.latex_elements = elements
    files = list(config.latex_additional_files)
    for name in ("kc-print.sty", "bbm.sty"):
        path = str(HERE / name)
        if path not in files:
            files.append(path)
    config.latex_additional_files = files
    overrides = list(config.nb_mime_priority_overrides)
    # A print form given as LaTeX or Markdown beats the plain-text repr.
    overrides += [("latex", "image/png", 10), ("latex", "text/latex", 20),
                  ("latex", "text/markdown", 30), ("latex", "text/plain", 100)]
    config.nb_mime_priority_overrides = overrides


def publish_pdf(app, exception) -> None:
    """HTML build: put the PDF (built before by make pdf) beside the landing page, which links
    it. ``make pdf`` copies it there itself when the HTML was built first."""
    if exception is not None or app.builder.format != "html":
        return
    pdf = Path(app.outdir).parent / "pdf" / PDF_NAME
    if pdf.is_file():
        shutil.copy2(pdf, Path(app.outdir) / PDF_NAME)
    else:
        logger.info(f"[print] no {pdf.name} yet: run `make pdf` to publish it with the book")


def setup(app):
    app.add_config_value("kc_print_edition", "full", "", types=[str])
    app.add_config_value("kc_print_paper", "a4", "", types=[str])
    app.connect("config-inited", configure_latex, priority=900)
    app.add_post_transform(PrintForms)
    app.connect("doctree-resolved", arrange_print_book)
    app.connect("build-finished", publish_pdf)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
