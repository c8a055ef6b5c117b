"""RingFlow: place the LRU's eigenvalues on a ring and watch its gradient stay alive; gate minGRU.

Left: the LRU's eigenvalues lambda in the complex plane, on the ring r_min <= |lambda| <=
r_max with phases in [0, max_phase] (Orvieto et al. 2023's initialisation), inside the unit
circle. Middle: the relative gradient norm ||dL/dx_{T-k}|| / ||dL/dx_T|| k steps back from
the loss, measured on the sampled ring, with the ring's closed form
(rnnviz.gradients.linear_flow.ring_gradient_norm) and a tanh RNN at spectral radius 0.9 for
comparison. Right: minGRU's gradient through time, the product of (1 - z_t), at the gate
bias the slider sets (Feng et al. 2024). Everything in float32, the precision of training,
where a gradient below 1e-38 or so becomes exactly 0.

All four sliders are hot: the kernel computes every flow (rnnviz.gradients.flow.
gradient_flow) on the sliders' grids once and the renderer picks the frames. The phase moves
the eigenvalues round the circle but leaves the flow's norm unchanged: |lambda^k| = |lambda|^k.
"""

import math

import numpy as np

from rnnviz import checks
from rnnviz.gradients.flow import gradient_flow
from rnnviz.gradients.linear_flow import ring_gradient_norm
from rnnviz.models.lru import ring_eigenvalues
from rnnviz.style import (
    MODEL_COLORS,
    MODEL_MARKER_GAP,
    MODEL_SYMBOLS,
    REFERENCE_COLOR,
    UNDERFLOW_COLOR,
)
from rnnviz.widgets.controls import float_slider
from rnnviz.widgets.renderer import (
    ChartWidget,
    Ref,
    Series,
    XYPanel,
    frames,
    grid_boxes,
    log10_or_edge,
)

R_MINS = np.round(np.arange(0.0, 0.9001, 0.1), 3)  # the r_min slider's positions
R_MAXS = np.round(np.arange(0.9, 0.9991, 0.009), 3)  # r_max: 0.9, 0.909, ..., 0.99, 0.999
PHASES = np.round(np.arange(0.25, 6.2501, 0.5), 2)  # max_phase (radians), up to ~2 pi
GATE_BIASES = np.arange(-8.0, 2.0001, 0.5)  # minGRU's gate bias
SHOWN_MODES = 16  # eigenvalues drawn (the flow uses all hidden_size of them)
STRIDE = 5  # one value every 5 steps back: a smooth curve at a fifth of the bytes
RNN_RADIUS = 0.9
Y_RANGE = [-46.0, 1.0]  # log10: float32's smallest subnormal is 1.4e-45
WIDTH, HEIGHT = 1000, 400


