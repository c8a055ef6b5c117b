"""gradients.flow: per-step gradients equal torch autograd's, and obey the lab's theory."""

import numpy as np
import pytest
import torch

from rnnviz.gradients.flow import autograd_flow, gradient_flow, gru_flow, lstm_flow, rnn_flow
from rnnviz.models.weight_init import gru_params, lstm_params, rnn_params

torch.set_num_threads(1)


def rel_error(a, b):
    return np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))


def small_case(cell, seed=0, N=2, T=7, D=3, H=5):
    x = np.random.default_rng(seed).standard_normal((N, T, D))
    if cell == "rnn":
        return x, rnn_params(D, H, 1.3, "gaussian", seed)
    if cell == "lstm":
        return x, lstm_params(D, H, forget_bias=1.0, seed=seed)
    return x, gru_params(D, H, seed)


# --- the flow equals autograd, computed the slow way (one backward pass per step) ----------
@pytest.mark.parametrize("loss", ["last", "all"])
@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_rnn_flow_equals_per_step_autograd(loss, nonlinearity):
    x, params = small_case("rnn")
    readout = np.random.default_rng(9).standard_normal(5)
    flow = rnn_flow(x, params, nonlinearity, loss, readout=readout)
    dh, dc = autograd_flow("rnn", x, params, nonlinearity, loss, per_step=True, readout=readout)
    assert dc is None
    assert rel_error(flow.dh, dh) < 1e-10
    np.testing.assert_allclose(flow.grad_h, np.linalg.norm(dh, axis=2), rtol=1e-12)


@pytest.mark.parametrize("loss", ["last", "all"])
@pytest.mark.parametrize("cell, flow_of", [("lstm", lstm_flow), ("gru", gru_flow)])
def test_gated_flows_equal_per_step_autograd(cell, flow_of, loss):
    x, params = small_case(cell)
    flow = flow_of(x, params, loss)
    dh, dc = autograd_flow(cell, x, params, loss=loss, per_step=True)
    assert rel_error(flow.dh, dh) < 1e-10
    if cell == "lstm":  # the cell state's gradient too
        assert rel_error(flow.dc, dc) < 1e-10
        np.testing.assert_allclose(flow.grad_c, np.linalg.norm(dc, axis=2), rtol=1e-12)
    else:
        assert dc is None and flow.dc is None


def test_autograd_all_at_once_equals_per_step():
    x, params = small_case("lstm", T=4)
    one = autograd_flow("lstm", x, params, per_step=False)
    per_step = autograd_flow("lstm", x, params, per_step=True)
    np.testing.assert_allclose(one[0], per_step[0], rtol=1e-12)
    np.testing.assert_allclose(one[1], per_step[1], rtol=1e-12)


def test_flow_matches_autograd_at_default_init_too():
    # PyTorch's default LSTM init, no forget bias: the case the lab's LSTM story is about.
    x = np.random.default_rng(1).standard_normal((1, 12, 4))
    params = lstm_params(4, 6, forget_bias=None, seed=1)
    dh, dc = autograd_flow("lstm", x, params, loss="last", per_step=False)
    flow = lstm_flow(x, params)
    assert rel_error(flow.dc, dc) < 1e-10


# --- the Jacobian norms and Pascanu's bound ------------------------------------------------
def test_jacobian_norms_equal_torch_jacobians():
    x, params = small_case("rnn", N=1, T=6)
    flow = rnn_flow(x, params, jacobians=True)
    cell = torch.nn.RNNCell(3, 5, dtype=torch.float64)
    with torch.no_grad():
        cell.weight_ih.copy_(torch.tensor(params["Wx"].T))
        cell.weight_hh.copy_(torch.tensor(params["Wh"].T))
        cell.bias_ih.copy_(torch.tensor(params["b"]))
        cell.bias_hh.zero_()
    xt = torch.tensor(x[0])

    def h_T_from(h, t):  # run steps t+1..T from state h_t (t counts from 1)
        for k in range(t, 6):
            h = cell(xt[k : k + 1], h)
        return h[0]

    for t in range(1, 7):
        h_t = torch.tensor(flow.h[:, t - 1])
        J = torch.autograd.functional.jacobian(lambda h, t=t: h_T_from(h, t), h_t)[:, 0]
        assert flow.jacobian[0, t - 1] == pytest.approx(
            torch.linalg.matrix_norm(J, 2).item(), rel=1e-10
        )


