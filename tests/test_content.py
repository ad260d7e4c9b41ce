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
from widgets import evidence as ev

CHAPTERS = chapter_files()
IDS = [p.stem for p in CHAPTERS]
CITE_ROLE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")
MIN_WORDS = 1500  # chapters 1-8; chapter 9 is a summary

# Claims the fact sheet marks "not verified": they must not appear as fact in the book.
# " 6 cm": the ankle rule's "distal 6 cm", seen only in secondary sources, not in Stiell1993.
UNVERIFIED_NUMBERS = ["20.5", "68.5", "4–47", "4-47", "23°", "23 °", " 6 cm"]




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
    # 28 topics of the course brief, then urgent care and the ankle sprain (issue 13)
    assert sorted(coverage) == list(range(1, 31)), "all 30 topics"
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


# --- When to get help urgently (chapter 8) ------------------------------------------------
URGENT_CHAPTER = ROOT / "chapters" / "08-assessment-and-care.md"
URGENT_BOX = re.compile(r"^```\{admonition\} When to get help urgently\n(.*?)^```$", re.M | re.S)
# Each Ottawa criterion in the wording FACTS.md gives (Stiell1992/Stiell1993 for the ankle and
# foot, Stiell1995 for the knee); numbers come from widgets.evidence.
OTTAWA_ANKLE_CRITERIA = {
    "malleolus: posterior edge or tip": r"posterior edge or the tip of either \{term\}`malleolus",
    "ankle: inability to bear weight": r"inability to bear weight both immediately after the\s+"
                                       r"injury and when examined \(in the\s+emergency department\)",
    "foot: base of the fifth metatarsal": r"bone tenderness at the base of the fifth metatarsal",
    "foot: navicular": r"bone tenderness at the navicular",
    "foot: inability to bear weight": r"- an inability to bear weight both immediately after the\s+"
                                      r"injury and when examined\.",
}
OTTAWA_KNEE_CRITERIA = {
    "age": rf"age {ev.OTTAWA_KNEE_AGE_YEARS.value:g} or older",
    "head of the fibula": r"tenderness at the head of the fibula",
    "isolated patellar tenderness": r"isolated tenderness of the patella",
    "flexion to 90°": rf"inability to bend the knee to {ev.OTTAWA_KNEE_FLEXION_DEG.value:g}°",
    "bear weight, four steps": r"inability to bear weight, taking four steps, both\s+immediately",
}
OTTAWA_CITATIONS = {"Stiell1992", "Stiell1993", "Stiell1995", "Stiell1996", "Bachmann2003"}
ACUTE_KNEE_SIGNS = ["locks", "gives way", "swells within hours"]
GENERAL_SIGNS = ["hot, swollen joint", "fever", "calf", "numbness, tingling", "cold or pale",
                 "pain at night or\nat rest", "pinpoint tenderness on the bone of the shin"]


def urgent_care_problems(text: str) -> list[str]:
    """What the urgent-care box of a chapter text lacks (empty when it is complete)."""
    box = URGENT_BOX.search(text)
    if not box:
        return ["no 'When to get help urgently' admonition"]
    body = box.group(1)
    problems = []
    if not re.search(r"^:class: danger$", body, re.M):
        problems.append("the box is not marked as a danger admonition")
    if not re.search(r"^:name: box-ch08-urgent-care$", body, re.M):
        problems.append("the box has no label")
    for name, pattern in {**OTTAWA_ANKLE_CRITERIA, **OTTAWA_KNEE_CRITERIA}.items():
        if not re.search(pattern, body):
            problems.append(f"Ottawa criterion missing: {name}")
    cited = {k.strip() for group in CITE_ROLE.findall(body) for k in re.split(r"[,;]\s*", group)}
    problems += [f"the box does not cite {key}" for key in sorted(OTTAWA_CITATIONS - cited)]
    problems += [f"acute knee sign missing: {s}" for s in ACUTE_KNEE_SIGNS if s not in body]
    problems += [f"general sign missing: {s!r}" for s in GENERAL_SIGNS if s not in body]
    # The general signs have no source in FACTS.md: no number and no citation there.
    general = body[body.find("**Knee signs after an injury.**"):]
    if "{cite" in general or re.search(r"\d", general):
        problems.append("the general guidance states a number or a citation")
    return problems


