"""Lab 07 in JupyterLab: sampling and cell pictures answer their controls."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

# Plotly plots in document order: SampleExplorer, CellActivations, Saturation (the live loss
# plot before them is a renderer chart).
SAMPLES, CELLS, SATURATION = 0, 1, 2
# Sliders in document order: temperature, length, cell, threshold.
TEMPERATURE, CELL, THRESHOLD = 0, 2, 3


def test_lab_07(lab):
    lab.run("07_char_language_model.ipynb", min_plots=4, min_sliders=4, timeout=600)
    generated = lab.page.locator(".widget-html pre").nth(0)
    coloured = lab.page.locator(".widget-html pre").nth(1)

    # The temperature slider resamples: new top-5 probabilities and new text.
    before, text_before = lab.plot_data(plot=SAMPLES, trace=0, field="z"), generated.inner_text()
    lab.press_slider(slider=TEMPERATURE, key="ArrowLeft", times=5)  # 1.0 -> 0.5
    after = lab.wait_for_plot_change(plot=SAMPLES, trace=0, field="z", before=before)
    # The first generated character follows the same prime at any temperature, and colder
    # sampling sharpens its distribution: its top-1 probability rises.
    assert after[0][0] > before[0][0]
    lab.wait_until(lambda: generated.inner_text() != text_before)  # the text changes

    # The cell picker: another cell's values in the plot and another colouring of the text.
    before = lab.plot_data(plot=CELLS, trace=0, field="y")
    colours_before, shown_text = coloured.inner_html(), coloured.inner_text()
    lab.press_slider(slider=CELL, key="ArrowRight", times=1)
    lab.wait_for_plot_change(plot=CELLS, trace=0, field="y", before=before)
    lab.wait_until(lambda: coloured.inner_html() != colours_before)  # recoloured
    assert coloured.inner_text() == shown_text  # the same text, coloured by another cell

    # The signal dropdown switches to the forget gate: values in (0, 1).
    before = lab.plot_data(plot=CELLS, trace=0, field="y")
    lab.select(dropdown=0, label="forget gate f")
    gate = lab.wait_for_plot_change(plot=CELLS, trace=0, field="y", before=before)
    assert all(0 < v < 1 for v in gate)

    # The saturation threshold moves the forget-gate points.
    before = lab.plot_data(plot=SATURATION, trace=3, field="x")
    lab.press_slider(slider=THRESHOLD, key="ArrowRight", times=2)
    lab.wait_for_plot_change(plot=SATURATION, trace=3, field="x", before=before)
    lab.assert_healthy()
    coloured.scroll_into_view_if_needed()
    lab.page.screenshot(path=str(Path(__file__).parents[2] / "screenshots" / "07_cells.png"))
