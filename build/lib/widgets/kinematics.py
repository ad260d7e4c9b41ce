r"""The coupling model: subtalar axis, stance phase and knee (the book's maths appendix).

Every demonstration and chapter figure calls these functions; none of them draws anything
(no matplotlib or ipywidgets import). Each function accepts floats or NumPy arrays
(broadcast together, no Python loops) and checks its arguments (see
:mod:`widgets.validation`). Angles go in and come out in **degrees**; internally radians.

What is geometry and what is measured
=====================================
The model is *ideal geometry*: a single fixed subtalar hinge, rigid segments, no soft
tissue. Real coupling between foot and leg varies between people and through the stance
phase and is "far more complex" than a mitered hinge (Stacoff2000). The measured numbers
the book sets beside the model live in :mod:`widgets.evidence`. Numbers in this module are
either from ``evidence`` (axis defaults, Sinclair2017 presets, Q-angle, screw-home) or are
**illustrative** model choices, all named ``ILLUSTRATIVE_...`` or listed below. The
``..._RANGE`` constants are the model's valid input ranges (slider bounds), not anatomical
claims; a comment beside each says why it was chosen.

1. Frame and sign conventions (right foot, right leg)
=====================================================
A right-handed frame fixed to the ground, which coincides with the foot (calcaneus),
talus, tibia and femur frames in the neutral standing posture:

* ``x`` anterior (along the foot's long axis),
* ``y`` superior (vertical, along the tibia),
* ``z`` lateral (to the right for the right foot; ``x × y = z``).

This is the axis order of the ISB-style and OpenSim lower-limb models, so the OpenSim
subtalar axis (``evidence.OPENSIM_STJ_AXIS_TALUS_FRAME``) can be compared directly.
A right-handed rotation about ``+x`` is *inversion* of the right foot, about ``+y``
*adduction* (the toes turn medially, towards ``-z``) and about ``+z`` *dorsiflexion*.
The book reports the opposite signs for two of them, so that the pronation components
are all positive:

=====================  =================================  ==============================
quantity               positive means                     right-handed rotation about
=====================  =================================  ==============================
eversion               sole turns to face laterally       ``-x``
dorsiflexion           toes up                            ``+z``
abduction              toes turn laterally                ``-y``
pronation              eversion + dorsiflexion +          ``-u`` (see 2)
                       abduction (open chain)
internal rotation      anterior surface turns medially    ``+y`` (tibia, femur)
tibiofemoral rotation  tibia internally rotated           tibia relative to femur
                       relative to the femur
=====================  =================================  ==============================

Negative values are the opposites: inversion, plantarflexion, adduction, supination,
external rotation.

2. The subtalar axis
====================
The axis runs from posterior-lateral-plantar to anterior-medial-dorsal. It is described
by its *inclination* ``α`` above the transverse (``x-z``) plane and its medial
*deviation* ``β`` from the foot's long axis in that plane. Its unit vector, pointing
anterior, superior and medial, is

.. math:: u = (\cos α \cos β,\; \sin α,\; -\cos α \sin β)

(:func:`subtalar_axis`). Defaults: ``α`` = 42° (Payne2003, after Inman) and ``β`` about
16° (textbook summaries; Payne2003, partly verified): ``DEFAULT_INCLINATION_DEG``,
``DEFAULT_DEVIATION_DEG``. The axis varies greatly between people (Kirby2001, Payne2003),
so both are parameters everywhere.

Pronation by ``φ`` (degrees, supination negative) is the rotation of the calcaneus
relative to the talus by ``-φ`` about ``u`` (equivalently ``+φ`` about ``-u``).
Rodrigues' formula gives its matrix (:func:`subtalar_rotation`):

.. math:: R_u(θ) = I \cos θ + \sin θ\,[u]_\times + (1-\cos θ)\, u u^T,
          \qquad R_{\text{pron}}(φ) = R_u(-φ).

*Small angles.* For small ``φ`` a rotation is its rotation vector ``-φ u``; reading its
components with the signs of section 1 gives eversion ``φ cos α cos β``, abduction
``φ sin α`` and dorsiflexion ``φ cos α sin β``: a pronation is all three at once, and a
supination all three opposites.

3. Open chain: decomposition into eversion, dorsiflexion, abduction
===================================================================
With the talus held (foot off the ground) a finite rotation is split into three angles
with the intrinsic Cardan sequence ``Z-X-Y`` (:data:`OPEN_CHAIN_SEQUENCE`): first about
the mediolateral axis ``z`` (dorsiflexion), then about the rotated long axis ``x``
(eversion, the floating axis), then about the calcaneus's own vertical axis ``y``
(abduction). This is the order of the ISB joint coordinate system for the ankle complex.

.. math:: R_u(-φ) = R_z(d)\, R_x(-e)\, R_y(-a)

so, with ``R = R_u(-φ)``: ``e = -\arcsin R_{21}``, ``d = \operatorname{atan2}(-R_{01},
R_{11})`` and ``a = -\operatorname{atan2}(-R_{20}, R_{22})``
(:func:`pronation_components`). For finite angles the three are not exactly the
small-angle values and a supination is not the exact mirror of a pronation of the same
size (Cardan angles of the inverse rotation come in the reverse order); the differences
are of second order in ``φ``.

4. Closed chain: the foot on the ground
=======================================
With the foot loaded the calcaneus cannot turn on the floor. The model, in words:

* the calcaneus only everts or inverts, about the floor's long axis: ``R_C = R_x(-e)``;
* the tibia stays upright and only rotates about its long (vertical) axis by ``t``
  (internal positive), and the talus moves with it except for a tilt ``q`` about the
  mediolateral axis, taken up at the ankle (talocrural) joint:
  ``R_T = R_y(t)\, R_z(q)``;
* calcaneus and talus are joined by the subtalar hinge: ``R_C = R_T\, R_u(-φ)``.

Eliminating ``R_C`` and ``R_T``: ``R_u(φ) = R_x(e)\, R_y(t)\, R_z(q)``, i.e. ``e``, ``t``,
``q`` are the intrinsic ``X-Y-Z`` Cardan angles (:data:`CLOSED_CHAIN_SEQUENCE`) of the
talus-relative-to-calcaneus rotation. With ``M = R_u(φ)``: ``t = \arcsin M_{02}``,
``e = \operatorname{atan2}(-M_{12}, M_{22})``, ``q = \operatorname{atan2}(-M_{01}, M_{00})``
(:func:`closed_chain`). The abduction that the free foot would show is taken up as
internal rotation of talus and tibia; the dorsiflexion as plantarflexion of the talus
under an upright tibia (``q < 0``).

*Tibial rotation for a given eversion, exact.* A rotation about ``u`` leaves ``u`` fixed,
so ``R_y(t) R_z(q) u = R_x(-e) u``. ``R_z`` keeps the ``z`` component of ``u`` (``c``), so
the ``z`` component of ``R_y(-t) R_x(-e) u`` must equal ``c``. With ``a = cos α cos β``,
``b = sin α``, ``c = -cos α sin β`` and ``v = c \cos e - b \sin e``:

.. math:: a \sin t + v \cos t = c
          \;\Rightarrow\;
          t = \arcsin\frac{c}{\sqrt{a^2 + v^2}} - \operatorname{atan2}(v, a)

(the root with ``t = 0`` at ``e = 0``; :func:`tibial_rotation_from_eversion`). It exists
whenever ``|β| ≤ 45°``, the model's deviation range. For ``β = 0`` it reduces to
``t = \arctan(\tan α \sin e)``, so even the 45° mitered hinge passes on slightly less
than 1:1 at finite angles (9.85° of tibial rotation for 10° of eversion).

*Small-angle transfer ratio.* Differentiating ``a \sin t + v \cos t = c`` at ``e = t = 0``
gives ``a\,dt - b\,de = 0``:

.. math:: \frac{dt}{de}\Big|_0 = \frac{b}{a} = \frac{\tan α}{\cos β}

(:func:`small_angle_transfer_ratio`): 1.000 at ``α`` = 45°, ``β`` = 0 (Inman's mitered
hinge: rotation about a vertical axis passed on 1:1 as rotation about a horizontal one),
0.900 at 42°/0°, 0.937 at 42°/16°, about 0.77 for the OpenSim model axis. A steeper axis
(larger ``α``) gives more tibial rotation per degree of eversion. The *finite* transfer
ratio ``t/e`` (:func:`finite_transfer_ratio`) tends to it as ``e → 0``.

These are geometry, not measurements: in vitro, calcaneal eversion moved the talus and
tibia with a slope of 0.68 ± 0.15 (Fischer2018), and the transfer varied greatly between
specimens (Hintermann1994).

5. Through the stance phase (illustrative curve, published end points)
======================================================================
Rearfoot eversion over ``s`` = 0-100 % of stance (:func:`stance_eversion`):

.. math:: e(s) = P\,\big[(1+k) \sin^2(π w) - k\big], \qquad
          w = (s/100)^γ,\; γ = \ln 0.5 / \ln(s_p/100)

inverted (``-kP``) at contact, at its peak ``P`` at ``s_p`` % of stance, back to ``-kP`` at
toe-off, smooth in between. ``P`` is an input; the shape (``k`` =
``ILLUSTRATIVE_INVERSION_FRACTION``, ``s_p`` = ``ILLUSTRATIVE_PEAK_PERCENT``) is
illustrative, not a measurement: the timing of peak eversion varies and is not stated as
a number in the book.

Tibial internal rotation follows the *increments* of eversion with a coupling ratio
``r_1`` up to the peak and ``r_2`` after it (coupling was higher from heel strike to
midstance, Stacoff2000), which keeps the curve continuous
(:func:`stance_tibial_rotation`):

.. math:: T(s) = r_1\, e(s) \;(s ≤ s_p), \qquad T(s) = r_1 P + r_2\,(e(s) - P) \;(s > s_p).

Its range over stance is ``\max - \min`` of ``T(0) = -r_1 k P``, ``T(s_p) = r_1 P`` and
``T(100) = r_1 P - r_2 (1+k) P`` (:func:`tibial_rotation_range`); for ``r_2 ≤ r_1`` it is
``r_1 (1+k) P``. The presets (:data:`STANCE_PRESETS`) take ``P`` and the range from
Sinclair2017 (running, shod, 5° medial orthosis, 5° lateral wedge) and solve for ``r_1``
with ``r_2 = ILLUSTRATIVE_LATE_TO_EARLY_RATIO · r_1``, so they reproduce the published
peak eversion and tibial-rotation range exactly. The ratios they imply depend on the
illustrative shape and are not measurements.

6. Up to the knee
=================
*Screw-home* (:func:`screw_home_rotation`): as the knee extends over roughly its last
20-30°, the tibia rotates externally on the femur by about 10° (textbook knowledge,
``evidence.SCREW_HOME_ROTATION_DEG``, stated without citation). Measured from the
unlocked knee, internal positive:

.. math:: h(f) = -H\,\big[1 - S(f / f_0)\big], \quad S(x) = 3x^2 - 2x^3 \text{ on } [0, 1]

with ``H`` = 10° and onset ``f_0`` = 30° by default: ``-H`` at full extension, 0 at
``f ≥ f_0``, with zero slope at both ends. The smoothstep shape is illustrative.

*Tibiofemoral rotation* (:func:`tibiofemoral_rotation`): with ``θ_t``, ``θ_f`` the axial
rotations imposed on tibia (from the foot) and femur (from the hip), internal positive,
``θ_{tf} = θ_t - θ_f + h(f)``. Tibia and femur rotating together leave it unchanged.

*Frontal-plane Q-angle* (:func:`q_angle`), a stated landmark geometry in the frontal
plane (``x`` lateral, ``y`` up, origin at the patella in the reference posture):

* ASIS fixed at ``(L_q \tan Q_0, L_q)``, so the quadriceps line alone makes the baseline
  ``Q_0`` (about 11° in men, 14-15° in women, measured supine; Raveendranath2009);
* patella centre ``r_p`` in front of the femur's rotation axis; it turns with the femur by
  a fraction ``λ`` (``patella_follows_femur``): ``x_P = -r_p \sin(λ θ_f)``. ``λ = 1``: the
  patella rides in the trochlea (the classic "dynamic Q-angle" reasoning); ``λ = 0``: the
  patella stays put while the femur rotates beneath it (what Souza2010 saw on
  weight-bearing MRI);
* tibial tubercle ``r_t`` in front of the tibia's axis and ``L_t`` below the patella:
  ``x_T = -r_t \sin(θ_t + h(f) - h(0))`` (the screw-home is applied to the tibia and
  measured from the extended knee, where ``Q_0`` is defined);

.. math:: Q = \operatorname{atan2}(x_A - x_P, L_q) + \operatorname{atan2}(x_T - x_P, L_t).

Consequences (tested): zero rotations in extension give ``Q_0``; tibial internal rotation
(tubercle medial) lowers ``Q``; relative tibial external rotation raises it; femoral
internal rotation with the patella riding along raises it (the patella moves medially);
tibia and femur rotating together move patella and tubercle together and change ``Q``
only through the long quadriceps line (well under 1° for 10°). With a patella that stays
put (``λ = 0``) femoral rotation does not change the landmark Q-angle at all; it shows
instead as the patella sitting laterally on the trochlea by
``r_p (\sin θ_f - \sin λθ_f)`` (``patella_lateral_shift_mm`` of :func:`knee_state`).
The lengths ``r_p, r_t, L_q, L_t`` are **illustrative** defaults
(``ILLUSTRATIVE_KNEE_GEOMETRY``), not measurements. The geometry says which way ``Q``
moves; it does not say that a change in ``Q`` causes pain.
7. Posing a planted leg (for the 3-D view)
==========================================
With the foot flat on the floor, flexing the knee by ``f`` must tilt the shank forward at
the ankle (dorsiflexion ``d``) and the thigh back by ``f - d``, or the hip would swing in
front of the foot. Keeping the hip straight above the ankle, with straight segments of
lengths ``L_s`` (ankle to knee) and ``L_t`` (knee to hip):
``L_s \sin d = L_t \sin(f - d)``, so

.. math:: d = \operatorname{atan2}(L_t \sin f,\; L_s + L_t \cos f)

(:func:`planted_ankle_dorsiflexion`; ``d = f/2`` for equal lengths). This is a posture
chosen for the picture (a squat with the trunk over the foot), not a measured gait.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from widgets import evidence
from widgets.validation import check_angle, check_fraction, check_real

# --- Defaults and valid ranges (degrees unless named otherwise) ---------------------------
DEFAULT_INCLINATION_DEG = evidence.STJ_INCLINATION_DEG.value
DEFAULT_DEVIATION_DEG = evidence.STJ_DEVIATION_DEG.value

# An axis at 0° would be a pure long-axis hinge (no coupling), at 90° a vertical one (no
# eversion): the model needs the open interval between them.
INCLINATION_RANGE_DEG = (0.0, 90.0)
# Sources describe the deviation as varying greatly between people; 45° either side keeps
# the axis pointing forward and is where the exact closed-chain solution stops existing.
DEVIATION_RANGE_DEG = (-45.0, 45.0)
# Wider than any subtalar motion the book discusses, so finite-angle effects can be shown.
# It matches the eversion and tibial-rotation ranges below: for any axis in range, the
# closed chain turns |φ| of pronation into at most |φ| of eversion and of tibial rotation,
# so whatever closed_chain returns is a valid input to every other function.
PRONATION_RANGE_DEG = (-30.0, 30.0)
# Calcaneal eversion/inversion: covers Sinclair2017's largest peak (14.1°) with room for
# inversion at contact and for "what if" sliders.
EVERSION_RANGE_DEG = (-30.0, 30.0)
# Axial rotations of tibia and femur imposed from below and above: enough to exaggerate
# every effect the chapters describe without leaving the model's small-offset geometry.
TIBIAL_ROTATION_RANGE_DEG = (-30.0, 30.0)
FEMORAL_ROTATION_RANGE_DEG = (-30.0, 30.0)
# 0 = full extension; hyperextension is outside the model; 140° is beyond the deepest
# flexion the book discusses.
KNEE_FLEXION_RANGE_DEG = (0.0, 140.0)
# Tibial rotation per degree of eversion: 0 (decoupled) up to 1.5, which covers the ideal
# hinge for inclinations up to about 55° and the in vitro slopes of Fischer2018 (0.68 and
# 0.99, each with a few standard deviations to spare).
COUPLING_RATIO_RANGE = (0.0, 1.5)
# A peak eversion must be an eversion (> 0) within the eversion range.
PEAK_EVERSION_RANGE_DEG = (0.0, EVERSION_RANGE_DEG[1])
PERCENT_STANCE_RANGE = (0.0, 100.0)
# Peak eversion "near midstance": the illustrative peak may be moved within the middle of
# stance, not to contact or toe-off.
PEAK_PERCENT_RANGE = (30.0, 70.0)
# Leg segment lengths of the planted-leg posture (section 7): any real segment, in metres.
SEGMENT_LENGTH_RANGE_M = (0.0, 5.0)
# Baseline Q-angle input: covers the values the book cites (about 11°, 14-15°) and more.
BASELINE_Q_RANGE_DEG = (0.0, 30.0)

# --- Illustrative model choices (not measurements) -----------------------------------------
ILLUSTRATIVE_PEAK_PERCENT = 50.0          # peak eversion at midstance; in people it varies
ILLUSTRATIVE_INVERSION_FRACTION = 0.3     # inversion at contact/toe-off, as a share of the peak
ILLUSTRATIVE_LATE_TO_EARLY_RATIO = 0.5    # coupling after the peak / before it (lower: Stacoff2000)
ILLUSTRATIVE_KNEE_GEOMETRY = {
    "patella_offset_mm": 30.0,      # patella centre in front of the femur's rotation axis
    "tubercle_offset_mm": 30.0,     # tibial tubercle in front of the tibia's rotation axis
    "quadriceps_length_mm": 450.0,  # ASIS to patella centre
    "tendon_length_mm": 70.0,       # patella centre to tibial tubercle
}
SCREW_HOME_DEG = evidence.SCREW_HOME_ROTATION_DEG.value
SCREW_HOME_ONSET_RANGE_DEG = (evidence.SCREW_HOME_ROTATION_DEG.low,
                              evidence.SCREW_HOME_ROTATION_DEG.high)
DEFAULT_SCREW_HOME_ONSET_DEG = evidence.SCREW_HOME_ROTATION_DEG.high

# Cardan sequences in scipy's notation (upper case = intrinsic).
OPEN_CHAIN_SEQUENCE = "ZXY"
CLOSED_CHAIN_SEQUENCE = "XYZ"

__all__ = [
    "DEFAULT_INCLINATION_DEG", "DEFAULT_DEVIATION_DEG", "INCLINATION_RANGE_DEG",
    "DEVIATION_RANGE_DEG", "PRONATION_RANGE_DEG", "EVERSION_RANGE_DEG",
    "TIBIAL_ROTATION_RANGE_DEG", "FEMORAL_ROTATION_RANGE_DEG", "KNEE_FLEXION_RANGE_DEG",
    "COUPLING_RATIO_RANGE", "PEAK_EVERSION_RANGE_DEG", "PERCENT_STANCE_RANGE",
    "PEAK_PERCENT_RANGE", "BASELINE_Q_RANGE_DEG", "ILLUSTRATIVE_PEAK_PERCENT",
    "ILLUSTRATIVE_INVERSION_FRACTION", "ILLUSTRATIVE_LATE_TO_EARLY_RATIO",
    "ILLUSTRATIVE_KNEE_GEOMETRY", "SCREW_HOME_DEG", "SCREW_HOME_ONSET_RANGE_DEG",
    "DEFAULT_SCREW_HOME_ONSET_DEG", "OPEN_CHAIN_SEQUENCE", "CLOSED_CHAIN_SEQUENCE",
    "subtalar_axis", "axis_angles", "subtalar_rotation", "PronationComponents",
    "pronation_components", "small_angle_transfer_ratio", "ClosedChain", "closed_chain",
    "closed_chain_from_eversion", "tibial_rotation_from_eversion", "finite_transfer_ratio",
    "stance_eversion", "stance_tibial_rotation", "tibial_rotation_range",
    "coupling_ratio_for_range", "StancePreset", "STANCE_PRESETS", "screw_home_rotation",
    "tibiofemoral_rotation", "q_angle", "KneeState", "knee_state",
    "planted_ankle_dorsiflexion", "SEGMENT_LENGTH_RANGE_M",
]


# --- Argument checks ------------------------------------------------------------------------
def _axis_args(inclination_deg, deviation_deg):
    inclination = check_angle("inclination_deg", inclination_deg, *INCLINATION_RANGE_DEG,
                              open_low=True, open_high=True)
    deviation = check_angle("deviation_deg", deviation_deg, *DEVIATION_RANGE_DEG)
    return inclination, deviation


def _scalar_or_array(x):
    """Plain float for 0-d results, arrays otherwise."""
    x = np.asarray(x, dtype=float)
    return float(x) if x.ndim == 0 else x


def _axis_components(inclination_deg, deviation_deg):
    """(a, b, c) = components of u along x, y, z (see section 2 of the module docstring)."""
    alpha, beta = np.deg2rad(inclination_deg), np.deg2rad(deviation_deg)
    return np.cos(alpha) * np.cos(beta), np.sin(alpha), -np.cos(alpha) * np.sin(beta)


def _rotation_about(axis, angle_rad):
    """Rodrigues' formula, broadcast over leading dimensions: (..., 3) and (...) -> (..., 3, 3)."""
    axis = np.asarray(axis, dtype=float)
    angle = np.asarray(angle_rad, dtype=float)
    shape = np.broadcast_shapes(axis.shape[:-1], angle.shape)
    axis = np.broadcast_to(axis, (*shape, 3))
    angle = np.broadcast_to(angle, shape)[..., None, None]
    ux, uy, uz = axis[..., 0], axis[..., 1], axis[..., 2]
    zero = np.zeros_like(ux)
    cross = np.stack([np.stack([zero, -uz, uy], -1),
                      np.stack([uz, zero, -ux], -1),
                      np.stack([-uy, ux, zero], -1)], -2)
    outer = axis[..., :, None] * axis[..., None, :]
    return np.eye(3) * np.cos(angle) + np.sin(angle) * cross + (1 - np.cos(angle)) * outer


