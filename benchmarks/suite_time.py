"""How long the two slow test suites take: nbval over every chapter, and the browser suite
(which starts with its own strict build of the book, from the execution cache when warm).

Usage: ``python -m benchmarks.suite_time [runs]``; the browser suite builds into
``$KC_BUILD_ROOT`` (default: a temporary folder).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from .table import Figure, print_table, timed

ROOT = Path(__file__).resolve().parents[1]


def pytest_run(*args: str, build_root: Path) -> None:
    env = {**os.environ, "KC_BUILD_ROOT": str(build_root)}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"pytest {' '.join(args)} failed:\n{result.stdout[-2000:]}")


def measure(build_root: Path, runs: int = 3) -> list[Figure]:
    browser_tests = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests").glob("test_browser*.py"))
    return [
        timed(lambda: pytest_run("chapters", build_root=build_root), runs,
              "nbval suite (every chapter run as a notebook)"),
        timed(lambda: pytest_run(*browser_tests, build_root=build_root), runs,
              "browser suite (with its strict book build)"),
    ]


if __name__ == "__main__":
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    with tempfile.TemporaryDirectory(prefix="kc-bench-") as tmp:
        root = Path(os.environ.get("KC_BUILD_ROOT", tmp))
        print_table(measure(root, runs))
