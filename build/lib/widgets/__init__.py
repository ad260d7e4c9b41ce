"""The Kinetic Chain: the model behind the book and its interactive demonstrations.

- ``widgets.evidence``: every number the book states, with its bibtex key and status.
- ``widgets.kinematics``: the pure numeric model (subtalar hinge, stance phase, knee).

Both are pure NumPy/SciPy code; the plotting and ipywidgets modules build on them.
"""

__version__ = "0.1.0"
