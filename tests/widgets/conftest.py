"""Reading a renderer chart from Python, as the browser would draw it."""

import numpy as np
import pytest


def shown_frame(chart, name):
    """The frame of data entry `name` for the chart's controls' current values.

    Mirrors static/chart/core.js's frameOf (which tests/browser/test_chart_js.py checks in a
    browser): the nearest grid position of each control (a dropdown: its choice's place in
    the grid); a star entry takes the one control
    away from its base value. Returns: an array of the frame's shape, or None.
    """
    entry = chart.data[name]
    spec = chart.spec
    values = np.frombuffer(entry["values"], dtype=entry["dtype"]).reshape(entry["shape"])
    # A selection widget (toggle buttons) is picked by its index (spec["controls"][...]["trait"]).
    current = {
        name: getattr(c, spec["controls"][name].get("trait", "value"))
        for name, c in zip(spec["control_names"], chart.controls)
    }

    def at(axis):
        grid = spec["controls"][axis]["grid"]
        if isinstance(current[axis], str):  # a dropdown's choice: its place in the grid
            return grid.index(current[axis])
        return int(np.argmin(np.abs(np.asarray(grid) - current[axis])))

    if entry["star"]:
        base = {
            a: int(np.argmin(np.abs(np.asarray(spec["controls"][a]["grid"]) - spec["base"][a])))
            for a in entry["axes"]
        }
        moved = [a for a in entry["axes"] if at(a) != base[a]]
        if len(moved) > 1:
            return None
        axis = moved[0] if moved else entry["axes"][0]
        before = entry["axes"][: entry["axes"].index(axis)]
        offset = sum(len(spec["controls"][a]["grid"]) for a in before)
        return values[offset + at(axis)]
    index = tuple(at(a) for a in entry["axes"])
    return values[index] if index else values[0]


@pytest.fixture
def shown():
    return shown_frame


def picked_label(table, chart):
    """The string (or list) a renderer.labels entry gives for the chart's controls' current
    values, as static/chart/core.js's pickLabel picks it (the nearest grid position of each
    axis)."""
    if isinstance(table, str):
        return table
    current = dict(zip(chart.spec["control_names"], (c.value for c in chart.controls)))
    index = 0
    for axis, grid in zip(table["axes"], table["grids"]):
        index = index * len(grid) + int(np.argmin(np.abs(np.asarray(grid) - current[axis])))
    return table["values"][index]


@pytest.fixture
def label():
    return picked_label


# --- every widget, small: the walking tests build each one of these ------------------------
def _every_widget() -> dict:
    """Public widget name -> a function that builds it, small and quick, with its data."""
    import torch

    from rnnviz.captioning import scenes
    from rnnviz.captioning.model import make_captioner
    from rnnviz.charlm.interpret import activations
    from rnnviz.charlm.model import CharLM
    from rnnviz.experiments.results import load_results
    from rnnviz.models.cells import LSTM
    from rnnviz.tasks.digit_rows import RowClassifier
    from rnnviz.tasks.digits import load_digit_sequences
    from rnnviz.widgets import (
        AttentionViewer,
        AutogradView,
        CellActivations,
        GateCellExplorer,
        GateSequenceExplorer,
        GradientFlow,
        GraphUnroller,
        HiddenStateExplorer,
        LossPlot,
        RowReading,
        SampleExplorer,
        Saturation,
        SweepPlot,
    )

    text = 'def f(a, b="x"):\n    # c\n    return [a]\n' * 3
    rng = np.random.default_rng(0)

    def char_model():
        torch.manual_seed(0)
        return CharLM(sorted(set(text)), "lstm", 6, 3).eval()

    def loss_plot():
        plot = LossPlot()
        plot.add_curve("LSTM", [1.0, 0.5, 0.25])
        return plot

    def gate_sequence():
        torch.manual_seed(0)
        return GateSequenceExplorer(LSTM(2, 3), torch.randn(2, 6, 2))

    def attention_viewer():
        torch.manual_seed(0)
        return AttentionViewer(make_captioner("attention"), None, scenes.make_scenes(3, seed=1))

    return {
        "AttentionViewer": attention_viewer,
        "AutogradView": lambda: AutogradView(seq_len=3),
        "CellActivations": lambda: CellActivations(activations(char_model(), text), cell=1),
        "GateCellExplorer": lambda: GateCellExplorer("lstm"),
        "GateCellExplorer(gru)": lambda: GateCellExplorer("gru"),
        "GateSequenceExplorer": gate_sequence,
        "GradientFlow": lambda: GradientFlow(seq_len=12, hidden_size=4),
        "GraphUnroller": lambda: GraphUnroller(seq_len=3),
        "HiddenStateExplorer": lambda: HiddenStateExplorer(
            rng.standard_normal((6, 2)), rng.standard_normal((2, 3)), rng.standard_normal((3, 3))
        ),
        "LossPlot": loss_plot,
        "RowReading": lambda: RowReading(
            RowClassifier(hidden_size=3), load_digit_sequences("rows"), n_digits=4
        ),
        "SampleExplorer": lambda: SampleExplorer(char_model(), prime="de", length=10),
        "Saturation": lambda: Saturation({"f": rng.uniform(0, 1, (20, 4))}),
        "SweepPlot": lambda: SweepPlot(load_results()),
    }


@pytest.fixture(scope="session")
def every_widget():
    """Public widget name -> a builder of a small one (GateCellExplorer for both cells)."""
    return _every_widget()
