"""Where a hot slider's redraw spends its time: each panel's draw, in a blank page.

The charts of the hot controls that were slowest in JupyterLab (CellActivations' cell,
GradientFlow's radius and forget bias, HiddenStateExplorer's t), their spec and frames made
by the widgets themselves, drawn by the renderer's draw() in headless Chromium with no
JupyterLab: a press is a move of the control to its next grid value and one draw, timed
around the whole draw, around each panel kind's draw, and to the canvas's pixels (a 1 x 1
getImageData forces the recorded drawing to raster). Idle and with the CPU throttled 4x
(CDP Emulation.setCPUThrottlingRate), as a slow laptop. Prints median / p90 ms per row.

Run: `python benchmarks/profile_panels.py [REV]` (about a minute; with a git revision, its
front end is profiled too, in the same page, each chart's rows one after the other: a before
and after on a busy machine). `--same-pixels REV` draws every grid value of each chart's hot
control with this checkout's front end and REV's, at devicePixelRatio 1 and 2, and prints the
bytes that differ (an optimisation must leave them all equal). Numbers depend on the
machine's load: the load average is printed with them.
"""

import ast
import base64
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from rnnviz.front_end import CHART_DIR, chart_source  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

PRESSES = 40


def widgets():
    """{name: (chart widget, the hot control's name)} for the profiled charts."""
    from rnnviz.charlm.corpus import shipped_split
    from rnnviz.charlm.interpret import Activations
    from rnnviz.models.weight_init import rnn_params
    from rnnviz.widgets.cell_activations import CellActivations
    from rnnviz.widgets.gradient_flow import GradientFlow
    from rnnviz.widgets.hidden_state_explorer import HiddenStateExplorer

    rng = np.random.default_rng(0)
    text = shipped_split("val")[:1500]
    # The lab's text and layout; the colours come from random cells (the time does not
    # depend on which colour a character gets).
    signals = {n: np.tanh(rng.standard_normal((len(text), 64))).astype(np.float32) for n in "ch"}
    cells = CellActivations(Activations(text, signals), signal="c", cell=5, feature="indent")
    flow = GradientFlow(seq_len=100, hidden_size=32, spectral_radius=0.9)
    p = rnn_params(1, 8, spectral_radius=0.9, seed=0)
    x = np.random.default_rng(2).standard_normal((12, 1))
    explorer = HiddenStateExplorer(x, p["Wx"], p["Wh"], p["b"], step=1, edit_step=5, value=2.0)
    return {
        "CellActivations, cell": (cells, "cell"),
        "GradientFlow, RNN radius": (flow, "spectral_radius"),
        "GradientFlow, LSTM forget bias": (flow, "forget_bias"),
        "HiddenStateExplorer, t": (explorer, "step"),
    }


def chart_of(widget):
    """The widget's chart spec, its data (values as base64) and its controls' values."""
    chart = widget.chart
    data = {
        name: {
            **{k: v for k, v in e.items() if k != "values"},
            "b64": base64.b64encode(e["values"]).decode(),
        }
        for name, e in chart.data.items()
    }
    state = {
        name: getattr(c, chart.spec["controls"][name].get("trait", "value"))
        for name, c in zip(chart.spec["control_names"], chart.controls)
    }
    return chart.spec, data, state


# The entries a page was handed (base64 frames) and `read(name)`, the frame the controls'
# state picks: the part both page scripts share, put on each page first.
READER_JS = """() => {
window.readerOf = (chart, spec, data, state) => {
  const types = {float64: Float64Array, uint8: Uint8Array};
  const entries = {};
  for (const [name, e] of Object.entries(data)) {
    const bytes = Uint8Array.from(atob(e.b64), (c) => c.charCodeAt(0));
    entries[name] = {...e, values: new (types[e.dtype] || Float32Array)(bytes.buffer)};
  }
  return (name) => {
    const e = entries[name];
    if (!e) return null;
    const f = chart.frameOf(e, state, spec);
    if (f === null) return null;
    const size = e.shape.slice(e.star ? 1 : e.axes.length).reduce((a, b) => a * b, 1);
    return e.values.subarray(f * size, (f + 1) * size);
  };
};
}"""


def load_front_ends(page, sources: dict) -> None:
    """Each front end of `sources` (name -> joined source) imported into `page` as
    window.charts[name], and READER_JS's readerOf beside them."""
    page.evaluate(READER_JS)
    page.evaluate(
        """async (sources) => {
          window.charts = {};
          for (const [name, s] of Object.entries(sources))
            window.charts[name] = await import(
              'data:text/javascript;base64,' + btoa(unescape(encodeURIComponent(s))));
        }""",
        sources,
    )


PROFILE_JS = """
async ([spec, data, state, control, presses]) => {
  const chart = window.chart;
  const read = readerOf(chart, spec, data, state);
  const canvas = document.createElement('canvas');
  canvas.width = spec.width; canvas.height = spec.height;
  document.body.append(canvas);
  const ctx = canvas.getContext('2d');
  // Each panel kind's draw, timed (the PANELS table is the one draw() uses).
  const kinds = {}, original = {};
  for (const [kind, p] of Object.entries(chart.PANELS)) {
    original[kind] = p.draw;
    p.draw = (...args) => {
      const start = performance.now();
      original[kind](...args);
      (kinds[kind] = kinds[kind] || []).push(performance.now() - start);
    };
  }
  const grid = spec.controls[control].grid;
  let k = chart.nearest(grid, state[control]), step = 1;
  const call = [], pixels = [], frame = [];
  const twoFrames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  for (let press = 0; press < presses + 3; press++) {
    if (k + step < 0 || k + step >= grid.length) step = -step;
    k += step;
    state[control] = grid[k];
    await twoFrames();
    if (press === 3) for (const kind in kinds) kinds[kind] = [];
    const start = performance.now();
    chart.draw(canvas, spec, read, state, {keep: true});  // a press, as a slider draws
    const drawn = performance.now();
    ctx.getImageData(0, 0, 1, 1);
    const rastered = performance.now();
    await twoFrames();
    if (press >= 3) {
      call.push(drawn - start); pixels.push(rastered - start);
      frame.push(performance.now() - start);
    }
  }
  for (const [kind, p] of Object.entries(chart.PANELS)) p.draw = original[kind];
  canvas.remove();
  return {call, pixels, frame, kinds};
}
"""


