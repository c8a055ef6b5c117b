"""Training throughput of rnnviz.models.cells.LSTM against torch.nn.LSTM (the baseline), same run.

Target: >= 0.8x nn.LSTM at B=32, T=100, D=64, H=128, so that training the traced cells in a lab
costs about what training torch.nn's would. Also prints what reading a trace's gates costs
(the explicit loop), which is paid only when a student looks.
Run: python benchmarks/bench_cells.py [--repeats 15]
"""

import argparse
import statistics
import time

import torch

from rnnviz.models.cells import LSTM

B, T, D, H = 32, 100, 64, 128


def make_step(model, run):
    head = torch.nn.Linear(H, 1)
    params = list(model.parameters()) + list(head.parameters())
    optimizer = torch.optim.Adam(params, lr=1e-3)
    x, y = torch.randn(B, T, D), torch.randn(B, T, 1)

    def step():
        optimizer.zero_grad()
        loss = torch.mean((head(run(model, x)) - y) ** 2)
        loss.backward()
        optimizer.step()

    return step


def seconds(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main(repeats: int = 15) -> dict:
    torch.manual_seed(0)
    torch.set_flush_denormal(True)
    ours = make_step(LSTM(D, H), lambda m, x: m(x).h)
    baseline = make_step(torch.nn.LSTM(D, H, batch_first=True), lambda m, x: m(x)[0])
    for warm in (ours, baseline):
        warm()
    times = {"rnnviz.models.cells.LSTM": [], "torch.nn.LSTM": []}
    for _ in range(repeats):  # interleaved, so both see the same machine load
        times["rnnviz.models.cells.LSTM"].append(seconds(ours))
        times["torch.nn.LSTM"].append(seconds(baseline))
    med = {k: statistics.median(v) for k, v in times.items()}
    print(
        f"LSTM training step, B={B} T={T} D={D} H={H}, torch threads "
        f"{torch.get_num_threads()}, median of {repeats} (interleaved):"
    )
    for name, m in med.items():
        print(f"  {name:20s} {1000 * m:8.1f} ms/step  {B / m:8.0f} sequences/s")
    ratio = med["torch.nn.LSTM"] / med["rnnviz.models.cells.LSTM"]
    print(f"  throughput ratio rnnviz / nn.LSTM: {ratio:.2f}x (target >= 0.80x)")

    model = LSTM(D, H)
    x = torch.randn(B, T, D)
    with torch.no_grad():
        fused = statistics.median(seconds(lambda: model(x).h) for _ in range(5))
        traced = statistics.median(seconds(lambda: model(x).gates) for _ in range(5))
    print(
        f"  forward only: fused {1000 * fused:.1f} ms; with every gate traced "
        f"{1000 * traced:.1f} ms ({traced / fused:.1f}x, paid only when the trace is read)"
    )
    return {
        "shape": {"B": B, "T": T, "D": D, "H": H},
        "threads": torch.get_num_threads(),
        "step_ms": {k: 1000 * v for k, v in med.items()},
        "throughput_ratio": ratio,
        "target_ratio": 0.8,
        "forward_fused_ms": 1000 * fused,
        "forward_traced_ms": 1000 * traced,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=15)
    main(parser.parse_args().repeats)
