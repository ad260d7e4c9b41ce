"""The widgets package imports, and its model modules stay free of plotting and UI code."""

import subprocess
import sys


def test_widgets_imports():
    import widgets

    assert widgets.__version__


def test_evidence_imports_no_ui():
    code = ("import sys, widgets.evidence; "
            "bad = [m for m in ('matplotlib', 'ipywidgets') if m in sys.modules]; "
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
