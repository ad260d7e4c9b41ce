"""Shared machinery of the demonstrations: one drawing path, three ways to show it.

Each demonstration is a figure built once with its artists, plus an ``update(**params)``
method that changes those artists (``set_data``, bar heights, text). This module turns
such a figure into

- a PNG (:meth:`DemoFigure.png`, blitted), for the live widget and the precomputed frames;
- a live ipywidgets demo (:class:`LiveDemo`): controls whose every change calls
  ``update`` and swaps the picture shown;
- a kernel-free fallback for the static HTML book (:func:`frame_explorer`): precomputed
  frames in nested ``ipywidgets.Stack`` s whose ``selected_index`` is ``jslink``-ed to
  selection sliders (and optionally a ``Play`` button), so the browser alone switches
  frames. Frames are palette PNGs, to keep each chapter page small.

Every picture, live or precomputed, is an ``<img>`` with a text alternative
(:meth:`DemoFigure.describe`: the state drawn, in words and the model's numbers), held in
an ``ipywidgets.HTML`` (:func:`image_widget`); ``ipywidgets.Image`` has no ``alt``.

The JavaScript that renders widgets in the static book is vendored in ``_vendor/html``.
"""

from __future__ import annotations

import base64
import contextlib
import html
import io
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import ipywidgets as ipw
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image as PILImage

from .style import DPI_STATIC_FRAMES

# The live picture has the static frames' resolution: the same look in both, and each update
# about 10 % faster than at 90 dpi (benchmarks/demo_update_time.py).
DPI_LIVE = DPI_STATIC_FRAMES
# A palette of 64 colours keeps line drawings sharp and makes each frame about 3x smaller.
FRAME_COLOURS = 64
# zlib level of the live picture: level 1 encodes about twice as fast as the default 6 and
# the PNG is no bigger for these flat-colour drawings (measured in benchmarks/).
LIVE_PNG_COMPRESSION = 1


def rgba_png(rgba: np.ndarray, colours: int | None = None,
             compress_level: int = LIVE_PNG_COMPRESSION) -> bytes:
    """PNG bytes of an RGBA pixel array, drawn on white; with ``colours``, quantized to a
    palette and optimized (smaller, slower: for the precomputed frames)."""
    image = PILImage.fromarray(rgba).convert("RGB")
    buffer = io.BytesIO()
    if colours is None:
        image.save(buffer, format="png", compress_level=compress_level)
    else:
        image.quantize(colours, method=PILImage.Quantize.FASTOCTREE).save(
            buffer, format="png", optimize=True)
    return buffer.getvalue()


def signed_angle(value: float, positive: str, negative: str, digits: int = 1) -> str:
    """``"internal rotation 6.5°"`` / ``"external rotation 6.5°"``: a signed angle in words,
    for alt text (``positive`` and ``negative`` name the two directions)."""
    shown = round(float(value), digits)
    word = negative if shown < 0 else positive
    return f"{word} {abs(shown):.{digits}f}°"


def image_html(png: bytes, alt: str) -> str:
    """An ``<img>`` holding ``png`` inline (no file, no network) with ``alt`` as its text."""
    data = base64.b64encode(png).decode("ascii")
    return (f'<img class="kc-frame" src="data:image/png;base64,{data}" '
            f'alt="{html.escape(alt, quote=True)}" '
            'style="display:block;max-width:100%;height:auto">')


def add_still(bundle: dict, png: bytes, alt: str) -> dict:
    """``bundle`` (a widget's display data, changed in place and returned) plus a still:
    ``image/png`` with the alt text as ``text/plain`` (print and other outputs that cannot run
    widgets pick these; see "Print edition" in README.md). The 3-D views use it too."""
    bundle["image/png"] = base64.b64encode(png).decode("ascii")
    bundle["text/plain"] = alt
    return bundle


def still_mimebundle(widget: ipw.Widget, png: bytes, alt: str, **kwargs) -> dict:
    """A demo's display data: the widget view (the HTML book and Jupyter pick it) plus its
    default state as a still (:func:`add_still`)."""
    return add_still(dict(widget._repr_mimebundle_(**kwargs) or {}), png, alt)


def image_widget(png: bytes = b"", alt: str = "") -> ipw.HTML:
    """The widget that shows a demo's picture: an ``HTML`` holding :func:`image_html`."""
    widget = ipw.HTML(image_html(png, alt) if png else "",
                      layout=ipw.Layout(max_width="100%"))
    widget.add_class("kc-frame-box")
    return widget


