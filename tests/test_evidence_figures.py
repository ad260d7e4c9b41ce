"""Chapters 6-8: the figures plot the sourced values, and the prose states only sourced numbers."""

import re

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from book import BIB_KEYS, ROOT, chapter_markdown, sourced_values  # noqa: E402
from widgets import evidence as ev  # noqa: E402
from widgets import evidence_figures as ef  # noqa: E402
from widgets import kinematics as km  # noqa: E402

EVIDENCE_CHAPTERS = ["06-conditions", "07-evidence", "08-assessment-and-care"]


def prose(chapter: str) -> str:
    return chapter_markdown(ROOT / "chapters" / f"{chapter}.md")


def close_all():
    plt.close("all")


# --- the one computation of the module ------------------------------------------------------
def test_odds_ratio_equals_relative_risk_for_rare_outcomes():
    assert ef.risk_ratio_from_odds_ratio(2.35, 0.0) == pytest.approx(2.35)


def test_odds_ratio_conversion_matches_the_odds_arithmetic():
    odds_ratio, p0 = ev.REINKING2017_FEMALE_OR.value, 0.35
    odds1 = odds_ratio * p0 / (1 - p0)
    p1 = odds1 / (1 + odds1)
    assert ef.risk_ratio_from_odds_ratio(odds_ratio, p0) == pytest.approx(p1 / p0)
    # For a common outcome the odds ratio overstates the relative risk.
    assert ef.risk_ratio_from_odds_ratio(odds_ratio, p0) < odds_ratio - 0.5


def test_odds_ratio_conversion_rejects_impossible_inputs():
    with pytest.raises(ValueError):
        ef.risk_ratio_from_odds_ratio(2.0, 1.0)
    with pytest.raises(ValueError):
        ef.risk_ratio_from_odds_ratio(-1.0, 0.1)


# --- the figures draw the sourced values ----------------------------------------------------
def plotted_x(fig) -> set[float]:
    xs = set()
    for ax in fig.axes:
        for line in ax.get_lines():
            xs.update(round(float(x), 4) for x in np.atleast_1d(line.get_xdata()))
    return xs


def test_mtss_figure_plots_the_pooled_values():
    fig = ef.mtss_risk_factors_figure()
    nd = ev.HAMSTRAWRIGHT2015_NAVICULAR_DROP_MM
    xs = plotted_x(fig)
    assert {ev.REINKING2017_FEMALE_OR.value, ev.REINKING2017_PREVIOUS_INJURY_OR.value,
            nd.value} <= xs
    # The error bar spans exactly the reported interval.
    segments = fig.axes[1].collections[0].get_segments()
    assert segments[0][:, 0] == pytest.approx([nd.low, nd.high])
    close_all()


def test_effect_size_figure_plots_every_estimate_against_its_null():
    fig = ef.effect_sizes_figure()
    xs = plotted_x(fig)
    for s in (ev.DOWLING2014_RELATIVE_RISK, ev.NEAL2014_EFFECT_SIZE):
        assert {s.low, s.high} <= xs
    for s in (ev.COLLINS2008_SHORT_TERM_RR, ev.REINKING2017_FEMALE_OR,
              ev.REINKING2017_PREVIOUS_INJURY_OR, ev.REINKING2017_NAVICULAR_DROP_SMD):
        assert s.value in xs
    ratios, standardised = fig.axes
    assert ratios.get_xscale() == "log" and {1.0} <= plotted_x_of(ratios)
    assert {0.0} <= plotted_x_of(standardised)
    # A partly verified number is labelled "about", a verified one plainly.
    labels = {t.get_text() for t in ratios.texts}
    for est in ef._RATIO_ESTIMATES:
        if est.sourced.value is not None:
            plain = f"{est.sourced.value:g}"
            assert (f"about {plain}" if est.sourced.status == ev.PARTLY else plain) in labels
    assert f"{ev.HOSSAIN_ORTHOSES_SHORT_TERM_RR.value:g}" in labels
    close_all()


def plotted_x_of(ax) -> set[float]:
    return {round(float(x), 4) for line in ax.get_lines() for x in np.atleast_1d(line.get_xdata())}


def test_itbs_bars_are_the_noehren_differences():
    fig = ef.itbs_differences_figure()
    widths = sorted(p.get_width() for p in fig.axes[0].patches)
    assert widths == sorted([ev.NOEHREN2014_HIP_INTERNAL_ROTATION_DEG.value,
                             ev.NOEHREN2014_KNEE_ADDUCTION_DEG.value])
    close_all()


def test_insert_timeline_marks_the_follow_up_times():
    fig = ef.insert_evidence_timeline_figure()
    xs = plotted_x(fig)
    assert {ev.COLLINS2008_SHORT_TERM_WEEKS.value, ev.COLLINS2008_LONG_TERM_WEEKS.value} <= xs
    close_all()


