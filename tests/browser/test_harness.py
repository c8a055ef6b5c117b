"""The harness itself: it sees a live widget respond, and it fails when a lab fails."""

import nbformat
import pytest

pytestmark = pytest.mark.browser

WIDGET_CELL = """\
import ipywidgets as widgets
slider = widgets.IntSlider(value=1, min=1, max=5)
label = widgets.Label("3")
slider.observe(lambda change: setattr(label, "value", str(3 * change["new"])), names="value")
widgets.VBox([slider, label])"""


def write_notebook(server, name, *sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, server.root / "labs" / name)
    return name


def test_a_slider_press_reaches_the_kernel_and_changes_the_page(lab, jupyter_server):
    # The notebook has no kernel metadata: JupyterLab asks for a kernel first (the dialog path).
    name = write_notebook(jupyter_server, "harness_widget.ipynb", WIDGET_CELL)
    lab.run(name, min_plots=0, min_sliders=1)

    # The Label's text among the page's labels (the slider's description is one too).
    def labels():
        return lab.page.locator(".widget-label").all_inner_texts()

    lab.wait_until(labels, lambda texts: "3" in texts)
    lab.press_slider(slider=0, key="ArrowRight", times=2)
    lab.wait_until(labels, lambda texts: "9" in texts)


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
