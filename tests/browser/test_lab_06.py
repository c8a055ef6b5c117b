"""Lab 06 in JupyterLab: the budgeted runs, the committed sweep and the digits all render."""

import json
from pathlib import Path

import pytest

from tests.browser.latency import CHART_JS, chart_read

pytestmark = pytest.mark.browser

RESULTS = Path(__file__).resolve().parents[2] / "results" / "long_range_memory.json"
ADDING, SWEEP, DIGITS = 0, 1, 2  # the lab's renderer charts, in document order
MODELS = ("RNN (tanh)", "IRNN (ReLU, W=I)", "LSTM", "GRU")


def _series(lab, chart, panel=0):
    """[(name, data entry, dash, points drawn)] of every series of one chart's panel."""
    spec = lab.page.evaluate(f"() => {CHART_JS.format(chart=chart)}.spec()")
    return [
        (s["name"], s["data"], s.get("dash"), len(chart_read(lab.page, chart, s["data"]) or []))
        for s in spec["panels"][panel]["series"]
    ]


def test_lab_06(lab):
    # Training runs make this the slowest lab: about a minute of CPU, more on a busy machine.
    lab.run("06_long_range_memory.ipynb", min_plots=3, timeout=900)
    page = lab.page
    assert page.locator(".rnnviz-chart > canvas").count() == 3

    # One loss chart holds all eight adding-problem runs: T=10 dotted, T=50 solid.
    names = sorted(f"{m} T={t}" for m in MODELS for t in (10, 50))
    series = lab.wait_until(
        lambda: _series(lab, ADDING),
        lambda series: (
            sorted(name for name, *_ in series) == names
            and all(points >= 50 for *_, points in series)
        ),
        message="the adding-problem chart to hold all eight runs",
    )
    assert {str(dash) for name, _, dash, _ in series if name.endswith("T=10")} == {"[2, 3]"}
    assert {dash for name, _, dash, _ in series if name.endswith("T=50")} == {None}

    # The sweep chart draws one marker per committed run.
    runs = json.loads(RESULTS.read_text())["runs"]
    spec = page.evaluate(f"() => {CHART_JS.format(chart=SWEEP)}.spec()")
    markers = [s["data"] for s in spec["panels"][0]["series"] if s.get("mode") == "markers"]
    assert sum(len(chart_read(page, SWEEP, m)) for m in markers) == len(runs)

    # The digits chart: RNN and LSTM curves.
    lab.wait_until(
        lambda: [name for name, *_ in _series(lab, DIGITS)],
        lambda names: names == ["RNN (tanh) digits T=64", "LSTM digits T=64"],
        message="the digits chart's two curves",
    )

    # The printed tables are there; the steps table, the answer to the Predicts above it, sits
    # in a fold that stays closed until the student opens it.
    text = "\n".join(lab.page.locator(".jp-OutputArea-output").all_text_contents())
    assert "steps to reach MSE < 0.01" in text and "held-out accuracy" in text
    steps_folds = page.evaluate(
        "() => [...document.querySelectorAll('details.rnnviz-folded')]"
        ".filter(d => d.textContent.includes('steps to reach MSE < 0.01')).map(d => d.open)"
    )
    assert steps_folds == [False]

    # Clicking a legend entry hides that curve (the chart is live, not a picture).
    legend = page.locator(".rnnviz-chart").nth(ADDING).locator(".rnnviz-legend-item").first
    legend.scroll_into_view_if_needed()
    first = legend.inner_text().strip()
    legend.click()
    lab.wait_until(
        lambda: page.evaluate(f"() => {CHART_JS.format(chart=ADDING)}.hidden()"),
        lambda hidden: hidden == [first],
    )
    lab.assert_healthy()
