"""Gradients through time of the linear recurrences (LRU, minGRU), and the LRU ring's closed form.

In a diagonal linear recurrence nothing multiplies the backward gradient by a tanh'. For the
LRU, x_t = lambda * x_{t-1} + gamma * (B u_t), so dL/dx_{t-1} = conj(lambda) * dL/dx_t (+ the
loss read at t - 1): k steps back, mode j's gradient is scaled by |lambda_j|^k exactly
(Orvieto et al. 2023). For minGRU, h_t = (1 - z_t) * h_{t-1} + z_t * h~_t with z_t a function
of x_t alone, so dL/dh_{t-1} = (1 - z_t) * dL/dh_t (Feng et al. 2024): an LSTM's forget gate.

With |lambda|^2 uniform on [r_min^2, r_max^2] (the ring initialisation) and the same gradient
entering every mode, the expected squared norm after k steps is the mean of s^k over
s ~ U[r_min^2, r_max^2], so the relative gradient norm is

    sqrt((r_max^(2k+2) - r_min^(2k+2)) / ((k+1) (r_max^2 - r_min^2)))     (ring_gradient_norm).

The kernels are numpy, O(T), one forward and one backward loop, like rnnviz.gradients.flow
(whose Flow they return); tests/gradients/test_linear_flow.py checks them against torch
autograd. The loss is the same linear read-out: L = sum over loss steps of w . y_t.
"""

import numpy as np

from rnnviz import checks
from rnnviz.gradients.flow import DTYPES, LOSSES, Flow
from rnnviz.gradients.norms import overflow_safe_norm
from rnnviz.reference.activations import stable_sigmoid


def _sequence(name, x, dtype, loss):
    checks.choice("loss", loss, LOSSES)
    checks.choice("dtype", dtype, DTYPES)
    checks.array(name, x, ndim=3)
    x = checks.float_array(name, x, ndim=3)  # refuses complex inputs rather than dropping Im
    if 0 in x.shape:
        raise ValueError(f"{name} must have shape (N, T, D) with no empty dimension, got {x.shape}")
    return x.astype(dtype)


def _param(params, key, shape, complex_=False):
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of numpy arrays, got {type(params).__name__}")
    if key not in params:
        raise ValueError(f"params is missing {key!r}")
    value = checks.array(f"params[{key!r}]", params[key], shape=shape)
    if np.iscomplexobj(value) and not complex_:
        raise TypeError(f"params[{key!r}] must be real, got {value.dtype}")
    return value


def _readout(readout, size, dtype):
    if readout is None:
        return np.full(size, 1.0 / np.sqrt(size), dtype=dtype)
    return checks.array("readout", readout, shape=(size,)).astype(dtype)


def _finish(cell, loss, h, dh):
    """Flow from time-major (T, N, H) states and gradients. The norm of |dh| is scaled by its
    largest entry first, so a float32 gradient of 1e-25 keeps its norm (its square would
    underflow to 0), and a complex one is measured by its moduli."""
    grad = overflow_safe_norm(np.abs(dh), axis=2).T  # (N, T)
    return Flow(cell, loss, h.swapaxes(0, 1), dh.swapaxes(0, 1), grad)


def lru_flow(u, params, loss="last", dtype="float64", readout=None):
    """||dL/dx_t|| for every t of an LRU layer, from one backward pass.

    x_t = lambda * x_{t-1} + gamma * (B u_t), y_t = Re(C x_t) + D u_t, L = sum w . y_t over the
    loss steps. The gradient of a real L with respect to a complex state is taken as
    dL/dRe x + i dL/dIm x (torch's convention), so it enters as conj(C)^T w and each step
    back multiplies it by conj(lambda).

    Inputs:
    - u: (N, T, D) inputs
    - params: rnnviz.models.lru.lru_params' dict: nu_log, theta_log, gamma_log (H,), B (H, D),
      C (P, H) complex, D (P, D)
    - loss: "last" | "all"; dtype: "float64" | "float32" (states complex128 | complex64)
    - readout: (P,) w; default (1, ..., 1) / sqrt(P)
    Returns: Flow (cell "lru") with h = x (N, T, H) complex, dh (N, T, H) complex, grad_h (N, T)
    """
    u = _sequence("u", u, dtype, loss)
    N, T, D = u.shape
    nu = _param(params, "nu_log", (None,))
    H = nu.shape[0]
    theta, gamma_log = (_param(params, k, (H,)) for k in ("theta_log", "gamma_log"))
    B = _param(params, "B", (H, D), complex_=True)
    C = _param(params, "C", (None, H), complex_=True)
    _param(params, "D", (C.shape[0], D))
    w = _readout(readout, C.shape[0], dtype)
    cdtype = np.complex64 if dtype == "float32" else np.complex128
    with np.errstate(all="ignore"):
        lam = np.exp(-np.exp(nu) + 1j * np.exp(theta)).astype(cdtype)  # (H,)
        b = (
            ((u @ B.T.astype(cdtype)) * np.exp(gamma_log)).astype(cdtype).swapaxes(0, 1)
        )  # (T, N, H)
        x = np.empty_like(b)
        x[0] = b[0]
        mul, add = np.multiply, np.add  # in place: these loops are the widget's hot path
        for t in range(1, T):
            add(mul(lam, x[t - 1], out=x[t]), b[t], out=x[t])
        entering = (w @ np.conj(C)).astype(cdtype)  # (H,) dL/dx_t from y_t's read-out
        back = np.conj(lam)
        dx = np.empty_like(x)
        dx[T - 1] = entering
        every_step = loss == "all"
        for t in range(T - 1, 0, -1):
            mul(back, dx[t], out=dx[t - 1])
            if every_step:
                dx[t - 1] += entering
    return _finish("lru", loss, x, dx)


