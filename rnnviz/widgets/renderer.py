"""The renderer: a widget declares panels and precomputed frames in Python; the browser draws.

A slider the student drags must answer within a frame, whatever the kernel is doing and
however far away it is. So the kernel computes the picture's data at every position of the
hot sliders' grids up front, sends them once as float32 buffers, and one small front end
(static/chart/, joined by front_end.chart_source) picks the frame for the sliders' current
values and draws it on a canvas.
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

import hashlib
from pathlib import Path

import anywidget
import ipywidgets as widgets
import numpy as np
import plotly.colors
import traitlets

from rnnviz.style import OVERFLOW_COLOR, UNDERFLOW_COLOR
from rnnviz.widgets.front_end import chart_source

STATIC = Path(__file__).parent / "static"
EDGE_COLORS = {"under": UNDERFLOW_COLOR, "over": OVERFLOW_COLOR}


class ChartLibrary(widgets.Widget):
    """The renderer's front-end code (chart_source()), held once by one model that every
    Chart refers to: a notebook's stored widget state carries the source once, not once per
    chart. A plain ipywidgets model with no view; `version` (a hash of the source) keys the
    page's cache of the imported module."""

    source = traitlets.Unicode().tag(sync=True)
    version = traitlets.Unicode().tag(sync=True)


_library: ChartLibrary | None = None


def chart_library() -> ChartLibrary:
    """The kernel's one ChartLibrary (a new one if it was closed)."""
    global _library
    if _library is None or _library.comm is None:
        source = chart_source()
        version = hashlib.sha256(source.encode()).hexdigest()[:16]
        _library = ChartLibrary(source=source, version=version)
    return _library


