"""The built chapter pages carry their demonstrations offline and stay light."""

from __future__ import annotations

import itertools
import json
import math

import pytest
from bs4 import BeautifulSoup

from book import HTML, ROOT, html_page
from demo_alts import missing_phrases
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

# The parameter each grid axis of DEMO_PAGES steps through, in the same order.
DEMO_PARAMETERS = {
    "axis-explorer": ("inclination_deg", "pronation_deg"),
    "knee-chain": ("pronation_deg", "femoral_rotation_deg", "knee_flexion_deg"),
    "stance-player": ("preset", "percent_stance"),
}


def widget_state(page: BeautifulSoup, path=None) -> dict[str, dict]:
    """Every widget model saved with the page, by model id: in the page, or in the state file
    that kc-lazy.js loads (``data-kc-widgets``, _ext/fast_pages.py; needs the page's ``path``)."""
    texts = [script.string for script in
             page.find_all("script", type="application/vnd.jupyter.widget-state+json")]
    for loader in page.find_all("script", attrs={"data-kc-widgets": True}):
        state_url = json.loads(loader["data-kc-widgets"])["state"]
        texts.append((path.parent / state_url).read_text(encoding="utf-8"))
    return {model_id: model for text in texts
            for model_id, model in json.loads(text)["state"].items()}


def widget_models(page: BeautifulSoup, path=None) -> list[dict]:
    return list(widget_state(page, path).values())


def state_files(page: BeautifulSoup, path) -> list:
    """The widget state files the page loads (none when its state is inline)."""
    return [path.parent / json.loads(loader["data-kc-widgets"])["state"]
            for loader in page.find_all("script", attrs={"data-kc-widgets": True})]


def child(state: dict[str, dict], reference: str) -> dict:
    return state[reference.removeprefix("IPY_MODEL_")]


def frame_images(state: dict[str, dict], demo: str, depth: int) -> dict[tuple, BeautifulSoup]:
    """The ``<img>`` of each frame of a demo, by grid index, found through its nested Stacks."""
    [box] = [m for m in state.values() if f"kc-demo-{demo}" in m["state"].get("_dom_classes", [])]
    [top] = [child(state, c) for c in box["state"]["children"]
             if child(state, c)["model_name"] == "StackModel"]
    images = {}

    def walk(model, index):
        if len(index) == depth:
            assert model["model_name"] == "HTMLModel", model["model_name"]
            imgs = BeautifulSoup(model["state"]["value"], "html.parser").find_all("img")
            assert len(imgs) == 1, f"{demo} frame {index}: {len(imgs)} <img>"
            images[index] = imgs[0]
            return
        assert model["model_name"] == "StackModel"
        for i, reference in enumerate(model["state"]["children"]):
            walk(child(state, reference), index + (i,))

    walk(top, ())
    return images


@pytest.mark.parametrize("demo", DEMO_PAGES, ids=str)
def test_demo_page_is_light_and_holds_every_frame(built_book, demo):
    chapter, grid = DEMO_PAGES[demo]
    path = html_page(chapter)
    page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    size = path.stat().st_size + sum(f.stat().st_size for f in state_files(page, path))
    assert size < PAGE_LIMIT_BYTES, f"{path.name} weighs {size / 1e6:.2f} MB"
    models = widget_models(page, path)
    frames = math.prod(len(values) for values in grid)
    # Every picture is an <img> in an HTML widget: the fallback's frames, plus the live
    # demo's one image (its output is hidden, its state is still saved with the notebook).
    pictures = [img for m in models if m["model_name"] == "HTMLModel"
                for img in BeautifulSoup(m["state"].get("value", ""), "html.parser")("img")]
    assert len(pictures) == frames + 1
    assert all(img.get("alt", "").strip() for img in pictures), "a picture has no alt text"
    assert not [m for m in models if m["model_name"] == "ImageModel"], "Image has no alt"
    stacks = [m for m in models if m["model_name"] == "StackModel"]
    assert len(stacks) == sum(math.prod(len(v) for v in grid[:i]) for i in range(len(grid)))
    links = [m for m in models if m["model_name"] == "LinkModel"]
    assert len(links) >= len(stacks)
    # The demo's container is on the page with its CSS class, for readers and the browser test.
    views = page.find_all("script", type="application/vnd.jupyter.widget-view+json")
    classes = [m["state"].get("_dom_classes", []) for m in models]
    assert views and [f"kc-demo-{demo}"] in classes


@pytest.mark.parametrize("demo", DEMO_PAGES, ids=str)
def test_every_frame_on_the_page_says_its_own_numbers(built_book, demo):
    """Each frame's <img> holds its own picture and an alt text with that frame's model values
    (compared with widgets.kinematics, through the Stacks that index it)."""
    chapter, grid = DEMO_PAGES[demo]
    page = BeautifulSoup(html_page(chapter).read_text(encoding="utf-8"), "html.parser")
    images = frame_images(widget_state(page, html_page(chapter)), demo, len(grid))
    assert sorted(images) == list(itertools.product(*(range(len(v)) for v in grid)))
    names = list(DEMO_PARAMETERS[demo])
    for index, img in images.items():
        assert img["src"].startswith("data:image/png;base64,")
        params = {name: values[i] for name, values, i in zip(names, grid, index)}
        missing = missing_phrases(demo, params, img.get("alt", ""))
        assert not missing, f"{demo} frame {params}: alt lacks {missing}: {img.get('alt')!r}"
    assert len({img["src"] for img in images.values()}) == len(images), "frames must differ"
    assert len({img["alt"] for img in images.values()}) == len(images), "alts must differ"


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
