"""The LSTM in numpy, one step and a whole sequence, forward and backward.

With a = x_t Wx + h_{t-1} Wh + b split into four blocks of H in the order i, f, o, g
(the lecture's and CS231n's; torch.nn.LSTM stores i, f, g, o):
i, f, o = sigmoid(a_i), sigmoid(a_f), sigmoid(a_o); g = tanh(a_g);
c_t = f * c_{t-1} + i * g; h_t = o * tanh(c_t) (Hochreiter & Schmidhuber 1997; lecture 10).
Back through c the gradient is only multiplied element-wise by f, a different f each step.
"""

import numpy as np

from rnnviz.reference import _validate as v
from rnnviz.reference.activations import stable_sigmoid

_STEP_CACHE_LEN = 10


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    """Run one time step of an LSTM on a minibatch.

    Inputs:
    - x: (N, D) input data for this time step
    - prev_h: (N, H) previous hidden state
    - prev_c: (N, H) previous cell state
    - Wx: (D, 4H) input-to-hidden weights, gate blocks i, f, o, g
    - Wh: (H, 4H) hidden-to-hidden weights, gate blocks i, f, o, g
    - b: (4H,) biases, gate blocks i, f, o, g

    Returns a tuple of:
    - next_h: (N, H) next hidden state
    - next_c: (N, H) next cell state
    - cache: tuple of values needed for the backward pass
    """
    v.floats("x", x, ndim=2)
    N, D = x.shape
    v.floats("prev_h", prev_h, shape=(N, None))
    H = prev_h.shape[1]
    v.floats("prev_c", prev_c, shape=(N, H))
    v.floats("Wx", Wx, shape=(D, 4 * H))
    v.floats("Wh", Wh, shape=(H, 4 * H))
    v.floats("b", b, shape=(4 * H,))
    return _step_forward(x, prev_h, prev_c, Wx, Wh, b)


def _step_forward(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b  # (N, 4H)
    i = stable_sigmoid(a[:, :H])  # (N, H) input gate
    f = stable_sigmoid(a[:, H : 2 * H])  # (N, H) forget gate
    o = stable_sigmoid(a[:, 2 * H : 3 * H])  # (N, H) output gate
    g = np.tanh(a[:, 3 * H :])  # (N, H) gate gate (candidate)
    next_c = f * prev_c + i * g  # (N, H)
    tanh_c = np.tanh(next_c)  # (N, H)
    next_h = o * tanh_c  # (N, H)
    cache = (x, prev_h, prev_c, Wx, Wh, i, f, o, g, tanh_c)
    return next_h, next_c, cache


def lstm_step_backward(dnext_h, dnext_c, cache):
    """Backward pass for one time step of an LSTM.

    Inputs:
    - dnext_h: (N, H) gradient of the loss with respect to next_h
    - dnext_c: (N, H) gradient of the loss with respect to next_c
    - cache: the cache from lstm_step_forward

    Returns a tuple of:
    - dx: (N, D) gradient of the input data
    - dprev_h: (N, H) gradient of the previous hidden state
    - dprev_c: (N, H) gradient of the previous cell state
    - dWx: (D, 4H) gradient of the input-to-hidden weights
    - dWh: (H, 4H) gradient of the hidden-to-hidden weights
    - db: (4H,) gradient of the biases
    """
    v.step_cache(cache, length=_STEP_CACHE_LEN, layer="lstm")
    prev_h = cache[1]
    v.floats("dnext_h", dnext_h, shape=prev_h.shape)
    v.floats("dnext_c", dnext_c, shape=prev_h.shape)
    return _step_backward(dnext_h, dnext_c, cache)


def _step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, i, f, o, g, tanh_c = cache
    dc = dnext_c + dnext_h * o * (1.0 - tanh_c**2)  # (N, H) both paths into c_t
    da = np.concatenate(
        [
            dc * g * i * (1.0 - i),  # (N, H) through i
            dc * prev_c * f * (1.0 - f),  # (N, H) through f
            dnext_h * tanh_c * o * (1.0 - o),  # (N, H) through o
            dc * i * (1.0 - g**2),  # (N, H) through g
        ],
        axis=1,
    )  # (N, 4H)
    dx = da @ Wx.T  # (N, D)
    dprev_h = da @ Wh.T  # (N, H)
    dprev_c = dc * f  # (N, H) the element-wise path: no weight matrix
    dWx = x.T @ da  # (D, 4H)
    dWh = prev_h.T @ da  # (H, 4H)
    db = da.sum(axis=0)  # (4H,)
    return dx, dprev_h, dprev_c, dWx, dWh, db


def lstm_forward(x, h0, Wx, Wh, b):
    """Run an LSTM forward on a whole sequence of data; the initial cell state is zero.

    Inputs:
    - x: (N, T, D) input data
    - h0: (N, H) initial hidden state
    - Wx: (D, 4H) input-to-hidden weights, gate blocks i, f, o, g
    - Wh: (H, 4H) hidden-to-hidden weights, gate blocks i, f, o, g
    - b: (4H,) biases, gate blocks i, f, o, g

    Returns a tuple of:
    - h: (N, T, H) hidden states for all time steps
    - cache: list of the T step caches, for the backward pass
    """
    v.floats("x", x, ndim=3)
    N, T, D = x.shape
    v.floats("h0", h0, shape=(N, None))
    H = h0.shape[1]
    v.floats("Wx", Wx, shape=(D, 4 * H))
    v.floats("Wh", Wh, shape=(H, 4 * H))
    v.floats("b", b, shape=(4 * H,))
    h = np.empty((N, T, H), dtype=np.result_type(x, h0, Wx, Wh, b))
    cache = []
    prev_h, prev_c = h0, np.zeros_like(h0)
    for t in range(T):
        prev_h, prev_c, step_cache = _step_forward(x[:, t], prev_h, prev_c, Wx, Wh, b)
        h[:, t] = prev_h
        cache.append(step_cache)
    return h, cache


def lstm_backward(dh, cache):
    """Backward pass for an LSTM over a whole sequence.

    Inputs:
    - dh: (N, T, H) upstream gradients of the hidden states
    - cache: the cache from lstm_forward

    Returns a tuple of:
    - dx: (N, T, D) gradient of the input data
    - dh0: (N, H) gradient of the initial hidden state
    - dWx: (D, 4H) gradient of the input-to-hidden weights, summed over steps
    - dWh: (H, 4H) gradient of the hidden-to-hidden weights, summed over steps
    - db: (4H,) gradient of the biases, summed over steps
    """
    v.floats("dh", dh, ndim=3)
    N, T, H = dh.shape
    v.sequence_cache(cache, seq_len=T, length=_STEP_CACHE_LEN, layer="lstm")
    x0, _, _, Wx, Wh = cache[0][:5]
    v.floats("dh", dh, shape=(x0.shape[0], T, Wh.shape[0]))
    dx = np.empty((N, T, x0.shape[1]), dtype=dh.dtype)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(4 * H, dtype=Wh.dtype)
    dprev_h = np.zeros((N, H), dtype=dh.dtype)
    dprev_c = np.zeros((N, H), dtype=dh.dtype)
    for t in reversed(range(T)):
        dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = _step_backward(
            dh[:, t] + dprev_h, dprev_c, cache[t]
        )
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dprev_h, dWx, dWh, db
