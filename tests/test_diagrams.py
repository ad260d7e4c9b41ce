"""The figures of chapters 1, 2 and 9 draw what the model and the evidence say.

Each test reads the data back from the matplotlib artists and compares it with the model
(``widgets.kinematics``) or a cited value (``widgets.evidence``), so a figure that drifts
from the numbers in the text fails here.
"""


import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from book import BIB_KEYS  # noqa: E402
from widgets import diagrams  # noqa: E402
from widgets import evidence as ev  # noqa: E402
from widgets import kinematics as km  # noqa: E402



@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def line_by_label(ax, label):
    return next(line for line in ax.get_lines() if line.get_label() == label)


def test_open_chain_leaves_tibia_still_closed_chain_turns_it():
    values = diagrams.open_closed_values(10.0)
    assert values.open_chain["tibial internal rotation"] == 0.0
    closed = km.closed_chain(10.0)
    assert values.closed_chain["tibial internal rotation"] == pytest.approx(
        closed.tibial_rotation_deg)
    # Small-angle check of the open-chain split: eversion ≈ φ cos α cos β, abduction ≈ φ sin α.
    alpha, beta = np.deg2rad(km.DEFAULT_INCLINATION_DEG), np.deg2rad(km.DEFAULT_DEVIATION_DEG)
    assert values.open_chain["heel eversion"] == pytest.approx(
        10 * np.cos(alpha) * np.cos(beta), abs=0.3)
    assert values.open_chain["foot abduction"] == pytest.approx(10 * np.sin(alpha), abs=0.3)


def test_open_closed_bars_match_the_model():
    fig = diagrams.open_closed_figure(10.0)
    values = diagrams.open_closed_values(10.0)
    for ax, data in zip(fig.axes, values):
        assert [p.get_width() for p in ax.patches] == pytest.approx(list(data.values()))


def test_knee_sees_tibia_minus_femur():
    fig = diagrams.knee_relative_rotation_figure(12.0)
    ax = fig.axes[0]
    tibia = line_by_label(ax, "tibia (relative to the ground)").get_ydata()
    assert tibia[-1] == pytest.approx(km.tibial_rotation_from_eversion(12.0))
    assert line_by_label(ax, "at the knee, femur follows 0% of it").get_ydata() == \
        pytest.approx(tibia)
    assert line_by_label(ax, "at the knee, femur follows 50% of it").get_ydata() == \
        pytest.approx(tibia / 2)
    assert np.allclose(line_by_label(ax, "at the knee, femur follows 100% of it").get_ydata(), 0)


def test_pronation_split_steeper_axis_means_more_abduction():
    ax = diagrams.pronation_split_figure(10.0).axes[0]
    inclination = line_by_label(ax, "abduction").get_xdata()
    abduction = line_by_label(ax, "abduction").get_ydata()
    eversion = line_by_label(ax, "eversion").get_ydata()
    assert np.all(np.diff(abduction) > 0) and np.all(np.diff(eversion) < 0)
    at_textbook = np.argmin(abs(inclination - km.DEFAULT_INCLINATION_DEG))
    assert abduction[at_textbook] == pytest.approx(
        km.pronation_components(10.0, inclination[at_textbook]).abduction_deg)


def test_screw_home_figure_shows_about_ten_degrees_external_at_full_extension():
    line = diagrams.screw_home_figure().axes[0].get_lines()[0]
    flexion, rotation = line.get_xdata(), line.get_ydata()
    assert rotation[flexion == 0] == pytest.approx(-ev.SCREW_HOME_ROTATION_DEG.value)
    assert np.all(rotation[flexion >= ev.SCREW_HOME_ROTATION_DEG.high] == 0)


def test_q_angle_figure_starts_at_the_cited_baseline_and_falls_with_internal_rotation():
    plot = diagrams.q_angle_figure().axes[1]
    line = line_by_label(plot, f"baseline {ev.Q_ANGLE_MEN_DEG.value:g}° (men)")
    rotation, q = line.get_xdata(), line.get_ydata()
    assert q[rotation == 0] == pytest.approx(ev.Q_ANGLE_MEN_DEG.value)
    assert np.all(np.diff(q) < 0)


def test_recap_band_is_the_fischer_slope_plus_minus_sd():
    foot = diagrams.recap_figure(12.0).axes[0]
    band = foot.collections[0].get_paths()[0].vertices
    at_end = band[np.isclose(band[:, 0], 12.0), 1]
    slope = ev.FISCHER2018_EVERSION_TO_TIBIAL_ROTATION
    assert sorted(set(np.round(at_end, 6))) == pytest.approx(
        [(slope.value - slope.sd) * 12, (slope.value + slope.sd) * 12])


def test_evidence_rows_cite_real_sources_and_keep_the_hypothesis_honest():
    for row in diagrams.EVIDENCE_AT_A_GLANCE:
        assert row.verdict in diagrams.VERDICT_COLOURS, row
        assert set(row.keys) <= BIB_KEYS, row
    verdicts = {row.keys[0]: row.verdict for row in diagrams.EVIDENCE_AT_A_GLANCE}
    assert verdicts["Powers2002"] == "does not support"
    assert verdicts["Bennell2011"] == "does not support"
    fig = diagrams.evidence_at_a_glance_figure()
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert {row.claim for row in diagrams.EVIDENCE_AT_A_GLANCE} <= texts
