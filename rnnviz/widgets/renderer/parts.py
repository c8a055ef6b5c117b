"""What a panel holds: `Ref`s to the data entries it reads, and its parts (the series of an
xy, bars or hbars panel, a heatmap's groups), each a frozen value like the panels.

A misspelt field of a part is a TypeError at construction, and a panel refuses a plain dict
where a part belongs (`parts_of`). A part sends only the fields that are set, so the page's
defaults hold for the rest; `to_json` gives the JSON the page reads, each Ref as its entry's
name, and `refs_in` every Ref a panel holds, for `Chart.show` to check.
"""

import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True)
class Ref:
    """A data entry a panel reads, by its name in Chart.show's data."""

    name: str

    def __post_init__(self):
        if not isinstance(self.name, str):
            raise TypeError(f"Ref name must be a str, got {type(self.name).__name__}")


def to_json(value):
    """`value` as the page reads it: every Ref as its entry's name."""
    if isinstance(value, Ref):
        return value.name
    if isinstance(value, Part):
        return value.to_spec()
    if isinstance(value, dict):
        return {key: to_json(v) for key, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    return value


def refs_in(value) -> list[Ref]:
    """Every Ref in `value`: a panel's fields, and the dicts and lists they hold."""
    if isinstance(value, Ref):
        return [value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):  # a panel or a part
        return [r for f in dataclasses.fields(value) for r in refs_in(getattr(value, f.name))]
    if isinstance(value, dict):
        return [r for v in value.values() for r in refs_in(v)]
    if isinstance(value, list | tuple):
        return [r for v in value for r in refs_in(v)]
    return []


class Part:
    """A part of a panel (a series, a group, an overlay): a frozen value whose set fields are
    sent, by name, each Ref as its entry's name. A field typed Ref takes only a Ref (a bare
    name would go unchecked by Chart.show)."""

    def __post_init__(self):
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.type in (Ref, Ref | None) and not isinstance(value, Ref | None):
                kind = type(self).__name__
                raise TypeError(f"{kind}.{f.name} must be a Ref, got {type(value).__name__}")

    def to_spec(self) -> dict:
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        return {key: to_json(v) for key, v in values.items() if v is not None}


def parts_of(panel: str, field: str, items, kind: type) -> None:
    """Refuse a panel's `field` unless every item in it is a `kind` (a dict is not)."""
    for item in items:
        if not isinstance(item, kind):
            got = type(item).__name__
            raise TypeError(f"{panel}.{field} must hold {kind.__name__} values, got {got}")


@dataclass(frozen=True)
class Series(Part):
    """One series of an xy panel.

    Fields: name (legend and hover); data: Ref of its values, frame (n,); x0, dx: x of value k
    is x0 + k dx, or x: Ref of the x values; color; dash [on, off] px; width px; opacity;
    mode: "lines" (None), "markers" (no point where a value is NaN) or "flags" (a mark on the
    top edge where the value is non-zero); markers: markers on the line too, at every point or,
    with marker_gap px, only where the last one is that far behind (a few along a long line);
    symbol ("circle", "square", "diamond", "triangle-up", "triangle-down", "cross", "star",
    "x") and size px of the markers; open: hollow markers; edges: mark -inf/+inf on the
    bottom/top edges; autorange: False leaves it out of a shared range; hover: False skips it
    in the nearest-point hovers; group: the legend item that hides it.
    """

    name: str
    data: Ref
    x0: float | None = None
    dx: float | None = None
    x: Ref | None = None
    color: str | None = None
    dash: list | None = None
    width: float | None = None
    opacity: float | None = None
    mode: str | None = None
    markers: bool | None = None
    marker_gap: float | None = None
    symbol: str | None = None
    size: float | None = None
    open: bool | None = None
    edges: bool | None = None
    autorange: bool | None = None
    hover: bool | None = None
    group: str | None = None


@dataclass(frozen=True)
class BarSeries(Part):
    """One series of a bars panel: name; data (Ref: frame (len(categories),)) or values
    (fixed); base (a Ref: where each bar starts) or bases (fixed); color (one, one a
    category, or a labels(...) entry of colour lists); text: a format for the value written
    above each bar (".3f"), or None."""

    name: str
    data: Ref | None = None
    values: list | None = None
    base: Ref | None = None
    bases: list | None = None
    color: str | list | dict | None = None
    text: str | None = None


@dataclass(frozen=True)
class HBarSeries(Part):
    """One series of an hbars panel: name; data (Ref: frame (len(rows),), or (m, len(rows))
    with at); at: {"control", "x0"}: draw row (control's value - x0) of the frame; color."""

    name: str
    data: Ref
    at: dict | None = None
    color: str | None = None


@dataclass(frozen=True)
class HeatmapGroup(Part):
    """A block of a heatmap's rows: data (Ref: frame (nx, ny) x-major, or (nx,) for one
    row); ny: its rows; x0, dx: x of column k is x0 + k dx; y0: y of its first row; rows:
    their names (hover); cell: px, square markers instead of full cells; ring: a ring round
    each cell; gaps: NaN cells blank instead of marked as an overflow."""

    data: Ref
    x0: float
    dx: float
    y0: float
    ny: int | None = None
    rows: list | None = None
    cell: float | None = None
    ring: bool | None = None
    gaps: bool | None = None
