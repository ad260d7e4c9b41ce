"""The vendored JavaScript is what _vendor/package.json pins, with its licences.

``make vendor`` (``_vendor/refresh.sh``) installs the pinned packages with ``npm ci`` from
``_vendor/package-lock.json`` and copies the files the book serves (``_vendor/html/``,
published) and the axe-core the browser tests inject (``_vendor/test/``, never published).
These tests need neither Node nor the network.
"""

import json
import re
from pathlib import Path

from book import HTML, ROOT

VENDOR = ROOT / "_vendor"
PINNED = json.loads((VENDOR / "package.json").read_text(encoding="utf-8"))["dependencies"]
LOCK = json.loads((VENDOR / "package-lock.json").read_text(encoding="utf-8"))
# Each package: a file it put here and the text in it that names the version, plus the
# licence files beside it.
FILES = {
    "@jupyter-widgets/html-manager": (
        "html/jupyter-widgets/LICENSE-html-manager.txt", "@jupyter-widgets/html-manager {v} ",
        ["html/jupyter-widgets/embed-amd.js", "html/jupyter-widgets/embed.js.LICENSE.txt"]),
    "requirejs": ("html/jupyter-widgets/require.js", "@license RequireJS {v} ",
                  ["html/jupyter-widgets/LICENSE-requirejs.txt"]),
    "mathjax": ("html/mathjax/tex-mml-chtml.js", 'VERSION="{v}"', ["html/mathjax/LICENSE"]),
    "axe-core": ("test/axe-core/axe.min.js", "/*! axe v{v}\n",
                 ["test/axe-core/LICENSE", "test/axe-core/LICENSE-3RD-PARTY.txt"]),
    # The 3-D leg's bundle (widgets/static/leg3d/leg3d.js): three.js, built by esbuild.
    "three": ("../widgets/static/leg3d/LICENSE-three.txt", "three {v} ",
              ["../widgets/static/leg3d/leg3d.js"]),
    "esbuild": ("../widgets/static/leg3d/LICENSE-three.txt", " by esbuild {v}:",
                ["../widgets/static/leg3d/leg3d.js"]),
}


def test_versions_are_pinned_exactly_and_locked_with_integrity():
    assert set(PINNED) == set(FILES)
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", v) for v in PINNED.values()), PINNED
    assert LOCK["packages"][""]["dependencies"] == PINNED, "run npm install --package-lock-only"
    for name, version in PINNED.items():
        assert LOCK["packages"][f"node_modules/{name}"]["version"] == version, name
    entries = {k: v for k, v in LOCK["packages"].items() if k}
    missing = [k for k, v in entries.items() if not v.get("integrity", "").startswith("sha512-")]
    assert not missing, f"lock entries without a sha512 integrity hash: {missing}"


def test_vendored_files_are_the_pinned_versions_with_their_licences():
    for name, (path, marker, licences) in FILES.items():
        text = (VENDOR / path).read_text(encoding="utf-8")
        assert marker.format(v=PINNED[name]) in text, f"{path} is not {name} {PINNED[name]}"
        for licence in licences:
            assert (VENDOR / licence).stat().st_size > 0, licence


def test_ipywidgets_and_html_manager_majors_match():
    import ipywidgets

    # ipywidgets 8.x renders with @jupyter-widgets/html-manager 1.x
    assert ipywidgets.__version__.startswith("8.") and PINNED[
        "@jupyter-widgets/html-manager"].startswith("1.")


def test_only_the_book_files_are_published(built_book):
    assert (built_book / "jupyter-widgets" / "embed-amd.js").is_file()
    assert not list(built_book.rglob("axe*.js")), "axe-core is for the tests only"
    assert not list(HTML.rglob("node_modules")) and not list(HTML.rglob("package*.json"))


def test_anywidget_front_end_is_the_installed_packages():
    """The static page's anywidget.js is the AMD build of the anywidget Python package the
    kernel side runs (make vendor copies it), so both halves are one version."""
    import anywidget

    installed = Path(anywidget.__file__).parent / "nbextension" / "index.js"
    vendored = VENDOR / "html" / "jupyter-widgets" / "anywidget.js"
    assert vendored.read_bytes() == installed.read_bytes(), "run make vendor"
    licence = (VENDOR / "html" / "jupyter-widgets" / "LICENSE-anywidget.txt").read_text()
    assert licence.startswith(f"anywidget {anywidget.__version__} ")
