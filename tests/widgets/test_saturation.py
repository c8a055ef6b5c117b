"""Tests for the Saturation widget: one scatter per gate, threshold slider in place."""

import numpy as np
import pytest

from rnnviz.charlm.interpret import saturation
from rnnviz.widgets.saturation import Saturation
from rnnviz.widgets.traces import traces_by_name


@pytest.fixture
def gates():
    rng = np.random.default_rng(0)
    return {name: 1 / (1 + np.exp(-3 * rng.normal(size=(400, 20)))) for name in "ifo"}


def test_one_scatter_per_gate_with_the_statistic(gates):
    widget = Saturation(gates)
    stats = saturation(gates, 0.1, 0.9)
    assert len(widget.figure.data) == 6  # a reference line and the units, per gate
    points = traces_by_name(widget.figure)
    for name in "ifo":
        np.testing.assert_allclose(points[name].x, stats[name][0])
        np.testing.assert_allclose(points[name].y, stats[name][1])


def test_threshold_slider_updates_in_place(gates):
    widget = Saturation(gates)
    figure, points = widget.figure, traces_by_name(widget.figure)["i"]
    before = np.asarray(points.x).copy()
    widget.threshold.value = 0.3
    assert widget.figure is figure and traces_by_name(figure)["i"] is points
    assert np.all(np.asarray(points.x) >= before) and np.any(np.asarray(points.x) > before)
    assert "0.30" in figure.layout.title.text and "0.70" in figure.layout.title.text


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
