"""A real sequence through a multi-unit LSTM (or GRU): every gate of every unit at every step.

Heatmaps show i, f, o, g, c and h (GRU: r, z, n, h) over time and units; a time slider
marks step t and shows that step's gate values as bars. Below, the gradient highway: log10
of the norm of the product of step Jacobians back to step 0, along the cell state
(diag(f_t) ... diag(f_1), the running product of forget gates; GRU: update gates) and for a
vanilla RNN on the same input (W_hh diag(1 - h_t^2) ...), with the RNN's product of
Jacobian norms as its upper bound.
The model runs once when the widget is made; sliders only pick what to show.
"""

import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnnviz import checks
from rnnviz.gradients.highway import sequence_gates
from rnnviz.models.cell_kinds import GRU_GATES, LSTM_GATES
from rnnviz.models.cells import LSTM
from rnnviz.style import (
    FIGURE_TEMPLATE,
    GATE_COLORS,
    MODEL_COLORS,
    SIGNED_SCALE,
    UNDERFLOW_COLOR,
)
from rnnviz.widgets.base import LabWidget


def _floor_underflow(values: np.ndarray):
    """Replace -inf (an exact 0 in the product) by a visible floor; return values, mask."""
    finite = values[np.isfinite(values)]
    floor = (finite.min() if finite.size else 0.0) - 1.0
    under = ~np.isfinite(values)
    return np.where(under, floor, values), under


