"""What the plotly widgets share: controls, one FigureWidget, in-place updates.

Widgets with a slider the student drags are drawn by rnnviz.widgets.renderer instead (the
browser answers the slider); this base stays for the plotly views not yet moved there, and
`batch_update` for LossPlot.

A widget computes nothing itself: `compute()` calls a plain function of the package
and returns its data (a trace); `draw(data)` writes that data into the existing figure's
traces. Sliders trigger `refresh()`, which does both inside `batch_update(figure)` (plotly's
batch, made safe below), so a slider move sends one or a few messages to the browser and the
figure is never rebuilt.
"""

from contextlib import contextmanager

import ipywidgets as widgets
import plotly.graph_objects as go

from rnnviz.style import FIGURE_TEMPLATE


@contextmanager
def batch_update(figure: go.FigureWidget):
    """`figure.batch_update()` that survives traces getting different properties.

    plotly 7's FigureWidget sends a batch as one Plotly.update whose per-property lists hold
    an "_undefined_" placeholder for traces that did not set that property, and its anywidget
    front end does not turn the placeholder back into `undefined`: the browser then drops
    those properties (seen in JupyterLab 4.6 with plotly 7.1; tests/browser/test_harness.py
    guards it). So the edits are grouped by their set of properties: the largest group goes
    out with the batch, each other group as one more Plotly.update of only its traces.
    """
    with figure.batch_update():
        yield figure
        edits = figure._batch_trace_edits  # trace index -> {property path: value}
        groups: dict[frozenset, list[int]] = {}
        for index, props in edits.items():
            groups.setdefault(frozenset(props), []).append(index)
        ordered = sorted(groups.values(), key=len, reverse=True)
        deferred = []
        for indexes in ordered[1:]:
            props = sorted(edits[indexes[0]])
            deferred.append((indexes, {p: [edits[i][p] for i in indexes] for p in props}))
            for index in indexes:
                del edits[index]
    for indexes, restyle in deferred:
        figure.plotly_update(restyle_data=restyle, trace_indexes=indexes)


class LabWidget:
    """Base class. Subclasses set `self.controls` and `self.figure`, then call `_finish()`.

    Subclasses implement:
        compute() -> data        the plain-function call; the result is kept as `self.data`
        draw(data) -> None       update `self.figure` in place (no new figure, no new traces)
    """

    def __init__(self):
        self.controls: list[widgets.Widget] = []
        self.figure: go.FigureWidget | None = None
        self.data = None
        self.box: widgets.Widget | None = None

    # --- wiring ----------------------------------------------------------------------
    @staticmethod
    def new_figure(**layout) -> go.FigureWidget:
        """An empty FigureWidget with the house template."""
        layout.setdefault("template", FIGURE_TEMPLATE)
        layout.setdefault("margin", dict(l=50, r=20, t=50, b=40))
        return go.FigureWidget(layout=layout)

    def _finish(self, extra=()) -> None:
        """Build the layout, draw once, and re-draw whenever a control's value changes."""
        for control in self.controls:
            control.observe(self._on_change, names="value")
        self.box = widgets.VBox(
            [
                widgets.HBox(self.controls, layout=widgets.Layout(flex_flow="row wrap")),
                *extra,
                self.figure,
            ]
        )
        self.refresh()

    def _on_change(self, _change) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Recompute the data from the controls and update the figure in place."""
        self.data = self.compute()
        with batch_update(self.figure):
            self.draw(self.data)

    # --- to be provided by subclasses ------------------------------------------------
    def compute(self):
        raise NotImplementedError

    def draw(self, data) -> None:
        raise NotImplementedError

    # --- display ---------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs):
        # Displayed inside a box, the FigureWidget's own repr never runs, and that repr is
        # what copies the figure's current state into its widget model; without it the
        # browser can draw the figure as it was before the first refresh.
        self.figure._repr_mimebundle_()
        return fixed_text_bundle(self, **kwargs)


def fixed_text_bundle(widget, **kwargs) -> dict:
    """`widget.box`'s display bundle with a fixed text repr, `<Name widget>`.

    The default text repr holds random trace uids and model ids; a fixed one keeps nbval's
    comparison of stored outputs stable.
    """
    bundle = widget.box._repr_mimebundle_(**kwargs)
    if isinstance(bundle, tuple):
        bundle = bundle[0]
    bundle = dict(bundle)
    bundle["text/plain"] = f"<{type(widget).__name__} widget>"
    return bundle
