"""One LSTM (or GRU) unit with every weight on a slider: see each gate open and close.

The student sets x_t, h_{t-1}, c_{t-1} and each gate's (w_x, w_h, b); the figure shows the
pre-activations, the gates on their ranges (sigmoid 0..1, tanh -1..1), the cell update
c_t = f c_{t-1} + i g as the sum of its two parts, h_t = o tanh(c_t), and the local
derivative dc_t/dc_{t-1} = f next to a vanilla RNN's dh_t/dh_{t-1} = w_hh (1 - h_t^2).
All arithmetic is in rnnviz.gradients.gate_unit; this module only draws it.
"""

import ipywidgets as widgets
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnnviz import checks
from rnnviz.gradients.gate_unit import (
    BEHAVIOURS,
    GRU_NEUTRAL,
    NEUTRAL,
    PRESETS,
    UnitSetting,
    check_behaviour,
    unit_step,
)
from rnnviz.models.cell_kinds import GRU_GATES, LSTM_GATES
from rnnviz.style import FIGURE_TEMPLATE, GATE_COLORS, MODEL_COLORS
from rnnviz.widgets.base import LabWidget

TRACK_COLOR = "rgba(0, 0, 0, 0.08)"
INPUT_COLOR = "#7f7f7f"
# Slider ranges: inputs like a tanh unit's, weights wide enough to saturate any gate.
INPUT_RANGE, CELL_RANGE, WEIGHT_RANGE = (-1.0, 1.0, 0.05), (-3.0, 3.0, 0.1), (-6.0, 6.0, 0.1)


def _slider(description, value, bounds):
    low, high, step = bounds
    return widgets.FloatSlider(
        value=value, min=low, max=high, step=step, description=description,
        readout_format=".2f", continuous_update=True,
        style={"description_width": "70px"}, layout=widgets.Layout(width="32%"),
    )


