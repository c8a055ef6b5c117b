"""Lab 08 in JupyterLab: the AttentionViewer renders, its word and scene sliders pick frames
in the browser (even while the kernel is busy), and the kernel still resets the word when
the scene changes."""

from pathlib import Path

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

# Renderer charts in document order: the live loss plot, the AttentionViewer, then the viewer
# of its wrong captions. The first viewer's sliders, in document order: the word, the scene.
CHART = 1
WORD_SLIDER, SCENE_SLIDER = 0, 1
IMAGE_BOX = (40, 110, 270, 270)  # the "where it looked" panel, px in the canvas


def handle(lab, slider):
    return lab.page.locator(".widget-slider .noUi-handle").nth(slider)


def test_lab_08(lab):
    lab.run("08_captioning_attention.ipynb", min_plots=2, min_sliders=2)
    page = lab.page
    lab.wait_until(lambda: page.locator(".rnnviz-chart > canvas").count(), lambda n: n == 3)
    assert chart_state(page, CHART)["word"] == 0

    # The word slider: step 0 ("a") to step 1; each step's attention map replaces the last.
    before = chart_read(page, CHART, "alpha")
    assert len(before) == 36 and sum(before) == pytest.approx(1.0, abs=1e-3)
    lab.press_slider(slider=WORD_SLIDER, key="ArrowRight", times=1)
    after = lab.wait_until(lambda: chart_read(page, CHART, "alpha"), lambda v: v != before)
    assert sum(after) == pytest.approx(1.0, abs=1e-3)  # a distribution over 36 cells
    assert chart_state(page, CHART)["word"] == 1
    peak = chart_read(page, CHART, "peak")
    assert after[int(peak[0]) * 6 + int(peak[1])] == max(after)

    # Hovering a cell of the image reads its attention, as the kernel computed it.
    box = page.locator(".rnnviz-chart > canvas").nth(CHART).bounding_box()
    left, top, width, height = IMAGE_BOX
    row, col = int(peak[0]), int(peak[1])
    page.mouse.move(
        box["x"] + left + (col + 0.5) * width / 6, box["y"] + top + (row + 0.5) * height / 6
    )
    tip = page.locator(".rnnviz-chart").nth(CHART).locator(":scope > div").first
    lab.wait_until(lambda: tip.text_content(), lambda t: t == f"attention {max(after):.3f}")
    page.mouse.move(0, 0)

    # The scene slider: a new image and bars at once; then the kernel sets the word back to 0.
    image, mass = chart_read(page, CHART, "image"), chart_read(page, CHART, "mass")
    lab.press_slider(slider=SCENE_SLIDER, key="ArrowRight", times=1)
    lab.wait_until(lambda: chart_read(page, CHART, "image"), lambda v: v != image)
    assert len(chart_read(page, CHART, "image")) == 48 * 48 * 3
    lab.wait_until(lambda: chart_state(page, CHART)["word"], lambda w: w == 0)
    assert chart_read(page, CHART, "mass") != mass
    shots = lab.screenshot("08_captioning_attention").parent
    widget_screenshot(page, CHART, Path(shots) / "08_attention_viewer.png")

    # Latency: both sliders repaint from the browser while a cell keeps the kernel busy. A
    # scene press also has the kernel move the word slider back to the new caption's first
    # word and range (ipykernel may answer widget messages during a running cell): that is a
    # control's change, not the picture, so the scene slider is timed on the chart itself.
    start_busy_cell(page, seconds=120)
    watch = {WORD_SLIDER: chart_output(page, CHART), SCENE_SLIDER: (".rnnviz-chart", CHART)}
    for slider in (WORD_SLIDER, SCENE_SLIDER):
        answered_in_browser_time(
            lambda slider=slider: time_presses(
                page,
                handle(lab, slider),
                watch[slider],
                presses=20,
                picture=lambda: canvas_hash(page, CHART),
            )
        )
    interrupt_kernels(lab)
    lab._wait_until_kernel_idle()
    lab.assert_healthy()
