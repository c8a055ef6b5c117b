"""rnnviz.reference's time-distributed layers: embeddings, affine readout, softmax loss."""

import numpy as np
import pytest
import torch

from rnnviz.reference import (
    temporal_affine_backward,
    temporal_affine_forward,
    temporal_softmax_loss,
    word_embedding_backward,
    word_embedding_forward,
)
from rnnviz.reference.gradcheck import eval_numerical_gradient, gradient_check, rel_error

BAR = 1e-8  # CS231n's bar for a single layer
# The loss sums ~30 masked steps' losses, / N, to a scalar of ~10: float64 rounds it to ~2e-15,
# which the centred difference divides by 2h = 2e-5, an absolute error of ~1e-10 on entries of
# ~3e-3 and less, so the relative error floor is ~5e-8 (measured: 3.4e-8 to 5.5e-8).
# The analytic dx equals torch's autograd to 1e-12 (test_..._matches_torch_cross_entropy).
LOSS_BAR = 1e-7


def test_word_embedding_forward_matches_the_assignment():
    N, T, V, D = 2, 4, 5, 3
    x = np.asarray([[0, 3, 1, 2], [2, 1, 0, 3]])
    W = np.linspace(0, 1, num=V * D).reshape(V, D)
    out, _ = word_embedding_forward(x, W)
    expected_out = np.asarray(
        [
            [
                [0.0, 0.07142857, 0.14285714],
                [0.64285714, 0.71428571, 0.78571429],
                [0.21428571, 0.28571429, 0.35714286],
                [0.42857143, 0.5, 0.57142857],
            ],
            [
                [0.42857143, 0.5, 0.57142857],
                [0.21428571, 0.28571429, 0.35714286],
                [0.0, 0.07142857, 0.14285714],
                [0.64285714, 0.71428571, 0.78571429],
            ],
        ]
    )
    assert out.shape == (N, T, D)
    assert rel_error(expected_out, out) < 1e-7


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_word_embedding_backward_matches_numerical_gradients(seed):
    rng = np.random.default_rng(seed)
    N, T, V, D = 50, 3, 5, 6
    inputs = {"x": rng.integers(V, size=(N, T)), "W": rng.standard_normal((V, D))}
    dout = rng.standard_normal((N, T, D))
    errors = gradient_check(
        word_embedding_forward, word_embedding_backward, inputs, (dout,), wrt=["W"]
    )
    assert errors["W"] <= BAR, errors


def test_word_embedding_backward_sums_repeated_words():
    W = np.zeros((3, 2))
    _, cache = word_embedding_forward(np.array([[1, 1, 2]]), W)
    dW = word_embedding_backward(np.ones((1, 3, 2)), cache)
    np.testing.assert_array_equal(dW, [[0, 0], [2, 2], [1, 1]])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_temporal_affine_backward_matches_numerical_gradients(seed):
    rng = np.random.default_rng(seed)
    N, T, D, M = 2, 3, 4, 5
    inputs = {
        "x": rng.standard_normal((N, T, D)),
        "w": rng.standard_normal((D, M)),
        "b": rng.standard_normal(M),
    }
    dout = rng.standard_normal((N, T, M))
    errors = gradient_check(temporal_affine_forward, temporal_affine_backward, inputs, (dout,))
    assert max(errors.values()) <= BAR, errors


@pytest.mark.parametrize("N, T, V, p", [(100, 1, 10, 1.0), (100, 10, 10, 1.0), (500, 10, 10, 0.1)])
def test_temporal_softmax_loss_of_uniform_scores_is_log_V_per_counted_step(N, T, V, p):
    # The assignment's sanity check made exact: equal scores give -log(1/V) at every step.
    rng = np.random.default_rng(0)
    y = rng.integers(V, size=(N, T))
    mask = rng.random((N, T)) <= p
    loss, _ = temporal_softmax_loss(np.zeros((N, T, V)), y, mask)
    assert loss == pytest.approx(mask.sum() / N * np.log(V), rel=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_temporal_softmax_loss_gradient_matches_numerical_gradient(seed):
    rng = np.random.default_rng(seed)
    N, T, V = 7, 8, 9
    x = rng.standard_normal((N, T, V))
    y = rng.integers(V, size=(N, T))
    mask = rng.random((N, T)) > 0.5
    _, dx = temporal_softmax_loss(x, y, mask)
    dx_num = eval_numerical_gradient(
        lambda x: temporal_softmax_loss(x, y, mask)[0], x, verbose=False
    )
    assert rel_error(dx, dx_num) <= LOSS_BAR


def test_temporal_softmax_loss_matches_torch_cross_entropy():
    rng = np.random.default_rng(3)
    N, T, V = 4, 6, 11
    x = rng.standard_normal((N, T, V)) * 5
    y = rng.integers(V, size=(N, T))
    mask = rng.random((N, T)) > 0.3
    loss, dx = temporal_softmax_loss(x, y, mask)
    x_t = torch.from_numpy(x).requires_grad_()
    per_step = torch.nn.functional.cross_entropy(
        x_t.reshape(N * T, V), torch.from_numpy(y).reshape(-1), reduction="none"
    )
    loss_t = (per_step * torch.from_numpy(mask.reshape(-1)).double()).sum() / N
    loss_t.backward()
    assert loss == pytest.approx(loss_t.item(), rel=1e-13)
    assert rel_error(dx, x_t.grad.numpy()) < 1e-12


def test_temporal_softmax_loss_stays_finite_for_huge_scores():
    x = np.array([[[1000.0, -1000.0]]])
    loss, dx = temporal_softmax_loss(x, np.array([[1]]), np.array([[True]]))
    assert loss == pytest.approx(2000.0) and np.all(np.isfinite(dx))


def test_temporal_softmax_loss_verbose_prints_the_flat_shape(capsys):
    temporal_softmax_loss(np.zeros((2, 3, 4)), np.zeros((2, 3), int), np.ones((2, 3)), True)
    assert capsys.readouterr().out == "dx_flat:  (6, 4)\n"


# --- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "x, W, error, match",
    [
        (np.array([[0, 5]]), np.ones((5, 2)), ValueError, r"x must hold indices in \[0, 5\)"),
        (np.array([[-1, 0]]), np.ones((5, 2)), ValueError, r"x must hold indices in \[0, 5\)"),
        (np.array([[0.0, 1.0]]), np.ones((5, 2)), TypeError, "x must be an integer array"),
        (np.array([0, 1]), np.ones((5, 2)), ValueError, "x must have 2 dimensions"),
        (np.array([[0, 1]]), np.ones(5), ValueError, "W must have 2 dimensions"),
        (np.array([[0, 1]]), np.full((5, 2), np.nan), ValueError, "W contains NaN"),
        ([[0, 1]], np.ones((5, 2)), TypeError, "x must be a numpy array"),
    ],
)
def test_word_embedding_forward_rejects_bad_input(x, W, error, match):
    with pytest.raises(error, match=match):
        word_embedding_forward(x, W)


