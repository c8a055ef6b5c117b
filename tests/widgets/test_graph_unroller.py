"""GraphUnroller and AutogradView send every T's graph (and every highlight) to the renderer;
the frames the page draws are the graph and the tiny RNN's numbers."""

import numpy as np
import pytest

from rnnviz.gradients.graph import autograd_graph, build_graph
from rnnviz.gradients.graph_gradients import run_graph, torch_replay
from rnnviz.widgets.graph_unroller import (
    PARAMETER_COLORS,
    SEQ_LENS,
    AutogradView,
    GraphUnroller,
)

# Fields of a row (renderer.graph_panel).
X, Y, SIZE, FILL, OUTLINE, LABEL_COLOR, LABEL, SUB, BELOW, HOVER = range(10)
COLOR, WIDTH, OPACITY, DOTTED, ARROW = 4, 5, 6, 7, 8


@pytest.fixture
def picture(shown):
    """What the page draws now: {"nodes", "edges", "texts": rows, "title": lines, "words",
    "colors", "view"}."""

    def read(widget):
        chart, panel = widget.chart, widget.chart.spec["panels"][0]

        def rows(name):
            frame = shown(chart, name)
            return [row for row in frame.astype(float) if np.isfinite(row[0])]

        words = panel["strings"]
        return {
            "nodes": rows("nodes"),
            "edges": rows("edges"),
            "texts": rows("texts"),
            "title": [words[int(row[0])] for row in rows("title")],
            "view": shown(chart, "view"),
            "words": words,
            "colors": panel["colors"],
        }

    return read


def hover(pic, name):
    texts = [pic["words"][int(n[HOVER])] for n in pic["nodes"]]
    return next(t for t in texts if t.split("\n")[0] == name)


def test_nodes_are_the_graph_with_the_tiny_rnns_values_on_hover(picture):
    w = GraphUnroller(shape="many-to-one", seq_len=4)
    graph, run = build_graph("many-to-one", 4), run_graph(build_graph("many-to-one", 4))
    pic = picture(w)
    assert len(pic["nodes"]) == len(graph.nodes) == 15
    assert [(n[X], n[Y]) for n in pic["nodes"]] == [(n.x, n.y) for n in graph.nodes]
    h2 = hover(pic, "h_2")
    assert "value: [" + ", ".join(f"{v:+.3f}" for v in run.values["h_2"]) + "]" in h2
    assert "dL/dh_2: " in h2
    assert "target class: " + str(run.targets["y_4"]) in hover(pic, "y_4")
    assert "3x3 matrix" in hover(pic, "W_hh") and "used 4 times" in hover(pic, "W_hh")
    # Labels as the lecture writes them: h with subscript 2, W with subscript hh.
    labels = {
        (pic["words"][int(n[LABEL])], pic["words"][int(n[SUB])] if np.isfinite(n[SUB]) else "")
        for n in pic["nodes"]
    }
    assert ("h", "2") in labels and ("W", "hh") in labels and ("L", "") in labels
    fills = {pic["colors"][int(n[FILL])] for n in pic["nodes"]}
    assert set(PARAMETER_COLORS.values()) <= fills


def test_every_T_is_sent_at_once_and_the_slider_only_picks_a_frame(picture):
    w = GraphUnroller(shape="many-to-many", seq_len=4)
    sent = w.chart.data
    assert sent["nodes"]["shape"][:2] == [len(SEQ_LENS), 4]  # T, highlight
    for T in (1, 7, 12):
        w.seq_len.value = T
        assert w.chart.data is sent  # answered from the frames, not recomputed
        assert len(picture(w)["nodes"]) == len(build_graph("many-to-many", T).nodes)
        assert picture(w)["title"][0].startswith(f"many-to-many, T = {T}:")
    assert w.data.graph.seq_len == 12


def test_highlight_lights_every_use_of_one_matrix(picture):
    w = GraphUnroller(shape="many-to-many", seq_len=6, highlight="W_xh")
    sent = w.chart.data
    pic = picture(w)
    xh = pic["colors"].index(PARAMETER_COLORS["W_xh"])
    lit = [e for e in pic["edges"] if e[WIDTH] == 4]
    assert len(lit) == 6 and all(e[COLOR] == xh and e[ARROW] == 14 for e in lit)
    dimmed = [e for e in pic["edges"] if e[WIDTH] == 2]
    assert len(dimmed) == 12 and all(e[OPACITY] == pytest.approx(0.35) for e in dimmed)
    assert len([e for e in pic["edges"] if e[DOTTED]]) == 6  # one dotted line a use
    lit_nodes = [n for n in pic["nodes"] if n[OUTLINE] == 3]
    assert [pic["words"][int(n[SUB])] for n in lit_nodes] == ["xh"]

    w.highlight.value = "W_hy"
    pic = picture(w)
    hy = pic["colors"].index(PARAMETER_COLORS["W_hy"])
    assert {e[COLOR] for e in pic["edges"] if e[WIDTH] == 4} == {hy}
    w.highlight.value = "none"
    pic = picture(w)
    assert not [e for e in pic["edges"] if e[DOTTED]] and not pic["texts"]
    assert all(e[OPACITY] == 1 for e in pic["edges"])
    assert w.chart.data is sent


