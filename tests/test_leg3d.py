"""The 3-D leg (widgets/leg3d.py) against the model, the MyoLeg file and bad input.

The browser's side (the page's composed pose against the model) is in
tests/test_browser_leg3d.py; these tests need no browser.
"""

from __future__ import annotations

import base64
import math
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import numpy as np
import pytest

from book import ROOT
from widgets import evidence, kinematics as km, leg3d, myoleg

VIEWS = leg3d.VIEWS
MYOLEG = ROOT / "widgets" / "myoleg"
rng = np.random.default_rng(14)


def random_state(view: str, on_grid: bool = False) -> dict:
    state = {}
    for control in leg3d.controls(view):
        value = rng.uniform(control.low, control.high)
        if on_grid:
            value = control.low + control.step * round((value - control.low) / control.step)
        state[control.name] = float(value)
    if view == "stance":
        state["preset"] = str(rng.choice(leg3d.PRESET_KEYS))
    return state


def test_every_control_is_tabled_at_half_a_degree_or_half_a_percent():
    for view in VIEWS:
        tabled = {}
        for table in leg3d.tables(view):
            for name, (start, step, count) in zip(table.controls, table.grids):
                tabled.setdefault(name, []).append((start, step, count))
        for control in leg3d.controls(view):
            assert control.name in tabled, f"{view}: {control.name} has no table"
            for start, step, count in tabled[control.name]:
                assert step <= 0.5 + 1e-12, (view, control.name, step)
                assert start == control.low and start + step * (count - 1) == pytest.approx(
                    control.high)


@pytest.mark.parametrize("view", VIEWS)
def test_tables_equal_the_model_on_the_grid_and_between(view):
    for on_grid, tolerance in ((True, leg3d.TABLE_TOLERANCE_DEG), (False, 0.01)):
        for _ in range(40):
            state = random_state(view, on_grid)
            exact, tabled = leg3d.model_values(view, state), leg3d.table_values(view, state)
            for name, value in exact.items():
                # The ratio (tan α / cos β near 0) grows steeply towards α = 85°: between
                # grid points it is checked relative to its size.
                rel = 2e-3 if name == "transfer_ratio" and not on_grid else None
                assert tabled[name] == pytest.approx(value, abs=tolerance, rel=rel), (state, name)


@pytest.mark.parametrize("view", VIEWS)
def test_the_pose_from_tables_equals_the_models_pose(view):
    for _ in range(25):
        state = random_state(view)
        exact = leg3d.model_pose(view, state)
        tabled = leg3d.compose(view, leg3d.table_values(view, state))
        for bone, matrix in exact.items():
            np.testing.assert_allclose(tabled[bone], matrix, atol=1e-4, err_msg=f"{bone} {state}")


def test_a_table_that_misses_the_model_is_caught():
    """The comparison above can fail: a table shifted by one grid step does not pass."""
    table = leg3d.tables("knee")[0]
    shifted = leg3d.Table(table.controls, table.grids, table.factors,
                          np.roll(table.core, 1, axis=0), table.quantities)
    state = {"pronation_deg": 20.0}
    assert abs(shifted.evaluate(state)["tibial_rotation_deg"]
               - km.closed_chain(20.0).tibial_rotation_deg) > 0.1


def test_the_subtalar_axis_of_the_myoleg_file_is_the_opensim_axis():
    text = (MYOLEG / "myolegs_chain.xml").read_text()
    axis = np.array([float(x) for x in re.search(
        r'<joint axis="([^"]+)" name="subtalar_angle_r"', text).group(1).split()])
    opensim = np.array(evidence.OPENSIM_STJ_AXIS_TALUS_FRAME)
    np.testing.assert_allclose(axis / np.linalg.norm(axis), opensim / np.linalg.norm(opensim),
                               atol=1e-3)
    # The preset button uses it: about 37° inclination and 9° deviation.
    assert leg3d.OPENSIM_AXIS_DEG == pytest.approx(km.axis_angles(axis))


def _file_body_positions() -> dict[str, np.ndarray]:
    """Body positions read from the file with a regular expression (not myoleg's parser)."""
    text = (MYOLEG / "myolegs_chain.xml").read_text()
    pos = {name: np.array([float(x) for x in value.split()])
           for name, value in re.findall(r'<body name="(\w+_r)" pos="([^"]+)"', text)}
    chain = {"femur_r": None, "tibia_r": "femur_r", "talus_r": "tibia_r", "calcn_r": "talus_r",
             "toes_r": "calcn_r", "patella_r": "femur_r"}
    world = {"femur_r": np.zeros(3)}
    for body in ("tibia_r", "talus_r", "calcn_r", "toes_r", "patella_r"):
        world[body] = world[chain[body]] + pos[body]
    return world


