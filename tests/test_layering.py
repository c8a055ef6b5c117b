"""The package's layers: the core never draws, and the reference layers need only numpy.

Each check imports modules in a fresh interpreter, so what an earlier test loaded cannot hide
an import.
"""

import json
import pkgutil
import subprocess
import sys

import rnnviz

VIEW_LIBRARIES = ("plotly", "ipywidgets", "anywidget", "IPython.display")
CORE = sorted(
    m.name
    for m in pkgutil.walk_packages(rnnviz.__path__, "rnnviz.")
    if not m.name.startswith("rnnviz.widgets") and not m.name.endswith("__main__")
)


def loaded_after_import(modules) -> dict:
    """Import `modules` in order in a new interpreter; for each, the names it added to
    sys.modules (so a leak is pinned on the first module that caused it)."""
    code = (
        "import importlib, json, sys\n"
        "added = {}\n"
        f"for name in {list(modules)!r}:\n"
        "    before = set(sys.modules)\n"
        "    importlib.import_module(name)\n"
        "    added[name] = sorted(set(sys.modules) - before)\n"
        "print(json.dumps(added))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return {name: set(mods) for name, mods in json.loads(out.stdout.splitlines()[-1]).items()}


def view_leaks(modules) -> dict:
    """{module: [view libraries its import loaded]} for the modules that loaded any."""
    leaks = {
        name: [lib for lib in VIEW_LIBRARIES if lib in added]
        for name, added in loaded_after_import(modules).items()
    }
    return {name: libs for name, libs in leaks.items() if libs}


def test_the_layering_check_sees_a_view_import():
    """The check itself can fail: importing a widget module loads plotly."""
    assert set(view_leaks(["rnnviz.widgets.loss_plot"])["rnnviz.widgets.loss_plot"]) >= {
        "plotly",
        "ipywidgets",
    }


def test_no_core_module_loads_a_view_library():
    assert len(CORE) > 30
    assert view_leaks(CORE) == {}, "the core never draws"


def test_command_line_tools_load_no_view_library():
    """`python -m rnnviz.experiments`, `rnnviz.charlm.train` and `rnnviz.captioning.train`."""
    assert (
        view_leaks(
            ["rnnviz.experiments.long_range", "rnnviz.charlm.train", "rnnviz.captioning.train"]
        )
        == {}
    )


def test_reference_layers_import_only_numpy_and_their_own_checks():
    added = set().union(
        *loaded_after_import(["rnnviz.reference", "rnnviz.reference.gradcheck"]).values()
    )
    outside = {name.split(".")[0] for name in added} - set(sys.stdlib_module_names)
    assert outside <= {"numpy", "rnnviz"}, outside - {"numpy", "rnnviz"}
    ours = {name for name in added if name.startswith("rnnviz")}
    assert all(
        name.startswith(("rnnviz.reference", "rnnviz.checks", "rnnviz.lab")) or name == "rnnviz"
        for name in ours
    ), ours
