"""The renderer's front end (static/chart/, joined by rnnviz.front_end.chart_source) in a blank
headless Chromium page, no JupyterLab: its pure functions (frame indexing agrees with the
Python packing of widgets.renderer.frames and with its Python rule, frame_index; formats,
ticks, ranges and layouts are what the axes and panels need) and each panel kind's pixels and
hover."""

import base64
import struct
from types import SimpleNamespace

import numpy as np
import pytest

from rnnviz.front_end import chart_source
from rnnviz.style import DARK_COLORS, MODEL_COLORS
from rnnviz.widgets.renderer import (
    BarSeries,
    BarsPanel,
    CharsPanel,
    HeatmapGroup,
    HeatmapPanel,
    Ref,
    Series,
    XYPanel,
    frame_index,
    labels,
    text_rows,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def chart_page(browser):
    """A blank page with the joined front end imported as `window.chart`."""
    source = base64.b64encode(chart_source().encode()).decode()
    page = browser.new_page()
    page.evaluate(
        f"async () => {{ window.chart = await import('data:text/javascript;base64,{source}'); }}"
    )
    yield page
    page.close()


@pytest.fixture
def js(chart_page):
    """Call one of the front end's exported functions in a blank page: js("nearest", grid, v)."""

    def call(name, *args):
        return chart_page.evaluate(f"args => window.chart.{name}(...args)", list(args))

    return call


def test_product_frames_follow_the_python_packing(js):
    spec = {"controls": {"a": {"grid": [0.1, 0.2, 0.3]}, "b": {"grid": [-1, 1]}}}
    entry = {"axes": ["a", "b"], "star": False}
    values = np.arange(3 * 2).reshape(3, 2)  # frames(values, ["a", "b"]): one per (a, b)
    for a, ia in ((0.1, 0), (0.21, 1), (0.3, 2)):
        for b, ib in ((-1, 0), (1, 1)):
            state = {"a": a, "b": b}
            assert js("frameOf", entry, state, spec) == values[ia, ib]
            assert frame_index(entry, spec, state) == values[ia, ib]


def test_star_frames_answer_one_moved_control(js):
    spec = {"controls": {"a": {"grid": [0, 1, 2]}, "b": {"grid": [0, 1]}}, "base": {"a": 1, "b": 0}}
    entry = {"axes": ["a", "b"], "star": True}
    assert js("frameOf", entry, {"a": 1, "b": 0}, spec) == 1  # at base: a's frame 1
    assert js("frameOf", entry, {"a": 2, "b": 0}, spec) == 2
    assert js("frameOf", entry, {"a": 1, "b": 1}, spec) == 3 + 1  # b's block starts at 3
    assert js("frameOf", entry, {"a": 2, "b": 1}, spec) is None  # two moved: not sent yet
    for a, b in ((1, 0), (2, 0), (1, 1), (2, 1), (0, 1)):
        state = {"a": a, "b": b}
        assert frame_index(entry, spec, state) == js("frameOf", entry, state, spec)


def test_formats_match_python(js):
    for value, spec in ((0.123456, ".3f"), (2.3692648e-65, ".1e"), (1500.0, ".2e")):
        assert js("format", value, spec) == format(value, spec)
    assert js("format", -5, "pow") == "10\u207b\u2075"


def format_cases():
    """Values for `format` against Python's: exact ties at every place the specs round to,
    their float neighbours, negatives, 0 and -0, subnormals, the largest double, random
    magnitudes from 1e-330 to 1e308, and float32 values (what the page reads from frames)."""
    rng = np.random.default_rng(0)
    dyadic = [k / 2**j for k in range(-48, 49) for j in range(0, 11)]  # 0.5, 2.5, 0.125, ...
    fives = [m * 10.0**e for m in (5, 15, 25, 125, 375, 995, 9995) for e in range(-4, 12)]
    ties = np.array(dyadic + fives + [-v for v in fives])
    values = np.concatenate(
        [
            ties,
            np.nextafter(ties, np.inf),
            np.nextafter(ties, -np.inf),
            [0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308],
            [-1.7976931348623157e308, 1e21, 1e22, 1e-7, 9.995, 9.9995, 99.95, 0.00009999],
            10.0 ** rng.uniform(-330, 308, 600) * rng.choice([-1.0, 1.0], 600),
            rng.standard_normal(300),
            rng.standard_normal(300).astype(np.float32) * 1000,
        ]
    ).astype(np.float64)
    return [float(v) for v in np.unique(values)] + [-0.0]  # np.unique folds -0 into 0


FORMAT_SPECS = [".0f", ".1f", ".2f", ".3f", "+.3f", ".6f", ".12f"]
FORMAT_SPECS += [".0e", ".1e", ".2e", ".3e", "+.2e", ".12e"]
FORMAT_SPECS += [".0g", ".1g", ".2g", ".3g", ".4g", "+.3g", ".6g", ".12g", ".17g"]


def test_format_prints_what_python_prints_for_every_spec_it_takes(chart_page):
    # Python rounds the exact binary value half to even; toFixed and toPrecision round ties
    # away from zero (0.5 -> "1", 0.125 at ".2f" -> "0.13", -2.5 -> "-3").
    values = format_cases()
    assert len(values) > 3000
    bits = [struct.pack(">d", v).hex() for v in values]  # exact, -0 and subnormals too
    printed = chart_page.evaluate(
        """([bits, specs]) => {
          const view = new DataView(new ArrayBuffer(8));
          return bits.map((b) => {
            view.setBigUint64(0, BigInt("0x" + b));
            const v = view.getFloat64(0);
            return specs.map((spec) => window.chart.format(v, spec));
          });
        }""",
        [bits, FORMAT_SPECS],
    )
    wrong = [
        (v, spec, got, format(v, spec))
        for v, row in zip(values, printed)
        for spec, got in zip(FORMAT_SPECS, row)
        if got != format(v, spec)
    ]
    assert not wrong, f"{len(wrong)} differ, e.g. (value, spec, page, Python): {wrong[:10]}"
    ties = {(0.5, ".0f"): "0", (2.5, ".0f"): "2", (-2.5, ".0f"): "-2", (0.125, ".2f"): "0.12"}
    ties |= {(2.5, ".1g"): "2", (125.0, ".1e"): "1.2e+02", (-0.0, "+.3f"): "-0.000"}
    assert {(v, spec): js_format(chart_page, v, spec) for v, spec in ties} == ties


def js_format(page, value, spec):
    return page.evaluate("([v, spec]) => window.chart.format(v, spec)", [value, spec])


def test_log_range_and_ticks(js):
    assert js("logRange", [-20, 0]) == pytest.approx([-21.2, 1.2])
    assert js("logRange", [0, 0.5]) == pytest.approx([-1.25, 1.75])  # at least 3 decades
    assert js("niceTicks", 0, 100, False) == [0, 20, 40, 60, 80, 100]
    assert js("niceTicks", -21.2, 1.2, True) == [-20, -16, -12, -8, -4, 0]
    assert js("scaleColor", [[0, "#000000"], [1, "rgb(255,255,255)"]], 0.5) == "rgba(128,128,128,1)"


def test_graph_panel_draws_nodes_edges_and_words_from_rows(browser):
    """A "graph" panel: a node is a circle of its fill colour where its row places it, a NaN
    row draws nothing, an edge is drawn in its colour, hover gives the node's text, and
    every word comes from the panel's strings."""
    source = base64.b64encode(chart_source().encode()).decode()
    page = browser.new_page()
    page.evaluate(
        f"async () => {{ window.chart = await import('data:text/javascript;base64,{source}'); }}"
    )
    nan = float("nan")
    # Two nodes and a NaN row (absent); one edge; one text; view x 0..4, y 0..2.
    nodes = [
        [1, 1, 30, 0, 1, 2, 0, 1, 0, 3],  # red circle "h" sub "1", hover strings[3]
        [3, 1, 30, 1, 3, 2, 0, nan, 0, 4],  # blue circle, thick outline
        [nan] * 10,
    ]
    edges = [[1, 1, 3, 1, 1, 2, 1, 0, 14], [nan] * 9]
    texts = [[2, 1.5, 2, 0, 11, 0]]
    result = page.evaluate(
        """([nodes, edges, texts]) => {
          const canvas = document.createElement('canvas');
          canvas.width = 400; canvas.height = 200; document.body.append(canvas);
          const entries = { nodes: nodes.flat(), edges: edges.flat(), texts: texts.flat(),
                            view: [0, 4, 0, 2], title: [5] };
          const read = (name) => Float32Array.from(entries[name].map((v) => v ?? NaN));
          const panel = { kind: 'graph', box: [0, 0, 400, 200], title_at: [5, 10],
            strings: ['h', '1', '0.123', 'h_1\\nvalue: [+0.500]', 'x_2', 'the title'],
            colors: ['#ff0000', '#0000ff', '#000000'], label_size: 13, outline: '#444444',
            nodes: 'nodes', edges: 'edges', texts: 'texts', view: 'view', title_lines: 'title',
            x: { hidden: true, range: [0, 1] }, y: { hidden: true, range: [0, 1] } };
          const spec = { width: 400, height: 200, panels: [panel] };
          window.chart.draw(canvas, spec, read, {});
          const ctx = canvas.getContext('2d'), ratio = window.devicePixelRatio || 1;
          const at = (x, y) =>
            Array.from(ctx.getImageData(x * ratio, y * ratio, 1, 1).data.slice(0, 3));
          const hover = window.chart.PANELS.graph.hover;
          return { left: at(100 - 10, 100 - 8), right: at(300 + 7, 100 + 9),
                   edge: at(200, 100), empty: at(200, 170),
                   hoverLeft: hover(panel, null, read, 104, 97),
                   hoverRight: hover(panel, null, read, 300, 100),
                   hoverNone: hover(panel, null, read, 200, 170) };
        }""",
        [nodes, edges, texts],
    )
    page.close()
    assert result["left"] == [255, 0, 0] and result["right"] == [0, 0, 255]
    assert result["edge"] == [0, 0, 255]  # the edge, blue, passes between the nodes
    assert result["empty"] == [255, 255, 255]
    assert result["hoverLeft"] == "h_1\nvalue: [+0.500]" and result["hoverRight"] == "x_2"
    assert result["hoverNone"] == ""


# --- row bars, ranges from data, marks (HiddenStateExplorer) --------------------------------
HBARS_JS = """
([t, points]) => {
  const c = window.chart, canvas = document.createElement('canvas');
  canvas.width = 200; canvas.height = 100;
  const spec = { width: 200, height: 100, panels: [{
    kind: 'hbars', box: [20, 10, 160, 80], rows: ['a', 'b'], y0: 1, hover: '.3f',
    series: [{ name: 'v', data: 'm', at: { control: 't', x0: 1 }, color: '#ff0000' }],
    x: { range: { data: 'r' }, hidden: true }, y: { range: [0.5, 2.5], nogrid: true, hidden: true },
    marks: [{ control: 'k', color: '#0000ff', width: 2 }] }] };
  // m: two rows of the (t, unit) frame; r: the x range the kernel computed.
  const entries = { m: new Float32Array([0.5, -0.5, -1, 1]), r: new Float32Array([-1, 1]) };
  const read = (name) => entries[name], state = { t, k: 0.5 };
  const frames = c.draw(canvas, spec, read, state);
  const ctx = canvas.getContext('2d');
  const at = (x, y) => Array.from(ctx.getImageData(x, y, 1, 1).data.slice(0, 3));
  return { pixels: points.map(([x, y]) => at(x, y)),
           hover: c.PANELS.hbars.hover(spec.panels[0], frames[0], read, 50, 70, state),
           range: c.rangeOf({ data: 'r' }, read), fixed: c.rangeOf([2, 3], read) };
}
"""
RED, WHITE, BLUE = [255, 0, 0], [255, 255, 255], [0, 0, 255]


def test_row_bars_pick_the_controls_row_and_range_from_data(browser):
    page = browser.new_page()
    source = base64.b64encode(chart_source().encode()).decode()
    page.evaluate(
        f"async () => {{ window.chart = await import('data:text/javascript;base64,{source}'); }}"
    )
    # t = 2: row 2 of the frame, unit a at -1 (left of 0), unit b at +1 (right of 0).
    points = [[50, 70], [150, 70], [50, 30], [150, 30], [140, 50]]
    shown = page.evaluate(HBARS_JS, [2, points])
    assert shown["pixels"] == [RED, WHITE, WHITE, RED, BLUE]  # the mark at k = 0.5 too
    assert shown["hover"] == "a v: -1.000"
    assert shown["range"] == [-1, 1] and shown["fixed"] == [2, 3]
    # t = 1: row 1, unit a at +0.5, unit b at -0.5: the bars swap sides.
    shown = page.evaluate(HBARS_JS, [1, [[120, 70], [80, 70], [120, 30], [80, 30]]])
    assert shown["pixels"] == [RED, WHITE, WHITE, RED]
    page.close()


def test_labels_follow_the_frames_packing(js):
    table = {"axes": ["a", "b"], "grids": [[0, 1, 2], [0.5, 1.5]], "values": list("uvwxyz")}
    assert js("pickLabel", table, {"a": 2, "b": 0.5}) == "y"
    assert js("pickLabel", table, {"a": 0.9, "b": 1.4}) == "x"  # the nearest grid positions
    assert js("pickLabel", "fixed", {}) == "fixed"


def test_rgba_scale_interpolates_the_alpha(js):
    glow = [[0, "rgba(255,255,255,0)"], [0.6, "rgba(255,220,60,0.3)"], [1, "#ffffff"]]
    assert js("scaleColor", glow, 0) == "rgba(255,255,255,0)"
    assert js("scaleColor", glow, 0.3) == "rgba(255,238,158,0.15)"
    assert js("scaleColor", glow, 2) == "rgba(255,255,255,1)"  # clamped; "#rrggbb" is opaque


def test_image_panel_draws_the_image_under_its_overlay_and_outline(js, browser):
    """A 2x2 RGB frame (uint8) scaled to 100x100 px, a 2x2 overlay whose cell (0, 1) is opaque
    black and the others transparent, and cell (1, 0) outlined: each quarter shows what it
    should, and hovering reads the overlay's value."""
    source = base64.b64encode(chart_source().encode()).decode()
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


def test_a_dropdown_picks_its_choices_frame(js):
    spec = {"controls": {"signal": {"grid": ["c", "h", "f"]}, "cell": {"grid": [0, 1]}}}
    entry = {"axes": ["signal", "cell"], "star": False}
    assert js("nearest", ["c", "h", "f"], "f") == 2
    assert js("frameOf", entry, {"signal": "h", "cell": 1}, spec) == 1 * 2 + 1
    assert frame_index(entry, spec, {"signal": "h", "cell": 1}) == 1 * 2 + 1
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


@pytest.mark.parametrize(
    "missing, grey",
    [(None, 178), ("lightgray", 211), ("#ccc", 204), ("hsl(0, 0%, 50%)", 128)],
)
def test_a_chars_panel_colours_each_character_and_hovers_its_value(browser, missing, grey):
    """Each character on its value's colour; a value that is not finite on the missing
    colour, given in any CSS form."""
    source = base64.b64encode(chart_source().encode()).decode()
    page = browser.new_page()
    panel = CharsPanel(
        [10, 30, 72, 32],
        Ref("chars"),
        values=Ref("values"),
        scale=[[0, "rgb(0,0,255)"], [0.5, "rgb(255,255,255)"], [1, "rgb(255,0,0)"]],
        crange=Ref("crange"),
        char_width=7.2,
        line_height=16,
        value_label="{name:chars} = ",
        **({} if missing is None else {"missing_color": missing}),
    ).to_spec()
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
          const hover = (x, y) => chart.PANELS.chars.hover(panel, frames[0], (n) => data[n], x, y);
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
    assert result["c"] == [grey, grey, grey]  # not finite: the missing colour
    assert result["hoverB"] == '"b" at character 1: c = 1.000'
    assert result["hoverC"] == '"c" at character 3: c = NaN'
    assert result["outside"] == ""


def test_an_xy_panel_hovers_the_nearest_indexed_point(browser):
    source = base64.b64encode(chart_source().encode()).decode()
    page = browser.new_page()
    panel = XYPanel(
        [20, 20, 100, 100],
        [
            Series("limit", Ref("ly"), x=Ref("lx"), hover=False, color="#bbbbbb"),
            Series(
                name="forget gate f",
                data=Ref("right"),
                x=Ref("left"),
                mode="markers",
                color="#1f77b4",
            ),
        ],
        x_range=[0, 1],
        y_range=[0, 1],
        hover_mode="indexed",
        x_label="left",
        y_label="right",
        index_label="unit",
        hover=".2f",
    ).to_spec()
    words = page.evaluate(
        f"""async (panel) => {{
          const chart = await import('data:text/javascript;base64,{source}');
          const canvas = document.createElement('canvas');
          const data = {{ lx: [0, 1], ly: [1, 0], left: [0.1, 0.5], right: [0.8, 0.2] }};
          const read = (n) => data[n], spec = {{ width: 140, height: 140, panels: [panel] }};
          const frames = chart.draw(canvas, spec, read, {{}});
          // unit 1 sits at (20 + 50, 20 + 80) px; the limit line's points are not hovered
          return [chart.PANELS.xy.hover(panel, frames[0], read, 72, 98),
                  chart.PANELS.xy.hover(panel, frames[0], read, 119, 119)];
        }}""",
        panel,
    )
    page.close()
    assert words == ["forget gate f unit 1: left 0.50, right 0.20", ""]


def test_an_xy_panel_hovers_per_x_or_the_nearest_point_in_real_values(chart_page):
    """hover_mode "x" lists every x0 + k dx series' value at the pointer's x (10^v on a log
    y); "point" reads the nearest point within 12 px in the axes' real values."""
    series = [
        Series("a", Ref("a"), x0=0, dx=1, color="#ff0000"),
        Series("b", Ref("b"), x=Ref("bx"), mode="markers", color="#0000ff"),
    ]
    box = [0, 0, 100, 100]
    per_x = XYPanel(box, series, x_range=[0, 2], y_range=[-1, 1], y_log=True, x_label="t")
    point = XYPanel(
        box, series, hover_mode="point", x_range=[0, 2], y_range=[-1, 1], x_log=True, y_log=True
    )
    words = chart_page.evaluate(
        """([perX, point]) => {
          const c = window.chart, data = { a: [0, 0.5, 1], b: [-0.5], bx: [1] };
          const read = (n) => data[n], canvas = document.createElement('canvas');
          const [fx] = c.draw(canvas, { width: 100, height: 100, panels: [perX] }, read, {});
          const [fp] = c.draw(canvas, { width: 100, height: 100, panels: [point] }, read, {});
          // x = 1 is at 50 px; y = -0.5 at 75 px, y = 0.5 at 25 px
          return [c.PANELS.xy.hover(perX, fx, read, 52, 10),
                  c.PANELS.xy.hover(point, fp, read, 55, 80),
                  c.PANELS.xy.hover(point, fp, read, 50, 45)];
        }""",
        [per_x.to_spec(), point.to_spec()],
    )
    assert words[0] == "a at t = 1: 3.162e+00"  # the x series "b" has no per-x value
    assert words[1] == "b: x = 10, y = 0.3162"
    assert words[2] == ""  # 20 px from "a"'s point at (50, 25): outside 12 px


def test_bars_with_labels_pick_names_and_colours_for_the_controls(chart_page):
    names = labels([["left", "right"], ["up", "down"]], {"k": [0, 1]})
    colours = labels([["#ff0000", "#00ff00"], ["#0000ff", "#ff0000"]], {"k": [0, 1]})
    panel = BarsPanel(
        [0, 0, 100, 100],
        (),
        [BarSeries("v", values=[1, 1], color=colours)],
        labels=names,
        y_range=[0, 1],
    ).to_spec()
    result = chart_page.evaluate(
        """(panel) => {
          const c = window.chart, canvas = document.createElement('canvas');
          canvas.width = 100; canvas.height = 120;
          const state = { k: 1 }, read = () => null;
          const [fr] = c.draw(canvas, { width: 100, height: 120, panels: [panel] }, read, state);
          const at = (x, y) => Array.from(
            canvas.getContext('2d').getImageData(x, y, 1, 1).data.slice(0, 3));
          return [at(25, 50), at(75, 50), c.PANELS.bars.hover(panel, fr, read, 80, 50, state)];
        }""",
        panel,
    )
    assert result[0] == [0, 0, 255] and result[1] == [255, 0, 0]
    assert result[2] == "down v: 1.000"


def test_real_log_ticks_label_values_like_a_plotly_log_axis(js):
    def ticks(lo, hi):
        return [(round(v, 6), label) for v, label in js("realLogTicks", lo, hi)]

    # A loss from 0.008 to 2.3: 1-2-5 in each decade, labelled with the values themselves.
    assert [label for _, label in ticks(-2.1, 0.37)] == ["0.01", "0.02", "0.05", "0.1", "0.2"] + [
        "0.5",
        "1",
        "2",
    ]
    assert ticks(-0.8, 0.0)[0] == (round(np.log10(0.2), 6), "0.2")
    # Less than a decade with under three digits in it: linear steps of the values.
    assert [label for _, label in ticks(0.35, 0.66)] == ["2.5", "3", "3.5", "4", "4.5"]
    assert [label for _, label in ticks(-3, 2)] == ["0.001", "0.01", "0.1", "1", "10", "100"]
    assert ticks(-30, 0)[0][1] == "10\u207b\u00b3\u2070"  # many decades: powers of ten
    # Steps from 150 to 6000 (lab 06's sweep): the labels read as Python's g would print the
    # values at full precision, 1000 and not 1e+03.
    assert [label for _, label in ticks(2.2, 3.8)] == ["200", "500", "1000", "2000", "5000"]


def test_a_title_may_be_one_text_a_control_position(js):
    spec = {"title": {"control": "k", "texts": ["one", "two"]}, "controls": {"k": {"grid": [1, 2]}}}
    assert js("titleText", spec, {"k": 2}) == "two"
    assert js("titleText", {"title": "s = {a:.2f}"}, {}) == "s = {a:.2f}"


def test_a_legend_click_hides_the_series_of_that_name_or_group(js):
    spec = {"panels": [{"series": [{"name": "a"}, {"name": "b", "group": "a"}, {"name": "c"}]}]}
    assert js("withHidden", spec, []) == spec
    shown = js("withHidden", spec, ["a"])["panels"][0]["series"]
    assert [s.get("visible", True) for s in shown] == [False, False, True]


def test_one_colour_interpolator_serves_opaque_and_translucent_scales(js):
    mixed = [[0, "#ff0000"], [0.5, "rgb(0, 0, 255)"], [1, "rgba(0,0,255,0)"]]
    assert js("scaleColor", mixed, 0.25) == "rgba(128,0,128,1)"
    assert js("scaleColor", mixed, 0.75) == "rgba(0,0,255,0.5)"
    assert js("scaleColor", mixed, -1) == "rgba(255,0,0,1)"  # clamped to the ends


def test_axis_ranges_follow_the_series_and_the_bars(chart_page):
    got = chart_page.evaluate(
        """() => {
          const c = window.chart, data = { v: [1, 2, 3, 4], r: [-3, 5] }, read = (n) => data[n];
          const series = [{ data: "v", x0: 1, dx: 2 }];
          const lines = { kind: "xy", x: {}, y: { range: "r" }, series };
          const bars = { kind: "bars", x: {}, y: {}, series: [{ values: [1, -2] }] };
          const shared = { kind: "xy", y: { share: "g" }, series: [] };
          return [c.xRangeOf(lines, read), c.yRangeOf(lines, read, {}), c.xRangeOf(bars, read),
                  c.yRangeOf(bars, read, {}), c.yRangeOf(shared, read, { g: [-4, 1] })];
        }"""
    )
    # Cells centred on x0 + k dx: half a step of margin each side; a y range the kernel sent
    # as an entry; bars place themselves by category, from 0 to the furthest end plus 15%
    # room for the value written above; a shared group's range.
    assert got[:3] == [[0, 8], [-3, 5], [0, 1]]
    assert got[3] == pytest.approx([-2.45, 1.45])
    assert got[4] == [-4, 1]


def test_a_frame_maps_data_to_pixels_and_back(chart_page):
    got = chart_page.evaluate(
        """() => {
          const fr = new window.chart.Frame([10, 20, 100, 50], [0, 10], [-1, 1]);
          return [fr.px(5), fr.py(1), fr.py(-1), fr.x(fr.px(2.5)), fr.y(fr.py(0.25))];
        }"""
    )
    assert got == [60, 20, 70, 2.5, 0.25]  # y grows upwards: the top of the box is y = 1


def test_templates_and_rows_read_the_current_frame(chart_page):
    got = chart_page.evaluate(
        """() => {
          const c = window.chart, h = { data: "h", at: { control: "t", x0: 1 } };
          const data = { s: [2.34], r: [0.5, 2.34], name: [104, 105, 0], h: [1, 2, 3, 4, 5, 6] };
          const read = (n) => (n in data ? Float32Array.from(data[n]) : null);
          return [c.fillTemplate("s = {s:.1f} of {name:chars}, {gone}, c_{t-1}", read),
                  Array.from(c.rowOf(h, read, { t: 2 }, 2)), c.rowOf(h, read, { t: 4 }, 2),
                  c.rangeOf({ data: "r" }, read), c.rangeOf(null, read)];
        }"""
    )
    # A value the kernel has not sent is "?", and braces around no entry's name are words;
    # t = 2 is row 1 of the (3, 2) frame; t = 4 has none.
    assert got == ["s = 2.3 of hi, ?, c_{t-1}", [3, 4], None, [0.5, pytest.approx(2.34)], None]


def _layered_differences(browser, chart, moves, after):
    """Draw `chart` on one canvas through `moves` (control values), then a devicePixelRatio
    change (the canvas resized as the widget resizes it), a dark theme and `after`; each
    picture against the one a fresh module (no kept layer) draws on a new canvas.
    Returns: [(devicePixelRatio, bytes that differ, bytes)] a move."""
    data = {name: {**e, "values": list(e["values"])} for name, e in chart.data.items()}
    page = browser.new_page()
    page.evaluate(
        """async ([source, spec, data]) => {
          const modules = [];
          // A module instance of its own: its caches start empty.
          window.fresh = async () =>
            import('data:text/javascript;base64,' +
                   btoa(unescape(encodeURIComponent(source + '\\n// ' + modules.push(0)))));
          window.warm = await window.fresh();
          const types = { float64: Float64Array, uint8: Uint8Array };
          const entries = {};
          for (const [name, e] of Object.entries(data))
            entries[name] = { ...e, values: new (types[e.dtype] || Float32Array)(
              Uint8Array.from(e.values).buffer) };
          window.state = {};
          window.read = (name) => {
            const e = entries[name];
            if (!e) return null;
            const f = window.warm.frameOf(e, window.state, spec);
            const size = e.shape.slice(e.star ? 1 : e.axes.length).reduce((a, b) => a * b, 1);
            return e.values.subarray(f * size, (f + 1) * size);
          };
          window.shown = document.createElement('canvas');
          document.body.append(window.shown);
          // Draw with the warm module on the shown canvas (sized as the widget sizes it) and
          // with a fresh one on a new canvas: how many bytes differ.
          window.compare = async (state) => {
            Object.assign(window.state, state);
            const ratio = window.devicePixelRatio;
            const full = document.createElement('canvas');
            document.body.append(full);
            // A student's draw: what it leaves unchanged may be kept and copied.
            window.warm.draw(window.shown, spec, window.read, window.state, { keep: true });
            (await window.fresh()).draw(full, spec, window.read, window.state);
            const pixels = (c) => c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            const a = pixels(window.shown), b = pixels(full);
            full.remove();
            let differ = a.length !== b.length ? a.length : 0;
            for (let i = 0; i < a.length; i++) differ += a[i] !== b[i];
            return [ratio, differ, a.length];
          };
        }""",
        [chart_source(), chart.spec, data],
    )
    results = [page.evaluate("s => window.compare(s)", m) for m in moves]
    page.context.new_cdp_session(page).send(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1000, "height": 800, "deviceScaleFactor": 2, "mobile": False},
    )
    # After the change: the kept layers are remade (a move, the same again), then copied.
    results += [page.evaluate("s => window.compare(s)", m) for m in after]
    page.evaluate(
        """() => { document.body.style.setProperty('--jp-layout-color0', '#111111');
                   document.body.style.setProperty('--jp-ui-font-color1', '#ffffff'); }"""
    )
    results += [page.evaluate("s => window.compare(s)", m) for m in after]
    page.close()
    return results


