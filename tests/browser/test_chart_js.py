"""static/chart.js's pure functions, run in headless Chromium: frame indexing agrees with the
Python packing (widgets.renderer.frames), formats and ticks are what the axes need."""

import base64

import numpy as np
import pytest

from rnnviz.widgets.renderer import STATIC

pytestmark = pytest.mark.browser


@pytest.fixture
def js(browser):
    """Call one of chart.js's exported functions in a blank page: js("nearest", grid, v)."""
    source = base64.b64encode((STATIC / "chart.js").read_bytes()).decode()
    page = browser.new_page()
    page.evaluate(
        f"async () => {{ window.chart = await import('data:text/javascript;base64,{source}'); }}"
    )

    def call(name, *args):
        return page.evaluate(f"args => window.chart.{name}(...args)", list(args))

    yield call
    page.close()


def test_product_frames_follow_the_python_packing(js):
    spec = {"controls": {"a": {"grid": [0.1, 0.2, 0.3]}, "b": {"grid": [-1, 1]}}}
    entry = {"axes": ["a", "b"], "star": False}
    values = np.arange(3 * 2).reshape(3, 2)  # frames(values, ["a", "b"]): one per (a, b)
    for a, ia in ((0.1, 0), (0.21, 1), (0.3, 2)):
        for b, ib in ((-1, 0), (1, 1)):
            assert js("frameOf", entry, {"a": a, "b": b}, spec) == values[ia, ib]


def test_star_frames_answer_one_moved_control(js):
    spec = {"controls": {"a": {"grid": [0, 1, 2]}, "b": {"grid": [0, 1]}}, "base": {"a": 1, "b": 0}}
    entry = {"axes": ["a", "b"], "star": True}
    assert js("frameOf", entry, {"a": 1, "b": 0}, spec) == 1  # at base: a's frame 1
    assert js("frameOf", entry, {"a": 2, "b": 0}, spec) == 2
    assert js("frameOf", entry, {"a": 1, "b": 1}, spec) == 3 + 1  # b's block starts at 3
    assert js("frameOf", entry, {"a": 2, "b": 1}, spec) is None  # two moved: not sent yet


def test_formats_match_python(js):
    for value, spec in ((0.123456, ".3f"), (2.3692648e-65, ".1e"), (1500.0, ".2e")):
        assert js("format", value, spec) == format(value, spec)
    assert js("format", -5, "pow") == "10\u207b\u2075"


def test_log_range_and_ticks(js):
    assert js("logRange", [-20, 0]) == pytest.approx([-21.2, 1.2])
    assert js("logRange", [0, 0.5]) == pytest.approx([-1.25, 1.75])  # at least 3 decades
    assert js("niceTicks", 0, 100, False) == [0, 20, 40, 60, 80, 100]
    assert js("niceTicks", -21.2, 1.2, True) == [-20, -16, -12, -8, -4, 0]
    assert js("scaleColor", [[0, "#000000"], [1, "rgb(255,255,255)"]], 0.5) == "rgb(128,128,128)"
