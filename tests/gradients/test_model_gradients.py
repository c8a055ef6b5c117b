"""rnnviz.gradients.model_gradients: gradient flow and connectivity of a user's model equal
torch autograd through torch.nn's own kernels, in float64."""

import itertools

import numpy as np
import pytest
import torch
from torch import nn

from rnnviz.gradients.flow import lstm_flow
from rnnviz.gradients.model_gradients import connectivity, gradient_flow
from rnnviz.models import cells

D, H, N, T = 3, 4, 2, 6
TOLERANCE = 1e-10


def layouts():
    for cls, layers, bidirectional, batch_first in itertools.product(
        (nn.RNN, nn.LSTM, nn.GRU), (1, 2), (False, True), (False, True)
    ):
        yield cls, dict(num_layers=layers, bidirectional=bidirectional, batch_first=batch_first)
    yield nn.RNN, dict(num_layers=2, nonlinearity="relu", bias=False, batch_first=True)
    yield nn.LSTM, dict(num_layers=2, proj_size=2, bidirectional=True, batch_first=True)


LAYOUTS = list(layouts())
IDS = [cls.__name__ + "-" + "-".join(f"{k}={v}" for k, v in kw.items()) for cls, kw in LAYOUTS]


def make(cls, kw, seed=0):
    torch.manual_seed(seed)
    core = cls(D, H, **kw)
    g = torch.Generator().manual_seed(seed + 1)
    x = torch.randn((N, T, D) if kw.get("batch_first") else (T, N, D), generator=g)
    return core, x


def stepwise(core, x):
    """Every layer and direction of `core` run one step a call through torch.nn's own
    kernels (single-layer copies), in float64: the states h_t as autograd nodes.
    Returns: the layer's output (N, T, F) and, for each direction, the list of h_t."""
    core = core.double()
    x = x.double() if core.batch_first else x.double().transpose(0, 1)
    dirs = 2 if core.bidirectional else 1
    P = getattr(core, "proj_size", 0) or core.hidden_size
    extra = {"nonlinearity": core.nonlinearity} if isinstance(core, nn.RNN) else {}
    if getattr(core, "proj_size", 0):
        extra["proj_size"] = core.proj_size
    states, layer_in = [], x
    for layer in range(core.num_layers):
        outs = []
        for d in range(dirs):
            one = type(core)(
                layer_in.shape[2], core.hidden_size, batch_first=True, bias=core.bias, **extra
            ).double()
            suffix = f"_l{layer}" + ("_reverse" if d else "")
            with torch.no_grad():
                for name, _ in one.named_parameters():
                    getattr(one, name).copy_(getattr(core, name.replace("_l0", suffix)))
            h = torch.zeros(1, x.shape[0], P, dtype=torch.float64)
            c = torch.zeros(1, x.shape[0], core.hidden_size, dtype=torch.float64)
            hs = [None] * T
            for t in range(T - 1, -1, -1) if d else range(T):
                step = layer_in[:, t : t + 1]
                if isinstance(core, nn.LSTM):
                    _, (h, c) = one(step, (h, c))
                else:
                    _, h = one(step, h)
                hs[t] = h
            states.append(hs)
            outs.append(torch.cat([s[0][:, None] for s in hs], dim=1))
        layer_in = torch.cat(outs, dim=2)
    return layer_in, states


@pytest.mark.parametrize("loss", ["last", "all"])
@pytest.mark.parametrize("layout", LAYOUTS, ids=IDS)
def test_gradient_flow_equals_autograd_through_torch_nn_kernels(layout, loss):
    cls, kw = layout
    core, x = make(cls, kw)
    flow = gradient_flow(core, x, loss=loss)
    out, states = stepwise(core, x)
    value = (out[:, -1] if loss == "last" else out).sum()
    nodes = [h for hs in states for h in hs]
    grads = torch.autograd.grad(value, nodes)
    assert flow.loss == pytest.approx(float(value.detach()), rel=1e-12)
    for k, layer_flow in enumerate(flow.layers):
        expected = torch.cat([g[0][:, None] for g in grads[k * T : (k + 1) * T]], dim=1)
        np.testing.assert_allclose(layer_flow.dh, expected.numpy(), rtol=0, atol=TOLERANCE)
        np.testing.assert_allclose(
            layer_flow.grad_h, np.linalg.norm(expected.numpy(), axis=2), rtol=1e-12
        )


