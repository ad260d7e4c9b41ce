"""The three demonstrations: every control, live and static, draws what the model says."""

from __future__ import annotations

import base64
import html
import math

import ipywidgets as ipw
import numpy as np
import pytest
from matplotlib.figure import Figure

from demo_alts import missing_phrases
from widgets import evidence, kinematics as km
from widgets.axis_explorer import (FRAME_INCLINATIONS_DEG, FRAME_PRONATIONS_DEG, RATIO_AXIS_MAX,
                                   axis_explorer, axis_explorer_frames, draw_axis_explorer)
from widgets.knee_chain import (FRAME_FEMORAL_ROTATIONS_DEG, FRAME_FLEXIONS_DEG,
                                FRAME_PRONATIONS_DEG as KNEE_FRAME_PRONATIONS_DEG,
                                PRONATION_SLIDER_DEG, draw_knee_chain, knee_chain,
                                knee_chain_frames)
from widgets.stance_player import (FRAME_PERCENTS, PRESET_KEYS, draw_stance_player,
                                   stance_player, stance_player_frames)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
RANDOM_VALUES_PER_CONTROL = 3


@pytest.fixture(scope="module")
def axis_demo():
    return axis_explorer()


@pytest.fixture(scope="module")
def stance_demo():
    return stance_player()


@pytest.fixture(scope="module")
def knee_demo():
    return knee_chain()


def settings(control: ipw.ValueWidget, rng: np.random.Generator) -> list:
    """Min, max and a few random values of a control (every option for a selector)."""
    if isinstance(control, ipw.ToggleButtons):
        return [value for _label, value in control.options]
    values = [control.min, control.max]
    for _ in range(RANDOM_VALUES_PER_CONTROL):
        value = rng.uniform(control.min, control.max)
        values.append(round(value) if isinstance(control, ipw.IntSlider) else value)
    return values


def shows(image_html: str, png: bytes, alt: str) -> bool:
    """Whether the HTML of a demo picture is one ``<img>`` of ``png`` with ``alt``."""
    return (image_html.startswith("<img ") and image_html.count("<img") == 1
            and f'src="data:image/png;base64,{base64.b64encode(png).decode()}"' in image_html
            and f'alt="{html.escape(alt, quote=True)}"' in image_html)


def drive(demo, check, name):
    """Set every control to each of its settings; after each, the image is fresh, its alt text
    says the model's numbers for these values, and ``check`` compares the drawing with the
    model."""
    rng = np.random.default_rng(2026)
    for control_name, control in demo.controls.items():
        for value in settings(control, rng):
            before, alt_before = demo.png, demo.alt
            previous = control.value
            control.value = value
            after = demo.png
            assert after.startswith(PNG_SIGNATURE) and len(after) > 5000
            assert shows(demo.image.value, demo.png, demo.alt)
            assert not missing_phrases(name, demo.values(), demo.alt), demo.alt
            if control.value != previous:
                assert after != before, f"{control_name}={value}: the image did not change"
                assert demo.alt != alt_before, f"{control_name}={value}: same alt text"
            check(demo.figure, demo.values())


# --- Axis explorer -------------------------------------------------------------------------

def check_axis_explorer(figure, values):
    chain = km.closed_chain(values["pronation_deg"], values["inclination_deg"],
                            values["deviation_deg"])
    eversion_bar, tibial_bar = figure.bars
    assert eversion_bar.get_width() == pytest.approx(chain.calcaneal_eversion_deg)
    assert tibial_bar.get_width() == pytest.approx(chain.tibial_rotation_deg)
    ratio = km.small_angle_transfer_ratio(values["inclination_deg"], values["deviation_deg"])
    x, y = figure.marker.get_data()
    assert x[0] == pytest.approx(values["inclination_deg"])
    assert y[0] == pytest.approx(min(ratio, RATIO_AXIS_MAX))
    curve_x, curve_y = figure.hinge_curve.get_data()
    np.testing.assert_allclose(curve_y, km.small_angle_transfer_ratio(curve_x,
                                                                      values["deviation_deg"]))
    # The side view shows the axis at its projected inclination (a 2-D direction).
    axis = km.subtalar_axis(values["inclination_deg"], values["deviation_deg"])
    xs, ys = figure.side_axis.get_data()
    assert math.atan2(ys[1] - ys[0], xs[1] - xs[0]) == pytest.approx(math.atan2(axis[1], axis[0]))
    # Top view from above, medial up the page: a medially deviated axis points up and forward.
    xs, ys = figure.top_axis.get_data()
    assert math.atan2(ys[1] - ys[0], xs[1] - xs[0]) == pytest.approx(
        math.radians(values["deviation_deg"]))
    assert f"{chain.tibial_rotation_deg:+.1f}°" in figure.bar_labels[1].get_text()


