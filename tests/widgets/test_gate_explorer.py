"""GateExplorer's logic without a browser: the frames it sends are what gradients.gate_unit,
gradients.highway and models.cells compute, along every slider's range, so the browser only
picks one."""

import numpy as np
import pytest
import torch

from rnnviz.gradients.gate_unit import BEHAVIOURS, NEUTRAL, PRESETS, gru_unit_step, lstm_unit_step
from rnnviz.gradients.highway import forget_highway, sequence_gates
from rnnviz.models.cells import GRU, LSTM, RNN
from rnnviz.tasks.recall import recall_batch
from rnnviz.widgets.gate_explorer import GateCellExplorer, GateExplorer, GateSequenceExplorer


def test_every_position_of_every_slider_has_its_frame(shown):
    w = GateExplorer.cell()
    base = w.setting
    # Moving f's bias alone is answered from the frames sent with the widget.
    data = w.chart.data
    slider = w.weights["f"][2]
    with slider._lock_property(value=2.5):  # how ipywidgets applies a value from the page
        slider.value = 2.5
    assert w.chart.data is data
    step = lstm_unit_step(w.setting)
    assert w.setting != base
    assert shown(w.chart, "gates") == pytest.approx([step.gates[g] for g in "ifog"], abs=1e-6)
    assert shown(w.chart, "parts") == pytest.approx(
        [w.setting.c_prev, step.kept, step.written, step.c], abs=1e-6
    )
    assert shown(w.chart, "deriv") == pytest.approx(
        [step.gates["f"], step.rnn.local_derivative], abs=1e-6
    )
    assert shown(w.chart, "out") == pytest.approx([step.gates["o"], step.tanh_c, step.h], abs=1e-6)
    assert shown(w.chart, "part_bases")[2] == pytest.approx(step.kept, abs=1e-6)
    # Two sliders away from the frames' base: not sent yet, the page says "recomputing".
    with w.inputs["x"]._lock_property(value=0.5):
        w.inputs["x"].value = 0.5
    assert shown(w.chart, "gates") is None
    # Every grid is the slider's own positions.
    for name, slider in w._named.items():
        grid = w.chart.spec["controls"][name]["grid"]
        assert grid[0] == slider.min and grid[-1] == pytest.approx(slider.max)
        assert np.allclose(np.diff(grid), slider.step)


def test_a_change_from_python_recomputes_around_it(shown):
    w = GateExplorer.cell()
    w.inputs["c_prev"].value = -2.0
    step = lstm_unit_step(w.setting)
    assert w.chart.spec["base"]["c_prev"] == -2.0
    assert shown(w.chart, "parts")[3] == pytest.approx(step.c, abs=1e-6)
    assert w.data.c == pytest.approx(step.c) and w.data.setting.c_prev == -2.0


def test_the_page_settling_recomputes_once_the_kernel_has_its_values(shown):
    w = GateExplorer.cell()
    slider = w.inputs["c_prev"]
    # The page's settle message can arrive before the slider's own value message.
    settled = dict(w.chart.spec["base"], c_prev=1.5)
    w.chart._message(w.chart, {"event": "settle", "state": settled}, [])
    assert w.chart.spec["base"]["c_prev"] != 1.5  # not yet: the kernel still has the old value
    with slider._lock_property(value=1.5):  # how ipywidgets applies a value from the page
        slider.value = 1.5
    assert w.chart.spec["base"]["c_prev"] == 1.5
    assert shown(w.chart, "parts")[3] == pytest.approx(lstm_unit_step(w.setting).c, abs=1e-6)


@pytest.mark.parametrize("name", BEHAVIOURS)
def test_presets_through_the_widget(name, shown):
    w = GateExplorer.cell()
    assert not w.check(name).met  # the neutral start shows no behaviour
    w.apply_preset(name)
    assert w.setting == PRESETS[name]
    assert w.check(name).met
    assert shown(w.chart, "gates") == pytest.approx(
        [lstm_unit_step(PRESETS[name]).gates[g] for g in "ifog"], abs=1e-6
    )


def test_apply_recomputes_once():
    w = GateExplorer.cell()
    calls = []
    original = w.refresh
    w.refresh = lambda: (calls.append(1), original())
    w.apply(PRESETS["remember forever"])
    assert len(calls) == 1


def test_gru_cell_mode(shown):
    w = GateExplorer.cell("gru")
    assert "c_prev" not in w.inputs and set(w.weights) == {"r", "z", "n"}
    w.weights["z"][2].value = 4.0
    step = gru_unit_step(w.setting)
    assert shown(w.chart, "gates") == pytest.approx([step.gates[g] for g in "rzn"], abs=1e-6)
    assert shown(w.chart, "deriv") == pytest.approx(
        [step.gates["z"], step.full_derivative, step.rnn.local_derivative], abs=1e-6
    )
    assert shown(w.chart, "parts")[3] == pytest.approx(step.h, abs=1e-6)
    with pytest.raises(ValueError, match="LSTM"):
        w.check("remember forever")


