"""widgets.loss_plot: curves grow in place from train's callback as float32 entries, NaN and
inf are gaps, and the rate rule bounds what is sent."""

import json
import math

import numpy as np
import pytest
import torch

from rnnviz.style import MODEL_COLORS, MODEL_SYMBOLS
from rnnviz.training import TrainResult, train
from rnnviz.widgets.loss_plot import LossPlot


def regression_problem():
    x = torch.randn(64, 3, generator=torch.Generator().manual_seed(0))
    y = x @ torch.tensor([[1.0], [-2.0], [0.5]])
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 1)
    return model, lambda step: torch.mean((model(x) - y) ** 2)


def sent(plot, name):
    """A curve's values as the page receives them (float32 frames)."""
    entry = plot.chart.data[name]
    return np.frombuffer(entry["values"], dtype=entry["dtype"]).reshape(entry["shape"])[0]


def series(plot):
    return plot.chart.spec["panels"][0]["series"]


def test_runs_share_one_chart_in_their_house_colours():
    plot = LossPlot()
    chart = plot.chart
    runs = []
    for label in ("RNN", "LSTM"):
        model, loss_fn = regression_problem()
        runs.append(
            train(model, loss_fn, steps=40, progress=False, callback=plot.run(), label=label)
        )
    assert plot.chart is chart and [s["name"] for s in series(plot)] == ["RNN", "LSTM"]
    for run, s in zip(runs, series(plot)):
        np.testing.assert_allclose(sent(plot, s["data"]), np.log10(run.losses), rtol=1e-6)
        assert (s["x0"], s["dx"]) == (1, 1)  # value k is step k + 1
    lstm = series(plot)[1]
    # the model's colour and marker; the dash stays the caller's (solid unless asked)
    assert (lstm["color"], lstm["symbol"]) == (MODEL_COLORS["lstm"], MODEL_SYMBOLS["lstm"])
    assert "dash" not in lstm
    assert lstm["markers"] and lstm["marker_gap"] > 0  # a few markers, not one a step
    legend = chart.spec["legend"]
    assert [item["name"] for item in legend] == ["RNN", "LSTM"]
    assert [item["marker"] for item in legend] == ["circle", "square"]
    panel = chart.spec["panels"][0]
    assert panel["y"]["log"] and panel["x"]["range"] == [1, 40]
    assert "<LossPlot widget>" == plot._repr_mimebundle_()["text/plain"]


def test_style_overrides_and_a_nan_loss_is_a_gap_not_json():
    plot = LossPlot(title="t", yaxis_title="MSE")
    callback = plot.run(color="#000000", dash="dot")
    callback(TrainResult(label="RNN", losses=[1.46, 1.39, math.nan, math.inf, 0.0], finished=True))
    s = series(plot)[0]
    assert s["color"] == "#000000" and s["dash"] == [2, 3]
    assert plot.chart.spec["legend"][0]["dash"] == "dotted"
    assert "symbol" not in s and "marker" not in plot.chart.spec["legend"][0]  # not a model's
    values = sent(plot, s["data"])
    np.testing.assert_allclose(values[:2], np.log10([1.46, 1.39]), rtol=1e-6)
    assert np.isnan(values[2:]).all()  # NaN, inf, and 0 on a log axis: gaps
    json.dumps(plot.chart.spec, allow_nan=False)  # would raise on NaN
    assert plot.chart.spec["title"] == "t" and plot.chart.spec["panels"][0]["y"]["title"] == "MSE"


def test_curves_of_different_lengths_each_have_their_own_entry_and_a_linear_axis():
    plot = LossPlot(log_y=False)
    plot.add_curve("GRU T=10", [0.5, 0.25, 0.125], dash="dash")
    plot.add_curve("my model", [3.0, -1.0, math.nan, 2.0, 1.0])
    first, second = series(plot)
    np.testing.assert_array_equal(sent(plot, first["data"]), [0.5, 0.25, 0.125])
    np.testing.assert_array_equal(sent(plot, second["data"])[[0, 1, 3, 4]], [3, -1, 2, 1])
    assert first["color"] == MODEL_COLORS["gru"]
    assert second["color"] == "#EF553B"  # plotly's 2nd colour
    panel = plot.chart.spec["panels"][0]
    assert not panel["y"]["log"] and panel["x"]["range"] == [1, 5]
    assert panel["y"]["range"] == pytest.approx([-1.2, 3.2])  # values padded by 5%
    with pytest.raises(ValueError, match="dash must be one of"):
        plot.add_curve("x", [1.0], dash="wiggly")


def test_updates_are_rate_limited_but_the_last_one_always_arrives():
    plot = LossPlot()
    callback = plot.run()
    result = TrainResult(label="GRU")
    for step in range(1, 1001):
        result.losses.append(1.0 / step)
        callback(result)  # a thousand fast steps: the first draws, the rest are too soon
    assert len(sent(plot, "curve0")) < 1000
    result.finished = True
    callback(result)
    np.testing.assert_allclose(sent(plot, "curve0"), -np.log10(np.arange(1, 1001)), atol=1e-6)


def test_a_slow_run_sends_a_bounded_number_of_points(monkeypatch):
    """However slow the steps (every one past the rate limit here), the curve is resent only
    when it has grown by MIN_GROWTH: the points sent stay within a small multiple of the
    run's length instead of growing with its square."""
    clock = iter(range(10**6))
    monkeypatch.setattr("rnnviz.widgets.loss_plot.time.perf_counter", lambda: next(clock))
    plot = LossPlot()
    messages = []
    plot.chart.observe(lambda change: messages.append(len(sent(plot, "curve0"))), names="data")
    callback = plot.run()
    result = TrainResult(label="RNN")
    for step in range(1, 3001):
        result.losses.append(1.0 / step)
        callback(result)
    result.finished = True
    callback(result)
    assert messages[-1] == 3000
    assert sum(messages) < 25 * 3000 and len(messages) < 200
