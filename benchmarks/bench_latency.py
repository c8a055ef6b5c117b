"""Browser latency: key press on a slider to the changed DOM and to the painted frame.

JupyterLab and headless Chromium, as in the browser tests (tests/browser/conftest.py). One
notebook and kernel a page (PAGES): the two baselines (a slider whose kernel callback changes
only a Label, the floor through the kernel; two jslinked sliders, the pure-browser floor), then
each widget drawn by the renderer. Method: RECIPES.md (Latency), in tests/browser/latency.py.
Each row: median, p90, max over 30 presses after 3 warm-ups, each press settled (0.4 s), and
how many changed the picture (a canvas pixel hash for the renderer's charts). Runs a page:
kernel idle; the cold controls (recomputed in the kernel: first new picture and settled page);
a held key at 30 Hz; kernel busy with a cell sleeping; kernel busy with a cell training an
LSTM on torch's default threads (every core of this machine). A slow laptop: the hot controls
and the baselines again with the CPU throttled 4x (CDP Emulation.setCPUThrottlingRate), kernel
idle and with the training cell, THROTTLED_PRESSES (60) presses each (the jslinked baseline in
THROTTLED_BASELINE_RUNS runs). The idle, training and throttled runs are also timed by the
compositor's own frames (Chromium's screencast: the swap time of the first frame whose crop
of the answer changed; tests/browser/latency.Screencast), which the in-page stamps
undercount. Every row records the load average when it ended.
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

Targets (the hot sliders): p90 <= 33 ms and max <= 50 ms key to frame, idle and busy, by the
compositor's frames too; at CPU 4x p90 <= 33 ms, or, where even the jslinked baseline's p90
(the median of its runs' p90s: THROTTLED_BASELINE_RUNS each time the baselines page is timed,
at both ends of a `bench.py --pages all` run) misses that, that median + 8 ms; a
held key draws >= 95% of the states and ends <= 50 ms after the last press; cold controls
reach the frame at p90 <= 150 ms.
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
from bench import JSLINKED, JSLINKED_HERE  # noqa: E402  (the goal table reads the rows by name)
from compare_picture import picture_frames, vega_lite_spec, vega_rows  # noqa: E402

from rnnviz.front_end import chart_source  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, JupyterServer, Lab  # noqa: E402
from tests.browser.latency import (  # noqa: E402
    OUTPUT,
    Screencast,
    canvas_hash,
    chart_output,
    chart_state,
    hold_key,
    interrupt_kernels,
    start_busy_cell,
    summary,
    time_clicks,
    time_presses,
    time_selections,
    watch_charts,
)

PRESSES = int(os.environ.get("BENCH_PRESSES", 30))  # fewer for a quick look
# The runs with the CPU throttled 4x (a slow laptop: CDP Emulation.setCPUThrottlingRate) time
# the hot controls and the baselines only, with more presses: at 4x a press's time varies
# most, and the p90 of 20 presses (their 18th) moved by 2-4 ms from one run to the next, the
# jslinked baseline's included (30.1 ms in one run, 33.7 ms over 90 presses in another).
THROTTLED_PRESSES = int(os.environ.get("BENCH_THROTTLED_PRESSES", 60))
# Throttled, the jslinked baseline on the baselines page is timed in this many runs each time
# that page is timed, and judged by the median of all their p90s (bench.py's _goal_rows): its
# p90 at 4x was 29.8-35.5 ms over ten runs of 60 presses, so one run cannot say whether the
# browser alone meets 33 ms.
THROTTLED_BASELINE_RUNS = max(1, int(os.environ.get("BENCH_THROTTLED_BASELINE_RUNS", 3)))
SLOW_CPU = 4
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


# The pure-browser floor: two jslinked ipywidgets sliders (each press also tells the kernel
# its value, as a plain slider does). Timed on a page of its own (the baselines page: the
# goal's baseline) and, as the last cell of every other page, under that page's widgets: the
# same presses on the same two sliders cost more on a fuller page (benchmarks/README.md,
# "The browser's floor on each page").
JSLINKED_CELL = (
    "import ipywidgets as w\n"
    "a, b = w.IntSlider(50, 0, 100), w.IntSlider(50, 0, 100)\n"
    "w.jslink((a, 'value'), (b, 'value'))\n"
    "w.VBox([a, b])"
)


def with_floor(page):
    """`page` with the jslinked pair as its last cell, timed as its baseline (the pair's
    first slider, after the page's own; its answer in the last output with a slider)."""
    return {
        **page,
        "cells": [*page["cells"], JSLINKED_CELL],
        "sliders": page["sliders"] + 2,
        "baselines": [(JSLINKED_HERE, page["sliders"], -1, ".widget-hslider")],
    }


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
# slider whose callback changes only a Label; the browser floor: two jslinked sliders). Every
# page after the baselines also times the browser floor under its own widgets (with_floor).
PAGES = [
    {
        "name": "baselines",
        "cells": [
            SETUP,
            "import ipywidgets as w\n"
            "through_kernel, label = w.IntSlider(50, 0, 100), w.Label('50')\n"
            "through_kernel.observe(lambda c: setattr(label, 'value', str(c['new'])), 'value')\n"
            "w.VBox([through_kernel, label])",
            JSLINKED_CELL,
        ],
        "sliders": 3,
        "charts": 0,
        # (row name, slider index, which output with a slider shows its answer (-1: the
        # last), the element that answers: the compositor's frames are compared there). The
        # Label is cropped to its words' first 60 px, clear of the JPEG blocks of the slider's
        # moving handle.
        "baselines": [
            ("baseline: kernel round trip changing a Label", 0, 0, ".widget-label"),
            (JSLINKED, 1, 1, ".widget-hslider"),
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
        # RowReading's sliders: test digit 0 (recomputes), rows read 1.
        "name": "row_reading",
        "cells": [
            SETUP,
            "import torch\n"
            "from rnnviz.tasks.digit_rows import RowClassifier\n"
            "from rnnviz.tasks.digits import load_digit_sequences\n"
            "from rnnviz.widgets.row_reading import RowReading\n"
            "torch.manual_seed(0)\n"
            "reading = RowReading(RowClassifier(hidden_size=64), load_digit_sequences('rows'),"
            " index=0, rows_read=4)\nreading",
        ],
        "sliders": 2,
        "charts": 1,
        "hot": [hot("RowReading (03)", "rows read", 1, 0, "rows_read")],
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
        # Sliders: temperature 0, length 1 (recomputes), cell 2, threshold 3. Dropdowns:
        # CellActivations' signal 0 and feature 1. Charts: samples 0, cells 1, saturation 2.
        "name": "charlm",
        "cells": [
            SETUP,
            "from IPython.display import display\n"
            "from rnnviz.charlm.corpus import STDLIB_ALPHABET, shipped_split\n"
            "from rnnviz.charlm.interpret import activations\n"
            "from rnnviz.charlm.model import SHIPPED_CHECKPOINT, load_charlm\n"
            "from rnnviz.widgets.cell_activations import CellActivations\n"
            "from rnnviz.widgets.sample_explorer import SampleExplorer\n"
            "from rnnviz.widgets.saturation import Saturation\n"
            "charlm, _ = load_charlm(SHIPPED_CHECKPOINT, vocab=sorted(STDLIB_ALPHABET))\n"
            "acts = activations(charlm, shipped_split('val')[:12_000], streams=8)\n"
            "samples = SampleExplorer(charlm, prime='    def __init__(self', length=60,"
            " temperature=1.0, seed=0)\n"
            "cells = CellActivations(acts, signal='c', cell=56, feature='indent',"
            " shown_chars=1500)\n"
            "gates = Saturation({g: acts.signals[g] for g in 'ifo'})\n"
            "display(samples, cells, gates)",
        ],
        "sliders": 4,
        "charts": 3,
        "hot": [
            hot("SampleExplorer (07)", "temperature", 0, 0, "temperature"),
            hot("CellActivations (07)", "cell", 2, 1, "cell"),
            hot("Saturation (07)", "threshold", 3, 2, "threshold"),
        ],
        # (widget, control, dropdown index, chart)
        "selections": [("CellActivations (07)", "signal (picked)", 0, 1)],
    },
    {
        # RingFlow's sliders: r_min 0, r_max 1, max phase 2, gate bias 3; ScanRounds' 4.
        "name": "recurrence_today",
        "cells": [
            SETUP,
            "from rnnviz.widgets.ring_flow import RingFlow\nring = RingFlow()\nring",
            "from rnnviz.widgets.scan_rounds import ScanRounds\nrounds = ScanRounds(seq_len=16)\n"
            "rounds",
        ],
        "sliders": 5,
        "charts": 2,
        "hot": [
            hot("RingFlow (09)", "LRU r_min", 0, 0, "r_min"),
            hot("RingFlow (09)", "LRU r_max", 1, 0, "r_max"),
            hot("RingFlow (09)", "LRU max phase", 2, 0, "max_phase"),
            hot("RingFlow (09)", "minGRU gate bias", 3, 0, "gate_bias"),
            hot("ScanRounds (09)", "operations", 4, 1, "ops"),
        ],
    },
    {
        # A user's own models (lab 10's shape, untrained): GradientFlow.from_model's step 0
        # and Connectivity's output step 1, over 120 characters of three models.
        "name": "own_model",
        "cells": [
            SETUP,
            "import torch\n"
            "from torch import nn\n"
            "from IPython.display import display\n"
            "from rnnviz.charlm.corpus import shipped_split\n"
            "from rnnviz.widgets import Connectivity, GradientFlow\n"
            "class CharModel(nn.Module):\n"
            "    def __init__(self, cell):\n"
            "        super().__init__()\n"
            "        self.embed = nn.Embedding(128, 32)\n"
            "        self.rnn = cell(32, 64, num_layers=2, batch_first=True)\n"
            "        self.head = nn.Linear(64, 128)\n"
            "    def forward(self, x):\n"
            "        return self.head(self.rnn(self.embed(x))[0])\n"
            "text = shipped_split('val')[1000:1121]\n"
            "ids = torch.tensor([[ord(ch) % 128 for ch in text]])\n"
            "models = {'RNN': CharModel(nn.RNN), 'LSTM': CharModel(nn.LSTM),"
            " 'GRU': CharModel(nn.GRU)}\n"
            "flow = GradientFlow.from_model(models['LSTM'], ids[:, :-1])\n"
            "reach = Connectivity(models, ids[:, :-1], text=text[:-1], output=ids[:, 1:],"
            " step=110)\n"
            "display(flow, reach)",
        ],
        "sliders": 2,
        "charts": 2,
        "hot": [
            hot("GradientFlow.from_model (10)", "step t", 0, 0, "step"),
            hot("Connectivity (10)", "output t", 1, 1, "step"),
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
PAGES = PAGES[:1] + [with_floor(page) for page in PAGES[1:]]


def _page_rows(lab, page_spec, run, settle=0.4, screencast=None, hot_only=False, pair_runs=1):
    """Time the page's baselines and hot controls (with hot_only, only those, at
    THROTTLED_PRESSES presses), each also by the compositor's frames with a `screencast`, the
    jslinked baseline in `pair_runs` runs; return the table's rows."""
    page, rows = lab.page, []
    presses = THROTTLED_PRESSES if hot_only else PRESSES
    for widget, index, ordinal, answer in page_spec.get("baselines", []):
        output = page.evaluate(
            "i => { const outs = [...document.querySelectorAll('.jp-OutputArea-output')];"
            " return outs.indexOf(outs.filter(o => o.querySelector('.widget-slider')).at(i)); }",
            ordinal,
        )
        runs = pair_runs if widget == JSLINKED else 1
        for k in range(runs):
            times = time_presses(
                page,
                page.locator(SLIDER).nth(index),
                (".jp-OutputArea-output", output),
                presses=presses,
                settle=settle,
                screencast=screencast,
                crop=page.locator(OUTPUT).nth(output).locator(answer).last,
                crop_width=60 if answer == ".widget-label" else None,
            )
            rows.append(_row(run, widget, f"run {k + 1} of {runs}" if runs > 1 else "", times))
    if hot_only:
        page_spec = {"hot": page_spec.get("hot", [])}
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
    for widget, control, index, chart in page_spec.get("selections", []):
        times = time_selections(
            page,
            page.locator(".widget-dropdown select").nth(index),
            chart_output(page, chart),
            selections=PRESSES,
            settle=settle,
            picture=lambda chart=chart: canvas_hash(page, chart),
        )
        rows.append(_row(run, widget, control, times))
    for h in page_spec.get("hot", []):
        times = time_presses(
            page,
            page.locator(h["selector"]).nth(h["index"]),
            (".rnnviz-chart", h["chart"]) if h["watch_chart"] else chart_output(page, h["chart"]),
            presses=presses,
            settle=settle,
            picture=lambda index=h["chart"]: canvas_hash(page, index),
            screencast=screencast,
            crop=page.locator(".rnnviz-chart > canvas").nth(h["chart"]),
            inset=8,  # clear of the JPEG blocks shared with the page around the chart
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
        "load": os.getloadavg()[0],
    }
    if "screencast_ms" in times:
        row["screencast_ms"] = summary(times["screencast_ms"])
    if times.get("first_frame_ms"):
        row["first_frame_ms"] = summary(times["first_frame_ms"])
    screen = f", compositor {_fmt(row['screencast_ms'])}" if "screencast_ms" in row else ""
    print(
        f"  measured: {run}, {widget}, {slider}: frame {_fmt(row['frame_ms'])}{screen}"
        f" (load {row['load']:.1f})",
        flush=True,
    )
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
    watch_charts(context)
    lab = Lab(context.new_page(), server)
    try:
        lab.run(name, min_plots=0, min_sliders=page_spec["sliders"])
        lab.page.wait_for_function(
            "n => document.querySelectorAll('.rnnviz-chart > canvas').length === n",
            arg=page_spec["charts"],
        )
        screencast = Screencast(lab.page, context.new_page())
        lab.page.bring_to_front()
        rows = _page_rows(lab, page_spec, "kernel idle", screencast=screencast)
        rows += _cold_rows(lab, page_spec)
        rows += _held_rows(lab, page_spec)
        screencast.throttle(SLOW_CPU)
        rows += _page_rows(
            lab,
            page_spec,
            "CPU 4x, kernel idle",
            screencast=screencast,
            hot_only=True,
            pair_runs=THROTTLED_BASELINE_RUNS,
        )
        screencast.throttle(1)
        start_busy_cell(lab.page, seconds=900)
        rows += _page_rows(lab, page_spec, "kernel busy (a cell sleeping)")
        interrupt_kernels(lab)
        lab._wait_until_kernel_idle()
        start_busy_cell(lab.page, code=TRAINING)
        rows += _page_rows(lab, page_spec, "kernel busy (a cell training)", screencast=screencast)
        screencast.throttle(SLOW_CPU)
        rows += _page_rows(
            lab,
            page_spec,
            "CPU 4x, a cell training",
            screencast=screencast,
            hot_only=True,
            pair_runs=THROTTLED_BASELINE_RUNS,
        )
        screencast.stop()
        interrupt_kernels(lab)
    finally:
        context.close()
        server.shutdown_kernels()
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
        [base64.b64encode(chart_source().encode()).decode(), spec],
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
        row("rnnviz canvas front end (static/chart/)", "renderer"),
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


def main(parts=("jupyterlab", "jupyterchart", "compare"), pages=None):
    """Every part by default; `parts` narrows a development run (the table needs them all),
    and `pages` (PAGES names) the JupyterLab part to those pages."""
    from playwright.sync_api import sync_playwright

    results = {"load_before": os.getloadavg()}
    root = Path(tempfile.mkdtemp(prefix="rnnviz-bench-"))
    (root / "labs").mkdir()
    server = JupyterServer(root)
    rows = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            if "jupyterlab" in parts:
                for page_spec in PAGES:
                    if pages is None or page_spec["name"] in pages:
                        rows += _measure_page(browser, server, root, page_spec)
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
        f"{'key->frame med/p90/max ms':>27}  changed  {'compositor med/p90/max ms':>27}"
    )
    for r in results["rows"]:
        if "frame_ms" in r:
            print(
                f"  {r['run']:<30} {r['widget']:<46} {r['slider']:<22} {_fmt(r['dom_ms']):>25}"
                f" {_fmt(r['frame_ms']):>27}  {r['changed']}/{r['presses']}"
                f"  {_fmt(r.get('screencast_ms')):>27}  load {r.get('load', float('nan')):.1f}"
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
