"""The harness itself: it sees a live widget respond, and it fails when a lab fails."""

import nbformat
import pytest

pytestmark = pytest.mark.browser

WIDGET_CELL = """\
import ipywidgets as widgets
import plotly.graph_objects as go
figure = go.FigureWidget(data=[go.Scatter(y=[0, 1, 2])])
slider = widgets.IntSlider(value=1, min=1, max=5)
def redraw(change):
    with figure.batch_update():
        figure.data[0].y = [v * slider.value for v in range(3)]
slider.observe(redraw, names="value")
widgets.VBox([slider, figure])"""


def write_notebook(server, name, *sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, server.root / "labs" / name)
    return name


def test_a_slider_press_reaches_the_kernel_and_redraws_the_plot(lab, jupyter_server):
    name = write_notebook(jupyter_server, "harness_widget.ipynb", WIDGET_CELL)
    lab.run(name, min_plots=1, min_sliders=1)
    before = lab.plot_data(plot=0, trace=0, field="y")
    assert before == [0, 1, 2]
    lab.press_slider(slider=0, key="ArrowRight", times=2)
    assert lab.wait_for_plot_change(plot=0, trace=0, field="y", before=before) in (
        [0, 2, 4],
        [0, 3, 6],
    )


def test_a_failing_cell_fails_the_run(lab, jupyter_server):
    name = write_notebook(
        jupyter_server,
        "harness_error.ipynb",
        "x = 1",
        "raise ValueError('seq_len must be >= 1')",
        "y = 2",
    )
    with pytest.raises(AssertionError, match="seq_len must be >= 1"):
        lab.run(name, min_plots=0)


def test_a_missing_plot_fails_the_run(lab, jupyter_server):
    name = write_notebook(jupyter_server, "harness_noplot.ipynb", "print('no figure here')")
    with pytest.raises(AssertionError, match="did not render"):
        lab._wait_until_rendered = lambda *a, _orig=lab._wait_until_rendered: _orig(*a, timeout=8)
        lab.run(name, min_plots=1)