# --- 2. The subtalar axis ---------------------------------------------------------------------
def subtalar_axis(inclination_deg=DEFAULT_INCLINATION_DEG, deviation_deg=DEFAULT_DEVIATION_DEG):
    """Unit vector of the subtalar axis in the foot frame (x anterior, y up, z lateral).

    ``u = (cos α cos β, sin α, -cos α sin β)``: anterior, superior and medial for
    ``0 < α < 90°`` and ``β > 0``. Shape ``(3,)``, or ``(..., 3)`` for array input.
    """
    inclination, deviation = _axis_args(inclination_deg, deviation_deg)
    a, b, c = np.broadcast_arrays(*_axis_components(inclination, deviation))
    return np.stack([a, b, c], axis=-1)


def axis_angles(axis):
    """Inverse of :func:`subtalar_axis`: ``(inclination_deg, deviation_deg)`` of a direction.

    ``axis`` is any non-zero vector (x anterior, y up, z lateral), e.g.
    ``evidence.OPENSIM_STJ_AXIS_TALUS_FRAME``; it is normalised first.
    """
    vector = np.asarray(axis, dtype=float)
    if vector.shape[-1:] != (3,) or not np.all(np.isfinite(vector)):
        raise ValueError("axis must be a finite vector (or array of vectors) with 3 components")
    norm = np.linalg.norm(vector, axis=-1)
    if np.any(norm == 0):
        raise ValueError("axis must not be the zero vector")
    unit = vector / norm[..., None]
    inclination = np.degrees(np.arcsin(unit[..., 1]))
    deviation = np.degrees(np.arctan2(-unit[..., 2], unit[..., 0]))
    return _scalar_or_array(inclination), _scalar_or_array(deviation)


