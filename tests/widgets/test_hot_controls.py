"""The kernel and the picture agree, whatever value Python sets: every hot control (one a
chart has frames for) of every widget holds only positions the page has a frame for. A value
set from Python between two positions moves to the nearest one in the control itself
(rnnviz.widgets.controls), so `data` is computed at the value the page shows."""

import numpy as np
import pytest

from rnnviz.widgets.controls import (
    ChoiceDropdown,
    ChoiceToggleButtons,
    RangeFloatSlider,
    RangeIntSlider,
    nearest_position,
)


def positions(slider) -> np.ndarray:
    n = int(np.floor((slider.max - slider.min) / slider.step + 1e-9))
    steps = np.round(slider.min + slider.step * np.arange(n + 1), 10)
    return np.unique(np.concatenate([steps, getattr(slider, "extra", [])]))


def hot_controls(chart) -> dict:
    spec = chart.spec
    return {
        name: control
        for name, control in zip(spec["control_names"], chart.controls)
        if name in spec.get("controls", {})
    }


def on_grid(chart, name, value) -> bool:
    return float(np.min(np.abs(np.asarray(chart.spec["controls"][name]["grid"]) - value))) < 1e-9


def test_every_widget_with_a_hot_control_is_walked(every_widget):
    with_hot = set()
    for name, build in every_widget.items():
        if hot_controls(build().chart):
            with_hot.add(name)
    assert with_hot >= {
        "AttentionViewer",
        "CellActivations",
        "GateCellExplorer",
        "GateSequenceExplorer",
        "GradientFlow",
        "GraphUnroller",
        "HiddenStateExplorer",
        "RowReading",
        "SampleExplorer",
        "Saturation",
    }


@pytest.mark.parametrize(
    "case",
    sorted(
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
            "RowReading",
            "SampleExplorer",
            "Saturation",
        ]
    ),
)
def test_a_hot_control_holds_only_positions_the_page_has_a_frame_for(every_widget, case):
    widget = every_widget[case]()
    chart = widget.chart
    hot = hot_controls(chart)
    for name, control in hot.items():
        assert isinstance(
            control, RangeIntSlider | RangeFloatSlider | ChoiceDropdown | ChoiceToggleButtons
        ), f"{case}.{name} is not made by rnnviz.widgets.controls"
        if not isinstance(control, RangeIntSlider | RangeFloatSlider):
            continue  # a choice: its options are its grid
        every = positions(control)
        missing = [p for p in every if not on_grid(chart, name, p)]
        assert not missing, f"{case}.{name}: no frame for positions {missing[:5]}"
        if len(every) < 2 or isinstance(control, RangeIntSlider) and control.step == 1:
            continue  # an int with step 1 cannot lie between positions
        i = len(every) // 2 - 1
        for between, nearest in ((0.4, every[i]), (0.6, every[i + 1])):
            control.value = float(every[i] + between * (every[i + 1] - every[i]))
            assert control.value == pytest.approx(nearest, abs=1e-9), (case, name)
            assert on_grid(widget.chart, name, control.value), (case, name, control.value)


def test_gradient_flow_computes_at_the_radius_and_forget_bias_the_page_shows(every_widget):
    widget = every_widget["GradientFlow"]()
    widget.spectral_radius.value = 0.93  # between 0.90 and 0.95 on the 0.05 grid
    widget.forget_bias.value = 1.2  # between 1.0 and 1.5
    assert (widget.spectral_radius.value, widget.forget_bias.value) == (0.95, 1.0)
    again = type(widget)(seq_len=12, hidden_size=4, spectral_radius=0.95, forget_bias=1.0)
    for model in ("rnn", "lstm"):
        np.testing.assert_array_equal(widget.data[model].grad_h, again.data[model].grad_h)


def test_the_one_cell_explorer_computes_at_the_x_the_page_shows(every_widget):
    widget = every_widget["GateCellExplorer"]()
    widget.inputs["x"].value = 0.33  # between 0.30 and 0.35 on the 0.05 grid
    assert widget.inputs["x"].value == 0.35
    assert widget.data.setting.x == 0.35


@pytest.mark.parametrize(
    "value, low, high, step, extra, nearest",
    [
        (0.93, 0.1, 2.0, 0.05, (), 0.95),
        (0.925, 0.1, 2.0, 0.05, (), 0.95),  # half-way: the higher
        (1.99, 0.1, 2.0, 0.05, (), 2.0),
        (0.1, 0.1, 2.0, 0.05, (), 0.1),
        (25, 10, 500, 10, (), 30),
        (499, 10, 495, 10, (), 490),  # never past the last position
        (0.4967, -3.0, 3.0, 0.1, (0.4967,), 0.4967),
        (0.46, -3.0, 3.0, 0.1, (0.4967,), 0.4967),
        (0.54, -3.0, 3.0, 0.1, (0.4967,), 0.5),
    ],
)
def test_nearest_position(value, low, high, step, extra, nearest):
    assert nearest_position(value, low, high, step, extra) == pytest.approx(nearest, abs=1e-12)
