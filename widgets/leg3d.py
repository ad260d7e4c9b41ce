"""The leg in 3-D: MyoLeg's bones posed by the model, live in Jupyter and in the static book.

Three views, one class (:class:`Leg3D`, an ``anywidget``):

- ``foot_3d()`` (chapter 3): the loaded right foot; pronation, axis inclination and
  deviation, presets for the textbook and the OpenSim/MyoLeg axis; the subtalar axis line;
  readout of calcaneal eversion, tibial rotation, talar tilt and the transfer ratio;
- ``knee_3d()`` (chapter 4): adds femoral rotation and knee flexion (a planted squat);
  tibiofemoral rotation, screw-home and the patella;
- ``stance_3d()`` (chapter 5): stance-phase playback with the Sinclair2017 presets.

**One source for the maths.** :func:`quantities` turns the controls into every angle the
picture needs, only by calling :mod:`widgets.kinematics` (and the MyoLeg file's own
patella coupling). A bone's pose is a *recipe* (:func:`recipe`): a list of translations
and rotations about x, y or z by one of those angles, composed in order; Python
(:func:`compose`) and the browser evaluate the same recipe. Live in Jupyter the kernel
computes the quantities exactly on every change and sends the matrices. The static page
carries :class:`Table` s of the quantities on a 0.5° grid of every control (0.5 % of
stance), and the browser only interpolates them (multilinearly) and composes the recipe.

Chapter 3's quantities depend on all three controls at once; a full 0.5° grid
(121 × 161 × 181 points, four quantities) would be 56 MB as float32. Its table is stored
in Tucker form (a small core and one factor matrix per control, from the higher-order SVD
of the model's values on that whole grid): interpolating each factor linearly and
contracting with the core is exactly the multilinear interpolation of the compressed grid,
which differs from the model's grid by less than a tenth of :data:`TABLE_TOLERANCE_DEG`
(checked when the table is built).
"""

from __future__ import annotations

import base64
import functools
import io
import json
import math
from dataclasses import dataclass
from pathlib import Path

import anywidget
import numpy as np
import traitlets

from . import evidence, kinematics as km, myoleg
from .static_frames import add_still
from .validation import check_angle, check_choice, check_real

STATIC = Path(__file__).with_name("static") / "leg3d"
BUNDLE = STATIC / "leg3d.js"
VIEWS = ("foot", "knee", "stance")
TABLE_STEP_DEG = 0.5
TABLE_STEP_PERCENT = 0.5
# Largest difference allowed between a compressed table and the model on the whole grid.
TABLE_TOLERANCE_DEG = 1e-3
KNEE_FLEXION_SLIDER_DEG = (0.0, 90.0)   # deeper squats need more ankle dorsiflexion than
#                                       # the posture of kinematics section 7 looks right with
INCLINATION_SLIDER_DEG = (5.0, 85.0)    # as the 2-D explorer: the hinge degenerates at 0 and 90
OPENSIM_AXIS_DEG = km.axis_angles(myoleg.joint_axis("subtalar_angle_r")) if myoleg.available() \
    else km.axis_angles(evidence.OPENSIM_STJ_AXIS_TALUS_FRAME)
PRESET_KEYS = tuple(km.STANCE_PRESETS)
COLOURS = {"femur": "#d9cfb8", "patella": "#e3b57a", "tibia": "#c9d7e8", "fibula": "#b7c4d6",
           "talus": "#e8a0a0", "calcaneus": "#efe3c8", "toes": "#efe3c8", "axis": "#d62728"}


@dataclass(frozen=True)
class Control:
    name: str
    label: str
    low: float
    high: float
    step: float
    default: float
    unit: str = "°"

    def grid(self) -> np.ndarray:
        return np.linspace(self.low, self.high, round((self.high - self.low) / self.step) + 1)

    def check(self, value) -> float:
        return check_real(self.name, value, self.low, self.high, unit=self.unit)

    def spec(self) -> dict:
        return {"name": self.name, "label": self.label, "min": self.low, "max": self.high,
                "step": self.step, "unit": self.unit}