def subtalar_rotation(pronation_deg, inclination_deg=DEFAULT_INCLINATION_DEG,
                      deviation_deg=DEFAULT_DEVIATION_DEG):
    """Rotation matrix of the calcaneus relative to the talus for a pronation of ``φ``.

    ``R_u(-φ)`` by Rodrigues' formula (pronation positive, supination negative). Shape
    ``(3, 3)``, or ``(..., 3, 3)`` for array input. Orthonormal with determinant 1.
    """
    pronation = check_angle("pronation_deg", pronation_deg, *PRONATION_RANGE_DEG)
    axis = subtalar_axis(inclination_deg, deviation_deg)
    return _rotation_about(axis, -np.deg2rad(pronation))


# --- 3. Open chain -------------------------------------------------------------------------------
class PronationComponents(NamedTuple):
    """Open-chain components of a subtalar rotation (intrinsic Z-X-Y Cardan angles), degrees."""

    eversion_deg: float | np.ndarray
    dorsiflexion_deg: float | np.ndarray
    abduction_deg: float | np.ndarray


def pronation_components(pronation_deg, inclination_deg=DEFAULT_INCLINATION_DEG,
                         deviation_deg=DEFAULT_DEVIATION_DEG) -> PronationComponents:
    """Split a pronation (supination if negative) into eversion, dorsiflexion, abduction.

    Open chain (talus held). ``R_u(-φ) = R_z(d) R_x(-e) R_y(-a)``, the intrinsic ``Z-X-Y``
    sequence of section 3 of the module docstring. Small angles: ``e ≈ φ cos α cos β``,
    ``d ≈ φ cos α sin β``, ``a ≈ φ sin α``.
    """
    matrix = subtalar_rotation(pronation_deg, inclination_deg, deviation_deg)
    dorsiflexion = np.arctan2(-matrix[..., 0, 1], matrix[..., 1, 1])
    eversion = -np.arcsin(np.clip(matrix[..., 2, 1], -1.0, 1.0))
    abduction = -np.arctan2(-matrix[..., 2, 0], matrix[..., 2, 2])
    return PronationComponents(*(_scalar_or_array(np.degrees(x))
                                 for x in (eversion, dorsiflexion, abduction)))


