"""Execute labs in place and store their outputs, with the widget state their pictures need.

Usage: python scripts/execute_lab.py labs/01_rnn_from_scratch.ipynb [more.ipynb ...]

This is what `make labs` and `make execute LAB=...` run. The notebook keeps the state of every
widget an output shows (metadata.widgets, as nbclient records it), so that JupyterLab draws
the renderer's charts, and their hot sliders answer, before the kernel runs anything, and
`jupyter nbconvert --to html` can export them (rnnviz.export). Only what is needed is kept:
the models reachable from the outputs. An output whose widget tree holds an anywidget from
outside rnnviz (plotly's FigureWidget carries the whole plotly.js bundle) keeps no state: it
needs the kernel, as before. So does an output whose state would pass OUTPUT_BUDGET (a lab
stays under 2 MB): CellActivations' every cell over every signal is megabytes, and is drawn
once the kernel has run its cell. The kernel is told the budget (rnnviz.checks.output_budget),
so a widget that can show part of its data (AttentionViewer's scenes) stores what fits.
"""

import json
import math
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from rnnviz import checks
from rnnviz.export import STATE_MIME, VIEW_MIME, reachable_models

# The largest widget tree an output may store, in characters of the notebook's JSON (frames
# as base64): the biggest picture the labs carry offline, AttentionViewer's scenes, sizes
# itself to it. The static site's build sets it to math.inf (scripts/build_site.py).
OUTPUT_BUDGET = checks.OUTPUT_BUDGET


def _storable(model: dict) -> bool:
    """False for a model whose front end cannot be stored small: an anywidget from outside
    rnnviz (its whole JavaScript travels in its state)."""
    state = model["state"]
    return state.get("_model_module") != "anywidget" or str(
        state.get("_anywidget_id", "")
    ).startswith("rnnviz.")


def _tree(root: str, models: dict) -> set[str] | None:
    """Every model id reachable from `root`, or None if one is missing or not storable."""
    ids = reachable_models(root, models, refuse=lambda model: not _storable(model))
    return None if ids is None else set(ids)


def _stored_size(tree: set[str], models: dict) -> int:
    """Characters the tree's models take in the notebook: their state and their buffers."""
    return sum(
        len(json.dumps(models[m]["state"]))
        + sum(len(b.get("data", "")) for b in models[m].get("buffers", []))
        for m in tree
    )


def _has_path(state: dict, path: list) -> bool:
    """Whether a buffer's parent container is still in the state (a buffer of data the
    model has since replaced is not)."""
    node = state
    for key in path[:-1]:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return False
    return isinstance(node, dict | list)


def keep_needed_widget_state(nb) -> dict:
    """Reduce nb.metadata.widgets to the models the outputs show; return {"kept", "dropped",
    "too_large"} (numbers of output widget trees)."""
    models = nb.metadata.get("widgets", {}).get(STATE_MIME, {}).get("state", {})
    keep, counts = set(), {"kept": 0, "dropped": 0, "too_large": 0}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(VIEW_MIME)
            if not view:
                continue
            tree = _tree(view["model_id"], models)
            too_large = bool(tree) and _stored_size(tree, models) > OUTPUT_BUDGET
            if too_large or not tree:
                # Opened before the kernel runs, the output shows its text ("<Name widget>")
                # rather than JupyterLab's "model not found".
                del output["data"][VIEW_MIME]
                counts["too_large" if too_large else "dropped"] += 1
                continue
            counts["kept"] += 1
            keep |= tree
    if not keep:
        nb.metadata.pop("widgets", None)
        return counts
    state = {}
    for model_id in sorted(keep):
        model = models[model_id]
        if "buffers" in model:
            model["buffers"] = [b for b in model["buffers"] if _has_path(model["state"], b["path"])]
        state[model_id] = model
    nb.metadata.widgets = {STATE_MIME: {"version_major": 2, "version_minor": 0, "state": state}}
    return counts


def execute(path: Path) -> float:
    """Run every cell of the notebook at `path` and write it back; return wall seconds."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("widgets", None)
    client = NotebookClient(
        nb,
        timeout=900,
        kernel_name="python3",
        store_widget_state=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    # A stored output never shows a missed claim: the kernel raises on one (rnnviz.claims).
    os.environ["RNNVIZ_STRICT_CLAIMS"] = "1"
    # The kernel sizes its widgets to the same budget (rnnviz.checks.output_budget).
    budget = "none" if OUTPUT_BUDGET == math.inf else str(OUTPUT_BUDGET)
    client.execute(env={**os.environ, checks.OUTPUT_BUDGET_ENV: budget})
    seconds = time.perf_counter() - start
    counts = keep_needed_widget_state(nb)
    nbformat.write(nb, path)
    print(
        f"  {path}: widget state stored for {counts['kept']} output(s), not for "
        f"{counts['dropped'] + counts['too_large']} (they need the kernel; "
        f"{counts['too_large']} over {OUTPUT_BUDGET:,} characters)",
        flush=True,
    )
    return seconds


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for arg in sys.argv[1:]:
        print(f"executing {arg} ...", flush=True)
        print(f"  {arg}: {execute(Path(arg)):.1f} s wall", flush=True)
