"""Gradients through time: the norm of dL/dh_t at every step, from one backward pass.

Backpropagation through time carries dL/dh_t from the loss back to step 1. For a vanilla
RNN each step multiplies it by diag(phi'(a_t)) W_hh^T, the same matrix every time, so its
norm shrinks or grows geometrically: ||dh_T/dh_t|| <= (gamma s)^(T-t), where s is the
largest singular value of W_hh and gamma = max |phi'| = 1 for tanh and relu (Pascanu,
Mikolov and Bengio 2013). An LSTM's cell state is multiplied element-wise by its forget
gate instead, a different f_t at every step, which can keep the gradient alive.

The kernels below are hand-written numpy BPTT, time-major inside, O(T): one forward loop,
one backward loop. tests/test_flow.py checks them against torch autograd. The loss is a
linear read-out L = sum over the loss steps of w . h_t (w a unit vector), so the gradient
that enters at each loss step is w and everything else is what BPTT does to it.
"""

import math
from dataclasses import dataclass

import numpy as np

from rnnviz import checks
from rnnviz.gradients.norms import overflow_safe_norm
from rnnviz.models.cell_kinds import check_cell
from rnnviz.models.weight_init import INITS, gru_params, lstm_params, rnn_params
from rnnviz.reference.activations import stable_sigmoid

CELLS = ("rnn", "lstm", "gru", "lru", "mingru")  # lru, mingru: rnnviz.gradients.linear_flow
AUTOGRAD_CELLS = ("rnn", "lstm", "gru")  # the ones autograd_flow replays through torch.nn
LOSSES = ("last", "all")
DTYPES = ("float32", "float64")


@dataclass(frozen=True)
class Flow:
    """Per-step gradients of one model on one sequence, from one backward pass.

    Time runs t = 1..T along axis 1 (index t - 1). All norms are per example.
    - cell: "rnn" | "lstm" | "gru" | "lru" | "mingru"; loss: "last" | "all"
    - h: (N, T, H) hidden states
    - dh: (N, T, H) dL/dh_t, the total derivative (through every later step)
    - grad_h: (N, T) ||dL/dh_t||
    - dc, grad_c: (N, T, H) dL/dc_t and (N, T) its norm, LSTM only (else None)
    - bound: (N, T) Pascanu's bound on ||dL/dh_t||, vanilla RNN only (else None)
    - jacobian_bound: (T,) s^(T-t), RNN only; top_singular_value: s, RNN only
    - jacobian: (N, T) ||dh_T/dh_t||_2, RNN with jacobians=True only (else None)
    inf and NaN are kept as they came: an exploding gradient is a result, not an error.
    """

    cell: str
    loss: str
    h: np.ndarray
    dh: np.ndarray
    grad_h: np.ndarray
    dc: np.ndarray | None = None
    grad_c: np.ndarray | None = None
    bound: np.ndarray | None = None
    jacobian_bound: np.ndarray | None = None
    top_singular_value: float | None = None
    jacobian: np.ndarray | None = None

    @property
    def steps(self):
        """t = 1..T, for plotting. Returns: (T,) int."""
        return np.arange(1, self.grad_h.shape[1] + 1)

    def ratio(self, state="h"):
        """How much gradient reaches step 1: ||dL/d state_1|| / ||dL/d state_T||.

        Inputs:
        - state: "h", or "c" for the LSTM's cell state
        Returns: (N,) float
        """
        checks.choice("state", state, {"h", "c"})
        norms = self.grad_h if state == "h" else self.grad_c
        if norms is None:
            raise ValueError(f"state='c' needs an LSTM flow, this one is {self.cell!r}")
        with np.errstate(divide="ignore", invalid="ignore"):
            return norms[:, 0] / norms[:, -1]


# --- checks at the public boundary ---------------------------------------------------------
def _inputs(x, params, blocks, bias_names, dtype, loss, readout):
    checks.choice("loss", loss, LOSSES)
    checks.choice("dtype", dtype, DTYPES)
    checks.array("x", x, ndim=3)
    if 0 in x.shape:
        raise ValueError(f"x must have shape (N, T, D) with no empty dimension, got {x.shape}")
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of numpy arrays, got {type(params).__name__}")
    missing = {"Wx", "Wh", *bias_names} - set(params)
    if missing:
        raise ValueError(f"params is missing {sorted(missing)}")
    D = x.shape[2]
    Wh = checks.array("params['Wh']", params["Wh"], ndim=2)
    H = Wh.shape[0]
    checks.array("params['Wh']", Wh, shape=(H, blocks * H))
    checks.array("params['Wx']", params["Wx"], shape=(D, blocks * H))
    for name in bias_names:
        checks.array(f"params[{name!r}]", params[name], shape=(blocks * H,))
    if readout is None:
        readout = np.full(H, 1.0 / np.sqrt(H))
    checks.array("readout", readout, shape=(H,))
    ft = np.dtype(dtype).type
    cast = {k: np.ascontiguousarray(params[k], dtype=ft) for k in ("Wx", "Wh", *bias_names)}
    return x.astype(ft), cast, readout.astype(ft), H


