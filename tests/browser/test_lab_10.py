"""Lab 10 in JupyterLab: the four lenses draw a user's own model, and Connectivity's output
step answers in the browser, even while the kernel is busy."""

import math

import pytest

from tests.browser.latency import (
    answered_in_browser_time,
    canvas_hash,
    chart_output,
    chart_read,
    chart_state,
    interrupt_kernels,
    start_busy_cell,
    time_presses,
    widget_screenshot,
)

pytestmark = pytest.mark.browser

# Renderer charts in document order: GradientFlow.from_model, the gate explorer,
# CellActivations, Connectivity. Sliders: the flow's step, the gates' step, the cell, and
# Connectivity's output step t.
FLOW, GATES, CELLS, CONNECTIVITY = 0, 1, 2, 3
CONNECTIVITY_STEP = 3
MODELS = 3  # the untrained LSTM, the trained LSTM, the trained GRU


def handle(lab, slider):
    return lab.page.locator(".widget-slider .noUi-handle").nth(slider)


def test_lab_10(lab):
    lab.run("10_your_own_model.ipynb", min_plots=4, min_sliders=4, timeout=600)
    page = lab.page
    assert page.locator(".rnnviz-chart > canvas").count() == 4

    # Connectivity opens at t = 110: every model's row has a value for k <= t, none after.
    assert chart_state(page, CONNECTIVITY)["step"] == 110
    rows = [chart_read(page, CONNECTIVITY, f"values_{j}") for j in range(MODELS)]
    for row in rows:
        assert len(row) == 120
        assert all(v is not None and math.isfinite(v) for v in row[:111])
        assert all(v is None or not math.isfinite(v) for v in row[111:])  # not read yet

    # One step left: the rows change and character 110 is no longer read.
    lab.press_slider(slider=CONNECTIVITY_STEP, key="ArrowLeft", times=1)
    lab.wait_until(lambda: chart_state(page, CONNECTIVITY)["step"], lambda s: s == 109)
    moved = lab.wait_until(
        lambda: chart_read(page, CONNECTIVITY, "values_1"), lambda v: v != rows[1]
    )
    assert moved[110] is None or not math.isfinite(moved[110])

    # Latency: the output step repaints from the browser while a cell keeps the kernel busy.
    start_busy_cell(page, seconds=120)
    times = answered_in_browser_time(
        lambda: time_presses(
            page,
            handle(lab, CONNECTIVITY_STEP),
            chart_output(page, CONNECTIVITY),
            presses=20,
            picture=lambda: canvas_hash(page, CONNECTIVITY),
            key="ArrowLeft",
        )
    )
    print(f"Connectivity's t: key to painted frame, ms: {times}")  # shown with -s
    interrupt_kernels(lab)
    lab._wait_until_kernel_idle()
    shots = lab.screenshot("10_your_own_model").parent
    for chart, name in (
        (FLOW, "flow"),
        (GATES, "gates"),
        (CELLS, "cells"),
        (CONNECTIVITY, "connectivity"),
    ):
        widget_screenshot(page, chart, shots / f"10_{name}.png")
    lab.assert_healthy()
