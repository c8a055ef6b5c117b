"""Panels with no data axes: a node-and-edge graph, lines of text, an image, characters on
coloured backgrounds. Each is a frozen value like those of `panels`, its entries named by Refs.
"""

from dataclasses import dataclass
from typing import ClassVar

from rnnviz.widgets.renderer.panels import HIDDEN_AXIS, Panel, _scale
from rnnviz.widgets.renderer.parts import Part, Ref, parts_of, to_json


@dataclass(frozen=True)
class GraphPanel(Panel):
    """A node-and-edge diagram: circles with labels, edges with arrowheads, texts, a title.

    Fields: strings, colors: the words and colours the frames index (see `Words`); five
    entries whose frames are rows of numbers, padded with NaN rows to one shape
    (`padded_rows`):
      nodes (n, 10): x, y, diameter px, fill colour, outline width px, label colour, label,
        subscript (NaN: none), label below the node (1) or inside (0), hover text
      edges (m, 9): x0, y0, x1, y1, colour, width px, opacity, dotted (1) or solid (0),
        arrowhead size px at 60% along (0: none)
      texts (k, 6): x, y, text, colour, font size px, above (0) or right of (1) the point
      view (4,): the data range x0, x1, y0, y1 the box shows
      lines (n, 1): the title, one text a line, drawn from `title_at` (px) down
    """

    kind: ClassVar[str] = "graph"
    box: list
    strings: list
    colors: list
    title_at: tuple = (35, 22)
    label_size: int = 13
    outline: str = "#444444"
    nodes: Ref = Ref("nodes")
    edges: Ref = Ref("edges")
    texts: Ref = Ref("texts")
    view: Ref = Ref("view")
    lines: Ref = Ref("title")

    def to_spec(self) -> dict:
        entries = [self.nodes, self.edges, self.texts, self.view, self.lines]
        return {
            "kind": self.kind,
            "box": self.box,
            "strings": list(self.strings),
            "colors": list(self.colors),
            "title_at": list(self.title_at),
            "label_size": self.label_size,
            "outline": self.outline,
            "nodes": self.nodes.name,
            "edges": self.edges.name,
            "texts": self.texts.name,
            "view": self.view.name,
            "title_lines": self.lines.name,
            "entries": to_json(entries),
            "x": dict(HIDDEN_AXIS),  # the frame's own view places the graph
            "y": dict(HIDDEN_AXIS),
        }


@dataclass(frozen=True)
class TextPanel(Panel):
    """Lines of text, each a fixed string or labels(...) picked by the controls; text
    between ** and ** is drawn bold (a marked word)."""

    kind: ClassVar[str] = "text"
    box: list
    lines: list
    font_size: int = 13

    def to_spec(self) -> dict:
        return {
            "kind": self.kind,
            "box": self.box,
            "lines": list(self.lines),
            "font_size": self.font_size,
            "x": dict(HIDDEN_AXIS),
            "y": dict(HIDDEN_AXIS),
        }


@dataclass(frozen=True)
class ImageOverlay(Part):
    """A coarse grid of coloured cells over an image: data (Ref, frame (rows, cols)
    row-major); size [rows, cols]; colorscale [[position, "rgba(r,g,b,a)" or "#rrggbb"], ...];
    crange [lo, hi], each a number or the Ref of an entry whose frame's first value it is;
    opacity; colorbar: its title, or None; value_label; hover: the value's format."""

    data: Ref
    size: list
    colorscale: list
    crange: list
    opacity: float | None = None
    colorbar: str | None = None
    value_label: str | None = None
    hover: str | None = None


@dataclass(frozen=True)
class ImageOutline(Part):
    """One overlay cell framed: data (Ref, frame (row, col)), color, width px."""

    data: Ref
    color: str
    width: float = 2