def _norms(v):
    """||v_t|| of time-major v (T, N, H) without overflow. Returns: (N, T), v's dtype."""
    return overflow_safe_norm(v, axis=2).T


def _finish(cell, loss, h, dh, **extra):
    """Move time-major (T, N, H) arrays to (N, T, H) and take the norms."""
    if extra.get("dc") is not None:
        extra["grad_c"] = _norms(extra["dc"])
        extra["dc"] = extra["dc"].swapaxes(0, 1)
    return Flow(cell, loss, h.swapaxes(0, 1), dh.swapaxes(0, 1), _norms(dh), **extra)


# --- vanilla RNN ---------------------------------------------------------------------------
def rnn_flow(
    x, params, nonlinearity="tanh", loss="last", dtype="float64", readout=None, jacobians=False
):
    """||dL/dh_t|| for every t of a vanilla RNN, and Pascanu's bound, from one BPTT pass.

    h_t = phi(x_t Wx + h_{t-1} Wh + b), h_0 = 0. Backward, with e_t = w on loss steps:
    dL/dh_{t-1} = e_{t-1} + (dL/dh_t * phi'(a_t)) Wh^T. Since ||Wh^T|| = s and |phi'| <= 1,
    ||dL/dh_t|| <= B_t with B_T = ||e_T||, B_t = ||e_t|| + s B_{t+1} (for the last-step loss,
    ||w|| s^(T-t)).

    Inputs:
    - x: (N, T, D) inputs
    - params: dict Wx (D, H), Wh (H, H), b (H,), e.g. from rnnviz.models.weight_init.rnn_params
    - nonlinearity: "tanh" | "relu"
    - loss: "last" (many-to-one) | "all" (a loss at every step)
    - dtype: "float64" | "float32", the precision of the whole computation
    - readout: (H,) the read-out w; default a unit vector (1, ..., 1) / sqrt(H)
    - jacobians: also compute ||dh_T/dh_t||_2 (an H x H product and SVD per step: slow)
    Returns: Flow with h, dh, grad_h, bound, jacobian_bound, top_singular_value, jacobian
    """
    checks.choice("nonlinearity", nonlinearity, {"tanh", "relu"})
    jacobians = checks.switch("jacobians", jacobians)
    x, p, w, H = _inputs(x, params, 1, ("b",), dtype, loss, readout)
    N, T, _ = x.shape
    with np.errstate(all="ignore"):
        xw = np.ascontiguousarray((x @ p["Wx"] + p["b"]).swapaxes(0, 1))  # (T, N, H)
        h = np.empty_like(xw)
        Wh, dot, add = p["Wh"], np.dot, np.add  # locals: this loop is the benchmark's hot path
        phi = np.tanh if nonlinearity == "tanh" else np.maximum
        extra = () if nonlinearity == "tanh" else (0,)
        a = np.empty((N, H), dtype=x.dtype)
        prev = np.zeros((N, H), dtype=x.dtype)
        for t in range(T):
            add(dot(prev, Wh, out=a), xw[t], out=a)
            prev = phi(a, *extra, out=h[t])
        if nonlinearity == "tanh":
            dphi = 1 - h * h  # (T, N, H)
        else:
            dphi = (h > 0).astype(x.dtype)
            dphi[np.isnan(h)] = np.nan  # a state that overflowed passes on NaN, not a clean 0

        WhT = np.ascontiguousarray(Wh.T)
        dh = np.empty_like(h)
        dh[T - 1] = w
        every_step = loss == "all"
        for t in range(T - 1, 0, -1):
            g = dot(np.multiply(dh[t], dphi[t], out=a), WhT, out=dh[t - 1])
            if every_step:
                g += w

    s = float(np.linalg.norm(params["Wh"], 2))
    jacobian_bound = _powers(s, T)
    bound = _pascanu_bound(s, float(np.linalg.norm(w.astype(np.float64))), T, loss)
    extra = dict(bound=np.tile(bound, (N, 1)), jacobian_bound=jacobian_bound, top_singular_value=s)
    if jacobians:
        extra["jacobian"] = _jacobian_norms(dphi, WhT)
    return _finish("rnn", loss, h, dh, **extra)


