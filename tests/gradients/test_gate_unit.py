"""rnnviz.gradients.gate_unit: one hand-set unit replayed in torch.nn, its parts and local
derivatives checked by independent runs and finite differences, and the four behaviours."""

import math

import numpy as np
import pytest
import torch

from rnnviz.gradients.gate_unit import (
    BEHAVIOURS,
    GRU_NEUTRAL,
    NEUTRAL,
    PRESETS,
    UnitSetting,
    check_behaviour,
    gru_unit_step,
    lstm_unit_step,
    rnn_unit_step,
    unit_step,
)
from rnnviz.models.cell_kinds import GRU_GATES, LSTM_GATES
from rnnviz.models.cells import lecture_to_torch_gates

RNG = np.random.default_rng(0)


def random_setting(cell="lstm", rng=RNG):
    gates = LSTM_GATES if cell == "lstm" else GRU_GATES
    x, h_prev, c_prev = rng.uniform(-1, 1, 3)
    weights = {g: tuple(float(v) for v in rng.uniform(-2, 2, 3)) for g in gates}
    return UnitSetting(x=float(x), h_prev=float(h_prev), c_prev=float(c_prev) * 2, weights=weights)


def with_(setting, **changes):
    values = dict(
        x=setting.x, h_prev=setting.h_prev, c_prev=setting.c_prev, weights=setting.weights
    )
    values.update(changes)
    return UnitSetting(**values)


def column(setting, part, gates):
    """One of w_x (0), w_h (1), b (2) for every gate, as a float64 tensor in `gates` order."""
    return torch.tensor([setting.weights[g][part] for g in gates], dtype=torch.float64)


def torch_lstm_step(s, c_prev=None):
    """(h, c) of torch.nn.LSTMCell with the unit's weights; c_prev overrides the setting's."""
    cell = torch.nn.LSTMCell(1, 1, dtype=torch.float64)
    with torch.no_grad():
        cell.weight_ih[:, 0] = lecture_to_torch_gates(column(s, 0, LSTM_GATES))
        cell.weight_hh[:, 0] = lecture_to_torch_gates(column(s, 1, LSTM_GATES))
        cell.bias_ih[:] = lecture_to_torch_gates(column(s, 2, LSTM_GATES))
        cell.bias_hh.zero_()
        h, c = cell(
            torch.tensor([[s.x]], dtype=torch.float64),
            (
                torch.tensor([[s.h_prev]], dtype=torch.float64),
                torch.tensor([[s.c_prev if c_prev is None else c_prev]], dtype=torch.float64),
            ),
        )
    return h.item(), c.item()


def torch_gru_step(s):
    """h of torch.nn.GRUCell with the unit's weights."""
    cell = torch.nn.GRUCell(1, 1, dtype=torch.float64)
    with torch.no_grad():
        cell.weight_ih[:, 0] = column(s, 0, GRU_GATES)
        cell.weight_hh[:, 0] = column(s, 1, GRU_GATES)
        cell.bias_ih[:] = column(s, 2, GRU_GATES)
        cell.bias_hh.zero_()
        h = cell(
            torch.tensor([[s.x]], dtype=torch.float64),
            torch.tensor([[s.h_prev]], dtype=torch.float64),
        )
    return h.item()


