"""One LSTM (or GRU) unit with every weight on a slider: see each gate open and close.

The student sets x_t, h_{t-1}, c_{t-1} and each gate's (w_x, w_h, b); the figure shows the
pre-activations, the gates on their ranges (sigmoid 0..1, tanh -1..1), the cell update
c_t = f c_{t-1} + i g as the sum of its two parts, h_t = o tanh(c_t), and the local
derivative dc_t/dc_{t-1} = f next to a vanilla RNN's dh_t/dh_{t-1} = w_hh (1 - h_t^2).
All arithmetic is in rnnviz.gradients.gate_unit; this module only draws it.

Every slider is answered in the browser: the kernel computes the unit along each slider's
whole range with the others where they are (the renderer's star frames), and recomputes the
other sliders' frames once the student lets go of one.
"""

from dataclasses import replace

import ipywidgets as widgets
import numpy as np

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
from rnnviz.style import GATE_COLORS, INPUT_COLOR, MODEL_COLORS
from rnnviz.widgets.controls import float_slider
from rnnviz.widgets.renderer import BarSeries, BarsPanel, ChartWidget, Ref, frames, grid_boxes, span

TRACK_COLOR = "rgba(0, 0, 0, 0.08)"
# Slider ranges: inputs like a tanh unit's, weights wide enough to saturate any gate.
INPUT_RANGE, CELL_RANGE, WEIGHT_RANGE = (-1.0, 1.0, 0.05), (-3.0, 3.0, 0.1), (-6.0, 6.0, 0.1)
WIDTH, HEIGHT = 900, 540
SETTLE_MS = 150  # quiet time after which the other sliders' frames are recomputed


def _slider(argument, description, value, bounds):
    """A slider that refuses a value outside its range, naming the setting's field."""
    low, high, step = bounds
    return float_slider(
        argument,
        value,
        low,
        high,
        step=step,
        description=description,
        readout_format=".2f",
        continuous_update=True,
        style={"description_width": "70px"},
        layout=widgets.Layout(width="32%"),
    )


def _grid(slider):
    """Every position of a FloatSlider, rounded as the slider rounds them."""
    n = int(round((slider.max - slider.min) / slider.step))
    return np.round(slider.min + slider.step * np.arange(n + 1), 10)