def _controls(view: str) -> list[Control]:
    pron = Control("pronation_deg", "Pronation (+) / supination (−) (°)",
                   *km.PRONATION_RANGE_DEG, TABLE_STEP_DEG, 10.0)
    if view == "foot":
        return [pron,
                Control("inclination_deg", "Axis inclination α (°)", *INCLINATION_SLIDER_DEG,
                        TABLE_STEP_DEG, km.DEFAULT_INCLINATION_DEG),
                Control("deviation_deg", "Medial deviation β (°)", *km.DEVIATION_RANGE_DEG,
                        TABLE_STEP_DEG, km.DEFAULT_DEVIATION_DEG)]
    if view == "knee":
        return [pron,
                Control("femoral_rotation_deg", "Femoral internal (+) / external (−) rotation (°)",
                        *km.FEMORAL_ROTATION_RANGE_DEG, TABLE_STEP_DEG, 0.0),
                Control("knee_flexion_deg", "Knee flexion (°)", *KNEE_FLEXION_SLIDER_DEG,
                        TABLE_STEP_DEG, 20.0)]
    return [Control("percent_stance", "% of stance", *km.PERCENT_STANCE_RANGE,
                    TABLE_STEP_PERCENT, 50.0, unit="%")]


def controls(view: str) -> list[Control]:
    """The sliders of a view, with their ranges and the table step."""
    return _controls(check_choice("view", view, VIEWS))


# --- The model's quantities -------------------------------------------------------------------
def _lengths() -> tuple[float, float]:
    pos = myoleg.neutral_positions()
    shank = float(np.linalg.norm(pos["tibia_r"] - pos["talus_r"]))
    thigh = float(np.linalg.norm(pos["femur_r"] - pos["tibia_r"]))
    return shank, thigh


def _polynomial(joint: str, knee_flexion_deg):
    return np.polynomial.polynomial.polyval(np.deg2rad(knee_flexion_deg),
                                            myoleg.coupling_polynomial(joint))


def quantities(view: str, **state) -> dict[str, np.ndarray]:
    """Every angle (degrees) and offset (m) the view's recipe needs, from the model.

    Vectorised (arrays broadcast together); ``state`` holds the view's controls (and
    ``preset`` for the stance view). The one place where the picture meets the maths.
    """
    if view == "foot":
        pron, incl, dev = (state[k] for k in ("pronation_deg", "inclination_deg",
                                               "deviation_deg"))
        chain = km.closed_chain(pron, incl, dev)
        ratio = km.finite_transfer_ratio(chain.calcaneal_eversion_deg, incl, dev)
        return {"calcaneal_eversion_deg": chain.calcaneal_eversion_deg,
                "tibial_rotation_deg": chain.tibial_rotation_deg,
                "talar_dorsiflexion_deg": chain.talar_dorsiflexion_deg,
                "transfer_ratio": ratio}
    if view == "knee":
        pron, femoral, flexion = (state[k] for k in ("pronation_deg", "femoral_rotation_deg",
                                                      "knee_flexion_deg"))
        chain = km.closed_chain(pron)
        tibial = chain.tibial_rotation_deg
        tibiofemoral = km.tibiofemoral_rotation(tibial, femoral, flexion)
        locked = km.screw_home_rotation(0.0)
        return {"calcaneal_eversion_deg": chain.calcaneal_eversion_deg,
                "tibial_rotation_deg": tibial,
                "talar_dorsiflexion_deg": chain.talar_dorsiflexion_deg,
                "tibiofemoral_rotation_deg": tibiofemoral,
                # The picture measures the knee's rotation from the locked, fully extended
                # knee (the bones' neutral placement): the femur turns by what is left.
                "femur_axial_rotation_deg": tibial - (tibiofemoral - locked),
                "screw_home_deg": km.screw_home_rotation(flexion),
                "ankle_dorsiflexion_deg": km.planted_ankle_dorsiflexion(flexion, *_lengths()),
                "patella_x": _polynomial("knee_angle_beta_translation1_r", flexion),
                "patella_y": _polynomial("knee_angle_beta_translation2_r", flexion),
                "patella_rotation_deg": np.degrees(
                    _polynomial("knee_angle_beta_rotation1_r", flexion))}
    preset = km.STANCE_PRESETS[PRESET_KEYS[int(state["preset_index"])]] \
        if "preset_index" in state else km.STANCE_PRESETS[state["preset"]]
    percent = state["percent_stance"]
    shape = dict(peak_percent=preset.peak_percent, inversion_fraction=preset.inversion_fraction)
    return {"calcaneal_eversion_deg": km.stance_eversion(percent, preset.peak_eversion_deg,
                                                         **shape),
            "tibial_rotation_deg": km.stance_tibial_rotation(
                percent, preset.peak_eversion_deg, preset.ratio_early, preset.ratio_late,
                **shape)}


