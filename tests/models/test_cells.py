"""rnnviz.models.cells: the traced models agree with torch.nn and with the numpy reference."""

import numpy as np
import pytest
import torch
from torch import nn

from rnnviz.models.cells import GRU, LSTM, RNN, lecture_to_torch_gates, torch_to_lecture_gates

MODELS = [RNN, LSTM, GRU]
N, T, D, H = 3, 7, 5, 4


def make(cls, dtype, seed=0, **kwargs):
    torch.manual_seed(seed)
    model = cls(D, H, dtype=dtype, **kwargs)
    with torch.no_grad():  # weights larger than torch's default so the nonlinearities bend
        for p in model.parameters():
            p.uniform_(-0.8, 0.8)
    x = torch.randn(N, T, D, dtype=dtype)
    return model, x


@pytest.mark.parametrize("cls", MODELS)
@pytest.mark.parametrize("dtype,tol", [(torch.float32, 1e-6), (torch.float64, 1e-12)])
def test_explicit_loop_matches_torch_nn(cls, dtype, tol):
    model, x = make(cls, dtype)
    trace = model(x)
    ref = model.to_torch()
    expected, _ = ref(x)
    assert trace.unrolled_h.shape == (N, T, H)
    assert torch.allclose(trace.h, expected, atol=tol, rtol=0)
    assert torch.allclose(trace.unrolled_h, expected, atol=tol, rtol=0)
    assert torch.allclose(trace.h_last, expected[:, -1], atol=tol, rtol=0)


def test_lstm_trace_cell_states_and_gates_obey_the_lecture_equations():
    model, x = make(LSTM, torch.float64)
    h0 = torch.randn(N, H, dtype=torch.float64)
    c0 = torch.randn(N, H, dtype=torch.float64)
    trace = model(x, h0, c0)
    assert set(trace.gates) == {"i", "f", "o", "g"}
    i, f, o, g = (trace.gates[k] for k in "ifog")
    c_prev = torch.cat([c0[:, None], trace.c[:, :-1]], dim=1)
    assert torch.allclose(trace.c, f * c_prev + i * g, atol=1e-12)
    assert torch.allclose(trace.h, o * torch.tanh(trace.c), atol=1e-12)
    assert torch.allclose(trace.c[:, -1], trace.c_last, atol=1e-12)
    for name in "ifo":
        assert bool(((trace.gates[name] > 0) & (trace.gates[name] < 1)).all())
    assert bool((g.abs() < 1).all())


def test_gru_gates_obey_pytorch_formulation():
    model, x = make(GRU, torch.float64)
    trace = model(x)
    assert set(trace.gates) == {"r", "z", "n"}
    z, n = trace.gates["z"], trace.gates["n"]
    h_prev = torch.cat([torch.zeros(N, 1, H, dtype=torch.float64), trace.h[:, :-1]], dim=1)
    assert torch.allclose(trace.h, (1 - z) * n + z * h_prev, atol=1e-12)
    assert trace.c is None


def test_relu_rnn_matches_torch():
    model, x = make(RNN, torch.float64, nonlinearity="relu")
    expected, _ = model.to_torch()(x)
    assert torch.allclose(model(x).unrolled_h, expected, atol=1e-12)
    assert bool((model(x).h >= 0).all())


def test_gate_order_conversion_maps_torch_ifgo_to_lecture_ifog():
    # Label each torch block by its gate: torch stores i, f, g, o.
    labels = {"i": 1.0, "f": 2.0, "g": 3.0, "o": 4.0}
    w = torch.cat([torch.full((2, 3), labels[k]) for k in "ifgo"])
    lecture = torch_to_lecture_gates(w)
    assert [lecture[2 * k, 0].item() for k in range(4)] == [labels[k] for k in "ifog"]
    assert torch.equal(lecture_to_torch_gates(lecture), w)
    with pytest.raises(ValueError, match="4H"):
        torch_to_lecture_gates(torch.zeros(6, 2))


