"""A training run whose outcome a Predict below it asks for leaves no answer in its stored
progress bars: those runs are trained with `progress="blind"` (rnnviz.training.train), and
their bars hold neither a loss, a step count nor a percentage: only "done"."""

from pathlib import Path

import nbformat
import pytest

LABS = Path(__file__).resolve().parent.parent / "labs"
# The cells whose runs a later Predict asks about: the bag of words on negated reviews and the
# row reader's accuracy by rows read (lab 03), which models solve the adding problem
# (lab 06), the char LM's validation loss (lab 07), which models learn it at T=50 (lab 09).
BLIND_CELLS = {
    "03_sequence_tasks": 2,
    "06_long_range_memory": 2,
    "07_char_language_model": 1,
    "09_recurrence_today": 1,
}
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def stored_bar_texts(nb, cell):
    """The texts of every progress bar a cell's stored outputs show (tqdm's notebook bar is
    an HBox of a label, a progress widget and a counts text)."""
    state = nb.metadata["widgets"][WIDGET_STATE]["state"]
    texts = []
    for output in cell.get("outputs", []):
        view = output.get("data", {}).get(WIDGET_VIEW)
        if view is None or state[view["model_id"]]["model_name"] != "HBoxModel":
            continue
        kids = [
            state[k.removeprefix("IPY_MODEL_")]
            for k in state[view["model_id"]]["state"]["children"]
        ]
        if any(k["model_name"] == "FloatProgressModel" for k in kids):
            texts += [k["state"]["value"] for k in kids if k["model_name"] == "HTMLModel"]
    return texts


@pytest.mark.parametrize("lab", sorted(BLIND_CELLS))
def test_runs_a_prediction_asks_about_leave_blind_bars(lab):
    nb = nbformat.read(LABS / f"{lab}.ipynb", as_version=4)
    blind = [c for c in nb.cells if c.cell_type == "code" and 'progress="blind"' in c.source]
    assert len(blind) == BLIND_CELLS[lab]
    for cell in blind:
        texts = stored_bar_texts(nb, cell)
        assert texts, "the stored lab shows the run's progress bars"
        shown = " ".join(texts)
        assert "loss" not in shown and "/" not in shown and "%" not in shown, shown
        assert shown.count("done") == len(texts) // 2, shown  # a label and a counts text a bar
