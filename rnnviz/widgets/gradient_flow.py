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
from rnnviz.widgets.controls import float_slider, int_slider
from rnnviz.widgets.gradient_flow_picture import HEIGHT, WIDTH, flow_legend, flow_panels
from rnnviz.widgets.model_flow import ModelGradientFlow
from rnnviz.widgets.renderer import (
    ChartWidget,
    close_models,
    frames,
    log10_or_edge,
)

PANELS = ("rnn", "lstm", "gru")
FADE_DECADES = 12  # a pulse that has lost this many orders of magnitude is fully faded
# The caps, from the time budget (rnnviz.checks.WIDGET_SECONDS): a build runs one backward
# pass a radius and a forget bias (56), each O(T H^2). Measured on 2 cores shared at load 10:
# T = 1000, H = 64 took 6 s (a few times the budget, as everything there did); T = 300,
# H = 128 took 32 s, so H = 128 is past any budget.
MAX_SEQ_LEN, MAX_HIDDEN = 1000, 64
RADII = np.round(np.arange(0.1, 2.0001, 0.05), 2)  # the radius slider's positions
FORGET_BIASES = np.arange(-3.0, 5.0001, 0.5)  # the forget-bias slider's positions
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
        # The note goes under the slider in a column too narrow for both, not cut off.
        self._pulse_row = widgets.HBox(
            [self.step, widgets.Label("Play (top left) sends the gradient from step T back to 1")],
            layout=widgets.Layout(flex_flow="row wrap"),
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
        # The titles' numbers, one entry each (float64: a ratio may be below 1e-38).
        data["rnn_s"] = frames([f.top_singular_value for f in rnn], axes["rnn"], dtype="float64")
        data["rnn_ratio"] = frames([f.ratio("h")[0] for f in rnn], axes["rnn"], dtype="float64")
        data["lstm_ratio"] = frames([f.ratio("c")[0] for f in lstm], axes["lstm"], dtype="float64")
        if self.jacobians.value:
            data["rnn_jacobian"] = frames(
                np.stack([log10_or_edge(f.jacobian[0]) for f in rnn]), axes["rnn"]
            )
        if gru is not None:
            gru_h = log10_or_edge(gru.grad_h[0])
            data["gru_h"] = frames(gru_h, [])
            data["gru_fade"] = frames(pulse_fade(gru_h), [])
            data["gru_ratio"] = frames([gru.ratio("h")[0]], [], dtype="float64")
        grids = {"spectral_radius": radii, "forget_bias": biases, "step": np.arange(1, T + 1)}
        # What a screen reader hears once a slider settles: the titles' ratios in words.
        announce = [
            f"vanilla RNN, s = {{rnn_s:.2f}}: the gradient at step 1 is {{rnn_ratio:.1e}} of "
            f"step {T}",
            f"LSTM: the cell-state gradient at step 1 is {{lstm_ratio:.1e}} of step {T}",
        ]
        if gru is not None:
            announce.append(f"GRU: the gradient at step 1 is {{gru_ratio:.1e}} of step {T}")
        spec = {
            "width": WIDTH,
            "height": HEIGHT,
            "panels": flow_panels(T, gru is not None, self.jacobians.value),
            "controls": {name: {"grid": [float(v) for v in g]} for name, g in grids.items()},
            "legend": flow_legend(self.jacobians.value, gru is not None),
            "announce": announce,
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
