"""rnnviz.tasks.recall: the batches are seeded and mean what they say; a trained LSTM holds
the marked value with its forget gate near 1 and overwrites it at markers."""

import numpy as np
import pytest
import torch

from rnnviz.claims import measured
from rnnviz.seeding import MAX_SEED, STEPS_PER_SEED, batch_seed
from rnnviz.tasks.recall import (
    RecallModel,
    evaluation_batch,
    final_hold_paths,
    gate_means,
    hold_summary,
    memory_unit,
    recall_batch,
    train_recall,
)


def test_same_seed_same_batch_other_seed_other_batch():
    a, b, c = recall_batch(4, 10, seed=7), recall_batch(4, 10, seed=7), recall_batch(4, 10, seed=8)
    assert torch.equal(a.x, b.x) and torch.equal(a.target, b.target)
    assert not torch.equal(a.x, c.x)


def test_targets_are_the_most_recently_marked_value():
    batch = recall_batch(16, 12, n_marks=3, seed=1)
    assert batch.x.shape == (16, 12, 2) and batch.x.dtype == torch.float32
    values, marks = batch.x[..., 0].numpy(), batch.x[..., 1].numpy()
    assert np.all(marks.sum(axis=1) == 3)
    assert np.all((values >= -1) & (values <= 1))
    for n in range(16):
        last = None
        for t in range(12):
            if marks[n, t]:
                last = values[n, t]
            want = 0.0 if last is None else last
            assert batch.target[n, t].item() == pytest.approx(want)
            assert batch.last_mark[n, t].item() == (
                -1 if last is None else max(s for s in range(t + 1) if marks[n, s])
            )
            assert batch.holding[n, t] == (last is not None and not marks[n, t])


def test_recall_batch_rejects_bad_sizes():
    with pytest.raises(ValueError, match="batch_size"):
        recall_batch(0, 10)
    with pytest.raises(TypeError, match="seq_len"):
        recall_batch(4, 10.0)
    with pytest.raises(ValueError, match="n_marks"):
        recall_batch(4, 3, n_marks=4)
    with pytest.raises(ValueError, match="seed"):
        recall_batch(4, 3, seed=-1)
    with pytest.raises(ValueError, match="seed"):
        recall_batch(4, 3, seed=2**32)  # would alias seed 0 in torch's 32-bit generator
    with pytest.raises(ValueError, match="steps"):
        train_recall(steps=2 * 10**6)
    with pytest.raises(ValueError, match="seed"):
        train_recall(seed=10**6)


def test_recall_model_shapes_and_arguments():
    for cell in ("lstm", "gru", "rnn"):
        model = RecallModel(cell, hidden_size=3)
        assert model(recall_batch(2, 5).x).shape == (2, 5)
    with pytest.raises(ValueError, match="cell"):
        RecallModel("transformer")
    with pytest.raises(ValueError, match="forget_bias"):
        RecallModel("gru", forget_bias=1.0)
    with pytest.raises(ValueError, match="hidden_size"):
        RecallModel("lstm", hidden_size=0)


def test_gate_means_and_memory_unit_on_known_values():
    batch = recall_batch(8, 10, n_marks=2, seed=3)
    gate = np.zeros((8, 10, 2))
    gate[..., 0][batch.holding] = 1.0  # unit 0 open exactly while holding
    gate[..., 1] = 0.25
    means = gate_means(gate, batch, unit=0)
    assert means == {"holding": 1.0, "at markers": 0.0, "before first marker": 0.0}
    assert gate_means(gate, batch)["holding"] == pytest.approx(0.625)
    state = np.random.default_rng(0).normal(size=(8, 10, 2))
    state[..., 1] = batch.target.numpy() * 3 + 0.01 * state[..., 1]
    assert memory_unit(state, batch) == 1
    with pytest.raises(ValueError, match="unit"):
        gate_means(gate, batch, unit=2)
    with pytest.raises(ValueError, match="gate"):
        gate_means(gate[:, :5], batch)
    with pytest.raises(ValueError, match="state"):
        memory_unit(state[0], batch)


def test_evaluation_batch_is_never_a_training_batch():
    ev = evaluation_batch(seq_len=10, seed=0, batch_size=4)
    assert not any(torch.equal(ev.x, recall_batch(4, 10, seed=s).x) for s in range(50))
    # Evaluation seeds count down from 2**32 - 1; the largest training batch seed is below.
    largest_eval_seed_gap = (2**32 - 1 - MAX_SEED) - batch_seed(MAX_SEED, STEPS_PER_SEED - 1)
    assert largest_eval_seed_gap > 0


@pytest.mark.slow
def test_trained_lstm_holds_with_f_near_one_and_overwrites_at_markers():
    torch.set_num_threads(1)
    model, result = train_recall("lstm", progress=False)
    assert result.final["loss"] < 0.02 * result.final["baseline"]
    summary = hold_summary(model, evaluation_batch())
    f, change = summary.f, summary.cell_change
    # The lab's claims: f high while holding and low at markers, the cell state moving at the
    # markers and barely between them (seed 0 also uses i as the textbook switch).
    assert f["holding"] - f["at markers"] > 0.3 and f["at markers"] < 0.6
    assert change["at markers"] > 1.5 * change["holding"]
    assert summary.i["holding"] < 0.1 and summary.i["at markers"] > 0.5
    assert measured(f["holding"]) in summary.report()
    assert measured(change["holding"]) in summary.report()
    with pytest.raises(TypeError, match="model"):
        hold_summary(RecallModel("gru"), evaluation_batch())
    # Across the final hold, the LSTM's cell state keeps most of the gradient, and the RNN's
    # product of step norms bounds its true product.
    rnn, _ = train_recall("rnn", progress=False)
    paths = final_hold_paths(model, rnn, evaluation_batch())
    assert 10 ** (paths["lstm"] / paths["hold steps"]) > 0.8
    assert paths["rnn bound"] >= paths["rnn"]
    with pytest.raises(TypeError, match="rnn"):
        final_hold_paths(model, model, evaluation_batch())
    # Deterministic: the same call trains the same model.
    again, _ = train_recall("lstm", steps=5, progress=False)
    once, _ = train_recall("lstm", steps=5, progress=False)
    assert all(torch.equal(p, q) for p, q in zip(again.parameters(), once.parameters()))