def _assert_same_pictures(results, moves, after):
    assert [r[0] for r in results] == [1] * len(moves) + [2] * 2 * len(after)  # ratio changed
    assert all(r[2] > 0 for r in results)
    assert [r[1] for r in results] == [0] * len(results), results


def test_cached_layers_draw_what_a_full_redraw_draws_after_moves_and_a_scale_change(browser):
    # CellActivations' chart: its chars panel keeps the letters on a layer across presses, the
    # feature's xy panel, which the cell slider leaves alone, is copied from the draw before,
    # and the axes and plain titles are copied from the frame layer (layers.js). Each
    # picture must be the one a fresh module (no cached layer) draws, pixel for pixel.
    from rnnviz.charlm.interpret import Activations
    from rnnviz.widgets.cell_activations import CellActivations

    rng = np.random.default_rng(0)
    text = "def f(x):\n\tif x:\n        return 'a\\tb' + str(x)\n" * 6
    signals = {n: rng.standard_normal((len(text), 6)).astype(np.float32) for n in "ch"}
    signals["c"][7, 2] = np.nan
    chart = CellActivations(Activations(text, signals), cell=1).chart
    moves = [
        {"signal": "c", "cell": 1, "feature": "indent"},
        {"cell": 2},
        {"cell": 5},
        {"signal": "h"},
        {"cell": 0},
        {"feature": "in_string"},
    ]
    after = ({"cell": 3}, {"cell": 4}, {"cell": 2})
    _assert_same_pictures(_layered_differences(browser, chart, moves, after), moves, after)


