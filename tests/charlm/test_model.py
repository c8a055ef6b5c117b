"""Tests for rnnviz.charlm.model: encoding, the model, loss, evaluation, sampling, checkpoints."""

import math
import pickle

import numpy as np
import pytest
import torch

from rnnviz.charlm.model import (
    CharLM,
    decode,
    encode,
    evaluate,
    load_charlm,
    make_loss_fn,
    random_windows,
    sample,
    save_charlm,
)
from rnnviz.checkpoint import load_checkpoint, save_checkpoint
from rnnviz.training import train

VOCAB = list("\n abcdefgh()")
TEXT = "abc(def)\n  gh(a b)\n" * 40


def model_of(cell="lstm", hidden_size=16, seed=0):
    torch.manual_seed(seed)
    return CharLM(VOCAB, cell, hidden_size, embedding_size=8).eval()


def test_encode_decode_round_trip_and_unknown_characters():
    ids = encode(TEXT, VOCAB)
    assert ids.dtype == torch.long and ids.shape == (len(TEXT),)
    assert decode(ids, VOCAB) == TEXT
    with pytest.raises(ValueError, match=r"not in the model's vocabulary: \['z'\]"):
        encode("abz", VOCAB)
    with pytest.raises(TypeError, match="text must be a str"):
        encode(list("ab"), VOCAB)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_forward_shapes_and_initial_loss_near_uniform(cell):
    model = model_of(cell)
    logits, state = model(encode(TEXT[:30], VOCAB).reshape(3, 10))
    assert logits.shape == (3, 10, len(VOCAB))
    # An untrained model is close to uniform: about log(V) nats per character.
    loss = evaluate(model, TEXT)["loss"]
    assert abs(loss - math.log(len(VOCAB))) < 0.3


@pytest.mark.parametrize(
    "kwargs, error, name",
    [
        (dict(cell="transformer"), ValueError, "cell"),
        (dict(hidden_size=0), ValueError, "hidden_size"),
        (dict(hidden_size=8.0), TypeError, "hidden_size"),
        (dict(embedding_size=-1), ValueError, "embedding_size"),
    ],
)
def test_model_rejects_bad_sizes(kwargs, error, name):
    with pytest.raises(error, match=name):
        CharLM(VOCAB, **kwargs)


@pytest.mark.parametrize("vocab", [["a"], ["a", "a", "b"], ["ab", "c"]])
def test_model_rejects_bad_vocabularies(vocab):
    with pytest.raises(ValueError, match="vocab"):
        CharLM(vocab)


def test_random_windows_targets_are_the_next_characters():
    ids = torch.arange(100)
    x, y = random_windows(ids, 4, 7, torch.Generator().manual_seed(0))
    assert x.shape == y.shape == (4, 7)
    assert torch.equal(y, x + 1)


def test_loss_fn_is_many_to_many_cross_entropy_and_seeded_per_step():
    model = model_of()
    loss_fn = make_loss_fn(model, TEXT, batch_size=4, seq_len=9, seed=2)
    assert loss_fn(5).item() == loss_fn(5).item()
    assert loss_fn(5).item() != loss_fn(6).item()
    ids = encode(TEXT, VOCAB)
    x, y = random_windows(ids, 4, 9, torch.Generator().manual_seed(2 * 1_000_003 + 5))
    logits, _ = model(x)
    by_hand = -torch.log_softmax(logits, -1).gather(-1, y[..., None]).mean()
    assert loss_fn(5).item() == pytest.approx(by_hand.item(), rel=1e-6)
    with pytest.raises(ValueError, match="too short for seq_len=5000"):
        make_loss_fn(model, TEXT, seq_len=5000)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_evaluate_carries_state_across_windows(cell):
    """Windows of 7 with the state carried score exactly like one pass over each stream."""
    model = model_of(cell)
    windows = evaluate(model, TEXT, streams=3, seq_len=7)
    ids = encode(TEXT, VOCAB)
    length = len(ids) // 3
    rows = ids[: 3 * length].reshape(3, length)
    with torch.no_grad():
        logits, _ = model(rows[:, :-1])
        nll = torch.nn.functional.cross_entropy(
            logits.reshape(-1, len(VOCAB)), rows[:, 1:].reshape(-1)
        )
    assert windows["chars"] == 3 * (length - 1)
    assert windows["loss"] == pytest.approx(float(nll), rel=1e-5)
    assert windows["perplexity"] == pytest.approx(math.exp(windows["loss"]))


