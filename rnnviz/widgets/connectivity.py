"""Connectivity: pick an output step t; every character the model read is coloured by how
much it moves the prediction at t, ||dy_t/dx_k||, on a log scale.

Madsen's picture ("Visualizing memorization in RNNs", Distill 2019): the text is shown once
per model; a slider chooses t. Characters after t have not been read yet (grey for a
one-directional model). Several models (an RNN, an LSTM and a GRU) can be shown on the same
text, one above the other, under one slider. Below the texts, the same numbers as lines
against k, one a model, with t marked.

The whole T x T matrix of every model is computed once (rnnviz.gradients.model_gradients.
connectivity) and sent once; the slider only picks a row in the browser (rnnviz.widgets.
renderer).
"""

import numpy as np

from rnnviz.gradients.model_gradients import connectivity
from rnnviz.models.foreign import cell_of, find_core
from rnnviz.style import MODEL_MARKER_GAP, STEP_COLOR, model_style
from rnnviz.widgets.controls import int_slider
from rnnviz.widgets.renderer import (
    CharsPanel,
    ChartWidget,
    Ref,
    Series,
    XYPanel,
    char_codes,
    frames,
    log10_or_edge,
    text_rows,
)

WIDTH = 940
TEXT_LEFT, TEXT_WIDTH = 10, 820
CHAR_WIDTH, LINE_HEIGHT = 7.2, 15
LINES_HEIGHT = 170
DECADES = 8  # the colour scale's span below the largest value, in orders of magnitude
# A model's line, told apart without colour by its dash (two LSTMs too) and its model's marker.
DASHES = ([], [6, 4], [2, 3], [8, 3, 2, 3])
NOT_READ = "rgb(225,225,225)"


def _models(model):
    """{label: module} from one module or a dict of them."""
    if isinstance(model, dict):
        if not model or not all(isinstance(k, str) and k for k in model):
            raise ValueError("model must be a module or a non-empty dict {label: module}")
        return dict(model)
    return {None: model}


