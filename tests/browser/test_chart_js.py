"""static/chart.js's pure functions, run in headless Chromium: frame indexing agrees with the
Python packing (widgets.renderer.frames), formats and ticks are what the axes need."""

import base64

import numpy as np
import pytest

from rnnviz.widgets.renderer import STATIC, scatter_panel, text_panel, text_rows

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


def test_a_dropdown_picks_its_choices_frame(js):
    spec = {"controls": {"signal": {"grid": ["c", "h", "f"]}, "cell": {"grid": [0, 1]}}}
    entry = {"axes": ["signal", "cell"], "star": False}
    assert js("nearest", ["c", "h", "f"], "f") == 2
    assert js("frameOf", entry, {"signal": "h", "cell": 1}, spec) == 1 * 2 + 1
    assert js("format", 0.5321, "+.3f") == format(0.5321, "+.3f")
    assert js("format", -0.5321, "+.3f") == format(-0.5321, "+.3f")


@pytest.mark.parametrize(
    "prefix, text, columns",
    [("", "ab\ncd", 10), ("de", "f(a,\n\tb)\n", 4), ("", "x" * 25, 10), ("ab", "", 3)],
)
def test_flow_text_layout_is_the_kernels(js, prefix, text, columns):
    layout = js("flowLayout", prefix, [ord(c) for c in text] + [0, 0], columns)
    cells = [at for at in layout["before"] + layout["cells"] if at is not None]
    assert layout["cells"][-2:] == [None, None]  # padding takes no place
    rows = max((row for _, row in cells), default=-1) + 1
    assert rows == text_rows(prefix + text, columns)
    assert all(0 <= col < columns for col, _ in cells)
    assert js("charString", [104, 105, 0, 0]) == "hi"


def test_a_text_panel_colours_each_character_and_hovers_its_value(browser):
    source = base64.b64encode((STATIC / "chart.js").read_bytes()).decode()
    page = browser.new_page()
    panel = text_panel(
        [10, 30, 72, 32],
        "chars",
        values="values",
        scale=[[0, "rgb(0,0,255)"], [0.5, "rgb(255,255,255)"], [1, "rgb(255,0,0)"]],
        crange="crange",
        char_width=7.2,
        line_height=16,
        value_label="{name:chars} = ",
    )
    result = page.evaluate(
        f"""async (panel) => {{
          const chart = await import('data:text/javascript;base64,{source}');
          const canvas = document.createElement('canvas');
          canvas.width = 120; canvas.height = 80;
          const data = {{ chars: [..."ab\\ncd"].map((c) => c.codePointAt(0)),
                          values: [-1, 1, 0, NaN, 0.5], crange: [-1, 1], name: [99] }};
          const spec = {{ width: 120, height: 80, panels: [panel] }};
          const frames = chart.draw(canvas, spec, (n) => data[n], {{}});
          const ctx = canvas.getContext('2d');
          const pixel = (x, y) => Array.from(ctx.getImageData(x, y, 1, 1).data.slice(0, 3));
          const hover = (x, y) => chart.PANELS.text.hover(panel, frames[0], (n) => data[n], x, y);
          // 'a' (value -1) at column 0 of row 0, 'b' (+1) at column 1; 'c' (NaN) starts row
          // 1; each read at its cell's top right corner, clear of the letter.
          return {{ a: pixel(16, 31), b: pixel(23, 31), c: pixel(16, 47),
                    hoverB: hover(10 + 7.2 + 3, 38), hoverC: hover(13, 54),
                    outside: hover(80, 70) }};
        }}""",
        panel,
    )
    page.close()
    assert result["a"] == [0, 0, 255] and result["b"] == [255, 0, 0]
    assert result["c"] == [178, 178, 178]  # not finite: the missing colour
    assert result["hoverB"] == '"b" at character 1: c = 1.000'
    assert result["hoverC"] == '"c" at character 3: c = NaN'
    assert result["outside"] == ""


def test_a_scatter_panel_hovers_the_nearest_point(browser):
    source = base64.b64encode((STATIC / "chart.js").read_bytes()).decode()
    page = browser.new_page()
    panel = scatter_panel(
        [20, 20, 100, 100],
        [
            dict(name="limit", data="ly", x="lx", hover=False, color="#bbbbbb"),
            dict(name="forget gate f", data="right", x="left", mode="markers", color="#1f77b4"),
        ],
        x_range=[0, 1],
        y_range=[0, 1],
        hover_names=("left", "right"),
        point_label="unit",
        hover=".2f",
    )
    words = page.evaluate(
        f"""async (panel) => {{
          const chart = await import('data:text/javascript;base64,{source}');
          const canvas = document.createElement('canvas');
          const data = {{ lx: [0, 1], ly: [1, 0], left: [0.1, 0.5], right: [0.8, 0.2] }};
          const read = (n) => data[n], spec = {{ width: 140, height: 140, panels: [panel] }};
          const frames = chart.draw(canvas, spec, read, {{}});
          // unit 1 sits at (20 + 50, 20 + 80) px; the limit line's points are not hovered
          return [chart.PANELS.scatter.hover(panel, frames[0], read, 72, 98),
                  chart.PANELS.scatter.hover(panel, frames[0], read, 119, 119)];
        }}""",
        panel,
    )
    page.close()
    assert words == ["forget gate f unit 1: left 0.50, right 0.20", ""]
