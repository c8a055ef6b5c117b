"""rnnviz.export: `jupyter nbconvert --to html` turns the labs' stored widgets into a page
that needs no CDN (the browser check is tests/browser/test_offline.py)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from rnnviz.export import OfflineWidgets

REPO = Path(__file__).resolve().parents[1]
LAB = REPO / "labs" / "05_lstm_gates.ipynb"
VIEW_MIME = "application/vnd.jupyter.widget-view+json"


def test_the_shipped_config_adds_the_preprocessor_to_the_html_exporter(tmp_path):
    env = dict(
        os.environ,
        JUPYTER_CONFIG_PATH=str(REPO / "jupyter-config"),
        JUPYTER_CONFIG_DIR=str(tmp_path),
    )
    code = (
        "import json; from nbconvert.nbconvertapp import NbConvertApp; app = NbConvertApp();"
        "app.load_config_file(); print(json.dumps(app.config.HTMLExporter.preprocessors))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    )
    assert json.loads(out.stdout) == ["rnnviz.export.OfflineWidgets"]


def test_export_replaces_every_widget_output_and_asks_no_cdn():
    nb = nbformat.read(LAB, as_version=4)
    views = sum(VIEW_MIME in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
    assert views
    exporter = HTMLExporter(config={"HTMLExporter": {"preprocessors": [OfflineWidgets]}})
    page, _ = exporter.from_notebook_node(nb)
    assert page.count('class="rnnviz-widget"') == views
    assert page.count('<script type="module">\n// rnnviz') == 1  # chart.js, once
    for cdn in ("html-manager", "jsdelivr", "unpkg", "widget-state+json", "widget-view+json"):
        assert cdn not in page, cdn


def test_an_output_without_stored_state_becomes_its_text():
    nb = nbformat.v4.new_notebook()
    output = nbformat.v4.new_output(
        "display_data",
        data={"text/plain": "<LossPlot widget>", VIEW_MIME: {"model_id": "x", "version_major": 2}},
    )
    nb.cells.append(nbformat.v4.new_code_cell("plot", outputs=[output]))
    nb, _ = OfflineWidgets().preprocess(nb, {})
    data = nb.cells[0].outputs[0].data
    assert VIEW_MIME not in data
    assert "&lt;LossPlot widget&gt; (drawn only with a running kernel)" in data["text/html"]
