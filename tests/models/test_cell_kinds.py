"""rnnviz.models.cell_kinds and the torch layers rnnviz.models.cells builds from a cell name."""

import numpy as np
import pytest
import torch

from rnnviz.models.cell_kinds import CELL_NAMES, CELLS, GATES, LINEAR_CELLS, check_cell
from rnnviz.models.cells import TRACED_CELLS, set_forget_bias, torch_core
from rnnviz.style import GATE_COLORS, GATE_NAMES, MODEL_COLORS


def test_every_cell_has_a_name_gates_and_a_torch_layer():
    assert set(CELL_NAMES) == set(GATES) == set(CELLS) | set(LINEAR_CELLS)
    assert not set(CELLS) & set(LINEAR_CELLS)
    for cell in CELLS:
        core = torch_core(cell, 3, 5)
        assert core.batch_first and core.hidden_size == 5
        blocks = max(1, len(GATES[cell]))
        assert core.weight_hh_l0.shape == (blocks * 5, 5)
    assert set(TRACED_CELLS) == {"rnn", "lstm", "gru"}


def test_irnn_starts_at_the_identity_with_zero_biases_and_relu():
    core = torch_core("irnn", 2, 4)
    assert core.nonlinearity == "relu"
    assert torch.equal(core.weight_hh_l0.detach(), torch.eye(4))
    assert not core.bias_ih_l0.any() and not core.bias_hh_l0.any()
    assert torch_core("rnn", 2, 4).nonlinearity == "tanh"


def test_forget_bias_opens_every_forget_gate():
    core = torch_core("lstm", 1, 3, dtype=torch.float64)
    set_forget_bias(core, 5.0)

    def c_after(c_prev):
        zeros = torch.zeros(1, 1, 3, dtype=torch.float64)
        with torch.no_grad():
            return core(zeros[..., :1], (zeros, torch.full_like(zeros, c_prev)))[1][1]

    # With x = h = 0 only the biases act, and c_t = f c_{t-1} + i g: the part of c_{t-1}
    # that survives one step is f = sigmoid(5) in every unit.
    f = c_after(1.0) - c_after(0.0)
    torch.testing.assert_close(f, torch.full_like(f, torch.sigmoid(torch.tensor(5.0)).item()))
    with pytest.raises(TypeError, match="core"):
        set_forget_bias(torch_core("gru", 1, 3), 1.0)


def test_forget_bias_is_set_in_every_layer_and_direction_of_a_users_lstm():
    from rnnviz.models.foreign import trace

    core = torch.nn.LSTM(2, 3, num_layers=2, bidirectional=True, batch_first=True)
    set_forget_bias(core, 5.0)
    with torch.no_grad():
        for name, p in core.named_parameters():
            if name.startswith("weight"):
                p.zero_()  # only the biases act: every forget gate is sigmoid(5)
    result = trace(core, torch.randn(1, 4, 2))
    for layer in result.layers:
        np.testing.assert_allclose(layer.gates["f"], 1 / (1 + np.exp(-5.0)), rtol=1e-12)
    with pytest.raises(ValueError, match="core has no biases"):
        set_forget_bias(torch.nn.LSTM(2, 3, bias=False), 1.0)


def test_an_unknown_or_unsupported_cell_is_named():
    with pytest.raises(ValueError, match="cell must be one of"):
        check_cell("transformer")
    with pytest.raises(ValueError, match=r"cell must be one of \['gru', 'rnn'\]"):
        check_cell("lstm", ("rnn", "gru"))
    with pytest.raises(ValueError, match="cell"):
        torch_core("mlp", 2, 2)


def test_every_cell_and_gate_has_its_house_colour():
    assert set(MODEL_COLORS) == set(CELLS) | set(LINEAR_CELLS)
    assert len(set(MODEL_COLORS.values())) == len(MODEL_COLORS)
    gates = {gate for cell in CELLS for gate in GATES[cell]}
    assert gates == set(GATE_COLORS) == set(GATE_NAMES)
