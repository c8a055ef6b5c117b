"""rnnviz.models.weight_init: the recurrent matrix has the spectral radius it was asked for."""

import numpy as np
import pytest

from rnnviz.models.weight_init import gru_params, lstm_params, recurrent_matrix, rnn_params


def spectral_radius(W):
    return np.max(np.abs(np.linalg.eigvals(W)))


@pytest.mark.parametrize("init", ["gaussian", "orthogonal", "identity"])
@pytest.mark.parametrize("rho", [0.1, 0.5, 1.0, 1.7, 2.0])
def test_spectral_radius_is_exact(init, rho):
    W = recurrent_matrix(24, rho, init, seed=3)
    assert W.shape == (24, 24)
    assert spectral_radius(W) == pytest.approx(rho, rel=1e-10)


def test_orthogonal_has_every_singular_value_equal_to_rho():
    W = recurrent_matrix(16, 0.7, "orthogonal", seed=1)
    np.testing.assert_allclose(np.linalg.svd(W, compute_uv=False), 0.7, rtol=1e-12)
    np.testing.assert_allclose(W @ W.T, 0.49 * np.eye(16), atol=1e-12)


def test_identity_is_the_irnn():
    np.testing.assert_array_equal(recurrent_matrix(5, 1.0, "identity"), np.eye(5))


def test_gaussian_singular_value_exceeds_its_spectral_radius():
    # The lab's point: Pascanu's s < 1 is stricter than rho < 1 for a non-normal matrix.
    W = recurrent_matrix(64, 1.0, "gaussian", seed=0)
    s = np.linalg.norm(W, 2)
    assert 1.5 < s < 2.5


def test_same_seed_same_direction_at_every_radius():
    np.testing.assert_allclose(
        2 * recurrent_matrix(10, 0.5, "gaussian", seed=4),
        recurrent_matrix(10, 1.0, "gaussian", seed=4),
    )
    assert not np.allclose(recurrent_matrix(10, 1.0, seed=4), recurrent_matrix(10, 1.0, seed=5))


def test_param_shapes_and_pytorch_default_range():
    p = rnn_params(3, 8, 0.9, "orthogonal", seed=0)
    assert p["Wx"].shape == (3, 8) and p["Wh"].shape == (8, 8) and p["b"].shape == (8,)
    p = lstm_params(3, 8, seed=0)
    assert p["Wx"].shape == (3, 32) and p["Wh"].shape == (8, 32) and p["b"].shape == (32,)
    bound = 1 / np.sqrt(8)
    assert np.abs(p["Wh"]).max() <= bound and np.abs(p["b"]).max() <= 2 * bound
    p = gru_params(3, 8, seed=0)
    assert p["Wx"].shape == (3, 24) and p["Wh"].shape == (8, 24)
    assert p["bx"].shape == (24,) and p["bh"].shape == (24,)


def test_forget_bias_sets_only_the_forget_block():
    default = lstm_params(4, 6, seed=2)
    p = lstm_params(4, 6, forget_bias=1.0, seed=2)
    np.testing.assert_array_equal(p["b"][6:12], 1.0)
    np.testing.assert_array_equal(p["b"][:6], default["b"][:6])
    np.testing.assert_array_equal(p["b"][12:], default["b"][12:])
    np.testing.assert_array_equal(p["Wh"], default["Wh"])


@pytest.mark.parametrize(
    "call, error, word",
    [
        (lambda: recurrent_matrix(0), ValueError, "hidden_size"),
        (lambda: recurrent_matrix(2.5), TypeError, "hidden_size"),
        (lambda: recurrent_matrix(4, 0.0), ValueError, "spectral_radius"),
        (lambda: recurrent_matrix(4, -1.0), ValueError, "spectral_radius"),
        (lambda: recurrent_matrix(4, float("nan")), ValueError, "spectral_radius"),
        (lambda: recurrent_matrix(4, 1.0, "xavier"), ValueError, "init"),
        (lambda: recurrent_matrix(4, 1.0, seed=-1), ValueError, "seed"),
        (lambda: rnn_params(0, 4), ValueError, "input_size"),
        (lambda: lstm_params(2, 4, forget_bias=float("inf")), ValueError, "forget_bias"),
        (lambda: lstm_params(2, 4, forget_bias="1"), TypeError, "forget_bias"),
        (lambda: gru_params(2, True), TypeError, "hidden_size"),
    ],
)
def test_bad_arguments_name_themselves(call, error, word):
    with pytest.raises(error, match=word):
        call()