class Chart(anywidget.AnyWidget):
    """The shared front end: panels drawn from frames, answered in the browser.

    Its own `_esm` is a small stub (static/chart_loader.js) that imports the front end from the
    ChartLibrary named by `library`.

    Traits (synced): spec (panels, control grids, legend, title, play), data (name ->
    {"axes", "shape", "star", "dtype", "values": bytes}), controls (the ipywidgets whose
    values pick frames, in spec["control_names"] order), busy (the kernel is recomputing:
    the front end says so over the picture).
    """

    _esm = STATIC / "chart_loader.js"
    library = traitlets.Instance(ChartLibrary).tag(sync=True, **widgets.widget_serialization)
    spec = traitlets.Dict().tag(sync=True)
    data = traitlets.Dict().tag(sync=True)
    controls = traitlets.List(traitlets.Instance(widgets.Widget)).tag(
        sync=True, **widgets.widget_serialization
    )
    busy = traitlets.Bool(False).tag(sync=True)

    @traitlets.default("library")
    def _default_library(self):
        return chart_library()

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._on_settle = []
        self._on_event = {}
        self._settle_state = None  # the values the page settled on, until the kernel has them
        self.on_msg(self._message)

    def on_settle(self, callback) -> None:
        """Call `callback()` when the student has let go of the controls: the front end says
        so after spec["settle_ms"] without a change (for star entries' other axes)."""
        self._on_settle.append(callback)

    def on_event(self, event: str, callback) -> None:
        """Call `callback(content)` when the front end sends {"event": event, ...} (a
        Predict's Check press sends "predict" with the committed guess)."""
        self._on_event.setdefault(event, []).append(callback)

    def _message(self, _widget, content, _buffers):
        if not isinstance(content, dict):
            return
        if content.get("event") == "settle":
            self._settle_state = content.get("state", {})
            self._try_settle()
        for callback in self._on_event.get(content.get("event"), []):
            callback(content)

    def _try_settle(self, _change=None):
        # The page's "settle" can overtake the sliders' own value messages (ipywidgets holds
        # a model's update while its previous one is unanswered): wait until the kernel's
        # controls hold the values the page settled on.
        if self._settle_state is None:
            return
        now = {
            name: getattr(c, self.spec["controls"].get(name, {}).get("trait", "value"))
            for name, c in zip(self.spec["control_names"], self.controls)
        }
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
        - spec: {"width", "height", "panels": [...], "controls": {name: {"grid": [...],
          optional "trait": "index" (a selection widget, picked by its option's index)}},
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
      would round to 0 or inf (a ratio of 1e-65), or "uint8" (an image's 0..255 pixels)
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


def value_range(values, log=False, pad=0.05):
    """An axis range [lo, hi] around the finite values, padded by `pad` of their span.

    Inputs: values: any shape (NaN/inf are left out); log: the values are log10 (a log axis),
    and a flat series gets half a decade each side instead of half a unit.
    Returns: [lo, hi] floats, or None when no value is finite.
    """
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return None
    lo, hi = float(v.min()), float(v.max())
    if hi == lo:
        half = 0.5 if log or lo == 0 else 0.5 * abs(lo)
        return [lo - half, hi + half]
    return [lo - pad * (hi - lo), hi + pad * (hi - lo)]


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
    "markers", "symbol" (circle, square, diamond, ...; a "markers" series has no point where
    its value is NaN), "edges" (mark -inf/+inf on the edges), "visible"}; log: the y values
    are log10 (labelled as powers of ten); share: a name for a y range common to every panel
    that has it; cursor: {"control", "x0", "markers": [{"data", "color", "fade" (an entry of
    opacities), "open"}]}: a marker on each listed series at x = the control's value;
    y_range, x_range: [lo, hi] or data_range(name).
    Any panel may have marks=[{"control", "color", "dash", "width"}]: a vertical line at x =
    the control's value.
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
        panel["y"]["range"] = _range(y_range)
    if x_range is not None:
        panel["x"]["range"] = _range(x_range)
    if cursor is not None:
        panel["cursor"] = cursor
    return panel


def points_panel(
    box,
    series,
    x_range,
    y_range,
    title="",
    x_title="",
    y_title="",
    x_label="x",
    y_label="y",
    x_log=False,
    y_log=False,
    x_ticks=None,
    **extra,
) -> dict:
    """A panel of markers and lines at real x values (a scatter), hovered by the nearest point.

    Inputs: series: as lines_panel's, each with "x" (an entry of x values) or "x0"/"dx", and
    "open" (hollow markers); x_range, y_range: [lo, hi] in the axes' units; x_log, y_log: that
    axis holds log10 values (log10_or_edge), labelled and hovered with the real values;
    x_ticks: (values, labels) for fixed ticks on x (in the axis's units), or None.
    """
    panel = {
        "kind": "points",
        "box": box,
        "series": series,
        "title": title,
        "x": {"title": x_title, "label": x_label, "log": x_log, "real": x_log},
        "y": {"title": y_title, "label": y_label, "log": y_log, "real": y_log},
        "edge_colors": EDGE_COLORS,
        **extra,
    }
    panel["x"]["range"], panel["y"]["range"] = list(x_range), list(y_range)
    if x_ticks is not None:
        panel["x"]["tickvals"] = [float(v) for v in x_ticks[0]]
        panel["x"]["ticktext"] = [str(t) for t in x_ticks[1]]
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
    [[position, "#rrggbb" or "rgb(r, g, b)"], ...]; crange: [lo, hi], data_range(name), or
    the name of a lines panel's share group; cursor: {"control", "dim_before" (opacity of
    cells left of it), "ring", "line"}; colorbar: its title, or None; colorbar_format (extra):
    label the bar's ends and middle in this format (".2g"), its title above it.
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


def graph_panel(
    box,
    strings,
    colors,
    title_at=(35, 22),
    label_size=13,
    outline="#444444",
    nodes="nodes",
    edges="edges",
    texts="texts",
    view="view",
    lines="title",
    **extra,
) -> dict:
    """A node-and-edge diagram: circles with labels, edges with arrowheads, texts, a title.

    Inputs: strings, colors: the words and colours the frames index (see `Words`); the names
    of five data entries whose frames are rows of numbers, padded with NaN rows to one shape
    (`padded_rows`):
      nodes (n, 10): x, y, diameter px, fill colour, outline width px, label colour, label,
        subscript (NaN: none), label below the node (1) or inside (0), hover text
      edges (m, 9): x0, y0, x1, y1, colour, width px, opacity, dotted (1) or solid (0),
        arrowhead size px at 60% along (0: none)
      texts (k, 6): x, y, text, colour, font size px, above (0) or right of (1) the point
      view (4,): the data range x0, x1, y0, y1 the box shows
      lines (n, 1): the title, one text a line, drawn from `title_at` (px) down
    """
    return {
        "kind": "graph",
        "box": box,
        "strings": list(strings),
        "colors": list(colors),
        "title_at": list(title_at),
        "label_size": label_size,
        "outline": outline,
        "nodes": nodes,
        "edges": edges,
        "texts": texts,
        "view": view,
        "title_lines": lines,
        "entries": [nodes, edges, texts, view, lines],
        "x": {"hidden": True, "range": [0, 1]},  # the frame's own view places the graph
        "y": {"hidden": True, "range": [0, 1]},
        **extra,
    }


def hbars_panel(
    box, rows, series, x_range=None, y0=1, title="", x_title="", y_title="", hover=".3f", **extra
) -> dict:
    """A panel of horizontal bars, one a row at y = y0, y0 + 1, ... (beside a heatmap's rows).

    Inputs: rows: the rows' names (hover); series: dicts {"name", "data" (frame (len(rows),),
    or (m, len(rows)) with "at"), "at" {"control", "x0"} (draw row value - x0 of the frame:
    a slider picks a heatmap's column), "color"}; x_range: [lo, hi] or data_range(name).
    """
    return {
        "kind": "hbars",
        "box": box,
        "rows": list(rows),
        "series": series,
        "y0": y0,
        "title": title,
        "hover": hover,
        "x": {"title": x_title, "range": x_range},
        "y": {"title": y_title, "range": [y0 - 0.5, y0 + len(rows) - 0.5], "nogrid": True},
        **extra,
    }


class Words:
    """A table of the words a chart shows: `words[text]` is its index (added the first
    time), `words.strings` the list for the panel. Frames hold indexes, never text."""

    def __init__(self, *first):
        self.strings: list[str] = []
        self._index: dict[str, int] = {}
        for word in first:
            self[word]

    def __getitem__(self, text: str) -> int:
        if text not in self._index:
            self._index[text] = len(self.strings)
            self.strings.append(text)
        return self._index[text]


def padded_rows(tables, width: int) -> np.ndarray:
    """Frames of rows, padded with NaN rows to the longest: (len(tables), longest, width).

    Inputs: tables: one list of rows (each `width` numbers) a frame, in frames()' order
    (reshape the result to the controls' axes). Returns: float64; a NaN row is absent.
    """
    longest = max([1] + [len(rows) for rows in tables])
    out = np.full((len(tables), longest, width), np.nan)
    for k, rows in enumerate(tables):
        if len(rows):
            out[k, : len(rows)] = rows
    return out


def _range(r):
    """[lo, hi] as a list, or a data_range(...) as it is."""
    return r if isinstance(r, dict) else list(r)


def data_range(name: str) -> dict:
    """A range that follows the controls: data entry `name`'s current frame is [lo, hi].

    Use it for a panel's x_range / y_range or a heatmap's crange, when the kernel computes
    the range along with the picture (a colour scale symmetric about the largest change).
    """
    return {"data": name}


# --- images, texts and bars labelled by the controls (AttentionViewer) ----------------------
def labels(values, grids: dict) -> dict:
    """Strings (or lists of them) that follow controls, like a data entry's frames.

    Inputs: values: nested lists, one level a control in `grids` order (values[i][j] for
    grid_a[i], grid_b[j]); grids: control name -> its grid (spec["controls"][name]["grid"]).
    Returns: {"axes", "grids", "values" (flat, in frames' packing)} for text_panel and
    labelled_bars_panel; the browser picks the entry for the controls' current values.
    """
    flat = list(values)
    for _ in range(len(grids) - 1):
        flat = [v for row in flat for v in row]
    size = int(np.prod([len(g) for g in grids.values()]))
    if len(flat) != size:
        raise ValueError(f"labels: {len(flat)} values for grids of {size} positions")
    return {"axes": list(grids), "grids": [list(g) for g in grids.values()], "values": flat}


def text_panel(box, lines, font_size=13) -> dict:
    """Lines of text, each a fixed string or labels(...) picked by the controls.

    Inputs: box [left, top, width, height] px; lines: strings or labels entries; text between
    ** and ** is drawn bold (a marked word).
    """
    return {
        "kind": "text",
        "box": box,
        "lines": list(lines),
        "font_size": font_size,
        "x": {"hidden": True, "range": [0, 1]},
        "y": {"hidden": True, "range": [0, 1]},
    }


def image_panel(box, image, size, overlay=None, outline=None, title="") -> dict:
    """An RGB image, optionally under a coarse grid of coloured cells (a heat map with alpha).

    Inputs: image: a data entry whose frame is (H, W, 3) values 0..255 (frames(...,
    dtype="uint8")); size: [H, W]; overlay: {"data" (an entry, frame (rows, cols) row-major),
    "size" [rows, cols], "colorscale" ([[position, "rgba(r,g,b,a)" or "#rrggbb"], ...]),
    "crange" [lo, hi] (each a number or an entry whose frame's first value it is),
    "opacity", "colorbar" (its title, or None), "value_label", "hover" (format)};
    outline: {"data" (an entry, frame (row, col)), "color", "width"}: one overlay cell framed.
    """
    panel = {
        "kind": "image",
        "box": box,
        "image": image,
        "size": list(size),
        "title": title,
        "x": {"hidden": True, "range": [0, 1]},
        "y": {"hidden": True, "range": [0, 1]},
        "series": [{"data": image}],  # the entries it reads, for Chart.show's check
    }
    if overlay is not None:
        panel["overlay"] = overlay
        panel["series"].append({"data": overlay["data"]})
    if outline is not None:
        panel["outline"] = outline
        panel["series"].append({"data": outline["data"]})
    return panel


def labelled_bars_panel(box, categories, series, y_range=None, y_title="", **kwargs) -> dict:
    """bars_panel whose categories (and colours) follow the controls: categories is a
    labels(...) entry of name lists, a series' "color" may be one of colour lists. Names
    wrap onto two lines at their last space."""
    panel = bars_panel(box, [], series, y_range=y_range, **kwargs)
    panel.update(kind="labelled_bars", categories=categories)
    panel["x"]["range"] = [0, 1]
    panel["y"]["title"] = y_title
    return panel


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

    The layout of static/chart/panels/chars.js's flowLayout: wrap at `columns`, a new row
    after "\n", a tab to the next multiple of 4 columns.
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


def chars_panel(
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
        "kind": "chars",
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
        # A selection's index picks its frame: its grid lists its options' values, unless
        # the spec reads its "index" trait (then the grid is the indexes).
        options = getattr(control, "_options_values", None)
        by_index = spec["controls"].get(name, {}).get("trait") == "index"
        if options is not None and not by_index and list(options) != spec["controls"][name]["grid"]:
            raise ValueError(f"control {name!r}'s grid must list its options' values in order")
    for name, entry in data.items():
        unknown = set(entry["axes"]) - names
        if unknown:
            raise ValueError(f"data entry {name!r} follows unknown controls {sorted(unknown)}")
        for axis in entry["axes"]:
            if axis not in spec.get("controls", {}):
                raise ValueError(f"control {axis!r} has no grid in spec['controls']")
    for panel in spec["panels"]:
        texts = [panel] if panel["kind"] == "chars" else []  # a chars panel names its entries
        refs = list(panel.get("entries", [])) + [
            item.get(key)
            for item in panel.get("series", []) + panel.get("groups", []) + texts
            for key in ("data", "base", "x", "chars", "values", "labels", "crange")
        ]
        # x and y ranges may name an entry; a heatmap's crange string names a share group.
        ranges = [panel.get("x", {}).get("range"), panel.get("y", {}).get("range")]
        refs += [r["data"] if isinstance(r, dict) else r for r in ranges]
        crange = panel.get("crange")
        refs += [crange["data"]] if isinstance(crange, dict) else []
        for ref in refs:
            if isinstance(ref, str) and ref not in data:
                raise ValueError(
                    f"panel {panel.get('title') or panel.get('kind')!r} refers to missing "
                    f"data {ref!r}"
                )


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

    def close(self) -> None:
        """Close every widget model this widget made: its box, chart, controls, their
        layouts and styles, and any other model it holds (the kernel's one ChartLibrary,
        shared by every chart, stays)."""
        close_models([self.box, self.chart, *self.controls, *vars(self).values()])


def _models_in(value) -> list:
    """The widget models `value` holds: itself, or those in a list, tuple or dict."""
    if isinstance(value, widgets.Widget):
        return [value]
    if isinstance(value, list | tuple):
        return [m for v in value for m in _models_in(v)]
    if isinstance(value, dict):
        return [m for v in value.values() for m in _models_in(v)]
    return []


def close_models(roots) -> None:
    """Close the widget models in `roots` and every model they refer to through their synced
    traits (children, layout, style, a chart's controls), except the shared ChartLibrary.

    Inputs: roots: widgets, or lists, tuples and dicts holding them (other values are skipped)
    """
    todo, seen = _models_in(list(roots)), {}
    while todo:
        model = todo.pop()
        if id(model) in seen or isinstance(model, ChartLibrary):
            continue
        seen[id(model)] = model
        todo.extend(_models_in([getattr(model, key, None) for key in model.keys]))
    for model in seen.values():
        model.close()


def fixed_text_bundle(widget, **kwargs) -> dict:
    """`widget.box`'s display bundle with a fixed text repr, `<Name widget>`.

    The default text repr holds model ids; a fixed one keeps nbval's comparison of stored
    outputs stable.
    """
    bundle = widget.box._repr_mimebundle_(**kwargs)
    if isinstance(bundle, tuple):
        bundle = bundle[0]
    bundle = dict(bundle)
    bundle["text/plain"] = f"<{type(widget).__name__} widget>"
    return bundle


def finite_max(values, default: float) -> float:
    """The largest finite entry of `values`, or `default` if there is none (a colour or
    axis range from data that may hold NaN/inf)."""
    array = np.asarray(values, dtype=float)
    finite = array[np.isfinite(array)]
    return float(finite.max()) if finite.size else default
