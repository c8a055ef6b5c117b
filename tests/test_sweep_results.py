"""rnnviz.sweep_results: the committed sweep is complete and consistent; tables and figure."""

import json

import numpy as np
import pytest

from rnnviz.sequence_models import CELL_NAMES, CELLS
from rnnviz.sweep_results import (
    RESULTS_PATH,
    SweepPlot,
    load_results,
    runs_summary,
    save_results,
    sweep_figure,
    sweep_table,
)


def assert_consistent(results):
    """Every claim a results file makes agrees with its own curves, budgets and settings."""
    settings = results["settings"]
    steps, solve, every = settings["steps"], settings["solve_mse"], settings["eval_every"]
    assert results["complete"] is True
    assert results["command"].startswith("python -m rnnviz.experiments")
    for key in ("cores", "cpu_model", "torch"):
        assert results["machine"][key]
    assert results["load"].strip() and results["date"]
    assert settings["baseline_mse"] == pytest.approx(1 / 6)

    keys = [(r["model"], r["seq_len"], r["seed"]) for r in results["runs"]]
    expected = {(m, t, s) for m in settings["models"] for t in settings["seq_lens"]
                for s in settings["seeds"]}
    assert len(keys) == len(set(keys)), "a (model, T, seed) appears twice"
    assert set(keys) == expected, f"missing runs: {sorted(expected - set(keys))}"

    for run in results["runs"]:
        name = f"{run['model']} T={run['seq_len']} seed={run['seed']}"
        curve = run["curve"]
        assert curve["step"] == [every * (i + 1) for i in range(len(curve["mse"]))], name
        assert len(curve["mse"]) == run["steps_run"] // every, name
        assert 0 < run["steps_run"] <= steps, name
        assert run["cpu_seconds"] > 0 and run["seconds"] > 0, name
        if run["steps_run"] >= every:
            assert run["final_mse"] == curve["mse"][-1], name
        else:  # stopped before its first full window of eval_every steps
            assert run["final_mse"] is None and not run["solved"], name
        assert all(np.isfinite(curve["mse"])), name
        assert run["solved"] == (run["steps_to_solve"] is not None), name
        assert run["solved"] == (run["stopped_by"] == "solved"), name
        if run["solved"]:
            # Solved at the first window whose mean fell below the threshold, and stopped there.
            assert run["steps_to_solve"] <= run["steps_run"], name
            assert run["steps_to_solve"] % every == 0, name
            i = run["steps_to_solve"] // every - 1
            assert curve["mse"][i] < solve, name
            assert all(m >= solve for m in curve["mse"][:i]), name
            assert run["final_mse"] < solve, name
            assert run["seconds_to_solve"] <= run["seconds"], name
        else:
            assert all(m >= solve for m in curve["mse"]), name
            assert run["stopped_by"] in ("steps", "time", "diverged"), name
            if run["stopped_by"] == "steps":
                assert run["steps_run"] == steps, name
            if run["stopped_by"] == "time":
                assert run["steps_run"] < steps, name
                assert run["seconds"] >= run["cap_seconds"], name
    if settings["total_seconds"] is not None:
        assert all(r["cap_seconds"] is not None for r in results["runs"])


COMMITTED = sorted(RESULTS_PATH.parent.glob("long_range_memory*.json"))


def test_the_main_sweep_is_committed():
    assert RESULTS_PATH in COMMITTED


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: p.name)
def test_committed_results_load_and_are_consistent(path):
    assert_consistent(load_results(path))


def test_committed_results_cover_the_issue():
    """T up to 200, three seeds, every model."""
    settings = load_results()["settings"]
    assert max(settings["seq_lens"]) >= 200 and len(settings["seeds"]) >= 3
    assert set(settings["models"]) == set(CELLS)


def test_sweep_table_and_figure_show_every_model():
    results = load_results()
    table = sweep_table(results)
    for cell in CELLS:
        assert CELL_NAMES[cell] in table
    fig = sweep_figure(results, widget=False)
    names = {trace.name for trace in fig.data if trace.showlegend is not False}
    assert {CELL_NAMES[c] for c in CELLS} <= names
    # Every run is one marker on the left panel, drawn at its steps to solve or steps run.
    left = [t for t in fig.data if t.xaxis in (None, "x") and t.mode == "markers"]
    assert sum(len(t.x) for t in left) == len(results["runs"])
    assert "<SweepPlot widget>" == SweepPlot(results)._repr_mimebundle_()["text/plain"]


@pytest.mark.parametrize("content, message", [
    (None, "could not be read"),
    ("not json {", "could not be read"),
    ("[1, 2]", "JSON object"),
    (json.dumps({"command": "x"}), "lacks the key 'date'"),
])
def test_malformed_results_files_are_rejected(tmp_path, content, message):
    path = tmp_path / "results.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ValueError, match=message):
        load_results(path)


def test_a_run_missing_fields_is_rejected(tmp_path):
    results = load_results()
    del results["runs"][3]["steps_to_solve"]
    path = tmp_path / "results.json"
    path.write_text(json.dumps(results))
    with pytest.raises(ValueError, match="run 3 lacks"):
        load_results(path)


def test_runs_summary_has_one_line_per_run():
    results = load_results()
    lines = runs_summary(results).splitlines()
    assert len(lines) == len(results["runs"])
    for line, run in zip(lines, results["runs"]):
        assert ("solved in" in line and "not" not in line) == run["solved"]
        assert f"T={run['seq_len']}" in line


def test_save_then_load_round_trips(tmp_path):
    results = load_results()
    path = tmp_path / "sub" / "sweep.json"
    save_results(results, path)
    assert load_results(path) == results
    assert not path.with_suffix(".tmp").exists()
