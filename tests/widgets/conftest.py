"""Reading a renderer chart from Python, as the browser would draw it."""

import numpy as np
import pytest

from rnnviz.widgets.renderer import frame_at, label_at


def control_values(chart) -> dict:
    """Control name -> the value the page picks frames by (a selection widget's index when
    spec["controls"][name]["trait"] says so)."""
    spec = chart.spec
    return {
        name: getattr(c, spec["controls"].get(name, {}).get("trait", "value"))
        for name, c in zip(spec["control_names"], chart.controls)
    }


def shown_frame(chart, name):
    """The frame of data entry `name` for the chart's controls' current values, picked by the
    renderer's own rule (frame_index, which static/chart/core.js's frameOf follows: checked in
    Chromium by tests/browser/test_chart_js.py). Returns: an array of the frame's shape, or
    None (a star entry with two controls off their base values)."""
    return frame_at(chart.data[name], chart.spec, control_values(chart))


@pytest.fixture
def shown():
    return shown_frame


def picked_label(table, chart):
    """The string (or list) a renderer.labels entry gives for the chart's controls' current
    values, as static/chart/core.js's pickLabel picks it."""
    return label_at(table, control_values(chart))


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


@pytest.fixture
def fresh_widgets():
    """every_widget's builders made anew: their inputs drawn from a fresh random stream, so a
    widget built once from here gets the same inputs whatever ran before it."""
    return _every_widget()
