"""The shipped captioners: they load, fit the size budget, reproduce their recorded metrics,
and meet the figures lab 08 claims for every training seed."""

import re
from pathlib import Path

import nbformat
import pytest

from rnnviz.captioning.metrics import evaluate
from rnnviz.captioning.model import KINDS, load_captioner
from rnnviz.captioning.train import NUM_TEST, SEEDS, STEPS, checkpoint_path, held_out_scenes

MAX_BYTES = 2**20
LAB = Path(__file__).resolve().parents[2] / "labs" / "08_captioning_attention.ipynb"
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


def test_lab_08s_table_row_is_the_mean_of_the_recorded_metrics():
    """Lab 08's "what was measured" table ends with the shipped design's row: the mean over
    the training seeds of what each checkpoint recorded, to 3 decimals."""
    lab = nbformat.read(LAB, as_version=4)
    text = "\n".join(c.source for c in lab.cells if c.cell_type == "markdown")
    row = re.search(r"\| the shipped design, 8,000 steps, mean of three seeds \|(.*)\|", text)
    assert row and len(SEEDS) == 3
    recorded = [load_captioner(checkpoint_path("attention", seed))[1]["metrics"] for seed in SEEDS]
    want = [
        f"{sum(m[name] for m in recorded) / len(SEEDS):.3f}"
        for name in ("exact", "exact_3_objects", "localisation")
    ]
    assert [cell.strip() for cell in row.group(1).split("|")] == want


def test_localisation_settles_first_as_lab_08_says():
    """ "Localisation passes 0.95 by 3,000 steps, while exact ... keeps climbing": in every
    shipped attention model's recorded held-out curve."""
    for seed in SEEDS:
        curve = {
            e["step"]: e for e in load_captioner(checkpoint_path("attention", seed))[1]["curve"]
        }
        assert curve[3000]["localisation"] >= 0.95
        assert curve[STEPS]["exact"] > curve[3000]["exact"]


def test_lab_08s_summary_quotes_the_shipped_range(measured):
    """ "What you saw" quotes each figure's range over the seeds, as the shipped files record it."""
    text = " ".join(
        " ".join(c.source.split())
        for c in nbformat.read(LAB, as_version=4).cells
        if c.cell_type == "markdown"
    )

    def span(kind, name):
        values = [measured[kind, seed][1]["metrics"][name] for seed in SEEDS]  # as recorded
        return f"{100 * min(values):.1f}% to {100 * max(values):.1f}%"

    assert f"{span('attention', 'localisation')} of colour and shape words" in text
    assert f"{span('attention', 'exact')} of held-out captions exactly" in text
    assert f"writes {span('baseline', 'exact')} exactly" in text