def test_axis_explorer_every_control(axis_demo):
    assert set(axis_demo.controls) == {"inclination_deg", "deviation_deg", "pronation_deg"}
    assert (axis_demo.controls["deviation_deg"].min,
            axis_demo.controls["deviation_deg"].max) == km.DEVIATION_RANGE_DEG
    assert (axis_demo.controls["pronation_deg"].min,
            axis_demo.controls["pronation_deg"].max) == km.PRONATION_RANGE_DEG
    drive(axis_demo, check_axis_explorer, "axis-explorer")


def test_axis_explorer_draws_fischer_band_beside_the_hinge():
    fig = draw_axis_explorer(45.0, 0.0, 10.0)
    ratio_axes = fig.axes[3]
    fischer = evidence.FISCHER2018_EVERSION_TO_TIBIAL_ROTATION
    band = [p for p in ratio_axes.patches if "Fischer" in str(p.get_label())]
    assert len(band) == 1
    y_extent = band[0].get_path().get_extents(band[0].get_transform()).transformed(
        ratio_axes.transData.inverted())
    assert (y_extent.y0, y_extent.y1) == pytest.approx((fischer.value - fischer.sd,
                                                        fischer.value + fischer.sd), abs=1e-6)
    # Inman's mitered hinge: 45° with no deviation passes rotation on 1:1 at small angles.
    demo_figure_marker = [line for line in ratio_axes.lines if line.get_label() == "current axis"]
    assert demo_figure_marker[0].get_ydata()[0] == pytest.approx(1.0)


# --- Stance player -------------------------------------------------------------------------

def check_stance_player(figure, values):
    preset = km.STANCE_PRESETS[values["preset"]]
    ratio = values["coupling_ratio"]
    percent = values["percent_stance"]
    expected_tibial = km.stance_tibial_rotation(
        percent, preset.peak_eversion_deg, ratio, km.ILLUSTRATIVE_LATE_TO_EARLY_RATIO * ratio)
    expected_eversion = km.stance_eversion(percent, preset.peak_eversion_deg)
    assert figure.tib_marker.get_data()[0][0] == pytest.approx(percent)
    assert figure.tib_marker.get_data()[1][0] == pytest.approx(expected_tibial)
    assert figure.ev_marker.get_data()[1][0] == pytest.approx(expected_eversion)
    assert max(figure.ev_curve.get_ydata()) == pytest.approx(preset.peak_eversion_deg, rel=1e-3)


def test_stance_player_every_control(stance_demo):
    assert set(stance_demo.controls) == {"percent_stance", "preset", "coupling_ratio"}
    ratio = stance_demo.controls["coupling_ratio"]
    assert (ratio.min, ratio.max) == km.COUPLING_RATIO_RANGE
    drive(stance_demo, check_stance_player, "stance-player")


def test_stance_presets_reproduce_sinclair2017(stance_demo):
    """Choosing a preset resets the ratio; the drawn range is then the published one."""
    for key in PRESET_KEYS:
        stance_demo.controls["preset"].value = key
        published = evidence.SINCLAIR2017[key]
        params = stance_demo.figure.params
        assert params["coupling_ratio"] == pytest.approx(
            km.STANCE_PRESETS[key].ratio_early, abs=0.005)  # the slider rounds to 0.01
        assert params["tibial_rotation_range_deg"] == pytest.approx(
            published.tibial_rotation_range_deg, abs=0.1)
        assert f"peak {published.peak_eversion_deg:.1f}°" in stance_demo.figure.ev_text.get_text()


def test_stance_play_button_steps_the_stance_slider(stance_demo):
    play, percent = stance_demo.play, stance_demo.controls["percent_stance"]
    assert (play.min, play.max, play.step) == (percent.min, percent.max, percent.step)


# --- Knee chain ----------------------------------------------------------------------------

def check_knee_chain(figure, values):
    tibial = km.closed_chain(values["pronation_deg"]).tibial_rotation_deg
    knee = km.knee_state(tibial, values["femoral_rotation_deg"], values["knee_flexion_deg"])
    widths = [bar.get_width() for bar in figure.bars]
    assert widths == pytest.approx([tibial, values["femoral_rotation_deg"], knee.screw_home_deg,
                                    knee.tibiofemoral_rotation_deg])
    assert figure.front_title.get_text().endswith(f"Q-angle {knee.q_angle_deg:.1f}°")
    # The drawn Q-angle: between the quadriceps line's extension and the tendon line.
    (qx, qy), (tx, ty) = (np.array(figure.quad_line.get_data())[:, 0],
                          np.array(figure.tendon_line.get_data())[:, 1])
    extension, tendon = np.array([-qx, -qy]), np.array([tx, ty])
    cosine = extension @ tendon / (np.linalg.norm(extension) * np.linalg.norm(tendon))
    drawn = math.degrees(math.acos(np.clip(cosine, -1, 1)))
    assert drawn == pytest.approx(abs(knee.q_angle_deg), abs=1e-5)
    # Dial: the tibia pointer turns by tibial rotation plus screw-home (internal = to the left).
    px, py = figure.tibia_pointer.get_data()
    assert math.degrees(math.atan2(-px[1], py[1])) == pytest.approx(tibial + knee.screw_home_deg)


