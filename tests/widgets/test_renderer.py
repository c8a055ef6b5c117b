"""widgets.renderer: data entries pack frames as the front end reads them; panels are typed
values whose Refs are checked against the data; bad specs fail early."""

import dataclasses

import ipywidgets as widgets
import numpy as np
import pytest

from rnnviz.widgets.renderer import (
    HOT_CONTROL_CLASS,
    WIDGET_CLASS,
    BarSeries,
    BarsPanel,
    Chart,
    HBarSeries,
    HBarsPanel,
    HeatmapGroup,
    HeatmapPanel,
    ImageOutline,
    ImageOverlay,
    ImagePanel,
    Ref,
    Series,
    XYPanel,
    frame_at,
    frame_index,
    frames,
    labels,
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
        "panels": [XYPanel([10, 10, 100, 50], [Series("y", Ref("y"), x0=1, dx=1)])],
    }
    chart.show(spec, {"y": frames(np.eye(3), ["a"])}, controls={"a": slider})
    assert chart.spec["control_names"] == ["a"] and chart.controls == [slider]
    np.testing.assert_array_equal(shown(chart, "y"), [0, 1, 0])
    slider.value = 1.0
    np.testing.assert_array_equal(shown(chart, "y"), [0, 0, 1])
    with pytest.raises(ValueError, match="missing data 'z'"):
        bad = dict(spec, panels=[XYPanel([0, 0, 1, 1], [Series("z", Ref("z"))])])
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
        "panels": [ImagePanel([0, 0, 50, 50], Ref("rgb"), size=[2, 2])],
    }
    chart.show(spec, {"rgb": frames(rgb, ["a"], dtype="uint8")}, {"a": a, "b": b})
    assert chart.data["rgb"]["values"] == rgb.astype(np.uint8).tobytes()
    b.value = 1
    assert label(table, chart) == "a1 b1"
    with pytest.raises(ValueError, match="missing data 'alpha'"):
        chart.show(
            dict(
                spec,
                panels=[
                    ImagePanel(
                        [0, 0, 9, 9],
                        Ref("rgb"),
                        [2, 2],
                        overlay=ImageOverlay(Ref("alpha"), [1, 1], [], [0, 1]),
                    )
                ],
            ),
            {"rgb": frames(rgb, ["a"], dtype="uint8")},
            {"a": a, "b": b},
        )


def test_charts_share_one_library_holding_the_front_end():
    from rnnviz.front_end import CHART_DIR, CHART_FILES, chart_source
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


