"""Lab 05 in JupyterLab: dragging a gate slider moves the gate bar and c_t, consistently and
from the browser, even while the kernel is busy; the sequence explorer's time slider moves its
step marker and bars; the kernel's slider values stay the truth."""

import math

import pytest

from rnnviz.gradients.gate_unit import NEUTRAL
from tests.browser.latency import (
    answered_in_browser_time,
    canvas_hash,
    chart_output,
    chart_read,
    chart_state,
    charts_settled,
    interrupt_kernels,
    start_busy_cell,
    time_presses,
    widget_screenshot,
)

pytestmark = pytest.mark.browser

# Document order of the lab's charts: the LSTM cell, the GRU cell, the sequence explorer.
LSTM_CELL, GRU_CELL, SEQUENCE = 0, 1, 2
# Sliders: the LSTM cell's x_t, h_{t-1}, c_{t-1}, then (w_x, w_h, b) for i, f, o, g; the GRU
# cell's x_t, h_{t-1} and (w_x, w_h, b) for r, z, n; then the sequence explorer's step t.
F_BIAS = 3 + 3 + 2
C_PREV = 2
SEQUENCE_TIME = 15 + 11


def handle(lab, slider):
    return lab.page.locator(".widget-slider .noUi-handle").nth(slider)


def test_lab_05(lab):
    lab.run("05_lstm_gates.ipynb", min_plots=0, min_sliders=SEQUENCE_TIME + 1)
    page = lab.page
    lab.wait_until(lambda: page.locator(".rnnviz-chart > canvas").count(), lambda n: n == 3)

    # Run All leaves the cell at its neutral start (the solution cell does not touch it).
    neutral = 1 / (1 + math.exp(-1))
    gates_before = lab.wait_until(
        lambda: chart_read(page, LSTM_CELL, "gates"),
        lambda g: g[:3] == pytest.approx([neutral] * 3, abs=1e-6),
    )
    parts_before = chart_read(page, LSTM_CELL, "parts")
    widget_screenshot(
        page, LSTM_CELL, lab.screenshot("05_lstm_gates").parent / "05_lstm_cell_before_press.png"
    )

    # Lower f's bias: the browser answers from its frames.
    lab.press_slider(slider=F_BIAS, key="ArrowLeft", times=5)
    gates = lab.wait_until(
        lambda: chart_read(page, LSTM_CELL, "gates"), lambda g: g[1] < gates_before[1]
    )
    pre, parts = chart_read(page, LSTM_CELL, "pre"), chart_read(page, LSTM_CELL, "parts")
    i, f, o, g = gates
    # Five presses of 0.1 down from the neutral setting the explorer starts at.
    assert chart_state(page, LSTM_CELL)["f_b"] == pytest.approx(NEUTRAL.weights["f"][2] - 0.5)
    assert (i, o, g) == pytest.approx([gates_before[k] for k in (0, 2, 3)], abs=1e-7)
    assert parts[3] != parts_before[3], "c_t did not change"
    # What the browser draws is the LSTM's arithmetic (float32 frames): f = sigmoid(a_f),
    # c_t = f c + i g.
    assert f == pytest.approx(1 / (1 + math.exp(-pre[1])), abs=1e-6)
    c_prev, kept, written, c = parts
    assert kept == pytest.approx(f * c_prev, abs=1e-6)
    assert c == pytest.approx(kept + written, abs=1e-6)

    # Another slider after the kernel has recomputed the others' frames around f's new bias:
    # the picture keeps f's new value (the frames are the new state's, not the old one's).
    lab.wait_until(lambda: charts_settled(page))
    lab.press_slider(slider=C_PREV, key="ArrowRight", times=1)
    moved = lab.wait_until(lambda: chart_read(page, LSTM_CELL, "parts"), lambda p: p[0] != parts[0])
    assert moved[1] == pytest.approx(f * moved[0], abs=1e-6)  # kept = (the new f) c_{t-1}

    # The sequence explorer: the step marker and the bars follow the time slider.
    time_before = chart_state(page, SEQUENCE)["time"]
    bars_before = chart_read(page, SEQUENCE, "f_at_t")
    lab.press_slider(slider=SEQUENCE_TIME, key="ArrowRight", times=1)
    lab.wait_until(lambda: chart_state(page, SEQUENCE)["time"], lambda t: t == time_before + 1)
    assert chart_read(page, SEQUENCE, "f_at_t") != bars_before

    # Latency with the kernel busy: the gate sliders and the time slider repaint from the browser.
    # (Once the kernel has sent the frames around the last change: a slider grabbed before
    # then says "recomputing" until the kernel is free.)
    lab.wait_until(lambda: charts_settled(page))
    start_busy_cell(page, seconds=120)
    for chart, slider in (
        (LSTM_CELL, F_BIAS),
        (GRU_CELL, 15 + 2 + 3 + 2),
        (SEQUENCE, SEQUENCE_TIME),
    ):
        answered_in_browser_time(
            lambda chart=chart, slider=slider: time_presses(
                page,
                handle(lab, slider),
                chart_output(page, chart),
                presses=20,
                picture=lambda: canvas_hash(page, chart),
            )
        )
    interrupt_kernels(lab)
    lab.assert_healthy()
    widget_screenshot(
        page, LSTM_CELL, lab.screenshot("05_lstm_gates_after").parent / "05_lstm_cell_after.png"
    )
    widget_screenshot(
        page, SEQUENCE, lab.screenshot("05_lstm_gates_after").parent / "05_sequence_after.png"
    )