def test_backward_labels_are_each_uses_term_and_title_gives_their_sum(picture):
    w = GraphUnroller(shape="many-to-one", seq_len=5, highlight="W_hh", backward=True)
    run = run_graph(build_graph("many-to-one", 5))
    norms = [f"{np.linalg.norm(term):.3f}" for _, term in run.uses("W_hh")]
    pic = picture(w)
    assert [pic["words"][int(t[2])] for t in pic["texts"]] == norms
    assert norms[0] == "0.000"  # h_0 = 0
    total = np.sum([term for _, term in run.uses("W_hh")], axis=0)
    assert f"||sum||_F = {np.linalg.norm(total):.3f}" in pic["title"][1]
    assert pic["title"][0] == f"many-to-one, T = 5: 17 nodes, 13 edges, L = {run.loss:.4f}"
    w.backward.value = False  # recomputed in the kernel
    assert not w.chart.busy
    pic = picture(w)
    assert pic["texts"] == [] and pic["title"][1] == "W_hh used 5 times"


def test_seq2seq_shows_both_W_hh_matrices(picture):
    w = GraphUnroller(shape="seq2seq", seq_len=3, highlight="W_hh")
    title = picture(w)["title"]
    assert "dL/dW_hh = sum of 3 terms" in title[1] and "dL/dW'_hh = sum of 3 terms" in title[2]
    assert len(picture(w)["texts"]) == 6


def test_shape_recomputes_and_one_to_one_disables_T(picture):
    w = GraphUnroller(shape="many-to-one", seq_len=9)
    w.shape.value = "seq2seq"
    assert len(picture(w)["nodes"]) == len(build_graph("seq2seq", 9).nodes)
    w.shape.value = "one-to-one"
    assert len(picture(w)["nodes"]) == 7 and w.seq_len.disabled
    w.seq_len.value = 3  # T means nothing here: every frame is the one-step net
    assert len(picture(w)["nodes"]) == 7
    w.shape.value = "many-to-many"
    assert not w.seq_len.disabled and not w.chart.busy
    assert len(picture(w)["nodes"]) == len(build_graph("many-to-many", 3).nodes)


@pytest.mark.parametrize(
    "moves",
    [
        dict(highlight="W_xh", seq_len=7),
        dict(shape="seq2seq", backward=False),
        dict(shape="one-to-one", highlight="none"),
        dict(seq_len=2, highlight="W_hy"),
    ],
)
def test_moving_the_controls_draws_what_building_there_draws(moves, picture):
    moved = GraphUnroller()
    for name, value in moves.items():
        getattr(moved, name).value = value
    start = dict(shape="many-to-one", seq_len=4, highlight="W_hh", backward=True) | moves
    a, b = picture(moved), picture(GraphUnroller(**start))
    assert resolved(a) == resolved(b)


def resolved(pic):
    """A picture with its colour and word indexes replaced by what they index."""
    word = lambda k: pic["words"][int(k)] if np.isfinite(k) else None  # noqa: E731
    color = lambda k: pic["colors"][int(k)]  # noqa: E731
    return {
        "title": pic["title"],
        "view": list(pic["view"]),
        "nodes": [
            (
                *n[:3],
                color(n[FILL]),
                n[OUTLINE],
                color(n[LABEL_COLOR]),
                word(n[LABEL]),
                word(n[SUB]),
                n[BELOW],
                word(n[HOVER]),
            )
            for n in pic["nodes"]
        ],
        "edges": [(*e[:4], color(e[COLOR]), *e[5:]) for e in pic["edges"]],
        "texts": [(t[0], t[1], word(t[2]), color(t[3]), *t[4:]) for t in pic["texts"]],
    }


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
    with pytest.raises(TypeError, match="backward must be True or False"):
        GraphUnroller(backward="yes")
    w = GraphUnroller()
    with pytest.raises(ValueError, match="seq_len"):
        w.seq_len.value = 13
    with pytest.raises(ValueError, match="highlight"):
        w.highlight.value = "W_xx"


def test_autograd_view_draws_torchs_graph_at_every_T(picture):
    w = AutogradView(shape="many-to-one", seq_len=3)
    sent = w.chart.data
    graph = build_graph("many-to-one", 3)
    torch_graph = autograd_graph(*torch_replay(run_graph(graph)))
    pic = picture(w)
    assert [(n[X], n[Y]) for n in pic["nodes"]] == [n[2:] for n in torch_graph.nodes]
    assert len(pic["edges"]) == len(torch_graph.edges)
    assert [pic["words"][int(n[HOVER])] for n in pic["nodes"]] == [n[0] for n in torch_graph.nodes]
    labelled = [pic["words"][int(n[LABEL])] for n in pic["nodes"] if np.isfinite(n[LABEL])]
    assert sorted(labelled) == ["W_hh", "W_hy", "W_xh"]
    assert "W_hh read 3x" in pic["title"][1]
    assert pic["title"][0].startswith(f"torch autograd, many-to-one T = 3: {len(pic['nodes'])}")
    w.seq_len.value = 6
    assert w.chart.data is sent and "W_hh read 6x" in picture(w)["title"][1]
    assert len(picture(w)["nodes"]) > len(torch_graph.nodes)
    w.shape.value = "one-to-one"
    assert w.seq_len.disabled and "W_hh" not in picture(w)["title"][1]
    one = autograd_graph(*torch_replay(run_graph(build_graph("one-to-one", 1))))
    assert len(picture(w)["edges"]) == len(one.edges)
    assert w.data[1].nodes == one.nodes
    with pytest.raises(ValueError, match=r"seq_len must be an int in \[1, 12\]"):
        AutogradView(seq_len=20)
