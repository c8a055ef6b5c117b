"""HiddenStateExplorer without a browser: the frames it sends are hidden_state_view's numbers
at every position of its sliders, so the page only picks one."""

import numpy as np
import pytest

from rnnviz.gradients.hidden_state import hidden_state_view
from rnnviz.widgets import hidden_state_explorer
from rnnviz.widgets.hidden_state_explorer import VALUES, HiddenStateExplorer

T, D, H = 10, 2, 6  # the sizes of the tanh_rnn fixture (tests/conftest.py)


def from_page(slider, value):
    """Set a slider as ipywidgets applies a value the page sent."""
    with slider._lock_property(value=value):
        slider.value = value


def assert_shows(shown, chart, view):
    """What the page draws for the controls' current values is `view`'s data (float32)."""
    k = view.edit_step
    close = dict(rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(shown(chart, "x"), view.x[:, 0], **close)
    np.testing.assert_allclose(shown(chart, "h"), view.h, **close)
    np.testing.assert_allclose(shown(chart, "dh"), view.dh, **close)
    edited = shown(chart, "x_edited")
    assert np.isnan(np.delete(edited, k - 1)).all()
    assert edited[k - 1] == pytest.approx(view.x_edited[k - 1, 0], abs=1e-6)
    both = np.concatenate([view.x[:, 0], view.x_edited[:, 0]])
    np.testing.assert_allclose(
        shown(chart, "x_range"), [both.min() - 0.2, both.max() + 0.2], **close
    )
    m = max(np.abs(view.dh).max(), 1e-12)
    np.testing.assert_allclose(shown(chart, "dh_crange"), [-m, m], **close)
    np.testing.assert_allclose(shown(chart, "dh_xrange"), [-1.05 * m, 1.05 * m], **close)
    assert shown(chart, "t_now")[0] == view.step


def test_every_edit_has_its_frame(tanh_rnn):
    x, Wx, Wh, b = tanh_rnn
    explorer = HiddenStateExplorer(x, Wx, Wh, b, step=3, edit_step=5, value=2.0)
    assert not explorer.star
    entry = explorer.chart.data["dh"]
    assert entry["axes"] == ["edit_step", "value"] and entry["shape"] == [T, len(VALUES), T, H]
    dh = np.frombuffer(entry["values"], dtype=np.float32).reshape(entry["shape"])
    for k in range(1, T + 1):
        for i in (0, 17, 30, 50, len(VALUES) - 1):
            view = hidden_state_view(x, Wx, Wh, b, edit_step=k, value=VALUES[i], step=1)
            np.testing.assert_allclose(dh[k - 1, i], view.dh, rtol=1e-6, atol=1e-7)
    # The grids are the sliders' own positions.
    controls = explorer.chart.spec["controls"]
    assert controls["step"]["grid"] == controls["edit_step"]["grid"] == list(range(1, T + 1))
    grid = np.asarray(controls["value"]["grid"])
    assert grid[0] == explorer.value.min and grid[-1] == explorer.value.max
    assert np.allclose(np.diff(grid), explorer.value.step)


def test_the_page_answers_every_slider_from_the_frames_it_holds(tanh_rnn, shown):
    x, Wx, Wh, b = tanh_rnn
    explorer = HiddenStateExplorer(x, Wx, Wh, b, step=3, edit_step=5, value=2.0)
    chart, data = explorer.chart, explorer.chart.data
    assert_shows(shown, chart, hidden_state_view(x, Wx, Wh, b, edit_step=5, value=2.0, step=3))
    from_page(explorer.step, 7)
    from_page(explorer.edit_step, 2)
    from_page(explorer.value, -1.5)
    assert chart.data is data  # nothing recomputed: the page picked other frames
    view = hidden_state_view(x, Wx, Wh, b, edit_step=2, value=-1.5, step=7)
    assert_shows(shown, chart, view)
    assert np.all(shown(chart, "dh")[:1] == 0) and np.any(shown(chart, "dh")[1])
    # The kernel's sliders are the truth: `data` is the view the page draws.
    np.testing.assert_array_equal(explorer.data.dh, view.dh)
    assert explorer.data.step == 7 and explorer.data.h_step is not None


def test_the_picture_shows_t_and_k(tanh_rnn):
    explorer = HiddenStateExplorer(*tanh_rnn, step=3, edit_step=5, value=2.0)
    panels = {p["title"]: p for p in explorer.chart.spec["panels"]}
    assert {"h_t at t={t_now:.0f}", "change at t={t_now:.0f}"} <= set(panels)
    h_bars = panels["h_t at t={t_now:.0f}"]
    assert h_bars["kind"] == "hbars" and h_bars["series"][0]["at"]["control"] == "step"
    change_map = panels["change h(edited) - h: zero before k"]
    assert [m["control"] for m in change_map["marks"]] == ["step", "edit_step"]
    assert change_map["crange"] == {"data": "dh_crange"} and change_map["colorbar"] == "change"
    assert panels["hidden state h_t: units x time"]["crange"] == [-1, 1]
    assert repr(explorer._repr_mimebundle_()["text/plain"]) == "'<HiddenStateExplorer widget>'"


def test_a_value_set_from_python_between_positions_moves_to_the_nearest_and_is_shown(
    tanh_rnn, shown
):
    x, Wx, Wh, b = tanh_rnn
    explorer = HiddenStateExplorer(x, Wx, Wh, b, edit_step=4)
    explorer.value.value = 1.234
    assert explorer.value.value == 1.2
    assert 1.2 in explorer.chart.spec["controls"]["value"]["grid"]
    assert_shows(
        shown, explorer.chart, hidden_state_view(x, Wx, Wh, b, edit_step=4, value=1.2, step=1)
    )


def test_explorer_starts_with_no_edit_when_no_value_is_given(tanh_rnn, shown):
    x, Wx, Wh, b = tanh_rnn
    explorer = HiddenStateExplorer(x, Wx, Wh, b, edit_step=2)
    assert explorer.value.value == pytest.approx(x[1, 0])
    assert np.all(explorer.data.dh == 0)
    assert np.all(shown(explorer.chart, "dh") == 0)


def test_long_sequences_send_star_frames_and_recompute_when_the_student_lets_go(
    tanh_rnn, shown, monkeypatch
):
    monkeypatch.setattr(hidden_state_explorer, "MAX_PRODUCT_FLOATS", 0)
    x, Wx, Wh, b = tanh_rnn
    explorer = HiddenStateExplorer(x, Wx, Wh, b, edit_step=5, value=2.0)
    chart = explorer.chart
    assert explorer.star and chart.spec["base"] == {"edit_step": 5, "value": 2.0}
    assert chart.data["dh"]["shape"] == [T + len(VALUES), T, H]
    # One edit slider moved: answered from the frames.
    from_page(explorer.value, -0.5)
    assert_shows(shown, chart, hidden_state_view(x, Wx, Wh, b, edit_step=5, value=-0.5, step=1))
    # Both moved: not sent yet (the page says "recomputing") until the page settles.
    from_page(explorer.edit_step, 8)
    assert shown(chart, "dh") is None
    chart._message(chart, {"event": "settle", "state": {"edit_step": 8, "value": -0.5}}, [])
    assert chart.spec["base"] == {"edit_step": 8, "value": -0.5}
    assert_shows(shown, chart, hidden_state_view(x, Wx, Wh, b, edit_step=8, value=-0.5, step=1))
    # A change from Python recomputes at once.
    explorer.edit_step.value = 3
    assert chart.spec["base"]["edit_step"] == 3
    assert_shows(shown, chart, hidden_state_view(x, Wx, Wh, b, edit_step=3, value=-0.5, step=1))


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


def test_sliders_refuse_out_of_range_values_by_name(tanh_rnn):
    explorer = HiddenStateExplorer(*tanh_rnn)
    with pytest.raises(ValueError, match="value must be in"):
        explorer.value.value = 4.0
    with pytest.raises(ValueError, match="step must be an int in"):
        explorer.step.value = T + 1
