"""GraphUnroller: an RNN's computational graph unrolled in time, with its shared weights lit up.

Pick a shape and T; the graph (rnnviz.gradients.graph) is drawn with a tiny real RNN run through it
(graph_gradients): hover a node for its value and its gradient. Highlight W_xh, W_hh
or W_hy and every edge that uses that one matrix lights up, joined to it by dotted lines:
the lecture's "the same W at every time step". With "backward" on, each use's term of dL/dW
is written on its edge (its Frobenius norm) and the title gives the total, their sum.

T and the highlight are answered in the browser: the kernel lays out the graph and runs the
tiny RNN at every T of the slider, draws it under every highlight, and the renderer
(rnnviz.widgets.renderer, a "graph" panel) picks the picture. The shape and "backward"
recompute here. AutogradView draws torch's own autograd graph of the same RNN, every T sent
at once too.
"""

import ipywidgets as widgets
import numpy as np

from rnnviz import checks
from rnnviz.gradients.graph import PARAMETER_FAMILIES, SHAPES, build_graph, family
from rnnviz.gradients.graph_gradients import run_graph
from rnnviz.style import MODEL_COLORS
from rnnviz.widgets.controls import dropdown, int_slider
from rnnviz.widgets.renderer import ChartWidget, GraphPanel, Words, frames, padded_rows

# W_hh is the recurrent weight, so it wears the vanilla RNN's red.
PARAMETER_COLORS = {"W_xh": "#e6a700", "W_hh": MODEL_COLORS["rnn"], "W_hy": "#6a3d9a"}
PLAIN_EDGE_COLOR = "#9a9a9a"
USES_COLOR = "#555555"  # the dotted lines from a matrix to each of its uses
OUTLINE = "#444444"
NODE_FILL = {
    "input": "#ffe9b3",
    "hidden": "#f7c6c6",
    "output": "#dcd0ee",
    "step_loss": "#e4e4e4",
    "loss": "#c8c8c8",
}
OP_FILL = "#dddddd"  # AutogradView's operations
MAX_SEQ_LEN = 12
SEQ_LENS = list(range(1, MAX_SEQ_LEN + 1))  # the T slider's positions
HIGHLIGHTS = ("none", *PARAMETER_FAMILIES)
WIDTH = 960
UNROLLER_HEIGHT, AUTOGRAD_HEIGHT = 440, 320
Y_RANGE = (-1.6, 4.6)  # the unrolled graph's rows, parameters to total loss
# One row of each entry (see renderer.GraphPanel): node, edge and text fields.
NODE_FIELDS, EDGE_FIELDS, TEXT_FIELDS = 10, 9, 6
ABOVE, RIGHT = 0, 1  # where an edge's label sits


