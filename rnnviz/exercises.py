"""The exercises' checks: a student's implementation against rnnviz.reference, CS231n-style.

Each check runs the student's function on fixed float64 inputs, compares its outputs with the
reference layer's by `rel_error`, and (for a backward pass) compares the student's analytic
gradients with numerical gradients of the student's own forward pass. It prints the errors,
as the assignment does, and raises AssertionError naming the first output that is off, so an
nbgrader test cell scores it. `exercises/rnn_exercises/rnn_exercises.ipynb` calls them.
"""

import numpy as np

from rnnviz.gradients.clipping import clip_by_norm
from rnnviz.gradients.flow import rnn_flow
from rnnviz.reference import gru, lstm, rnn, temporal
from rnnviz.reference.gradcheck import eval_numerical_gradient, gradient_check, rel_error

STEP_TOLERANCE = 1e-8  # CS231n's bar for one step, float64
GRADCHECK_TOLERANCE = 1e-7  # a centred difference's own error on these sizes stays below it
N, D, H, T, V = 3, 5, 4, 6, 7


def _inputs(seed: int, *shapes):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s) for s in shapes]


def _compare(name: str, got, want, tolerance: float = STEP_TOLERANCE) -> float:
    got = np.asarray(got, dtype=np.float64)
    if got.shape != np.shape(want):
        raise AssertionError(f"{name}: shape {got.shape}, expected {np.shape(want)}")
    error = rel_error(got, want)
    print(f"{name} relative error: {error:.2e}")
    if not error <= tolerance:
        raise AssertionError(f"{name}: relative error {error:.2e} > {tolerance:.0e}")
    return error


def _gradient_check(forward, backward, inputs: dict, douts) -> None:
    """The student's backward against numerical gradients of the student's own forward."""
    for name, error in gradient_check(forward, backward, inputs, douts).items():
        print(f"d{name} vs numerical gradient: {error:.2e}")
        if not error <= GRADCHECK_TOLERANCE:
            raise AssertionError(
                f"d{name}: relative error {error:.2e} to the numerical gradient "
                f"> {GRADCHECK_TOLERANCE:.0e}"
            )


def check_rnn_step_forward(rnn_step_forward) -> None:
    """next_h = tanh(x Wx + prev_h Wh + b) on fixed inputs, against the reference."""
    x, prev_h, Wx, Wh, b = _inputs(0, (N, D), (N, H), (D, H), (H, H), (H,))
    want, _ = rnn.rnn_step_forward(x, prev_h, Wx, Wh, b)
    got, _ = rnn_step_forward(x, prev_h, Wx, Wh, b)
    _compare("next_h", got, want)


def check_rnn_step_backward(rnn_step_forward, rnn_step_backward) -> None:
    """dx, dprev_h, dWx, dWh, db against the reference and against numerical gradients."""
    x, prev_h, Wx, Wh, b = _inputs(1, (N, D), (N, H), (D, H), (H, H), (H,))
    (dnext_h,) = _inputs(2, (N, H))
    _, cache = rnn.rnn_step_forward(x, prev_h, Wx, Wh, b)
    want = rnn.rnn_step_backward(dnext_h, cache)
    _, cache = rnn_step_forward(x, prev_h, Wx, Wh, b)
    got = rnn_step_backward(dnext_h, cache)
    for name, g, w in zip(("dx", "dprev_h", "dWx", "dWh", "db"), got, want):
        _compare(name, g, w)
    inputs = dict(x=x, prev_h=prev_h, Wx=Wx, Wh=Wh, b=b)
    _gradient_check(rnn_step_forward, rnn_step_backward, inputs, (dnext_h,))


def check_lstm_step_forward(lstm_step_forward) -> None:
    """next_h and next_c of one LSTM step (gates i, f, o, g), against the reference."""
    x, prev_h, prev_c, Wx, Wh, b = _inputs(
        4, (N, D), (N, H), (N, H), (D, 4 * H), (H, 4 * H), (4 * H,)
    )
    want_h, want_c, _ = lstm.lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b)
    got_h, got_c, _ = lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b)
    _compare("next_h", got_h, want_h)
    _compare("next_c", got_c, want_c)


