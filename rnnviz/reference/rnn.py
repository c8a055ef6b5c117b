"""The vanilla RNN in numpy, one step and a whole sequence, forward and backward.

h_t = tanh(x_t Wx + h_{t-1} Wh + b) (lecture 10; CS231n assignment 3's `rnn_layers.py`).
The same Wx, Wh and b are used at every step, so their gradients are sums over the steps.
`nonlinearity="relu"` gives the IRNN of Le et al. (2015) instead of tanh.
"""

import numpy as np

from rnnviz.reference import _validate as v

_STEP_CACHE_LEN = 6


def rnn_step_forward(x, prev_h, Wx, Wh, b, nonlinearity="tanh"):
    """Run one time step of a vanilla RNN on a minibatch.

    Inputs:
    - x: (N, D) input data for this time step
    - prev_h: (N, H) hidden state from the previous time step
    - Wx: (D, H) input-to-hidden weights
    - Wh: (H, H) hidden-to-hidden weights
    - b: (H,) biases
    - nonlinearity: "tanh" (default) or "relu"

    Returns a tuple of:
    - next_h: (N, H) next hidden state
    - cache: tuple of values needed for the backward pass
    """
    v.nonlinearity(nonlinearity)
    v.floats("x", x, ndim=2)
    N, D = x.shape
    v.floats("prev_h", prev_h, shape=(N, None))
    H = prev_h.shape[1]
    v.floats("Wx", Wx, shape=(D, H))
    v.floats("Wh", Wh, shape=(H, H))
    v.floats("b", b, shape=(H,))
    return _step_forward(x, prev_h, Wx, Wh, b, nonlinearity)


def _step_forward(x, prev_h, Wx, Wh, b, nonlinearity):
    a = x @ Wx + prev_h @ Wh + b  # (N, H)
    next_h = np.tanh(a) if nonlinearity == "tanh" else np.maximum(a, 0.0)  # (N, H)
    return next_h, (x, prev_h, Wx, Wh, next_h, nonlinearity)


def rnn_step_backward(dnext_h, cache):
    """Backward pass for one time step of a vanilla RNN.

    Inputs:
    - dnext_h: (N, H) gradient of the loss with respect to next_h
    - cache: the cache from rnn_step_forward

    Returns a tuple of:
    - dx: (N, D) gradient of the input data
    - dprev_h: (N, H) gradient of the previous hidden state
    - dWx: (D, H) gradient of the input-to-hidden weights
    - dWh: (H, H) gradient of the hidden-to-hidden weights
    - db: (H,) gradient of the biases
    """
    x, prev_h, Wx, Wh, next_h, nonlinearity = v.step_cache(
        cache, length=_STEP_CACHE_LEN, layer="rnn"
    )
    v.floats("dnext_h", dnext_h, shape=next_h.shape)
    return _step_backward(dnext_h, cache)


def _step_backward(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h, nonlinearity = cache
    if nonlinearity == "tanh":
        da = dnext_h * (1.0 - next_h**2)  # (N, H)
    else:
        da = dnext_h * (next_h > 0)  # (N, H)
    dx = da @ Wx.T  # (N, D)
    dprev_h = da @ Wh.T  # (N, H)
    dWx = x.T @ da  # (D, H)
    dWh = prev_h.T @ da  # (H, H)
    db = da.sum(axis=0)  # (H,)
    return dx, dprev_h, dWx, dWh, db


def rnn_forward(x, h0, Wx, Wh, b, nonlinearity="tanh"):
    """Run a vanilla RNN forward on a whole sequence of data.

    Inputs:
    - x: (N, T, D) input data for the whole sequence
    - h0: (N, H) initial hidden state
    - Wx: (D, H) input-to-hidden weights, shared by every step
    - Wh: (H, H) hidden-to-hidden weights, shared by every step
    - b: (H,) biases
    - nonlinearity: "tanh" (default) or "relu"

    Returns a tuple of:
    - h: (N, T, H) hidden states for the whole sequence
    - cache: list of the T step caches, for the backward pass
    """
    v.nonlinearity(nonlinearity)
    v.floats("x", x, ndim=3)
    N, T, D = x.shape
    v.floats("h0", h0, shape=(N, None))
    H = h0.shape[1]
    v.floats("Wx", Wx, shape=(D, H))
    v.floats("Wh", Wh, shape=(H, H))
    v.floats("b", b, shape=(H,))
    h = np.empty((N, T, H), dtype=np.result_type(x, h0, Wx, Wh, b))
    cache = []
    prev_h = h0
    for t in range(T):
        prev_h, step_cache = _step_forward(x[:, t], prev_h, Wx, Wh, b, nonlinearity)
        h[:, t] = prev_h
        cache.append(step_cache)
    return h, cache


def rnn_backward(dh, cache):
    """Backward pass for a vanilla RNN over a whole sequence.

    Inputs:
    - dh: (N, T, H) upstream gradients of all hidden states (from the losses at each step
      only, not the gradients flowing between steps)
    - cache: the cache from rnn_forward

    Returns a tuple of:
    - dx: (N, T, D) gradient of the inputs
    - dh0: (N, H) gradient of the initial hidden state
    - dWx: (D, H) gradient of the input-to-hidden weights, summed over steps
    - dWh: (H, H) gradient of the hidden-to-hidden weights, summed over steps
    - db: (H,) gradient of the biases, summed over steps
    """
    v.floats("dh", dh, ndim=3)
    N, T, H = dh.shape
    v.sequence_cache(cache, seq_len=T, length=_STEP_CACHE_LEN, layer="rnn")
    x0, _, Wx, Wh, _, _ = cache[0]
    v.floats("dh", dh, shape=(x0.shape[0], T, Wh.shape[0]))
    D = x0.shape[1]
    dx = np.empty((N, T, D), dtype=dh.dtype)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H, dtype=Wh.dtype)
    dprev_h = np.zeros((N, H), dtype=dh.dtype)
    for t in reversed(range(T)):
        # h_t receives its own loss's gradient plus what flows back from h_{t+1}.
        dx[:, t], dprev_h, dWx_t, dWh_t, db_t = _step_backward(dh[:, t] + dprev_h, cache[t])
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dprev_h, dWx, dWh, db
