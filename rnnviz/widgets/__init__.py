"""Widgets: thin views over rnnviz's data, e.g. ``from rnnviz.widgets import GradientFlow``.

Each widget lives in its own module and is imported only when first asked for, so
``import rnnviz`` (and ``import rnnviz.widgets``) loads neither plotly nor ipywidgets.
"""

import importlib

# Public name -> the module (in this package) that defines it.
WIDGET_MODULES = {
    "AttentionViewer": "attention_viewer",
    "AutogradView": "graph_unroller",
    "CellActivations": "cell_activations",
    "Connectivity": "connectivity",
    "GateCellExplorer": "gate_cell",
    "GateExplorer": "gate_explorer",
    "GateSequenceExplorer": "gate_sequence",
    "GradientFlow": "gradient_flow",
    "GraphUnroller": "graph_unroller",
    "HiddenStateExplorer": "hidden_state_explorer",
    "LossPlot": "loss_plot",
    "ModelGradientFlow": "model_flow",
    "Predict": "predict",
    "RingFlow": "ring_flow",
    "RowReading": "row_reading",
    "SampleExplorer": "sample_explorer",
    "Saturation": "saturation",
    "ScanRounds": "scan_rounds",
    "SweepPlot": "sweep_plot",
}

__all__ = sorted(WIDGET_MODULES)


def __getattr__(name: str):
    if name not in WIDGET_MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{WIDGET_MODULES[name]}"), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