def _stat(times):
    ordered = sorted(times)
    return ordered[len(ordered) // 2], ordered[
        min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))
    ]


def source_at(rev):
    """The front end as chart_source joins it, from git revision `rev` of this repository
    (its own CHART_FILES)."""

    def show(path):
        return subprocess.run(
            ["git", "show", f"{rev}:{path}"], cwd=REPO, check=True, capture_output=True, text=True
        ).stdout

    tree = ast.parse(show("rnnviz/front_end.py"))
    files = next(
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "CHART_FILES"
    )
    root = CHART_DIR.relative_to(REPO).as_posix()
    return "\n".join(show(f"{root}/{name}") for name in files)


def profile(rates=(1, 4), presses=PRESSES, against=None):
    """Each profiled chart at each CPU throttling rate (and with git revision `against`'s
    front end too).
    Returns: [{"chart", "source", "rate", "call", "pixels", "frame", "kinds": {kind: (median,
    p90)}}]."""
    from playwright.sync_api import sync_playwright

    charts = {name: (chart_of(w), control) for name, (w, control) in widgets().items()}
    sources = {"this checkout": chart_source()}
    if against:
        sources[against] = source_at(against)
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 1400})
        load_front_ends(page, sources)
        cdp = page.context.new_cdp_session(page)
        for rate in rates:
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
            for name, ((spec, data, state), control) in charts.items():
                for source in sources:
                    page.evaluate("s => { window.chart = window.charts[s]; }", source)
                    out = page.evaluate(PROFILE_JS, [spec, data, dict(state), control, presses])
                    rows.append(
                        {
                            "chart": name,
                            "source": source,
                            "rate": rate,
                            **{k: _stat(out[k]) for k in ("call", "pixels", "frame")},
                            "kinds": {k: _stat(v) for k, v in out["kinds"].items() if v},
                        }
                    )
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
        browser.close()
    return rows


SAME_PIXELS_JS = """
async ([spec, data, state, control, names]) => {
  // Every grid value of the control in turn, drawn by each front end on its own canvas: the
  // bytes that differ from the first front end's picture, per value.
  const read = readerOf(window.charts[names[0]], spec, data, state);
  const canvases = names.map(() => {
    const c = document.createElement('canvas');
    c.width = spec.width * devicePixelRatio; c.height = spec.height * devicePixelRatio;
    return c;
  });
  const differ = [];
  for (const value of spec.controls[control].grid) {
    state[control] = value;
    const pixels = names.map((name, i) => {
      window.charts[name].draw(canvases[i], spec, read, state, {keep: true});
      return canvases[i].getContext('2d').getImageData(
        0, 0, canvases[i].width, canvases[i].height).data;
    });
    let n = 0;
    for (const p of pixels.slice(1)) for (let i = 0; i < p.length; i++) n += p[i] !== pixels[0][i];
    differ.push(n);
  }
  return differ;
}
"""


def same_pixels(against):
    """Each profiled chart at every grid value of its hot control, drawn by this checkout's
    front end and by git revision `against`'s, at devicePixelRatio 1 and 2.
    Returns: {chart: {ratio: bytes that differ, summed over the values}}."""
    from playwright.sync_api import sync_playwright

    charts = {name: (chart_of(w), control) for name, (w, control) in widgets().items()}
    sources = {"this checkout": chart_source(), against: source_at(against)}
    out = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for ratio in (1, 2):
            page = browser.new_page(device_scale_factor=ratio)
            load_front_ends(page, sources)
            for name, ((spec, data, state), control) in charts.items():
                differ = page.evaluate(
                    SAME_PIXELS_JS, [spec, data, dict(state), control, list(sources)]
                )
                out.setdefault(name, {})[ratio] = sum(differ)
            page.close()
        browser.close()
    return out


def main(against=None):
    load = os.getloadavg()
    rows = profile(against=against)
    print(f"load average before {load}, after {os.getloadavg()}; median / p90 ms")
    for r in rows:
        kinds = ", ".join(f"{k} {m:.1f}/{p:.1f}" for k, (m, p) in r["kinds"].items())
        print(
            f"  {r['chart']:<32} {r['source'][:13]:<13} CPU x{r['rate']}:"
            f" draw {r['call'][0]:5.1f}/{r['call'][1]:5.1f}"
            f"  to pixels {r['pixels'][0]:5.1f}/{r['pixels'][1]:5.1f}"
            f"  to frame {r['frame'][0]:5.1f}/{r['frame'][1]:5.1f}  ({kinds})"
        )
    return rows


if __name__ == "__main__":
    if sys.argv[1:2] == ["--same-pixels"]:
        print(same_pixels(sys.argv[2]))
    else:
        main(sys.argv[1] if len(sys.argv) > 1 else None)
