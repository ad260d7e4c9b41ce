"""Chapters 1, 2 and 9 state only numbers that widgets.evidence holds or the model computes.

The prose is read with jupytext (markdown cells only). Every decimal number in it must be a
value of ``widgets.evidence`` (value, SD or range end) or a model result that the chapter's
exercises compute, and the cited values must appear written as the fact sheet allows
("about" for partly verified numbers).
"""

import re

import pytest

from book import ROOT, chapter_markdown, sourced_values
from widgets import evidence as ev
from widgets import kinematics as km

CHAPTERS = {n: ROOT / "chapters" / f"{n}.md"
            for n in ("01-kinetic-chain", "02-anatomy", "09-questions-and-takeaways")}


def prose(name):
    return chapter_markdown(CHAPTERS[name])


def formatted(x):
    return {f"{x:g}", f"{x:.1f}", f"{x:.2f}"}


def evidence_numbers():
    return set().union(*(formatted(x) for x in sourced_values()))


def model_numbers():
    """Results the chapters quote from their exercises (rounded as printed)."""
    fischer = ev.FISCHER2018_EVERSION_TO_TIBIAL_ROTATION.value
    opensim = km.axis_angles(ev.OPENSIM_STJ_AXIS_TALUS_FRAME)
    parts = [*km.pronation_components(10.0), *km.pronation_components(10.0, *opensim)]
    # the graded exercises of issue 16: eversion sweep (ch. 1), Q-angle (ch. 9)
    tibial_10 = km.tibial_rotation_from_eversion(10.0)
    graded = [tibial_10, km.finite_transfer_ratio(10.0), km.small_angle_transfer_ratio(),
              km.q_angle(tibial_10, 0.0), km.q_angle(tibial_10, 4.0)]
    return ({f"{fischer * 8:.1f}"} | {f"{p:.1f}" for p in parts}
            | {text for x in graded for text in (f"{x:.1f}", f"{x:.2f}")})


@pytest.mark.parametrize("name", sorted(CHAPTERS))
def test_every_decimal_number_has_a_source(name):
    allowed = evidence_numbers() | model_numbers()
    stated = set(re.findall(r"\d+\.\d+", prose(name)))
    assert stated <= allowed, f"{name}: numbers without a source: {sorted(stated - allowed)}"


@pytest.mark.parametrize("name", sorted(CHAPTERS))
def test_every_percentage_has_a_source(name):
    allowed = evidence_numbers() | {"1"}  # "per 1% increase" in the adduction moment (Miyazaki2002)
    stated = set(re.findall(r"(\d+(?:\.\d+)?)\s*%", prose(name)))
    assert stated <= allowed, f"{name}: percentages without a source: {sorted(stated - allowed)}"


def test_chapter_2_states_axis_and_knee_numbers_as_the_fact_sheet_allows():
    text = re.sub(r"\s+", " ", prose("02-anatomy"))
    assert f"{ev.STJ_INCLINATION_DEG.value:g}° {{cite:p}}`Payne2003`" in text
    assert f"about {ev.STJ_DEVIATION_DEG.value:g}°" in text  # partly verified: "about"
    assert f"{ev.OPENSIM_STJ_INCLINATION_DEG.value:g}°" in text
    assert f"{ev.OPENSIM_STJ_DEVIATION_DEG.value:g}°" in text
    assert f"about {ev.Q_ANGLE_MEN_DEG.value:g}° in men" in text
    assert (f"about {ev.Q_ANGLE_WOMEN_DEG.low:g}–{ev.Q_ANGLE_WOMEN_DEG.high:g}° in women"
            in text)
    asymmetry = ev.Q_ANGLE_ASYMMETRY
    assert re.search(rf"{asymmetry.value:g}% .{{0,60}}{asymmetry.low:g}° or more", text)
    # Screw-home: textbook knowledge, approximate and uncited.
    screw = ev.SCREW_HOME_ROTATION_DEG
    sentence = next(s for s in text.split(". ") if "screw-home mechanism" in s and "about" in s)
    assert f"about {screw.value:g}°" in sentence
    assert f"{screw.low:g}–{screw.high:g}°" in sentence and "{cite" not in sentence


