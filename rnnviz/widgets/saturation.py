"""Saturation: how often each LSTM gate unit is nearly shut or nearly open.

Karpathy, Johnson and Fei-Fei (2015), figure 3: one point per unit, at (fraction of
characters where the gate was < 0.1, fraction where it was > 0.9). Points near the right
corner are gates that almost always pass everything (forget gates that remember); points on
the diagonal edge switch sharply between shut and open.
"""

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnnviz.charlm.interpret import saturation
from rnnviz.style import FIGURE_TEMPLATE, GATE_COLORS, GATE_NAMES
from rnnviz.widgets.base import LabWidget
from rnnviz.widgets.controls import float_slider
from rnnviz.widgets.traces import traces_by_name

THRESHOLD_RANGE = (0.02, 0.4)


class Saturation(LabWidget):
    """A scatter per gate of left- vs right-saturated fractions, with a threshold slider.

    Inputs: gates {name: (T, H) sigmoid activations}, e.g. the i, f, o entries of
    rnnviz.charlm.interpret.activations(...).signals. The slider sets the threshold t in
    [0.02, 0.4]: left means < t, right means > 1 - t (the paper's t = 0.1).
    """

    def __init__(self, gates: dict, threshold: float = 0.1):
        super().__init__()
        if not isinstance(gates, dict) or not gates:
            raise ValueError("gates must be a non-empty dict {gate name: (T, H) array}")
        saturation(gates)  # fails early, naming the gate, on a malformed or empty array
        self.gates = gates
        self.threshold = float_slider(
            "threshold",
            threshold,
            *THRESHOLD_RANGE,
            step=0.02,
            description="threshold",
            continuous_update=False,
            readout_format=".2f",
        )
        self.controls = [self.threshold]
        names = list(gates)
        fig = make_subplots(
            rows=1, cols=len(names), subplot_titles=[GATE_NAMES.get(n, n) for n in names]
        )
        for k, name in enumerate(names):
            fig.add_scatter(
                x=[0, 1],
                y=[1, 0],
                mode="lines",
                name=f"{name} limit",
                showlegend=False,
                line=dict(color="#bbbbbb", dash="dot"),
                hoverinfo="skip",
                row=1,
                col=k + 1,
            )
            fig.add_scatter(
                x=[],
                y=[],
                mode="markers",
                name=name,
                showlegend=False,
                marker=dict(color=GATE_COLORS.get(name), size=6, opacity=0.6),
                hovertemplate="unit %{text}: left %{x:.2f}, right %{y:.2f}<extra></extra>",
                row=1,
                col=k + 1,
            )
            fig.update_xaxes(
                title_text="fraction left-saturated", range=[-0.02, 1.02], row=1, col=k + 1
            )
            fig.update_yaxes(range=[-0.02, 1.02], row=1, col=k + 1)
        fig.update_yaxes(title_text="fraction right-saturated", row=1, col=1)
        fig.update_layout(template=FIGURE_TEMPLATE, height=340, margin=dict(l=60, r=20, t=60, b=50))
        self.figure = go.FigureWidget(fig)
        self._finish()

    def compute(self):
        """{gate: (left (H,), right (H,))} at the slider's threshold."""
        t = self.threshold.value
        return saturation(self.gates, low=t, high=1.0 - t)

    def draw(self, data) -> None:
        traces = traces_by_name(self.figure)
        for name, (left, right) in data.items():
            points = traces[name]  # one point per unit
            points.x, points.y = left, right
            points.text = list(range(len(left)))
        t = self.threshold.value
        self.figure.layout.title = f"gate saturation: left < {t:.2f}, right > {1 - t:.2f}"
