"""widgets.loss_plot: curves grow in place from train's callback, gaps stay JSON."""

import json
import math

import torch

from rnnviz.training import TrainResult, train
from rnnviz.widgets.loss_plot import LossPlot


def regression_problem():
    x = torch.randn(64, 3, generator=torch.Generator().manual_seed(0))
    y = x @ torch.tensor([[1.0], [-2.0], [0.5]])
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 1)
    return model, lambda step: torch.mean((model(x) - y) ** 2)


def test_runs_share_one_figure_in_their_house_colours():
    plot = LossPlot()
    figure = plot.figure
    for label in ("RNN", "LSTM"):
        model, loss_fn = regression_problem()
        train(model, loss_fn, steps=40, progress=False, callback=plot.run(), label=label)
    assert plot.figure is figure and len(figure.data) == 2
    assert [len(trace.y) for trace in figure.data] == [40, 40]
    assert [trace.name for trace in figure.data] == ["RNN", "LSTM"]
    assert figure.data[1].line.color == "#1f77b4"  # LSTM blue
    assert "<LossPlot widget>" == plot._repr_mimebundle_()["text/plain"]


def test_style_overrides_and_a_nan_loss_is_a_gap_not_nan():
    plot = LossPlot()
    callback = plot.run(color="#000000", dash="dot")
    result = TrainResult(label="RNN", losses=[1.46, 1.39, math.nan], finished=True)
    callback(result)
    trace = plot.figure.data[0]
    assert trace.line.color == "#000000" and trace.line.dash == "dot"
    assert list(trace.y) == [1.46, 1.39, None]
    json.dumps(plot.figure.to_dict(), allow_nan=False)  # would raise on NaN


def test_updates_are_rate_limited_but_the_last_one_always_arrives():
    plot = LossPlot()
    callback = plot.run()
    result = TrainResult(label="GRU")
    for step in range(1, 1001):
        result.losses.append(1.0 / step)
        callback(result)  # a thousand fast steps: the first draws, the rest are too soon
    assert len(plot.figure.data[0].y) < 1000
    result.finished = True
    callback(result)
    assert len(plot.figure.data[0].y) == 1000


def test_a_slow_run_sends_a_bounded_number_of_points(monkeypatch):
    """However slow the steps (every one past the rate limit here), the curve is resent only
    when it has grown by MIN_GROWTH: the points sent stay within a small multiple of the
    run's length instead of growing with its square."""
    clock = iter(range(10**6))
    monkeypatch.setattr("rnnviz.widgets.loss_plot.time.perf_counter", lambda: next(clock))
    plot = LossPlot()
    sent = []
    monkeypatch.setattr(plot, "_set", lambda trace, values: sent.append(len(values)))
    callback = plot.run()
    result = TrainResult(label="RNN")
    for step in range(1, 3001):
        result.losses.append(1.0 / step)
        callback(result)
    result.finished = True
    callback(result)
    assert sent[-1] == 3000
    assert sum(sent) < 25 * 3000 and len(sent) < 200
