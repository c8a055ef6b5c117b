"""The gradient highway: how much gradient survives t steps back, LSTM/GRU against RNN.

Holding h fixed, the LSTM's cell state passes dc_s/dc_{s-1} = diag(f_s) back one step, so
t steps multiply diag(f_t) ... diag(f_1) (the GRU's direct path: diag(z_s)); the vanilla
RNN's hidden state passes dh_s/dh_{s-1} = diag(phi'(a_s)) W_hh, a full matrix whose product
shrinks or grows geometrically (Pascanu et al. 2013). Everything is returned as log10 of
norms so that long products stay readable.

`sequence_gates` runs an rnnviz.models.cells model once and returns numpy; the widget in
rnnviz.widgets.gate_sequence only draws it. One hand-set unit is in rnnviz.gradients.gate_unit.
"""

import numpy as np
import torch

from rnnviz import checks
from rnnviz.models.cells import GRU, LSTM, RNN
from rnnviz.seeding import torch_seed


def log10_running_product(factors: np.ndarray) -> np.ndarray:
    """log10 of the running product of positive factors along the time axis.

    Logs keep long products readable (no underflow to 0); a factor of exactly 0 gives -inf.
    Inputs: factors: (N, T) or (N, T, H) non-negative values
    Returns: same shape, out[:, t] = log10(prod_{s <= t} factors[:, s])
    """
    factors = checks.float_array("factors", factors, finite=False)
    if factors.ndim not in (2, 3):
        raise ValueError(f"factors must have shape (N, T) or (N, T, H), got {factors.shape}")
    if np.any(np.isnan(factors)) or np.any(factors < 0):
        raise ValueError("factors must be non-negative and not NaN")
    with np.errstate(divide="ignore"):
        return np.cumsum(np.log10(factors), axis=1)


def forget_highway(f: np.ndarray) -> np.ndarray:
    """log10 ||dc_t/dc_0|| along the cell state: the norm of diag(f_t) ... diag(f_1).

    Holding h fixed, dc_s/dc_{s-1} = diag(f_s); the product of diagonal matrices is
    diag(prod_s f_s), whose spectral norm is its largest entry: the unit whose forget gates
    stayed most open. Works the same for the GRU's direct path diag(z_s).
    Inputs: f: (N, T, H) forget (or update) gate values in [0, 1]
    Returns: (N, T) out[:, t] = log10 max_j prod_{s <= t} f_{s,j} (-inf if every unit hit 0)
    """
    f = checks.float_array("f", f, finite=False)
    if f.ndim != 3:
        raise ValueError(f"f must have shape (N, T, H), got {f.shape}")
    return log10_running_product(np.abs(f)).max(axis=2)


def rnn_jacobians(h: np.ndarray, w_hh: np.ndarray, nonlinearity: str = "tanh") -> np.ndarray:
    """A vanilla RNN's step Jacobians dh_t/dh_{t-1} = diag(phi'(a_t)) W_hh.

    W_hh is torch's (H, H) recurrent weight (h_t = phi(W_hh h_{t-1} + ...)); in CS231n's
    row-vector convention this is the lecture's W_hh diag(1 - h_t^2), transposed.
    Inputs:
    - h: (N, T, H) the RNN's hidden states
    - w_hh: (H, H) recurrent weight in torch's layout
    - nonlinearity: "tanh" (phi' = 1 - h^2) or "relu" (phi' = [h > 0])
    Returns: (N, T, H, H)
    """
    checks.choice("nonlinearity", nonlinearity, {"tanh", "relu"})
    h = checks.float_array("h", h, ndim=3)
    w_hh = checks.float_array("w_hh", w_hh, ndim=2)
    if w_hh.shape != (h.shape[2], h.shape[2]):
        raise ValueError(
            f"w_hh must have shape (H, H) with H = {h.shape[2]}, the hidden size of h, got "
            f"{w_hh.shape}"
        )
    slope = 1.0 - h * h if nonlinearity == "tanh" else (h > 0).astype(np.float64)  # (N, T, H)
    return slope[..., :, None] * w_hh  # (N, T, H, H), row j scaled by phi'_j


