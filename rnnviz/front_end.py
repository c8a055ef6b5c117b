"""The renderer's front end as one ES module, joined from the files of static/chart/.

The front end is plain scripts sharing one module scope, joined in the order CHART_FILES
declares: no build step and no npm for a user. Everything that ships or tests it reads it
here: the kernel's ChartLibrary (rnnviz.widgets.renderer), the HTML export's page script
(rnnviz.export), the static site, the latency benchmark and the browser tests. Standard
library only, so that the export (an nbconvert preprocessor) loads no widget library.
"""

from pathlib import Path

CHART_DIR = Path(__file__).parent / "widgets" / "static" / "chart"

# The front end's files (static/chart/), in the order they are joined into one ES module:
# plain scripts sharing one scope, no build step. The core and the helpers first, each panel
# kind's file, then the widget (its PANELS registry names every kind), its exports last.
CHART_FILES = (
    "core.js",
    "theme.js",
    "fit.js",
    "colour.js",
    "axes.js",
    "layers.js",
    "panels/xy.js",
    "panels/bars.js",
    "panels/hbars.js",
    "panels/heatmap.js",
    "panels/image.js",
    "panels/text.js",
    "panels/chars.js",
    "panels/graph.js",
    "predict.js",
    "swatch.js",
    "legend.js",
    "stored_view.js",
    "readout.js",
    "readout_canvas.js",
    "access.js",
    "reader.js",
    "picture.js",
    "ahead.js",
    "sync.js",
    "widget.js",
    "exports.js",
)


def chart_source() -> str:
    """The renderer's front end as one ES module: the files of CHART_FILES joined in order.

    Returns: JavaScript source, whose default export is {render} (JupyterLab's and the HTML
    export's) and whose named exports are its pure functions (the browser tests call them)
    """
    return "\n".join((CHART_DIR / name).read_text() for name in CHART_FILES)
