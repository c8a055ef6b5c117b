"""rnnviz.tasks.long_range: the adding problem, the copy task and pixel-by-pixel digits."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from rnnviz.tasks.long_range import (
    ADDING_BASELINE_MSE,
    BLANK,
    adding_problem,
    copy_baseline_logits,
    copy_baseline_loss,
    copy_task,
    pixel_digits,
)

# --- the adding problem ------------------------------------------------------------------


def test_adding_shapes_markers_and_target():
    x, y = adding_problem(500, 21, seed=3)
    assert x.shape == (500, 21, 2) and y.shape == (500,)
    assert x.dtype == torch.float32 and y.dtype == torch.float32
    values, marker = x[..., 0], x[..., 1]
    assert float(values.min()) >= 0.0 and float(values.max()) <= 1.0
    assert torch.all(marker.sum(dim=1) == 2)
    assert set(torch.unique(marker).tolist()) == {0.0, 1.0}
    half = 21 // 2
    assert torch.all(marker[:, :half].sum(dim=1) == 1)  # one mark in each half
    assert torch.all(marker[:, half:].sum(dim=1) == 1)
    torch.testing.assert_close(y, (values * marker).sum(dim=1))


# One torch thread: on a shared 2-core machine, more threads only spin (see the rules).
torch.set_num_threads(1)


def test_adding_is_seeded():
    x1, y1 = adding_problem(8, 10, seed=7)
    x2, y2 = adding_problem(8, 10, seed=7)
    x3, _ = adding_problem(8, 10, seed=8)
    assert torch.equal(x1, x2) and torch.equal(y1, y2)
    assert not torch.equal(x1, x3)


def test_adding_does_not_touch_global_random_state():
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    adding_problem(4, 10, seed=1)
    assert torch.equal(torch.rand(3), expected)


def test_predicting_one_gives_the_baseline_mse():
    assert ADDING_BASELINE_MSE == pytest.approx(1 / 6)
    _, y = adding_problem(200_000, 20, seed=0)
    mse = float(((y - 1.0) ** 2).mean())
    assert mse == pytest.approx(0.1667, abs=0.002)
    # ... and 1.0 is the best constant: the target's mean.
    assert float(y.mean()) == pytest.approx(1.0, abs=0.005)


# --- the copy task -----------------------------------------------------------------------


def test_copy_layout():
    delay, k, n = 15, 10, 8
    x, y = copy_task(32, delay, seed=1, n_symbols=n, copy_len=k)
    length = delay + 2 * k
    assert x.shape == (32, length, n + 2) and y.shape == (32, length)
    assert torch.all(x.sum(-1) == 1)  # one-hot
    tokens = x.argmax(-1)  # (N, L)
    symbols = tokens[:, :k]
    assert torch.all((symbols >= 1) & (symbols <= n))
    assert torch.all(tokens[:, k : delay + k - 1] == BLANK)
    assert torch.all(tokens[:, delay + k - 1] == n + 1)  # the delimiter
    assert torch.all(tokens[:, delay + k :] == BLANK)
    assert torch.all(y[:, : delay + k] == BLANK)
    assert torch.equal(y[:, delay + k :], symbols)  # repeat what was seen first


def test_copy_is_seeded():
    assert torch.equal(copy_task(4, 5, seed=2)[1], copy_task(4, 5, seed=2)[1])
    assert not torch.equal(copy_task(4, 5, seed=2)[1], copy_task(4, 5, seed=3)[1])


@pytest.mark.parametrize("delay", [1, 10, 100])
def test_memoryless_copy_baseline_is_what_it_scores(delay):
    x, y = copy_task(256, delay, seed=0)
    logits = copy_baseline_logits(delay).expand(256, -1, -1)  # (N, L, V)
    measured = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
    assert float(measured) == pytest.approx(copy_baseline_loss(delay), rel=1e-6)
    assert copy_baseline_loss(delay) == pytest.approx(10 * math.log(8) / (delay + 20))


def test_copy_baseline_beats_guessing_blanks_badly():
    # The baseline is what counting buys: a model that predicts uniformly everywhere scores
    # ln(10), far above it.
    assert copy_baseline_loss(100) < math.log(10) / 10


# --- pixel-by-pixel digits ---------------------------------------------------------------


def test_pixel_digits_are_raster_sequences():
    data = pixel_digits(seed=0)
    assert data.x_train.shape[1:] == (64, 1) and data.x_test.shape[1:] == (64, 1)
    assert len(data.x_train) + len(data.x_test) == 1797
    assert len(data.x_test) == round(1797 * 0.25)
    assert float(data.x_train.min()) >= 0.0 and float(data.x_train.max()) <= 1.0
    assert set(data.y_train.unique().tolist()) == set(range(10))
    # Step t reads pixel (t // 8, t % 8): row by row, left to right.
    np.testing.assert_array_equal(data.x_test[5, :, 0].reshape(8, 8).numpy(), data.images_test[5])


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, err, name",
    [
        (lambda: adding_problem(0, 10), ValueError, "batch_size"),
        (lambda: adding_problem(2.5, 10), TypeError, "batch_size"),
        (lambda: adding_problem("4", 10), TypeError, "batch_size"),
        (lambda: adding_problem(4, 1), ValueError, "seq_len"),
        (lambda: adding_problem(4, -3), ValueError, "seq_len"),
        (lambda: adding_problem(4, 10, seed=-1), ValueError, "seed"),
        (lambda: adding_problem(4, 10, seed=1.5), TypeError, "seed"),
        (lambda: copy_task(4, 0), ValueError, "delay"),
        (lambda: copy_task(4, 5, n_symbols=1), ValueError, "n_symbols"),
        (lambda: copy_task(4, 5, copy_len=0), ValueError, "copy_len"),
        (lambda: copy_baseline_loss(0), ValueError, "delay"),
        (lambda: adding_problem(4, 10, seed=2**32), ValueError, "seed"),
        (lambda: pixel_digits(seed=-2), ValueError, "seed"),
    ],
)
def test_bad_arguments_are_named(call, err, name):
    with pytest.raises(err, match=name):
        call()