# --- Recipes: how each bone is posed from the quantities ------------------------------------------
def recipe(view: str) -> dict[str, list]:
    """``{bone: ops}``: each op is ``["T", [x, y, z]]`` (translate), ``["Tq", qx, qy]``
    (translate by two quantities along x and y), ``["R", axis, quantity, sign]`` (rotate
    about x, y or z by ``sign`` × the quantity, degrees) or ``["P", bone]`` (start from
    an earlier bone's matrix). A bone's matrix is the product of its ops in order; mesh
    vertices are in the bone's MyoLeg body frame."""
    pos = myoleg.neutral_positions()
    calcn, talus, tibia, toes, patella = (pos[b].tolist() for b in (
        "calcn_r", "talus_r", "tibia_r", "toes_r", "patella_r"))
    sub = lambda a, b: (np.asarray(a) - np.asarray(b)).tolist()  # noqa: E731
    ops = {
        # The calcaneus only everts or inverts about the floor's long axis (section 4 of
        # kinematics), about the subtalar joint centre.
        "calcaneus": [["T", calcn], ["R", "x", "calcaneal_eversion_deg", -1]],
        "toes": [["P", "calcaneus"], ["T", sub(toes, calcn)]],
        # The talus turns with the tibia and tilts at the ankle: R_y(t) R_z(q).
        "talus": [["T", calcn], ["R", "y", "tibial_rotation_deg", 1],
                  ["R", "z", "talar_dorsiflexion_deg", 1], ["T", sub(talus, calcn)]],
        # The tibia sits on the talus at the ankle; undo the talar tilt, tilt the shank
        # forward (planted knee flexion), then its own axial rotation.
        "tibia": [["P", "talus"], ["R", "z", "talar_dorsiflexion_deg", -1],
                  ["R", "y", "tibial_rotation_deg", -1], ["R", "z", "ankle_dorsiflexion_deg", -1],
                  ["R", "y", "tibial_rotation_deg", 1], ["T", sub(tibia, talus)]],
        "fibula": [["P", "tibia"]],
        # The femur hinges on the tibia at the knee (flexion about z) and turns about its
        # long axis by its own rotation.
        "femur": [["P", "tibia"], ["R", "y", "tibial_rotation_deg", -1],
                  ["R", "z", "knee_flexion_deg", 1], ["R", "y", "femur_axial_rotation_deg", 1],
                  ["T", sub([0, 0, 0], tibia)]],
        "patella": [["P", "femur"], ["T", patella], ["Tq", "patella_x", "patella_y"],
                    ["R", "z", "patella_rotation_deg", 1]],
    }
    if view == "foot":
        # The subtalar axis: a line along local x through the joint centre, fixed in the
        # talus (and calcaneus), turned to (α, β) by R_y(β) R_z(α) (kinematics section 2).
        ops["axis"] = [["P", "talus"], ["T", sub(calcn, talus)],
                       ["R", "y", "deviation_deg", 1], ["R", "z", "inclination_deg", 1]]
    return ops


def constants(view: str) -> dict[str, float]:
    """Quantities a view holds fixed (the recipe names them all); a string names the
    quantity whose value is used."""
    fixed = {"ankle_dorsiflexion_deg": 0.0, "knee_flexion_deg": 0.0,
             "talar_dorsiflexion_deg": 0.0,
             # With the knee held, the femur turns with the tibia.
             "femur_axial_rotation_deg": "tibial_rotation_deg",
             "patella_x": float(_polynomial("knee_angle_beta_translation1_r", 0.0)),
             "patella_y": float(_polynomial("knee_angle_beta_translation2_r", 0.0)),
             "patella_rotation_deg": float(np.degrees(
                 _polynomial("knee_angle_beta_rotation1_r", 0.0)))}
    if view == "knee":
        return {}
    if view == "foot":
        del fixed["talar_dorsiflexion_deg"]
    return fixed


