"""Lab 06 in JupyterLab: the budgeted runs, the committed sweep and the digits all render."""

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

RESULTS = Path(__file__).resolve().parents[2] / "results" / "long_range_memory.json"
ADDING, SWEEP, DIGITS = 0, 1, 2  # the lab's plots, in document order
MODELS = ("RNN (tanh)", "IRNN (ReLU, W=I)", "LSTM", "GRU")


def _traces(lab, plot):
    """[(name, number of points, line dash, visible)] of every trace of one plot."""
    return lab.page.evaluate(
        "p => document.querySelectorAll('.js-plotly-plot')[p]._fullData.map(t => "
        "[t.name, t.x ? t.x.length : 0, t.line ? t.line.dash : null, t.visible])",
        plot,
    )


def test_lab_06(lab):
    # Training runs make this the slowest lab: about a minute of CPU, more on a busy machine.
    lab.run("06_long_range_memory.ipynb", min_plots=3, timeout=900)

    # One loss figure holds all eight adding-problem runs: T=10 dotted, T=50 solid.
    names = sorted(f"{m} T={t}" for m in MODELS for t in (10, 50))
    traces = lab.wait_until(
        lambda: _traces(lab, ADDING),
        lambda traces: (
            sorted(name for name, *_ in traces) == names
            and all(points >= 50 for _, points, _, _ in traces)
        ),
        message="the adding-problem figure to hold all eight runs",
    )
    assert {dash for name, _, dash, _ in traces if name.endswith("T=10")} == {"dot"}
    assert {dash for name, _, dash, _ in traces if name.endswith("T=50")} == {"solid"}

    # The sweep figure draws one marker per committed run.
    runs = json.loads(RESULTS.read_text())["runs"]
    left_markers = lab.page.evaluate(
        "p => document.querySelectorAll('.js-plotly-plot')[p]._fullData"
        ".filter(t => t.xaxis === 'x' && t.mode === 'markers')"
        ".reduce((n, t) => n + t.x.length, 0)",
        SWEEP,
    )
    assert left_markers == len(runs)

    # The digits figure: RNN and LSTM curves.
    lab.wait_until(
        lambda: [name for name, *_ in _traces(lab, DIGITS)],
        lambda names: names == ["RNN (tanh) digits T=64", "LSTM digits T=64"],
        message="the digits figure's two curves",
    )

    # The printed tables are there.
    text = "\n".join(lab.page.locator(".jp-OutputArea-output").all_inner_texts())
    assert "steps to reach MSE < 0.01" in text and "held-out accuracy" in text

    # Clicking a legend entry hides that curve (the figure is live, not a picture).
    legend = lab.page.locator(".js-plotly-plot").nth(ADDING).locator(".legendtoggle").first
    legend.scroll_into_view_if_needed()
    legend.click()
    lab.wait_for_plot(ADDING, 0, "visible", lambda visible: visible == "legendonly")
    lab.assert_healthy()
