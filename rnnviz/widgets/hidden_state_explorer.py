"""HiddenStateExplorer: a vanilla RNN's hidden state step by step, and what one edit changes.

A t slider walks through time: the heatmap shows every unit of h_1..h_T with the current
step marked, and the bars show h_t itself. A second pair of sliders edits one input x_k;
the lower heatmap shows h(edited) - h, which is exactly zero before k and spreads from k on,
carried forward by the same W_hh at every step. The data comes from
rnnviz.gradients.hidden_state.hidden_state_view; this class only draws it.

Every slider is answered in the browser (rnnviz.widgets.renderer): t only picks a column of
h and of the change, which the page already holds; the kernel runs hidden_state_view at every
(k, new x_k) of the two edit sliders' grids up front. When that product would be too large to
send (long sequences, many units) it sends each edit slider's frames with the other where it
is (the renderer's star frames) and recomputes them when the student lets go.
"""

import numpy as np

from rnnviz import checks
from rnnviz.gradients.hidden_state import hidden_state_view
from rnnviz.style import EDIT_COLOR, INPUT_COLOR, MODEL_COLORS, SIGNED_SCALE, STEP_COLOR
from rnnviz.widgets.controls import float_slider, int_slider
from rnnviz.widgets.renderer import (
    ChartWidget,
    HBarSeries,
    HBarsPanel,
    HeatmapGroup,
    HeatmapPanel,
    Ref,
    Series,
    XYPanel,
    frames,
)

VALUE_RANGE = 3.0  # the edit slider spans [-3, 3], where a standard-normal input lives
VALUE_STEP = 0.1
# The slider's own positions: the frames the page can pick for "new x_k".
VALUES = np.round(np.arange(-VALUE_RANGE, VALUE_RANGE + VALUE_STEP / 2, VALUE_STEP), 10)
# Above this many float32 numbers (8 MB), or this many hidden_state_view runs (about 1.5 ms
# each at lab sizes: 1.5 s), the (k, new x_k) frames go as star frames: T + 61 runs.
MAX_PRODUCT_FLOATS = 2_000_000
MAX_PRODUCT_VIEWS = 1_000
# The caps, from the budgets (rnnviz.checks): star frames are T + 61 runs of T steps, so time
# grows as T^2 (T = 250: ~2 s on one core) and the frames sent as T^2 H, at most
# MAX_FRAME_FLOATS float32 (32,000,000 bytes); a step costs H^2, so H stops at MAX_HIDDEN.
MAX_STEPS = 250
MAX_HIDDEN = 256
MAX_FRAME_FLOATS = 8_000_000
SETTLE_MS = 150  # quiet time after which star frames are recomputed around the new values
WIDTH, HEIGHT = 900, 670
# Panel boxes [left, top, width, height] px: the input row, then the h row and the change
# row, each a heatmap (with its colour bar right of it) and the bars of its column t.
LEFT, RIGHT = (60, 500), (660, 190)
ROWS = {"x": (40, 110), "h": (200, 180), "dh": (440, 180)}


def _box(column, row):
    (left, width), (top, height) = column, ROWS[row]
    return [left, top, width, height]


