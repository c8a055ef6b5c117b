"""LossPlot: live training curves, one per run, drawn from `train`'s progress callback."""

import math
import time

import plotly.graph_objects as go

from rnnviz.style import FIGURE_TEMPLATE, model_color
from rnnviz.widgets.base import batch_update
from rnnviz.widgets.figure_data import gaps

# At most this many updates a second reach the browser, however fast the steps are: each
# one is a message from the kernel and a redraw in plotly.js.
UPDATES_PER_SECOND = 10
# An update resends the whole curve, so it also waits until the curve has grown by this
# fraction: a run then sends a bounded number of points however slow the machine is. Paced
# by the clock alone, a slow run (a loaded CPU, a lab test) sent so much that the kernel's
# output fell minutes behind, and nbval failed the cell "waiting for output".
MIN_GROWTH = 0.05


class LossPlot:
    """A live loss plot (log scale by default) that several training runs share.

    Display it in a notebook, then hand `plot.run()` to `train(..., callback=...)` (or to a
    task's training function): the run's curve grows in place while the model trains.
    A NaN or inf loss is drawn as a gap (None), never sent as NaN: it is not JSON.
    """

    def __init__(self, title: str = "training loss", yaxis_title: str = "loss", log_y=True):
        self.figure = go.FigureWidget(
            layout=dict(
                template=FIGURE_TEMPLATE,
                title=title,
                xaxis_title="step",
                yaxis_title=yaxis_title,
                yaxis_type="log" if log_y else "linear",
                height=320,
                margin=dict(l=60, r=20, t=50, b=40),
            )
        )

    def add_curve(self, label: str, values, color: str | None = None, dash: str | None = None):
        """Draw a finished series (one value a step, e.g. a run's grad_norms) as a new curve.

        Inputs: label: the legend name; values: floats (NaN/inf drawn as gaps); color: default
        the house colour of the model the label names; dash: plotly's line dash (e.g. "dot").
        Returns: the new trace.
        """
        self.figure.add_scatter(
            x=[],
            y=[],
            mode="lines",
            name=label,
            line=dict(color=color or model_color(label), width=1.5, dash=dash),
        )
        trace = self.figure.data[-1]
        self._set(trace, values)
        return trace

    def run(self, color: str | None = None, dash: str | None = None):
        """A callback for one training run: callback(result) draws result.losses as a curve.

        Inputs: color, dash: as in `add_curve` (the label is the run's label).
        Returns: callback(result) for `train`. Its curve is added at the run's first step and
        redrawn at most UPDATES_PER_SECOND times a second and once the curve has grown by
        MIN_GROWTH since its last redraw, and always at the run's end.
        """
        state = {"trace": None, "sent": -math.inf, "length": 0}

        def callback(result) -> None:
            now = time.perf_counter()
            grown = len(result.losses) >= (1 + MIN_GROWTH) * state["length"]
            if not result.finished and (now - state["sent"] < 1 / UPDATES_PER_SECOND or not grown):
                return
            if state["trace"] is None:
                state["trace"] = self.add_curve(result.label, result.losses, color, dash)
            else:
                self._set(state["trace"], result.losses)
            state["sent"], state["length"] = now, len(result.losses)

        return callback

    def _set(self, trace, values) -> None:
        with batch_update(self.figure):
            trace.x = list(range(1, len(values) + 1))
            trace.y = gaps([float(v) for v in values])

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.figure._repr_mimebundle_(**kwargs)
        if isinstance(bundle, tuple):
            bundle = bundle[0]
        return {**bundle, "text/plain": "<LossPlot widget>"}
