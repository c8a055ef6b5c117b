"""The pictures survive without a kernel: a committed lab opened in JupyterLab draws every
renderer chart from its stored widget state before anything runs, and its HTML export
(`jupyter nbconvert --to html`, rnnviz.export) draws them with the network blocked. In both,
a hot slider repaints its chart, answered by the page alone.

CHART_LABS lists the labs whose widgets are on the renderer (every lab): a lab listed with no stored
chart fails, it does not pass with nothing checked.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser.latency import watch_charts

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
LABS = REPO / "labs"
CHART_LABS = sorted(p.name for p in LABS.glob("[0-9][0-9]_*.ipynb"))  # every lab draws
STATE_MIME = "application/vnd.jupyter.widget-state+json"
CHART_ID = "rnnviz.widgets.renderer.Chart"

# Every chart in the page: how often it drew, whether its canvas has ink (non-white pixels),
# a pixel hash, its control values and which of them are hot (have a grid).
CHARTS_JS = """() => [...document.querySelectorAll('.rnnviz-chart')].map(root => {
    const c = root.chart, canvas = root.querySelector('canvas');
    if (!c || !canvas || !canvas.width) return null;
    const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let h = 2166136261, ink = 0;
    for (let i = 0; i < d.length; i += 4) {
        if (d[i] < 250 || d[i + 1] < 250 || d[i + 2] < 250) ink += 1;
        h = Math.imul(h ^ d[i] ^ (d[i + 1] << 8) ^ (d[i + 2] << 16), 16777619);
    }
    const spec = c.spec();
    return {drawn: c.drawn(), ink, hash: h >>> 0, state: {...c.state},
            hot: Object.keys((spec && spec.controls) || {})};
})"""


def stored_charts(notebook: Path) -> int:
    """How many renderer charts the notebook's stored widget state holds (a Predict is a
    Chart with no canvas: its spec has "predict" instead of panels)."""
    nb = json.loads(notebook.read_text())
    state = nb.get("metadata", {}).get("widgets", {}).get(STATE_MIME, {}).get("state", {})
    return sum(
        m["state"].get("_anywidget_id") == CHART_ID and "predict" not in m["state"].get("spec", {})
        for m in state.values()
    )


def expected_charts(name: str) -> int:
    count = stored_charts(LABS / name)
    assert count, (
        f"{name} is listed in CHART_LABS but stores no chart's widget state: re-execute it "
        f"with scripts/execute_lab.py (make execute LAB=labs/{name})"
    )
    return count


def trust(server, name: str) -> None:
    """`jupyter trust` the server's copy of a lab, as `make lab` does for the user's labs:
    JupyterLab renders an untrusted notebook's widget outputs as their text."""
    env = dict(os.environ, JUPYTER_DATA_DIR=str(server.root / "jupyter-state" / "data"))
    jupyter = Path(sys.executable).parent / "jupyter"
    subprocess.run(
        [str(jupyter), "trust", str(server.root / "labs" / name)],
        env=env,
        check=True,
        capture_output=True,
    )


def wait_for_charts(lab, count: int) -> list:
    """Every one of `count` charts drawn with ink; returns their readings."""
    return lab.wait_until(
        lambda: lab.page.evaluate(CHARTS_JS),
        lambda charts: len(charts) == count and all(c and c["drawn"] and c["ink"] for c in charts),
        message=f"{count} chart(s) drawn from stored state",
    )


def check_a_hot_slider_repaints(lab, chart: int, slider_selector: str, press) -> str:
    """Move the sliders next to chart number `chart` one at a time until one that the chart
    has a grid for changes its value; the canvas must then repaint. Returns that control's
    name. `press(slider_element)` moves one slider by one step."""
    page = lab.page
    output = (
        page.locator(".rnnviz-chart")
        .nth(chart)
        # The output the chart's widget fills (its box holds the controls; the chart's own
        # element is an rnnviz-widget too)
        .locator("xpath=ancestor::*[contains(@class, 'jp-OutputArea-output')][1]")
    )
    sliders = output.locator(slider_selector)
    before = page.evaluate(CHARTS_JS)[chart]
    if not before["hot"]:
        return ""
    for k in range(sliders.count()):
        press(sliders.nth(k))
        now = lab.wait_until(lambda: page.evaluate(CHARTS_JS)[chart], lambda c: c is not None)
        changed = [n for n in before["hot"] if now["state"].get(n) != before["state"].get(n)]
        if changed:
            lab.wait_until(
                lambda: page.evaluate(CHARTS_JS)[chart],
                lambda c, b=before: c["hash"] != b["hash"] and c["drawn"] > b["drawn"],
                message=f"chart {chart} to repaint after its hot slider {changed[0]!r} moved",
            )
            return changed[0]
        before = now
    raise AssertionError(
        f"no slider next to chart {chart} moves any of its hot controls {before['hot']}"
    )