class GateCellExplorer(LabWidget):
    """Sliders for one LSTM or GRU unit; bars for its gates, its update and its derivative.

    Inputs:
    - kind: "lstm" (gates i, f, o, g) or "gru" (r, z, n)
    - setting: a UnitSetting to start from (default: every gate half open)
    Attributes: `data` is the current rnnviz.gradients.gate_unit LSTMUnitStep / GRUUnitStep.
    """

    title = "one gated unit"

    def __init__(self, kind: str = "lstm", setting: UnitSetting | None = None):
        super().__init__()
        self.kind = checks.choice("kind", kind, {"lstm", "gru"})
        self.gates = LSTM_GATES if kind == "lstm" else GRU_GATES
        if setting is None:
            setting = NEUTRAL if kind == "lstm" else GRU_NEUTRAL
        if not isinstance(setting, UnitSetting) or setting.cell != kind:
            raise TypeError(f"setting must be a UnitSetting with the {kind.upper()}'s gates "
                            f"{self.gates}")
        self._holding = False
        self.inputs = {"x": _slider("x_t", setting.x, INPUT_RANGE),
                       "h_prev": _slider("h_{t-1}", setting.h_prev, INPUT_RANGE)}
        if kind == "lstm":
            self.inputs["c_prev"] = _slider("c_{t-1}", setting.c_prev, CELL_RANGE)
        self.weights = {
            gate: [_slider(f"{gate}: {part}", value, WEIGHT_RANGE)
                   for part, value in zip(("w_x", "w_h", "b"), setting.weights[gate])]
            for gate in self.gates
        }
        # Three sliders a row: the inputs, then one row per gate.
        self.controls = [*self.inputs.values(),
                         *(s for gate in self.gates for s in self.weights[gate])]
        # Draw the first state into a plain Figure, then wrap it: the FigureWidget starts
        # complete and its first refresh finds nothing to send. Update messages that reach
        # the page before the widget's JavaScript has loaded were seen to be misapplied.
        self.figure = self._build_figure()
        self.draw(self.compute())
        self.figure = go.FigureWidget(self.figure)
        self._finish()

    # --- figure ------------------------------------------------------------------------
    def _build_figure(self):
        lstm = self.kind == "lstm"
        titles = ("pre-activations a = w_x·x + w_h·h + b",
                  "gates (grey: their range)",
                  "local derivative, one step back",
                  "c_t = f·c_{t-1} + i·g" if lstm else "h_t = z·h_{t-1} + (1-z)·n",
                  "h_t = o·tanh(c_t)" if lstm else "the reset gate scales h_{t-1} inside n")
        fig = make_subplots(rows=2, cols=3, subplot_titles=titles, vertical_spacing=0.18,
                            specs=[[{}, {}, {}], [{"colspan": 2}, None, {}]])
        colors = [GATE_COLORS[g] for g in self.gates]
        names = list(self.gates)
        fig.add_bar(x=[f"a_{g}" for g in names], y=[0.0] * len(names), marker_color=colors,
                    name="pre-activation", row=1, col=1)
        # A faint track shows each gate's range: sigmoid 0..1, tanh -1..1.
        tanh_gate = "g" if lstm else "n"
        fig.add_bar(x=names, y=[2.0 if g == tanh_gate else 1.0 for g in names],
                    base=[-1.0 if g == tanh_gate else 0.0 for g in names],
                    marker_color=TRACK_COLOR, hoverinfo="skip", name="range", row=1, col=2)
        fig.add_bar(x=names, y=[0.0] * len(names), marker_color=colors, name="gate value",
                    text=[""] * len(names), textposition="outside", row=1, col=2)
        if lstm:
            labels = ["LSTM: f", "RNN: w_hh(1-h²)"]
            deriv_colors = [MODEL_COLORS["lstm"], MODEL_COLORS["rnn"]]
            parts = ["c_{t-1}", "f·c_{t-1}", "+ i·g", "= c_t"]
            part_colors = [INPUT_COLOR, GATE_COLORS["f"], GATE_COLORS["i"], MODEL_COLORS["lstm"]]
            out = ["o", "tanh(c_t)", "h_t"]
            out_colors = [GATE_COLORS["o"], MODEL_COLORS["lstm"], MODEL_COLORS["lstm"]]
        else:
            labels = ["GRU: z", "GRU: full", "RNN: w_hh(1-h²)"]
            deriv_colors = [GATE_COLORS["z"], MODEL_COLORS["gru"], MODEL_COLORS["rnn"]]
            parts = ["h_{t-1}", "z·h_{t-1}", "+ (1-z)·n", "= h_t"]
            part_colors = [INPUT_COLOR, GATE_COLORS["z"], GATE_COLORS["n"], MODEL_COLORS["gru"]]
            out = ["w_h·h_{t-1}", "r·w_h·h_{t-1}", "n"]
            out_colors = [INPUT_COLOR, GATE_COLORS["r"], GATE_COLORS["n"]]
        fig.add_bar(x=labels, y=[0.0] * len(labels), marker_color=deriv_colors,
                    text=[""] * len(labels), textposition="outside", name="local derivative",
                    row=1, col=3)
        fig.add_bar(x=parts, y=[0.0] * 4, base=[0.0] * 4, marker_color=part_colors,
                    text=[""] * 4, textposition="outside", name="update", row=2, col=1)
        fig.add_bar(x=out, y=[0.0] * 3, marker_color=out_colors, text=[""] * 3,
                    textposition="outside", name="output", row=2, col=3)
        fig.update_yaxes(range=[-1.15, 1.3], row=1, col=2)
        fig.update_yaxes(range=[-4.2, 4.2] if lstm else [-1.5, 1.5], row=2, col=1)
        fig.update_yaxes(range=[-1.3, 1.3], row=2, col=3)
        fig.update_layout(barmode="overlay", showlegend=False, height=560, width=900,
                          title=dict(text="", font=dict(size=14)), template=FIGURE_TEMPLATE,
                          margin=dict(l=50, r=20, t=80, b=40))
        return fig

    # --- state -------------------------------------------------------------------------
    @property
    def setting(self) -> UnitSetting:
        """The sliders' current values as a UnitSetting."""
        values = {name: s.value for name, s in self.inputs.items()}
        values.setdefault("c_prev", 0.0)
        weights = {g: tuple(s.value for s in self.weights[g]) for g in self.gates}
        return UnitSetting(weights=weights, **values)

    def apply(self, setting: UnitSetting) -> None:
        """Move every slider to `setting`'s values, then redraw once.

        One call per cell: several quick calls in a row race with the page's echo of the
        slider values (seen in JupyterLab: an earlier value came back and won).
        """
        if not isinstance(setting, UnitSetting) or setting.cell != self.kind:
            raise TypeError(f"setting must be a UnitSetting with the {self.kind.upper()}'s "
                            f"gates {self.gates}")
        self._holding = True
        try:
            for name, slider in self.inputs.items():
                slider.value = getattr(setting, name)
            for gate in self.gates:
                for slider, value in zip(self.weights[gate], setting.weights[gate]):
                    slider.value = value
        finally:
            self._holding = False
        self.refresh()

    def apply_preset(self, behaviour: str) -> None:
        """Set the sliders to rnnviz.gradients.gate_unit.PRESETS[behaviour] (LSTM only)."""
        self._require_lstm()
        self.apply(PRESETS[checks.choice("behaviour", behaviour, set(BEHAVIOURS))])

    def check(self, behaviour: str):
        """Whether the current sliders show `behaviour` (LSTM only): a BehaviourCheck."""
        self._require_lstm()
        return check_behaviour(behaviour, self.data)

    def _require_lstm(self):
        if self.kind != "lstm":
            raise ValueError("the four behaviours are the LSTM's; this explorer has kind='gru'")

    def _on_change(self, change) -> None:
        if not self._holding:
            super()._on_change(change)

    # --- LabWidget -----------------------------------------------------------------------
    def compute(self):
        return unit_step(self.setting)

    def draw(self, step) -> None:
        pre, gate, deriv, update, out = self.figure.data[0], *self.figure.data[2:]
        values = [step.gates[g] for g in self.gates]
        pre.y = [step.pre[g] for g in self.gates]
        gate.y = values
        gate.text = [f"{v:.3f}" for v in values]
        s = step.setting
        # Values are computed here, never read back from a trace: inside batch_update a
        # trace still returns its old values.
        if self.kind == "lstm":
            derivs = [step.local_derivative, step.rnn.local_derivative]
            parts = [s.c_prev, step.kept, step.written, step.c]
            out_values = [step.gates["o"], step.tanh_c, step.h]
            title = (f"c_t = {step.gates['f']:.3f}·{s.c_prev:.2f} + {step.gates['i']:.3f}·"
                     f"{step.gates['g']:.3f} = {step.c:.3f},   h_t = {step.h:.3f}")
        else:
            derivs = [step.local_derivative, step.full_derivative, step.rnn.local_derivative]
            parts = [s.h_prev, step.kept, step.written, step.h]
            w_h_n = s.weights["n"][1]
            out_values = [w_h_n * s.h_prev, step.gates["r"] * w_h_n * s.h_prev, step.gates["n"]]
            title = (f"h_t = {step.gates['z']:.3f}·{s.h_prev:.2f} + (1 - {step.gates['z']:.3f})"
                     f"·{step.gates['n']:.3f} = {step.h:.3f}")
        update.y = parts
        update.base = [0.0, 0.0, step.kept, 0.0]  # the written part starts where kept ends
        update.text = [f"{v:.3f}" for v in parts]
        deriv.y = derivs
        deriv.text = [f"{v:.3f}" for v in derivs]
        out.y = out_values
        out.text = [f"{v:.3f}" for v in out_values]
        self.figure.layout.title.text = title
