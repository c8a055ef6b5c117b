"""Kernel time of the renderer's widgets: precomputing the frames, and each cold control.

A hot slider costs the kernel nothing (the browser answers it from frames); what the kernel
pays is the precompute when a widget is made or a cold control changes, and for the one-cell
gate explorer the recompute of the other sliders' frames when the student lets go. Medians of
wall and thread-CPU time, one thread, subnormals flushed (the labs' conditions). No browser:
its side is benchmarks/bench_latency.py. Target for a cold control: it reaches the frame at
p90 <= 150 ms in the browser, so its first picture (the current frame) must come well inside.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import torch  # noqa: E402
from bench_flow import measure  # noqa: E402  (sets one BLAS thread before numpy loads)

from rnnviz.tasks.recall import evaluation_batch, train_recall  # noqa: E402
from rnnviz.widgets.gate_explorer import GateExplorer  # noqa: E402
from rnnviz.widgets.gradient_flow import GradientFlow  # noqa: E402


def row(name, figures):
    print(f"  {name:<62} {figures[0]:9.1f} ms cpu {figures[1]:9.1f} ms wall")
    return figures


def first_picture(widget):
    """The part of a cold change before its first picture: the current frame only."""
    widget._cache.clear()
    widget._show(full=False)


def main():
    torch.set_num_threads(1)
    torch.set_flush_denormal(True)
    out = {"units": "[cpu ms, wall ms], medians"}
    print("GradientFlow (lab 04)")
    for T in (100, 1000):
        out[f"gradient_flow_T{T}_build"] = row(
            f"T={T}, H=32: build (every radius and forget-bias frame)",
            measure(lambda i, T=T: GradientFlow(seq_len=T, hidden_size=32, seed=i), 3),
        )
        widget = GradientFlow(seq_len=T, hidden_size=32)
        out[f"gradient_flow_T{T}_cold_first_picture"] = row(
            f"T={T}: a cold control's first picture (the current frame)",
            measure(lambda i, w=widget: first_picture(w), 5),
        )
        out[f"gradient_flow_T{T}_cold_all_frames"] = row(
            f"T={T}: a cold control, every frame (precision switched)",
            measure(
                lambda i, w=widget: setattr(w.dtype, "value", ("float32", "float64")[i % 2]), 3
            ),
        )
        out[f"gradient_flow_T{T}_hot_event"] = row(
            f"T={T}: a hot slider event in the kernel (radius)",
            measure(
                lambda i, w=widget: setattr(w.spectral_radius, "value", 0.5 + 0.05 * (i % 20)), 20
            ),
        )
    print("GateExplorer, one cell (lab 05): frames along every slider around the current state")
    for kind in ("lstm", "gru"):
        cell = GateExplorer.cell(kind)
        frames = len(cell.chart.data["gates"]["values"]) // 4 // len(cell.gates)
        out[f"gate_cell_{kind}_recompute"] = row(
            f"{kind.upper()}: {frames} frames, recomputed when a slider is let go",
            measure(lambda i, c=cell: c.refresh(), 5),
        )
    print("GateExplorer, sequence (lab 05): one run, every frame")
    lstm, _ = train_recall("lstm", steps=20, progress=False)
    batch = evaluation_batch()
    out["gate_sequence_build"] = row(
        "16 sequences: build",
        measure(
            lambda i: GateExplorer.sequence(lstm.rnn, batch.x[:16], marked=batch.marked[:16]), 3
        ),
    )
    return out


if __name__ == "__main__":
    main()
