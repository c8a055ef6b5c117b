"""Every front end a student may open a lab in: JupyterLab in each notebook windowing mode
(Settings > Notebook > Windowing mode: "full" and "defer" attach only the cells near the
viewport, "contentVisibility" skips painting the rest, "none" renders all) and Notebook 7.

A notebook like a lab, with three widgets each far below the previous one, is executed once
(scripts/execute_lab.py, so it stores its widget state as a committed lab does). In each front
end: before anything runs, every chart is drawn from the stored state as it is scrolled to, the
stored view shows no red "disconnected" icons inside an rnnviz widget but one quiet note, and a
hot slider far below the fold repaints its chart; after Run All, the same holds for the live
widgets, and no output says "Error displaying widget".
"""

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from rnnviz.front_end import chart_source
from tests.browser.conftest import BROKEN_WIDGET, PAGE_KERNEL_JS, JupyterServer, Lab
from tests.browser.latency import watch_charts
from tests.browser.readouts import SPOT_PIXELS_JS

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = "front_ends.ipynb"
WIDGETS = 3
# Each widget sits after this many paragraphs of text: several screens below the last.
FILLER = 60

# Every widget output now in the page, by its chart: its cell's index (or its state, where
# cells are not indexed: the test's widgets differ in their first values), how often it drew (the
# after-draw hook of tests/browser/latency.py), whether its canvas has ink, a pixel hash, its
# control values (an output whose chart is not there yet reads as not drawn).
CHARTS_JS = """() => [...document.querySelectorAll(
        '.jp-OutputArea-output:not([data-mime-type])')]
  .map(output => {
    const root = output.querySelector('.rnnviz-chart');
    if (!root) return {cell: -1, drawn: 0, ink: 0, hash: 0, state: null};
    const cell = root.closest('.jp-Cell'), canvas = root.querySelector('canvas');
    let h = 2166136261, ink = 0;
    if (canvas && canvas.width) {
        const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 0; i < d.length; i += 4) {
            if (d[i] < 250 || d[i + 1] < 250 || d[i + 2] < 250) ink += 1;
            h = Math.imul(h ^ d[i] ^ (d[i + 1] << 8) ^ (d[i + 2] << 16), 16777619);
        }
    }
    const state = root.chart ? {...root.chart.state} : null;
    return {cell: (cell && cell.dataset.windowedListIndex) ?? JSON.stringify(state),
            drawn: Number(root.dataset.drawn || 0), ink, hash: h >>> 0, state};
})"""
# The notebook's scrolling element, scrolled by `step` pixels; true once at the bottom.
SCROLL_JS = """(step) => {
    // JupyterLab 4's notebook scrolls inside its windowed panel's outer element.
    let el = document.querySelector('.jp-Notebook .jp-WindowedPanel-outer')
             || document.querySelector('.jp-Notebook');
    while (el && !(el.scrollHeight > el.clientHeight + 1
                   && /(auto|scroll)/.test(getComputedStyle(el).overflowY))) el = el.parentElement;
    el = el || document.scrollingElement;
    el.scrollTop += step;
    return el.scrollTop + el.clientHeight >= el.scrollHeight - 2;
}"""
# Each outermost rnnviz widget in the page: the text before it, its controls the chart has
# frames for (hot) and those shown dimmed, and how many elements inside it are marked
# disconnected and still show ipywidgets' icon before them.
STORED_VIEW_JS = """() => [...document.querySelectorAll('.rnnviz-widget')]
  .filter((w) => !w.parentElement.closest('.rnnviz-widget'))
  .map((w) => {
    const marked = [...w.querySelectorAll('.jupyter-widgets-disconnected')];
    const controls = [...w.querySelectorAll('.widget-slider, .widget-dropdown, .widget-checkbox')];
    return {note: getComputedStyle(w, '::before').content,
            hot: controls.filter((e) => e.classList.contains('rnnviz-hot-control')).length,
            dimmed: controls.filter((e) => Number(getComputedStyle(e).opacity) < 1).length,
            hotDimmed: controls.filter((e) => e.classList.contains('rnnviz-hot-control')
                                         && Number(getComputedStyle(e).opacity) < 1).length,
            disconnected: marked.length + w.classList.contains('jupyter-widgets-disconnected'),
            icons: marked.filter((e) => getComputedStyle(e, '::before').content !== 'none')
                         .length};
  })"""


