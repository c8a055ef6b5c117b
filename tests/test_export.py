"""rnnviz.export: `jupyter nbconvert --to html` turns the labs' stored widgets into a page
that needs no CDN (the browser check is tests/browser/test_offline.py)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from rnnviz.export import HiddenCells, OfflineWidgets, page_script, script_json

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
    assert json.loads(out.stdout) == ["rnnviz.export.OfflineWidgets", "rnnviz.export.HiddenCells"]


def test_export_replaces_every_widget_output_and_asks_no_cdn():
    nb = nbformat.read(LAB, as_version=4)
    views = sum(VIEW_MIME in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
    assert views
    exporter = HTMLExporter(config={"HTMLExporter": {"preprocessors": [OfflineWidgets]}})
    page, _ = exporter.from_notebook_node(nb)
    assert page.count('class="rnnviz-widget"') == views
    assert page.count('<script type="module">\n// rnnviz') == 1  # the front end, once
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


def test_what_jupyterlab_hides_the_page_leaves_out():
    """A Predict cell's hidden source holds its answer; a hidden output may show it."""
    nb = nbformat.v4.new_notebook()
    shown = nbformat.v4.new_code_cell("print('shown source')")
    predict = nbformat.v4.new_code_cell("answer = 'hidden source'")
    predict.metadata["jupyter"] = {"source_hidden": True}
    solution = nbformat.v4.new_code_cell(
        "print('its source shows')",
        outputs=[nbformat.v4.new_output("stream", name="stdout", text="hidden output\n")],
    )
    solution.metadata["jupyter"] = {"outputs_hidden": True}
    nb.cells += [shown, predict, solution]
    page, _ = HTMLExporter(
        config={"HTMLExporter": {"preprocessors": [HiddenCells]}}
    ).from_notebook_node(nb)
    assert "shown source" in page and "its source shows" in page
    assert "hidden source" not in page and "hidden output" not in page
    # and on a lab, every hidden Predict source is gone
    lab_page, _ = HTMLExporter(
        config={"HTMLExporter": {"preprocessors": [OfflineWidgets, HiddenCells]}}
    ).from_notebook_node(nbformat.read(LAB, as_version=4))
    assert "This cell&#39;s code holds the answer" not in lab_page
    assert "holds the answer" not in lab_page


HOSTILE = [
    "<!--<script>",
    "</script><img src=x onerror=alert(1)>",
    "</SCRIPT ",
    "\"'><b>",
    "\u2028\u2029",
    "&lt;",
]


def test_state_json_reads_back_exactly_and_holds_nothing_the_html_parser_reacts_to():
    value = {"prime": HOSTILE, "nested": [{"k<": s} for s in HOSTILE]}
    text = script_json(value)
    assert json.loads(text) == value
    assert not set("<>&\u2028\u2029") & set(text)


def test_the_page_script_holds_no_sequence_that_ends_or_escapes_its_element():
    script = page_script()
    body = script[len('<script type="module">') : -len("</script>")].lower()
    for hazard in ("<!--", "<script", "</script"):
        assert hazard not in body


def test_a_hostile_string_in_widget_state_stays_inside_its_state_block():
    nb = nbformat.v4.new_notebook()
    state = {
        "root": {
            "model_name": "LabelModel",
            "state": {"_model_name": "LabelModel", "value": "".join(HOSTILE)},
        }
    }
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": state}}
    view = {VIEW_MIME: {"model_id": "root", "version_major": 2}, "text/plain": "w"}
    nb.cells.append(
        nbformat.v4.new_code_cell("w", outputs=[nbformat.v4.new_output("display_data", data=view)])
    )
    nb, _ = OfflineWidgets().preprocess(nb, {})
    html = nb.cells[0].outputs[0].data["text/html"]
    start = html.index(">", html.index('class="rnnviz-widget-state"')) + 1
    block = html[start : html.index("</script>", start)]
    assert json.loads(block)["root"]["state"]["value"] == "".join(HOSTILE)
    assert not set("<>&") & set(block)
