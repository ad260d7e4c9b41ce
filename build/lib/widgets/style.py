"""One look for every figure in the book: colours with a fixed meaning, and sizes.

Colours are from the Okabe-Ito palette, which stays distinguishable with common colour-vision
deficiencies. Each colour means the same thing in every chapter.
"""

# What each colour stands for, everywhere in the book.
FOOT = "#E69F00"        # foot, rearfoot eversion, subtalar joint
TIBIA = "#0072B2"       # tibia, tibial rotation
FEMUR = "#009E73"       # femur, hip, femoral rotation
KNEE = "#CC79A7"        # the knee: tibiofemoral rotation, Q-angle
MEASURED = "#7F7F7F"    # measured values (bands, error bars)
IDEAL = "#000000"       # ideal geometry (the mitered hinge)
SUPPORTS = "#009E73"    # evidence that supports a hypothesis
AGAINST = "#D55E00"     # evidence against, or not supporting
UNCERTAIN = "#F0E442"   # limited or mixed evidence
# The book's three verdicts on a claim (chapters 7 and 9 colour them the same way).
VERDICT_COLOURS = {"supports": SUPPORTS, "limited or mixed": UNCERTAIN,
                   "does not support": AGAINST}

FIGSIZE_WIDE = (7.0, 3.2)
FIGSIZE_SQUARE = (4.5, 4.5)
DPI_STATIC_FRAMES = 80   # interactive fallbacks: keep each page small


def apply(ax):
    """House style for one axes: no top/right spines, light grid."""
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(True, color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    return ax
