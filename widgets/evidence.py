"""Every number the book states, with its source and how far it was checked.

One source for every figure and sentence: chapters and demonstrations read these
constants instead of typing numbers. ``key`` is the entry in ``references.bib``
(``None`` where the book states the value as textbook knowledge without a citation);
``status`` follows the project's fact sheet:

``verified``
    seen in a primary record.
``partly``
    the source is right but the number came through a secondary summary: the book
    says "about" and cites it, never with more precision than given here.
``geometry``
    computed from a model, not measured.
``textbook``
    commonly taught, sources differ; stated as approximate, without a citation.

Pure Python: importing this module imports neither matplotlib nor ipywidgets.
"""

from __future__ import annotations

from dataclasses import dataclass

VERIFIED = "verified"
PARTLY = "partly"
GEOMETRY = "geometry"
TEXTBOOK = "textbook"


@dataclass(frozen=True)
class Sourced:
    """A number with its unit, its bibtex key and its verification status."""

    value: float | None  # None for a quantity given only as a range (low-high)
    unit: str
    key: str | None
    status: str
    note: str = ""
    sd: float | None = None
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class OrthosisCondition:
    """One Sinclair2017 condition: peak rearfoot eversion and tibial internal-rotation range."""

    label: str
    peak_eversion_deg: float
    tibial_rotation_range_deg: float
    key: str = "Sinclair2017"
    status: str = VERIFIED


# --- Subtalar axis ------------------------------------------------------------------
STJ_INCLINATION_DEG = Sourced(
    42.0, "deg", "Payne2003", VERIFIED,
    "commonly recognised cadaver mean of the axis inclination from the transverse "
    "plane (after Inman); varies greatly between people")
STJ_DEVIATION_DEG = Sourced(
    16.0, "deg", "Payne2003", PARTLY,
    "medial deviation from the foot's long axis in textbook summaries; say 'about'")
OPENSIM_STJ_AXIS_TALUS_FRAME = (0.787, 0.605, -0.121)  # x anterior, y up, z right; right side
OPENSIM_STJ_INCLINATION_DEG = Sourced(
    37.2, "deg", "Delp1990", VERIFIED,
    "axis of the OpenSim gait2392/Rajagopal2016 models, computed from the model files")
OPENSIM_STJ_DEVIATION_DEG = Sourced(
    8.7, "deg", "Rajagopal2016", VERIFIED,
    "medial deviation of the OpenSim model axis, computed from the model files")

# --- Coupling of foot and tibia ------------------------------------------------------
FISCHER2018_EVERSION_TO_TIBIAL_ROTATION = Sourced(
    0.68, "deg/deg", "Fischer2018", VERIFIED,
    "in vitro slope, calcaneal eversion to talus/tibia rotation", sd=0.15)
FISCHER2018_ADDUCTION_TO_TIBIAL_ROTATION = Sourced(
    0.99, "deg/deg", "Fischer2018", VERIFIED,
    "in vitro slope, calcaneal adduction to talus/tibia rotation", sd=0.10)
NIGG1993_ARCH_HEIGHT_VARIANCE_EXPLAINED = Sourced(
    27.0, "%", "Nigg1993", VERIFIED,
    "between-subject variance in eversion-to-leg-rotation transfer explained by arch height")

SINCLAIR2017_SPEED = Sourced(4.0, "m/s", "Sinclair2017", VERIFIED, "running speed, 12 men")
SINCLAIR2017_PARTICIPANTS = Sourced(12, "men", "Sinclair2017", VERIFIED)
SINCLAIR2017 = {
    "shod": OrthosisCondition("Shod (no insert)", 12.4, 7.5),
    "medial_orthosis": OrthosisCondition("5° medial orthosis", 10.8, 5.0),
    "lateral_wedge": OrthosisCondition("5° lateral wedge", 14.1, 6.1),
}

# --- Knee ----------------------------------------------------------------------------
Q_ANGLE_MEN_DEG = Sourced(11.0, "deg", "Raveendranath2009", VERIFIED,
                          "about 11°, measured supine; depends on method and stance")
Q_ANGLE_WOMEN_DEG = Sourced(None, "deg", "Raveendranath2009", VERIFIED,
                            "about 14-15°, measured supine", low=14.0, high=15.0)
