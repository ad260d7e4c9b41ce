"""Grade one submission with otter's local runner; run by tools/grading.py inside the sandbox.

``python -m tools.grade_one AUTOGRADER.zip SUBMISSION.ipynb RESULT.json`` writes
``{"scores": {question: points}, "possible": points, "reason": ""}``. ``reason`` is set, and
the submission scores 0, when it could not be graded: otter failed as a whole, or a cell ran
out of memory (the sandbox's address-space limit), or the kernel died.
"""

import contextlib
import io
import json
import re
import sys
from pathlib import Path

import nbformat


def memory_error(notebook) -> bool:
    return any(output.get("output_type") == "error" and output.get("ename") == "MemoryError"
               for cell in (notebook.cells if notebook is not None else [])
               if cell.cell_type == "code" for output in cell.get("outputs", []))


def outside_write(notebook) -> bool:
    """A cell tried to change a file outside the submission's own folder (the sandbox mounts
    everything else read-only)."""
    return any(output.get("output_type") == "error"
               and "Read-only file system" in str(output.get("evalue", ""))
               for cell in (notebook.cells if notebook is not None else [])
               if cell.cell_type == "code" for output in cell.get("outputs", []))


# Cells otter adds to the notebook it runs (set-up, export); not the student's.
_OTTER_CELL = ("from otter import Notebook as", "from otter.execute import Checker",
               "import sys\nsys.path.append(")


def every_cell_raised(notebook) -> str | None:
    """The first error, when every code cell of the submission raised one (nothing ran)."""
    cells = [cell for cell in (notebook.cells if notebook is not None else [])
             if cell.cell_type == "code" and cell.source.strip()
             and not cell.source.startswith(_OTTER_CELL)
             and not re.match(r"notebook_\w+\(\)\.check\(", cell.source)]
    errors = [next((o for o in cell.get("outputs", []) if o.get("output_type") == "error"), None)
              for cell in cells]
    if cells and all(errors):
        return f"{errors[0].get('ename')}: {str(errors[0].get('evalue'))[:100]}"
    return None


def main(argv: list[str]) -> int:
    autograder, submission, result_path = argv
    import otter.run

    result = {"scores": {}, "possible": 0.0, "reason": ""}
    log = io.StringIO()
    try:
        with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
            results = otter.run.main(submission, autograder=autograder, output_dir=None,
                                     no_logo=True)
        error = results.catastrophic_error
        if error is not None:
            result["reason"] = f"otter could not grade it: {type(error).__name__}: {error}"[:300]
        elif memory_error(results.notebook):
            result["reason"] = "ran out of memory (the memory limit) in a cell"
        elif (first := every_cell_raised(results.notebook)) is not None:
            result["reason"] = f"every code cell raised an error (first: {first})"
        elif outside_write(results.notebook):
            result["reason"] = ("tried to change files outside its own folder "
                                "(read-only while grading)")
        result["scores"] = {name: results.get_score(name) for name in results.test_files}
        result["possible"] = results.possible
    except Exception as error:  # e.g. the kernel died (killed for memory) or did not start
        lines = [line for line in log.getvalue().splitlines() if line.strip()][-2:]
        result["reason"] = (f"otter could not grade it: {type(error).__name__}: "
                            f"{str(error).splitlines()[0] if str(error) else ''} "
                            f"{' | '.join(lines)}").strip()[:300]
    Path(result_path).write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
