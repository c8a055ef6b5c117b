"""Panels: what a chart draws, each kind a small frozen value with named fields.

A panel names the data entries it reads with `Ref`s (in its own fields, in its parts, and
inside its cursor dicts); `to_spec()` gives the JSON static/chart/ draws,
a Ref sent as the entry's name. `Chart.show` walks a panel's fields for its Refs and refuses
one that names no entry. A range is `[lo, hi]` or the `Ref` of an entry whose frame is
[lo, hi] (computed in Python with the picture, so it follows the controls).

The series, heatmap groups and (drawings.py) image overlays a panel holds are frozen values
too (`Series`, `BarSeries`, `HBarSeries`, `HeatmapGroup`): a misspelt field is a TypeError,
and only the fields that are set are sent, so the page's defaults hold for the rest.
`marks` (xy and heatmap panels): [{"control", "color", "dash", "width"}], a vertical line at
x = the control's value.
"""

from dataclasses import dataclass
from typing import ClassVar

import plotly.colors

from rnnviz.style import OVERFLOW_COLOR, UNDERFLOW_COLOR
from rnnviz.widgets.renderer.parts import (
    BarSeries,
    HBarSeries,
    HeatmapGroup,
    Ref,
    Series,
    parts_of,
    to_json,
)

EDGE_COLORS = {"under": UNDERFLOW_COLOR, "over": OVERFLOW_COLOR}
HIDDEN_AXIS = {"hidden": True, "range": [0, 1]}
HOVER_MODES = ("x", "point", "indexed")


def colorscale(name: str) -> list:
    """A plotly colour scale by name ("Viridis", "RdBu_r") as [[position, colour], ...]."""
    return [[float(p), c] for p, c in plotly.colors.get_colorscale(name)]


def _scale(scale):
    return colorscale(scale) if isinstance(scale, str) else scale


def _range(r):
    """A range as sent: [lo, hi], or the entry's name."""
    return r.name if isinstance(r, Ref) else list(r)


class Panel:
    """A panel kind: `kind` names its draw and hover in static/chart/picture.js's PANELS."""

    kind: ClassVar[str]

    def to_spec(self) -> dict:
        raise NotImplementedError


@dataclass(frozen=True)
class XYPanel(Panel):
    """Series of values over x: lines, markers or flags, at x = x0 + k dx or at x values.

    Fields: box [left, top, width, height] px; series: Series; hover_mode: what the
    pointer reads, "x" (every series' value at the pointer's x, series at x = x0 + k dx:
    "<series> at <x_label> = 3: <value>"), "point" (the nearest point within 12 px, in the
    axes' real values: "<series>: <x_label> = 10, <y_label> = 0.25") or "indexed" (the
    nearest point of a series with an "x" Ref, within 10 px, with its index:
    "<series> <index_label> 3: <x_label> 0.5, <y_label> 0.2"); a series with "hover": False
    is skipped by the nearest-point modes; x_log, y_log: that axis holds log10 values
    (log10_or_edge): x labelled with the real values, y with powers of ten unless y_real
    (labels 0.2, 0.5, 1, 2, ...); share: a name for a y log range common to every panel that
    has it; x_range, y_range: ranges; x_ticks: (values, labels) for fixed ticks on x (in the
    axis's units), or None; cursor: {"control", "x0", "markers": [{"data" (Ref), "color",
    "fade" (Ref of opacities), "open"}]}: a marker on each listed series at x = the control's
    value; marks; hover: the values' format (None: the mode's own, .3g or, "point", .4g).
    """

    kind: ClassVar[str] = "xy"
    box: list
    series: list
    hover_mode: str = "x"
    title: str = ""
    x_title: str = ""
    y_title: str = ""
    x_label: str = "x"
    y_label: str = "y"
    index_label: str = "point"
    x_log: bool = False
    y_log: bool = False
    y_real: bool = False
    share: str | None = None
    x_range: list | Ref | None = None
    y_range: list | Ref | None = None
    x_ticks: tuple | None = None
    cursor: dict | None = None
    marks: list | None = None
    hover: str | None = None

    def __post_init__(self):
        parts_of("XYPanel", "series", self.series, Series)
        if self.hover_mode not in HOVER_MODES:
            raise ValueError(f"hover_mode must be one of {HOVER_MODES}, got {self.hover_mode!r}")

    def to_spec(self) -> dict:
        # A log x axis is always labelled with its real values (there are no powers-of-ten x).
        x = {"title": self.x_title, "label": self.x_label, "log": self.x_log, "real": self.x_log}
        y = {"title": self.y_title, "label": self.y_label, "log": self.y_log, "real": self.y_real}
        _optional(x, range=None if self.x_range is None else _range(self.x_range))
        _optional(y, share=self.share, range=None if self.y_range is None else _range(self.y_range))
        if self.x_ticks is not None:
            x["tickvals"] = [float(v) for v in self.x_ticks[0]]
            x["ticktext"] = [str(t) for t in self.x_ticks[1]]
        spec = {
            "kind": self.kind,
            "box": self.box,
            "series": to_json(self.series),
            "hover_mode": self.hover_mode,
            "index_label": self.index_label,
            "title": self.title,
            "x": x,
            "y": y,
            "edge_colors": EDGE_COLORS,
        }
        _optional(spec, marks=to_json(self.marks), hover=self.hover, cursor=to_json(self.cursor))
        return spec


