"""models.min_gru: loop, parallel scan and log-space scan agree; the gate bias sets the memory."""

import numpy as np
import pytest
import torch

from rnnviz.models.min_gru import MinGRU, min_gru_params

torch.set_num_threads(1)


def inputs(T, N=2, D=3, seed=0, dtype=torch.float64):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(N, T, D, dtype=torch.float64, generator=g).to(dtype)


def rel(x, ref):
    return ((x - ref).abs() / ref.abs().clamp_min(1e-300)).max().item()


@pytest.mark.parametrize("T", [1, 2, 3, 17, 1000, 4096])
def test_scan_and_log_space_equal_the_loop_in_float64(T):
    u = inputs(T)
    model = MinGRU(3, 8, dtype=torch.float64)
    loop = model(u, method="loop")
    assert ((model(u, method="scan") - loop).abs().max() / loop.abs().max()).item() < 1e-12
    positive = MinGRU(3, 8, positive=True, dtype=torch.float64)
    h0 = torch.rand(2, 8, dtype=torch.float64) + 0.1
    for start in (None, h0):
        exact = positive(u, start, method="loop")
        assert rel(positive(u, start, method="log"), exact) < 1e-12


def test_forward_is_the_papers_equations():
    p = min_gru_params(3, 4, gate_bias=-1.0, seed=5)
    model = MinGRU(3, 4, gate_bias=-1.0, seed=5, dtype=torch.float64)
    u = inputs(5, N=1)[0].numpy()
    h, hs = np.zeros(4), []
    for x in u:
        z = 1 / (1 + np.exp(-(x @ p["Wz"] + p["bz"])))
        h = (1 - z) * h + z * (x @ p["Wh"] + p["bh"])
        hs.append(h)
    np.testing.assert_allclose(model(torch.tensor(u[None]))[0].detach().numpy(), hs, rtol=1e-12)
    assert np.all(p["bz"] == -1.0)


def test_float32_log_space_drift_is_reported_and_bounded():
    """The log-space form's float32 error grows with T where the gate is open: log h is the
    difference of two sums of T logs, each rounded. Measured at T=4096 (max over entries of
    |h32 - h64| / |h64|): about 4e-4 at gate bias 0, 1e-6 at bias -6; the loop stays < 1e-5."""
    u = inputs(4096, N=4, seed=1)
    drift = {}
    for bias in (0.0, -6.0):
        exact = MinGRU(3, 8, gate_bias=bias, positive=True, dtype=torch.float64)(u, method="loop")
        model = MinGRU(3, 8, gate_bias=bias, positive=True)
        drift[bias] = {
            m: rel(model(u.float(), method=m).double(), exact) for m in ("loop", "scan", "log")
        }
        assert drift[bias]["loop"] < 1e-5 and drift[bias]["scan"] < 1e-5
    assert 1e-5 < drift[0.0]["log"] < 5e-3  # real, and far above the loop's
    assert drift[-6.0]["log"] < 1e-4


def test_a_negative_gate_bias_keeps_z_near_zero():
    u = inputs(50)
    assert MinGRU(3, 4, gate_bias=-6.0).gates(u.float()).mean() < 0.01  # sigmoid(-6) = 0.0025
    z = MinGRU(3, 4, gate_bias=0.0).gates(u.float())
    assert 0.3 < z.mean() < 0.7


def test_bad_arguments_are_refused_by_name():
    with pytest.raises(ValueError, match="positive"):
        MinGRU(3, 4)(inputs(3), method="log")
    with pytest.raises(ValueError, match="h0"):
        MinGRU(3, 4, positive=True, dtype=torch.float64)(
            inputs(3), -torch.ones(2, 4, dtype=torch.float64), method="log"
        )
    with pytest.raises(ValueError, match="gate_bias"):
        min_gru_params(3, 4, gate_bias=100.0)
    with pytest.raises(ValueError, match="x must have shape"):
        MinGRU(3, 4)(torch.zeros(1, 2, 5))