class GraphUnroller(ChartWidget):
    """An unrolled RNN graph with shape, T, highlight and backward controls.

    Inputs:
    - shape: one of rnnviz.gradients.graph.SHAPES
    - seq_len: T in 1..12 (forced to 1 for one-to-one)
    - highlight: "none", "W_xh", "W_hh" or "W_hy"
    - backward: write each use's ||dL/dW term||_F on the highlighted edges
    - hidden_size: H of the tiny RNN (its inputs have 2 features, its outputs 2 classes)
    - seed: draws the tiny RNN's weights, inputs and targets
    Attributes: shape, seq_len, highlight, backward (the controls: their `.value` is the
    truth), chart (the renderer), data (the GraphRun for the controls' current values).
    """

    def __init__(
        self, shape="many-to-one", seq_len=4, highlight="W_hh", backward=True, hidden_size=3, seed=0
    ):
        super().__init__()
        backward = checks.switch("backward", backward)
        self.hidden_size = checks.positive_int("hidden_size", hidden_size)
        self.seed = checks.seed("seed", seed)
        self.shape = dropdown("shape", shape, SHAPES, description="shape")
        self.seq_len = int_slider("seq_len", seq_len, 1, MAX_SEQ_LEN, description="T")
        self.highlight = dropdown(
            "highlight",
            highlight,
            HIGHLIGHTS,
            buttons=True,
            description="highlight",
            style={"button_width": "60px"},
        )
        self.backward = widgets.Checkbox(value=backward, description="backward: dL/dW per use")
        self.controls = [self.shape, self.seq_len, self.highlight, self.backward]
        self._runs = {}
        self.seq_len.disabled = shape == "one-to-one"
        self.shape.observe(self._on_cold_change, names="value")
        self.backward.observe(self._on_cold_change, names="value")
        self._show()
        self._finish()

    # --- compute: plain rnnviz.gradients calls, cached per shape and T ----------------------
    def _run(self, shape, seq_len):
        # A one-to-one net has exactly one step: T has no meaning there.
        key = (shape, 1 if shape == "one-to-one" else seq_len)
        if key not in self._runs:
            self._runs[key] = run_graph(
                build_graph(*key), hidden_size=self.hidden_size, seed=self.seed
            )
        return self._runs[key]

    def compute(self):
        """The graph for the controls' shape and T, and the tiny RNN's run through it."""
        return self._run(self.shape.value, self.seq_len.value)

    @property
    def data(self):
        """compute() for the controls' current values (what the browser shows)."""
        return self.compute()

    # --- frames for the renderer ------------------------------------------------------------
    def _on_cold_change(self, _change):
        self.chart.busy = True
        self.seq_len.disabled = self.shape.value == "one-to-one"
        self._show()

    def _show(self):
        words, colors = Words(), Words()
        tables = {"nodes": [], "edges": [], "texts": [], "title": []}
        views = []
        for T in SEQ_LENS:
            run = self._run(self.shape.value, T)
            for lit in HIGHLIGHTS:
                picture = unrolled_picture(run, lit, self.backward.value, words, colors)
                for name, rows in picture.items():
                    if name == "view":
                        views.append(rows)
                    else:
                        tables[name].append(rows)
        widths = {"nodes": NODE_FIELDS, "edges": EDGE_FIELDS, "texts": TEXT_FIELDS, "title": 1}
        lead = (len(SEQ_LENS), len(HIGHLIGHTS))
        axes = ["seq_len", "highlight"]
        data = {
            name: frames(padded_rows(rows, widths[name]).reshape(*lead, -1, widths[name]), axes)
            for name, rows in tables.items()
        }
        data["view"] = frames(np.reshape(views, (*lead, 4)), axes)
        spec = {
            "width": WIDTH,
            "height": UNROLLER_HEIGHT,
            "controls": {
                "seq_len": {"grid": SEQ_LENS},
                "highlight": {"grid": list(range(len(HIGHLIGHTS))), "trait": "index"},
            },
            "panels": [
                GraphPanel(
                    [10, 95, WIDTH - 20, UNROLLER_HEIGHT - 100], words.strings, colors.strings
                )
            ],
            "legend": [dict(name="no parameter", color=PLAIN_EDGE_COLOR)]
            + [dict(name=f"uses {p}", color=PARAMETER_COLORS[p]) for p in PARAMETER_FAMILIES],
        }
        self.chart.show(spec, data, controls={"seq_len": self.seq_len, "highlight": self.highlight})


