"""Static figures of the model chapters (3 to 5): axis geometry, transfer ratio, knee, stance.

Every function builds one matplotlib figure from :mod:`widgets.kinematics` (the geometry)
and :mod:`widgets.evidence` (the measured values) and returns it; none computes its own
maths. Colours follow :mod:`widgets.style`. The interactive demonstrations live elsewhere;
these figures show the fixed comparisons that the demos leave to the reader.
"""

from __future__ import annotations

import numpy as np
import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.patches import Arc, Circle, Polygon

from widgets import evidence as ev
from widgets import kinematics as km
from widgets import style

# The two axes the chapters compare: the textbook mean and the OpenSim model axis.
TEXTBOOK_AXIS_DEG = (ev.STJ_INCLINATION_DEG.value, ev.STJ_DEVIATION_DEG.value)
OPENSIM_AXIS_DEG = km.axis_angles(ev.OPENSIM_STJ_AXIS_TALUS_FRAME)

# Schematic foot outlines (arbitrary units, heel at x = 0): drawing only, not anatomy data.
_FOOT_SIDE = [(0, 0), (0.2, -0.1), (1.0, -0.1), (2.6, 0.0), (2.7, 0.15), (2.0, 0.35),
              (1.2, 0.75), (0.5, 0.9), (0.15, 0.6)]
_FOOT_TOP = [(0, 0), (0.15, -0.35), (1.0, -0.45), (2.3, -0.5), (2.7, -0.3), (2.75, 0.25),
             (2.3, 0.5), (1.2, 0.35), (0.3, 0.35)]
_AXIS_ORIGIN_SIDE = (0.1, 0.2)   # where the drawn axis leaves the heel
_AXIS_ORIGIN_TOP = (0.1, -0.1)
_AXIS_LENGTH = 2.3


def _axis_line(ax, origin, direction_2d, colour, label, linestyle="-"):
    direction = np.asarray(direction_2d) / np.hypot(*direction_2d)
    end = np.asarray(origin) + _AXIS_LENGTH * direction
    ax.annotate("", xy=end, xytext=origin,
                arrowprops=dict(arrowstyle="-|>", color=colour, lw=2, linestyle=linestyle))
    ax.text(*(end + 0.08 * direction), label, color=colour, fontsize=9, va="center")


def _angle_arc(ax, origin, angle_deg, colour, radius, name):
    start, stop = sorted((0.0, angle_deg))
    ax.add_patch(Arc(origin, 2 * radius, 2 * radius, theta1=start, theta2=stop,
                     color=colour, lw=1.2))
    middle = np.deg2rad(angle_deg / 2)
    ax.text(origin[0] + 1.15 * radius * np.cos(middle), origin[1] + 1.15 * radius * np.sin(middle),
            name, color=colour, fontsize=10, va="center")


def axis_geometry_figure() -> Figure:
    """Side view (true inclination α) and top view (medial deviation β) of two subtalar axes."""
    fig, (side, top) = plt.subplots(1, 2, figsize=(style.FIGSIZE_WIDE[0], 3.4))
    axes = [(TEXTBOOK_AXIS_DEG, style.IDEAL, "textbook"), (OPENSIM_AXIS_DEG, style.FOOT, "OpenSim")]
    for view, outline, origin in ((side, _FOOT_SIDE, _AXIS_ORIGIN_SIDE),
                                  (top, _FOOT_TOP, _AXIS_ORIGIN_TOP)):
        view.add_patch(Polygon(outline, closed=True, facecolor="#f2f2f2", edgecolor="#999999"))
        view.axhline(origin[1], color="#bbbbbb", lw=0.8, ls=":")
        view.set_aspect("equal")
        view.set_xlim(-0.3, 3.6)
        view.set_xticks([])
        view.set_yticks([])
        view.spines[:].set_visible(False)
    for (inclination, deviation), colour, name in axes:
        u = km.subtalar_axis(inclination, deviation)  # x anterior, y up, z lateral
        # Side panel: the axis in its own vertical plane (horizontal length against height),
        # which shows the true inclination; a sagittal projection would look steeper.
        _axis_line(side, _AXIS_ORIGIN_SIDE, (np.hypot(u[0], u[2]), u[1]), colour,
                   f"{name} {inclination:.1f}°")
        # Seen from above with medial drawn upwards: (x, -z).
        _axis_line(top, _AXIS_ORIGIN_TOP, (u[0], -u[2]), colour, f"{name} {deviation:.1f}°")
    _angle_arc(side, _AXIS_ORIGIN_SIDE, TEXTBOOK_AXIS_DEG[0], style.IDEAL, 0.9, "α")
    _angle_arc(top, _AXIS_ORIGIN_TOP, TEXTBOOK_AXIS_DEG[1], style.IDEAL, 1.5, "β")
    side.set_ylim(-0.4, 2.1)
    top.set_ylim(-0.8, 1.3)
    side.set_title("From the side, in the axis's vertical plane", fontsize=10)
    top.set_title("From above (anterior →, medial ↑)", fontsize=10)
    fig.tight_layout()
    return fig