def test_word_embedding_backward_rejects_bad_input():
    _, cache = word_embedding_forward(np.array([[0, 1]]), np.ones((5, 2)))
    with pytest.raises(ValueError, match=r"dout must have shape \(1, 2, 2\)"):
        word_embedding_backward(np.ones((1, 2, 3)), cache)
    with pytest.raises(TypeError, match="cache must be the tuple returned by word_embedding"):
        word_embedding_backward(np.ones((1, 2, 2)), None)


@pytest.mark.parametrize(
    "x, w, b, match",
    [
        (np.ones((2, 3)), np.ones((3, 4)), np.ones(4), "x must have 3 dimensions"),
        (np.ones((2, 3, 5)), np.ones((3, 4)), np.ones(4), r"w must have shape \(5, \*\)"),
        (np.ones((2, 3, 3)), np.ones((3, 4)), np.ones(5), r"b must have shape \(4\)"),
        (np.ones((2, 3, 3)), np.full((3, 4), np.inf), np.ones(4), "w contains NaN"),
    ],
)
def test_temporal_affine_forward_rejects_bad_input(x, w, b, match):
    with pytest.raises(ValueError, match=match):
        temporal_affine_forward(x, w, b)


def test_temporal_affine_backward_rejects_bad_input():
    _, cache = temporal_affine_forward(np.ones((2, 3, 3)), np.ones((3, 4)), np.ones(4))
    with pytest.raises(ValueError, match=r"dout must have shape \(2, 3, 4\)"):
        temporal_affine_backward(np.ones((2, 3, 3)), cache)
    with pytest.raises(TypeError, match="cache must be the tuple returned by temporal_affine"):
        temporal_affine_backward(np.ones((2, 3, 4)), cache[:2])


@pytest.mark.parametrize(
    "x, y, mask, error, match",
    [
        (
            np.zeros((2, 3)),
            np.zeros((2, 3), int),
            np.ones((2, 3), bool),
            ValueError,
            "x must have 3 dimensions",
        ),
        (
            np.zeros((2, 3, 4)),
            np.zeros((2, 3)),
            np.ones((2, 3), bool),
            TypeError,
            "y must be an integer array",
        ),
        (
            np.zeros((2, 3, 4)),
            np.full((2, 3), 4),
            np.ones((2, 3), bool),
            ValueError,
            r"y must hold indices in \[0, 4\)",
        ),
        (
            np.zeros((2, 3, 4)),
            np.zeros((2, 2), int),
            np.ones((2, 3), bool),
            ValueError,
            r"y must have shape \(2, 3\)",
        ),
        (
            np.zeros((2, 3, 4)),
            np.zeros((2, 3), int),
            np.ones((3, 2), bool),
            ValueError,
            r"mask must have shape \(2, 3\)",
        ),
        (
            np.zeros((2, 3, 4)),
            np.zeros((2, 3), int),
            np.full((2, 3), 0.5),
            ValueError,
            "mask must hold booleans or 0/1 values",
        ),
        (
            np.zeros((2, 3, 4)),
            np.zeros((2, 3), int),
            [[1, 1, 1]] * 2,
            TypeError,
            "mask must be a numpy array",
        ),
        (
            np.full((2, 3, 4), np.nan),
            np.zeros((2, 3), int),
            np.ones((2, 3), bool),
            ValueError,
            "x contains NaN",
        ),
    ],
)
def test_temporal_softmax_loss_rejects_bad_input(x, y, mask, error, match):
    with pytest.raises(error, match=match):
        temporal_softmax_loss(x, y, mask)
