"""widgets.renderer: data entries pack frames as the front end reads them; bad specs fail early."""

import ipywidgets as widgets
import numpy as np
import pytest

from rnnviz.widgets.renderer import (
    Chart,
    frames,
    image_panel,
    labels,
    lines_panel,
    log10_or_edge,
)


def test_frames_are_float32_bytes_with_their_shape():
    values = np.arange(12.0).reshape(3, 4)
    entry = frames(values, axes=["radius"])
    assert entry["shape"] == [3, 4] and entry["dtype"] == "float32" and not entry["star"]
    np.testing.assert_array_equal(np.frombuffer(entry["values"], np.float32).reshape(3, 4), values)
    assert frames([1.0, 2.0], axes=[])["shape"] == [1, 2]  # one frame for every value
    assert len(frames([1e-65], axes=[], dtype="float64")["values"]) == 8


def test_log10_or_edge_marks_underflow_and_overflow():
    out = log10_or_edge([100.0, 0.0, np.inf, np.nan])
    np.testing.assert_array_equal(out, [2.0, -np.inf, np.inf, np.inf])


def test_show_sends_one_picture_and_checks_its_references(shown):
    slider = widgets.FloatSlider(0.5, min=0.0, max=1.0, step=0.5)
    chart = Chart()
    spec = {
        "width": 200,
        "height": 100,
        "controls": {"a": {"grid": [0.0, 0.5, 1.0]}},
        "panels": [lines_panel([10, 10, 100, 50], [dict(name="y", data="y", x0=1, dx=1)])],
    }
    chart.show(spec, {"y": frames(np.eye(3), ["a"])}, controls={"a": slider})
    assert chart.spec["control_names"] == ["a"] and chart.controls == [slider]
    np.testing.assert_array_equal(shown(chart, "y"), [0, 1, 0])
    slider.value = 1.0
    np.testing.assert_array_equal(shown(chart, "y"), [0, 0, 1])
    with pytest.raises(ValueError, match="missing data 'z'"):
        bad = dict(spec, panels=[lines_panel([0, 0, 1, 1], [dict(name="z", data="z")])])
        chart.show(bad, {}, controls={"a": slider})
    with pytest.raises(ValueError, match="unknown controls"):
        chart.show(spec, {"y": frames(np.eye(3), ["b"])}, controls={"a": slider})


def test_labels_pack_like_frames_and_uint8_frames_carry_images(label):
    chart = Chart()
    a, b = widgets.IntSlider(1, max=2), widgets.IntSlider(0, max=1)
    table = labels(
        [["a0 b0", "a0 b1"], ["a1 b0", "a1 b1"], ["a2 b0", "a2 b1"]], {"a": [0, 1, 2], "b": [0, 1]}
    )
    assert table["values"] == ["a0 b0", "a0 b1", "a1 b0", "a1 b1", "a2 b0", "a2 b1"]
    with pytest.raises(ValueError, match="labels: 5 values for grids of 6 positions"):
        labels(["x"] * 5, {"a": [0, 1, 2], "b": [0, 1]})
    rgb = np.arange(3 * 2 * 2 * 3).reshape(3, 2, 2, 3)
    spec = {
        "width": 100,
        "height": 100,
        "controls": {"a": {"grid": [0, 1, 2]}, "b": {"grid": [0, 1]}},
        "panels": [image_panel([0, 0, 50, 50], "rgb", size=[2, 2])],
    }
    chart.show(spec, {"rgb": frames(rgb, ["a"], dtype="uint8")}, {"a": a, "b": b})
    assert chart.data["rgb"]["values"] == rgb.astype(np.uint8).tobytes()
    b.value = 1
    assert label(table, chart) == "a1 b1"
    with pytest.raises(ValueError, match="missing data 'alpha'"):
        chart.show(
            dict(
                spec, panels=[image_panel([0, 0, 9, 9], "rgb", [2, 2], overlay={"data": "alpha"})]
            ),
            {"rgb": frames(rgb, ["a"], dtype="uint8")},
            {"a": a, "b": b},
        )


def test_charts_share_one_library_holding_the_front_end():
    from rnnviz.widgets.front_end import CHART_DIR, CHART_FILES, chart_source
    from rnnviz.widgets.renderer import Chart, chart_library

    first, second = Chart(), Chart()
    assert first.library is second.library is chart_library()
    assert first.library.source == chart_source()
    # Every file of static/chart/ is joined, once, and each within the length a file may have.
    files = sorted(str(p.relative_to(CHART_DIR)) for p in CHART_DIR.rglob("*.js"))
    assert sorted(CHART_FILES) == files
    assert all(len((CHART_DIR / f).read_text().splitlines()) <= 300 for f in files)
    state = first.get_state()
    assert state["library"] == f"IPY_MODEL_{first.library.model_id}"
    assert len(state["_esm"]) < 2_000  # the stub that imports the library's source
    first.library.close()
    assert Chart().library is not first.library  # a closed library is replaced