def transfer_ratio_figure(large_eversion_deg: float | None = None) -> Figure:
    """Ideal-hinge transfer ratio against inclination, beside the Fischer2018 band.

    ``large_eversion_deg`` (default: the largest Sinclair2017 peak eversion) sets the
    finite-angle curve.
    """
    if large_eversion_deg is None:
        large_eversion_deg = max(c.peak_eversion_deg for c in ev.SINCLAIR2017.values())
    inclination = np.linspace(20.0, 55.0, 141)
    textbook_deviation = TEXTBOOK_AXIS_DEG[1]
    fig, ax = plt.subplots(figsize=style.FIGSIZE_WIDE)
    style.apply(ax)
    measured = ev.FISCHER2018_EVERSION_TO_TIBIAL_ROTATION
    ax.axhspan(measured.value - measured.sd, measured.value + measured.sd, color=style.MEASURED,
               alpha=0.25, lw=0, label=f"measured in vitro, {measured.value} ± {measured.sd}")
    ax.axhline(measured.value, color=style.MEASURED, lw=1)
    ax.plot(inclination, km.small_angle_transfer_ratio(inclination, 0.0), color=style.IDEAL,
            label="tan α / cos β, β = 0°")
    ax.plot(inclination, km.small_angle_transfer_ratio(inclination, textbook_deviation),
            color=style.IDEAL, ls="--", label=f"tan α / cos β, β = {textbook_deviation:.0f}°")
    ax.plot(inclination,
            km.finite_transfer_ratio(large_eversion_deg, inclination, textbook_deviation),
            color=style.TIBIA, ls=":", lw=2,
            label=f"exact at {large_eversion_deg:.1f}° eversion, β = {textbook_deviation:.0f}°")
    for (alpha, beta), colour, name, offset in (
            (TEXTBOOK_AXIS_DEG, style.IDEAL, "textbook axis", (-95, 10)),
            (OPENSIM_AXIS_DEG, style.FOOT, "OpenSim axis", (-85, 10))):
        ratio = km.small_angle_transfer_ratio(alpha, beta)
        ax.plot(alpha, ratio, "o", color=colour, ms=7, zorder=5)
        ax.annotate(f"{name} {ratio:.2f}", (alpha, ratio), xytext=offset,
                    textcoords="offset points", color=colour, fontsize=9)
    ax.plot(45.0, km.small_angle_transfer_ratio(45.0, 0.0), "s", color=style.IDEAL, ms=6)
    ax.annotate("mitered hinge 1:1", (45.0, 1.0), xytext=(12, -14), textcoords="offset points",
                fontsize=9)
    ax.set_xlabel("Axis inclination α (°)")
    ax.set_ylabel("Tibial rotation per degree\nof eversion")
    ax.set_ylim(0.3, 1.6)
    ax.legend(fontsize=8, loc="upper left", frameon=False)
    fig.tight_layout()
    return fig


