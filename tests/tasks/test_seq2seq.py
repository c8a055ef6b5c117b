"""Seq2seq: data, teacher forcing inputs, greedy decoding, and a model that learns to reverse."""

import pytest
import torch

from rnnviz.tasks.seq2seq import (
    GO,
    Seq2Seq,
    make_digit_pairs,
    seq2seq_accuracy,
    show_outputs,
    teacher_inputs,
    train_seq2seq,
)


def test_targets_are_reversed_or_sorted_sources():
    rev = make_digit_pairs(100, length=6, task="reverse", seed=1)
    assert rev.source.shape == (100, 6)
    assert torch.equal(rev.target, rev.source.flip(1))
    srt = make_digit_pairs(100, length=6, task="sort", seed=1)
    assert torch.equal(srt.source, rev.source)  # same seed, same strings
    assert (srt.target[:, 1:] >= srt.target[:, :-1]).all()
    assert torch.equal(srt.target.sort(1).values, srt.source.sort(1).values)


def test_teacher_forcing_feeds_go_then_the_true_previous_digit():
    target = torch.tensor([[3, 1, 4], [1, 5, 9]])
    assert teacher_inputs(target).tolist() == [[GO, 3, 1], [GO, 1, 5]]


def test_decoder_starts_from_the_encoders_last_state():
    torch.manual_seed(0)
    model = Seq2Seq(hidden_size=8)
    pairs = make_digit_pairs(4, length=3)
    # Greedy decoding with the true digits fed back is exactly the teacher-forced forward.
    logits = model(pairs.source, teacher_inputs(pairs.target))
    h = model.encode(pairs.source)
    prev = torch.full((4,), GO)
    for t in range(3):
        h, _, _ = model.decoder.step(model.embed_target(prev), h)
        assert torch.allclose(model.head(h), logits[:, t], atol=1e-6)
        prev = pairs.target[:, t]
    # Changing only the first source digit changes the output: the summary carries it.
    other = pairs.source.clone()
    other[:, 0] = (other[:, 0] + 1) % 10
    assert not torch.allclose(model(other, teacher_inputs(pairs.target)), logits)


@pytest.mark.slow
def test_vanilla_rnn_learns_to_reverse():
    train_set = make_digit_pairs(3000, length=4, seed=0)
    test_set = make_digit_pairs(300, length=4, seed=1)
    model = Seq2Seq("rnn", hidden_size=64)
    train_seq2seq(model, train_set, steps=300)
    acc = seq2seq_accuracy(model, test_set)
    assert acc["digits"] > 0.9 and acc["strings"] > 0.7
    assert acc["teacher_forced_digits"] >= acc["digits"] - 0.02
    assert show_outputs(model, test_set, rows=[0]).startswith(
        "".join(str(int(d)) for d in test_set.source[0]) + " -> "
    )


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="task must be one of"):
        make_digit_pairs(5, task="shuffle")
    with pytest.raises(ValueError, match="length must be an int >= 1"):
        make_digit_pairs(5, length=0)
    with pytest.raises(ValueError, match="cell must be one of"):
        Seq2Seq("lstm")
    with pytest.raises(TypeError, match="model must be a Seq2Seq"):
        train_seq2seq(torch.nn.Linear(2, 2), make_digit_pairs(5))
    with pytest.raises(TypeError, match="pairs must be DigitPairs"):
        seq2seq_accuracy(Seq2Seq(), [(1, 2)])
    with pytest.raises(ValueError, match="target must have 2 dimensions"):
        teacher_inputs(torch.zeros(3, dtype=torch.int64))