def noui_press(handle):
    """One step of an ipywidgets slider: right, or left at its end."""
    handle.scroll_into_view_if_needed()
    handle.focus()
    at_end = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
    handle.press("ArrowLeft" if at_end else "ArrowRight")


@pytest.mark.parametrize("name", CHART_LABS)
def test_lab_draws_its_charts_before_running(lab, name):
    """Opened, kernel started, nothing run: every chart is drawn from the notebook's stored
    state, and a hot slider of each repaints it."""
    count = expected_charts(name)
    trust(lab.server, name)
    page, lab.notebook = lab.page, name
    page.goto(f"{lab.server.url}/lab/tree/{name}?reset&token={lab.server.token}")
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=120_000)
    lab._start_kernel()
    wait_for_charts(lab, count)
    prompts = [p for p, _, _ in lab._cells()]
    assert not any(p == "[*]:" for p in prompts), f"a cell ran: {prompts}"
    for chart in range(count):
        check_a_hot_slider_repaints(lab, chart, ".widget-slider .noUi-handle", noui_press)
    assert not lab.page_errors, f"page errors: {lab.page_errors[:5]}"
    lab.screenshot(f"offline_{Path(name).stem}_jupyterlab")


# nbconvert's own page template asks for these (require.js, MathJax for the text's formulas,
# mermaid); offline they fail and the text's formulas stay as TeX. No widget needs them.
TEMPLATE_REQUESTS = re.compile(r"require\.js|mathjax|mermaid", re.I)


def range_press(handle):
    """One step of an HTML range input: right, or left at its end."""
    handle.scroll_into_view_if_needed()
    handle.focus()
    at_end = handle.evaluate("e => Number(e.value) >= Number(e.max)")
    handle.press("ArrowLeft" if at_end else "ArrowRight")


@pytest.mark.parametrize("name", CHART_LABS)
def test_html_export_draws_its_charts_offline(browser, tmp_path, name):
    """`jupyter nbconvert --to html`, opened from disk with every non-file request aborted:
    every chart is drawn and a hot slider of each repaints it."""
    from tests.browser.conftest import Lab

    count = expected_charts(name)
    jupyter = Path(sys.executable).parent / "jupyter"
    subprocess.run(
        [
            str(jupyter),
            "nbconvert",
            "--to",
            "html",
            str(LABS / name),
            "--output-dir",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
    )
    page_file = tmp_path / (Path(name).stem + ".html")
    text = page_file.read_text()
    assert 'class="rnnviz-widget"' in text, (
        "the export did not run rnnviz.export.OfflineWidgets: its Jupyter config is not "
        "installed in this environment (make install)"
    )
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    watch_charts(context)
    attempted = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith("file:"):
            request_route.continue_()
        else:
            attempted.append(url)
            request_route.abort()

    context.route("**/*", route)
    try:
        page = context.new_page()
        lab = Lab(page, server=None)
        page.goto(page_file.as_uri())
        wait_for_charts(lab, count)
        for chart in range(count):
            check_a_hot_slider_repaints(
                lab, chart, "input[type=range]:not([disabled])", range_press
            )
        assert not lab.page_errors, f"page errors: {lab.page_errors[:5]}"
        page.locator(".rnnviz-widget").first.scroll_into_view_if_needed()
        lab.screenshot(f"offline_{Path(name).stem}_html")
    finally:
        context.close()
    unexpected = [u for u in attempted if not TEMPLATE_REQUESTS.search(u)]
    assert not unexpected, f"the page asked the network for {unexpected}"
    print(f"{name}: requests attempted (all aborted): {attempted}")
