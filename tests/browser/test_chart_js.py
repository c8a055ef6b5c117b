"""static/chart.js's pure functions, run in headless Chromium: frame indexing agrees with the
Python packing (widgets.renderer.frames), formats and ticks are what the axes need."""

import base64

import numpy as np
import pytest

from rnnviz.widgets.renderer import STATIC

pytestmark = pytest.mark.browser


@pytest.fixture
def js(browser):
    """Call one of chart.js's exported functions in a blank page: js("nearest", grid, v)."""
    source = base64.b64encode((STATIC / "chart.js").read_bytes()).decode()
    page = browser.new_page()
    page.evaluate(
        f"async () => {{ window.chart = await import('data:text/javascript;base64,{source}'); }}"
    )

    def call(name, *args):
        return page.evaluate(f"args => window.chart.{name}(...args)", list(args))

    yield call
    page.close()


def test_product_frames_follow_the_python_packing(js):
    spec = {"controls": {"a": {"grid": [0.1, 0.2, 0.3]}, "b": {"grid": [-1, 1]}}}
    entry = {"axes": ["a", "b"], "star": False}
    values = np.arange(3 * 2).reshape(3, 2)  # frames(values, ["a", "b"]): one per (a, b)
    for a, ia in ((0.1, 0), (0.21, 1), (0.3, 2)):
        for b, ib in ((-1, 0), (1, 1)):
            assert js("frameOf", entry, {"a": a, "b": b}, spec) == values[ia, ib]


def test_star_frames_answer_one_moved_control(js):
    spec = {"controls": {"a": {"grid": [0, 1, 2]}, "b": {"grid": [0, 1]}}, "base": {"a": 1, "b": 0}}
    entry = {"axes": ["a", "b"], "star": True}
    assert js("frameOf", entry, {"a": 1, "b": 0}, spec) == 1  # at base: a's frame 1
    assert js("frameOf", entry, {"a": 2, "b": 0}, spec) == 2
    assert js("frameOf", entry, {"a": 1, "b": 1}, spec) == 3 + 1  # b's block starts at 3
    assert js("frameOf", entry, {"a": 2, "b": 1}, spec) is None  # two moved: not sent yet


def test_formats_match_python(js):
    for value, spec in ((0.123456, ".3f"), (2.3692648e-65, ".1e"), (1500.0, ".2e")):
        assert js("format", value, spec) == format(value, spec)
    assert js("format", -5, "pow") == "10\u207b\u2075"


def test_log_range_and_ticks(js):
    assert js("logRange", [-20, 0]) == pytest.approx([-21.2, 1.2])
    assert js("logRange", [0, 0.5]) == pytest.approx([-1.25, 1.75])  # at least 3 decades
    assert js("niceTicks", 0, 100, False) == [0, 20, 40, 60, 80, 100]
    assert js("niceTicks", -21.2, 1.2, True) == [-20, -16, -12, -8, -4, 0]
    assert js("scaleColor", [[0, "#000000"], [1, "rgb(255,255,255)"]], 0.5) == "rgb(128,128,128)"


def test_labels_follow_the_frames_packing(js):
    table = {"axes": ["a", "b"], "grids": [[0, 1, 2], [0.5, 1.5]], "values": list("uvwxyz")}
    assert js("pickLabel", table, {"a": 2, "b": 0.5}) == "y"
    assert js("pickLabel", table, {"a": 0.9, "b": 1.4}) == "x"  # the nearest grid positions
    assert js("pickLabel", "fixed", {}) == "fixed"


def test_rgba_scale_interpolates_the_alpha(js):
    glow = [[0, "rgba(255,255,255,0)"], [0.6, "rgba(255,220,60,0.3)"], [1, "#ffffff"]]
    assert js("scaleRGBA", glow, 0) == "rgba(255,255,255,0)"
    assert js("scaleRGBA", glow, 0.3) == "rgba(255,238,158,0.15)"
    assert js("scaleRGBA", glow, 2) == "rgba(255,255,255,1)"  # clamped; "#rrggbb" is opaque


def test_image_panel_draws_the_image_under_its_overlay_and_outline(js, browser):
    """A 2x2 RGB frame (uint8) scaled to 100x100 px, a 2x2 overlay whose cell (0, 1) is opaque
    black and the others transparent, and cell (1, 0) outlined: each quarter shows what it
    should, and hovering reads the overlay's value."""
    source = base64.b64encode((STATIC / "chart.js").read_bytes()).decode()
    page = browser.new_page()
    pixels = page.evaluate(
        f"""async () => {{
          const chart = await import('data:text/javascript;base64,{source}');
          const canvas = document.createElement('canvas');
          canvas.width = 200; canvas.height = 200;
          const spec = {{ width: 200, height: 200, panels: [{{
            kind: 'image', box: [50, 50, 100, 100], image: 'rgb', size: [2, 2],
            x: {{ hidden: true, range: [0, 1] }}, y: {{ hidden: true, range: [0, 1] }},
            overlay: {{ data: 'alpha', size: [2, 2], crange: [0, 'top'], value_label: 'attention ',
                        hover: '.3f', colorscale: [[0, 'rgba(0,0,0,0)'], [1, 'rgba(0,0,0,1)']] }},
            outline: {{ data: 'peak', color: 'rgb(0,255,255)', width: 2 }} }}] }};
          const data = {{ rgb: new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 0]),
                          alpha: new Float32Array([0, 0.5, 0, 0]), top: [0.5], peak: [1, 0] }};
          const frames = chart.draw(canvas, spec, (n) => data[n], {{}});
          const at = (x, y) => Array.from(canvas.getContext('2d').getImageData(x, y, 1, 1).data);
          const read = (n) => data[n];
          const hover = chart.PANELS.image.hover(spec.panels[0], frames[0], read, 125, 75);
          return {{ red: at(70, 70), covered: at(130, 70), blue: at(70, 130),
                    yellow: at(130, 130), edge: at(50, 120), hover }};
        }}"""
    )
    page.close()
    assert pixels["red"] == [255, 0, 0, 255]  # row 0, col 0: transparent overlay
    assert pixels["covered"] == [0, 0, 0, 255]  # row 0, col 1: the overlay at its top
    assert pixels["blue"] == [0, 0, 255, 255]
    assert pixels["yellow"] == [255, 255, 0, 255]
    assert pixels["edge"] == [0, 255, 255, 255]  # the outline of cell (1, 0)
    assert pixels["hover"] == "attention 0.500"
