"""Browser latency: key press on a slider to the changed DOM and to the painted frame.

JupyterLab and headless Chromium, as in the browser tests (tests/browser/conftest.py), on one
notebook holding the two baselines (a slider whose kernel callback changes only a Label; two
jslinked sliders, the pure-browser floor) and the renderer's widgets: GradientFlow (lab 04),
the one-cell gate explorer and the sequence gate explorer (lab 05). Method: RECIPES.md
(Latency), in tests/browser/latency.py. Each row: median, p90, max over 30 presses after 3
warm-ups, each press settled (0.4 s), and how many changed the picture (a canvas pixel hash
for the renderer's charts). Runs: kernel idle; kernel busy (a cell sleeping); a held key at
30 Hz; the cold controls (recomputed in the kernel: first new picture and settled page).
Then the same GradientFlow picture (benchmarks/compare_picture.py) in Vega-Lite, as an Altair
JupyterChart in a second notebook: its param `frame` (the radius frame) bound to Vega's slider,
on the SVG renderer (vega-embed's default) and the canvas one, idle and busy, and set from
Python by an ipywidgets slider; timed to the frame painting the first new picture. Vega's
slider is clicked: JupyterLab keeps the arrow keys for the notebook (see ALTAIR_CELLS).
Last, the renderer comparison: that picture redrawn from its frames by plotly.js
(Plotly.react), by the renderer's canvas and by Vega (SVG and canvas; a param change or a
data swap), in one page: each redraw's call, and to two animation frames later.
Vega, Vega-Lite and vega-embed come from the installed packages (the `bench` extra: altair,
vl-convert-python); every request leaving the pages fails the run.

Run alone: `python benchmarks/bench_latency.py --compare-only` (one page, no JupyterLab,
about a minute), `--jupyterchart-only` (the JupyterChart notebook, about three minutes).

Targets (the hot sliders): p90 <= 33 ms and max <= 50 ms key to frame, idle and busy; a held
key draws >= 95% of the states and ends <= 50 ms after the last press; cold controls reach the
frame at p90 <= 150 ms.
"""

import base64
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import nbformat  # noqa: E402
from compare_picture import picture_frames, vega_lite_spec, vega_rows  # noqa: E402

from rnnviz.widgets.renderer import STATIC  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, JupyterServer, Lab  # noqa: E402
from tests.browser.latency import (  # noqa: E402
    OUTPUT,
    canvas_hash,
    chart_output,
    hold_key,
    start_busy_cell,
    summary,
    time_presses,
)

PRESSES = int(os.environ.get("BENCH_PRESSES", 30))  # fewer for a quick look
CELLS = [
    "from rnnviz import setup_lab; setup_lab(seed=0)",
    # Baseline 1: the floor through the kernel (a callback that changes only a Label).
    "import ipywidgets as w\n"
    "through_kernel, label = w.IntSlider(50, 0, 100), w.Label('50')\n"
    "through_kernel.observe(lambda c: setattr(label, 'value', str(c['new'])), 'value')\n"
    "w.VBox([through_kernel, label])",
    # Baseline 2: the pure-browser floor (two jslinked sliders).
    "a, b = w.IntSlider(50, 0, 100), w.IntSlider(50, 0, 100)\n"
    "w.jslink((a, 'value'), (b, 'value'))\n"
    "w.VBox([a, b])",
    "from rnnviz.widgets.gradient_flow import GradientFlow\n"
    "flow = GradientFlow(seq_len=100, hidden_size=32, spectral_radius=0.9)\nflow",
    "from rnnviz.widgets.gate_explorer import GateExplorer\ncell = GateExplorer.cell()\ncell",
    "from rnnviz.tasks.recall import evaluation_batch, train_recall\n"
    "lstm, _ = train_recall('lstm', steps=50, progress=False)\n"
    "batch = evaluation_batch()\n"
    "sequences = GateExplorer.sequence(lstm.rnn, batch.x[:16], marked=batch.marked[:16])\n"
    "sequences",
]
# Sliders in document order: the label baseline 0, the jslinked pair 1-2, GradientFlow 3-7
# (T, H, radius, forget bias, pulse), the LSTM cell 8-22 (x, h, c, then w_x, w_h, b of
# i, f, o, g), the sequence explorer 23-24 (step t, sequence).
SLIDERS = {
    "label": 0,
    "jslink": 1,
    "T": 3,
    "H": 4,
    "radius": 5,
    "forget_bias": 6,
    "pulse": 7,
    "f_b": 8 + 3 + 3 + 2,
    "x_t": 8,
    "step_t": 23,
}
CHARTS = {"gradient_flow": 0, "gate_cell": 1, "gate_sequence": 2}
HOT = [
    ("GradientFlow (04)", "RNN radius", "radius", "gradient_flow"),
    ("GradientFlow (04)", "LSTM forget bias", "forget_bias", "gradient_flow"),
    ("GradientFlow (04)", "pulse at t", "pulse", "gradient_flow"),
    ("GateExplorer, one cell (05)", "f: b", "f_b", "gate_cell"),
    ("GateExplorer, one cell (05)", "x_t", "x_t", "gate_cell"),
    ("GateExplorer, sequence (05)", "step t", "step_t", "gate_sequence"),
]