class Connectivity(ChartWidget):
    """||dy_t/dx_k|| of one or several user's models over one text, t on a slider.

    Inputs:
    - model: a torch.nn.RNN/LSTM/GRU or a module holding one (see rnnviz.models.foreign.
      trace), or a dict {label: model} of several shown side by side on the same input
    - x: their input, one sequence (batch 1: (1, T) token ids, or (1, T, D) values)
    - text: the T characters to show (default: a dot a step)
    - output: as connectivity ("norm", an int, or (1, T) targets: the true next tokens)
    - step: the output position t shown first (0..T-1)
    - core: as trace, for a single model
    Attributes: step (the slider), matrices {label: (T, T) ||dy_t/dx_k||}, text, data
    (compute(): the row of every model for the slider's t).
    Raises: TypeError/ValueError naming model, x, text, output, step or core.
    """

    def __init__(self, model, x, text=None, output="norm", step=None, core=None):
        super().__init__()
        models = _models(model)
        self.matrices, self.cells = {}, {}
        for label, module in models.items():
            result = connectivity(module, x, output=output, core=core if label is None else None)
            if result.shape[0] != 1:
                raise ValueError(f"x must hold one sequence (batch 1), got {result.shape[0]}")
            name = label or "model"
            self.matrices[name] = result[0]
            self.cells[name] = cell_of(find_core(module, core if label is None else None)[1])
        T = next(iter(self.matrices.values())).shape[0]
        if text is None:
            text = "\u00b7" * T
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        if len(text) != T:
            raise ValueError(f"text must have one character a step, T = {T}, got {len(text)}")
        self.text = text
        step = T - 1 if step is None else step
        self.step = int_slider(
            "step", step, 0, T - 1, description="output t", continuous_update=True
        )
        self.controls = [self.step]
        self._show(T)
        self._finish()

    def compute(self) -> dict:
        """{label: (T,) ||dy_t/dx_k|| over k} for the slider's t."""
        return {name: m[self.step.value] for name, m in self.matrices.items()}

    @property
    def data(self) -> dict:
        """compute() for the slider's current value (what the browser shows)."""
        return self.compute()

    def _show(self, T):
        names = list(self.matrices)
        future = np.triu(np.ones((T, T), dtype=bool), 1)  # [t, k]: k after t
        logs, data, finite = {}, {}, []
        for name in names:
            m = self.matrices[name]
            one_way = np.all(m[future] == 0)
            log = log10_or_edge(m)  # NaN (NaN weights) -> +inf, drawn as not finite
            log[np.isnan(m)] = np.nan
            if one_way:
                log[future] = np.nan  # not read yet: a gap and the grey of the text
            logs[name] = log
            finite.append(log[np.isfinite(log)])
        every = np.concatenate(finite)
        hi = float(every.max()) if every.size else 0.0
        lo = max(float(every.min()), hi - DECADES) if every.size else -1.0
        lo = min(lo, hi - 1e-3)
        # An exact zero among the characters read is the scale's bottom, not "not read".
        for j, name in enumerate(names):
            data[f"values_{j}"] = frames(
                np.where(np.isneginf(logs[name]), lo, logs[name]), ["step"]
            )
        data["chars"] = frames(char_codes([self.text])[0], [])
        data["t_no"] = frames(np.arange(T)[:, None], ["step"])
        data["t_char"] = frames(char_codes([repr(ch) for ch in self.text]), ["step"])
        rows = text_rows(self.text, int(TEXT_WIDTH // CHAR_WIDTH))
        text_height = rows * LINE_HEIGHT
        panels, top = [], 40
        for j, name in enumerate(names):
            nan = " (NaN in the model: no gradient)" if np.isnan(self.matrices[name]).any() else ""
            panels.append(
                CharsPanel(
                    [TEXT_LEFT, top, TEXT_WIDTH, text_height],
                    Ref("chars"),
                    values=Ref(f"values_{j}"),
                    scale="Viridis",
                    crange=[lo, hi],
                    title=f"{name}: log10 ||dy_t/dx_k|| for t = {{t_no:.0f}} "
                    f"({{t_char:chars}}){nan}",
                    char_width=CHAR_WIDTH,
                    line_height=LINE_HEIGHT,
                    colorbar="log10 ||dy_t/dx_k||" if j == 0 else None,
                    value_label="log10 ||dy_t/dx_k|| = ",
                    missing_color=NOT_READ,
                )
            )
            top += text_height + 45
        looks = [model_style(name) or model_style(self.cells[name]) for name in names]
        series = [
            Series(
                name=name,
                data=Ref(f"values_{j}"),
                x0=0,
                dx=1,
                color=look["color"],
                dash=DASHES[j % len(DASHES)],
                width=1.5,
                markers=True,
                marker_gap=MODEL_MARKER_GAP,
                symbol=look["symbol"],
            )
            for j, (name, look) in enumerate(zip(names, looks))
        ]
        panels.append(
            XYPanel(
                [60, top + 10, 770, LINES_HEIGHT],
                series,
                title="||dy_t/dx_k|| against the input step k (t marked)",
                x_title="input step k",
                x_label="k",
                y_title="||dy_t/dx_k||",
                y_log=True,
                y_range=[lo, hi + 0.2],
                x_range=[0, max(T - 1, 1)],
                marks=[dict(control="step", color=STEP_COLOR, dash=[3, 3], width=1)],
            )
        )
        spec = {
            "width": WIDTH,
            "height": top + LINES_HEIGHT + 70,
            "controls": {"step": {"grid": list(range(T))}},
            "panels": panels,
            "legend": [
                dict(name=s.name, color=s.color, dash=s.dash, marker=s.symbol) for s in series
            ]
            + [dict(name="not read yet", color=NOT_READ, symbol="\u25a0")],
        }
        self.chart.show(spec, data, controls={"step": self.step})
