"""A widget's traces by the names it gave them, never by their position in the figure."""

import plotly.graph_objects as go


def traces_by_name(figure: go.FigureWidget) -> dict:
    """{name: trace} for every trace of `figure`; ValueError if two traces share a name.

    The trace objects stay valid for the widget's life: a LabWidget never adds or removes
    traces after it is built.
    """
    named = {}
    for trace in figure.data:
        if not trace.name or trace.name in named:
            raise ValueError(f"every trace needs its own name, got {trace.name!r} twice or empty")
        named[trace.name] = trace
    return named


def update_traces(figure: go.FigureWidget, specs: dict) -> None:
    """Replace the properties of each named trace with its spec: {name: properties}.

    Whole marker/line dicts are replaced (overwrite), so nothing stale survives. Inside
    LabWidget.refresh, base.batch_update sends the edits safely.
    """
    named = traces_by_name(figure)
    for name, spec in specs.items():
        named[name].update(spec, overwrite=True)
