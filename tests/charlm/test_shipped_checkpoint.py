"""The shipped checkpoint: loads safely, matches its recorded validation loss, is small."""

import pytest

from rnnviz.charlm.corpus import STDLIB_ALPHABET, shipped_split
from rnnviz.charlm.model import SHIPPED_CHECKPOINT, evaluate, load_charlm, sample


@pytest.fixture(scope="module")
def shipped():
    return load_charlm(SHIPPED_CHECKPOINT, vocab=sorted(STDLIB_ALPHABET))


def test_records_how_it_was_made(shipped):
    model, meta = shipped
    # Made by `make checkpoints` (the module was rnnviz.charlm_train when this file was trained).
    assert meta["command"].startswith("python -m rnnviz.charlm")
    assert isinstance(meta["seed"], int) and meta["cell"] == "lstm"
    assert SHIPPED_CHECKPOINT.stat().st_size <= 5 * 1024 * 1024


def test_validation_loss_on_the_shipped_split_matches_the_record(shipped):
    model, meta = shipped
    score = evaluate(model, shipped_split("val"))
    assert score["chars"] == meta["val_chars"]
    assert score["loss"] == pytest.approx(meta["val_loss"], abs=1e-4)
    # Far below the 4.57 nats/char of a uniform guess and the 3.2 of a unigram model.
    assert score["loss"] < 1.5


def test_samples_look_like_python(shipped):
    model, _ = shipped
    text = sample(model, prime="def ", length=400, temperature=0.5, seed=0).text
    assert "(" in text and "\n    " in text and ":" in text