class HiddenStateExplorer(ChartWidget):
    """Hidden states of a tanh RNN over one sequence, with a t slider and an input edit.

    Inputs:
    - x: (T, D) the input sequence x_1..x_T (the edit changes feature 0 of x_k); T <= 250,
      D <= 256, and (T + 61) * T * H <= 8e6 (see MAX_STEPS)
    - Wx: (D, H) input-to-hidden weights
    - Wh: (H, H) hidden-to-hidden weights
    - b: (H,) biases, or None for zero
    - h0: (H,) initial state, or None for zero
    - step: the t shown first, 1..T
    - edit_step: the k edited first, 1..T
    - value: the first edited value of x_k, in [-3, 3]; None keeps x_k as it is
    Attributes: the sliders `step`, `edit_step`, `value` (their `.value` is the truth: the
    page draws what they hold); `data`, the hidden_state_view of their current values;
    `chart`, the renderer.
    """

    def __init__(self, x, Wx, Wh, b=None, h0=None, step=1, edit_step=1, value=None):
        super().__init__()
        checks.array("x", x, ndim=2)
        if 0 in x.shape:
            raise ValueError(f"x must hold at least one step and one feature, got shape {x.shape}")
        T, H = x.shape[0], checks.array("Wh", Wh, ndim=2).shape[0]
        if T > MAX_STEPS:
            raise ValueError(
                f"x must hold at most {MAX_STEPS} steps (the explorer runs the RNN T + "
                f"{len(VALUES)} times over T steps: time grows as T^2), got {T}"
            )
        if H > MAX_HIDDEN or x.shape[1] > MAX_HIDDEN:
            raise ValueError(
                f"Wh and x must have at most {MAX_HIDDEN} units and features, got Wh "
                f"{Wh.shape} and x {x.shape}"
            )
        frame_floats = (T + len(VALUES)) * (T * H + T + 6)
        if frame_floats > MAX_FRAME_FLOATS:
            raise ValueError(
                f"x ({T} steps) and Wh ({H} units) would send {frame_floats:,} float32 numbers, "
                f"past {MAX_FRAME_FLOATS:,} ({checks.byte_size(4 * MAX_FRAME_FLOATS)}): use "
                "fewer steps or units"
            )
        self.x, self.Wx, self.Wh, self.b, self.h0 = x, Wx, Wh, b, h0
        # None starts with no edit: x_k as it is, a position of the slider of its own.
        extra = []
        if value is None:
            value = float(x[checks.positive_int("edit_step", edit_step, maximum=T) - 1, 0])
            if not -VALUE_RANGE <= value <= VALUE_RANGE:  # the slider would have to refuse it
                raise ValueError(
                    f"x[edit_step - 1, 0] = {value:.4g} is outside the edit slider's range "
                    f"[{-VALUE_RANGE}, {VALUE_RANGE}]: pass value= in that range"
                )
            extra = [value]
        # Fails early, naming the argument, on any bad array or step.
        hidden_state_view(x, Wx, Wh, b, h0, edit_step=edit_step, value=value, step=step)

        hot = dict(continuous_update=True)
        self.step = int_slider("step", step, 1, T, description="t", **hot)
        self.edit_step = int_slider("edit_step", edit_step, 1, T, description="edit step k", **hot)
        self.value = float_slider(
            "value",
            value,
            -VALUE_RANGE,
            VALUE_RANGE,
            step=VALUE_STEP,
            description="new x_k",
            readout_format=".1f",
            extra=extra,
            **hot,
        )
        self.controls = [self.step, self.edit_step, self.value]
        self._named = {"step": self.step, "edit_step": self.edit_step, "value": self.value}
        # One frame of the edit axes holds the change (T, H), the edited input (T) and the
        # three ranges (6 numbers).
        self.star = (
            T * len(VALUES) * (T * H + T + 6) > MAX_PRODUCT_FLOATS
            or T * len(VALUES) > MAX_PRODUCT_VIEWS
        )
        self._grid = VALUES
        if self.star:
            self.chart.on_settle(self.refresh)
        for slider in (self.edit_step, self.value):
            slider.observe(self._on_change, names="value")
        self.refresh()
        self._finish()

    # --- compute: plain hidden_state_view calls ------------------------------------------
    def _view(self, edit_step, value):
        return hidden_state_view(
            self.x,
            self.Wx,
            self.Wh,
            self.b,
            self.h0,
            edit_step=int(edit_step),
            value=float(value),
            step=self.step.value,
        )

    def compute(self):
        """The view of the sliders' current values: rnnviz.gradients.hidden_state's
        HiddenStateView."""
        return self._view(self.edit_step.value, self.value.value)

    @property
    def data(self):
        """compute(): what the page shows for the sliders' current values."""
        return self.compute()

    # --- frames for the renderer -----------------------------------------------------------
    def _value_grid(self):
        """The edit slider's positions: its steps, and x_k as it was if `value` was None."""
        return np.unique(np.append(VALUES, self.value.extra))

    def refresh(self) -> None:
        """Run hidden_state_view along the edit sliders' grids (every pair, or star frames
        around the current values) and show the frames."""
        T, H = self.x.shape[0], self.Wh.shape[0]
        steps = np.arange(1, T + 1)
        self._grid = self._value_grid()
        k0, v0 = self.edit_step.value, self.value.value
        if self.star:
            pairs = [(k, v0) for k in steps] + [(k0, v) for v in self._grid]
        else:
            pairs = [(k, v) for k in steps for v in self._grid]
        views = [self._view(k, v) for k, v in pairs]
        lead = (len(pairs),) if self.star else (T, len(self._grid))

        def entry(rows):
            rows = np.stack(rows)
            return frames(rows.reshape(lead + rows.shape[1:]), ["edit_step", "value"], self.star)

        edited = []  # x_edited at step k only: one marker
        for (k, _), view in zip(pairs, views):
            only_k = np.full(T, np.nan)
            only_k[k - 1] = view.x_edited[k - 1, 0]
            edited.append(only_k)
        inputs = [np.concatenate([v.x[:, 0], v.x_edited[:, 0]]) for v in views]
        largest = [max(float(np.abs(v.dh).max()), 1e-12) for v in views]
        first = views[0]
        data = {
            "x": frames(first.x[:, 0], []),
            "h": frames(first.h, []),  # (T, H): the map, and h_t picked by the t slider
            "t_now": frames(steps[:, None], ["step"]),
            "dh": entry([v.dh for v in views]),  # (T, H) each
            "x_edited": entry(edited),
            "x_range": entry([[u.min() - 0.2, u.max() + 0.2] for u in inputs]),
            "dh_crange": entry([[-m, m] for m in largest]),
            "dh_xrange": entry([[-1.05 * m, 1.05 * m] for m in largest]),
        }
        grids = {"step": steps, "edit_step": steps, "value": self._grid}
        spec = {
            "width": WIDTH,
            "height": HEIGHT,
            "panels": self._panels(T, H),
            "controls": {name: {"grid": [float(v) for v in g]} for name, g in grids.items()},
        }
        if self.star:
            spec["base"] = {"edit_step": k0, "value": v0}
            spec["settle_ms"] = SETTLE_MS
        self.chart.show(spec, data, controls=self._named)

    def _on_change(self, change) -> None:
        # The page answers an edit slider the student moves from its frames (the slider
        # holds only positions that have one). With star frames, a value set from Python has
        # no page to tell us when it settles: recompute around it now. ipywidgets holds
        # `_property_lock` while it applies a value the page sent.
        if change["owner"]._property_lock:
            return
        if self.star:
            self.refresh()

    def _panels(self, T, H):
        units = [f"unit {j}" for j in range(1, H + 1)]
        t_mark = dict(control="step", color=STEP_COLOR, width=2)
        k_mark = dict(control="edit_step", color=EDIT_COLOR, width=2, dash=[6, 4])
        at_t = dict(control="step", x0=1)
        heat = dict(
            x_label="t",
            y_title="unit",
            y_label="unit",
            y_range=[0.5, H + 0.5],
            colorbar_format=".2g",
        )

        def group(name):
            return HeatmapGroup(data=Ref(name), ny=H, x0=1, dx=1, y0=1, rows=units)

        h_map = HeatmapPanel(
            _box(LEFT, "h"),
            [group("h")],
            SIGNED_SCALE,
            crange=[-1, 1],
            title="hidden state h_t: units x time",
            colorbar="h",
            hover=".3f",
            marks=[t_mark],
            **heat,
        )
        dh_map = HeatmapPanel(
            _box(LEFT, "dh"),
            [group("dh")],
            SIGNED_SCALE,
            crange=Ref("dh_crange"),
            title="change h(edited) - h: zero before k",
            x_title="time step t",
            colorbar="change",
            hover=".2e",
            marks=[t_mark, k_mark],
            **heat,
        )
        return [
            XYPanel(
                _box(LEFT, "x"),
                [
                    Series(name="x_t", data=Ref("x"), x0=1, dx=1, color=INPUT_COLOR, markers=True),
                    Series(
                        name="edited x_k",
                        data=Ref("x_edited"),
                        x0=1,
                        dx=1,
                        color=EDIT_COLOR,
                        mode="markers",
                        symbol="diamond",
                        size=14,
                    ),
                ],
                title="input x_t (teal diamond: the edited x_k)",
                x_label="t",
                x_range=[0.5, T + 0.5],
                y_range=Ref("x_range"),
                marks=[t_mark],
                hover=".3f",
            ),
            h_map,
            HBarsPanel(
                _box(RIGHT, "h"),
                units,
                [HBarSeries(name="h_t", data=Ref("h"), at=at_t, color=MODEL_COLORS["rnn"])],
                x_range=[-1, 1],
                title="h_t at t={t_now:.0f}",
                hover=".3f",
            ),
            dh_map,
            HBarsPanel(
                _box(RIGHT, "dh"),
                units,
                [HBarSeries(name="change", data=Ref("dh"), at=at_t, color=EDIT_COLOR)],
                x_range=Ref("dh_xrange"),
                title="change at t={t_now:.0f}",
                hover=".2e",
            ),
        ]
