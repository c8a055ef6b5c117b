"""Numerical gradients by centred differences, to check every hand-written backward pass.

CS231n's `gradient_check.py`: nudge one entry of x by +-h, watch the output move, and
compare with the analytic gradient by `rel_error`. Use float64: in float32 the rounding
error of f(x + h) - f(x - h) swamps the difference.
"""

import numpy as np

from rnnviz import checks


def rel_error(x, y):
    """The largest element-wise relative error between two arrays.

    Inputs:
    - x, y: arrays of the same shape (or scalars)

    Returns:
    - error: float, max |x - y| / max(1e-8, |x| + |y|)
    """
    x = checks.float_array("x", x, finite=False)
    y = checks.float_array("y", y, finite=False)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape, got {x.shape} and {y.shape}")
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


def _check_inputs(f, x, h):
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    checks.array("x", x)
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"x must be a floating-point array, got dtype {x.dtype}")
    checks.real_number("h", h, low=np.finfo(np.float64).tiny)


def eval_numerical_gradient(f, x, verbose=True, h=0.00001):
    """The numerical gradient of a scalar function f at x, one entry at a time.

    x is modified in place during the evaluation and restored afterwards.

    Inputs:
    - f: function of one argument, x -> scalar
    - x: array of any shape, the point to evaluate the gradient at
    - verbose: print each entry's index and gradient
    - h: the step of the centred difference

    Returns:
    - grad: array of x's shape, df/dx
    """
    _check_inputs(f, x, h)
    verbose = checks.switch("verbose", verbose)
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        old_value = x[ix]
        x[ix] = old_value + h
        f_plus = f(x)
        x[ix] = old_value - h
        f_minus = f(x)
        x[ix] = old_value
        grad[ix] = (f_plus - f_minus) / (2 * h)
        if verbose:
            print(ix, grad[ix])
        it.iternext()
    return grad


def eval_numerical_gradient_array(f, x, df, h=1e-5):
    """The numerical gradient of sum(f(x) * df) with respect to x, for array-valued f.

    This is what a backward pass computes: df is the upstream gradient of f's output.
    x is modified in place during the evaluation and restored afterwards.

    Inputs:
    - f: function of one argument, x -> array of df's shape
    - x: array of any shape, the point to evaluate the gradient at
    - df: upstream gradient, same shape as f(x)
    - h: the step of the centred difference

    Returns:
    - grad: array of x's shape
    """
    _check_inputs(f, x, h)
    checks.array("df", df)
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        old_value = x[ix]
        x[ix] = old_value + h
        pos = np.array(f(x), copy=True)
        x[ix] = old_value - h
        neg = np.array(f(x), copy=True)
        x[ix] = old_value
        if pos.shape != df.shape:
            raise ValueError(f"df must have f(x)'s shape {pos.shape}, got {df.shape}")
        grad[ix] = np.sum((pos - neg) * df) / (2 * h)
        it.iternext()
    return grad


def gradient_check(forward, backward, inputs, douts, wrt=None, h=1e-5):
    """Compare a layer's backward pass with numerical gradients, one input at a time.

    The layer follows the assignment's convention: forward(*inputs) returns its outputs
    followed by a cache, and backward(*douts, cache) returns the gradients of the inputs
    named in `wrt`, in that order. A layer with several outputs (the LSTM step's next_h
    and next_c) is checked on the loss sum_k sum(out_k * douts[k]).

    Inputs:
    - forward: the layer's forward function
    - backward: the layer's backward function
    - inputs: dict name -> array, forward's positional arguments in order
    - douts: tuple of upstream gradients, one per output of forward
    - wrt: names of the inputs backward returns gradients for (default: all of them)
    - h: the step of the centred difference

    Returns:
    - errors: dict name -> rel_error(numerical, analytic)
    """
    if not isinstance(inputs, dict) or not inputs:
        raise TypeError("inputs must be a non-empty dict name -> array")
    douts = tuple(douts)
    wrt = list(inputs) if wrt is None else list(wrt)
    for name in wrt:
        checks.choice("wrt", name, set(inputs))
    values = list(inputs.values())
    *_, cache = forward(*values)
    grads = backward(*douts, cache)
    grads = grads if isinstance(grads, tuple) else (grads,)
    if len(grads) != len(wrt):
        raise ValueError(f"backward returned {len(grads)} gradients but wrt names {len(wrt)}")
    errors = {}
    for name, analytic in zip(wrt, grads):
        numerical = sum(
            eval_numerical_gradient_array(
                lambda _, k=k: forward(*values)[k], inputs[name], dout, h=h
            )
            for k, dout in enumerate(douts)
        )
        errors[name] = rel_error(numerical, analytic)
    return errors
