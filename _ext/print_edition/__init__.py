"""The print edition: what the LaTeX builder changes so that the PDF reads as a printed book.

Used by ``make pdf`` (``tools/pdf.py``); the HTML build only uses :func:`publish_pdf`. All the
rules are generic, so demos, figures and quizzes added later print without new code:

- **Interactive outputs print as stills.** A demo object's display data holds its widget view
  plus ``image/png`` (its default state) and ``text/plain`` (its alt text), see
  ``widgets/static_frames.py``, ``still_mimebundle``. The LaTeX builder picks ``image/png``;
  an output that holds a widget view but no still is dropped with a warning (``print``
  type), never printed as ``VBox(...)`` text. A ``text/plain`` that is only an object's repr
  (``<IPython.core.display.HTML object>``) is dropped: an HTML-only output has no print form.
  An output with nothing printable left (HTML only) is dropped. A quiz or any other output
  may give its own print form as ``text/latex`` or ``text/markdown``, which myst-nb ranks
  above ``text/plain`` for LaTeX.
- **Print captions.** A code cell whose metadata holds ``print: {caption: "..."}`` prints its
  picture as a numbered figure with that caption (what the web page lets you do with it),
  followed by "Shown: " and the still's alt text (the state drawn, with the model's numbers).
  A demo's still (widget view + ``image/png``) whose cell names no caption, and is not a
  ``mystnb`` figure already, gets ``GENERIC_STILL_CAPTION``.
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
GENERIC_STILL_CAPTION = ("An interactive demonstration, shown as it opens. On the web page its "
                         "controls change the picture; opened as a notebook, the chapter runs "
                         "it live.")


def is_latex(app) -> bool:
    return app.builder is not None and app.builder.format == "latex"


class PrintForms(SphinxPostTransform):
    """Before myst-nb picks one output per mime bundle (priority 4): stills, not widgets."""

    default_priority = 3
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        self.walk(self.document)

    def walk(self, parent: nodes.Element) -> None:
        """Depth first over the children lists (in the LaTeX builder's assembled tree, not
        every ``parent`` pointer is up to date, so removals go through the real parent)."""
        for child in list(parent.children):
            if not isinstance(child, nodes.Element):
                continue
            if child.get("nb_element") == "cell_code":
                if "tag_web-only" in child["classes"]:
                    parent.children.remove(child)
                    continue
                self.walk(child)
                metadata = child.get("cell_metadata") or {}
                caption = metadata.get("print", {}).get("caption")
                if not caption and self.has_still(child) and "figure" not in metadata.get(
                        "mystnb", {}):
                    caption = GENERIC_STILL_CAPTION   # a demo whose cell names none
                if caption:
                    self.add_caption(child, caption)
            elif child.get("nb_element") == "mime_bundle":
                if not self.print_form(child, self.printable()):
                    parent.children.remove(child)
            else:
                self.walk(child)

    @staticmethod
    def has_still_bundle(bundle: nodes.Element) -> bool:
        """A demo's output: a widget view with a still (``image/png``) beside it."""
        return {WIDGET_VIEW, "image/png"} <= {c.get("mime_type") for c in bundle.children}

    @classmethod
    def has_still(cls, cell: nodes.Element) -> bool:
        """The cell shows a demo's still."""
        return any(cls.has_still_bundle(n) for n in cell.findall(nodes.container)
                   if n.get("nb_element") == "mime_bundle")

    def printable(self) -> set[str]:
        """The mime types myst-nb can print with this builder (its priority list)."""
        from myst_nb.core.render import get_mime_priority

        return set(get_mime_priority(self.app.builder.name,
                                     self.config["nb_mime_priority_overrides"]))

    @staticmethod
    def print_form(bundle: nodes.container, printable: set[str]) -> bool:
        """Leave in ``bundle`` only what can print; False when nothing can (an HTML-only
        output, e.g. a quiz that gives no text/markdown or text/latex form)."""
        kinds = {child["mime_type"]: child for child in bundle.children}
        if WIDGET_VIEW in kinds and "image/png" not in kinds:
            logger.warning("[print] an interactive output has no still (image/png) to print; "
                           "left out of the PDF", location=bundle, type="print")
            return False
        plain = kinds.get("text/plain")
        if plain is not None and OBJECT_REPR.match(plain.astext().strip()):
            bundle.children.remove(plain)
        return any(child["mime_type"] in printable for child in bundle.children)

    @staticmethod
    def add_caption(cell: nodes.container, caption: str) -> None:
        """Wrap the cell's picture in a numbered figure with the print caption."""
        images = [n for n in cell.findall(nodes.container)
                  if n.get("nb_element") == "mime_bundle"]
        if not images:
            return
        output = images[0]
        alt = next((c.astext().strip() for c in output.children
                    if c.get("mime_type") == "text/plain"), "")
        if alt:   # the state shown, in the model's numbers (the still's alt text)
            caption = f"{caption} Shown: {alt}"
        holder = next(n for n in cell.findall(nodes.Element) if output in n.children)
        figure = nodes.figure("", classes=["kc-print-still"])
        holder.children[holder.children.index(output)] = figure
        figure.parent = holder
        figure += output
        figure += nodes.caption(caption, caption)


