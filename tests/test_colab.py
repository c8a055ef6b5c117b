"""rnnviz.colab: in Colab (its `google.colab.output` module loaded) `setup_lab` turns on the
custom widget manager and every rnnviz widget's output carries the manager's mark, also when
the widget is a cell's last value; elsewhere nothing changes. Colab itself cannot run here: a
stand-in module records the calls, as anywidget's own Colab test does (manzt/anywidget#52)."""

import sys
import types

import pytest

from rnnviz import setup_lab
from rnnviz.colab import WIDGET_VIEW_MIME, colab_widget_metadata, enable_colab_widgets

MANAGER_URL = "https://ssl.gstatic.com/colaboratory-static/widgets/colab-cdn-widget-manager/x.js"


@pytest.fixture
def colab(monkeypatch):
    """A stand-in `google.colab.output` whose enable_custom_widget_manager() counts its calls
    and installs the manager's URL, as Colab's does."""
    output = types.ModuleType("google.colab.output")
    output.calls = 0
    output._widgets = types.SimpleNamespace(_installed_url=None)

    def enable_custom_widget_manager():
        output.calls += 1
        output._widgets._installed_url = MANAGER_URL

    output.enable_custom_widget_manager = enable_custom_widget_manager
    monkeypatch.setitem(sys.modules, "google.colab.output", output)
    return output


def test_outside_colab_nothing_is_enabled_or_marked():
    assert "google.colab.output" not in sys.modules
    assert enable_colab_widgets() is False
    assert colab_widget_metadata() == {}


def test_setup_lab_turns_on_colabs_custom_widget_manager(colab):
    assert setup_lab(seed=0) == 0
    assert colab.calls == 1


def test_a_widget_shown_as_a_cells_value_carries_the_managers_mark_in_colab(colab):
    from rnnviz.widgets import GradientFlow

    widget = GradientFlow(seq_len=8, hidden_size=4)
    bundle, metadata = widget._repr_mimebundle_()
    assert bundle["text/plain"] == "<GradientFlow widget>"
    assert WIDGET_VIEW_MIME in bundle
    manager = {"custom_widget_manager": {"url": MANAGER_URL}}
    assert metadata == {WIDGET_VIEW_MIME: {"colab": manager}}
    widget.close()


def test_a_colab_that_does_not_say_where_its_manager_is_gets_no_mark(colab):
    colab.enable_custom_widget_manager = lambda: None  # leaves _installed_url unset
    assert colab_widget_metadata() == {}