# The ink (the most opaque pixel's alpha) drawn over each shown slider's readout spot, by
# whether its slider is hot (readout.js; a spot not laid out, in a detached cell, is left out).
READOUT_INK_JS = (
    "() => {"
    + SPOT_PIXELS_JS
    + """
  const ink = { hot: [], cold: [] };
  for (const spot of document.querySelectorAll('.rnnviz-widget .rnnviz-readout')) {
    if (getComputedStyle(spot).display === 'none' || !spotPixels(spot)) continue;
    const hot = spot.closest('.widget-slider').classList.contains('rnnviz-hot-control');
    ink[hot ? 'hot' : 'cold'].push(spotInk(spot));
  }
  return ink;
}"""
)


def build_notebook(path: Path) -> None:
    cells = [nbformat.v4.new_code_cell("from rnnviz import setup_lab\n\nseed = setup_lab(seed=0)")]
    for k in range(WIDGETS):
        filler = "\n\n".join(f"Paragraph {i} before widget {k}." for i in range(FILLER))
        cells.append(nbformat.v4.new_markdown_cell(f"## Widget {k}\n\n{filler}"))
        cells.append(
            nbformat.v4.new_code_cell(
                "from rnnviz.widgets import GradientFlow\n\n"
                f"GradientFlow(seq_len=12, hidden_size=4, spectral_radius={0.6 + 0.2 * k:.1f}, "
                "seed=seed)"
            )
        )
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(notebook, path)


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """A folder with labs/front_ends.ipynb, executed with its widget state stored."""
    root = tmp_path_factory.mktemp("front-ends")
    (root / "labs").mkdir()
    build_notebook(root / "labs" / NOTEBOOK)
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "execute_lab.py"), str(root / "labs" / NOTEBOOK)],
        check=True,
        capture_output=True,
        cwd=REPO,
    )
    return root


def start_server(executed: Path, tmp_path_factory, windowing_mode: str, app: str):
    """A server of `app` in `windowing_mode` on a copy of the executed notebook, trusted (an
    untrusted notebook's widget outputs show as text)."""
    root = tmp_path_factory.mktemp(f"{app}-{windowing_mode}")
    shutil.copytree(executed / "labs", root / "labs")
    server = JupyterServer(root, windowing_mode=windowing_mode, app=app)
    env = dict(os.environ, JUPYTER_DATA_DIR=str(server.state / "data"))
    subprocess.run(
        [str(Path(sys.executable).parent / "jupyter"), "trust", str(root / "labs" / NOTEBOOK)],
        env=env,
        check=True,
        capture_output=True,
    )
    return server


@pytest.fixture(scope="module", params=JupyterServer.WINDOWING_MODES)
def lab_server(request, executed, tmp_path_factory):
    server = start_server(executed, tmp_path_factory, request.param, "lab")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def notebook7_server(executed, tmp_path_factory):
    """Notebook 7 (its default windowing mode), on its own server: kept apart from the lab
    servers so that another Notebook 7 harness can replace it."""
    server = start_server(executed, tmp_path_factory, "full", "notebook")
    yield server
    server.stop()


def open_page(browser, server, path: str) -> Lab:
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    watch_charts(context)
    page = context.new_page()
    page.set_default_timeout(60_000)
    lab = Lab(page, server)
    lab.notebook = NOTEBOOK
    page.goto(f"{server.url}{path}?reset&token={server.token}")
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=120_000)
    return lab


def wait_for_stored_widgets(lab) -> None:
    """JupyterLab loads a notebook's stored widget state once its kernel has said which
    widgets it holds (a fresh kernel: none): start it and wait for that answer."""
    lab._start_kernel()
    lab._wait_until_widgets_restored()


def wait_until_run(lab, quiet: float = 5, timeout: float = 300) -> None:
    """Run All has finished: the kernel, on the server and in the page, has stayed idle for
    `quiet` seconds. (The harness's own wait reads every cell's prompt, which a windowed
    notebook does not render for cells out of view, and content-visibility hides from
    innerText.)"""
    deadline, idle_since = time.time() + timeout, None
    while True:
        page_kernel = lab.page.evaluate(PAGE_KERNEL_JS)
        idle = lab._session_state() == "idle" and page_kernel["status"] == "idle"
        idle_since = (idle_since or time.time()) if idle else None
        if idle_since and time.time() - idle_since >= quiet:
            return
        assert time.time() < deadline, f"the kernel still busy {timeout} s after Run All"
        time.sleep(0.5)


