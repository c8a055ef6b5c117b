"""Lab 02 in JupyterLab: GraphUnroller redraws the graph for a new shape and T, in place."""

import pytest

from rnnviz.gradients.graph import build_graph

pytestmark = pytest.mark.browser

# GraphUnroller's traces: 0 plain edges, 1-3 the W_xh, W_hh, W_hy edges, 4 the dotted
# shared-weight lines, 5 the nodes, 6 the per-use gradient labels.
W_XH, NODES, LABELS = 1, 5, 6
UNROLLER, AUTOGRAD = 0, 1  # plots (and sliders, dropdowns) in document order


def node_count(shape, seq_len):
    return len(build_graph(shape, seq_len).nodes)


def test_lab_02(lab):
    lab.run("02_computational_graphs.ipynb", min_plots=2, min_sliders=2)

    def nodes():
        return lab.plot_data(plot=UNROLLER, trace=NODES, field="x")

    assert len(nodes()) == node_count("many-to-one", 4)
    marker = lab.plot_data(plot=UNROLLER, trace=NODES, field="marker")
    assert marker["size"] == 30 and len(marker["color"]) == len(nodes())  # circles drawn

    lab.select(dropdown=UNROLLER, label="many-to-many")
    lab.wait_until(nodes, lambda x: len(x) == node_count("many-to-many", 4))

    lab.press_slider(slider=UNROLLER, key="ArrowRight", times=2)  # T = 6
    lab.wait_until(nodes, lambda x: len(x) == node_count("many-to-many", 6))
    # The labels trace can come in its own message, after the nodes: wait for it too.
    labels = lab.wait_for_plot(UNROLLER, LABELS, "text", lambda text: len(text) == 6)
    assert labels[0] == "0.000"  # one dL/dW_hh term per use; h_0 = 0

    lab.select(dropdown=UNROLLER, label="seq2seq")
    lab.wait_until(nodes, lambda x: len(x) == node_count("seq2seq", 6))
    lab.wait_for_title(UNROLLER, lambda title: "dL/dW'_hh = sum of 6 terms" in title)

    lab.click_button("W_xh")
    lab.wait_until(
        lambda: lab.plot_data(plot=UNROLLER, trace=W_XH, field="line")["width"],
        lambda width: width == 4,
    )
    lab.wait_for_title(UNROLLER, lambda title: "dL/dW_xh" in title)
    lab.wait_for_plot(
        UNROLLER,
        W_XH,
        "marker",
        lambda arrows: arrows["symbol"] == "arrow" and arrows["color"] == "#e6a700",
    )
    assert lab.plot_data(plot=UNROLLER, trace=NODES, field="marker")["size"] == 30

    def torch_nodes():
        return lab.plot_data(plot=AUTOGRAD, trace=1, field="x")

    before = len(torch_nodes())
    lab.press_slider(slider=AUTOGRAD, key="ArrowRight", times=1)
    lab.wait_until(torch_nodes, lambda x: len(x) > before)
    lab.wait_for_title(AUTOGRAD, lambda title: "W_hh read 4x" in title)
    lab.assert_healthy()
