"""GraphUnroller: an RNN's computational graph unrolled in time, with its shared weights lit up.

Pick a shape and T; the graph (rnnviz.gradients.graph) is drawn with a tiny real RNN run through it
(graph_gradients): hover a node for its value and its gradient. Highlight W_xh, W_hh
or W_hy and every edge that uses that one matrix lights up, joined to it by dotted lines:
the lecture's "the same W at every time step". With "backward" on, each use's term of dL/dW
is written on its edge (its Frobenius norm) and the title gives the total, their sum.
"""

import ipywidgets as widgets
import numpy as np

from rnnviz import checks
from rnnviz.gradients.graph import PARAMETER_FAMILIES, SHAPES, build_graph, family
from rnnviz.gradients.graph_gradients import run_graph
from rnnviz.style import MODEL_COLORS
from rnnviz.widgets.base import LabWidget
from rnnviz.widgets.controls import dropdown, int_slider
from rnnviz.widgets.traces import update_traces

# W_hh is the recurrent weight, so it wears the vanilla RNN's red.
PARAMETER_COLORS = {"W_xh": "#e6a700", "W_hh": MODEL_COLORS["rnn"], "W_hy": "#6a3d9a"}
PLAIN_EDGE_COLOR = "#9a9a9a"
NODE_FILL = {
    "input": "#ffe9b3",
    "hidden": "#f7c6c6",
    "output": "#dcd0ee",
    "step_loss": "#e4e4e4",
    "loss": "#c8c8c8",
}
MAX_SEQ_LEN = 12

# Trace names, in drawing order: plain edges, one trace per parameter family, the dotted
# "uses" lines, the nodes, then the per-use gradient labels (on top).
PLAIN, USES, NODES, LABELS = "no parameter", "shared weight", "nodes", "dL/dW per use"
EDGES = "edges"  # AutogradView: every edge of torch's graph, then its NODES


def family_trace(name: str) -> str:
    """The name of the trace that draws every edge using parameter family `name`."""
    return f"uses {name}"


