"""The bones of the 3-D leg: MyoLeg's right-leg meshes and the model file that places them.

The files in ``widgets/myoleg/`` are copied unchanged from PyPI ``myo-sim`` 0.2.3
(Apache-2.0, ``widgets/myoleg/LICENSE-myo-sim.txt``): the MyoLeg model, after the full-body
model of Rajagopal2016. ``python -m tools.refresh_myoleg`` (run by ``make vendor``) fetches
them again. They are package data of ``widgets`` (``pyproject.toml``), so a ``pip install``
of the package carries them; if they are missing, :class:`MeshDataMissing` says so.

The model file's frame is the book's (x anterior, y up, z lateral) and its bodies have no
rotation at the neutral posture, so a bone's neutral placement is the sum of the ``body
pos`` values from the femur down (:func:`neutral_positions`, origin at the hip centre).
"""

from __future__ import annotations

import functools
import importlib.resources
import xml.etree.ElementTree as ET

import numpy as np

DATA_FOLDER = "myoleg"
# Each bone of the picture: its mesh file and the model body whose frame it is drawn in
# (the fibula is part of the tibia body, the toes are MyoLeg's "bofoot").
BONES = {
    "femur": ("r_femur.stl", "femur_r"),
    "patella": ("r_patella.stl", "patella_r"),
    "tibia": ("r_tibia.stl", "tibia_r"),
    "fibula": ("r_fibula.stl", "tibia_r"),
    "talus": ("r_talus.stl", "talus_r"),
    "calcaneus": ("r_foot.stl", "calcn_r"),
    "toes": ("r_bofoot.stl", "toes_r"),
}
CHAIN_FILE, ASSETS_FILE = "myolegs_chain.xml", "myolegs_assets.xml"
ROOT_BODY = "femur_r"


class MeshDataMissing(FileNotFoundError):
    """The MyoLeg files are not installed beside the ``widgets`` package."""


def read_data(name: str) -> bytes:
    """Bytes of one file of ``widgets/myoleg/``, or :class:`MeshDataMissing` saying how to fix it."""
    try:
        return importlib.resources.files("widgets").joinpath(DATA_FOLDER, name).read_bytes()
    except (FileNotFoundError, NotADirectoryError, OSError) as error:
        raise MeshDataMissing(
            f"the MyoLeg bone file widgets/{DATA_FOLDER}/{name} is not installed with the "
            "widgets package; install the package from the repository (pip install of the "
            "project folder or its git URL, which ships widgets/myoleg/) or run "
            "`python -m tools.refresh_myoleg` in a checkout") from error


def available() -> bool:
    """True when every MyoLeg file the 3-D leg needs is installed."""
    try:
        for name in {CHAIN_FILE, ASSETS_FILE, *(mesh for mesh, _ in BONES.values())}:
            read_data(name)
    except MeshDataMissing:
        return False
    return True


@functools.cache
def _chain() -> ET.Element:
    return ET.fromstring(read_data(CHAIN_FILE))


def _body(name: str) -> ET.Element:
    for body in _chain().iter("body"):
        if body.get("name") == name:
            return body
    raise KeyError(f"no body {name!r} in {CHAIN_FILE}")


def _vector(text: str) -> np.ndarray:
    return np.array([float(x) for x in text.split()])


@functools.cache
def body_offsets() -> dict[str, tuple[str | None, np.ndarray]]:
    """``{body: (parent, pos)}`` for the right-leg bodies from the femur down, as in the file."""
    offsets: dict[str, tuple[str | None, np.ndarray]] = {}

    def walk(body: ET.Element, parent: str | None):
        offsets[body.get("name")] = (parent, _vector(body.get("pos", "0 0 0")))
        for child in body.findall("body"):
            walk(child, body.get("name"))

    walk(_body(ROOT_BODY), None)
    return offsets


@functools.cache
def neutral_positions() -> dict[str, np.ndarray]:
    """World position of each body's origin at the neutral posture (hip centre = origin, m)."""
    offsets = body_offsets()

    def position(name: str) -> np.ndarray:
        parent, pos = offsets[name]
        return np.zeros(3) if parent is None else position(parent) + pos

    return {name: position(name) for name in offsets}


def joint_axis(name: str) -> np.ndarray:
    """Unit axis of a joint of the file, in its body's frame (e.g. ``subtalar_angle_r``)."""
    for joint in _chain().iter("joint"):
        if joint.get("name") == name:
            axis = _vector(joint.get("axis"))
            return axis / np.linalg.norm(axis)
    raise KeyError(f"no joint {name!r} in {CHAIN_FILE}")


@functools.cache
def coupling_polynomial(joint: str) -> np.ndarray:
    """Coefficients ``c0..c4`` (value = Σ c_i θ^i, θ the knee angle in radians) with which
    the file couples ``joint`` to ``knee_angle_r`` (MuJoCo ``equality/joint polycoef``)."""
    for element in ET.fromstring(read_data(ASSETS_FILE)).iter("joint"):
        if element.get("joint1") == joint and element.get("joint2") == "knee_angle_r":
            return _vector(element.get("polycoef"))
    raise KeyError(f"no coupling of {joint!r} to the knee in {ASSETS_FILE}")


def _read_stl(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Binary STL -> (unique vertices float32 (n, 3), triangles uint16 (m, 3))."""
    count = int(np.frombuffer(data, "<u4", 1, 80)[0])
    record = np.dtype([("normal", "<f4", 3), ("vertices", "<f4", (3, 3)), ("attr", "<u2")])
    triangles = np.frombuffer(data, record, count, 84)["vertices"].reshape(-1, 3)
    vertices, index = np.unique(triangles, axis=0, return_inverse=True)
    return vertices.astype(np.float32), index.reshape(-1, 3).astype(np.uint16)


@functools.cache
def meshes() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``{bone: (vertices, triangles)}``, vertices in metres in the bone's body frame."""
    return {bone: _read_stl(read_data(mesh)) for bone, (mesh, _) in BONES.items()}
