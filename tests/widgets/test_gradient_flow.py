"""widgets.gradient_flow: draws rnnviz.gradients.flow's numbers, in place, and animates cheaply."""

import numpy as np
import pytest
import torch

import rnnviz.widgets.gradient_flow as module
from rnnviz.gradients.flow import gradient_flow
from rnnviz.widgets.gradient_flow import GradientFlow

torch.set_num_threads(1)


@pytest.fixture
def widget():
    return GradientFlow(seq_len=60, hidden_size=16)


def y(widget, key):
    return np.asarray(widget.figure.data[widget.trace[key]].y, dtype=float)


def test_draws_the_flow_it_computed(widget):
    expected = gradient_flow("rnn", seq_len=60, hidden_size=16, spectral_radius=0.9)
    np.testing.assert_allclose(y(widget, ("rnn", "h")), expected.grad_h[0])
    np.testing.assert_allclose(y(widget, "bound"), expected.bound[0])
    lstm = gradient_flow("lstm", seq_len=60, hidden_size=16, forget_bias=0.0)
    np.testing.assert_allclose(y(widget, ("lstm", "c")), lstm.grad_c[0])
    assert widget.figure.data[0] is widget.figure.data[widget.trace[("rnn", "h")]]
    for key, row in ((("chain", "rnn", "h"), 3), (("chain", "lstm", "c"), 1)):
        chain = widget.figure.data[widget.trace[key]]  # one square a state, on its row
        np.testing.assert_array_equal(chain.y, np.full(60, row))
        assert len(chain.marker.color) == 60 and chain.x0 == 1 and chain.dx == 1
    np.testing.assert_allclose(
        widget.figure.data[widget.trace[("chain", "rnn", "h")]].marker.color,
        np.log10(expected.grad_h[0]))
    assert widget._repr_mimebundle_()["text/plain"] == "<GradientFlow widget>"
    # Displaying it hands the browser the current figure, not the empty one it was built as.
    np.testing.assert_allclose(widget.figure._widget_data[0]["y"], expected.grad_h[0])


def test_slider_updates_in_place_and_only_the_model_it_touches(widget):
    figure, traces = widget.figure, len(widget.figure.data)
    rnn_before, lstm_before = y(widget, ("rnn", "h")), y(widget, ("lstm", "c"))
    widget.spectral_radius.value = 1.5
    assert widget.figure is figure and len(figure.data) == traces
    assert not np.allclose(y(widget, ("rnn", "h")), rnn_before)
    np.testing.assert_array_equal(y(widget, ("lstm", "c")), lstm_before)
    widget.forget_bias.value = 3.0
    assert y(widget, ("lstm", "c"))[0] > 1e3 * lstm_before[0]
    widget.seq_len.value = 80
    assert len(y(widget, ("rnn", "h"))) == 80 and widget.step.max == 80


def test_animation_restyles_without_recomputing(widget, monkeypatch):
    calls = []

    def counted(*args, **kwargs):
        calls.append(args)
        return gradient_flow(*args, **kwargs)

    monkeypatch.setattr(module, "gradient_flow", counted)
    pulse = widget.figure.data[widget.trace[("pulse", "rnn")]]
    chain = widget.figure.data[widget.trace[("chain", "rnn", "h")]]
    for count in (1, 30, 60):  # Play counts up; the pulse runs from T back to 1
        widget.play.value = count
        assert widget.step.value == 61 - count
        assert list(pulse.x) == [61 - count]
        opacity = np.asarray(chain.marker.opacity)
        assert np.all(opacity[60 - count:] == 1) and np.all(opacity[: 60 - count] < 1)
    assert calls == []  # frames only restyle
    # The RNN's pulse fades as its gradient vanishes; the LSTM's (forget bias 3) does not.
    widget.forget_bias.value = 3.0
    widget.step.value = 1
    assert widget.figure.data[widget.trace[("pulse", "rnn")]].marker.opacity < 0.2
    assert widget.figure.data[widget.trace[("pulse", "lstm")]].marker.opacity > 0.9


def test_underflow_and_overflow_are_marked_not_gaps(widget):
    widget.dtype.value = "float32"
    widget.spectral_radius.value = 0.5
    widget.seq_len.value = 200
    zeros = np.flatnonzero(gradient_flow("rnn", seq_len=200, hidden_size=16, spectral_radius=0.5,
                                         dtype="float32").grad_h[0] == 0) + 1
    assert len(zeros) > 0
    under = widget.figure.data[widget.trace[("under", "rnn")]]
    np.testing.assert_array_equal(under.x, zeros)
    lo, hi = widget.figure.layout.yaxis.range
    assert np.allclose(np.log10(under.y), lo + 0.02 * (hi - lo))  # pinned at the bottom edge
    assert under.text[0] == "0"
    assert np.all(np.isnan(y(widget, ("rnn", "h"))[zeros - 1]))

    # relu, W = 2 I: float32 overflows after ~128 steps (inf, then NaN).
    widget.nonlinearity.value = "relu"
    widget.init.value = "identity"
    widget.spectral_radius.value = 2.0
    over = widget.figure.data[widget.trace[("over", "rnn")]]
    assert len(over.x) > 0 and over.text[0] == "inf/NaN"
    assert np.allclose(np.log10(over.y), hi_edge(widget))


def hi_edge(widget):
    lo, hi = widget.figure.layout.yaxis.range
    return hi - 0.02 * (hi - lo)


def test_gru_switch_moves_the_panels(widget):
    assert widget.figure.data[widget.trace[("gru", "h")]].visible is False
    assert widget.figure.layout.xaxis3.visible is False
    widget.show_gru.value = True
    gru = gradient_flow("gru", seq_len=60, hidden_size=16)
    np.testing.assert_allclose(y(widget, ("gru", "h")), gru.grad_h[0])
    assert widget.figure.data[widget.trace[("gru", "h")]].visible is True
    assert widget.figure.layout.xaxis3.visible is True
    assert widget.figure.layout.xaxis2.domain[1] < 0.7


def test_jacobians_switch(widget):
    assert len(widget.figure.data[widget.trace["jacobian"]].y) == 0
    widget.jacobians.value = True
    flow = gradient_flow("rnn", seq_len=60, hidden_size=16, jacobians=True)
    np.testing.assert_allclose(y(widget, "jacobian"), flow.jacobian[0])


@pytest.mark.parametrize(
    "kwargs, error, word",
    [
        (dict(seq_len=1), ValueError, "seq_len"),
        (dict(seq_len=1001), ValueError, "seq_len"),
        (dict(hidden_size=0), ValueError, "hidden_size"),
        (dict(spectral_radius=2.5), ValueError, "spectral_radius"),
        (dict(init="xavier"), ValueError, "init"),
        (dict(forget_bias=6.0), ValueError, "forget_bias"),
        (dict(loss="mean"), ValueError, "loss"),
        (dict(dtype="float16"), ValueError, "dtype"),
        (dict(seq_len=10.5), TypeError, "seq_len"),
    ],
)
def test_bad_arguments(kwargs, error, word):
    with pytest.raises(error, match=word):
        GradientFlow(**kwargs)