def _rows(lab, run, settle=0.4):
    """Time the baselines and every hot slider; return the table's rows."""
    page, rows = lab.page, []
    handles = page.locator(".widget-slider .noUi-handle")
    label_output = page.evaluate(
        "() => [...document.querySelectorAll('.jp-OutputArea-output')]"
        ".findIndex(o => o.querySelector('.widget-label'))"
    )
    jslink_output = label_output + 1
    for widget, slider, key, watch in (
        (
            "baseline: kernel round trip changing a Label",
            "",
            "label",
            (".jp-OutputArea-output", label_output),
        ),
        (
            "baseline: two jslinked sliders (browser only)",
            "",
            "jslink",
            (".jp-OutputArea-output", jslink_output),
        ),
    ):
        times = time_presses(page, handles.nth(SLIDERS[key]), watch, presses=PRESSES, settle=settle)
        rows.append(_row(run, widget, slider, times))
    for widget, slider, key, chart in HOT:
        index = CHARTS[chart]
        times = time_presses(
            page,
            handles.nth(SLIDERS[key]),
            chart_output(page, index),
            presses=PRESSES,
            settle=settle,
            picture=lambda index=index: canvas_hash(page, index),
        )
        rows.append(_row(run, widget, slider, times))
        _wait_settled(page)
    return rows


def _row(run, widget, slider, times):
    row = {
        "run": run,
        "widget": widget,
        "slider": slider,
        "dom_ms": summary(times["dom_ms"]),
        "frame_ms": summary(times["frame_ms"]),
        "changed": times["changed"],
        "presses": times["presses"],
    }
    if times.get("first_frame_ms"):
        row["first_frame_ms"] = summary(times["first_frame_ms"])
    print(f"  measured: {run}, {widget}, {slider}: frame {_fmt(row['frame_ms'])}", flush=True)
    return row