def test_gate_conversion_drives_the_numpy_reference_equations():
    # The lecture-ordered weights, used block by block as i, f, o, g, give torch's h.
    model, x = make(LSTM, torch.float64)
    p = model.reference_params()
    x_np = x.numpy()
    h = np.zeros((N, H))
    c = np.zeros((N, H))
    sig = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    for t in range(T):
        a = x_np[:, t] @ p["Wx"] + h @ p["Wh"] + p["b"]  # (N, 4H)
        i, f, o = sig(a[:, :H]), sig(a[:, H : 2 * H]), sig(a[:, 2 * H : 3 * H])
        g = np.tanh(a[:, 3 * H :])
        c = f * c + i * g
        h = o * np.tanh(c)
    assert np.allclose(h, model(x).h_last.detach().numpy(), atol=1e-12)


@pytest.mark.parametrize("cls", MODELS)
def test_from_torch_and_to_torch_round_trip(cls):
    torch.manual_seed(1)
    core = cls.core_class(D, H, batch_first=True, dtype=torch.float64)
    model = cls.from_torch(core)
    x = torch.randn(2, 4, D, dtype=torch.float64)
    assert torch.allclose(model(x).unrolled_h, core(x)[0], atol=1e-12)
    back = model.to_torch()
    assert type(back) is cls.core_class and back is not core
    for a, b in zip(back.parameters(), core.parameters()):
        assert torch.equal(a, b)


def test_from_torch_rejects_unsupported_modules():
    with pytest.raises(ValueError, match="batch_first=True"):
        LSTM.from_torch(nn.LSTM(D, H))
    with pytest.raises(ValueError, match="num_layers=1"):
        LSTM.from_torch(nn.LSTM(D, H, num_layers=2, batch_first=True))
    with pytest.raises(TypeError, match="module must be a LSTM"):
        LSTM.from_torch(nn.GRU(D, H, batch_first=True))


def test_forget_bias_sets_the_total_forget_bias():
    model = LSTM(D, H, forget_bias=3.0)
    b = model.reference_params()["b"]
    assert np.allclose(b[H : 2 * H], 3.0)
    # With h0 = 0 and x = 0 the first step's forget gate is sigmoid(forget_bias).
    first_f = model(torch.zeros(1, 2, D)).gates["f"][:, 0].detach()
    assert torch.allclose(first_f, torch.full_like(first_f, 1 / (1 + np.exp(-3.0))), atol=1e-6)


def test_training_gradients_flow_through_the_fused_kernel():
    model, x = make(LSTM, torch.float32)
    model(x).h.sum().backward()
    assert all(p.grad is not None and torch.isfinite(p.grad).all() for p in model.parameters())


@pytest.mark.parametrize(
    "build, error, match",
    [
        (lambda: RNN(0, 4), ValueError, "input_size"),
        (lambda: LSTM(3, -1), ValueError, "hidden_size"),
        (lambda: GRU(3.5, 4), TypeError, "input_size"),
        (lambda: RNN(3, 4, nonlinearity="sigmoid"), ValueError, "nonlinearity"),
        (lambda: LSTM(3, 4, forget_bias=float("nan")), ValueError, "forget_bias"),
        (lambda: LSTM(3, 4, dtype=torch.int64), TypeError, "dtype"),
    ],
)
def test_bad_construction_is_rejected(build, error, match):
    with pytest.raises(error, match=match):
        build()


@pytest.mark.parametrize("cls", MODELS)
def test_bad_inputs_are_rejected(cls):
    model = cls(D, H)
    with pytest.raises(ValueError, match="x must have 3 dimensions"):
        model(torch.zeros(T, D))
    with pytest.raises(ValueError, match=r"x must have shape \(N, T, 5\)"):
        model(torch.zeros(N, T, D + 1))
    with pytest.raises(ValueError, match="x contains NaN"):
        model(torch.full((N, T, D), float("nan")))
    with pytest.raises(TypeError, match="x must be a torch.Tensor"):
        model(np.zeros((N, T, D)))
    with pytest.raises(TypeError, match="x must have dtype"):
        model(torch.zeros(N, T, D, dtype=torch.float64))
    with pytest.raises(ValueError, match="at least one sequence"):
        model(torch.zeros(N, 0, D))
    with pytest.raises(ValueError, match="h0 must have shape"):
        model(torch.zeros(N, T, D), h0=torch.zeros(N + 1, H))
