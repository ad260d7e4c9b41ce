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
Q_ANGLE_MEN_MEAN_DEG = Sourced(10.98, "deg", "Raveendranath2009", VERIFIED,
                               "men, supine, mean ± SD", sd=1.75)
Q_ANGLE_WOMEN_MEAN_DEG = Sourced(14.48, "deg", "Raveendranath2009", VERIFIED,
                                 "women, supine, mean ± SD", sd=2.02)
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
MIYAZAKI2002_ADDUCTION_MOMENT_ODDS = Sourced(6.46, "times the risk, per '1% increase'",
                                            "Miyazaki2002", VERIFIED,
                                            "the abstract's words: the risk of progression "
                                            "'increased 6.46 times with a 1% increase in "
                                            "adduction moment'; the unit behind '1%' was not "
                                            "seen, so quote it, never apply it to a reader")
MIYAZAKI2002_BASELINE_PATIENTS = Sourced(106, "people", "Miyazaki2002", VERIFIED,
                                         "medial compartment knee OA at baseline")
MIYAZAKI2002_FOLLOWED_UP = Sourced(74, "people", "Miyazaki2002", VERIFIED,
                                   "re-examined at six years")
MIYAZAKI2002_PROGRESSED = Sourced(32, "people", "Miyazaki2002", VERIFIED,
                                  "of the 74, radiographic progression")
MIYAZAKI2002_FOLLOW_UP_YEARS = Sourced(6, "years", "Miyazaki2002", VERIFIED)
BENNELL2011_WEDGE_MONTHS = Sourced(12, "months", "Bennell2011", VERIFIED,
                                   "5° lateral wedges: no significant benefit for pain "
                                   "or cartilage")
COLLINS2008_PARTICIPANTS = Sourced(179, "people", "Collins2008", VERIFIED,
                                   "aged 18-40", low=18, high=40)
# The 6-week relative risk of the Collins2008 trial is the Cochrane review's figure: cite it
# to HossainCD008402 (verified there), not to the trial.
HOSSAIN_ORTHOSES_SHORT_TERM_RR = Sourced(
    1.48, "RR", "HossainCD008402", VERIFIED,
    "orthoses vs flat insoles, participants with global improvement at six weeks, not at one "
    "year (one trial, Collins2008), 95% CI", low=1.11, high=1.99)
COLLINS2008_SHORT_TERM_RR = HOSSAIN_ORTHOSES_SHORT_TERM_RR  # older name, read by exercises
HOSSAIN_ORTHOSES_ADVERSE_EFFECTS_RR = Sourced(
    1.87, "RR", "HossainCD008402", VERIFIED,
    "more minor adverse effects (rubbing, blistering) with orthoses; its CI was not seen")
HOSSAIN_TRIALS = Sourced(2, "trials", "HossainCD008402", VERIFIED, "210 participants")
HOSSAIN_PARTICIPANTS = Sourced(210, "people", "HossainCD008402", VERIFIED, "in 2 trials")
COLLINS2008_SHORT_TERM_WEEKS = Sourced(6, "weeks", "Collins2008", VERIFIED,
                                       "orthoses better than flat inserts for global improvement")
COLLINS2008_LONG_TERM_WEEKS = Sourced(52, "weeks", "Collins2008", VERIFIED,
                                      "no longer better than flat inserts")


# --- Added after the accuracy review (issue 13) ---------------------------------------
# Ottawa ankle and foot rules: derivation Stiell1992, refinement and prospective validation
# Stiell1993; Ottawa knee rule: derivation Stiell1995, validation Stiell1996; accuracy of the
# ankle rules: Bachmann2003.
OTTAWA_ANKLE_ORIGINAL_AGE_YEARS = Sourced(55, "years", "Stiell1992", VERIFIED,
                                          "age 55 or more was a criterion of the original "
                                          "(1992) ankle rule, not of the refined rule")
STIELL1993_MALLEOLAR_SENSITIVITY = Sourced(1.0, "sensitivity", "Stiell1993", VERIFIED,
                                           "refined rules, 50 malleolar zone fractures, 95% CI",
                                           low=0.93, high=1.0)
STIELL1993_MIDFOOT_SENSITIVITY = Sourced(1.0, "sensitivity", "Stiell1993", VERIFIED,
                                         "refined rules, 19 midfoot zone fractures, 95% CI",
                                         low=0.83, high=1.0)