def check_lstm_step_backward(lstm_step_forward, lstm_step_backward) -> None:
    """dx, dprev_h, dprev_c, dWx, dWh, db against the reference and numerical gradients."""
    x, prev_h, prev_c, Wx, Wh, b = _inputs(
        5, (N, D), (N, H), (N, H), (D, 4 * H), (H, 4 * H), (4 * H,)
    )
    dnext_h, dnext_c = _inputs(6, (N, H), (N, H))
    _, _, cache = lstm.lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b)
    want = lstm.lstm_step_backward(dnext_h, dnext_c, cache)
    _, _, cache = lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b)
    got = lstm_step_backward(dnext_h, dnext_c, cache)
    names = ("x", "prev_h", "prev_c", "Wx", "Wh", "b")
    for name, g, w in zip(names, got, want):
        _compare(f"d{name}", g, w)
    inputs = dict(x=x, prev_h=prev_h, prev_c=prev_c, Wx=Wx, Wh=Wh, b=b)
    _gradient_check(lstm_step_forward, lstm_step_backward, inputs, (dnext_h, dnext_c))


def check_gru_step_forward(gru_step_forward) -> None:
    """next_h of one GRU step (PyTorch's formulation, gates r, z, n), against the reference."""
    x, prev_h, Wx, Wh, bx, bh = _inputs(
        8, (N, D), (N, H), (D, 3 * H), (H, 3 * H), (3 * H,), (3 * H,)
    )
    want, _ = gru.gru_step_forward(x, prev_h, Wx, Wh, bx, bh)
    got, _ = gru_step_forward(x, prev_h, Wx, Wh, bx, bh)
    _compare("next_h", got, want)


def check_temporal_softmax_loss(temporal_softmax_loss) -> None:
    """The loss and dx against the reference, and dx against a numerical gradient."""
    (x,) = _inputs(9, (N, T, V))
    rng = np.random.default_rng(10)
    y = rng.integers(0, V, size=(N, T))
    mask = rng.random((N, T)) > 0.3
    want_loss, want_dx = temporal.temporal_softmax_loss(x, y, mask)
    loss, dx = temporal_softmax_loss(x, y, mask)
    _compare("loss", loss, want_loss)
    _compare("dx", dx, want_dx)
    numeric = eval_numerical_gradient(
        lambda z: temporal_softmax_loss(z, y, mask)[0], x.copy(), verbose=False
    )
    _compare("dx (numerical)", dx, numeric, tolerance=GRADCHECK_TOLERANCE)


def check_clip_by_norm(clip_by_norm_fn) -> None:
    """Pascanu's norm clipping over several arrays together, above and below the threshold."""
    grads = _inputs(11, (D, H), (H, H), (H,))
    total = float(np.sqrt(sum((g**2).sum() for g in grads)))
    for max_norm in (0.5 * total, 2.0 * total):
        want, want_norm = clip_by_norm(grads, max_norm)
        got, norm = clip_by_norm_fn([g.copy() for g in grads], max_norm)
        _compare(f"norm (max_norm {max_norm:.3f})", norm, want_norm)
        for k, (g, w) in enumerate(zip(got, want)):
            _compare(f"clipped[{k}] (max_norm {max_norm:.3f})", g, w)


def check_rnn_gradient_norms(rnn_gradient_norms) -> None:
    """||dL/dh_t|| for every t of a tanh RNN with L = h_T . w, against rnnviz.gradients.flow."""
    x, Wx, Wh, b, w = _inputs(12, (N, T, D), (D, H), (H, H), (H,), (H,))
    Wh *= 0.6  # a contracting RNN: the norms shrink back through time
    want = rnn_flow(x, dict(Wx=Wx, Wh=Wh, b=b), readout=w).grad_h
    got = rnn_gradient_norms(x, Wx, Wh, b, w)
    _compare("||dL/dh_t||", got, want)
