"""Figures of chapters 6 to 8: the conditions, the evidence, and what helps.

Each ``*_figure`` function builds one matplotlib figure and returns it; a chapter cell calls
it and shows it. Every plotted number is read from :mod:`widgets.evidence` (value, bibtex key
and verification status); the only arithmetic here is :func:`risk_ratio_from_odds_ratio`,
a standard conversion. Colours follow :mod:`widgets.style`.
"""

from __future__ import annotations

from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter
from matplotlib.patches import Circle, FancyBboxPatch, Polygon

from widgets import evidence as ev
from widgets import style

__all__ = [
    "risk_ratio_from_odds_ratio", "ChainLink", "PRONATION_CHAIN", "Recommendation",
    "PFP_CONSENSUS", "VERDICT_COLOURS",
    "condition_map_figure", "mtss_risk_factors_figure", "itbs_differences_figure",
    "hypothesis_chain_figure", "effect_sizes_figure", "odds_versus_risk_figure",
    "assessment_map_figure", "consensus_figure", "verdict_figure", "insert_evidence_timeline_figure",
]

VERDICT_COLOURS = style.VERDICT_COLOURS


def risk_ratio_from_odds_ratio(odds_ratio, baseline_risk):
    """Relative risk implied by an odds ratio when the unexposed group has ``baseline_risk``.

    RR = OR / (1 - p0 + p0 * OR); the two agree only when the outcome is rare (p0 -> 0).
    Works element-wise on numpy arrays.
    """
    p0 = np.asarray(baseline_risk, dtype=float)
    if np.any((p0 < 0) | (p0 >= 1)):
        raise ValueError("baseline risk must be in [0, 1)")
    if np.any(np.asarray(odds_ratio) <= 0):
        raise ValueError("an odds ratio is positive")
    return odds_ratio / (1.0 - p0 + p0 * odds_ratio)


# --- A schematic right leg from the front (drawing only, arbitrary units) --------------------
_THIGH = [(-0.42, 2.0), (0.42, 2.0), (0.32, 1.08), (-0.32, 1.08)]
_SHANK = [(-0.30, 0.98), (0.30, 0.98), (0.15, 0.12), (-0.15, 0.12)]
_FOOT = [(-0.20, 0.10), (0.20, 0.10), (0.30, -0.05), (-0.26, -0.05)]
_PATELLA = (0.0, 1.10)
_MEDIAL, _LATERAL = -1, 1   # a right leg seen from the front: medial is the viewer's left


def _draw_leg(ax) -> None:
    for outline, colour in ((_THIGH, style.FEMUR), (_SHANK, style.TIBIA), (_FOOT, style.FOOT)):
        ax.add_patch(Polygon(outline, closed=True, facecolor=colour, alpha=0.18,
                             edgecolor=colour, lw=1.2))
    ax.add_patch(Circle(_PATELLA, 0.09, facecolor="white", edgecolor=style.KNEE, lw=1.5))
    ax.plot([-0.36, 0.36], [1.0, 1.0], color=style.IDEAL, lw=0.8, ls=":")  # joint line
    ax.text(-1.15, 2.05, "medial", fontsize=8, color="#555555")
    ax.text(0.85, 2.05, "lateral", fontsize=8, color="#555555")
    ax.set_xlim(-1.6, 1.6)
    ax.set_ylim(-0.15, 2.15)
    ax.set_aspect("equal")
    ax.set_axis_off()


def _callout(ax, spot, text, side, y_text, colour) -> None:
    ax.add_patch(Circle(spot, 0.06, facecolor=colour, edgecolor=style.IDEAL, lw=0.6, zorder=4))
    x_text = 0.6 * side
    ax.annotate(text, xy=spot, xytext=(x_text, y_text), fontsize=8,
                ha="left" if side > 0 else "right", va="center",
                arrowprops=dict(arrowstyle="-", color="#666666", lw=0.7))


