"""Recurrent weights built from the knobs that decide whether gradients vanish.

The recurrent matrix W_hh of a vanilla RNN is made at a chosen spectral radius (its largest
|eigenvalue|) in one of three ways: gaussian, orthogonal, or identity (the IRNN of Le, Jaitly
and Hinton 2015). The LSTM and GRU get PyTorch's default initialisation, U(-1/sqrt(H),
1/sqrt(H)) for every weight and both biases, optionally with the LSTM's forget-gate bias set
(Jozefowicz, Zaremba and Sutskever 2015 recommend 1).

Weights are numpy float64 in the row-vector layout of rnnviz.reference and
`rnnviz.models.cells.*.reference_params()`: h_t = tanh(x_t Wx + h_{t-1} Wh + b), so Wh is the
transpose of the lecture's W_hh (same singular values, same spectral radius).
"""

import numpy as np

from rnnviz import checks

INITS = ("gaussian", "orthogonal", "identity")
# The spectral radius takes every eigenvalue of the (H, H) draw: O(H^3) time, about a second
# at H = 512 on one core (checks.WIDGET_SECONDS), so hidden_size stops there.
MAX_HIDDEN = 512
# A forget-gate bias in [-100, 100]: past +-40 a sigmoid is already exactly 0 or 1 in float64,
# and far beyond it the value no longer fits a float32 weight.
FORGET_BIAS_RANGE = (-100.0, 100.0)


def check_forget_bias(forget_bias) -> float:
    """Return `forget_bias` as a float in FORGET_BIAS_RANGE, else raise naming it."""
    low, high = FORGET_BIAS_RANGE
    return checks.real_number("forget_bias", forget_bias, low=low, high=high)


def recurrent_matrix(hidden_size, spectral_radius=1.0, init="gaussian", seed=0):
    """A square recurrent matrix whose spectral radius is exactly `spectral_radius`.

    - gaussian: N(0, 1) entries rescaled; its largest singular value is about twice its
      spectral radius, so Pascanu's sufficient condition s < 1 is much stricter than rho < 1.
    - orthogonal: a random rotation times rho; every singular value equals rho.
    - identity: rho * I, the IRNN.
    The same `seed` gives the same direction at every radius, so a slider that moves the
    radius only rescales the matrix.

    Inputs:
    - hidden_size: H, an int in [1, MAX_HIDDEN = 512]
    - spectral_radius: rho > 0
    - init: "gaussian" | "orthogonal" | "identity"
    - seed: int
    Returns:
    - W: (H, H) float64
    """
    H = checks.positive_int("hidden_size", hidden_size, maximum=MAX_HIDDEN)
    rho = checks.real_number("spectral_radius", spectral_radius, low=0.0)
    if rho == 0.0:
        raise ValueError("spectral_radius must be > 0, got 0.0")
    checks.choice("init", init, INITS)
    checks.seed("seed", seed)
    if init == "identity":
        return rho * np.eye(H)
    A = np.random.default_rng([seed, 7]).standard_normal((H, H))
    if init == "orthogonal":
        Q, R = np.linalg.qr(A)
        # Fixing the signs by R's diagonal makes Q uniformly distributed (Mezzadri 2007).
        return rho * Q * np.sign(np.diag(R))
    return A * (rho / np.max(np.abs(np.linalg.eigvals(A))))


def _uniform(rng, shape, hidden_size):
    """PyTorch's default for recurrent layers: U(-1/sqrt(H), 1/sqrt(H))."""
    bound = 1.0 / np.sqrt(hidden_size)
    return rng.uniform(-bound, bound, size=shape)


def _sizes(input_size, hidden_size, seed):
    D = checks.positive_int("input_size", input_size)
    H = checks.positive_int("hidden_size", hidden_size, maximum=MAX_HIDDEN)
    checks.within_budget(  # an LSTM's (D, 4H) and (H, 4H) float64 blocks and their draws
        {"input_size": D, "hidden_size": H}, 2 * 4 * H * (D + H + 1), what="weights"
    )
    checks.seed("seed", seed)
    return D, H


def rnn_params(input_size, hidden_size, spectral_radius=1.0, init="gaussian", seed=0):
    """Weights of a vanilla RNN whose recurrent matrix has the given spectral radius.

    Wx has PyTorch's default initialisation; the bias is zero, as in the IRNN, so the only
    thing the knobs change is the recurrence.

    Inputs:
    - input_size: D; hidden_size: H
    - spectral_radius, init: see `recurrent_matrix`
    - seed: int
    Returns: dict with
    - Wx: (D, H), Wh: (H, H), b: (H,)   all float64
    """
    D, H = _sizes(input_size, hidden_size, seed)
    rng = np.random.default_rng([seed, 11])
    return {
        "Wx": _uniform(rng, (D, H), H),
        "Wh": recurrent_matrix(H, spectral_radius, init, seed),
        "b": np.zeros(H),
    }


def lstm_params(input_size, hidden_size, forget_bias=None, seed=0):
    """Weights of an LSTM at PyTorch's default initialisation, gate blocks in i, f, o, g order.

    PyTorch keeps two biases (b_ih + b_hh); here they are summed. `forget_bias`, if given,
    sets the whole forget-gate bias (the sum) to that value.

    Inputs:
    - input_size: D; hidden_size: H
    - forget_bias: None (PyTorch's default) or a real number in [-100, 100], e.g. 1.0
    - seed: int
    Returns: dict with
    - Wx: (D, 4H), Wh: (H, 4H), b: (4H,)   all float64
    """
    D, H = _sizes(input_size, hidden_size, seed)
    rng = np.random.default_rng([seed, 13])
    params = {
        "Wx": _uniform(rng, (D, 4 * H), H),
        "Wh": _uniform(rng, (H, 4 * H), H),
        "b": _uniform(rng, 4 * H, H) + _uniform(rng, 4 * H, H),
    }
    if forget_bias is not None:
        params["b"][H : 2 * H] = check_forget_bias(forget_bias)
    return params


def gru_params(input_size, hidden_size, seed=0):
    """Weights of a GRU at PyTorch's default initialisation, gate blocks in r, z, n order.

    The GRU keeps both biases because n = tanh(x Wx_n + bx_n + r * (h Wh_n + bh_n)).

    Inputs:
    - input_size: D; hidden_size: H
    - seed: int
    Returns: dict with
    - Wx: (D, 3H), Wh: (H, 3H), bx: (3H,), bh: (3H,)   all float64
    """
    D, H = _sizes(input_size, hidden_size, seed)
    rng = np.random.default_rng([seed, 17])
    return {
        "Wx": _uniform(rng, (D, 3 * H), H),
        "Wh": _uniform(rng, (H, 3 * H), H),
        "bx": _uniform(rng, 3 * H, H),
        "bh": _uniform(rng, 3 * H, H),
    }
