"""models.lru: the paper's ring, its normalisation, and the loop equal to the parallel scan."""

import math

import numpy as np
import pytest
import torch

from rnnviz.models.lru import LRU, lru_eigenvalues, lru_params, ring_eigenvalues

torch.set_num_threads(1)


def inputs(T, N=2, D=3, seed=0):
    return torch.randn(N, T, D, dtype=torch.float64, generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("T", [1, 2, 3, 17, 1000, 4096])
def test_scan_equals_loop_in_float64(T):
    model = LRU(3, 16, 2, r_min=0.9, r_max=0.999, max_phase=math.pi, dtype=torch.float64)
    u = inputs(T)
    loop, scan = model(u, method="loop"), model(u, method="scan")
    assert loop.shape == (2, T, 2)
    assert ((scan - loop).abs().max() / loop.abs().max()).item() < 1e-12


def test_forward_is_the_papers_equations_step_by_step():
    model = LRU(3, 5, 4, r_min=0.5, r_max=0.9, seed=3, dtype=torch.float64)
    p = lru_params(3, 5, 4, r_min=0.5, r_max=0.9, seed=3)
    lam = lru_eigenvalues(p)
    gamma = np.exp(p["gamma_log"])
    u = inputs(6, N=1)[0].numpy()  # (T, D)
    x, ys = np.zeros(5, complex), []
    for u_k in u:
        x = lam * x + gamma * (p["B"] @ u_k)
        ys.append((p["C"] @ x).real + p["D"] @ u_k)
    np.testing.assert_allclose(model(torch.tensor(u[None]))[0].detach().numpy(), ys, rtol=1e-12)
    np.testing.assert_allclose(model.eigenvalues().detach().numpy(), lam, rtol=1e-14)


def test_ring_init_is_uniform_in_the_squared_modulus_and_the_phase():
    lam = ring_eigenvalues(20000, r_min=0.4, r_max=0.9, max_phase=math.pi / 2, seed=1)
    r2, phase = np.abs(lam) ** 2, np.angle(lam)
    assert 0.4**2 <= r2.min() and r2.max() <= 0.9**2 + 1e-15
    assert 0 < phase.min() and phase.max() <= math.pi / 2 + 1e-12
    # Uniform on [0.16, 0.81]: mean 0.485, each quarter of the range holds a quarter.
    assert abs(r2.mean() - 0.485) < 0.005
    counts = np.histogram(r2, bins=4, range=(0.16, 0.81))[0] / r2.size
    assert np.all(np.abs(counts - 0.25) < 0.015)
    assert abs(phase.mean() - math.pi / 4) < 0.02


def test_the_ring_moves_smoothly_with_its_knobs_and_gamma_normalises():
    a = ring_eigenvalues(8, 0.0, 0.99, 1.0, seed=2)
    b = ring_eigenvalues(8, 0.0, 0.99, 2.0, seed=2)
    np.testing.assert_allclose(np.abs(a), np.abs(b))  # same moduli, phases doubled
    np.testing.assert_allclose(np.angle(b), 2 * np.angle(a), rtol=1e-12)
    p = lru_params(2, 8, r_min=0.9, r_max=0.999)
    gamma = np.exp(p["gamma_log"])
    np.testing.assert_allclose(gamma**2, 1 - np.abs(lru_eigenvalues(p)) ** 2, rtol=1e-12)


def test_bad_rings_are_refused_by_name():
    with pytest.raises(ValueError, match="r_min must not exceed r_max"):
        ring_eigenvalues(4, 0.9, 0.5)
    with pytest.raises(ValueError, match="r_max"):
        ring_eigenvalues(4, 0.5, 1.0)
    with pytest.raises(ValueError, match="max_phase"):
        ring_eigenvalues(4, max_phase=0.0)
    with pytest.raises(ValueError, match="method"):
        LRU(2, 3)(torch.zeros(1, 2, 2), method="fft")
    with pytest.raises(ValueError, match="u must have shape"):
        LRU(2, 3)(torch.zeros(1, 2, 5))
