"""RowReading: blanks unread rows and hidden-state columns, shows the answer so far, in place."""

import json

import numpy as np
import pytest
import torch

from rnnviz.tasks.digit_rows import RowClassifier, read_digit
from rnnviz.tasks.digits import load_digit_sequences
from rnnviz.widgets.row_reading import DIGIT, HIDDEN, PROBS, RowReading
from rnnviz.widgets.traces import traces_by_name


def test_rows_read_slider_hides_the_future_in_place():
    data = load_digit_sequences("rows")
    torch.manual_seed(0)
    model = RowClassifier(hidden_size=6)
    w = RowReading(model, data, index=2, rows_read=3)
    traces = list(w.figure.data)
    named = traces_by_name(w.figure)
    image, hidden, bars = named[DIGIT], named[HIDDEN], named[PROBS]
    assert np.isnan(np.array(image.z, dtype=float)[3:]).all()
    assert not np.isnan(np.array(image.z, dtype=float)[:3]).any()
    assert np.isnan(np.array(hidden.z, dtype=float)[:, 3:]).all()
    # Gaps are None, never NaN: NaN is not JSON and the update would not reach the browser.
    json.dumps([image.z, hidden.z], allow_nan=False)
    reading = read_digit(model, data, 2)
    assert np.allclose(bars.y, reading.probs[2])
    w.rows_read.value = 8
    assert not np.isnan(np.array(image.z, dtype=float)).any()
    assert np.allclose(bars.y, reading.probs[-1])
    w.index.value = 5
    assert f"a {int(data.y_test[5])}:" in w.figure.layout.title.text
    assert all(a is b for a, b in zip(w.figure.data, traces))
    assert w._repr_mimebundle_()["text/plain"] == "<RowReading widget>"
    with pytest.raises(ValueError, match=r"rows_read must be an int in \[1, 8\]"):
        RowReading(model, data, rows_read=9)
    with pytest.raises(ValueError, match=r"index must be an int in \[0, 9\]"):
        RowReading(model, data, index=50, n_digits=10)


def test_a_model_with_nan_weights_draws_gaps_and_says_so(assert_json_safe):
    data = load_digit_sequences("rows")
    model = RowClassifier(hidden_size=4)
    with torch.no_grad():
        for p in model.parameters():
            p.fill_(float("nan"))
    w = RowReading(model, data, rows_read=4, n_digits=3)
    assert "NaN/inf" in w.figure.layout.title.text
    assert list(w.figure.data[2].y) == [None] * 10
    assert_json_safe(w.figure)


def test_n_digits_beyond_the_test_set_is_refused_not_clamped():
    data = load_digit_sequences("rows")
    model = RowClassifier(hidden_size=4)
    with pytest.raises(ValueError, match=rf"n_digits must be an int in \[1, {len(data.x_test)}\]"):
        RowReading(model, data, n_digits=len(data.x_test) + 1)
    w = RowReading(model, data, n_digits=5)
    with pytest.raises(ValueError, match=r"index must be an int in \[0, 4\], got 5"):
        w.index.value = 5
