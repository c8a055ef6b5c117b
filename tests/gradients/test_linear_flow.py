"""gradients.linear_flow: the LRU and minGRU flows equal torch autograd, and the ring's closed
form equals the flow measured on a sampled ring."""

import numpy as np
import pytest
import torch

from rnnviz.gradients.flow import gradient_flow
from rnnviz.gradients.linear_flow import lru_flow, min_gru_flow, ring_gradient_norm
from rnnviz.models.lru import lru_eigenvalues, lru_params
from rnnviz.models.min_gru import min_gru_params

torch.set_num_threads(1)


def rel_error(a, b):
    return np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))


def autograd_states(step, u, loss, read, state):
    """dL/d state_t by torch autograd through an explicit loop: state_t = step(state, u_t),
    from `state` (a zero h_0 that requires grad, so every state is in the graph)."""
    states = []
    for u_t in torch.as_tensor(u).unbind(1):
        state = step(state, u_t)
        states.append(state)
    loss_states = states if loss == "all" else states[-1:]
    L = sum(read(s).sum() for s in loss_states)
    return torch.stack(torch.autograd.grad(L, states), 1).numpy()


@pytest.mark.parametrize("loss", ["last", "all"])
def test_lru_flow_equals_autograd(loss):
    u = np.random.default_rng(0).standard_normal((2, 9, 3))
    params = lru_params(3, 5, 2, r_min=0.5, r_max=0.95, max_phase=3.0, seed=1)
    w = np.random.default_rng(2).standard_normal(2)
    p = {k: torch.tensor(v) for k, v in params.items()}
    lam = torch.exp(-torch.exp(p["nu_log"]) + 1j * torch.exp(p["theta_log"]))
    gamma = torch.exp(p["gamma_log"])

    def step(x, u_t):
        b = gamma * (u_t.to(torch.complex128) @ p["B"].T)  # (N, H)
        return lam * x + b

    x0 = torch.zeros(2, 5, dtype=torch.complex128, requires_grad=True)
    dx = autograd_states(step, u, loss, lambda x: (x @ p["C"].T).real @ torch.tensor(w), x0)
    flow = lru_flow(u, params, loss, readout=w)
    assert flow.dh.dtype == np.complex128 and rel_error(flow.dh, dx) < 1e-10
    np.testing.assert_allclose(flow.grad_h, np.linalg.norm(dx, axis=2), rtol=1e-12)


@pytest.mark.parametrize("loss", ["last", "all"])
def test_min_gru_flow_equals_autograd(loss):
    x = np.random.default_rng(3).standard_normal((2, 11, 3))
    params = min_gru_params(3, 4, gate_bias=-1.0, seed=4)
    p = {k: torch.tensor(v) for k, v in params.items()}

    def step(h, x_t):
        z = torch.sigmoid(x_t @ p["Wz"] + p["bz"])
        b = z * (x_t @ p["Wh"] + p["bh"])
        return (1 - z) * h + b

    w = torch.full((4,), 0.5, dtype=torch.float64)
    h0 = torch.zeros(2, 4, dtype=torch.float64, requires_grad=True)
    dh = autograd_states(step, x, loss, lambda h: h @ w, h0)
    flow = min_gru_flow(x, params, loss)
    assert rel_error(flow.dh, dh) < 1e-10


def test_each_lru_mode_decays_as_its_eigenvalue_and_min_gru_as_its_gates():
    u = np.random.default_rng(0).standard_normal((1, 30, 2))
    params = lru_params(2, 6, 1, r_min=0.3, r_max=0.9, seed=5)
    flow = lru_flow(u, params)
    k = np.arange(29, -1, -1)  # steps back from the loss at T
    expected = np.abs(flow.dh[0, -1]) * np.abs(lru_eigenvalues(params))[None] ** k[:, None]
    np.testing.assert_allclose(np.abs(flow.dh[0]), expected, rtol=1e-12)
    params = min_gru_params(2, 3, gate_bias=-2.0, seed=6)
    flow = min_gru_flow(u, params)
    z = 1 / (1 + np.exp(-(u[0] @ params["Wz"] + params["bz"])))  # (T, H)
    keep = np.concatenate([np.cumprod((1 - z)[:0:-1], axis=0)[::-1], np.ones((1, 3))])
    np.testing.assert_allclose(flow.dh[0], keep / np.sqrt(3), rtol=1e-12)


