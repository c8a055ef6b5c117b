"""RowReading: the frames it sends are read_digit's numbers after every number of rows read,
unread rows and hidden-state columns blank, so the browser only picks one."""

import json

import numpy as np
import pytest
import torch

from rnnviz.style import MODEL_COLORS
from rnnviz.tasks.digit_rows import RowClassifier, read_digit
from rnnviz.tasks.digits import load_digit_sequences
from rnnviz.widgets.row_reading import DIGIT, HIDDEN, PROBS, RowReading


@pytest.fixture(scope="module")
def digits():
    return load_digit_sequences("rows")


def title(w):
    """The figure's title the page shows for the slider's current value."""
    texts, grid = w.chart.spec["title"]["texts"], w.chart.spec["controls"]["rows_read"]["grid"]
    return texts[grid.index(w.rows_read.value)]


def test_every_rows_read_frame_is_the_reading_so_far(digits, shown):
    torch.manual_seed(0)
    model = RowClassifier(hidden_size=6)
    w = RowReading(model, digits, index=2, rows_read=3)
    reading = read_digit(model, digits, 2)
    chart = w.chart
    assert chart.data[DIGIT]["axes"] == ["rows_read"] and chart.data[DIGIT]["shape"] == [8, 8, 8]
    for k in range(1, 9):
        w.rows_read.value = k
        image = shown(chart, DIGIT).T  # frames are (col, row): x-major
        np.testing.assert_array_equal(image[:k], reading.image[:k].astype(np.float32))
        assert np.isnan(image[k:]).all()  # rows not read yet: blank
        hidden = shown(chart, HIDDEN)  # (T, H)
        np.testing.assert_allclose(hidden[:k], reading.hidden[:k], rtol=1e-6)
        assert np.isnan(hidden[k:]).all()
        np.testing.assert_allclose(shown(chart, PROBS), reading.probs[k - 1], rtol=1e-6)
        guess = int(reading.probs[k - 1].argmax())
        assert title(w) == (
            f"a {reading.label}: after {k} of 8 rows the RNN says {guess} "
            f"(p = {reading.probs[k - 1][guess]:.2f})"
        )
    # The true class's bar is red, the others grey.
    colors = chart.spec["panels"][2]["series"][0]["color"]
    assert colors[reading.label] == MODEL_COLORS["rnn"] and colors.count("#bbbbbb") == 9
    json.dumps(chart.spec, allow_nan=False)
    assert w._repr_mimebundle_()["text/plain"] == "<RowReading widget>"


def test_the_digit_slider_reads_another_digit_in_the_kernel(digits, shown):
    torch.manual_seed(0)
    model = RowClassifier(hidden_size=6)
    w = RowReading(model, digits, index=0, rows_read=5)
    w.index.value = 5
    reading = read_digit(model, digits, 5)
    assert w.data.label == reading.label == int(digits.y_test[5])
    assert title(w).startswith(f"a {reading.label}: after 5 of 8 rows")
    np.testing.assert_allclose(shown(w.chart, PROBS), reading.probs[4], rtol=1e-6)
    with pytest.raises(ValueError, match=r"rows_read must be an int in \[1, 8\]"):
        RowReading(model, digits, rows_read=9)
    with pytest.raises(ValueError, match=r"index must be an int in \[0, 9\]"):
        RowReading(model, digits, index=50, n_digits=10)
    with pytest.raises(ValueError, match=r"rows_read must be an int in \[1, 8\]"):
        w.rows_read.value = 0


def test_a_model_with_nan_weights_draws_gaps_and_says_so(digits, shown):
    model = RowClassifier(hidden_size=4)
    with torch.no_grad():
        for p in model.parameters():
            p.fill_(float("nan"))
    w = RowReading(model, digits, rows_read=4, n_digits=3)
    assert "NaN/inf" in title(w)
    assert np.isnan(shown(w.chart, PROBS)).all()
    json.dumps(w.chart.spec, allow_nan=False)  # NaN travels only inside the float32 frames
    assert all(isinstance(entry["values"], bytes) for entry in w.chart.data.values())


def test_n_digits_beyond_the_test_set_is_refused_not_clamped(digits):
    model = RowClassifier(hidden_size=4)
    with pytest.raises(
        ValueError, match=rf"n_digits must be an int in \[1, {len(digits.x_test)}\]"
    ):
        RowReading(model, digits, n_digits=len(digits.x_test) + 1)
    w = RowReading(model, digits, n_digits=5)
    with pytest.raises(ValueError, match=r"index must be an int in \[0, 4\], got 5"):
        w.index.value = 5