# --- 4. Closed chain -------------------------------------------------------------------------------
def small_angle_transfer_ratio(inclination_deg=DEFAULT_INCLINATION_DEG,
                               deviation_deg=DEFAULT_DEVIATION_DEG):
    """Tibial internal rotation per degree of calcaneal eversion for small angles: tan α / cos β.

    Ideal geometry, not a measurement: 1.000 at 45°/0° (Inman's mitered hinge), 0.900 at
    42°/0°, 0.937 at the defaults 42°/16°.
    """
    inclination, deviation = _axis_args(inclination_deg, deviation_deg)
    return _scalar_or_array(np.tan(np.deg2rad(inclination)) / np.cos(np.deg2rad(deviation)))


class ClosedChain(NamedTuple):
    """The foot on the ground (section 4 of the module docstring), degrees.

    ``talar_dorsiflexion_deg`` is the tilt of the talus under the upright tibia, taken up
    at the ankle joint (negative = plantarflexion, as in pronation).
    """

    pronation_deg: float | np.ndarray
    calcaneal_eversion_deg: float | np.ndarray
    tibial_rotation_deg: float | np.ndarray
    talar_dorsiflexion_deg: float | np.ndarray


def closed_chain(pronation_deg, inclination_deg=DEFAULT_INCLINATION_DEG,
                 deviation_deg=DEFAULT_DEVIATION_DEG) -> ClosedChain:
    """Calcaneal eversion, tibial internal rotation and talar tilt for a subtalar rotation ``φ``.

    Exact for finite angles: the intrinsic ``X-Y-Z`` Cardan angles of ``R_u(φ)``.
    """
    pronation = check_angle("pronation_deg", pronation_deg, *PRONATION_RANGE_DEG)
    talus_in_calcaneus = np.swapaxes(
        subtalar_rotation(pronation, inclination_deg, deviation_deg), -1, -2)
    m = talus_in_calcaneus
    tibial = np.arcsin(np.clip(m[..., 0, 2], -1.0, 1.0))
    eversion = np.arctan2(-m[..., 1, 2], m[..., 2, 2])
    talar = np.arctan2(-m[..., 0, 1], m[..., 0, 0])
    pronation = np.broadcast_to(pronation, np.shape(tibial))
    return ClosedChain(*(_scalar_or_array(x) for x in (
        pronation, np.degrees(eversion), np.degrees(tibial), np.degrees(talar))))