class RingFlow(ChartWidget):
    """The LRU's ring of eigenvalues, its gradient flow against the closed form and a tanh RNN,
    and minGRU's gradient at a gate bias.

    Inputs (the sliders' starting values): r_min (0..0.9, step 0.1), r_max (0.9..0.999, step
    0.009), max_phase (0.25..6.25 radians, step 0.5), gate_bias (-8..2, step 0.5); seq_len T
    (100..1000, the distance the gradient travels); hidden_size (LRU modes, 16..2048); seed.
    Attributes: r_min, r_max, max_phase, gate_bias (the sliders), chart, data (compute()).
    Raises: TypeError/ValueError naming the argument when a value is out of range.
    """

    def __init__(
        self,
        r_min=0.9,
        r_max=0.999,
        max_phase=3.25,
        gate_bias=0.0,
        seq_len=1000,
        hidden_size=512,
        seed=0,
    ):
        super().__init__()
        self.seq_len = checks.positive_int("seq_len", seq_len, minimum=100, maximum=1000)
        self.hidden_size = checks.positive_int("hidden_size", hidden_size, minimum=16, maximum=2048)
        self.seed = checks.positive_int("seed", seed, minimum=0)
        wide = dict(continuous_update=True, style={"description_width": "initial"})
        self.r_min = float_slider(
            "r_min",
            r_min,
            0.0,
            0.9,
            step=0.1,
            description="LRU r_min",
            readout_format=".1f",
            **wide,
        )
        self.r_max = float_slider(
            "r_max",
            r_max,
            0.9,
            0.999,
            step=0.009,
            description="LRU r_max",
            readout_format=".3f",
            **wide,
        )
        self.max_phase = float_slider(
            "max_phase", max_phase, 0.25, 6.25, step=0.5, description="LRU max phase", **wide
        )
        self.gate_bias = float_slider(
            "gate_bias", gate_bias, -8.0, 2.0, step=0.5, description="minGRU gate bias", **wide
        )
        self.controls = [self.r_min, self.r_max, self.max_phase, self.gate_bias]
        self._show()
        self._finish()

    # --- compute: plain rnnviz calls ---------------------------------------------------------
    def _relative(self, cell, **knobs):
        """||dL/dh_{T-k}|| / ||dL/dh_T|| at k = 0, STRIDE, ...: (T / STRIDE,) float64."""
        flow = gradient_flow(cell, seq_len=self.seq_len, dtype="float32", seed=self.seed, **knobs)
        norms = flow.grad_h[0, ::-1].astype(np.float64)
        return norms[::STRIDE] / norms[0]

    def _lru(self, r_min, r_max):
        return self._relative(
            "lru",
            hidden_size=self.hidden_size,
            input_size=2,
            r_min=float(r_min),
            r_max=float(r_max),
        )

    def _mingru(self, gate_bias):
        return self._relative("mingru", hidden_size=64, gate_bias=float(gate_bias))

    def compute(self, r_min=None, r_max=None, gate_bias=None) -> dict:
        """The flows at the given values (default: the sliders'). Returns dict of (T/5,)
        relative norms at k = 0, 5, 10, ...: "lru" measured, "closed_form", "rnn", "mingru"."""
        r_min = self.r_min.value if r_min is None else r_min
        r_max = self.r_max.value if r_max is None else r_max
        gate_bias = self.gate_bias.value if gate_bias is None else gate_bias
        return {
            "lru": self._lru(r_min, r_max),
            "closed_form": ring_gradient_norm(np.arange(0, self.seq_len, STRIDE), r_min, r_max),
            "rnn": self._relative("rnn", hidden_size=32, spectral_radius=RNN_RADIUS),
            "mingru": self._mingru(gate_bias),
        }

    @property
    def data(self) -> dict:
        """compute() at the sliders' values."""
        return self.compute()

    # --- frames for the renderer ------------------------------------------------------------
    def _show(self):
        steps = np.arange(0, self.seq_len, STRIDE)
        lru = np.array([[self._lru(lo, hi) for hi in R_MAXS] for lo in R_MINS])  # (10, 12, T/5)
        closed = np.array([[ring_gradient_norm(steps, lo, hi) for hi in R_MAXS] for lo in R_MINS])
        gates = np.array([self._mingru(b) for b in GATE_BIASES])  # (21, T/5)
        rnn = self._relative("rnn", hidden_size=32, spectral_radius=RNN_RADIUS)
        ring = ["r_min", "r_max"]
        last = self.seq_len - 1
        exact_last = [[ring_gradient_norm(last, lo, hi) for hi in R_MAXS] for lo in R_MINS]
        data = {
            "lru": frames(log10_or_edge(lru), ring),
            "closed": frames(log10_or_edge(closed), ring),
            "rnn": frames(log10_or_edge(rnn), []),
            "mingru": frames(log10_or_edge(gates), ["gate_bias"]),
            # The values at k = T - 1 for the titles (float64: they may be below 1e-38).
            "lru_last": frames(lru[..., -1], ring, dtype="float64"),
            "closed_last": frames(exact_last, ring, dtype="float64"),
            "mingru_last": frames(gates[:, -1], ["gate_bias"], dtype="float64"),
        }
        data.update(self._eigenvalue_entries())
        grids = {"r_min": R_MINS, "r_max": R_MAXS, "max_phase": PHASES, "gate_bias": GATE_BIASES}
        spec = {
            "width": WIDTH,
            "height": HEIGHT,
            "controls": {name: {"grid": [float(v) for v in g]} for name, g in grids.items()},
            "panels": self._panels(),
            "legend": [
                dict(name="LRU, sampled ring", **_legend_look("lru")),
                dict(name="closed form", color=MODEL_COLORS["lru"], dash=True),
                dict(name=f"tanh RNN, rho = {RNN_RADIUS}", **_legend_look("rnn")),
                dict(name="minGRU", **_legend_look("mingru")),
                dict(name="0: underflow", color=UNDERFLOW_COLOR, symbol="\u25bc"),
            ],
        }
        controls = {name: getattr(self, name) for name in grids}
        self.chart.show(spec, data, controls=controls)

    def _eigenvalue_entries(self):
        lam = np.array(
            [
                [
                    [ring_eigenvalues(SHOWN_MODES, lo, hi, p, self.seed) for p in PHASES]
                    for hi in R_MAXS
                ]
                for lo in R_MINS
            ]
        )  # (r_min, r_max, phase, modes)
        angle = np.linspace(0, 2 * math.pi, 121)
        axes = ["r_min", "r_max", "max_phase"]
        return {
            "eig_re": frames(lam.real, axes),
            "eig_im": frames(lam.imag, axes),
            "circle_x": frames(np.cos(angle), []),
            "circle_y": frames(np.sin(angle), []),
            "inner_x": frames(np.outer(R_MINS, np.cos(angle)), ["r_min"]),
            "inner_y": frames(np.outer(R_MINS, np.sin(angle)), ["r_min"]),
            "outer_x": frames(np.outer(R_MAXS, np.cos(angle)), ["r_max"]),
            "outer_y": frames(np.outer(R_MAXS, np.sin(angle)), ["r_max"]),
        }

    def _panels(self):
        plane, lru_box, gru_box = grid_boxes(
            WIDTH, HEIGHT, rows=1, cols=3, margin=(60, 20, 80, 55), hspace=60
        )[0]
        side = min(plane[2], plane[3])
        plane = [plane[0], plane[1], side, side]
        lru, rnn, gru = MODEL_COLORS["lru"], MODEL_COLORS["rnn"], MODEL_COLORS["mingru"]
        k = dict(x0=0, dx=STRIDE)
        flow_axes = dict(
            y_log=True,
            y_range=Y_RANGE,
            x_title="steps back from the loss, k",
            x_label="k",
        )
        ring_line = dict(color=lru, dash=[3, 3], width=1, opacity=0.6, hover=False)
        # Each model's line carries its marker (rnnviz.style); the dash marks the closed form.
        marked = dict(markers=True, marker_gap=MODEL_MARKER_GAP)
        return [
            XYPanel(
                plane,
                [
                    Series(
                        name="unit circle",
                        data=Ref("circle_y"),
                        x=Ref("circle_x"),
                        color=REFERENCE_COLOR,
                        width=1,
                        hover=False,
                    ),
                    Series(name="r_min", data=Ref("inner_y"), x=Ref("inner_x"), **ring_line),
                    Series(name="r_max", data=Ref("outer_y"), x=Ref("outer_x"), **ring_line),
                    Series(
                        name="LRU eigenvalues",
                        data=Ref("eig_im"),
                        x=Ref("eig_re"),
                        mode="markers",
                        color=lru,
                        symbol=MODEL_SYMBOLS["lru"],
                        size=6,
                    ),
                ],
                title="LRU eigenvalues lambda",
                x_title="Re lambda",
                y_title="Im lambda",
                x_range=[-1.05, 1.05],
                y_range=[-1.05, 1.05],
                hover_mode="indexed",
                x_label="Re",
                y_label="Im",
                index_label="mode",
                hover=".3f",
            ),
            XYPanel(
                lru_box,
                [
                    Series(
                        name="LRU, sampled ring",
                        symbol=MODEL_SYMBOLS["lru"],
                        **marked,
                        data=Ref("lru"),
                        color=lru,
                        width=2.5,
                        edges=True,
                        **k,
                    ),
                    Series(
                        name="closed form",
                        data=Ref("closed"),
                        color=lru,
                        dash=[6, 4],
                        opacity=0.7,
                        **k,
                    ),
                    Series(
                        name=f"tanh RNN, rho = {RNN_RADIUS}",
                        symbol=MODEL_SYMBOLS["rnn"],
                        **marked,
                        data=Ref("rnn"),
                        color=rnn,
                        width=2,
                        edges=True,
                        **k,
                    ),
                ],
                title="LRU at k = T-1: {lru_last:.2e} (closed form {closed_last:.2e})",
                y_title="||dL/dx_(T-k)|| / ||dL/dx_T||",
                **flow_axes,
            ),
            XYPanel(
                gru_box,
                [
                    Series(
                        name="minGRU: prod (1 - z)",
                        symbol=MODEL_SYMBOLS["mingru"],
                        **marked,
                        data=Ref("mingru"),
                        color=gru,
                        width=2.5,
                        edges=True,
                        **k,
                    )
                ],
                title="minGRU at k = T-1: {mingru_last:.2e}",
                **flow_axes,
            ),
        ]


def _legend_look(model: str) -> dict:
    """A model's legend swatch: its colour, a solid line and its marker."""
    return dict(color=MODEL_COLORS[model], dash=[], marker=MODEL_SYMBOLS[model])
