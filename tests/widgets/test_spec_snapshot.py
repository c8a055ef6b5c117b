"""The Python-to-page contract is pinned: every widget's chart (its spec's JSON, byte for byte
in key order, and every data entry's header and frame bytes), built small and then after each
of its controls moves once, hashes to what `spec_snapshot.json` recorded. A change to the
renderer's Python that should not change a picture keeps every hash; one that should is
recorded again on purpose with `RNNVIZ_RECORD_SNAPSHOT=1` (the frames hold float32 sums from
numpy and torch, so the file is this machine's kernels' record, like a lab's stored outputs)."""

import hashlib
import json
import os
import warnings
from pathlib import Path

import ipywidgets
import numpy as np
import pytest
import torch

SNAPSHOT = Path(__file__).parent / "spec_snapshot.json"
TEXT = 'def f(a, b="x"):\n    # c\n    return [a]\n' * 3


def users_char_model():
    """A user's embedding -> 2-layer LSTM -> head, and the ids of TEXT's first 12 chars."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Embedding(128, 3),
        torch.nn.LSTM(3, 4, num_layers=2, batch_first=True),
        ReadOutput(),
        torch.nn.Linear(4, 128),
    )
    return model, torch.tensor([[ord(ch) for ch in TEXT[:12]]])


class ReadOutput(torch.nn.Module):
    """The output of a torch.nn recurrent layer's (output, state)."""

    def forward(self, pair):
        return pair[0]


def more_widgets() -> dict:
    """The widgets (and options) `every_widget` leaves out, small."""
    from rnnviz.widgets import (
        CellActivations,
        Connectivity,
        GateExplorer,
        GradientFlow,
        GraphUnroller,
        LossPlot,
        Predict,
        RingFlow,
        ScanRounds,
    )

    def loss_plot_linear():
        plot = LossPlot(log_y=False)
        plot.add_curve("RNN", [2.0, 1.5, 1.25], color="#d62728")
        plot.add_curve("LSTM", [1.0, 0.5, 0.25])
        return plot

    return {
        "CellActivations.from_model": lambda: CellActivations.from_model(
            users_char_model()[0], TEXT[:20], lambda text: torch.tensor([[ord(c) for c in text]])
        ),
        "Connectivity": lambda: Connectivity(*users_char_model(), text=TEXT[:12]),
        "GateExplorer.sequence_from_model": lambda: GateExplorer.sequence_from_model(
            *users_char_model()
        ),
        "GradientFlow(gru, jacobians)": lambda: GradientFlow(
            seq_len=8, hidden_size=4, show_gru=True, jacobians=True
        ),
        "GradientFlow.from_model": lambda: GradientFlow.from_model(*users_char_model()),
        "GraphUnroller(forward)": lambda: GraphUnroller(
            shape="many-to-many", seq_len=3, backward=False
        ),
        "LossPlot(linear)": loss_plot_linear,
        "Predict": lambda: Predict("How far?", 5.0, "So far.", low=1.0, high=10.0),
        "Predict(log)": lambda: Predict("How far?", 5.0, "So far.", low=1.0, high=100.0, log=True),
        "Predict(choices)": lambda: Predict("Which?", "b", "Why.", choices=("a", "b")),
        "RingFlow": lambda: RingFlow(seq_len=100, hidden_size=16),
        "ScanRounds": lambda: ScanRounds(seq_len=8),
    }


def chart_hash(chart) -> str:
    """One hash of what the page receives: the spec's JSON as sent, each data entry's header
    and bytes, and the front end's id (stored state and the offline page find charts by it)."""
    digest = hashlib.sha256(chart._anywidget_id.encode())
    digest.update(json.dumps(chart.spec, allow_nan=False).encode())
    for name, entry in chart.data.items():
        header = {key: value for key, value in entry.items() if key != "values"}
        digest.update(json.dumps([name, header]).encode())
        digest.update(entry["values"])
    return digest.hexdigest()[:24]


def first_other_value(control):
    """A value a student could give `control` other than its own, or None."""
    if isinstance(control, ipywidgets.Checkbox):
        return not control.value
    if hasattr(control, "options"):
        others = [v for v in control._options_values if v != control.value]
        return others[0] if others else None
    if (
        hasattr(control, "min")
        and not isinstance(control.value, tuple)
        and control.min < control.max
    ):
        step = control.step if control.value + control.step <= control.max else -control.step
        return control.value + step
    return None


def states(widget) -> list:
    """The chart's hash as built, then after each control (in display order) moves once."""
    hashes = [chart_hash(widget.chart)]
    for control in list(widget.controls):
        value = first_other_value(control)
        if value is None:
            continue
        control.value = value
        hashes.append(chart_hash(widget.chart))
    return hashes


@pytest.fixture
def cases(fresh_widgets):
    return {**fresh_widgets, **more_widgets()}


def test_every_widget_sends_the_recorded_spec_and_frames(cases, monkeypatch):
    monkeypatch.setattr("secrets.token_bytes", bytes)  # a Predict's mask key, fixed: zeros
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a widget may warn about its own input (not checked here)
        found = {}
        for name, build in sorted(cases.items()):
            np.random.seed(0)
            widget = build()
            found[name] = states(widget)
            widget.close()
    if os.environ.get("RNNVIZ_RECORD_SNAPSHOT") == "1":
        SNAPSHOT.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n")
    recorded = json.loads(SNAPSHOT.read_text())
    assert sorted(found) == sorted(recorded)
    changed = {
        name: (found[name], recorded[name]) for name in found if found[name] != recorded[name]
    }
    assert not changed, f"charts that changed (found, recorded): {changed}"
