"""What each demo picture's text alternative must say, computed from the model directly.

``expected_phrases(demo, params)`` asks :mod:`widgets.kinematics` (not the figures) for the
state of one frame and returns phrases its alt text must contain, numbers included, so a
frame described with another frame's values, or with none, fails.
"""

from __future__ import annotations

from widgets import evidence, kinematics as km


def _signed(value: float, positive: str, negative: str) -> str:
    shown = round(float(value), 1)
    return f"{negative if shown < 0 else positive} {abs(shown):.1f}°"


def axis_explorer(inclination_deg, pronation_deg, deviation_deg=km.DEFAULT_DEVIATION_DEG):
    chain = km.closed_chain(pronation_deg, inclination_deg, deviation_deg)
    fischer = evidence.FISCHER2018_EVERSION_TO_TIBIAL_ROTATION
    return [f"{inclination_deg:.0f}° inclination",
            _signed(chain.calcaneal_eversion_deg, "calcaneal eversion", "calcaneal inversion"),
            _signed(chain.tibial_rotation_deg, "tibial internal rotation",
                    "tibial external rotation"),
            f"{km.small_angle_transfer_ratio(inclination_deg, deviation_deg):.2f}",
            f"{fischer.value:.2f} ± {fischer.sd:.2f}"]


def knee_chain(pronation_deg, femoral_rotation_deg, knee_flexion_deg):
    tibial = km.closed_chain(pronation_deg).tibial_rotation_deg
    knee = km.knee_state(tibial, femoral_rotation_deg, knee_flexion_deg)
    return [f"flexed {knee_flexion_deg:.0f}°",
            "tibial " + _signed(tibial, "internal rotation", "external rotation"),
            "femoral " + _signed(femoral_rotation_deg, "internal rotation", "external rotation"),
            "screw-home " + _signed(knee.screw_home_deg, "internal rotation", "external rotation"),
            "femur: " + _signed(knee.tibiofemoral_rotation_deg, "internal rotation",
                                "external rotation"),
            f"Q-angle {knee.q_angle_deg:.1f}°"]


def stance_player(preset, percent_stance, coupling_ratio=None):
    chosen = km.STANCE_PRESETS[preset]
    ratio = chosen.ratio_early if coupling_ratio is None else coupling_ratio
    shape = dict(peak_percent=chosen.peak_percent, inversion_fraction=chosen.inversion_fraction)
    eversion = km.stance_eversion(percent_stance, chosen.peak_eversion_deg, **shape)
    tibial = km.stance_tibial_rotation(percent_stance, chosen.peak_eversion_deg, ratio,
                                       km.ILLUSTRATIVE_LATE_TO_EARLY_RATIO * ratio, **shape)
    return [chosen.label, f"{percent_stance:.0f}% of stance",
            _signed(eversion, "rearfoot eversion", "rearfoot inversion"),
            _signed(tibial, "tibial internal rotation", "tibial external rotation"),
            f"coupling ratio {ratio:.2f}"]


EXPECTED = {"axis-explorer": axis_explorer, "knee-chain": knee_chain,
            "stance-player": stance_player}


def expected_phrases(demo: str, params: dict) -> list[str]:
    return EXPECTED[demo](**params)


def missing_phrases(demo: str, params: dict, alt: str) -> list[str]:
    """The expected phrases that ``alt`` lacks (empty when it describes ``params``)."""
    return [phrase for phrase in expected_phrases(demo, params) if phrase not in alt]
