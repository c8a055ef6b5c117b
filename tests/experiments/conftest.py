"""Shared by the sweep tests: what every results file must satisfy."""

import numpy as np
import pytest


@pytest.fixture
def assert_consistent():
    """The check below, for a test that reads a results file."""
    return check_consistent


def check_consistent(results):
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
    expected = {
        (m, t, s)
        for m in settings["models"]
        for t in settings["seq_lens"]
        for s in settings["seeds"]
    }
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
