"""The GRU in numpy, in PyTorch's formulation, one step and a whole sequence.

With gate blocks r, z, n of H columns each (torch.nn.GRU's order, Cho et al. 2014):
r = sigmoid(x Wx_r + bx_r + h Wh_r + bh_r); z = sigmoid(x Wx_z + bx_z + h Wh_z + bh_z);
n = tanh(x Wx_n + bx_n + r * (h Wh_n + bh_n)); h' = (1 - z) * n + z * h.
Two biases because r multiplies the hidden part of n's pre-activation, bias included.
Wx = weight_ih_l0.T, Wh = weight_hh_l0.T, bx = bias_ih_l0, bh = bias_hh_l0.
"""

import numpy as np

from rnnviz.reference import _validate as v
from rnnviz.reference.activations import stable_sigmoid

_STEP_CACHE_LEN = 8


def _check_weights(D, H, Wx, Wh, bx, bh):
    v.floats("Wx", Wx, shape=(D, 3 * H))
    v.floats("Wh", Wh, shape=(H, 3 * H))
    v.floats("bx", bx, shape=(3 * H,))
    v.floats("bh", bh, shape=(3 * H,))


def gru_step_forward(x, prev_h, Wx, Wh, bx, bh):
    """Run one time step of a GRU on a minibatch.

    Inputs:
    - x: (N, D) input data for this time step
    - prev_h: (N, H) previous hidden state
    - Wx: (D, 3H) input-to-hidden weights, gate blocks r, z, n
    - Wh: (H, 3H) hidden-to-hidden weights, gate blocks r, z, n
    - bx: (3H,) input biases, gate blocks r, z, n
    - bh: (3H,) hidden biases, gate blocks r, z, n

    Returns a tuple of:
    - next_h: (N, H) next hidden state
    - cache: tuple of values needed for the backward pass
    """
    v.floats("x", x, ndim=2)
    N, D = x.shape
    v.floats("prev_h", prev_h, shape=(N, None))
    _check_weights(D, prev_h.shape[1], Wx, Wh, bx, bh)
    return _step_forward(x, prev_h, Wx, Wh, bx, bh)


def _step_forward(x, prev_h, Wx, Wh, bx, bh):
    H = prev_h.shape[1]
    ax = x @ Wx + bx  # (N, 3H)
    ah = prev_h @ Wh + bh  # (N, 3H)
    r = stable_sigmoid(ax[:, :H] + ah[:, :H])  # (N, H) reset gate
    z = stable_sigmoid(ax[:, H : 2 * H] + ah[:, H : 2 * H])  # (N, H) update gate
    ah_n = ah[:, 2 * H :]  # (N, H) hidden part of n, reset by r
    n = np.tanh(ax[:, 2 * H :] + r * ah_n)  # (N, H) candidate
    next_h = (1.0 - z) * n + z * prev_h  # (N, H)
    cache = (x, prev_h, Wx, Wh, r, z, n, ah_n)
    return next_h, cache


def gru_step_backward(dnext_h, cache):
    """Backward pass for one time step of a GRU.

    Inputs:
    - dnext_h: (N, H) gradient of the loss with respect to next_h
    - cache: the cache from gru_step_forward

    Returns a tuple of:
    - dx: (N, D) gradient of the input data
    - dprev_h: (N, H) gradient of the previous hidden state
    - dWx: (D, 3H) gradient of the input-to-hidden weights
    - dWh: (H, 3H) gradient of the hidden-to-hidden weights
    - dbx: (3H,) gradient of the input biases
    - dbh: (3H,) gradient of the hidden biases
    """
    v.step_cache(cache, length=_STEP_CACHE_LEN, layer="gru")
    v.floats("dnext_h", dnext_h, shape=cache[1].shape)
    return _step_backward(dnext_h, cache)