def _closed_chain_from_eversion(eversion_rad, a, b, c):
    """(t, q, φ) in radians for a given eversion, from the fixed-axis condition (section 4)."""
    v = c * np.cos(eversion_rad) - b * np.sin(eversion_rad)
    tibial = np.arcsin(c / np.hypot(a, v)) - np.arctan2(v, a)
    # R_z(q) u = R_y(-t) R_x(-e) u: q is the angle between u and that vector about z.
    w_x = a * np.cos(tibial) - v * np.sin(tibial)
    w_y = b * np.cos(eversion_rad) + c * np.sin(eversion_rad)
    talar = np.arctan2(w_y, w_x) - np.arctan2(b, a)
    # Angle of M = R_x(e) R_y(t) R_z(q) = R_u(φ): cos φ = (trace - 1)/2 and, since the axis
    # is known, sin φ = u · vee((M - Mᵀ)/2); atan2 keeps small angles accurate.
    ce, se, ct, st, cq, sq = (np.cos(eversion_rad), np.sin(eversion_rad), np.cos(tibial),
                              np.sin(tibial), np.cos(talar), np.sin(talar))
    cos_angle = (ct * cq + (ce * cq - se * st * sq) + ce * ct - 1.0) / 2.0
    sin_angle = (a * (se * cq + ce * st * sq + se * ct)
                 + b * (st - se * sq + ce * st * cq)
                 + c * (ce * sq + se * st * cq + ct * sq)) / 2.0
    return tibial, talar, np.arctan2(sin_angle, cos_angle)


