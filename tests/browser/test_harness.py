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


BATCH_CELL = """\
import ipywidgets as widgets
from rnnviz.widgets.base import LabWidget

class TwoTraces(LabWidget):
    # Each refresh sets y on trace 0 but x on trace 1: one batch, different properties.
    def __init__(self):
        super().__init__()
        self.slider = widgets.IntSlider(value=1, min=1, max=5)
        self.controls = [self.slider]
        self.figure = self.new_figure()
        self.figure.add_scatter(x=[0.0, 1.0, 2.0], y=[0.0, 0.0, 0.0])
        self.figure.add_scatter(x=[0.0, 0.0, 0.0], y=[5.0, 6.0, 7.0])
        self._finish()

    def compute(self):
        return float(self.slider.value)

    def draw(self, k):
        self.figure.data[0].y = [k, 2 * k, 3 * k]
        self.figure.data[1].x = [k, k, k]
        self.figure.layout.title = f"k = {k:.0f}"

TwoTraces()"""


def test_a_batch_that_sets_different_properties_on_different_traces_arrives_whole(
    lab, jupyter_server
):
    # plotly 7's FigureWidget loses such batches in the browser; LabWidget.refresh must not.
    name = write_notebook(jupyter_server, "harness_batch.ipynb", BATCH_CELL)
    lab.run(name, min_plots=1, min_sliders=1)
    lab.press_slider(slider=0, key="ArrowRight")
    # batch_update sends each set of properties as its own message: they land one by one,
    # so wait for each new value; a lost one never lands and times out.
    lab.wait_for_plot(0, 0, "y", lambda y: y == [2, 4, 6])
    lab.wait_for_plot(0, 1, "x", lambda x: x == [2, 2, 2])
    lab.wait_for_title(0, lambda title: title == "k = 2")
    # What the refresh left alone is still there.
    assert lab.plot_data(plot=0, trace=0, field="x") == [0, 1, 2]
    assert lab.plot_data(plot=0, trace=1, field="y") == [5, 6, 7]
