"""Stance-phase player (chapter 5): rearfoot eversion and tibial internal rotation over stance.

One drawing path (:class:`StancePlayerFigure`), three ways to use it:

- ``draw_stance_player(percent_stance, preset, coupling_ratio)`` returns a Figure;
- ``stance_player()`` returns a live ipywidgets demo: play button, %-of-stance slider,
  coupling-ratio slider and a selector for the Sinclair2017 presets;
- ``stance_player_frames()`` returns the kernel-free fallback (preset × %-of-stance
  frames with a play button, switched in the browser).

The curves are :func:`widgets.kinematics.stance_eversion` and
:func:`widgets.kinematics.stance_tibial_rotation`: their peak eversion and rotation range
are Sinclair2017's (running at 4 m/s), their *shape* is illustrative (see the model).
"""

from __future__ import annotations

import ipywidgets as ipw
import numpy as np
from matplotlib.figure import Figure

from . import evidence, kinematics as km, style
from .static_frames import (DemoFigure, FrameAxis, FrameExplorer, LiveDemo, frame_explorer,
                            signed_angle, slider)

PRESET_KEYS = tuple(km.STANCE_PRESETS)
_CURVE_PERCENT = np.linspace(*km.PERCENT_STANCE_RANGE, 201)
PLAY_STEP_PERCENT = 5
# Words of the text alternative for positive and negative angles.
REARFOOT = ("rearfoot eversion", "rearfoot inversion")
TIBIA = ("tibial internal rotation", "tibial external rotation")


def _curves(preset: km.StancePreset, coupling_ratio: float, percent):
    """Eversion and tibial rotation for a preset whose early coupling ratio is replaced."""
    late = km.ILLUSTRATIVE_LATE_TO_EARLY_RATIO * coupling_ratio
    eversion = km.stance_eversion(percent, preset.peak_eversion_deg,
                                  peak_percent=preset.peak_percent,
                                  inversion_fraction=preset.inversion_fraction)
    rotation = km.stance_tibial_rotation(percent, preset.peak_eversion_deg, coupling_ratio, late,
                                         peak_percent=preset.peak_percent,
                                         inversion_fraction=preset.inversion_fraction)
    return eversion, rotation


class StancePlayerFigure(DemoFigure):
    """Eversion and tibial-rotation curves over stance, a moving marker and a readout."""

    def __init__(self, figsize=(8.0, 3.6)):
        self.fig = Figure(figsize=figsize, layout="constrained")
        self.ax_ev, self.ax_tib = self.fig.subplots(1, 2, sharex=True)
        limit = km.EVERSION_RANGE_DEG[1] * 0.6
        for ax, colour, title in ((self.ax_ev, style.FOOT, "Rearfoot eversion"),
                                  (self.ax_tib, style.TIBIA, "Tibial internal rotation")):
            style.apply(ax)
            ax.set_xlim(*km.PERCENT_STANCE_RANGE)
            ax.set_ylim(-limit / 2, limit)
            ax.axhline(0, color="black", lw=0.8)
            ax.set_xlabel("% of stance")
            ax.set_title(title, fontsize=10, color=colour)
        self.ax_ev.set_ylabel("degrees")
        # Curves, markers and cursor lie above the spines (zorder 2.5), as the blitted
        # redraw draws them: at 0% and 100% of stance they meet the frame.
        above = 2.6
        self.ev_curve, = self.ax_ev.plot([], [], color=style.FOOT, lw=2, zorder=above)
        self.tib_curve, = self.ax_tib.plot([], [], color=style.TIBIA, lw=2, zorder=above)
        # Not clipped: at 0 % and 100 % of stance the whole marker shows on the frame.
        self.ev_marker, = self.ax_ev.plot([], [], "o", color=style.FOOT, ms=9, mec="black",
                                          zorder=above, clip_on=False)
        self.tib_marker, = self.ax_tib.plot([], [], "o", color=style.TIBIA, ms=9, mec="black",
                                            zorder=above, clip_on=False)
        self.cursor = [ax.axvline(0, color="#999999", lw=1, zorder=above)
                       for ax in (self.ax_ev, self.ax_tib)]
        self.ev_text = self.ax_ev.text(0.02, 0.97, "", transform=self.ax_ev.transAxes,
                                       va="top", fontsize=9)
        self.tib_text = self.ax_tib.text(0.02, 0.97, "", transform=self.ax_tib.transAxes,
                                         va="top", fontsize=9)
        self.suptitle = self.fig.suptitle("", fontsize=10)
        self.dynamic = [self.ev_curve, self.ev_marker, self.cursor[0], self.ev_text,
                        self.tib_curve, self.tib_marker, self.cursor[1], self.tib_text,
                        self.suptitle]
        self.params = {}

    def update(self, percent_stance=0.0, preset="shod", coupling_ratio=None):
        chosen = km.STANCE_PRESETS[preset]
        ratio = chosen.ratio_early if coupling_ratio is None else coupling_ratio
        eversion, rotation = _curves(chosen, ratio, _CURVE_PERCENT)
        self.ev_curve.set_data(_CURVE_PERCENT, eversion)
        self.tib_curve.set_data(_CURVE_PERCENT, rotation)
        ev_now, tib_now = (float(v) for v in _curves(chosen, ratio, percent_stance))
        self.ev_marker.set_data([percent_stance], [ev_now])
        self.tib_marker.set_data([percent_stance], [tib_now])
        for line in self.cursor:
            line.set_xdata([percent_stance, percent_stance])
        self.ev_text.set_text(f"now {ev_now:+.1f}°\npeak {chosen.peak_eversion_deg:.1f}°")
        rotation_range = float(np.max(rotation) - np.min(rotation))
        self.tib_text.set_text(f"now {tib_now:+.1f}°\nrange over stance {rotation_range:.1f}°")
        self.suptitle.set_text(
            f"{chosen.label} ({_citation(chosen.source_key)}, running): {percent_stance:.0f}% of stance, "
            f"coupling ratio {ratio:.2f} (illustrative curve shape)")
        self.params = dict(percent_stance=percent_stance, preset=preset, coupling_ratio=ratio,
                           eversion_deg=ev_now, tibial_rotation_deg=tib_now,
                           tibial_rotation_range_deg=rotation_range)

    def describe_params(self, params):
        """E.g. "Stance phase of running (Sinclair 2017), Shod (no insert), at 50% of stance:
        rearfoot eversion 12.4°, tibial internal rotation 5.8°; ..."."""
        chosen = km.STANCE_PRESETS[params["preset"]]
        return (f"Stance phase of running ({_citation(chosen.source_key)}), {chosen.label}, at "
                f"{params['percent_stance']:.0f}% of stance: "
                f"{signed_angle(params['eversion_deg'], *REARFOOT)}, "
                f"{signed_angle(params['tibial_rotation_deg'], *TIBIA)}; "
                f"peak eversion {chosen.peak_eversion_deg:.1f}°, tibial rotation range "
                f"{params['tibial_rotation_range_deg']:.1f}° over stance with coupling ratio "
                f"{params['coupling_ratio']:.2f} (illustrative curve shape).")