def _pascanu_bound(s, e, T, loss):
    """B_t for t = 1..T: B_T = e, B_t = [e if every step has a loss] + s B_{t+1} (float64,
    inf beyond its range). Inputs: s = ||Wh||_2; e = ||w||; T; loss "last" | "all"."""
    with np.errstate(over="ignore"):
        if loss == "last":
            return e * _powers(s, T)
        bound = np.empty(T)
        bound[T - 1] = e
        for t in range(T - 2, -1, -1):
            bound[t] = e + s * bound[t + 1]
        return bound


def _powers(s, T):
    """s^(T-t) for t = 1..T in float64 (inf beyond float64's range, honestly)."""
    with np.errstate(over="ignore", under="ignore"):
        return np.float64(s) ** np.arange(T - 1, -1, -1, dtype=np.float64)


def _jacobian_norms(dphi, WhT):
    """||dh_T/dh_t||_2 for every t: the spectral norm of a product of step Jacobians.

    In row-vector form dL/dh_t = dL/dh_T Q_t with Q_T = I and
    Q_{t-1} = Q_t diag(phi'(a_t)) Wh^T. Non-finite products (overflow) report inf.
    Inputs: dphi (T, N, H); WhT (H, H). Returns: (N, T)
    """
    T, N, H = dphi.shape
    norms = np.full((T, N), np.inf)
    block = 32  # products are kept and decomposed 32 steps at a time: memory O(32 N H^2)
    Q = np.empty((block, N, H, H), dtype=dphi.dtype)
    Q[0] = np.eye(H, dtype=dphi.dtype)
    with np.errstate(all="ignore"):
        for end in range(T, 0, -block):  # steps end-1 down to start, 0-based
            start = max(0, end - block)
            for k in range(1, end - start):  # Q[k] holds the product for step end-1-k
                t = end - k  # 0-based index of the step whose Jacobian is multiplied in
                Q[k] = Q[k - 1] @ (dphi[t][:, :, None] * WhT)  # (N, H, H)
            n = end - start
            flat = Q[:n].reshape(n * N, H, H)
            finite = np.isfinite(flat).all(axis=(1, 2))
            out = np.full(n * N, np.inf)
            if finite.any():
                out[finite] = np.linalg.svd(flat[finite].astype(np.float64), compute_uv=False)[:, 0]
            norms[start:end] = out.reshape(n, N)[::-1]
            if start > 0:
                Q[0] = Q[n - 1] @ (dphi[start][:, :, None] * WhT)
    return norms.T