class GraphUnroller(LabWidget):
    """An unrolled RNN graph with shape, T, highlight and backward controls.

    Inputs:
    - shape: one of rnnviz.gradients.graph.SHAPES
    - seq_len: T in 1..12 (forced to 1 for one-to-one)
    - highlight: "none", "W_xh", "W_hh" or "W_hy"
    - backward: write each use's ||dL/dW term||_F on the highlighted edges
    - hidden_size: H of the tiny RNN (its inputs have 2 features, its outputs 2 classes)
    - seed: draws the tiny RNN's weights, inputs and targets
    """

    def __init__(
        self, shape="many-to-one", seq_len=4, highlight="W_hh", backward=True, hidden_size=3, seed=0
    ):
        super().__init__()
        if not isinstance(backward, bool):
            raise TypeError(f"backward must be a bool, got {type(backward).__name__}")
        self.hidden_size = checks.positive_int("hidden_size", hidden_size)
        self.seed = checks.positive_int("seed", seed, minimum=0)
        self.shape = dropdown("shape", shape, SHAPES, description="shape")
        self.seq_len = int_slider(
            "seq_len", seq_len, 1, MAX_SEQ_LEN, description="T", continuous_update=False
        )
        self.highlight = dropdown(
            "highlight",
            highlight,
            ("none", *PARAMETER_FAMILIES),
            buttons=True,
            description="highlight",
            style={"button_width": "60px"},
        )
        self.backward = widgets.Checkbox(value=backward, description="backward: dL/dW per use")
        self.controls = [self.shape, self.seq_len, self.highlight, self.backward]

        self.figure = self.new_figure(
            height=460,
            showlegend=True,
            hovermode="closest",
            legend=dict(orientation="h", y=-0.02, x=0),
            xaxis=dict(visible=False),
            yaxis=dict(visible=False, range=[-1.6, 4.6]),
            margin=dict(l=10, r=10, t=60, b=10),
        )
        self.figure.add_scatter(
            x=[],
            y=[],
            mode="lines",
            name=PLAIN,
            line=dict(color=PLAIN_EDGE_COLOR, width=1.5),
            hoverinfo="skip",
        )
        for name in PARAMETER_FAMILIES:
            self.figure.add_scatter(
                x=[],
                y=[],
                mode="lines+markers",
                name=family_trace(name),
                hoverinfo="skip",
                line=dict(color=PARAMETER_COLORS[name], width=2),
                marker=dict(
                    symbol="arrow", angleref="previous", size=[], color=PARAMETER_COLORS[name]
                ),
            )
        self.figure.add_scatter(
            x=[],
            y=[],
            mode="lines",
            name=USES,
            showlegend=False,
            line=dict(color="#555555", width=1, dash="dot"),
            hoverinfo="skip",
        )
        self.figure.add_scatter(
            x=[],
            y=[],
            mode="markers+text",
            name=NODES,
            showlegend=False,
            marker=dict(size=30, line=dict(color="#444444", width=1)),
            textfont=dict(size=13),
            hovertemplate="%{hovertext}<extra></extra>",
        )
        self.figure.add_scatter(
            x=[],
            y=[],
            mode="text",
            name=LABELS,
            showlegend=False,
            textfont=dict(size=11),
            hoverinfo="skip",
        )
        self.shape.observe(self._on_shape, names="value")
        self._finish()

    def _on_shape(self, change) -> None:
        # A one-to-one net has exactly one step: T has no meaning there.
        self.seq_len.disabled = change["new"] == "one-to-one"

    def compute(self):
        """The graph for the controls' shape and T, and the tiny RNN's run through it."""
        shape = self.shape.value
        graph = build_graph(shape, 1 if shape == "one-to-one" else self.seq_len.value)
        return run_graph(graph, hidden_size=self.hidden_size, seed=self.seed)

    def draw(self, run) -> None:
        graph, lit = run.graph, self.highlight.value
        pos = {n.name: (n.x, n.y) for n in graph.nodes}
        specs = {}
        plain_x, plain_y = _segments(
            [pos[e.source] + pos[e.target] for e in graph.edges if e.parameter is None]
        )
        specs[PLAIN] = dict(x=plain_x, y=plain_y, line=dict(color=PLAIN_EDGE_COLOR, width=1.5))
        for name in PARAMETER_FAMILIES:
            xs, ys, sizes = [], [], []
            for e in graph.uses_family(name):  # start, an arrowhead 60% along, end, gap
                (x0, y0), (x1, y1) = pos[e.source], pos[e.target]
                xs += [x0, x0 + 0.6 * (x1 - x0), x1, None]
                ys += [y0, y0 + 0.6 * (y1 - y0), y1, None]
                sizes += [0, 14, 0, 0]
            color = PARAMETER_COLORS[name]
            specs[family_trace(name)] = dict(
                x=xs,
                y=ys,
                line=dict(color=color, width=4 if lit == name else 2),
                marker=dict(symbol="arrow", angleref="previous", size=sizes, color=color),
                opacity=1.0 if lit in ("none", name) else 0.35,
            )

        uses = graph.uses_family(lit) if lit != "none" else []
        mids = [_midpoint(pos[e.source], pos[e.target]) for e in uses]
        fan_x, fan_y = _segments([pos[e.parameter] + m for e, m in zip(uses, mids)])
        specs[USES] = dict(x=fan_x, y=fan_y, line=dict(color="#555555", width=1, dash="dot"))

        specs[NODES] = dict(
            x=[n.x for n in graph.nodes],
            y=[n.y for n in graph.nodes],
            text=[_label(n.name) for n in graph.nodes],
            hovertext=[_hover(run, n.name) for n in graph.nodes],
            marker=dict(
                size=30,
                line=dict(
                    color="#444444",
                    width=[
                        3 if n.kind == "parameter" and family(n.name) == lit else 1
                        for n in graph.nodes
                    ],
                ),
                color=[
                    PARAMETER_COLORS[family(n.name)] if n.kind == "parameter" else NODE_FILL[n.kind]
                    for n in graph.nodes
                ],
            ),
            textfont=dict(
                size=13, color=["white" if n.kind == "parameter" else "black" for n in graph.nodes]
            ),
        )

        show = self.backward.value and bool(uses)
        shown = uses if show else []
        specs[LABELS] = dict(
            x=[m[0] for m in mids] if show else [],
            y=[m[1] for m in mids] if show else [],
            text=[f"{np.linalg.norm(run.edge_gradients[(e.source, e.target)]):.3f}" for e in shown],
            textposition=[
                "top center" if pos[e.source][1] == pos[e.target][1] else "middle right"
                for e in shown
            ],
            textfont=dict(size=11, color=PARAMETER_COLORS.get(lit, "black")),
        )
        update_traces(self.figure, specs)
        self.figure.layout.title.text = _title(run, lit, self.backward.value)


def _segments(lines):
    """[(x0, y0, x1, y1)] -> xs, ys of one line trace, segments split by None."""
    xs, ys = [], []
    for x0, y0, x1, y1 in lines:
        xs += [x0, x1, None]
        ys += [y0, y1, None]
    return xs, ys


def _midpoint(a, b):
    return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)


def _label(name: str) -> str:
    """ "h'_3" -> "h'<sub>3</sub>" for the node's face."""
    base, _, sub = name.partition("_")
    return f"{base}<sub>{sub}</sub>" if sub else base


