"""GateExplorer's logic without a browser: sliders change the figure's data in place (same
figure, same traces), and what it draws is what gradients.gate_unit, gradients.highway and
models.cells compute."""

import numpy as np
import pytest
import torch

from rnnviz.gradients.gate_unit import BEHAVIOURS, NEUTRAL, PRESETS, gru_unit_step, lstm_unit_step
from rnnviz.gradients.highway import forget_highway, sequence_gates
from rnnviz.models.cells import GRU, LSTM, RNN
from rnnviz.tasks.recall import recall_batch
from rnnviz.widgets.gate_explorer import GateCellExplorer, GateExplorer, GateSequenceExplorer
from rnnviz.widgets.gate_sequence import _floor_underflow

# Trace order in the cell figure: pre-activations, range tracks, gate values,
# local derivatives, update parts, output.
PRE, GATES, DERIV, UPDATE, OUTPUT = 0, 2, 3, 4, 5


def test_cell_slider_updates_figure_in_place():
    w = GateExplorer.cell()
    figure, traces = w.figure, list(w.figure.data)
    f_bias = w.weights["f"][2]
    before_f, before_c = w.figure.data[GATES].y[1], w.figure.data[UPDATE].y[3]
    f_bias.value = -3.0
    assert w.figure is figure and list(w.figure.data) == traces  # nothing rebuilt or added
    assert all(a is b for a, b in zip(w.figure.data, traces))
    step = lstm_unit_step(w.setting)
    assert w.figure.data[GATES].y[1] == pytest.approx(step.gates["f"]) != before_f
    assert w.figure.data[UPDATE].y[3] == pytest.approx(step.c) != before_c
    assert w.figure.data[DERIV].y[0] == pytest.approx(step.gates["f"])
    assert w.figure.data[DERIV].y[1] == pytest.approx(step.rnn.local_derivative)
    assert w.figure.data[OUTPUT].y[2] == pytest.approx(step.h)
    assert w.figure.data[PRE].y[1] == pytest.approx(w.setting.weights["f"][0] * w.setting.x
                                                    + w.setting.weights["f"][1]
                                                    * w.setting.h_prev - 3.0)
    # The update is drawn as a sum: i*g starts where f*c_{t-1} ends.
    assert w.figure.data[UPDATE].base[2] == pytest.approx(step.kept)
    assert f"{step.c:.3f}" in w.figure.layout.title.text


def test_cell_inputs_move_c_and_h():
    w = GateExplorer.cell()
    c_before = w.data.c
    w.inputs["c_prev"].value = -2.0
    assert w.data.c == pytest.approx(lstm_unit_step(w.setting).c) != c_before
    assert w.data.setting.c_prev == -2.0


@pytest.mark.parametrize("name", BEHAVIOURS)
def test_presets_through_the_widget(name):
    w = GateExplorer.cell()
    assert not w.check(name).met  # the neutral start shows no behaviour
    w.apply_preset(name)
    assert w.setting == PRESETS[name]
    assert w.check(name).met
    assert w.figure.data[GATES].y == pytest.approx(
        [lstm_unit_step(PRESETS[name]).gates[g] for g in "ifog"])


def test_apply_redraws_once():
    w = GateExplorer.cell()
    calls = []
    original = w.draw
    w.draw = lambda data: (calls.append(1), original(data))
    w.apply(PRESETS["remember forever"])
    assert len(calls) == 1


def test_gru_cell_mode():
    w = GateExplorer.cell("gru")
    assert "c_prev" not in w.inputs and set(w.weights) == {"r", "z", "n"}
    w.weights["z"][2].value = 4.0
    step = gru_unit_step(w.setting)
    assert w.figure.data[GATES].y == pytest.approx([step.gates[g] for g in "rzn"])
    assert w.figure.data[DERIV].y == pytest.approx(
        [step.gates["z"], step.full_derivative, step.rnn.local_derivative])
    assert w.figure.data[UPDATE].y[3] == pytest.approx(step.h)
    with pytest.raises(ValueError, match="LSTM"):
        w.check("remember forever")


def test_cell_rejects_bad_arguments():
    with pytest.raises(ValueError, match="kind"):
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