def test_cached_layers_follow_ranges_that_move_with_every_press(browser):
    # GradientFlow: the radius moves both line panels' shared log range and the chain's colour
    # range with every press (the frame layer is made again), and the forget bias leaves the
    # RNN's series alone (copied); HiddenStateExplorer's step leaves its axes in place (the
    # frame layer copied).
    from rnnviz.models.weight_init import rnn_params
    from rnnviz.widgets.gradient_flow import GradientFlow
    from rnnviz.widgets.hidden_state_explorer import HiddenStateExplorer

    flow = GradientFlow(seq_len=30, hidden_size=8, spectral_radius=0.9).chart
    radius = flow.spec["controls"]["spectral_radius"]["grid"]
    bias = flow.spec["controls"]["forget_bias"]["grid"]
    moves = [{"spectral_radius": r} for r in radius[10:14]] + [
        {"forget_bias": b} for b in bias[3:6]
    ]
    after = ({"spectral_radius": radius[20]}, {"spectral_radius": radius[20]})
    _assert_same_pictures(_layered_differences(browser, flow, moves, after), moves, after)

    p = rnn_params(1, 8, spectral_radius=0.9, seed=0)
    x = np.random.default_rng(2).standard_normal((12, 1))
    explorer = HiddenStateExplorer(x, p["Wx"], p["Wh"], p["b"], step=1, edit_step=5).chart
    moves = [{"step": t} for t in (1, 2, 3, 4, 3)]
    after = ({"step": 6}, {"step": 7}, {"step": 6})
    _assert_same_pictures(_layered_differences(browser, explorer, moves, after), moves, after)


