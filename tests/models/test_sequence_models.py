"""rnnviz.models.sequence_models: one recurrent core plus a linear head."""

import pytest
import torch

from rnnviz.models.cell_kinds import CELLS
from rnnviz.models.sequence_models import SequenceModel, make_model

# One torch thread: on a shared 2-core machine, more threads only spin (see the rules).
torch.set_num_threads(1)


@pytest.mark.parametrize("cell", CELLS)
def test_shapes_many_to_one_and_many_to_many(cell):
    x = torch.randn(5, 7, 3)
    assert make_model(cell, 3, 2)(x).shape == (5, 2)
    assert make_model(cell, 3, 4, many_to_many=True)(x).shape == (5, 7, 4)


@pytest.mark.parametrize("cell", CELLS)
def test_head_reads_the_last_hidden_state(cell):
    model = make_model(cell, 3, 2, hidden_size=6, seed=1)
    x = torch.randn(4, 9, 3)
    h, _ = model.core(x)  # (N, T, H)
    torch.testing.assert_close(model(x), model.head(h[:, -1]))
    model.many_to_many = True
    torch.testing.assert_close(model(x), model.head(h))


def test_irnn_is_identity_relu_recurrence():
    """Le et al. 2015: W_hh = I, zero biases, ReLU; replayed by an explicit loop."""
    model = make_model("irnn", 2, 1, hidden_size=5, seed=0)
    core = model.core
    assert torch.equal(core.weight_hh_l0, torch.eye(5))
    assert torch.count_nonzero(core.bias_ih_l0) == 0 and torch.count_nonzero(core.bias_hh_l0) == 0
    x = torch.randn(3, 6, 2)
    h = torch.zeros(3, 5)
    for t in range(6):
        h = torch.relu(x[:, t] @ core.weight_ih_l0.T + h)  # (N, H): W_hh = I adds h itself
    torch.testing.assert_close(core(x)[0][:, -1], h)


def test_tanh_rnn_matches_an_explicit_loop():
    model = make_model("rnn", 2, 1, hidden_size=4, seed=2)
    c = model.core
    x = torch.randn(3, 5, 2)
    h = torch.zeros(3, 4)
    for t in range(5):
        h = torch.tanh(
            x[:, t] @ c.weight_ih_l0.T + c.bias_ih_l0 + h @ c.weight_hh_l0.T + c.bias_hh_l0
        )  # (N, H)
    torch.testing.assert_close(c(x)[0][:, -1], h)


@pytest.mark.parametrize("forget_bias", [-2.0, 0.0, 1.0, 3.0])
def test_forget_bias_sits_in_the_forget_gate(forget_bias):
    """With zero weights, i = o = 0.5, g = 0, so one step gives c1 = sigmoid(b_f) * c0."""
    model = make_model("lstm", 2, 1, hidden_size=3, forget_bias=forget_bias)
    with torch.no_grad():
        model.core.weight_ih_l0.zero_()
        model.core.weight_hh_l0.zero_()
        model.core.bias_hh_l0.zero_()  # make_model put the whole forget bias in bias_ih
        model.core.bias_ih_l0[:3].zero_()  # i  (torch's blocks: i, f, g, o)
        model.core.bias_ih_l0[6:].zero_()  # g, o
    c0 = torch.tensor([[1.0, -2.0, 0.5]])
    _, (_, c1) = model.core(torch.randn(1, 1, 2), (torch.zeros(1, 1, 3), c0[None]))
    expected = torch.sigmoid(torch.tensor(forget_bias)) * c0
    torch.testing.assert_close(c1[0], expected)


def test_float64_gradients_match_finite_differences():
    model = make_model("irnn", 2, 1, hidden_size=3, seed=0).double()
    x = torch.rand(2, 4, 2, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda inp: model(inp), (x,))


def test_make_model_is_seeded_and_leaves_the_global_stream_alone():
    torch.manual_seed(123)
    expected = torch.rand(2)
    torch.manual_seed(123)
    a = make_model("gru", 2, 1, seed=4)
    assert torch.equal(torch.rand(2), expected)
    b = make_model("gru", 2, 1, seed=4)
    c = make_model("gru", 2, 1, seed=5)
    assert torch.equal(a.core.weight_hh_l0, b.core.weight_hh_l0)
    assert not torch.equal(a.core.weight_hh_l0, c.core.weight_hh_l0)


@pytest.mark.parametrize(
    "call, err, name",
    [
        (lambda: SequenceModel("transformer", 2, 4, 1), ValueError, "cell"),
        (lambda: SequenceModel("rnn", 0, 4, 1), ValueError, "input_size"),
        (lambda: SequenceModel("rnn", 2, 0, 1), ValueError, "hidden_size"),
        (lambda: SequenceModel("rnn", 2, 4.0, 1), TypeError, "hidden_size"),
        (lambda: SequenceModel("rnn", 2, 4, -1), ValueError, "output_size"),
        (lambda: SequenceModel("rnn", 2, 4, 1, many_to_many=1), TypeError, "many_to_many"),
        (lambda: SequenceModel("gru", 2, 4, 1, forget_bias=1.0), ValueError, "forget_bias"),
        (
            lambda: SequenceModel("lstm", 2, 4, 1, forget_bias=float("nan")),
            ValueError,
            "forget_bias",
        ),
        (lambda: make_model("rnn", 2, 1, seed=-1), ValueError, "seed"),
        (lambda: make_model("rnn", 2, 1)(torch.randn(3, 5, 4)), ValueError, "x"),
        (lambda: make_model("rnn", 2, 1)(torch.randn(3, 2)), ValueError, "x"),
        (lambda: make_model("rnn", 2, 1)([[1.0, 2.0]]), TypeError, "x"),
    ],
)
def test_bad_arguments_are_named(call, err, name):
    with pytest.raises(err, match=name):
        call()


@pytest.mark.parametrize("cell", ["lru", "mingru"])
def test_linear_recurrent_models_read_the_last_step_by_loop_or_scan(cell):
    from rnnviz.models.sequence_models import LinearRecurrentModel

    model = make_model(cell, 2, 3, hidden_size=8, seed=1)
    assert isinstance(model, LinearRecurrentModel)
    x = torch.randn(4, 20, 2)
    out = model(x)
    assert out.shape == (4, 3)
    torch.testing.assert_close(model(x, method="loop"), out, rtol=1e-5, atol=1e-5)
    again = make_model(cell, 2, 3, hidden_size=8, seed=1)
    torch.testing.assert_close(again(x), out)  # same seed, same weights
    many = make_model(cell, 2, 3, hidden_size=8, many_to_many=True)
    assert many(x).shape == (4, 20, 3)
    with pytest.raises(ValueError, match="forget_bias"):
        make_model(cell, 2, 3, forget_bias=1.0)
    with pytest.raises(ValueError, match="x must have shape"):
        model(torch.randn(4, 20, 5))
