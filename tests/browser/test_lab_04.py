"""Lab 04 in JupyterLab: GradientFlow answers its sliders, animates, and marks underflow."""


import pytest

from rnnviz.widgets.gradient_flow import GradientFlow

pytestmark = pytest.mark.browser

# Document order: GradientFlow's sliders T, hidden size, RNN radius, LSTM forget bias, then
# the animation's "pulse at t"; its dropdowns init, phi, loss, precision. Plot 0 is its figure.
T_SLIDER, RADIUS, FORGET_BIAS, PULSE = 0, 2, 3, 4
PRECISION = 3
TRACE = GradientFlow(seq_len=10, hidden_size=2).trace  # the trace indexes, from the widget


def test_lab_04(lab):
    lab.run("04_vanishing_gradients.ipynb", min_plots=3, min_sliders=5)
    rnn, lstm_c = TRACE[("rnn", "h")], TRACE[("lstm", "c")]
    assert rnn == 0

    # The RNN's radius: its gradient changes; the LSTM's is not recomputed.
    before, lstm_before = lab.plot_data(0, rnn, "y"), lab.plot_data(0, lstm_c, "y")
    lab.press_slider(slider=RADIUS, key="ArrowRight", times=1)
    after = lab.wait_for_plot_change(plot=0, trace=rnn, field="y", before=before)
    assert len(after) == len(before) == 100
    assert lab.plot_data(0, lstm_c, "y") == lstm_before

    # The forget bias moves the LSTM's cell-state gradient; its chain row recolours and keeps
    # its place (an update must not drop properties it leaves alone).
    chain = TRACE[("chain", "lstm", "c")]
    colours = lab.plot_data(0, chain, "marker")["color"]
    lab.press_slider(slider=FORGET_BIAS, key="ArrowRight", times=2)
    lab.wait_for_plot_change(plot=0, trace=lstm_c, field="y", before=lstm_before)
    lab.wait_until(lambda: lab.plot_data(0, chain, "marker")["color"] != colours)
    assert lab.plot_data(0, chain, "y") == [1] * 100
    assert len(lab.plot_data(0, rnn, "y")) == 100

    # T: one more step on every line.
    before = lab.plot_data(0, rnn, "y")
    lab.press_slider(slider=T_SLIDER, key="ArrowRight", times=1)
    assert len(lab.wait_for_plot_change(plot=0, trace=rnn, field="y", before=before)) == 101

    # The pulse slider restyles only: the pulse moves, the line stays.
    line, pulse = lab.plot_data(0, rnn, "y"), TRACE[("pulse", "rnn")]
    before = lab.plot_data(0, pulse, "x")
    lab.press_slider(slider=PULSE, key="ArrowRight", times=3)
    lab.wait_for_plot_change(plot=0, trace=pulse, field="x", before=before)
    # Three key presses, three restyles: the pulse ends at step 4.
    lab.wait_until(lambda: lab.plot_data(0, pulse, "x"), lambda x: x == [4])
    assert lab.plot_data(0, rnn, "y") == line

    # Play sends the pulse back from T.
    lab.page.locator(".widget-play button").first.click()
    lab.wait_for_plot_change(plot=0, trace=pulse, field="x", before=[4])

    # float32, radius 0.1: the early steps underflow to exactly 0, drawn as edge markers.
    # (0.1, not the lab's 0.5: widget events may run in a kernel thread that does not flush
    # subnormals, and float32 subnormals reach down to 1.4e-45.)
    # Seventeen presses and a dropdown are in flight at once (each widget sends its own
    # messages), so the first change can be an intermediate radius: wait for the end state.
    under = TRACE[("under", "rnn")]
    lab.press_slider(slider=RADIUS, key="ArrowLeft", times=17)  # 0.95 -> 0.1
    lab.select(dropdown=PRECISION, label="float32")
    lab.wait_for_plot(0, under, "x", lambda marked: bool(marked) and marked[0] == 1)
    lab.screenshot("04_vanishing_gradients_float32")
    lab.assert_healthy()

