"""Lab 08 in JupyterLab: the AttentionViewer renders, and its word slider moves the heat map."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

# Plots in document order: 0 the live loss plot, 1 the AttentionViewer.
# The viewer's traces: 0 the image, 1 the attention heat map, 2 its peak, 3 the bars.
VIEWER, HEATMAP, PEAK, BARS = 1, 1, 2, 3
WORD_SLIDER, SCENE_SLIDER = 0, 1


def test_lab_08(lab):
    lab.run("08_captioning_attention.ipynb", min_plots=2, min_sliders=2)

    # The word slider: step 0 ("a") to step 1, then step 2 (the colour word): each step's
    # attention map replaces the last one in place.
    before = lab.plot_data(plot=VIEWER, trace=HEATMAP, field="z")
    assert len(before) == 6 and all(len(row) == 6 for row in before)
    lab.press_slider(slider=WORD_SLIDER, key="ArrowRight", times=1)
    after = lab.wait_for_plot_change(plot=VIEWER, trace=HEATMAP, field="z", before=before)
    assert len(after) == 6 and after != before
    assert sum(map(sum, after)) == pytest.approx(1.0, abs=1e-3)  # a distribution over 36 cells

    # The scene slider: a new image and a new caption.
    before = lab.plot_data(plot=VIEWER, trace=BARS, field="y")
    title = lab.plot_title(plot=VIEWER)
    lab.press_slider(slider=SCENE_SLIDER, key="ArrowRight", times=1)
    lab.wait_for_plot_change(plot=VIEWER, trace=BARS, field="y", before=before)
    lab.wait_for_title(VIEWER, lambda new: new != title)  # the layout can come separately
    lab.screenshot("08_captioning_attention")
    # The harness's screenshot shows the first plot; this one shows the viewer itself.
    viewer = lab.page.locator(".js-plotly-plot").nth(VIEWER)
    viewer.scroll_into_view_if_needed()
    viewer.screenshot(path=str(Path("screenshots") / "08_attention_viewer.png"))
    lab.assert_healthy()