def closed_chain_from_eversion(eversion_deg, inclination_deg=DEFAULT_INCLINATION_DEG,
                               deviation_deg=DEFAULT_DEVIATION_DEG) -> ClosedChain:
    """The closed-chain state that has a given calcaneal eversion (inverse of :func:`closed_chain`)."""
    eversion = check_angle("eversion_deg", eversion_deg, *EVERSION_RANGE_DEG)
    inclination, deviation = _axis_args(inclination_deg, deviation_deg)
    a, b, c = _axis_components(inclination, deviation)
    tibial, talar, pronation = _closed_chain_from_eversion(np.deg2rad(eversion), a, b, c)
    eversion = np.broadcast_to(eversion, np.shape(tibial))
    return ClosedChain(*(_scalar_or_array(x) for x in (
        np.degrees(pronation), eversion, np.degrees(tibial), np.degrees(talar))))


def tibial_rotation_from_eversion(eversion_deg, inclination_deg=DEFAULT_INCLINATION_DEG,
                                  deviation_deg=DEFAULT_DEVIATION_DEG):
    """Tibial internal rotation (degrees) for a calcaneal eversion, closed chain, exact.

    ``t = arcsin(c / sqrt(a² + v²)) - atan2(v, a)`` with ``v = c cos e - b sin e``
    (section 4 of the module docstring). Inversion (negative) gives external rotation.
    """
    return closed_chain_from_eversion(eversion_deg, inclination_deg,
                                      deviation_deg).tibial_rotation_deg


def finite_transfer_ratio(eversion_deg, inclination_deg=DEFAULT_INCLINATION_DEG,
                          deviation_deg=DEFAULT_DEVIATION_DEG):
    """Tibial rotation divided by eversion at a finite eversion; the small-angle ratio at 0."""
    eversion = check_angle("eversion_deg", eversion_deg, *EVERSION_RANGE_DEG)
    tibial = np.asarray(tibial_rotation_from_eversion(eversion, inclination_deg, deviation_deg))
    limit = np.asarray(small_angle_transfer_ratio(inclination_deg, deviation_deg))
    eversion = np.broadcast_to(eversion, tibial.shape)
    nonzero = eversion != 0
    ratio = np.divide(tibial, eversion, out=np.zeros(tibial.shape), where=nonzero)
    return _scalar_or_array(np.where(nonzero, ratio, limit))


# --- 5. Stance phase ---------------------------------------------------------------------------------
def _stance_args(percent_stance, peak_eversion_deg, peak_percent, inversion_fraction):
    return (check_real("percent_stance", percent_stance, *PERCENT_STANCE_RANGE, unit="%"),
            check_angle("peak_eversion_deg", peak_eversion_deg, *PEAK_EVERSION_RANGE_DEG,
                        open_low=True),
            check_real("peak_percent", peak_percent, *PEAK_PERCENT_RANGE, unit="%"),
            check_fraction("inversion_fraction", inversion_fraction))


def _eversion_shape(percent, peak_percent, inversion_fraction):
    """-k at contact and toe-off, 1 at the peak, smooth: see section 5."""
    gamma = np.log(0.5) / np.log(np.asarray(peak_percent) / 100.0)
    warped = (np.asarray(percent) / 100.0) ** gamma
    return (1.0 + inversion_fraction) * np.sin(np.pi * warped) ** 2 - inversion_fraction


def stance_eversion(percent_stance, peak_eversion_deg, *,
                    peak_percent=ILLUSTRATIVE_PEAK_PERCENT,
                    inversion_fraction=ILLUSTRATIVE_INVERSION_FRACTION):
    """Rearfoot eversion (degrees) over 0-100 % of stance, scaled to ``peak_eversion_deg``.

    The *shape* is illustrative, not a measurement: inverted by ``inversion_fraction`` of
    the peak at contact and toe-off, peak at ``peak_percent`` (midstance by default; in
    people the timing varies), smooth in between. Only the peak value is an input.
    """
    percent, peak, peak_at, k = _stance_args(percent_stance, peak_eversion_deg, peak_percent,
                                             inversion_fraction)
    return _scalar_or_array(peak * _eversion_shape(percent, peak_at, k))


def _ratio(name, value):
    return check_real(name, value, *COUPLING_RATIO_RANGE)


def stance_tibial_rotation(percent_stance, peak_eversion_deg, ratio_early, ratio_late, *,
                           peak_percent=ILLUSTRATIVE_PEAK_PERCENT,
                           inversion_fraction=ILLUSTRATIVE_INVERSION_FRACTION):
    """Tibial internal rotation (degrees) over stance, driven by :func:`stance_eversion`.

    Follows the eversion's increments with ``ratio_early`` up to the peak and
    ``ratio_late`` after it, so the curve is continuous (section 5 of the module
    docstring). Illustrative shape; the presets fix its peak and range to Sinclair2017.
    """
    percent, peak, peak_at, k = _stance_args(percent_stance, peak_eversion_deg, peak_percent,
                                             inversion_fraction)
    early, late = _ratio("ratio_early", ratio_early), _ratio("ratio_late", ratio_late)
    eversion = peak * _eversion_shape(percent, peak_at, k)
    rotation = np.where(percent <= peak_at, early * eversion,
                        early * peak + late * (eversion - peak))
    return _scalar_or_array(rotation)