# --- LSTM ----------------------------------------------------------------------------------
def lstm_flow(x, params, loss="last", dtype="float64", readout=None):
    """||dL/dh_t|| and ||dL/dc_t|| for every t of an LSTM, from one BPTT pass.

    i, f, o = sigmoid, g = tanh of (x_t Wx + h_{t-1} Wh + b) in blocks i, f, o, g;
    c_t = f * c_{t-1} + i * g; h_t = o * tanh(c_t). Backward, the cell-state gradient takes
    dL/dc_{t-1} = dL/dc_t * f_t + (the path through h_{t-1}): an element-wise product with a
    different f_t at every step, not a fixed matrix.

    Inputs:
    - x: (N, T, D) inputs
    - params: dict Wx (D, 4H), Wh (H, 4H), b (4H,), gates i, f, o, g
      (rnnviz.models.weight_init.lstm_params, or rnnviz.models.cells.LSTM.reference_params())
    - loss, dtype, readout: as for rnn_flow
    Returns: Flow with h, dh, grad_h, dc, grad_c
    """
    x, p, w, H = _inputs(x, params, 4, ("b",), dtype, loss, readout)
    N, T, _ = x.shape
    # sigmoid(a) = (1 + tanh(a / 2)) / 2: with the i, f, o columns halved, one tanh call a
    # step serves all four gates (the loop below is the hot path).
    half = np.ones(4 * H, dtype=x.dtype)
    half[: 3 * H] = 0.5
    with np.errstate(all="ignore"):
        xw = np.ascontiguousarray(((x @ p["Wx"] + p["b"]) * half).swapaxes(0, 1))  # (T, N, 4H)
        Wh = p["Wh"] * half
        gates = np.empty_like(xw)  # i, f, o, g after their nonlinearities
        c = np.empty((T, N, H), dtype=x.dtype)
        h = np.empty_like(c)
        h_prev = np.zeros((N, H), dtype=x.dtype)
        c_prev = np.zeros((N, H), dtype=x.dtype)
        dot, add, mul, tanh = np.dot, np.add, np.multiply, np.tanh
        a = np.empty((N, 4 * H), dtype=x.dtype)
        for t in range(T):
            z = tanh(add(dot(h_prev, Wh, out=a), xw[t], out=a), out=gates[t])  # (N, 4H)
            ifo = z[:, : 3 * H]
            ifo *= 0.5
            ifo += 0.5
            c_prev = add(mul(z[:, H : 2 * H], c_prev), mul(z[:, :H], z[:, 3 * H :]), out=c[t])
            h_prev = mul(z[:, 2 * H : 3 * H], tanh(c_prev), out=h[t])

        dc_from_dh, K = _lstm_local_derivatives(gates, c)
        f = gates[..., H : 2 * H]

        WhT = np.ascontiguousarray(p["Wh"].T)
        dh = np.empty_like(h)
        dc = np.empty_like(c)
        dh[T - 1] = w
        carry = np.zeros((N, H), dtype=x.dtype)
        da = np.empty((N, 4 * H), dtype=x.dtype)
        every_step = loss == "all"
        for t in range(T - 1, -1, -1):
            dc_t = add(carry, mul(dh[t], dc_from_dh[t]), out=dc[t])
            if t == 0:
                break
            da[:, :H] = da[:, H : 2 * H] = da[:, 3 * H :] = dc_t
            da[:, 2 * H : 3 * H] = dh[t]
            dh_t = dot(mul(da, K[t], out=da), WhT, out=dh[t - 1])
            if every_step:
                dh_t += w
            carry = mul(dc_t, f[t], out=carry)
    return _finish("lstm", loss, h, dh, dc=dc)


def _lstm_local_derivatives(gates, c):
    """What one LSTM step does to a gradient, from its gates (T, N, 4H: i, f, o, g) and
    cell states c (T, N, H).

    Returns: dc_from_dh (T, N, H), dL/dc_t's share of dL/dh_t (o tanh'(c_t)); and K
    (T, N, 4H), every gate's local derivative: da_t = (dc, dc, dh, dc) * K_t in blocks
    i, f, o, g.
    """
    H = c.shape[2]
    i, f, o, g = (gates[..., k * H : (k + 1) * H] for k in range(4))
    tc = np.tanh(c)
    c_before = np.concatenate((np.zeros_like(c[:1]), c[:-1]))
    K = np.concatenate(
        (g * i * (1 - i), c_before * f * (1 - f), tc * o * (1 - o), i * (1 - g * g)), axis=2
    )
    return o * (1 - tc * tc), K


# --- GRU -----------------------------------------------------------------------------------
def gru_flow(x, params, loss="last", dtype="float64", readout=None):
    """||dL/dh_t|| for every t of a GRU (PyTorch's formulation), from one BPTT pass.

    r, z = sigmoid(x Wx + bx + h Wh + bh) blocks, n = tanh(x Wx_n + bx_n + r * (h Wh_n +
    bh_n)), h_t = (1 - z) * n + z * h_{t-1}. The z * h_{t-1} term is the GRU's highway:
    dL/dh_{t-1} gets dL/dh_t * z_t element-wise, plus the paths through the gates.

    Inputs:
    - x: (N, T, D) inputs
    - params: dict Wx (D, 3H), Wh (H, 3H), bx (3H,), bh (3H,), gates r, z, n
    - loss, dtype, readout: as for rnn_flow
    Returns: Flow with h, dh, grad_h
    """
    x, p, w, H = _inputs(x, params, 3, ("bx", "bh"), dtype, loss, readout)
    N, T, _ = x.shape
    with np.errstate(all="ignore"):
        xw = np.ascontiguousarray((x @ p["Wx"] + p["bx"]).swapaxes(0, 1))  # (T, N, 3H)
        r = np.empty((T, N, H), dtype=x.dtype)
        z = np.empty_like(r)
        n = np.empty_like(r)
        hn = np.empty_like(r)  # h_{t-1} Wh_n + bh_n, which r scales
        h = np.empty_like(r)
        h_prev = np.zeros((N, H), dtype=x.dtype)
        Wh, bh = p["Wh"], p["bh"]
        for t in range(T):
            hw = h_prev @ Wh + bh  # (N, 3H)
            rz = stable_sigmoid(xw[t, :, : 2 * H] + hw[:, : 2 * H])
            r[t], z[t], hn[t] = rz[:, :H], rz[:, H:], hw[:, 2 * H :]
            np.tanh(xw[t, :, 2 * H :] + r[t] * hn[t], out=n[t])
            h_prev = np.add(n[t], z[t] * (h_prev - n[t]), out=h[t])

        h_before = np.concatenate((np.zeros((1, N, H), x.dtype), h[:-1]))
        dn_pre = (1 - z) * (1 - n * n)  # d n-preactivation / d h_t
        # d(h_{t-1} Wh + bh) = (dh, dh, dh) * K_t, blocks r, z, n.
        K = np.concatenate(
            (dn_pre * hn * r * (1 - r), (h_before - n) * z * (1 - z), dn_pre * r), axis=2
        )  # (T, N, 3H)

        WhT = np.ascontiguousarray(Wh.T)
        dh = np.empty_like(h)
        dh_t = np.broadcast_to(w, (N, H)).copy()
        dh[T - 1] = dh_t
        for t in range(T - 1, 0, -1):
            dh_t = dh_t * z[t] + (np.concatenate((dh_t, dh_t, dh_t), axis=1) * K[t]) @ WhT
            if loss == "all":
                dh_t += w
            dh[t - 1] = dh_t
    return _finish("gru", loss, h, dh)


