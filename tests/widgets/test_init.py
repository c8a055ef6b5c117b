"""rnnviz.widgets: every widget importable from the package, loaded only when asked for."""

import importlib
import inspect
import json
import pkgutil
import subprocess
import sys

import ipywidgets
import pytest

import rnnviz.widgets
from rnnviz.widgets.renderer import ChartWidget


def test_import_rnnviz_loads_no_widget_library_until_a_widget_is_asked_for():
    code = (
        "import json, sys\n"
        "import rnnviz, rnnviz.widgets\n"
        "before = sorted(m for m in ('plotly', 'ipywidgets', 'torch') if m in sys.modules)\n"
        "from rnnviz.widgets import GradientFlow, LossPlot\n"
        "after = sorted(m for m in ('plotly', 'ipywidgets') if m in sys.modules)\n"
        "print(json.dumps([before, after, GradientFlow.__module__]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    before, after, module = json.loads(out)
    assert before == [] and after == ["ipywidgets", "plotly"]
    assert module == "rnnviz.widgets.gradient_flow"


@pytest.mark.parametrize("name", rnnviz.widgets.__all__)
def test_every_listed_widget_resolves_to_its_class(name):
    value = getattr(rnnviz.widgets, name)
    assert inspect.isclass(value) and value.__name__ == name
    assert value is getattr(importlib.import_module(value.__module__), name)


def test_every_widget_class_in_the_package_is_listed():
    found = set()
    for info in pkgutil.iter_modules(rnnviz.widgets.__path__):
        module = importlib.import_module(f"rnnviz.widgets.{info.name}")
        namesake = info.name.title().replace("_", "")  # gate_explorer -> GateExplorer
        for name, value in vars(module).items():
            if not inspect.isclass(value) or value.__module__ != module.__name__:
                continue
            displayed = hasattr(value, "_repr_mimebundle_") and not issubclass(
                value, ipywidgets.Widget
            )  # not a control
            if (
                value is not ChartWidget
                and not name.startswith("_")
                and (displayed or name == namesake)
            ):
                found.add(name)
    assert found == set(rnnviz.widgets.__all__)
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        rnnviz.widgets.Nope  # noqa: B018