def tibial_rotation_range(peak_eversion_deg, ratio_early, ratio_late, *,
                          inversion_fraction=ILLUSTRATIVE_INVERSION_FRACTION):
    """Range (max - min, degrees) of :func:`stance_tibial_rotation` over the whole stance.

    The curve is monotonic between contact, peak and toe-off, so the extremes are among
    ``-r1 k P``, ``r1 P`` and ``r1 P - r2 (1 + k) P``.
    """
    peak = check_angle("peak_eversion_deg", peak_eversion_deg, *PEAK_EVERSION_RANGE_DEG,
                       open_low=True)
    early, late = _ratio("ratio_early", ratio_early), _ratio("ratio_late", ratio_late)
    k = check_fraction("inversion_fraction", inversion_fraction)
    at_contact, at_peak = -early * k * peak, early * peak
    at_toe_off = early * peak - late * (1.0 + k) * peak
    high = np.maximum(np.maximum(at_contact, at_peak), at_toe_off)
    low = np.minimum(np.minimum(at_contact, at_peak), at_toe_off)
    return _scalar_or_array(high - low)


def coupling_ratio_for_range(peak_eversion_deg, tibial_rotation_range_deg, *,
                             inversion_fraction=ILLUSTRATIVE_INVERSION_FRACTION):
    """The early coupling ratio ``r1`` that gives a tibial-rotation range, for ``r2 ≤ r1``.

    ``range = r1 (1 + k) P``; the result depends on the illustrative shape (``k``).
    """
    peak = check_angle("peak_eversion_deg", peak_eversion_deg, *PEAK_EVERSION_RANGE_DEG,
                       open_low=True)
    target = check_angle("tibial_rotation_range_deg", tibial_rotation_range_deg,
                         0.0, 2 * TIBIAL_ROTATION_RANGE_DEG[1])
    k = check_fraction("inversion_fraction", inversion_fraction)
    ratio = target / ((1.0 + k) * peak)
    return _ratio("coupling ratio implied by tibial_rotation_range_deg", ratio)


class StancePreset(NamedTuple):
    """One stance-phase condition; feed its fields to the stance functions."""

    key: str
    label: str
    peak_eversion_deg: float
    ratio_early: float
    ratio_late: float
    tibial_rotation_range_deg: float
    source_key: str
    peak_percent: float = ILLUSTRATIVE_PEAK_PERCENT
    inversion_fraction: float = ILLUSTRATIVE_INVERSION_FRACTION


def _preset(key: str, condition: evidence.OrthosisCondition) -> StancePreset:
    early = coupling_ratio_for_range(condition.peak_eversion_deg,
                                     condition.tibial_rotation_range_deg)
    return StancePreset(key, condition.label, condition.peak_eversion_deg, early,
                        ILLUSTRATIVE_LATE_TO_EARLY_RATIO * early,
                        condition.tibial_rotation_range_deg, condition.key)


#: Sinclair2017 (running at 4 m/s, 12 men): shod, 5° medial orthosis, 5° lateral wedge.
STANCE_PRESETS: dict[str, StancePreset] = {
    key: _preset(key, condition) for key, condition in evidence.SINCLAIR2017.items()}


# --- 6. Knee -----------------------------------------------------------------------------------
def screw_home_rotation(knee_flexion_deg, *, total_deg=SCREW_HOME_DEG,
                        onset_deg=DEFAULT_SCREW_HOME_ONSET_DEG):
    """Tibial rotation on the femur from the screw-home mechanism, internal positive.

    Measured from the unlocked knee: ``-total_deg`` (external) at full extension, 0 at
    ``onset_deg`` of flexion and beyond, smoothstep in between (illustrative shape).
    About 10° over roughly the last 20-30° of extension is textbook knowledge, stated
    without citation (``evidence.SCREW_HOME_ROTATION_DEG``).
    """
    flexion = check_angle("knee_flexion_deg", knee_flexion_deg, *KNEE_FLEXION_RANGE_DEG)
    total = check_angle("total_deg", total_deg, 0.0, 20.0)
    onset = check_angle("onset_deg", onset_deg, *SCREW_HOME_ONSET_RANGE_DEG)
    x = np.clip(flexion / onset, 0.0, 1.0)
    return _scalar_or_array(-total * (1.0 - (3.0 * x**2 - 2.0 * x**3)) + 0.0)  # no -0.0


def _rotation_args(tibial_rotation_deg, femoral_rotation_deg):
    return (check_angle("tibial_rotation_deg", tibial_rotation_deg, *TIBIAL_ROTATION_RANGE_DEG),
            check_angle("femoral_rotation_deg", femoral_rotation_deg,
                        *FEMORAL_ROTATION_RANGE_DEG))


def _onset_arg(screw_home_onset_deg):
    return check_angle("screw_home_onset_deg", screw_home_onset_deg, *SCREW_HOME_ONSET_RANGE_DEG)


def tibiofemoral_rotation(tibial_rotation_deg, femoral_rotation_deg, knee_flexion_deg=None, *,
                          screw_home_onset_deg=DEFAULT_SCREW_HOME_ONSET_DEG):
    """Rotation of the tibia relative to the femur, internal positive (degrees).

    ``tibial - femoral``: the rotations imposed from the foot and from the hip. With
    ``knee_flexion_deg`` the screw-home rotation (:func:`screw_home_rotation`) is added.
    That term is not a third input to the knee: the result is one relative rotation, the
    tibia on the femur, and screw-home is the part of it that comes with extending the knee
    (the foot and the hip set the rest). Tibia and femur rotating together leave it unchanged.
    """
    tibial, femoral = _rotation_args(tibial_rotation_deg, femoral_rotation_deg)
    onset = _onset_arg(screw_home_onset_deg)
    relative = tibial - femoral
    if knee_flexion_deg is not None:
        relative = relative + screw_home_rotation(knee_flexion_deg, onset_deg=onset)
    return _scalar_or_array(relative)


