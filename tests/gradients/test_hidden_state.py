"""rnnviz.gradients.hidden_state: a tanh RNN's states step by step, and what one edit changes."""

import numpy as np
import pytest

from rnnviz.gradients.hidden_state import edit_input, hidden_state_view, run_sequence
from rnnviz.models.weight_init import rnn_params
from rnnviz.reference import rnn_step_forward

T, D, H = 10, 2, 6  # the sizes of the tanh_rnn fixture (tests/conftest.py)


def test_run_sequence_is_the_step_loop(tanh_rnn):
    x, Wx, Wh, b = tanh_rnn
    h0 = np.linspace(-0.5, 0.5, H)
    h = run_sequence(x, Wx, Wh, b, h0)
    prev_h = h0[None]
    for t in range(T):
        prev_h, _ = rnn_step_forward(x[t][None], prev_h, Wx, Wh, b)
        np.testing.assert_array_equal(h[t], prev_h[0])


def test_edit_input_changes_exactly_one_entry_and_copies(tanh_rnn):
    x = tanh_rnn[0]
    x_before = x.copy()
    x_edited = edit_input(x, edit_step=4, value=9.0, feature=1)
    np.testing.assert_array_equal(x, x_before)
    assert x_edited[3, 1] == 9.0
    assert np.count_nonzero(x_edited != x) == 1


@pytest.mark.parametrize("edit_step", [1, 4, T])
def test_an_edit_changes_nothing_before_its_step_and_something_from_it_on(tanh_rnn, edit_step):
    x, Wx, Wh, b = tanh_rnn
    view = hidden_state_view(
        x, Wx, Wh, b, edit_step=edit_step, value=x[edit_step - 1, 0] + 1, step=1
    )
    assert np.all(view.dh[: edit_step - 1] == 0.0)  # exactly: causality
    assert np.all(view.max_change[edit_step - 1 :] > 0)
    np.testing.assert_array_equal(view.dh, view.h_edited - view.h)


def test_the_view_looks_at_the_chosen_step(tanh_rnn):
    x, Wx, Wh, b = tanh_rnn
    view = hidden_state_view(x, Wx, Wh, b, edit_step=2, value=1.0, step=7)
    np.testing.assert_array_equal(view.h_step, view.h[6])
    np.testing.assert_array_equal(view.dh_step, view.dh[6])
    assert view.max_change.shape == (T,)


def test_a_contracting_rnn_forgets_an_edit_and_an_expanding_one_amplifies_it(tanh_rnn):
    # Lab 01's last exercise: the effect of x_1 on h_T shrinks at radius 0.9, grows at 1.5.
    x = tanh_rnn[0]
    ratios = {}
    for radius in (0.9, 1.5):
        p = rnn_params(D, H, spectral_radius=radius, seed=0)
        view = hidden_state_view(
            x, p["Wx"], p["Wh"], p["b"], edit_step=1, value=x[0, 0] + 0.01, step=1
        )
        ratios[radius] = view.max_change[-1] / view.max_change[0]
    assert ratios[0.9] < 1 < ratios[1.5]


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(edit_step=0), ValueError, "edit_step must be an int >= 1"),
        (dict(edit_step=T + 1), ValueError, rf"edit_step must be in 1..{T}"),
        (dict(edit_step=2.0), TypeError, "edit_step must be an int"),
        (dict(step=T + 1), ValueError, rf"step must be in 1..{T}"),
        (dict(step=0), ValueError, "step must be an int >= 1"),
        (dict(value=np.nan), ValueError, "value must be finite"),
        (dict(value="1"), TypeError, "value must be a real number"),
        (dict(feature=D), ValueError, rf"feature must be in 0..{D - 1}"),
    ],
)
def test_hidden_state_view_rejects_bad_arguments(tanh_rnn, kwargs, error, match):
    x, Wx, Wh, b = tanh_rnn
    args = dict(edit_step=1, value=0.0, step=1) | kwargs
    with pytest.raises(error, match=match):
        hidden_state_view(x, Wx, Wh, b, **args)


@pytest.mark.parametrize(
    "change, error, match",
    [
        (lambda a: a.update(x=a["x"][0]), ValueError, "x must have 2 dimensions"),
        (lambda a: a.update(x=a["x"].tolist()), TypeError, "x must be a numpy array"),
        (lambda a: a.update(Wh=a["Wh"][:, :3]), ValueError, "Wh must have shape"),
        (lambda a: a.update(Wx=np.full_like(a["Wx"], np.nan)), ValueError, "Wx contains NaN"),
        (lambda a: a.update(h0=np.zeros(H + 1)), ValueError, rf"h0 must have shape \({H}\)"),
    ],
)
def test_run_sequence_rejects_bad_arrays(tanh_rnn, change, error, match):
    x, Wx, Wh, b = tanh_rnn
    args = dict(x=x, Wx=Wx, Wh=Wh, b=b, h0=None)
    change(args)
    with pytest.raises(error, match=match):
        run_sequence(**args)