class GateSequenceExplorer(LabWidget):
    """Gates over time for one sequence of a batch, with a time slider and the highway plot.

    Inputs:
    - model: an rnnviz.models.cells.LSTM or GRU (e.g. a trained RecallModel's `.rnn`)
    - x: (N, T, D) input sequences
    - rnn: an rnnviz.models.cells.RNN to compare with, or None for a fresh one (seed 0)
    - rnn_label: its name in the legend
    - marked: optional (N, T) bool, steps to flag on the highway plot (e.g. markers)
    Attributes: `sequence` holds rnnviz.gradients.highway.sequence_gates(...)'s arrays; `data` is
    (sample, t).
    """

    title = "gates over a sequence"

    def __init__(self, model, x, rnn=None, rnn_label="vanilla RNN", marked=None):
        super().__init__()
        self.sequence = sequence_gates(model, x, rnn)
        self.kind = "lstm" if isinstance(model, LSTM) else "gru"
        self.gates = LSTM_GATES if self.kind == "lstm" else GRU_GATES
        n, T, H = x.shape[0], x.shape[1], model.hidden_size
        self.marked = None
        if marked is not None:
            self.marked = checks.array("marked", np.asarray(marked), shape=(n, T)).astype(bool)
        self.panel_names = list(self.sequence["panels"])
        self.time = widgets.IntSlider(value=0, min=0, max=T - 1, description="step t",
                                      continuous_update=True,
                                      layout=widgets.Layout(width="60%"))
        self.sample = widgets.IntSlider(value=0, min=0, max=n - 1, description="sequence",
                                        continuous_update=True,
                                        layout=widgets.Layout(width="35%"))
        self.controls = [self.time] + ([self.sample] if n > 1 else [])
        # Draw the first state into a plain Figure, then wrap it: the FigureWidget starts
        # complete and its first refresh finds nothing to send. Update messages that reach
        # the page before the widget's JavaScript has loaded were seen to be misapplied.
        self.figure = self._build_figure(T, H, rnn_label)
        self._drawn_sample = None
        self._plotted = {}  # what the highway lines show, kept here: traces lag in a batch
        self.draw(self.compute())
        self.figure = go.FigureWidget(self.figure)
        self._finish()

    def _build_figure(self, T, H, rnn_label):
        names = self.panel_names
        kind = self.kind.upper()
        highway_name = "f" if self.kind == "lstm" else "z"
        titles = [f"{n} (units x steps)" for n in names]
        titles += [""] * (6 - len(names))
        titles += ["gate values at step t",
                   f"log10 ||dstate_t/dstate_0||: {kind} along diag({highway_name}) vs RNN"]
        fig = make_subplots(rows=3, cols=3, subplot_titles=titles, vertical_spacing=0.1,
                            horizontal_spacing=0.06,
                            specs=[[{}, {}, {}], [{}, {}, {}], [{}, {"colspan": 2}, None]])
        steps = np.arange(T)
        for k, name in enumerate(names):
            row, col = 1 + k // 3, 1 + k % 3
            signed = name in ("g", "n", "c", "h")
            scale = SIGNED_SCALE if signed else [[0, "white"], [1, GATE_COLORS[name]]]
            zrange = dict(zmid=0) if name in ("c",) else dict(zmin=-1 if signed else 0, zmax=1)
            fig.add_heatmap(z=np.zeros((H, T)), x=steps, y=np.arange(H), colorscale=scale,
                            showscale=False, name=name, row=row, col=col, **zrange,
                            hovertemplate=f"{name}: %{{z:.3f}}<br>unit %{{y}}, step %{{x}}"
                            "<extra></extra>")
            fig.add_scatter(x=[0, 0], y=[-0.5, H - 0.5], mode="lines", showlegend=False,
                            line=dict(color="black", width=2), hoverinfo="skip",
                            row=row, col=col)
        units = [f"unit {j}" for j in range(H)]
        for gate in self.gates:
            fig.add_bar(x=units, y=[0.0] * H, name=gate, marker_color=GATE_COLORS[gate],
                        row=3, col=1)
        fig.add_scatter(x=steps, y=np.zeros(T), mode="lines+markers",
                        name=f"{kind}: prod of {highway_name} (best unit)",
                        line=dict(color=MODEL_COLORS[self.kind]), row=3, col=2)
        fig.add_scatter(x=steps, y=np.zeros(T), mode="lines+markers", name=rnn_label,
                        line=dict(color=MODEL_COLORS["rnn"]), row=3, col=2)
        fig.add_scatter(x=steps, y=np.zeros(T), mode="lines+markers",
                        name=f"{rnn_label}: product of step norms (upper bound)",
                        line=dict(color=MODEL_COLORS["rnn"], dash="dot"), row=3, col=2)
        fig.add_scatter(x=[0, 0], y=[0.0, 0.0], mode="markers", name="step t",
                        marker=dict(color="black", size=10, symbol="circle-open"),
                        row=3, col=2)
        fig.add_scatter(x=[], y=[], mode="markers", name="marked steps",
                        marker=dict(color="black", symbol="triangle-down", size=9),
                        row=3, col=2)
        fig.update_yaxes(range=[-0.05, 1.05], row=3, col=1)
        fig.update_yaxes(title_text="log10", row=3, col=2)
        fig.update_xaxes(title_text="step t", row=3, col=2)
        fig.update_layout(barmode="group", height=800, width=940, template=FIGURE_TEMPLATE,
                          margin=dict(l=50, r=20, t=60, b=40),
                          legend=dict(orientation="h", y=-0.08))
        return fig

    # --- LabWidget -----------------------------------------------------------------------
    def compute(self):
        return self.sample.value, self.time.value

    def draw(self, data) -> None:
        sample, t = data
        traces = self.figure.data
        n_panels = len(self.panel_names)
        bars = traces[2 * n_panels: 2 * n_panels + len(self.gates)]
        highway, rnn_line, rnn_bound, here, flags = traces[2 * n_panels + len(self.gates):]
        if sample != self._drawn_sample:
            self._draw_sample(sample, traces, (highway, rnn_line, rnn_bound), flags)
        for k in range(n_panels):
            traces[2 * k + 1].x = [t, t]
        for bar, gate in zip(bars, self.gates):
            bar.y = self.sequence["panels"][gate][sample, t]
        here.x = [t, t]
        here.y = [self._plotted["highway"][t], self._plotted["rnn_highway"][t]]

    def _draw_sample(self, sample, traces, lines, flags):
        for k, name in enumerate(self.panel_names):
            traces[2 * k].z = self.sequence["panels"][name][sample].T  # (H, T)
        colors = (MODEL_COLORS[self.kind], MODEL_COLORS["rnn"], MODEL_COLORS["rnn"])
        for line, key, color in zip(lines, ("highway", "rnn_highway", "rnn_bound"), colors):
            values, under = _floor_underflow(self.sequence[key][sample])
            self._plotted[key] = values
            line.y = values
            # Grey markers where the product hit exactly 0, so it never shows as a gap.
            colors = tuple(np.where(under, UNDERFLOW_COLOR, color)) if under.any() else color
            if colors != line.marker.color:
                line.marker.color = colors
        if self.marked is not None:
            steps = np.flatnonzero(self.marked[sample])
            flags.x = steps
            flags.y = np.full(steps.size, 0.3)
        self._drawn_sample = sample
