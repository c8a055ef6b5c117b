"""scripts/execute_lab.py keeps the widget state the outputs show, and nothing else."""

import importlib.util
from pathlib import Path

import nbformat

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "execute_lab.py"
spec = importlib.util.spec_from_file_location("execute_lab", SCRIPT)
execute_lab = importlib.util.module_from_spec(spec)
spec.loader.exec_module(execute_lab)


def model(name, module="@jupyter-widgets/controls", **state):
    return {
        "model_name": name,
        "model_module": module,
        "state": {"_model_name": name, "_model_module": module, **state},
    }


def notebook(roots, models):
    nb = nbformat.v4.new_notebook()
    outputs = [
        nbformat.v4.new_output(
            "display_data", data={execute_lab.VIEW_MIME: {"model_id": r}, "text/plain": r}
        )
        for r in roots
    ]
    nb.cells.append(nbformat.v4.new_code_cell("x", outputs=outputs))
    nb.metadata.widgets = {execute_lab.STATE_MIME: {"state": models}}
    return nb


def test_keeps_the_shown_trees_and_drops_foreign_anywidgets_and_orphans():
    chart = model(
        "AnyModel",
        "anywidget",
        _anywidget_id="rnnviz.widgets.renderer.Chart",
        library="IPY_MODEL_lib",
        data={"a": {"shape": [1]}, "gone": None},
    )
    chart["buffers"] = [{"path": ["data", "a", "values"]}, {"path": ["data", "old", "values"]}]
    models = {
        "box": model("VBoxModel", children=["IPY_MODEL_chart", "IPY_MODEL_slider"]),
        "chart": chart,
        "lib": model("WidgetModel", "@jupyter-widgets/base", source="js", version="1"),
        "slider": model("IntSliderModel", value=1),
        "plotbox": model("VBoxModel", children=["IPY_MODEL_plotly"]),
        "plotly": model("AnyModel", "anywidget", _anywidget_id="plotly.FigureWidget"),
        "orphan": model("LabelModel", value="closed long ago"),
    }
    nb = notebook(["box", "plotbox", "missing"], models)
    assert execute_lab.keep_needed_widget_state(nb) == {"kept": 1, "dropped": 2, "too_large": 0}
    kept = nb.metadata.widgets[execute_lab.STATE_MIME]["state"]
    assert sorted(kept) == ["box", "chart", "lib", "slider"]
    assert kept["chart"]["buffers"] == [{"path": ["data", "a", "values"]}]


def test_no_storable_output_stores_no_widget_metadata():
    nb = notebook(["plotly"], {"plotly": model("AnyModel", "anywidget", _anywidget_id="plotly.X")})
    execute_lab.keep_needed_widget_state(nb)
    assert "widgets" not in nb.metadata


def test_an_output_over_the_budget_stores_nothing_and_needs_the_kernel():
    big = model("AnyModel", "anywidget", _anywidget_id="rnnviz.widgets.renderer.Chart")
    big["buffers"] = [{"path": ["data"], "data": "A" * (execute_lab.OUTPUT_BUDGET + 1)}]
    small = model("IntSliderModel", value=1)
    nb = notebook(["big", "small"], {"big": big, "small": small})
    assert execute_lab.keep_needed_widget_state(nb) == {"kept": 1, "dropped": 0, "too_large": 1}
    assert sorted(nb.metadata.widgets[execute_lab.STATE_MIME]["state"]) == ["small"]
    big_output = nb.cells[0].outputs[0]["data"]
    assert execute_lab.VIEW_MIME not in big_output and big_output["text/plain"] == "big"