@pytest.mark.parametrize("loss", ["last", "all"])
def test_lstm_cell_state_flow_equals_rnnviz_numpy_bptt(loss):
    core, x = make(nn.LSTM, dict(batch_first=True))
    flow = gradient_flow(core, x, loss=loss).layer(0)
    params = cells.LSTM.from_torch(core).reference_params()
    expected = lstm_flow(x.double().numpy(), params, loss=loss, readout=np.ones(H))
    np.testing.assert_allclose(flow.dc, expected.dc, rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(flow.dh, expected.dh, rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(flow.grad_c, expected.grad_c, rtol=1e-12)


class ManyToOne(nn.Module):
    """Reads the last layer's final state: the gradient enters through h_n only."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(D, H, num_layers=2, batch_first=True)
        self.head = nn.Linear(H, 3)

    def forward(self, x):
        return self.head(self.rnn(x)[1][-1])


def test_a_callable_loss_on_a_many_to_one_model_flows_through_the_final_state():
    model, (_, x) = ManyToOne(), make(nn.GRU, dict(batch_first=True))
    flow = gradient_flow(model, x, loss=lambda y: y[:, 0].sum())
    _, states = stepwise(model.rnn, x)
    value = model.double().head(states[-1][-1][0])[:, 0].sum()
    grads = torch.autograd.grad(value, states[0] + states[1])
    for k in range(2):
        expected = torch.cat([g[0][:, None] for g in grads[k * T : (k + 1) * T]], dim=1)
        np.testing.assert_allclose(flow.layers[k].dh, expected.numpy(), atol=TOLERANCE)
    with pytest.raises(ValueError, match="loss needs the model's output at every step"):
        gradient_flow(model, x, loss="last")
    with pytest.raises(ValueError, match="output needs the model's output at every step"):
        connectivity(model, x)


def per_pair(core, x, read):
    """||dy_t/dx_k|| by one autograd.grad call per output step t, through the fused module."""
    core = core.double()
    x = x.double().clone().requires_grad_()
    out = core(x)[0]
    if not core.batch_first:
        out = out.transpose(0, 1)
    y = read(out)  # (N, T)
    rows = []
    for t in range(T):
        (g,) = torch.autograd.grad(y[:, t].sum(), x, retain_graph=True)
        rows.append((g if core.batch_first else g.transpose(0, 1)).norm(dim=2))
    return torch.stack(rows, dim=1).numpy()  # (N, T, T)


@pytest.mark.parametrize("layout", LAYOUTS, ids=IDS)
def test_connectivity_equals_per_pair_autograd(layout):
    cls, kw = layout
    core, x = make(cls, kw)
    result = connectivity(core, x)
    np.testing.assert_allclose(
        result, per_pair(core, x, lambda out: out.norm(dim=2)), rtol=0, atol=TOLERANCE
    )
    if not kw.get("bidirectional"):  # nothing reaches back from the future
        assert np.all(result[:, np.triu_indices(T, 1)[0], np.triu_indices(T, 1)[1]] == 0)
    unit = connectivity(core, x, output=1)
    np.testing.assert_allclose(unit, per_pair(core, x, lambda out: out[..., 1]), atol=TOLERANCE)


class TokenModel(nn.Module):
    def __init__(self, cell=nn.LSTM):
        super().__init__()
        self.embed = nn.Embedding(7, D)
        self.rnn = cell(D, H, num_layers=2, batch_first=True)
        self.head = nn.Linear(H, 7)

    def forward(self, x):
        return self.head(self.rnn(self.embed(x))[0]), "a state the analysis does not read"


@pytest.mark.parametrize("cell", [nn.LSTM, nn.GRU, nn.RNN])
def test_connectivity_of_a_token_model_is_taken_at_the_embeddings(cell):
    torch.manual_seed(0)
    model = TokenModel(cell)
    ids = torch.randint(0, 7, (N, T + 1))
    x, targets = ids[:, :-1], ids[:, 1:]
    result = connectivity(model, x, output=targets)
    twin = TokenModel(cell).double()
    twin.load_state_dict(model.state_dict())
    e = twin.embed(x).detach().requires_grad_()
    logits = twin.head(twin.rnn(e)[0])
    y = logits.gather(2, targets[..., None])[..., 0]
    for t in range(T):
        (g,) = torch.autograd.grad(y[:, t].sum(), e, retain_graph=True)
        np.testing.assert_allclose(result[:, t], g.norm(dim=2).numpy(), atol=TOLERANCE)


def test_connectivity_is_fast_enough_to_be_a_widget():
    """The T x T matrix for a 300-step sequence: the benchmark's size with H = 64 (the
    benchmark, benchmarks/bench_connectivity.py, times H = 256)."""
    torch.manual_seed(0)
    model = TokenModel()
    result = connectivity(model, torch.randint(0, 7, (1, 300)))
    assert result.shape == (1, 300, 300) and np.isfinite(result).all()


def test_bad_losses_and_outputs_are_refused_by_name():
    core, x = make(nn.LSTM, dict(batch_first=True))
    with pytest.raises(ValueError, match="loss must return a scalar"):
        gradient_flow(core, x, loss=lambda y: y.sum(dim=0))
    with pytest.raises(ValueError, match="loss must return a scalar"):
        gradient_flow(core, x, loss=lambda y: 3.0)
    with pytest.raises(ValueError, match="loss must depend"):
        gradient_flow(core, x, loss=lambda y: torch.ones(()))
    with pytest.raises(ValueError, match="loss must be"):
        gradient_flow(core, x, loss="first")
    with pytest.raises(ValueError, match=r"output must be an index in \[0, 3\]"):
        connectivity(core, x, output=4)
    with pytest.raises(ValueError, match="output must be 'norm'"):
        connectivity(core, x, output="max")
    with pytest.raises(TypeError, match="output must be"):
        connectivity(core, x, output=1.5)
    with pytest.raises(TypeError, match="integer targets"):
        connectivity(core, x, output=torch.zeros(N, T))
    with pytest.raises(ValueError, match="output must hold one target a step"):
        connectivity(core, x, output=torch.zeros(N, T + 1, dtype=torch.int64))
    with pytest.raises(ValueError, match=r"output's targets must be in \[0, 3\]"):
        connectivity(core, x, output=torch.full((N, T), 4))


def test_a_model_whose_output_cannot_be_read_is_refused_by_name():
    class Dict(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = nn.GRU(D, H, batch_first=True)

        def forward(self, x):
            return {"out": self.rnn(x)[0]}

    _, x = make(nn.GRU, dict(batch_first=True))
    with pytest.raises(TypeError, match="model must return a tensor"):
        connectivity(Dict(), x)
    with pytest.raises(TypeError, match="model must return a tensor"):
        gradient_flow(Dict(), x)


def test_nan_weights_give_nan_gradients():
    core, x = make(nn.LSTM, dict(batch_first=True))
    with torch.no_grad():
        core.weight_hh_l0[0, 0] = float("nan")
    assert np.isnan(gradient_flow(core, x).layer(0).grad_h).any()
    assert np.isnan(connectivity(core, x)).any()


def test_reach_is_the_decades_lost_between_recent_and_distant_inputs():
    from rnnviz.gradients.model_gradients import reach

    distance = np.subtract.outer(np.arange(50), np.arange(50))
    halving = np.where(distance >= 0, 0.5 ** distance.clip(0), 0.0)  # each step back halves
    # Mean distance 30 (far: 20..40) against 2 (near: 1..3): 28 halvings.
    assert reach(halving) == pytest.approx(28 * np.log10(0.5), rel=1e-12)
    assert reach(halving, far=(5, 5), near=(0, 0)) == pytest.approx(5 * np.log10(0.5))
    with pytest.raises(ValueError, match="far"):
        reach(halving, far=(20, 60))
    with pytest.raises(TypeError, match="near must be a pair"):
        reach(halving, near=3)
    with pytest.raises(ValueError, match="matrix must have shape"):
        reach(halving[:, :10])