def _matrix(op, values) -> np.ndarray:
    m = np.eye(4)
    if op[0] == "T":
        m[:3, 3] = op[1]
    elif op[0] == "Tq":
        m[0, 3], m[1, 3] = values[op[1]], values[op[2]]
    else:
        angle = math.radians(op[3] * values[op[2]])
        c, s = math.cos(angle), math.sin(angle)
        i, j = {"x": (1, 2), "y": (2, 0), "z": (0, 1)}[op[1]]
        m[i, i], m[i, j], m[j, i], m[j, j] = c, -s, s, c
    return m


def compose(view: str, values: dict) -> dict[str, np.ndarray]:
    """World matrix (4 × 4) of every bone for scalar ``values`` (controls + quantities)."""
    values = dict(values)
    for name, value in constants(view).items():
        values.setdefault(name, values[value] if isinstance(value, str) else value)
    matrices: dict[str, np.ndarray] = {}
    for bone, ops in recipe(view).items():
        m = np.eye(4)
        for op in ops:
            m = matrices[op[1]].copy() if op[0] == "P" else m @ _matrix(op, values)
        matrices[bone] = m
    return matrices


def model_values(view: str, state: dict) -> dict[str, float]:
    """Controls and the model's exact quantities for one state (scalars)."""
    values = {k: v for k, v in state.items() if k != "preset"}
    values.update({k: float(v) for k, v in quantities(view, **state).items()})
    return values


def model_pose(view: str, state: dict) -> dict[str, np.ndarray]:
    """The bones' world matrices that the model gives for ``state`` (what the page must show)."""
    return compose(view, model_values(view, state))


# --- Tables for the static page -------------------------------------------------------------------
def _b64(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array, dtype="<f8").tobytes()).decode("ascii")


@dataclass
class Table:
    """Quantities on a grid of controls, in Tucker form: ``core[a, b, ..., q]`` and one factor
    matrix per control (``None``: the identity, the grid itself). Value at a state:
    interpolate each factor's rows linearly at the control's grid position, contract."""

    controls: list[str]
    grids: list[tuple[float, float, int]]      # (start, step, count) per control
    factors: list[np.ndarray | None]
    core: np.ndarray
    quantities: list[str]

    def weights(self, mode: int, value: float) -> np.ndarray:
        start, step, count = self.grids[mode]
        position = min(max((value - start) / step, 0.0), count - 1)
        k = min(int(math.floor(position)), count - 2)
        frac = position - k
        factor = self.factors[mode]
        if factor is None:
            w = np.zeros(count)
            w[k], w[k + 1] = 1 - frac, frac
            return w
        return (1 - frac) * factor[k] + frac * factor[k + 1]

    def evaluate(self, values: dict) -> dict[str, float]:
        result = self.core
        for mode, name in enumerate(self.controls):
            result = np.tensordot(self.weights(mode, values[name]), result, axes=(0, 0))
        return dict(zip(self.quantities, map(float, result)))

    def spec(self) -> dict:
        return {"controls": self.controls, "grids": self.grids, "quantities": self.quantities,
                "shape": list(self.core.shape), "core": _b64(self.core),
                "factors": [None if f is None else {"shape": list(f.shape), "data": _b64(f)}
                            for f in self.factors]}


def _tucker(controls_: list[str], grids: list[np.ndarray], values: np.ndarray,
            names: list[str], first_rank: int) -> Table:
    """Smallest HOSVD whose reconstruction stays within TABLE_TOLERANCE_DEG of ``values``."""
    full = values
    for rank in range(first_rank, 17, 2):
        factors = []
        for mode in range(len(grids)):
            unfolded = np.moveaxis(full, mode, 0).reshape(full.shape[mode], -1)
            _, vectors = np.linalg.eigh(unfolded @ unfolded.T)
            factors.append(vectors[:, ::-1][:, :min(rank, full.shape[mode])])
        core = full
        for mode, factor in enumerate(factors):
            core = np.moveaxis(np.tensordot(core, factor, axes=([mode], [0])), -1, mode)
        rebuilt = core
        for mode, factor in enumerate(factors):
            rebuilt = np.moveaxis(np.tensordot(rebuilt, factor, axes=([mode], [1])), -1, mode)
        if np.abs(rebuilt - full).max() < TABLE_TOLERANCE_DEG / 10:
            break
    else:  # pragma: no cover - the model's functions are smooth
        raise RuntimeError("the table does not compress within its tolerance")
    grid_spec = [(float(g[0]), float(g[1] - g[0]), len(g)) for g in grids]
    return Table(controls_, grid_spec, factors, core, names)


