"""Bibliography style: pybtex's ``plain`` style (the book's), except that an article
with no year is printed with "n.d." instead of failing.

Why: a source may be verified without its year having been seen (the Cochrane review
``HossainCD008402``: its year and issue were not confirmed, so ``references.bib`` leaves them
out rather than guess). pybtex's ``plain`` (``unsrt``) article template requires ``year`` and
sphinxcontrib-bibtex turns the missing field into a warning (an error under ``-W``) and prints
the error in place of the entry. The in-text label already says "n.d." (sphinxcontrib-bibtex's
author-year template treats the year as optional); this makes the reference list agree.
Every other entry type, and every article that has a year, is formatted exactly as before.
"""

from pybtex.plugin import register_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.formatting.unsrt import date, pages
from pybtex.style.formatting import toplevel
from pybtex.style.template import field, first_of, join, optional, sentence, tag, words

STYLE_NAME = "plain_nodate"


class Style(PlainStyle):
    """``plain``, with the year of an article optional ("n.d." when absent)."""

    def get_article_template(self, e):
        # pybtex's unsrt article template, with ``date`` made optional.
        volume_and_pages = first_of[
            optional[join[field("volume"), optional["(", field("number"), ")"], ":", pages]],
            words["pages", pages],
        ]
        return toplevel[
            self.format_names("author"),
            self.format_title(e, "title"),
            sentence[tag("em")[field("journal")], optional[volume_and_pages],
                     first_of[optional[date], "n.d."]],
            sentence[optional[field("note")]],
            self.format_web_refs(e),
        ]


def setup(app):
    register_plugin("pybtex.style.formatting", STYLE_NAME, Style)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