def test_sample_is_seeded_and_reports_top5_at_the_temperature():
    model = model_of()
    one = sample(model, "ab", length=30, temperature=0.8, seed=1)
    assert one.text == sample(model, "ab", length=30, temperature=0.8, seed=1).text
    assert one.text != sample(model, "ab", length=30, temperature=0.8, seed=2).text
    assert len(one.text) == 30 and one.top_probs.shape == (30, 5)
    assert np.all(np.diff(one.top_probs, axis=1) <= 0) and np.all(one.top_probs.sum(1) <= 1)
    # The first position's top-5 is softmax(logits / T) of the prime's last step.
    with torch.no_grad():
        logits, _ = model(encode("ab", VOCAB)[None])
    probs = torch.softmax(logits[0, -1] / 0.8, -1)
    best = torch.topk(probs, 5)
    assert one.top_chars[0] == [VOCAB[i] for i in best.indices]
    np.testing.assert_allclose(one.top_probs[0], best.values.numpy(), rtol=1e-6)


def test_low_temperature_samples_the_likeliest_character():
    cold = sample(model_of(), "a", length=40, temperature=1e-3, seed=0)
    assert all(ch == top[0] for ch, top in zip(cold.text, cold.top_chars))
    assert np.all(cold.top_probs[:, 0] > 0.99)


def test_high_temperature_flattens_the_distribution():
    model = model_of()
    cold = sample(model, "a", length=20, temperature=0.5, seed=0)
    hot = sample(model, "a", length=20, temperature=2.0, seed=0)
    assert hot.top_probs[0, 0] < cold.top_probs[0, 0]


@pytest.mark.parametrize(
    "kwargs, error, name",
    [
        (dict(prime=""), ValueError, "prime"),
        (dict(prime="xyz"), ValueError, "vocabulary"),
        (dict(temperature=0.0), ValueError, "temperature"),
        (dict(temperature=float("nan")), ValueError, "temperature"),
        (dict(length=0), ValueError, "length"),
    ],
)
def test_sample_rejects_bad_arguments(kwargs, error, name):
    with pytest.raises(error, match=name):
        sample(model_of(), **kwargs)


def test_checkpoint_round_trip(tmp_path):
    model = model_of("gru")
    save_charlm(tmp_path / "m.pt", model, seed=7, val_loss=1.25, command="test")
    loaded, meta = load_charlm(tmp_path / "m.pt", vocab=VOCAB)
    assert meta["seed"] == 7 and meta["cell"] == "gru" and meta["vocab"] == "".join(VOCAB)
    x = encode(TEXT[:50], VOCAB)[None]
    assert torch.equal(model(x)[0], loaded(x)[0])


def test_checkpoint_vocabulary_mismatch_is_refused(tmp_path):
    save_charlm(tmp_path / "m.pt", model_of())
    with pytest.raises(ValueError, match=r"vocabulary mismatch.*only expected: \['z'\]"):
        load_charlm(tmp_path / "m.pt", vocab=VOCAB + ["z"])
    with pytest.raises(ValueError, match="same characters, different order"):
        load_charlm(tmp_path / "m.pt", vocab=VOCAB[::-1])


class Hostile:
    def __reduce__(self):
        return (print, ("pwned",))


def test_malformed_hostile_and_inconsistent_checkpoints_are_refused(tmp_path):
    (tmp_path / "junk.pt").write_bytes(b"\x00garbage")
    with pytest.raises(ValueError, match="junk.pt"):
        load_charlm(tmp_path / "junk.pt")
    with open(tmp_path / "evil.pt", "wb") as f:
        pickle.dump({"format": "rnnviz-checkpoint", "tensors": Hostile()}, f)
    with pytest.raises(ValueError, match="evil.pt"):
        load_charlm(tmp_path / "evil.pt")
    model = model_of()
    save_charlm(tmp_path / "wrong.pt", model)
    # The metadata says 32 hidden units but the tensors hold 16.
    tensors, meta = load_checkpoint(tmp_path / "wrong.pt")
    save_checkpoint(tmp_path / "wrong.pt", tensors, {**meta, "hidden_size": 32})
    with pytest.raises(
        ValueError,
        match=r"wrong.pt does not fit the CharLM.*"
        r"rnn.weight_hh_l0 \(64, 16\) \(expected \(128, 32\)\)",
    ):
        load_charlm(tmp_path / "wrong.pt")
    save_checkpoint(
        tmp_path / "nan.pt", {**tensors, "head.bias": tensors["head.bias"] * np.nan}, meta
    )
    with pytest.raises(ValueError, match="NaN"):
        load_charlm(tmp_path / "nan.pt")


