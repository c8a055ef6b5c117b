"""rnnviz.gradients.gates: one hand-set unit replayed in torch.nn, local derivatives checked by
finite differences, the four behaviours, and the gradient-highway products."""

import math

import numpy as np
import pytest
import torch

from rnnviz.gradients.gates import (
    BEHAVIOURS,
    GRU_NEUTRAL,
    LSTM_GATES,
    NEUTRAL,
    PRESETS,
    UnitSetting,
    check_behaviour,
    forget_highway,
    gru_unit_step,
    log10_product_norm,
    log10_running_product,
    lstm_unit_step,
    rnn_jacobian_norms,
    rnn_jacobians,
    rnn_unit_step,
    unit_step,
)
from rnnviz.models.cells import lecture_to_torch_gates

RNG = np.random.default_rng(0)


def random_setting(kind="lstm", rng=RNG):
    gates = LSTM_GATES if kind == "lstm" else ("r", "z", "n")
    x, h_prev, c_prev = rng.uniform(-1, 1, 3)
    weights = {g: tuple(float(v) for v in rng.uniform(-2, 2, 3)) for g in gates}
    return UnitSetting(x=float(x), h_prev=float(h_prev), c_prev=float(c_prev) * 2,
                       weights=weights)


def with_(setting, **changes):
    values = dict(x=setting.x, h_prev=setting.h_prev, c_prev=setting.c_prev,
                  weights=setting.weights)
    values.update(changes)
    return UnitSetting(**values)


def column(setting, part, gates):
    """One of w_x (0), w_h (1), b (2) for every gate, as a float64 tensor in `gates` order."""
    return torch.tensor([setting.weights[g][part] for g in gates], dtype=torch.float64)


@pytest.mark.parametrize("seed", range(5))
def test_lstm_unit_matches_torch_lstm_cell(seed):
    s = random_setting("lstm", np.random.default_rng(seed))
    cell = torch.nn.LSTMCell(1, 1, dtype=torch.float64)
    with torch.no_grad():
        cell.weight_ih[:, 0] = lecture_to_torch_gates(column(s, 0, LSTM_GATES))
        cell.weight_hh[:, 0] = lecture_to_torch_gates(column(s, 1, LSTM_GATES))
        cell.bias_ih[:] = lecture_to_torch_gates(column(s, 2, LSTM_GATES))
        cell.bias_hh.zero_()
        h, c = cell(torch.tensor([[s.x]], dtype=torch.float64),
                    (torch.tensor([[s.h_prev]], dtype=torch.float64),
                     torch.tensor([[s.c_prev]], dtype=torch.float64)))
    step = lstm_unit_step(s)
    assert step.c == pytest.approx(c.item(), abs=1e-12)
    assert step.h == pytest.approx(h.item(), abs=1e-12)
    assert step.kept + step.written == pytest.approx(step.c, abs=1e-15)
    assert step.h == pytest.approx(step.gates["o"] * math.tanh(step.c), abs=1e-15)
    assert step.kept == pytest.approx(step.gates["f"] * s.c_prev, abs=1e-15)
    assert step.written == pytest.approx(step.gates["i"] * step.gates["g"], abs=1e-15)


@pytest.mark.parametrize("seed", range(5))
def test_gru_unit_matches_torch_gru_cell(seed):
    s = random_setting("gru", np.random.default_rng(seed))
    cell = torch.nn.GRUCell(1, 1, dtype=torch.float64)
    with torch.no_grad():
        cell.weight_ih[:, 0] = column(s, 0, "rzn")
        cell.weight_hh[:, 0] = column(s, 1, "rzn")
        cell.bias_ih[:] = column(s, 2, "rzn")
        cell.bias_hh.zero_()
        h = cell(torch.tensor([[s.x]], dtype=torch.float64),
                 torch.tensor([[s.h_prev]], dtype=torch.float64))
    step = gru_unit_step(s)
    assert step.h == pytest.approx(h.item(), abs=1e-12)
    assert step.kept + step.written == pytest.approx(step.h, abs=1e-15)


def central_difference(fn, value, eps=1e-6):
    return (fn(value + eps) - fn(value - eps)) / (2 * eps)


def rel_error(a, b):
    return abs(a - b) / max(1e-8, abs(a) + abs(b))


@pytest.mark.parametrize("seed", range(5))
def test_lstm_dc_dcprev_is_f(seed):
    s = random_setting("lstm", np.random.default_rng(seed))
    step = lstm_unit_step(s)
    numeric = central_difference(lambda c: lstm_unit_step(with_(s, c_prev=c)).c, s.c_prev)
    assert step.local_derivative == step.gates["f"]
    assert rel_error(numeric, step.local_derivative) < 1e-8


@pytest.mark.parametrize("seed", range(5))
def test_rnn_and_gru_local_derivatives_match_finite_differences(seed):
    s = random_setting("gru", np.random.default_rng(seed))
    step = gru_unit_step(s)
    numeric = central_difference(lambda h: gru_unit_step(with_(s, h_prev=h)).h, s.h_prev)
    assert rel_error(numeric, step.full_derivative) < 1e-8
    assert step.local_derivative == step.gates["z"]
    wx, wh, b = s.weights["n"]
    rnn = rnn_unit_step(s.x, s.h_prev, wx, wh, b)
    assert step.rnn == rnn
    numeric = central_difference(lambda h: rnn_unit_step(s.x, h, wx, wh, b).h, s.h_prev)
    assert rel_error(numeric, rnn.local_derivative) < 1e-8
    assert rnn.local_derivative == pytest.approx(wh * (1 - rnn.h ** 2))


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


@pytest.mark.parametrize("name, gate", [("forget everything", "f"), ("remember forever", "f"),
                                        ("remember forever", "i"), ("write a new value", "i"),
                                        ("hide the memory", "o")])
