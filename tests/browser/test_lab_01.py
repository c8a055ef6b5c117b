"""Lab 01 in JupyterLab: the hidden-state explorer renders and answers its sliders."""

import pytest

pytestmark = pytest.mark.browser

# HiddenStateExplorer's traces: 0 the bars of h_t, 3 the heatmap of h(edited) - h,
# 4 the input line.
H_BARS, CHANGE_MAP, INPUT_LINE = 0, 3, 4


def test_lab_01(lab):
    lab.run("01_rnn_from_scratch.ipynb", min_plots=1, min_sliders=3)

    # Every coordinate reached plotly.js (a mixed batch_update once dropped them).
    assert lab.plot_data(plot=0, trace=H_BARS, field="y") == list(range(1, 9))
    assert lab.plot_data(plot=0, trace=INPUT_LINE, field="x") == list(range(1, 13))

    # The t slider: the bars show h_1, then h_2.
    before = lab.plot_data(plot=0, trace=H_BARS, field="x")
    lab.press_slider(slider=0, key="ArrowRight", times=1)
    after = lab.wait_for_plot_change(plot=0, trace=H_BARS, field="x", before=before)
    assert len(after) == len(before) == 8
    assert lab.plot_data(plot=0, trace=H_BARS, field="y") == list(range(1, 9))

    # The edit slider (x_5 from 2.0 to 2.1): the change map moves, and stays zero before k=5.
    before = lab.plot_data(plot=0, trace=CHANGE_MAP, field="z")
    lab.press_slider(slider=2, key="ArrowRight", times=1)
    change = lab.wait_for_plot_change(plot=0, trace=CHANGE_MAP, field="z", before=before)
    assert all(row[t] == 0 for row in change for t in range(4))
    assert any(row[4] != 0 for row in change)
    lab.assert_healthy()
