"""LossPlot: live training curves, one per run, drawn from `train`'s progress callback.

Drawn by the renderer (rnnviz.widgets.renderer): each curve is a data entry of float32
values, one a step, so NaN/inf never reach JSON; a log axis gets log10 values, and a loss
that is NaN, inf or not positive there is a gap, as it always was.
"""

import math
import re
import time

import numpy as np
import plotly.colors

from rnnviz import checks
from rnnviz.style import MODEL_MARKER_GAP, model_style
from rnnviz.widgets.renderer import ChartWidget, Ref, Series, XYPanel, frames, value_range

# At most this many updates a second reach the browser, however fast the steps are: each
# one is a message from the kernel and a redraw in the page.
UPDATES_PER_SECOND = 10
# An update resends the whole curve, so it also waits until the curve has grown by this
# fraction: a run then sends a bounded number of points however slow the machine is. Paced
# by the clock alone, a slow run (a loaded CPU, a lab test) sent so much that the kernel's
# output fell minutes behind, and nbval failed the cell "waiting for output".
MIN_GROWTH = 0.05
WIDTH, HEIGHT = 720, 320
BOX = [75, 50, 620, 220]  # the panel [left, top, width, height] (px); the legend is below
# A curve without a colour of its own takes the next colour of this cycle.
COLORWAY = plotly.colors.qualitative.Plotly
# Line dash names -> [on, off, ...] px on the canvas and the legend's CSS border.
DASHES = {
    None: (None, "solid"),
    "solid": (None, "solid"),
    "dot": ([2, 3], "dotted"),
    "dash": ([7, 4], "dashed"),
    "longdash": ([12, 4], "dashed"),
    "dashdot": ([7, 3, 2, 3], "dashed"),
    "longdashdot": ([12, 3, 2, 3], "dashed"),
}

# A colour lands in the legend's CSS (static/chart/legend.js) as well as on the canvas: only a
# hex colour, a CSS colour name or rgb()/rgba() of numbers, so no text a user passes can add a
# declaration.
CSS_COLOR = re.compile(r"#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20}|rgba?\([0-9., %]{5,40}\)")


def curve_values(values, log_y: bool) -> np.ndarray:
    """What the panel draws for a series: the values (log10 of them on a log axis); a value
    that cannot be drawn there (NaN, inf, and on a log axis 0 or less) is NaN: a gap."""
    v = np.array([float(x) for x in values], dtype=np.float64)
    if log_y:
        with np.errstate(divide="ignore", invalid="ignore"):
            v = np.where(v > 0, np.log10(np.where(v > 0, v, 1.0)), np.nan)
    v[~np.isfinite(v)] = np.nan
    return v


class Curve:
    """One curve of a LossPlot: its legend name, colour and dash, and the values drawn; a
    model's curve also its model's marker (look: rnnviz.style.model_style)."""

    def __init__(self, name: str, color: str, dash: str | None, key: str, look=None):
        self.name, self.color, self.dash, self.key, self.look = name, color, dash, key, look
        self.values = np.zeros(0)  # what the panel draws (curve_values)
        self.entry = frames(self.values, [])