# --- Chapter 6 ----------------------------------------------------------------------------
def condition_map_figure() -> Figure:
    """Where each condition of chapter 6 is felt, on a right leg seen from the front."""
    fig, ax = plt.subplots(figsize=(6.0, 5.0))
    _draw_leg(ax)
    _callout(ax, _PATELLA, "Patellofemoral pain:\naround or behind the patella", _LATERAL, 1.55,
             style.KNEE)
    _callout(ax, (0.33, 1.12), "Iliotibial band syndrome:\nouter side of the knee", _LATERAL,
             1.05, style.FEMUR)
    _callout(ax, (0.27, 0.99), "Lateral meniscus:\nouter joint line", _LATERAL, 0.65, style.KNEE)
    _callout(ax, (-0.29, 0.99), "Medial meniscus:\ninner joint line", _MEDIAL, 1.2, style.KNEE)
    _callout(ax, (-0.12, 0.93), "Medial knee osteoarthritis:\ninner compartment", _MEDIAL,
             1.55, style.KNEE)
    _callout(ax, (-0.2, 0.55), "Medial tibial stress syndrome:\ninner border of the shin",
             _MEDIAL, 0.45, style.TIBIA)
    fig.tight_layout()
    return fig


def mtss_risk_factors_figure() -> Figure:
    """MTSS: two odds ratios (Reinking2017) and the navicular-drop difference (HamstraWright2015)."""
    fig, (ratios, drop) = plt.subplots(1, 2, figsize=style.FIGSIZE_WIDE,
                                       gridspec_kw={"width_ratios": [1.2, 1]})
    odds = [("Female sex", ev.REINKING2017_FEMALE_OR),
            ("Previous running\ninjury", ev.REINKING2017_PREVIOUS_INJURY_OR)]
    for y, (label, sourced) in enumerate(odds):
        ratios.plot(sourced.value, y, "o", color=style.MEASURED, ms=9)
        ratios.text(sourced.value * 1.06, y + 0.18, f"OR {sourced.value:.2f}", fontsize=8)
    ratios.axvline(1.0, color=style.IDEAL, lw=1)
    ratios.set_xscale("log")
    ratios.set_xlim(0.5, 5)
    ratios.set_xticks([0.5, 1, 2, 4], labels=["0.5", "1", "2", "4"])
    ratios.xaxis.set_minor_formatter(NullFormatter())
    ratios.set_yticks(range(len(odds)), labels=[label for label, _ in odds])
    ratios.set_ylim(-0.6, len(odds) - 0.4)
    ratios.set_xlabel("Odds ratio (log scale; 1 = no difference)")
    ratios.set_title("Odds ratios (Reinking et al. 2017)", fontsize=9)
    style.apply(ratios)

    nd = ev.HAMSTRAWRIGHT2015_NAVICULAR_DROP_MM
    drop.errorbar(nd.value, 0, xerr=[[nd.value - nd.low], [nd.high - nd.value]], fmt="o",
                  color=style.FOOT, ms=9, capsize=5, lw=2)
    drop.text(nd.value, 0.25, f"{nd.value:.2f} mm ({nd.low:.2f} to {nd.high:.2f})",
              ha="center", fontsize=8)
    drop.axvline(0.0, color=style.IDEAL, lw=1)
    drop.set_xlim(-0.5, 2.5)
    drop.set_ylim(-1, 1)
    drop.set_yticks([0], labels=["Navicular\ndrop"])
    drop.set_xlabel("Mean difference (mm)")
    drop.set_title("Hamstra-Wright et al. 2015", fontsize=9)
    style.apply(drop)
    fig.tight_layout()
    return fig


def itbs_differences_figure() -> Figure:
    """Men with ITBS vs controls (Noehren2014): larger hip internal rotation and knee adduction."""
    rows = [("Hip internal rotation", ev.NOEHREN2014_HIP_INTERNAL_ROTATION_DEG, style.FEMUR),
            ("Knee adduction", ev.NOEHREN2014_KNEE_ADDUCTION_DEG, style.KNEE)]
    fig, ax = plt.subplots(figsize=(5.5, 2.4))
    for y, (label, sourced, colour) in enumerate(rows):
        ax.barh(y, sourced.value, color=colour, height=0.5)
        ax.text(sourced.value + 0.1, y, f"+{sourced.value:.1f}°", va="center", fontsize=9)
    ax.set_yticks(range(len(rows)), labels=[label for label, _, _ in rows])
    ax.set_xlim(0, 5)
    ax.invert_yaxis()
    ax.set_xlabel("How much larger in the ITBS group (degrees)")
    style.apply(ax)
    fig.tight_layout()
    return fig


# --- Chapter 7 ----------------------------------------------------------------------------
class ChainLink(NamedTuple):
    """One step of the pronation -> knee pain story, what the evidence says, and its sources."""

    claim: str
    finding: str
    verdict: str
    keys: tuple[str, ...]


