"""The shipped captioners: they load, fit the size budget, and reproduce their recorded metrics."""

import pytest

from rnnviz.captioning.model import KINDS, evaluate, load_captioner
from rnnviz.captioning.train import NUM_TEST, checkpoint_path, held_out_scenes

MAX_BYTES = 5 * 2**20


@pytest.fixture(scope="module")
def held_out():
    return held_out_scenes()


@pytest.fixture(scope="module")
def measured(held_out):
    out = {}
    for kind in KINDS:
        model, meta = load_captioner(checkpoint_path(kind))
        out[kind] = (model, meta, evaluate(model, held_out))
    return out


@pytest.mark.parametrize("kind", KINDS)
def test_shipped_checkpoint_is_small_and_documented(kind, measured):
    assert checkpoint_path(kind).stat().st_size <= MAX_BYTES
    model, meta, _ = measured[kind]
    assert model.kind == meta["kind"] == kind
    # Made by `make checkpoints` (the module was rnnviz.caption_train when this file was trained).
    assert meta["command"].startswith("python -m rnnviz.caption")
    assert isinstance(meta["seed"], int) and meta["steps"] > 0
    assert meta["num_test"] == NUM_TEST


@pytest.mark.parametrize("kind", KINDS)
def test_held_out_metrics_match_the_recorded_ones(kind, measured):
    _, meta, metrics = measured[kind]
    recorded = meta["metrics"]
    assert set(recorded) == set(metrics)
    # Same scenes, same weights: equal up to a float rounding that flips at most one
    # greedy word somewhere on another CPU.
    for name, value in recorded.items():
        assert metrics[name] == pytest.approx(value, abs=1.0 / NUM_TEST), name


def test_attention_beats_the_baseline_and_looks_at_the_objects(measured):
    # The claims lab 08 makes about the shipped models.
    attention, baseline = measured["attention"][2], measured["baseline"][2]
    assert attention["exact"] > baseline["exact"]
    assert attention["token"] > baseline["token"]
    assert attention["localisation"] > 3 * attention["chance"]
