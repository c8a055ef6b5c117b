"""A shared page survives any text in it: a notebook whose widgets show hostile strings (a
prime, a corpus, a gate name, a plot's title and legend) is executed with its widget state
stored, exported to HTML (rnnviz.export) and opened in Chromium. Every chart is drawn, no
element the strings spell exists, no script of theirs ran, and the cells after them survive.

Before the export escaped <, > and & in its state blocks, a prime of `<!--<script>` put the
HTML parser in its "script data double escaped" state: the block swallowed the rest of the
page, 0 charts were drawn and every later cell was lost.
"""

import importlib.util
import json
from pathlib import Path

import nbformat
import pytest
from nbconvert import HTMLExporter

from rnnviz.export import OfflineWidgets
from tests.browser.latency import watch_charts

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "execute_lab.py"
CHART_ID = "rnnviz.widgets.renderer.Chart"
STATE_MIME = "application/vnd.jupyter.widget-state+json"
LAST_WORDS = "the cell after the hostile widgets"

HOSTILE = [
    "<!--<script>",
    "</script><img src=x onerror=window.__pwned=1>",
    "\"'><b id=injected>bold</b>",
    "\u2028\u2029&amp;<!-- -->",
]
CELLS = [
    "from rnnviz import setup_lab\nseed = setup_lab(seed=0)",
    "import json, torch\n"
    "from rnnviz.charlm.model import CharLM\n"
    "from rnnviz.charlm.interpret import activations\n"
    "from rnnviz.widgets import CellActivations, LossPlot, SampleExplorer, Saturation\n"
    f"HOSTILE = json.loads({json.dumps(json.dumps(HOSTILE))})\n"
    "TEXT = ''.join(HOSTILE) * 3\n"
    "torch.manual_seed(seed)\n"
    "model = CharLM(sorted(set(TEXT)), 'lstm', 6, 3).eval()",
    "SampleExplorer(model, prime=HOSTILE[0], length=20, seed=seed)",
    "acts = activations(model, TEXT)\nCellActivations(acts, shown_chars=60)",
    "Saturation({HOSTILE[1]: acts.signals['f']})",
    "plot = LossPlot(title=HOSTILE[1], yaxis_title=HOSTILE[2])\n"
    "plot.add_curve(HOSTILE[0], [1.0, 0.5, 0.3, 0.2])\n"
    "plot.add_curve(HOSTILE[3], [0.9, 0.6, 0.4, 0.3], color='teal')\n"
    "plot",
    f"print({LAST_WORDS!r})",
]

PAGE_JS = """() => ({
    charts: [...document.querySelectorAll('.rnnviz-chart')].map(root => {
        const canvas = root.querySelector('canvas');
        if (!root.chart || !canvas || !canvas.width) return 0;
        const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let ink = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i] < 250 || d[i + 1] < 250) ink += 1;
        return root.chart.drawn() && ink;
    }),
    widgets: document.querySelectorAll('.rnnviz-widget').length,
    injected: document.querySelectorAll('img[src="x"], #injected').length,
    pwned: window.__pwned === 1,
    cells: document.querySelectorAll('.jp-Cell').length,
    last: document.body.innerText.includes(LAST),
})"""


def execute(path: Path) -> None:
    spec = importlib.util.spec_from_file_location("execute_lab", SCRIPT)
    execute_lab = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(execute_lab)
    execute_lab.execute(path)


def test_hostile_text_in_every_widget_leaves_the_exported_page_whole(browser, tmp_path):
    notebook = tmp_path / "hostile.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    nbformat.write(nb, notebook)
    execute(notebook)
    nb = nbformat.read(notebook, as_version=4)
    state = nb.metadata["widgets"][STATE_MIME]["state"]
    charts = sum(m["state"].get("_anywidget_id") == CHART_ID for m in state.values())
    assert charts == 4, f"{charts} charts stored: each hostile widget must store its chart"
    page, _ = HTMLExporter(
        config={"HTMLExporter": {"preprocessors": [OfflineWidgets]}}
    ).from_notebook_node(nb)
    page_file = tmp_path / "hostile.html"
    page_file.write_text(page)

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    watch_charts(context)
    context.route(
        "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
    )
    errors = []
    try:
        tab = context.new_page()
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.goto(page_file.as_uri())
        tab.wait_for_function(
            f"() => document.querySelectorAll('.rnnviz-chart').length >= {charts}",
            timeout=60_000,
        )
        read = PAGE_JS.replace("LAST", json.dumps(LAST_WORDS))
        tab.wait_for_function(f"() => ({read})().charts.every(Boolean)", timeout=60_000)
        seen = tab.evaluate(read)
    finally:
        context.close()
    assert len(seen["charts"]) == charts and all(seen["charts"]), seen
    assert seen["widgets"] == charts, seen  # one widget output a chart
    assert seen["injected"] == 0 and not seen["pwned"], seen
    assert seen["cells"] == len(CELLS) and seen["last"], seen
    assert not errors, errors
