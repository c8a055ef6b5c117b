"""Where rnnviz keeps its files: the shipped data and the committed experiment results."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# Small data and checkpoints that ship inside the package (nothing is downloaded).
DATA_DIR = PACKAGE_DIR / "data"
# Committed results of the long experiments (a source checkout only, beside the package).
RESULTS_DIR = PACKAGE_DIR.parent / "results"
