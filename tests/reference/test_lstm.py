"""rnnviz.reference's LSTM: the assignment's checks, torch.nn.LSTM, properties, bad input."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnviz.reference import (
    lstm_backward,
    lstm_forward,
    lstm_step_backward,
    lstm_step_forward,
    sigmoid,
)
from rnnviz.reference.gradcheck import gradient_check, rel_error

STEP_BAR = 1e-8  # CS231n's bar for one step
SEQUENCE_BAR = 5e-7  # CS231n's bar for a whole sequence
# dWh sums ten steps' contributions, which can cancel to an entry of ~1e-5 (seed 0: dWh[5, 15]
# = -1.35e-5). The centred difference's absolute error there is ~3e-11 (float64 rounding of
# f(x + h) - f(x - h) over 120 outputs, divided by 2h), so its relative error reads 1.3e-6.
# The backward pass is exact: it matches torch autograd to 1e-12 in
# test_lstm_matches_torch_lstm_and_autograd.
SEQUENCE_WH_BAR = 2e-6


def well_conditioned(seed, N, D, H, T=None, with_c=False):
    """Inputs whose gate pre-activations stay O(1): weights scaled by 1/sqrt(fan_in).

    Saturated gates make many gradient entries tiny, where a centred difference's ~1e-10
    absolute error reads as a relative error of 1e-6 (see test_reference_rnn.py).
    """
    rng = np.random.default_rng(seed)
    inputs = {
        "x": rng.standard_normal((N, D) if T is None else (N, T, D)),
        "h": 0.5 * rng.standard_normal((N, H)),
    }
    if with_c:
        inputs["c"] = rng.standard_normal((N, H))
    inputs["Wx"] = rng.standard_normal((D, 4 * H)) / np.sqrt(D)
    inputs["Wh"] = rng.standard_normal((H, 4 * H)) / np.sqrt(H)
    inputs["b"] = 0.1 * rng.standard_normal(4 * H)
    return inputs


def test_lstm_step_forward_matches_the_assignment():
    N, D, H = 3, 4, 5
    x = np.linspace(-0.4, 1.2, num=N * D).reshape(N, D)
    prev_h = np.linspace(-0.3, 0.7, num=N * H).reshape(N, H)
    prev_c = np.linspace(-0.4, 0.9, num=N * H).reshape(N, H)
    Wx = np.linspace(-2.1, 1.3, num=4 * D * H).reshape(D, 4 * H)
    Wh = np.linspace(-0.7, 2.2, num=4 * H * H).reshape(H, 4 * H)
    b = np.linspace(0.3, 0.7, num=4 * H)
    next_h, next_c, _ = lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b)
    expected_next_h = np.asarray(
        [
            [0.24635157, 0.28610883, 0.32240467, 0.35525807, 0.38474904],
            [0.49223563, 0.55611431, 0.61507696, 0.66844003, 0.7159181],
            [0.56735664, 0.66310127, 0.74419266, 0.80889665, 0.858299],
        ]
    )
    expected_next_c = np.asarray(
        [
            [0.32986176, 0.39145139, 0.451556, 0.51014116, 0.56717407],
            [0.66382255, 0.76674007, 0.87195994, 0.97902709, 1.08751345],
            [0.74192008, 0.90592151, 1.07717006, 1.25120233, 1.42395676],
        ]
    )
    assert rel_error(expected_next_h, next_h) < 1e-8
    assert rel_error(expected_next_c, next_c) < 1e-8


def test_lstm_forward_matches_the_assignment():
    N, D, H, T = 2, 5, 4, 3
    x = np.linspace(-0.4, 0.6, num=N * T * D).reshape(N, T, D)
    h0 = np.linspace(-0.4, 0.8, num=N * H).reshape(N, H)
    Wx = np.linspace(-0.2, 0.9, num=4 * D * H).reshape(D, 4 * H)
    Wh = np.linspace(-0.3, 0.6, num=4 * H * H).reshape(H, 4 * H)
    b = np.linspace(0.2, 0.7, num=4 * H)
    h, _ = lstm_forward(x, h0, Wx, Wh, b)
    expected_h = np.asarray(
        [
            [
                [0.01764008, 0.01823233, 0.01882671, 0.0194232],
                [0.11287491, 0.12146228, 0.13018446, 0.13902939],
                [0.31358768, 0.33338627, 0.35304453, 0.37250975],
            ],
            [
                [0.45767879, 0.4761092, 0.4936887, 0.51041945],
                [0.6704845, 0.69350089, 0.71486014, 0.7346449],
                [0.81733511, 0.83677871, 0.85403753, 0.86935314],
            ],
        ]
    )
    assert rel_error(expected_h, h) < 1e-7


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lstm_step_backward_matches_numerical_gradients(seed):
    inputs = well_conditioned(seed, N=4, D=5, H=6, with_c=True)
    rng = np.random.default_rng(100 + seed)
    dnext_h, dnext_c = rng.standard_normal((4, 6)), rng.standard_normal((4, 6))
    errors = gradient_check(lstm_step_forward, lstm_step_backward, inputs, (dnext_h, dnext_c))
    assert max(errors.values()) <= STEP_BAR, errors


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lstm_backward_matches_numerical_gradients(seed):
    inputs = well_conditioned(seed, N=2, D=3, H=6, T=10)
    dh = np.random.default_rng(100 + seed).standard_normal((2, 10, 6))
    errors = gradient_check(lstm_forward, lstm_backward, inputs, (dh,))
    assert errors.pop("Wh") <= SEQUENCE_WH_BAR
    assert max(errors.values()) <= SEQUENCE_BAR, errors


def torch_to_lecture_order(weight, H):
    """torch.nn.LSTM stacks its gates i, f, g, o; the lecture and CS231n use i, f, o, g."""
    i, f, g, o = (weight[k * H : (k + 1) * H] for k in range(4))
    return np.concatenate([i, f, o, g])


def test_lstm_matches_torch_lstm_and_autograd():
    N, T, D, H = 3, 7, 4, 5
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(D, H, batch_first=True, dtype=torch.float64)
    Wx = torch_to_lecture_order(lstm.weight_ih_l0.detach().numpy(), H).T  # (D, 4H)
    Wh = torch_to_lecture_order(lstm.weight_hh_l0.detach().numpy(), H).T  # (H, 4H)
    b = torch_to_lecture_order((lstm.bias_ih_l0 + lstm.bias_hh_l0).detach().numpy(), H)
    rng = np.random.default_rng(1)
    x_np, h0_np = rng.standard_normal((N, T, D)), rng.standard_normal((N, H))
    dh = rng.standard_normal((N, T, H))
    x = torch.from_numpy(x_np).requires_grad_()
    h0 = torch.from_numpy(h0_np).requires_grad_()
    h_torch, _ = lstm(x, (h0[None], torch.zeros(1, N, H, dtype=torch.float64)))
    h_torch.backward(torch.from_numpy(dh))

    h, cache = lstm_forward(x_np, h0_np, Wx, Wh, b)
    dx, dh0, dWx, dWh, db = lstm_backward(dh, cache)
    assert rel_error(h, h_torch.detach().numpy()) < 1e-12
    assert rel_error(dx, x.grad.numpy()) < 1e-12
    assert rel_error(dh0, h0.grad.numpy()) < 1e-12
    assert rel_error(dWx, torch_to_lecture_order(lstm.weight_ih_l0.grad.numpy(), H).T) < 1e-12
    assert rel_error(dWh, torch_to_lecture_order(lstm.weight_hh_l0.grad.numpy(), H).T) < 1e-12
    # torch's two biases are added, so both receive the same gradient, which is db.
    assert rel_error(db, torch_to_lecture_order(lstm.bias_ih_l0.grad.numpy(), H)) < 1e-12
    assert rel_error(db, torch_to_lecture_order(lstm.bias_hh_l0.grad.numpy(), H)) < 1e-12


def test_the_cell_path_multiplies_by_f_alone():
    # Lecture 10: back through c the gradient is only multiplied element-wise by f.
    inputs = well_conditioned(7, N=3, D=4, H=5, with_c=True)
    _, _, cache = lstm_step_forward(*inputs.values())
    dnext_c = np.random.default_rng(7).standard_normal((3, 5))
    _, _, dprev_c, _, _, _ = lstm_step_backward(np.zeros((3, 5)), dnext_c, cache)
    x, h, _, Wx, Wh, b = inputs.values()
    f = sigmoid((x @ Wx + h @ Wh + b)[:, 5:10])
    np.testing.assert_allclose(dprev_c, f * dnext_c, rtol=1e-14)


def test_sigmoid_is_stable_and_exact():
    x = np.array([-1000.0, -30.0, -1.0, 0.0, 1.0, 30.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = sigmoid(x)
    np.testing.assert_allclose(s, torch.sigmoid(torch.from_numpy(x)).numpy(), rtol=1e-15)
    assert s[0] == 0.0 and s[-1] == 1.0 and s[3] == 0.5


@settings(max_examples=25, deadline=None)
@given(
    N=st.integers(1, 4),
    T=st.integers(1, 4),
    D=st.integers(1, 4),
    H=st.integers(1, 4),
    seed=st.integers(0, 2**16),
)
def test_lstm_forward_is_the_step_repeated_from_a_zero_cell(N, T, D, H, seed):
    x, h0, Wx, Wh, b = well_conditioned(seed, N=N, D=D, H=H, T=T).values()
    h, _ = lstm_forward(x, h0, Wx, Wh, b)
    prev_h, prev_c = h0, np.zeros_like(h0)
    for t in range(T):
        prev_h, prev_c, _ = lstm_step_forward(x[:, t], prev_h, prev_c, Wx, Wh, b)
        np.testing.assert_array_equal(h[:, t], prev_h)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    alpha=st.floats(-3, 3, allow_subnormal=False),
    beta=st.floats(-3, 3, allow_subnormal=False),
)
def test_lstm_backward_is_linear_in_dh(seed, alpha, beta):
    _, cache = lstm_forward(*well_conditioned(seed, N=2, D=3, H=4, T=5).values())
    rng = np.random.default_rng(seed)
    dh1, dh2 = rng.standard_normal((2, 5, 4)), rng.standard_normal((2, 5, 4))
    combined = lstm_backward(alpha * dh1 + beta * dh2, cache)
    for g, g1, g2 in zip(combined, lstm_backward(dh1, cache), lstm_backward(dh2, cache)):
        np.testing.assert_allclose(g, alpha * g1 + beta * g2, rtol=1e-10, atol=1e-10)


# --- bad input ------------------------------------------------------------------------


def _nan(a):
    a = a.copy()
    a.flat[0] = np.nan
    return a


BAD_ARGS = [
    ("x", lambda a: a["x"].tolist(), TypeError, "x must be a numpy array"),
    ("x", lambda a: a["x"].astype(np.int64), TypeError, "x must be a floating-point array"),
    ("x", lambda a: a["x"][..., None], ValueError, "x must have"),
    ("x", lambda a: _nan(a["x"]), ValueError, "x contains NaN"),
    ("h", lambda a: a["h"][:1], ValueError, r"(prev_h|h0) must have shape"),
    ("Wx", lambda a: a["Wx"][:, :-1], ValueError, r"Wx must have shape \(3, 16\)"),
    ("Wh", lambda a: a["Wh"][:, :4], ValueError, r"Wh must have shape \(4, 16\)"),
    ("Wh", lambda a: _nan(a["Wh"]), ValueError, "Wh contains NaN"),
    ("b", lambda a: a["b"][:4], ValueError, r"b must have shape \(16\)"),
]


@pytest.mark.parametrize(
    "name, corrupt, error, match",
    BAD_ARGS
    + [
        ("c", lambda a: a["c"][:, :2], ValueError, r"prev_c must have shape \(2, 4\)"),
        ("c", lambda a: _nan(a["c"]), ValueError, "prev_c contains NaN"),
    ],
)
def test_lstm_step_forward_rejects_bad_input(name, corrupt, error, match):
    args = well_conditioned(0, N=2, D=3, H=4, with_c=True)
    args[name] = corrupt(args)
    with pytest.raises(error, match=match):
        lstm_step_forward(*args.values())


@pytest.mark.parametrize("name, corrupt, error, match", BAD_ARGS)
def test_lstm_forward_rejects_bad_input(name, corrupt, error, match):
    args = well_conditioned(0, N=2, D=3, H=4, T=5)
    args[name] = corrupt(args)
    with pytest.raises(error, match=match):
        lstm_forward(*args.values())


@pytest.mark.parametrize(
    "dnext_h, dnext_c, match",
    [
        (np.ones((2, 3)), np.ones((2, 4)), r"dnext_h must have shape \(2, 4\)"),
        (np.ones((2, 4)), np.ones((1, 4)), r"dnext_c must have shape \(2, 4\)"),
        (np.ones((2, 4)), np.full((2, 4), np.nan), "dnext_c contains NaN"),
    ],
)
def test_lstm_step_backward_rejects_bad_gradients(dnext_h, dnext_c, match):
    _, _, cache = lstm_step_forward(*well_conditioned(0, N=2, D=3, H=4, with_c=True).values())
    with pytest.raises(ValueError, match=match):
        lstm_step_backward(dnext_h, dnext_c, cache)


@pytest.mark.parametrize(
    "dh, match",
    [
        (np.ones((2, 5, 3)), r"dh must have shape \(2, 5, 4\)"),
        (np.ones((2, 6, 4)), "cache holds 5 time steps but dh has 6"),
        (np.full((2, 5, 4), np.nan), "dh contains NaN"),
    ],
)
def test_lstm_backward_rejects_bad_gradients(dh, match):
    _, cache = lstm_forward(*well_conditioned(0, N=2, D=3, H=4, T=5).values())
    with pytest.raises(ValueError, match=match):
        lstm_backward(dh, cache)


def test_lstm_backward_rejects_a_cache_from_another_layer():
    with pytest.raises(TypeError, match="cache must be the tuple returned by lstm_step_forward"):
        lstm_step_backward(np.ones((2, 4)), np.ones((2, 4)), ("not", "a cache"))
    with pytest.raises(TypeError, match="cache must be the list returned by lstm_forward"):
        lstm_backward(np.ones((2, 1, 4)), {"h": 1})


@pytest.mark.parametrize(
    "x, error, match",
    [
        ([0.0, 1.0], TypeError, "x must be a numpy array"),
        (np.array([1, 2]), TypeError, "x must be a floating-point array"),
        (np.array([0.0, np.nan]), ValueError, "x contains NaN"),
    ],
)
def test_sigmoid_rejects_bad_input(x, error, match):
    with pytest.raises(error, match=match):
        sigmoid(x)