def screw_home_figure() -> Figure:
    """Screw-home rotation against knee flexion, for the two textbook onsets (20° and 30°)."""
    flexion = np.linspace(0.0, 60.0, 241)
    onset = ev.SCREW_HOME_ROTATION_DEG
    fig, ax = plt.subplots(figsize=style.FIGSIZE_WIDE)
    style.apply(ax)
    for onset_deg, line in ((onset.high, "-"), (onset.low, "--")):
        # The model counts internal rotation positive; the figure shows external rotation.
        external = -np.asarray(km.screw_home_rotation(flexion, onset_deg=onset_deg))
        ax.plot(flexion, external, color=style.KNEE, ls=line,
                label=f"locking over the last {onset_deg:.0f}° of extension")
    ax.axvspan(onset.low, onset.high, color=style.MEASURED, alpha=0.15, lw=0)
    ax.set_xlabel("Knee flexion (°), 0 = full extension")
    ax.set_ylabel("Tibial external rotation\non the femur (°)")
    ax.invert_xaxis()  # extension to the right: the knee straightens left to right
    ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


# Knee region drawn in the model's frontal plane (mm, patella at the origin, x lateral).
_VIEW_HALF_WIDTH_MM, _VIEW_TOP_MM, _VIEW_BOTTOM_MM = 60.0, 120.0, -120.0


def _draw_knee(ax, tibial, femoral, follows, title):
    """One knee seen from the front; Q-angle and patellar shift from :func:`km.knee_state`."""
    geometry = km.ILLUSTRATIVE_KNEE_GEOMETRY
    state = km.knee_state(tibial, femoral, patella_follows_femur=follows)
    r_p, r_t = geometry["patella_offset_mm"], geometry["tubercle_offset_mm"]
    l_q, l_t = geometry["quadriceps_length_mm"], geometry["tendon_length_mm"]
    # Landmark positions of the knee_state model (section 6 of widgets.kinematics), to draw.
    asis = np.array([l_q * np.tan(np.deg2rad(ev.Q_ANGLE_MEN_DEG.value)), l_q])
    patella = np.array([-r_p * np.sin(np.deg2rad(follows * femoral)), 0.0])
    trochlea_x = -r_p * np.sin(np.deg2rad(femoral))
    tubercle = np.array([-r_t * np.sin(np.deg2rad(tibial)), -l_t])
    ax.plot([0, 0], [_VIEW_TOP_MM, 8], color=style.FEMUR, lw=14, alpha=0.35)
    ax.plot([0, 0], [-8, _VIEW_BOTTOM_MM], color=style.TIBIA, lw=14, alpha=0.35)
    quad_direction = (asis - patella) / np.linalg.norm(asis - patella)
    ax.plot(*np.transpose([patella, patella + 130 * quad_direction]), color="#444444", lw=1.2)
    ax.plot(*np.transpose([patella, patella - 90 * quad_direction]), color="#444444", lw=0.8,
            ls=":")
    ax.plot(*np.transpose([patella, tubercle]), color="#444444", lw=1.2)
    ax.plot([trochlea_x] * 2, [-12, 12], color=style.FEMUR, lw=3)
    ax.add_patch(Circle(patella, 7, color=style.KNEE, zorder=4))
    ax.plot(*tubercle, "s", color=style.TIBIA, ms=7, zorder=4)
    ax.text(-_VIEW_HALF_WIDTH_MM + 2, _VIEW_BOTTOM_MM + 5,
            f"Q = {state.q_angle_deg:.1f}°\npatella {state.patella_lateral_shift_mm:.1f} mm\n"
            "lateral on trochlea", fontsize=8)
    ax.text(patella[0] + 10, 100, "to ASIS ↗", fontsize=7, color="#444444")
    ax.set_title(title, fontsize=9)
    ax.set_xlim(-_VIEW_HALF_WIDTH_MM, _VIEW_HALF_WIDTH_MM)
    ax.set_ylim(_VIEW_BOTTOM_MM, _VIEW_TOP_MM)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.spines[:].set_visible(False)
    return state


