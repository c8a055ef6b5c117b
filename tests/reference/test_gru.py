"""rnnviz.reference's GRU: torch.nn.GRU, numerical gradients, properties, bad input."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnviz.reference import gru_backward, gru_forward, gru_step_backward, gru_step_forward
from rnnviz.reference.gradcheck import gradient_check, rel_error

STEP_BAR = 1e-8  # CS231n's bar for one step
SEQUENCE_BAR = 5e-7  # CS231n's bar for a whole sequence


def well_conditioned(seed, N, D, H, T=None):
    """Inputs whose gate pre-activations stay O(1): weights scaled by 1/sqrt(fan_in).

    Saturated gates make many gradient entries tiny, where a centred difference's ~1e-10
    absolute error reads as a relative error of 1e-6 (see test_reference_rnn.py).
    """
    rng = np.random.default_rng(seed)
    return {
        "x": rng.standard_normal((N, D) if T is None else (N, T, D)),
        "h": 0.5 * rng.standard_normal((N, H)),
        "Wx": rng.standard_normal((D, 3 * H)) / np.sqrt(D),
        "Wh": rng.standard_normal((H, 3 * H)) / np.sqrt(H),
        "bx": 0.1 * rng.standard_normal(3 * H),
        "bh": 0.1 * rng.standard_normal(3 * H),
    }


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gru_step_backward_matches_numerical_gradients(seed):
    inputs = well_conditioned(seed, N=4, D=5, H=6)
    dnext_h = np.random.default_rng(100 + seed).standard_normal((4, 6))
    errors = gradient_check(gru_step_forward, gru_step_backward, inputs, (dnext_h,))
    assert max(errors.values()) <= STEP_BAR, errors


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gru_backward_matches_numerical_gradients(seed):
    inputs = well_conditioned(seed, N=2, D=3, H=5, T=10)
    dh = np.random.default_rng(100 + seed).standard_normal((2, 10, 5))
    errors = gradient_check(gru_forward, gru_backward, inputs, (dh,))
    assert max(errors.values()) <= SEQUENCE_BAR, errors


@pytest.mark.parametrize("T", [1, 9])
def test_gru_matches_torch_gru_and_autograd(T):
    N, D, H = 3, 4, 5
    torch.manual_seed(T)
    gru = torch.nn.GRU(D, H, batch_first=True, dtype=torch.float64)
    # torch stores weight_ih_l0 as (3H, D) in the order r, z, n: the transpose is Wx.
    params = [
        p.detach().numpy()
        for p in (gru.weight_ih_l0, gru.weight_hh_l0, gru.bias_ih_l0, gru.bias_hh_l0)
    ]
    Wx, Wh, bx, bh = params[0].T, params[1].T, params[2], params[3]
    rng = np.random.default_rng(T)
    x_np, h0_np = rng.standard_normal((N, T, D)), rng.standard_normal((N, H))
    dh = rng.standard_normal((N, T, H))
    x = torch.from_numpy(x_np).requires_grad_()
    h0 = torch.from_numpy(h0_np).requires_grad_()
    h_torch, _ = gru(x, h0[None])
    h_torch.backward(torch.from_numpy(dh))

    h, cache = gru_forward(x_np, h0_np, Wx, Wh, bx, bh)
    dx, dh0, dWx, dWh, dbx, dbh = gru_backward(dh, cache)
    assert rel_error(h, h_torch.detach().numpy()) < 1e-12
    assert rel_error(dx, x.grad.numpy()) < 1e-12
    assert rel_error(dh0, h0.grad.numpy()) < 1e-12
    assert rel_error(dWx, gru.weight_ih_l0.grad.numpy().T) < 1e-12
    assert rel_error(dWh, gru.weight_hh_l0.grad.numpy().T) < 1e-12
    assert rel_error(dbx, gru.bias_ih_l0.grad.numpy()) < 1e-12
    assert rel_error(dbh, gru.bias_hh_l0.grad.numpy()) < 1e-12


def test_gru_step_matches_torch_gru_cell():
    N, D, H = 4, 3, 6
    torch.manual_seed(0)
    cell = torch.nn.GRUCell(D, H, dtype=torch.float64)
    inputs = well_conditioned(0, N=N, D=D, H=H)
    next_h, _ = gru_step_forward(
        inputs["x"],
        inputs["h"],
        cell.weight_ih.detach().numpy().T,
        cell.weight_hh.detach().numpy().T,
        cell.bias_ih.detach().numpy(),
        cell.bias_hh.detach().numpy(),
    )
    expected = cell(torch.from_numpy(inputs["x"]), torch.from_numpy(inputs["h"]))
    assert rel_error(next_h, expected.detach().numpy()) < 1e-12


def test_the_update_gate_interpolates_between_old_state_and_candidate():
    # A GRU whose update gate is saturated open (z -> 1) copies its state unchanged.
    inputs = well_conditioned(1, N=2, D=3, H=4)
    inputs["bx"][4:8] = 50.0  # z's input bias
    next_h, _ = gru_step_forward(*inputs.values())
    np.testing.assert_allclose(next_h, inputs["h"], atol=1e-15)


@settings(max_examples=25, deadline=None)
@given(
    N=st.integers(1, 4),
    T=st.integers(1, 4),
    D=st.integers(1, 4),
    H=st.integers(1, 4),
    seed=st.integers(0, 2**16),
)
def test_gru_forward_is_the_step_repeated(N, T, D, H, seed):
    x, h0, Wx, Wh, bx, bh = well_conditioned(seed, N=N, D=D, H=H, T=T).values()
    h, _ = gru_forward(x, h0, Wx, Wh, bx, bh)
    prev_h = h0
    for t in range(T):
        prev_h, _ = gru_step_forward(x[:, t], prev_h, Wx, Wh, bx, bh)
        np.testing.assert_array_equal(h[:, t], prev_h)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    alpha=st.floats(-3, 3, allow_subnormal=False),
    beta=st.floats(-3, 3, allow_subnormal=False),
)
def test_gru_backward_is_linear_in_dh(seed, alpha, beta):
    _, cache = gru_forward(*well_conditioned(seed, N=2, D=3, H=4, T=5).values())
    rng = np.random.default_rng(seed)
    dh1, dh2 = rng.standard_normal((2, 5, 4)), rng.standard_normal((2, 5, 4))
    combined = gru_backward(alpha * dh1 + beta * dh2, cache)
    for g, g1, g2 in zip(combined, gru_backward(dh1, cache), gru_backward(dh2, cache)):
        np.testing.assert_allclose(g, alpha * g1 + beta * g2, rtol=1e-10, atol=1e-10)


# --- bad input ------------------------------------------------------------------------


def _nan(a):
    a = a.copy()
    a.flat[-1] = np.nan
    return a


BAD_ARGS = [
    ("x", lambda a: a["x"].tolist(), TypeError, "x must be a numpy array"),
    ("x", lambda a: a["x"].astype(np.int32), TypeError, "x must be a floating-point array"),
    ("x", lambda a: a["x"][..., None], ValueError, "x must have"),
    ("h", lambda a: a["h"][:, None], ValueError, r"(prev_h|h0) must have shape"),
    ("h", lambda a: _nan(a["h"]), ValueError, r"(prev_h|h0) contains NaN"),
    ("Wx", lambda a: a["Wx"].T, ValueError, r"Wx must have shape \(3, 12\)"),
    ("Wh", lambda a: a["Wh"][:, :8], ValueError, r"Wh must have shape \(4, 12\)"),
    ("Wh", lambda a: _nan(a["Wh"]), ValueError, "Wh contains NaN"),
    ("bx", lambda a: a["bx"][:4], ValueError, r"bx must have shape \(12\)"),
    ("bh", lambda a: np.full(12, np.inf), ValueError, "bh contains NaN"),
    ("bh", lambda a: a["bh"][None], ValueError, r"bh must have shape \(12\)"),
]


@pytest.mark.parametrize("forward, T", [(gru_step_forward, None), (gru_forward, 5)])
@pytest.mark.parametrize("name, corrupt, error, match", BAD_ARGS)
def test_gru_forward_rejects_bad_input(forward, T, name, corrupt, error, match):
    args = well_conditioned(0, N=2, D=3, H=4, T=T)
    args[name] = corrupt(args)
    with pytest.raises(error, match=match):
        forward(*args.values())


def test_gru_backward_rejects_bad_gradients_and_caches():
    _, step_cache = gru_step_forward(*well_conditioned(0, N=2, D=3, H=4).values())
    with pytest.raises(ValueError, match=r"dnext_h must have shape \(2, 4\)"):
        gru_step_backward(np.ones((2, 12)), step_cache)
    with pytest.raises(TypeError, match="cache must be the tuple returned by gru_step_forward"):
        gru_step_backward(np.ones((2, 4)), step_cache + (1,))
    _, cache = gru_forward(*well_conditioned(0, N=2, D=3, H=4, T=5).values())
    with pytest.raises(ValueError, match=r"dh must have shape \(2, 5, 4\)"):
        gru_backward(np.ones((1, 5, 4)), cache)
    with pytest.raises(ValueError, match="dh contains NaN"):
        gru_backward(np.full((2, 5, 4), np.nan), cache)
    with pytest.raises(TypeError, match="cache must be the list returned by gru_forward"):
        gru_backward(np.ones((2, 5, 4)), step_cache)
