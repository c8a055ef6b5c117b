"""A real sequence through a multi-unit LSTM (or GRU): every gate of every unit at every step.

Heatmaps show i, f, o, g, c and h (GRU: r, z, n, h) over time and units; a time slider
marks step t and shows that step's gate values as bars. Below, the gradient highway: log10
of the norm of the product of step Jacobians back to step 0, along the cell state
(diag(f_t) ... diag(f_1), the running product of forget gates; GRU: update gates) and for a
vanilla RNN on the same input (W_hh diag(1 - h_t^2) ...), with the RNN's product of
Jacobian norms as its upper bound.
The model runs once when the widget is made (rnnviz.gradients.highway.sequence_gates) and every
number goes to the browser then: the sliders only pick what to show, in the browser.
"""

import ipywidgets as widgets
import numpy as np

from rnnviz import checks
from rnnviz.gradients.highway import sequence_gates
from rnnviz.models.cell_kinds import GRU_GATES, LSTM_GATES
from rnnviz.models.cells import LSTM
from rnnviz.style import GATE_COLORS, MODEL_COLORS, MODEL_DASHES, MODEL_SYMBOLS, SIGNED_SCALE
from rnnviz.widgets.controls import int_slider
from rnnviz.widgets.renderer import (
    BarSeries,
    BarsPanel,
    ChartWidget,
    HeatmapGroup,
    HeatmapPanel,
    Ref,
    Series,
    XYPanel,
    frames,
    grid_boxes,
    span,
)

WIDTH, HEIGHT = 940, 760
SIGNED = ("g", "n", "c", "h")  # panels whose values have a sign: a diverging scale
# The RNN's bound, dotted: finer than every model's own dash (the GRU's is [2, 3]).
BOUND_DASH = [1, 3]