def leg_front_figure(eversion_deg: float = 10.0, femoral_rotation_deg: float = 12.0) -> Figure:
    """The right leg from the front: neutral, and pronated with the femur rotated in.

    Rearfoot eversion turns the tibia through the ideal hinge (textbook axis); the femur
    rotates internally by ``femoral_rotation_deg``. Middle: the patella rides with the femur;
    right: it stays while the femur turns beneath it (Souza2010). Lateral is to the right.
    """
    tibial = km.tibial_rotation_from_eversion(eversion_deg)
    fig, panels = plt.subplots(1, 3, figsize=(style.FIGSIZE_WIDE[0], 4.2))
    _draw_knee(panels[0], 0.0, 0.0, 1.0, "Neutral")
    _draw_knee(panels[1], tibial, femoral_rotation_deg, 1.0,
              f"{eversion_deg:.0f}° eversion, femur {femoral_rotation_deg:.0f}° in,\n"
              "patella rides with femur")
    _draw_knee(panels[2], tibial, femoral_rotation_deg, 0.0,
              "same rotations,\nfemur turns under patella")
    fig.text(0.5, 0.01, "lateral →   green: femur and trochlea (bar); pink: patella; "
             "blue: tibia and tubercle (square)",
             ha="center", fontsize=8)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def stance_curves_figure(preset: str = "shod") -> Figure:
    """Illustrative eversion and tibial rotation over stance for one Sinclair2017 preset.

    Beside the preset's tibial rotation (ratios fitted to the published range) the figure
    shows what the ideal hinge with the textbook axis would give for the same eversion.
    """
    condition = km.STANCE_PRESETS[preset]
    percent = np.linspace(0.0, 100.0, 201)
    shape = dict(peak_percent=condition.peak_percent,
                 inversion_fraction=condition.inversion_fraction)
    eversion = km.stance_eversion(percent, condition.peak_eversion_deg, **shape)
    tibia = km.stance_tibial_rotation(percent, condition.peak_eversion_deg,
                                      condition.ratio_early, condition.ratio_late, **shape)
    hinge = km.tibial_rotation_from_eversion(eversion)
    fig, ax = plt.subplots(figsize=style.FIGSIZE_WIDE)
    style.apply(ax)
    ax.axhline(0, color="#888888", lw=0.8)
    ax.plot(percent, eversion, color=style.FOOT, lw=2, label="rearfoot eversion (+) / inversion (−)")
    ax.plot(percent, tibia, color=style.TIBIA, lw=2,
            label=f"tibial internal rotation, range {condition.tibial_rotation_range_deg}° "
                  f"as measured")
    ax.plot(percent, hinge, color=style.TIBIA, lw=1.2, ls="--",
            label="ideal hinge, textbook axis (same eversion)")
    ax.axvline(condition.peak_percent, color="#888888", lw=0.8, ls=":")
    ax.text(condition.peak_percent + 1, ax.get_ylim()[0] + 0.5,
            "peak (timing illustrative)", fontsize=8)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xticklabels(["initial\ncontact", "", "", "", "toe-off"])
    ax.set_xlabel("Stance phase (0–100 %)")
    ax.set_ylabel("Angle (°)")
    ax.set_ylim(top=1.7 * condition.peak_eversion_deg)  # room for the legend above the curves
    ax.legend(fontsize=8, frameon=False, loc="upper right")
    fig.tight_layout()
    return fig


def sinclair_figure() -> Figure:
    """Sinclair2017 group means: peak eversion and tibial internal-rotation range."""
    conditions = list(ev.SINCLAIR2017.values())
    labels = [c.label.replace(" (no insert)", "\n(no insert)").replace("5° ", "5°\n")
              for c in conditions]
    fig, (left, right) = plt.subplots(1, 2, figsize=style.FIGSIZE_WIDE, sharey=True)
    for ax, values, colour, title in (
            (left, [c.peak_eversion_deg for c in conditions], style.FOOT, "Peak rearfoot eversion"),
            (right, [c.tibial_rotation_range_deg for c in conditions], style.TIBIA,
             "Tibial internal rotation range")):
        style.apply(ax)
        bars = ax.bar(labels, values, color=colour)
        ax.bar_label(bars, fmt="%.1f°", fontsize=8)
        ax.set_title(title, fontsize=10)
        ax.tick_params(axis="x", labelsize=8)
    left.set_ylabel("Degrees (group mean)")
    fig.tight_layout()
    return fig
