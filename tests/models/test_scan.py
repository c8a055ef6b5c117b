"""models.scan: the loop, the parallel scan and the log-space scan compute the same recurrence."""

import math

import pytest
import torch

from rnnviz.models.scan import (
    log_space_scan,
    parallel_scan,
    scan_depth,
    scan_rounds,
    sequential_scan,
)

torch.set_num_threads(1)


def pairs(T, N=2, H=3, complex_=False, seed=0):
    g = torch.Generator().manual_seed(seed)
    a = torch.rand(N, T, H, generator=g, dtype=torch.float64) * 0.2 + 0.8  # (N, T, H)
    b = torch.randn(N, T, H, generator=g, dtype=torch.float64)
    if complex_:
        phase = torch.rand(N, T, H, generator=g, dtype=torch.float64)
        a = torch.polar(a, phase)
        b = torch.complex(b, torch.randn(N, T, H, generator=g, dtype=torch.float64))
    return a, b


def by_hand(a, b, h0):
    h, out = h0, []
    for t in range(a.shape[1]):
        h = a[:, t] * h + b[:, t]
        out.append(h)
    return torch.stack(out, 1)


@pytest.mark.parametrize("T", [1, 2, 3, 5, 8, 33, 4096])
@pytest.mark.parametrize("complex_", [False, True])
def test_parallel_scan_equals_the_loop_in_float64(T, complex_):
    a, b = pairs(T, complex_=complex_)
    loop, scan = sequential_scan(a, b), parallel_scan(a, b)
    assert ((scan - loop).abs().max() / loop.abs().max()).item() < 1e-12


def test_the_loop_is_the_recurrence_and_h0_enters_the_first_step():
    a, b = pairs(6)
    h0 = torch.randn(2, 3, dtype=torch.float64)
    torch.testing.assert_close(sequential_scan(a, b, h0), by_hand(a, b, h0), rtol=0, atol=0)
    torch.testing.assert_close(parallel_scan(a, b, h0), by_hand(a, b, h0), rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("T", [1, 2, 7, 8, 9, 1000])
def test_the_scan_takes_ceil_log2_rounds_and_each_round_doubles_the_finished_prefix(T):
    a, b = pairs(T)
    rounds = scan_rounds(a, b)
    assert len(rounds) - 1 == scan_depth(T) == (math.ceil(math.log2(T)) if T > 1 else 0)
    exact = sequential_scan(a, b)
    torch.testing.assert_close(rounds[0], b, rtol=0, atol=0)
    for r, state in enumerate(rounds):
        done = min(2**r, T)  # positions 1..2^r hold h_t after round r
        torch.testing.assert_close(state[:, :done], exact[:, :done], rtol=1e-12, atol=1e-12)
        if done < T <= 9:  # the rest hold only the last 2^r steps' share: not h_t yet
            # (for long T the missing share has decayed below any threshold: a^512 ~ 1e-23)
            assert (state[:, done:] - exact[:, done:]).abs().max() > 1e-6


@pytest.mark.parametrize("T", [1, 5, 4096])
def test_log_space_scan_equals_the_loop_for_positive_pairs(T):
    a, b = pairs(T)
    b = b.abs() + 0.1
    h0 = torch.rand(2, 3, dtype=torch.float64) + 0.5
    exact = sequential_scan(a, b, h0)
    logs = log_space_scan(a.log(), b.log(), h0.log())
    assert ((logs - exact).abs() / exact).max().item() < 1e-12
    no_h0 = sequential_scan(a, b)
    assert ((log_space_scan(a.log(), b.log()) - no_h0).abs() / no_h0).max().item() < 1e-12


def test_gradients_through_the_scan_equal_the_loops():
    a, b = pairs(37)
    a.requires_grad_(True)
    b.requires_grad_(True)
    w = torch.randn(2, 37, 3, dtype=torch.float64)
    grads = [
        torch.autograd.grad((f(a, b) * w).sum(), (a, b)) for f in (sequential_scan, parallel_scan)
    ]
    for loop, scan in zip(*grads):
        torch.testing.assert_close(scan, loop, rtol=1e-12, atol=1e-12)


def test_bad_pairs_are_refused_by_name():
    a, b = pairs(4)
    with pytest.raises(ValueError, match="a and b"):
        parallel_scan(a, b[:, :3])
    with pytest.raises(TypeError, match="a must be a torch.Tensor"):
        sequential_scan(a.numpy(), b)
    with pytest.raises(ValueError, match="h0"):
        parallel_scan(a, b, torch.zeros(5, 3, dtype=torch.float64))
    with pytest.raises(ValueError, match="log_a"):
        log_space_scan(a[:, :0], b[:, :0])
    with pytest.raises(ValueError, match="seq_len"):
        scan_depth(0)
