"""One row per measured figure, and the table ``make bench`` prints."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass
class Figure:
    """A measured quantity: its values over runs, unit, and the budget it must stay under."""

    name: str
    unit: str
    values: list[float] = field(default_factory=list)
    budget: float | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def verdict(self) -> str:
        if self.budget is None:
            return ""
        return "PASS" if self.median < self.budget else "OVER"


def timed(run: Callable[[], object], runs: int, name: str, budget_s: float | None = None,
          before: Callable[[], object] | None = None) -> Figure:
    """Seconds taken by ``run()`` over ``runs`` runs (``before()`` untimed before each)."""
    figure = Figure(name, "s", budget=budget_s)
    for _ in range(runs):
        if before is not None:
            before()
        start = time.perf_counter()
        run()
        figure.values.append(time.perf_counter() - start)
    return figure


def _number(value: float, unit: str) -> str:
    return f"{value:.1f}" if value >= 10 or unit == "ms" else f"{value:.2f}"


def print_table(figures: Iterable[Figure]) -> None:
    rows = [("figure", "unit", "median", "min", "max", "runs", "budget", "")]
    for f in figures:
        rows.append((f.name, f.unit, _number(f.median, f.unit), _number(min(f.values), f.unit),
                     _number(max(f.values), f.unit), str(len(f.values)),
                     "" if f.budget is None else f"< {_number(f.budget, f.unit)}", f.verdict()))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1]),
                 *(cell.rjust(width) for cell, width in zip(row[2:7], widths[2:7])), row[7]]
        print("  ".join(cells).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