def _geometry_args(patella_follows_femur, patella_offset_mm, tubercle_offset_mm,
                   quadriceps_length_mm, tendon_length_mm):
    return (check_fraction("patella_follows_femur", patella_follows_femur),
            check_real("patella_offset_mm", patella_offset_mm, 0.0, 100.0, unit=" mm"),
            check_real("tubercle_offset_mm", tubercle_offset_mm, 0.0, 100.0, unit=" mm"),
            check_real("quadriceps_length_mm", quadriceps_length_mm, 100.0, 1000.0, unit=" mm"),
            check_real("tendon_length_mm", tendon_length_mm, 20.0, 200.0, unit=" mm"))


class KneeState(NamedTuple):
    """Knee quantities for given segment rotations (section 6 of the module docstring)."""

    tibiofemoral_rotation_deg: float | np.ndarray
    screw_home_deg: float | np.ndarray
    q_angle_deg: float | np.ndarray
    patella_lateral_shift_mm: float | np.ndarray


def knee_state(tibial_rotation_deg, femoral_rotation_deg, knee_flexion_deg=0.0,
               baseline_q_deg=evidence.Q_ANGLE_MEN_DEG.value, *, patella_follows_femur=1.0,
               patella_offset_mm=ILLUSTRATIVE_KNEE_GEOMETRY["patella_offset_mm"],
               tubercle_offset_mm=ILLUSTRATIVE_KNEE_GEOMETRY["tubercle_offset_mm"],
               quadriceps_length_mm=ILLUSTRATIVE_KNEE_GEOMETRY["quadriceps_length_mm"],
               tendon_length_mm=ILLUSTRATIVE_KNEE_GEOMETRY["tendon_length_mm"],
               screw_home_onset_deg=DEFAULT_SCREW_HOME_ONSET_DEG) -> KneeState:
    """Tibiofemoral rotation, screw-home, frontal-plane Q-angle and patellar shift.

    Inputs are the axial rotations imposed on the tibia (e.g. from the foot, see
    :func:`closed_chain`) and on the femur (from the hip), internal positive, and the knee
    flexion. ``patella_follows_femur`` = 1: the patella turns with the trochlea; 0: it
    stays put while the femur turns beneath it (Souza2010). ``patella_lateral_shift_mm``
    is the patella's lateral displacement relative to the trochlea. Geometry defaults are
    illustrative; the baseline Q (about 11° men, 14-15° women) is Raveendranath2009's.
    """
    tibial, femoral = _rotation_args(tibial_rotation_deg, femoral_rotation_deg)
    flexion = check_angle("knee_flexion_deg", knee_flexion_deg, *KNEE_FLEXION_RANGE_DEG)
    baseline = check_angle("baseline_q_deg", baseline_q_deg, *BASELINE_Q_RANGE_DEG)
    follows, r_p, r_t, l_q, l_t = _geometry_args(patella_follows_femur, patella_offset_mm,
                                                 tubercle_offset_mm, quadriceps_length_mm,
                                                 tendon_length_mm)
    onset = _onset_arg(screw_home_onset_deg)
    screw_home = np.asarray(screw_home_rotation(flexion, onset_deg=onset))
    locked = screw_home_rotation(0.0, onset_deg=onset)
    femur, tibia_from_extension = np.deg2rad(femoral), np.deg2rad(tibial + screw_home - locked)
    asis_x = l_q * np.tan(np.deg2rad(baseline))
    patella_x = -r_p * np.sin(follows * femur)
    tubercle_x = -r_t * np.sin(tibia_from_extension)
    q = np.arctan2(asis_x - patella_x, l_q) + np.arctan2(tubercle_x - patella_x, l_t)
    trochlea_x = -r_p * np.sin(femur)
    return KneeState(*(_scalar_or_array(x) for x in np.broadcast_arrays(
        tibial - femoral + screw_home, screw_home, np.degrees(q), patella_x - trochlea_x)))


def q_angle(tibial_rotation_deg, femoral_rotation_deg, knee_flexion_deg=0.0,
            baseline_q_deg=evidence.Q_ANGLE_MEN_DEG.value, **geometry):
    """Frontal-plane Q-angle (degrees) of the landmark model; see :func:`knee_state`.

    Zero rotations in extension give ``baseline_q_deg``. Tibial internal rotation lowers
    Q, relative tibial external rotation raises it, femoral internal rotation under a
    patella that rides along raises it; tibia and femur together hardly change it.
    """
    return knee_state(tibial_rotation_deg, femoral_rotation_deg, knee_flexion_deg,
                      baseline_q_deg, **geometry).q_angle_deg



# --- 7. Posing a planted leg -----------------------------------------------------------------
def planted_ankle_dorsiflexion(knee_flexion_deg, shank_length, thigh_length):
    """Ankle dorsiflexion (degrees) that keeps the hip above the ankle at a knee flexion.

    ``atan2(L_t sin f, L_s + L_t cos f)`` (section 7 of the module docstring): the shank
    tilts forward by this angle and the thigh back by ``knee_flexion_deg`` minus it. A
    posture for pictures of a loaded leg, not a measurement. Lengths in metres, each
    above 0 and at most ``SEGMENT_LENGTH_RANGE_M[1]``.
    """
    flexion = check_angle("knee_flexion_deg", knee_flexion_deg, *KNEE_FLEXION_RANGE_DEG)
    shank = check_real("shank_length", shank_length, *SEGMENT_LENGTH_RANGE_M, open_low=True,
                       unit=" m")
    thigh = check_real("thigh_length", thigh_length, *SEGMENT_LENGTH_RANGE_M, open_low=True,
                       unit=" m")
    f = np.deg2rad(flexion)
    return _scalar_or_array(np.degrees(np.arctan2(thigh * np.sin(f), shank + thigh * np.cos(f))))