@pytest.mark.parametrize("seed", range(5))
def test_lstm_unit_matches_torch_lstm_cell(seed):
    s = random_setting("lstm", np.random.default_rng(seed))
    h, c = torch_lstm_step(s)
    step = lstm_unit_step(s)
    assert step.c == pytest.approx(c, abs=1e-12)
    assert step.h == pytest.approx(h, abs=1e-12)
    assert step.tanh_c == pytest.approx(math.tanh(c), abs=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_lstm_kept_and_written_are_what_torch_keeps_and_writes(seed):
    """kept is c_t with nothing written (input gate shut), written is c_t from an empty
    memory (c_{t-1} = 0): two independent torch runs, not the unit's own products."""
    s = random_setting("lstm", np.random.default_rng(seed))
    step = lstm_unit_step(s)
    shut = dict(s.weights, i=(0.0, 0.0, -1e3))  # sigmoid(-1000) = 0 exactly in float64
    _, c_kept = torch_lstm_step(with_(s, weights=shut))
    _, c_written = torch_lstm_step(s, c_prev=0.0)
    assert step.kept == pytest.approx(c_kept, abs=1e-12)
    assert step.written == pytest.approx(c_written, abs=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_gru_unit_matches_torch_gru_cell(seed):
    s = random_setting("gru", np.random.default_rng(seed))
    step = gru_unit_step(s)
    assert step.h == pytest.approx(torch_gru_step(s), abs=1e-12)
    # kept = z h_{t-1} is h_t when the candidate is silenced (n = tanh(0) = 0, z unchanged).
    silent = dict(s.weights, n=(0.0, 0.0, 0.0))
    assert step.kept == pytest.approx(torch_gru_step(with_(s, weights=silent)), abs=1e-12)


def central_difference(fn, value, eps=1e-6):
    return (fn(value + eps) - fn(value - eps)) / (2 * eps)


def rel_error(a, b):
    return abs(a - b) / max(1e-8, abs(a) + abs(b))


@pytest.mark.parametrize("seed", range(5))
def test_lstm_dc_dcprev_is_f(seed):
    s = random_setting("lstm", np.random.default_rng(seed))
    step = lstm_unit_step(s)
    numeric = central_difference(lambda c: torch_lstm_step(s, c_prev=c)[1], s.c_prev)
    assert rel_error(numeric, step.local_derivative) < 1e-8


@pytest.mark.parametrize("seed", range(5))
def test_rnn_and_gru_local_derivatives_match_finite_differences(seed):
    s = random_setting("gru", np.random.default_rng(seed))
    step = gru_unit_step(s)
    numeric = central_difference(lambda h: torch_gru_step(with_(s, h_prev=h)), s.h_prev)
    assert rel_error(numeric, step.full_derivative) < 1e-8
    # With gates that do not read h_{t-1} (every w_h = 0) only the direct path is left: its
    # derivative, measured, is the local derivative z.
    blind = with_(s, weights={g: (wx, 0.0, b) for g, (wx, _, b) in s.weights.items()})
    numeric = central_difference(lambda h: torch_gru_step(with_(blind, h_prev=h)), s.h_prev)
    assert rel_error(numeric, gru_unit_step(blind).local_derivative) < 1e-8
    wx, wh, b = s.weights["n"]
    rnn = rnn_unit_step(s.x, s.h_prev, wx, wh, b)
    assert step.rnn == rnn
    numeric = central_difference(lambda h: rnn_unit_step(s.x, h, wx, wh, b).h, s.h_prev)
    assert rel_error(numeric, rnn.local_derivative) < 1e-8
    assert rnn.local_derivative == pytest.approx(wh * (1 - rnn.h**2))


def test_lstm_compares_with_the_rnn_of_its_g_gate():
    step = lstm_unit_step(NEUTRAL)
    assert step.rnn == rnn_unit_step(NEUTRAL.x, NEUTRAL.h_prev, *NEUTRAL.weights["g"])
    # g = tanh(same pre-activation) is the RNN's new state: the LSTM gates a vanilla RNN.
    assert step.gates["g"] == pytest.approx(step.rnn.h)


def test_unit_step_dispatches_on_gates():
    assert unit_step(NEUTRAL) == lstm_unit_step(NEUTRAL)
    assert unit_step(GRU_NEUTRAL) == gru_unit_step(GRU_NEUTRAL)
    with pytest.raises(TypeError, match="setting"):
        lstm_unit_step(GRU_NEUTRAL)
    with pytest.raises(TypeError, match="setting"):
        gru_unit_step(NEUTRAL)
    with pytest.raises(TypeError, match="setting"):
        unit_step({"x": 1})


def test_extreme_pre_activations_do_not_overflow():
    s = with_(NEUTRAL, weights={g: (0.0, 0.0, 800.0 if g == "f" else -800.0) for g in LSTM_GATES})
    step = lstm_unit_step(s)
    assert step.gates["f"] == 1.0 and step.gates["i"] == 0.0 and step.gates["g"] == -1.0


@pytest.mark.parametrize("name", BEHAVIOURS)
def test_each_preset_shows_its_behaviour(name):
    result = check_behaviour(name, lstm_unit_step(PRESETS[name]))
    assert result.met, result.report()
    assert result.report().startswith(f"{name}: yes")


@pytest.mark.parametrize("name", BEHAVIOURS)
def test_neutral_setting_shows_no_behaviour(name):
    result = check_behaviour(name, lstm_unit_step(NEUTRAL))
    assert not result.met
    assert result.report().startswith(f"{name}: not yet")


@pytest.mark.parametrize(
    "name, gate",
    [
        ("forget everything", "f"),
        ("remember forever", "f"),
        ("remember forever", "i"),
        ("write a new value", "i"),
        ("hide the memory", "o"),
    ],
)
def test_opening_the_wrong_gate_halfway_breaks_the_behaviour(name, gate):
    preset = PRESETS[name]
    weights = dict(preset.weights)
    weights[gate] = (0.0, 0.0, 0.0)  # sigmoid(0) = 0.5
    assert not check_behaviour(name, lstm_unit_step(with_(preset, weights=weights))).met


def test_behaviour_needs_something_to_act_on():
    empty = with_(PRESETS["forget everything"], c_prev=0.0)
    assert not check_behaviour("forget everything", lstm_unit_step(empty)).met
    assert not check_behaviour(
        "remember forever", lstm_unit_step(with_(PRESETS["remember forever"], c_prev=0.1))
    ).met


def test_check_behaviour_rejects_bad_arguments():
    step = lstm_unit_step(NEUTRAL)
    with pytest.raises(ValueError, match="behaviour"):
        check_behaviour("fly away", step)
    with pytest.raises(TypeError, match="step"):
        check_behaviour("forget everything", gru_unit_step(GRU_NEUTRAL))
    with pytest.raises(ValueError, match="tolerance"):
        check_behaviour("forget everything", step, tolerance=0.7)


def test_unit_setting_rejects_bad_values():
    good = NEUTRAL.weights
    with pytest.raises(ValueError, match="x"):
        UnitSetting(x=float("nan"), h_prev=0.0, c_prev=0.0, weights=good)
    with pytest.raises(TypeError, match="h_prev"):
        UnitSetting(x=0.0, h_prev="0", c_prev=0.0, weights=good)
    with pytest.raises(ValueError, match="gates"):
        UnitSetting(x=0.0, h_prev=0.0, c_prev=0.0, weights={"i": (0, 0, 0)})
    with pytest.raises(ValueError, match=r"weights\['f'\]"):
        UnitSetting(x=0.0, h_prev=0.0, c_prev=0.0, weights={**good, "f": (1.0, 2.0)})
    with pytest.raises(ValueError, match=r"weights\['o'\].b"):
        UnitSetting(x=0.0, h_prev=0.0, c_prev=0.0, weights={**good, "o": (1.0, 2.0, math.inf)})
    with pytest.raises(TypeError, match="weights"):
        UnitSetting(x=0.0, h_prev=0.0, c_prev=0.0, weights=[1, 2, 3])
    with pytest.raises(ValueError, match="w_h"):
        rnn_unit_step(0.0, 0.0, 1.0, float("nan"), 0.0)