def unrolled_picture(run, lit: str, backward: bool, words: Words, colors: Words) -> dict:
    """One picture of the unrolled graph: rows for renderer.GraphPanel's entries.

    Inputs: run: a GraphRun; lit: the highlighted family or "none"; backward: label each lit
    use with its term's norm; words, colors: the tables the rows index.
    Returns: {"nodes", "edges", "texts", "title": lists of rows, "view": [x0, x1, y0, y1]}.
    """
    graph = run.graph
    pos = {n.name: (n.x, n.y) for n in graph.nodes}
    edges = []
    for e in graph.edges:  # plain edges first, under the weighted ones
        if e.parameter is None:
            edges.append([*pos[e.source], *pos[e.target], colors[PLAIN_EDGE_COLOR], 1.5, 1, 0, 0])
    for name in PARAMETER_FAMILIES:
        for e in graph.uses_family(name):
            width, opacity = (4 if lit == name else 2), (1.0 if lit in ("none", name) else 0.35)
            color = colors[PARAMETER_COLORS[name]]
            edges.append([*pos[e.source], *pos[e.target], color, width, opacity, 0, 14])
    uses = graph.uses_family(lit) if lit != "none" else []
    mids = [_midpoint(pos[e.source], pos[e.target]) for e in uses]
    for e, mid in zip(uses, mids):
        edges.append([*pos[e.parameter], *mid, colors[USES_COLOR], 1, 1, 1, 0])

    nodes = []
    for n in graph.nodes:
        param = n.kind == "parameter"
        base, _, sub = n.name.partition("_")
        nodes.append(
            [
                n.x,
                n.y,
                30,
                colors[PARAMETER_COLORS[family(n.name)] if param else NODE_FILL[n.kind]],
                3 if param and family(n.name) == lit else 1,
                colors["white" if param else "black"],
                words[base],
                words[sub] if sub else np.nan,
                0,
                words[_hover(run, n.name)],
            ]
        )
    texts = []
    if backward:
        color = colors[PARAMETER_COLORS.get(lit, "black")]
        for e, (x, y) in zip(uses, mids):
            term = f"{np.linalg.norm(run.edge_gradients[(e.source, e.target)]):.3f}"
            where = ABOVE if pos[e.source][1] == pos[e.target][1] else RIGHT
            texts.append([x, y, words[term], color, 11, where])
    xs = [n.x for n in graph.nodes]
    return {
        "nodes": nodes,
        "edges": edges,
        "texts": texts,
        "title": [[words[line]] for line in _title(run, lit, backward)],
        "view": [min(xs) - 0.6, max(xs) + 0.6, *Y_RANGE],
    }


def _midpoint(a, b):
    return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)


def _vector(value) -> str:
    value = np.atleast_1d(value)
    if value.ndim == 2:
        return f"{value.shape[0]}x{value.shape[1]} matrix, ||.||_F = {np.linalg.norm(value):.4f}"
    return "[" + ", ".join(f"{v:+.3f}" for v in value) + "]"


def _hover(run, name: str) -> str:
    """A node's value and its gradient from the tiny RNN, for the hover box (one fact a line)."""
    lines = [name, f"value: {_vector(run.values[name])}"]
    if name in run.targets:
        lines.append(f"target class: {run.targets[name]}")
    grad = run.node_gradients.get(name)
    if grad is not None:
        lines.append(f"dL/d{name}: {_vector(grad)}")
    if name in run.graph.parameters:
        lines.append(f"used {len(run.graph.uses(name))} times")
    return "\n".join(lines)


def _title(run, lit: str, backward: bool) -> list[str]:
    """The title's lines: the graph's size and loss, then each lit matrix's gradient."""
    graph = run.graph
    head = (
        f"{graph.shape}, T = {graph.seq_len}: {len(graph.nodes)} nodes, "
        f"{len(graph.edges)} edges, L = {run.loss:.4f}"
    )
    if lit == "none":
        return [head]
    parts = []
    for name in (p for p in graph.parameters if family(p) == lit):
        terms = [term for _, term in run.uses(name)]
        if backward:
            parts.append(
                f"dL/d{name} = sum of {len(terms)} term{'s' * (len(terms) > 1)}, "
                f"||sum||_F = {np.linalg.norm(run.gradient(name)):.3f} "
                f"(sum of norms {sum(np.linalg.norm(t) for t in terms):.3f})"
            )
        else:
            parts.append(f"{name} used {len(terms)} times")
    return [head, *(parts or [f"no {lit} in this shape"])]


