"""HiddenStateExplorer: a vanilla RNN's hidden state step by step, and what one edit changes.

A t slider walks through time: the heatmap shows every unit of h_1..h_T with the current
step marked, and the bars show h_t itself. A second pair of sliders edits one input x_k;
the lower heatmap shows h(edited) - h, which is exactly zero before k and spreads from k on,
carried forward by the same W_hh at every step. The data comes from
rnnviz.gradients.hidden_state.hidden_state_view; this class only draws it.
"""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnnviz import checks
from rnnviz.gradients.hidden_state import hidden_state_view
from rnnviz.style import FIGURE_TEMPLATE, MODEL_COLORS, SIGNED_SCALE
from rnnviz.widgets.base import LabWidget
from rnnviz.widgets.controls import float_slider, int_slider
from rnnviz.widgets.traces import traces_by_name

EDIT_COLOR = "#ff7f0e"
MARKER_COLOR = "#222222"
VALUE_RANGE = 3.0  # the edit slider spans [-3, 3], where a standard-normal input lives

# Trace names, in drawing order (the browser test reads the first, the bars of h_t, by its
# position): the two bar charts, the heatmaps, the input line, the edited input, the step
# markers on the three rows, and the edit marker.
H_BARS, DH_BARS, H_MAP, DH_MAP, X_LINE, X_EDIT = (
    "h_t",
    "change",
    "h map",
    "change map",
    "x_t",
    "edited x_k",
)
T_MARKS = ("t on x", "t on h", "t on change")
K_MARK = "k"
# The two subplot titles that name the step, found by their first text.
H_TITLE, DH_TITLE = "h_t", "change at t"


def _axes(T, H):
    """Unit numbers 1..H and step numbers 1..T, as float arrays."""
    return np.arange(1.0, H + 1.0), np.arange(1.0, T + 1.0)