def test_odds_versus_risk_curve_starts_at_the_odds_ratio_and_falls():
    fig = ef.odds_versus_risk_figure()
    curve = fig.axes[0].get_lines()[1].get_ydata()
    assert curve[0] == pytest.approx(ev.REINKING2017_FEMALE_OR.value)
    assert np.all(np.diff(curve) < 0)
    close_all()


@pytest.mark.parametrize("name", ["condition_map_figure", "hypothesis_chain_figure",
                                  "assessment_map_figure", "consensus_figure"])
def test_diagram_figures_carry_text(name):
    fig = getattr(ef, name)()
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert len(texts) >= 4
    close_all()


def test_tables_behind_the_diagrams_cite_known_keys_and_verdicts():
    for link in ef.PRONATION_CHAIN:
        assert set(link.keys) <= BIB_KEYS and link.verdict in ef.VERDICT_COLOURS
    assert {r.verdict for r in ef.PFP_CONSENSUS} == set(ef.VERDICT_COLOURS)
    # Powers2002 and Reischl1999 are the links that failed.
    failed = {k for link in ef.PRONATION_CHAIN if link.verdict == "does not support"
              for k in link.keys}
    assert failed == {"Powers2002", "Reischl1999"}


# --- the prose states only what the evidence module holds -----------------------------------
# Teaching numbers that are not findings: "an RR of 2 and an RR of 0.5" explains the log scale.
# Chapter 7 also sets the measured slope against the model's ideal-hinge ratios (0.94, 0.77).
_OPENSIM_AXIS = km.axis_angles(ev.OPENSIM_STJ_AXIS_TALUS_FRAME)
ILLUSTRATIVE = {0.5, round(float(km.small_angle_transfer_ratio()), 2),
                round(float(km.small_angle_transfer_ratio(*_OPENSIM_AXIS)), 2)}


def without_code_solutions(text: str) -> str:
    """Drop solution-start ... solution-end blocks: they report what the solution code computes."""
    return re.sub(r"```\{solution-start\}.*?```\{solution-end\}", "", text, flags=re.S)


@pytest.mark.parametrize("chapter", EVIDENCE_CHAPTERS)
def test_every_decimal_in_the_prose_is_a_sourced_value(chapter):
    allowed = sourced_values() | ILLUSTRATIVE
    for number in re.findall(r"(?<![\w.])\d+\.\d+(?![\w.])", without_code_solutions(prose(chapter))):
        assert float(number) in allowed, f"{chapter}: {number} is not in widgets.evidence"


PARTLY_DECIMALS = [s for s in ev.all_sourced().values()
                   if s.status == ev.PARTLY and s.value is not None and s.value % 1]


@pytest.mark.parametrize("chapter", EVIDENCE_CHAPTERS)
def test_partly_verified_numbers_are_written_with_about(chapter):
    text = prose(chapter)
    for s in PARTLY_DECIMALS:
        for match in re.finditer(re.escape(f"{s.value:g}"), text):
            before = text[max(0, match.start() - 40):match.start()]
            assert "about" in before, f"{chapter}: '{s.value}' without 'about'"


def paragraphs_stating(text: str, number: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", text) if re.search(rf"(?<![\d.]){re.escape(number)}(?![\d])", p)]


@pytest.mark.parametrize("chapter", EVIDENCE_CHAPTERS + ["05-stance-phase", "09-questions-and-takeaways"])
def test_the_orthoses_relative_risk_is_cited_to_the_cochrane_review(chapter):
    """1.48 is the Cochrane review's figure for the Collins2008 trial (FACTS.md): wherever the
    prose states it, the paragraph cites HossainCD008402."""
    rr = f"{ev.HOSSAIN_ORTHOSES_SHORT_TERM_RR.value:g}"
    for paragraph in paragraphs_stating(prose(chapter), rr):
        assert "HossainCD008402" in paragraph, f"{chapter}: {rr} not cited to the Cochrane review"


def test_the_cochrane_citation_check_fails_on_a_paragraph_citing_only_the_trial():
    broken = "Orthoses gave a relative risk of 1.48 at 6 weeks {cite:p}`Collins2008`.\n\nMore."
    paragraphs = paragraphs_stating(broken, "1.48")
    assert paragraphs and "HossainCD008402" not in paragraphs[0]


def test_the_chapters_state_the_key_findings():
    text = {c: prose(c) for c in EVIDENCE_CHAPTERS}
    assert "2.35" in text["06-conditions"] and "1.19 mm" in text["06-conditions"]
    assert "0.28 to\n0.33" in text["07-evidence"] or "0.28 to 0.33" in text["07-evidence"]
    assert "not at 52 weeks" in text["08-assessment-and-care"]
    assert "short-term" in text["08-assessment-and-care"]
