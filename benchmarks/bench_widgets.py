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
    out.update(other_widgets())
    return out


def other_widgets():
    """Every other widget: the build (all its frames), and its cold controls where it has them."""
    import numpy as np

    from rnnviz.captioning.model import load_captioner
    from rnnviz.captioning.train import checkpoint_path, held_out_scenes
    from rnnviz.charlm.corpus import STDLIB_ALPHABET, shipped_split
    from rnnviz.charlm.interpret import activations
    from rnnviz.charlm.model import SHIPPED_CHECKPOINT, load_charlm
    from rnnviz.models.weight_init import rnn_params
    from rnnviz.tasks.digit_rows import RowClassifier
    from rnnviz.tasks.digits import load_digit_sequences
    from rnnviz.widgets.attention_viewer import AttentionViewer
    from rnnviz.widgets.cell_activations import CellActivations
    from rnnviz.widgets.graph_unroller import AutogradView, GraphUnroller
    from rnnviz.widgets.hidden_state_explorer import HiddenStateExplorer
    from rnnviz.widgets.row_reading import RowReading
    from rnnviz.widgets.sample_explorer import SampleExplorer
    from rnnviz.widgets.saturation import Saturation

    out = {}
    print("The other widgets: the build sends every hot control's frames")
    p = rnn_params(1, 8, spectral_radius=0.9, seed=0)
    x = np.random.default_rng(2).standard_normal((12, 1))
    out["hidden_state_build"] = row(
        "HiddenStateExplorer (lab 01), T=12, H=8: every (k, x_k) pair",
        measure(lambda i: HiddenStateExplorer(x, p["Wx"], p["Wh"], p["b"], edit_step=5), 3),
    )
    out["graph_unroller_build"] = row(
        "GraphUnroller (lab 02): every T and highlight",
        measure(lambda i: GraphUnroller(shape="many-to-one", seq_len=4), 3),
    )
    unroller = GraphUnroller(shape="many-to-one", seq_len=4)
    out["graph_unroller_cold_shape"] = row(
        "GraphUnroller: the shape (cold), every T again",
        measure(lambda i: setattr(unroller.shape, "value", ("seq2seq", "many-to-one")[i % 2]), 3),
    )
    out["autograd_view_build"] = row(
        "AutogradView (lab 02): every T, traced by torch",
        measure(lambda i: AutogradView(shape="many-to-one", seq_len=3), 3),
    )
    data = load_digit_sequences("rows")
    torch.manual_seed(0)
    classifier = RowClassifier(hidden_size=64)
    out["row_reading_build"] = row(
        "RowReading (lab 03): every number of rows read",
        measure(lambda i: RowReading(classifier, data, index=0, rows_read=4), 5),
    )
    charlm, _ = load_charlm(SHIPPED_CHECKPOINT, vocab=sorted(STDLIB_ALPHABET))
    acts = activations(charlm, shipped_split("val")[:12_000], streams=8)
    out["sample_explorer_build"] = row(
        "SampleExplorer (lab 07): 60 characters at every temperature",
        measure(lambda i: SampleExplorer(charlm, prime="def ", length=60, seed=i), 3),
    )
    out["cell_activations_build"] = row(
        "CellActivations (lab 07): every cell and signal over 1500 characters",
        measure(lambda i: CellActivations(acts, signal="c", cell=56, shown_chars=1500), 3),
    )
    out["saturation_build"] = row(
        "Saturation (lab 07): every threshold",
        measure(lambda i: Saturation({g: acts.signals[g] for g in "ifo"}), 3),
    )
    test = held_out_scenes()
    hardest = test.subset(np.array([len(o) for o in test.objects]) == 3).subset(slice(0, 60))
    attention = load_captioner(checkpoint_path("attention", 0))[0]
    baseline = load_captioner(checkpoint_path("baseline", 0))[0]
    out["attention_viewer_build"] = row(
        "AttentionViewer (lab 08): 60 scenes, every word (captioning included)",
        measure(lambda i: AttentionViewer(attention, baseline, hardest), 3),
    )
    return out


if __name__ == "__main__":
    main()
