"""Every number in widgets.evidence matches the project's fact sheet (FACTS.md), names a
reference that exists, and carries the status the fact sheet gives it.

FACTS is transcribed below by hand (value, sd, low, high, key, status), so a changed
constant fails here until someone re-checks it against the sheet. When the sheet itself is
present beside the repository (``../shared/FACTS.md``) every number is also looked up there.
"""

import re
from pathlib import Path

import pytest

from book import BIB_KEYS
from widgets import evidence

ROOT = Path(__file__).resolve().parents[1]
FACTS_SHEET = ROOT.parent / "shared" / "FACTS.md"
V, P, T = evidence.VERIFIED, evidence.PARTLY, evidence.TEXTBOOK

# name: (value, sd, low, high, key, status), from FACTS.md
FACTS = {
    "STJ_INCLINATION_DEG": (42.0, None, None, None, "Payne2003", V),
    "STJ_DEVIATION_DEG": (16.0, None, None, None, "Payne2003", P),
    "OPENSIM_STJ_INCLINATION_DEG": (37.2, None, None, None, "Delp1990", V),
    "OPENSIM_STJ_DEVIATION_DEG": (8.7, None, None, None, "Rajagopal2016", V),
    "FISCHER2018_EVERSION_TO_TIBIAL_ROTATION": (0.68, 0.15, None, None, "Fischer2018", V),
    "FISCHER2018_ADDUCTION_TO_TIBIAL_ROTATION": (0.99, 0.10, None, None, "Fischer2018", V),
    "NIGG1993_ARCH_HEIGHT_VARIANCE_EXPLAINED": (27.0, None, None, None, "Nigg1993", V),
    "SINCLAIR2017_SPEED": (4.0, None, None, None, "Sinclair2017", V),
    "SINCLAIR2017_PARTICIPANTS": (12, None, None, None, "Sinclair2017", V),
    "Q_ANGLE_MEN_DEG": (11.0, None, None, None, "Raveendranath2009", V),
    "Q_ANGLE_WOMEN_DEG": (None, None, 14.0, 15.0, "Raveendranath2009", V),
    "Q_ANGLE_ASYMMETRY": (47.0, None, 4.0, None, "Livingston1999", V),
    "SCREW_HOME_ROTATION_DEG": (10.0, None, 20.0, 30.0, None, T),
    "POWERS2002_PFP_WOMEN": (24, None, None, None, "Powers2002", V),
    "POWERS2002_CONTROLS": (17, None, None, None, "Powers2002", V),
    "REISCHL1999_PARTICIPANTS": (30, None, None, None, "Reischl1999", P),
    "SOUZA2010_PER_GROUP": (15, None, None, None, "Souza2010", V),
    "NEAL2014_EFFECT_SIZE": (None, None, 0.28, 0.33, "Neal2014", V),
    "DOWLING2014_RELATIVE_RISK": (None, None, 2.67, 3.43, "Dowling2014", V),
    "NOEHREN2014_HIP_INTERNAL_ROTATION_DEG": (3.7, None, None, None, "Noehren2014", V),
    "NOEHREN2014_KNEE_ADDUCTION_DEG": (3.6, None, None, None, "Noehren2014", V),
    "HAMSTRAWRIGHT2015_NAVICULAR_DROP_MM": (1.19, None, 0.54, 1.84, "HamstraWright2015", V),
    "REINKING2017_NAVICULAR_DROP_SMD": (0.44, None, None, None, "Reinking2017", V),
    "REINKING2017_FEMALE_OR": (2.35, None, None, None, "Reinking2017", V),
    "REINKING2017_PREVIOUS_INJURY_OR": (2.18, None, None, None, "Reinking2017", V),
    "NEWMAN2013_MTSS_PREVALENCE": (None, None, 5.0, 35.0, "Newman2013", V),
    "MIYAZAKI2002_ADDUCTION_MOMENT_ODDS": (6.46, None, None, None, "Miyazaki2002", V),
    "BENNELL2011_WEDGE_MONTHS": (12, None, None, None, "Bennell2011", V),
    "COLLINS2008_PARTICIPANTS": (179, None, 18, 40, "Collins2008", V),
    # The 6-week RR is the Cochrane review's figure (FACTS.md, HossainCD008402 row); the old
    # name is kept as an alias of HOSSAIN_ORTHOSES_SHORT_TERM_RR.
    "COLLINS2008_SHORT_TERM_RR": (1.48, None, 1.11, 1.99, "HossainCD008402", V),
    "COLLINS2008_SHORT_TERM_WEEKS": (6, None, None, None, "Collins2008", V),
    "COLLINS2008_LONG_TERM_WEEKS": (52, None, None, None, "Collins2008", V),
    # --- Added after the accuracy review (FACTS.md, December 2026 section) ---
    "Q_ANGLE_MEN_MEAN_DEG": (10.98, 1.75, None, None, "Raveendranath2009", V),
    "Q_ANGLE_WOMEN_MEAN_DEG": (14.48, 2.02, None, None, "Raveendranath2009", V),
    "MIYAZAKI2002_BASELINE_PATIENTS": (106, None, None, None, "Miyazaki2002", V),
    "MIYAZAKI2002_FOLLOWED_UP": (74, None, None, None, "Miyazaki2002", V),
    "MIYAZAKI2002_PROGRESSED": (32, None, None, None, "Miyazaki2002", V),
    "MIYAZAKI2002_FOLLOW_UP_YEARS": (6, None, None, None, "Miyazaki2002", V),
    "HOSSAIN_ORTHOSES_SHORT_TERM_RR": (1.48, None, 1.11, 1.99, "HossainCD008402", V),
    "HOSSAIN_ORTHOSES_ADVERSE_EFFECTS_RR": (1.87, None, None, None, "HossainCD008402", V),
    "HOSSAIN_TRIALS": (2, None, None, None, "HossainCD008402", V),
    "HOSSAIN_PARTICIPANTS": (210, None, None, None, "HossainCD008402", V),
    "OTTAWA_ANKLE_ORIGINAL_AGE_YEARS": (55, None, None, None, "Stiell1992", V),
    "STIELL1993_MALLEOLAR_SENSITIVITY": (1.0, None, 0.93, 1.0, "Stiell1993", V),
    "STIELL1993_MIDFOOT_SENSITIVITY": (1.0, None, 0.83, 1.0, "Stiell1993", V),
    "OTTAWA_KNEE_AGE_YEARS": (55, None, None, None, "Stiell1995", V),
    "OTTAWA_KNEE_FLEXION_DEG": (90, None, None, None, "Stiell1995", V),
    "OTTAWA_KNEE_STEPS": (4, None, None, None, "Stiell1995", V),
    "STIELL1996_PARTICIPANTS": (1096, None, None, None, "Stiell1996", V),
    "STIELL1996_SENSITIVITY": (1.0, None, 0.94, 1.0, "Stiell1996", V),
    "BACHMANN2003_STUDIES": (27, None, None, None, "Bachmann2003", V),
    "BACHMANN2003_SENSITIVITY_PERCENT": (100, None, None, None, "Bachmann2003", V),
    "BACHMANN2003_NEGATIVE_LR_ANKLE": (0.08, None, 0.03, 0.18, "Bachmann2003", V),
    "BACHMANN2003_RADIOGRAPH_REDUCTION": (None, None, 30.0, 40.0, "Bachmann2003", V),
    "VUURBERG2018_DELAYED_EXAMINATION_DAYS": (None, None, 4, 5, "Vuurberg2018", V),
    "NEAL2019_STUDIES": (18, None, None, None, "Neal2019", V),
    "NEAL2019_PARTICIPANTS": (4818, None, None, None, "Neal2019", V),
    "NEAL2019_DEVELOPED_PFP": (483, None, None, None, "Neal2019", V),
    "NEAL2019_HIP_WEAKNESS_SMD": (None, None, -0.2, -0.09, "Neal2019", V),
    "NEAL2019_ADOLESCENT_HIP_ABDUCTION_SMD": (0.71, None, 0.39, 1.04, "Neal2019", V),
    "NEAL2019_QUADRICEPS_WEAKNESS_SMD": (-0.69, None, -1.02, -0.35, "Neal2019", V),
    "VICENZINO2010_PARTICIPANTS": (42, None, None, None, "Vicenzino2010", V),
    "VICENZINO2010_AGE_YEARS": (25, None, None, None, "Vicenzino2010", V),
    "VICENZINO2010_HEIGHT_CM": (165, None, None, None, "Vicenzino2010", V),
    "VICENZINO2010_WORST_PAIN_MM": (53.25, None, None, None, "Vicenzino2010", V),
    "VICENZINO2010_MIDFOOT_WIDTH_MM": (10.96, None, None, None, "Vicenzino2010", V),
    "VICENZINO2010_FOLLOW_UP_WEEKS": (12, None, None, None, "Vicenzino2010", V),
    "VICENZINO2010_SUCCESS_BEFORE": (40, None, None, None, "Vicenzino2010", V),
    "VICENZINO2010_SUCCESS_AFTER": (86, None, None, None, "Vicenzino2010", V),
    "RATHLEFF2015_PARTICIPANTS": (121, None, 15, 19, "Rathleff2015", V),
    "RATHLEFF2015_FOLLOW_UP_MONTHS": (None, None, 12, 24, "Rathleff2015", V),
    "RATHLEFF2015_RECOVERY_OR_12_MONTHS": (1.73, None, 1.02, 2.93, "Rathleff2015", V),
    "RATHLEFF2015_RECOVERY_OR_24_MONTHS": (2.52, None, None, None, "Rathleff2015", V),
    "NIELSEN2014_RUNNERS": (927, None, None, None, "Nielsen2014", V),
    "NIELSEN2014_DISTANCE_KM": (250, None, None, None, "Nielsen2014", V),
    "REDMOND2006_ITEMS": (6, None, None, None, "Redmond2006", V),
    "REDMOND2006_STANDING_VARIANCE": (64, None, None, None, "Redmond2006", V),
    "REDMOND2006_MIDSTANCE_VARIANCE": (41, None, None, None, "Redmond2006", V),
    "POWDEN2015_INTER_CLINICIAN_ICC": (None, None, 0.8, 0.99, "Powden2015", V),
    "POWDEN2015_STUDIES": (12, None, None, None, "Powden2015", V),
    "POWDEN2015_MDC_DEG": (4.6, None, None, None, "Powden2015", V),
    "POWDEN2015_MDC_CM": (1.6, None, None, None, "Powden2015", V),
    "MACRUM2012_WEDGE_DEG": (12, None, None, None, "Macrum2012", V),
    "MACRUM2012_PARTICIPANTS": (30, None, None, None, "Macrum2012", V),
    "MACRUM2012_VALGUS_ES": (0.21, None, None, None, "Macrum2012", V),
    "MACRUM2012_MEDIAL_KNEE_DISPLACEMENT_ES": (2.92, None, None, None, "Macrum2012", V),
    "WINTERS2018_ATHLETES": (46, None, None, None, "Winters2018", V),
    "WINTERS2018_KAPPA": (0.89, None, 0.74, 1.0, "Winters2018", V),
}
# Sinclair2017, running at 4 m/s: peak eversion and tibial internal-rotation range (degrees).
SINCLAIR = {"shod": (12.4, 7.5), "medial_orthosis": (10.8, 5.0), "lateral_wedge": (14.1, 6.1)}


