"""RingFlow: its frames are gradient_flow's and ring_gradient_norm's numbers at every slider
position, the phase moves the eigenvalues but not the flow, and the RNN underflows."""

import json

import numpy as np
import pytest

from rnnviz.gradients.flow import gradient_flow
from rnnviz.gradients.linear_flow import ring_gradient_norm
from rnnviz.models.lru import ring_eigenvalues
from rnnviz.widgets.renderer import log10_or_edge
from rnnviz.widgets.ring_flow import GATE_BIASES, PHASES, R_MAXS, R_MINS, STRIDE, RingFlow


@pytest.fixture(scope="module")
def widget():
    return RingFlow(seq_len=100, hidden_size=16)


def test_every_hot_slider_has_its_whole_grid(widget):
    for name, grid in [
        ("r_min", R_MINS),
        ("r_max", R_MAXS),
        ("max_phase", PHASES),
        ("gate_bias", GATE_BIASES),
    ]:
        slider = getattr(widget, name)
        positions = np.arange(slider.min, slider.max + slider.step / 2, slider.step)
        np.testing.assert_allclose(grid, positions, atol=1e-9)
        assert widget.chart.spec["controls"][name]["grid"] == [float(v) for v in grid]
    assert widget.chart.data["lru"]["shape"] == [len(R_MINS), len(R_MAXS), 100 // STRIDE]
    assert widget._repr_mimebundle_()["text/plain"] == "<RingFlow widget>"
    json.dumps(widget.chart.spec, allow_nan=False)


def test_the_shown_flow_is_gradient_flows_and_the_closed_form(widget, shown):
    widget.r_min.value, widget.r_max.value = 0.5, 0.99
    flow = gradient_flow(
        "lru", seq_len=100, hidden_size=16, input_size=2, r_min=0.5, r_max=0.99, dtype="float32"
    )
    norms = flow.grad_h[0, ::-1].astype(float)
    expected = log10_or_edge(norms[::STRIDE] / norms[0])
    np.testing.assert_allclose(shown(widget.chart, "lru"), expected, atol=1e-5)
    closed = ring_gradient_norm(np.arange(0, 100, STRIDE), 0.5, 0.99)
    np.testing.assert_allclose(shown(widget.chart, "closed"), np.log10(closed), atol=1e-5)
    np.testing.assert_allclose(
        float(shown(widget.chart, "closed_last")), ring_gradient_norm(99, 0.5, 0.99)
    )


def test_the_phase_moves_the_eigenvalues_and_leaves_the_flow(widget, shown):
    widget.r_min.value, widget.r_max.value, widget.max_phase.value = 0.9, 0.999, 0.75
    flow, eig = shown(widget.chart, "lru"), shown(widget.chart, "eig_re")
    lam = ring_eigenvalues(len(eig), 0.9, 0.999, 0.75)
    np.testing.assert_allclose(eig, lam.real, atol=1e-6)
    np.testing.assert_allclose(shown(widget.chart, "eig_im"), lam.imag, atol=1e-6)
    widget.max_phase.value = 4.75
    assert not np.allclose(shown(widget.chart, "eig_re"), eig)
    np.testing.assert_array_equal(shown(widget.chart, "lru"), flow)
    a = gradient_flow("lru", seq_len=50, max_phase=0.5)
    b = gradient_flow("lru", seq_len=50, max_phase=5.0)
    np.testing.assert_allclose(a.grad_h, b.grad_h, rtol=1e-12)  # |lambda^k| = |lambda|^k


def test_the_gate_bias_keeps_min_grus_gradient_and_the_rnn_underflows():
    widget = RingFlow(seq_len=1000, hidden_size=16)
    data = widget.compute(gate_bias=-6.0)
    assert data["mingru"][-1] > 1e-2
    assert widget.compute(gate_bias=0.0)["mingru"][-1] == 0.0  # below float32's range
    assert data["rnn"][-1] == 0.0 and data["rnn"][20] > 0  # underflowed, exactly
    assert data["lru"][-1] > 1e-3


def test_bad_arguments_are_refused_by_name():
    with pytest.raises(ValueError, match="seq_len"):
        RingFlow(seq_len=50)
    with pytest.raises(ValueError, match="r_max"):
        RingFlow(r_max=1.0, seq_len=100, hidden_size=16)
    with pytest.raises(ValueError, match="gate_bias"):
        RingFlow(gate_bias=-9.0, seq_len=100, hidden_size=16)