#: The story as Tiberio1987 proposed it, link by link, with the book's reading (chapter 7).
PRONATION_CHAIN: tuple[ChainLink, ...] = (
    ChainLink("Heel eversion turns the tibia inwards",
              "yes in cadavers, less than 1:1; transfer varies between feet and people",
              "supports", ("Hintermann1994", "Fischer2018", "Nigg1993")),
    ChainLink("More pronation, more tibial and femoral rotation",
              "peak pronation did not predict them in walking",
              "does not support", ("Reischl1999",)),
    ChainLink("People with PFP pronate more",
              "no difference in peak or timing; less femoral rotation",
              "does not support", ("Powers2002",)),
    ChainLink("Rotation shifts the patella on the femur",
              "yes, but it is the femur that rotates under the patella",
              "supports", ("Souza2010",)),
    ChainLink("Pronated feet predict PFP",
              "very limited (posture), limited to very limited (motion)",
              "limited or mixed", ("Neal2014", "Dowling2014")),
)


def hypothesis_chain_figure(chain: tuple[ChainLink, ...] = PRONATION_CHAIN) -> Figure:
    """Each link of the story as a box coloured by what the evidence shows."""
    fig, ax = plt.subplots(figsize=(7.0, 0.95 * len(chain) + 0.6))
    for i, link in enumerate(chain):
        y = len(chain) - 1 - i
        box = FancyBboxPatch((0.0, y - 0.36), 1.0, 0.72, boxstyle="round,pad=0.02",
                             facecolor=VERDICT_COLOURS[link.verdict], alpha=0.35,
                             edgecolor=style.IDEAL, lw=0.8)
        ax.add_patch(box)
        ax.text(0.02, y + 0.13, f"{i + 1}. {link.claim}", fontsize=9, weight="bold", va="center")
        ax.text(0.02, y - 0.17, f"{link.finding}  [{', '.join(link.keys)}]", fontsize=7.5,
                va="center")
        if i < len(chain) - 1:
            ax.annotate("", xy=(0.5, y - 0.55), xytext=(0.5, y - 0.38),
                        arrowprops=dict(arrowstyle="-|>", color="#555555"))
    for verdict, colour in VERDICT_COLOURS.items():
        ax.scatter([], [], s=80, marker="s", color=colour, alpha=0.6, edgecolor=style.IDEAL,
                   label=verdict)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=8, frameon=False)
    ax.set_xlim(-0.03, 1.03)
    ax.set_ylim(-0.6, len(chain) - 0.4)
    ax.set_axis_off()
    fig.tight_layout()
    return fig


class _Estimate(NamedTuple):
    label: str
    sourced: ev.Sourced
    about_the_foot: bool


_RATIO_ESTIMATES = (
    _Estimate("Rearfoot motion → PFP, RR\n(Dowling 2014; range over studies)",
              ev.DOWLING2014_RELATIVE_RISK, True),
    _Estimate("Orthoses vs flat inserts at 6 weeks, RR\n(Collins 2008 trial; Hossain et al.)",
              ev.HOSSAIN_ORTHOSES_SHORT_TERM_RR, True),
    _Estimate("Female sex → MTSS, OR\n(Reinking 2017)", ev.REINKING2017_FEMALE_OR, False),
    _Estimate("Previous running injury → MTSS, OR\n(Reinking 2017)",
              ev.REINKING2017_PREVIOUS_INJURY_OR, False),
)
_STANDARDISED_ESTIMATES = (
    _Estimate("Foot posture, effect sizes\n(Neal 2014; range of findings)",
              ev.NEAL2014_EFFECT_SIZE, True),
    _Estimate("Navicular drop → MTSS, SMD\n(Reinking 2017)", ev.REINKING2017_NAVICULAR_DROP_SMD,
              True),
)


