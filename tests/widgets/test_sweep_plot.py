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
