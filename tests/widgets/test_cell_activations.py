"""Tests for the CellActivations widget: picking a cell recolours the text in place."""

import numpy as np
import pytest
import torch

from rnnviz.charlm.interpret import activations, correlations, text_features
from rnnviz.charlm.model import CharLM
from rnnviz.widgets.cell_activations import CellActivations, coloured_text_html

SOURCE = 'def f(a, b="x"):\n    # note\n    return [a, (b)]\n' * 8


@pytest.fixture
def acts():
    torch.manual_seed(0)
    model = CharLM(sorted(set(SOURCE)), "lstm", 12, 6).eval()
    return activations(model, SOURCE)


def test_coloured_text_keeps_the_text_and_merges_equal_colours():
    html = coloured_text_html("a<b\n", np.array([1.0, 1.0, -1.0, 0.0]), scale=1.0)
    assert "a&lt;" in html and "rgba(214,39,40,0.85)" in html and "rgba(31,119,180,0.85)" in html
    assert html.count("<span") == 3


def test_picking_a_cell_updates_text_plot_and_r_in_place(acts):
    widget = CellActivations(acts, signal="c", cell=2, feature="bracket_depth", shown_chars=200)
    figure, line = widget.figure, widget.figure.data[0]
    np.testing.assert_allclose(line.y, acts.signals["c"][:200, 2])
    html_before, y_before = widget.output.value, np.asarray(line.y).copy()
    widget.cell.value = 5
    assert widget.figure is figure and widget.figure.data[0] is line and len(figure.data) == 2
    np.testing.assert_allclose(line.y, acts.signals["c"][:200, 5])
    assert not np.allclose(line.y, y_before) and widget.output.value != html_before
    feature = text_features(SOURCE[:200])["bracket_depth"]
    r = correlations(acts.signals["c"][:200, 5:6], {"f": feature})["f"][0]
    assert f"r = {r:+.3f}" in figure.layout.title.text
    np.testing.assert_array_equal(widget.figure.data[1].y, feature)


def test_gates_are_offered_and_drawn(acts):
    widget = CellActivations(acts, cell=0)
    assert [value for _, value in widget.signal.options] == list(acts.signals)
    widget.signal.value = "f"
    np.testing.assert_allclose(widget.figure.data[0].y, acts.signals["f"][:, 0])
    assert "forget gate" in widget.figure.layout.title.text
    assert widget.cell.max == 11


def test_rejects_what_is_not_activations():
    with pytest.raises(TypeError, match="Activations"):
        CellActivations({"c": np.zeros((3, 2))})


def test_nan_activations_are_gaps_and_grey_text(acts, assert_json_safe):
    acts.signals["h"][5:9, 1] = np.nan
    acts.signals["h"][10, 1] = np.inf
    widget = CellActivations(acts, signal="h", cell=1, shown_chars=40)
    y = list(widget.figure.data[0].y)
    assert y[5:9] == [None] * 4 and y[10] is None and y[4] is not None
    assert "rgba(127,127,127,0.6)" in widget.output.value
    assert "r = +nan" in widget.figure.layout.title.text
    assert_json_safe(widget.figure)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(cell=12), ValueError, r"cell must be an int in \[0, 11\], got 12"),
        (dict(cell=-1), ValueError, r"cell must be an int in \[0, 11\]"),
        (dict(signal="x"), ValueError, "signal must be one of"),
        (dict(feature="colour"), ValueError, "feature must be one of"),
        (dict(shown_chars=0), ValueError, "shown_chars must be an int >= 1"),
    ],
)
def test_bad_arguments_are_named(acts, kwargs, error, match):
    with pytest.raises(error, match=match):
        CellActivations(acts, **kwargs)


def test_a_cell_set_out_of_range_from_python_is_refused(acts):
    widget = CellActivations(acts)
    with pytest.raises(ValueError, match=r"cell must be an int in \[0, 11\], got 40"):
        widget.cell.value = 40