OTTAWA_KNEE_AGE_YEARS = Sourced(55, "years", "Stiell1995", VERIFIED, "age 55 or older")
OTTAWA_KNEE_FLEXION_DEG = Sourced(90, "deg", "Stiell1995", VERIFIED,
                                  "inability to flex the knee to 90°")
OTTAWA_KNEE_STEPS = Sourced(4, "steps", "Stiell1995", VERIFIED,
                            "inability to bear weight (four steps) both immediately and in "
                            "the emergency department")
STIELL1996_PARTICIPANTS = Sourced(1096, "adults", "Stiell1996", VERIFIED,
                                  "prospective validation of the Ottawa knee rule")
STIELL1996_SENSITIVITY = Sourced(1.0, "sensitivity", "Stiell1996", VERIFIED,
                                 "63 clinically important fractures, 95% CI",
                                 low=0.94, high=1.0)
BACHMANN2003_STUDIES = Sourced(27, "studies", "Bachmann2003", VERIFIED,
                               "systematic review of the Ottawa ankle rules")
BACHMANN2003_SENSITIVITY_PERCENT = Sourced(100, "%", "Bachmann2003", VERIFIED,
                                           "'a sensitivity of almost 100%'")
BACHMANN2003_NEGATIVE_LR_ANKLE = Sourced(0.08, "likelihood ratio", "Bachmann2003", VERIFIED,
                                         "pooled negative likelihood ratio, ankle, 95% CI",
                                         low=0.03, high=0.18)
BACHMANN2003_RADIOGRAPH_REDUCTION = Sourced(None, "%", "Bachmann2003", VERIFIED,
                                            "unnecessary radiographs the rules should save",
                                            low=30.0, high=40.0)

# Acute lateral ankle sprain (guideline).
VUURBERG2018_DELAYED_EXAMINATION_DAYS = Sourced(
    None, "days", "Vuurberg2018", VERIFIED,
    "delayed physical examination, the most reliable assessment of ligament damage",
    low=4, high=5)

# Patellofemoral pain: risk factors.
NEAL2019_STUDIES = Sourced(18, "studies", "Neal2019", VERIFIED, "prospective risk factors")
NEAL2019_PARTICIPANTS = Sourced(4818, "people", "Neal2019", VERIFIED)
NEAL2019_DEVELOPED_PFP = Sourced(483, "people", "Neal2019", VERIFIED)
NEAL2019_HIP_WEAKNESS_SMD = Sourced(None, "SMD", "Neal2019", VERIFIED,
                                    "hip weakness not a risk factor (multiple pooled SMDs)",
                                    low=-0.20, high=-0.09)
NEAL2019_ADOLESCENT_HIP_ABDUCTION_SMD = Sourced(0.71, "SMD", "Neal2019", VERIFIED,
                                                "adolescents: higher hip abduction strength "
                                                "a risk factor, 95% CI", low=0.39, high=1.04)
NEAL2019_QUADRICEPS_WEAKNESS_SMD = Sourced(-0.69, "SMD", "Neal2019", VERIFIED,
                                           "quadriceps weakness a risk factor in military "
                                           "recruits, 95% CI", low=-1.02, high=-0.35)

# Patellofemoral pain: who may benefit (orthoses, adolescents).
VICENZINO2010_PARTICIPANTS = Sourced(42, "people", "Vicenzino2010", VERIFIED,
                                     "post-hoc, preliminary prediction rule")
VICENZINO2010_AGE_YEARS = Sourced(25, "years", "Vicenzino2010", VERIFIED, "age over 25")
VICENZINO2010_HEIGHT_CM = Sourced(165, "cm", "Vicenzino2010", VERIFIED, "height under 165 cm")
VICENZINO2010_WORST_PAIN_MM = Sourced(53.25, "mm (VAS)", "Vicenzino2010", VERIFIED,
                                      "worst pain on a visual analogue scale under 53.25 mm")
VICENZINO2010_MIDFOOT_WIDTH_MM = Sourced(10.96, "mm", "Vicenzino2010", VERIFIED,
                                         "midfoot width difference, non-weight-bearing to "
                                         "weight-bearing, over 10.96 mm")