def test_a_panel_is_a_typed_value_sent_with_refs_as_names():
    series = [Series("y", Ref("y"), x0=1, dx=1)]
    cursor = dict(control="a", x0=1, markers=[dict(data=Ref("y"), fade=Ref("fade"))])
    panel = XYPanel([0, 0, 10, 10], series, y_range=Ref("y_range"), cursor=cursor)
    spec = panel.to_spec()
    assert spec["series"][0]["data"] == "y" and spec["y"]["range"] == "y_range"
    assert spec["cursor"]["markers"][0] == {"data": "y", "fade": "fade"}
    assert spec["kind"] == "xy" and spec["hover_mode"] == "x"
    assert list(spec)[-2:] == ["edge_colors", "cursor"]
    with pytest.raises(TypeError, match="y_titel"):
        XYPanel([0, 0, 10, 10], series, y_titel="loss")  # a misspelt field is refused
    with pytest.raises(dataclasses.FrozenInstanceError):
        panel.title = "changed"
    with pytest.raises(TypeError, match="Ref name must be a str"):
        Ref(3)
    # A series, a group, an overlay are typed values too: a misspelt field is refused, a dict
    # where one belongs is refused, and only the fields that are set are sent.
    assert spec["series"][0] == {"name": "y", "data": "y", "x0": 1, "dx": 1}
    for build, misspelt in (
        (lambda: Series("y", Ref("y"), colour="red"), "colour"),
        (lambda: BarSeries("v", Ref("v"), texts=".3f"), "texts"),
        (lambda: HBarSeries("v", Ref("v"), att={}), "att"),
        (lambda: HeatmapGroup(Ref("h"), 0, 1, 0, row=["a"]), "row"),
        (lambda: ImageOverlay(Ref("a"), [1, 1], [], [0, 1], opacty=0.5), "opacty"),
        (lambda: ImageOutline(Ref("p"), "cyan", widht=2), "widht"),
        (lambda: Series("y", Ref("y"), x="x"), "Series.x must be a Ref, got str"),
    ):
        with pytest.raises(TypeError, match=misspelt):
            build()
    for build, message in (
        (lambda: XYPanel([0] * 4, [dict(name="y", data=Ref("y"))]), "XYPanel.series must hold"),
        (lambda: BarsPanel([0] * 4, ["a"], [dict(name="v")]), "BarsPanel.series must hold"),
        (lambda: HBarsPanel([0] * 4, ["a"], [{}]), "HBarsPanel.series must hold"),
        (lambda: HeatmapPanel([0] * 4, [{}], "Viridis"), "HeatmapPanel.groups must hold"),
        (lambda: ImagePanel([0] * 4, Ref("i"), [1, 1], overlay={}), "ImagePanel.overlay"),
    ):
        with pytest.raises(TypeError, match=message):
            build()
    with pytest.raises(dataclasses.FrozenInstanceError):
        series[0].color = "red"
    # A heatmap's crange Ref is sent as {"data": name}: a bare name there is a share group.
    heat = HeatmapPanel([0, 0, 1, 1], [HeatmapGroup(Ref("h"), 0, 1, 0)], "Viridis", crange=Ref("c"))
    assert heat.to_spec()["crange"] == {"data": "c"}
    shared = HeatmapPanel([0, 0, 1, 1], [HeatmapGroup(Ref("h"), 0, 1, 0)], "Viridis", share="top")
    assert shared.to_spec()["crange"] == "top"


def test_show_finds_every_ref_a_panel_holds_and_refuses_a_bare_dict():
    slider = widgets.FloatSlider(0.5, min=0.0, max=1.0, step=0.5)
    data = {"y": frames(np.eye(3), ["a"])}
    spec = {"width": 200, "height": 100, "controls": {"a": {"grid": [0.0, 0.5, 1.0]}}}
    series = [Series("y", Ref("y"), x0=1, dx=1)]
    # a Ref deep in the cursor's markers, in a range, in a heatmap group: each is checked
    for panel, missing in (
        (XYPanel([0] * 4, series, cursor=dict(markers=[dict(data=Ref("m"))])), "m"),
        (XYPanel([0] * 4, series, x_range=Ref("xr")), "xr"),
        (HeatmapPanel([0] * 4, [HeatmapGroup(Ref("g"), 0, 1, 0)], "Viridis"), "g"),
    ):
        with pytest.raises(ValueError, match=f"missing data '{missing}'"):
            Chart().show(dict(spec, panels=[panel]), data, controls={"a": slider})
    with pytest.raises(TypeError, match="must hold Panels, got dict"):
        Chart().show(dict(spec, panels=[{"kind": "xy"}]), data, controls={"a": slider})


def test_frame_index_picks_the_packed_frame():
    spec = {"controls": {"a": {"grid": [0.1, 0.2, 0.3]}, "b": {"grid": ["x", "y"]}}}
    values = np.arange(3 * 2 * 4.0).reshape(3, 2, 4)
    entry = frames(values, ["a", "b"])
    for ia, a in enumerate((0.1, 0.21, 0.29)):
        for ib, b in enumerate("xy"):
            assert frame_index(entry, spec, {"a": a, "b": b}) == ia * 2 + ib
            np.testing.assert_array_equal(frame_at(entry, spec, {"a": a, "b": b}), values[ia, ib])
    star = dict(frames(np.arange(5.0)[:, None], ["a", "b"], star=True), shape=[5, 1])
    spec["base"] = {"a": 0.2, "b": "x"}
    assert frame_index(star, spec, {"a": 0.3, "b": "x"}) == 2
    assert frame_index(star, spec, {"a": 0.2, "b": "y"}) == 3 + 1
    assert frame_at(star, spec, {"a": 0.3, "b": "y"}) is None  # two moved: not sent yet


