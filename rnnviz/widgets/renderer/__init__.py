"""The renderer: a widget declares panels and precomputed frames in Python; the browser draws.

- `chart`: `Chart` (the one front end, static/chart/, and its transport), `ChartLibrary`,
  `ChartWidget` (the base of every widget drawn this way), closing models.
- `frames`: data entries packed for the page (`frames`), the rule that picks a frame for the
  controls' values (`frame_index`), words as indexes, labels and character codes.
- `layout`: panel boxes in pixels (`grid_boxes`, `span`).
- `panels` and `drawings`: the panel kinds, frozen values with named fields whose data
  references are `Ref`s; `to_spec()` gives the JSON the front end draws.
- `parts`: `Ref`, and what panels hold, frozen too: `Series`, `BarSeries`, `HBarSeries`,
  `HeatmapGroup` (drawings: `ImageOverlay`, `ImageOutline`).
"""

from rnnviz.widgets.renderer.chart import (
    HOT_CONTROL_CLASS,
    STATIC,
    WIDGET_CLASS,
    Chart,
    ChartLibrary,
    ChartWidget,
    chart_library,
    close_models,
    fixed_text_bundle,
)
from rnnviz.widgets.renderer.drawings import (
    CharsPanel,
    GraphPanel,
    ImageOutline,
    ImageOverlay,
    ImagePanel,
    TextPanel,
)
from rnnviz.widgets.renderer.frames import (
    Words,
    char_codes,
    finite_max,
    frame_at,
    frame_index,
    frames,
    label_at,
    labels,
    log10_or_edge,
    padded_rows,
    text_rows,
    value_range,
)
from rnnviz.widgets.renderer.layout import grid_boxes, span
from rnnviz.widgets.renderer.panels import (
    EDGE_COLORS,
    BarsPanel,
    HBarsPanel,
    HeatmapPanel,
    Panel,
    XYPanel,
    colorscale,
)
from rnnviz.widgets.renderer.parts import BarSeries, HBarSeries, HeatmapGroup, Ref, Series

__all__ = [
    "HOT_CONTROL_CLASS",
    "STATIC",
    "WIDGET_CLASS",
    "EDGE_COLORS",
    "BarSeries",
    "BarsPanel",
    "Chart",
    "ChartLibrary",
    "ChartWidget",
    "CharsPanel",
    "GraphPanel",
    "HBarSeries",
    "HBarsPanel",
    "HeatmapGroup",
    "HeatmapPanel",
    "ImageOutline",
    "ImageOverlay",
    "ImagePanel",
    "Panel",
    "Ref",
    "Series",
    "TextPanel",
    "Words",
    "XYPanel",
    "char_codes",
    "chart_library",
    "close_models",
    "colorscale",
    "finite_max",
    "fixed_text_bundle",
    "frame_at",
    "frame_index",
    "frames",
    "grid_boxes",
    "label_at",
    "labels",
    "log10_or_edge",
    "padded_rows",
    "span",
    "text_rows",
    "value_range",
]