def _wait_settled(page, timeout=30):
    """Until no chart says "recomputing" (the kernel has answered the last release)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if page.evaluate(
            "() => [...document.querySelectorAll('.rnnviz-busy')]"
            ".every(b => b.style.display === 'none')"
        ):
            return
        time.sleep(0.2)


def _cold_rows(lab):
    """Sliders the kernel recomputes for: T and H (the first picture is the current frame)."""
    page, rows = lab.page, []
    handles = page.locator(".widget-slider .noUi-handle")
    for slider, key in (("T (recomputes)", "T"), ("H (recomputes)", "H")):
        times = time_presses(
            page,
            handles.nth(SLIDERS[key]),
            chart_output(page, CHARTS["gradient_flow"]),
            presses=10,
            warmup=1,
            settle=2.5,
            picture=lambda: canvas_hash(page, 0),
        )
        rows.append(_row("cold", "GradientFlow (04)", slider, times))
    return rows


def _held_rows(lab):
    page, rows = lab.page, []
    handles = page.locator(".widget-slider .noUi-handle")
    for widget, slider, key, chart, control in (
        ("GradientFlow (04)", "RNN radius", "radius", "gradient_flow", "spectral_radius"),
        ("GradientFlow (04)", "LSTM forget bias", "forget_bias", "gradient_flow", "forget_bias"),
        ("GateExplorer, one cell (05)", "f: b", "f_b", "gate_cell", "f_b"),
        ("GateExplorer, sequence (05)", "step t", "step_t", "gate_sequence", "time"),
    ):
        _wait_settled(page)
        held = hold_key(page, handles.nth(SLIDERS[key]), CHARTS[chart], control, keys=40)
        rows.append({"run": "held key, 30 Hz", "widget": widget, "slider": slider, **held})
    return rows


COMPARE_JS = """
async ([frames, T, vega]) => {
  // The GradientFlow picture (two log-scale line panels, a 3-row chain heatmap) redrawn for
  // each radius frame, from precomputed frames: by plotly.js (Plotly.react), by the renderer,
  // and by Vega (the vega-embed, Vega-Lite and vega that Altair's JupyterChart runs), each
  // timed from the redraw call to two animation frames later (the frame is painted).
  const chart = await import('data:text/javascript;base64,' + window.__chartSource);
  const twoFrames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  // A hash of the picture, taken after each timed redraw: how many distinct pictures were
  // drawn. A canvas: its pixels. An SVG: its leaf elements' markup, in any order and with
  // gradient ids left out (Vega's SVG renderer may reorder the same elements, and makes a new
  // legend gradient at each redraw).
  const fnv = (values, step) => {
    let h = 2166136261;
    for (let i = 0; i < values.length; i += step) h = Math.imul(h ^ values[i], 16777619);
    return h >>> 0;
  };
  const pixels = (el) => el.tagName.toLowerCase() === 'svg'
    ? [...el.querySelectorAll('*')].filter((e) => !e.firstElementChild && !e.closest('defs'))
      .map((e) => e.outerHTML.replace(/#[a-z]+_[0-9]+/g, '#id'))
      .reduce((sum, m) => (sum + fnv(Array.from(m, (c) => c.charCodeAt(0)), 1)) >>> 0, 0)
    : fnv(el.getContext('2d').getImageData(0, 0, el.width, el.height).data, 7);
  const t = Array.from({length: T}, (_, k) => k + 1);
  const pow = v => Array.from(v, u => Number.isFinite(u) ? Math.pow(10, u) : null);
  const n = frames.rnn_h.length;
  // plotly.js
  const div = document.createElement('div'); document.body.append(div);
  const figure = (k) => ({
    data: [
      {x: t, y: pow(frames.rnn_h[k]), xaxis: 'x', yaxis: 'y', line: {color: '#d62728'}},
      {x: t, y: pow(frames.rnn_bound[k]), xaxis: 'x', yaxis: 'y', line: {dash: 'dash'}},
      {x: t, y: pow(frames.lstm_h), xaxis: 'x2', yaxis: 'y2'},
      {x: t, y: pow(frames.lstm_c), xaxis: 'x2', yaxis: 'y2', line: {dash: 'dash'}},
      {type: 'heatmap', x: t, z: [frames.lstm_c, frames.lstm_h, frames.rnn_h[k]],
       xaxis: 'x3', yaxis: 'y3', colorscale: 'Viridis'}],
    layout: {width: 980, height: 600, showlegend: false,
      xaxis: {domain: [0, 0.45], anchor: 'y'},
      yaxis: {type: 'log', domain: [0.4, 1], anchor: 'x'},
      xaxis2: {domain: [0.55, 1], anchor: 'y2'},
      yaxis2: {type: 'log', domain: [0.4, 1], anchor: 'x2'},
      xaxis3: {domain: [0, 1], anchor: 'y3'}, yaxis3: {domain: [0, 0.3], anchor: 'x3'}}});
  // Each redraw: its call (to the promise resolved), then to two animation frames later.
  const timed = async (prepare, redraw, pictureOf) => {
    const toFrame = [], call = [], seen = new Set();
    for (let j = 0; j < 2 * n; j++) {
      const k = (j * 7) % n, input = prepare(k);
      const start = performance.now();
      await redraw(input, k);
      call.push(performance.now() - start);
      await twoFrames();
      toFrame.push(performance.now() - start);
      if (pictureOf) seen.add(pixels(pictureOf()));
    }
    return {toFrame, call, pictures: pictureOf ? seen.size : null};
  };
  await Plotly.newPlot(div, figure(0));
  const out = {plotly: await timed(figure, (f) => Plotly.react(div, f), null)};
  div.remove();
  // the renderer
  const canvas = document.createElement('canvas'); document.body.append(canvas);
  canvas.width = window.__spec.width; canvas.height = window.__spec.height;
  let shown = 0;
  const read = (name) => name === 'rnn_h' || name === 'rnn_bound' || name === 'rnn_fade'
    ? Float32Array.from(frames[name][shown])
    : frames[name] ? Float32Array.from(frames[name]) : null;
  out.renderer = await timed(() => null, (_, k) => {
    shown = k; chart.draw(canvas, window.__spec, read, {step: 1});
  }, () => canvas);
  canvas.remove();
  // Vega on its SVG renderer (vega-embed's default, so the JupyterChart's) and on its canvas
  // renderer, two ways to change the frame: set the param `frame` that filters a dataset
  // holding every frame (a JupyterChart param), or replace the one-frame dataset "rnn" (its
  // rows built before the clock starts, as plotly's figures are).
  for (const renderer of vega ? ['svg', 'canvas'] : []) {
    for (const [how, spec] of [['param', vega.param], ['data', vega.data]]) {
      const el = document.createElement('div'); document.body.append(el);
      const api = await window.vegaEmbed(el, spec, {renderer, actions: false});
      out[`${renderer}_${how}`] = await timed(
        (k) => how === 'data' ? vega.rows[k].map(r => ({...r})) : null,
        (rows, k) => (how === 'param' ? api.view.signal('frame', k)
                      : api.view.data('rnn', rows)).runAsync(),
        () => el.querySelector(renderer));
      api.finalize(); el.remove();
    }
  }
  return out;
}
"""


def _vega_bundle():
    """vega-embed, Vega-Lite and vega as one script, from the installed packages (no CDN):
    altair's JupyterChart runs offline on this bundle (JupyterChart.enable_offline()), which
    vl-convert-python (altair's `save` extra) makes.
    Returns: (the script, its versions), or (None, None) if they are not installed."""
    try:
        import vl_convert
        from altair.utils._importers import vl_version_for_vl_convert
    except ImportError:
        return None, None
    version = vl_version_for_vl_convert()
    names = f"Vega-Lite {version[1:].replace('_', '.')}, vega {vl_convert.get_vega_version()}"
    return vl_convert.javascript_bundle(vl_version=version), names


def _compare(browser):
    """The renderer comparison: the same picture and frames, drawn by each candidate."""
    import plotly

    frames, spec = picture_frames()
    bundle, versions = _vega_bundle()
    plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    # Offline, as in the tests: any request leaving the page fails the comparison.
    requests = []
    page.route("**/*", lambda route: (requests.append(route.request.url), route.abort()))
    page.add_script_tag(path=str(plotly_js))
    vega = None
    if bundle is not None:
        page.add_script_tag(content=bundle)
        _, rows, _ = vega_rows(frames)
        vega = {
            "param": vega_lite_spec(frames),
            "data": vega_lite_spec(frames, per_frame_data=True),
            "rows": rows,
        }
    page.evaluate(
        "([s, spec]) => { window.__chartSource = s; window.__spec = spec; }",
        [base64.b64encode((STATIC / "chart.js").read_bytes()).decode(), spec],
    )
    out = page.evaluate(COMPARE_JS, [frames, len(frames["lstm_h"]), vega])
    page.close()
    if requests:
        raise RuntimeError(f"the comparison page asked the network for {requests}")
    n = len(frames["rnn_h"])

    def row(renderer, key):
        times = out[key]
        return {
            "renderer": renderer,
            "redraw_to_frame_ms": summary(times["toFrame"]),
            "redraw_call_ms": summary(times["call"]),
            "pictures": None if times["pictures"] is None else f"{times['pictures']}/{n}",
        }

    rows = [
        row("plotly.js 3 (Plotly.react on precomputed frames)", "plotly"),
        row("rnnviz canvas front end (static/chart.js)", "renderer"),
    ]
    if vega is None:
        return rows + [
            {
                "renderer": "Vega-Lite via Altair JupyterChart",
                "redraw_to_frame_ms": None,
                "note": "not measured: altair[save] (vl-convert-python) is not installed; "
                "pip install -e '.[bench]'",
            }
        ]
    for renderer, name in (("svg", "SVG (JupyterChart's default)"), ("canvas", "canvas")):
        for how, label in (
            ("param", "param `frame` filters every frame's rows"),
            ("data", "view.data() swaps in the frame's rows"),
        ):
            rows.append(row(f"{versions}, {name}: {label}", f"{renderer}_{how}"))
    return rows


# The JupyterChart in JupyterLab: the same picture, its param `frame` (the radius frame)
# bound to Vega's own slider (a range input, answered in the browser), on vega-embed's default
# SVG renderer and on its canvas renderer; and the param set from Python by an ipywidgets
# slider (the param's sync with the kernel). Vega's slider is clicked, not pressed: in a
# notebook in command mode JupyterLab binds ArrowRight/ArrowLeft to the focused element's
# cell (notebook:move-cursor-heading-below-or-expand) and prevents the range input's own step.
ALTAIR_CELLS = [
    "from rnnviz import setup_lab; setup_lab(seed=0)",
    f"import sys\nsys.path.insert(0, {str(REPO / 'benchmarks')!r})\n"
    "import altair as alt\nimport ipywidgets as w\n"
    "from compare_picture import altair_chart, picture_frames\n"
    "alt.JupyterChart.enable_offline()  # vega from the installed vl-convert: no CDN\n"
    "frames, _ = picture_frames()\n"
    "jchart = alt.JupyterChart(altair_chart(frames))\njchart",
    "through_kernel = w.IntSlider(0, 0, len(frames['rnn_h']) - 1, description='frame')\n"
    "through_kernel.observe(lambda c: setattr(jchart.params, 'frame', c['new']), 'value')\n"
    "through_kernel",
    "alt.JupyterChart(altair_chart(frames), embed_options={'renderer': 'canvas'})",
]
VEGA_SLIDER = ".vega-bind input[type=range]"
VEGA_OUTPUTS = """() => [...document.querySelectorAll('.jp-OutputArea-output')]
    .map((o, i) => o.querySelector('.vega-embed') ? i : -1).filter(i => i >= 0)"""
# The picture a Vega chart shows: its canvas's pixels, or its SVG's leaf elements in any
# order with gradient ids left out (the SVG renderer reorders elements and makes a new legend
# gradient at each redraw).
VEGA_HASH_JS = """
(root) => {
  const fnv = (values, step) => {
    let h = 2166136261;
    for (let i = 0; i < values.length; i += step) h = Math.imul(h ^ values[i], 16777619);
    return h >>> 0;
  };
  const canvas = root.querySelector('.vega-embed canvas');
  if (canvas) return fnv(canvas.getContext('2d').getImageData(
    0, 0, canvas.width, canvas.height).data, 7);
  return [...root.querySelector('.vega-embed svg.marks').querySelectorAll('*')]
    .filter((e) => !e.firstElementChild && !e.closest('defs'))
    .map((e) => e.outerHTML.replace(/#[a-z]+_[0-9]+/g, '#id'))
    .reduce((sum, m) => (sum + fnv(Array.from(m, (c) => c.charCodeAt(0)), 1)) >>> 0, 0);
}
"""
# The first new picture after a press (keydown or pointerdown), and the frame that paints it.
# An SVG chart: the first mutation of its SVG that changed the picture's hash (the JupyterChart
# redraws again, the same picture, when the kernel echoes the param back), then a double
# requestAnimationFrame, as latency.py does. A canvas draw marks nothing in the DOM: its pixels
# are hashed at every animation frame; the first changed hash is the new picture, painted at
# the end of that frame, and the next animation frame stamps it.
PICTURE_PRESS_JS = """
(root) => {
  const P = window.__picturePress = {key: null, dom: null, frame: null, on: true};
  const onPress = () => { P.key = performance.now(); P.dom = null; P.frame = null; };
  window.addEventListener('keydown', onPress, true);
  window.addEventListener('pointerdown', onPress, true);
  let last = window.__vegaHash(root);
  const changed = () => {
    if (P.key === null || P.dom !== null) return false;
    const h = window.__vegaHash(root);
    if (h === last) return false;
    last = h; P.dom = performance.now();
    return true;
  };
  const svg = root.querySelector('.vega-embed svg.marks');
  let observer = null;
  if (svg) {
    observer = new MutationObserver(() => {
      if (changed()) requestAnimationFrame(() => requestAnimationFrame(() => {
        P.frame = performance.now();
      }));
    });
    observer.observe(svg, {attributes: true, childList: true, subtree: true,
                           characterData: true});
  } else {
    const tick = () => {
      if (changed()) requestAnimationFrame(() => { P.frame = performance.now(); });
      if (P.on) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }
  P.stop = () => {
    P.on = false;
    if (observer) observer.disconnect();
    window.removeEventListener('keydown', onPress, true);
    window.removeEventListener('pointerdown', onPress, true);
  };
}
"""
# Where the clicks on Vega's slider land (frame numbers), in turn: each moves the value.
VEGA_CLICKS = (5, 15, 25, 35, 25, 15)


def _vega_presses(page, handle, output, canvas, click=False, presses=PRESSES, warmup=3, settle=0.4):
    """time_presses for a slider that redraws the Vega chart in output area number `output`.

    Each press is timed to the frame painting its first new picture (PICTURE_PRESS_JS; for a
    canvas chart "dom_ms" stays empty). A press changed the picture if the chart's hash
    (VEGA_HASH_JS) changed. click: a click on the slider's track at the next of VEGA_CLICKS
    instead of an arrow key (JupyterLab takes the arrow keys of Vega's range input: see
    ALTAIR_CELLS), timed from the pointerdown. Returns: time_presses's dict.
    """
    root = page.locator(OUTPUT).nth(output)

    def value():
        return handle.evaluate(
            "e => e.tagName === 'INPUT' ? e.value"
            " : (e.parentElement.getAttribute('style') || '') + e.getAttribute('aria-valuenow')"
        )

    def picture():
        return root.evaluate("e => window.__vegaHash(e)")

    page.evaluate(f"() => {{ window.__vegaHash = {VEGA_HASH_JS}; }}")
    root.evaluate(PICTURE_PRESS_JS)
    handle.scroll_into_view_if_needed()
    handle.focus()
    key, dom, frame, changed, done, attempts = "ArrowRight", [], [], 0, 0, 0
    while done < warmup + presses:
        attempts += 1
        if attempts > 3 * (warmup + presses):
            raise AssertionError(f"the slider stopped moving after {done} presses")
        before, shown = value(), picture()
        if click:
            box, low, high = handle.evaluate(
                "e => [e.getBoundingClientRect().toJSON(), +e.min, +e.max]"
            )
            at = (VEGA_CLICKS[attempts % len(VEGA_CLICKS)] - low) / (high - low)
            thumb = box["height"]  # Chromium's round thumb: as wide as the input is high
            page.mouse.click(
                box["x"] + thumb / 2 + at * (box["width"] - thumb), box["y"] + box["height"] / 2
            )
        else:
            handle.press(key)
        time.sleep(settle)
        t_key, t_dom, t_frame = page.evaluate(
            "() => [__picturePress.key, __picturePress.dom, __picturePress.frame]"
        )
        if value() == before:  # at an end: turn round, and press again
            key = "ArrowLeft" if key == "ArrowRight" else "ArrowRight"
            continue
        done += 1
        if done <= warmup:
            continue
        if t_dom is not None and not canvas:
            dom.append(t_dom - t_key)
        if t_frame is not None:
            frame.append(t_frame - t_key)
        changed += picture() != shown
    page.evaluate("() => window.__picturePress.stop()")
    return {"dom_ms": dom, "frame_ms": frame, "changed": changed, "presses": presses}


def _jupyterchart_rows(browser, server):
    """The JupyterChart's param slider (Vega's, and one through the kernel), idle and busy."""
    nbformat.write(
        nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in ALTAIR_CELLS]),
        server.root / "labs" / "altair.ipynb",
    )
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    # Offline: a request for anything but the Jupyter server fails the run.
    outside = []

    def local_only(route):
        if route.request.url.startswith(server.url):
            return route.continue_()
        outside.append(route.request.url)
        return route.abort()

    context.route("**/*", local_only)
    try:
        lab = Lab(context.new_page(), server)
        lab.run("altair.ipynb", min_plots=0, min_sliders=1)
        page = lab.page
        page.wait_for_function(f"() => document.querySelectorAll('{VEGA_SLIDER}').length === 2")
        svg_output, canvas_output = page.evaluate(VEGA_OUTPUTS)
        sliders = page.locator(VEGA_SLIDER)
        svg_chart = "Altair JupyterChart, Vega SVG (default)"
        canvas_chart = "Altair JupyterChart, Vega canvas"
        vega_slider = "param frame: Vega's slider (click)"
        kernel_slider = page.locator(".widget-slider .noUi-handle").first

        def measure(run, widget, slider, handle, output, canvas, click=True):
            times = _vega_presses(page, handle, output, canvas, click=click)
            return _row(run, widget, slider, times)

        rows = []
        for run in ("kernel idle", "kernel busy (a cell sleeping)"):
            if run != "kernel idle":
                start_busy_cell(page, seconds=600)
            rows.append(measure(run, svg_chart, vega_slider, sliders.nth(0), svg_output, False))
            rows.append(
                measure(run, canvas_chart, vega_slider, sliders.nth(1), canvas_output, True)
            )
            if run == "kernel idle":
                rows.append(
                    measure(
                        run,
                        svg_chart,
                        "param frame set from Python (ipywidgets slider)",
                        kernel_slider,
                        svg_output,
                        False,
                        click=False,
                    )
                )
    finally:
        context.close()
    if outside:
        raise RuntimeError(f"the JupyterChart asked the network for {outside}")
    return rows


def main(parts=("jupyterlab", "jupyterchart", "compare")):
    """Every part by default; `parts` narrows a development run (the table needs them all)."""
    from playwright.sync_api import sync_playwright

    results = {"load_before": os.getloadavg()}
    root = Path(tempfile.mkdtemp(prefix="rnnviz-bench-"))
    (root / "labs").mkdir()
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    nbformat.write(notebook, root / "labs" / "latency.ipynb")
    server = JupyterServer(root)
    rows = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            if "jupyterlab" in parts:
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                lab = Lab(context.new_page(), server)
                lab.run("latency.ipynb", min_plots=0, min_sliders=25)
                lab.page.wait_for_function(
                    "() => document.querySelectorAll('.rnnviz-chart canvas').length === 3"
                )
                rows += _rows(lab, "kernel idle")
                rows += _cold_rows(lab)
                rows += _held_rows(lab)
                start_busy_cell(lab.page, seconds=600)
                rows += _rows(lab, "kernel busy (a cell sleeping)")
                context.close()
            if "jupyterchart" in parts:
                if _altair_installed():
                    rows += _jupyterchart_rows(browser, server)
                else:
                    print("  JupyterChart not measured: altair[save] is not installed")
            results["renderers"] = _compare(browser) if "compare" in parts else []
            browser.close()
    finally:
        server.shutdown_kernels()
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
    results["rows"] = rows
    results["load_after"] = os.getloadavg()
    _print(results)
    return results


def _altair_installed():
    try:
        import altair  # noqa: F401
        import vl_convert  # noqa: F401
    except ImportError:
        return False
    return True


def _fmt(s):
    if not s or s.get("median") is None:
        return "      -"
    return f"{s['median']:6.1f} / {s['p90']:6.1f} / {s['max']:6.1f}"


def _print(results):
    print(f"load average before {results['load_before']}, after {results['load_after']}")
    print(
        f"  {'run':<30} {'widget':<46} {'slider':<22} {'key->DOM med/p90/max ms':>25} "
        f"{'key->frame med/p90/max ms':>27}  changed"
    )
    for r in results["rows"]:
        if "frame_ms" in r:
            print(
                f"  {r['run']:<30} {r['widget']:<46} {r['slider']:<22} {_fmt(r['dom_ms']):>25}"
                f" {_fmt(r['frame_ms']):>27}  {r['changed']}/{r['presses']}"
            )
            if "first_frame_ms" in r and r["run"] == "cold":
                print(
                    f"  {'':<30} {'':<46} {'  first new picture':<22} {'':>25} "
                    f"{_fmt(r['first_frame_ms']):>27}"
                )
        else:
            lag = "-" if r["lag_ms"] is None else f"{r['lag_ms']:.1f} ms"
            print(
                f"  {r['run']:<30} {r['widget']:<46} {r['slider']:<22} "
                f"states {r['states']}, drawn {r['drawn']}, last frame {lag} after last key"
            )
    _print_renderers(results["renderers"])


def _print_renderers(renderers):
    print(
        "  renderer comparison, the GradientFlow picture redrawn per frame, med/p90/max ms:"
        " redraw call; to the painted frame; distinct pictures"
    )
    for r in renderers:
        print(
            f"    {r['renderer']:<100} {_fmt(r.get('redraw_call_ms'))}  "
            f"{_fmt(r['redraw_to_frame_ms'])}  {r.get('pictures') or ''} {r.get('note', '')}"
        )


def compare_only():
    """The renderer comparison alone (no JupyterLab): a headless Chromium page, about 1 min."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            renderers = _compare(browser)
        finally:
            browser.close()
    _print_renderers(renderers)
    return {"renderers": renderers}


if __name__ == "__main__":
    if "--compare-only" in sys.argv[1:]:
        compare_only()
    elif "--jupyterchart-only" in sys.argv[1:]:
        main(parts=("jupyterchart",))
    else:
        main()