class DemoFigure:
    """Base class of the demonstrations' figures: build artists once, then ``update``.

    Subclasses create ``self.fig`` and its artists in ``__init__``, list in ``self.dynamic``
    (in drawing order) every artist that ``update(**params)`` changes, and implement
    ``update``, which must only change those artists. ``params`` holds the values last drawn,
    so tests can compare the drawing with the model, and ``describe_params(params)`` turns it
    into the picture's text alternative.

    Rendering blits: everything that never changes is drawn once per resolution and saved;
    each render restores that picture and draws only ``self.dynamic`` over it, so a slider
    move costs a few artists instead of the whole figure (see benchmarks/demo_update_time.py).
    """

    fig: Figure
    params: dict
    dynamic: list

    def update(self, **params) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe_params(self, params: dict) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self, **params) -> str:
        """Text alternative of the figure: for ``params`` (drawn first) or the state last
        drawn. Built from ``self.params``, the same state ``update`` drew, not a recomputation."""
        if params:
            self.update(**params)
        return self.describe_params(self.params)

    def _save_background(self, dpi: float) -> None:
        """Fix the layout and save the picture of every artist except ``self.dynamic``."""
        if not self.params:
            self.update()   # place the layout around real texts and data, not empty ones
        canvas = FigureCanvasAgg(self.fig)
        self.fig.set_dpi(dpi)
        if self.fig.get_layout_engine() is not None:
            # Place the axes once (constrained layout, with the current texts), then keep
            # that placement: the layout solver would otherwise run on every render.
            canvas.draw()
            self.fig.set_layout_engine("none")
        for artist in self.dynamic:
            artist.set_animated(True)   # animated artists are left out of a full draw
        try:
            canvas.draw()
            self._background = (dpi, canvas.copy_from_bbox(self.fig.bbox))
        finally:
            for artist in self.dynamic:
                artist.set_animated(False)   # so savefig and inline display still show them

    def render_rgba(self, dpi: float = DPI_LIVE) -> np.ndarray:
        """The figure in its current state as an RGBA array (a view of the canvas buffer)."""
        background = getattr(self, "_background", None)
        if background is None or background[0] != dpi:
            self._save_background(dpi)
        canvas = self.fig.canvas
        canvas.restore_region(self._background[1])
        for artist in self.dynamic:
            self.fig.draw_artist(artist)
        return np.asarray(canvas.buffer_rgba())

    def png(self, dpi: float = DPI_LIVE, colours: int | None = None) -> bytes:
        return rgba_png(self.render_rgba(dpi), colours=colours)


class LiveDemo:
    """Controls plus one image of a :class:`DemoFigure`, redrawn on every control change.

    ``controls`` maps each parameter name of ``figure.update`` to an ipywidgets control.
    ``self.image`` shows the picture (an ``<img>`` with alt text); ``self.png`` and
    ``self.alt`` are the last ones shown. Display the object itself in a notebook.
    """

    def __init__(self, figure: DemoFigure, controls: Mapping[str, ipw.ValueWidget],
                 layout: Callable[[list, ipw.HTML], ipw.Widget] | None = None):
        self.figure = figure
        self.controls = dict(controls)
        self.image = image_widget()
        self.png, self.alt = b"", ""
        self._held = False
        self.redraw()
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        boxes = list(self.controls.values())
        self.widget = layout(boxes, self.image) if layout else ipw.VBox(
            [ipw.HBox(boxes, layout=ipw.Layout(flex_flow="row wrap")), self.image])

    def values(self) -> dict:
        return {name: control.value for name, control in self.controls.items()}

    def redraw(self) -> None:
        self.figure.update(**self.values())
        self.png, self.alt = self.figure.png(), self.figure.describe()
        self.image.value = image_html(self.png, self.alt)

    @contextlib.contextmanager
    def held(self):
        """Change several controls with one redraw at the end (e.g. a preset and its ratio)."""
        self._held = True
        try:
            yield
        finally:
            self._held = False

    def _on_change(self, _change) -> None:
        if not self._held:
            self.redraw()

    def _repr_mimebundle_(self, **kwargs):
        return still_mimebundle(self.widget, self.png, self.alt, **kwargs)


def slider(description: str, bounds: tuple[float, float], value: float, step: float = 1.0,
           unit: str = "°") -> ipw.FloatSlider:
    """A float slider over a model range, wide enough for its label, updating on release."""
    low, high = bounds
    return ipw.FloatSlider(value=value, min=low, max=high, step=step, description=description,
                           readout_format=".0f" if step >= 1 else ".2f",
                           continuous_update=False, style={"description_width": "initial"},
                           layout=ipw.Layout(width="min(100%, 22rem)"),
                           tooltip=f"{description} ({unit})")


# --- Kernel-free fallback: precomputed frames switched by jslink -------------------------

@dataclass(frozen=True)
class FrameAxis:
    """One slider of a frame explorer: its label and the parameter values it steps through."""

    description: str
    values: Sequence[float]
    unit: str = "°"
    initial: float | str | None = None
    label_format: str = "{:.0f}"
    labels_override: Sequence[str] | None = None  # for values that are names, not numbers

    def labels(self) -> list[str]:
        if self.labels_override is not None:
            return list(self.labels_override)
        return [self.label_format.format(v) + self.unit for v in self.values]

    def initial_index(self) -> int:
        if self.initial is None:
            return len(self.values) // 2
        if self.initial in self.values:
            return list(self.values).index(self.initial)
        return min(range(len(self.values)), key=lambda i: abs(self.values[i] - self.initial))


