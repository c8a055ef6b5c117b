"""Widgets release what they made: after close(), every ipywidgets model a widget created
(its box, chart, controls, their layouts and styles, and what recomputing replaced) is closed,
counted in `ipywidgets.Widget.widgets`, after the widget was used and recomputed."""

import warnings

import ipywidgets
import pytest

from rnnviz.widgets.renderer import chart_library


def open_models() -> int:
    with warnings.catch_warnings():  # ipywidgets 8 marks the registry deprecated, not gone
        warnings.simplefilter("ignore", DeprecationWarning)
        return len(ipywidgets.Widget.widgets)


def other_values(control) -> list:
    """Values a student could give `control`, the current one last."""
    if isinstance(control, ipywidgets.Checkbox):
        return [not control.value, control.value]
    if isinstance(control, ipywidgets.Text):
        return [control.value[:1] or "d", control.value + control.value, control.value]
    if hasattr(control, "options"):
        values = list(control._options_values)
        return values[1:3] + [control.value]
    if hasattr(control, "min"):  # a slider: a neighbouring position, then where it was
        step = control.step if control.value + control.step <= control.max else -control.step
        return [control.value + step, control.value] if control.min < control.max else []
    return []


def recompute(widget, rounds: int = 2) -> None:
    """Move every control of the widget, cold and hot, `rounds` times."""
    for _ in range(rounds):
        for control in list(widget.controls):
            for value in other_values(control):
                control.value = value


@pytest.mark.parametrize(
    "case",
    [
        "AttentionViewer",
        "AutogradView",
        "CellActivations",
        "GateCellExplorer",
        "GateCellExplorer(gru)",
        "GateSequenceExplorer",
        "GradientFlow",
        "GraphUnroller",
        "HiddenStateExplorer",
        "LossPlot",
        "RowReading",
        "SampleExplorer",
        "Saturation",
        "SweepPlot",
    ],
)
def test_close_releases_every_model_the_widget_made_even_after_recomputes(every_widget, case):
    chart_library()  # the kernel's one library is shared by every chart: made once
    before = open_models()
    widget = every_widget[case]()
    made = open_models() - before
    assert made > 0
    recompute(widget)
    widget.close()
    assert open_models() == before, f"{case} left {open_models() - before} of its models open"


def test_changing_gradient_flows_seq_len_leaves_no_model_behind(every_widget):
    widget = every_widget["GradientFlow"]()
    open_before = open_models()
    for T in (13, 14, 15, 16, 12):
        widget.seq_len.value = T
    assert open_models() == open_before  # a new pulse slider each time; the old one closed
    assert widget.step.max == 12 and widget.step.comm is not None
    widget.close()
