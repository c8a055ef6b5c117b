"""widgets.sweep_plot: every model and every run of the committed sweep is drawn."""

from rnnviz.experiments.results import load_results
from rnnviz.models.cell_kinds import CELL_NAMES, CELLS
from rnnviz.widgets.sweep_plot import SweepPlot, sweep_figure


def test_figure_shows_every_model_and_every_run():
    results = load_results()
    fig = sweep_figure(results, widget=False)
    names = {trace.name for trace in fig.data if trace.showlegend is not False}
    assert {CELL_NAMES[c] for c in CELLS} <= names
    # Every run is one marker on the left panel, drawn at its steps to solve or steps run.
    left = [t for t in fig.data if t.xaxis in (None, "x") and t.mode == "markers"]
    assert sum(len(t.x) for t in left) == len(results["runs"])
    assert "<SweepPlot widget>" == SweepPlot(results)._repr_mimebundle_()["text/plain"]


def test_a_run_without_a_finite_final_mse_is_left_out_of_the_mse_panel(assert_json_safe):
    results = load_results()
    results["runs"][0]["final_mse"] = float("nan")  # an older file may hold NaN
    results["runs"][1]["final_mse"] = None
    plot = SweepPlot(results)
    right = [t for t in plot.figure.data if t.xaxis == "x2" and t.mode == "markers"]
    assert sum(len(t.x) for t in right) == len(results["runs"]) - 2
    assert_json_safe(plot.figure)
