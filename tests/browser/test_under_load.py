"""The browser tests hold on a busy machine: one representative lab, and the harness's
kernel-dialog path, run again while a busy loop holds every core.

A wait that only works on an idle machine (a fixed sleep, a "nothing changed for 2 s",
text read the moment it appears) fails here. Lab 07 stands for the labs: it trains while
its loss plot streams, then draws four charts, text and dropdowns; the harness's widget test
opens a notebook without kernel metadata, so JupyterLab asks for a kernel first. To run
every browser test under load instead: RNNVIZ_BROWSER_LOAD=1 make test-browser.

It runs as `make test-load`, apart from `make test`, which it would lengthen by minutes.
"""

import importlib.util
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.load]


def _sibling(name):
    """A test module beside this one (pytest imports test files by path, not by name)."""
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


test_harness, test_lab_07 = _sibling("test_harness"), _sibling("test_lab_07")


def test_lab_07_with_every_core_busy(cpu_load, lab):
    assert cpu_load.processes, "the CPU burner is not running"
    test_lab_07.test_lab_07(lab)
    assert all(p.poll() is None for p in cpu_load.processes), "a CPU burner stopped early"


def test_the_kernel_dialog_and_a_kernel_round_trip_with_every_core_busy(
    cpu_load, lab, jupyter_server
):
    test_harness.test_a_slider_press_reaches_the_kernel_and_changes_the_page(lab, jupyter_server)
    assert all(p.poll() is None for p in cpu_load.processes), "a CPU burner stopped early"
