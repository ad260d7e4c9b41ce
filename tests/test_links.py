"""Every internal link and anchor of the built book resolves; every DOI is well-formed.

No browser and no network: the built HTML is parsed, every ``href`` and ``src`` that stays in
the book must name a file under ``_build/html`` and, with a ``#fragment``, an ``id`` (or an
``<a name>``) in that file. Links that leave the book are not followed, but must be
``http(s):`` or ``mailto:``. The first tests feed small hand-made trees to the same checker,
so that a broken link or anchor is seen to fail.
"""

from __future__ import annotations

import html.parser
import posixpath
import re
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from book import HTML, ROOT

LINK_ATTRIBUTES = {"a": "href", "link": "href", "area": "href", "img": "src",
                   "script": "src", "iframe": "src", "source": "src", "video": "src",
                   "audio": "src", "embed": "src", "track": "src"}
EXTERNAL_SCHEMES = {"http", "https", "mailto"}
# Folders of the output that hold no page of the book: Sphinx's copies of the sources, and
# the theme's assets (its _static/*.html are Jinja macros, copied as they are).
NOT_PAGES = {"_sources", "_static"}
# A DOI (Crossref's syntax, e.g. 10.1136/bmj.a1735): no "https://doi.org/" or "doi:" before
# it, no space in it and no punctuation after it.
DOI = re.compile(r"^10\.\d{4,9}/\S+$")


class _PageParser(html.parser.HTMLParser):
    """Collects a page's anchors (id and <a name>) and its links (tag, URL)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.anchors: set[str] = set()
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in ("id",) + (("name",) if tag == "a" else ()):
            if attributes.get(name):
                self.anchors.add(attributes[name])
        url = attributes.get(LINK_ATTRIBUTES.get(tag, ""))
        if url is not None:
            self.links.append((tag, url.strip()))

    handle_startendtag = handle_starttag


@cache
def parse_page(path: Path) -> _PageParser:
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def site_pages(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.html")
                  if p.relative_to(root).parts[0] not in NOT_PAGES)


def link_problems(root: Path) -> list[str]:
    """Every link of every page under ``root`` that does not resolve, one line each."""
    root = root.resolve()
    problems = []
    for page in site_pages(root):
        where = page.relative_to(root).as_posix()
        for tag, url in parse_page(page).links:
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//"):
                if parts.scheme not in EXTERNAL_SCHEMES:
                    problems.append(f"{where}: <{tag}> {url!r}: not http(s) or mailto")
                continue
            if parts.path:
                target = (page.parent / unquote(parts.path)).resolve()
                if target.is_dir():
                    target = target / "index.html"
            else:
                target = page
            if not target.is_relative_to(root):
                problems.append(f"{where}: <{tag}> {url!r} leaves the book")
            elif not target.is_file():
                problems.append(f"{where}: <{tag}> {url!r}: no file "
                                f"{posixpath.normpath(target.relative_to(root).as_posix())}")
            elif parts.fragment and target.suffix == ".html":
                if unquote(parts.fragment) not in parse_page(target).anchors:
                    problems.append(f"{where}: <{tag}> {url!r}: no anchor "
                                    f"#{parts.fragment} in {target.relative_to(root)}")
    return problems


def doi_problems(dois: list[str]) -> list[str]:
    return [f"{doi!r} is not a bare DOI (10.NNNN/suffix)" for doi in dois
            if not DOI.match(doi) or doi[-1] in ".,;:)]}'\""]


def bib_dois(text: str) -> list[str]:
    return [m.group(1).strip() for m in re.finditer(
        r"^\s*doi\s*=\s*[{\"](.*?)[}\"]\s*,?\s*$", text, re.M | re.I)]


# -- the checkers fail when they should ------------------------------------------------------

def test_link_checker_reports_broken_links_and_anchors(tmp_path):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "style.css").write_text("")
    (tmp_path / "index.html").write_text(
        '<html><head><link rel="stylesheet" href="_static/style.css"></head><body>'
        '<h1 id="top">Book</h1>'
        '<a href="chapters/one.html#intro">good</a> <a href="#top">good</a>'
        '<a href="chapters/one.html#no-such-section">broken anchor</a>'
        '<a href="chapters/two.html">missing page</a> <img src="_images/gone.png" alt="x">'
        '<a href="#nowhere">broken local anchor</a> <a href="javascript:void(0)">odd</a>'
        '<a href="https://doi.org/10.1136/bmj.a1735">external</a> <a href="mailto:a@b.c">m</a>'
        '</body></html>')
    (tmp_path / "chapters" / "one.html").write_text(
        '<section id="intro"><a name="old"></a><a href="../index.html#top">up</a>'
        '<a href="one.html#old">by name</a><a href="../../outside.html">out</a></section>')
    problems = link_problems(tmp_path)
    assert len(problems) == 6, problems
    assert any("no anchor #no-such-section in chapters/one.html" in p for p in problems)
    assert any("no file chapters/two.html" in p for p in problems)
    assert any("no file _images/gone.png" in p for p in problems)
    assert any("'#nowhere': no anchor #nowhere in index.html" in p for p in problems)
    assert any("'javascript:void(0)': not http(s) or mailto" in p for p in problems)
    assert any("'../../outside.html' leaves the book" in p for p in problems)


def test_doi_checker_reports_malformed_dois():
    text = ("@article{A,\n  doi     = {10.1136/bmj.a1735},\n}\n"
            "@article{B,\n  DOI = \"https://doi.org/10.1136/bmj.d2912\",\n}\n"
            "@article{C,\n  doi = {10.1016/0021-9290(93)90053-H.},\n}\n"
            "@article{D,\n  doi = {doi:10.2519/jospt.2010.3337}\n}\n"
            "@article{E,\n  doi = {10.12/too-short-prefix}\n}\n")
    dois = bib_dois(text)
    assert len(dois) == 5
    assert [p.split(" ")[0] for p in doi_problems(dois)] == [
        "'https://doi.org/10.1136/bmj.d2912'", "'10.1016/0021-9290(93)90053-H.'",
        "'doi:10.2519/jospt.2010.3337'", "'10.12/too-short-prefix'"]


# -- the book ------------------------------------------------------------------------------

def test_every_internal_link_and_anchor_resolves(built_book):
    pages = site_pages(built_book)
    assert len(pages) >= 15, [p.name for p in pages]
    problems = link_problems(built_book)
    assert not problems, f"{len(problems)} broken links:\n  " + "\n  ".join(problems[:30])


def test_every_doi_in_the_bibliography_is_well_formed():
    text = (ROOT / "references.bib").read_text(encoding="utf-8")
    dois = bib_dois(text)
    assert dois, "references.bib holds DOIs"
    # bib_dois saw every doi field (one it missed would go unchecked)
    assert len(dois) == len(re.findall(r"^\s*doi\s*=", text, re.M | re.I))
    assert not doi_problems(dois)
    urls = re.findall(r"^\s*url\s*=\s*[{\"](.*?)[}\"]", text, re.M | re.I)
    assert all(url.startswith(("https://", "http://")) for url in urls), urls