def min_gru_flow(x, params, loss="last", dtype="float64", readout=None):
    """||dL/dh_t|| for every t of a minGRU layer, from one backward pass.

    z_t = sigmoid(x_t Wz + bz), h~_t = x_t Wh + bh, h_t = (1 - z_t) h_{t-1} + z_t h~_t;
    backward dL/dh_{t-1} = (1 - z_t) * dL/dh_t (+ w on a loss step): the product of (1 - z)
    over the steps between, nothing else.

    Inputs:
    - x: (N, T, D) inputs
    - params: rnnviz.models.min_gru.min_gru_params' dict: Wz, Wh (D, H), bz, bh (H,)
    - loss, dtype: as for lru_flow; readout: (H,) w on h_t, default (1, ..., 1) / sqrt(H)
    Returns: Flow (cell "mingru") with h, dh (N, T, H), grad_h (N, T)
    """
    x = _sequence("x", x, dtype, loss)
    N, T, D = x.shape
    Wz = _param(params, "Wz", (D, None))
    H = Wz.shape[1]
    Wh = _param(params, "Wh", (D, H))
    bz, bh = (_param(params, k, (H,)) for k in ("bz", "bh"))
    w = _readout(readout, H, dtype)
    with np.errstate(all="ignore"):
        z = stable_sigmoid((x @ Wz.astype(dtype) + bz.astype(dtype)).swapaxes(0, 1))  # (T, N, H)
        b = z * (x @ Wh.astype(dtype) + bh.astype(dtype)).swapaxes(0, 1)  # (T, N, H)
        keep = 1 - z
        h = np.empty_like(b)
        prev = np.zeros((N, H), dtype=b.dtype)
        for t in range(T):
            prev = np.add(keep[t] * prev, b[t], out=h[t])
        dh = np.empty_like(h)
        dh[T - 1] = w
        for t in range(T - 1, 0, -1):
            np.multiply(dh[t], keep[t], out=dh[t - 1])
            if loss == "all":
                dh[t - 1] += w
    return _finish("mingru", loss, h, dh)


def ring_gradient_norm(steps_back, r_min, r_max):
    """The LRU ring's relative gradient norm after k steps, in closed form (float64).

    sqrt(E[|lambda|^(2k)]) for |lambda|^2 ~ U[r_min^2, r_max^2]:
    sqrt((r_max^(2k+2) - r_min^(2k+2)) / ((k+1) (r_max^2 - r_min^2))), and r^k when
    r_min = r_max. At r_min = 0.9, r_max = 0.999: 0.207 at k = 100, 0.0268 at k = 999.

    Inputs: steps_back: k, an int or an array of ints >= 0; r_min, r_max: 0 <= r_min <= r_max
    <= 1 (floats).
    Returns: float64 array of k's shape (a float for an int k)
    """
    r_min = checks.real_number("r_min", r_min, low=0.0, high=1.0)
    r_max = checks.real_number("r_max", r_max, low=0.0, high=1.0)
    if r_min > r_max:
        raise ValueError(f"r_min must not exceed r_max, got r_min={r_min} > r_max={r_max}")
    k = checks.float_array("steps_back", steps_back)
    if np.any(k < 0) or np.any(k != np.round(k)):
        raise ValueError("steps_back must hold whole numbers >= 0")
    if r_min == r_max:
        out = r_max**k
    else:
        a, b = r_min**2, r_max**2
        # b^(k+1) - a^(k+1) = b^(k+1) (1 - (a/b)^(k+1)): no cancellation to inf - inf.
        with np.errstate(under="ignore", divide="ignore"):  # r_min = 0: log 0 = -inf is right
            out = np.sqrt(b ** (k + 1) * -np.expm1((k + 1) * np.log(a / b)) / ((k + 1) * (b - a)))
    return float(out) if np.ndim(steps_back) == 0 else out
