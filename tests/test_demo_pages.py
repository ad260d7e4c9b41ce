"""The built chapter pages carry their demonstrations offline and stay light."""

from __future__ import annotations

import json
import math

import pytest
from bs4 import BeautifulSoup

from book import HTML, ROOT, html_page
from widgets import axis_explorer, knee_chain, stance_player

PAGE_LIMIT_BYTES = 1_500_000
DEMO_PAGES = {
    "axis-explorer": (ROOT / "chapters" / "03-subtalar-to-tibia.md",
                      (axis_explorer.FRAME_INCLINATIONS_DEG, axis_explorer.FRAME_PRONATIONS_DEG)),
    "knee-chain": (ROOT / "chapters" / "04-ankle-to-knee.md",
                   (knee_chain.FRAME_PRONATIONS_DEG, knee_chain.FRAME_FEMORAL_ROTATIONS_DEG,
                    knee_chain.FRAME_FLEXIONS_DEG)),
    "stance-player": (ROOT / "chapters" / "05-stance-phase.md",
                      (stance_player.PRESET_KEYS, stance_player.FRAME_PERCENTS)),
}


def widget_models(page: BeautifulSoup) -> list[dict]:
    scripts = page.find_all("script", type="application/vnd.jupyter.widget-state+json")
    return [model for script in scripts
            for model in json.loads(script.string)["state"].values()]


@pytest.mark.parametrize("demo", DEMO_PAGES, ids=str)
def test_demo_page_is_light_and_holds_every_frame(built_book, demo):
    chapter, grid = DEMO_PAGES[demo]
    path = html_page(chapter)
    size = path.stat().st_size
    assert size < PAGE_LIMIT_BYTES, f"{path.name} weighs {size / 1e6:.2f} MB"
    page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    models = widget_models(page)
    frames = math.prod(len(values) for values in grid)
    images = [m for m in models if m["model_name"] == "ImageModel"]
    # The fallback's frames, plus the live demo's one image (its output is hidden, its
    # state is still saved with the notebook).
    assert len(images) == frames + 1
    stacks = [m for m in models if m["model_name"] == "StackModel"]
    assert len(stacks) == sum(math.prod(len(v) for v in grid[:i]) for i in range(len(grid)))
    links = [m for m in models if m["model_name"] == "LinkModel"]
    assert len(links) >= len(stacks)
    # The demo's container is on the page with its CSS class, for readers and the browser test.
    views = page.find_all("script", type="application/vnd.jupyter.widget-view+json")
    classes = [m["state"].get("_dom_classes", []) for m in models]
    assert views and [f"kc-demo-{demo}"] in classes


def test_no_page_loads_anything_from_the_network(built_book):
    offenders = []
    for path in HTML.rglob("*.html"):
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag, attribute in (("script", "src"), ("link", "href"), ("img", "src")):
            for element in page.find_all(tag):
                url = element.get(attribute, "")
                if tag == "link" and "stylesheet" not in element.get("rel", []):
                    continue
                if url.startswith(("http://", "https://", "//")):
                    offenders.append(f"{path.relative_to(HTML)}: {url}")
    assert not offenders, offenders[:10]


def test_vendored_javascript_is_published(built_book):
    for name in ("jupyter-widgets/require.js", "jupyter-widgets/embed-amd.js",
                 "jupyter-widgets/setup.js", "mathjax/tex-mml-chtml.js"):
        assert (HTML / name).is_file(), name