def test_opening_the_wrong_gate_halfway_breaks_the_behaviour(name, gate):
    preset = PRESETS[name]
    weights = dict(preset.weights)
    weights[gate] = (0.0, 0.0, 0.0)  # sigmoid(0) = 0.5
    assert not check_behaviour(name, lstm_unit_step(with_(preset, weights=weights))).met


def test_behaviour_needs_something_to_act_on():
    empty = with_(PRESETS["forget everything"], c_prev=0.0)
    assert not check_behaviour("forget everything", lstm_unit_step(empty)).met
    assert not check_behaviour("remember forever",
                               lstm_unit_step(with_(PRESETS["remember forever"], c_prev=0.1))).met


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


def test_log10_running_product():
    factors = np.array([[0.5, 0.1, 2.0, 0.0]])
    out = log10_running_product(factors)
    np.testing.assert_allclose(out[0, :3], np.log10(np.cumprod(factors[0, :3])))
    assert out[0, 3] == -np.inf  # an exact zero is shown as such, not hidden
    # 0.5 ** 2000 underflows float64; its log does not.
    assert log10_running_product(np.full((1, 2000), 0.5))[0, -1] == pytest.approx(
        2000 * math.log10(0.5))
    with pytest.raises(ValueError, match="factors"):
        log10_running_product(np.array([0.5, 0.5]))
    with pytest.raises(ValueError, match="factors"):
        log10_running_product(np.array([[0.5, -0.5]]))
    with pytest.raises(ValueError, match="factors"):
        log10_running_product(np.array([[0.5, np.nan]]))


def test_forget_highway_is_the_norm_of_the_product_of_diag_f():
    f = RNG.uniform(0, 1, (2, 6, 3))
    expected = [[np.linalg.norm(np.linalg.multi_dot([np.diag(f[n, s]) for s in range(t + 1)]
                                                    + [np.eye(3)]), 2)
                 for t in range(6)] for n in range(2)]
    np.testing.assert_allclose(forget_highway(f), np.log10(expected), rtol=1e-12)
    assert np.all(forget_highway(np.ones((1, 50, 4))) == 0.0)  # f = 1: nothing vanishes
    # One unit that stays open keeps the whole path open, however shut the others are.
    f = np.full((1, 30, 2), 1e-3)
    f[0, :, 1] = 0.99
    np.testing.assert_allclose(forget_highway(f)[0], np.arange(1, 31) * np.log10(0.99))
    with pytest.raises(ValueError, match="f must"):
        forget_highway(np.ones((6, 3)))


def test_log10_product_norm_matches_the_explicit_product():
    jac = RNG.normal(0, 0.6, (2, 7, 3, 3))
    for n in range(2):
        product = np.eye(3)
        for t in range(7):
            product = jac[n, t] @ product
            assert log10_product_norm(jac)[n, t] == pytest.approx(
                np.log10(np.linalg.norm(product, 2)), rel=1e-10)
    # 200 steps of 0.1 * I underflow float64's product; the renormalised log does not.
    tiny = np.broadcast_to(0.1 * np.eye(2), (1, 400, 2, 2))
    assert log10_product_norm(tiny)[0, -1] == pytest.approx(-400.0)
    assert log10_product_norm(np.zeros((1, 2, 2, 2)))[0, 0] == -np.inf
    with pytest.raises(ValueError, match="jacobians"):
        log10_product_norm(np.ones((2, 3, 3)))


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_rnn_jacobian_norms_match_autograd(nonlinearity):
    torch.manual_seed(0)
    rnn = torch.nn.RNN(2, 4, batch_first=True, nonlinearity=nonlinearity, dtype=torch.float64)
    x = torch.randn(1, 5, 2, dtype=torch.float64)
    h, _ = rnn(x)
    norms = rnn_jacobian_norms(h.detach().numpy(), rnn.weight_hh_l0.detach().numpy(),
                               nonlinearity)
    act = torch.tanh if nonlinearity == "tanh" else torch.relu
    cell = torch.nn.RNNCell(2, 4, nonlinearity=nonlinearity, dtype=torch.float64)
    cell.load_state_dict({k.replace("_l0", ""): v for k, v in rnn.state_dict().items()})
    h_prev = torch.zeros(4, dtype=torch.float64)
    for t in range(5):
        def step(hp, t=t):
            return act(x[0, t] @ rnn.weight_ih_l0.T + rnn.bias_ih_l0 + hp @ rnn.weight_hh_l0.T
                       + rnn.bias_hh_l0)
        jac = torch.autograd.functional.jacobian(step, h_prev)
        assert norms[0, t] == pytest.approx(torch.linalg.matrix_norm(jac, 2).item(), rel=1e-10)
        h_prev = h[0, t].detach()


def test_rnn_jacobian_product_is_bounded_by_the_weight_norm():
    # The lecture's claim: |1 - h^2| <= 1, so the RNN's product can never beat ||W_hh||^t.
    w_hh = RNG.normal(0, 0.3, (5, 5))
    h = np.tanh(RNG.normal(0, 1, (3, 40, 5)))
    log_products = log10_running_product(rnn_jacobian_norms(h, w_hh))
    bound = np.arange(1, 41) * np.log10(np.linalg.norm(w_hh, 2))
    assert np.all(log_products <= bound + 1e-12)
    # ... and the norm of the product never exceeds the product of the norms.
    assert np.all(log10_product_norm(rnn_jacobians(h, w_hh)) <= log_products + 1e-9)
    with pytest.raises(ValueError, match="w_hh"):
        rnn_jacobian_norms(h, np.ones((4, 4)))
    with pytest.raises(ValueError, match="nonlinearity"):
        rnn_jacobian_norms(h, w_hh, "sigmoid")