# In a page: `entries` from a chart's data (bytes as lists), `state` and `read(name)`, the
# frame of an entry the state picks (the widget's reader).
READ_JS = """          const types = { float64: Float64Array, uint8: Uint8Array };
          const entries = {}, state = {};
          for (const [name, e] of Object.entries(data))
            entries[name] = { ...e, values: new (types[e.dtype] || Float32Array)(
              Uint8Array.from(e.values).buffer) };
          const read = (name) => {
            const e = entries[name];
            if (!e) return null;
            const f = window.chart.frameOf(e, state, spec);
            const size = e.shape.slice(e.axes.length).reduce((a, b) => a * b, 1);
            return e.values.subarray(f * size, (f + 1) * size);
          };
"""


def _entry(values, axes=()):
    """A data entry as a chart sends it: float32 bytes, one frame per grid value of `axes`."""
    values = np.asarray(values, dtype=np.float32)
    return {
        "values": values.tobytes(),
        "dtype": "float32",
        "shape": list(values.shape),
        "axes": list(axes),
        "star": False,
    }


def test_a_kept_region_never_shows_a_neighbours_old_axis(browser):
    # Two xy panels 30 px apart: the right one's y range follows a control, its wider tick
    # words reach into the left panel's region (box and a pixel round it), which the control
    # leaves alone and whose series are copied. The copy must not bring back the right
    # panel's old tick words: a region's key holds the frame layer's generation.
    def panel(box, data, y):
        return {
            "kind": "xy",
            "box": box,
            "x": {"range": [0, 9]},
            "y": y,
            "edge_colors": {},
            "series": [{"name": data, "data": data, "x0": 0, "dx": 1, "color": "#cc0000"}],
        }

    spec = {
        "width": 980,
        "height": 400,
        "controls": {"c": {"grid": [0, 1, 2, 3]}},
        "control_names": ["c"],
        "panels": [
            panel([105, 50, 370, 290], "a", {"range": [0, 1]}),
            panel([505, 50, 370, 290], "b", {"range": "rr"}),
        ],
    }
    data = {
        "a": _entry(np.linspace(0, 1, 10)),
        "b": _entry(np.linspace(0, 1, 10)),
        "rr": _entry([[0, 1], [0, 10000], [0, 1e7], [-5, 3]], axes=["c"]),
    }
    chart = SimpleNamespace(spec=spec, data=data)
    moves = [{"c": c} for c in (0, 0, 1, 1, 2, 2, 0, 0, 3, 3)]
    after = ({"c": 1}, {"c": 1}, {"c": 2})
    _assert_same_pictures(_layered_differences(browser, chart, moves, after), moves, after)


def test_only_a_driven_draw_keeps_a_second_canvas(chart_page):
    # A chart drawn and fitted to its page (draws without keep) makes no kept canvas; a
    # student's moves (keep) do.
    from rnnviz.models.weight_init import rnn_params
    from rnnviz.widgets.hidden_state_explorer import HiddenStateExplorer

    p = rnn_params(1, 8, spectral_radius=0.9, seed=0)
    x = np.random.default_rng(2).standard_normal((12, 1))
    chart = HiddenStateExplorer(x, p["Wx"], p["Wh"], p["b"], step=1, edit_step=5).chart
    data = {name: {**e, "values": list(e["values"])} for name, e in chart.data.items()}
    made = chart_page.evaluate(
        """([spec, data]) => {
"""
        + READ_JS
        + """          // A first draw elsewhere makes what the module keeps (the theme's probe).
          window.chart.draw(document.createElement('canvas'), spec, read, state);
          const canvas = document.createElement('canvas');
          document.body.append(canvas);
          const create = document.createElement.bind(document);
          let canvases = 0;
          document.createElement = (tag) => { canvases += tag === 'canvas'; return create(tag); };
          const counts = [];
          for (const keep of [false, true]) {
            canvases = 0;
            for (const step of [1, 1, 2, 1, 2]) {
              state.step = step;
              window.chart.draw(canvas, spec, read, state, { keep });
            }
            counts.push(canvases);
          }
          document.createElement = create;
          return counts;
        }""",
        [chart.spec, data],
    )
    assert made[0] == 0 and made[1] >= 1, made


AHEAD_JS = """async ([source, spec, data, base]) => {
  // GradientFlow rendered by the product's render() on stand-in models, one a control; a
  // fresh module (no kept layer, no picture ahead) draws the same state on a new canvas.
  const views = (e) => ({ ...e, values: new DataView(Uint8Array.from(e.values).buffer) });
  const controls = {}, handlers = {};
  for (const name of spec.control_names)
    controls[name] = { v: base[name], get(k) { return k === "value" ? this.v : undefined; },
                       on(_event, callback) { this.changed = callback; } };
  const model = {
    get: (k) => ({ spec,
                   data: Object.fromEntries(Object.entries(data).map(([n, e]) => [n, views(e)])),
                   controls: spec.control_names.map((n) => "IPY_MODEL_" + n), busy: false })[k],
    on(event, callback) { (handlers[event] ||= []).push(callback); },
    send() {},
    widget_manager: { get_model: async (id) => controls[id] },
  };
  window.drawn = [];
  globalThis.__rnnvizAfterDraw = (root, chart) =>
    window.drawn.push([chart.ahead, JSON.stringify(chart.frames)]);
  // The product's idle callbacks still to run (ahead.js asks for one a picture): a move waits
  // for them, however short a busy machine's idle periods make them wait.
  const askIdle = window.requestIdleCallback.bind(window),
    cancelIdle = window.cancelIdleCallback.bind(window),
    asked = new Set();
  window.requestIdleCallback = (run, options) => {
    const id = askIdle((deadline) => {
      asked.delete(id);
      run(deadline);
    }, options);
    asked.add(id);
    return id;
  };
  window.cancelIdleCallback = (id) => {
    asked.delete(id);
    cancelIdle(id);
  };
  const el = document.createElement("div");
  el.className = "rnnviz-widget";
  document.body.append(el);
  await window.chart.default.render({ model, el });
  const fresh = await import('data:text/javascript;base64,' +
    btoa(unescape(encodeURIComponent(source + '\\n// fresh'))));
  const types = { float64: Float64Array, uint8: Uint8Array };
  let entries;
  const load = () => {
    entries = {};
    for (const [name, e] of Object.entries(data))
      entries[name] = { ...e, values: new (types[e.dtype] || Float32Array)(
        Uint8Array.from(e.values).buffer) };
  };
  load();
  // New data from the kernel, as a model's change:data brings it.
  window.reload = async (next) => {
    data = next;
    load();
    for (const callback of handlers["change:data"] || []) await callback();
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    await idle(3);
  };
  const pixels = (c) => c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  // The page idle for at least n periods and then until the pictures ahead are drawn (no
  // idle callback of the product's left), for 20 s at most: a product that never stops asking
  // fails the test's assertions instead of hanging it. Frames keep coming meanwhile, as on a
  // page a student looks at: headless Chromium, with nothing to paint, at times gave no idle
  // period at all after the legend's click, and the wait hung.
  const idle = (n) => new Promise((done) => {
    const end = performance.now() + 20000;
    let waiting = true;
    const frame = () => waiting && requestAnimationFrame(frame);
    frame();
    const next = (k) => askIdle(() => {
      if (k > 1 || (asked.size && performance.now() < end)) return next(k - 1);
      waiting = false;
      done();
    });
    next(n);
  });
  // Move a control (or none), then [copied from a picture drawn ahead?, its frames are a
  // fresh draw's] for each draw, and how many bytes differ from a fresh draw of the same
  // state with the same series hidden.
  window.move = async ([name, value, hidden]) => {
    const before = window.drawn.length;
    if (name) { controls[name].v = value; controls[name].changed(); }
    const state = Object.fromEntries(Object.entries(controls).map(([n, c]) => [n, c.v]));
    const read = (n) => entries[n] ? fresh.frameValues(entries[n], state, spec) : null;
    const full = document.createElement('canvas');
    document.body.append(full); // the page's theme
    const frames = fresh.draw(full, fresh.withHidden(spec, new Set(hidden)), read, state);
    full.remove();
    const shown = document.querySelector('.rnnviz-chart > canvas');
    const a = pixels(shown), b = pixels(full);
    let differ = a.length !== b.length ? a.length : 0;
    for (let i = 0; i < a.length; i++) differ += a[i] !== b[i];
    const ways = window.drawn.slice(before)
      .map(([ahead, f], k, all) => [ahead, k < all.length - 1 || f === JSON.stringify(frames)]);
    await idle(3);
    return [ways, differ, a.length];
  };
}"""


