"""Every size is bounded in time and memory, with a stated cap (rnnviz.checks' budgets):
past its cap each public function and widget refuses by the argument's name before it
allocates anything, and the largest sizes allowed build within the time budget."""

import time

import numpy as np
import pytest
import torch

from rnnviz import checks, training
from rnnviz.captioning import model as captioner
from rnnviz.captioning import scenes
from rnnviz.charlm import interpret
from rnnviz.charlm import model as charlm
from rnnviz.gradients import flow, graph, graph_gradients
from rnnviz.models import cells, weight_init
from rnnviz.tasks import long_range, recall, sentiment, seq2seq, tagging
from rnnviz.widgets import GradientFlow, HiddenStateExplorer
from rnnviz.widgets import hidden_state_explorer as hse

VOCAB = list("ab c\n")
TEXT = "ab c\n" * 40
BIG = 10**7


def tiny_charlm():
    torch.manual_seed(0)
    return charlm.CharLM(VOCAB, "lstm", 4, 2).eval()


def explorer(T, H, D=1):
    rng = np.random.default_rng(0)
    x, Wx, Wh = (
        rng.standard_normal((T, D)),
        rng.standard_normal((D, H)),
        rng.standard_normal((H, H)),
    )
    return HiddenStateExplorer(x, Wx, Wh * 0.5 / np.sqrt(H))


# (call, the argument its refusal must name)
PAST_THE_CAP = {
    "adding_problem": (lambda: long_range.adding_problem(BIG, 1000), "batch_size"),
    "copy_task": (lambda: long_range.copy_task(BIG, 1000), "batch_size"),
    "recall_batch": (lambda: recall.recall_batch(BIG, 1000), "seq_len"),
    "make_digit_pairs": (lambda: seq2seq.make_digit_pairs(BIG, length=100), "n_pairs"),
    "make_sentences": (lambda: sentiment.make_sentences(10**9), "n_sentences"),
    "make_tagged_sentences": (lambda: tagging.make_tagged_sentences(10**9), "n_sentences"),
    "make_scenes": (lambda: scenes.make_scenes(10**5), "num_scenes"),
    "minibatch_order": (lambda: training.minibatch_order(10, BIG, 100, 0), "steps"),
    "make_loss_fn": (
        lambda: charlm.make_loss_fn(tiny_charlm(), TEXT, batch_size=BIG, seq_len=10),
        "batch_size",
    ),
    "sample": (lambda: charlm.sample(tiny_charlm(), "a", length=10**9), "length"),
    "CharLM": (lambda: charlm.CharLM(VOCAB, "lstm", 10**5, 10**4), "hidden_size"),
    "make_captioner": (
        lambda: captioner.make_captioner("attention", hidden_size=10**5),
        "hidden_size",
    ),
    "recurrent_matrix": (
        lambda: weight_init.recurrent_matrix(weight_init.MAX_HIDDEN + 1),
        "hidden_size",
    ),
    "lstm_params": (lambda: weight_init.lstm_params(10**6, 300), "input_size"),
    "cells.LSTM": (lambda: cells.LSTM(10**5, 10**5), "hidden_size"),
    "gradient_flow": (lambda: flow.gradient_flow("lstm", seq_len=10**6), "seq_len"),
    "build_graph": (lambda: graph.build_graph("many-to-many", 10**6), "seq_len"),
    "run_graph": (
        lambda: graph_gradients.run_graph(graph.build_graph("many-to-many", 3), hidden_size=10**4),
        "hidden_size",
    ),
    "HiddenStateExplorer steps": (lambda: explorer(hse.MAX_STEPS + 1, 2), "x"),
    "HiddenStateExplorer units": (lambda: explorer(3, hse.MAX_HIDDEN + 1), "Wh"),
    "HiddenStateExplorer frames": (lambda: explorer(hse.MAX_STEPS, 200), "Wh"),
    "GradientFlow steps": (lambda: GradientFlow(seq_len=1001), "seq_len"),
    "GradientFlow units": (lambda: GradientFlow(hidden_size=65), "hidden_size"),
}


@pytest.mark.parametrize("case", sorted(PAST_THE_CAP))
def test_past_its_cap_a_size_is_refused_by_name_before_anything_is_allocated(case):
    call, argument = PAST_THE_CAP[case]
    start = time.perf_counter()
    with pytest.raises(ValueError, match=rf"\b{argument}\b"):
        call()
    assert time.perf_counter() - start < 1.0, f"{case} worked before refusing"


def test_activations_of_a_text_past_the_memory_budget_are_refused_by_name(monkeypatch):
    model = tiny_charlm()
    interpret.activations(model, TEXT)
    monkeypatch.setattr(checks, "MEMORY_BUDGET", 1000)  # the 200-character text is now too big
    with pytest.raises(ValueError, match=r"\btext\b"):
        interpret.activations(model, TEXT)


@pytest.mark.parametrize("kind", captioner.KINDS)
@pytest.mark.parametrize("scale", [1, 4])
def test_the_captioner_cap_counts_the_weights_it_would_allocate(kind, scale):
    sizes = {"hidden_size": 128 * scale, "feature_size": 64 * scale, "embedding_size": 64 * scale}
    model = captioner.make_captioner(kind, **sizes)
    weights = sum(p.numel() for p in model.parameters())
    estimate = captioner._weight_count(kind, **model.sizes)
    assert 0.9 * weights <= estimate <= weights, (estimate, weights)


def largest_frames_for(H: int) -> int:
    """The most steps the explorer allows with H units."""
    T = min(hse.MAX_STEPS, int(np.sqrt(hse.MAX_FRAME_FLOATS / (H + 1))))
    while (T + len(hse.VALUES)) * (T * H + T + 6) > hse.MAX_FRAME_FLOATS:
        T -= 1
    return T


@pytest.mark.slow
@pytest.mark.parametrize("H", [2, 102, hse.MAX_HIDDEN])
def test_the_largest_hidden_state_explorers_build_within_the_time_budget(H):
    T = largest_frames_for(H)
    start = time.perf_counter()
    widget = explorer(T, H)
    seconds = time.perf_counter() - start
    sent = sum(len(e["values"]) for e in widget.chart.data.values())
    print(f"HiddenStateExplorer T={T} H={H}: {seconds:.2f} s, {sent / 2**20:.1f} MB of frames")
    assert widget.star and sent <= 4 * hse.MAX_FRAME_FLOATS + 2**20
    # The budget is for an idle core; a machine shared at load 10 measured up to 2.5x it.
    assert seconds < 5 * checks.WIDGET_SECONDS, f"{seconds:.1f} s"


@pytest.mark.slow
def test_the_largest_gradient_flow_builds_within_the_time_budget():
    start = time.perf_counter()
    GradientFlow(seq_len=1000, hidden_size=64)
    seconds = time.perf_counter() - start
    print(f"GradientFlow T=1000 H=64: {seconds:.2f} s")
    # The budget is for an idle core; a machine shared at load 10 measured 3x it.
    assert seconds < 5 * checks.WIDGET_SECONDS, f"{seconds:.1f} s"