def test_cell_rejects_bad_arguments():
    with pytest.raises(ValueError, match="cell"):
        GateExplorer.cell("rnn")
    with pytest.raises(TypeError, match="setting"):
        GateExplorer.cell("gru", setting=NEUTRAL)
    with pytest.raises(TypeError, match="setting"):
        GateExplorer.cell().apply({"x": 1.0})
    with pytest.raises(ValueError, match="behaviour"):
        GateExplorer.cell().apply_preset("explode")


def test_fixed_text_repr():
    bundle = GateExplorer.cell()._repr_mimebundle_()
    assert bundle["text/plain"] == "<GateCellExplorer widget>"


def run(model, x):
    """The model's gates and cell states as numpy, straight from rnnviz.models.cells."""
    with torch.no_grad():
        trace = model(x)
        return {k: v.numpy() for k, v in trace.gates.items()}, trace.c.numpy()


@pytest.fixture(scope="module")
def lstm_sequence():
    torch.manual_seed(0)
    model = LSTM(2, 3)
    batch = recall_batch(3, 12, seed=5)
    return model, batch


def test_sequence_sliders_pick_frames_of_one_run(lstm_sequence, shown):
    model, batch = lstm_sequence
    w = GateExplorer.sequence(model, batch.x, marked=batch.marked)
    assert isinstance(w, GateSequenceExplorer)
    gates, c = run(model, batch.x)
    data = w.chart.data
    w.time.value, w.sample.value = 7, 2
    assert w.chart.data is data and w.data == (2, 7)  # nothing recomputed
    np.testing.assert_allclose(shown(w.chart, "c"), c[2], rtol=1e-6)  # (T, H), x-major
    np.testing.assert_allclose(shown(w.chart, "f_at_t"), gates["f"][2, 7], rtol=1e-6)
    np.testing.assert_allclose(shown(w.chart, "highway"), forget_highway(gates["f"])[2], rtol=1e-5)
    np.testing.assert_array_equal(shown(w.chart, "marked"), batch.marked[2])
    assert w._repr_mimebundle_()["text/plain"] == "<GateSequenceExplorer widget>"


def test_sequence_gates_compares_with_the_given_rnn():
    torch.manual_seed(1)
    model, rnn = GRU(2, 3), RNN(2, 3)
    x = recall_batch(2, 6, seed=0).x
    out = sequence_gates(model, x, rnn)
    assert set(out["panels"]) == {"r", "z", "n", "h"}
    with torch.no_grad():
        h = rnn(x).h.numpy()
    w = rnn.core.weight_hh_l0.detach().numpy()
    jacobians = [np.diag(1 - h[0, t] ** 2) @ w for t in range(6)]
    norms = [np.linalg.norm(j, 2) for j in jacobians]
    np.testing.assert_allclose(out["rnn_bound"][0], np.log10(np.cumprod(norms)), rtol=1e-5)
    products = [np.linalg.multi_dot(jacobians[t::-1] + [np.eye(3)]) for t in range(6)]
    np.testing.assert_allclose(
        out["rnn_highway"][0], [np.log10(np.linalg.norm(p, 2)) for p in products], rtol=1e-5
    )
    np.testing.assert_allclose(out["highway"], forget_highway(out["panels"]["z"]))


def test_sequence_rejects_bad_arguments(lstm_sequence):
    model, batch = lstm_sequence
    with pytest.raises(TypeError, match="model"):
        GateExplorer.sequence(RNN(2, 3), batch.x)
    with pytest.raises(ValueError, match="rnn must have"):
        GateExplorer.sequence(model, batch.x, rnn=RNN(2, 4))
    with pytest.raises(TypeError, match="rnn"):
        GateExplorer.sequence(model, batch.x, rnn=model)
    with pytest.raises(ValueError, match="marked"):
        GateExplorer.sequence(model, batch.x, marked=batch.marked[:, :3])
    with pytest.raises(ValueError, match="x"):
        GateExplorer.sequence(model, batch.x[0])


def test_an_exact_zero_in_the_highway_reaches_the_page_as_minus_infinity(lstm_sequence, shown):
    model, batch = lstm_sequence
    w = GateExplorer.sequence(model, batch.x)
    w.sequence["highway"][0, 5:] = -np.inf  # as forget_highway reports a product of exact 0
    w._show(3, 12, 3, "vanilla RNN")
    assert np.all(shown(w.chart, "highway")[5:] == -np.inf)  # drawn as underflow markers


def test_default_rnn_does_not_disturb_the_global_seed(lstm_sequence):
    model, batch = lstm_sequence
    torch.manual_seed(3)
    expected = torch.rand(1)
    torch.manual_seed(3)
    GateSequenceExplorer(model, batch.x)
    assert torch.equal(torch.rand(1), expected)


def test_cell_explorer_is_the_cell_mode():
    assert isinstance(GateExplorer.cell(), GateCellExplorer)
