"""Subtalar axis explorer (chapter 3): axis orientation and pronation → eversion and tibial rotation.

Three ways to use it, one drawing path (:class:`AxisExplorerFigure`):

- ``draw_axis_explorer(inclination_deg, deviation_deg, pronation_deg)`` returns a Figure;
- ``axis_explorer()`` returns a live ipywidgets demo (three sliders);
- ``axis_explorer_frames()`` returns the kernel-free fallback for the static book
  (precomputed frames over inclination × pronation, switched in the browser).

All numbers come from :mod:`widgets.kinematics` (foot on the ground, closed chain) and
:mod:`widgets.evidence` (Fischer2018's in vitro slope).
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Polygon

from . import evidence, kinematics as km, style
from .static_frames import (DemoFigure, FrameAxis, FrameExplorer, LiveDemo, frame_explorer,
                            signed_angle, slider)

# The model accepts any inclination strictly between 0° and 90°; the sliders stop short of
# both ends, where the hinge degenerates (no coupling, or no eversion at all).
_OPEN_END_MARGIN_DEG = 5.0
INCLINATION_SLIDER_DEG = (km.INCLINATION_RANGE_DEG[0] + _OPEN_END_MARGIN_DEG,
                          km.INCLINATION_RANGE_DEG[1] - _OPEN_END_MARGIN_DEG)
# Transfer-ratio axis: a point above the top is drawn at the edge; the readout has the value.
RATIO_AXIS_MAX = 2.5

# Outlines of a right foot in its own units (length 1): side view from the lateral side
# (x forward, y up) and top view from above (x forward, medial = -z up the page, as seen
# when looking down on a right foot with its toes to the right). Only for orientation.
_SIDE_OUTLINE = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 0.06], [0.72, 0.18], [0.45, 0.34],
                          [0.22, 0.36], [0.05, 0.28], [-0.02, 0.12]])
_TOP_OUTLINE = np.array([[0.0, -0.12], [0.35, -0.16], [0.75, -0.2], [1.0, -0.14],
                         [1.02, 0.05], [0.8, 0.2], [0.45, 0.16], [0.1, 0.14], [-0.03, 0.0]])
_JOINT_SIDE = np.array([0.3, 0.24])   # where the axis is drawn through (x, y)
_JOINT_TOP = np.array([0.3, 0.0])     # (x, -z)
_AXIS_HALF_LENGTH = 0.42
# Words of the text alternative for positive and negative angles.
CALCANEUS = ("calcaneal eversion", "calcaneal inversion")
TIBIA = ("tibial internal rotation", "tibial external rotation")


class AxisExplorerFigure(DemoFigure):
    """Side and top views of the axis, eversion/tibial-rotation bars, transfer-ratio curve."""

    def __init__(self, figsize=(8.0, 5.4)):
        self.fig = Figure(figsize=figsize, layout="constrained")
        (self.ax_side, self.ax_top), (self.ax_bars, self.ax_ratio) = self.fig.subplots(2, 2)
        self._build_views()
        self._build_bars()
        self._build_ratio()
        self.dynamic = [self.side_axis, self.side_text, self.top_axis, self.top_text,
                        *self.bars, self.bars_zero, *self.bar_labels, self.ax_bars.title,
                        self.hinge_curve, self.marker, self.ratio_line,
                        self.ratio_text]
        self.params = {}

    def _build_views(self):
        for ax, outline, title, ylabel in (
                (self.ax_side, _SIDE_OUTLINE, "Side view (from the outside)", "up"),
                (self.ax_top, _TOP_OUTLINE * [1, -1], "Top view (right foot)", "medial")):
            ax.add_patch(Polygon(outline, closed=True, facecolor="#f3e3c3", edgecolor=style.FOOT))
            ax.set_aspect("equal")
            ax.set_xlim(-0.15, 1.15)
            ax.set_ylim(-0.35, 0.62)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(title, fontsize=10)
            ax.set_xlabel("forward →", fontsize=9)
            ax.set_ylabel(ylabel + " →", fontsize=9)
        self.side_axis, = self.ax_side.plot([], [], color=style.IDEAL, lw=2.5)
        self.top_axis, = self.ax_top.plot([], [], color=style.IDEAL, lw=2.5)
        self.side_text = self.ax_side.text(0.02, 0.97, "", transform=self.ax_side.transAxes,
                                           va="top", fontsize=9)
        self.top_text = self.ax_top.text(0.02, 0.97, "", transform=self.ax_top.transAxes,
                                         va="top", fontsize=9)

    def _build_bars(self):
        ax = self.ax_bars
        style.apply(ax)
        limit = km.EVERSION_RANGE_DEG[1] + 15
        self.bars = ax.barh([1, 0], [0, 0], color=[style.FOOT, style.TIBIA], height=0.6)
        ax.set_yticks([1, 0], ["Calcaneal eversion", "Tibial internal\nrotation"])
        ax.set_xlim(-limit, limit)
        self.bars_zero = ax.axvline(0, color="black", lw=0.8)  # over the bars: redrawn
        ax.set_xlabel("degrees (negative: inversion / external rotation)")
        ax.set_title("Foot on the ground", fontsize=10)
        self.bar_labels = [ax.text(0, y, "", va="center", fontsize=9) for y in (1, 0)]

    def _build_ratio(self):
        ax = self.ax_ratio
        style.apply(ax)
        fischer = evidence.FISCHER2018_EVERSION_TO_TIBIAL_ROTATION
        ax.axhspan(fischer.value - fischer.sd, fischer.value + fischer.sd, color=style.MEASURED,
                   alpha=0.3, lw=0,
                   label=f"in vitro, mean ± SD\n({fischer.value:.2f} ± {fischer.sd:.2f}, Fischer 2018)")
        ax.axhline(fischer.value, color=style.MEASURED, lw=1)
        self.inclinations = np.linspace(*INCLINATION_SLIDER_DEG, 161)
        self.hinge_curve, = ax.plot([], [], color=style.IDEAL, lw=1.8,
                                    label="ideal hinge (small angles)")
        self.marker, = ax.plot([], [], "o", color=style.TIBIA, ms=8, label="current axis",
                               clip_on=False)  # whole, also at the axes' edges
        # Redrawn with the curve, over which it lies.
        self.ratio_line = ax.axhline(1.0, color=style.IDEAL, lw=0.6, ls=":")
        ax.set_xlim(*INCLINATION_SLIDER_DEG)
        ax.set_ylim(0, RATIO_AXIS_MAX)
        ax.set_xlabel("Axis inclination α (°)")
        ax.set_ylabel("Tibial rotation per °\nof eversion")
        # Below the axes, where no curve can cross it (inside, the steep curve ran through
        # its text): it is not redrawn on updates (tests/test_blitting.py checks both).
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.24), ncol=2, fontsize=7.5,
                  frameon=False)
        self.ratio_text = ax.text(0.98, 0.04, "", transform=ax.transAxes, ha="right", fontsize=9)

    def update(self, inclination_deg=km.DEFAULT_INCLINATION_DEG,
               deviation_deg=km.DEFAULT_DEVIATION_DEG, pronation_deg=0.0):
        chain = km.closed_chain(pronation_deg, inclination_deg, deviation_deg)
        axis = km.subtalar_axis(inclination_deg, deviation_deg)
        # Side view: projection on x-y; top view: projection on x-z, medial (-z) drawn upwards.
        for line, joint, (dx, dy) in ((self.side_axis, _JOINT_SIDE, (axis[0], axis[1])),
                                      (self.top_axis, _JOINT_TOP, (axis[0], -axis[2]))):
            half = _AXIS_HALF_LENGTH * np.array([dx, dy]) / max(np.hypot(dx, dy), 1e-9)
            line.set_data([joint[0] - half[0], joint[0] + half[0]],
                          [joint[1] - half[1], joint[1] + half[1]])
        self.side_text.set_text(f"inclination α = {inclination_deg:.0f}°")
        self.top_text.set_text(f"medial deviation β = {deviation_deg:.0f}°")

        values = (chain.calcaneal_eversion_deg, chain.tibial_rotation_deg)
        for bar, label, value, y in zip(self.bars, self.bar_labels, values, (1, 0)):
            bar.set_width(value)
            label.set_position((value + (1.5 if value >= 0 else -1.5), y))
            label.set_ha("left" if value >= 0 else "right")
            label.set_text(f"{value:+.1f}°")
        kind = "pronation" if pronation_deg >= 0 else "supination"
        self.ax_bars.set_title(f"Foot on the ground: subtalar {kind} {abs(pronation_deg):.0f}°",
                               fontsize=10)

        ratios = km.small_angle_transfer_ratio(self.inclinations, deviation_deg)
        self.hinge_curve.set_data(self.inclinations, ratios)
        ratio = km.small_angle_transfer_ratio(inclination_deg, deviation_deg)
        self.marker.set_data([inclination_deg], [min(ratio, RATIO_AXIS_MAX)])
        # t/e of this very state; at zero pronation the finite ratio is the small-angle one.
        eversion = chain.calcaneal_eversion_deg
        finite = chain.tibial_rotation_deg / eversion if eversion != 0 else ratio
        self.ratio_text.set_text(f"ideal hinge here: {ratio:.2f}\n"
                                 f"at this {kind}: {finite:.2f}")
        self.params = dict(inclination_deg=inclination_deg, deviation_deg=deviation_deg,
                           pronation_deg=pronation_deg, chain=chain, ratio=ratio,
                           finite_ratio=finite)

    def describe_params(self, params):
        """E.g. "Subtalar axis at 42° inclination and 16° medial deviation, 10° of pronation
        with the foot on the ground: calcaneal eversion 7.3°, tibial internal rotation 6.5°..."."""
        chain, pronation = params["chain"], params["pronation_deg"]
        fischer = evidence.FISCHER2018_EVERSION_TO_TIBIAL_ROTATION
        deviation = params["deviation_deg"]
        side = "medial" if round(deviation) >= 0 else "lateral"
        motion = (f"{abs(pronation):.0f}° of {'pronation' if pronation > 0 else 'supination'}"
                  if round(pronation) != 0 else "no pronation or supination")
        return (f"Subtalar axis at {params['inclination_deg']:.0f}° inclination and "
                f"{abs(deviation):.0f}° {side} deviation, {motion} with the foot on the ground: "
                f"{signed_angle(chain.calcaneal_eversion_deg, *CALCANEUS)}, "
                f"{signed_angle(chain.tibial_rotation_deg, *TIBIA)}; "
                f"tibial rotation per degree of eversion {params['finite_ratio']:.2f} here, "
                f"ideal hinge transfer ratio {params['ratio']:.2f} against the measured "
                f"{fischer.value:.2f} ± {fischer.sd:.2f} (Fischer 2018, in vitro).")


