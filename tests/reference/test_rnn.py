"""rnnviz.reference's vanilla RNN: the assignment's checks, torch.nn.RNN, properties, bad input."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnviz.reference import rnn_backward, rnn_forward, rnn_step_backward, rnn_step_forward
from rnnviz.reference.gradcheck import gradient_check, rel_error

STEP_BAR = 1e-8  # CS231n's bar for one step
SEQUENCE_BAR = 5e-7  # CS231n's bar for a whole sequence


def well_conditioned(seed, N, D, H, T=None):
    """Inputs whose pre-activations stay O(1): weights scaled by 1/sqrt(fan_in).

    With unscaled randn weights tanh saturates and many gradient entries are ~1e-4, where
    a centred difference's ~1e-10 absolute error shows up as a relative error of 1e-6.
    """
    rng = np.random.default_rng(seed)
    x_shape = (N, D) if T is None else (N, T, D)
    return {
        "x": rng.standard_normal(x_shape),
        "h": 0.5 * rng.standard_normal((N, H)),
        "Wx": rng.standard_normal((D, H)) / np.sqrt(D),
        "Wh": rng.standard_normal((H, H)) / np.sqrt(H),
        "b": 0.1 * rng.standard_normal(H),
    }


def test_rnn_step_forward_matches_the_assignment():
    N, D, H = 3, 10, 4
    x = np.linspace(-0.4, 0.7, num=N * D).reshape(N, D)
    prev_h = np.linspace(-0.2, 0.5, num=N * H).reshape(N, H)
    Wx = np.linspace(-0.1, 0.9, num=D * H).reshape(D, H)
    Wh = np.linspace(-0.3, 0.7, num=H * H).reshape(H, H)
    b = np.linspace(-0.2, 0.4, num=H)
    next_h, _ = rnn_step_forward(x, prev_h, Wx, Wh, b)
    expected_next_h = np.asarray(
        [
            [-0.58172089, -0.50182032, -0.41232771, -0.31410098],
            [0.66854692, 0.79562378, 0.87755553, 0.92795967],
            [0.97934501, 0.99144213, 0.99646691, 0.99854353],
        ]
    )
    assert rel_error(expected_next_h, next_h) < 1e-8


def test_rnn_forward_matches_the_assignment():
    N, T, D, H = 2, 3, 4, 5
    x = np.linspace(-0.1, 0.3, num=N * T * D).reshape(N, T, D)
    h0 = np.linspace(-0.3, 0.1, num=N * H).reshape(N, H)
    Wx = np.linspace(-0.2, 0.4, num=D * H).reshape(D, H)
    Wh = np.linspace(-0.4, 0.1, num=H * H).reshape(H, H)
    b = np.linspace(-0.7, 0.1, num=H)
    h, _ = rnn_forward(x, h0, Wx, Wh, b)
    expected_h = np.asarray(
        [
            [
                [-0.42070749, -0.27279261, -0.11074945, 0.05740409, 0.22236251],
                [-0.39525808, -0.22554661, -0.0409454, 0.14649412, 0.32397316],
                [-0.42305111, -0.24223728, -0.04287027, 0.15997045, 0.35014525],
            ],
            [
                [-0.55857474, -0.39065825, -0.19198182, 0.02378408, 0.23735671],
                [-0.27150199, -0.07088804, 0.13562939, 0.33099728, 0.50158768],
                [-0.51014825, -0.30524429, -0.06755202, 0.17806392, 0.40333043],
            ],
        ]
    )
    assert rel_error(expected_h, h) < 1e-7


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rnn_step_backward_matches_numerical_gradients(seed, nonlinearity):
    inputs = well_conditioned(seed, N=4, D=5, H=6)
    dnext_h = np.random.default_rng(100 + seed).standard_normal((4, 6))
    errors = gradient_check(
        lambda *a: rnn_step_forward(*a, nonlinearity=nonlinearity),
        rnn_step_backward,
        inputs,
        (dnext_h,),
    )
    assert max(errors.values()) <= STEP_BAR, errors


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rnn_backward_matches_numerical_gradients(seed, nonlinearity):
    inputs = well_conditioned(seed, N=2, D=3, H=5, T=10)
    dh = np.random.default_rng(100 + seed).standard_normal((2, 10, 5))
    errors = gradient_check(
        lambda *a: rnn_forward(*a, nonlinearity=nonlinearity), rnn_backward, inputs, (dh,)
    )
    assert max(errors.values()) <= SEQUENCE_BAR, errors


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_rnn_matches_torch_rnn_and_autograd(nonlinearity):
    N, T, D, H = 3, 7, 4, 5
    inputs = well_conditioned(3, N=N, D=D, H=H, T=T)
    rnn = torch.nn.RNN(D, H, nonlinearity=nonlinearity, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(inputs["Wx"].T))
        rnn.weight_hh_l0.copy_(torch.from_numpy(inputs["Wh"].T))
        rnn.bias_ih_l0.copy_(torch.from_numpy(inputs["b"]))
        rnn.bias_hh_l0.zero_()
    x = torch.from_numpy(inputs["x"]).requires_grad_()
    h0 = torch.from_numpy(inputs["h"]).requires_grad_()
    h_torch, _ = rnn(x, h0[None])
    dh = np.random.default_rng(4).standard_normal((N, T, H))
    h_torch.backward(torch.from_numpy(dh))

    h, cache = rnn_forward(*inputs.values(), nonlinearity=nonlinearity)
    dx, dh0, dWx, dWh, db = rnn_backward(dh, cache)
    assert rel_error(h, h_torch.detach().numpy()) < 1e-12
    assert rel_error(dx, x.grad.numpy()) < 1e-12
    assert rel_error(dh0, h0.grad.numpy()) < 1e-12
    assert rel_error(dWx, rnn.weight_ih_l0.grad.numpy().T) < 1e-12
    assert rel_error(dWh, rnn.weight_hh_l0.grad.numpy().T) < 1e-12
    assert rel_error(db, rnn.bias_ih_l0.grad.numpy()) < 1e-12


sizes = st.integers(min_value=1, max_value=4)


@settings(max_examples=25, deadline=None)
@given(
    N=sizes,
    T=sizes,
    D=sizes,
    H=sizes,
    seed=st.integers(0, 2**16),
    nonlinearity=st.sampled_from(["tanh", "relu"]),
)
def test_rnn_forward_is_the_step_repeated_with_the_same_weights(N, T, D, H, seed, nonlinearity):
    inputs = well_conditioned(seed, N=N, D=D, H=H, T=T)
    x, h0, Wx, Wh, b = inputs.values()
    h, _ = rnn_forward(x, h0, Wx, Wh, b, nonlinearity=nonlinearity)
    prev_h = h0
    for t in range(T):
        prev_h, _ = rnn_step_forward(x[:, t], prev_h, Wx, Wh, b, nonlinearity=nonlinearity)
        np.testing.assert_array_equal(h[:, t], prev_h)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    alpha=st.floats(-3, 3, allow_subnormal=False),
    beta=st.floats(-3, 3, allow_subnormal=False),
)
def test_rnn_backward_is_linear_in_dh(seed, alpha, beta):
    inputs = well_conditioned(seed, N=2, D=3, H=4, T=5)
    _, cache = rnn_forward(*inputs.values())
    rng = np.random.default_rng(seed)
    dh1, dh2 = rng.standard_normal((2, 5, 4)), rng.standard_normal((2, 5, 4))
    combined = rnn_backward(alpha * dh1 + beta * dh2, cache)
    for g, g1, g2 in zip(combined, rnn_backward(dh1, cache), rnn_backward(dh2, cache)):
        np.testing.assert_allclose(g, alpha * g1 + beta * g2, rtol=1e-10, atol=1e-10)


def test_the_weight_gradient_is_the_sum_over_steps():
    # The lecture's point: W is shared, so dWh is the sum of every step's contribution.
    inputs = well_conditioned(5, N=2, D=3, H=4, T=6)
    _, cache = rnn_forward(*inputs.values())
    dh = np.random.default_rng(5).standard_normal((2, 6, 4))
    _, _, _, dWh, _ = rnn_backward(dh, cache)
    dprev_h, total = np.zeros((2, 4)), np.zeros((4, 4))
    for t in reversed(range(6)):
        _, dprev_h, _, dWh_t, _ = rnn_step_backward(dh[:, t] + dprev_h, cache[t])
        total += dWh_t
    np.testing.assert_allclose(dWh, total, rtol=1e-12)


# --- bad input ------------------------------------------------------------------------


def _step_args():
    return dict(well_conditioned(0, N=2, D=3, H=4))


def _sequence_args():
    return dict(well_conditioned(0, N=2, D=3, H=4, T=5))


def _nan(a):
    a = a.copy()
    a.flat[0] = np.nan
    return a


BAD_FORWARD_ARGS = [
    ("x", lambda a: a["x"].tolist(), TypeError, "x must be a numpy array"),
    ("x", lambda a: a["x"].astype(int), TypeError, "x must be a floating-point array"),
    ("x", lambda a: a["x"][None], ValueError, "x must have"),
    ("x", lambda a: _nan(a["x"]), ValueError, "x contains NaN"),
    ("h", lambda a: a["h"][:1], ValueError, r"(prev_h|h0) must have shape"),
    ("h", lambda a: np.full_like(a["h"], np.inf), ValueError, r"(prev_h|h0) contains NaN"),
    ("Wx", lambda a: a["Wx"][:2], ValueError, "Wx must have shape"),
    ("Wh", lambda a: a["Wh"][:, :3], ValueError, "Wh must have shape"),
    ("Wh", lambda a: _nan(a["Wh"]), ValueError, "Wh contains NaN"),
    ("b", lambda a: a["b"][:3], ValueError, "b must have shape"),
    ("b", lambda a: a["b"][None], ValueError, "b must have shape"),
]


@pytest.mark.parametrize(
    "forward, make_args", [(rnn_step_forward, _step_args), (rnn_forward, _sequence_args)]
)
@pytest.mark.parametrize("name, corrupt, error, match", BAD_FORWARD_ARGS)
def test_rnn_forward_rejects_bad_input(forward, make_args, name, corrupt, error, match):
    args = make_args()
    args[name] = corrupt(args)
    with pytest.raises(error, match=match):
        forward(*args.values())


@pytest.mark.parametrize(
    "forward, make_args", [(rnn_step_forward, _step_args), (rnn_forward, _sequence_args)]
)
def test_rnn_forward_rejects_an_unknown_nonlinearity(forward, make_args):
    with pytest.raises(ValueError, match="nonlinearity must be one of"):
        forward(*make_args().values(), nonlinearity="sigmoid")


def test_rnn_forward_rejects_an_empty_sequence():
    args = _sequence_args()
    args["x"] = args["x"][:, :0]
    with pytest.raises(ValueError, match="x must have no empty dimension"):
        rnn_forward(*args.values())


@pytest.mark.parametrize(
    "dnext_h, error, match",
    [
        (np.ones((2, 5)), ValueError, r"dnext_h must have shape \(2, 4\)"),
        (np.full((2, 4), np.nan), ValueError, "dnext_h contains NaN"),
        ([[0.0] * 4] * 2, TypeError, "dnext_h must be a numpy array"),
    ],
)
def test_rnn_step_backward_rejects_bad_gradients(dnext_h, error, match):
    _, cache = rnn_step_forward(*_step_args().values())
    with pytest.raises(error, match=match):
        rnn_step_backward(dnext_h, cache)


@pytest.mark.parametrize(
    "dh, error, match",
    [
        (np.ones((2, 5, 5)), ValueError, r"dh must have shape \(2, 5, 4\)"),
        (np.ones((2, 4, 4)), ValueError, "cache holds 5 time steps but dh has 4"),
        (np.ones((3, 5, 4)), ValueError, r"dh must have shape \(2, 5, 4\)"),
        (np.ones((2, 5)), ValueError, "dh must have 3 dimensions"),
        (np.full((2, 5, 4), np.inf), ValueError, "dh contains NaN"),
    ],
)
def test_rnn_backward_rejects_bad_gradients(dh, error, match):
    _, cache = rnn_forward(*_sequence_args().values())
    with pytest.raises(error, match=match):
        rnn_backward(dh, cache)


def test_rnn_backward_rejects_a_cache_from_another_layer():
    _, step_cache = rnn_step_forward(*_step_args().values())
    with pytest.raises(TypeError, match="cache must be the tuple returned by rnn_step_forward"):
        rnn_step_backward(np.ones((2, 4)), step_cache[:3])
    with pytest.raises(TypeError, match="cache must be the list returned by rnn_forward"):
        rnn_backward(np.ones((2, 1, 4)), step_cache)
