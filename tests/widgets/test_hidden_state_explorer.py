"""HiddenStateExplorer: draws rnnviz.gradients.hidden_state's view, updates it in place."""

import numpy as np
import pytest

from rnnviz.gradients.hidden_state import hidden_state_view, run_sequence
from rnnviz.widgets.hidden_state_explorer import (
    DH_BARS,
    DH_MAP,
    H_BARS,
    H_MAP,
    K_MARK,
    T_MARKS,
    X_EDIT,
    X_LINE,
    HiddenStateExplorer,
)
from rnnviz.widgets.traces import traces_by_name

T, D, H = 10, 2, 6  # the sizes of the tanh_rnn fixture (tests/conftest.py)


def test_explorer_draws_the_views_data(tanh_rnn):
    x, Wx, Wh, b = tanh_rnn
    explorer = HiddenStateExplorer(x, Wx, Wh, b, step=3, edit_step=5, value=2.0)
    traces = traces_by_name(explorer.figure)
    expected = hidden_state_view(x, Wx, Wh, b, edit_step=5, value=2.0, step=3)
    np.testing.assert_array_equal(traces[H_BARS].x, expected.h_step)
    np.testing.assert_array_equal(traces[DH_BARS].x, expected.dh_step)
    np.testing.assert_array_equal(np.asarray(traces[H_MAP].z), expected.h.T)
    np.testing.assert_array_equal(np.asarray(traces[DH_MAP].z), expected.dh.T)
    np.testing.assert_array_equal(traces[X_LINE].y, x[:, 0])
    assert list(traces[X_EDIT].x) == [5] and traces[X_EDIT].y[0] == 2.0
    assert list(traces[K_MARK].x) == [5, 5]
    assert all(list(traces[name].x) == [3, 3] for name in T_MARKS)
    titles = {a.text for a in explorer.figure.layout.annotations}
    assert {"h_t at t=3", "change at t=3"} <= titles
    assert repr(explorer._repr_mimebundle_()["text/plain"]) == "'<HiddenStateExplorer widget>'"


def test_explorer_sliders_update_the_figure_in_place(tanh_rnn):
    x, Wx, Wh, b = tanh_rnn
    explorer = HiddenStateExplorer(x, Wx, Wh, b)
    figure, before = explorer.figure, list(explorer.figure.data)
    traces = traces_by_name(figure)
    explorer.step.value = 4
    np.testing.assert_array_equal(traces[H_BARS].x, run_sequence(x, Wx, Wh, b)[3])
    assert list(traces[T_MARKS[0]].x) == [4, 4]
    explorer.edit_step.value = 6
    explorer.value.value = -1.5
    change = np.asarray(traces[DH_MAP].z)
    assert np.all(change[:, :5] == 0) and np.any(change[:, 5])
    assert explorer.figure is figure and all(a is b for a, b in zip(figure.data, before))
    assert len(figure.data) == len(before)


def test_explorer_starts_with_no_edit_when_no_value_is_given(tanh_rnn):
    x, Wx, Wh, b = tanh_rnn
    explorer = HiddenStateExplorer(x, Wx, Wh, b, edit_step=2)
    assert explorer.value.value == pytest.approx(x[1, 0])
    assert np.all(explorer.data.dh == 0)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(step=T + 1), ValueError, "step must be in"),
        (dict(edit_step=0), ValueError, rf"edit_step must be an int in \[1, {T}\]"),
        (dict(value=5.0), ValueError, r"value must be in \[-3.0, 3.0\]"),
    ],
)
def test_explorer_rejects_bad_arguments(tanh_rnn, kwargs, error, match):
    with pytest.raises(error, match=match):
        HiddenStateExplorer(*tanh_rnn, **kwargs)


def test_explorer_names_a_bad_edit_step_without_a_value(tanh_rnn):
    with pytest.raises(TypeError, match="edit_step must be an int"):
        HiddenStateExplorer(*tanh_rnn, edit_step="2")
    with pytest.raises(ValueError, match=rf"edit_step must be an int in \[1, {T}\]"):
        HiddenStateExplorer(*tanh_rnn, edit_step=T + 1)