def chapter_sections(tree: nodes.Node, docnames):
    """(docname, start_of_file, top section) of every page inlined in the assembled LaTeX
    document (sphinx-jupyterbook-latex also wraps each part, e.g. "Chapters", in a
    ``start_of_file`` of its own: not a page, skipped)."""
    for start in tree.findall(addnodes.start_of_file):
        section = next((c for c in start.children if isinstance(c, nodes.section)), None)
        if section is not None and start["docname"] in docnames:
            yield start["docname"], start, section


def take_answers(parent: nodes.Element) -> list[nodes.Element]:
    """Remove and return, in document order, the outermost answers under ``parent``, not
    descending into another page. Walks the children lists: after Sphinx inlines the
    pages into one tree, the nodes' ``parent`` pointers are not all up to date."""
    found = []
    for child in list(parent.children):
        if isinstance(child, addnodes.start_of_file) or not isinstance(child, nodes.Element):
            continue
        if is_answer(child):
            parent.children.remove(child)
            child.parent = None
            found.append(child)
        else:
            found += take_answers(child)
    return found


def is_answer(node: nodes.Node) -> bool:
    if type(node).__name__ == "solution_node":
        return True
    return isinstance(node, nodes.Element) and bool(ANSWER_CLASSES & set(node["classes"]))


def arrange_print_book(app, doctree: nodes.document, docname: str) -> None:
    """On the assembled book (LaTeX builder): solutions to chapter ends, one reference list."""
    if not is_latex(app) or docname != app.config.root_doc:
        return
    student = app.config.kc_print_edition == "student"
    dropped = set()
    for page, start, section in list(chapter_sections(doctree, app.env.found_docs)):
        if page in app.config.kc_print_leave_out:
            start.parent.remove(start)
            dropped.add(page)
            continue
        if page == REFERENCES_DOC:
            dropped.add(page)
            # Keep only the citations (the writer gathers them at the end of the book).
            citations = list(start.findall(nodes.citation))
            start.children = []
            for citation in citations:
                citation.parent = None
                start += citation
            continue
        answers = take_answers(section)
        if answers and not student:
            solutions = nodes.section(ids=[f"kc-solutions-{page.replace('/', '-')}"],
                                      classes=["kc-print-solutions"])
            solutions += nodes.title("Solutions", "Solutions")
            solutions.extend(answers)
            section += solutions
    # Links to a page the print leaves out (or empties) keep their text, lose the link.
    for reference in list(doctree.findall(nodes.reference)):
        uri = reference.get("refuri", "")
        if uri.startswith("%") and uri[1:].split("#")[0] in dropped:
            reference.replace_self(nodes.inline("", "", *reference.children))


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
    # Pages the print leaves out: the instructors' page is about the web book's notebook
    # downloads and hubs (links that cannot work on paper).
    app.add_config_value("kc_print_leave_out", ["chapters/instructors"], "", types=[list])
    app.connect("config-inited", configure_latex, priority=900)
    app.add_post_transform(PrintForms)
    app.connect("doctree-resolved", arrange_print_book)
    app.connect("build-finished", publish_pdf)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
