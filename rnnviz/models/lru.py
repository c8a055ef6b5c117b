"""The Linear Recurrent Unit: a diagonal, complex, linear recurrence with eigenvalues on a ring.

Orvieto et al. 2023, "Resurrecting Recurrent Neural Networks for Long Sequences":

    x_k = Lambda x_{k-1} + gamma * (B u_k),    y_k = Re(C x_k) + D u_k,

with Lambda = diag(lambda), lambda = exp(-exp(nu) + i exp(theta)). Nothing nonlinear sits
inside the recurrence, so the Jacobian dx_k/dx_{k-1} is diag(lambda) and a gradient k steps
back is multiplied by lambda^k per mode: it decays as |lambda|^k, never faster.
- Ring initialisation (the paper's Lemma 3.2): |lambda|^2 uniform on [r_min^2, r_max^2]
  (uniform on the ring's area) and phase uniform on [0, max_phase].
- Normalisation: gamma = sqrt(1 - |lambda|^2) keeps E|x|^2 about |B u|^2 for white-noise
  inputs, where without it E|x|^2 = |B u|^2 / (1 - |lambda|^2) (500x at |lambda| = 0.999).
- The exp(-exp(nu)) parameterisation keeps |lambda| < 1 for every nu and makes a step in nu
  a small step in lambda near the unit circle (Zucchet and Orvieto 2024).

`lru_params` draws the weights in numpy (float64, the analyses' layout); `LRU` is the torch
layer holding them, with a loop and a parallel-scan form (rnnviz.models.scan).
"""

import math

import numpy as np
import torch
from torch import nn

from rnnviz import checks
from rnnviz.models.scan import parallel_scan, scan_rounds, sequential_scan

METHODS = ("loop", "scan")
TWO_PI = 2 * math.pi


def check_ring(r_min, r_max, max_phase):
    """Return (r_min, r_max, max_phase) as floats if 0 <= r_min <= r_max, 0.01 <= r_max <=
    0.9999 and 0 < max_phase <= 2 pi, else raise ValueError naming the argument.

    |lambda| = 1 would make nu = log(-log |lambda|) infinite, and a ring of radius near 0
    would round |lambda|^2 to 0; the bounds keep every parameter finite."""
    r_min = checks.real_number("r_min", r_min, low=0.0, high=0.9999)
    r_max = checks.real_number("r_max", r_max, low=0.01, high=0.9999)
    if r_min > r_max:
        raise ValueError(f"r_min must not exceed r_max, got r_min={r_min} > r_max={r_max}")
    max_phase = checks.real_number("max_phase", max_phase, low=0.0, high=TWO_PI)
    if max_phase == 0.0:
        raise ValueError("max_phase must be > 0 (theta = log(phase))")
    return r_min, r_max, max_phase


def ring_eigenvalues(hidden_size, r_min=0.0, r_max=0.99, max_phase=TWO_PI, seed=0):
    """Eigenvalues lambda drawn on the ring r_min <= |lambda| <= r_max (Lemma 3.2).

    |lambda|^2 = r_min^2 + u1 (r_max^2 - r_min^2) and phase = max_phase u2, u1, u2 in (0, 1].
    The same seed gives the same u1, u2 for every ring, so moving r_min, r_max or max_phase
    moves each eigenvalue smoothly.
    Inputs: hidden_size: H; r_min, r_max in [0, 1), r_min <= r_max; max_phase in (0, 2 pi];
    seed: int >= 0.
    Returns: (H,) complex128
    """
    modulus, phase = _ring(hidden_size, r_min, r_max, max_phase, seed)
    return modulus * np.exp(1j * phase)


def _ring(hidden_size, r_min, r_max, max_phase, seed):
    """(|lambda|, phase) of ring_eigenvalues: two (H,) float64 arrays."""
    H = checks.positive_int("hidden_size", hidden_size)
    r_min, r_max, max_phase = check_ring(r_min, r_max, max_phase)
    checks.seed("seed", seed)
    u1, u2 = 1.0 - np.random.default_rng([seed, 41]).uniform(size=(2, H))  # (0, 1]
    return np.sqrt(r_min**2 + u1 * (r_max**2 - r_min**2)), max_phase * u2