def rnn_jacobian_norms(h: np.ndarray, w_hh: np.ndarray, nonlinearity: str = "tanh") -> np.ndarray:
    """Spectral norms ||dh_t/dh_{t-1}||_2 of a vanilla RNN's step Jacobians.

    Their running product bounds the gradient's norm from above (Pascanu et al. 2013).
    Inputs: as rnn_jacobians. Returns: (N, T)
    """
    return np.linalg.norm(rnn_jacobians(h, w_hh, nonlinearity), ord=2, axis=(-2, -1))


def log10_product_norm(jacobians: np.ndarray) -> np.ndarray:
    """log10 ||J_t J_{t-1} ... J_1||_2 for every t: how much of a gradient survives t steps.

    The product is renormalised at every step so it never underflows; an exactly zero
    product gives -inf.
    Inputs: jacobians: (N, T, H, H) step Jacobians J_t = dh_t/dh_{t-1}
    Returns: (N, T)
    """
    jacobians = checks.float_array("jacobians", jacobians, ndim=4)
    n, T, H, _ = jacobians.shape
    checks.array("jacobians", jacobians, shape=(n, T, H, H))
    product = np.broadcast_to(np.eye(H), (n, H, H))  # (N, H, H), scaled to norm 1
    log_scale = np.zeros(n)
    out = np.empty((n, T))
    for t in range(T):
        product = jacobians[:, t] @ product  # (N, H, H)
        norm = np.linalg.norm(product, ord=2, axis=(-2, -1))  # (N,)
        with np.errstate(divide="ignore"):
            out[:, t] = log_scale + np.log10(norm)
        safe = np.where(norm > 0, norm, 1.0)
        product = product / safe[:, None, None]
        log_scale = log_scale + np.log10(safe)
    return out


def sequence_gates(model, x: torch.Tensor, rnn=None) -> dict:
    """Run `model` (and a vanilla RNN) over x once; return every panel's numbers as numpy.

    Inputs:
    - model: an rnnviz.models.cells.LSTM or GRU
    - x: (N, T, D) inputs
    - rnn: an rnnviz.models.cells.RNN with the same input and hidden sizes, or None for a fresh
      one (torch's default initialisation, seed 0)
    Returns: dict with
    - "panels": name -> (N, T, H) for i, f, o, g, c, h (LSTM) or r, z, n, h (GRU)
    - "highway": (N, T) forget_highway of f (GRU: z), log10 ||dc_t/dc_0|| along c
    - "rnn_highway": (N, T) log10 ||dh_t/dh_0|| of the RNN (the norm of the product)
    - "rnn_bound": (N, T) log10 prod_{s<=t} ||dh_s/dh_{s-1}||, the product of the norms
    """
    if not isinstance(model, (LSTM, GRU)):
        raise TypeError(f"model must be an rnnviz LSTM or GRU, got {type(model).__name__}")
    checks.tensor("x", x, ndim=3)
    if rnn is None:
        with torch_seed(0):
            rnn = RNN(model.input_size, model.hidden_size, dtype=model.dtype)
    if not isinstance(rnn, RNN):
        raise TypeError(f"rnn must be an rnnviz.models.cells.RNN or None, got {type(rnn).__name__}")
    if (rnn.input_size, rnn.hidden_size) != (model.input_size, model.hidden_size):
        raise ValueError(
            f"rnn must have input_size {model.input_size} and hidden_size "
            f"{model.hidden_size} like model, got {rnn.input_size}, "
            f"{rnn.hidden_size}"
        )
    with torch.no_grad():
        trace = model(x)
        panels = {name: value.numpy().astype(np.float64) for name, value in trace.gates.items()}
        if isinstance(model, LSTM):
            panels["c"] = trace.c.numpy().astype(np.float64)
        panels["h"] = trace.unrolled_h.numpy().astype(np.float64)
        rnn_h = rnn(x.to(rnn.dtype)).h.numpy()
        w_hh = rnn.core.weight_hh_l0.numpy()
    keep = panels["f"] if isinstance(model, LSTM) else panels["z"]
    jacobians = rnn_jacobians(rnn_h, w_hh, rnn.nonlinearity)  # (N, T, H, H)
    return {
        "panels": panels,
        "highway": forget_highway(keep),
        "rnn_highway": log10_product_norm(jacobians),
        "rnn_bound": log10_running_product(np.linalg.norm(jacobians, ord=2, axis=(-2, -1))),
    }