def _grid_table(view: str, on: list[Control], names: list[str], extra: dict | None = None,
                compress: int = 0, discrete: tuple[str, int] | None = None) -> Table:
    grids = [c.grid() for c in on]
    if discrete:
        grids.append(np.arange(discrete[1], dtype=float))
    mesh = np.meshgrid(*grids, indexing="ij")
    state = {c.name: m for c, m in zip(on, mesh)}
    if discrete:
        state[discrete[0]] = mesh[-1].astype(int)
    state.update(extra or {})
    if discrete:  # one preset at a time: quantities() takes one preset
        values = np.zeros((*mesh[0].shape, len(names)))
        for i in range(discrete[1]):
            sub = {k: (v[..., i] if isinstance(v, np.ndarray) else v) for k, v in state.items()}
            sub[discrete[0]] = i
            q = quantities(view, **sub)
            values[..., i, :] = np.stack([np.broadcast_to(q[n], mesh[0][..., i].shape)
                                          for n in names], -1)
    else:
        q = quantities(view, **state)
        values = np.stack([np.broadcast_to(q[n], mesh[0].shape) for n in names], -1)
    control_names = [c.name for c in on] + ([discrete[0]] if discrete else [])
    if compress:
        return _tucker(control_names, grids, values, names, compress)
    grid_spec = [(float(g[0]), float(g[1] - g[0]), len(g)) for g in grids]
    return Table(control_names, grid_spec, [None] * len(grids), values, names)


@functools.cache
def tables(view: str) -> tuple[Table, ...]:
    """The view's tables: every quantity of :func:`quantities` on the 0.5° (0.5 %) grid."""
    on = _controls(view)
    if view == "foot":
        return (_grid_table(view, on, ["calcaneal_eversion_deg", "tibial_rotation_deg",
                                       "talar_dorsiflexion_deg", "transfer_ratio"],
                            compress=10),)
    if view == "knee":
        pron, femoral, flexion = on
        default_axis = {"femoral_rotation_deg": 0.0, "knee_flexion_deg": 0.0}
        return (
            _grid_table(view, [pron], ["calcaneal_eversion_deg", "tibial_rotation_deg",
                                       "talar_dorsiflexion_deg"], extra=default_axis),
            _grid_table(view, [flexion], ["screw_home_deg", "ankle_dorsiflexion_deg",
                                          "patella_x", "patella_y", "patella_rotation_deg"],
                        extra={"pronation_deg": 0.0, "femoral_rotation_deg": 0.0}),
            # Tibiofemoral rotation depends on all three (t(φ) - θ_f + h(f)): exactly rank 2.
            _grid_table(view, on, ["tibiofemoral_rotation_deg", "femur_axial_rotation_deg"],
                        compress=2))
    return (_grid_table(view, on, ["calcaneal_eversion_deg", "tibial_rotation_deg"],
                        discrete=("preset_index", len(PRESET_KEYS))),)


def table_values(view: str, state: dict) -> dict[str, float]:
    """What the static page computes: controls plus every table interpolated at ``state``."""
    values = {k: v for k, v in state.items() if k != "preset"}
    if view == "stance":
        values["preset_index"] = PRESET_KEYS.index(state["preset"])
    for table in tables(view):
        values.update(table.evaluate(values))
    return values


