"""rnnviz.models.foreign: the replay of a user's torch.nn RNN, LSTM or GRU equals the module,
for every layout, and every bad input is refused by name."""

import itertools

import numpy as np
import pytest
import torch
from torch import nn

from rnnviz.models import cells, foreign
from rnnviz.models.foreign import ReplayMismatch, find_core, trace

D, H, N, T = 3, 4, 2, 5


def combinations():
    """Every layout of point 1: cell x layers x direction x batch_first x bias, plus the
    RNN's ReLU and the LSTM's projection."""
    for cls, layers, bidirectional, batch_first, bias in itertools.product(
        (nn.RNN, nn.LSTM, nn.GRU), (1, 2), (False, True), (False, True), (True, False)
    ):
        extras = [{}]
        if cls is nn.RNN:
            extras.append({"nonlinearity": "relu"})
        if cls is nn.LSTM:
            extras.append({"proj_size": 2})
        for extra in extras:
            yield (
                cls,
                dict(
                    num_layers=layers,
                    bidirectional=bidirectional,
                    batch_first=batch_first,
                    bias=bias,
                    dropout=0.5 if layers > 1 else 0.0,
                    **extra,
                ),
            )


CASES = list(combinations())


def case_id(case):
    cls, kw = case
    return cls.__name__ + "-" + "-".join(f"{k}={v}" for k, v in kw.items())


def inputs(batch_first, seed=1):
    g = torch.Generator().manual_seed(seed)
    return torch.randn((N, T, D) if batch_first else (T, N, D), generator=g)


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_the_replay_equals_the_module_in_every_layout(case):
    cls, kw = case
    torch.manual_seed(0)
    module = cls(D, H, **kw).train()  # in training mode: traced as in eval mode
    x = inputs(kw["batch_first"])
    before = {k: v.clone() for k, v in module.state_dict().items()}
    result = trace(module, x)
    dirs = 2 if kw["bidirectional"] else 1
    assert len(result.layers) == kw["num_layers"] * dirs
    assert result.max_error < 1e-12
    twin = cls(D, H, **kw).double().eval()
    twin.load_state_dict(module.state_dict())
    with torch.no_grad():
        expected = twin(x.double())[0]
    if not kw["batch_first"]:
        expected = expected.transpose(0, 1)
    top = np.concatenate([result.layer(-1, d).h for d in foreign.DIRECTIONS[:dirs]], axis=2)
    np.testing.assert_allclose(top, expected.numpy(), rtol=0, atol=1e-12)
    np.testing.assert_array_equal(result.output, top)
    out_size = kw.get("proj_size") or H
    assert result.layer(0).h.shape == (N, T, out_size)
    gates = foreign.GATES[foreign.cell_of(module)]
    assert all(result.layer(0).gates[g].shape == (N, T, H) for g in gates)
    assert module.training  # the user's model is never changed
    assert all(torch.equal(before[k], v) for k, v in module.state_dict().items())


@pytest.mark.parametrize("cls", [cells.LSTM, cells.GRU])
def test_gates_are_those_of_rnnviz_traced_cells_in_the_lectures_order(cls):
    torch.manual_seed(0)
    model = cls(D, H, dtype=torch.float64)
    x = torch.randn(N, T, D, dtype=torch.float64)
    expected = model(x)
    result = trace(model.core, x).layer(0)
    for name, value in expected.gates.items():
        np.testing.assert_allclose(result.gates[name], value.detach().numpy(), atol=1e-14)
    if cls is cells.LSTM:
        np.testing.assert_allclose(result.c, expected.c.detach().numpy(), atol=1e-14)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32])
def test_a_half_precision_wrapper_is_traced_on_a_float64_copy(dtype):
    torch.manual_seed(0)
    model = TokenModel().to(dtype)
    x = torch.randint(0, 7, (N, T))
    result = trace(model, x)
    assert result.core == "rnn" and result.cell == "lstm"
    assert result.x.dtype == np.float64 and result.x.shape == (N, T, D)
    assert model.rnn.weight_ih_l0.dtype == dtype  # unchanged
    np.testing.assert_allclose(
        result.x, model.embed.weight.double()[x].detach().numpy(), rtol=0, atol=0
    )


class TokenModel(nn.Module):
    """Embedding -> 2-layer LSTM (batch_first) -> head, as a student writes it."""

    def __init__(self, vocab=7, cell=nn.LSTM, **kw):
        super().__init__()
        self.embed = nn.Embedding(vocab, D)
        self.rnn = cell(D, H, num_layers=2, batch_first=True, **kw)
        self.head = nn.Linear(H * (2 if kw.get("bidirectional") else 1), vocab)

    def forward(self, x, state=None):
        out, state = self.rnn(self.embed(x), state)
        return self.head(out), state


def test_an_initial_state_given_by_the_wrapper_is_replayed():
    torch.manual_seed(0)
    core = nn.GRU(D, H, batch_first=True)
    h0 = torch.randn(1, N, H)

    class WithState(nn.Module):
        def __init__(self):
            super().__init__()
            self.core = core

        def forward(self, x):
            return self.core(x, h0)[0]

    x = inputs(True)
    result = trace(WithState(), x)
    expected = core.double()(x.double(), h0.double())[0]
    np.testing.assert_allclose(result.output, expected.detach().numpy(), atol=1e-12)


