"""widgets.gradient_flow: the frames it sends are rnnviz.gradients.flow's numbers, at every
position of the hot sliders, so the browser only picks one."""

import numpy as np
import pytest
import torch

import rnnviz.widgets.gradient_flow as module
from rnnviz.gradients.flow import gradient_flow
from rnnviz.widgets.gradient_flow import FORGET_BIASES, RADII, GradientFlow, pulse_fade

torch.set_num_threads(1)


@pytest.fixture
def widget():
    return GradientFlow(seq_len=60, hidden_size=16)


def test_frames_are_the_flow_at_every_slider_position(widget, shown):
    for radius in (0.1, 0.9, 1.5):
        widget.spectral_radius.value = radius
        expected = gradient_flow("rnn", seq_len=60, hidden_size=16, spectral_radius=radius)
        np.testing.assert_allclose(
            shown(widget.chart, "rnn_h"), np.log10(expected.grad_h[0]), rtol=1e-6
        )
        np.testing.assert_allclose(
            shown(widget.chart, "rnn_bound"), np.log10(expected.bound[0]), rtol=1e-6
        )
        np.testing.assert_allclose(
            [float(shown(widget.chart, "rnn_s")), float(shown(widget.chart, "rnn_ratio"))],
            [expected.top_singular_value, expected.ratio("h")[0]],
            rtol=1e-6,
        )
    for bias in (-3.0, 0.0, 3.0):
        widget.forget_bias.value = bias
        lstm = gradient_flow("lstm", seq_len=60, hidden_size=16, forget_bias=bias)
        np.testing.assert_allclose(
            shown(widget.chart, "lstm_c"), np.log10(lstm.grad_c[0]), rtol=1e-6
        )
    assert widget.chart.data["rnn_h"]["shape"] == [len(RADII), 60]
    assert widget.chart.data["lstm_c"]["shape"] == [len(FORGET_BIASES), 60]
    # The grids are the sliders' own positions, so every position has its frame.
    slider = widget.spectral_radius
    assert np.allclose(RADII, np.arange(slider.min, slider.max + 1e-9, slider.step))
    slider = widget.forget_bias
    assert np.allclose(FORGET_BIASES, np.arange(slider.min, slider.max + 1e-9, slider.step))
    assert widget._repr_mimebundle_()["text/plain"] == "<GradientFlow widget>"


def test_the_kernel_reads_the_sliders(widget):
    widget.spectral_radius.value = 1.2
    expected = gradient_flow("rnn", seq_len=60, hidden_size=16, spectral_radius=1.2)
    np.testing.assert_array_equal(widget.data["rnn"].grad_h, expected.grad_h)


def test_hot_sliders_recompute_nothing(widget, monkeypatch):
    calls = []
    monkeypatch.setattr(module, "gradient_flow", lambda *a, **k: calls.append(a))
    spec = widget.chart.spec
    for radius in (0.3, 1.7):
        widget.spectral_radius.value = radius
    widget.forget_bias.value = 2.0
    widget.step.value = 30
    assert calls == [] and widget.chart.spec is spec


def test_cold_controls_recompute_every_frame(widget, shown):
    widget.seq_len.value = 80
    assert widget.chart.data["rnn_h"]["shape"] == [len(RADII), 80] and not widget.chart.busy
    assert widget.step.max == 80 and widget.chart.spec["controls"]["step"]["grid"][-1] == 80
    # The pulse's slider is a new one over 1..T, in the page and driving the chart.
    assert widget.step.value == 1 and widget.step in widget.chart.controls
    assert widget.step in widget.box.children[1].children
    widget.loss.value = "all"
    expected = gradient_flow("rnn", seq_len=80, hidden_size=16, spectral_radius=0.9, loss="all")
    np.testing.assert_allclose(
        shown(widget.chart, "rnn_h"), np.log10(expected.grad_h[0]), rtol=1e-6
    )


def test_the_pulse_fades_as_the_gradient_vanishes(widget, shown):
    fade = shown(widget.chart, "rnn_fade")
    assert fade[-1] == 1 and fade[0] < 0.2  # radius 0.9: many decades lost by t = 1
    widget.forget_bias.value = 3.0
    assert shown(widget.chart, "lstm_fade")[0] > 0.9  # the cell state keeps it
    logs = np.array([[-1.0, -np.inf, -13.0, 0.0]])
    np.testing.assert_allclose(pulse_fade(logs), [[11 / 12, 0.08, 0.08, 1.0]])


def test_underflow_and_overflow_reach_the_browser_as_infinities(widget, shown):
    widget.dtype.value = "float32"
    widget.spectral_radius.value = 0.5
    widget.seq_len.value = 200
    grad = gradient_flow(
        "rnn", seq_len=200, hidden_size=16, spectral_radius=0.5, dtype="float32"
    ).grad_h[0]
    assert (grad == 0).any()
    rnn = shown(widget.chart, "rnn_h")
    np.testing.assert_array_equal(rnn == -np.inf, grad == 0)  # drawn as underflow markers

    # relu, W = 2 I: float32 overflows after ~128 steps (inf, then NaN): +inf, the top edge.
    widget.nonlinearity.value = "relu"
    widget.init.value = "identity"
    widget.spectral_radius.value = 2.0
    rnn = shown(widget.chart, "rnn_h")
    assert (rnn == np.inf).any() and not np.isnan(rnn).any()


def test_gru_switch_adds_a_panel(widget, shown):
    assert len(widget.chart.spec["panels"]) == 3 and "gru_h" not in widget.chart.data
    widget.show_gru.value = True
    gru = gradient_flow("gru", seq_len=60, hidden_size=16)
    np.testing.assert_allclose(shown(widget.chart, "gru_h"), np.log10(gru.grad_h[0]), rtol=1e-6)
    panels = widget.chart.spec["panels"]
    assert len(panels) == 4 and panels[2]["title"].startswith("GRU")
    assert panels[1]["box"][0] + panels[1]["box"][2] < panels[2]["box"][0]  # side by side


def test_jacobians_switch(widget, shown):
    assert "rnn_jacobian" not in widget.chart.data
    widget.jacobians.value = True
    flow = gradient_flow("rnn", seq_len=60, hidden_size=16, jacobians=True)
    np.testing.assert_allclose(
        shown(widget.chart, "rnn_jacobian"), np.log10(flow.jacobian[0]), rtol=1e-5
    )


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