# --- one call from the knobs ---------------------------------------------------------------
def gradient_flow(
    cell="rnn",
    *,
    seq_len=100,
    hidden_size=32,
    input_size=None,
    batch_size=1,
    spectral_radius=0.9,
    init="gaussian",
    nonlinearity="tanh",
    forget_bias=None,
    loss="last",
    dtype="float64",
    seed=0,
    jacobians=False,
    r_min=0.9,
    r_max=0.999,
    max_phase=math.pi / 10,
    gate_bias=0.0,
):
    """Build a model and an input sequence from the knobs, and run one backward pass.

    Every cell sees the same inputs x ~ N(0, 1) for a given seed, so the RNN, LSTM and GRU
    can be compared side by side. The RNN's recurrent matrix comes from `spectral_radius`
    and `init`; the LSTM and GRU use PyTorch's default initialisation (and the LSTM the
    given forget-gate bias). The LRU's eigenvalues lie on the ring [r_min, r_max] with
    phases in [0, max_phase] (Orvieto et al. 2023, whose long-range defaults these are);
    minGRU's update gate starts at `gate_bias` (rnnviz.gradients.linear_flow).

    Inputs:
    - cell: "rnn" | "lstm" | "gru" | "lru" | "mingru"
    - seq_len: T (>= 1); hidden_size: H; input_size: D (default H); batch_size: N
    - spectral_radius, init: the RNN's recurrent matrix (rnnviz.models.weight_init)
    - nonlinearity: the RNN's "tanh" | "relu"
    - forget_bias: the LSTM's forget-gate bias, None for PyTorch's default
    - loss: "last" | "all"; dtype: "float64" | "float32"; seed: int
    - jacobians: the RNN's ||dh_T/dh_t||_2 too (slow for large T and H)
    - r_min, r_max, max_phase: the LRU's ring (rnnviz.models.lru.ring_eigenvalues)
    - gate_bias: minGRU's update-gate bias
    Returns: Flow
    """
    check_cell(cell, CELLS)
    T = checks.positive_int("seq_len", seq_len)
    H = checks.positive_int("hidden_size", hidden_size)
    D = H if input_size is None else checks.positive_int("input_size", input_size)
    N = checks.positive_int("batch_size", batch_size)
    checks.choice("init", init, INITS)
    checks.seed("seed", seed)
    jacobians = checks.switch("jacobians", jacobians)
    # x and the cache: the LSTM's gates, c, tanh(c), h and their gradients (16 numbers a
    # unit a step); a diagonal linear recurrence keeps a complex state and its gradient (4).
    per_unit = 4 if cell in ("lru", "mingru") else 16
    checks.within_budget(
        {"seq_len": T, "batch_size": N, "hidden_size": H, "input_size": D},
        N * T * (D + per_unit * H) + (T * H * H if jacobians else 0),
    )
    x = np.random.default_rng([seed, 3]).standard_normal((N, T, D))
    if cell in ("lru", "mingru"):
        from rnnviz.gradients import linear_flow  # it builds on this module's Flow
        from rnnviz.models.lru import lru_params
        from rnnviz.models.min_gru import min_gru_params

        if cell == "lru":
            params = lru_params(D, H, None, r_min, r_max, max_phase, seed)
            return linear_flow.lru_flow(x, params, loss, dtype)
        return linear_flow.min_gru_flow(x, min_gru_params(D, H, gate_bias, seed), loss, dtype)
    if cell == "rnn":
        params = rnn_params(D, H, spectral_radius, init, seed)
        return rnn_flow(x, params, nonlinearity, loss, dtype, jacobians=jacobians)
    if cell == "lstm":
        return lstm_flow(x, lstm_params(D, H, forget_bias, seed), loss, dtype)
    return gru_flow(x, gru_params(D, H, seed), loss, dtype)


