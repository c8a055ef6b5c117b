"""A lab exported to HTML draws its charts and answers its hot sliders offline.

`jupyter nbconvert --to html LAB.ipynb` would otherwise load @jupyter-widgets/html-manager
and anywidget from a CDN to draw the stored widget state. The package installs a Jupyter
config (jupyter-config/jupyter_nbconvert_config.json, into {sys.prefix}/etc/jupyter) that adds
`OfflineWidgets` to the HTML exporter's preprocessors. It replaces each widget output by a
self-contained rendition and removes the notebook's widget metadata (so nbconvert adds no CDN
script):

- once per page, a module script: the renderer's own front end (front_end.chart_source) and
  static/offline.js, a small widget manager that builds each output's widget tree from its
  stored state;
- per output, that tree's stored models as JSON (frames as base64, as the notebook stores
  them); a Chart is drawn by the front end's `render`, the same code JupyterLab runs; a slider a
  chart has frames for becomes an HTML range input that picks frames in the page; other
  controls show their saved value, disabled (they need the kernel);
- a widget output with no stored state (it needs the kernel) becomes its text.

A second preprocessor, `HiddenCells`, keeps hidden what JupyterLab hides: a cell whose source
is hidden (a Predict cell: its code holds the answer) is exported without its source, and one
whose outputs are hidden without its outputs. JupyterLab lets a student unfold them; a page
cannot, and showing them would give the answers away.

Only the HTML exporter (and its subclasses) runs them; `--to notebook` is untouched.
"""

import html
import json
from pathlib import Path

from nbconvert.preprocessors import Preprocessor

from rnnviz.front_end import chart_source

# Read as files: the export loads none of the widget libraries (tests/test_layering.py).
STATIC = Path(__file__).parent / "widgets" / "static"

STATE_MIME = "application/vnd.jupyter.widget-state+json"
VIEW_MIME = "application/vnd.jupyter.widget-view+json"
REF = "IPY_MODEL_"


def model_refs(value) -> set[str]:
    """Model ids a stored state value refers to ("IPY_MODEL_<id>" strings, at any depth)."""
    if isinstance(value, str):
        return {value[len(REF) :]} if value.startswith(REF) else set()
    if isinstance(value, dict):
        return set().union(set(), *map(model_refs, value.values()))
    if isinstance(value, list | tuple):
        return set().union(set(), *map(model_refs, value))
    return set()


def reachable_models(root: str, models: dict, skip=None, refuse=None) -> list[str] | None:
    """Every stored model id reachable from `root` through the models' references, in the
    order found (the walk the HTML export and scripts/execute_lab.py share).

    Inputs: root: a model id; models: model id -> {"state", ...} as a notebook stores them;
    skip(model): leave this model (and what only it refers to) out; refuse(model): the
    tree cannot be stored.
    Returns: the ids, or None if one is missing from `models` or refused.
    """
    found, todo = {}, [root]
    while todo:
        model_id = todo.pop()
        if model_id in found:
            continue
        model = models.get(model_id)
        if model is None or (refuse is not None and refuse(model)):
            return None
        if skip is not None and skip(model):
            continue
        found[model_id] = True
        todo.extend(model_refs(model["state"]))
    return list(found)


def _is_library(model: dict) -> bool:
    """The ChartLibrary: the front end goes on the page once instead."""
    return model["state"].get("_model_name") == "WidgetModel" and "source" in model["state"]


def widget_tree(root: str, models: dict) -> dict | None:
    """The stored models reachable from `root` (minus the ChartLibrary), or None if one is
    missing (the output needs the kernel)."""
    ids = reachable_models(root, models, skip=_is_library)
    if ids is None:
        return None
    return {
        model_id: {
            "model_name": models[model_id]["model_name"],
            "state": models[model_id]["state"],
            "buffers": models[model_id].get("buffers", []),
        }
        for model_id in ids
    }


# Inside a <script> element the HTML parser still reacts to "</script", and "<!--" followed by
# "<script" enters its "double escaped" state, where the block swallows the rest of the page.
# JSON allows every character as a \u escape, so none of <, >, & reaches the parser; U+2028
# and U+2029 end a line in older JavaScript parsers that might read the block as code.
_SCRIPT_ESCAPES = {ord(c): f"\\u{ord(c):04x}" for c in "<>&\u2028\u2029"}

# Sequences the HTML parser reacts to inside a script element (matched case-insensitively).
SCRIPT_HAZARDS = ("<!--", "<script", "</script")


def script_json(value) -> str:
    """JSON text that reads back as `value` and is inert inside a <script> element: every
    <, >, &, U+2028 and U+2029 written as a \\u escape (so no string in the widget state,
    whatever a user typed, can end the element or start an HTML comment in it).

    Inputs:
    - value: JSON-able data (the widget models)
    Returns: str, with none of the characters above
    """
    return json.dumps(value, separators=(",", ":")).translate(_SCRIPT_ESCAPES)


def page_script() -> str:
    """The module script drawn once per page: the front end, then the offline widget manager.

    Returns: the <script type="module"> element's HTML
    Raises: RuntimeError if the shipped source holds a sequence that would end or escape the
    element (code cannot be \\u-escaped as JSON can; a test keeps the source clean)
    """
    source = chart_source() + "\n" + (STATIC / "offline.js").read_text()
    hazards = [h for h in SCRIPT_HAZARDS if h in source.lower()]
    if hazards:
        raise RuntimeError(f"rnnviz's page script contains {hazards}, unsafe inside <script>")
    return f'<script type="module">\n{source}\n</script>'


class HiddenCells(Preprocessor):
    """Export a cell with hidden source (`metadata.jupyter.source_hidden`) without its
    source, and one with hidden outputs (`outputs_hidden`) without its outputs."""

    def preprocess(self, nb, resources):
        for cell in nb.cells:
            hidden = cell.metadata.get("jupyter", {})
            if hidden.get("source_hidden"):
                # nbconvert's templates leave out a source marked transient.remove_source.
                cell.metadata.setdefault("transient", {})["remove_source"] = True
            if hidden.get("outputs_hidden") and cell.cell_type == "code":
                cell.outputs = []
        return nb, resources


class OfflineWidgets(Preprocessor):
    """Replace widget outputs by self-contained HTML and drop the notebook's widget state
    (see the module docstring)."""

    def preprocess(self, nb, resources):
        widgets = nb.metadata.pop("widgets", None) or {}
        models = widgets.get(STATE_MIME, {}).get("state", {})
        script_added = False
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                view = data.get(VIEW_MIME)
                if not view:
                    continue
                tree = widget_tree(view["model_id"], models)
                del data[VIEW_MIME]
                if tree is None:
                    text = data.get("text/plain", "widget")
                    data["text/html"] = (
                        f'<pre class="rnnviz-needs-kernel">{html.escape(text)} '
                        "(drawn only with a running kernel)</pre>"
                    )
                    continue
                parts = [
                    f'<script type="application/json" class="rnnviz-widget-state">'
                    f"{script_json(tree)}</script>",
                    f'<div class="rnnviz-widget" data-model-id="{html.escape(view["model_id"])}">'
                    "</div>",
                ]
                if not script_added:
                    parts.append(page_script())
                    script_added = True
                data["text/html"] = "\n".join(parts)
        return nb, resources