class FrameExplorer:
    """Precomputed frames on a grid of parameters, switched in the browser with no kernel.

    ``render(**params)`` returns a frame's PNG and its text alternative: ``frames[(i, j, ...)]``
    is the PNG for ``axes[0].values[i]``, ``axes[1].values[j]``..., ``alts[(i, j, ...)]`` its
    alt text. Nested Stacks: the outer one is indexed by the first slider; each of its children
    is a Stack indexed by the next slider, down to one :func:`image_widget` (an ``<img>`` with
    its alt) per grid point, in grid order in ``images``. Every Stack's
    ``selected_index`` is ``jslink``-ed to its slider's ``index``, so only the browser is
    needed to move through the grid.
    """

    def __init__(self, render: Callable[..., tuple[bytes, str]], axes: Mapping[str, FrameAxis],
                 caption: str = "", play: str | None = None, name: str = ""):
        self.axes = dict(axes)
        names = list(self.axes)
        grids = [range(len(a.values)) for a in self.axes.values()]
        self.frames: dict[tuple[int, ...], bytes] = {}
        self.alts: dict[tuple[int, ...], str] = {}
        for index in itertools.product(*grids):
            self.frames[index], self.alts[index] = render(
                **{n: self.axes[n].values[i] for n, i in zip(names, index)})
        # Named choices get buttons, numbers a slider; both have the ``index`` that is linked.
        self.sliders = {name: self._selector(axis) for name, axis in self.axes.items()}
        self.links: list[ipw.Link] = []
        self.images: list[ipw.HTML] = []
        self.stack = self._stack(names, ())
        rows: list[ipw.Widget] = list(self.sliders.values())
        self.play = None
        if play is not None:  # a play button that steps one slider, also with no kernel
            target = self.sliders[play]
            self.play = ipw.Play(value=target.index, min=0, max=len(self.axes[play].values) - 1,
                                 interval=600, description="Play")
            self.links.append(ipw.jslink((self.play, "value"), (target, "index")))
            rows[list(self.sliders).index(play)] = ipw.HBox([target, self.play])
        controls = ipw.VBox(rows)
        parts = [controls, self.stack]
        if caption:
            parts.append(ipw.HTML(f"<small>{caption}</small>"))
        self.widget = ipw.VBox(parts)
        if name:  # a CSS class, so the page and its tests can find this demo
            self.widget.add_class(f"kc-demo-{name}")

    @staticmethod
    def _selector(axis: FrameAxis) -> ipw.ToggleButtons | ipw.SelectionSlider:
        if axis.labels_override is not None:
            return ipw.ToggleButtons(options=axis.labels(), index=axis.initial_index(),
                                     description=axis.description,
                                     style={"description_width": "initial",
                                            "button_width": "auto"})
        return ipw.SelectionSlider(
            options=axis.labels(), index=axis.initial_index(), description=axis.description,
            continuous_update=True, style={"description_width": "initial"},
            layout=ipw.Layout(width="min(100%, 26rem)"))

    def _stack(self, names: list[str], prefix: tuple[int, ...]) -> ipw.Widget:
        if not names:
            image = image_widget(self.frames[prefix], self.alts[prefix])
            self.images.append(image)
            return image
        name, rest = names[0], names[1:]
        children = [self._stack(rest, prefix + (i,)) for i in range(len(self.axes[name].values))]
        stack = ipw.Stack(children, selected_index=self.sliders[name].index)
        self.links.append(ipw.jslink((self.sliders[name], "index"), (stack, "selected_index")))
        return stack

    def total_bytes(self) -> int:
        return sum(len(png) for png in self.frames.values())

    def default_index(self) -> tuple[int, ...]:
        """Grid index of the frame shown before any control is moved."""
        return tuple(axis.initial_index() for axis in self.axes.values())

    def _repr_mimebundle_(self, **kwargs):
        index = self.default_index()
        return still_mimebundle(self.widget, self.frames[index], self.alts[index], **kwargs)


def frame_explorer(figure: DemoFigure, axes: Mapping[str, FrameAxis], fixed: Mapping | None = None,
                   dpi: float = DPI_STATIC_FRAMES, caption: str = "",
                   play: str | None = None, name: str = "") -> FrameExplorer:
    """Frames of ``figure`` over the grid ``axes`` (other parameters held at ``fixed``)."""
    fixed = dict(fixed or {})

    def render(**grid_values) -> tuple[bytes, str]:
        figure.update(**{**fixed, **grid_values})
        return figure.png(dpi=dpi, colours=FRAME_COLOURS), figure.describe()

    return FrameExplorer(render, axes, caption=caption, play=play, name=name)