def draw_axis_explorer(inclination_deg=km.DEFAULT_INCLINATION_DEG,
                       deviation_deg=km.DEFAULT_DEVIATION_DEG, pronation_deg=0.0) -> Figure:
    """The explorer's figure for one set of parameters (degrees)."""
    figure = AxisExplorerFigure()
    figure.update(inclination_deg, deviation_deg, pronation_deg)
    return figure.fig


def axis_explorer(inclination_deg=km.DEFAULT_INCLINATION_DEG,
                  deviation_deg=km.DEFAULT_DEVIATION_DEG, pronation_deg=10.0) -> LiveDemo:
    """Live demo: sliders for inclination, deviation and pronation (supination negative)."""
    controls = {
        "inclination_deg": slider("Axis inclination α (°)", INCLINATION_SLIDER_DEG,
                                  inclination_deg),
        "deviation_deg": slider("Medial deviation β (°)", km.DEVIATION_RANGE_DEG, deviation_deg),
        "pronation_deg": slider("Pronation (+) / supination (−) (°)", km.PRONATION_RANGE_DEG,
                                pronation_deg),
    }
    return LiveDemo(AxisExplorerFigure(), controls)


#: Grid of the static fallback: 7 inclinations × 5 pronations = 35 frames (page weight),
#: including the OpenSim model's axis, the textbook default and Inman's 45° mitered hinge.
FRAME_INCLINATIONS_DEG = (20.0, 30.0, evidence.OPENSIM_STJ_INCLINATION_DEG.value,
                          km.DEFAULT_INCLINATION_DEG, 45.0, 55.0, 65.0)
FRAME_PRONATIONS_DEG = (-20.0, -10.0, 0.0, 10.0, 20.0)


def axis_explorer_frames() -> FrameExplorer:
    """Kernel-free fallback: inclination × pronation frames at the default deviation."""
    axes = {
        "inclination_deg": FrameAxis("Axis inclination α", FRAME_INCLINATIONS_DEG,
                                     initial=km.DEFAULT_INCLINATION_DEG),
        "pronation_deg": FrameAxis("Pronation (+) / supination (−)", FRAME_PRONATIONS_DEG,
                                   initial=10.0, label_format="{:+.0f}"),
    }
    return frame_explorer(
        AxisExplorerFigure(), axes, fixed={"deviation_deg": km.DEFAULT_DEVIATION_DEG},
        name="axis-explorer",
        caption=f"Precomputed pictures; medial deviation held at about "
                f"{km.DEFAULT_DEVIATION_DEG:.0f}°. Open the chapter as a notebook for "
                "every value and the deviation slider.")