def test_sequence_time_slider_moves_marker_and_bars_in_place(lstm_sequence):
    model, batch = lstm_sequence
    w = GateExplorer.sequence(model, batch.x, marked=batch.marked)
    assert isinstance(w, GateSequenceExplorer)
    figure, traces = w.figure, list(w.figure.data)
    heat_f = np.array(w.figure.data[2].z)
    gates, _ = run(model, batch.x)
    np.testing.assert_allclose(heat_f, gates["f"][0].T, rtol=1e-6)
    w.time.value = 7
    assert w.figure is figure and all(a is b for a, b in zip(w.figure.data, traces))
    assert list(w.figure.data[1].x) == [7, 7]  # the step marker on the i heatmap
    bars = w.figure.data[12:16]
    for bar, gate in zip(bars, "ifog"):
        np.testing.assert_allclose(bar.y, gates[gate][0, 7], rtol=1e-6)
    np.testing.assert_array_equal(np.array(w.figure.data[2].z), heat_f)  # same sequence


def test_sequence_sample_slider_redraws_heatmaps_and_highway(lstm_sequence):
    model, batch = lstm_sequence
    w = GateExplorer.sequence(model, batch.x, marked=batch.marked)
    w.sample.value = 2
    gates, c = run(model, batch.x)
    np.testing.assert_allclose(np.array(w.figure.data[8].z), c[2].T, rtol=1e-6)
    highway, flags = w.figure.data[16], w.figure.data[20]
    np.testing.assert_allclose(highway.y, forget_highway(gates["f"])[2],
                               rtol=1e-6)
    assert list(flags.x) == list(np.flatnonzero(batch.marked[2]))


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
    np.testing.assert_allclose(out["rnn_highway"][0],
                               [np.log10(np.linalg.norm(p, 2)) for p in products], rtol=1e-5)
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


def test_underflow_is_drawn_not_hidden():
    values, under = _floor_underflow(np.array([-1.0, -2.0, -np.inf]))
    assert list(under) == [False, False, True]
    assert values[2] == -3.0 and np.all(np.isfinite(values))


def test_default_rnn_does_not_disturb_the_global_seed(lstm_sequence):
    model, batch = lstm_sequence
    torch.manual_seed(3)
    expected = torch.rand(1)
    torch.manual_seed(3)
    GateSequenceExplorer(model, batch.x)
    assert torch.equal(torch.rand(1), expected)


def test_cell_explorer_is_the_cell_mode():
    assert isinstance(GateExplorer.cell(), GateCellExplorer)


def count_update_messages(figure):
    """A list that grows by one for every update message the figure sends to the page."""
    sent = []
    figure.observe(lambda change: change["new"] is not None and sent.append(change["name"]),
                   names=["_py2js_update", "_py2js_restyle", "_py2js_relayout"])
    return sent


@pytest.mark.parametrize("make", [lambda: GateExplorer.cell(), lambda: GateExplorer.cell("gru"),
                                  lambda: GateExplorer.sequence(LSTM(2, 3), recall_batch(2, 6).x)])
def test_a_new_widget_is_complete_before_any_update_message(make):
    # The state the page receives when the widget is created (_widget_data) already holds
    # the first drawing, so the page never has to apply an update before the widget's
    # JavaScript has loaded; a refresh with unchanged sliders sends nothing.
    w = make()
    initial = w.figure._widget_data
    for k, trace in enumerate(w.figure.data):
        for field in ("y", "z", "text"):
            if field in trace and trace[field] is not None:
                np.testing.assert_array_equal(np.asarray(initial[k][field]),
                                              np.asarray(trace[field]))
    sent = count_update_messages(w.figure)
    w.refresh()
    assert sent == []
    slider = w.controls[-1]
    slider.value = slider.max if slider.value != slider.max else slider.min
    assert sent  # a real move does send


def test_bar_labels_show_this_events_values_not_the_last():
    w = GateExplorer.cell()
    w.weights["i"][2].value = 3.0
    w.inputs["c_prev"].value = -1.5
    step = lstm_unit_step(w.setting)
    update = w.figure.data[UPDATE]
    assert list(update.text) == [f"{v:.3f}" for v in (-1.5, step.kept, step.written, step.c)]
    assert list(w.figure.data[GATES].text) == [f"{step.gates[g]:.3f}" for g in "ifog"]


def test_step_marker_on_the_highway_follows_the_sequence(lstm_sequence):
    model, batch = lstm_sequence
    w = GateExplorer.sequence(model, batch.x)
    w.time.value = 4
    w.sample.value = 1
    here = w.figure.data[19]
    assert list(here.x) == [4, 4]
    assert here.y[0] == pytest.approx(w.sequence["highway"][1, 4])
    assert here.y[1] == pytest.approx(w.sequence["rnn_highway"][1, 4])
