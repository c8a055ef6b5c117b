"""The renderer: a widget declares panels and precomputed frames in Python; the browser draws.

A slider the student drags must answer within a frame, whatever the kernel is doing and
however far away it is. So the kernel computes the picture's data at every position of the
hot sliders' grids up front, sends them once as float32 buffers, and one small front end
(static/chart.js) picks the frame for the sliders' current values and draws it on a canvas.
The sliders stay ipywidgets sliders: their values sync to Python as usual, so
`widget.spectral_radius.value` is the truth, and setting it from Python moves the picture.

    chart = Chart(width=600, height=300)
    chart.show(
        spec={"controls": {"radius": {"grid": radii}}, "panels": [lines_panel(...)]},
        data={"rnn": frames(values, axes=["radius"])},   # values (len(radii), T)
        controls={"radius": slider},
    )

Data entries (`frames`): `values` has one leading axis per control (in `axes` order) and then
the frame's own shape. `frames(..., star=True)` holds, for widgets with many sliders, each
control's frames with every other control at its base value (`spec["base"]`), concatenated
along axis 0: the slider the student grabs is answered, the others are recomputed when the
kernel hears about it. A log axis gets log10 values (`log10_or_edge`): -inf marks an
underflow to 0, +inf an overflow, both drawn as edge markers.
"""

from pathlib import Path

import anywidget
import ipywidgets as widgets
import numpy as np
import plotly.colors
import traitlets

from rnnviz.style import OVERFLOW_COLOR, UNDERFLOW_COLOR
from rnnviz.widgets.base import fixed_text_bundle

STATIC = Path(__file__).parent / "static"
EDGE_COLORS = {"under": UNDERFLOW_COLOR, "over": OVERFLOW_COLOR}


