"""Print how long the book takes to build: cold (empty cache), warm (no change), and
after a text-only edit. A benchmark, not a test: it prints figures and asserts nothing.

    .venv/bin/python benchmarks/build_time.py
"""

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")


def timed_build(source: Path, output: Path) -> float:
    start = time.perf_counter()
    subprocess.run([str(JUPYTER_BOOK), "build", str(source), "--path-output", str(output)],
                   check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source, output = Path(tmp) / "book", Path(tmp) / "out"
        shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".venv", "_build", ".git"))
        cold = timed_build(source, output)
        warm = timed_build(source, output)
        chapter = source / "chapters" / "01-kinetic-chain.md"
        chapter.write_text(chapter.read_text() + "\nOne more sentence.\n")
        text_edit = timed_build(source, output)
        html = output / "_build" / "html"
        size = sum(f.stat().st_size for f in html.rglob("*") if f.is_file())
    print(f"cold build (empty execution cache): {cold:6.1f} s")
    print(f"rebuild, nothing changed:           {warm:6.1f} s")
    print(f"rebuild after a text-only edit:     {text_edit:6.1f} s")
    print(f"_build/html total size:             {size / 1e6:6.1f} MB")


if __name__ == "__main__":
    main()
