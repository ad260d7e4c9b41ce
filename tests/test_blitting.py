"""Blitted demo pictures (redraw only what changed) equal a full redraw of the same figure.

Each demo figure lists the artists its ``update`` changes in ``dynamic``; a render restores
a saved picture of everything else and draws only those. If an artist that ``update``
changes were missing from the list, the picture would keep showing its old state: these
tests compare every blitted render with a full ``canvas.draw()`` of the same state.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from widgets import kinematics as km
from widgets.axis_explorer import INCLINATION_SLIDER_DEG, AxisExplorerFigure
from widgets.knee_chain import PRONATION_SLIDER_DEG, KneeChainFigure
from widgets.stance_player import PRESET_KEYS, StancePlayerFigure
from widgets.static_frames import DPI_LIVE

# Where a redrawn artist crosses a static one drawn above it in a full draw (a curve's end
# under an axis spine, the hinge curve under the legend's corner), a few pixels differ.
MAX_DIFFERING_PIXEL_FRACTION = 2e-4


def _ends_and_middle(bounds):
    low, high = bounds
    return (low, (low + high) / 2, high)


STATES = {
    "axis explorer": (AxisExplorerFigure, [
        dict(inclination_deg=i, deviation_deg=d, pronation_deg=p)
        for i, d, p in itertools.product(_ends_and_middle(INCLINATION_SLIDER_DEG),
                                         _ends_and_middle(km.DEVIATION_RANGE_DEG),
                                         _ends_and_middle(km.PRONATION_RANGE_DEG))]),
    "knee chain": (KneeChainFigure, [
        dict(pronation_deg=p, femoral_rotation_deg=f, knee_flexion_deg=k)
        for p, f, k in itertools.product(_ends_and_middle(PRONATION_SLIDER_DEG),
                                         _ends_and_middle(km.FEMORAL_ROTATION_RANGE_DEG),
                                         _ends_and_middle(km.KNEE_FLEXION_RANGE_DEG))]),
    "stance player": (StancePlayerFigure, [
        dict(percent_stance=s, preset=preset, coupling_ratio=r)
        for s, preset, r in itertools.product(_ends_and_middle(km.PERCENT_STANCE_RANGE),
                                              PRESET_KEYS,
                                              _ends_and_middle(km.COUPLING_RATIO_RANGE))]),
}


def differing_fraction(figure) -> float:
    """Fraction of pixels where the blitted render differs from a full redraw."""
    blitted = figure.render_rgba(DPI_LIVE).copy()
    figure.fig.canvas.draw()
    full = np.asarray(figure.fig.canvas.buffer_rgba())
    return float(np.any(blitted != full, axis=-1).mean())


@pytest.mark.parametrize("demo", STATES)
def test_blitted_render_equals_a_full_redraw(demo):
    make, states = STATES[demo]
    figure = make()
    for state in states:
        figure.update(**state)
        fraction = differing_fraction(figure)
        assert fraction <= MAX_DIFFERING_PIXEL_FRACTION, f"{demo} {state}: {fraction:.2%} differ"


@pytest.mark.parametrize("demo", STATES)
def test_a_forgotten_dynamic_artist_is_caught(demo):
    """The comparison above can fail: leave one changing artist out of the redraw."""
    make, states = STATES[demo]
    figure = make()
    figure.dynamic = figure.dynamic[:-1]   # its last: a title or readout that changes
    figure.update(**states[0])
    figure.render_rgba(DPI_LIVE)
    figure.update(**states[-1])
    assert differing_fraction(figure) > MAX_DIFFERING_PIXEL_FRACTION


def test_inline_display_still_shows_every_artist():
    """Artists are only 'animated' while the background is saved: savefig shows them all."""
    figure = KneeChainFigure()
    figure.update(pronation_deg=20.0, femoral_rotation_deg=0.0, knee_flexion_deg=0.0)
    figure.render_rgba(DPI_LIVE)
    assert not any(artist.get_animated() for artist in figure.dynamic)


def test_a_new_resolution_saves_a_new_background():
    figure = StancePlayerFigure()
    figure.update(percent_stance=50.0)
    live = figure.render_rgba(DPI_LIVE).shape
    frame = figure.render_rgba(DPI_LIVE / 2).shape
    assert frame[0] == pytest.approx(live[0] / 2, abs=1)
    assert differing_fraction(figure) <= MAX_DIFFERING_PIXEL_FRACTION


def test_the_static_legend_never_lies_under_the_hinge_curve():
    """The ratio legend is not redrawn, so the curve drawn over it must never reach it."""
    figure = AxisExplorerFigure()
    figure.update()
    figure.render_rgba(DPI_LIVE)
    axes = figure.ax_ratio
    legend = axes.get_legend().get_window_extent()
    for deviation in np.linspace(*km.DEVIATION_RANGE_DEG, 7):
        figure.update(inclination_deg=INCLINATION_SLIDER_DEG[1], deviation_deg=deviation)
        points = axes.transData.transform(np.column_stack(figure.hinge_curve.get_data()))
        marker = axes.transData.transform(np.column_stack(figure.marker.get_data()))
        for xy in (*points, *marker):
            assert not legend.contains(*xy), f"deviation {deviation:.0f}°: curve under legend"
