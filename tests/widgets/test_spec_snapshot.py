"""The Python-to-page contract is pinned: every widget's chart, built small and then after
each of its controls moves once, sends what `spec_snapshot.json` recorded. The spec's JSON and
every data entry's header are pinned byte for byte in key order, with their numbers and the
frames' values compared within float32 rounding: the frames hold float32 sums from numpy and
torch, which another CPU rounds differently (checked on `ATEN_CPU_CAPABILITY=default`). A
change to the renderer's Python that should not change a picture keeps the record; one that
should is recorded again on purpose with `RNNVIZ_RECORD_SNAPSHOT=1`."""

import hashlib
import json
import os
import re
import warnings
from pathlib import Path

import ipywidgets
import numpy as np
import pytest
import torch

from rnnviz.widgets.renderer import frame_at
from rnnviz.widgets.renderer.chart import TEMPLATE_FIELD
from tests.widgets.conftest import control_values

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


def chart_record(chart) -> dict:
    """What the page receives: the front end's id (stored state and the offline page find
    charts by it), the spec and data headers as JSON with every float taken out (hashed), the
    floats themselves, and a fingerprint of each entry's frame values."""
    numbers = []

    def without_floats(value):
        if isinstance(value, float):
            numbers.append(float(f"{value:.6g}"))  # the record compares within 1e-4 anyway
            return "<float>"
        if isinstance(value, dict):
            return {key: without_floats(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [without_floats(item) for item in value]
        return value

    headers = [
        [name, {key: value for key, value in entry.items() if key != "values"}]
        for name, entry in chart.data.items()
    ]
    shape = json.dumps([chart._anywidget_id, without_floats(chart.spec), without_floats(headers)])
    return {
        "structure": hashlib.sha256(shape.encode()).hexdigest()[:24],
        "numbers": numbers,
        "frames": {name: fingerprint(entry) for name, entry in chart.data.items()},
    }


def fingerprint(entry) -> list:
    """[count, non-finite count, zero count, sum of |v|, position-weighted sum of |v|, mean
    log10 |v| over the finite non-zero values]: a reordering, a lost or added frame, or a
    changed value moves one of them past float32 rounding."""
    values = np.frombuffer(entry["values"], dtype=entry.get("dtype", "float32")).astype(float)
    finite = values[np.isfinite(values)]
    nonzero = np.abs(finite[finite != 0])
    weights = 1 + np.flatnonzero(np.isfinite(values)) % 97
    sums = [np.abs(finite).sum(), (np.abs(finite) * weights).sum()]
    log_mean = np.log10(nonzero).mean() if nonzero.size else 0.0
    counts = [values.size, values.size - finite.size, finite.size - nonzero.size]
    return [int(n) for n in counts] + [float(f"{x:.6g}") for x in (*sums, log_mean)]


def same_record(found, recorded) -> bool:
    """Equal structure exactly; numbers and frame fingerprints within float32 rounding (and a
    few values flushed to zero, or not, near the bottom of float32's range)."""
    if (
        found["structure"] != recorded["structure"]
        or found["frames"].keys() != recorded["frames"].keys()
    ):
        return False
    if not np.allclose(found["numbers"], recorded["numbers"], rtol=1e-4, atol=1e-30):
        return False
    for name, (n, nonfinite, zeros, total, weighted, log_mean) in found["frames"].items():
        n0, nonfinite0, zeros0, total0, weighted0, log_mean0 = recorded["frames"][name]
        if (n, nonfinite) != (n0, nonfinite0) or abs(zeros - zeros0) > max(2, n // 100):
            return False
        if not np.allclose([total, weighted], [total0, weighted0], rtol=1e-4, atol=1e-30):
            return False
        if abs(log_mean - log_mean0) > 0.05:
            return False
    return True


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
    """The chart's record as built, then after each control (in display order) moves once."""
    records = [chart_record(widget.chart)]
    for control in list(widget.controls):
        value = first_other_value(control)
        if value is None:
            continue
        control.value = value
        records.append(chart_record(widget.chart))
    return records


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
        lines = [f"{json.dumps(name)}: {json.dumps(found[name])}" for name in sorted(found)]
        SNAPSHOT.write_text("{\n" + ",\n".join(lines) + "\n}\n")
    recorded = json.loads(SNAPSHOT.read_text())
    assert sorted(found) == sorted(recorded)
    changed = [
        name
        for name in found
        if len(found[name]) != len(recorded[name])
        or not all(map(same_record, found[name], recorded[name]))
    ]
    assert not changed, f"charts that changed: {changed}"


TEMPLATE_KEYS = ("title", "colorbar", "value_label", "announce")


def templates(value) -> list:
    """Every string the page fills as a template (static/chart/core.js's fillTemplate): the
    chart's and each panel's title, a chars panel's colour bar and value label, and what the
    live region announces (a template or a list of them)."""
    if isinstance(value, dict):
        found = [
            t
            for k, v in value.items()
            if k in TEMPLATE_KEYS
            for t in (v if isinstance(v, list) else [v])
            if isinstance(t, str)
        ]
        return found + [t for v in value.values() for t in templates(v)]
    if isinstance(value, list):
        return [t for v in value for t in templates(v)]
    return []


def test_every_template_names_its_entries(cases, monkeypatch):
    """A title says "{rnn_ratio:.1e}", never "{rnn_stats[1]:.1e}": each placeholder names a
    data entry of one number (or characters, ":chars"), so a reader knows what it shows."""
    monkeypatch.setattr("secrets.token_bytes", bytes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, build in sorted(cases.items()):
            np.random.seed(0)
            widget = build()
            chart = widget.chart
            for template in templates(chart.spec):
                assert not re.search(r"\[\d+\]", template), (name, template)
                for entry, _ in TEMPLATE_FIELD.findall(template):  # as fillTemplate reads them
                    assert entry in chart.data, (name, template, entry)
                    frame = frame_at(chart.data[entry], chart.spec, control_values(chart))
                    assert frame is not None and (
                        frame.size == 1 or "{%s:chars}" % entry in template
                    )
            widget.close()