class GateCellExplorer(ChartWidget):
    """Sliders for one LSTM or GRU unit; bars for its gates, its update and its derivative.

    Inputs:
    - cell: "lstm" (gates i, f, o, g) or "gru" (r, z, n)
    - setting: a UnitSetting to start from (default: every gate half open)
    Attributes: `data` is the rnnviz.gradients.gate_unit LSTMUnitStep / GRUUnitStep of the
    sliders' current values; `inputs` and `weights` hold the sliders.
    Raises: ValueError for another cell kind, TypeError for a setting of another cell's gates.
    """

    def __init__(self, cell: str = "lstm", setting: UnitSetting | None = None):
        super().__init__()
        self.cell = checks.choice("cell", cell, {"lstm", "gru"})
        self.gates = LSTM_GATES if cell == "lstm" else GRU_GATES
        if setting is None:
            setting = NEUTRAL if cell == "lstm" else GRU_NEUTRAL
        if not isinstance(setting, UnitSetting) or setting.cell != cell:
            raise TypeError(
                f"setting must be a UnitSetting with the {cell.upper()}'s gates {self.gates}"
            )
        self._holding = False
        self.inputs = {
            "x": _slider("setting.x", "x_t", setting.x, INPUT_RANGE),
            "h_prev": _slider("setting.h_prev", "h_{t-1}", setting.h_prev, INPUT_RANGE),
        }
        if cell == "lstm":
            self.inputs["c_prev"] = _slider("setting.c_prev", "c_{t-1}", setting.c_prev, CELL_RANGE)
        self.weights = {
            gate: [
                _slider(f"setting.weights[{gate!r}].{part}", f"{gate}: {part}", value, WEIGHT_RANGE)
                for part, value in zip(("w_x", "w_h", "b"), setting.weights[gate])
            ]
            for gate in self.gates
        }
        # Three sliders a row: the inputs, then one row per gate.
        self.controls = [
            *self.inputs.values(),
            *(s for gate in self.gates for s in self.weights[gate]),
        ]
        self._named = {
            **self.inputs,
            **{
                f"{gate}_{part}": slider
                for gate in self.gates
                for part, slider in zip(("wx", "wh", "b"), self.weights[gate])
            },
        }
        for slider in self._named.values():
            slider.observe(self._on_change, names="value")
        self.chart.on_settle(self.refresh)
        self.refresh()
        self._finish()

    # --- the picture ------------------------------------------------------------------
    def _panels(self):
        lstm = self.cell == "lstm"
        names = list(self.gates)
        colors = [GATE_COLORS[g] for g in names]
        tanh_gate = "g" if lstm else "n"
        if lstm:
            deriv = (
                ["LSTM: f", "RNN: w_hh(1-h\u00b2)"],
                [MODEL_COLORS["lstm"], MODEL_COLORS["rnn"]],
            )
            parts = (
                ["c_{t-1}", "f\u00b7c_{t-1}", "+ i\u00b7g", "= c_t"],
                [INPUT_COLOR, GATE_COLORS["f"], GATE_COLORS["i"], MODEL_COLORS["lstm"]],
            )
            out = (
                ["o", "tanh(c_t)", "h_t"],
                [GATE_COLORS["o"], MODEL_COLORS["lstm"], MODEL_COLORS["lstm"]],
            )
        else:
            deriv = (
                ["GRU: z", "GRU: full", "RNN: w_hh(1-h\u00b2)"],
                [GATE_COLORS["z"], MODEL_COLORS["gru"], MODEL_COLORS["rnn"]],
            )
            parts = (
                ["h_{t-1}", "z\u00b7h_{t-1}", "+ (1-z)\u00b7n", "= h_t"],
                [INPUT_COLOR, GATE_COLORS["z"], GATE_COLORS["n"], MODEL_COLORS["gru"]],
            )
            out = (
                ["w_h\u00b7h_{t-1}", "r\u00b7w_h\u00b7h_{t-1}", "n"],
                [INPUT_COLOR, GATE_COLORS["r"], GATE_COLORS["n"]],
            )
        box = grid_boxes(
            WIDTH, HEIGHT, rows=2, cols=3, margin=(50, 20, 80, 30), hspace=45, vspace=75
        )
        text = dict(text=".3f")
        return [
            BarsPanel(
                box[0][0],
                [f"a_{g}" for g in names],
                [BarSeries(name="pre-activation", data=Ref("pre"), color=colors)],
                title="pre-activations a = w_x\u00b7x + w_h\u00b7h + b",
            ),
            BarsPanel(
                box[0][1],
                names,
                [
                    # A faint track shows each gate's range: sigmoid 0..1, tanh -1..1.
                    BarSeries(
                        name="range",
                        values=[2.0 if g == tanh_gate else 1.0 for g in names],
                        bases=[-1.0 if g == tanh_gate else 0.0 for g in names],
                        color=TRACK_COLOR,
                    ),
                    BarSeries(name="gate value", data=Ref("gates"), color=colors, **text),
                ],
                y_range=[-1.15, 1.3],
                title="gates (grey: their range)",
            ),
            BarsPanel(
                box[0][2],
                deriv[0],
                [BarSeries(name="local derivative", data=Ref("deriv"), color=deriv[1], **text)],
                title="local derivative, one step back",
            ),
            BarsPanel(
                span(box[1][0], box[1][1]),
                parts[0],
                [
                    BarSeries(
                        name="update",
                        data=Ref("parts"),
                        base=Ref("part_bases"),
                        color=parts[1],
                        **text,
                    )
                ],
                y_range=[-4.2, 4.2] if lstm else [-1.5, 1.5],
                title="c_t = f\u00b7c_{t-1} + i\u00b7g"
                if lstm
                else "h_t = z\u00b7h_{t-1} + (1-z)\u00b7n",
            ),
            BarsPanel(
                box[1][2],
                out[0],
                [BarSeries(name="output", data=Ref("out"), color=out[1], **text)],
                y_range=[-1.3, 1.3],
                title="h_t = o\u00b7tanh(c_t)"
                if lstm
                else "the reset gate scales h_{t-1} inside n",
            ),
        ]

    def _values(self, step):
        """One frame: every number the picture shows, from one unit step."""
        s = step.setting
        gates = [step.gates[g] for g in self.gates]
        if self.cell == "lstm":
            deriv = [step.local_derivative, step.rnn.local_derivative]
            parts = [s.c_prev, step.kept, step.written, step.c]
            out = [step.gates["o"], step.tanh_c, step.h]
            named = {"c_prev": s.c_prev, "c_t": step.c, "h_t": step.h}
        else:
            w_h_n = s.weights["n"][1]
            deriv = [step.local_derivative, step.full_derivative, step.rnn.local_derivative]
            parts = [s.h_prev, step.kept, step.written, step.h]
            out = [w_h_n * s.h_prev, step.gates["r"] * w_h_n * s.h_prev, step.gates["n"]]
            named = {"h_prev": s.h_prev, "h_t": step.h}
        # The title's numbers, one entry each, named for the template.
        named |= {f"gate_{g}": step.gates[g] for g in self.gates}
        return {
            "pre": [step.pre[g] for g in self.gates],
            "gates": gates,
            "deriv": deriv,
            "parts": parts,
            "part_bases": [0.0, 0.0, step.kept, 0.0],
            "out": out,
            **named,
        }

    def _setting_with(self, setting, name, value):
        """`setting` with one slider (by its chart name) moved to `value`."""
        if name in self.inputs:
            return replace(setting, **{name: float(value)})
        gate, part = name.split("_", 1)
        triple = list(setting.weights[gate])
        triple[("wx", "wh", "b").index(part)] = float(value)
        return replace(setting, weights={**setting.weights, gate: tuple(triple)})

    def refresh(self) -> None:
        """Compute the unit along every slider's range around the current values; show them."""
        grids = {name: _grid(slider) for name, slider in self._named.items()}
        setting = self.setting
        rows = [
            self._values(unit_step(self._setting_with(setting, name, v)))
            for name, grid in grids.items()
            for v in grid
        ]
        axes = list(grids)
        data = {key: frames([r[key] for r in rows], axes, star=True) for key in rows[0]}
        if self.cell == "lstm":
            announce = (
                "forget gate f = {gate_f:.3f}, input gate i = {gate_i:.3f}, output gate "
                "o = {gate_o:.3f}: c_t = {c_t:.3f}, h_t = {h_t:.3f}"
            )
            title = (
                "c_t = {gate_f:.3f}\u00b7{c_prev:.2f} + {gate_i:.3f}\u00b7"
                "{gate_g:.3f} = {c_t:.3f},   h_t = {h_t:.3f}"
            )
        else:
            announce = "update gate z = {gate_z:.3f}, candidate n = {gate_n:.3f}: h_t = {h_t:.3f}"
            title = (
                "h_t = {gate_z:.3f}\u00b7{h_prev:.2f} + (1 - {gate_z:.3f})"
                "\u00b7{gate_n:.3f} = {h_t:.3f}"
            )
        spec = {
            "width": WIDTH,
            "height": HEIGHT,
            "title": title,
            "announce": announce,
            "panels": self._panels(),
            "controls": {name: {"grid": grid.tolist()} for name, grid in grids.items()},
            "base": {name: slider.value for name, slider in self._named.items()},
            "settle_ms": SETTLE_MS,
        }
        self.chart.show(spec, data, controls=self._named)

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
        if not isinstance(setting, UnitSetting) or setting.cell != self.cell:
            raise TypeError(
                f"setting must be a UnitSetting with the {self.cell.upper()}'s gates {self.gates}"
            )
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
        if self.cell != "lstm":
            raise ValueError("the four behaviours are the LSTM's; this explorer has cell='gru'")

    def _on_change(self, change) -> None:
        # The browser answers a slider the student moves from its frames, and the kernel
        # recomputes the other sliders' frames when the front end says the student let go
        # (on_settle). A change made from Python has no front end to say so: recompute now.
        # ipywidgets holds `_property_lock` while it applies a value the page sent.
        if not self._holding and not change["owner"]._property_lock:
            self.refresh()

    @property
    def data(self):
        """The unit step of the sliders' current values (rnnviz.gradients.gate_unit)."""
        return unit_step(self.setting)
