"""Random sizes down to 1 (T = 1, H = 1, batch 1, one feature) and both float dtypes: every
layer, cell and analysis gives results of the documented shapes, finite for finite inputs."""

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnviz.charlm.model import CharLM, evaluate, sample
from rnnviz.gradients.flow import CELLS, gradient_flow
from rnnviz.gradients.graph import SHAPES, build_graph
from rnnviz.gradients.graph_gradients import run_graph
from rnnviz.models import cells
from rnnviz.reference import (
    gru_backward,
    gru_forward,
    lstm_backward,
    lstm_forward,
    rnn_backward,
    rnn_forward,
    temporal_affine_backward,
    temporal_affine_forward,
    temporal_softmax_loss,
)

SIZE = st.integers(1, 4)
DTYPE = st.sampled_from([np.float32, np.float64])
CHEAP = settings(max_examples=40)  # numpy and tiny torch calls: more examples, still < 2 s


@CHEAP
@given(N=SIZE, T=SIZE, D=SIZE, H=SIZE, dtype=DTYPE, seed=st.integers(0, 2**16))
def test_reference_layers_at_any_small_size_and_dtype(N, T, D, H, dtype, seed):
    rng = np.random.default_rng(seed)

    def a(*shape):
        return rng.standard_normal(shape).astype(dtype)

    x, h0 = a(N, T, D), a(N, H)
    for forward, backward, blocks, biases in (
        (rnn_forward, rnn_backward, 1, 1),
        (lstm_forward, lstm_backward, 4, 1),
        (gru_forward, gru_backward, 3, 2),
    ):
        h, cache = forward(
            x, h0, a(D, blocks * H), a(H, blocks * H), *[a(blocks * H) for _ in range(biases)]
        )
        assert h.shape == (N, T, H) and np.isfinite(h).all()
        grads = backward(a(N, T, H), cache)
        assert grads[0].shape == (N, T, D) and grads[1].shape == (N, H)
        assert grads[2].shape == (D, blocks * H) and grads[3].shape == (H, blocks * H)
        assert all(np.isfinite(g).all() for g in grads)
    scores, cache = temporal_affine_forward(x, a(D, 3), a(3))
    assert scores.shape == (N, T, 3)
    assert temporal_affine_backward(a(N, T, 3), cache)[0].shape == (N, T, D)
    loss, dscores = temporal_softmax_loss(scores, rng.integers(0, 3, (N, T)), np.ones((N, T), bool))
    assert np.isfinite(loss) and dscores.shape == (N, T, 3)


@CHEAP
@given(
    N=SIZE,
    T=SIZE,
    D=SIZE,
    H=SIZE,
    cell=st.sampled_from(sorted(cells.TRACED_CELLS)),
    dtype=st.sampled_from([torch.float32, torch.float64]),
)
def test_traced_cells_at_any_small_size_and_dtype(N, T, D, H, cell, dtype):
    torch.manual_seed(0)
    model = cells.TRACED_CELLS[cell](D, H, dtype=dtype)
    trace = model(torch.randn(N, T, D, dtype=dtype))
    assert trace.h.shape == (N, T, H) and trace.h_last.shape == (N, H)
    torch.testing.assert_close(trace.unrolled_h, trace.h, rtol=1e-4, atol=1e-5)
    for gate in (trace.gates or {}).values():
        assert gate.shape == (N, T, H)


@given(
    cell=st.sampled_from(CELLS),
    T=SIZE,
    H=SIZE,
    N=SIZE,
    dtype=st.sampled_from(["float32", "float64"]),
)
def test_gradient_flow_at_any_small_size(cell, T, H, N, dtype):
    flow = gradient_flow(cell, seq_len=T, hidden_size=H, batch_size=N, dtype=dtype)
    assert flow.grad_h.shape == (N, T) and np.isfinite(flow.grad_h).all()


@given(shape=st.sampled_from(SHAPES), T=SIZE, H=SIZE)
def test_unrolled_graphs_from_one_step(shape, T, H):
    run = run_graph(build_graph(shape, 1 if shape == "one-to-one" else T), hidden_size=H)
    assert np.isfinite(run.loss)


@given(
    vocab_size=st.integers(2, 7),
    H=SIZE,
    streams=st.integers(1, 3),
    seq_len=st.integers(1, 5),
    extra=st.integers(0, 5),
)
def test_character_model_on_tiny_vocabularies_and_texts(vocab_size, H, streams, seq_len, extra):
    vocab = list("abcdefg"[:vocab_size])
    text = "".join(vocab[i % vocab_size] for i in range(2 * streams + extra))
    torch.manual_seed(0)
    model = CharLM(vocab, "lstm", H, 2).eval()
    result = evaluate(model, text, streams=streams, seq_len=seq_len)
    assert result["chars"] == streams * (len(text) // streams - 1)
    assert np.isfinite(result["loss"])
    drawn = sample(model, vocab[0], length=3)
    assert len(drawn.text) == 3 and drawn.top_probs.shape == (3, min(5, vocab_size))
