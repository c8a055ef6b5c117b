"""CellActivations: text coloured character by character by one hidden cell.

Karpathy, Johnson and Fei-Fei's (2015) picture: each character's background shows one
cell's value after reading it (red positive, blue negative), so a cell that turns on inside
quotes or counts brackets is visible at a glance. Below the text, the same cell as a line,
with a text feature beside it and their correlation r.
"""

import html

import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnnviz import checks
from rnnviz.charlm.interpret import FEATURES, Activations, correlations, text_features
from rnnviz.style import FIGURE_TEMPLATE, GATE_NAMES, MODEL_COLORS
from rnnviz.widgets.base import LabWidget
from rnnviz.widgets.controls import dropdown, int_slider
from rnnviz.widgets.figure_data import finite_max, gaps

SIGNAL_NAMES = {"c": "cell state c", "h": "hidden state h", **GATE_NAMES}
SIGMOID_SIGNALS = ("i", "f", "o", "r", "z")
_LEVELS = 10  # colour steps each side of zero; equal neighbours share one <span>
NON_FINITE_COLOUR = "rgba(127,127,127,0.6)"


def _colour(level: int) -> str:
    """Background for a level in [-_LEVELS, _LEVELS]: blue (negative), white, red (positive);
    a level beyond them marks a NaN/inf value, drawn grey."""
    if abs(level) > _LEVELS:
        return NON_FINITE_COLOUR
    alpha = abs(level) / _LEVELS * 0.85
    rgb = "214,39,40" if level > 0 else "31,119,180"
    return f"rgba({rgb},{alpha:.2f})"


def coloured_text_html(text: str, values: np.ndarray, scale: float) -> str:
    """HTML of `text` with each character's background set by values[t] / scale.

    Inputs: text of length T; values (T,); scale > 0, the value drawn at full colour.
    A NaN or inf value is drawn grey: it has no place on the colour scale.
    """
    values = np.asarray(values, dtype=float)
    finite = np.isfinite(values)
    levels = np.clip(
        np.rint(np.where(finite, values, 0.0) / scale * _LEVELS), -_LEVELS, _LEVELS
    ).astype(int)
    levels[~finite] = _LEVELS + 1
    parts, start = [], 0
    for t in range(1, len(text) + 1):
        if t == len(text) or levels[t] != levels[start]:
            chunk = html.escape(text[start:t])
            parts.append(f"<span style='background:{_colour(levels[start])}'>{chunk}</span>")
            start = t
    return (
        "<pre style='font-size:12px;line-height:1.35;white-space:pre-wrap;"
        "max-height:360px;overflow-y:auto'>" + "".join(parts) + "</pre>"
    )


class CellActivations(LabWidget):
    """Pick a signal (c, h or a gate) and a cell; see it over the text and beside a feature.

    Inputs:
    - acts: rnnviz.charlm.interpret.Activations of a model over a text
    - signal, cell: what to show first (a key of acts.signals; a cell in 0..H-1)
    - feature: the text feature drawn beside it, a key of rnnviz.charlm.interpret.FEATURES
    - shown_chars: how many characters of the text (at most) to colour and plot
    NaN/inf activations are drawn as gaps in the line and grey in the text.
    """

    def __init__(
        self,
        acts: Activations,
        signal: str = "c",
        cell: int = 0,
        feature: str = "in_string",
        shown_chars: int = 1500,
    ):
        super().__init__()
        if not isinstance(acts, Activations):
            raise TypeError(
                f"acts must be rnnviz.charlm.interpret.Activations, got {type(acts).__name__}"
            )
        shown_chars = checks.positive_int("shown_chars", shown_chars)
        if not acts.text or not acts.signals:
            raise ValueError("acts must hold a non-empty text and at least one signal")
        self.text = acts.text[:shown_chars]
        self.signals = {}
        for name, values in acts.signals.items():
            checks.array(f"acts.signals[{name!r}]", values, ndim=2, finite=False)
            if values.shape[0] < len(self.text) or values.shape[1] < 1:
                raise ValueError(
                    f"acts.signals[{name!r}] must have shape (T >= "
                    f"{len(self.text)}, H >= 1), got {values.shape}"
                )
            self.signals[name] = values[: len(self.text)]
        self.features = text_features(self.text)
        hidden = next(iter(self.signals.values())).shape[1]
        self.signal = dropdown(
            "signal",
            signal,
            [(SIGNAL_NAMES.get(n, n), n) for n in self.signals],
            description="signal",
        )
        self.cell = int_slider(
            "cell", cell, 0, hidden - 1, description="cell", continuous_update=False
        )
        self.feature = dropdown(
            "feature", feature, [(v, k) for k, v in FEATURES.items()], description="feature"
        )
        self.controls = [self.signal, self.cell, self.feature]
        self.output = widgets.HTML()
        fig = make_subplots(specs=[[{"secondary_y": True}]])
        fig.add_scatter(
            x=[],
            y=[],
            mode="lines",
            name="cell",
            secondary_y=False,
            line=dict(color=MODEL_COLORS["lstm"], width=1.2),
        )
        fig.add_scatter(
            x=[],
            y=[],
            mode="lines",
            name="feature",
            secondary_y=True,
            line=dict(color="#7f7f7f", width=1, dash="dot"),
        )
        fig.update_layout(
            template=FIGURE_TEMPLATE,
            height=280,
            margin=dict(l=60, r=60, t=50, b=40),
            xaxis_title="character",
            legend=dict(orientation="h", y=-0.25),
        )
        self.figure = go.FigureWidget(fig)
        self._finish(extra=[self.output])

    def compute(self) -> dict:
        """The chosen cell's values, the chosen feature, and their correlation."""
        values = self.signals[self.signal.value][:, self.cell.value]  # (T,)
        feature = self.features[self.feature.value]  # (T,)
        finite = np.isfinite(values)
        r = (
            correlations(values[:, None], {"f": feature})["f"][0] if finite.all() else np.nan
        )  # no correlation with a NaN/inf in the series
        return {"values": values, "feature": feature, "r": float(r)}

    def draw(self, data) -> None:
        signal = self.signal.value
        values = data["values"]
        if signal in SIGMOID_SIGNALS:  # a gate in (0, 1): half-open is the neutral colour
            shown, scale = values - 0.5, 0.5
        else:
            shown, scale = values, max(finite_max(np.abs(values), 0.0), 1e-6)
        self.output.value = coloured_text_html(self.text, shown, scale)
        steps = list(range(len(values)))
        self.figure.data[0].x, self.figure.data[0].y = steps, gaps(values)
        self.figure.data[0].name = f"{signal} cell {self.cell.value}"
        self.figure.data[1].x, self.figure.data[1].y = steps, data["feature"]
        self.figure.data[1].name = FEATURES[self.feature.value]
        self.figure.layout.title = (
            f"{SIGNAL_NAMES.get(signal, signal)}, cell "
            f"{self.cell.value}: r = {data['r']:+.3f} with "
            f"{FEATURES[self.feature.value]} (on this text)"
        )
