"""The shipped captioners: they load, fit the size budget, reproduce their recorded metrics,
and meet the figures lab 08 claims for every training seed."""

import pytest

from rnnviz.captioning.metrics import evaluate
from rnnviz.captioning.model import KINDS, load_captioner
from rnnviz.captioning.train import NUM_TEST, SEEDS, STEPS, checkpoint_path, held_out_scenes

MAX_BYTES = 2**20
RUNS = [(kind, seed) for kind in KINDS for seed in SEEDS]


@pytest.fixture(scope="module")
def held_out():
    return held_out_scenes()


@pytest.fixture(scope="module")
def measured(held_out):
    out = {}
    for kind, seed in RUNS:
        model, meta = load_captioner(checkpoint_path(kind, seed))
        out[kind, seed] = (model, meta, evaluate(model, held_out))
    return out


@pytest.mark.parametrize("kind, seed", RUNS)
def test_shipped_checkpoint_is_small_and_documented(kind, seed, measured):
    assert checkpoint_path(kind, seed).stat().st_size <= MAX_BYTES
    model, meta, _ = measured[kind, seed]
    assert model.kind == meta["kind"] == kind
    assert meta["command"].startswith("python -m rnnviz.captioning.train")
    assert meta["seed"] == seed and meta["steps"] == STEPS  # the same budget for every run
    assert meta["num_test"] == NUM_TEST


@pytest.mark.parametrize("kind, seed", RUNS)
def test_held_out_metrics_match_the_recorded_ones(kind, seed, measured):
    _, meta, metrics = measured[kind, seed]
    recorded = meta["metrics"]
    assert set(recorded) == set(metrics)
    # Same scenes, same weights: equal up to a float rounding that flips at most one
    # greedy word somewhere on another CPU.
    for name, value in recorded.items():
        assert metrics[name] == pytest.approx(value, abs=1.0 / NUM_TEST), name


@pytest.mark.parametrize("seed", SEEDS)
def test_attention_looks_where_it_speaks_and_beats_the_baseline(seed, measured):
    # The figures lab 08 reports, for each training seed, computed from the shipped files.
    attention = measured["attention", seed][2]
    baseline = measured["baseline", seed][2]
    assert attention["localisation"] >= 0.90
    assert attention["localisation"] > 5 * attention["chance"]
    assert attention["exact"] >= baseline["exact"] + 0.3
    assert attention["token"] > baseline["token"]


@pytest.mark.parametrize("seed", SEEDS)
def test_attention_reads_the_scene(seed, measured):
    attention = measured["attention", seed][2]
    assert attention["exact"] >= 0.90
    assert attention["exact_3_objects"] >= 0.75
