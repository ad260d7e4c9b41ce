"""The book builds without a warning and every chapter page holds what it should."""

import shutil

import pytest
from bs4 import BeautifulSoup

from book import STRICT_BUILD, HTML, ROOT, chapter_files, chapter_title, html_page, jupyter_book

CHAPTERS = chapter_files()


def soup(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_nine_chapters_in_order():
    assert [p.name[:2] for p in CHAPTERS] == [f"{i:02d}" for i in range(1, 10)]
    assert all(p.exists() for p in CHAPTERS)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_page_has_title_and_figure(built_book, chapter):
    page = soup(html_page(chapter))
    assert page.h1 is not None and chapter_title(chapter) in page.h1.get_text()
    figures = page.select("figure img")
    assert figures, f"{chapter.name}: no figure in the built page"
    assert all(img.get("alt", "").strip() for img in figures), "every figure needs alt text"
    assert page.select("figcaption"), f"{chapter.name}: figures need captions"


def test_landing_page_lists_every_chapter_and_disclaimer(built_book):
    page = soup(HTML / "index.html")
    text = page.get_text(" ")
    assert "not medical advice" in text
    sidebar = page.select_one("nav.bd-docs-nav") or page
    for chapter in CHAPTERS:
        assert chapter_title(chapter) in sidebar.get_text(" "), chapter.name


def test_extra_pages_built(built_book):
    for name in ("glossary", "references", "instructors"):
        assert (HTML / "chapters" / f"{name}.html").exists()


def test_project_files_stay_out_of_the_book(built_book):
    assert not (HTML / "README.html").exists()
    assert not list(HTML.glob(".venv*"))


def test_a_raising_cell_fails_the_test_build(tmp_path):
    """The build flags used above really fail on a chapter cell that raises."""
    for name in ("_config.yml", "references.bib"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "_ext").symlink_to(ROOT / "_ext")  # the local Sphinx extension _config.yml loads
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: index\n")
    (tmp_path / "index.md").write_text(
        (ROOT / "chapters" / "01-kinetic-chain.md").read_text().split("\n---\n", 1)[0]
        + "\n---\n# Broken\n\n```{code-cell} ipython3\nraise RuntimeError('boom')\n```\n")
    result = jupyter_book(*STRICT_BUILD, ".", cwd=tmp_path)
    assert result.returncode != 0
    assert "boom" in result.stdout + result.stderr