def _plot_estimates(ax, estimates, null_value) -> None:
    for y, est in enumerate(estimates):
        colour = style.FOOT if est.about_the_foot else style.MEASURED
        s = est.sourced
        if s.value is None:   # only a range is reported: draw it as a bar, not a point
            ax.plot([s.low, s.high], [y, y], color=colour, lw=7, solid_capstyle="butt")
            text = f"{s.low:g}–{s.high:g}"
            x_text = s.high
        else:
            ax.plot(s.value, y, "o", color=colour, ms=9)
            text = f"about {s.value:g}" if s.status == ev.PARTLY else f"{s.value:g}"
            x_text = s.value
        ax.annotate(text, (x_text, y), xytext=(6, 0), textcoords="offset points",
                    va="center", fontsize=8)
    ax.axvline(null_value, color=style.IDEAL, lw=1)
    ax.set_yticks(range(len(estimates)), labels=[e.label for e in estimates], fontsize=8)
    ax.set_ylim(len(estimates) - 0.5, -0.5)
    style.apply(ax)


def effect_sizes_figure() -> Figure:
    """Ratio measures (null = 1, log axis) and standardised differences (null = 0) side by side."""
    fig, (ratios, standardised) = plt.subplots(
        2, 1, figsize=(7.0, 5.2), gridspec_kw={"height_ratios": [len(_RATIO_ESTIMATES),
                                                                 len(_STANDARDISED_ESTIMATES) + 0.6]})
    _plot_estimates(ratios, _RATIO_ESTIMATES, null_value=1.0)
    ratios.set_xscale("log")
    ratios.set_xlim(0.5, 6)
    ratios.set_xticks([0.5, 1, 2, 4], labels=["0.5", "1", "2", "4"])
    ratios.xaxis.set_minor_formatter(NullFormatter())
    ratios.set_xlabel("Relative risk or odds ratio (log scale; 1 = no difference)")
    _plot_estimates(standardised, _STANDARDISED_ESTIMATES, null_value=0.0)
    standardised.set_xlim(-0.2, 1.0)
    standardised.set_xlabel("Standardised effect size (0 = no difference)")
    ratios.plot([], [], "s", color=style.FOOT, label="about the foot")
    ratios.plot([], [], "s", color=style.MEASURED, label="other factors")
    ratios.legend(loc="lower right", fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def odds_versus_risk_figure(odds_ratio: float | None = None) -> Figure:
    """How far an odds ratio overstates the relative risk as the outcome becomes common."""
    if odds_ratio is None:
        odds_ratio = ev.REINKING2017_FEMALE_OR.value
    baseline = np.linspace(0.0, 0.5, 101)
    fig, ax = plt.subplots(figsize=style.FIGSIZE_WIDE)
    ax.plot(100 * baseline, np.full_like(baseline, odds_ratio), color=style.MEASURED, ls="--",
            label=f"odds ratio = {odds_ratio:.2f}")
    ax.plot(100 * baseline, risk_ratio_from_odds_ratio(odds_ratio, baseline), color=style.TIBIA,
            lw=2, label="relative risk it implies")
    ax.axhline(1.0, color=style.IDEAL, lw=0.8)
    ax.set_xlabel("Risk in the comparison group (%)")
    ax.set_ylabel("Ratio")
    ax.set_ylim(0.8, odds_ratio + 0.4)
    ax.legend(fontsize=8, frameon=False)
    style.apply(ax)
    fig.tight_layout()
    return fig


# --- Chapter 8 ----------------------------------------------------------------------------
def assessment_map_figure() -> Figure:
    """What an assessment looks at, level by level, on the schematic leg."""
    fig, ax = plt.subplots(figsize=(6.0, 5.0))
    _draw_leg(ax)
    _callout(ax, (0.0, 1.85), "Hip: strength of abductors\nand external rotators", _LATERAL, 1.85,
             style.FEMUR)
    _callout(ax, _PATELLA, "Knee: where it hurts,\nwhat brings it on", _LATERAL, 1.3, style.KNEE)
    _callout(ax, (0.0, 0.2), "Ankle: dorsiflexion range,\nbalance on one leg", _LATERAL, 0.45,
             style.TIBIA)
    _callout(ax, (-0.12, 0.03), "Foot: posture,\nnavicular drop", _MEDIAL, 0.25, style.FOOT)
    _callout(ax, (-0.36, 1.5), "Whole limb: squat, step-down,\nwalking and running", _MEDIAL,
             1.6, style.MEASURED)
    fig.tight_layout()
    return fig


class Recommendation(NamedTuple):
    """One intervention for patellofemoral pain and what the consensus statements say of it."""

    intervention: str
    verdict: str
    detail: str


#: Crossley2016part2 and Collins2018, as summarised in FACTS.md (chapter 8).
PFP_CONSENSUS: tuple[Recommendation, ...] = (
    Recommendation("Exercise therapy", "supports", "recommended"),
    Recommendation("Hip- and knee-targeted exercise", "supports",
                   "preferred over knee exercise alone"),
    Recommendation("Combined interventions", "supports", "short- and medium-term pain"),
    Recommendation("Prefabricated foot orthoses", "limited or mixed", "short-term pain only"),
    Recommendation("Taping, bracing", "limited or mixed", "uncertain"),
    Recommendation("Gait retraining", "limited or mixed", "uncertain"),
    Recommendation("Mobilisation in isolation", "does not support", "not recommended"),
    Recommendation("Electrophysical agents", "does not support", "not recommended"),
)


def verdict_figure(rows, *, detail_x: float, detail_ha: str = "left",
                   legend_labels: dict[str, str] | None = None, width: float = 7.0,
                   detail_size: float = 8) -> Figure:
    """A list of (text, verdict, detail) rows, each with a square in its verdict's colour.

    Shared by the consensus chart (chapter 8) and the evidence-at-a-glance chart (chapter 9),
    so that one verdict always looks the same in the book.
    """
    fig, ax = plt.subplots(figsize=(width, 0.44 * len(rows) + 0.9))
    for y, (text, verdict, detail) in enumerate(rows):
        ax.scatter(0.0, y, s=165, marker="s", color=VERDICT_COLOURS[verdict],
                   edgecolor=style.IDEAL, linewidth=0.6)
        ax.text(0.05, y, text, va="center", fontsize=9)
        ax.text(detail_x, y, detail, va="center", ha=detail_ha, fontsize=detail_size,
                color="#333333")
    for verdict, colour in VERDICT_COLOURS.items():
        ax.scatter([], [], s=80, marker="s", color=colour, edgecolor=style.IDEAL,
                   linewidth=0.6, label=(legend_labels or {}).get(verdict, verdict))
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=8, frameon=False)
    ax.set_xlim(-0.04, 1.0)
    ax.set_ylim(len(rows) - 0.5, -0.6)
    ax.set_axis_off()
    fig.tight_layout()
    return fig