def scroll_through(lab) -> dict:
    """Scroll the notebook from top to bottom; at each step every chart attached to the page
    must be drawn with ink. Returns {cell index: its chart's reading} for every chart seen."""
    lab.page.evaluate(SCROLL_JS, -(10**7))
    seen, bottom = {}, False
    while not bottom:
        charts = lab.wait_until(
            lambda: lab.page.evaluate(CHARTS_JS),
            lambda cs: all(c["drawn"] and c["ink"] for c in cs),
            message="every chart in view drawn",
        )
        seen.update({c["cell"]: c for c in charts})
        bottom = lab.page.evaluate(SCROLL_JS, 500)
    lab.wait_until(lambda: lab.page.evaluate(CHARTS_JS), lambda cs: all(c["drawn"] for c in cs))
    return seen


def key_press(handle) -> None:
    handle.focus()
    handle.press("ArrowRight")


def mouse_drag(handle) -> None:
    """Drag a slider's handle 25 px to the right, as a student with a mouse does."""
    page, box = handle.page, handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 25, y, steps=5)
    page.mouse.up()


def last_slider_repaints(lab, press=key_press) -> None:
    """Scrolled to the bottom: move the last widget's sliders one at a time (`press`) until
    one moves a control its chart has frames for; the chart must repaint (the kernel need not
    answer)."""
    page = lab.page
    widget = page.locator(".rnnviz-widget:not(.rnnviz-widget .rnnviz-widget)").last
    handles = widget.locator(".widget-slider .noUi-handle")
    assert handles.count(), "the last widget has no slider"

    def chart():
        return page.evaluate(CHARTS_JS)[-1]

    before = chart()
    for k in range(handles.count()):
        handle = handles.nth(k)
        handle.scroll_into_view_if_needed()
        press(handle)
        now = lab.wait_until(chart, lambda c: c["state"] is not None)
        if now["state"] != before["state"]:
            lab.wait_until(
                chart,
                lambda c, b=before: c["hash"] != b["hash"] and c["drawn"] > b["drawn"],
                message="the last chart to repaint after its slider moved",
            )
            return
        before = now
    raise AssertionError("no slider of the last widget moved its chart's controls")


def cold_slider_takes_no_key(lab) -> None:
    """A dimmed slider (its frames need the kernel) says it is disabled and its keys move
    nothing: the picture could not follow."""
    handle = lab.page.locator(
        ".rnnviz-widget .widget-slider:not(.rnnviz-hot-control) .noUi-handle >> visible=true"
    ).last
    handle.scroll_into_view_if_needed()
    before = handle.get_attribute("aria-valuenow")
    handle.focus()
    handle.press("ArrowRight")
    handle.press("End")
    assert handle.get_attribute("aria-disabled") == "true"
    assert handle.get_attribute("aria-valuenow") == before


def check_stored_view(lab, press=key_press, page_errors=None) -> None:
    seen = scroll_through(lab)
    assert len(seen) == WIDGETS, f"charts drawn from stored state in cells {sorted(seen)}"
    stored = lab.page.evaluate(STORED_VIEW_JS)
    assert stored and all(w["disconnected"] for w in stored), stored  # no kernel holds them
    assert all(w["icons"] == 0 for w in stored), f"red icons inside rnnviz widgets: {stored}"
    assert all("Saved view" in w["note"] for w in stored), stored
    # GradientFlow: radius, forget bias and the pulse's step have frames; its other sliders,
    # dropdowns and switches need the kernel.
    assert all(w["hot"] == 3 and w["dimmed"] == 8 and not w["hotDimmed"] for w in stored), stored
    # The drawn readouts are dimmed with their sliders (the canvas is outside them).
    ink = lab.page.evaluate(READOUT_INK_JS)
    assert ink["hot"] and ink["cold"], ink
    assert min(ink["hot"]) > 200 and max(ink["cold"]) < 0.6 * 255, ink
    cold_slider_takes_no_key(lab)
    last_slider_repaints(lab, press)
    assert not BROKEN_WIDGET.search(lab.page.locator(".jp-Notebook").inner_text())
    errors = [e for e in lab.page_errors if not (page_errors and page_errors.search(e))]
    assert not errors, errors[:5]


def test_stored_widgets_draw_in_every_windowing_mode(browser, lab_server):
    lab = open_page(browser, lab_server, f"/lab/tree/{NOTEBOOK}")
    try:
        wait_for_stored_widgets(lab)
        check_stored_view(lab)
    finally:
        lab.page.context.close()


