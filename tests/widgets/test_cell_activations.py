"""Tests for the CellActivations widget: every cell of every signal goes to the browser once,
and the frames the controls pick are the activations, features and correlations of
rnnviz.charlm.interpret."""

import json

import numpy as np
import pytest
import torch

import rnnviz.widgets.cell_activations as module
from rnnviz.charlm.interpret import FEATURES, activations, correlations, text_features
from rnnviz.charlm.model import CharLM
from rnnviz.widgets.cell_activations import CellActivations

SOURCE = 'def f(a, b="x"):\n    # note\n    return [a, (b)]\n' * 8


@pytest.fixture
def acts():
    torch.manual_seed(0)
    model = CharLM(sorted(set(SOURCE)), "lstm", 12, 6).eval()
    return activations(model, SOURCE)


def decode(codes) -> str:
    return "".join(chr(int(c)) for c in codes if c > 0)


def test_picking_a_cell_picks_its_frame(acts, shown):
    widget = CellActivations(acts, signal="c", cell=2, feature="bracket_depth", shown_chars=200)
    chart = widget.chart
    assert decode(shown(chart, "chars")) == SOURCE[:200] == widget.text
    np.testing.assert_allclose(shown(chart, "values"), acts.signals["c"][:200, 2], rtol=1e-6)
    spec, before = chart.spec, shown(chart, "values").copy()
    widget.cell.value = 5
    assert chart.spec is spec  # answered by picking a frame: nothing recomputed
    np.testing.assert_allclose(shown(chart, "values"), acts.signals["c"][:200, 5], rtol=1e-6)
    assert not np.allclose(shown(chart, "values"), before)
    feature = text_features(SOURCE[:200])["bracket_depth"]
    r = correlations(acts.signals["c"][:200, 5:6], {"f": feature})["f"][0]
    np.testing.assert_allclose(shown(chart, "r"), [r], rtol=1e-5)
    assert widget.data["r"] == pytest.approx(r)
    np.testing.assert_array_equal(shown(chart, "feature"), feature)
    assert shown(chart, "cell_no")[0] == 5
    assert decode(shown(chart, "signal_name")) == "cell state c"
    assert decode(shown(chart, "feature_name")) == FEATURES["bracket_depth"]
    # every cell of every signal, once: (signals, H, T)
    assert chart.data["values"]["shape"] == [len(acts.signals), 12, 200]
    assert widget._repr_mimebundle_()["text/plain"] == "<CellActivations widget>"
    json.dumps(chart.spec, allow_nan=False)


def test_the_text_is_coloured_on_the_cells_own_scale(acts, shown):
    widget = CellActivations(acts, signal="c", cell=3, shown_chars=100)
    text, line = widget.chart.spec["panels"][:2]
    assert text["kind"] == "chars" and text["values"] == "values" and text["crange"] == "crange"
    reach = np.abs(acts.signals["c"][:100, 3]).max()
    np.testing.assert_allclose(shown(widget.chart, "crange"), [-reach, reach], rtol=1e-6)
    lo, hi = shown(widget.chart, "y_range")
    assert lo < acts.signals["c"][:100, 3].min() and hi > acts.signals["c"][:100, 3].max()
    assert "{cell_no:.0f}" in line["title"] and "{r:+.3f}" in line["title"]
    widget.signal.value = "i"  # a gate: half-open is white
    np.testing.assert_allclose(shown(widget.chart, "crange"), [0.0, 1.0])


def test_gates_and_features_are_offered_and_picked(acts, shown):
    widget = CellActivations(acts, cell=0)
    assert [value for _, value in widget.signal.options] == list(acts.signals)
    assert widget.chart.spec["controls"]["signal"]["grid"] == list(acts.signals)
    widget.signal.value = "f"
    np.testing.assert_allclose(shown(widget.chart, "values"), acts.signals["f"][:, 0], rtol=1e-6)
    assert decode(shown(widget.chart, "signal_name")) == "forget gate f"
    widget.feature.value = "indent"
    np.testing.assert_array_equal(shown(widget.chart, "feature"), text_features(SOURCE)["indent"])
    assert widget.cell.max == 11


def test_controls_recompute_nothing(acts, monkeypatch):
    widget = CellActivations(acts)
    calls = []
    monkeypatch.setattr(module, "correlations", lambda *a, **k: calls.append(a))
    spec, data = widget.chart.spec, widget.chart.data
    widget.cell.value = 4
    widget.signal.value = "h"
    widget.feature.value = "indent"
    assert calls == [] and widget.chart.spec is spec and widget.chart.data is data


def test_rejects_what_is_not_activations():
    with pytest.raises(TypeError, match="Activations"):
        CellActivations({"c": np.zeros((3, 2))})


def test_nan_activations_are_gaps_and_grey_text(acts, shown):
    acts.signals["h"][5:9, 1] = np.nan
    acts.signals["h"][10, 1] = np.inf
    widget = CellActivations(acts, signal="h", cell=1, shown_chars=40)
    values = shown(widget.chart, "values")
    assert np.isnan(values[5:9]).all() and np.isinf(values[10]) and np.isfinite(values[4])
    assert np.isnan(shown(widget.chart, "r")[0])
    assert np.isfinite(shown(widget.chart, "y_range")).all()
    assert np.isfinite(shown(widget.chart, "crange")).all()
    assert widget.chart.spec["panels"][0]["missing_color"] == module.NON_FINITE_COLOUR
    json.dumps(widget.chart.spec, allow_nan=False)


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


def test_signals_of_different_sizes_are_refused_by_name(acts):
    acts.signals["h"] = acts.signals["h"][:, :4]
    with pytest.raises(ValueError, match=r"acts.signals must all have the same H"):
        CellActivations(acts)


def test_a_dropdowns_grid_must_be_its_options(acts):
    widget = CellActivations(acts)
    spec = dict(widget.chart.spec)
    spec["controls"] = dict(spec["controls"], signal={"grid": list(reversed(acts.signals))})
    with pytest.raises(ValueError, match="'signal''s grid must list its options' values"):
        widget.chart.show(spec, widget.chart.data, {"signal": widget.signal})