def consensus_figure(rows: tuple[Recommendation, ...] = PFP_CONSENSUS) -> Figure:
    """The consensus recommendations for patellofemoral pain, coloured by verdict."""
    return verdict_figure(
        [(row.intervention, row.verdict, row.detail) for row in rows], detail_x=0.55,
        legend_labels={"supports": "recommended", "limited or mixed": "limited or uncertain",
                       "does not support": "not recommended"})


def insert_evidence_timeline_figure() -> Figure:
    """How far in time the trial evidence for inserts reaches (Collins2008, Bennell2011)."""
    short, long_ = ev.COLLINS2008_SHORT_TERM_WEEKS.value, ev.COLLINS2008_LONG_TERM_WEEKS.value
    wedge_weeks = ev.BENNELL2011_WEDGE_MONTHS.value * 52 / 12
    fig, ax = plt.subplots(figsize=style.FIGSIZE_WIDE)
    ax.plot([0, long_], [1, 1], color="#cccccc", lw=2)
    ax.plot(short, 1, "o", color=style.SUPPORTS, ms=11)
    ax.annotate(f"better than flat inserts\n(RR {ev.HOSSAIN_ORTHOSES_SHORT_TERM_RR.value:.2f})",
                (short, 1), xytext=(short + 2, 1.28), fontsize=8)
    ax.plot(long_, 1, "X", color=style.AGAINST, ms=11)
    ax.annotate("no longer better", (long_, 1), xytext=(long_ - 14, 1.28), fontsize=8)
    ax.plot([0, wedge_weeks], [0, 0], color="#cccccc", lw=2)
    ax.plot(wedge_weeks, 0, "X", color=style.AGAINST, ms=11)
    ax.annotate("no significant benefit for\npain or cartilage", (wedge_weeks, 0),
                xytext=(wedge_weeks - 22, 0.22), fontsize=8)
    ax.set_yticks([0, 1], labels=["Lateral wedges,\nmedial knee OA\n(Bennell 2011)",
                                  "Prefabricated orthoses,\npatellofemoral pain\n(Collins 2008)"])
    ax.set_ylim(-0.5, 1.75)
    ax.set_xlim(0, 60)
    ax.set_xlabel("Weeks after starting to wear the insert")
    style.apply(ax)
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig
