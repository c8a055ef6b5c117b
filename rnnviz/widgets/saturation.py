"""Saturation: how often each LSTM gate unit is nearly shut or nearly open.

Karpathy, Johnson and Fei-Fei (2015), figure 3: one point per unit, at (fraction of
characters where the gate was < 0.1, fraction where it was > 0.9). Points near the right
corner are gates that almost always pass everything (forget gates that remember); points on
the diagonal edge switch sharply between shut and open.

The threshold slider is answered in the browser: the statistic
(rnnviz.charlm.interpret.saturation) is computed here at every position of its grid and sent
once; the renderer (rnnviz.widgets.renderer) picks the frame.
"""

import numpy as np

from rnnviz.charlm.interpret import saturation
from rnnviz.style import GATE_COLORS, GATE_NAMES, REFERENCE_COLOR
from rnnviz.widgets.controls import float_slider
from rnnviz.widgets.renderer import ChartWidget, Ref, Series, XYPanel, frames, grid_boxes

THRESHOLD_RANGE = (0.02, 0.4)
THRESHOLDS = np.round(np.arange(0.02, 0.4001, 0.02), 2)  # the slider's positions
OTHER_GATE_COLOR = "#1f77b4"
WIDTH, HEIGHT = 940, 360


class Saturation(ChartWidget):
    """A scatter per gate of left- vs right-saturated fractions, with a threshold slider.

    Inputs: gates {name: (T, H) sigmoid activations}, e.g. the i, f, o entries of
    rnnviz.charlm.interpret.activations(...).signals. The slider sets the threshold t in
    [0.02, 0.4] (step 0.02): left means < t, right means > 1 - t (the paper's t = 0.1).
    Attributes: threshold (the slider), data (compute() at the slider's value: {gate: (left
    (H,), right (H,))}).
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
            continuous_update=True,
            readout_format=".2f",
        )
        self.controls = [self.threshold]
        self._show()
        self._finish()

    def compute(self, threshold=None) -> dict:
        """{gate: (left (H,), right (H,))} at `threshold` (default: the slider's value)."""
        t = self.threshold.value if threshold is None else threshold
        return saturation(self.gates, low=t, high=1.0 - t)

    @property
    def data(self) -> dict:
        """compute() at the grid position the browser shows for the slider's value."""
        shown = THRESHOLDS[np.argmin(np.abs(THRESHOLDS - self.threshold.value))]
        return self.compute(float(shown))

    def _show(self) -> None:
        names = list(self.gates)
        stats = [self.compute(float(t)) for t in THRESHOLDS]
        data = {
            "left_threshold": frames(THRESHOLDS, ["threshold"]),
            "right_threshold": frames(1 - THRESHOLDS, ["threshold"]),
            "limit_x": frames([0.0, 1.0], []),
            "limit_y": frames([1.0, 0.0], []),
        }
        for name in names:  # (len(THRESHOLDS), H): one point a unit
            data[f"{name}_left"] = frames(np.stack([s[name][0] for s in stats]), ["threshold"])
            data[f"{name}_right"] = frames(np.stack([s[name][1] for s in stats]), ["threshold"])
        boxes = grid_boxes(
            WIDTH, HEIGHT, rows=1, cols=len(names), margin=(70, 20, 70, 50), hspace=40
        )[0]
        panels = [
            XYPanel(
                box,
                [
                    Series(
                        name=f"{name} limit",
                        data=Ref("limit_y"),
                        x=Ref("limit_x"),
                        color=REFERENCE_COLOR,
                        dash=[3, 3],
                        width=1,
                        hover=False,
                    ),
                    Series(
                        name=GATE_NAMES.get(name, name),
                        data=Ref(f"{name}_right"),
                        x=Ref(f"{name}_left"),
                        mode="markers",
                        color=GATE_COLORS.get(name, OTHER_GATE_COLOR),
                        size=6,
                        opacity=0.6,
                    ),
                ],
                title=GATE_NAMES.get(name, name),
                x_title="fraction left-saturated",
                y_title="fraction right-saturated" if k == 0 else "",
                x_range=[-0.02, 1.02],
                y_range=[-0.02, 1.02],
                hover_mode="indexed",
                x_label="left",
                y_label="right",
                index_label="unit",
                hover=".2f",
            )
            for k, (name, box) in enumerate(zip(names, boxes))
        ]
        spec = {
            "width": WIDTH,
            "height": HEIGHT,
            "title": "gate saturation: left < {left_threshold:.2f}, right > {right_threshold:.2f}",
            "controls": {"threshold": {"grid": THRESHOLDS.tolist()}},
            "panels": panels,
        }
        self.chart.show(spec, data, controls={"threshold": self.threshold})