def test_every_constant_has_been_checked_against_the_fact_sheet():
    unchecked = sorted(set(evidence.all_sourced()) - set(FACTS))
    assert not unchecked, f"add these to FACTS in this test after checking FACTS.md: {unchecked}"


@pytest.mark.parametrize("name", sorted(FACTS))
def test_constant_matches_the_fact_sheet(name):
    value, sd, low, high, key, status = FACTS[name]
    constant = getattr(evidence, name)
    assert (constant.value, constant.sd, constant.low, constant.high) == (value, sd, low, high)
    assert (constant.key, constant.status) == (key, status)
    assert constant.unit


@pytest.mark.parametrize("condition", sorted(SINCLAIR))
def test_sinclair2017_conditions(condition):
    published = evidence.SINCLAIR2017[condition]
    assert (published.peak_eversion_deg, published.tibial_rotation_range_deg) == SINCLAIR[condition]
    assert (published.key, published.status) == ("Sinclair2017", V)


def test_opensim_axis_is_the_published_model_axis():
    assert evidence.OPENSIM_STJ_AXIS_TALUS_FRAME == (0.787, 0.605, -0.121)


def test_every_key_is_in_references_bib():
    missing = evidence.cited_keys() - BIB_KEYS
    assert not missing


def test_statuses_are_the_documented_ones():
    allowed = {evidence.VERIFIED, evidence.PARTLY, evidence.GEOMETRY, evidence.TEXTBOOK}
    assert {c.status for c in evidence.all_sourced().values()} <= allowed
    # Textbook knowledge is stated without a citation; everything else names its source.
    for name, constant in evidence.all_sourced().items():
        assert (constant.key is None) == (constant.status == evidence.TEXTBOOK), name


def numbers_of(constant) -> list[float]:
    return [x for x in (constant.value, constant.sd, constant.low, constant.high) if x is not None]


@pytest.mark.skipif(not FACTS_SHEET.exists(), reason="fact sheet not beside this checkout")
def test_every_number_appears_in_the_fact_sheet():
    sheet = FACTS_SHEET.read_text(encoding="utf-8")
    constants = list(evidence.all_sourced().values()) + list(evidence.SINCLAIR2017.values())
    for constant in constants:
        numbers = (numbers_of(constant) if isinstance(constant, evidence.Sourced)
                   else [constant.peak_eversion_deg, constant.tibial_rotation_range_deg])
        for number in numbers:
            # 0.1 may be written 0.10, 4.0 as 4; never as part of a longer number. The sheet
            # writes a minus as "−" or "–", so a negative value is looked up by its magnitude.
            pattern = rf"(?<![\d.]){re.escape(f'{abs(number):g}')}(?:\.?0*)(?![\d])"
            assert re.search(pattern, sheet), f"{number:g} ({constant}) is not in FACTS.md"
