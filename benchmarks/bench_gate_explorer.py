"""How long does one GateExplorer slider event take in the kernel? A slider must answer at once.

Target: <= 10 ms kernel-side per slider event (compute + in-place figure update + the
batched message), median over many events, all measured in this one run:

1. one-cell mode, LSTM: a gate's bias slider swept back and forth;
2. one-cell mode, GRU: the same;
3. sequence mode (LSTM, 4 units, T=40, the recall task's inputs): the time slider;
4. sequence mode: the sequence slider (redraws six heatmaps and the highway plot).

Each row gives the median and 90th percentile as thread CPU time (what this process
computed, whatever else the machine runs) and the median wall time, plus the share of the
event spent in the plain compute function (the rest is plotly's in-place update). No
browser is attached: the browser's rendering is not counted. Conditions are the labs':
one thread, subnormals flushed to zero.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

from rnnviz.models.cells import LSTM  # noqa: E402
from rnnviz.tasks.recall import evaluation_batch  # noqa: E402
from rnnviz.widgets.gate_explorer import GateExplorer  # noqa: E402

BUDGET_MS = 10.0


def events(widget, slider, values, warmup=5):
    """Move `slider` through `values`; per event: thread CPU ms, wall ms, compute CPU ms."""
    compute = widget.compute
    compute_ms = []

    def timed_compute():
        c0 = time.thread_time()
        out = compute()
        compute_ms.append(1e3 * (time.thread_time() - c0))
        return out

    widget.compute = timed_compute
    for v in values[:warmup]:
        slider.value = v
    compute_ms.clear()
    cpu, wall = [], []
    for v in values[warmup:]:
        c0, w0 = time.thread_time(), time.perf_counter()
        slider.value = v
        cpu.append(1e3 * (time.thread_time() - c0))
        wall.append(1e3 * (time.perf_counter() - w0))
    widget.compute = compute
    return np.array(cpu), np.array(wall), np.array(compute_ms)


def row(name, cpu, wall, compute):
    median = float(np.median(cpu))
    verdict = "within" if median <= BUDGET_MS else "OVER"
    print(f"  {name:<44} {median:6.2f} ms cpu (p90 {np.percentile(cpu, 90):6.2f})"
          f" {np.median(wall):6.2f} ms wall  compute {np.median(compute) / median:5.1%}"
          f"  n={cpu.size}  {verdict} the {BUDGET_MS:g} ms budget")
    return median


def sweep(low, high, step, n):
    """n slider values going back and forth between low and high, every one a change."""
    grid = np.round(np.arange(low, high + step / 2, step), 6)
    path = np.concatenate([grid, grid[-2:0:-1]])
    return [float(path[k % path.size]) for k in range(n)]


def main():
    torch.set_num_threads(1)
    torch.set_flush_denormal(True)
    print("GateExplorer: kernel-side time of one slider event (median over the events)")
    results = {}
    for kind, gate in (("lstm", "f"), ("gru", "z")):
        widget = GateExplorer.cell(kind)
        results[kind] = row(f"cell mode {kind.upper()}: {gate} bias slider",
                            *events(widget, widget.weights[gate][2], sweep(-6, 6, 0.1, 505)))

    torch.manual_seed(0)
    batch = evaluation_batch(seq_len=40, batch_size=16)
    widget = GateExplorer.sequence(LSTM(2, 4), batch.x, marked=batch.marked)
    results["time"] = row("sequence mode LSTM H=4 T=40: time slider",
                          *events(widget, widget.time, [int(v) for v in sweep(0, 39, 1, 505)]))
    results["sample"] = row("sequence mode LSTM H=4 T=40: sequence slider",
                            *events(widget, widget.sample, [int(v) for v in sweep(0, 15, 1, 205)]))
    worst = max(results.values())
    print(f"  slowest median {worst:.2f} ms: {'all within' if worst <= BUDGET_MS else 'OVER'}"
          f" the {BUDGET_MS:g} ms budget")


if __name__ == "__main__":
    main()
