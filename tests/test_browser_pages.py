"""Every page of the built book in a real browser, offline, for every reader.

Each page is served on 127.0.0.1 and opened in Debian's Chromium with every request to any
other host aborted (``tests/browser.py``). A page passes when: no request was blocked, failed
or answered with an HTTP error; no JavaScript error and no console error; MathJax typeset
every math element without an error; every picture has alt text; every widget control has an
accessible name; and axe-core (``_vendor/test/axe-core``, injected here, never published)
finds no violation at all, of any impact. A full-page screenshot of each page is
saved in ``_build/screenshots/`` for reviewers.

The last tests prove the checks bite: a copy of a built page that fetches from the internet,
logs an error and holds an unlabelled control and a picture without alt text fails them.
"""

from __future__ import annotations

import pytest

# Importing browser skips this module without Chromium or Playwright (fails on CI).
from browser import (OfflinePage, Server, audit_page, book_pages, built_pages,
                     screenshot_path)
from browser import book_server, browser, offline_page  # noqa: F401 (fixtures)

PAGES = book_pages()


def test_every_page_of_the_book_is_tested(built_book):
    """The pages tested below are every reader-facing page the build wrote."""
    assert built_pages(built_book) == sorted(PAGES)


@pytest.mark.parametrize("path", PAGES, ids=str)
def test_page_works_offline_and_is_accessible(offline_page, path):
    report = audit_page(offline_page, path)
    problems = report.problems()
    assert not problems, f"{path}:\n  " + "\n  ".join(problems)
    assert report.screenshot == screenshot_path(path) and report.screenshot.stat().st_size
    # Pictures marked decorative (alt="" and role="presentation") are allowed; there are none.
    assert not report.images["decorative"], report.images["decorative"]


# What the broken copy of a page adds: a script, a stylesheet and a picture from the
# internet, a console error, a missing local file, a picture without alt text and a slider
# without a name.
BROKEN = """
<script src="https://cdn.jsdelivr.net/npm/lodash@4.17.21/lodash.min.js"></script>
<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Roboto">
<img src="https://upload.wikimedia.org/wikipedia/commons/a/a9/Example.jpg" alt="An example">
<img src="_images/no-such-picture.png">
<div role="slider" tabindex="0" aria-valuemin="0" aria-valuemax="10" aria-valuenow="5"></div>
<script>console.error("kc-test: deliberate console error");</script>
"""


def test_a_page_that_needs_the_internet_fails(browser, built_book, tmp_path):  # noqa: F811
    site = tmp_path / "site"
    site.mkdir()
    for entry in built_book.iterdir():  # the built book, by links, but for one page
        if entry.name != "index.html":
            (site / entry.name).symlink_to(entry)
    page_html = (built_book / "index.html").read_text(encoding="utf-8")
    assert "</body>" in page_html
    (site / "index.html").write_text(page_html.replace("</body>", BROKEN + "</body>", 1),
                                     encoding="utf-8")
    server = Server(site)
    offline = OfflinePage(browser, server.url)
    try:
        report = audit_page(offline, "index.html", screenshot=False)
    finally:
        offline.close()
        server.close()
    problems = "\n".join(report.problems())
    for url in ("https://cdn.jsdelivr.net/", "https://fonts.googleapis.com/",
                "https://upload.wikimedia.org/"):
        assert f"blocked request to another host: {url}" in problems, (url, problems)
    assert "failed request: 404" in problems and "no-such-picture.png" in problems
    assert "console error: kc-test: deliberate console error" in problems
    assert "picture without alt text: _images/no-such-picture.png" in problems
    assert "axe: aria-input-field-name (serious" in problems
    assert "axe: image-alt (critical" in problems