class AutogradView(ChartWidget):
    """torch's own autograd graph of the same tiny RNN, unrolled over T steps.

    Written as an explicit loop in torch (rnnviz.gradients.graph_gradients.torch_replay), the RNN
    leaves one node per tensor operation, and every parameter one AccumulateGrad leaf fed by
    all its uses: the same picture as GraphUnroller's, only much harder to read. T is answered
    in the browser (every T's graph is sent at once); the shape recomputes here.

    Inputs:
    - shape: one of rnnviz.gradients.graph.SHAPES; seq_len: T in 1..12
    Attributes: shape, seq_len (the controls), chart, data ((UnrolledGraph, AutogradGraph)
    for the controls' current values).
    """

    def __init__(self, shape="many-to-one", seq_len=3):
        super().__init__()
        self.shape = dropdown("shape", shape, SHAPES, description="shape")
        self.seq_len = int_slider("seq_len", seq_len, 1, MAX_SEQ_LEN, description="T")
        self.controls = [self.shape, self.seq_len]
        self._graphs = {}
        self.seq_len.disabled = shape == "one-to-one"
        self.shape.observe(self._on_shape, names="value")
        self._show()
        self._finish()

    def _graph(self, shape, seq_len):
        from rnnviz.gradients.graph import autograd_graph
        from rnnviz.gradients.graph_gradients import torch_replay

        key = (shape, 1 if shape == "one-to-one" else seq_len)
        if key not in self._graphs:
            graph = build_graph(*key)
            self._graphs[key] = graph, autograd_graph(*torch_replay(run_graph(graph)))
        return self._graphs[key]

    def compute(self):
        """(readable UnrolledGraph, torch's AutogradGraph) for the controls' shape and T."""
        return self._graph(self.shape.value, self.seq_len.value)

    @property
    def data(self):
        return self.compute()

    def _on_shape(self, _change):
        self.chart.busy = True
        self.seq_len.disabled = self.shape.value == "one-to-one"
        self._show()

    def _show(self):
        words, colors = Words(), Words()
        pictures = [
            autograd_picture(*self._graph(self.shape.value, T), words, colors) for T in SEQ_LENS
        ]
        widths = {"nodes": NODE_FIELDS, "edges": EDGE_FIELDS, "texts": TEXT_FIELDS, "title": 1}
        data = {
            name: frames(padded_rows([p[name] for p in pictures], width), ["seq_len"])
            for name, width in widths.items()
        }
        data["view"] = frames([p["view"] for p in pictures], ["seq_len"])
        spec = {
            "width": WIDTH,
            "height": AUTOGRAD_HEIGHT,
            "controls": {"seq_len": {"grid": SEQ_LENS}},
            "panels": [
                GraphPanel(
                    [10, 75, WIDTH - 20, AUTOGRAD_HEIGHT - 95],
                    words.strings,
                    colors.strings,
                    label_size=12,
                )
            ],
        }
        self.chart.show(spec, data, controls={"seq_len": self.seq_len})


def autograd_picture(graph, torch_graph, words: Words, colors: Words) -> dict:
    """torch's graph as rows for renderer.GraphPanel: grey operations, coloured leaves.

    Returns: {"nodes", "edges", "texts", "title": lists of rows, "view": [x0, x1, y0, y1]}.
    """
    nodes = torch_graph.nodes  # (name, kind, x, y)
    edges = [
        [*nodes[s][2:], *nodes[t][2:], colors[PLAIN_EDGE_COLOR], 1, 1, 0, 0]
        for s, t in torch_graph.edges
    ]
    rows = []
    for name, kind, x, y in nodes:
        param = kind == "parameter"
        rows.append(
            [
                x,
                y,
                14 if param else 8,
                colors[PARAMETER_COLORS[family(name)] if param else OP_FILL],
                1,
                colors[OUTLINE],
                words[name] if param else np.nan,
                np.nan,
                1,
                words[name],
            ]
        )
    uses = ", ".join(f"{name} read {k}x" for name, k in torch_graph.uses.items())
    title = [
        f"torch autograd, {graph.shape} T = {graph.seq_len}: {len(nodes)} nodes, "
        f"{len(torch_graph.edges)} edges (readable graph: {len(graph.nodes)} nodes)",
        uses,
    ]
    xs, ys = [n[2] for n in nodes], [n[3] for n in nodes]
    return {
        "nodes": rows,
        "edges": edges,
        "texts": [],
        "title": [[words[line]] for line in title],
        "view": [min(xs) - 0.6, max(xs) + 0.6, min(ys) - 0.7, max(ys) + 0.4],
    }
