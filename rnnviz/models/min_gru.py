"""minGRU: a GRU whose gate and candidate read only the input, so it trains by a parallel scan.

Feng et al. 2024, "Were RNNs All We Needed?":

    z_t = sigmoid(x_t W_z + b_z),   h~_t = x_t W_h + b_h,   h_t = (1 - z_t) * h_{t-1} + z_t * h~_t.

Without h_{t-1} inside the gate, the recurrence is linear in h: a_t = 1 - z_t, b_t = z_t h~_t,
so it can be computed by a parallel scan (rnnviz.models.scan), and dh_t/dh_{t-1} =
diag(1 - z_t): the gradient k steps back is multiplied by the product of (1 - z) over those
steps, an LSTM's forget gate by another name. A gate bias b_z far below 0 starts every
z near 0 and that product near 1.

The log-space form (the paper's, after Heinsen 2023) needs positive candidates: with
positive=True, h~_t = g(x_t W_h + b_h), g(v) = v + 0.5 for v >= 0 and sigmoid(v) below.
"""

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from rnnviz import checks
from rnnviz.models.scan import log_space_scan, parallel_scan, scan_rounds, sequential_scan

METHODS = ("loop", "scan", "log")
GATE_BIAS_RANGE = (-40.0, 40.0)  # beyond it sigmoid is exactly 0 or 1 in float32


def min_gru_params(input_size, hidden_size, gate_bias=0.0, seed=0):
    """minGRU weights at PyTorch's nn.Linear initialisation, with the gate bias set.

    W_z, W_h, b_h ~ U(-1/sqrt(D), 1/sqrt(D)); b_z = gate_bias in every unit.
    Inputs: input_size: D; hidden_size: H; gate_bias: float in [-40, 40]; seed: int >= 0.
    Returns: dict Wz (D, H), bz (H,), Wh (D, H), bh (H,), float64 (row-vector layout:
    z = sigmoid(x Wz + bz))
    """
    D = checks.positive_int("input_size", input_size)
    H = checks.positive_int("hidden_size", hidden_size)
    gate_bias = checks.real_number(
        "gate_bias", gate_bias, low=GATE_BIAS_RANGE[0], high=GATE_BIAS_RANGE[1]
    )
    checks.seed("seed", seed)
    rng = np.random.default_rng([seed, 47])
    bound = 1.0 / np.sqrt(D)
    return {
        "Wz": rng.uniform(-bound, bound, (D, H)),
        "bz": np.full(H, gate_bias),
        "Wh": rng.uniform(-bound, bound, (D, H)),
        "bh": rng.uniform(-bound, bound, H),
    }


def positive_candidate(v):
    """Feng et al.'s g: v + 0.5 for v >= 0, sigmoid(v) below; positive and continuous."""
    return torch.where(v >= 0, v + 0.5, torch.sigmoid(v))


def log_positive_candidate(v):
    """log g(v), computed without taking the log of a rounded sigmoid."""
    return torch.where(v >= 0, torch.log(F.relu(v) + 0.5), -F.softplus(-v))


class MinGRU(nn.Module):
    """One minGRU layer, x (N, T, D) -> h (N, T, H), by a loop, a parallel scan or in log space.

    Inputs (constructor): input_size D, hidden_size H, gate_bias (b_z's starting value),
    positive (candidates through g, needed by method="log"), seed, dtype (torch.float32 |
    torch.float64). Parameters: Wz (D, H), bz (H,), Wh (D, H), bh (H,) from min_gru_params.
    forward(x, h0=None, method="scan"); gates(x): z (N, T, H).
    """

    def __init__(
        self, input_size, hidden_size, *, gate_bias=0.0, positive=False, seed=0, dtype=torch.float32
    ):
        super().__init__()
        if dtype not in (torch.float32, torch.float64):
            raise ValueError(f"dtype must be torch.float32 or torch.float64, got {dtype}")
        positive = checks.switch("positive", positive)
        p = min_gru_params(input_size, hidden_size, gate_bias, seed)
        self.input_size, self.hidden_size, self.positive = input_size, hidden_size, positive
        for name, value in p.items():
            setattr(self, name, nn.Parameter(torch.tensor(value, dtype=dtype)))

    def _preactivations(self, x):
        checks.tensor("x", x, shape=(None, None, self.input_size), finite=False)
        if not x.is_floating_point():
            raise TypeError(f"x must be a float tensor, got {x.dtype}")
        if 0 in x.shape:
            raise ValueError(f"x must have no empty dimension, got shape {tuple(x.shape)}")
        x = x.to(self.Wz.dtype)
        return x @ self.Wz + self.bz, x @ self.Wh + self.bh  # (N, T, H) each

    def gates(self, x):
        """z_t = sigmoid(x_t W_z + b_z). Inputs: x (N, T, D). Returns: (N, T, H)"""
        return torch.sigmoid(self._preactivations(x)[0])

    def _steps(self, k, v):
        z = torch.sigmoid(k)
        candidate = positive_candidate(v) if self.positive else v
        return 1 - z, z * candidate  # a, b: (N, T, H)

    def scan_rounds(self, x):
        """The parallel scan's states after each round (rnnviz.models.scan.scan_rounds).

        Inputs: x: (N, T, D). Returns: list of ceil(log2 T) + 1 tensors (N, T, H).
        """
        return scan_rounds(*self._steps(*self._preactivations(x)))

    def forward(self, x, h0=None, method="scan"):
        """h_1..h_T. Inputs: x (N, T, D); h0 (N, H) or None (zeros; method="log" needs a
        positive h0 or None, which starts from h_0 = 0); method "loop" | "scan" | "log".
        Returns: (N, T, H)
        """
        checks.choice("method", method, METHODS)
        k, v = self._preactivations(x)  # (N, T, H) each
        if h0 is not None:
            checks.tensor("h0", h0, shape=(x.shape[0], self.hidden_size))
            if not h0.is_floating_point():
                raise TypeError(f"h0 must be a float tensor, got {h0.dtype}")
            h0 = h0.to(self.Wz.dtype)
        if method != "log":
            return (sequential_scan if method == "loop" else parallel_scan)(*self._steps(k, v), h0)
        if not self.positive:
            raise ValueError("method='log' needs positive candidates: build MinGRU(positive=True)")
        if h0 is not None and not bool((h0 > 0).all()):
            raise ValueError("h0 must be positive for method='log'")
        log_a = -F.softplus(k)  # log(1 - z)
        log_b = -F.softplus(-k) + log_positive_candidate(v)  # log z + log h~
        return log_space_scan(log_a, log_b, None if h0 is None else torch.log(h0))