# --- Words: the readout and the text alternative -----------------------------------------------------
def readout_spec(view: str) -> list[dict]:
    """Items of the readout / alt text: a quantity or control, its words for + and −."""
    def item(q, pos, neg=None, unit="°", digits=1):
        return {"q": q, "pos": pos, "neg": neg or pos, "unit": unit, "digits": digits}
    if view == "foot":
        return [item("pronation_deg", "pronation", "supination"),
                item("inclination_deg", "axis inclination"),
                item("deviation_deg", "medial axis deviation", "lateral axis deviation"),
                item("calcaneal_eversion_deg", "calcaneal eversion", "calcaneal inversion"),
                item("tibial_rotation_deg", "tibial internal rotation", "tibial external rotation"),
                item("talar_dorsiflexion_deg", "talar dorsiflexion", "talar plantarflexion"),
                item("transfer_ratio", "transfer ratio", unit="", digits=2)]
    if view == "knee":
        return [item("pronation_deg", "foot pronation", "foot supination"),
                item("tibial_rotation_deg", "tibial internal rotation", "tibial external rotation"),
                item("femoral_rotation_deg", "femoral internal rotation", "femoral external rotation"),
                item("knee_flexion_deg", "knee flexion"),
                item("screw_home_deg", "screw-home internal rotation", "screw-home external rotation"),
                item("tibiofemoral_rotation_deg", "tibiofemoral internal rotation",
                     "tibiofemoral external rotation")]
    return [item("percent_stance", "at", unit="% of stance", digits=1),
            item("calcaneal_eversion_deg", "rearfoot eversion", "rearfoot inversion"),
            item("tibial_rotation_deg", "tibial internal rotation", "tibial external rotation")]


TITLES = {"foot": "3-D right foot and leg bones (MyoLeg), foot on the ground",
          "knee": "3-D right leg bones (MyoLeg), foot planted",
          "stance": "3-D right leg bones (MyoLeg) through the stance phase"}


def describe(view: str, values: dict, preset_label: str | None = None) -> str:
    """One sentence with the state's numbers: the canvas's accessible name and the alt text."""
    parts = []
    for it in readout_spec(view):
        value = float(values[it["q"]])
        shown = round(value, it["digits"]) + 0.0  # no "-0.0"
        word = it["neg"] if shown < 0 else it["pos"]
        number = f"{abs(shown) if it['neg'] != it['pos'] else shown:.{it['digits']}f}"
        parts.append(f"{word} {number}{it['unit']}")
    head = TITLES[view] + (f", {preset_label}" if preset_label else "")
    return f"{head}: " + ", ".join(parts) + "."


# --- Still picture (print, and the no-WebGL fallback) ------------------------------------------------
STILL_VIEW = {"elev": 12.0, "azim": -62.0}


