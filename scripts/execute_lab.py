"""Execute labs in place and store their outputs, without embedded widget state.

Usage: python scripts/execute_lab.py labs/01_rnn_from_scratch.ipynb [more.ipynb ...]

This is what `make labs` and `make execute LAB=...` run. Widget state is not stored:
anywidget would otherwise embed the whole plotly.js bundle in every notebook.
"""

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute(path: Path) -> float:
    """Run every cell of the notebook at `path` and write it back; return wall seconds."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("widgets", None)
    client = NotebookClient(
        nb,
        timeout=900,
        kernel_name="python3",
        store_widget_state=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    return seconds


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for arg in sys.argv[1:]:
        print(f"executing {arg} ...", flush=True)
        print(f"  {arg}: {execute(Path(arg)):.1f} s wall", flush=True)