class Chart(anywidget.AnyWidget):
    """The shared front end: panels drawn from frames, answered in the browser.

    Traits (synced): spec (panels, control grids, legend, title, play), data (name ->
    {"axes", "shape", "star", "values": float32 bytes}), controls (the ipywidgets whose
    values pick frames, in spec["control_names"] order), busy (the kernel is recomputing:
    the front end says so over the picture).
    """

    _esm = STATIC / "chart.js"
    spec = traitlets.Dict().tag(sync=True)
    data = traitlets.Dict().tag(sync=True)
    controls = traitlets.List(traitlets.Instance(widgets.Widget)).tag(
        sync=True, **widgets.widget_serialization
    )
    busy = traitlets.Bool(False).tag(sync=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._on_settle = []
        self._settle_state = None  # the values the page settled on, until the kernel has them
        self.on_msg(self._message)

    def on_settle(self, callback) -> None:
        """Call `callback()` when the student has let go of the controls: the front end says
        so after spec["settle_ms"] without a change (for star entries' other axes)."""
        self._on_settle.append(callback)

    def _message(self, _widget, content, _buffers):
        if isinstance(content, dict) and content.get("event") == "settle":
            self._settle_state = content.get("state", {})
            self._try_settle()

    def _try_settle(self, _change=None):
        # The page's "settle" can overtake the sliders' own value messages (ipywidgets holds
        # a model's update while its previous one is unanswered): wait until the kernel's
        # controls hold the values the page settled on.
        if self._settle_state is None:
            return
        now = dict(zip(self.spec["control_names"], (c.value for c in self.controls)))
        if any(
            name in now and not np.isclose(now[name], value)
            for name, value in self._settle_state.items()
        ):
            return
        self._settle_state = None
        for callback in self._on_settle:
            callback()

    def show(self, spec: dict, data: dict, controls: dict, busy: bool = False) -> None:
        """Replace the picture in one message.

        Inputs:
        - spec: {"width", "height", "panels": [...], "controls": {name: {"grid": [...]}},
          optional "base" {name: value} (star entries), "settle_ms" (see on_settle),
          "legend", "title" (a template: "{entry[i]:.3f}"), "play"}
        - data: name -> frames(...) entries the panels' series refer to
        - controls: name -> the ipywidget whose `.value` picks that control's frame
        - busy: show "recomputing" until the next show()
        A dropdown may be a control too: its grid lists its options' values, in order (the
        page knows a dropdown's index, not its value).
        Raises: ValueError if a series names missing data, an entry names an unknown control,
        or a dropdown's grid is not its options' values.
        """
        _check_spec(spec, data, controls)
        spec = dict(spec, control_names=list(controls))
        for control in self.controls:
            control.unobserve(self._try_settle, names="value")
        with self.hold_sync():
            self.spec = spec
            self.data = data
            self.controls = list(controls.values())
            self.busy = busy
        for control in self.controls:
            control.observe(self._try_settle, names="value")


def frames(values, axes, star=False, dtype="float32") -> dict:
    """A data entry: frames along `axes` (control names), sent as binary.

    Inputs:
    - values: array; product entries have shape (len(grid_a), len(grid_b), ..., *frame),
      star entries (sum of the axes' grid lengths, *frame)
    - axes: the control names its leading axes follow (empty: one frame for every value)
    - dtype: "float32" (pictures), or "float64" for numbers printed in a title that float32
      would round to 0 or inf (a ratio of 1e-65)
    Returns: {"axes", "shape", "star", "dtype", "values": bytes} for Chart.show's data.
    """
    v = np.ascontiguousarray(values, dtype=np.dtype(dtype))
    if not axes:
        v = v[None]
    return {
        "axes": list(axes),
        "shape": list(v.shape),
        "star": bool(star),
        "dtype": dtype,
        "values": v.tobytes(),
    }


def log10_or_edge(values):
    """log10 of |values| for a log axis: 0 -> -inf (underflow), inf/NaN -> +inf (overflow).

    Inputs: values, any shape, >= 0 where finite (norms). Returns: float64, same shape.
    """
    v = np.asarray(values, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.log10(v)
    out[~np.isfinite(v)] = np.inf
    return out


def colorscale(name: str) -> list:
    """A plotly colour scale by name ("Viridis", "RdBu_r") as [[position, colour], ...]."""
    return [[float(p), c] for p, c in plotly.colors.get_colorscale(name)]


def grid_boxes(
    width, height, rows, cols, margin=(60, 20, 60, 50), hspace=50, vspace=80, row_heights=None
):
    """Panel boxes [left, top, width, height] in pixels on a rows x cols grid.

    Inputs: the canvas's width and height (px); margin (left, right, top, bottom);
    hspace, vspace: the gaps between panels (px); row_heights: fractions, default equal.
    Returns: boxes[row][col]; merge two with `span(a, b)`.
    """
    left, right, top, bottom = margin
    inner_w = (width - left - right - hspace * (cols - 1)) / cols
    inner_h = height - top - bottom - vspace * (rows - 1)
    fractions = row_heights or [1 / rows] * rows
    boxes, y = [], top
    for r in range(rows):
        h = inner_h * fractions[r]
        boxes.append([[left + c * (inner_w + hspace), y, inner_w, h] for c in range(cols)])
        y += h + vspace
    return boxes


def span(first, last):
    """One box covering two boxes of the same row (a panel spanning columns)."""
    return [first[0], first[1], last[0] + last[2] - first[0], first[3]]


def lines_panel(
    box,
    series,
    title="",
    x_title="",
    y_title="",
    log=False,
    share=None,
    y_range=None,
    x_range=None,
    x_label="x",
    cursor=None,
    **extra,
) -> dict:
    """A panel of lines (or markers) over x.

    Inputs: box [left, top, width, height] px; series: dicts {"name", "data" (a data entry
    whose frame is (n,)), "x0", "dx" (x of value k is x0 + k dx) or "x" (an entry of x values),
    "color", "dash" [on, off] px, "width", "opacity", "mode" ("lines" | "markers" | "flags":
    a mark on the top edge where the value is non-zero),
    "markers", "symbol", "edges" (mark -inf/+inf on the edges), "visible"}; log: the y values
    are log10 (labelled as powers of ten); share: a name for a y range common to every panel
    that has it; cursor: {"control", "x0", "markers": [{"data", "color", "fade" (an entry of
    opacities), "open"}]}: a marker on each listed series at x = the control's value.
    """
    panel = {
        "kind": "lines",
        "box": box,
        "series": series,
        "title": title,
        "x": {"title": x_title, "label": x_label},
        "y": {"title": y_title, "log": log, "share": share},
        "edge_colors": EDGE_COLORS,
        **extra,
    }
    if y_range is not None:
        panel["y"]["range"] = list(y_range)
    if x_range is not None:
        panel["x"]["range"] = list(x_range)
    if cursor is not None:
        panel["cursor"] = cursor
    return panel


def heatmap_panel(
    box,
    groups,
    scale,
    crange=None,
    title="",
    x_title="",
    x_label="x",
    y_label="row",
    y_range=None,
    tickvals=None,
    ticktext=None,
    cursor=None,
    colorbar=None,
    value_label="",
    **extra,
) -> dict:
    """A panel of coloured cells.

    Inputs: groups: dicts {"data" (frame (nx, ny) x-major, or (nx,) for one row), "ny",
    "x0", "dx", "y0" (y of the group's first row), "rows" (hover names), "cell" (px, square
    markers instead of full cells)}; scale: a plotly colour scale's name or
    [[position, "#rrggbb" or "rgb(r, g, b)"], ...]; crange: [lo, hi], or the name of a lines
    panel's share
    group; cursor: {"control", "dim_before" (opacity of cells left of it), "ring", "line"};
    colorbar: its title, or None.
    """
    panel = {
        "kind": "heatmap",
        "box": box,
        "groups": groups,
        "title": title,
        "colorscale": colorscale(scale) if isinstance(scale, str) else scale,
        "crange": crange,
        "x": {"title": x_title, "label": x_label, "nogrid": True},
        "y": {
            "label": y_label,
            "range": y_range,
            "tickvals": tickvals,
            "ticktext": ticktext,
            "nogrid": True,
        },
        "edge_colors": EDGE_COLORS,
        "colorbar": colorbar,
        "value_label": value_label,
        **extra,
    }
    if cursor is not None:
        panel["cursor"] = cursor
    return panel


def bars_panel(
    box, categories, series, y_range=None, title="", mode="overlay", hover=".3f", **extra
) -> dict:
    """A panel of bars over named categories.

    Inputs: series: dicts {"name", "data" (frame (len(categories),)) or "values" (fixed),
    "base" (an entry: where each bar starts) or "bases" (fixed), "color" (one, or one a
    category), "text" (a format for the value above each bar, e.g. ".3f")}; mode: "overlay"
    or "group" (side by side); y_range: [lo, hi], or None to fit the bars.
    """
    return {
        "kind": "bars",
        "box": box,
        "categories": list(categories),
        "series": series,
        "title": title,
        "mode": mode,
        "hover": hover,
        "x": {"hidden": True},
        "y": {"range": None if y_range is None else list(y_range)},
        **extra,
    }


def char_codes(texts, length=None) -> np.ndarray:
    """Strings as rows of character codes for a text panel's entries (0 pads a short row).

    Inputs: texts: a list of strings; length: the row length (default: the longest).
    Returns: (len(texts), length) float64 codes (float32 frames hold every code exactly).
    """
    width = max((len(t) for t in texts), default=0) if length is None else length
    codes = np.zeros((len(texts), width))
    for row, text in enumerate(texts):
        codes[row, : len(text)] = [ord(ch) for ch in text[:width]]
    return codes


def text_rows(text: str, columns: int) -> int:
    """How many rows a flow text panel needs for `text` at `columns` characters a row.

    The layout of static/chart.js's flowLayout: wrap at `columns`, a new row after "\n",
    a tab to the next multiple of 4 columns.
    """
    col = row = 0
    for ch in text:
        if col >= columns:
            col, row = 0, row + 1
        if ch == "\n":
            col, row = 0, row + 1
        else:
            col = max(col + 1, -(-(col + 1) // 4) * 4) if ch == "\t" else col + 1
    return row + 1 if col else row


def text_panel(
    box,
    chars,
    layout="flow",
    values=None,
    scale=None,
    crange=None,
    prefix="",
    prefix_color="#7f7f7f",
    title="",
    char_width=7.2,
    line_height=16,
    font_size=12,
    ny=1,
    rows=None,
    labels=None,
    x_title="",
    y_title="",
    x_label="character",
    tickvals=None,
    ticktext=None,
    colorbar=None,
    colorbar_format=".2f",
    value_label="",
    hover=".3f",
    missing_color="rgb(178,178,178)",
    **extra,
) -> dict:
    """A panel of characters, each optionally on a background coloured by a value.

    Inputs: chars: the entry of character codes (char_codes); layout: "flow" (wrapped text,
    char_width x line_height px a character, `prefix` drawn first, uncoloured) or "grid"
    (frame (nx, ny) x-major, `ny` rows named `rows` in hover, `labels` an entry of nx codes
    under the columns, y ticks `tickvals`/`ticktext`); values: the entry of colour values,
    one a character; scale: a plotly colour scale's name or [[position, colour], ...];
    crange: [lo, hi] or an entry whose frame is [lo, hi]; value_label: hover's words before
    the value (a template: "{name:chars} = "); missing_color: a non-finite value's background.
    """
    grid = layout == "grid"
    return {
        "kind": "text",
        "box": box,
        "layout": layout,
        "chars": chars,
        "values": values,
        "colorscale": colorscale(scale) if isinstance(scale, str) else scale,
        "crange": crange,
        "prefix": prefix,
        "prefix_color": prefix_color,
        "title": title,
        "char_width": char_width,
        "line_height": line_height,
        "font_size": font_size,
        "ny": ny,
        "rows": rows,
        "labels": labels,
        "x": {
            "hidden": not grid,
            "range": [0, 1],
            "title": x_title,
            "label": x_label,
            "tickvals": [],
            "nogrid": True,
        },
        "y": {
            "hidden": not grid,
            "range": [ny - 0.5, -0.5] if grid else [0, 1],
            "title": y_title,
            "tickvals": tickvals,
            "ticktext": ticktext,
            "nogrid": True,
        },
        "colorbar": colorbar,
        "colorbar_format": colorbar_format,
        "value_label": value_label,
        "hover": hover,
        "missing_color": missing_color,
        **extra,
    }


def scatter_panel(box, series, hover_names=("x", "y"), point_label="point", **kwargs) -> dict:
    """A lines_panel whose series are drawn at x values (each series' "x" entry), hovered
    by the nearest point: "<series> <point_label> k: <x name> x, <y name> y"; a series with
    "hover": False (a reference line) is skipped."""
    panel = lines_panel(box, series, x_label=point_label, **kwargs)
    return dict(panel, kind="scatter", hover_names=list(hover_names))


def _check_spec(spec, data, controls):
    names = set(controls)
    for name, control in controls.items():
        options = getattr(control, "_options_values", None)  # a dropdown: its index picks
        if options is not None and list(options) != spec["controls"][name]["grid"]:
            raise ValueError(f"control {name!r}'s grid must list its options' values in order")
    for name, entry in data.items():
        unknown = set(entry["axes"]) - names
        if unknown:
            raise ValueError(f"data entry {name!r} follows unknown controls {sorted(unknown)}")
        for axis in entry["axes"]:
            if axis not in spec.get("controls", {}):
                raise ValueError(f"control {axis!r} has no grid in spec['controls']")
    for panel in spec["panels"]:
        texts = [panel] if panel["kind"] == "text" else []  # a text panel names its entries
        for item in panel.get("series", []) + panel.get("groups", []) + texts:
            for key in ("data", "base", "x", "chars", "values", "labels", "crange"):
                ref = item.get(key)
                if isinstance(ref, str) and ref not in data:
                    raise ValueError(f"panel {panel.get('title')!r} refers to missing data {ref!r}")


class ChartWidget:
    """Base of the widgets drawn by the renderer: controls above one Chart.

    Subclasses set `self.controls` (ipywidgets, in display order) and call `_finish(extra)`
    once their chart has been shown. The text repr is fixed (`<Name widget>`) so nbval
    output stays stable.
    """

    def __init__(self):
        self.controls: list[widgets.Widget] = []
        self.chart = Chart()
        self.box: widgets.Widget | None = None

    def _finish(self, extra=()) -> None:
        self.box = widgets.VBox(
            [
                widgets.HBox(self.controls, layout=widgets.Layout(flex_flow="row wrap")),
                *extra,
                self.chart,
            ]
        )

    def _repr_mimebundle_(self, **kwargs):
        return fixed_text_bundle(self, **kwargs)