def _vector(value) -> str:
    value = np.atleast_1d(value)
    if value.ndim == 2:
        return f"{value.shape[0]}x{value.shape[1]} matrix, ||.||_F = {np.linalg.norm(value):.4f}"
    return "[" + ", ".join(f"{v:+.3f}" for v in value) + "]"


def _hover(run, name: str) -> str:
    """A node's value and its gradient from the tiny RNN, for the hover box."""
    lines = [f"<b>{name}</b>", f"value: {_vector(run.values[name])}"]
    if name in run.targets:
        lines.append(f"target class: {run.targets[name]}")
    grad = run.node_gradients.get(name)
    if grad is not None:
        lines.append(f"dL/d{name}: {_vector(grad)}")
    if name in run.graph.parameters:
        lines.append(f"used {len(run.graph.uses(name))} times")
    return "<br>".join(lines)


def _title(run, lit: str, backward: bool) -> str:
    graph = run.graph
    head = (
        f"{graph.shape}, T = {graph.seq_len}: {len(graph.nodes)} nodes, "
        f"{len(graph.edges)} edges, L = {run.loss:.4f}"
    )
    if lit == "none":
        return head
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
    return head + "<br>" + ("<br>".join(parts) if parts else f"no {lit} in this shape")


class AutogradView(LabWidget):
    """torch's own autograd graph of the same tiny RNN, unrolled over T steps.

    Written as an explicit loop in torch (rnnviz.gradients.graph_gradients.torch_replay), the RNN
    leaves one node per tensor operation, and every parameter one AccumulateGrad leaf fed by
    all its uses: the same picture as GraphUnroller's, only much harder to read.

    Inputs:
    - shape: one of rnnviz.gradients.graph.SHAPES; seq_len: T in 1..12
    """

    def __init__(self, shape="many-to-one", seq_len=3):
        super().__init__()
        self.shape = dropdown("shape", shape, SHAPES, description="shape")
        self.seq_len = int_slider(
            "seq_len", seq_len, 1, MAX_SEQ_LEN, description="T", continuous_update=False
        )
        self.controls = [self.shape, self.seq_len]
        self.figure = self.new_figure(
            height=360,
            showlegend=False,
            hovermode="closest",
            xaxis=dict(visible=False),
            yaxis=dict(visible=False),
            margin=dict(l=10, r=10, t=60, b=10),
        )
        self.figure.add_scatter(
            x=[],
            y=[],
            mode="lines",
            name=EDGES,
            hoverinfo="skip",
            line=dict(color=PLAIN_EDGE_COLOR, width=1),
        )
        self.figure.add_scatter(
            x=[],
            y=[],
            mode="markers+text",
            name=NODES,
            textposition="bottom center",
            marker=dict(size=9, line=dict(color="#444444", width=1)),
            hovertemplate="%{hovertext}<extra></extra>",
        )
        self._finish()

    def compute(self):
        """(readable UnrolledGraph, torch's AutogradGraph) for the controls' shape and T."""
        from rnnviz.gradients.graph import autograd_graph
        from rnnviz.gradients.graph_gradients import torch_replay

        shape = self.shape.value
        self.seq_len.disabled = shape == "one-to-one"
        graph = build_graph(shape, 1 if shape == "one-to-one" else self.seq_len.value)
        loss, parameters = torch_replay(run_graph(graph))
        return graph, autograd_graph(loss, parameters)

    def draw(self, data) -> None:
        graph, torch_graph = data
        nodes = torch_graph.nodes
        edges_x, edges_y = _segments([nodes[s][2:] + nodes[t][2:] for s, t in torch_graph.edges])
        update_traces(
            self.figure,
            {
                EDGES: dict(x=edges_x, y=edges_y, line=dict(color=PLAIN_EDGE_COLOR, width=1)),
                NODES: dict(
                    x=[n[2] for n in nodes],
                    y=[n[3] for n in nodes],
                    text=[n[0] if n[1] == "parameter" else "" for n in nodes],
                    hovertext=[n[0] for n in nodes],
                    marker=dict(
                        size=[14 if n[1] == "parameter" else 8 for n in nodes],
                        color=[
                            PARAMETER_COLORS[family(n[0])] if n[1] == "parameter" else "#dddddd"
                            for n in nodes
                        ],
                        line=dict(color="#444444", width=1),
                    ),
                ),
            },
        )
        uses = ", ".join(f"{name} read {k}x" for name, k in torch_graph.uses.items())
        self.figure.layout.title.text = (
            f"torch autograd, {graph.shape} T = {graph.seq_len}: {len(nodes)} nodes, "
            f"{len(torch_graph.edges)} edges (readable graph: {len(graph.nodes)} nodes)"
            f"<br>{uses}"
        )