class LossPlot(ChartWidget):
    """A live loss plot (log scale by default) that several training runs share.

    Display it in a notebook, then hand `plot.run()` to `train(..., callback=...)` (or to a
    task's training function): the run's curve grows in place while the model trains.
    A NaN or inf loss is drawn as a gap, never sent as NaN: the values travel as float32.
    Attributes: curves (Curve objects, in the order added), chart (the renderer).
    """

    def __init__(self, title: str = "training loss", yaxis_title: str = "loss", log_y=True):
        super().__init__()
        for name, text in (("title", title), ("yaxis_title", yaxis_title)):
            if not isinstance(text, str):
                raise TypeError(f"{name} must be a str, got {type(text).__name__}")
        self.title, self.yaxis_title = title, yaxis_title
        self.log_y = checks.switch("log_y", log_y)
        self.curves: list[Curve] = []
        self._draw()
        self.box = self.chart

    def add_curve(self, label: str, values, color: str | None = None, dash: str | None = None):
        """Draw a finished series (one value a step, e.g. a run's grad_norms) as a new curve.

        Inputs: label: the legend name; values: floats (NaN/inf drawn as gaps); color: default
        the house colour and marker of the model the label names (rnnviz.style), a few
        markers along the line; dash: a line dash name ("dot", "dash", "dashdot", ...), default
        solid: the dash is the caller's to say something with (lab 06: T=10 dotted), so a
        model's curve is told apart by its marker.
        Returns: the new Curve.
        Raises: ValueError naming `dash` for an unknown dash, `color` for anything but a hex
        colour, a CSS colour name or rgb()/rgba().
        """
        if dash not in DASHES:
            raise ValueError(
                f"dash must be one of {[d for d in DASHES if d]} or None, got {dash!r}"
            )
        if color is not None and not (isinstance(color, str) and CSS_COLOR.fullmatch(color)):
            raise ValueError(
                f"color must be a hex colour, a CSS colour name or rgb()/rgba(), got {color!r}"
            )
        index = len(self.curves)
        # A colour of the caller's own is a curve of its own: not dressed as a model.
        look = model_style(label) if color is None and isinstance(label, str) else None
        color = color or (look and look["color"]) or COLORWAY[index % len(COLORWAY)]
        curve = Curve(str(label), color, dash, f"curve{index}", look)
        self.curves.append(curve)
        self._set(curve, values)
        return curve

    def run(self, color: str | None = None, dash: str | None = None):
        """A callback for one training run: callback(result) draws result.losses as a curve.

        Inputs: color, dash: as in `add_curve` (the label is the run's label).
        Returns: callback(result) for `train`. Its curve is added at the run's first step and
        redrawn at most UPDATES_PER_SECOND times a second and once the curve has grown by
        MIN_GROWTH since its last redraw, and always at the run's end.
        """
        state = {"curve": None, "sent": -math.inf, "length": 0}

        def callback(result) -> None:
            now = time.perf_counter()
            grown = len(result.losses) >= (1 + MIN_GROWTH) * state["length"]
            if not result.finished and (now - state["sent"] < 1 / UPDATES_PER_SECOND or not grown):
                return
            if state["curve"] is None:
                state["curve"] = self.add_curve(result.label, result.losses, color, dash)
            else:
                self._set(state["curve"], result.losses)
            state["sent"], state["length"] = now, len(result.losses)

        return callback

    def _set(self, curve: Curve, values) -> None:
        """Give `curve` these values and send the picture (one message)."""
        curve.values = curve_values(values, self.log_y)
        curve.entry = frames(curve.values, [])
        self._draw()

    def _draw(self) -> None:
        steps = max((len(c.values) for c in self.curves), default=0)
        y_range = value_range(np.concatenate([c.values for c in self.curves] or [[]]), self.log_y)
        panel = XYPanel(
            BOX,
            [
                Series(
                    name=c.name,
                    data=Ref(c.key),
                    x0=1,
                    dx=1,
                    color=c.color,
                    width=1.5,
                    dash=DASHES[c.dash][0],
                    markers=c.look and True,
                    marker_gap=c.look and MODEL_MARKER_GAP,
                    symbol=c.look and c.look["symbol"],
                )
                for c in self.curves
            ],
            x_title="step",
            y_title=self.yaxis_title,
            x_label="step",
            y_log=self.log_y,
            # the steps drawn; the values drawn, padded by 5% of their span
            x_range=[1, max(steps, 2)],
            y_range=y_range or ([-1, 1] if self.log_y else [0, 1]),
            y_real=self.log_y,  # ticks at 0.2, 0.5, 1, 2 between the powers of ten
        )
        spec = {
            "width": WIDTH,
            "height": HEIGHT,
            "title": self.title,
            "controls": {},
            "panels": [panel],
            "legend": [
                dict(name=c.name, color=c.color, dash=DASHES[c.dash][1])
                if c.look is None
                else dict(
                    name=c.name, color=c.color, dash=DASHES[c.dash][0], marker=c.look["symbol"]
                )
                for c in self.curves
            ],
        }
        self.chart.show(spec, {c.key: c.entry for c in self.curves}, controls={})