Q_ANGLE_ASYMMETRY = Sourced(47.0, "%", "Livingston1999", VERIFIED,
                            "people with a left-right Q-angle difference of 4° or more",
                            low=4.0)
SCREW_HOME_ROTATION_DEG = Sourced(
    10.0, "deg", None, TEXTBOOK,
    "tibial external rotation as the knee locks, over roughly the last 20-30° of "
    "extension; sources differ, so state as approximate and uncited", low=20.0, high=30.0)

# --- The hypothesis and the evidence ---------------------------------------------------
POWERS2002_PFP_WOMEN = Sourced(24, "people", "Powers2002", VERIFIED, "women with PFP")
POWERS2002_CONTROLS = Sourced(17, "people", "Powers2002", VERIFIED, "female controls")
REISCHL1999_PARTICIPANTS = Sourced(30, "people", "Reischl1999", PARTLY)
SOUZA2010_PER_GROUP = Sourced(15, "people", "Souza2010", VERIFIED,
                              "15 women with PFP and 15 controls, weight-bearing MRI")
NEAL2014_EFFECT_SIZE = Sourced(None, "effect size", "Neal2014", VERIFIED,
                               "pronated foot posture, small effect sizes", low=0.28, high=0.33)
DOWLING2014_RELATIVE_RISK = Sourced(None, "RR", "Dowling2014", VERIFIED,
                                    "rearfoot kinematics and PFP, limited to very limited "
                                    "evidence", low=2.67, high=3.43)

# --- Conditions ----------------------------------------------------------------------
NOEHREN2014_HIP_INTERNAL_ROTATION_DEG = Sourced(3.7, "deg", "Noehren2014", VERIFIED,
                                                "greater in men with ITBS")
NOEHREN2014_KNEE_ADDUCTION_DEG = Sourced(3.6, "deg", "Noehren2014", VERIFIED,
                                         "greater in men with ITBS")
HAMSTRAWRIGHT2015_NAVICULAR_DROP_MM = Sourced(1.19, "mm", "HamstraWright2015", VERIFIED,
                                              "mean difference, MTSS vs controls",
                                              low=0.54, high=1.84)
REINKING2017_NAVICULAR_DROP_SMD = Sourced(0.44, "SMD", "Reinking2017", VERIFIED)
REINKING2017_FEMALE_OR = Sourced(2.35, "OR", "Reinking2017", VERIFIED)
REINKING2017_PREVIOUS_INJURY_OR = Sourced(2.18, "OR", "Reinking2017", VERIFIED)
NEWMAN2013_MTSS_PREVALENCE = Sourced(None, "%", "Newman2013", VERIFIED,
                                     "share of runners affected", low=5.0, high=35.0)
MIYAZAKI2002_ADDUCTION_MOMENT_ODDS = Sourced(6.46, "odds ratio per 1% increase",
                                            "Miyazaki2002", VERIFIED,
                                            "knee adduction moment and medial OA "
                                            "progression, 6-year follow-up")
BENNELL2011_WEDGE_MONTHS = Sourced(12, "months", "Bennell2011", VERIFIED,
                                   "5° lateral wedges: no significant benefit for pain "
                                   "or cartilage")
COLLINS2008_PARTICIPANTS = Sourced(179, "people", "Collins2008", VERIFIED,
                                   "aged 18-40", low=18, high=40)
COLLINS2008_SHORT_TERM_RR = Sourced(1.48, "RR", "Collins2008", PARTLY,
                                    "global improvement at 6 weeks (not at 52 weeks), "
                                    "via a Cochrane summary")
COLLINS2008_SHORT_TERM_WEEKS = Sourced(6, "weeks", "Collins2008", VERIFIED,
                                       "orthoses better than flat inserts for global improvement")
COLLINS2008_LONG_TERM_WEEKS = Sourced(52, "weeks", "Collins2008", VERIFIED,
                                      "no longer better than flat inserts")


def all_sourced() -> dict[str, Sourced]:
    """Every :class:`Sourced` constant of this module, by name (used by tests and the book)."""
    return {name: value for name, value in globals().items() if isinstance(value, Sourced)}


def cited_keys() -> set[str]:
    """Bibtex keys this module relies on."""
    keys = {s.key for s in all_sourced().values() if s.key}
    keys.update(c.key for c in SINCLAIR2017.values())
    return keys
