"""A vanilla RNN's hidden state over time, and how it answers an edit to one input.

Lab 01's data: run h_t = tanh(x_t Wx + h_{t-1} Wh + b) over one sequence, change the input
at step k, run again, and subtract. Because every step applies the same function f_W to
(h_{t-1}, x_t), the two runs agree exactly before step k and differ from k on: causality,
and the shared weights carrying the edit forward (lecture 10).
Steps are numbered as in the lecture: h_0 is the initial state, reading x_t gives h_t,
t = 1..T.
"""

from dataclasses import dataclass

import numpy as np

from rnnviz import checks
from rnnviz.reference import rnn_forward


@dataclass(frozen=True)
class HiddenStateView:
    """Two runs of one RNN over one sequence, the second with x_k edited.

    - x, x_edited: (T, D) the inputs of each run
    - h, h_edited: (T, H) hidden states h_1..h_T of each run
    - dh: (T, H) h_edited - h, exactly 0 for t < k
    - edit_step: k in 1..T
    - step: the step t in 1..T being looked at
    """

    x: np.ndarray
    x_edited: np.ndarray
    h: np.ndarray
    h_edited: np.ndarray
    dh: np.ndarray
    edit_step: int
    step: int

    @property
    def h_step(self):
        """(H,) the hidden state h_t at the chosen step."""
        return self.h[self.step - 1]

    @property
    def dh_step(self):
        """(H,) the change of h_t at the chosen step."""
        return self.dh[self.step - 1]

    @property
    def max_change(self):
        """(T,) max over units of |dh_t|, one number per step."""
        return np.abs(self.dh).max(axis=1)


def run_sequence(x, Wx, Wh, b=None, h0=None):
    """Run a tanh RNN over one sequence with rnnviz.reference.rnn_forward.

    Inputs:
    - x: (T, D) inputs x_1..x_T
    - Wx: (D, H) input-to-hidden weights (the lecture's W_xh, transposed)
    - Wh: (H, H) hidden-to-hidden weights (the lecture's W_hh, transposed)
    - b: (H,) biases, zero if None (the lecture's RNN has none)
    - h0: (H,) initial state, zero if None

    Returns:
    - h: (T, H) hidden states h_1..h_T
    """
    checks.array("x", x, ndim=2)
    checks.array("Wh", Wh, ndim=2)
    H = Wh.shape[0]
    if H == 0:  # h0 and b are sized from Wh: an empty one would be blamed on them
        raise ValueError(f"Wh must have at least one unit, got shape {Wh.shape}")
    b = np.zeros(H) if b is None else b
    h0 = np.zeros(H) if h0 is None else checks.array("h0", h0, shape=(H,))
    h, _ = rnn_forward(x[None], h0[None], Wx, Wh, b)  # (1, T, H)
    return h[0]


def edit_input(x, edit_step, value, feature=0):
    """A copy of x with feature `feature` of x_k set to `value` (k counted from 1).

    Inputs:
    - x: (T, D) inputs
    - edit_step: k in 1..T
    - value: the new value, a finite real number
    - feature: which of the D features to set, 0..D-1

    Returns:
    - x_edited: (T, D)
    """
    checks.array("x", x, ndim=2)
    T, D = x.shape
    k = checks.positive_int("edit_step", edit_step)
    if k > T:
        raise ValueError(f"edit_step must be in 1..{T} (the length of x), got {k}")
    feature = checks.positive_int("feature", feature, minimum=0)
    if feature >= D:
        raise ValueError(f"feature must be in 0..{D - 1}, got {feature}")
    x_edited = np.array(x, dtype=np.float64, copy=True)
    x_edited[k - 1, feature] = checks.real_number("value", value)
    return x_edited


def hidden_state_view(x, Wx, Wh, b=None, h0=None, *, edit_step, value, step, feature=0):
    """Run the RNN on x and on x with x_k edited; look at step t.

    Inputs:
    - x: (T, D) inputs; Wx: (D, H); Wh: (H, H); b: (H,) or None; h0: (H,) or None
    - edit_step: k in 1..T, the step whose input is edited
    - value: the new value of feature `feature` of x_k
    - step: t in 1..T, the step to look at

    Returns:
    - view: HiddenStateView
    """
    x_edited = edit_input(x, edit_step, value, feature)
    t = checks.positive_int("step", step)
    if t > x.shape[0]:
        raise ValueError(f"step must be in 1..{x.shape[0]} (the length of x), got {t}")
    h = run_sequence(x, Wx, Wh, b, h0)
    h_edited = run_sequence(x_edited, Wx, Wh, b, h0)
    return HiddenStateView(
        x=x, x_edited=x_edited, h=h, h_edited=h_edited, dh=h_edited - h, edit_step=edit_step, step=t
    )
