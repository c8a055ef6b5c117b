"""Wall-clock costs of a linear recurrence on this CPU: loop against parallel scan, and the
indexing pitfall.

A parallel scan trades T sequential steps for ceil(log2 T) rounds of O(T) work each. That
pays on a GPU, where a round is one wide kernel; on a CPU with one or a few threads the
rounds' extra work can cost more than the loop's steps. Feng et al. 2024 report minGRU's
scan 175x faster than a sequential GRU at T = 512 on a T4 GPU; lab 09 measures the CPU side
here, forward and backward, and prints it as a measured (CPU-dependent) number.

`indexing_cost` times the same loop written two ways: reading x[:, t] at every step, whose
backward pass builds a full-size zero gradient for every slice (T slices of an (N, T, H)
tensor: O(T^2) work), and reading the steps from x.unbind(1), whose backward stacks them
once (O(T)).
"""

import statistics
import time

import torch

from rnnviz import checks
from rnnviz.models.min_gru import MinGRU
from rnnviz.seeding import generator, torch_seed


def median_seconds(fn, repeats=5):
    """The median wall-clock time of fn() over `repeats` calls, after one warm-up call.

    Inputs: fn: a callable with no arguments; repeats: int >= 1. Returns: float seconds
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    repeats = checks.positive_int("repeats", repeats, maximum=1000)
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def scan_vs_loop(seq_len=512, batch_size=16, hidden_size=64, repeats=3, seed=0):
    """Forward + backward of one minGRU layer by loop, scan and log-space scan, and of
    torch.nn.GRU (cuDNN's counterpart on a CPU: its fused kernel), on this CPU.

    Inputs: seq_len T, batch_size N, hidden_size H (input size H too), repeats, seed.
    Returns: dict name -> median seconds: "minGRU loop", "minGRU scan", "minGRU log-space",
    "nn.GRU"
    """
    T = checks.positive_int("seq_len", seq_len, maximum=4096)
    N = checks.positive_int("batch_size", batch_size, maximum=1024)
    H = checks.positive_int("hidden_size", hidden_size, maximum=1024)
    with torch_seed(seed):
        x = torch.randn(N, T, H)
        gru = torch.nn.GRU(H, H, batch_first=True)
    model = MinGRU(H, H, positive=True, seed=seed)

    def run(method):
        return lambda: model(x, method=method).sum().backward()

    times = {
        f"minGRU {name}": run(m)
        for name, m in [("loop", "loop"), ("scan", "scan"), ("log-space", "log")]
    }
    times["nn.GRU"] = lambda: gru(x)[0].sum().backward()
    return {name: median_seconds(fn, repeats) for name, fn in times.items()}


def indexing_cost(seq_lens=(256, 1024), batch_size=16, hidden_size=32, repeats=3):
    """Forward + backward of h_t = a * h_{t-1} + x_t, the steps read by x[:, t] or by unbind.

    Inputs: seq_lens: the T values; batch_size N; hidden_size H; repeats.
    Returns: dict T -> {"x[:, t]": seconds, "unbind": seconds}
    """
    N = checks.positive_int("batch_size", batch_size, maximum=1024)
    H = checks.positive_int("hidden_size", hidden_size, maximum=1024)
    a = torch.full((H,), 0.9)

    def indexed(x):
        h = torch.zeros(N, H)
        for t in range(x.shape[1]):
            h = a * h + x[:, t]  # a slice of x: its backward fills a full (N, T, H) zero
        h.sum().backward()

    def unbound(x):
        h = torch.zeros(N, H)
        for x_t in x.unbind(1):
            h = a * h + x_t  # views from one unbind: one stack in the backward pass
        h.sum().backward()

    out = {}
    for T in seq_lens:
        T = checks.positive_int("seq_lens", T, maximum=8192)
        x = torch.randn(N, T, H, generator=generator(T)).requires_grad_()  # (N, T, H)
        out[T] = {
            "x[:, t]": median_seconds(lambda x=x: indexed(x), repeats),
            "unbind": median_seconds(lambda x=x: unbound(x), repeats),
        }
    return out