def test_neutral_placement_is_the_files_body_positions():
    world = _file_body_positions()
    assets = (MYOLEG / "myolegs_assets.xml").read_text()

    def slide_at_extension(joint):  # the patella's coupled slide at knee angle 0 (c0)
        return float(re.search(rf'joint1="{joint}"[^>]*polycoef="([^ "]+)', assets).group(1))

    patella = world["patella_r"] + [slide_at_extension("knee_angle_beta_translation1_r"),
                                    slide_at_extension("knee_angle_beta_translation2_r"), 0.0]
    state = {"pronation_deg": 0.0, "femoral_rotation_deg": 0.0, "knee_flexion_deg": 0.0}
    pose = leg3d.model_pose("knee", state)
    for bone, (_, body) in myoleg.BONES.items():
        expected = patella if bone == "patella" else world[body]
        np.testing.assert_allclose(pose[bone][:3, 3], expected, atol=1e-9, err_msg=bone)
        rotation = np.eye(3)
        if bone == "patella":  # the file's coupled patellar tilt at extension (0.6°)
            angle = float(re.search(r'joint1="knee_angle_beta_rotation1_r"[^>]*polycoef="([^ "]+)',
                                    assets).group(1))
            c, s = math.cos(angle), math.sin(angle)
            rotation = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])
        np.testing.assert_allclose(pose[bone][:3, :3], rotation, atol=1e-9, err_msg=bone)


def test_the_foot_stays_on_the_floor_and_the_axis_is_the_models():
    state = {"pronation_deg": 20.0, "inclination_deg": 30.0, "deviation_deg": 25.0}
    chain = km.closed_chain(20.0, 30.0, 25.0)
    pose = leg3d.model_pose("foot", state)
    e = math.radians(chain.calcaneal_eversion_deg)
    # The calcaneus only everts about the floor's long axis (eversion = about -x).
    np.testing.assert_allclose(pose["calcaneus"][:3, :3], [[1, 0, 0], [0, math.cos(e), math.sin(e)],
                                                          [0, -math.sin(e), math.cos(e)]],
                               atol=1e-12)
    # The tibia stays upright and turns by the model's tibial rotation.
    assert pose["tibia"][:3, 1] == pytest.approx([0, 1, 0])
    t = math.degrees(math.atan2(pose["tibia"][0, 2], pose["tibia"][0, 0]))
    assert t == pytest.approx(chain.tibial_rotation_deg)
    # The axis line (local x) is the model's axis, carried by the calcaneus and the talus.
    axis_world = pose["axis"][:3, 0]
    np.testing.assert_allclose(axis_world, pose["calcaneus"][:3, :3] @ km.subtalar_axis(30, 25),
                               atol=1e-12)
    np.testing.assert_allclose(axis_world, pose["talus"][:3, :3] @ km.subtalar_axis(30, 25),
                               atol=1e-12)


def test_knee_flexion_moves_a_planted_leg():
    poses = [leg3d.model_pose("knee", {"pronation_deg": 5.0, "femoral_rotation_deg": 0.0,
                                       "knee_flexion_deg": f}) for f in (0.0, 45.0, 90.0)]
    for pose in poses[1:]:
        np.testing.assert_allclose(pose["calcaneus"], poses[0]["calcaneus"])  # the foot stays
        np.testing.assert_allclose(pose["talus"], poses[0]["talus"])
        hip, ankle = pose["femur"][:3, 3], pose["talus"][:3, 3]
        assert hip[0] == pytest.approx(ankle[0] + (poses[0]["femur"][0, 3] - poses[0]["talus"][0, 3]),
                                       abs=0.02)  # the hip stays above the ankle
        assert hip[1] < poses[0]["femur"][1, 3] - 0.05  # and comes down
    # Flexion angle between shank and thigh axes (their y columns) equals the control.
    for pose, f in zip(poses, (0.0, 45.0, 90.0)):
        cos = float(pose["tibia"][:3, 1] @ pose["femur"][:3, 1])
        assert math.degrees(math.acos(min(1.0, cos))) == pytest.approx(f, abs=0.5)


def test_stance_follows_the_stance_curves():
    preset = km.STANCE_PRESETS["lateral_wedge"]
    values = leg3d.model_values("stance", {"percent_stance": 30.0, "preset": "lateral_wedge"})
    assert values["calcaneal_eversion_deg"] == pytest.approx(
        km.stance_eversion(30.0, preset.peak_eversion_deg))
    assert values["tibial_rotation_deg"] == pytest.approx(km.stance_tibial_rotation(
        30.0, preset.peak_eversion_deg, preset.ratio_early, preset.ratio_late))


@pytest.mark.parametrize("make, name, bad", [
    (leg3d.foot_3d, "pronation_deg", float("nan")),
    (leg3d.foot_3d, "inclination_deg", 89.0),
    (leg3d.foot_3d, "deviation_deg", -46.0),
    (leg3d.knee_3d, "knee_flexion_deg", 120.0),
    (leg3d.knee_3d, "femoral_rotation_deg", float("inf")),
    (leg3d.stance_3d, "percent_stance", 101.0),
    (leg3d.stance_3d, "preset", "barefoot"),
])
def test_bad_input_is_refused_with_the_parameter_and_its_range(make, name, bad):
    with pytest.raises(ValueError, match=name):
        make(**{name: bad})


