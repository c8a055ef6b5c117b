"""Each use's term of dL/dW sums to the gradient rnn_backward returns and to the numerical one."""

import numpy as np
import pytest

from rnnviz.gradients.graph import SHAPES, build_graph
from rnnviz.gradients.graph_gradients import (
    run_graph,
    sequence_gradients,
    tiny_weights,
    torch_replay,
)
from rnnviz.reference.gradcheck import eval_numerical_gradient, rel_error

GRAPHS = [
    (shape, 1 if shape == "one-to-one" else seq_len) for shape in SHAPES for seq_len in (1, 5)
]


@pytest.mark.parametrize(("shape", "seq_len"), GRAPHS)
def test_per_edge_terms_sum_to_rnn_backwards_gradient(shape, seq_len):
    graph = build_graph(shape, seq_len)
    run = run_graph(graph, input_size=3, hidden_size=4, output_size=3, seed=2)
    loss, grads = sequence_gradients(run)
    assert rel_error(loss, run.loss) < 1e-12
    assert set(grads) == set(graph.parameters)
    for name in graph.parameters:
        terms = [term for _, term in run.uses(name)]
        assert len(terms) == len(graph.uses(name))
        total = np.sum(terms, axis=0)
        assert rel_error(total, grads[name]) < 1e-10, name
        assert rel_error(run.gradient(name), grads[name]) < 1e-10, name
        # A real gradient, except W_hh's single use on h_0 = 0 when T = 1.
        assert (np.abs(grads[name]).max() > 0) != (name == "W_hh" and seq_len == 1), name


@pytest.mark.parametrize("shape", ["many-to-one", "many-to-many", "one-to-many", "seq2seq"])
def test_summed_gradient_matches_the_numerical_gradient(shape):
    graph = build_graph(shape, 4)
    run = run_graph(graph, seed=1)
    weights = tiny_weights(graph, seed=1)
    for name in graph.parameters:

        def loss(w, name=name):
            return run_graph(graph, seed=1, weights={**weights, name: w}).loss

        numeric = eval_numerical_gradient(loss, weights[name].copy(), verbose=False)
        assert rel_error(numeric, run.gradient(name)) < 5e-7, name


def test_total_loss_is_the_sum_of_step_losses_and_values_have_the_right_shapes():
    graph = build_graph("many-to-many", 6)
    run = run_graph(graph, input_size=2, hidden_size=3, output_size=4)
    step_losses = [float(run.values[n.name]) for n in graph.nodes_of_kind("step_loss")]
    assert run.loss == pytest.approx(sum(step_losses), rel=1e-12)
    assert all(loss > 0 for loss in step_losses)
    assert run.values["x_1"].shape == (2,)
    assert run.values["h_6"].shape == (3,)
    assert run.values["y_6"].shape == (4,)
    assert run.values["W_hh"].shape == (3, 3)
    assert np.all(np.abs(run.values["h_3"]) < 1)  # tanh
    assert set(run.targets) == {f"y_{t}" for t in range(1, 7)}


def test_first_use_of_W_hh_adds_nothing_because_h0_is_zero():
    run = run_graph(build_graph("many-to-one", 5))
    (first_step, first), *rest = run.uses("W_hh")
    assert first_step == 1 and np.all(first == 0)
    assert all(np.linalg.norm(term) > 0 for _, term in rest)


def test_seq2seq_encoder_gets_gradient_only_through_the_decoder():
    run = run_graph(build_graph("seq2seq", 3))
    # The decoder's first W'_hh use reads the encoder's last state.
    assert run.uses("W'_hh")[0][1].any()
    # Zero the bridge matrix and nothing reaches the encoder.
    weights = {**tiny_weights(run.graph), "W'_hh": np.zeros((3, 3))}
    cut = run_graph(run.graph, weights=weights)
    assert not cut.gradient("W_hh").any() and not cut.gradient("W_xh").any()
    assert cut.gradient("W'_hy").any()


def test_runs_are_deterministic_per_seed():
    graph = build_graph("many-to-many", 4)
    a, b, c = run_graph(graph, seed=3), run_graph(graph, seed=3), run_graph(graph, seed=4)
    assert a.loss == b.loss and a.loss != c.loss
    assert np.array_equal(a.gradient("W_hh"), b.gradient("W_hh"))


def test_bad_arguments_are_named():
    graph = build_graph("many-to-one", 3)
    with pytest.raises(TypeError, match="graph must be an UnrolledGraph"):
        run_graph("many-to-one")
    with pytest.raises(ValueError, match="hidden_size must be an int >= 1"):
        run_graph(graph, hidden_size=0)
    with pytest.raises(TypeError, match="input_size must be an int"):
        run_graph(graph, input_size=2.0)
    with pytest.raises(ValueError, match=r"seed must be an int in \[0, 4294967295\]"):
        run_graph(graph, seed=-1)
    weights = tiny_weights(graph)
    with pytest.raises(ValueError, match="weights must be a dict with keys"):
        run_graph(graph, weights={"W_hh": weights["W_hh"]})
    with pytest.raises(ValueError, match=r"weights\['W_hh'\] must have shape \(3, 3\)"):
        run_graph(graph, weights={**weights, "W_hh": np.zeros((2, 2))})
    with pytest.raises(ValueError, match=r"weights\['W_xh'\] contains NaN"):
        run_graph(graph, weights={**weights, "W_xh": np.full((2, 3), np.nan)})
    with pytest.raises(ValueError, match="parameter must be one of"):
        run_graph(graph).uses("W'_hh")
    with pytest.raises(TypeError, match="run must be a GraphRun"):
        sequence_gradients(graph)


@pytest.mark.parametrize(("shape", "seq_len"), GRAPHS)
def test_torch_autograd_on_the_same_unrolled_rnn_agrees(shape, seq_len):
    run = run_graph(build_graph(shape, seq_len), hidden_size=4, seed=5)
    loss, params = torch_replay(run)
    loss.backward()
    assert rel_error(loss.item(), run.loss) < 1e-12
    for name, leaf in params.items():
        assert rel_error(leaf.grad.numpy(), run.gradient(name)) < 1e-10, name
