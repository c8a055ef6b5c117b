"""Layers that act on every time step at once: word embeddings, affine readout, softmax loss.

These turn an RNN into a language model or captioner: integer words in, one score per
vocabulary word out at every step, and a cross-entropy loss that a mask can switch off
for padding (CS231n assignment 3's `rnn_layers.py`).
"""

import numpy as np

from rnnviz import checks
from rnnviz.reference import _validate as v


def word_embedding_forward(x, W):
    """Look up the vector of every word: out[n, t] = W[x[n, t]].

    Inputs:
    - x: (N, T) integer word indices, each in [0, V)
    - W: (V, D) word vectors, one row per word

    Returns a tuple of:
    - out: (N, T, D) word vectors for all input words
    - cache: values needed for the backward pass
    """
    v.floats("W", W, ndim=2)
    v.integers("x", x, ndim=2, high=W.shape[0])
    return W[x], (x, W)


def word_embedding_backward(dout, cache):
    """Backward pass for word embeddings; a word used twice gets both gradients summed.

    Inputs:
    - dout: (N, T, D) upstream gradients
    - cache: the cache from word_embedding_forward

    Returns:
    - dW: (V, D) gradient of the word vectors
    """
    x, W = v.step_cache(cache, length=2, layer="word_embedding")
    v.floats("dout", dout, shape=(*x.shape, W.shape[1]))
    dW = np.zeros_like(W)
    np.add.at(dW, x, dout)  # unbuffered: repeated indices accumulate
    return dW


def temporal_affine_forward(x, w, b):
    """Apply one affine layer to the vector at every time step: out[:, t] = x[:, t] w + b.

    Inputs:
    - x: (N, T, D) input data
    - w: (D, M) weights
    - b: (M,) biases

    Returns a tuple of:
    - out: (N, T, M) output data
    - cache: values needed for the backward pass
    """
    v.floats("x", x, ndim=3)
    v.floats("w", w, shape=(x.shape[2], None))
    v.floats("b", b, shape=(w.shape[1],))
    out = x @ w + b  # (N, T, M)
    return out, (x, w, b, out)


def temporal_affine_backward(dout, cache):
    """Backward pass for the temporal affine layer.

    Inputs:
    - dout: (N, T, M) upstream gradients
    - cache: the cache from temporal_affine_forward

    Returns a tuple of:
    - dx: (N, T, D) gradient of the input
    - dw: (D, M) gradient of the weights, summed over batch and time
    - db: (M,) gradient of the biases, summed over batch and time
    """
    x, w, _, out = v.step_cache(cache, length=4, layer="temporal_affine")
    v.floats("dout", dout, shape=out.shape)
    N, T, D = x.shape
    dx = dout @ w.T  # (N, T, D)
    dw = x.reshape(N * T, D).T @ dout.reshape(N * T, -1)  # (D, M)
    db = dout.sum(axis=(0, 1))  # (M,)
    return dx, dw, db


def temporal_softmax_loss(x, y, mask, verbose=False):
    """Softmax cross-entropy summed over time steps where mask is true, averaged over N.

    Inputs:
    - x: (N, T, V) scores for every vocabulary word at every step
    - y: (N, T) integer ground-truth words, each in [0, V)
    - mask: (N, T) booleans (or 0/1): whether the score at x[n, t] counts in the loss
    - verbose: print the shape of the flattened gradient (as the assignment does)

    Returns a tuple of:
    - loss: scalar loss
    - dx: (N, T, V) gradient of the loss with respect to the scores x
    """
    v.floats("x", x, ndim=3)
    verbose = checks.switch("verbose", verbose)
    N, T, V = x.shape
    v.integers("y", y, ndim=2, high=V)
    checks.array("y", y, shape=(N, T))
    checks.array("mask", mask, shape=(N, T))
    if mask.dtype != bool and not np.all((mask == 0) | (mask == 1)):
        raise ValueError("mask must hold booleans or 0/1 values")
    x_flat = x.reshape(N * T, V)
    y_flat = y.reshape(N * T)
    mask_flat = mask.reshape(N * T).astype(x.dtype)
    # log-softmax straight from the shifted scores: never log(0), even for tiny probabilities
    shifted = x_flat - x_flat.max(axis=1, keepdims=True)  # (N*T, V)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # (N*T, V)
    rows = np.arange(N * T)
    loss = -np.sum(mask_flat * log_probs[rows, y_flat]) / N
    dx_flat = np.exp(log_probs)  # (N*T, V) softmax probabilities
    dx_flat[rows, y_flat] -= 1.0
    dx_flat *= mask_flat[:, None] / N
    if verbose:
        print("dx_flat: ", dx_flat.shape)
    return loss, dx_flat.reshape(N, T, V)