def test_a_press_on_a_picture_drawn_ahead_copies_what_a_draw_draws(chart_page):
    # GradientFlow in the product's render(): once a press is drawn, the pictures a grid
    # step either side on the control that moved are drawn while the page is idle (ahead.js);
    # the next press that lands on one copies it. Each picture, and the frames hover reads,
    # must be a fresh draw's, pixel for pixel; a press whose picture was drawn for other data,
    # other series shown, another pixel ratio or another theme draws.
    from rnnviz.widgets.gradient_flow import GradientFlow

    def sent(chart):
        return {name: {**e, "values": list(e["values"])} for name, e in chart.data.items()}

    chart = GradientFlow(seq_len=30, hidden_size=8, spectral_radius=0.9).chart
    radius = chart.spec["controls"]["spectral_radius"]["grid"]
    bias = chart.spec["controls"]["forget_bias"]["grid"]
    k = radius.index(0.9)
    page = chart_page
    base = {"spectral_radius": radius[k], "forget_bias": bias[4], "step": 30}
    page.evaluate(AHEAD_JS, [chart_source(), chart.spec, sent(chart), base])

    def move(name, value, hidden=()):
        ways, differ, size = page.evaluate("m => window.move(m)", [name, value, list(hidden)])
        assert size > 0 and differ == 0, (name, value, differ)
        assert all(same for _, same in ways), (name, value, "hover frames differ")
        return [ahead for ahead, _ in ways]

    assert move("spectral_radius", radius[k + 1]) == [False]  # nothing drawn ahead yet
    # A step on, as the slider's own arithmetic makes it (off the grid's float by a rounding).
    assert move("spectral_radius", radius[k + 1] + (radius[k + 1] - radius[k])) == [True]
    assert move("spectral_radius", radius[k + 1]) == [True]  # and back: the other side
    assert move("spectral_radius", radius[k + 3]) == [False]  # two steps: not drawn ahead
    assert move("forget_bias", bias[5]) == [False]
    assert move("forget_bias", bias[6]) == [True]
    # New data (another H, the same grids): the pictures a step either side are drawn again
    # from it (a picture from the old data would differ from a fresh draw), and taken.
    other = GradientFlow(seq_len=30, hidden_size=4, spectral_radius=0.9).chart
    assert other.spec["controls"] == chart.spec["controls"]
    page.evaluate("d => window.reload(d)", sent(other))
    assert move("forget_bias", bias[7]) == [True]
    assert move("forget_bias", bias[8]) == [True]
    # Drawn ahead with every series shown: after a legend click, the next step draws.
    page.locator(".rnnviz-legend-item").first.click()
    hidden = [chart.spec["legend"][0]["name"]]
    assert move(None, None, hidden) == []
    assert move("forget_bias", bias[9], hidden) == [False]
    assert move("forget_bias", bias[10], hidden) == [True]
    # Another pixel ratio: the picture drawn ahead at the old one is not taken.
    page.context.new_cdp_session(page).send(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1280, "height": 800, "deviceScaleFactor": 2, "mobile": False},
    )
    page.wait_for_function("() => window.devicePixelRatio === 2")
    assert move("forget_bias", bias[11], hidden)[-1] is False
    assert move("forget_bias", bias[12], hidden) == [True]
    # Another theme: the same.
    page.evaluate(
        """() => { document.body.style.setProperty('--jp-layout-color0', '#111111');
                   document.body.style.setProperty('--jp-ui-font-color1', '#ffffff');
                   document.body.className += ' theme-changed'; }"""
    )
    assert move("forget_bias", bias[13], hidden)[-1] is False
    assert move("forget_bias", bias[14], hidden) == [True]


