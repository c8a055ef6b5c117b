"""GraphUnroller draws the graph and the tiny RNN's numbers, and updates its traces in place."""

import numpy as np
import pytest

from rnnviz.gradients.graph import autograd_graph, build_graph
from rnnviz.gradients.graph_gradients import run_graph, torch_replay
from rnnviz.widgets.graph_unroller import (
    EDGES,
    LABELS,
    NODES,
    USES,
    AutogradView,
    GraphUnroller,
    family_trace,
)
from rnnviz.widgets.traces import traces_by_name


def trace(widget, name):
    return traces_by_name(widget.figure)[name]


def drawn(xs):
    return [x for x in xs if x is not None]


def test_draws_every_node_with_its_value_on_hover():
    w = GraphUnroller(shape="many-to-one", seq_len=4)
    graph = build_graph("many-to-one", 4)
    run = run_graph(graph)
    nodes = trace(w, NODES)
    assert len(nodes.x) == len(graph.nodes) == 15
    assert nodes.hovertext[[n.name for n in graph.nodes].index("h_2")].startswith("<b>h_2</b>")
    h2 = run.values["h_2"]
    assert f"{h2[0]:+.3f}" in nodes.hovertext[[n.name for n in graph.nodes].index("h_2")]


def test_shape_and_T_update_the_same_traces_in_place():
    w = GraphUnroller(shape="many-to-one", seq_len=4)
    traces = list(w.figure.data)
    w.seq_len.value = 9
    assert len(trace(w, NODES).x) == len(build_graph("many-to-one", 9).nodes)
    w.shape.value = "seq2seq"
    assert len(trace(w, NODES).x) == len(build_graph("seq2seq", 9).nodes)
    w.shape.value = "one-to-one"
    assert len(trace(w, NODES).x) == 7 and w.seq_len.disabled
    w.shape.value = "many-to-many"
    assert not w.seq_len.disabled
    assert len(w.figure.data) == len(traces)
    assert all(a is b for a, b in zip(w.figure.data, traces))


def test_highlight_lights_every_use_of_one_matrix():
    w = GraphUnroller(shape="many-to-many", seq_len=6, highlight="W_xh")
    xh, hh = trace(w, family_trace("W_xh")), trace(w, family_trace("W_hh"))
    assert xh.line.width == 4 and xh.opacity == 1.0 and hh.opacity < 1.0
    # Each use is a (start, arrowhead, end, gap) run of points.
    assert len(xh.x) == 4 * 6
    assert len(drawn(trace(w, USES).x)) == 2 * 6  # one dotted line from W_xh per use
    w.highlight.value = "W_hy"
    assert trace(w, family_trace("W_hy")).line.width == 4 and xh.opacity < 1.0
    w.highlight.value = "none"
    assert len(trace(w, USES).x) == 0 and len(trace(w, LABELS).x) == 0
    assert all(trace(w, family_trace(f)).opacity == 1.0 for f in ("W_xh", "W_hh", "W_hy"))


def test_backward_labels_are_each_uses_term_and_title_gives_their_sum():
    w = GraphUnroller(shape="many-to-one", seq_len=5, highlight="W_hh", backward=True)
    run = run_graph(build_graph("many-to-one", 5))
    norms = [f"{np.linalg.norm(term):.3f}" for _, term in run.uses("W_hh")]
    assert list(trace(w, LABELS).text) == norms
    assert norms[0] == "0.000"  # h_0 = 0
    total = np.sum([term for _, term in run.uses("W_hh")], axis=0)
    assert f"||sum||_F = {np.linalg.norm(total):.3f}" in w.figure.layout.title.text
    w.backward.value = False
    assert len(trace(w, LABELS).text) == 0
    assert "W_hh used 5 times" in w.figure.layout.title.text


def test_seq2seq_shows_both_W_hh_matrices():
    w = GraphUnroller(shape="seq2seq", seq_len=3, highlight="W_hh")
    title = w.figure.layout.title.text
    assert "dL/dW_hh = sum of 3 terms" in title and "dL/dW'_hh = sum of 3 terms" in title
    assert len(trace(w, LABELS).text) == 6


def test_text_repr_is_fixed_and_bad_arguments_are_named():
    assert GraphUnroller()._repr_mimebundle_()["text/plain"] == "<GraphUnroller widget>"
    with pytest.raises(ValueError, match="shape must be one of"):
        GraphUnroller(shape="loop")
    with pytest.raises(ValueError, match=r"seq_len must be an int in \[1, 12\]"):
        GraphUnroller(seq_len=13)
    with pytest.raises(ValueError, match=r"seq_len must be an int in \[1, 12\], got 0"):
        GraphUnroller(seq_len=0)
    with pytest.raises(ValueError, match="highlight must be one of"):
        GraphUnroller(highlight="W_xx")
    with pytest.raises(TypeError, match="backward must be a bool"):
        GraphUnroller(backward="yes")


def test_autograd_view_draws_torchs_graph_and_follows_T():
    w = AutogradView(shape="many-to-one", seq_len=3)
    traces = list(w.figure.data)
    graph = build_graph("many-to-one", 3)
    torch_graph = autograd_graph(*torch_replay(run_graph(graph)))
    assert len(trace(w, NODES).x) == len(torch_graph.nodes)
    assert "W_hh read 3x" in w.figure.layout.title.text
    w.seq_len.value = 6
    assert "W_hh read 6x" in w.figure.layout.title.text
    assert len(trace(w, NODES).x) > len(torch_graph.nodes)
    w.shape.value = "one-to-one"
    assert w.seq_len.disabled and "W_hh" not in w.figure.layout.title.text
    assert all(a is b for a, b in zip(w.figure.data, traces))
    assert len(drawn(trace(w, EDGES).x)) == 2 * len(
        autograd_graph(*torch_replay(run_graph(build_graph("one-to-one", 1)))).edges
    )
    with pytest.raises(ValueError, match=r"seq_len must be an int in \[1, 12\]"):
        AutogradView(seq_len=20)


@pytest.mark.parametrize(
    "moves",
    [
        dict(highlight="W_xh", seq_len=7),
        dict(shape="seq2seq", backward=False),
        dict(shape="one-to-one", highlight="none"),
        dict(seq_len=2, highlight="W_hy"),
    ],
)
def test_moving_the_controls_draws_what_building_there_draws(moves):
    """Every property a draw sets is set again by the next one, whatever the controls did
    in between: the figure after the moves is the figure built at the end point."""
    moved = GraphUnroller()
    for name, value in moves.items():
        getattr(moved, name).value = value
    start = dict(shape="many-to-one", seq_len=4, highlight="W_hh", backward=True) | moves
    if start["shape"] == "one-to-one":
        start["seq_len"] = moved.seq_len.value  # disabled, kept as it was
    assert drawing(moved) == drawing(GraphUnroller(**start))


def drawing(widget) -> dict:
    """The figure as the browser gets it, without the random trace ids."""
    figure = widget.figure.to_dict()
    for trace_dict in figure["data"]:
        del trace_dict["uid"]
    return figure
