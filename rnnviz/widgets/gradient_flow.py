"""GradientFlow: watch the gradient travel back through time in an RNN, an LSTM and a GRU.

Top row, one panel a model: ||dL/dh_t|| against t on a log scale (and ||dL/dc_t|| for the
LSTM), with Pascanu's bound over the vanilla RNN. Bottom row: the unrolled chain of states,
each coloured by the log of its gradient's norm. Play sends the gradient pulse from the loss
at step T back to step 1; it fades as the gradient shrinks.

The hot sliders (the RNN's spectral radius, the LSTM's forget bias, the pulse) are answered
in the browser: the kernel computes the flow (rnnviz.gradients.flow.gradient_flow) at every
position of their grids and the renderer (rnnviz.widgets.renderer) picks the frame. The
other controls (T, H, init, phi, loss, precision, the GRU, the Jacobians) recompute here: the
current frame first, then the whole grid.
"""

import ipywidgets as widgets
import numpy as np

from rnnviz import checks
from rnnviz.gradients.flow import DTYPES, LOSSES, gradient_flow
from rnnviz.models.weight_init import INITS
from rnnviz.style import MAGNITUDE_SCALE, MODEL_COLORS, OVERFLOW_COLOR, UNDERFLOW_COLOR
from rnnviz.widgets.controls import float_slider, int_slider
from rnnviz.widgets.model_flow import ModelGradientFlow
from rnnviz.widgets.renderer import (
    ChartWidget,
    close_models,
    frames,
    grid_boxes,
    heatmap_panel,
    lines_panel,
    log10_or_edge,
    span,
)

PANELS = ("rnn", "lstm", "gru")
NAMES = {"rnn": "vanilla RNN", "lstm": "LSTM", "gru": "GRU"}
# The chain's rows, top to bottom: (model, state, y position).
CHAIN_ROWS = (("rnn", "h", 3), ("lstm", "h", 2), ("lstm", "c", 1), ("gru", "h", 0))
UNSEEN_OPACITY = 0.12  # states the backward pulse has not reached yet
FADE_DECADES = 12  # a pulse that has lost this many orders of magnitude is fully faded
# The caps, from the time budget (rnnviz.checks.WIDGET_SECONDS): a build runs one backward
# pass a radius and a forget bias (56), each O(T H^2). Measured on 2 cores shared at load 10:
# T = 1000, H = 64 took 6 s (a few times the budget, as everything there did); T = 300,
# H = 128 took 32 s, so H = 128 is past any budget.
MAX_SEQ_LEN, MAX_HIDDEN = 1000, 64
RADII = np.round(np.arange(0.1, 2.0001, 0.05), 2)  # the radius slider's positions
FORGET_BIASES = np.arange(-3.0, 5.0001, 0.5)  # the forget-bias slider's positions
WIDTH, HEIGHT = 980, 600
PLAY_SECONDS = 2.0  # the pulse's trip from T back to 1


def pulse_fade(log_norms):
    """The pulse's opacity at each step: how much of the gradient it set out with is left.

    Inputs: log_norms (..., T) log10 ||dL/d state_t|| (-inf/+inf where it left float's range).
    Returns: (..., T) opacity in [0.08, 1]: 1 at T, fading by 1/12 a lost decade; 0.08 where
    the value is not finite.
    """
    start = log_norms[..., -1:]
    lost = np.where(np.isfinite(start), start - log_norms, 0.0)
    fade = np.clip(1 - lost / FADE_DECADES, 0.08, 1)
    return np.where(np.isfinite(log_norms), fade, 0.08)


