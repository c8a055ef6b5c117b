"""Lab 09 in JupyterLab: RingFlow answers its four hot sliders in the browser (the ring moves
the LRU's flow, the phase moves only the eigenvalues, the gate bias moves minGRU's flow), even
while the kernel is busy; ScanRounds steps through the scan's rounds to the loop's result."""

import math

import pytest

from tests.browser.conftest import SCREENSHOTS
from tests.browser.latency import (
    answered_in_browser_time,
    canvas_hash,
    chart_output,
    chart_read,
    chart_state,
    interrupt_kernels,
    start_busy_cell,
    time_presses,
)

pytestmark = pytest.mark.browser

# Document order: RingFlow's sliders r_min, r_max, max phase, gate bias; ScanRounds' slider.
# Charts: 0 RingFlow, 1 the training LossPlot, 2 ScanRounds.
R_MIN, R_MAX, PHASE, GATE_BIAS, OPS = 0, 1, 2, 3, 4
RING, SCAN = 0, 2


def handle(lab, slider):
    return lab.page.locator(".widget-slider .noUi-handle").nth(slider)


def test_lab_09(lab):
    lab.run("09_recurrence_today.ipynb", min_plots=3, min_sliders=5)
    page = lab.page
    assert page.locator(".rnnviz-chart > canvas").count() == 3

    # r_max: the LRU's measured flow and its closed form move; the RNN's does not.
    lru, closed, rnn = (chart_read(page, RING, n) for n in ("lru", "closed", "rnn"))
    assert len(lru) == 200 and chart_state(page, RING)["r_max"] == pytest.approx(0.999)
    assert rnn[-1] == -math.inf  # the tanh RNN underflowed to exactly 0
    lab.press_slider(slider=R_MAX, key="ArrowLeft", times=3)
    after = lab.wait_until(lambda: chart_read(page, RING, "lru"), lambda v: v != lru)
    assert after[-1] < lru[-1]  # a smaller r_max: less gradient 1000 steps back
    assert chart_read(page, RING, "closed") != closed and chart_read(page, RING, "rnn") == rnn

    # The phase moves the eigenvalues, not the flow.
    eig, flow = chart_read(page, RING, "eig_re"), chart_read(page, RING, "lru")
    lab.press_slider(slider=PHASE, key="ArrowRight", times=2)
    lab.wait_until(lambda: chart_read(page, RING, "eig_re"), lambda v: v != eig)
    assert chart_read(page, RING, "lru") == flow

    # A negative gate bias brings minGRU's gradient back from 0.
    gate = chart_read(page, RING, "mingru")
    lab.press_slider(slider=GATE_BIAS, key="Home")
    alive = lab.wait_until(lambda: chart_read(page, RING, "mingru"), lambda v: v != gate)
    assert gate[-1] == -math.inf and alive[-1] > -3

    # ScanRounds: the last round holds the loop's result.
    lab.press_slider(slider=OPS, key="End")
    done = lab.wait_until(lambda: chart_state(page, SCAN)["ops"], lambda v: v == 4)
    assert done == 4
    scan, exact = chart_read(page, SCAN, "scan"), chart_read(page, SCAN, "exact")
    assert scan == pytest.approx(exact, rel=1e-5, abs=1e-6)

    for chart, name in ((RING, "09_ring_flow"), (SCAN, "09_scan_rounds")):
        widget = page.locator(".rnnviz-chart").nth(chart)
        widget.scroll_into_view_if_needed()
        SCREENSHOTS.mkdir(exist_ok=True)
        widget.screenshot(path=str(SCREENSHOTS / f"{name}.png"))

    # Latency: the hot sliders repaint from the browser while a cell keeps the kernel busy.
    start_busy_cell(page, seconds=120)
    where = chart_output(page, RING)
    for slider in (R_MIN, R_MAX, PHASE, GATE_BIAS):
        answered_in_browser_time(
            lambda slider=slider: time_presses(
                page,
                handle(lab, slider),
                where,
                presses=20,
                picture=lambda: canvas_hash(page, RING),
            )
        )
    interrupt_kernels(lab)
    lab.screenshot("09_recurrence_today")
    lab.assert_healthy()