class HiddenStateExplorer(LabWidget):
    """Hidden states of a tanh RNN over one sequence, with a t slider and an input edit.

    Inputs:
    - x: (T, D) the input sequence x_1..x_T (the edit changes feature 0 of x_k)
    - Wx: (D, H) input-to-hidden weights
    - Wh: (H, H) hidden-to-hidden weights
    - b: (H,) biases, or None for zero
    - h0: (H,) initial state, or None for zero
    - step: the t shown first, 1..T
    - edit_step: the k edited first, 1..T
    - value: the first edited value of x_k, in [-3, 3]; None keeps x_k as it is
    """

    def __init__(self, x, Wx, Wh, b=None, h0=None, step=1, edit_step=1, value=None):
        super().__init__()
        checks.array("x", x, ndim=2)
        if 0 in x.shape:
            raise ValueError(f"x must hold at least one step and one feature, got shape {x.shape}")
        T, H = x.shape[0], checks.array("Wh", Wh, ndim=2).shape[0]
        self.x, self.Wx, self.Wh, self.b, self.h0 = x, Wx, Wh, b, h0
        if value is None:
            value = float(x[checks.positive_int("edit_step", edit_step, maximum=T) - 1, 0])
        # Fails early, naming the argument, on any bad array or step.
        hidden_state_view(x, Wx, Wh, b, h0, edit_step=edit_step, value=value, step=step)

        self.step = int_slider("step", step, 1, T, description="t")
        self.edit_step = int_slider("edit_step", edit_step, 1, T, description="edit step k")
        self.value = float_slider(
            "value",
            value,
            -VALUE_RANGE,
            VALUE_RANGE,
            step=0.1,
            description="new x_k",
            readout_format=".1f",
        )
        self.controls = [self.step, self.edit_step, self.value]
        self.figure = self._build_figure(T, H)
        self._finish()

    def _build_figure(self, T, H):
        grid = make_subplots(
            rows=3,
            cols=2,
            column_widths=[0.78, 0.22],
            row_heights=[0.22, 0.39, 0.39],
            specs=[[{}, None], [{}, {}], [{}, {}]],
            horizontal_spacing=0.06,
            vertical_spacing=0.11,
            subplot_titles=(
                "input x_t (orange: the edited x_k)",
                "hidden state h_t: units x time",
                "h_t",
                "change h(edited) - h: zero before k",
                "change at t",
            ),
        )
        grid.update_layout(
            template=FIGURE_TEMPLATE,
            height=640,
            showlegend=False,
            margin=dict(l=50, r=20, t=50, b=40),
        )
        figure = grid  # a plain Figure until every trace is in: see the end
        units, steps = _axes(T, H)
        red = MODEL_COLORS["rnn"]
        for annotation in figure.layout.annotations:
            annotation.name = annotation.text
        figure.add_bar(
            x=np.zeros(H), y=units, orientation="h", marker_color=red, name=H_BARS, row=2, col=2
        )
        figure.add_bar(
            x=np.zeros(H),
            y=units,
            orientation="h",
            marker_color=EDIT_COLOR,
            name=DH_BARS,
            row=3,
            col=2,
        )
        figure.add_heatmap(
            z=np.zeros((H, T)),
            x=steps,
            y=units,
            name=H_MAP,
            colorscale=SIGNED_SCALE,
            zmin=-1,
            zmax=1,
            colorbar=dict(len=0.36, y=0.6, title="h"),
            hovertemplate="t=%{x} unit %{y}: %{z:.3f}<extra></extra>",
            row=2,
            col=1,
        )
        figure.add_heatmap(
            z=np.zeros((H, T)),
            x=steps,
            y=units,
            name=DH_MAP,
            colorscale=SIGNED_SCALE,
            zmin=-1,
            zmax=1,
            colorbar=dict(len=0.36, y=0.16, title="change"),
            hovertemplate="t=%{x} unit %{y}: %{z:.2e}<extra></extra>",
            row=3,
            col=1,
        )
        figure.add_scatter(
            x=steps,
            y=np.zeros(T),
            mode="lines+markers",
            name=X_LINE,
            line=dict(color="#555555"),
            row=1,
            col=1,
        )
        figure.add_scatter(
            x=[1.0],
            y=[0.0],
            mode="markers",
            name=X_EDIT,
            marker=dict(color=EDIT_COLOR, size=12, symbol="diamond"),
            row=1,
            col=1,
        )
        for row, name in zip((1, 2, 3), T_MARKS):
            figure.add_scatter(
                x=[1.0, 1.0],
                y=[0.0, 0.0],
                mode="lines",
                name=name,
                hoverinfo="skip",
                line=dict(color=MARKER_COLOR, width=2),
                row=row,
                col=1,
            )
        figure.add_scatter(
            x=[1.0, 1.0],
            y=[0.5, H + 0.5],
            mode="lines",
            name=K_MARK,
            hoverinfo="skip",
            line=dict(color=EDIT_COLOR, width=2, dash="dash"),
            row=3,
            col=1,
        )
        for row in (1, 2, 3):
            figure.update_xaxes(range=[0.5, T + 0.5], row=row, col=1)
        figure.update_xaxes(title_text="time step t", row=3, col=1)
        figure.update_yaxes(title_text="unit", row=2, col=1)
        figure.update_yaxes(title_text="unit", row=3, col=1)
        figure.update_xaxes(range=[-1, 1], row=2, col=2)
        # Traces added to a FigureWidget after it is made are sent as messages, not kept
        # in its state, and lost their fixed x/y in JupyterLab; built in, they are kept.
        return go.FigureWidget(figure)

    def compute(self):
        return hidden_state_view(
            self.x,
            self.Wx,
            self.Wh,
            self.b,
            self.h0,
            edit_step=self.edit_step.value,
            value=self.value.value,
            step=self.step.value,
        )

    def draw(self, data) -> None:
        t, k = float(data.step), float(data.edit_step)
        T, H = data.h.shape
        units, steps = _axes(T, H)
        change_range = max(float(np.abs(data.dh).max()), 1e-12)
        low = float(min(data.x[:, 0].min(), data.x_edited[:, 0].min())) - 0.2
        high = float(max(data.x[:, 0].max(), data.x_edited[:, 0].max())) + 0.2
        marker_y = [0.5, H + 0.5]
        k_index = data.edit_step - 1
        traces = traces_by_name(self.figure)
        for name, x, y in [
            (H_BARS, data.h_step, units),
            (DH_BARS, data.dh_step, units),
            (X_LINE, steps, data.x[:, 0]),
            (X_EDIT, [k], [data.x_edited[k_index, 0]]),
            (T_MARKS[0], [t, t], [low, high]),
            (T_MARKS[1], [t, t], marker_y),
            (T_MARKS[2], [t, t], marker_y),
            (K_MARK, [k, k], marker_y),
        ]:
            traces[name].x, traces[name].y = x, y
        traces[H_MAP].z = data.h.T
        traces[DH_MAP].update(z=data.dh.T, zmin=-change_range, zmax=change_range)
        self.figure.update_yaxes(range=[low, high], row=1, col=1)
        self.figure.update_xaxes(range=[-1.05 * change_range, 1.05 * change_range], row=3, col=2)
        self.figure.update_annotations(text=f"h_t at t={data.step}", selector=dict(name=H_TITLE))
        self.figure.update_annotations(
            text=f"change at t={data.step}", selector=dict(name=DH_TITLE)
        )
