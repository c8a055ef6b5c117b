"""widgets.sweep_plot: every model and every run of the committed sweep is drawn."""

import json

import numpy as np

from rnnviz.experiments.results import load_results
from rnnviz.models.cell_kinds import CELL_NAMES, CELLS, LINEAR_CELLS
from rnnviz.widgets.sweep_plot import SweepPlot, sweep_chart


def values(data, name):
    entry = data[name]
    return np.frombuffer(entry["values"], dtype=entry["dtype"]).reshape(entry["shape"])[0]


def markers(spec, data, panel):
    """(x, y) of every marker of one panel, in real units."""
    points = [
        (10.0 ** values(data, s["x"]), 10.0 ** values(data, s["data"]))
        for s in spec["panels"][panel]["series"]
        if s.get("mode") == "markers"
    ]
    return np.concatenate([x for x, _ in points]), np.concatenate([y for _, y in points])


def test_chart_shows_every_model_and_every_run():
    results = load_results()
    plot = SweepPlot(results)
    spec, data = plot.chart.spec, plot.chart.data  # as sent: sweep_chart's panels as JSON
    assert [p.kind for p in sweep_chart(results)[0]["panels"]] == ["xy", "xy"]
    assert [p.hover_mode for p in sweep_chart(results)[0]["panels"]] == ["point", "point"]
    models = {CELL_NAMES[c] for c in CELLS + LINEAR_CELLS}  # lab 06's four and lab 09's two
    assert models | {"predict 1.0"} == {i["name"] for i in spec["legend"]}
    # Every run is one marker on the left panel, at its steps to solve or its steps run.
    runs = results["runs"]
    x, y = markers(spec, data, 0)
    expected = sorted(
        (r["seq_len"], r["steps_to_solve"] if r["solved"] else r["steps_run"]) for r in runs
    )
    np.testing.assert_allclose(sorted(zip(x, y)), expected, rtol=1e-5)
    hollow = [s for s in spec["panels"][0]["series"] if s.get("open")]
    assert sum(len(values(data, s["data"])) for s in hollow) == sum(not r["solved"] for r in runs)
    assert spec["panels"][0]["x"]["ticktext"] == [
        str(t) for t in sorted({r["seq_len"] for r in runs})
    ]
    assert spec["title"].startswith("Adding problem, full sweep (")
    json.dumps(spec, allow_nan=False)
    assert "<SweepPlot widget>" == plot._repr_mimebundle_()["text/plain"]


def test_a_run_without_a_finite_final_mse_is_left_out_of_the_mse_panel():
    results = load_results()
    results["runs"][0]["final_mse"] = float("nan")  # an older file may hold NaN
    results["runs"][1]["final_mse"] = None
    plot = SweepPlot(results)
    x, y = markers(plot.chart.spec, plot.chart.data, 1)
    assert len(y) == len(results["runs"]) - 2 and np.isfinite(y).all()
    json.dumps(plot.chart.spec, allow_nan=False)


def test_each_model_is_drawn_with_its_own_marker_and_dash_and_says_so_in_the_legend():
    spec, _ = sweep_chart(load_results())
    looks = {}
    for panel in spec["panels"]:
        for s in panel.series:
            if s.group is None:
                continue
            look = (s.color, s.symbol) if s.mode == "markers" else (s.color, tuple(s.dash))
            looks.setdefault((s.group, s.mode), set()).add(look)
    assert all(len(found) == 1 for found in looks.values()), looks
    models = [item for item in spec["legend"] if item["name"] in set(CELL_NAMES.values())]
    assert len(models) == 6
    for item in models:
        group = item["name"]
        assert looks[group, "markers"] == {(item["color"], item["marker"])}
        assert looks[group, None] == {(item["color"], tuple(item["dash"]))}
    for key in ("color", "marker"):
        assert len({item[key] for item in models}) == 6, key
    assert len({tuple(item["dash"]) for item in models}) == 6
