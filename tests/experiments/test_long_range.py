"""rnnviz.experiments.long_range: single runs train and a small sweep writes consistent results."""

import numpy as np
import pytest

from rnnviz.experiments import long_range as experiments
from rnnviz.experiments.long_range import EVAL_EVERY, adding_run, steps_table, window_means
from rnnviz.experiments.results import load_results, provenance, sweep_table
from rnnviz.models.cell_kinds import CELL_NAMES
from rnnviz.training import TrainResult


def test_window_means():
    assert window_means([1.0, 3.0, 5.0, 7.0, 9.0], window=2) == [2.0, 6.0]


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="cell"):
        experiments.adding_run("mlp", 10, steps=10)
    with pytest.raises(ValueError, match="seq_len"):
        experiments.adding_run("rnn", 1, steps=10)
    with pytest.raises(ValueError, match="cell"):
        experiments.digits_run("cnn", steps=10)
    with pytest.raises(SystemExit):
        experiments.main(["--models", "rnn,mlp"])


@pytest.mark.slow
def test_gated_model_solves_short_adding_problem_where_tanh_rnn_has_not():
    """The lab's claim in small: at T=20, 400 steps, the LSTM solves; the tanh RNN is far off."""
    lstm = experiments.adding_run("lstm", 20, steps=400, progress=False)
    rnn = experiments.adding_run("rnn", 20, steps=400, progress=False)
    assert lstm.solved and lstm.steps_to_solve <= 400
    assert not rnn.solved and np.mean(rnn.losses[-EVAL_EVERY:]) > 0.05


@pytest.mark.slow
def test_a_small_sweep_writes_consistent_results(tmp_path, assert_consistent):
    out = tmp_path / "sweep.json"
    results = experiments.main(
        [
            "--seq-lens",
            "4,6",
            "--seeds",
            "0,1",
            "--models",
            "gru,rnn",
            "--steps",
            "100",
            "--total-seconds",
            "600",
            "--out",
            str(out),
        ]
    )
    assert_consistent(load_results(out))
    assert load_results(out)["runs"] == results["runs"]


@pytest.mark.slow
def test_a_resumed_sweep_keeps_the_recorded_runs_and_adds_the_missing_models(
    tmp_path, assert_consistent
):
    out = tmp_path / "sweep.json"
    small = ["--seq-lens", "4", "--seeds", "0", "--steps", "50", "--out", str(out)]
    first = experiments.main([*small, "--models", "gru", "--load-note", "first"])
    resumed = experiments.main([*small, "--models", "gru,lru,mingru", "--resume"])
    results = load_results(out)
    assert_consistent(results)
    assert results["runs"][0] == first["runs"][0] == resumed["runs"][0]  # kept, not re-run
    assert [r["model"] for r in results["runs"]] == ["gru", "lru", "mingru"]
    assert [p["runs"] for p in results["parts"]] == [1, 2]
    assert results["parts"][0]["load"] == "first" and "wall_seconds" in results["parts"][1]
    text = provenance(results)
    assert text.count("python -m rnnviz.experiments") == 2 and ": 2 runs" in text
    assert "minGRU" in sweep_table(results)
    with pytest.raises(ValueError, match="other settings.*steps"):
        experiments.main([*small[:-2], "--steps", "100", "--out", str(out), "--resume"])
    again = experiments.main([*small, "--models", "gru,lru,mingru", "--resume"])
    assert [p["runs"] for p in again["parts"]] == [1, 2]  # nothing to run: no empty part
    with pytest.raises(SystemExit):  # argparse: nothing to resume
        experiments.main([*small[:-2], "--out", str(tmp_path / "typo.json"), "--resume"])


@pytest.mark.slow
def test_digits_run_learns_above_chance():
    model, result = experiments.digits_run("lstm", steps=60, progress=False)
    assert result.final["accuracy"] > 0.2  # chance is 0.1
    assert [step for step, _ in result.evals][-1] == 60


def test_steps_table_marks_trained_numbers_and_keeps_the_budget_exact():
    solved = TrainResult(label="GRU T=10", losses=[0.5] * 150, steps=150, steps_to_solve=150)
    unsolved = TrainResult(label="RNN (tanh) T=50", losses=[0.2] * 700 + [0.172] * 50, steps=750)
    table = steps_table({("gru", 10): solved, ("rnn", 50): unsolved})
    lines = table.splitlines()
    assert lines[0].split() == ["model", "T=10", "T=50"]
    assert lines[1].startswith("RNN (tanh)") and lines[1].endswith("> 750 (MSE ~0.172)")
    assert lines[2].startswith("GRU") and "~150" in lines[2]


@pytest.mark.parametrize("cell", ["lru", "mingru"])
def test_adding_run_trains_lab_09s_linear_recurrences(cell):
    result = adding_run(cell, 10, steps=3, seed=0, hidden_size=8, progress=False)
    assert result.label.startswith(f"{CELL_NAMES[cell]} T=10") and len(result.losses) == 3