def test_chapter_1_states_sinclair_exactly():
    text = re.sub(r"\s+", " ", prose("01-kinetic-chain"))
    shod, medial, lateral = (ev.SINCLAIR2017[k] for k in
                             ("shod", "medial_orthosis", "lateral_wedge"))
    assert (f"{shod.tibial_rotation_range_deg:.1f}° in shoes alone, "
            f"{medial.tibial_rotation_range_deg:.1f}° with a 5° medial orthosis and "
            f"{lateral.tibial_rotation_range_deg:.1f}° with a 5° lateral wedge") in text
    assert (f"{shod.peak_eversion_deg:.1f}°, {medial.peak_eversion_deg:.1f}° and "
            f"{lateral.peak_eversion_deg:.1f}°") in text


def test_chapter_9_answers_five_questions_and_states_ranges_as_cited():
    text = prose("09-questions-and-takeaways")
    questions = re.findall(r"^### \d\. (.+)$", text, re.M)
    assert len(questions) == 5
    for topic in ("kinetic chain", "ankle", "conditions", "seek help", "strategies"):
        assert any(topic in q for q in questions), topic
    flat = re.sub(r"\s+", " ", text)
    neal, dowling = ev.NEAL2014_EFFECT_SIZE, ev.DOWLING2014_RELATIVE_RISK
    assert f"{neal.low:g}–{neal.high:g}" in flat and f"{dowling.low:g}–{dowling.high:g}" in flat
    newman = ev.NEWMAN2013_MTSS_PREVALENCE
    assert f"{newman.low:g}–{newman.high:g}%" in flat
    # Chapter 9 gives the orthoses result in words; the ratio (HossainCD008402) stays in chapter 8.
    assert f"{ev.COLLINS2008_SHORT_TERM_RR.value:g}" not in flat


def test_chapter_1_quotes_miyazaki_and_its_follow_up():
    text = re.sub(r"\s+", " ", prose("01-kinetic-chain"))
    odds = ev.MIYAZAKI2002_ADDUCTION_MOMENT_ODDS
    assert (f'"the risk of progression of knee OA increased {odds.value:g} times with a 1% '
            f'increase in adduction moment" {{cite:p}}`Miyazaki2002`') in text
    assert f"In {ev.MIYAZAKI2002_BASELINE_PATIENTS.value:g} people" in text
    assert f"of whom {ev.MIYAZAKI2002_FOLLOWED_UP.value:g} were examined again" in text
    assert "normalised to body size" in text
    assert "per 1% increase" not in text  # the old paraphrase turned the quote into a rule


def test_chapters_1_and_2_put_a_number_on_dorsiflexion_and_the_knee():
    for name in ("01-kinetic-chain", "02-anatomy"):
        text = re.sub(r"\s+", " ", prose(name))
        assert f"{ev.MACRUM2012_WEDGE_DEG.value:g}° wedge under the forefoot" in text, name
        assert "{cite:p}`Macrum2012`" in text, name
        assert "puts a number on" not in text, name


def test_chapter_2_sets_17_degrees_against_the_mean_and_sd():
    text = re.sub(r"\s+", " ", prose("02-anatomy"))
    men, women = ev.Q_ANGLE_MEN_MEAN_DEG, ev.Q_ANGLE_WOMEN_MEAN_DEG
    assert f"{men.value:g} ± {men.sd:g}° in men" in text
    assert f"{women.value:g} ± {women.sd:g}° in women" in text
    # 17° in a man: more than three SD above the mean, as the solution says.
    assert (17 - men.value) / men.sd > 3 and "more than three standard deviations" in text
    assert "not unusual" not in text
    assert "cannot show that a difference is harmless" in text


def test_chapter_9_summarises_the_ottawa_rules_with_the_cited_numbers():
    text = re.sub(r"\s+", " ", prose("09-questions-and-takeaways"))
    q4 = text[text.index("### 4."):text.index("### 5.")]
    assert f"age {ev.OTTAWA_KNEE_AGE_YEARS.value:g} or older" in q4
    assert f"bend the knee to {ev.OTTAWA_KNEE_FLEXION_DEG.value:g}°" in q4
    assert "{cite:p}`Stiell1995`" in q4 and "{cite:p}`Stiell1993`" in q4
    assert "general guidance" in q4
    assert f"among {ev.NIELSEN2014_RUNNERS.value:g} novice runners" in text
