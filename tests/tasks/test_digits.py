"""rnnviz.tasks.digits: the digits become sequences without losing or reordering a pixel."""

import numpy as np
import pytest
import torch

from rnnviz.tasks.digits import load_digit_sequences


@pytest.mark.parametrize("order, shape", [("rows", (8, 8)), ("pixels", (64, 1))])
def test_shapes_ranges_and_split(order, shape):
    data = load_digit_sequences(order)
    assert data.x_train.shape[1:] == shape and data.x_test.shape[1:] == shape
    assert len(data.x_train) + len(data.x_test) == 1797
    assert len(data.x_test) == round(1797 * 0.25)
    assert data.x_train.dtype == torch.float32 and data.y_train.dtype == torch.int64
    assert 0 <= float(data.x_train.min()) and float(data.x_train.max()) <= 1
    assert set(data.y_test.tolist()) == set(range(10))


def test_rows_and_pixels_read_the_same_image_in_raster_order():
    rows, pixels = load_digit_sequences("rows"), load_digit_sequences("pixels")
    assert torch.equal(rows.x_test.reshape(-1, 64), pixels.x_test.reshape(-1, 64))
    assert np.array_equal(rows.x_test[5].numpy(), rows.images_test[5])
    assert torch.equal(rows.y_test, pixels.y_test)


def test_split_is_seeded():
    a, b, c = (load_digit_sequences(seed=s) for s in (1, 1, 2))
    assert torch.equal(a.y_test, b.y_test) and not torch.equal(a.y_test, c.y_test)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        (dict(order="cols"), ValueError),
        (dict(test_fraction=1.5), ValueError),
        (dict(seed=-1), ValueError),
        (dict(seed="a"), TypeError),
    ],
)
def test_bad_arguments(kwargs, error):
    with pytest.raises(error, match=next(iter(kwargs))):
        load_digit_sequences(**kwargs)