def test_jacobian_norms_across_blocks_equal_direct_products():
    # Long enough to cross the kernel's 32-step blocks; the product written out directly.
    x = np.random.default_rng(5).standard_normal((2, 70, 3))
    params = rnn_params(3, 4, 1.1, "gaussian", seed=5)
    flow = rnn_flow(x, params, jacobians=True)
    for n in range(2):
        P = np.eye(4)
        for t in range(69, -1, -1):  # 0-based; P = dh_T/dh_t in row-vector form
            assert flow.jacobian[n, t] == pytest.approx(np.linalg.norm(P, 2), rel=1e-10)
            P = P @ ((1 - flow.h[n, t] ** 2)[:, None] * params["Wh"].T)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("init", ["gaussian", "orthogonal", "identity"])
def test_pascanu_bound_holds_at_every_step_for_random_W(seed, init):
    rng = np.random.default_rng(seed)
    rho = rng.uniform(0.2, 1.8)
    nonlinearity = ["tanh", "relu"][seed % 2]
    loss = ["last", "all"][(seed // 2) % 2]
    x = rng.standard_normal((3, 40, 4))
    params = rnn_params(4, 12, rho, init, seed)
    flow = rnn_flow(x, params, nonlinearity, loss, jacobians=True)
    s = flow.top_singular_value
    assert s == pytest.approx(np.linalg.norm(params["Wh"], 2))
    np.testing.assert_allclose(flow.jacobian_bound, s ** np.arange(39, -1, -1))
    assert np.all(flow.jacobian <= flow.jacobian_bound * (1 + 1e-9))
    assert np.all(flow.grad_h <= flow.bound * (1 + 1e-9))


def test_gradient_decays_geometrically_when_s_below_one():
    flow = gradient_flow(
        "rnn",
        seq_len=200,
        hidden_size=16,
        spectral_radius=0.8,
        init="orthogonal",
        batch_size=4,
        seed=2,
    )
    s = flow.top_singular_value
    assert s == pytest.approx(0.8)
    # Every step back multiplies the norm by at most s: ||dL/dh_t|| <= s ||dL/dh_{t+1}||.
    steps = flow.grad_h[:, :-1] / flow.grad_h[:, 1:]
    assert np.all(steps <= s * (1 + 1e-9))
    assert np.all(flow.grad_h[:, 0] <= s**199 * flow.grad_h[:, -1])
    # On a log plot it is a line at least as steep as -log(s) per step (a least-squares slope
    # is a positive average of the step-to-step differences, each >= -log(s)).
    slope = np.polyfit(np.arange(200), np.log(flow.grad_h[0]), 1)[0]
    assert slope >= -np.log(s) - 1e-9


def test_gaussian_init_vanishes_below_radius_one_although_s_exceeds_one():
    # Pascanu's condition is sufficient, not necessary: s > 1 here, and still it vanishes.
    flow = gradient_flow("rnn", seq_len=300, hidden_size=32, spectral_radius=0.9, seed=0)
    assert flow.top_singular_value > 1
    assert flow.grad_h[0, 0] < 1e-10 * flow.grad_h[0, -1]


# --- the LSTM story ------------------------------------------------------------------------
def test_lstm_cell_gradient_ratio_rises_with_forget_bias():
    ratios = [
        np.median(
            gradient_flow(
                "lstm",
                seq_len=100,
                hidden_size=32,
                input_size=8,
                batch_size=8,
                forget_bias=b,
                seed=0,
            ).ratio("c")
        )
        for b in (-3, -1, 0, 1, 3, 5)
    ]
    assert np.all(np.diff(np.log(ratios)) > 0), ratios


def test_lstm_at_default_init_vanishes_but_forget_bias_three_keeps_it():
    kw = dict(seq_len=100, hidden_size=64, input_size=8, seed=0)
    default = gradient_flow("lstm", forget_bias=None, **kw).ratio("c")[0]
    one = gradient_flow("lstm", forget_bias=1.0, **kw).ratio("c")[0]
    three = gradient_flow("lstm", forget_bias=3.0, **kw).ratio("c")[0]
    assert default < 1e-15 < 1e-10 < one < 1e-4 < 1e-1 < three


# --- precision, overflow, honesty ----------------------------------------------------------
def flushing_subnormals() -> bool:
    """Whether this thread flushes subnormals to zero (torch can set it, not report it):
    1e-39 is a float32 subnormal, so it survives a multiplication only when they are kept."""
    return float(np.float32(1e-39) * np.float32(1.0)) == 0.0


@pytest.mark.parametrize("flush_denormal, seq_len", [(True, 100), (False, 150)])
def test_float32_underflows_to_exact_zero_where_float64_does_not(flush_denormal, seq_len):
    # Labs flush subnormals to zero (setup_lab), so there float32 hits 0 below 1.2e-38;
    # without flushing it goes on through the subnormals to 1.4e-45 first.
    kw = dict(seq_len=seq_len, hidden_size=32, spectral_radius=0.5, seed=0)
    was_flushing = flushing_subnormals()
    torch.set_flush_denormal(flush_denormal)
    try:
        assert flushing_subnormals() == flush_denormal
        f32 = gradient_flow("rnn", dtype="float32", **kw)
        f64 = gradient_flow("rnn", dtype="float64", **kw)
    finally:
        torch.set_flush_denormal(was_flushing)  # later tests run as they were set up
    assert flushing_subnormals() == was_flushing
    assert f32.grad_h.dtype == np.float32 and f64.grad_h.dtype == np.float64
    assert f32.grad_h[0, 0] == 0.0
    assert 0.0 < f64.grad_h[0, 0] < 1e-38


def test_exploding_gradients_are_carried_as_inf_and_nan():
    # relu IRNN at radius 2: the gradient doubles every step and leaves float64's range...
    big = gradient_flow(
        "rnn",
        seq_len=1000,
        hidden_size=8,
        spectral_radius=2.0,
        init="identity",
        nonlinearity="relu",
        seed=0,
    )
    assert np.all(np.isfinite(big.grad_h)) and big.grad_h[0, 0] > 1e290  # no overflow in ||.||
    # A tanh RNN's states stay bounded while its gradient grows; with a large read-out,
    # float32's 3.4e38 overflows to inf (then NaN, where an inf meets a tanh' of exactly 0).
    x = np.random.default_rng(0).standard_normal((1, 1000, 32))
    params = rnn_params(32, 32, 2.0, "orthogonal", seed=0)
    f32 = rnn_flow(x, params, dtype="float32", readout=np.full(32, 1e10 / np.sqrt(32)))
    assert np.all(np.isfinite(f32.h))
    assert np.isinf(f32.grad_h[0]).any() and np.isnan(f32.grad_h[0, 0])
    assert np.all(np.isfinite(f32.grad_h[0, -500:]))
    # ... and past it, the forward pass overflows to NaN, which BPTT hands back as NaN.
    nan = gradient_flow(
        "rnn",
        seq_len=1100,
        hidden_size=8,
        spectral_radius=2.0,
        init="identity",
        nonlinearity="relu",
        seed=0,
    )
    assert np.isnan(nan.grad_h[0, 0])


def test_ratio_and_steps():
    flow = gradient_flow("lstm", seq_len=5, hidden_size=4)
    np.testing.assert_array_equal(flow.steps, [1, 2, 3, 4, 5])
    np.testing.assert_allclose(flow.ratio("c"), flow.grad_c[:, 0] / flow.grad_c[:, -1])
    with pytest.raises(ValueError, match="state"):
        gradient_flow("rnn", seq_len=5, hidden_size=4).ratio("c")


# --- bad input -----------------------------------------------------------------------------
def test_bad_inputs_name_the_argument():
    x, params = small_case("rnn")
    cases = [
        (lambda: rnn_flow(x[0], params), ValueError, "x"),
        (lambda: rnn_flow(x.tolist(), params), TypeError, "x"),
        (lambda: rnn_flow(np.full_like(x, np.nan), params), ValueError, "x"),
        (lambda: rnn_flow(x[:, :0], params), ValueError, "x"),
        (lambda: rnn_flow(x, {**params, "Wh": np.full((5, 5), np.nan)}), ValueError, "Wh"),
        (lambda: rnn_flow(x, {**params, "Wh": np.eye(4)}), ValueError, "Wx"),
        (lambda: rnn_flow(x, {**params, "Wx": np.ones((2, 5))}), ValueError, "Wx"),
        (lambda: rnn_flow(x, {"Wx": params["Wx"]}), ValueError, "params"),
        (lambda: rnn_flow(x, [1, 2]), TypeError, "params"),
        (lambda: rnn_flow(x, params, nonlinearity="sigmoid"), ValueError, "nonlinearity"),
        (lambda: rnn_flow(x, params, loss="mean"), ValueError, "loss"),
        (lambda: rnn_flow(x, params, dtype="float16"), ValueError, "dtype"),
        (lambda: rnn_flow(x, params, readout=np.ones(3)), ValueError, "readout"),
        (lambda: lstm_flow(x, params), ValueError, "Wh"),
        (lambda: gru_flow(x, {**params, "Wh": np.ones((5, 15))}), ValueError, "params"),
        (lambda: gradient_flow("transformer"), ValueError, "cell"),
        (lambda: gradient_flow(seq_len=0), ValueError, "seq_len"),
        (lambda: gradient_flow(hidden_size=2.5), TypeError, "hidden_size"),
        (lambda: gradient_flow(batch_size=-1), ValueError, "batch_size"),
        (lambda: gradient_flow(spectral_radius=-0.5), ValueError, "spectral_radius"),
        (lambda: gradient_flow(init="xavier"), ValueError, "init"),
        (lambda: gradient_flow("lstm", forget_bias=float("nan")), ValueError, "forget_bias"),
    ]
    for call, error, word in cases:
        with pytest.raises(error, match=word):
            call()
