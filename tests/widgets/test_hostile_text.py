"""Any text a user, a corpus or a vocabulary brings reaches the page as text: every widget that
shows words is built from hostile strings, and no HTML model it makes carries markup it was
not written with (the browser check of the export is tests/browser/test_hostile_text.py)."""

import warnings
from html.parser import HTMLParser

import ipywidgets
import numpy as np
import pytest
import torch
from ipywidgets.widgets.widget import _remove_buffers

from rnnviz.charlm.interpret import activations
from rnnviz.charlm.model import CharLM
from rnnviz.export import script_json
from rnnviz.widgets import CellActivations, LossPlot, SampleExplorer, Saturation

HOSTILE = [
    "<!--<script>",
    "</script><img src=x onerror=window.__pwned=1>",
    "\"'><b>bold</b>",
    "\u2028\u2029&amp;",
]
TEXT = "".join(HOSTILE) * 3


def char_model():
    torch.manual_seed(0)
    return CharLM(sorted(set(TEXT)), "lstm", 6, 3).eval()


def open_models() -> dict:
    with warnings.catch_warnings():  # ipywidgets 8 marks the registry deprecated, not gone
        warnings.simplefilter("ignore", DeprecationWarning)
        return dict(ipywidgets.Widget.widgets)


def made_by(build):
    """The widget build() returns and every ipywidgets model it made."""
    before = open_models()
    widget = build()
    return widget, [m for k, m in open_models().items() if k not in before]


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def html_tags(value: str) -> list:
    parser = Tags()
    parser.feed(value)
    return parser.tags


def assert_text_stays_text(models):
    """An HTML model's markup is rnnviz's own (at most a <b> with a colour); every model's
    state is inert inside the export's <script> block."""
    for m in models:
        if isinstance(m, ipywidgets.HTML | ipywidgets.HTMLMath):
            for tag, attrs in html_tags(m.value):
                assert tag == "b" and [a for a, _ in attrs] in ([], ["style"]), m.value
            for hostile in HOSTILE:
                assert hostile not in m.value
        state, _, _ = _remove_buffers(m.get_state())  # as the notebook stores it
        assert not set("<>&\u2028\u2029") & set(script_json(state))


BUILDS = {
    "SampleExplorer, a prime of hostile characters": lambda: SampleExplorer(
        char_model(), prime=HOSTILE[0], length=10
    ),
    "SampleExplorer, a prime the vocabulary lacks": lambda: SampleExplorer(
        CharLM(list("abc"), "lstm", 4, 2).eval(), prime=HOSTILE[1], length=10
    ),
    "CellActivations of a hostile text": lambda: CellActivations(
        activations(char_model(), TEXT), shown_chars=40
    ),
    "Saturation with a hostile gate name": lambda: Saturation(
        {HOSTILE[0]: np.random.default_rng(0).uniform(0, 1, (6, 3))}
    ),
    "LossPlot with a hostile title and label": lambda: hostile_loss_plot(),
}


def hostile_loss_plot():
    plot = LossPlot(title=HOSTILE[1], yaxis_title=HOSTILE[2])
    plot.add_curve(HOSTILE[0], [1.0, 0.5, 0.25])
    return plot


@pytest.mark.parametrize("case", sorted(BUILDS))
def test_hostile_text_reaches_the_page_as_text(case):
    widget, models = made_by(BUILDS[case])
    assert models
    assert_text_stays_text(models)


def test_a_prime_set_from_python_is_shown_as_text():
    widget, models = made_by(lambda: SampleExplorer(char_model(), prime="ab", length=10))
    for hostile in HOSTILE:
        widget.prime.value = hostile  # in the vocabulary or not: a sample or an error
        assert_text_stays_text(models)


@pytest.mark.parametrize(
    "color", ["red;background:url(x)", "#fff}body{x", "expression(alert(1))", 3, ""]
)
def test_a_curve_colour_that_is_not_a_css_colour_is_refused_by_name(color):
    plot = LossPlot()
    with pytest.raises(ValueError, match="color"):
        plot.add_curve("run", [1.0], color=color)


@pytest.mark.parametrize("color", ["#d62728", "#abc", "teal", "rgb(1, 2, 3)", "rgba(0,0,0,0.5)"])
def test_css_colours_draw(color):
    plot = LossPlot()
    assert plot.add_curve("run", [1.0], color=color).color == color
