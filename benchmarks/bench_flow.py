"""How fast are the per-step gradient norms? A slider redraws them, so they must be quick.

1. rnnviz.gradients.flow.rnn_flow, vanilla RNN, T=1000, H=64, batch 1 (target <= 25 ms)
   against torch autograd.grad over all T states in one call.
2. At T=100: one numpy BPTT pass against the naive method, one autograd backward pass per
   step t (target: >= 15x faster).

Every figure is a median over repeats, as thread CPU time (what this process computed,
whatever else the machine runs) and as wall time. Conditions are the labs': one thread,
subnormals flushed to zero (rnnviz.setup_lab).
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

from rnnviz.gradients.flow import autograd_flow, rnn_flow  # noqa: E402
from rnnviz.models.weight_init import rnn_params  # noqa: E402


def measure(fn, repeats, warmup=2):
    """Median (cpu_ms, wall_ms) of `repeats` calls of fn(i)."""
    for i in range(warmup):
        fn(i)
    cpu, wall = [], []
    for i in range(repeats):
        c0, w0 = time.thread_time(), time.perf_counter()
        fn(i)
        cpu.append(time.thread_time() - c0)
        wall.append(time.perf_counter() - w0)
    return 1e3 * float(np.median(cpu)), 1e3 * float(np.median(wall))


def row(name, figures, target=""):
    cpu, wall = figures
    print(f"  {name:<52} {cpu:9.2f} ms cpu {wall:9.2f} ms wall  {target}")


def main():
    torch.set_num_threads(1)
    torch.set_flush_denormal(True)
    rng = np.random.default_rng(0)
    print(f"torch {torch.__version__}, numpy {np.__version__}, 1 thread, subnormals flushed")

    print("\n1. vanilla RNN, T=1000, H=64, batch 1: ||dL/dh_t|| for every t")
    x = rng.standard_normal((1, 1000, 64))
    params = rnn_params(64, 64, spectral_radius=0.9, init="gaussian", seed=0)
    numpy_1000 = measure(lambda i: rnn_flow(x, params), repeats=40)
    row("rnnviz.gradients.flow.rnn_flow (numpy BPTT, float64)", numpy_1000, "target <= 25 ms")
    row(
        "rnnviz.gradients.flow.rnn_flow, float32",
        measure(lambda i: rnn_flow(x, params, dtype="float32"), repeats=40),
    )
    all_at_once = measure(lambda i: autograd_flow("rnn", x, params, per_step=False), repeats=8)
    row("torch autograd.grad over all states (one call)", all_at_once)
    print(
        f"  numpy / autograd-all-at-once speed-up: {all_at_once[0] / numpy_1000[0]:.1f}x cpu,"
        f" {all_at_once[1] / numpy_1000[1]:.1f}x wall"
    )

    print("\n2. T=100, H=64: one BPTT pass against one autograd backward pass per step")
    x100 = x[:, :100]
    numpy_100 = measure(lambda i: rnn_flow(x100, params), repeats=60)
    naive_100 = measure(lambda i: autograd_flow("rnn", x100, params, per_step=True), repeats=6)
    row("rnnviz.gradients.flow.rnn_flow", numpy_100)
    row("naive: autograd.grad(L, h_t) for t = 1..T", naive_100)
    print(
        f"  speed-up: {naive_100[0] / numpy_100[0]:.0f}x cpu, "
        f"{naive_100[1] / numpy_100[1]:.0f}x wall   target >= 15x"
    )
    check = np.abs(rnn_flow(x100, params).dh - autograd_flow("rnn", x100, params)[0]).max()
    print(f"  same numbers: max |numpy - autograd| = {check:.1e}")

    return {
        "T1000_H64": {
            "numpy_ms": numpy_1000,
            "autograd_all_ms": all_at_once,
            "speedup_cpu": all_at_once[0] / numpy_1000[0],
            "target_ms": 25,
        },
        "T100_H64": {
            "numpy_ms": numpy_100,
            "naive_per_t_ms": naive_100,
            "speedup_cpu": naive_100[0] / numpy_100[0],
            "target_speedup": 15,
            "max_abs_difference": float(check),
        },
        "units": "[cpu ms, wall ms], medians",
    }


if __name__ == "__main__":
    main()