# --- the slow way, for checking: torch autograd ---------------------------------------------
def autograd_flow(cell, x, params, nonlinearity="tanh", loss="last", per_step=True, readout=None):
    """dL/dh_t (and dL/dc_t) by torch autograd through torch.nn's cells, in float64.

    The independent check on the numpy kernels, and the naive baseline of
    benchmarks/bench_flow.py. With per_step=True it runs one backward pass per step t
    (autograd.grad(L, h_t)): O(T^2) work, the method a fast flow must beat. With
    per_step=False, one autograd.grad call over all states at once.

    Inputs: cell "rnn" | "lstm" | "gru"; x (N, T, D); params as for the *_flow functions;
    nonlinearity (RNN), loss, readout as there.
    Returns: (dh, dc): (N, T, H) float64 arrays; dc is None except for the LSTM
    """
    import torch

    check_cell(cell, AUTOGRAD_CELLS)
    checks.choice("loss", loss, LOSSES)
    per_step = checks.switch("per_step", per_step)
    module = _torch_cell(cell, params, x.shape[2], nonlinearity)
    H = module.hidden_size
    w = (
        torch.full((H,), H**-0.5, dtype=torch.float64)
        if readout is None
        else (torch.as_tensor(readout, dtype=torch.float64))
    )
    xt = torch.as_tensor(x, dtype=torch.float64)
    N, T, _ = x.shape
    h = torch.zeros(N, H, dtype=torch.float64, requires_grad=True)
    c = torch.zeros(N, H, dtype=torch.float64, requires_grad=True)
    hs, cs = [], []
    for t in range(T):
        if cell == "lstm":
            h, c = module(xt[:, t], (h, c))
            cs.append(c)
        else:
            h = module(xt[:, t], h)
        hs.append(h)
    loss_states = hs if loss == "all" else hs[-1:]
    L = sum((s @ w).sum() for s in loss_states)
    states = hs + cs
    if per_step:
        grads = [torch.autograd.grad(L, s, retain_graph=True)[0] for s in states]
    else:
        grads = torch.autograd.grad(L, states)
    dh = torch.stack(grads[:T], dim=1).numpy()
    dc = torch.stack(grads[T:], dim=1).numpy() if cell == "lstm" else None
    return dh, dc


def _torch_cell(cell, params, input_size, nonlinearity):
    """A float64 torch.nn RNNCell/LSTMCell/GRUCell holding `params` (lecture layout)."""
    import torch

    from rnnviz.models.cells import lecture_to_torch_gates

    p = {k: torch.as_tensor(v, dtype=torch.float64) for k, v in params.items()}
    H, zeros = p["Wh"].shape[0], torch.zeros(p["Wh"].shape[1], dtype=torch.float64)
    if cell == "rnn":
        module = torch.nn.RNNCell(input_size, H, nonlinearity=nonlinearity, dtype=torch.float64)
        weights = (p["Wx"].T, p["Wh"].T, p["b"], zeros)
    elif cell == "lstm":
        module = torch.nn.LSTMCell(input_size, H, dtype=torch.float64)
        weights = (
            lecture_to_torch_gates(p["Wx"].T),
            lecture_to_torch_gates(p["Wh"].T),
            lecture_to_torch_gates(p["b"]),
            zeros,
        )
    else:
        module = torch.nn.GRUCell(input_size, H, dtype=torch.float64)
        weights = (p["Wx"].T, p["Wh"].T, p["bx"], p["bh"])
    with torch.no_grad():
        for param, value in zip(
            (module.weight_ih, module.weight_hh, module.bias_ih, module.bias_hh), weights
        ):
            param.copy_(value)
    return module