@dataclass(frozen=True)
class HeatmapPanel(Panel):
    """Coloured cells.

    Fields: groups: HeatmapGroups, blocks of rows; scale: a plotly colour scale's name or
    [[position, "#rrggbb" or "rgb(r, g, b)"], ...]; crange: [lo, hi] or a Ref; share: take
    the range of the xy panels' share group of that name instead; cursor: {"control",
    "dim_before" (opacity of cells left of it), "ring", "line"}; colorbar: its title, or
    None; colorbar_format: label the bar's ends and middle in this format (".2g"), its title
    above it; hover: the value's format.
    """

    kind: ClassVar[str] = "heatmap"
    box: list
    groups: list
    scale: str | list
    crange: list | Ref | None = None
    share: str | None = None
    title: str = ""
    x_title: str = ""
    x_label: str = "x"
    y_title: str | None = None
    y_label: str = "row"
    y_range: list | None = None
    tickvals: list | None = None
    ticktext: list | None = None
    cursor: dict | None = None
    colorbar: str | None = None
    value_label: str = ""
    hover: str | None = None
    marks: list | None = None
    colorbar_format: str | None = None

    def __post_init__(self):
        parts_of("HeatmapPanel", "groups", self.groups, HeatmapGroup)

    def to_spec(self) -> dict:
        # A name there is a share group's, so a Ref is sent as {"data": name}.
        crange = self.share if self.share is not None else self.crange
        if isinstance(crange, Ref):
            crange = {"data": crange.name}
        y = {
            "label": self.y_label,
            "range": self.y_range,
            "tickvals": self.tickvals,
            "ticktext": self.ticktext,
            "nogrid": True,
        }
        _optional(y, title=self.y_title)
        spec = {
            "kind": self.kind,
            "box": self.box,
            "groups": to_json(self.groups),
            "title": self.title,
            "colorscale": _scale(self.scale),
            "crange": crange,
            "x": {"title": self.x_title, "label": self.x_label, "nogrid": True},
            "y": y,
            "edge_colors": EDGE_COLORS,
            "colorbar": self.colorbar,
            "value_label": self.value_label,
        }
        _optional(
            spec,
            hover=self.hover,
            marks=to_json(self.marks),
            colorbar_format=self.colorbar_format,
            cursor=to_json(self.cursor),
        )
        return spec


@dataclass(frozen=True)
class BarsPanel(Panel):
    """Bars over named categories.

    Fields: categories: the bars' names, or () with `labels`; series: BarSeries; labels: names that
    follow the controls, a labels(...) entry of name lists (each name wraps onto two lines at
    its last space), or None; mode: "overlay" or "group" (side by side); y_range: [lo, hi], or
    None to fit the bars; x_title: words under the (hidden) axis.
    """

    kind: ClassVar[str] = "bars"
    box: list
    categories: list | tuple
    series: list
    labels: dict | None = None
    y_range: list | None = None
    title: str = ""
    mode: str = "overlay"
    hover: str = ".3f"
    x_title: str = ""
    y_title: str = ""

    def __post_init__(self):
        parts_of("BarsPanel", "series", self.series, BarSeries)
        if (self.labels is None) == (not self.categories):
            raise ValueError("a bars panel takes categories or labels, one of them")

    def to_spec(self) -> dict:
        x = {"hidden": True}
        y = {"range": None if self.y_range is None else list(self.y_range)}
        _optional(x, title=self.x_title or None)
        _optional(y, title=self.y_title or None)
        spec = {
            "kind": self.kind,
            "box": self.box,
            "categories": list(self.categories),
            "series": to_json(self.series),
            "title": self.title,
            "mode": self.mode,
            "hover": self.hover,
            "x": x,
            "y": y,
        }
        _optional(spec, labels=self.labels)
        return spec


@dataclass(frozen=True)
class HBarsPanel(Panel):
    """Horizontal bars, one a row at y = y0, y0 + 1, ... (beside a heatmap's rows).

    Fields: rows: the rows' names (hover); series: HBarSeries (one with `at` draws the row a
    slider picks of a (m, len(rows)) frame: a heatmap's column); x_range: a range or None.
    """

    kind: ClassVar[str] = "hbars"
    box: list
    rows: list
    series: list
    x_range: list | Ref | None = None
    y0: int = 1
    title: str = ""
    x_title: str = ""
    y_title: str = ""
    hover: str = ".3f"

    def __post_init__(self):
        parts_of("HBarsPanel", "series", self.series, HBarSeries)

    def to_spec(self) -> dict:
        rows = list(self.rows)
        x_range = None if self.x_range is None else _range(self.x_range)
        return {
            "kind": self.kind,
            "box": self.box,
            "rows": rows,
            "series": to_json(self.series),
            "y0": self.y0,
            "title": self.title,
            "hover": self.hover,
            "x": {"title": self.x_title, "range": x_range},
            "y": {
                "title": self.y_title,
                "range": [self.y0 - 0.5, self.y0 + len(rows) - 0.5],
                "nogrid": True,
            },
        }


def _optional(spec: dict, **fields) -> None:
    """Add the fields that are set (not None) to `spec`, in order."""
    spec.update({key: value for key, value in fields.items() if value is not None})
