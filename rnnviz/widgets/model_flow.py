"""ModelGradientFlow (GradientFlow.from_model): the gradient's trip back through time in a
user's own model, layer by layer.

Top row, one panel a layer: ||dL/dh_t|| against t on a log scale (dashed: ||dL/dc_t|| for an
LSTM; a bidirectional layer's backward direction dotted). Bottom: every state of every layer
as a row of cells coloured by log10 of its gradient's norm, with a step cursor. The flow is
computed once (rnnviz.gradients.model_gradients.gradient_flow, one backward pass through a
replay of the model's own weights) for every sequence of the batch; the sliders pick a
sequence and a step in the browser (rnnviz.widgets.renderer).
"""

import ipywidgets as widgets

from rnnviz.gradients.model_gradients import gradient_flow
from rnnviz.style import (
    MAGNITUDE_SCALE,
    MODEL_COLORS,
    MODEL_MARKER_GAP,
    MODEL_SYMBOLS,
    OVERFLOW_COLOR,
    STEP_COLOR,
    UNDERFLOW_COLOR,
)
from rnnviz.widgets.renderer import (
    ChartWidget,
    HeatmapGroup,
    HeatmapPanel,
    Ref,
    Series,
    XYPanel,
    frames,
    grid_boxes,
    log10_or_edge,
    span,
)

WIDTH = 980
DASH = {("forward", "h"): [], ("forward", "c"): [6, 4], ("backward", "h"): [2, 3]}
DASH[("backward", "c")] = [8, 3, 2, 3]
NAMES = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}


class ModelGradientFlow(ChartWidget):
    """||dL/dh_t|| (and ||dL/dc_t||) at every step of every layer of a user's model.

    Inputs: model, x, core: as rnnviz.models.foreign.trace; loss: as
    rnnviz.gradients.model_gradients.gradient_flow ("last", "all" or a callable).
    Attributes: flow (the ModelFlow), step (the cursor's slider, t = 1..T), sequence (the
    batch's sequence shown, when x holds several), data (the chosen sequence's norms).
    Raises: TypeError/ValueError naming model, x, loss or core.
    """

    def __init__(self, model, x, loss="last", core=None):
        super().__init__()
        self.flow = gradient_flow(model, x, loss=loss, core=core)
        N, T = self.flow.layers[0].grad_h.shape
        wide = dict(style={"description_width": "initial"}, layout=widgets.Layout(width="300px"))
        self.step = widgets.IntSlider(T, min=1, max=T, description="step t", **wide)
        self.sequence = widgets.IntSlider(0, min=0, max=N - 1, description="sequence", **wide)
        self.controls = [self.step] + ([self.sequence] if N > 1 else [])
        self._show(N, T)
        self._finish()

    def _rows(self):
        """(name, LayerFlow, state, norms (N, T)) for every drawn series, top layer first."""
        rows = []
        for f in sorted(self.flow.layers, key=lambda f: -f.layer):
            rows.append((f"layer {f.layer} {f.direction} h", f, "h", f.grad_h))
            if f.grad_c is not None:
                rows.append((f"layer {f.layer} {f.direction} c", f, "c", f.grad_c))
        return rows

    @property
    def data(self) -> dict:
        """{row name: (T,) the chosen sequence's gradient norms}."""
        return {name: norms[self.sequence.value] for name, _, _, norms in self._rows()}

    def _show(self, N, T):
        rows = self._rows()
        axes = ["sequence"] if N > 1 else []
        data = {}
        for k, (_, _, _, norms) in enumerate(rows):
            logs = log10_or_edge(norms)  # (N, T); NaN (NaN weights) -> the overflow marker
            data[f"row_{k}"] = frames(logs if N > 1 else logs[0], axes)
        layers = 1 + max(f.layer for f in self.flow.layers)
        height = 430 + 24 * len(rows)  # 240 px of lines, then 24 px a row of the chain
        box = grid_boxes(
            WIDTH,
            height,
            rows=2,
            cols=layers,
            margin=(150, 60, 50, 45),
            hspace=55,
            vspace=75,
            row_heights=[240 / (height - 170), 1 - 240 / (height - 170)],
        )
        color, symbol = MODEL_COLORS[self.flow.cell], MODEL_SYMBOLS[self.flow.cell]
        panels = []
        for layer in range(layers):
            series = [
                Series(
                    name=f"{f.direction} ||dL/d{state}_t||",
                    data=Ref(f"row_{k}"),
                    x0=1,
                    dx=1,
                    color=color,
                    dash=DASH[(f.direction, state)],
                    width=2.5 if state == "h" else 1.5,
                    edges=True,
                    # the model's marker on its h lines; the dash tells direction and state
                    markers=state == "h" or None,
                    marker_gap=MODEL_MARKER_GAP if state == "h" else None,
                    symbol=symbol if state == "h" else None,
                )
                for k, (_, f, state, _) in enumerate(rows)
                if f.layer == layer
            ]
            panels.append(
                XYPanel(
                    box[0][layer],
                    series,
                    title=f"{NAMES[self.flow.cell]} layer {layer}"
                    + (" (reads the input)" if layer == 0 else ""),
                    x_title="step t",
                    x_label="t",
                    y_title="||dL/dh_t||" if layer == 0 else "",
                    y_log=True,
                    share="top",
                    marks=[dict(control="step", color=STEP_COLOR, dash=[3, 3], width=1)],
                )
            )
        groups = [
            HeatmapGroup(data=Ref(f"row_{k}"), x0=1, dx=1, y0=len(rows) - 1 - k, rows=[name])
            for k, (name, _, _, _) in enumerate(rows)
        ]
        panels.append(
            HeatmapPanel(
                span(box[1][0], box[1][layers - 1]),
                groups,
                MAGNITUDE_SCALE,
                share="top",
                title="every state of every layer: colour = log10 of its gradient's norm",
                x_title="step t  (the loss reads the output; the gradient flows right to left)",
                x_label="t",
                y_range=[-0.5, len(rows) - 0.5],
                tickvals=list(range(len(rows))),
                ticktext=[name for name, _, _, _ in rows][::-1],
                colorbar="log10 ||grad||",
                value_label="log10 ||grad|| = ",
                hover=".1f",
                cursor=dict(control="step", ring=True),
            )
        )
        legend = [
            dict(
                name=f"{d} ||dL/d{s}_t||",
                color=color,
                dash=DASH[(d, s)],
                marker=symbol if s == "h" else None,
            )
            for (d, s) in DASH
            if any(
                f.direction == d and (s == "h" or f.grad_c is not None) for f in self.flow.layers
            )
        ]
        legend += [
            dict(name="0: underflow", color=UNDERFLOW_COLOR, symbol="\u25bc"),
            dict(name="inf/NaN: overflow", color=OVERFLOW_COLOR, symbol="\u25b2"),
        ]
        grids = {"step": list(range(1, T + 1))}
        controls = {"step": self.step}
        if N > 1:
            grids["sequence"] = list(range(N))
            controls["sequence"] = self.sequence
        spec = {
            "width": WIDTH,
            "height": height,
            "panels": panels,
            "controls": {name: {"grid": g} for name, g in grids.items()},
            "legend": legend,
        }
        self.chart.show(spec, data, controls=controls)
