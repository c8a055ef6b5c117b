"""GradientFlow: watch the gradient travel back through time in an RNN, an LSTM and a GRU.

Top row, one panel a model: ||dL/dh_t|| against t on a log scale (and ||dL/dc_t|| for the
LSTM), with Pascanu's bound over the vanilla RNN. Bottom row: the unrolled chain of states,
each coloured by the log of its gradient's norm. Play sends the gradient pulse from the loss
at step T back to step 1; it fades as the gradient shrinks. Every slider recomputes the
flow (rnnviz.gradients.flow.gradient_flow) and updates the figure in place; the animation only
restyles what is already computed.
"""

import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnnviz import checks
from rnnviz.gradients.flow import DTYPES, LOSSES, gradient_flow
from rnnviz.models.weight_init import INITS
from rnnviz.style import (
    FIGURE_TEMPLATE,
    MAGNITUDE_SCALE,
    MODEL_COLORS,
    OVERFLOW_COLOR,
    UNDERFLOW_COLOR,
)
from rnnviz.widgets.base import LabWidget

PANELS = ("rnn", "lstm", "gru")
NAMES = {"rnn": "vanilla RNN", "lstm": "LSTM", "gru": "GRU"}
# The chain's rows, top to bottom: (model, state, y position).
CHAIN_ROWS = (("rnn", "h", 3), ("lstm", "h", 2), ("lstm", "c", 1), ("gru", "h", 0))
UNSEEN_OPACITY = 0.12  # states the backward pulse has not reached yet
FADE_DECADES = 12  # a pulse that has lost this many orders of magnitude is fully faded
SPACING = 0.06
LOG10_SMALLEST, LOG10_LARGEST = -320.0, 308.0  # float64 reaches 4.9e-324 and 1.8e308


def _log10(values):
    """log10 of the positive finite entries, NaN elsewhere. Returns float64, same shape."""
    v = np.asarray(values, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.isfinite(v) & (v > 0), np.log10(v), np.nan)


