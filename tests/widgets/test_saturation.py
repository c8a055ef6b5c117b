"""Tests for the Saturation widget: the frames it sends are rnnviz.charlm.interpret.saturation's
numbers at every threshold of the slider's grid, so the browser only picks one."""

import json

import numpy as np
import pytest

import rnnviz.widgets.saturation as module
from rnnviz.charlm.interpret import saturation
from rnnviz.widgets.saturation import THRESHOLDS, Saturation


@pytest.fixture
def gates():
    rng = np.random.default_rng(0)
    return {name: 1 / (1 + np.exp(-3 * rng.normal(size=(400, 20)))) for name in "ifo"}


def test_one_scatter_per_gate_with_the_statistic(gates, shown):
    widget = Saturation(gates)
    panels = widget.chart.spec["panels"]
    assert [p["kind"] for p in panels] == ["xy"] * 3
    assert {p["hover_mode"] for p in panels} == {"indexed"}
    assert [p["title"] for p in panels] == ["input gate i", "forget gate f", "output gate o"]
    stats = saturation(gates, 0.1, 0.9)
    for name in "ifo":
        np.testing.assert_allclose(shown(widget.chart, f"{name}_left"), stats[name][0], rtol=1e-6)
        np.testing.assert_allclose(shown(widget.chart, f"{name}_right"), stats[name][1], rtol=1e-6)
    np.testing.assert_allclose(shown(widget.chart, "left_threshold"), [0.1], rtol=1e-6)
    np.testing.assert_allclose(shown(widget.chart, "right_threshold"), [0.9], rtol=1e-6)
    assert widget._repr_mimebundle_()["text/plain"] == "<Saturation widget>"
    json.dumps(widget.chart.spec, allow_nan=False)


def test_every_threshold_of_the_grid_is_sent(gates, shown):
    widget = Saturation(gates)
    slider = widget.threshold
    assert np.allclose(THRESHOLDS, np.arange(slider.min, slider.max + 1e-9, slider.step))
    assert widget.chart.data["f_left"]["shape"] == [len(THRESHOLDS), 20]
    for t in (0.02, 0.3, 0.4):
        widget.threshold.value = t
        stats = saturation(gates, t, 1 - t)
        np.testing.assert_allclose(shown(widget.chart, "f_left"), stats["f"][0], rtol=1e-6)
        np.testing.assert_allclose(shown(widget.chart, "f_right"), stats["f"][1], rtol=1e-6)
        np.testing.assert_allclose(shown(widget.chart, "left_threshold"), [t], rtol=1e-6)
        np.testing.assert_allclose(shown(widget.chart, "right_threshold"), [1 - t], rtol=1e-6)
        np.testing.assert_array_equal(widget.data["f"][0], stats["f"][0])


def test_the_threshold_slider_recomputes_nothing(gates, monkeypatch, shown):
    widget = Saturation(gates)
    before = shown(widget.chart, "i_left").copy()
    calls = []
    monkeypatch.setattr(module, "saturation", lambda *a, **k: calls.append(a))
    spec = widget.chart.spec
    widget.threshold.value = 0.3
    assert calls == [] and widget.chart.spec is spec
    after = shown(widget.chart, "i_left")
    assert np.all(after >= before) and np.any(after > before)  # a wider band: more saturated
    assert "{left_threshold:.2f}" in spec["title"] and "{right_threshold:.2f}" in spec["title"]


def test_gates_without_a_house_colour_get_one(gates):
    widget = Saturation({"x": gates["i"]})
    assert widget.chart.spec["panels"][0]["series"][1]["color"] == module.OTHER_GATE_COLOR


def test_rejects_empty_or_malformed_gates():
    with pytest.raises(ValueError, match="gates"):
        Saturation({})
    with pytest.raises(ValueError, match="dimensions"):
        Saturation({"f": np.zeros(5)})


@pytest.mark.parametrize("threshold", [0.5, 0.0, 0.01])
def test_an_out_of_range_threshold_is_refused_not_clamped(gates, threshold):
    with pytest.raises(ValueError, match=r"threshold must be in \[0.02, 0.4\]"):
        Saturation(gates, threshold=threshold)
    widget = Saturation(gates)
    with pytest.raises(ValueError, match=r"threshold must be in \[0.02, 0.4\]"):
        widget.threshold.value = threshold


def test_gates_without_steps_or_with_nan_are_refused():
    with pytest.raises(ValueError, match="at least one step"):
        Saturation({"f": np.zeros((0, 3))})
    with pytest.raises(ValueError, match="NaN or inf"):
        Saturation({"f": np.full((4, 3), np.nan)})