class GradientFlow(ChartWidget):
    """Side-by-side gradient norms through time, an unrolled chain, and a backward pulse.

    Inputs (the controls' starting values): seq_len T (2..1000), hidden_size (2..64),
    spectral_radius (0.1..2, step 0.05), init, nonlinearity (the RNN's), forget_bias (the
    LSTM's, -3..5, step 0.5), loss ("last" | "all"), dtype ("float64" | "float32"), show_gru,
    jacobians (draw the RNN's ||dh_T/dh_t||_2 too), seed.
    Attributes: controls (ipywidgets; `spectral_radius`, `forget_bias`, ... by name), step
    (the pulse's position t), chart (the renderer), data {"rnn": Flow, "lstm": Flow,
    "gru": Flow or None} for the controls' current values.
    Raises: TypeError/ValueError naming the argument when a starting value is out of range.
    """

    def __init__(
        self,
        seq_len=100,
        hidden_size=32,
        spectral_radius=0.9,
        init="gaussian",
        nonlinearity="tanh",
        forget_bias=0.0,
        loss="last",
        dtype="float64",
        show_gru=False,
        jacobians=False,
        seed=0,
    ):
        super().__init__()
        checks.positive_int("seq_len", seq_len, minimum=2, maximum=MAX_SEQ_LEN)
        checks.positive_int("hidden_size", hidden_size, minimum=2, maximum=MAX_HIDDEN)
        checks.real_number("spectral_radius", spectral_radius, low=0.1, high=2.0)
        checks.choice("init", init, INITS)
        checks.choice("nonlinearity", nonlinearity, {"tanh", "relu"})
        checks.real_number("forget_bias", forget_bias, low=-3.0, high=5.0)
        checks.choice("loss", loss, LOSSES)
        checks.choice("dtype", dtype, DTYPES)
        self.seed = checks.seed("seed", seed)
        show_gru = checks.switch("show_gru", show_gru)
        jacobians = checks.switch("jacobians", jacobians)
        self._cache = {}

        wide = dict(style={"description_width": "initial"}, layout=widgets.Layout(width="250px"))
        # Sliders refuse a value outside their range (rnnviz.widgets.controls), from the
        # constructor or set later from Python, naming the argument.
        self.seq_len = int_slider(
            "seq_len",
            seq_len,
            2,
            MAX_SEQ_LEN,
            description="steps T",
            continuous_update=False,
            **wide,
        )
        self.hidden_size = int_slider(
            "hidden_size",
            hidden_size,
            2,
            MAX_HIDDEN,
            description="hidden H",
            continuous_update=False,
            **wide,
        )
        self.spectral_radius = float_slider(
            "spectral_radius",
            spectral_radius,
            0.1,
            2.0,
            step=0.05,
            description="RNN radius rho",
            continuous_update=True,
            **wide,
        )
        self.init = widgets.Dropdown(
            options=list(INITS), value=init, description="RNN init", **wide
        )
        self.nonlinearity = widgets.Dropdown(
            options=["tanh", "relu"], value=nonlinearity, description="RNN phi", **wide
        )
        self.forget_bias = float_slider(
            "forget_bias",
            forget_bias,
            -3.0,
            5.0,
            step=0.5,
            description="LSTM forget bias",
            continuous_update=True,
            **wide,
        )
        self.loss = widgets.Dropdown(
            options=[("last step", "last"), ("every step", "all")],
            value=loss,
            description="loss on",
            **wide,
        )
        self.dtype = widgets.Dropdown(
            options=list(DTYPES), value=dtype, description="precision", **wide
        )
        self.show_gru = widgets.Checkbox(
            show_gru, description="show the GRU", indent=False, layout=widgets.Layout(width="150px")
        )
        self.jacobians = widgets.Checkbox(
            jacobians,
            description="RNN ||dh_T/dh_t||",
            indent=False,
            layout=widgets.Layout(width="170px"),
        )
        self.controls = [
            self.seq_len,
            self.hidden_size,
            self.spectral_radius,
            self.init,
            self.nonlinearity,
            self.forget_bias,
            self.loss,
            self.dtype,
            self.show_gru,
            self.jacobians,
        ]
        self._wide = wide
        self.step = self._pulse_slider(seq_len)
        cold = [
            self.seq_len,
            self.hidden_size,
            self.init,
            self.nonlinearity,
            self.loss,
            self.dtype,
            self.show_gru,
            self.jacobians,
        ]
        for control in cold:
            control.observe(self._on_cold_change, names="value")
        self._show(full=True)
        self._pulse_row = widgets.HBox(
            [self.step, widgets.Label("Play (top left) sends the gradient from step T back to 1")]
        )
        self._finish(extra=[self._pulse_row])

    @staticmethod
    def from_model(model, x, loss="last", core=None) -> ModelGradientFlow:
        """The flow of a user's own torch model, every layer and direction
        (rnnviz.widgets.model_flow.ModelGradientFlow; inputs as its own)."""
        return ModelGradientFlow(model, x, loss=loss, core=core)

    def _pulse_slider(self, T):
        """The slider of the pulse's step t, 1..T (the Play button animates it), with a layout
        and style of its own, which close with it when T changes."""
        return int_slider(
            "step",
            1,
            1,
            T,
            description="pulse at t",
            style=dict(self._wide["style"]),
            layout=widgets.Layout(width=self._wide["layout"].width),
        )

    # --- compute: plain rnnviz.gradients.flow calls, cached ---------------------------------
    def _flow(self, model, **knobs):
        key = (model, tuple(sorted(knobs.items())))
        if key not in self._cache:
            self._cache[key] = gradient_flow(model, seed=self.seed, **knobs)
        return self._cache[key]

    def _common(self):
        return dict(
            seq_len=self.seq_len.value,
            hidden_size=self.hidden_size.value,
            loss=self.loss.value,
            dtype=self.dtype.value,
        )

    def _rnn(self, radius):
        return self._flow(
            "rnn",
            spectral_radius=float(radius),
            init=self.init.value,
            nonlinearity=self.nonlinearity.value,
            jacobians=self.jacobians.value,
            **self._common(),
        )

    def _lstm(self, forget_bias):
        return self._flow("lstm", forget_bias=float(forget_bias), **self._common())

    def compute(self):
        """The three models' flows for the controls' values. Returns dict model -> Flow."""
        return {
            "rnn": self._rnn(self.spectral_radius.value),
            "lstm": self._lstm(self.forget_bias.value),
            "gru": self._flow("gru", **self._common()) if self.show_gru.value else None,
        }

    @property
    def data(self):
        """compute() for the sliders' current values (what the browser shows)."""
        return self.compute()

    # --- frames for the renderer ------------------------------------------------------------
    def _on_cold_change(self, _change):
        self.chart.busy = True
        self._cache.clear()
        # The frame the student is looking at first (a few ms), then the pulse's slider, then
        # every slider position.
        self._show(full=False)
        T = self.seq_len.value
        if T != self.step.max:
            # A new slider rather than a new max: the browser's slider (noUiSlider in
            # ipywidgets 8.1) keeps its End key on the range it was built with, so after T
            # grew, End would stop at the old T.
            replaced, self.step = self.step, self._pulse_slider(T)
            self._pulse_row.children = (self.step, *self._pulse_row.children[1:])
            self._show(full=True)
            close_models([replaced])  # with its layout and style: no chart names it now
            return
        self.step.value = 1
        self._show(full=True)

    def _show(self, full):
        radii = RADII if full else np.array([self.spectral_radius.value])
        biases = FORGET_BIASES if full else np.array([self.forget_bias.value])
        rnn = [self._rnn(r) for r in radii]
        lstm = [self._lstm(b) for b in biases]
        gru = self._flow("gru", **self._common()) if self.show_gru.value else None
        T = self.seq_len.value
        logs = {
            "rnn_h": np.stack([log10_or_edge(f.grad_h[0]) for f in rnn]),
            "rnn_bound": np.stack([log10_or_edge(f.bound[0]) for f in rnn]),
            "lstm_h": np.stack([log10_or_edge(f.grad_h[0]) for f in lstm]),
            "lstm_c": np.stack([log10_or_edge(f.grad_c[0]) for f in lstm]),
        }
        axes = {"rnn": ["spectral_radius"], "lstm": ["forget_bias"], "gru": []}
        data = {name: frames(v, axes[name[: name.index("_")]]) for name, v in logs.items()}
        data["rnn_fade"] = frames(pulse_fade(logs["rnn_h"]), axes["rnn"])
        data["lstm_fade"] = frames(pulse_fade(logs["lstm_c"]), axes["lstm"])
        data["rnn_stats"] = frames(
            [[f.top_singular_value, f.ratio("h")[0]] for f in rnn], axes["rnn"], dtype="float64"
        )
        data["lstm_stats"] = frames(
            [[f.ratio("c")[0]] for f in lstm], axes["lstm"], dtype="float64"
        )
        if self.jacobians.value:
            data["rnn_jacobian"] = frames(
                np.stack([log10_or_edge(f.jacobian[0]) for f in rnn]), axes["rnn"]
            )
        if gru is not None:
            gru_h = log10_or_edge(gru.grad_h[0])
            data["gru_h"] = frames(gru_h, [])
            data["gru_fade"] = frames(pulse_fade(gru_h), [])
            data["gru_stats"] = frames([gru.ratio("h")[0]], [], dtype="float64")
        grids = {"spectral_radius": radii, "forget_bias": biases, "step": np.arange(1, T + 1)}
        spec = {
            "width": WIDTH,
            "height": HEIGHT,
            "panels": self._panels(T, gru is not None),
            "controls": {name: {"grid": [float(v) for v in g]} for name, g in grids.items()},
            "legend": self._legend(),
            "play": {"control": "step", "label": "\u25b6 Play", "seconds": PLAY_SECONDS},
        }
        self.chart.show(
            spec,
            data,
            controls={
                "spectral_radius": self.spectral_radius,
                "forget_bias": self.forget_bias,
                "step": self.step,
            },
            busy=not full,
        )

    def _panels(self, T, with_gru):
        n = 3 if with_gru else 2
        top = grid_boxes(
            WIDTH,
            HEIGHT,
            rows=2,
            cols=n,
            margin=(105, 80, 50, 45),
            hspace=55,
            vspace=75,
            row_heights=[0.68, 0.32],
        )
        t = dict(x0=1, dx=1)
        rnn_color, lstm_color = MODEL_COLORS["rnn"], MODEL_COLORS["lstm"]
        common = dict(log=True, share="top", x_title="step t", x_label="t")
        rnn_series = [
            dict(
                name="vanilla RNN ||dL/dh_t||",
                data="rnn_h",
                color=rnn_color,
                width=2.5,
                edges=True,
                **t,
            ),
            dict(
                name="Pascanu bound",
                data="rnn_bound",
                color=rnn_color,
                dash=[6, 4],
                opacity=0.6,
                autorange=False,
                **t,
            ),
        ]
        if self.jacobians.value:
            rnn_series.append(
                dict(name="||dh_T/dh_t||_2", data="rnn_jacobian", color=rnn_color, dash=[2, 3], **t)
            )
        panels = [
            lines_panel(
                top[0][0],
                rnn_series,
                y_title="||dL/dh_t||",
                title="vanilla RNN: s = {rnn_stats[0]:.2f}, h_1/h_T = {rnn_stats[1]:.1e}",
                cursor=dict(
                    control="step",
                    x0=1,
                    markers=[dict(data="rnn_h", fade="rnn_fade", color=rnn_color)],
                ),
                **common,
            ),
            lines_panel(
                top[0][1],
                [
                    dict(
                        name="LSTM ||dL/dh_t||",
                        data="lstm_h",
                        color=lstm_color,
                        width=2.5,
                        edges=True,
                        **t,
                    ),
                    dict(
                        name="LSTM ||dL/dc_t||",
                        data="lstm_c",
                        color=lstm_color,
                        dash=[6, 4],
                        edges=True,
                        **t,
                    ),
                ],
                title="LSTM: c_1/c_T = {lstm_stats[0]:.1e}",
                cursor=dict(
                    control="step",
                    x0=1,
                    markers=[dict(data="lstm_c", fade="lstm_fade", color=lstm_color)],
                ),
                **common,
            ),
        ]
        if with_gru:
            gru_color = MODEL_COLORS["gru"]
            panels.append(
                lines_panel(
                    top[0][2],
                    [
                        dict(
                            name="GRU ||dL/dh_t||",
                            data="gru_h",
                            color=gru_color,
                            width=2.5,
                            edges=True,
                            **t,
                        )
                    ],
                    title="GRU: h_1/h_T = {gru_stats[0]:.1e}",
                    cursor=dict(
                        control="step",
                        x0=1,
                        markers=[dict(data="gru_h", fade="gru_fade", color=gru_color)],
                    ),
                    **common,
                )
            )
        rows = [r for r in CHAIN_ROWS if with_gru or r[0] != "gru"]
        cell = float(np.clip(700 / T, 2.5, 12))
        groups = [
            dict(
                data=f"{m}_{s}",
                x0=1,
                dx=1,
                y0=y,
                cell=cell,
                ring=(m, s) != ("lstm", "h"),
                rows=[f"{NAMES[m]} {s}_t"],
            )
            for m, s, y in rows
        ]
        panels.append(
            heatmap_panel(
                span(top[1][0], top[1][n - 1]),
                groups,
                MAGNITUDE_SCALE,
                crange="top",
                title="unrolled chain: colour = log10 of the gradient's norm at each state",
                x_title="step t  (the loss is at T; the gradient flows right to left)",
                x_label="t",
                y_range=[-0.5 if with_gru else 0.5, 3.5],
                tickvals=[y for *_, y in rows],
                ticktext=[f"{NAMES[m]} {s}" for m, s, _ in rows],
                colorbar="log10 ||grad||",
                value_label="log10 ||grad|| = ",
                hover=".1f",
                cursor=dict(control="step", dim_before=UNSEEN_OPACITY, ring=True),
            )
        )
        return panels

    def _legend(self):
        rnn, lstm = MODEL_COLORS["rnn"], MODEL_COLORS["lstm"]
        items = [
            dict(name="vanilla RNN ||dL/dh_t||", color=rnn),
            dict(name="Pascanu bound", color=rnn, dash=True),
            dict(name="LSTM ||dL/dh_t||", color=lstm),
            dict(name="LSTM ||dL/dc_t||", color=lstm, dash=True),
        ]
        if self.jacobians.value:
            items.append(dict(name="||dh_T/dh_t||_2", color=rnn, dash=True))
        if self.show_gru.value:
            items.append(dict(name="GRU ||dL/dh_t||", color=MODEL_COLORS["gru"]))
        return items + [
            dict(name="0: underflow", color=UNDERFLOW_COLOR, symbol="\u25bc"),
            dict(name="inf/NaN: overflow", color=OVERFLOW_COLOR, symbol="\u25b2"),
        ]
