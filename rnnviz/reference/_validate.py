"""Input checks shared by the reference layers, built on rnnviz.checks.

Every public layer checks its arguments here first, so a wrong shape or a NaN weight
raises an error that names the argument instead of a broadcasting error deep inside.
"""

import numpy as np

from rnnviz import checks


def floats(name, value, *, ndim=None, shape=None):
    """Check a finite floating-point array with the given rank/shape; return it.

    `shape` may hold None for a free dimension. Every dimension must be at least 1.
    """
    checks.array(name, value, ndim=ndim, shape=shape, finite=False)
    if not np.issubdtype(value.dtype, np.floating):
        raise TypeError(f"{name} must be a floating-point array, got dtype {value.dtype}")
    if 0 in value.shape:
        raise ValueError(f"{name} must have no empty dimension, got shape {value.shape}")
    checks.array(name, value, finite=True)
    return value


def integers(name, value, *, ndim, high):
    """Check an integer index array of rank `ndim` with values in [0, high); return it."""
    checks.array(name, value, ndim=ndim)
    if not np.issubdtype(value.dtype, np.integer):
        raise TypeError(f"{name} must be an integer array, got dtype {value.dtype}")
    if 0 in value.shape:
        raise ValueError(f"{name} must have no empty dimension, got shape {value.shape}")
    if value.min() < 0 or value.max() >= high:
        raise ValueError(
            f"{name} must hold indices in [0, {high}), got values in [{value.min()}, {value.max()}]"
        )
    return value


def nonlinearity(value):
    """Check the rnn's nonlinearity keyword: "tanh" or "relu"."""
    return checks.choice("nonlinearity", value, {"tanh", "relu"})


def step_cache(value, *, length, layer):
    """Check that `value` is the tuple a `layer` step forward returned; return it."""
    if not isinstance(value, tuple) or len(value) != length:
        raise TypeError(
            f"cache must be the tuple returned by {layer}_step_forward, got {type(value).__name__}"
        )
    return value


def sequence_cache(value, *, seq_len, length, layer):
    """Check that `value` is the list of `seq_len` step caches a `layer` forward returned."""
    if not isinstance(value, list) or not value:
        raise TypeError(
            f"cache must be the list returned by {layer}_forward, got {type(value).__name__}"
        )
    if len(value) != seq_len:
        raise ValueError(
            f"cache holds {len(value)} time steps but dh has {seq_len}; "
            f"pass the cache of the forward pass that produced h"
        )
    for step in value:
        step_cache(step, length=length, layer=layer)
    return value