def test_run_widgets_draw_and_answer_in_every_windowing_mode(browser, lab_server):
    lab = open_page(browser, lab_server, f"/lab/tree/{NOTEBOOK}")
    try:
        lab._start_kernel()
        lab._wait_until_widgets_restored()
        lab._clear_all_outputs()
        lab._run_all_cells()
        wait_until_run(lab)
        assert not lab._tracebacks(), lab._tracebacks()
        seen = scroll_through(lab)
        assert len(seen) == WIDGETS, f"charts drawn after the run in cells {sorted(seen)}"
        live = lab.page.evaluate(STORED_VIEW_JS)
        assert not any(w["disconnected"] for w in live), f"a live widget is marked: {live}"
        # The note and the dimming are for stored views only.
        assert all(w["note"] == "none" and w["dimmed"] == 0 for w in live), live
        last_slider_repaints(lab)
        assert not BROKEN_WIDGET.search(lab.page.locator(".jp-Notebook").inner_text())
        assert not lab.page_errors, lab.page_errors[:5]
    finally:
        lab.page.context.close()
        lab_server.shutdown_kernels()


def test_stored_widgets_draw_in_notebook_7(browser, notebook7_server):
    lab = open_page(browser, notebook7_server, f"/notebooks/{NOTEBOOK}")
    try:
        wait_for_stored_widgets(lab)
        # Notebook 7.6.5 here: ArrowRight on a focused slider handle moves no slider (the
        # keyboard's own tests cover that), and the page throws "Cannot read properties of
        # undefined (reading 'schema')" as it opens, before any widget exists. A mouse drags.
        check_stored_view(lab, mouse_drag, page_errors=re.compile(r"reading 'schema'"))
    finally:
        lab.page.context.close()


# ipywidgets' own rule (@jupyter-widgets/base's widgets-base.css), then a stored rnnviz widget
# (a box holding a cold and a hot slider and its chart), a stored chart with no controls, a
# training's progress bar, a stored widget that is not ours and a live rnnviz widget.
STORED_VIEW_PAGE = """
<style>.jupyter-widgets-disconnected::before { content: '\\f127'; color: #d9534f; }</style>
<div id="outer" class="rnnviz-widget jupyter-widgets-disconnected">
  <div id="cold" class="widget-slider jupyter-widgets-disconnected">cold</div>
  <div id="hot" class="widget-slider jupyter-widgets-disconnected rnnviz-hot-control">hot</div>
  <div id="chart" class="rnnviz-widget jupyter-widgets-disconnected">chart</div>
</div>
<div id="bare" class="rnnviz-widget jupyter-widgets-disconnected">a chart alone</div>
<div id="progress" class="rnnviz-progress jupyter-widgets-disconnected">
  <div id="bar" class="widget-progress jupyter-widgets-disconnected">a training's bar</div>
</div>
<div id="foreign" class="widget-slider jupyter-widgets-disconnected">not ours</div>
<div id="live" class="rnnviz-widget"><div id="live-cold" class="widget-slider">live</div></div>
"""


def test_the_stored_view_style_in_a_blank_page(browser):
    """static/chart/stored_view.js alone: icons go only inside rnnviz widgets, the outermost
    says the note if it has controls, cold controls are dimmed only in a stored view, the
    style is added once."""
    page = browser.new_page()
    try:
        page.set_content(STORED_VIEW_PAGE)
        source = chart_source()
        note = page.evaluate(
            """async (source) => {
                const url = URL.createObjectURL(new Blob([source], {type: 'text/javascript'}));
                const chart = await import(url);
                chart.addStoredViewStyle(document);
                chart.addStoredViewStyle(document);
                return chart.STORED_VIEW_NOTE;
            }""",
            source,
        )
        read = """() => Object.fromEntries([...document.querySelectorAll('[id]')].map((e) => [
            e.id, {before: getComputedStyle(e, '::before').content,
                   opacity: getComputedStyle(e).opacity}]))"""
        seen = page.evaluate(read)
        assert page.locator("#rnnviz-stored-view-style").count() == 1
        assert seen["outer"]["before"] == f'"{note}"'
        assert seen["cold"] == {"before": "none", "opacity": "0.45"}
        assert seen["hot"] == {"before": "none", "opacity": "1"}
        assert seen["chart"]["before"] == "none"
        assert seen["bare"]["before"] == "none"  # no controls: nothing to explain
        assert seen["progress"]["before"] == seen["bar"]["before"] == "none"  # a training's bar
        assert seen["foreign"]["before"] != "none"  # ipywidgets' icon, outside rnnviz widgets
        assert seen["live"]["before"] == "none" and seen["live-cold"]["opacity"] == "1"
    finally:
        page.close()