def draw_stance_player(percent_stance=50.0, preset="shod", coupling_ratio=None) -> Figure:
    """The player's figure at one moment of stance; ``coupling_ratio`` None = the preset's."""
    figure = StancePlayerFigure()
    figure.update(percent_stance, preset, coupling_ratio)
    return figure.fig


def _citation(bibtex_key: str) -> str:
    """'Sinclair2017' -> 'Sinclair 2017', as the figure text cites it."""
    return f"{bibtex_key[:-4]} {bibtex_key[-4:]}"


def _preset_options():
    return [(km.STANCE_PRESETS[key].label, key) for key in PRESET_KEYS]


def stance_player(preset="shod", percent_stance=0.0) -> LiveDemo:
    """Live demo: play button, %-of-stance, coupling ratio and a preset selector.

    Choosing a preset sets the coupling ratio to the one that reproduces its published
    tibial-rotation range; moving the ratio afterwards asks "what if".
    """
    percent = ipw.IntSlider(value=int(percent_stance), min=int(km.PERCENT_STANCE_RANGE[0]),
                            max=int(km.PERCENT_STANCE_RANGE[1]), step=PLAY_STEP_PERCENT,
                            description="% of stance", continuous_update=False)
    play = ipw.Play(value=percent.value, min=percent.min, max=percent.max, step=PLAY_STEP_PERCENT,
                    interval=250, description="Play")
    ipw.jslink((play, "value"), (percent, "value"))
    ratio = slider("Coupling ratio (tibial °/eversion °)", km.COUPLING_RATIO_RANGE,
                   km.STANCE_PRESETS[preset].ratio_early, step=0.01, unit="")
    chooser = ipw.ToggleButtons(options=_preset_options(), value=preset,
                                description="Condition", style={"button_width": "auto"})

    def preset_chosen(change):
        # Runs before the demo's own redraw for this change, so one redraw shows both.
        with demo.held():
            ratio.value = round(km.STANCE_PRESETS[change["new"]].ratio_early, 2)

    chooser.observe(preset_chosen, names="value")
    controls = {"percent_stance": percent, "preset": chooser, "coupling_ratio": ratio}

    def layout(_boxes, image):
        return ipw.VBox([chooser, ipw.HBox([play, percent]), ratio, image])

    demo = LiveDemo(StancePlayerFigure(), controls, layout=layout)
    demo.play = play
    return demo


#: Grid of the static fallback: three presets × 11 moments (every 10 % of stance).
FRAME_PERCENTS = tuple(float(p) for p in range(0, 101, 10))


def stance_player_frames() -> FrameExplorer:
    """Kernel-free fallback: preset × %-of-stance frames, with a play button."""
    labels = [km.STANCE_PRESETS[key].label for key in PRESET_KEYS]
    condition = evidence.SINCLAIR2017_SPEED
    axes = {
        "preset": FrameAxis("Condition", PRESET_KEYS, unit="", initial="shod",
                            labels_override=tuple(labels)),
        "percent_stance": FrameAxis("% of stance", FRAME_PERCENTS, unit="%", initial=50.0),
    }
    return frame_explorer(
        StancePlayerFigure(), axes, play="percent_stance",
        name="stance-player",
        caption=f"Precomputed pictures every 10% of stance; each condition with the coupling "
                f"ratio that reproduces its published range (running at "
                f"{condition.value:.0f} {condition.unit}). Open the chapter as a notebook to "
                "change the ratio.")
