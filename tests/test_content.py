"""The chapters hold what a finished, evidence-graded chapter must hold.

Source checks read the MyST notebooks through jupytext (the same reader the book uses);
page checks read the built HTML, so they see what a reader sees.
"""

import re

import jupytext
import pytest
import yaml
from bs4 import BeautifulSoup

from book import BIB_KEYS, HTML, ROOT, chapter_files, chapter_markdown, html_page

CHAPTERS = chapter_files()
IDS = [p.stem for p in CHAPTERS]
CITE_ROLE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")
MIN_WORDS = 1500  # chapters 1-8; chapter 9 is a summary

# Claims the fact sheet marks "not verified": they must not appear as fact in the book.
UNVERIFIED_NUMBERS = ["20.5", "68.5", "4–47", "4-47", "23°", "23 °"]




def prose_words(path):
    """Words a reader reads: markdown cells without directive fences, options and roles."""
    text = chapter_markdown(path)
    text = re.sub(r"^(```|:::).*$|^:\w[\w-]*:.*$|^\(.*\)=$", " ", text, flags=re.M)
    text = re.sub(r"\{[a-z:]+\}`([^`]*)`", r"\1", text)
    return len(re.findall(r"[A-Za-z][A-Za-z'’-]*", text))


def exercise_labels(text):
    return re.findall(r"```\{exercise(?:-start)?\}[^\n]*\n(?::[^\n]*\n)*?:label: ([\w-]+)", text)


def solution_targets(text):
    return re.findall(r"```\{solution(?:-start)?\} ([\w-]+)", text)


def figure_cells(path):
    cells = [c for c in jupytext.read(path).cells if c.cell_type == "code"]
    return [c.metadata.get("mystnb", {}) for c in cells if "figure" in c.metadata.get("mystnb", {})]


def page(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def all_book_sources():
    return [*CHAPTERS, *sorted((ROOT / "chapters").glob("[a-z]*.md")), ROOT / "index.md"]


def test_every_cited_key_is_in_references_bib():
    for path in all_book_sources():
        for group in CITE_ROLE.findall(path.read_text(encoding="utf-8")):
            for key in re.split(r"[,;]\s*", group):
                assert key.strip() in BIB_KEYS, f"{path.name}: unknown citation key {key!r}"


def test_unverified_numbers_do_not_appear():
    for path in all_book_sources():
        text = chapter_markdown(path) if path in CHAPTERS else path.read_text(encoding="utf-8")
        for number in UNVERIFIED_NUMBERS:
            assert number not in text, f"{path.name} states the unverified value {number}"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_chapter_structure(chapter):
    text = chapter_markdown(chapter)
    directives = re.findall(r"```\{admonition\} ([^\n]+)", text)
    assert directives and directives[0].strip() == "Learning objectives", chapter.name
    assert directives[-1].strip() == "Key takeaways", chapter.name
    # Nothing but the takeaways after the last heading's takeaway admonition.
    tail = text[text.rindex("```{admonition} Key takeaways"):]
    assert not re.search(r"^#{1,6} |```\{(exercise|solution)", tail, re.M), \
        f"{chapter.name}: key takeaways must close the chapter"

    labels = exercise_labels(text)
    assert len(labels) >= 2, f"{chapter.name}: needs two or more exercises, has {len(labels)}"
    assert all(label.startswith(f"ex-ch{chapter.name[:2]}-") for label in labels), labels
    assert sorted(solution_targets(text)) == sorted(labels), \
        f"{chapter.name}: every exercise needs exactly one solution"
    assert text.count(":class: dropdown") >= len(labels), "solutions are collapsed by default"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_chapter_figures_have_caption_name_and_alt(chapter):
    figures = figure_cells(chapter)
    assert len(figures) >= 2, f"{chapter.name}: needs two or more computed figures"
    for meta in figures:
        assert meta["figure"].get("caption", "").strip(), meta
        assert meta["figure"].get("name", "").startswith(f"fig-ch{chapter.name[:2]}-"), meta
        assert meta.get("image", {}).get("alt", "").strip(), f"{chapter.name}: figure without alt"


@pytest.mark.parametrize("chapter", CHAPTERS[:8], ids=IDS[:8])
def test_chapters_one_to_eight_are_full_length(chapter):
    words = prose_words(chapter)
    assert words >= MIN_WORDS, f"{chapter.name}: {words} words, expected at least {MIN_WORDS}"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_built_chapter_shows_exercises_figures_and_citations(built_book, chapter):
    html = page(html_page(chapter))
    assert len(html.select("div.exercise")) >= 2
    solutions = html.select("div.solution")
    assert solutions and all("dropdown" in s["class"] for s in solutions)
    figures = html.select("figure")
    assert len(figures) >= 2
    assert all(f.select_one("figcaption") and f.select_one("img[alt]") for f in figures
               if f.select_one("img"))
    if chapter.name[:2] != "09":
        assert html.select("a[href*='references']") or html.select("span.cite, a.reference"), \
            "chapters 1-8 cite their sources"


def test_coverage_map_anchors_exist_in_built_pages(built_book):
    coverage = yaml.safe_load((ROOT / "tests" / "coverage_map.yml").read_text(encoding="utf-8"))
    assert sorted(coverage) == list(range(1, 29)), "all 28 topics of the course brief"
    pages = {}
    for number, entry in coverage.items():
        for section in entry["sections"]:
            name = section["chapter"]
            if name not in pages:
                pages[name] = page(HTML / "chapters" / f"{name}.html")
            anchor = section["anchor"]
            assert anchor != "TODO", f"topic {number} ({entry['topic'][:40]}...) has no section"
            assert pages[name].find(id=anchor), f"topic {number}: no #{anchor} in {name}.html"


def test_glossary_has_thirty_terms(built_book):
    terms = page(HTML / "chapters" / "glossary.html").select("dl.glossary dt")
    assert len(terms) >= 30, f"glossary has {len(terms)} terms"


def test_references_page_lists_the_cited_sources(built_book):
    cited = set()
    for path in all_book_sources():
        for group in CITE_ROLE.findall(path.read_text(encoding="utf-8")):
            cited.update(k.strip() for k in re.split(r"[,;]\s*", group))
    entries = page(HTML / "chapters" / "references.html").select("div.citation, dl.citation > dt")
    assert len(entries) >= len(cited) > 10, (len(entries), len(cited))