class GradientFlow(LabWidget):
    """Side-by-side gradient norms through time, an unrolled chain, and a backward pulse.

    Inputs (the controls' starting values): seq_len T (2..1000), hidden_size, spectral_radius
    (0.1..2), init, nonlinearity (the RNN's), forget_bias (the LSTM's, -3..5), loss
    ("last" | "all"), dtype ("float64" | "float32"), show_gru, jacobians (draw the RNN's
    ||dh_T/dh_t||_2 too), seed.
    Attributes: controls, play and step (the animation), figure (one FigureWidget),
    data {"rnn": Flow, "lstm": Flow, "gru": Flow or None}.
    """

    title = "gradient flow"

    def __init__(self, seq_len=100, hidden_size=32, spectral_radius=0.9, init="gaussian",
                 nonlinearity="tanh", forget_bias=0.0, loss="last", dtype="float64",
                 show_gru=False, jacobians=False, seed=0):
        super().__init__()
        checks.positive_int("seq_len", seq_len, minimum=2)
        if seq_len > 1000:
            raise ValueError(f"seq_len must be an int in [2, 1000], got {seq_len}")
        checks.positive_int("hidden_size", hidden_size, minimum=2)
        if hidden_size > 128:
            raise ValueError(f"hidden_size must be an int in [2, 128], got {hidden_size}")
        checks.real_number("spectral_radius", spectral_radius, low=0.1, high=2.0)
        checks.choice("init", init, INITS)
        checks.choice("nonlinearity", nonlinearity, {"tanh", "relu"})
        checks.real_number("forget_bias", forget_bias, low=-3.0, high=5.0)
        checks.choice("loss", loss, LOSSES)
        checks.choice("dtype", dtype, DTYPES)
        self.seed = checks.positive_int("seed", seed, minimum=0)
        self._cache = {}
        self._sent = {}
        self._animating = False

        # continuous_update: the figure follows a slider while it is dragged, not only on
        # release (an event costs a few ms of kernel time, benchmarks/bench_flow.py).
        wide = dict(style={"description_width": "initial"}, layout=widgets.Layout(width="250px"))
        self.seq_len = widgets.IntSlider(seq_len, min=2, max=1000, description="steps T",
                                         continuous_update=True, **wide)
        self.hidden_size = widgets.IntSlider(hidden_size, min=2, max=128, description="hidden H",
                                             continuous_update=True, **wide)
        self.spectral_radius = widgets.FloatSlider(
            spectral_radius, min=0.1, max=2.0, step=0.05, description="RNN radius rho",
            continuous_update=True, **wide)
        self.init = widgets.Dropdown(options=list(INITS), value=init, description="RNN init",
                                     **wide)
        self.nonlinearity = widgets.Dropdown(options=["tanh", "relu"], value=nonlinearity,
                                             description="RNN phi", **wide)
        self.forget_bias = widgets.FloatSlider(
            forget_bias, min=-3.0, max=5.0, step=0.5, description="LSTM forget bias",
            continuous_update=True, **wide)
        self.loss = widgets.Dropdown(options=[("last step", "last"), ("every step", "all")],
                                     value=loss, description="loss on", **wide)
        self.dtype = widgets.Dropdown(options=list(DTYPES), value=dtype, description="precision",
                                      **wide)
        self.show_gru = widgets.Checkbox(show_gru, description="show the GRU", indent=False,
                                         layout=widgets.Layout(width="150px"))
        self.jacobians = widgets.Checkbox(jacobians, description="RNN ||dh_T/dh_t||",
                                          indent=False, layout=widgets.Layout(width="170px"))
        self.controls = [self.seq_len, self.hidden_size, self.spectral_radius, self.init,
                         self.nonlinearity, self.forget_bias, self.loss, self.dtype,
                         self.show_gru, self.jacobians]

        # The animation: Play counts 1..T and the pulse sits at step T + 1 - count; count 0
        # is the resting picture (the whole chain lit, the pulse at step 1).
        self.play = widgets.Play(value=0, min=0, max=seq_len, interval=60,
                                 description="Play the backward pass")
        self.step = widgets.IntSlider(1, min=1, max=seq_len, description="pulse at t",
                                      **wide)
        self.play.observe(self._on_play, names="value")
        self.step.observe(self._on_step, names="value")
        animation = widgets.HBox([self.play, self.step,
                                  widgets.Label("Play sends the gradient from step T back to 1")])

        self.figure = self._build_figure()
        self._finish(extra=[animation])

    # --- the figure, built once ---------------------------------------------------------
    def _build_figure(self):
        fig = make_subplots(
            rows=2, cols=3, specs=[[{}, {}, {}], [{"colspan": 3}, None, None]],
            row_heights=[0.66, 0.34], horizontal_spacing=SPACING, vertical_spacing=0.14,
            subplot_titles=(NAMES["rnn"], NAMES["lstm"], NAMES["gru"], "unrolled chain"),
        )
        self.trace = {}

        def add(key, row, col, along_t=False, **kw):
            # A trace with a value at every step t = 1..T takes its x from x0 and dx, so a
            # slider event sends only the values that changed.
            self.trace[key] = len(fig.data)
            xs = dict(x0=1, dx=1) if along_t else dict(x=[])
            fig.add_scatter(row=row, col=col, y=[], **xs, **kw)

        # Trace 0 is the vanilla RNN's ||dL/dh_t|| (the browser test reads it).
        for col, model in enumerate(PANELS, start=1):
            color = MODEL_COLORS[model]
            add((model, "h"), 1, col, True, mode="lines", line=dict(color=color, width=2.5),
                name=f"{NAMES[model]} ||dL/dh_t||")
            if model == "rnn":
                add("bound", 1, col, True, mode="lines", line=dict(color=color, dash="dash"),
                    opacity=0.6, name="Pascanu bound")
                add("jacobian", 1, col, True, mode="lines", line=dict(color=color, dash="dot"),
                    name="||dh_T/dh_t||_2")
            if model == "lstm":
                add(("lstm", "c"), 1, col, True, mode="lines", line=dict(color=color, dash="dash"),
                    name="LSTM ||dL/dc_t||")
        for col, model in enumerate(PANELS, start=1):
            add(("under", model), 1, col, mode="markers+text", text=[], textposition="top center",
                marker=dict(color=UNDERFLOW_COLOR, symbol="triangle-down", size=9),
                cliponaxis=False, name="0: underflow", legendgroup="under",
                showlegend=model == "rnn", textfont=dict(color=UNDERFLOW_COLOR, size=10))
            add(("over", model), 1, col, mode="markers+text", text=[],
                textposition="bottom center", cliponaxis=False, legendgroup="over",
                marker=dict(color=OVERFLOW_COLOR, symbol="triangle-up", size=9),
                name="inf/NaN: overflow", showlegend=model == "rnn",
                textfont=dict(color=OVERFLOW_COLOR, size=10))
            add(("pulse", model), 1, col, mode="markers", showlegend=False, hoverinfo="skip",
                marker=dict(color=MODEL_COLORS[model], size=16,
                            line=dict(color="white", width=2)))
        for model, state, _ in CHAIN_ROWS:
            add(("chain", model, state), 2, 1, True, mode="lines+markers",
                showlegend=False,
                line=dict(color="#dddddd", width=1),
                marker=dict(symbol="square", coloraxis="coloraxis", color=[]),
                hovertemplate=f"{NAMES[model]} {state}_%{{x}}: "
                              "log10 ||grad|| = %{marker.color:.1f}<extra></extra>")
        add(("chain", "under"), 2, 1, mode="markers", name="0: underflow", showlegend=False,
            marker=dict(color=UNDERFLOW_COLOR, symbol="x-thin-open", size=7))
        add(("chain", "over"), 2, 1, mode="markers", name="inf/NaN", showlegend=False,
            marker=dict(color=OVERFLOW_COLOR, symbol="x", size=7))
        add(("chain", "pulse"), 2, 1, mode="markers", showlegend=False, hoverinfo="skip",
            marker=dict(symbol="circle-open", color="black", size=16, line=dict(width=2)))

        fig.update_layout(
            template=FIGURE_TEMPLATE, height=640, width=980, margin=dict(l=60, r=20, t=60, b=40),
            legend=dict(orientation="h", y=-0.08, x=0),
            # Transparent plot areas: the hidden GRU panel must not paint over the LSTM one.
            plot_bgcolor="rgba(0,0,0,0)",
            coloraxis=dict(colorscale=MAGNITUDE_SCALE, colorbar=dict(
                title=dict(text="log10 ||grad||", side="right"), len=0.3, y=0.14,
                thickness=12)),
        )
        for col in (1, 2, 3):
            fig.update_yaxes(type="log", exponentformat="power", row=1, col=col)
            fig.update_xaxes(title_text="step t", row=1, col=col)
        fig.update_yaxes(title_text="||dL/dh_t||", row=1, col=1)
        fig.update_xaxes(title_text="step t  (the loss is at T; the gradient flows right to left)",
                         row=2, col=1)
        fig.update_yaxes(tickvals=[y for *_, y in CHAIN_ROWS], zeroline=False, showgrid=False,
                         ticktext=[f"{NAMES[m]} {s}" for m, s, _ in CHAIN_ROWS], row=2, col=1)
        return go.FigureWidget(fig)

    # --- compute: plain rnnviz.gradients.flow calls, cached per model -----------------------------
    def _flow(self, model, **knobs):
        key = (model, tuple(sorted(knobs.items())))
        if self._cache.get(model, (None,))[0] != key:
            self._cache[model] = (key, gradient_flow(model, seed=self.seed, **knobs))
        return self._cache[model][1]

    def compute(self):
        """The three models' flows for the controls' values. Returns dict model -> Flow."""
        common = dict(seq_len=self.seq_len.value, hidden_size=self.hidden_size.value,
                      loss=self.loss.value, dtype=self.dtype.value)
        return {
            "rnn": self._flow("rnn", spectral_radius=self.spectral_radius.value,
                              init=self.init.value, nonlinearity=self.nonlinearity.value,
                              jacobians=self.jacobians.value, **common),
            "lstm": self._flow("lstm", forget_bias=self.forget_bias.value, **common),
            "gru": self._flow("gru", **common) if self.show_gru.value else None,
        }

    # --- draw: in-place plotly_update calls, only what changed -----------------------
    # Assigning trace properties one by one costs ~20 ms an event in plotly's validators;
    # collecting the changed values into Figure.plotly_update calls (still in place, one per
    # set of properties) keeps a slider event within the 10 ms budget (bench_flow.py).
    def draw(self, data):
        rnn, lstm, gru = data["rnn"], data["lstm"], data["gru"]
        T = rnn.grad_h.shape[1]
        t = np.arange(1, T + 1, dtype=np.float64)  # float: sent as a typed array, not a list
        series = {("rnn", "h"): rnn.grad_h[0], ("lstm", "h"): lstm.grad_h[0],
                  ("lstm", "c"): lstm.grad_c[0]}
        if gru is not None:
            series[("gru", "h")] = gru.grad_h[0]
        shown = list(series.values())
        if self.jacobians.value:
            shown.append(rnn.jacobian[0])
        lo, hi = _log_range(shown)
        self._range = (lo, hi)
        edge = 0.02 * (hi - lo)
        up = _Update(self._sent)

        for key, values in series.items():
            up.trace(self.trace[key], y=_finite_or_nan(values))
        up.trace(self.trace["bound"], y=_finite_or_nan(rnn.bound[0]))
        jac = _finite_or_nan(rnn.jacobian[0]) if self.jacobians.value else np.zeros(0)
        up.trace(self.trace["jacobian"], y=jac, visible=self.jacobians.value)

        for col, model in enumerate(PANELS, start=1):
            under = np.zeros(T, bool)
            over = np.zeros(T, bool)
            for (m, _), v in series.items():
                if m == model:
                    under |= v == 0
                    over |= ~np.isfinite(v)
            up.trace(self.trace[("under", model)], x=t[under], text=_edge_labels(under, "0"),
                     y=np.full(under.sum(), 10 ** (lo + edge)))
            up.trace(self.trace[("over", model)], x=t[over], text=_edge_labels(over, "inf/NaN"),
                     y=np.full(over.sum(), 10 ** (hi - edge)))
            suffix = "" if col == 1 else str(col)
            up.layout[f"yaxis{suffix}.range"] = [lo, hi]
            up.layout[f"xaxis{suffix}.range"] = [0.5, T + 0.5]

        size = float(np.clip(700 / T, 2.5, 12))
        self._chain_logs = {}
        marks = {"under": ([], []), "over": ([], [])}
        for model, state, y in CHAIN_ROWS:
            values = series.get((model, state))
            index = self.trace[("chain", model, state)]
            if values is None:
                up.trace(index, visible=False)
                continue
            log = _log10(values)
            self._chain_logs[(model, state)] = log
            up.trace(index, visible=True, y=np.full(T, float(y)), **{
                "marker.color": np.nan_to_num(log, nan=lo), "marker.size": size})
            for kind, mask in (("under", values == 0), ("over", ~np.isfinite(values))):
                marks[kind][0].append(t[mask])
                marks[kind][1].append(np.full(mask.sum(), float(y)))
        for kind, (xs, ys) in marks.items():
            up.trace(self.trace[("chain", kind)], x=np.concatenate(xs), y=np.concatenate(ys))
        up.layout["coloraxis.cmin"], up.layout["coloraxis.cmax"] = lo, hi
        up.layout["xaxis4.range"] = [0.5, T + 0.5]
        up.layout["yaxis4.range"] = [-0.5, 3.5] if gru is not None else [0.5, 3.5]

        self._titles(up, data)
        self._columns(up, gru is not None)
        self._reset_animation(T)
        self._draw_pulse(up, self.step.value)
        up.send(self.figure)

    def _titles(self, up, data):
        rnn, lstm, gru = data["rnn"], data["lstm"], data["gru"]
        text = [
            f"vanilla RNN: s = {rnn.top_singular_value:.2f}, "
            f"h_1/h_T = {rnn.ratio('h')[0]:.1e}",
            f"LSTM: c_1/c_T = {lstm.ratio('c')[0]:.1e}",
            f"GRU: h_1/h_T = {gru.ratio('h')[0]:.1e}" if gru is not None else "GRU",
            "unrolled chain: colour = log10 of the gradient's norm at each state",
        ]
        for i, words in enumerate(text):
            up.layout[f"annotations[{i}].text"] = words

    def _columns(self, up, with_gru):
        """Two panels side by side, or three with the GRU: move the axes, never rebuild."""
        n = 3 if with_gru else 2
        width = (1 - SPACING * (n - 1)) / n
        for col in (1, 2, 3):
            start = (col - 1) * (width + SPACING)
            visible = col <= n
            suffix = "" if col == 1 else str(col)
            if visible:
                up.layout[f"xaxis{suffix}.domain"] = [start, start + width]
                up.layout[f"annotations[{col - 1}].x"] = start + width / 2
            up.layout[f"xaxis{suffix}.visible"] = visible
            up.layout[f"yaxis{suffix}.visible"] = visible
            up.layout[f"annotations[{col - 1}].visible"] = visible
        for key in (("gru", "h"), ("under", "gru"), ("over", "gru"), ("pulse", "gru")):
            up.trace(self.trace[key], visible=with_gru)

    # --- the animation: restyle only --------------------------------------------------
    def _reset_animation(self, T):
        self._animating = True
        try:
            self.play.playing = False
            self.play.max = T
            self.play.step = max(1, T // 120)  # about 120 frames whatever T is
            self.play.value = 0
            self.step.max = T
            self.step.value = 1
        finally:
            self._animating = False

    def _on_play(self, change):
        if not self._animating:
            count = change["new"]
            self.step.value = self.step.max + 1 - count if count > 0 else 1

    def _on_step(self, change):
        if not self._animating and self.data is not None:
            up = _Update(self._sent)
            self._draw_pulse(up, change["new"])
            up.send(self.figure)

    def _draw_pulse(self, up, k):
        """The gradient has travelled back to step k: light the states it reached, fade it."""
        lo, hi = self._range
        T = len(next(iter(self._chain_logs.values())))
        reached = np.where(np.arange(1, T + 1) >= k, 1.0, UNSEEN_OPACITY)
        for key in self._chain_logs:
            up.trace(self.trace[("chain", *key)], **{"marker.opacity": reached})
        rows = []
        for model, state, y in CHAIN_ROWS:
            log = self._chain_logs.get((model, state))
            if log is None or (model == "lstm" and state == "h"):
                continue  # one pulse a model: the LSTM's rides on its cell state
            here, start = log[k - 1], log[T - 1]
            if np.isfinite(here):
                lost = start - here if np.isfinite(start) else 0.0
                fade = float(np.clip(1 - lost / FADE_DECADES, 0.08, 1))
                at = 10**here
            else:  # underflowed or overflowed: drawn on the edge it went through
                flow = self.data[model]
                zero = (flow.grad_c if state == "c" else flow.grad_h)[0, k - 1] == 0
                fade, at = 0.08, 10 ** (lo if zero else hi)
            up.trace(self.trace[("pulse", model)], x=[k], y=[at],
                     **{"marker.opacity": fade, "marker.size": 8 + 10 * fade})
            rows.append(y)
        up.trace(self.trace[("chain", "pulse")], x=[k] * len(rows), y=rows)


class _Update:
    """One event's changes, sent as in-place Figure.plotly_update calls (a few per event).

    `sent` remembers what the figure already holds, so a value that did not change costs
    nothing (plotly's own path checks cost ~0.1 ms a property).
    """

    def __init__(self, sent):
        self.sent = sent
        self.traces: dict[int, dict] = {}
        self.layout: dict = {}

    def trace(self, index, **props):
        self.traces.setdefault(index, {}).update(props)

    def _changed(self, where, key, value):
        key_in_figure = (where, key)
        if key_in_figure in self.sent and _same(self.sent[key_in_figure], value):
            return False
        self.sent[key_in_figure] = value
        return True

    def send(self, figure):
        changes = {}
        for index, props in self.traces.items():
            for key, value in props.items():
                if self._changed(index, key, value):
                    changes.setdefault(index, {})[key] = value
        layout = {k: v for k, v in self.layout.items() if self._changed("layout", k, v)}
        # One Plotly.update per set of properties: plotly 7's front end drops a property from
        # a trace that an update lists as "_undefined_" (see rnnviz.widgets.base.batch_update).
        groups: dict[frozenset, list[int]] = {}
        for index, props in changes.items():
            groups.setdefault(frozenset(props), []).append(index)
        for keys, indexes in groups.items():
            restyle = {key: [changes[i][key] for i in indexes] for key in keys}
            figure.plotly_update(restyle_data=restyle, relayout_data=layout,
                                 trace_indexes=indexes)
            layout = {}
        if layout:
            figure.plotly_update(relayout_data=layout)


def _same(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape or a.dtype.kind != b.dtype.kind:
            return False
        return bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))
    return type(a) is type(b) and a == b


def _log_range(series):
    """A shared log10 axis range around every positive finite value, at least 3 decades."""
    logs = np.concatenate([_log10(v) for v in series])
    if not np.isfinite(logs).any():
        return -1.5, 1.5
    lo, hi = np.nanmin(logs), np.nanmax(logs)
    pad = max(0.5, 0.06 * (hi - lo))
    lo, hi = lo - pad, hi + pad
    if hi - lo < 3:
        lo, hi = (lo + hi) / 2 - 1.5, (lo + hi) / 2 + 1.5
    # Keep the edges (where the 0 and inf markers sit) inside float64's range.
    return float(max(lo, LOG10_SMALLEST)), float(min(hi, LOG10_LARGEST))


def _finite_or_nan(values):
    """A line's y values: positive finite entries, NaN (a gap) elsewhere."""
    v = np.asarray(values, dtype=np.float64)
    return np.where(np.isfinite(v) & (v > 0), v, np.nan)


def _edge_labels(mask, word):
    """Label the first marker of each run of edge markers, so the edge says what it means."""
    idx = np.flatnonzero(mask)
    labels = np.full(len(idx), "", dtype=object)
    if len(idx):
        labels[0] = word
    return list(labels)