def lru_params(
    input_size, hidden_size, output_size=None, r_min=0.0, r_max=0.99, max_phase=TWO_PI, seed=0
):
    """The LRU's weights at the paper's initialisation, in numpy float64.

    nu_log, theta_log from the ring (lambda = exp(-exp(nu_log) + i exp(theta_log)));
    gamma_log = log sqrt(1 - |lambda|^2); B = (N(0,1) + i N(0,1)) / sqrt(2 D);
    C = (N(0,1) + i N(0,1)) / sqrt(H); D ~ N(0, 1/D) (the paper's skip, here a matrix).
    Inputs: input_size: D; hidden_size: H; output_size: P (default D); ring as in
    ring_eigenvalues; seed: int >= 0.
    Returns: dict nu_log, theta_log, gamma_log (H,) float64; B (H, D) and C (P, H)
    complex128; D (P, D) float64
    """
    D = checks.positive_int("input_size", input_size)
    modulus, phase = _ring(hidden_size, r_min, r_max, max_phase, seed)
    H = modulus.shape[0]
    P = D if output_size is None else checks.positive_int("output_size", output_size)
    rng = np.random.default_rng([seed, 43])
    return {
        "nu_log": np.log(-np.log(modulus)),
        "theta_log": np.log(phase),
        "gamma_log": 0.5 * np.log(1 - modulus**2),
        "B": (rng.standard_normal((H, D)) + 1j * rng.standard_normal((H, D))) / np.sqrt(2 * D),
        "C": (rng.standard_normal((P, H)) + 1j * rng.standard_normal((P, H))) / np.sqrt(H),
        "D": rng.standard_normal((P, D)) / np.sqrt(D),
    }


def lru_eigenvalues(params):
    """lambda = exp(-exp(nu_log) + i exp(theta_log)) of lru_params' dict. Returns: (H,) complex."""
    return np.exp(-np.exp(params["nu_log"]) + 1j * np.exp(params["theta_log"]))


class LRU(nn.Module):
    """One LRU layer, u (N, T, D) -> y (N, T, P), by a loop or a parallel scan.

    Inputs (constructor): input_size D, hidden_size H, output_size P (default D); r_min,
    r_max, max_phase (the ring, see ring_eigenvalues); seed (the weights); dtype
    torch.float32 | torch.float64 (the states are complex64 | complex128).
    Parameters: nu_log, theta_log, gamma_log (H,); B_re, B_im (H, D); C_re, C_im (P, H);
    D (P, D), initialised by lru_params.
    forward(u, method="scan"): y; states(u, method): x (N, T, H) complex; eigenvalues().
    """

    def __init__(
        self,
        input_size,
        hidden_size,
        output_size=None,
        *,
        r_min=0.0,
        r_max=0.99,
        max_phase=TWO_PI,
        seed=0,
        dtype=torch.float32,
    ):
        super().__init__()
        if dtype not in (torch.float32, torch.float64):
            raise ValueError(f"dtype must be torch.float32 or torch.float64, got {dtype}")
        p = lru_params(input_size, hidden_size, output_size, r_min, r_max, max_phase, seed)
        self.input_size, self.hidden_size = input_size, hidden_size
        self.output_size = p["C"].shape[0]

        def param(value):
            return nn.Parameter(torch.tensor(value, dtype=dtype))

        self.nu_log = param(p["nu_log"])
        self.theta_log = param(p["theta_log"])
        self.gamma_log = param(p["gamma_log"])
        self.B_re, self.B_im = param(p["B"].real), param(p["B"].imag)
        self.C_re, self.C_im = param(p["C"].real), param(p["C"].imag)
        self.D = param(p["D"])

    def eigenvalues(self):
        """lambda = exp(-exp(nu) + i exp(theta)). Returns: (H,) complex tensor."""
        return torch.exp(torch.complex(-torch.exp(self.nu_log), torch.exp(self.theta_log)))

    def _steps(self, u):
        checks.tensor("u", u, shape=(None, None, self.input_size), finite=False)
        if not u.is_floating_point():
            raise TypeError(f"u must be a float tensor, got {u.dtype}")
        if 0 in u.shape:
            raise ValueError(f"u must have no empty dimension, got shape {tuple(u.shape)}")
        u = u.to(self.nu_log.dtype)
        gamma = torch.exp(self.gamma_log)  # (H,)
        # Two real products: torch's CPU kernels for a complex matmul are several times slower.
        b = torch.complex(u @ self.B_re.T * gamma, u @ self.B_im.T * gamma)  # (N, T, H)
        a = self.eigenvalues().expand_as(b)  # (N, T, H)
        return a, b

    def states(self, u, method="scan"):
        """The complex states x_1..x_T (x_0 = 0).

        Inputs: u: (N, T, D); method: "loop" (T steps) | "scan" (ceil(log2 T) rounds).
        Returns: (N, T, H) complex
        """
        checks.choice("method", method, METHODS)
        a, b = self._steps(u)
        return (sequential_scan if method == "loop" else parallel_scan)(a, b)

    def scan_rounds(self, u):
        """The parallel scan's states after each round (rnnviz.models.scan.scan_rounds).

        Inputs: u: (N, T, D). Returns: list of ceil(log2 T) + 1 complex (N, T, H) tensors.
        """
        return scan_rounds(*self._steps(u))

    def forward(self, u, method="scan"):
        """y_k = Re(C x_k) + D u_k. Inputs: u (N, T, D); method as in states.
        Returns: (N, T, P)"""
        x = self.states(u, method)  # (N, T, H)
        u = u.to(self.D.dtype)
        return x.real @ self.C_re.T - x.imag @ self.C_im.T + u @ self.D.T  # Re(C x) + D u