def test_unbatched_input_is_one_sequence():
    torch.manual_seed(0)
    result = trace(nn.LSTM(D, H, num_layers=2, bidirectional=True), torch.randn(T, D))
    assert result.output.shape == (1, T, 2 * H)


def test_nan_weights_give_nan_states_not_an_error():
    torch.manual_seed(0)
    module = nn.LSTM(D, H, batch_first=True)
    with torch.no_grad():
        module.weight_hh_l0[0, 0] = float("nan")
    result = trace(module, inputs(True))
    assert np.isnan(result.output).any()


def test_the_proof_raises_when_the_replay_is_wrong(monkeypatch):
    from rnnviz.models import replay

    real = replay.replay_direction

    def off_by_a_little(*args, **kwargs):
        out = real(*args, **kwargs)
        out["h"] = out["h"] + 1e-6
        return out

    monkeypatch.setattr(replay, "replay_direction", off_by_a_little)
    with pytest.raises(ReplayMismatch, match="differs"):
        trace(nn.GRU(D, H), inputs(False))


def test_find_core_finds_one_or_is_told_which():
    class Two(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder, self.decoder = nn.GRU(D, H), nn.LSTM(H, H)

    two = Two()
    with pytest.raises(ValueError, match="2 recurrent layers.*core="):
        find_core(two)
    assert find_core(two, core="decoder") == ("decoder", two.decoder)
    assert find_core(two, core=two.encoder) == ("encoder", two.encoder)
    with pytest.raises(ValueError, match="core 'nope'"):
        find_core(two, core="nope")
    with pytest.raises(TypeError, match="core must"):
        find_core(two, core=3)
    with pytest.raises(ValueError, match="model holds no"):
        find_core(nn.Linear(2, 2))
    with pytest.raises(ValueError, match="Python loop"):
        find_core(nn.Sequential(nn.LSTMCell(2, 2)))
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        find_core("lstm")
    with pytest.raises(TypeError, match="core must name"):
        find_core(nn.Sequential(nn.Linear(2, 2), nn.GRU(2, 2)), core="0")


@pytest.mark.parametrize(
    "x, error, words",
    [
        (torch.randn(N, T, D + 1), ValueError, "x must reach the recurrent layer as"),
        (torch.randn(N, T, D, 1), ValueError, "x must reach"),
        (torch.randn(N, 0, D), ValueError, "x must reach"),
        (torch.ones(N, T, D, dtype=torch.int64), TypeError, "x must reach.*floating"),
        (torch.full((N, T, D), float("nan")), ValueError, "x contains NaN"),
        (np.zeros((N, T, D)), TypeError, "x must be a torch.Tensor"),
        (torch.zeros(N, T, D, dtype=torch.complex64), TypeError, "x must hold real"),
    ],
)
def test_bad_x_is_refused_by_name(x, error, words):
    with pytest.raises(error, match=words):
        trace(nn.LSTM(D, H, batch_first=True), x)


def test_token_ids_out_of_the_vocabulary_are_refused_by_name():
    with pytest.raises(ValueError, match="x could not be run through model"):
        trace(TokenModel(), torch.full((N, T), 99))


def test_packed_sequences_are_refused_with_what_to_pass():
    class Packed(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = nn.GRU(D, H, batch_first=True)

        def forward(self, x):
            packed = nn.utils.rnn.pack_padded_sequence(x, [T, T - 1], batch_first=True)
            return self.rnn(packed)

    with pytest.raises(ValueError, match="PackedSequence.*padded tensor"):
        trace(Packed(), inputs(True))


def test_a_model_that_runs_its_layer_twice_is_refused():
    class Twice(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = nn.RNN(D, D, batch_first=True)

        def forward(self, x):
            return self.rnn(self.rnn(x)[0])

    with pytest.raises(ValueError, match="once a call"):
        trace(Twice(), inputs(True))


def test_layer_lookup_is_checked():
    result = trace(nn.GRU(D, H, num_layers=2), inputs(False))
    assert result.layer(-1) is result.layer(1)
    with pytest.raises(ValueError, match="layer must be"):
        result.layer(2)
    with pytest.raises(ValueError, match="direction must be"):
        result.layer(0, "backward")


@pytest.mark.parametrize("cls", [nn.RNN, nn.LSTM, nn.GRU])
@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_layer_model_is_a_traced_cell_that_reproduces_the_layer(cls, direction):
    torch.manual_seed(0)
    module = cls(D, H, num_layers=2, bidirectional=True, batch_first=True)
    x = inputs(True)
    cell, x_layer = foreign.layer_model(module, x, layer=1, direction=direction)
    assert x_layer.shape == (N, T, 2 * H)
    expected = trace(module, x).layer(1, direction)
    h = cell(x_layer).h.detach().numpy()
    np.testing.assert_allclose(h[:, ::-1] if direction == "backward" else h, expected.h, atol=1e-12)
    with pytest.raises(ValueError, match="layer must be"):
        foreign.layer_model(module, x, layer=2)
    with pytest.raises(ValueError, match="proj_size"):
        foreign.layer_model(nn.LSTM(D, H, proj_size=2), x)