def still_png(view: str, state: dict, size_px: tuple[int, int] = (520, 560)) -> bytes:
    """PNG of the bones in the model's pose for ``state``, flat-shaded, drawn by matplotlib."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from mpl_toolkits.mplot3d.art3d import Poly3DCollection
    from PIL import Image

    pose = model_pose(view, state)
    fig = Figure(figsize=(size_px[0] / 100, size_px[1] / 100), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(projection="3d", computed_zorder=False)
    light = np.array([0.4, 0.8, 0.6]) / np.linalg.norm([0.4, 0.8, 0.6])
    every = []
    for bone, (vertices, triangles) in myoleg.meshes().items():
        m = pose[bone]
        world = vertices @ m[:3, :3].T + m[:3, 3]
        faces = world[triangles]
        normals = np.cross(faces[:, 1] - faces[:, 0], faces[:, 2] - faces[:, 0])
        normals /= np.linalg.norm(normals, axis=1, keepdims=True) + 1e-12
        shade = 0.35 + 0.65 * np.abs(normals @ light)
        base = np.array([int(COLOURS[bone][i:i + 2], 16) / 255 for i in (1, 3, 5)])
        # mplot3d's axes are (x, y, z) with z up: show the model's (x, -z, y).
        shown = faces[..., [0, 2, 1]] * np.array([1, -1, 1])
        ax.add_collection3d(Poly3DCollection(shown, facecolors=shade[:, None] * base,
                                             edgecolors="none"))
        every.append(shown.reshape(-1, 3))
    points = np.concatenate(every)
    centre, half = (points.max(0) + points.min(0)) / 2, (points.max(0) - points.min(0)).max() / 2
    for setter, c in zip((ax.set_xlim, ax.set_ylim, ax.set_zlim), centre):
        setter(c - half, c + half)
    ax.set_box_aspect((1, 1, 1))
    ax.view_init(**STILL_VIEW)
    ax.set_axis_off()
    fig.subplots_adjust(0, 0, 1, 1)
    fig.canvas.draw()
    image = Image.fromarray(np.asarray(fig.canvas.buffer_rgba())).convert("RGB")
    buffer = io.BytesIO()
    image.quantize(96).save(buffer, format="png", optimize=True)
    return buffer.getvalue()


# --- The widget ------------------------------------------------------------------------------------------
# The module anywidget loads. It is tiny: the three.js bundle (widgets/static/leg3d/leg3d.js,
# ~570 KB) is served once for the whole book (the script named by window.kcLeg3dScript, set
# by leg3d/setup.js, listed in _config.yml) and, live in Jupyter, sent once by the kernel on
# request; the saved widget state of a page never carries it.
LOADER_ESM = (STATIC / "loader.js").read_text(encoding="utf-8") if (STATIC / "loader.js").is_file() \
    else ""


def _mesh_payload() -> tuple[bytes, list[dict]]:
    chunks, index, offset = [], [], 0
    for bone, (vertices, triangles) in myoleg.meshes().items():
        body = myoleg.BONES[bone][1]
        for array, kind in ((vertices, "positions"), (triangles, "indices")):
            data = array.tobytes()
            chunks.append(data)
            index.append({"bone": bone, "body": body, "kind": kind, "offset": offset,
                          "length": array.size})
            offset += len(data)
            pad = (-offset) % 4
            chunks.append(b"\0" * pad)
            offset += pad
    return b"".join(chunks), index


class Leg3D(anywidget.AnyWidget):
    """The 3-D leg of one view. Display it; ``move(**values)`` moves it from Python.

    (Not ``set_state``: ipywidgets applies the page's changes through that method.)"""

    _esm = traitlets.Unicode(LOADER_ESM).tag(sync=True)
    view = traitlets.Unicode("foot").tag(sync=True)
    spec = traitlets.Dict().tag(sync=True)
    mesh_data = traitlets.Bytes().tag(sync=True)
    still = traitlets.Unicode().tag(sync=True)   # base64 PNG of the initial state
    state = traitlets.Dict().tag(sync=True)
    live_pose = traitlets.Dict().tag(sync=True)

    def __init__(self, view: str, state: dict):
        view = check_choice("view", view, VIEWS)
        if not myoleg.available():
            myoleg.read_data(myoleg.CHAIN_FILE)  # raises MeshDataMissing with the fix
            for mesh, _ in myoleg.BONES.values():
                myoleg.read_data(mesh)
        state = check_state(view, state)
        mesh_data, mesh_index = _mesh_payload()
        self._png = still_png(view, state)
        label = km.STANCE_PRESETS[state["preset"]].label if view == "stance" else None
        alt = describe(view, model_values(view, state), label)
        super().__init__(view=view, state=state, mesh_data=mesh_data,
                         still=base64.b64encode(self._png).decode("ascii"),
                         spec=_spec(view, mesh_index, alt))
        self.alt = alt
        self.on_msg(self._on_message)
        self.observe(self._on_state, names="state")

    # Python side of the protocol of loader.js / leg3d.js.
    def _on_message(self, _widget, content, _buffers):
        if isinstance(content, dict) and content.get("type") == "kc-leg3d-hello":
            reply = {"type": "kc-leg3d-live"}
            if content.get("need_code"):
                reply["code"] = BUNDLE.read_text(encoding="utf-8")
            self.send(reply)
            self._send_pose()

    def _on_state(self, change):
        self.state = check_state(self.view, change["new"])
        self._send_pose()

    def _send_pose(self):
        values = model_values(self.view, self.state)
        self.alt = describe(self.view, values, self._preset_label())
        self.live_pose = {"state": dict(self.state),
                          "matrices": {b: m.T.ravel().tolist()  # column-major, as three.js
                                       for b, m in compose(self.view, values).items()},
                          "alt": self.alt}

    def _preset_label(self):
        return km.STANCE_PRESETS[self.state["preset"]].label if self.view == "stance" else None

    def move(self, **values):
        """Set some controls from Python (checked); the view follows, live."""
        self.state = check_state(self.view, {**self.state, **values})

    def pose(self) -> dict[str, np.ndarray]:
        return model_pose(self.view, self.state)

    def describe(self) -> str:
        return describe(self.view, model_values(self.view, self.state), self._preset_label())

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        add_still(bundle[0] if isinstance(bundle, tuple) else bundle, self._png, self.alt)
        return bundle


def check_state(view: str, state: dict) -> dict:
    """The state with every control checked (``ValueError`` naming it and its range)."""
    checked = {c.name: c.check(state.get(c.name, c.default)) for c in _controls(view)}
    if view == "stance":
        checked["preset"] = check_choice("preset", state.get("preset", "shod"), PRESET_KEYS)
    unknown = set(state) - set(checked)
    if unknown:
        raise ValueError(f"unknown control(s) {sorted(unknown)} for the {view} view; "
                         f"valid: {sorted(checked)}")
    return checked


def _camera(view: str) -> dict:
    """Where the camera looks from (anterior-lateral, a little above) and at what."""
    pos = myoleg.neutral_positions()
    if view == "foot":
        return {"target": (pos["talus_r"] + [0.03, -0.02, 0.0]).tolist(),
                "direction": [1.0, 0.45, 0.9], "distance": 0.95}
    return {"target": (pos["tibia_r"] * 0.9).tolist(), "direction": [1.0, 0.3, 0.9],
            "distance": 2.5}


def presets(view: str) -> list[dict]:
    """The view's preset buttons: a label and the control values a click sets."""
    if view == "foot":
        return [{"label": f"Textbook axis ({km.DEFAULT_INCLINATION_DEG:.0f}°, "
                          f"{km.DEFAULT_DEVIATION_DEG:.0f}°)",
                 "values": {"inclination_deg": km.DEFAULT_INCLINATION_DEG,
                            "deviation_deg": km.DEFAULT_DEVIATION_DEG}},
                {"label": f"OpenSim/MyoLeg axis ({OPENSIM_AXIS_DEG[0]:.1f}°, "
                          f"{OPENSIM_AXIS_DEG[1]:.1f}°)",
                 "values": {"inclination_deg": round(OPENSIM_AXIS_DEG[0], 4),
                            "deviation_deg": round(OPENSIM_AXIS_DEG[1], 4)}}]
    if view == "stance":
        return [{"label": km.STANCE_PRESETS[k].label, "values": {"preset": k}}
                for k in PRESET_KEYS]
    return []


def _spec(view: str, mesh_index: list[dict], alt: str) -> dict:
    # The floor: the lowest point of the bones at the neutral posture.
    floor = min(float(v[:, 1].min() + myoleg.neutral_positions()[myoleg.BONES[b][1]][1])
                for b, (v, _) in myoleg.meshes().items())
    return {"controls": [c.spec() for c in _controls(view)], "presets": presets(view),
            "preset_keys": list(PRESET_KEYS) if view == "stance" else [],
            # A list, not a dict: saved widget state may sort keys, and "P" needs its parent first.
            "recipe": [[bone, ops] for bone, ops in recipe(view).items()],
            "constants": constants(view),
            "tables": [t.spec() for t in tables(view)], "readout": readout_spec(view),
            "title": TITLES[view], "colours": COLOURS, "meshes": mesh_index, "floor_y": floor,
            "axis_length": 0.12 if view == "foot" else 0.0, "play": view == "stance",
            "camera": _camera(view),
            "play_percent_per_s": 40.0, "alt": alt}


def foot_3d(pronation_deg=10.0, inclination_deg=km.DEFAULT_INCLINATION_DEG,
            deviation_deg=km.DEFAULT_DEVIATION_DEG) -> Leg3D:
    """Chapter 3: the loaded right foot, the subtalar axis and the coupling readout."""
    return Leg3D("foot", {"pronation_deg": pronation_deg, "inclination_deg": inclination_deg,
                          "deviation_deg": deviation_deg})


def knee_3d(pronation_deg=10.0, femoral_rotation_deg=0.0, knee_flexion_deg=20.0) -> Leg3D:
    """Chapter 4: foot, femoral rotation and knee flexion; tibiofemoral rotation, patella."""
    return Leg3D("knee", {"pronation_deg": pronation_deg,
                          "femoral_rotation_deg": femoral_rotation_deg,
                          "knee_flexion_deg": knee_flexion_deg})


def stance_3d(percent_stance=50.0, preset="shod") -> Leg3D:
    """Chapter 5: the leg through stance for a Sinclair2017 preset, with play and pause."""
    return Leg3D("stance", {"percent_stance": percent_stance, "preset": preset})

