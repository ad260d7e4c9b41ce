"""Time to render the precomputed frames of each demo's kernel-free fallback.

This is what a chapter's build spends in its demo cell. Usage:
``python -m benchmarks.frames_time [runs]``.
"""

from __future__ import annotations

import sys

from widgets.axis_explorer import axis_explorer_frames
from widgets.knee_chain import knee_chain_frames
from widgets.stance_player import stance_player_frames

from .table import Figure, print_table, timed

FALLBACKS = {"axis explorer": axis_explorer_frames, "knee chain": knee_chain_frames,
             "stance player": stance_player_frames}


def measure(runs: int = 3) -> list[Figure]:
    figures = []
    for label, make in FALLBACKS.items():
        frames = len(make().frames)
        figures.append(timed(make, runs, f"static frames {label} ({frames} frames)"))
    return figures


if __name__ == "__main__":
    print_table(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 3))
