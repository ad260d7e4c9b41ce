"""Kinetic chain at the knee (chapter 4): foot pronation and hip rotation meet at the knee.

One drawing path (:class:`KneeChainFigure`), three ways to use it:

- ``draw_knee_chain(pronation_deg, femoral_rotation_deg, knee_flexion_deg)`` returns a Figure;
- ``knee_chain()`` returns a live ipywidgets demo (three sliders);
- ``knee_chain_frames()`` returns the kernel-free fallback (precomputed frames over
  pronation × femoral rotation × knee flexion, switched in the browser).

Tibial rotation comes from the foot (:func:`widgets.kinematics.closed_chain`, default
subtalar axis), femoral rotation from the hip (a control), and the knee quantities
(tibiofemoral rotation, screw-home, Q-angle) from :func:`widgets.kinematics.knee_state`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from . import evidence, kinematics as km, style
from .static_frames import (DemoFigure, FrameAxis, FrameExplorer, LiveDemo, frame_explorer,
                            signed_angle, slider)


# The model's whole pronation range: its closed chain keeps tibial rotation inside the
# knee functions' range (tested in tests/test_kinematics.py).
PRONATION_SLIDER_DEG = km.PRONATION_RANGE_DEG
BAR_NAMES = ("Tibia, from the foot", "Femur, from the hip", "Screw-home",
             "Tibia relative\nto femur")


def _pointer(angle_deg, length):
    """Top view, anterior up and lateral (right leg) to the right: internal rotation turns the
    anterior surface medially, i.e. anticlockwise on the page."""
    angle = np.deg2rad(angle_deg)
    return [0.0, -length * np.sin(angle)], [0.0, length * np.cos(angle)]


class KneeChainFigure(DemoFigure):
    """Front view with the Q-angle, top-view rotation dials, and bars of the rotations."""

    def __init__(self, figsize=(8.0, 3.6)):
        self.fig = Figure(figsize=figsize, layout="constrained")
        self.ax_front, self.ax_dial, self.ax_bars = self.fig.subplots(
            1, 3, gridspec_kw={"width_ratios": [0.9, 1.1, 1.3]})
        self._build_front()
        self._build_dial()
        self._build_bars()
        self.dynamic = [self.quad_line, self.quad_extension, self.tendon_line, self.knee_centre,
                        self.front_title, self.femur_pointer, self.tibia_pointer,
                        *self.bars, self.bars_zero, *self.bar_labels, self.bar_title]
        self.params = {}

    def _build_front(self):
        ax = self.ax_front
        ax.set_aspect("equal")
        ax.set_xlim(-0.75, 0.75)
        ax.set_ylim(-1.15, 1.15)
        ax.set_xticks([])
        ax.set_yticks([])
        self.front_title = ax.set_title("", fontsize=10)
        ax.set_xlabel("← lateral    medial →", fontsize=8)
        self.femur_line, = ax.plot([-0.3, 0.0], [1.0, 0.0], color=style.FEMUR, lw=6, alpha=0.5,
                                   solid_capstyle="round")
        self.tibia_line, = ax.plot([0.0, 0.0], [0.0, -1.0], color=style.TIBIA, lw=6, alpha=0.5,
                                   solid_capstyle="round")
        self.quad_line, = ax.plot([], [], color=style.KNEE, lw=1.8)
        self.quad_extension, = ax.plot([], [], color=style.KNEE, lw=1, ls="--")
        self.tendon_line, = ax.plot([], [], color=style.KNEE, lw=1.8)
        # Drawn over the lines that meet at the knee, so redrawn with them.
        self.knee_centre, = ax.plot([0], [0], "o", color="white", mec=style.KNEE, ms=9)

    def _build_dial(self):
        ax = self.ax_dial
        ax.set_aspect("equal")
        ax.set_xlim(-1.2, 1.2)
        ax.set_ylim(-0.45, 1.25)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title("From above (anterior up)", fontsize=10)
        ax.set_xlabel("← medial    lateral →", fontsize=8)
        theta = np.linspace(0, 2 * np.pi, 100)
        ax.plot(np.cos(theta), np.sin(theta), color="#cccccc", lw=0.8)
        ax.plot([0, 0], [0, 1.1], color="#bbbbbb", lw=0.8, ls=":")
        self.femur_pointer, = ax.plot([], [], color=style.FEMUR, lw=3, label="femur")
        self.tibia_pointer, = ax.plot([], [], color=style.TIBIA, lw=3, label="tibia")
        ax.legend(loc="lower center", ncol=2, fontsize=8, frameon=False)

    def _build_bars(self):
        ax = self.ax_bars
        style.apply(ax)
        positions = np.arange(len(BAR_NAMES))[::-1]
        self.bars = ax.barh(positions, np.zeros(len(BAR_NAMES)), height=0.6,
                            color=[style.TIBIA, style.FEMUR, style.MEASURED, style.KNEE])
        ax.set_yticks(positions, BAR_NAMES, fontsize=8)
        # Tibia relative to femur spans both ranges plus the screw-home.
        limit = (km.TIBIAL_ROTATION_RANGE_DEG[1] + km.FEMORAL_ROTATION_RANGE_DEG[1]
                 + km.SCREW_HOME_DEG)
        ax.set_xlim(-limit, limit)
        self.bars_zero = ax.axvline(0, color="black", lw=0.8)  # over the bars: redrawn
        ax.set_xlabel("internal (+) / external (−) rotation, °", fontsize=8)
        self.bar_labels = [ax.text(0, y, "", va="center", fontsize=8) for y in positions]
        self.bar_title = ax.set_title("", fontsize=10)

    def update(self, pronation_deg=0.0, femoral_rotation_deg=0.0, knee_flexion_deg=0.0):
        tibial = km.closed_chain(pronation_deg).tibial_rotation_deg
        knee = km.knee_state(tibial, femoral_rotation_deg, knee_flexion_deg)
        values = (tibial, femoral_rotation_deg, knee.screw_home_deg,
                  knee.tibiofemoral_rotation_deg)
        for bar, label, value in zip(self.bars, self.bar_labels, values):
            bar.set_width(value)
            y = bar.get_y() + bar.get_height() / 2
            label.set_position((value + (1.5 if value >= 0 else -1.5), y))
            label.set_ha("left" if value >= 0 else "right")
            label.set_text(f"{value:+.1f}°")
        self.bar_title.set_text(f"Rotations, knee flexed {knee_flexion_deg:.0f}°")

        # Dials: the femur turns with the hip, the tibia with the foot plus screw-home.
        self.femur_pointer.set_data(*_pointer(femoral_rotation_deg, 1.0))
        self.tibia_pointer.set_data(*_pointer(tibial + knee.screw_home_deg, 0.75))

        # Front view, as seen facing the person (a right leg's lateral side is on the left):
        # the quadriceps line comes down to the patella from above-lateral; the tendon line
        # leaves it below, turned so that the drawn angle is the model's Q.
        quad_dir = -np.deg2rad(evidence.Q_ANGLE_MEN_DEG.value)
        top = (np.sin(quad_dir), np.cos(quad_dir))
        self.quad_line.set_data([top[0], 0.0], [top[1], 0.0])
        self.quad_extension.set_data([0.0, -0.6 * top[0]], [0.0, -0.6 * top[1]])
        tendon_dir = quad_dir + np.deg2rad(knee.q_angle_deg)
        self.tendon_line.set_data([0.0, -0.55 * np.sin(tendon_dir)],
                                  [0.0, -0.55 * np.cos(tendon_dir)])
        self.front_title.set_text(f"Front view: Q-angle {knee.q_angle_deg:.1f}°")
        self.params = dict(pronation_deg=pronation_deg, femoral_rotation_deg=femoral_rotation_deg,
                           knee_flexion_deg=knee_flexion_deg, tibial_rotation_deg=tibial,
                           knee=knee)

    def describe_params(self, params):
        """E.g. "Right knee flexed 20°, foot 10° pronated: tibial internal rotation 6.5° from
        the foot, femoral external rotation 15.0° from the hip, ...; Q-angle 14.1°"."""
        knee, pronation = params["knee"], params["pronation_deg"]
        foot = (f"foot {abs(pronation):.0f}° {'pronated' if pronation > 0 else 'supinated'}"
                if round(pronation) != 0 else "foot neutral")
        rotation = ("internal rotation", "external rotation")
        return (f"Right knee flexed {params['knee_flexion_deg']:.0f}°, {foot}: tibial "
                f"{signed_angle(params['tibial_rotation_deg'], *rotation)} from the foot, "
                f"femoral {signed_angle(params['femoral_rotation_deg'], *rotation)} from the hip, "
                f"screw-home {signed_angle(knee.screw_home_deg, *rotation)}; tibia relative to "
                f"femur: {signed_angle(knee.tibiofemoral_rotation_deg, *rotation)}; "
                f"Q-angle {knee.q_angle_deg:.1f}°.")