@dataclass(frozen=True)
class ImagePanel(Panel):
    """An RGB image, optionally under a coarse grid of coloured cells (a heat map with alpha).

    Fields: image: the Ref of an entry whose frame is (H, W, 3) values 0..255 (frames(...,
    dtype="uint8")); size: [H, W]; overlay: an ImageOverlay or None; outline: an
    ImageOutline (one overlay cell framed) or None.
    """

    kind: ClassVar[str] = "image"
    box: list
    image: Ref
    size: list
    overlay: ImageOverlay | None = None
    outline: ImageOutline | None = None
    title: str = ""

    def __post_init__(self):
        parts_of(
            "ImagePanel",
            "overlay",
            [self.overlay] if self.overlay is not None else [],
            ImageOverlay,
        )
        parts_of(
            "ImagePanel",
            "outline",
            [self.outline] if self.outline is not None else [],
            ImageOutline,
        )

    def to_spec(self) -> dict:
        spec = {
            "kind": self.kind,
            "box": self.box,
            "image": self.image.name,
            "size": list(self.size),
            "title": self.title,
            "x": dict(HIDDEN_AXIS),
            "y": dict(HIDDEN_AXIS),
            "series": [{"data": self.image.name}],
        }
        for name, part in (("overlay", self.overlay), ("outline", self.outline)):
            if part is not None:
                spec[name] = to_json(part)
                spec["series"].append({"data": part.data.name})
        return spec


@dataclass(frozen=True)
class CharsPanel(Panel):
    """Characters, each optionally on a background coloured by a value.

    Fields: chars: the Ref of character codes (char_codes); layout: "flow" (wrapped text,
    char_width x line_height px a character, `prefix` drawn first, uncoloured) or "grid"
    (frame (nx, ny) x-major, `ny` rows named `rows` in hover, `labels` a Ref of nx codes
    under the columns, y ticks `tickvals`/`ticktext`); values: the Ref of colour values, one
    a character; scale: a plotly colour scale's name or [[position, colour], ...]; crange:
    [lo, hi] or a Ref; value_label: hover's words before the value (a template:
    "{name:chars} = "); missing_color: a non-finite value's background.
    """

    kind: ClassVar[str] = "chars"
    box: list
    chars: Ref
    layout: str = "flow"
    values: Ref | None = None
    scale: str | list | None = None
    crange: list | Ref | None = None
    prefix: str = ""
    prefix_color: str = "#7f7f7f"
    title: str = ""
    char_width: float = 7.2
    line_height: int = 16
    font_size: int = 12
    ny: int = 1
    rows: list | None = None
    labels: Ref | None = None
    x_title: str = ""
    y_title: str = ""
    x_label: str = "character"
    tickvals: list | None = None
    ticktext: list | None = None
    colorbar: str | None = None
    colorbar_format: str = ".2f"
    value_label: str = ""
    hover: str = ".3f"
    missing_color: str = "rgb(178,178,178)"

    def to_spec(self) -> dict:
        grid = self.layout == "grid"
        return {
            "kind": self.kind,
            "box": self.box,
            "layout": self.layout,
            "chars": self.chars.name,
            "values": to_json(self.values),
            "colorscale": _scale(self.scale),
            "crange": to_json(self.crange),
            "prefix": self.prefix,
            "prefix_color": self.prefix_color,
            "title": self.title,
            "char_width": self.char_width,
            "line_height": self.line_height,
            "font_size": self.font_size,
            "ny": self.ny,
            "rows": self.rows,
            "labels": to_json(self.labels),
            "x": {
                "hidden": not grid,
                "range": [0, 1],
                "title": self.x_title,
                "label": self.x_label,
                "tickvals": [],
                "nogrid": True,
            },
            "y": {
                "hidden": not grid,
                "range": [self.ny - 0.5, -0.5] if grid else [0, 1],
                "title": self.y_title,
                "tickvals": self.tickvals,
                "ticktext": self.ticktext,
                "nogrid": True,
            },
            "colorbar": self.colorbar,
            "colorbar_format": self.colorbar_format,
            "value_label": self.value_label,
            "hover": self.hover,
            "missing_color": self.missing_color,
        }
