"""rnnviz.gradients.highway: running products in log10, the forget-gate highway and the RNN's
Jacobian products, against explicit products and torch autograd."""

import math

import numpy as np
import pytest
import torch

from rnnviz.gradients.highway import (
    forget_highway,
    log10_product_norm,
    log10_running_product,
    rnn_jacobian_norms,
    rnn_jacobians,
)

RNG = np.random.default_rng(0)


def test_log10_running_product():
    factors = np.array([[0.5, 0.1, 2.0, 0.0]])
    out = log10_running_product(factors)
    np.testing.assert_allclose(out[0, :3], np.log10(np.cumprod(factors[0, :3])))
    assert out[0, 3] == -np.inf  # an exact zero is shown as such, not hidden
    # 0.5 ** 2000 underflows float64; its log does not.
    assert log10_running_product(np.full((1, 2000), 0.5))[0, -1] == pytest.approx(
        2000 * math.log10(0.5)
    )
    with pytest.raises(ValueError, match="factors"):
        log10_running_product(np.array([0.5, 0.5]))
    with pytest.raises(ValueError, match="factors"):
        log10_running_product(np.array([[0.5, -0.5]]))
    with pytest.raises(ValueError, match="factors"):
        log10_running_product(np.array([[0.5, np.nan]]))


def test_forget_highway_is_the_norm_of_the_product_of_diag_f():
    f = RNG.uniform(0, 1, (2, 6, 3))
    expected = [
        [
            np.linalg.norm(
                np.linalg.multi_dot([np.diag(f[n, s]) for s in range(t + 1)] + [np.eye(3)]), 2
            )
            for t in range(6)
        ]
        for n in range(2)
    ]
    np.testing.assert_allclose(forget_highway(f), np.log10(expected), rtol=1e-12)
    assert np.all(forget_highway(np.ones((1, 50, 4))) == 0.0)  # f = 1: nothing vanishes
    # One unit that stays open keeps the whole path open, however shut the others are.
    f = np.full((1, 30, 2), 1e-3)
    f[0, :, 1] = 0.99
    np.testing.assert_allclose(forget_highway(f)[0], np.arange(1, 31) * np.log10(0.99))
    with pytest.raises(ValueError, match="f must"):
        forget_highway(np.ones((6, 3)))


def test_log10_product_norm_matches_the_explicit_product():
    jac = RNG.normal(0, 0.6, (2, 7, 3, 3))
    for n in range(2):
        product = np.eye(3)
        for t in range(7):
            product = jac[n, t] @ product
            assert log10_product_norm(jac)[n, t] == pytest.approx(
                np.log10(np.linalg.norm(product, 2)), rel=1e-10
            )
    # 200 steps of 0.1 * I underflow float64's product; the renormalised log does not.
    tiny = np.broadcast_to(0.1 * np.eye(2), (1, 400, 2, 2))
    assert log10_product_norm(tiny)[0, -1] == pytest.approx(-400.0)
    assert log10_product_norm(np.zeros((1, 2, 2, 2)))[0, 0] == -np.inf
    with pytest.raises(ValueError, match="jacobians"):
        log10_product_norm(np.ones((2, 3, 3)))


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_rnn_jacobian_norms_match_autograd(nonlinearity):
    torch.manual_seed(0)
    rnn = torch.nn.RNN(2, 4, batch_first=True, nonlinearity=nonlinearity, dtype=torch.float64)
    x = torch.randn(1, 5, 2, dtype=torch.float64)
    h, _ = rnn(x)
    norms = rnn_jacobian_norms(h.detach().numpy(), rnn.weight_hh_l0.detach().numpy(), nonlinearity)
    act = torch.tanh if nonlinearity == "tanh" else torch.relu
    cell = torch.nn.RNNCell(2, 4, nonlinearity=nonlinearity, dtype=torch.float64)
    cell.load_state_dict({k.replace("_l0", ""): v for k, v in rnn.state_dict().items()})
    h_prev = torch.zeros(4, dtype=torch.float64)
    for t in range(5):

        def step(hp, t=t):
            return act(
                x[0, t] @ rnn.weight_ih_l0.T
                + rnn.bias_ih_l0
                + hp @ rnn.weight_hh_l0.T
                + rnn.bias_hh_l0
            )

        jac = torch.autograd.functional.jacobian(step, h_prev)
        assert norms[0, t] == pytest.approx(torch.linalg.matrix_norm(jac, 2).item(), rel=1e-10)
        h_prev = h[0, t].detach()


def test_rnn_jacobian_product_is_bounded_by_the_weight_norm():
    # The lecture's claim: |1 - h^2| <= 1, so the RNN's product can never beat ||W_hh||^t.
    w_hh = RNG.normal(0, 0.3, (5, 5))
    h = np.tanh(RNG.normal(0, 1, (3, 40, 5)))
    log_products = log10_running_product(rnn_jacobian_norms(h, w_hh))
    bound = np.arange(1, 41) * np.log10(np.linalg.norm(w_hh, 2))
    assert np.all(log_products <= bound + 1e-12)
    # ... and the norm of the product never exceeds the product of the norms.
    assert np.all(log10_product_norm(rnn_jacobians(h, w_hh)) <= log_products + 1e-9)
    with pytest.raises(ValueError, match="w_hh"):
        rnn_jacobian_norms(h, np.ones((4, 4)))
    with pytest.raises(ValueError, match="nonlinearity"):
        rnn_jacobian_norms(h, w_hh, "sigmoid")
