"""rnnviz.widgets.base: refresh updates the one figure in place; split batches stay whole."""

import ipywidgets as widgets

from rnnviz.widgets.base import LabWidget, batch_update


class Doubler(LabWidget):
    def __init__(self):
        super().__init__()
        self.slider = widgets.IntSlider(value=1, min=1, max=5)
        self.controls = [self.slider]
        self.figure = self.new_figure()
        self.figure.add_scatter(x=[0.0, 1.0], y=[0.0, 0.0])
        self.figure.add_scatter(x=[0.0, 0.0], y=[3.0, 4.0])
        self._finish()

    def compute(self):
        return 2.0 * self.slider.value

    def draw(self, value):
        self.figure.data[0].y = [value, value]
        self.figure.data[1].x = [value, value]


def test_a_slider_move_updates_the_same_figure_in_place():
    widget = Doubler()
    figure, traces = widget.figure, widget.figure.data
    widget.slider.value = 3
    assert widget.figure is figure and len(widget.figure.data) == len(traces) == 2
    assert widget.data == 6.0
    assert widget.figure.data[0].y == (6.0, 6.0) and widget.figure.data[0].x == (0.0, 1.0)
    assert widget.figure.data[1].x == (6.0, 6.0) and widget.figure.data[1].y == (3.0, 4.0)


def test_split_batches_send_each_property_group_once():
    widget = Doubler()
    sent = []
    widget.figure._send_update_msg = lambda restyle_data, relayout_data, trace_indexes=None, **kw: (
        sent.append((sorted(restyle_data), trace_indexes))
    )
    with batch_update(widget.figure):
        widget.figure.data[0].y = [9.0, 9.0]
        widget.figure.data[1].x = [8.0, 8.0]
        widget.figure.layout.title = "t"
    # Two property groups: two updates, each naming only its own traces and properties.
    assert sorted(sent) == [(["x"], [1]), (["y"], [0])]


def test_text_repr_is_fixed_for_nbval():
    bundle = Doubler()._repr_mimebundle_()
    assert bundle["text/plain"] == "<Doubler widget>"
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_display_copies_the_refreshed_figure_into_its_widget_model():
    widget = Doubler()
    widget.slider.value = 4
    widget._repr_mimebundle_()
    assert [tuple(t["y"]) for t in widget.figure._widget_data] == [(8.0, 8.0), (3.0, 4.0)]
