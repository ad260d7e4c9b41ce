"""The figures of chapters 3-5 show what the model and the evidence say, and the chapter text
states the cited numbers exactly as widgets.evidence holds them."""

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import FancyArrowPatch  # noqa: E402

from book import ROOT  # noqa: E402
from widgets import coupling_figures as cf  # noqa: E402
from widgets import evidence as ev  # noqa: E402
from widgets import kinematics as km  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_sinclair_bars_are_the_published_means():
    fig = cf.sinclair_figure()
    eversion_axes, rotation_axes = fig.axes
    conditions = list(ev.SINCLAIR2017.values())
    assert [p.get_height() for p in eversion_axes.patches] == \
        [c.peak_eversion_deg for c in conditions]
    assert [p.get_height() for p in rotation_axes.patches] == \
        [c.tibial_rotation_range_deg for c in conditions]


def test_transfer_ratio_figure_marks_axes_and_measured_band():
    ax = cf.transfer_ratio_figure().axes[0]
    fischer = ev.FISCHER2018_EVERSION_TO_TIBIAL_ROTATION
    (band,) = ax.patches  # the axhspan of the measured slope
    assert band.get_y() == pytest.approx(fischer.value - fischer.sd)
    assert band.get_y() + band.get_height() == pytest.approx(fischer.value + fischer.sd)
    markers = {(round(line.get_xdata()[0], 1), round(line.get_ydata()[0], 2))
               for line in ax.lines if len(line.get_xdata()) == 1}
    assert (42.0, 0.94) in markers        # textbook axis, FACTS: 0.94
    assert (37.2, 0.77) in markers        # OpenSim axis, FACTS: 0.77
    assert (45.0, 1.0) in markers         # Inman's mitered hinge, 1:1


def test_axis_geometry_draws_inclination_and_deviation():
    fig = cf.axis_geometry_figure()
    side, top = fig.axes

    def arrow_angles(ax):
        angles = []
        for arrow in ax.texts:
            if getattr(arrow, "arrow_patch", None) is not None:
                (x0, y0), (x1, y1) = arrow.xyann, arrow.xy
                angles.append(np.degrees(np.arctan2(y1 - y0, x1 - x0)))
        return sorted(angles)

    opensim = km.axis_angles(ev.OPENSIM_STJ_AXIS_TALUS_FRAME)
    assert arrow_angles(side) == pytest.approx(sorted([ev.STJ_INCLINATION_DEG.value, opensim[0]]))
    assert arrow_angles(top) == pytest.approx(sorted([ev.STJ_DEVIATION_DEG.value, opensim[1]]))


def test_stance_curves_match_the_shod_condition():
    ax = cf.stance_curves_figure("shod").axes[0]
    eversion, tibia, hinge = [line.get_ydata() for line in ax.lines if len(line.get_ydata()) > 2]
    shod = ev.SINCLAIR2017["shod"]
    assert eversion.max() == pytest.approx(shod.peak_eversion_deg, abs=0.01)
    assert tibia.max() - tibia.min() == pytest.approx(shod.tibial_rotation_range_deg, abs=0.01)
    # The ideal hinge passes on far more rotation than was measured.
    assert hinge.max() > tibia.max() + 3


def test_screw_home_figure_locks_by_about_ten_degrees():
    ax = cf.screw_home_figure().axes[0]
    for line in ax.lines:
        flexion, external = line.get_xdata(), line.get_ydata()
        assert external[flexion == 0][0] == pytest.approx(ev.SCREW_HOME_ROTATION_DEG.value)
        assert np.all(external[flexion >= ev.SCREW_HOME_ROTATION_DEG.high] == 0)


def test_knee_figure_prints_the_model_q_angles():
    fig = cf.leg_front_figure(eversion_deg=10.0, femoral_rotation_deg=12.0)
    printed = [float(m) for ax in fig.axes for t in ax.texts
               for m in re.findall(r"Q = ([\d.]+)°", t.get_text())]
    tibia = km.tibial_rotation_from_eversion(10.0)
    expected = [km.q_angle(0.0, 0.0), km.q_angle(tibia, 12.0),
                km.q_angle(tibia, 12.0, patella_follows_femur=0.0)]
    assert printed == pytest.approx(expected, abs=0.05)
    assert printed[0] == pytest.approx(ev.Q_ANGLE_MEN_DEG.value)
    assert printed[1] > printed[0]  # femur rotating in with the patella riding along


def chapter(name):
    return (ROOT / "chapters" / name).read_text(encoding="utf-8")


def test_chapter_3_states_the_measured_and_model_coupling():
    text = chapter("03-subtalar-to-tibia.md")
    fischer = ev.FISCHER2018_EVERSION_TO_TIBIAL_ROTATION
    assert f"{fischer.value} ± {fischer.sd}" in text
    adduction = ev.FISCHER2018_ADDUCTION_TO_TIBIAL_ROTATION
    assert f"{adduction.value:.2f} ± {adduction.sd:.2f}" in text
    assert f"{ev.NIGG1993_ARCH_HEIGHT_VARIANCE_EXPLAINED.value:.0f}%" in text
    assert f"{ev.OPENSIM_STJ_INCLINATION_DEG.value}°" in text
    assert f"{ev.OPENSIM_STJ_DEVIATION_DEG.value}°" in text
    for ratio in (km.small_angle_transfer_ratio(),
                  km.small_angle_transfer_ratio(*km.axis_angles(ev.OPENSIM_STJ_AXIS_TALUS_FRAME))):
        assert f"{ratio:.2f}" in text
    assert "<!-- demo: axis-explorer -->" in text or "axis_explorer" in text


def test_chapter_5_states_sinclair_exactly():
    text = chapter("05-stance-phase.md")
    for condition in ev.SINCLAIR2017.values():
        assert f"peak eversion {condition.peak_eversion_deg}°, tibial internal rotation range " \
               f"{condition.tibial_rotation_range_deg}°" in text
    assert f"{ev.SINCLAIR2017_PARTICIPANTS.value} men running at" in text
    assert f"{ev.SINCLAIR2017_SPEED.value:.0f} m/s" in text


def test_chapter_4_states_knee_numbers_as_cited():
    text = " ".join(chapter("04-ankle-to-knee.md").split())  # ignore line breaks
    women = ev.Q_ANGLE_WOMEN_DEG
    assert f"about {ev.Q_ANGLE_MEN_DEG.value:.0f}° in men" in text
    assert f"about {women.low:.0f}–{women.high:.0f}° in women" in text
    # Livingston1999 measured standing, in a group with anterior knee pain: the asymmetry is
    # stated with that caveat, never as proof that a difference is harmless (FACTS.md).
    assert f"{ev.Q_ANGLE_ASYMMETRY.value:.0f}% had a left–right difference of " \
           f"{ev.Q_ANGLE_ASYMMETRY.low:.0f}° or more" in text
    assert "measured standing and including people with anterior knee pain" in text
    assert "cannot show whether such a difference is harmless" in text
    assert f"{ev.SOUZA2010_PER_GROUP.value} women with patellofemoral pain and " \
           f"{ev.SOUZA2010_PER_GROUP.value} pain-free" in text
    # The screw-home value is textbook knowledge: stated as approximate and without a citation.
    assert f"about {ev.SCREW_HOME_ROTATION_DEG.value:.0f}° of rotation over roughly the last " \
           f"{ev.SCREW_HOME_ROTATION_DEG.low:.0f}–{ev.SCREW_HOME_ROTATION_DEG.high:.0f}°" in text
