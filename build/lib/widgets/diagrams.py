"""Figures of chapters 1, 2 and 9: the chain, the anatomy, and the book in two pictures.

Each ``*_figure`` function builds one matplotlib figure and returns it; a chapter cell
calls it and shows the result. Every plotted number comes from :mod:`widgets.kinematics`
(ideal geometry) or :mod:`widgets.evidence` (published values); the figures compute
nothing of their own beyond what they draw. Colours follow :mod:`widgets.style`.
"""

from __future__ import annotations

from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Arc

from widgets import evidence as ev
from widgets import kinematics as km
from widgets import style
from widgets.evidence_figures import verdict_figure

__all__ = [
    "open_closed_values", "chain_figure", "open_closed_figure", "knee_relative_rotation_figure",
    "pronation_split_figure", "screw_home_figure", "q_angle_figure", "recap_figure",
    "EvidenceRow", "EVIDENCE_AT_A_GLANCE", "VERDICT_COLOURS", "evidence_at_a_glance_figure",
]

OPENSIM_AXIS_DEG = km.axis_angles(ev.OPENSIM_STJ_AXIS_TALUS_FRAME)  # (inclination, deviation)


# --- Chapter 1 ---------------------------------------------------------------------------------
def _leg(ax, foot_on_ground: bool, title: str) -> None:
    """A side view of one leg as links: pelvis-femur-tibia-foot, joints as dots."""
    hip, knee, ankle = (0.0, 1.0), (0.08, 0.55), (0.0, 0.12)
    heel, toe = ((-0.06, 0.0), (0.26, 0.0)) if foot_on_ground else ((-0.05, 0.06), (0.22, -0.05))
    ax.plot(*zip(hip, knee), color=style.FEMUR, lw=6, solid_capstyle="round")
    ax.plot(*zip(knee, ankle), color=style.TIBIA, lw=6, solid_capstyle="round")
    ax.plot(*zip(heel, ankle, toe, heel), color=style.FOOT, lw=4, solid_joinstyle="round")
    for point in (hip, knee, ankle):
        ax.plot(*point, "o", ms=11, color="white", mec=style.IDEAL, mew=1.5, zorder=3)
    if foot_on_ground:
        ax.axhline(0.0, color=style.MEASURED, lw=2)
        ax.fill_between([-0.3, 0.5], -0.06, 0.0, color=style.MEASURED, alpha=0.25, lw=0)
        ax.annotate("ground holds the foot:\nfoot motion turns the leg", (0.1, -0.02),
                    (0.1, -0.2), ha="center", va="top", fontsize=8,
                    arrowprops={"arrowstyle": "->", "color": style.IDEAL})
    else:
        ax.annotate("foot free: it moves\nunder a still leg", (0.22, -0.05), (0.1, -0.2),
                    ha="center", va="top", fontsize=8,
                    arrowprops={"arrowstyle": "->", "color": style.IDEAL})
    labels = {"hip": hip, "knee": knee, "ankle and\nsubtalar joints": ankle}
    for name, (x, y) in labels.items():
        ax.annotate(name, (x, y), (x + 0.13, y), va="center", fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.set_xlim(-0.3, 0.55)
    ax.set_ylim(-0.4, 1.1)
    ax.set_aspect("equal")
    ax.set_axis_off()


def chain_figure() -> Figure:
    """Chapter 1: the lower limb as links, in an open chain (swing) and a closed chain (stance)."""
    fig, (free, fixed) = plt.subplots(1, 2, figsize=(6.0, 4.2))
    _leg(free, foot_on_ground=False, title="Open chain (foot in the air)")
    _leg(fixed, foot_on_ground=True, title="Closed chain (foot on the ground)")
    fig.tight_layout()
    return fig


class OpenClosed(NamedTuple):
    """What one subtalar pronation does with the foot free and with the foot loaded (degrees)."""

    open_chain: dict[str, float]
    closed_chain: dict[str, float]


def open_closed_values(pronation_deg: float = 10.0,
                       inclination_deg: float = km.DEFAULT_INCLINATION_DEG,
                       deviation_deg: float = km.DEFAULT_DEVIATION_DEG) -> OpenClosed:
    """Segment motions for one pronation, from the model: the bars of :func:`open_closed_figure`."""
    free = km.pronation_components(pronation_deg, inclination_deg, deviation_deg)
    loaded = km.closed_chain(pronation_deg, inclination_deg, deviation_deg)
    return OpenClosed(
        {"heel eversion": free.eversion_deg, "foot abduction": free.abduction_deg,
         "foot dorsiflexion": free.dorsiflexion_deg, "tibial internal rotation": 0.0},
        {"heel eversion": loaded.calcaneal_eversion_deg, "foot abduction": 0.0,
         "foot dorsiflexion": 0.0, "tibial internal rotation": loaded.tibial_rotation_deg})


def open_closed_figure(pronation_deg: float = 10.0) -> Figure:
    """Chapter 1: the same subtalar pronation, foot free versus foot on the ground (model)."""
    values = open_closed_values(pronation_deg)
    names = list(values.open_chain)
    colours = [style.FOOT, style.FOOT, style.FOOT, style.TIBIA]
    fig, axes = plt.subplots(1, 2, figsize=style.FIGSIZE_WIDE, sharey=True)
    for ax, title, data in zip(axes, ("Open chain: foot free", "Closed chain: foot loaded"),
                               values):
        heights = [data[n] for n in names]
        bars = ax.barh(names, heights, color=colours)
        for bar, height in zip(bars, heights):
            ax.text(bar.get_width() + 0.15, bar.get_y() + bar.get_height() / 2,
                    f"{height:.1f}°", va="center", fontsize=8)
        ax.set_title(title, fontsize=10)
        ax.set_xlim(0, 1.25 * max(max(v.values()) for v in values))
        ax.set_xlabel("degrees")
        style.apply(ax)
    axes[0].invert_yaxis()
    fig.suptitle(f"{pronation_deg:g}° of subtalar pronation, ideal hinge "
                 f"({km.DEFAULT_INCLINATION_DEG:g}° / {km.DEFAULT_DEVIATION_DEG:g}° axis)",
                 fontsize=10)
    fig.tight_layout()
    return fig


def knee_relative_rotation_figure(max_eversion_deg: float = 12.0) -> Figure:
    """Chapter 1: the knee sits between two levers; what it feels depends on the femur too.

    Tibial rotation from heel eversion (closed chain, ideal hinge) and the tibia's rotation
    relative to the femur when the femur stays still, follows half of it, or follows all of it.
    """
    eversion = np.linspace(0.0, max_eversion_deg, 61)
    tibial = km.tibial_rotation_from_eversion(eversion)
    fig, ax = plt.subplots(figsize=style.FIGSIZE_WIDE)
    # Wide and pale, so the "femur still" line drawn on top of it stays visible.
    ax.plot(eversion, tibial, color=style.TIBIA, lw=7, alpha=0.4,
            label="tibia (relative to the ground)")
    for share, dash in ((0.0, "-"), (0.5, "--"), (1.0, ":")):
        relative = km.tibiofemoral_rotation(tibial, share * tibial)
        ax.plot(eversion, relative, color=style.KNEE, ls=dash, lw=1.8,
                label=f"at the knee, femur follows {share:.0%} of it")
    ax.set_xlabel("Heel eversion (°)")
    ax.set_ylabel("Internal rotation (°)")
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    style.apply(ax)
    fig.tight_layout()
    return fig


# --- Chapter 2 ---------------------------------------------------------------------------------
def pronation_split_figure(pronation_deg: float = 10.0,
                           deviation_deg: float = km.DEFAULT_DEVIATION_DEG) -> Figure:
    """Chapter 2: how one open-chain pronation splits into its three parts, by axis inclination."""
    inclination = np.linspace(20.0, 65.0, 91)
    parts = km.pronation_components(pronation_deg, inclination, deviation_deg)
    fig, ax = plt.subplots(figsize=style.FIGSIZE_WIDE)
    ax.plot(inclination, parts.eversion_deg, color=style.FOOT, lw=2.5, label="eversion")
    ax.plot(inclination, parts.abduction_deg, color=style.FOOT, lw=2.5, ls="--",
            label="abduction")
    ax.plot(inclination, parts.dorsiflexion_deg, color=style.FOOT, lw=1.5, ls=":",
            label="dorsiflexion")
    # Labels on the outer side of each line: the two inclinations are only ~5° apart.
    marks = ((km.DEFAULT_INCLINATION_DEG, "textbook mean", "left"),
             (OPENSIM_AXIS_DEG[0], "OpenSim model", "right"))
    for x, name, side in marks:
        ax.axvline(x, color=style.MEASURED, lw=1)
        ax.text(x + (0.5 if side == "left" else -0.5), 1.01, f"{name}\n{x:.1f}°",
                transform=ax.get_xaxis_transform(), ha=side, va="bottom", fontsize=8)
    ax.set_xlabel("Subtalar axis inclination (°)")
    ax.set_ylabel(f"Part of a {pronation_deg:g}° pronation (°)")
    ax.set_ylim(0, pronation_deg)
    ax.legend(fontsize=8, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
    style.apply(ax)
    fig.tight_layout()
    return fig


def screw_home_figure() -> Figure:
    """Chapter 2: tibial rotation on the femur from the screw-home mechanism (illustrative shape)."""
    flexion = np.linspace(0.0, 90.0, 181)
    rotation = km.screw_home_rotation(flexion)
    fig, ax = plt.subplots(figsize=style.FIGSIZE_WIDE)
    ax.plot(flexion, rotation, color=style.KNEE, lw=2.5)
    ax.axvspan(0.0, km.DEFAULT_SCREW_HOME_ONSET_DEG, color=style.MEASURED, alpha=0.15, lw=0)
    # Below-left of the curve, where the shaded band is empty.
    ax.text(0.8 * km.DEFAULT_SCREW_HOME_ONSET_DEG, -0.75 * km.SCREW_HOME_DEG,
            "last part of\nextension:\nknee locks", ha="center", va="center", fontsize=8)
    ax.set_xlabel("Knee flexion (°)   (0 = straight)")
    ax.set_ylabel("Tibial rotation on the femur (°)\n(negative = external)")
    ax.set_xlim(90, 0)  # read left to right as the knee straightens
    style.apply(ax)
    fig.tight_layout()
    return fig


def _q_landmarks(ax, baseline_q_deg: float) -> None:
    """Frontal-plane landmarks of the Q-angle model, to scale (millimetres).

    A right knee seen from the front: lateral (the model's +x) is on the viewer's left.
    """
    geometry = km.ILLUSTRATIVE_KNEE_GEOMETRY
    l_q, l_t = geometry["quadriceps_length_mm"], geometry["tendon_length_mm"]
    asis = (-l_q * np.tan(np.deg2rad(baseline_q_deg)), l_q)
    patella, tubercle = (0.0, 0.0), (0.0, -l_t)
    ax.plot(*zip(asis, patella), color=style.FEMUR, lw=2.5)
    ax.plot(*zip(patella, tubercle), color=style.TIBIA, lw=2.5)
    ax.plot(*zip(patella, (0.0, 0.75 * l_q)), color=style.MEASURED, ls="--", lw=1)
    for (x, y), name in ((asis, "ASIS"), (patella, "patella"), (tubercle, "tibial\ntuberosity")):
        ax.plot(x, y, "o", color=style.IDEAL, ms=5)
        ax.annotate(name, (x, y), (x + 12, y), va="center", fontsize=8)
    radius = 200.0
    ax.add_patch(Arc(patella, 2 * radius, 2 * radius, theta1=90, theta2=90 + baseline_q_deg,
                     color=style.KNEE, lw=2))
    ax.text(-65, radius + 15, f"Q = {baseline_q_deg:g}°", color=style.KNEE, ha="right",
            fontsize=9)
    ax.text(0.02, 0.02, "lateral", transform=ax.transAxes, fontsize=7, color="#444444")
    ax.text(0.98, 0.02, "medial", transform=ax.transAxes, fontsize=7, color="#444444",
            ha="right")
    ax.set_aspect("equal")
    ax.set_xlim(-200, 120)
    ax.set_ylim(-150, l_q + 30)  # room below the tuberosity for the side labels
    ax.set_axis_off()
    ax.set_title("Landmarks (right knee, front view)", fontsize=10)


def q_angle_figure() -> Figure:
    """Chapter 2: the Q-angle's landmarks, and how tibial rotation changes it in the model."""
    men = ev.Q_ANGLE_MEN_DEG.value
    women_low, women_high = ev.Q_ANGLE_WOMEN_DEG.low, ev.Q_ANGLE_WOMEN_DEG.high
    fig, (draw, plot) = plt.subplots(1, 2, figsize=(7.0, 3.6),
                                     gridspec_kw={"width_ratios": [1, 1.5]})
    _q_landmarks(draw, men)
    tibial = np.linspace(-15.0, 15.0, 61)
    plot.plot(tibial, km.q_angle(tibial, 0.0, baseline_q_deg=men), color=style.KNEE, lw=2.5,
              label=f"baseline {men:g}° (men)")
    plot.fill_between(tibial, km.q_angle(tibial, 0.0, baseline_q_deg=women_low),
                      km.q_angle(tibial, 0.0, baseline_q_deg=women_high), color=style.KNEE,
                      alpha=0.35, lw=0, label=f"baseline {women_low:g}–{women_high:g}° (women)")
    plot.axvline(0.0, color=style.MEASURED, lw=1)
    plot.set_xlabel("Tibial rotation (°)\n(negative = external, positive = internal)")
    plot.set_ylabel("Q-angle in the model (°)")
    plot.legend(fontsize=8, frameon=False)
    plot.set_title("Tibial rotation moves the tuberosity", fontsize=10)
    style.apply(plot)
    fig.tight_layout()
    return fig


# --- Chapter 9 ---------------------------------------------------------------------------------
def recap_figure(max_eversion_deg: float = 12.0) -> Figure:
    """Chapter 9: foot to tibia, geometry against measurement; tibia to knee, with the femur."""
    eversion = np.linspace(0.0, max_eversion_deg, 61)
    textbook = km.tibial_rotation_from_eversion(eversion)
    opensim = km.tibial_rotation_from_eversion(eversion, *OPENSIM_AXIS_DEG)
    slope = ev.FISCHER2018_EVERSION_TO_TIBIAL_ROTATION
    fig, (foot, knee) = plt.subplots(1, 2, figsize=(7.0, 3.4), sharey=True)
    foot.plot(eversion, textbook, color=style.IDEAL, lw=2,
              label=f"ideal hinge, {km.DEFAULT_INCLINATION_DEG:g}°/{km.DEFAULT_DEVIATION_DEG:g}° axis")
    foot.plot(eversion, opensim, color=style.IDEAL, lw=1.5, ls="--",
              label="ideal hinge, OpenSim model axis")
    foot.fill_between(eversion, (slope.value - slope.sd) * eversion,
                      (slope.value + slope.sd) * eversion, color=style.MEASURED, alpha=0.35,
                      lw=0, label="measured in cadaver feet (mean ± SD)")
    foot.set_title("1. Foot to tibia", fontsize=10)
    foot.set_xlabel("Heel eversion (°)")
    foot.set_ylabel("Tibial internal rotation (°)")
    foot.legend(fontsize=7, frameon=False, loc="upper left")
    measured_tibia = slope.value * eversion
    for share, dash in ((0.0, "-"), (1.0, ":")):
        knee.plot(eversion, km.tibiofemoral_rotation(measured_tibia, share * measured_tibia),
                  color=style.KNEE, ls=dash, lw=2,
                  label="femur still" if share == 0 else "femur turns with the tibia")
    knee.set_title("2. Tibia to knee (mean measured slope)", fontsize=10)
    knee.set_xlabel("Heel eversion (°)")
    knee.legend(fontsize=7, frameon=False, loc="upper left")
    for ax in (foot, knee):
        style.apply(ax)
    fig.tight_layout()
    return fig


class EvidenceRow(NamedTuple):
    """One claim of the popular story, the book's reading of the evidence, and its sources."""

    claim: str
    verdict: str  # "supports", "limited or mixed", "does not support"
    keys: tuple[str, ...]


VERDICT_COLOURS = style.VERDICT_COLOURS

#: The book's reading of the evidence (chapters 3-8), one row per claim; every key is cited
#: in those chapters for exactly this finding (see FACTS.md).
EVIDENCE_AT_A_GLANCE: tuple[EvidenceRow, ...] = (
    EvidenceRow("Loaded heel eversion turns the tibia internally", "supports",
                ("Hintermann1994", "Fischer2018")),
    EvidenceRow("The transfer is about 1:1 and the same in everyone", "does not support",
                ("Fischer2018", "Hintermann1994", "Nigg1993", "Stacoff2000")),
    EvidenceRow("People with PFP pronate more, or for longer, when walking", "does not support",
                ("Powers2002",)),
    EvidenceRow("Peak pronation predicts tibial and femoral rotation", "does not support",
                ("Reischl1999",)),
    EvidenceRow("In PFP the femur rotates under the patella", "supports", ("Souza2010",)),
    EvidenceRow("Hip and trunk control change knee mechanics", "supports",
                ("Powers2003", "Powers2010")),
    EvidenceRow("Hip weakness is a risk factor for PFP", "does not support",
                ("Neal2019", "Rathleff2014")),
    EvidenceRow("Pronated foot posture is a risk factor for PFP", "limited or mixed",
                ("Neal2014", "Dowling2014")),
    EvidenceRow("Pronated foot posture is a risk factor for MTSS", "supports", ("Neal2014",)),
    EvidenceRow("Exercise for hip and knee helps PFP", "supports",
                ("Crossley2016part2", "Collins2018")),
    EvidenceRow("Foot orthoses help PFP", "limited or mixed",
                ("Collins2008", "HossainCD008402", "Crossley2016part2")),
    EvidenceRow("Lateral wedge insoles help medial knee OA", "does not support",
                ("Bennell2011",)),
)


def evidence_at_a_glance_figure(rows: tuple[EvidenceRow, ...] = EVIDENCE_AT_A_GLANCE) -> Figure:
    """Chapter 9: each claim of the story with a coloured verdict and its sources."""
    return verdict_figure([(row.claim, row.verdict, ", ".join(row.keys)) for row in rows],
                          detail_x=1.0, detail_ha="right", width=8.0, detail_size=7)