def draw_knee_chain(pronation_deg=0.0, femoral_rotation_deg=0.0, knee_flexion_deg=0.0) -> Figure:
    """The knee demo's figure for one set of parameters (degrees)."""
    figure = KneeChainFigure()
    figure.update(pronation_deg, femoral_rotation_deg, knee_flexion_deg)
    return figure.fig


def knee_chain(pronation_deg=10.0, femoral_rotation_deg=0.0, knee_flexion_deg=20.0) -> LiveDemo:
    """Live demo: foot pronation, femoral rotation (hip control) and knee flexion."""
    controls = {
        "pronation_deg": slider("Foot pronation (+) / supination (−) (°)", PRONATION_SLIDER_DEG,
                                pronation_deg),
        "femoral_rotation_deg": slider("Femoral internal (+) / external (−) rotation (°)",
                                       km.FEMORAL_ROTATION_RANGE_DEG, femoral_rotation_deg),
        "knee_flexion_deg": slider("Knee flexion (°)", km.KNEE_FLEXION_RANGE_DEG,
                                   knee_flexion_deg),
    }
    return LiveDemo(KneeChainFigure(), controls)


#: Grid of the static fallback: 5 × 3 × 3 = 45 frames. Flexion 0° (locked), halfway through
#: the screw-home range, and at its onset.
FRAME_PRONATIONS_DEG = (-20.0, -10.0, 0.0, 10.0, 20.0)
FRAME_FEMORAL_ROTATIONS_DEG = (-15.0, 0.0, 15.0)
FRAME_FLEXIONS_DEG = (0.0, km.DEFAULT_SCREW_HOME_ONSET_DEG / 2, km.DEFAULT_SCREW_HOME_ONSET_DEG)


def knee_chain_frames() -> FrameExplorer:
    """Kernel-free fallback: pronation × femoral rotation × knee flexion frames."""
    axes = {
        "pronation_deg": FrameAxis("Foot pronation (+) / supination (−)", FRAME_PRONATIONS_DEG,
                                   initial=10.0, label_format="{:+.0f}"),
        "femoral_rotation_deg": FrameAxis("Femoral rotation, internal (+)",
                                          FRAME_FEMORAL_ROTATIONS_DEG, initial=0.0,
                                          label_format="{:+.0f}"),
        "knee_flexion_deg": FrameAxis("Knee flexion", FRAME_FLEXIONS_DEG, initial=0.0),
    }
    return frame_explorer(
        KneeChainFigure(), axes,
        name="knee-chain",
        caption="Precomputed pictures. Open the chapter as a notebook for every value.")