class GateSequenceExplorer(ChartWidget):
    """Gates over time for one sequence of a batch, with a time slider and the highway plot.

    Inputs:
    - model: an rnnviz.models.cells.LSTM or GRU (e.g. a trained RecallModel's `.rnn`)
    - x: (N, T, D) input sequences
    - rnn: an rnnviz.models.cells.RNN to compare with, or None for a fresh one (seed 0)
    - rnn_label: its name in the legend
    - marked: optional (N, T) bool, steps to flag on the highway plot (e.g. markers)
    Attributes: `sequence` holds rnnviz.gradients.highway.sequence_gates(...)'s arrays; `data`
    is (sample, t), the sliders' values; `time` and `sample` are the sliders.
    Raises: TypeError/ValueError from sequence_gates, or naming `marked` if its shape is wrong.
    """

    def __init__(self, model, x, rnn=None, rnn_label="vanilla RNN", marked=None):
        super().__init__()
        self.sequence = sequence_gates(model, x, rnn)
        self.cell = "lstm" if isinstance(model, LSTM) else "gru"
        self.gates = LSTM_GATES if self.cell == "lstm" else GRU_GATES
        n, T, H = x.shape[0], x.shape[1], model.hidden_size
        self.marked = None
        if marked is not None:
            self.marked = checks.array("marked", np.asarray(marked), shape=(n, T)).astype(bool)
        self.panel_names = list(self.sequence["panels"])
        self.time = int_slider(
            "time",
            0,
            0,
            T - 1,
            description="step t",
            continuous_update=True,
            layout=widgets.Layout(width="60%"),
        )
        self.sample = int_slider(
            "sample",
            0,
            0,
            n - 1,
            description="sequence",
            continuous_update=True,
            layout=widgets.Layout(width="35%"),
        )
        self.controls = [self.time] + ([self.sample] if n > 1 else [])
        self._show(n, T, H, rnn_label)
        self._finish()

    @property
    def data(self):
        """(sample, t): the sequence and the step the sliders show."""
        return self.sample.value, self.time.value

    def _show(self, n, T, H, rnn_label):
        panels = self.sequence["panels"]
        data = {}
        for name, values in panels.items():  # (N, T, H): a heatmap per sample, bars per step
            data[name] = frames(values, ["sample"])
            data[f"{name}_at_t"] = frames(values, ["sample", "time"])
        for key in ("highway", "rnn_highway", "rnn_bound"):
            data[key] = frames(self.sequence[key], ["sample"])
        if self.marked is not None:
            data["marked"] = frames(self.marked, ["sample"])
        spec = {
            "width": WIDTH,
            "height": HEIGHT,
            "panels": self._panels(T, H, rnn_label),
            "controls": {"time": {"grid": list(range(T))}, "sample": {"grid": list(range(n))}},
            "legend": self._legend(rnn_label),
        }
        self.chart.show(spec, data, controls={"time": self.time, "sample": self.sample})

    def _panels(self, T, H, rnn_label):
        box = grid_boxes(
            WIDTH, HEIGHT, rows=3, cols=3, margin=(60, 20, 40, 45), hspace=50, vspace=60
        )
        cell = self.cell.upper()
        highway_name = "f" if self.cell == "lstm" else "z"
        units = [f"unit {j}" for j in range(H)]
        panels = []
        for k, name in enumerate(self.panel_names):
            values = self.sequence["panels"][name]
            if name == "c":  # centred on 0, as wide as the largest |c| anywhere in the batch
                reach = float(np.abs(values).max()) or 1.0
                crange = [-reach, reach]
            else:
                crange = [-1.0, 1.0] if name in SIGNED else [0.0, 1.0]
            scale = SIGNED_SCALE if name in SIGNED else [[0, "#ffffff"], [1, GATE_COLORS[name]]]
            panels.append(
                HeatmapPanel(
                    box[k // 3][k % 3],
                    [HeatmapGroup(data=Ref(name), ny=H, x0=0, dx=1, y0=0, rows=units)],
                    scale,
                    crange=crange,
                    title=f"{name} (units x steps)",
                    x_label="step",
                    y_range=[-0.5, H - 0.5],
                    value_label=f"{name} = ",
                    hover=".3f",
                    cursor=dict(control="time", line=True),
                )
            )
        panels.append(
            BarsPanel(
                box[2][0],
                units,
                [
                    BarSeries(name=g, data=Ref(f"{g}_at_t"), color=GATE_COLORS[g])
                    for g in self.gates
                ],
                y_range=[-1.05, 1.05],
                mode="group",
                title="gate values at step t",
            )
        )
        lines = [
            Series(
                name=f"{cell}: prod of {highway_name} (best unit)",
                data=Ref("highway"),
                color=MODEL_COLORS[self.cell],
                dash=list(MODEL_DASHES[self.cell]),
                markers=True,
                symbol=MODEL_SYMBOLS[self.cell],
                size=5,
                edges=True,
                x0=0,
                dx=1,
            ),
            Series(
                name=rnn_label,
                data=Ref("rnn_highway"),
                color=MODEL_COLORS["rnn"],
                markers=True,
                symbol=MODEL_SYMBOLS["rnn"],
                size=5,
                edges=True,
                x0=0,
                dx=1,
            ),
            Series(
                name=f"{rnn_label}: product of step norms (upper bound)",
                data=Ref("rnn_bound"),
                color=MODEL_COLORS["rnn"],
                dash=BOUND_DASH,
                markers=True,
                symbol=MODEL_SYMBOLS["rnn"],
                size=5,
                edges=True,
                x0=0,
                dx=1,
            ),
        ]
        if self.marked is not None:
            lines.append(
                Series(
                    name="marked steps",
                    data=Ref("marked"),
                    mode="flags",
                    color="black",
                    autorange=False,
                    x0=0,
                    dx=1,
                )
            )
        panels.append(
            XYPanel(
                span(box[2][1], box[2][2]),
                lines,
                share="highway",
                x_title="step t",
                x_label="step",
                y_title="log10",
                title=f"log10 ||dstate_t/dstate_0||: {cell} along diag({highway_name}) vs RNN",
                cursor=dict(
                    control="time",
                    x0=0,
                    markers=[
                        dict(data=Ref("highway"), color="black", open=True),
                        dict(data=Ref("rnn_highway"), color="black", open=True),
                    ],
                ),
            )
        )
        return panels

    def _legend(self, rnn_label):
        cell = self.cell.upper()
        highway_name = "f" if self.cell == "lstm" else "z"
        items = [dict(name=g, color=GATE_COLORS[g], symbol="\u25a0") for g in self.gates]
        model = dict(
            color=MODEL_COLORS[self.cell],
            dash=list(MODEL_DASHES[self.cell]),
            marker=MODEL_SYMBOLS[self.cell],
        )
        rnn = dict(color=MODEL_COLORS["rnn"], marker=MODEL_SYMBOLS["rnn"])
        items += [
            dict(name=f"{cell}: prod of {highway_name} (best unit)", **model),
            dict(name=rnn_label, dash=[], **rnn),
            dict(name=f"{rnn_label}: product of step norms (upper bound)", dash=BOUND_DASH, **rnn),
            dict(name="step t", color="black", symbol="\u25cb"),
        ]
        if self.marked is not None:
            items.append(dict(name="marked steps", color="black", symbol="\u25bc"))
        return items
