"""The unrolled graph's structure for every shape, its layout, and its argument checks."""

import pytest
import torch

from rnnviz.gradients.graph import SHAPES, autograd_graph, build_graph, family
from rnnviz.gradients.graph_gradients import run_graph, torch_replay


def kinds(graph):
    counts = {}
    for node in graph.nodes:
        counts[node.kind] = counts.get(node.kind, 0) + 1
    return counts


@pytest.mark.parametrize("seq_len", [1, 2, 5, 12])
def test_many_to_one_has_one_output_and_T_uses_of_W_hh(seq_len):
    g = build_graph("many-to-one", seq_len)
    assert len(g.nodes_of_kind("output")) == 1
    assert g.nodes_of_kind("output")[0].step == seq_len
    assert len(g.uses("W_hh")) == seq_len
    assert len(g.uses("W_xh")) == seq_len
    assert len(g.uses("W_hy")) == 1
    assert kinds(g) == {
        "input": seq_len,
        "hidden": seq_len + 1,
        "output": 1,
        "step_loss": 1,
        "loss": 1,
        "parameter": 3,
    }


@pytest.mark.parametrize("seq_len", [1, 4, 12])
def test_many_to_many_has_a_label_at_every_step(seq_len):
    g = build_graph("many-to-many", seq_len)
    assert kinds(g) == {
        "input": seq_len,
        "hidden": seq_len + 1,
        "output": seq_len,
        "step_loss": seq_len,
        "loss": 1,
        "parameter": 3,
    }
    for name in ("W_xh", "W_hh", "W_hy"):
        assert [e.step for e in g.uses(name)] == list(range(1, seq_len + 1))
    # The total loss sums every step's loss.
    assert sorted(e.source for e in g.edges if e.target == "L") == sorted(
        f"L_{t}" for t in range(1, seq_len + 1)
    )


def test_one_to_many_reads_one_input_and_emits_at_every_step():
    g = build_graph("one-to-many", 6)
    assert [n.name for n in g.nodes_of_kind("input")] == ["x_1"]
    assert len(g.nodes_of_kind("output")) == 6
    assert len(g.uses("W_xh")) == 1
    assert len(g.uses("W_hh")) == 6


def test_one_to_one_is_a_feed_forward_net():
    g = build_graph("one-to-one", 1)
    assert g.parameters == ["W_xh", "W_hy"]
    assert g.uses("W_hh") == []
    assert kinds(g)["hidden"] == 1
    with pytest.raises(ValueError, match="seq_len must be 1"):
        build_graph("one-to-one", 3)


@pytest.mark.parametrize("seq_len", [1, 3, 12])
def test_seq2seq_is_an_encoder_then_a_decoder_with_its_own_weights(seq_len):
    g = build_graph("seq2seq", seq_len)
    assert g.parameters == ["W_xh", "W_hh", "W'_xh", "W'_hh", "W'_hy"]
    assert len(g.uses("W_hh")) == seq_len  # the encoder's
    assert len(g.uses("W'_hh")) == seq_len  # the decoder's
    assert len(g.uses_family(family("W'_hh"))) == 2 * seq_len
    # Many-to-one encoder: no output; one-to-many decoder: an output every step.
    assert all(n.part == "decoder" for n in g.nodes_of_kind("output"))
    assert len(g.nodes_of_kind("output")) == seq_len
    # The encoder's last state is the decoder's only link to the input sentence.
    bridge = [
        e
        for e in g.edges
        if g.node(e.source).part == "encoder" and g.node(e.target).part == "decoder"
    ]
    assert bridge == [g.uses("W'_hh")[0]]
    assert bridge[0].source == f"h_{seq_len}" and bridge[0].target == "h'_1"


@pytest.mark.parametrize("shape", SHAPES)
def test_every_edge_joins_existing_nodes_and_the_graph_is_acyclic(shape):
    g = build_graph(shape, 1 if shape == "one-to-one" else 5)
    names = [n.name for n in g.nodes]
    assert len(names) == len(set(names))
    for e in g.edges:
        g.node(e.source), g.node(e.target)
        assert e.parameter is None or e.parameter in g.parameters
    # Every edge goes forward in time or up the rows: no cycles.
    for e in g.edges:
        src, dst = g.node(e.source), g.node(e.target)
        assert (dst.x, dst.y) != (src.x, src.y)
        assert dst.x > src.x or dst.y > src.y or dst.kind == "loss"
    # Every parameter is used, and every node but the parameters and L is on an edge.
    for p in g.parameters:
        assert g.uses(p)
    on_edges = {e.source for e in g.edges} | {e.target for e in g.edges}
    assert set(names) - on_edges == set(g.parameters)


@pytest.mark.parametrize("shape", SHAPES)
def test_layout_is_deterministic_and_positions_are_distinct(shape):
    seq_len = 1 if shape == "one-to-one" else 7
    a, b = build_graph(shape, seq_len), build_graph(shape, seq_len)
    assert a == b
    positions = [(n.x, n.y) for n in a.nodes]
    assert len(positions) == len(set(positions))
    # Step t sits in column t (offset by the encoder's length in the decoder).
    for n in a.nodes:
        if n.step is not None:
            assert n.x == n.step + (seq_len if n.part == "decoder" else 0)


def test_bad_arguments_name_what_was_expected():
    with pytest.raises(ValueError, match="shape must be one of"):
        build_graph("two-to-one", 3)
    with pytest.raises(ValueError, match="seq_len must be an int >= 1"):
        build_graph("many-to-one", 0)
    with pytest.raises(TypeError, match="seq_len must be an int"):
        build_graph("many-to-one", 2.5)
    with pytest.raises(ValueError, match="kind must be one of"):
        build_graph("many-to-one", 2).nodes_of_kind("weights")
    with pytest.raises(ValueError, match="name must be one of"):
        build_graph("many-to-one", 2).uses_family("W")
    with pytest.raises(KeyError, match="no node named"):
        build_graph("many-to-one", 2).node("h_9")


@pytest.mark.parametrize(
    ("shape", "seq_len"),
    [("many-to-one", 1), ("many-to-one", 4), ("many-to-many", 6), ("seq2seq", 3)],
)
def test_torchs_autograd_graph_reads_each_parameter_once_per_use(shape, seq_len):
    graph = build_graph(shape, seq_len)
    loss, params = torch_replay(run_graph(graph))
    torch_graph = autograd_graph(loss, params)
    assert torch_graph.uses == {p: len(graph.uses(p)) for p in graph.parameters}
    kinds = [n[1] for n in torch_graph.nodes]
    assert kinds.count("parameter") == len(graph.parameters)
    # Bigger than the readable graph: one node per tensor operation.
    assert len(torch_graph.nodes) > len(graph.nodes)
    assert torch_graph.nodes[0][2] == 0.0  # the loss sits rightmost
    assert all(n[2] < 0 for n in torch_graph.nodes[1:])
    for source, target in torch_graph.edges:  # data flows left to right
        assert torch_graph.nodes[source][2] < torch_graph.nodes[target][2]


def test_autograd_graph_grows_with_T_and_needs_a_grad_fn():
    sizes = [
        len(autograd_graph(*torch_replay(run_graph(build_graph("many-to-one", T)))).nodes)
        for T in (2, 4, 8)
    ]
    assert sizes[0] < sizes[1] < sizes[2]
    with pytest.raises(ValueError, match="output must have a grad_fn"):
        autograd_graph(torch.zeros(()), {})
    with pytest.raises(TypeError, match="output must be a torch.Tensor"):
        autograd_graph(1.0, {})