def test_a_resize_draws_again_only_when_the_picture_changes(chart_page):
    # GradientFlow in render(), its output area made wider (the chart stays at full width: no
    # pixel changes, so no draw: a panel dragged redrew every chart at each step), narrower
    # (the chart shrinks to fit: a draw) and wide again (a draw back to full size).
    from rnnviz.widgets.gradient_flow import GradientFlow

    chart = GradientFlow(seq_len=20, hidden_size=4).chart
    data = {name: {**e, "values": list(e["values"])} for name, e in chart.data.items()}
    base = {name: spec["grid"][0] for name, spec in chart.spec["controls"].items()}
    chart_page.evaluate(AHEAD_JS, [chart_source(), chart.spec, data, base])
    width = chart.spec["width"]
    got = chart_page.evaluate(
        """async (widths) => {
          const el = [...document.querySelectorAll('body > .rnnviz-widget')].pop();
          const canvas = el.querySelector('.rnnviz-chart > canvas');
          const frames = () => new Promise((done) =>
            requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 50))));
          await frames();
          const seen = [];
          for (const w of widths) {
            const before = window.drawn.length;
            el.style.width = `${w}px`;
            await frames();
            seen.push([window.drawn.length - before, parseFloat(canvas.style.width)]);
          }
          return seen;
        }""",
        [width + 300, width + 600, width // 2, width + 300],
    )
    assert [drawn for drawn, _ in got] == [0, 0, 1, 1], got
    assert [css for _, css in got] == [width, width, pytest.approx(width // 2, abs=1), width]


def test_pictures_ahead_outlast_a_slow_draw_and_stop_at_close(chart_page):
    # picturesAhead on a stand-in idle queue (idle periods of 20 ms): a first picture that
    # takes 30 ms does not stop the second for good (the estimate is halved after idle
    # periods too short for it); both are then taken; after close() nothing is taken and
    # nothing more is drawn.
    got = chart_page.evaluate(
        """() => {
          const queue = [];
          const idle = { start: (run) => queue.push(run) - 1, stop: (k) => { queue[k] = null; } };
          const pump = () => {  // runs the idle callbacks, those they queue too
            let runs = 0;
            for (let k = 0; k < queue.length && k < 500; k++)
              if (queue[k]) { runs++; queue[k]({ timeRemaining: () => 20 }); }
            queue.length = 0;
            return runs;
          };
          const spec = { width: 40, height: 30, panels: [],
                         controls: { c: { grid: [0, 1, 2, 3] } } };
          const view = { generation: 1, hidden: new Set(), spec, scale: 1, theme: {} };
          let drawn = 0;
          const paint = (canvas, at) => {
            canvas.width = 40 * devicePixelRatio;
            canvas.height = 30 * devicePixelRatio;
            const end = performance.now() + (drawn++ === 0 ? 30 : 0);
            while (performance.now() < end);
            return [at.c];
          };
          const ahead = window.chart.picturesAhead(idle);
          ahead.plan(() => view, { c: 1 }, "c", 1, paint);
          const runs = pump();
          const shown = document.createElement('canvas');
          const took = [2, 0, 3].map((c) => ahead.take(shown, view, { c }, {}));
          ahead.plan(() => view, { c: 2 }, "c", 1, paint);
          ahead.close();
          const after = pump();
          return { runs, drawn, took, after, closed: ahead.take(shown, view, { c: 0 }, {}) };
        }"""
    )
    assert got["drawn"] == 2 and got["runs"] > 2, got  # the second waited, then was drawn
    assert got["took"] == [[2], [0], None], got
    assert got["after"] == 0 and got["closed"] is None, got


def test_new_frames_draw_the_pictures_ahead_again(chart_page):
    # The kernel recomputing around a settled slider sends new frames: a new generation, so
    # the pictures drawn ahead from the old frames are stale. After renew(), the next draw of
    # the shown canvas (drawn) draws the last plan's pictures again from the new frames, so
    # the next press copies instead of drawing in full. A draw with no new frames, a renew
    # before any plan, and anything after close draw nothing; the keep time still counts
    # from the last move (a renew does not keep the pictures longer).
    got = chart_page.evaluate(
        """() => {
          const queue = [];
          const idle = { start: (run) => queue.push(run) - 1, stop: (k) => { queue[k] = null; } };
          const pump = () => {
            for (let k = 0; k < queue.length && k < 500; k++)
              if (queue[k]) queue[k]({ timeRemaining: () => 50 });
            queue.length = 0;
          };
          const timers = [];
          const realSetTimeout = window.setTimeout;
          window.setTimeout = (f, ms) => timers.push([f, ms]);
          const spec = { width: 40, height: 30, panels: [],
                         controls: { c: { grid: [0, 1, 2, 3] } } };
          let view = { generation: 1, hidden: new Set(), spec, scale: 1, theme: {} };
          const drawn = [];
          const paint = (canvas, at, v) => {
            canvas.width = 40 * devicePixelRatio;
            canvas.height = 30 * devicePixelRatio;
            drawn.push([v.generation, at.c]);
            return [v.generation, at.c];
          };
          const shown = document.createElement('canvas');
          const ahead = window.chart.picturesAhead(idle);
          try {
            ahead.renew();
            ahead.drawn({ c: 1 });
            pump();
            const unplanned = drawn.length;
            ahead.plan(() => view, { c: 1 }, "c", 1, paint);
            pump();
            const keepTimers = timers.length;
            view = { ...view, generation: 2 };  // new frames from the kernel
            const stale = ahead.take(shown, view, { c: 2 }, {});
            ahead.renew();
            ahead.drawn({ c: 1 });
            pump();
            const took = [2, 0].map((c) => ahead.take(shown, view, { c }, {}));
            ahead.drawn({ c: 1 });  // no new frames since: nothing drawn again
            pump();
            const renewTimers = timers.length - keepTimers;
            ahead.close();
            ahead.renew();
            ahead.drawn({ c: 1 });
            pump();
            return { unplanned, stale, took, drawn, keepTimers, renewTimers };
          } finally {
            window.setTimeout = realSetTimeout;
          }
        }"""
    )
    assert got["unplanned"] == 0, got
    assert got["stale"] is None, got
    assert got["took"] == [[2, 2], [2, 0]], got
    assert got["drawn"] == [[1, 2], [1, 0], [2, 2], [2, 0]], got  # nothing more
    assert got["keepTimers"] == 1 and got["renewTimers"] == 0, got


def test_a_shared_range_with_every_series_hidden_draws(chart_page):
    # GradientFlow with every line hidden in the legend: its shared log group has no values;
    # the panels draw on logRange's empty range instead of stopping the chart.
    from rnnviz.widgets.gradient_flow import GradientFlow

    chart = GradientFlow(seq_len=20, hidden_size=4).chart
    data = {name: {**e, "values": list(e["values"])} for name, e in chart.data.items()}
    got = chart_page.evaluate(
        """([spec, data]) => {
"""
        + READ_JS
        + """          const names = spec.panels.flatMap(
            (p) => (p.series || []).map((s) => s.group ?? s.name));
          const shown = window.chart.withHidden(spec, new Set(names));
          const frames = window.chart.draw(document.createElement('canvas'), shown, read, state);
          return frames.filter(Boolean).map((fr) => fr.yr);
        }""",
        [chart.spec, data],
    )
    assert got and all(len(yr) == 2 for yr in got), got


# --- fit, pixel ratio and theme (fit.js, theme.js) -----------------------------------------
@pytest.mark.parametrize("scale", [1, 0.4])
def test_words_under_an_axis_and_beside_a_colour_bar_keep_apart_in_a_narrow_column(
    chart_page, scale
):
    # At 0.4 the 10 px text floor makes 12 px words 25 spec px tall and wide: the x-axis
    # title moves below its tick words, and the colour bar's title right of its tick words.
    boxes = chart_page.evaluate(
        """(scale) => {
          const P = CanvasRenderingContext2D.prototype, fill = P.fillText, shown = [];
          P.fillText = function (text, x, y) {
            const m = this.getTransform(), at = m.transformPoint({ x, y });
            const size = Number(/([\\d.]+)px/.exec(this.font)[1]) * Math.hypot(m.a, m.b);
            const width = this.measureText(text).width * Math.hypot(m.a, m.b);
            shown.push({ text, x: at.x, y: at.y, size, width, turned: m.b !== 0,
                         align: this.textAlign });
            return fill.call(this, text, x, y);
          };
          const spec = { width: 600, height: 300, panels: [
            { kind: 'xy', box: [70, 20, 200, 200], x: { range: [0, 100], title: 'step t' },
              y: { range: [0, 1] }, series: [] },
            { kind: 'heatmap', box: [330, 20, 150, 200], x: { range: [0, 10] },
              y: { range: [-0.5, 0.5], hidden: true }, crange: [-250, 1],
              colorscale: [[0, '#000000'], [1, '#ffffff']], colorbar: 'log10 ||grad||',
              groups: [] } ] };
          window.chart.draw(document.createElement('canvas'), spec, () => null, {}, { scale });
          P.fillText = fill;
          return shown;
        }""",
        scale,
    )
    ticks = [b for b in boxes if b["text"] in {"0", "20", "40", "60", "80", "100"}]
    title = next(b for b in boxes if b["text"] == "step t")
    assert ticks and title["y"] - title["size"] / 2 >= max(b["y"] + b["size"] / 2 for b in ticks)
    bar_ticks = [b for b in boxes if b["text"] in {"-250", "1"} and b["align"] == "left"]
    bar_title = next(b for b in boxes if b["text"] == "log10 ||grad||")
    assert bar_title["turned"] and len(bar_ticks) == 2
    assert bar_title["x"] - bar_title["size"] / 2 >= max(b["x"] + b["width"] for b in bar_ticks)


def test_a_chart_fits_its_container_and_never_grows(chart_page):
    """The fit scale is the container's width over the layout's, at most 1; an element not
    laid out yet keeps the layout's size; text keeps 10 CSS px at any scale."""
    got = chart_page.evaluate(
        """() => {
          const c = window.chart;
          const canvas = document.createElement('canvas');
          const read = () => null, spec = { width: 1000, height: 100, panels: [] };
          c.draw(canvas, spec, read, {}, { scale: 0.6 });
          const atSixty = c.textPx(12);
          c.draw(canvas, spec, read, {}, { scale: 1 });
          return { narrow: c.fitScale(1000, 600), wide: c.fitScale(640, 1000),
                   unlaid: c.fitScale(800, 0), atSixty, atOne: c.textPx(12),
                   css: canvas.style.width };
        }"""
    )
    assert got["narrow"] == pytest.approx(0.6) and got["wide"] == 1 and got["unlaid"] == 1
    assert got["atSixty"] * 0.6 == pytest.approx(10)  # 12 spec px would show as 7.2 CSS px
    assert got["atOne"] == 12 and got["css"] == "1000px"


MARK_JS = """
(scale) => {
  // One blue mark at x = 0.5 on [-1, 1] in the box [20, 10, 160, 80]: spec px 140; the
  // background a theme colour, so every backing pixel the picture covers is known.
  const c = window.chart;
  const canvas = window.markCanvas || (window.markCanvas = document.createElement('canvas'));
  document.body.append(canvas);
  const spec = { width: 200, height: 100, panels: [{
    kind: 'hbars', box: [20, 10, 160, 80], rows: ['a'], y0: 1, series: [],
    x: { range: [-1, 1], hidden: true }, y: { range: [0.5, 1.5], hidden: true, nogrid: true },
    marks: [{ control: 'k', color: '#0000ff', width: 6 }] }] };
  const theme = { ...c.readTheme(document.body), background: 'rgb(0,255,0)' };
  c.draw(canvas, spec, () => null, { k: 0.5 }, { scale, theme });
  const ctx = canvas.getContext('2d'), sx = canvas.width / 200, sy = canvas.height / 100;
  const at = (x, y) => Array.from(ctx.getImageData(x, y, 1, 1).data.slice(0, 3));
  const box = canvas.getBoundingClientRect();
  return { ratio: window.devicePixelRatio, width: canvas.width, height: canvas.height,
           cssWidth: box.width, cssHeight: box.height,
           corner: at(canvas.width - 1, canvas.height - 1),
           mark: at(Math.floor(140 * sx), Math.floor(50 * sy)) };
}
"""


@pytest.mark.parametrize("scale", [1, 0.7])
def test_the_canvas_follows_the_pixel_ratio_before_every_draw(chart_page, scale):
    """A zoom (CDP's deviceScaleFactor, changed between draws, as a browser zoom changes
    devicePixelRatio after load): the backing store is CSS size x ratio, the picture covers
    it to its last pixel (nothing cropped), and a mark lands where its spec px says."""
    cdp = chart_page.context.new_cdp_session(chart_page)
    for ratio in (1, 2, 1.25, 0.8, 1.5):
        cdp.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": 800, "height": 600, "deviceScaleFactor": ratio, "mobile": False},
        )
        got = chart_page.evaluate(MARK_JS, scale)
        assert got["ratio"] == pytest.approx(ratio)
        assert got["cssWidth"] == pytest.approx(200 * scale)
        assert got["cssHeight"] == pytest.approx(100 * scale)
        assert got["width"] == round(200 * scale * got["ratio"])
        assert got["height"] == round(100 * scale * got["ratio"])
        assert got["corner"] == [0, 255, 0]  # the bottom-right backing pixel is drawn
        assert got["mark"] == [0, 0, 255]


def test_the_theme_is_read_from_the_pages_variables_with_fallbacks(chart_page):
    """JupyterLab's --jp-* variables first, VS Code's --vscode-* next, else light; a dark
    page without variables (JupyterLab's body attribute, VS Code's body class) gets the
    dark fallbacks; every text colour keeps 4.5:1 on the background, even a variable's."""
    got = chart_page.evaluate(
        """() => {
          const c = window.chart, el = document.createElement('div');
          document.body.append(el);
          const pick = (t) => ({ text: t.text, axis: t.axis, background: t.background,
                                 contrast: c.contrast(t.axis, t.background),
                                 tip: c.contrast(t.tooltipText, t.tooltip) });
          const plain = pick(c.readTheme(el));
          el.style.setProperty('--jp-layout-color0', '#111111');
          el.style.setProperty('--jp-ui-font-color1', 'rgba(255, 255, 255, 1)');
          el.style.setProperty('--jp-layout-color1', '#ffffff');  // a light tooltip plate
          const jupyter = pick(c.readTheme(el));
          el.style.setProperty('--jp-ui-font-color1', '#444');  // too dark on #111
          const poor = pick(c.readTheme(el));
          const bare = document.createElement('div');
          document.body.append(bare);
          document.body.dataset.jpThemeLight = 'false';
          const jupyterDark = pick(c.readTheme(bare));
          delete document.body.dataset.jpThemeLight;
          document.body.classList.add('vscode-dark');
          const vscodeDark = pick(c.readTheme(bare));
          bare.style.setProperty('--vscode-editor-background', '#1e1e1e');
          bare.style.setProperty('--vscode-editor-foreground', '#d4d4d4');
          const vscode = pick(c.readTheme(bare));
          document.body.classList.remove('vscode-dark');
          return { plain, jupyter, poor, jupyterDark, vscodeDark, vscode };
        }"""
    )
    assert got["plain"]["background"] == "rgb(255,255,255)" and got["plain"]["axis"] == "#444444"
    assert got["jupyter"]["background"] == "rgb(17,17,17)"
    assert got["jupyter"]["text"] == "rgba(255, 255, 255, 1)"
    assert got["poor"]["axis"] != "#444"  # #444 on #111 is 1.94:1: lightened
    assert got["jupyterDark"]["background"] == got["vscodeDark"]["background"] == "rgb(17,17,17)"
    assert got["vscode"]["background"] == "rgb(30,30,30)" and got["vscode"]["text"] == "#d4d4d4"
    for theme in got.values():
        assert theme["contrast"] >= 4.5 and theme["tip"] >= 4.5


def test_contrast_is_wcags_and_readable_colours_keep_it(js):
    """WCAG 2's ratio (black on white 21:1; the issue's #444 on #111, 1.94:1); a colour that
    already keeps 4.5:1 is itself, one that does not is moved until it does."""
    assert js("contrast", "#000000", "#ffffff") == pytest.approx(21)
    assert js("contrast", "#444444", "#111111") == pytest.approx(1.94, abs=0.01)
    assert js("contrast", "#777777", "white") == pytest.approx(4.48, abs=0.01)
    assert js("contrast", "rgba(0, 0, 0, 0.5)", "#ffffff") == pytest.approx(
        js("contrast", "rgb(128, 128, 128)", "#ffffff"), abs=0.05
    )
    for color in ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#000000", "#7f7f7f", "#ffffff"):
        for background in ("#ffffff", "#111111", "rgb(30,30,30)"):
            fixed = js("readable", color, background)
            assert js("contrast", fixed, background) >= 4.5
            if js("contrast", color, background) >= 4.5:
                assert fixed == color


def test_black_marks_and_text_follow_the_dark_theme(chart_page):
    """On a dark theme the picture's background is the theme's, an overflow marker meant as
    black is drawn in the foreground, and axis text is light."""
    got = chart_page.evaluate(
        """() => {
          const c = window.chart, canvas = document.createElement('canvas');
          const el = document.createElement('div');
          el.style.setProperty('--jp-layout-color0', '#111111');
          el.style.setProperty('--jp-ui-font-color1', '#ffffff');
          document.body.append(el);
          el.append(canvas);
          const panel = { kind: 'xy', box: [40, 10, 150, 80], edge_colors: { over: '#000000',
            under: '#000000' }, x: { range: [-0.5, 2.5] }, y: { range: [-1, 1] },
            series: [{ name: 's', data: 'v', x0: 0, dx: 1, color: '#1f77b4', edges: true }] };
          const v = new Float32Array([0, Infinity, 0]);
          c.draw(canvas, { width: 200, height: 120, panels: [panel] }, () => v, {});
          const ctx = canvas.getContext('2d'), r = window.devicePixelRatio;
          const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
          const at = (x, y) =>
            Array.from(ctx.getImageData(x * r, y * r, 1, 1).data.slice(0, 3));
          let brightest = 0;  // in the tick labels under the box
          for (let y = Math.round(95 * r); y < Math.round(115 * r); y++)
            for (let x = 0; x < canvas.width; x++)
              brightest = Math.max(brightest, data[4 * (y * canvas.width + x)]);
          return { background: at(2, 2), overflow: at(40 + 75, 16 + 1), brightest };
        }"""
    )
    assert got["background"] == [17, 17, 17]
    assert got["overflow"] == [255, 255, 255]  # the triangle at x = 1, 6 px under the top
    assert got["brightest"] > 200


def test_a_dark_theme_draws_each_colour_the_kernel_gave_a_dark_counterpart(chart_page):
    """A model's line, its legend swatch, a bar and a graph edge take the dark counterpart
    the spec carries (rnnviz.style.DARK_COLORS) on a dark theme, and their own colour on a
    light one; a colour without a counterpart is unchanged."""
    lstm, dark_lstm = MODEL_COLORS["lstm"], DARK_COLORS[MODEL_COLORS["lstm"]]
    got = chart_page.evaluate(
        """([lstm, map]) => {
          const c = window.chart, out = {};
          for (const theme of ['light', 'dark']) {
            const el = document.createElement('div'), canvas = document.createElement('canvas');
            if (theme === 'dark') el.style.setProperty('--jp-layout-color0', '#111111');
            document.body.append(el);
            el.append(canvas);
            const line = { kind: 'xy', box: [0, 0, 100, 40], x: { range: [0, 1] },
              y: { range: [0, 1] }, series: [
                { name: 'a', data: 'v', x0: 0, dx: 1, color: lstm, width: 12 },
                { name: 'b', data: 'w', x0: 0, dx: 1, color: '#ff7f0e', width: 12 }] };
            const bars = { kind: 'hbars', box: [0, 50, 100, 40], rows: ['r'], y0: 0,
              x: { range: [0, 1] }, y: { range: [-0.5, 0.5] },
              series: [{ name: 'h', data: 'h', color: lstm }] };
            const read = (n) => ({ v: [0.5, 0.5], w: [0.8, 0.8], h: [1] })[n];
            c.draw(canvas, { width: 100, height: 100, panels: [line, bars], dark_colors: map },
                   read, {});
            // A pixel's "#rrggbb", at device pixels (x, y) of a canvas.
            const hex = (canvas, x, y) => '#' + Array.from(
              canvas.getContext('2d').getImageData(x, y, 1, 1).data.slice(0, 3),
              (v) => v.toString(16).padStart(2, '0')).join('');
            const r = window.devicePixelRatio;
            const at = (x, y) => hex(canvas, Math.round(x * r), Math.round(y * r));
            const keys = document.createElement('div');
            c.legend(keys, [{ name: 'LSTM', color: lstm, dash: [] }]);
            const sw = keys.querySelector('canvas');
            const swatch = hex(sw, 0, Math.floor(sw.height / 2));
            out[theme] = { line: at(50, 20), other: at(50, 8), bar: at(50, 70), swatch };
          }
          return out;
        }""",
        [lstm, DARK_COLORS],
    )
    assert got["light"] == {"line": lstm, "other": "#ff7f0e", "bar": lstm, "swatch": lstm}
    assert got["dark"] == {
        "line": dark_lstm,
        "other": "#ff7f0e",
        "bar": dark_lstm,
        "swatch": dark_lstm,
    }


def test_a_theme_change_redraws_and_a_dragged_panel_does_not(chart_page):
    """watchTheme calls back when JupyterLab's theme attributes, a VS Code theme class or a
    CSS variable on the body change, not when JupyterLab marks the body during a drag (a
    class and the cursor): that once redrew every chart at each drag."""
    calls = chart_page.evaluate(
        """async () => {
          const body = document.body, calls = [];
          const settle = () => new Promise((r) => setTimeout(r, 0));
          let n = 0;
          const stop = window.chart.watchTheme(() => (n += 1));
          const step = async (name, change) => { change(); await settle(); calls.push([name, n]); };
          await step('drag class', () => body.classList.add('lm-mod-override-cursor'));
          await step('drag cursor', () => { body.style.cursor = 'col-resize'; });
          await step('drag ends', () => {
            body.classList.remove('lm-mod-override-cursor'); body.style.cursor = ''; });
          await step('theme name', () => { body.dataset.jpThemeName = 'JupyterLab Dark'; });
          await step('theme light', () => { body.dataset.jpThemeLight = 'false'; });
          await step('vscode class', () => body.classList.add('vscode-dark'));
          await step('css variable', () =>
            body.style.setProperty('--vscode-editor-background', '#1e1e1e'));
          stop();
          await step('stopped', () => body.classList.remove('vscode-dark'));
          body.style.removeProperty('--vscode-editor-background');
          delete body.dataset.jpThemeName;
          delete body.dataset.jpThemeLight;
          return calls;
        }"""
    )
    assert calls == [
        ["drag class", 0],
        ["drag cursor", 0],
        ["drag ends", 0],
        ["theme name", 1],
        ["theme light", 2],
        ["vscode class", 3],
        ["css variable", 4],
        ["stopped", 4],
    ]


def test_the_pointer_maps_to_spec_pixels_at_any_scale(chart_page):
    """Hover works in the spec's pixels: a pointer over a chart shown at half its layout's
    width (and at any ratio) lands where it would at full size."""
    got = chart_page.evaluate(
        """() => {
          const c = window.chart, canvas = document.createElement('canvas');
          document.body.append(canvas);
          const spec = { width: 200, height: 100, panels: [] };
          c.draw(canvas, spec, () => null, {}, { scale: 0.5 });
          const box = canvas.getBoundingClientRect();
          return { size: [box.width, box.height],
                   centre: c.toSpec(canvas, spec, box.left + 50, box.top + 25),
                   corner: c.toSpec(canvas, spec, box.left + 100, box.top + 50) };
        }"""
    )
    assert got["size"] == [100, 50]
    assert got["centre"] == [100, 50] and got["corner"] == [200, 100]


# --- keyboard and screen reader (access.js, reader.js) -----------------------------------
def test_a_charts_name_and_announcement_are_its_filled_titles_or_its_announce(chart_page):
    got = chart_page.evaluate(
        """() => {
          const c = window.chart, data = { r: [1.5e-21], s: [0.9] };
          const read = (n) => (n in data ? Float64Array.from(data[n]) : null);
          const panels = [{ kind: "xy", title: "RNN: h_1/h_T = {r:.1e}" },
                          { kind: "xy", title: "hidden", visible: false },
                          { kind: "text", lines: ["a **bold**  word"] }];
          const spec = { title: "s = {s:.2f}", panels };
          return [c.chartName(spec, read, {}), c.announceText(spec, read, {}),
                  c.announceText({ ...spec, announce: "the gradient at step 1 is {r:.1e}" },
                                 read, {}),
                  c.announceText({ ...spec, announce: ["one {s:.1f}", "two"] }, read, {}),
                  c.chartName({ panels: [] }, read, {})];
        }"""
    )
    name = "s = 0.90. RNN: h_1/h_T = 1.5e-21. a bold word"  # hidden panels are not named
    assert got == [name, name, "the gradient at step 1 is 1.5e-21", "one 0.9. two", "chart"]


def test_the_keyboard_cursor_steps_along_a_panels_points(chart_page):
    panel = XYPanel([0, 0, 100, 100], [Series("a", Ref("a"), x0=1, dx=1)], x_range=[0, 4])
    got = chart_page.evaluate(
        """(panel) => {
          const c = window.chart, data = { a: [1, 2, 3] }, read = (n) => data[n];
          const [fr] = c.draw(document.createElement('canvas'),
                              { width: 100, height: 100, panels: [panel] }, read, {});
          const bars = { kind: "bars", categories: ["x", "y"] };
          return [c.cursorStops(panel, fr, read), c.cursorStops(bars, fr, read),
                  ["ArrowRight", "ArrowLeft", "Home", "End", "a"].map(
                    (k) => [null, 1, 2].map((i) => c.stepCursor(i, 3, k))),
                  c.stepCursor(null, 0, "Home")];
        }""",
        panel.to_spec(),
    )
    assert got[0] == [25, 50, 75]  # x = 1, 2, 3 on [0, 4]
    assert got[1] == [25, 75]  # the bars' centres
    assert got[2] == [
        [0, 2, 2],  # right: the first stop, then one on, stopping at the end
        [2, 0, 1],  # left: from the last stop
        [0, 0, 0],
        [2, 2, 2],
        [None, None, None],  # a key that moves nothing
    ]
    assert got[3] is None  # a panel with no stops


DESCRIBE_JS = """(panel) => {
  const c = window.chart, data = { a: [1, 2, 3], b: [4, 5, NaN], k: [7] };
  const read = (n) => data[n], spec = { width: 100, height: 100, panels: [panel] };
  const frames = c.draw(document.createElement('canvas'), spec, read, {});
  return c.describeRows(spec, frames, read, {});
}"""


def describe_panel(hover_mode: str) -> XYPanel:
    return XYPanel(
        [0, 0, 100, 100],
        [Series("a", Ref("a"), x0=1, dx=1), Series("b", Ref("b"), x0=1, dx=1, mode="markers")],
        x_range=[0, 4],
        x_label="t",
        title="a and b at {k:.0f}",
        hover_mode=hover_mode,
    )


def test_describe_tabulates_a_panel_read_along_x(chart_page):
    """A panel hovered by x is a data table: a column a series, a row an x (its first cell),
    a missing marker an empty cell."""
    got = chart_page.evaluate(DESCRIBE_JS, describe_panel("x").to_spec())
    assert got == [
        {
            "title": "a and b at 7",
            "head": ["t", "a", "b"],
            "rows": [["1", "1", "4"], ["2", "2", "5"], ["3", "3", ""]],
        }
    ]


def test_describe_tabulates_a_heatmap_by_row_and_x(chart_page):
    """Every row of every group is a column (not only the row the cursor reads), every x a
    row; a gap is an empty cell."""
    panel = HeatmapPanel(
        [0, 0, 100, 60],
        [
            HeatmapGroup(data=Ref("h"), ny=2, x0=1, dx=1, y0=0, rows=["RNN h", "LSTM h"]),
            HeatmapGroup(data=Ref("c"), ny=1, x0=1, dx=1, y0=2, rows=["LSTM c"], gaps=True),
        ],
        "viridis",
        crange=[0, 10],
        x_label="t",
        y_range=[-0.5, 2.5],
    ).to_spec()
    got = chart_page.evaluate(
        """(panel) => {
          const c = window.chart, data = { h: [1, 2, 3, 4], c: [5, NaN] };
          const read = (n) => data[n], spec = { width: 100, height: 60, panels: [panel] };
          const frames = c.draw(document.createElement('canvas'), spec, read, {});
          return c.describeRows(spec, frames, read, {});
        }""",
        panel,
    )
    assert got[0]["head"] == ["t", "RNN h", "LSTM h", "LSTM c"]
    assert got[0]["rows"] == [["1", "1", "2", "5"], ["2", "3", "4", ""]]


def test_describe_lists_other_panels_hover_values_by_position(chart_page):
    """A panel hovered by point lists its hover text at each stop (the nearest point to the
    box's middle row). b's NaN leaves the y range finite: a NaN there once blanked the
    panel's hover, and so its description."""
    got = chart_page.evaluate(DESCRIBE_JS, describe_panel("point").to_spec())
    assert got[0]["title"] == "a and b at 7" and "head" not in got[0]
    assert got[0]["rows"][:2] == [["b: t = 1, y = 4"], ["a: t = 2, y = 2"]]


RENDER_JS = """async ([panel, legend]) => {
  // One chart rendered by the product's own render() on a stand-in model: entry "a" (one
  // frame a radius r), "rv" the radius itself; the control a stand-in slider.
  const control = { v: 0.5, get(k) { return k === "value" ? this.v : undefined; },
                    on(_event, callback) { this.changed = callback; } };
  const floats = (v) => new DataView(Float32Array.from(v).buffer);
  const data = {
    a: { axes: ["r"], shape: [2, 3], star: false, dtype: "float32",
         values: floats([1, 2, 3, 10, 20, 30]) },
    rv: { axes: ["r"], shape: [2], star: false, dtype: "float32", values: floats([0.5, 1]) },
  };
  const spec = { width: 300, height: 200, title: "r = {rv:.1f}", panels: [panel], legend,
                 controls: { r: { grid: [0.5, 1] } }, control_names: ["r"],
                 announce: "a reads {rv:.1f}" };
  const model = {
    get: (k) => ({ spec, data, controls: ["IPY_MODEL_c"], busy: false })[k],
    on() {}, send() {}, widget_manager: { get_model: async () => control },
  };
  const el = document.createElement("div");
  el.className = "rnnviz-widget";
  document.body.append(el);
  await window.chart.default.render({ model, el });
  window.control = control;
}"""


def test_a_chart_is_named_announces_and_reads_by_keyboard(chart_page):
    """The product's render(): the canvas is an img named by its filled titles; a control's
    change is announced once it settles (never the first picture); arrow keys move a cursor
    that shows and announces the panel's hover; Escape clears it; legend items are buttons
    the keyboard presses; Describe shows the hover values as a table."""
    page = chart_page
    panel = XYPanel(
        [40, 30, 240, 140],
        [Series("a", Ref("a"), x0=1, dx=1, color="#ff0000")],
        x_range=[0, 4],
        x_label="t",
        title="the a panel",
    )
    page.evaluate(RENDER_JS, [panel.to_spec(), [{"name": "a", "color": "#ff0000"}]])
    canvas = page.locator(".rnnviz-chart > canvas")
    live = page.locator(".rnnviz-live")
    assert canvas.get_attribute("role") == "img"
    assert canvas.get_attribute("aria-label") == "r = 0.5. the a panel"
    assert live.get_attribute("aria-live") == "polite"
    # Named by the chart's root, outside the widget's output (whose mutations time a press).
    assert page.evaluate(
        """() => { const root = document.querySelector('.rnnviz-chart');
                   const live = document.getElementById(root.dataset.live);
                   return live.classList.contains('rnnviz-live') && !root.contains(live); }"""
    )
    page.wait_for_timeout(800)
    assert live.text_content() == ""  # the first picture is not news

    # The slider moves: the name follows at once, the live region once it has settled.
    page.evaluate("() => { window.control.v = 1; window.control.changed(); }")
    assert canvas.get_attribute("aria-label") == "r = 1.0. the a panel"
    assert live.text_content() == ""
    page.wait_for_function(
        "() => document.querySelector('.rnnviz-live').textContent === 'a reads 1.0'",
        timeout=5000,
    )

    # The keyboard cursor: focus, Home, right arrow; the tip shows what hover() says there.
    canvas.focus()
    assert canvas.get_attribute("data-lm-suppress-shortcuts") == "true"
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    tip = page.locator(".rnnviz-chart > div").first
    assert tip.text_content() == "a at t = 2: 20" and tip.is_visible()
    page.wait_for_function(
        "() => document.querySelector('.rnnviz-live').textContent"
        " === 'the a panel: a at t = 2: 20'",
        timeout=5000,
    )
    page.keyboard.press("End")
    assert tip.text_content() == "a at t = 3: 30"
    page.keyboard.press("Escape")  # the cursor goes; focus stays
    assert not tip.is_visible()
    assert page.evaluate("() => document.activeElement.tagName") == "CANVAS"
    page.keyboard.press("Escape")  # then focus leaves the chart
    assert page.evaluate("() => document.activeElement.tagName") != "CANVAS"

    # The legend: a button, pressed while its series shows; Enter and Space toggle it.
    item = page.locator(".rnnviz-legend-item")
    assert page.evaluate("() => document.querySelector('.rnnviz-legend-item').tagName") == "BUTTON"
    assert item.get_attribute("aria-pressed") == "true"
    item.focus()
    page.keyboard.press("Enter")
    assert item.get_attribute("aria-pressed") == "false"
    assert page.evaluate("() => document.activeElement.className") == "rnnviz-legend-item"
    page.keyboard.press("Space")
    assert item.get_attribute("aria-pressed") == "true"

    # Describe: the panel's hover values at each x, as a table.
    describe = page.locator(".rnnviz-describe")
    describe.focus()
    page.keyboard.press("Enter")
    assert describe.get_attribute("aria-expanded") == "true"
    # One table a panel, captioned by the chart's and the panel's titles.
    captions = page.locator(".rnnviz-describe-table caption").all_text_contents()
    assert captions == ["r = 1.0: the a panel"]
    columns = page.locator(".rnnviz-describe-table th[scope=col]").all_text_contents()
    assert columns == ["t", "a"]
    steps = page.locator(".rnnviz-describe-table th[scope=row]").all_text_contents()
    assert steps == ["1", "2", "3"]
    assert page.locator(".rnnviz-describe-table td").all_text_contents() == ["10", "20", "30"]


# A stand-in ipywidgets model: the fields syncOnceSettled relies on, and a save that records
# what it would send to the kernel (the buffered diff), then empties the buffer.
STAND_IN_MODEL_JS = """() => {
  const listeners = {};
  const model = {
    sent: [],
    comm: {},
    _closed: false,
    _buffered_state_diff: {},
    _expectedEchoMsgIds: new Map(),
    _state_lock: null,
    on: (event, f) => { (listeners[event] ||= []).push(f); },
    off: (event, f) => { listeners[event] = listeners[event].filter((g) => g !== f); },
    save_changes(callbacks) {
      this.sent.push({ ...this._buffered_state_diff, callbacks });
      this._buffered_state_diff = {};
    },
    press(value) {  // what a slider's view does: set, then touch()
      this._buffered_state_diff.value = value;
      for (const f of listeners['change:value'] || []) f();
      this.save_changes(`press ${value}`);
    },
    fromKernel(value, restated) {  // ipywidgets' set_state; the slider view may restate it
      this._state_lock = { value };
      for (const f of listeners['change:value'] || []) f();
      if (restated !== undefined) {
        this._buffered_state_diff.value = restated;
        this.save_changes('restated');
      }
      this._state_lock = null;
    },
  };
  return model;
}"""


def test_a_hot_control_sends_its_value_once_it_settles(chart_page):
    # Presses 20 ms apart send nothing until 150 ms after the last, then one message with the
    # last value (and its callbacks); the echo of an older message is not awaited meanwhile.
    # A value the kernel sets during a hold wins: it is sent in place of the held one (after
    # any the kernel has queued), and older echoes stay unapplied. The slider view restating
    # a kernel value sends at once, without float noise (0.3 as 0.30000000000000004).
    # Releasing sends what is held at once and gives the model its own save back; a control
    # two charts hold is let go by the second release only; a closed control's release sends
    # nothing.
    got = chart_page.evaluate(
        """async (standIn) => {
          const wait = (ms) => new Promise((done) => setTimeout(done, ms));
          const make = eval(standIn);
          const own = make(), save = own.save_changes;
          const release = window.chart.syncOnceSettled(own, 'value');
          for (const v of [1, 2, 3, 4, 5]) { own.press(v); await wait(20); }
          const during = own.sent.length, echo = own._expectedEchoMsgIds.get('value');
          await wait(250);
          const settled = own.sent.map(({ value, callbacks }) => [value, callbacks]);
          own.press(6);
          own.fromKernel(0);
          await wait(250);
          const afterKernel = [own.sent.map(({ value }) => value),
                               own._expectedEchoMsgIds.get('value')];
          own.fromKernel(0.3, 0.30000000000000004);
          own.fromKernel(0.4, 0.5);
          const restated = own.sent.slice(2).map(({ value, callbacks }) => [value, callbacks]);
          own.sent.length = 2;
          own.press(7);
          release();
          const released = [own.sent.length, own.sent.at(-1).value, own.save_changes === save];
          const shared = make(), sharedSave = shared.save_changes;
          const first = window.chart.syncOnceSettled(shared, 'value');
          const second = window.chart.syncOnceSettled(shared, 'value');
          first();
          shared.press(1);
          const heldAfterFirst = shared.sent.length === 0;
          second();
          const closed = make(), closedSave = closed.save_changes;
          const letGo = window.chart.syncOnceSettled(closed, 'value');
          closed.press(1);
          closed.comm = undefined;  // ipywidgets' close()
          closed._closed = true;
          letGo();
          await wait(250);
          return { during, echo, settled, afterKernel, restated, released, heldAfterFirst,
                   sharedSent: shared.sent.length, restored: shared.save_changes === sharedSave,
                   closed: [closed.sent.length, closed.save_changes === closedSave] };
        }""",
        STAND_IN_MODEL_JS,
    )
    assert got["during"] == 0 and got["echo"] == "rnnviz-held", got
    assert got["settled"] == [[5, "press 5"]], got
    assert got["afterKernel"] == [[5, 0], "rnnviz-held"], got
    assert got["restated"] == [[None, "restated"], [0.5, "restated"]], got
    assert got["released"] == [3, 7, True], got
    assert got["heldAfterFirst"] and got["sharedSent"] == 1 and got["restored"], got
    assert got["closed"] == [0, True], got
