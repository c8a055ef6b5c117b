"""Lab 02 in JupyterLab: GraphUnroller and AutogradView answer T and the highlight in the
browser, even while the kernel is busy; the shape recomputes; hover shows a node's values."""

import pytest

from rnnviz.gradients.graph import build_graph
from tests.browser.latency import (
    answered_in_browser_time,
    canvas_hash,
    chart_output,
    chart_read,
    chart_state,
    interrupt_kernels,
    start_busy_cell,
    time_clicks,
    time_presses,
)

pytestmark = pytest.mark.browser

# Document order: charts, sliders (T) and dropdowns (shape): GraphUnroller's, then
# AutogradView's. The highlight is GraphUnroller's toggle buttons.
UNROLLER, AUTOGRAD = 0, 1
NODE_FIELDS, HOVER = 10, 9  # a node row's fields (renderer.graph_panel)
HIGHLIGHTS = ("none", "W_xh", "W_hh", "W_hy")


def node_count(shape, seq_len):
    return len(build_graph(shape, seq_len).nodes)


def rows(page, chart, name, width):
    v = chart_read(page, chart, name)
    # NaN rows pad a frame to the largest graph's (the page gives NaN, or None through JSON).
    return [v[k : k + width] for k in range(0, len(v), width) if v[k] is not None and v[k] == v[k]]


def words(page, chart, name):
    """The texts a chart's entry `name` shows now (title lines, edge labels)."""
    strings = page.evaluate(
        f"() => document.querySelectorAll('.rnnviz-chart')[{chart}].chart.spec().panels[0].strings"
    )
    width = {"title": 1, "texts": 6}[name]
    column = {"title": 0, "texts": 2}[name]
    return [strings[int(r[column])] for r in rows(page, chart, name, width)]


def handle(lab, slider):
    return lab.page.locator(".widget-slider .noUi-handle").nth(slider)


def button(page, name):
    return page.get_by_role("button", name=name, exact=True)


def test_lab_02(lab):
    lab.run("02_computational_graphs.ipynb", min_plots=0, min_sliders=2)
    page = lab.page
    assert page.locator(".rnnviz-chart > canvas").count() == 2

    def nodes():
        return rows(page, UNROLLER, "nodes", NODE_FIELDS)

    assert len(nodes()) == node_count("many-to-one", 4)
    assert words(page, UNROLLER, "title")[1].startswith("dL/dW_hh = sum of 4 terms")

    # Hover a node: its value and gradient, written by the kernel.
    view, box = chart_read(page, UNROLLER, "view"), [10, 95, 940, 340]
    first = nodes()[1]  # x_1
    x = box[0] + (first[0] - view[0]) / (view[1] - view[0]) * box[2]
    y = box[1] + box[3] - (first[1] - view[2]) / (view[3] - view[2]) * box[3]
    canvas = page.locator(".rnnviz-chart > canvas").nth(UNROLLER)
    canvas.scroll_into_view_if_needed()
    corner = canvas.bounding_box()
    page.mouse.move(corner["x"] + x, corner["y"] + y)
    tip = lab.wait_until(
        lambda: page.locator(".rnnviz-chart > div").nth(0).inner_text(), lambda t: "value:" in t
    )
    assert tip.startswith("x_1\nvalue: [") and "dL/dx_1" in tip

    # The shape recomputes in the kernel; T and the highlight are answered in the page.
    lab.select(dropdown=UNROLLER, label="many-to-many")
    lab.wait_until(nodes, lambda n: len(n) == node_count("many-to-many", 4))
    lab.press_slider(slider=UNROLLER, key="ArrowRight", times=2)  # T = 6
    lab.wait_until(nodes, lambda n: len(n) == node_count("many-to-many", 6))
    labels = words(page, UNROLLER, "texts")
    assert len(labels) == 6 and labels[0] == "0.000"  # one dL/dW_hh term a use; h_0 = 0

    lab.select(dropdown=UNROLLER, label="seq2seq")
    lab.wait_until(
        lambda: words(page, UNROLLER, "title"),
        lambda title: len(title) == 3 and "dL/dW'_hh = sum of 6 terms" in title[2],
    )
    button(page, "W_xh").click()
    lab.wait_until(lambda: chart_state(page, UNROLLER)["highlight"], lambda i: i == 1)
    assert "dL/dW_xh" in words(page, UNROLLER, "title")[1]
    lit = [e for e in rows(page, UNROLLER, "edges", 9) if e[5] == 4]
    assert len(lit) == 12  # the encoder's and the decoder's W_xh, six uses each

    def autograd_title():
        return words(page, AUTOGRAD, "title")

    assert "W_hh read 3x" in autograd_title()[1]
    lab.press_slider(slider=AUTOGRAD, key="ArrowRight", times=1)
    lab.wait_until(autograd_title, lambda title: "W_hh read 4x" in title[1])

    # Latency: T (both widgets) and the highlight repaint from the browser while a cell keeps
    # the kernel busy.
    start_busy_cell(page, seconds=120)
    for chart in (UNROLLER, AUTOGRAD):
        answered_in_browser_time(
            lambda chart=chart: time_presses(
                page,
                handle(lab, chart),
                chart_output(page, chart),
                presses=12,
                picture=lambda: canvas_hash(page, chart),
            )
        )
    options = [button(page, name) for name in HIGHLIGHTS]
    clicks = answered_in_browser_time(
        lambda: time_clicks(
            page,
            options,
            chart_output(page, UNROLLER),
            lambda: canvas_hash(page, UNROLLER),
            start=chart_state(page, UNROLLER)["highlight"],
        )
    )
    assert clicks["n"] == 12  # every click painted a new picture
    interrupt_kernels(lab)
    lab._wait_until_kernel_idle()
    lab.screenshot("02_computational_graphs_seq2seq")
    lab.assert_healthy()
