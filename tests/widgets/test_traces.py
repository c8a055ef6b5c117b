"""rnnviz.widgets.traces: traces found by name; a spec replaces a trace's properties whole."""

import plotly.graph_objects as go
import pytest

from rnnviz.widgets.traces import traces_by_name, update_traces


def figure():
    fig = go.Figure()
    fig.add_scatter(x=[0, 1], y=[0, 1], name="a", marker=dict(size=4, color="red"))
    fig.add_scatter(x=[0, 1], y=[1, 0], name="b")
    return fig


def test_traces_are_found_by_name_whatever_their_order():
    fig = figure()
    named = traces_by_name(fig)
    assert named["a"] is fig.data[0] and named["b"] is fig.data[1]


def test_a_spec_replaces_nested_properties_whole():
    fig = figure()
    update_traces(fig, {"a": dict(y=[5, 6], marker=dict(size=9))})
    a, b = traces_by_name(fig)["a"], traces_by_name(fig)["b"]
    assert tuple(a.y) == (5, 6) and a.marker.size == 9
    assert a.marker.color is None  # no stale colour from before
    assert tuple(b.y) == (1, 0)  # a trace without a spec is left alone


def test_unnamed_or_twice_named_traces_are_refused():
    fig = figure()
    fig.add_scatter(x=[0], y=[0], name="a")
    with pytest.raises(ValueError, match="own name"):
        traces_by_name(fig)
    unnamed = go.Figure()
    unnamed.add_scatter(x=[0], y=[0])
    with pytest.raises(ValueError, match="own name"):
        traces_by_name(unnamed)
    with pytest.raises(KeyError):
        update_traces(figure(), {"c": dict(y=[1])})
