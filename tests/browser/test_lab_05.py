"""Lab 05 in JupyterLab: dragging a gate slider moves the gate bar and c_t, consistently,
and the sequence explorer's time slider moves its step marker."""

import math

import pytest

pytestmark = pytest.mark.browser

# Document order of the lab's plots: the LSTM cell, the GRU cell, the sequence explorer.
LSTM_CELL, SEQUENCE = 0, 2
TRACES = (6, 6, 21)
# GateCellExplorer's traces: 0 pre-activations, 2 gate values (i, f, o, g),
# 4 update parts (c_{t-1}, f*c_{t-1}, i*g, c_t).
PRE, GATES, UPDATE = 0, 2, 4
# Sliders: the LSTM cell's x_t, h_{t-1}, c_{t-1}, then (w_x, w_h, b) for i, f, o, g; the GRU
# cell's x_t, h_{t-1} and (w_x, w_h, b) for r, z, n; then the sequence explorer's step t.
F_BIAS = 3 + 3 + 2
SEQUENCE_TIME = 15 + 11
WEIGHT_STEP = 0.1  # the weight sliders' step (rnnviz.widgets.gate_cell.WEIGHT_RANGE)


def sigmoid(a):
    return 1 / (1 + math.exp(-a))


def test_lab_05(lab):
    lab.run("05_lstm_gates.ipynb", min_plots=3, min_sliders=SEQUENCE_TIME + 1)
    # Every figure arrived whole: a FigureWidget drawn before its state reached the page
    # stays an empty plot (seen intermittently under heavy load), and must fail here.
    lab.wait_until(lambda: tuple(lab.page.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot')].map(p => p._fullData.length)")),
        lambda traces: traces == TRACES, message=f"traces per plot to be {TRACES}")

    # Run All leaves the cell at its neutral start (the solution cell does not touch it).
    gates_before = lab.plot_data(LSTM_CELL, GATES)
    neutral = 1 / (1 + math.exp(-1))
    assert gates_before[:3] == pytest.approx([neutral] * 3, abs=1e-9), gates_before
    # Lower f's bias by five steps. The presses land one by one, and a refresh's traces can
    # arrive in separate messages (pre-activations, gates, update): wait until all three
    # show the last press, a_f lowered by exactly five steps.
    update_before, pre_before = lab.plot_data(LSTM_CELL, UPDATE), lab.plot_data(LSTM_CELL, PRE)
    target = pre_before[1] - 5 * WEIGHT_STEP
    lab.press_slider(slider=F_BIAS, key="ArrowLeft", times=5)

    def cell_state():
        return [lab.plot_data(LSTM_CELL, trace) for trace in (PRE, GATES, UPDATE)]

    def at_target(state):
        pre, gates, update = state
        return (abs(pre[1] - target) < 1e-6 and abs(gates[1] - sigmoid(target)) < 1e-6
                and update[3] != update_before[3])

    pre, gates, update = lab.wait_until(cell_state, at_target,
                                        message=f"the LSTM cell to show a_f = {target:.2f}")

    i, f, o, g = gates
    assert f < gates_before[1], "the forget gate's bar did not go down with its bias"
    assert (i, o, g) == tuple(gates_before[k] for k in (0, 2, 3)), "other gates moved"
    assert update[3] != update_before[3], "c_t did not change"
    # What the browser draws is the LSTM's arithmetic: f = sigmoid(a_f), c_t = f c + i g.
    assert f == pytest.approx(sigmoid(pre[1]), abs=1e-9)
    c_prev, kept, written, c = update
    assert kept == pytest.approx(f * c_prev, abs=1e-9)
    assert c == pytest.approx(kept + written, abs=1e-9)

    # The sequence explorer: the step marker on the first heatmap follows the time slider.
    marker_before = lab.plot_data(SEQUENCE, 1, "x")
    lab.press_slider(slider=SEQUENCE_TIME, key="ArrowRight", times=1)
    marker = lab.wait_for_plot_change(SEQUENCE, 1, "x", before=marker_before)
    assert marker == [marker_before[0] + 1] * 2
    lab.assert_healthy()
    lab.screenshot("05_lstm_gates_after")