def test_an_xy_panel_names_its_hover_mode_and_bars_take_categories_or_labels():
    series = [Series("y", Ref("y"), x0=1, dx=1)]
    assert XYPanel([0] * 4, series, hover_mode="point").to_spec()["hover_mode"] == "point"
    with pytest.raises(ValueError, match="hover_mode must be one of"):
        XYPanel([0] * 4, series, hover_mode="nearest")
    names = labels([["a", "b"], ["c", "d"]], {"k": [0, 1]})
    bars = BarsPanel([0] * 4, (), [BarSeries("v", Ref("v"))], labels=names).to_spec()
    assert bars["kind"] == "bars" and bars["labels"] == names and bars["categories"] == []
    for categories, given in ((["a"], names), ((), None)):
        with pytest.raises(ValueError, match="categories or labels, one of them"):
            BarsPanel([0] * 4, categories, [], labels=given)


def test_every_widget_marks_its_outermost_element_and_its_chart(every_widget):
    # The page finds a widget's controls (keyboard focus) and its stored view by the class.
    for name, build in every_widget.items():
        widget = build()
        box = widget.box if hasattr(widget, "box") else widget
        assert WIDGET_CLASS in box._dom_classes, name
        assert WIDGET_CLASS in widget.chart._dom_classes, name
        widget.close()


def test_a_chart_sends_the_front_end_to_a_page_that_asks_for_it():
    # A page without the ChartLibrary model (Colab's per-output frames) asks the chart itself.
    from rnnviz.front_end import chart_source

    chart = Chart()
    replies = []
    chart.send = replies.append
    chart._message(chart, {"event": "library"}, [])
    chart._message(chart, {"event": "predict", "guess": 1}, [])  # not a request for the code
    assert replies == [
        {"event": "library", "source": chart_source(), "version": chart.library.version}
    ]


@pytest.mark.parametrize(
    "announce, error, words",
    [
        (42, TypeError, "announce"),
        (["s = {s:.2f}", 5], TypeError, "announce"),
        ("{nope:.2f}", ValueError, "missing data 'nope'"),
        ("{s:.2q}", ValueError, "format '.2q'"),
    ],
)
def test_a_bad_announce_template_is_refused_by_name(announce, error, words):
    chart = Chart()
    spec = {"width": 100, "height": 50, "panels": [], "controls": {}, "announce": announce}
    with pytest.raises(error, match=words):
        chart.show(spec, {"s": frames(np.array([0.5]), axes=[])}, {})
    spec["announce"] = ["s = {s:.2f}", "{s:pow}"]
    chart.show(spec, {"s": frames(np.array([0.5]), axes=[])}, {})
    chart.close()


def test_the_controls_a_chart_has_frames_for_are_marked_hot_in_their_state(every_widget):
    # A stored view keeps these usable (they pick saved frames) and dims the rest.
    widget = every_widget["GradientFlow"]()
    hot = set(widget.chart.spec["controls"])
    assert hot, "GradientFlow has hot controls"
    for name, control in zip(widget.chart.spec["control_names"], widget.chart.controls):
        assert (HOT_CONTROL_CLASS in control._dom_classes) == (name in hot), name
    cold = [c for c in widget.controls if c not in widget.chart.controls]
    assert cold and not any(HOT_CONTROL_CLASS in c._dom_classes for c in cold)
    widget.close()
