"""Every lab stays small: under 2 MB, with only the widget state its pictures need (the
renderer's code once, in one ChartLibrary model; no plotly.js bundle)."""

import json
from pathlib import Path

import pytest

LABS = sorted((Path(__file__).resolve().parents[1] / "labs").glob("*.ipynb"))
MAX_BYTES = 2_000_000
STATE_MIME = "application/vnd.jupyter.widget-state+json"


def stored_models(lab: Path) -> list[dict]:
    nb = json.loads(lab.read_text())
    return list(nb["metadata"].get("widgets", {}).get(STATE_MIME, {}).get("state", {}).values())


@pytest.mark.parametrize("lab", LABS, ids=[lab.stem for lab in LABS])
def test_lab_is_under_2_mb(lab):
    assert lab.stat().st_size < MAX_BYTES, f"{lab.name} is {lab.stat().st_size:,} bytes"


@pytest.mark.parametrize("lab", LABS, ids=[lab.stem for lab in LABS])
def test_stored_widget_state_holds_the_front_end_once(lab):
    models = stored_models(lab)
    anywidgets = [m["state"] for m in models if m["model_module"] == "anywidget"]
    foreign = {s.get("_anywidget_id") for s in anywidgets} - {"rnnviz.widgets.renderer.Chart"}
    assert not foreign, f"{lab.name} stores other anywidgets' code: {foreign}"
    assert all(len(s["_esm"]) < 2_000 for s in anywidgets), "a Chart stores more than its stub"
    libraries = [m for m in models if "source" in m["state"] and m["model_name"] == "WidgetModel"]
    assert len(libraries) == (1 if anywidgets else 0), "the front end must be stored once"
