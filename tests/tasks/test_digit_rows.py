"""Digits read row by row: shapes of the per-row trace, and a classifier that learns."""

import numpy as np
import pytest
import torch

from rnnviz.tasks.digit_rows import (
    RowClassifier,
    accuracy_after_each_row,
    read_digit,
    train_row_classifier,
)
from rnnviz.tasks.digits import load_digit_sequences


@pytest.fixture(scope="module")
def data():
    return load_digit_sequences("rows")


def test_per_row_trace_ends_in_the_models_answer(data):
    torch.manual_seed(0)
    model = RowClassifier(hidden_size=16)
    h, logits = model.per_row(data.x_test[:5])
    assert h.shape == (5, 8, 16) and logits.shape == (5, 8, 10)
    assert torch.allclose(logits[:, -1], model(data.x_test[:5]), atol=1e-6)
    reading = read_digit(model, data, 3)
    assert reading.image.shape == (8, 8) and reading.hidden.shape == (8, 16)
    assert np.allclose(reading.probs.sum(axis=1), 1, atol=1e-5)
    assert reading.label == int(data.y_test[3])
    # The state after row t depends only on rows 1..t: blank the last row, early rows stay.
    x = data.x_test[3:4].clone()
    x[:, -1] = 0
    h2, _ = model.per_row(x)
    assert torch.allclose(h2[0, :-1], torch.from_numpy(reading.hidden[:-1]), atol=1e-6)


@pytest.mark.slow
def test_rnn_reading_rows_learns_the_digits(data):
    model = RowClassifier(hidden_size=64)
    train_row_classifier(model, data, steps=300)
    acc = accuracy_after_each_row(model, data)
    assert acc.shape == (8,)
    assert acc[-1] > 0.85  # chance is 0.1
    assert acc[-1] > acc[:4].max()  # half a digit is not enough


def test_bad_arguments_are_named(data):
    model = RowClassifier(hidden_size=4)
    with pytest.raises(ValueError, match="index must be < 449"):
        read_digit(model, data, 449)
    with pytest.raises(TypeError, match="data must be DigitSequences read by rows"):
        read_digit(model, load_digit_sequences("pixels"), 0)
    with pytest.raises(TypeError, match="model must be a RowClassifier"):
        train_row_classifier(torch.nn.Linear(8, 10), data)
