"""Lab 03 in JupyterLab: every training curve reaches the page, and RowReading's rows slider
is answered in the browser, even while the kernel is busy."""

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
)

pytestmark = pytest.mark.browser

# Renderer charts in document order: four LossPlots (sentiment, tagger, seq2seq, digits) and
# RowReading; RowReading's sliders are the lab's only ones.
SENTIMENT, TAGGER, SEQ2SEQ, DIGITS, READING = range(5)
DIGIT_SLIDER, ROWS_SLIDER = 0, 1


def rows_shown(image):
    """Which of the digit's 8 rows are drawn: its frame is (8 cols, 8 rows), x-major."""
    return [all(image[col * 8 + row] is not None for col in range(8)) for row in range(8)]


def test_lab_03(lab):
    lab.run("03_sequence_tasks.ipynb", min_plots=5, min_sliders=2)
    page = lab.page
    assert page.locator(".rnnviz-chart > canvas").count() == 5

    # Each run's whole loss curve reached the browser: one value a training step.
    for chart, curve, steps in [
        (SENTIMENT, "curve0", 150),  # bag of words
        (SENTIMENT, "curve1", 200),  # RNN
        (TAGGER, "curve0", 200),
        (SEQ2SEQ, "curve0", 500),
        (SEQ2SEQ, "curve1", 500),
        (DIGITS, "curve0", 300),
    ]:
        lab.wait_until(
            lambda chart=chart, curve=curve: chart_read(page, chart, curve),
            lambda v, steps=steps: v is not None and len(v) == steps,
            message=f"chart {chart}'s {curve} to hold {steps} steps",
        )

    # 4 of 8 rows read: the rest of the digit is blank; one more row shows the fifth.
    def image():
        """The digit's frame, blank (NaN) pixels as None so that two frames compare."""
        return [None if math.isnan(v) else v for v in chart_read(page, READING, "digit")]

    assert rows_shown(image()) == [True] * 4 + [False] * 4
    bars = chart_read(page, READING, "probs")
    lab.press_slider(slider=ROWS_SLIDER, key="ArrowRight", times=1)
    lab.wait_until(image, lambda z: rows_shown(z) == [True] * 5 + [False] * 3)
    assert chart_read(page, READING, "probs") != bars
    assert chart_state(page, READING)["rows_read"] == 5

    # The rows slider repaints from the browser while a cell keeps the kernel busy.
    start_busy_cell(page, seconds=120)
    answered_in_browser_time(
        lambda: time_presses(
            page,
            page.locator(".widget-slider .noUi-handle").nth(ROWS_SLIDER),
            chart_output(page, READING),
            presses=20,
            picture=lambda: canvas_hash(page, READING),
        )
    )
    interrupt_kernels(lab)
    lab._wait_until_kernel_idle()

    # Another test digit: read in the kernel, drawn at the rows the slider shows.
    rows = chart_state(page, READING)["rows_read"]
    before = image()
    lab.press_slider(slider=DIGIT_SLIDER, key="ArrowRight", times=1)
    after = lab.wait_until(image, lambda z: z != before)
    assert rows_shown(after) == [True] * rows + [False] * (8 - rows)
    lab.assert_healthy()