def test_chapter_8_has_the_urgent_care_box():
    text = chapter_markdown(URGENT_CHAPTER)
    assert urgent_care_problems(text) == []
    # It sits in its own labelled section, before the rest of the chapter's advice.
    assert re.search(r"^\(ch08-urgent-care\)=\n## When to get help urgently$", text, re.M)
    assert text.index("(ch08-urgent-care)=") < text.index("(ch08-seek-help)=")
    assert "none of its\nsources covers" not in text and "warning signs" not in text


@pytest.mark.parametrize("criterion", sorted({**OTTAWA_ANKLE_CRITERIA, **OTTAWA_KNEE_CRITERIA}))
def test_urgent_care_check_fails_when_a_criterion_is_removed(criterion):
    """Broken fixture: a copy of chapter 8 with one Ottawa criterion deleted."""
    text = chapter_markdown(URGENT_CHAPTER)
    pattern = {**OTTAWA_ANKLE_CRITERIA, **OTTAWA_KNEE_CRITERIA}[criterion]
    broken, removed = re.subn(pattern, "", text, count=1)
    assert removed == 1
    assert f"Ottawa criterion missing: {criterion}" in urgent_care_problems(broken)


@pytest.mark.parametrize("breakage, expected", [
    (lambda t: t.replace("{cite:p}`Stiell1995`", ""), "the box does not cite Stiell1995"),
    (lambda t: t.replace("`Stiell1992`", "`Stiell1993`"), "the box does not cite Stiell1992"),
    (lambda t: t.replace("swells within hours", "swells"), "acute knee sign missing: swells within hours"),
    (lambda t: t.replace("for a hot, swollen joint", "for a hot, swollen joint (in 3 of 4 cases)"),
     "the general guidance states a number or a citation"),
    (lambda t: t.replace(":class: danger", ":class: note"), "the box is not marked as a danger admonition"),
    (lambda t: t.replace("```{admonition} When to get help urgently", "```{admonition} Help"),
     "no 'When to get help urgently' admonition"),
])
def test_urgent_care_check_fails_on_broken_fixtures(breakage, expected):
    broken = breakage(chapter_markdown(URGENT_CHAPTER))
    assert expected in urgent_care_problems(broken)


def test_chapter_8_has_the_ankle_sprain_section():
    text = re.sub(r"\s+", " ", chapter_markdown(URGENT_CHAPTER))
    section = text[text.index("(ch08-ankle-sprain)="):text.index("(ch08-seek-help)=")]
    days = ev.VUURBERG2018_DELAYED_EXAMINATION_DAYS
    assert f"{days.low:g}–{days.high:g} days after the injury" in section
    for phrase in ("tape or a brace combined with an exercise programme",
                   "should not be immobilised", "{cite:p}`Vuurberg2018`", "Ottawa ankle rules"):
        assert phrase in section, phrase


def test_chapter_9_and_the_landing_page_point_to_the_urgent_care_box():
    summary = chapter_markdown(ROOT / "chapters" / "09-questions-and-takeaways.md")
    question4 = summary[summary.index("### 4."):summary.index("### 5.")]
    assert "<ch08-urgent-care>" in question4 and "Ottawa" in question4
    assert "warning signs" not in summary
    notice = (ROOT / "index.md").read_text(encoding="utf-8")
    notice = notice[:notice.index("## What this book is")]
    assert "{ref}`When to get help urgently <ch08-urgent-care>`" in notice


def test_built_pages_show_the_urgent_care_box_and_link_to_it(built_book):
    chapter = page(html_page(URGENT_CHAPTER))
    box = chapter.find(id="box-ch08-urgent-care")
    assert box is not None and "danger" in box["class"]
    shown = re.sub(r"\s+", " ", box.get_text(" "))
    for words in ("posterior edge or the tip of either malleolus", "base of the fifth metatarsal",
                  "navicular", "head of the fibula", "isolated tenderness of the patella",
                  f"bend the knee to {ev.OTTAWA_KNEE_FLEXION_DEG.value:g}°", "Stiell"):
        assert words in shown, words
    assert chapter.find(id="ch08-urgent-care") and chapter.find(id="ch08-ankle-sprain")
    for source in (ROOT / "index.md", ROOT / "chapters" / "09-questions-and-takeaways.md"):
        links = [a["href"] for a in page(html_page(source)).select("a[href]")]
        assert any(h.endswith("08-assessment-and-care.html#ch08-urgent-care") for h in links), source