@pytest.mark.slow
@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_training_learns_a_repetitive_text(cell):
    torch.manual_seed(0)
    model = CharLM(VOCAB, cell, hidden_size=32, embedding_size=8)
    before = evaluate(model, TEXT)["loss"]
    train(
        model,
        make_loss_fn(model, TEXT, batch_size=16, seq_len=32),
        steps=150,
        lr=1e-2,
        progress=False,
    )
    after = evaluate(model, TEXT)["loss"]
    assert before > 2.0 and after < 0.5


@pytest.mark.slow
def test_charlm_train_records_command_seed_and_a_reproducible_validation_loss(tmp_path):
    from rnnviz.charlm.corpus import SHIPPED_SPLITS, read_text_file
    from rnnviz.charlm.train import main

    args = [
        "--steps",
        "3",
        "2",
        "--hidden-size",
        "8",
        "--embedding-size",
        "4",
        "--data-dir",
        str(tmp_path),
        "--out",
        str(tmp_path / "m.pt"),
    ]
    main(args)
    model, meta = load_charlm(tmp_path / "m.pt")
    assert meta["command"] == "python -m rnnviz.charlm.train " + " ".join(args)
    assert meta["seed"] == 0 and meta["phases"] == [[3, 2e-3], [2, 5e-4]]
    val = read_text_file(tmp_path / SHIPPED_SPLITS["val"])
    assert evaluate(model, val)["loss"] == pytest.approx(meta["val_loss"], abs=1e-6)
    assert len(read_text_file(tmp_path / SHIPPED_SPLITS["train"])) == 200_000


def test_evaluate_refuses_a_text_too_short_for_its_streams():
    model = model_of()
    with pytest.raises(ValueError, match=r"streams=16 .* got 20; use streams <= 10"):
        evaluate(model, "abcd" * 5)
    short = evaluate(model, "abcd" * 5, streams=10)  # one next character a stream
    assert short["chars"] == 10 and math.isfinite(short["loss"])


@pytest.mark.parametrize("seq_len, error", [(0, ValueError), (-1, ValueError), (2.5, TypeError)])
def test_evaluate_refuses_a_non_positive_seq_len(seq_len, error):
    with pytest.raises(error, match="seq_len"):
        evaluate(model_of(), "abcd" * 5, streams=2, seq_len=seq_len)


def test_evaluate_a_very_bad_model_gives_inf_perplexity_and_nan_stays_nan():
    model = model_of()
    with torch.no_grad():
        model.head.weight.mul_(1e6)  # confidently wrong: a loss far beyond exp's range
    result = evaluate(model, TEXT, streams=2)
    assert result["loss"] > 1000 and result["perplexity"] == math.inf
    with torch.no_grad():
        model.head.weight.fill_(math.nan)
    result = evaluate(model, TEXT, streams=2)
    assert math.isnan(result["loss"]) and math.isnan(result["perplexity"])


def test_sample_refuses_a_model_whose_scores_are_not_finite():
    model = model_of()
    with torch.no_grad():
        model.head.bias.fill_(math.inf)
    with pytest.raises(ValueError, match="model gives no finite distribution.*NaN or inf"):
        sample(model, "ab", length=5)


def test_sample_top_k_fits_a_small_vocabulary_and_a_larger_one_is_refused():
    torch.manual_seed(0)
    tiny = CharLM(list("ab"), "gru", 4, 2).eval()
    assert sample(tiny, "a", length=3).top_probs.shape == (3, 2)  # default: min(5, V)
    with pytest.raises(ValueError, match=r"top_k must be an int in \[1, 2\], got 3"):
        sample(tiny, "a", length=3, top_k=3)


@pytest.mark.parametrize(
    "call",
    [
        lambda: evaluate(torch.nn.LSTM(2, 2), TEXT),
        lambda: sample(torch.nn.LSTM(2, 2)),
        lambda: make_loss_fn(torch.nn.LSTM(2, 2), TEXT),
    ],
)
def test_functions_name_a_model_that_is_not_a_charlm(call):
    with pytest.raises(TypeError, match="model must be a CharLM"):
        call()
