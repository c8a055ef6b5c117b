"""ScanRounds: step through a parallel scan and a loop side by side, round against step.

One minGRU unit's recurrence h_t = (1 - z_t) h_{t-1} + z_t h~_t over T steps is a linear
recurrence h_t = a_t h_{t-1} + b_t, computed two ways (rnnviz.models.scan):
- the loop: one step after another, T sequential steps;
- the parallel scan: in round r every position combines with the one 2^(r-1) before it, all
  at once, so after r rounds the first 2^r positions are final: ceil(log2 T) rounds.
The slider sets the number of sequential operations r (a step of the loop, a round of the
scan). Top: which positions are final, and for the scan how many of the steps 1..t each
position has folded in so far. Bottom: the values; the scan's partial results become the
loop's exactly. Every frame is computed here and picked in the browser.
"""

import numpy as np
import torch

from rnnviz import checks
from rnnviz.models.min_gru import MinGRU
from rnnviz.models.scan import scan_depth
from rnnviz.style import MAGNITUDE_SCALE, MODEL_COLORS, MODEL_SYMBOLS, REFERENCE_COLOR
from rnnviz.widgets.controls import int_slider
from rnnviz.widgets.renderer import (
    ChartWidget,
    HeatmapGroup,
    HeatmapPanel,
    Ref,
    Series,
    XYPanel,
    frames,
)

WIDTH, HEIGHT = 900, 430
# The sequential loop in the sequential RNN's colour and marker, the scan in minGRU's.
LOOP_COLOR, LOOP_SYMBOL = MODEL_COLORS["rnn"], MODEL_SYMBOLS["rnn"]
SCAN_COLOR, SCAN_SYMBOL = MODEL_COLORS["mingru"], MODEL_SYMBOLS["mingru"]


def scan_pictures(seq_len, seed=0):
    """The data ScanRounds draws: one minGRU unit's loop and parallel scan, operation by operation.

    Inputs: seq_len: T (2..64); seed: the unit's weights and its inputs x ~ N(0, 1).
    Returns: dict of float64 arrays, R = ceil(log2 T):
    - "exact": (T,) h_t (the loop's result)
    - "scan": (R + 1, T) what position t holds after r rounds
    - "loop": (R + 1, T) h_t for t <= r after r loop steps, NaN where not computed yet
    - "folded": (R + 1, T, 2) the fraction of the steps 1..t folded into position t: row 0
      the scan's (min(2^r, t) / t), row 1 the loop's (1 where t <= r, NaN where not yet)
    """
    T = checks.positive_int("seq_len", seq_len, minimum=2, maximum=64)
    checks.seed("seed", seed)
    model = MinGRU(1, 1, seed=seed, dtype=torch.float64)
    x = torch.as_tensor(np.random.default_rng([seed, 61]).standard_normal((1, T, 1)))
    with torch.no_grad():
        rounds = torch.stack(model.scan_rounds(x))[:, 0, :, 0].numpy()  # (R + 1, T)
        exact = model(x, method="loop")[0, :, 0].numpy()  # (T,)
    R = rounds.shape[0] - 1
    t = np.arange(1, T + 1)
    r = np.arange(R + 1)[:, None]
    loop = np.where(t <= r, exact, np.nan)  # (R + 1, T)
    folded = np.stack([np.minimum(2.0**r, t) / t, np.where(t <= r, 1.0, np.nan)], axis=-1)
    return {"exact": exact, "scan": rounds, "loop": loop, "folded": folded}


class ScanRounds(ChartWidget):
    """A loop of T steps against a parallel scan of ceil(log2 T) rounds, one operation at a time.

    Inputs: seq_len T (2..64), seed, ops (the slider's start: 0..ceil(log2 T), the number of
    sequential operations done).
    Attributes: ops (the slider), data (scan_pictures), chart.
    Raises: TypeError/ValueError naming the argument when a value is out of range.
    """

    def __init__(self, seq_len=16, seed=0, ops=0):
        super().__init__()
        self.data = scan_pictures(seq_len, seed)
        T = checks.positive_int("seq_len", seq_len)
        R = scan_depth(T)
        self.ops = int_slider("ops", ops, 0, R, description="sequential operations")
        self.controls = [self.ops]
        d = self.data
        data = {
            "exact": frames(d["exact"], []),
            "scan": frames(d["scan"], ["ops"]),
            "loop": frames(d["loop"], ["ops"]),
            "folded": frames(d["folded"], ["ops"]),
        }
        titles = [
            f"after {r} sequential operation{'s' * (r != 1)}: {min(2**r, T)} of {T} positions "
            f"final in the parallel scan (round {r} of {R}), {r} in the loop (step {r} of {T})"
            for r in range(R + 1)
        ]
        spec = {
            "width": WIDTH,
            "height": HEIGHT,
            "controls": {"ops": {"grid": list(range(R + 1))}},
            "title": {"control": "ops", "texts": titles},
            "panels": self._panels(T, d),
            "legend": [
                dict(name="exact h_t", color=REFERENCE_COLOR),
                dict(name="scan after r rounds", color=SCAN_COLOR, symbol="\u271a"),  # a cross
                dict(name="loop after r steps", color=LOOP_COLOR, symbol="\u25cf"),  # a circle
            ],
        }
        self.chart.show(spec, data, controls={"ops": self.ops})
        self._finish()

    @staticmethod
    def _panels(T, d):
        values = np.concatenate([d["exact"], d["scan"].ravel()])
        lo, hi = float(values.min()), float(values.max())
        pad = 0.08 * (hi - lo or 1.0)
        return [
            HeatmapPanel(
                [170, 70, WIDTH - 260, 90],
                [HeatmapGroup(data=Ref("folded"), ny=2, x0=1, dx=1, y0=0, gaps=True)],
                MAGNITUDE_SCALE,
                crange=[0, 1],
                title="share of steps 1..t folded into position t (1 = final; blank = not started)",
                x_label="t",
                y_label="row",
                y_range=[1.5, -0.5],
                tickvals=[0, 1],
                ticktext=["parallel scan", "sequential loop"],
                colorbar="share",
                hover=".2f",
            ),
            XYPanel(
                [170, 220, WIDTH - 260, 160],
                [
                    Series(
                        name="exact h_t",
                        data=Ref("exact"),
                        x0=1,
                        dx=1,
                        color=REFERENCE_COLOR,
                        width=1.5,
                    ),
                    Series(
                        name="scan after r rounds",
                        data=Ref("scan"),
                        x0=1,
                        dx=1,
                        color=SCAN_COLOR,
                        mode="markers",
                        symbol=SCAN_SYMBOL,
                    ),
                    Series(
                        name="loop after r steps",
                        data=Ref("loop"),
                        x0=1,
                        dx=1,
                        color=LOOP_COLOR,
                        mode="markers",
                        symbol=LOOP_SYMBOL,
                    ),
                ],
                title="the values: the scan's partial results become h_t, 2^r positions a round",
                x_title="step t",
                x_label="t",
                y_title="h_t",
                y_range=[lo - pad, hi + pad],
                x_range=[0.5, T + 0.5],
            ),
        ]