def test_knee_chain_every_control(knee_demo):
    assert set(knee_demo.controls) == {"pronation_deg", "femoral_rotation_deg",
                                       "knee_flexion_deg"}
    flexion = knee_demo.controls["knee_flexion_deg"]
    assert (flexion.min, flexion.max) == km.KNEE_FLEXION_RANGE_DEG
    drive(knee_demo, check_knee_chain, "knee-chain")


def test_knee_pronation_slider_spans_the_model_range():
    assert PRONATION_SLIDER_DEG == km.PRONATION_RANGE_DEG


def test_knee_chain_screw_home_locks_in_extension():
    locked = draw_knee_chain(0.0, 0.0, 0.0)
    bars = locked.axes[2].patches
    assert bars[2].get_width() == pytest.approx(-km.SCREW_HOME_DEG)
    unlocked = draw_knee_chain(0.0, 0.0, km.DEFAULT_SCREW_HOME_ONSET_DEG)
    assert unlocked.axes[2].patches[2].get_width() == pytest.approx(0.0)


# --- Plain functions ---------------------------------------------------------------------------

@pytest.mark.parametrize("draw", [draw_axis_explorer, draw_stance_player, draw_knee_chain])
def test_draw_functions_return_a_figure_with_data(draw):
    fig = draw()
    assert isinstance(fig, Figure)
    assert all(line.get_xydata().size for ax in fig.axes for line in ax.lines)


def test_out_of_range_values_raise_not_draw():
    with pytest.raises(ValueError):
        draw_axis_explorer(inclination_deg=90.0)
    with pytest.raises(ValueError):
        draw_knee_chain(knee_flexion_deg=-5.0)


# --- Static fallbacks --------------------------------------------------------------------------

@pytest.mark.parametrize("make, sizes", [
    (axis_explorer_frames, (len(FRAME_INCLINATIONS_DEG), len(FRAME_PRONATIONS_DEG))),
    (stance_player_frames, (len(PRESET_KEYS), len(FRAME_PERCENTS))),
    (knee_chain_frames, (len(KNEE_FRAME_PRONATIONS_DEG), len(FRAME_FEMORAL_ROTATIONS_DEG),
                         len(FRAME_FLEXIONS_DEG))),
], ids=["axis-explorer", "stance-player", "knee-chain"])
def test_static_fallback_frames(make, sizes, request):
    explorer = make()
    demo = request.node.callspec.id
    count = math.prod(sizes)
    assert len(explorer.frames) == count == len(explorer.images) == len(explorer.alts)
    assert len(set(explorer.frames.values())) == count, "every frame must differ"
    assert len(set(explorer.alts.values())) == count, "every frame must have its own alt text"
    for image, (index, png) in zip(explorer.images, explorer.frames.items()):
        assert shows(image.value, png, explorer.alts[index])
        params = {name: axis.values[i] for (name, axis), i in zip(explorer.axes.items(), index)}
        assert not missing_phrases(demo, params, explorer.alts[index]), explorer.alts[index]
    assert all(png.startswith(PNG_SIGNATURE) for png in explorer.frames.values())
    assert [len(s.options) for s in explorer.sliders.values()] == list(sizes)
    assert all(isinstance(s, (ipw.SelectionSlider, ipw.ToggleButtons))
               for s in explorer.sliders.values())
    # One jslink per Stack (1 + n0 + n0*n1 + ...) plus the play button's link.
    stacks = sum(math.prod(sizes[:i]) for i in range(len(sizes)))
    assert len(explorer.links) == stacks + (explorer.play is not None)
    for link in explorer.links:
        source, target = link.source, link.target
        assert (source[1], target[1]) in {("index", "selected_index"), ("value", "index")}
    # Each Stack starts on its slider's current value, so the page opens on a real frame.
    assert explorer.stack.selected_index == next(iter(explorer.sliders.values())).index
    assert explorer.total_bytes() < 1_000_000, "frames too heavy for one chapter page"