def _step_backward(dnext_h, cache):
    x, prev_h, Wx, Wh, r, z, n, ah_n = cache
    dn_pre = dnext_h * (1.0 - z) * (1.0 - n**2)  # (N, H) into n's pre-activation
    dr_pre = dn_pre * ah_n * r * (1.0 - r)  # (N, H)
    dz_pre = dnext_h * (prev_h - n) * z * (1.0 - z)  # (N, H)
    dax = np.concatenate([dr_pre, dz_pre, dn_pre], axis=1)  # (N, 3H)
    dah = np.concatenate([dr_pre, dz_pre, dn_pre * r], axis=1)  # (N, 3H)
    dx = dax @ Wx.T  # (N, D)
    dprev_h = dah @ Wh.T + dnext_h * z  # (N, H) through the gates plus the z-gated skip
    dWx = x.T @ dax  # (D, 3H)
    dWh = prev_h.T @ dah  # (H, 3H)
    return dx, dprev_h, dWx, dWh, dax.sum(axis=0), dah.sum(axis=0)


def gru_forward(x, h0, Wx, Wh, bx, bh):
    """Run a GRU forward on a whole sequence of data.

    Inputs:
    - x: (N, T, D) input data
    - h0: (N, H) initial hidden state
    - Wx: (D, 3H) input-to-hidden weights, gate blocks r, z, n
    - Wh: (H, 3H) hidden-to-hidden weights, gate blocks r, z, n
    - bx: (3H,) input biases
    - bh: (3H,) hidden biases

    Returns a tuple of:
    - h: (N, T, H) hidden states for all time steps
    - cache: list of the T step caches, for the backward pass
    """
    v.floats("x", x, ndim=3)
    N, T, D = x.shape
    v.floats("h0", h0, shape=(N, None))
    H = h0.shape[1]
    _check_weights(D, H, Wx, Wh, bx, bh)
    h = np.empty((N, T, H), dtype=np.result_type(x, h0, Wx, Wh, bx, bh))
    cache = []
    prev_h = h0
    for t in range(T):
        prev_h, step_cache = _step_forward(x[:, t], prev_h, Wx, Wh, bx, bh)
        h[:, t] = prev_h
        cache.append(step_cache)
    return h, cache


def gru_backward(dh, cache):
    """Backward pass for a GRU over a whole sequence.

    Inputs:
    - dh: (N, T, H) upstream gradients of the hidden states
    - cache: the cache from gru_forward

    Returns a tuple of:
    - dx: (N, T, D) gradient of the input data
    - dh0: (N, H) gradient of the initial hidden state
    - dWx: (D, 3H) gradient of the input-to-hidden weights, summed over steps
    - dWh: (H, 3H) gradient of the hidden-to-hidden weights, summed over steps
    - dbx: (3H,) gradient of the input biases, summed over steps
    - dbh: (3H,) gradient of the hidden biases, summed over steps
    """
    v.floats("dh", dh, ndim=3)
    N, T, H = dh.shape
    v.sequence_cache(cache, seq_len=T, length=_STEP_CACHE_LEN, layer="gru")
    x0, _, Wx, Wh = cache[0][:4]
    v.floats("dh", dh, shape=(x0.shape[0], T, Wh.shape[0]))
    dx = np.empty((N, T, x0.shape[1]), dtype=dh.dtype)
    dWx, dWh = np.zeros_like(Wx), np.zeros_like(Wh)
    dbx, dbh = np.zeros(3 * H, dtype=Wh.dtype), np.zeros(3 * H, dtype=Wh.dtype)
    dprev_h = np.zeros((N, H), dtype=dh.dtype)
    for t in reversed(range(T)):
        dx[:, t], dprev_h, dWx_t, dWh_t, dbx_t, dbh_t = _step_backward(dh[:, t] + dprev_h, cache[t])
        dWx += dWx_t
        dWh += dWh_t
        dbx += dbx_t
        dbh += dbh_t
    return dx, dprev_h, dWx, dWh, dbx, dbh
