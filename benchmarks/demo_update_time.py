"""Time per control change of each live demonstration, over each control's whole range.

A change runs what a reader's slider move runs in Jupyter: the demo's ``update`` of its
artists, the blitted redraw on the Agg canvas, the PNG and the image widget's new value.
Usage: ``python -m benchmarks.demo_update_time``.
"""

from __future__ import annotations

import time

import ipywidgets as ipw
import numpy as np

from widgets.axis_explorer import axis_explorer
from widgets.knee_chain import knee_chain
from widgets.stance_player import stance_player

from .table import Figure, print_table

UPDATE_BUDGET_MS = 30.0
STEPS_PER_SWEEP = 25
DEMOS = {"axis explorer": axis_explorer, "knee chain": knee_chain, "stance player": stance_player}


def sweep(control: ipw.ValueWidget) -> list:
    """Values from the control's minimum to its maximum and back (each option of a selector,
    three times round), leaving out repeats, so that every value set is a real change."""
    if isinstance(control, ipw.ToggleButtons):
        options = [value for _label, value in control.options]
        start = options.index(control.value)
        return [options[(start + i) % len(options)] for i in range(1, 3 * len(options) + 1)]
    if isinstance(control, ipw.IntSlider):
        up = list(range(control.min, control.max + 1, control.step))
    else:
        up = list(np.linspace(control.min, control.max, STEPS_PER_SWEEP))
    values, current = [], control.value
    for value in [*up, *up[-2::-1]]:
        if value != current:
            values.append(value)
            current = value
    return values


def measure() -> list[Figure]:
    figures = []
    for label, make in DEMOS.items():
        demo = make()
        for name, control in demo.controls.items():
            figure = Figure(f"update {label}: {name}", "ms", budget=UPDATE_BUDGET_MS)
            for value in sweep(control):
                start = time.perf_counter()
                control.value = value   # observers update, redraw and swap the picture
                figure.values.append((time.perf_counter() - start) * 1000)
            figures.append(figure)
    every = Figure("update, every control of every demo", "ms", budget=UPDATE_BUDGET_MS)
    every.values = [v for f in figures for v in f.values]
    return [*figures, every]


if __name__ == "__main__":
    print_table(measure())