@pytest.mark.parametrize("make, name", [(leg3d.foot_3d, "pronation_deg"),
                                        (leg3d.knee_3d, "knee_flexion_deg"),
                                        (leg3d.stance_3d, "percent_stance")])
def test_wrong_types_are_refused_like_the_other_demos(make, name):
    with pytest.raises(TypeError, match=name):
        make(**{name: "ten"})


def test_bad_state_from_python_or_the_page_is_refused():
    with pytest.raises(ValueError, match="pronation_deg"):
        leg3d.check_state("foot", {"pronation_deg": 31.0})
    with pytest.raises(ValueError, match="unknown control"):
        leg3d.check_state("foot", {"knee_flexion_deg": 10.0})
    with pytest.raises(ValueError, match="view"):
        leg3d.controls("hip")


@pytest.fixture(scope="module")
def knee_widget():
    return leg3d.knee_3d(pronation_deg=15.0, femoral_rotation_deg=-5.0, knee_flexion_deg=10.0)


def test_mimebundle_has_the_widget_a_png_still_and_the_alt_text(knee_widget):
    data = knee_widget._repr_mimebundle_()
    data = data[0] if isinstance(data, tuple) else data
    assert "application/vnd.jupyter.widget-view+json" in data
    assert base64.b64decode(data["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"
    tibial = km.closed_chain(15.0).tibial_rotation_deg
    tibiofemoral = km.tibiofemoral_rotation(tibial, -5.0, 10.0)
    assert data["text/plain"] == knee_widget.alt
    assert f"tibial internal rotation {tibial:.1f}°" in data["text/plain"]
    assert f"tibiofemoral internal rotation {tibiofemoral:.1f}°" in data["text/plain"]
    assert "femoral external rotation 5.0°" in data["text/plain"]


def test_live_state_changes_are_recomputed_by_the_kernel(knee_widget):
    knee_widget.move(knee_flexion_deg=60.0)
    sent = knee_widget.live_pose
    assert sent["state"]["knee_flexion_deg"] == 60.0
    exact = leg3d.model_pose("knee", knee_widget.state)
    for bone, matrix in exact.items():
        np.testing.assert_allclose(np.array(sent["matrices"][bone]).reshape(4, 4).T, matrix)
    assert "knee flexion 60.0°" in sent["alt"]
    with pytest.raises(ValueError, match="knee_flexion_deg"):
        knee_widget.move(knee_flexion_deg=-1.0)


def test_the_saved_state_does_not_carry_three_js(knee_widget):
    state = knee_widget.get_state()
    assert len(state["_esm"]) < 5000 and "kcLeg3dScript" in state["_esm"]
    bundle = leg3d.BUNDLE.read_text(encoding="utf-8")
    assert "globalThis.kcLeg3d" in bundle and len(bundle) > 300_000


def test_missing_mesh_files_raise_a_clear_error(monkeypatch):
    monkeypatch.setattr(myoleg, "DATA_FOLDER", "no-such-folder")
    assert not myoleg.available()
    with pytest.raises(myoleg.MeshDataMissing, match="not installed with the widgets package"):
        myoleg.read_data("r_tibia.stl")


def test_the_bones_and_front_end_are_package_data():
    """A pip install (also from git) carries every file the 3-D leg reads."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["widgets"]
    needed = [p.relative_to(ROOT / "widgets").as_posix()
              for folder in ("myoleg", "static/leg3d") for p in (ROOT / "widgets" / folder).iterdir()]
    for path in needed:
        assert any(Path(path).match(pattern) for pattern in patterns), path


def test_a_built_wheel_holds_the_bones(tmp_path):
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                             "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True)
    if result.returncode != 0 and "network" in (result.stderr + result.stdout).lower():
        pytest.skip("no package index to fetch the build backend")
    assert result.returncode == 0, result.stderr[-2000:]
    wheel, = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for bone, (mesh, _) in myoleg.BONES.items():
        assert f"widgets/myoleg/{mesh}" in names, bone
    for name in ("myolegs_chain.xml", "LICENSE-myo-sim.txt"):
        assert f"widgets/myoleg/{name}" in names
    for name in ("leg3d.js", "loader.js", "setup.js", "LICENSE-three.txt"):
        assert f"widgets/static/leg3d/{name}" in names


def test_the_planted_posture_keeps_the_hip_over_the_ankle():
    assert km.planted_ankle_dorsiflexion(60.0, 0.4, 0.4) == pytest.approx(30.0)  # equal lengths
    d = km.planted_ankle_dorsiflexion(50.0, 0.40, 0.44)
    assert 0.40 * math.sin(math.radians(d)) == pytest.approx(0.44 * math.sin(math.radians(50 - d)))