VICENZINO2010_FOLLOW_UP_WEEKS = Sourced(12, "weeks", "Vicenzino2010", VERIFIED,
                                       "global improvement at 12 weeks")
VICENZINO2010_SUCCESS_BEFORE = Sourced(40, "%", "Vicenzino2010", VERIFIED, "pretest success")
VICENZINO2010_SUCCESS_AFTER = Sourced(86, "%", "Vicenzino2010", VERIFIED,
                                      "success with three or more of the four criteria")
RATHLEFF2015_PARTICIPANTS = Sourced(121, "adolescents", "Rathleff2015", VERIFIED,
                                    "aged 15-19, cluster-randomised", low=15, high=19)
RATHLEFF2015_FOLLOW_UP_MONTHS = Sourced(None, "months", "Rathleff2015", VERIFIED,
                                        "recovery assessed at 12 and 24 months",
                                        low=12, high=24)
RATHLEFF2015_RECOVERY_OR_12_MONTHS = Sourced(1.73, "OR", "Rathleff2015", VERIFIED,
                                             "recovery, exercise + education vs education, "
                                             "95% CI", low=1.02, high=2.93)
RATHLEFF2015_RECOVERY_OR_24_MONTHS = Sourced(2.52, "OR", "Rathleff2015", VERIFIED)

# Foot posture, dorsiflexion and the knee.
NIELSEN2014_RUNNERS = Sourced(927, "novice runners", "Nielsen2014", VERIFIED,
                              "neutral shoes, one year, feet classified with the FPI")
NIELSEN2014_DISTANCE_KM = Sourced(250, "km", "Nielsen2014", VERIFIED,
                                  "no higher risk for pronated feet after 250 km")
REDMOND2006_ITEMS = Sourced(6, "items", "Redmond2006", VERIFIED,
                            "Foot Posture Index (FPI-6), reduced from 36 candidates")
REDMOND2006_STANDING_VARIANCE = Sourced(64, "%", "Redmond2006", VERIFIED,
                                        "variance in static standing posture explained")
REDMOND2006_MIDSTANCE_VARIANCE = Sourced(41, "%", "Redmond2006", VERIFIED,
                                         "variance in midstance posture (walking) explained")
POWDEN2015_INTER_CLINICIAN_ICC = Sourced(None, "ICC", "Powden2015", VERIFIED,
                                         "weight-bearing lunge test, 12 studies",
                                         low=0.80, high=0.99)
POWDEN2015_STUDIES = Sourced(12, "studies", "Powden2015", VERIFIED, "systematic review")
POWDEN2015_MDC_DEG = Sourced(4.6, "deg", "Powden2015", VERIFIED,
                             "average minimal detectable change between clinicians")
POWDEN2015_MDC_CM = Sourced(1.6, "cm", "Powden2015", VERIFIED,
                            "average minimal detectable change between clinicians")
MACRUM2012_WEDGE_DEG = Sourced(12, "deg", "Macrum2012", VERIFIED,
                               "forefoot wedge restricting dorsiflexion in a double-leg squat")
MACRUM2012_PARTICIPANTS = Sourced(30, "adults", "Macrum2012", VERIFIED, "healthy")
MACRUM2012_VALGUS_ES = Sourced(0.21, "effect size", "Macrum2012", VERIFIED,
                               "peak knee-valgus angle, increase (small)")
MACRUM2012_MEDIAL_KNEE_DISPLACEMENT_ES = Sourced(2.92, "effect size", "Macrum2012", VERIFIED,
                                                 "medial knee displacement, increase")

# Medial tibial stress syndrome: diagnosis.
WINTERS2018_ATHLETES = Sourced(46, "athletes", "Winters2018", VERIFIED,
                               "two blinded clinicians, history and examination")
WINTERS2018_KAPPA = Sourced(0.89, "kappa", "Winters2018", VERIFIED,
                            "inter-rater reliability of the clinical diagnosis, 95% CI",
                            low=0.74, high=1.0)


def all_sourced() -> dict[str, Sourced]:
    """Every :class:`Sourced` constant of this module, by name (used by tests and the book)."""
    return {name: value for name, value in globals().items() if isinstance(value, Sourced)}


def cited_keys() -> set[str]:
    """Bibtex keys this module relies on."""
    keys = {s.key for s in all_sourced().values() if s.key}
    keys.update(c.key for c in SINCLAIR2017.values())
    return keys
