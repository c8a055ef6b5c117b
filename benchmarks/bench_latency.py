"""Browser latency: key press on a slider to the changed DOM and to the painted frame.

JupyterLab and headless Chromium, as in the browser tests (tests/browser/conftest.py). One
notebook and kernel a page (PAGES): the two baselines (a slider whose kernel callback changes
only a Label, the floor through the kernel; two jslinked sliders, the pure-browser floor), then
each widget drawn by the renderer. Method: RECIPES.md (Latency), in tests/browser/latency.py.
Each row: median, p90, max over 30 presses after 3 warm-ups, each press settled (0.4 s), and
how many changed the picture (a canvas pixel hash for the renderer's charts). Runs a page:
kernel idle; the cold controls (recomputed in the kernel: first new picture and settled page);
a held key at 30 Hz; kernel busy with a cell sleeping; kernel busy with a cell training an
LSTM on torch's default threads (every core of this machine). Then the renderer comparison:
the GradientFlow picture redrawn from its frames by each candidate, in the same page.

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

import nbformat  # noqa: E402

from rnnviz.widgets.renderer import STATIC  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, JupyterServer, Lab  # noqa: E402
from tests.browser.latency import (  # noqa: E402
    canvas_hash,
    chart_output,
    chart_state,
    hold_key,
    interrupt_kernels,
    start_busy_cell,
    summary,
    time_clicks,
    time_presses,
)

PRESSES = int(os.environ.get("BENCH_PRESSES", 30))  # fewer for a quick look
SETUP = "from rnnviz import setup_lab; setup_lab(seed=0)"
SLIDER = ".widget-slider .noUi-handle"
# A cell that keeps the kernel busy the way a student's training cell does: torch training
# on its default threads (every core here), while the student drags a slider.
TRAINING = (
    "import time\n"
    "from rnnviz.tasks.recall import train_recall\n"
    "end = time.time() + 900\n"
    "while time.time() < end: train_recall('lstm', steps=20, progress=False)"
)


def hot(widget, slider, index, chart, control=None, selector=SLIDER, watch_chart=False):
    """A hot control: the `index`-th `selector` of its page draws chart number `chart`;
    `control` (its name in the chart's state) also times a held key. The answer is watched on
    the chart's output (controls and picture), or with watch_chart on the picture alone: for
    a slider whose move also makes the kernel reset another control, later."""
    return {
        "widget": widget,
        "slider": slider,
        "index": index,
        "chart": chart,
        "control": control,
        "selector": selector,
        "watch_chart": watch_chart,
    }


# One notebook (and kernel) a page. Each page: its cells, how many sliders and charts it
# shows once rendered, its hot controls (timed idle, busy, held), its cold ones (recomputed
# in the kernel: first new picture and settled page) and its baselines (the kernel floor: a
# slider whose callback changes only a Label; the browser floor: two jslinked sliders).
PAGES = [
    {
        "name": "baselines",
        "cells": [
            SETUP,
            "import ipywidgets as w\n"
            "through_kernel, label = w.IntSlider(50, 0, 100), w.Label('50')\n"
            "through_kernel.observe(lambda c: setattr(label, 'value', str(c['new'])), 'value')\n"
            "w.VBox([through_kernel, label])",
            "a, b = w.IntSlider(50, 0, 100), w.IntSlider(50, 0, 100)\n"
            "w.jslink((a, 'value'), (b, 'value'))\n"
            "w.VBox([a, b])",
        ],
        "sliders": 3,
        "charts": 0,
        # (row name, slider index, which output with a slider shows its answer)
        "baselines": [
            ("baseline: kernel round trip changing a Label", 0, 0),
            ("baseline: two jslinked sliders (browser only)", 1, 1),
        ],
    },
    {
        # HiddenStateExplorer's sliders: t 0, edit step k 1, new x_k 2.
        "name": "hidden_state",
        "cells": [
            SETUP,
            "import numpy as np\n"
            "from rnnviz.models.weight_init import rnn_params\n"
            "from rnnviz.widgets.hidden_state_explorer import HiddenStateExplorer\n"
            "p = rnn_params(1, 8, spectral_radius=0.9, seed=0)\n"
            "x = np.random.default_rng(2).standard_normal((12, 1))\n"
            "explorer = HiddenStateExplorer(x, p['Wx'], p['Wh'], p['b'], step=1, edit_step=5,"
            " value=2.0)\nexplorer",
        ],
        "sliders": 3,
        "charts": 1,
        "hot": [
            hot("HiddenStateExplorer (01)", "t", 0, 0, "step"),
            hot("HiddenStateExplorer (01)", "edit step k", 1, 0, "edit_step"),
            hot("HiddenStateExplorer (01)", "new x_k", 2, 0, "value"),
        ],
    },
    {
        # GraphUnroller's T slider 0 and highlight buttons; AutogradView's T slider 1.
        "name": "graphs",
        "cells": [
            SETUP,
            "from rnnviz.widgets.graph_unroller import AutogradView, GraphUnroller\n"
            "unroller = GraphUnroller(shape='many-to-one', seq_len=4, highlight='W_hh')\n"
            "autograd = AutogradView(shape='many-to-one', seq_len=3)\n"
            "display(unroller, autograd)",
        ],
        "sliders": 2,
        "charts": 2,
        "hot": [
            hot("GraphUnroller (02)", "T", 0, 0, "seq_len"),
            hot("AutogradView (02)", "T", 1, 1, "seq_len"),
        ],
        # (widget, control, the buttons' names, chart, the control's name in the chart)
        "clicks": [
            ("GraphUnroller (02)", "highlight", ("none", "W_xh", "W_hh", "W_hy"), 0, "highlight")
        ],
    },
    {
        # GradientFlow's sliders: T 0, H 1, radius 2, forget bias 3, pulse 4.
        "name": "gradient_flow",
        "cells": [
            SETUP,
            "from rnnviz.widgets.gradient_flow import GradientFlow\n"
            "flow = GradientFlow(seq_len=100, hidden_size=32, spectral_radius=0.9)\nflow",
        ],
        "sliders": 5,
        "charts": 1,
        "hot": [
            hot("GradientFlow (04)", "RNN radius", 2, 0, "spectral_radius"),
            hot("GradientFlow (04)", "LSTM forget bias", 3, 0, "forget_bias"),
            hot("GradientFlow (04)", "pulse at t", 4, 0),
        ],
        "cold": [
            ("GradientFlow (04)", "T (recomputes)", 0, 0),
            ("GradientFlow (04)", "H (recomputes)", 1, 0),
        ],
    },
    {
        # The LSTM cell's sliders 0-14 (x, h, c, then w_x, w_h, b of i, f, o, g); the
        # sequence explorer's 15-16 (step t, sequence).
        "name": "gates",
        "cells": [
            SETUP,
            "from rnnviz.widgets.gate_explorer import GateExplorer\n"
            "cell = GateExplorer.cell()\ncell",
            "from rnnviz.tasks.recall import evaluation_batch, train_recall\n"
            "lstm, _ = train_recall('lstm', steps=50, progress=False)\n"
            "batch = evaluation_batch()\n"
            "sequences = GateExplorer.sequence(lstm.rnn, batch.x[:16], marked=batch.marked[:16])\n"
            "sequences",
        ],
        "sliders": 17,
        "charts": 2,
        "hot": [
            hot("GateExplorer, one cell (05)", "f: b", 3 + 3 + 2, 0, "f_b"),
            hot("GateExplorer, one cell (05)", "x_t", 0, 0),
            hot("GateExplorer, sequence (05)", "step t", 15, 1, "time"),
        ],
    },
    {
        # AttentionViewer's sliders: word 0, scene 1. A scene move also makes the kernel set
        # the word slider's range and reset it, later: the scene is timed on the picture.
        "name": "attention",
        "cells": [
            SETUP,
            "import numpy as np\n"
            "from rnnviz.captioning.model import load_captioner\n"
            "from rnnviz.captioning.train import checkpoint_path, held_out_scenes\n"
            "from rnnviz.widgets.attention_viewer import AttentionViewer\n"
            "test = held_out_scenes()\n"
            "hardest = test.subset(np.array([len(o) for o in test.objects]) == 3)\n"
            "attention = load_captioner(checkpoint_path('attention', 0))[0]\n"
            "baseline = load_captioner(checkpoint_path('baseline', 0))[0]\n"
            "viewer = AttentionViewer(attention, baseline, hardest)\nviewer",
        ],
        "sliders": 2,
        "charts": 1,
        "hot": [
            hot("AttentionViewer (08)", "word", 0, 0, "word"),
            hot("AttentionViewer (08)", "scene", 1, 0, "scene", watch_chart=True),
        ],
    },
]


def _page_rows(lab, page_spec, run, settle=0.4):
    """Time the page's baselines and hot controls; return the table's rows."""
    page, rows = lab.page, []
    for widget, index, ordinal in page_spec.get("baselines", []):
        if run != "kernel idle" and "kernel" in widget:
            continue  # a busy kernel answers no callback: the row would time the readout only
        output = page.evaluate(
            "i => { const outs = [...document.querySelectorAll('.jp-OutputArea-output')];"
            " return outs.indexOf(outs.filter(o => o.querySelector('.widget-slider'))[i]); }",
            ordinal,
        )
        times = time_presses(
            page,
            page.locator(SLIDER).nth(index),
            (".jp-OutputArea-output", output),
            presses=PRESSES,
            settle=settle,
        )
        rows.append(_row(run, widget, "", times))
    for widget, control, names, chart, name in page_spec.get("clicks", []):
        buttons = [page.get_by_role("button", name=n, exact=True) for n in names]
        times = time_clicks(
            page,
            buttons,
            chart_output(page, chart),
            lambda chart=chart: canvas_hash(page, chart),
            start=chart_state(page, chart)[name],
            clicks=PRESSES,
            settle=settle,
        )
        rows.append(_row(run, widget, control, {**times, "dom_ms": []}))
    for h in page_spec.get("hot", []):
        times = time_presses(
            page,
            page.locator(h["selector"]).nth(h["index"]),
            (".rnnviz-chart", h["chart"]) if h["watch_chart"] else chart_output(page, h["chart"]),
            presses=PRESSES,
            settle=settle,
            picture=lambda index=h["chart"]: canvas_hash(page, index),
        )
        rows.append(_row(run, h["widget"], h["slider"], times))
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


def _cold_rows(lab, page_spec):
    """Controls the kernel recomputes for (the first picture is the current frame)."""
    page, rows = lab.page, []
    for widget, slider, index, chart in page_spec.get("cold", []):
        times = time_presses(
            page,
            page.locator(SLIDER).nth(index),
            chart_output(page, chart),
            presses=10,
            warmup=1,
            settle=2.5,
            picture=lambda chart=chart: canvas_hash(page, chart),
        )
        rows.append(_row("cold", widget, slider, times))
    return rows


def _held_rows(lab, page_spec):
    page, rows = lab.page, []
    for h in page_spec.get("hot", []):
        if not h["control"]:
            continue
        _wait_settled(page)
        handle = page.locator(h["selector"]).nth(h["index"])
        held = hold_key(page, handle, h["chart"], h["control"], keys=40)
        rows.append(
            {"run": "held key, 30 Hz", "widget": h["widget"], "slider": h["slider"], **held}
        )
    return rows


def _measure_page(browser, server, root, page_spec):
    """One page in a fresh kernel: idle, cold, held, then busy with a sleeping cell and with
    a training cell."""
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(c) for c in page_spec["cells"]]
    )
    name = f"latency_{page_spec['name']}.ipynb"
    nbformat.write(notebook, root / "labs" / name)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    lab = Lab(context.new_page(), server)
    try:
        lab.run(name, min_plots=0, min_sliders=page_spec["sliders"])
        lab.page.wait_for_function(
            "n => document.querySelectorAll('.rnnviz-chart canvas').length === n",
            arg=page_spec["charts"],
        )
        rows = _page_rows(lab, page_spec, "kernel idle")
        rows += _cold_rows(lab, page_spec)
        rows += _held_rows(lab, page_spec)
        start_busy_cell(lab.page, seconds=900)
        rows += _page_rows(lab, page_spec, "kernel busy (a cell sleeping)")
        interrupt_kernels(lab)
        lab._wait_until_kernel_idle()
        start_busy_cell(lab.page, code=TRAINING)
        rows += _page_rows(lab, page_spec, "kernel busy (a cell training)")
        interrupt_kernels(lab)
    finally:
        context.close()
        server.shutdown_kernels()
    return rows


COMPARE_JS = """
async ([frames, T, plotlySource]) => {
  // The GradientFlow picture (two log-scale line panels, a 3-row chain heatmap) redrawn for
  // each radius frame: by plotly.js (Plotly.react on precomputed data) and by the renderer.
  const chart = await import('data:text/javascript;base64,' + window.__chartSource);
  const twoFrames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
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
  await Plotly.newPlot(div, figure(0));
  const plotly = [];
  for (let k = 0; k < 2 * n; k++) {
    const f = figure((k * 7) % n), start = performance.now();
    await Plotly.react(div, f);
    await twoFrames();
    plotly.push(performance.now() - start);
  }
  div.remove();
  // the renderer
  const canvas = document.createElement('canvas'); document.body.append(canvas);
  canvas.width = window.__spec.width; canvas.height = window.__spec.height;
  let k = 0;
  const read = (name) => name === 'rnn_h' || name === 'rnn_bound' || name === 'rnn_fade'
    ? Float32Array.from(frames[name][k]) : frames[name] ? Float32Array.from(frames[name]) : null;
  const renderer = [];
  for (let j = 0; j < 2 * n; j++) {
    k = (j * 7) % n;
    const start = performance.now();
    chart.draw(canvas, window.__spec, read, {step: 1});
    await twoFrames();
    renderer.push(performance.now() - start);
  }
  return {plotly, renderer};
}
"""


def _compare(browser):
    """The renderer comparison: the same picture and frames, drawn by each candidate."""
    import numpy as np

    from rnnviz.widgets.gradient_flow import GradientFlow

    flow = GradientFlow(seq_len=100, hidden_size=32)
    data = flow.chart.data

    def frames_of(name):
        entry = data[name]
        return np.frombuffer(entry["values"], np.float32).reshape(entry["shape"])

    bias = int(np.argmin(np.abs(np.asarray(flow.chart.spec["controls"]["forget_bias"]["grid"]))))
    finite = {"nan": 0.0, "posinf": 308.0, "neginf": -320.0}
    frames = {
        name: np.nan_to_num(frames_of(name), **finite).tolist()
        for name in ("rnn_h", "rnn_bound", "rnn_fade")
    }
    frames.update(
        {name: frames_of(name)[bias].tolist() for name in ("lstm_h", "lstm_c", "lstm_fade")}
    )
    frames["rnn_stats"] = [0.0, 0.0]
    frames["lstm_stats"] = [0.0]
    spec = dict(flow.chart.spec)
    spec["panels"] = [dict(p, cursor=None) if p["kind"] == "lines" else p for p in spec["panels"]]
    import plotly

    plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.add_script_tag(path=str(plotly_js))
    page.evaluate(
        "([s, spec]) => { window.__chartSource = s; window.__spec = spec; }",
        [base64.b64encode((STATIC / "chart.js").read_bytes()).decode(), spec],
    )
    out = page.evaluate(COMPARE_JS, [frames, 100, None])
    page.close()
    return [
        {
            "renderer": "plotly.js 3 (Plotly.react on precomputed frames)",
            "redraw_to_frame_ms": summary(out["plotly"]),
        },
        {
            "renderer": "rnnviz canvas front end (static/chart.js)",
            "redraw_to_frame_ms": summary(out["renderer"]),
        },
        {
            "renderer": "Vega-Lite via Altair JupyterChart",
            "redraw_to_frame_ms": None,
            "note": "not measured: altair is not installed in this environment",
        },
    ]


def main():
    from playwright.sync_api import sync_playwright

    results = {"load_before": os.getloadavg()}
    root = Path(tempfile.mkdtemp(prefix="rnnviz-bench-"))
    (root / "labs").mkdir()
    server = JupyterServer(root)
    rows = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for page_spec in PAGES:
                rows += _measure_page(browser, server, root, page_spec)
            results["renderers"] = _compare(browser)
            browser.close()
    finally:
        server.shutdown_kernels()
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
    results["rows"] = rows
    results["load_after"] = os.getloadavg()
    _print(results)
    return results


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
    print("  renderer comparison, the GradientFlow picture redrawn per frame (med/p90/max ms):")
    for r in results["renderers"]:
        print(f"    {r['renderer']:<52} {_fmt(r['redraw_to_frame_ms'])} {r.get('note', '')}")


if __name__ == "__main__":
    main()
