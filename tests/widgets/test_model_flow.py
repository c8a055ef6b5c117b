"""GradientFlow.from_model and the other widgets' from_model constructors show a user's own
torch model: the numbers drawn are those of the core functions."""

import json

import numpy as np
import pytest
import torch
from torch import nn

from rnnviz.gradients.model_gradients import gradient_flow
from rnnviz.models.foreign import trace
from rnnviz.widgets import CellActivations, GateExplorer, GradientFlow, ModelGradientFlow

TEXT = 'def f(a):\n    return "a"\n'


class CharModel(nn.Module):
    def __init__(self, cell=nn.LSTM):
        super().__init__()
        self.embed = nn.Embedding(128, 4)
        self.rnn = cell(4, 5, num_layers=2, batch_first=True)
        self.head = nn.Linear(5, 128)

    def forward(self, x):
        return self.head(self.rnn(self.embed(x))[0])


def encode(text):
    return torch.tensor([[ord(ch) for ch in text]])


def test_gradient_flow_from_model_draws_every_layer_and_direction(shown):
    torch.manual_seed(0)
    core = nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True)
    x = torch.randn(2, 9, 3)
    widget = GradientFlow.from_model(core, x, loss="all")
    assert isinstance(widget, ModelGradientFlow)
    json.dumps(widget.chart.spec, allow_nan=False)
    flow = gradient_flow(core, x, loss="all")
    rows = widget._rows()
    assert len(rows) == 8  # 2 layers x 2 directions x (h, c)
    for sequence in (0, 1):
        widget.sequence.value = sequence
        for k, (name, layer_flow, state, _) in enumerate(rows):
            expected = flow.layer(layer_flow.layer, layer_flow.direction)
            norms = expected.grad_h if state == "h" else expected.grad_c
            np.testing.assert_allclose(
                shown(widget.chart, f"row_{k}"), np.log10(norms[sequence]), rtol=1e-5
            )
            np.testing.assert_array_equal(widget.data[name], norms[sequence])


def test_gradient_flow_from_model_shows_nan_weights_as_overflow_not_json(shown):
    torch.manual_seed(0)
    model = CharModel(nn.GRU)
    with torch.no_grad():
        model.rnn.weight_hh_l1[0, 0] = float("nan")
    widget = GradientFlow.from_model(model, encode(TEXT), loss=lambda y: y[:, -1, 0].sum())
    json.dumps(widget.chart.spec, allow_nan=False)
    assert np.isposinf(shown(widget.chart, "row_0")).any()
    with pytest.raises(ValueError, match="loss must return a scalar"):
        GradientFlow.from_model(model, encode(TEXT), loss=lambda y: y)


@pytest.mark.parametrize("cell", [nn.LSTM, nn.GRU])
def test_gate_explorer_from_model_shows_the_layers_own_gates(cell):
    torch.manual_seed(0)
    model = CharModel(cell)
    widget = GateExplorer.sequence_from_model(model, encode(TEXT), layer=0)
    expected = trace(model, encode(TEXT)).layer(0)
    for name, values in expected.gates.items():
        np.testing.assert_allclose(widget.sequence["panels"][name], values, atol=1e-12)
    np.testing.assert_allclose(widget.sequence["panels"]["h"], expected.h, atol=1e-12)
    with pytest.raises(TypeError, match="model must hold an LSTM or a GRU"):
        GateExplorer.sequence_from_model(CharModel(nn.RNN), encode(TEXT))


def test_cell_activations_from_model_colours_the_text_by_the_models_cells(shown):
    torch.manual_seed(0)
    model = CharModel()
    widget = CellActivations.from_model(model, TEXT, encode, signals=("c", "f"), cell=2)
    expected = trace(model, encode(TEXT)).layer(-1)
    np.testing.assert_allclose(widget.signals["c"], expected.c[0], atol=0)
    np.testing.assert_allclose(widget.data["values"], expected.c[0, :, 2])
    np.testing.assert_allclose(shown(widget.chart, "values"), expected.c[0, :, 2], rtol=1e-6)
    with pytest.raises(ValueError, match="encode must give one step a character"):
        CellActivations.from_model(model, TEXT, lambda t: encode(t + "x"))
    with pytest.raises(ValueError, match="signals must be names among"):
        CellActivations.from_model(model, TEXT, encode, signals=("q",))
    with pytest.raises(TypeError, match="encode must be a callable"):
        CellActivations.from_model(model, TEXT, "ascii")
