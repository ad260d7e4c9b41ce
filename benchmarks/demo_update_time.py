"""Median time per control change of each live demonstration (a benchmark, not a test).

Each change runs what a reader's slider move runs in Jupyter: update the artists and render
the PNG for the image widget. Usage: ``.venv/bin/python benchmarks/demo_update_time.py``.
"""

from __future__ import annotations

import statistics
import time

import ipywidgets as ipw
import numpy as np

from widgets.axis_explorer import axis_explorer
from widgets.knee_chain import knee_chain
from widgets.stance_player import stance_player

CHANGES_PER_CONTROL = 15


def new_values(control, rng, count):
    if isinstance(control, ipw.ToggleButtons):
        options = [value for _label, value in control.options]
        return [options[i % len(options)] for i in range(1, count + 1)]
    values = rng.uniform(control.min, control.max, count)
    return [int(round(v)) for v in values] if isinstance(control, ipw.IntSlider) else list(values)


def time_demo(demo, rng) -> dict[str, float]:
    medians = {}
    for name, control in demo.controls.items():
        times = []
        for value in new_values(control, rng, CHANGES_PER_CONTROL):
            start = time.perf_counter()
            control.value = value
            times.append(time.perf_counter() - start)
        medians[name] = statistics.median(times)
    return medians


def main():
    rng = np.random.default_rng(0)
    every = []
    for label, make in (("axis explorer", axis_explorer), ("stance player", stance_player),
                        ("knee chain", knee_chain)):
        medians = time_demo(make(), rng)
        every.extend(medians.values())
        for name, seconds in medians.items():
            print(f"{label:14s} {name:22s} median {seconds * 1000:6.1f} ms per change")
    print(f"{'all demos':14s} {'':22s} median {statistics.median(every) * 1000:6.1f} ms per change")


if __name__ == "__main__":
    main()