def test_closed_form_values_and_limits():
    assert ring_gradient_norm(100, 0.9, 0.999) == pytest.approx(0.2074, abs=5e-5)
    assert ring_gradient_norm(999, 0.9, 0.999) == pytest.approx(0.02682, abs=5e-6)
    assert ring_gradient_norm(0, 0.2, 0.7) == 1.0
    assert ring_gradient_norm(7, 0.8, 0.8) == pytest.approx(0.8**7, rel=1e-14)
    # The mean of s^k over s ~ U[a, b] by a fine midpoint rule, independent of the formula.
    s = np.linspace(0.81, 0.998001, 2_000_001)
    s = (s[1:] + s[:-1]) / 2
    for k in (1, 10, 100, 999):
        assert ring_gradient_norm(k, 0.9, 0.999) == pytest.approx(np.sqrt(np.mean(s**k)), rel=1e-8)
    np.testing.assert_allclose(
        ring_gradient_norm(np.arange(3), 0.0, 0.5), [1, 0.125**0.5, 0.25 / 3**0.5]
    )
    with pytest.raises(ValueError, match="r_min must not exceed r_max"):
        ring_gradient_norm(3, 0.9, 0.5)
    with pytest.raises(ValueError, match="steps_back"):
        ring_gradient_norm(-1, 0.1, 0.5)


def test_closed_form_matches_a_sampled_ring_at_T_1000():
    """A ring of H = 4096 modes at [0.9, 0.999], T = 1000, float64, with the LRU's own random
    read-out C: the measured ||dL/dx_{T-k}|| / ||dL/dx_T|| is a sample mean of |lambda|^(2k)
    weighted by |(w C*)_j|^2, the closed form its expectation. The stated tolerance: within
    25% at every k and 8% up to k = 100 (the worst over seeds 0..19 was 19% and 5.4%: near
    k = 999 only the few modes closest to r_max still carry gradient, so the sample mean is
    noisiest there)."""
    flow = gradient_flow(
        "lru", seq_len=1000, hidden_size=4096, input_size=2, r_min=0.9, r_max=0.999
    )
    measured = flow.grad_h[0, ::-1] / flow.grad_h[0, -1]  # index k = steps back
    closed = ring_gradient_norm(np.arange(1000), 0.9, 0.999)
    assert np.max(np.abs(measured / closed - 1)) < 0.25
    assert np.max(np.abs(measured[:101] / closed[:101] - 1)) < 0.08
    assert measured[100] == pytest.approx(0.207, rel=0.08)
    assert measured[999] == pytest.approx(0.0268, rel=0.25)


def test_a_tanh_rnn_underflows_where_the_ring_does_not():
    ring = gradient_flow("lru", seq_len=1000, hidden_size=256, dtype="float32")
    assert ring.grad_h[0, 0] / ring.grad_h[0, -1] > 1e-3
    rnn = gradient_flow("rnn", seq_len=1000, hidden_size=32, spectral_radius=0.9, dtype="float32")
    assert rnn.grad_h[0, 0] == 0.0  # exactly: underflowed within float32's range
    rnn64 = gradient_flow("rnn", seq_len=1000, hidden_size=32, spectral_radius=0.9)
    assert 0 < rnn64.grad_h[0, 0] < 1e-150  # float64 still holds it, 150 decades down


def test_float32_norms_keep_gradients_whose_squares_would_underflow():
    f32 = gradient_flow("mingru", seq_len=200, hidden_size=16, dtype="float32")
    f64 = gradient_flow("mingru", seq_len=200, hidden_size=16)
    tiny = (f64.grad_h > 1e-35) & (f64.grad_h < 1e-20)  # squares below float32's range
    assert tiny.any()
    np.testing.assert_allclose(f32.grad_h[tiny], f64.grad_h[tiny], rtol=1e-3)


def test_min_gru_gate_bias_decides_whether_the_gradient_survives():
    closed = gradient_flow("mingru", seq_len=1000, gate_bias=0.0)
    open_ = gradient_flow("mingru", seq_len=1000, gate_bias=-6.0)
    assert closed.ratio()[0] < 1e-100
    assert open_.ratio()[0] > 1e-2


def test_bad_parameters_are_refused_by_name():
    u = np.zeros((1, 3, 2))
    params = lru_params(2, 4)
    with pytest.raises(ValueError, match=r"params\['B'\]"):
        lru_flow(u, dict(params, B=params["B"][:, :1]))
    with pytest.raises(ValueError, match="params is missing 'bz'"):
        min_gru_flow(u, {k: v for k, v in min_gru_params(2, 3).items() if k != "bz"})
    with pytest.raises(ValueError, match="loss"):
        lru_flow(u, params, loss="first")
