"""The chart: one front end (static/chart/, joined by rnnviz.front_end.chart_source) that
draws panels from frames the kernel sent.

A slider the student drags must answer within a frame, whatever the kernel is doing and
however far away it is. So the kernel computes the picture's data at every position of the
hot sliders' grids up front, sends them once as float32 buffers, and one small front end
picks the frame for the sliders' current values and draws it on a canvas. The sliders stay
ipywidgets sliders: their values sync to Python as usual, so `widget.spectral_radius.value`
is the truth, and setting it from Python moves the picture.

    chart = Chart()
    chart.show(
        spec={"width": 600, "height": 300, "controls": {"radius": {"grid": radii}},
              "panels": [XYPanel(box, [dict(name="rnn", data=Ref("rnn"), x0=0, dx=1)])]},
        data={"rnn": frames(values, axes=["radius"])},   # values (len(radii), T)
        controls={"radius": slider},
    )

Its front-end code travels once per kernel in the ChartLibrary model; `ChartWidget` is the
base of every widget drawn this way.
"""

import hashlib
import re
from pathlib import Path

import anywidget
import ipywidgets as widgets
import numpy as np
import traitlets

from rnnviz.colab import colab_widget_metadata
from rnnviz.front_end import chart_source
from rnnviz.style import DARK_COLORS
from rnnviz.widgets.renderer.panels import Panel
from rnnviz.widgets.renderer.parts import refs_in

STATIC = Path(__file__).parent.parent / "static"
# The class of every rnnviz widget's outermost element in the page (its box, or a lone chart).
WIDGET_CLASS = "rnnviz-widget"
# The class of a control whose frames the chart holds: in a stored view (no kernel) it still
# moves the picture, so the page leaves it usable. Set here, it is in the stored state of
# every view of the control, whenever the page makes it.
HOT_CONTROL_CLASS = "rnnviz-hot-control"


class ChartLibrary(widgets.Widget):
    """The renderer's front-end code (chart_source()), held once by one model that every
    Chart refers to: a notebook's stored widget state carries the source once, not once per
    chart. A plain ipywidgets model with no view; `version` (a hash of the source) keys the
    page's cache of the imported module."""

    source = traitlets.Unicode().tag(sync=True)
    version = traitlets.Unicode().tag(sync=True)


_library: ChartLibrary | None = None


def chart_library() -> ChartLibrary:
    """The kernel's one ChartLibrary (a new one if it was closed)."""
    global _library
    if _library is None or _library.comm is None:
        source = chart_source()
        version = hashlib.sha256(source.encode()).hexdigest()[:16]
        _library = ChartLibrary(source=source, version=version)
    return _library


class Chart(anywidget.AnyWidget):
    """The shared front end: panels drawn from frames, answered in the browser.

    Its own `_esm` is a small stub (static/chart_loader.js) that imports the front end from the
    ChartLibrary named by `library`.

    Traits (synced): spec (panels, control grids, legend, title, play), data (name ->
    {"axes", "shape", "star", "dtype", "values": bytes}), controls (the ipywidgets whose
    values pick frames, in spec["control_names"] order), busy (the kernel is recomputing:
    the front end says so over the picture).
    Messages from the page: {"event": "settle"} (see on_settle); {"event": "library"}, from a
    page without the ChartLibrary model (Colab), answered with the front end's source and
    version; any event an on_event callback listens for.
    """

    # anywidget names the front end "<module>.<class>"; stored widget state and the offline
    # page find charts by that id, so it stays the package's "rnnviz.widgets.renderer.Chart".
    __module__ = "rnnviz.widgets.renderer"
    _esm = STATIC / "chart_loader.js"
    library = traitlets.Instance(ChartLibrary).tag(sync=True, **widgets.widget_serialization)
    spec = traitlets.Dict().tag(sync=True)
    data = traitlets.Dict().tag(sync=True)
    controls = traitlets.List(traitlets.Instance(widgets.Widget)).tag(
        sync=True, **widgets.widget_serialization
    )
    busy = traitlets.Bool(False).tag(sync=True)

    @traitlets.default("library")
    def _default_library(self):
        return chart_library()

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.add_class(WIDGET_CLASS)
        self._on_settle = []
        self._on_event = {}
        self._settle_state = None  # the values the page settled on, until the kernel has them
        self.on_msg(self._message)

    def on_settle(self, callback) -> None:
        """Call `callback()` when the student has let go of the controls: the front end says
        so after spec["settle_ms"] without a change (for star entries' other axes)."""
        self._on_settle.append(callback)

    def on_event(self, event: str, callback) -> None:
        """Call `callback(content)` when the front end sends {"event": event, ...} (a
        Predict's Check press sends "predict" with the committed guess)."""
        self._on_event.setdefault(event, []).append(callback)

    def _message(self, _widget, content, _buffers):
        if not isinstance(content, dict):
            return
        if content.get("event") == "library":
            # A page without the ChartLibrary model (Colab draws each output in its own frame)
            # asks this chart's kernel for the front end instead (static/chart_loader.js).
            self.send(
                {"event": "library", "source": self.library.source, "version": self.library.version}
            )
        if content.get("event") == "settle":
            self._settle_state = content.get("state", {})
            self._try_settle()
        for callback in self._on_event.get(content.get("event"), []):
            callback(content)

    def _try_settle(self, _change=None):
        # The page's "settle" can overtake the sliders' own value messages (ipywidgets holds
        # a model's update while its previous one is unanswered): wait until the kernel's
        # controls hold the values the page settled on.
        if self._settle_state is None:
            return
        now = {
            name: getattr(c, self.spec["controls"].get(name, {}).get("trait", "value"))
            for name, c in zip(self.spec["control_names"], self.controls)
        }
        if any(
            name in now and not np.isclose(now[name], value)
            for name, value in self._settle_state.items()
        ):
            return
        self._settle_state = None
        for callback in self._on_settle:
            callback()

    def show(self, spec: dict, data: dict, controls: dict, busy: bool = False) -> None:
        """Replace the picture in one message.

        Inputs:
        - spec: {"width", "height", "panels": [Panel, ...], "controls": {name: {"grid": [...],
          optional "trait": "index" (a selection widget, picked by its option's index)}},
          optional "base" {name: value} (star entries), "settle_ms" (see on_settle),
          "legend", "title" (a template: "{entry:.3f}"), "play", "announce" (what the
          page's live region says once the controls settle: a template or a list of them,
          filled like titles; default the filled titles)}
        - data: name -> frames(...) entries the panels' series refer to
        - controls: name -> the ipywidget whose `.value` picks that control's frame
        - busy: show "recomputing" until the next show()
        A dropdown may be a control too: its grid lists its options' values, in order (the
        page knows a dropdown's index, not its value).
        Raises: TypeError if a panel is not a Panel or "announce" is not a str or a list of
        them; ValueError if a panel's Ref names missing data, an entry names an unknown
        control, a dropdown's grid is not its options' values, or an "announce" template
        names missing data or a format the page cannot print.
        """
        _check_spec(spec, data, controls)
        panels = [panel.to_spec() for panel in spec["panels"]]
        # The dark theme's colours travel with every picture: the page swaps them in.
        spec = dict(spec, panels=panels, control_names=list(controls), dark_colors=DARK_COLORS)
        for control in self.controls:
            control.unobserve(self._try_settle, names="value")
        for name, control in controls.items():
            if spec["controls"].get(name, {}).get("grid") is not None:
                control.add_class(HOT_CONTROL_CLASS)
        with self.hold_sync():
            self.spec = spec
            self.data = data
            self.controls = list(controls.values())
            self.busy = busy
        for control in self.controls:
            control.observe(self._try_settle, names="value")


# A template's fields, as the page's fillTemplate reads them, and the formats it prints.
TEMPLATE_FIELD = re.compile(r"\{(\w+)(?::([^}]+))?\}")
TEMPLATE_FORMAT = re.compile(r"\+?\.\d+[efg]|chars|pow")


def _check_announce(spec, data):
    announce = spec.get("announce")
    if announce is None:
        return
    templates = [announce] if isinstance(announce, str) else announce
    if not isinstance(templates, list) or not all(isinstance(t, str) for t in templates):
        raise TypeError(
            f"spec['announce'] must be a template string or a list of them, got {announce!r}"
        )
    for template in templates:
        for name, fmt in TEMPLATE_FIELD.findall(template):
            if name not in data:
                raise ValueError(f"spec['announce'] {template!r} names missing data {name!r}")
            if fmt and not TEMPLATE_FORMAT.fullmatch(fmt):
                raise ValueError(
                    f"spec['announce'] {template!r}: format {fmt!r} is not one the page prints "
                    "('.3f', '+.2e', '.2g', 'chars', 'pow')"
                )


def _check_spec(spec, data, controls):
    _check_announce(spec, data)
    names = set(controls)
    for name, control in controls.items():
        # A selection's index picks its frame: its grid lists its options' values, unless
        # the spec reads its "index" trait (then the grid is the indexes).
        options = getattr(control, "_options_values", None)
        by_index = spec["controls"].get(name, {}).get("trait") == "index"
        if options is not None and not by_index and list(options) != spec["controls"][name]["grid"]:
            raise ValueError(f"control {name!r}'s grid must list its options' values in order")
    for name, entry in data.items():
        unknown = set(entry["axes"]) - names
        if unknown:
            raise ValueError(f"data entry {name!r} follows unknown controls {sorted(unknown)}")
        for axis in entry["axes"]:
            if axis not in spec.get("controls", {}):
                raise ValueError(f"control {axis!r} has no grid in spec['controls']")
    for panel in spec["panels"]:
        if not isinstance(panel, Panel):
            raise TypeError(f"spec['panels'] must hold Panels, got {type(panel).__name__}")
        for ref in refs_in(panel):
            if ref.name not in data:
                raise ValueError(
                    f"panel {getattr(panel, 'title', '') or panel.kind!r} refers to missing "
                    f"data {ref.name!r}"
                )


class ChartWidget:
    """Base of the widgets drawn by the renderer: controls above one Chart.

    Subclasses set `self.controls` (ipywidgets, in display order) and call `_finish(extra)`
    once their chart has been shown. The text repr is fixed (`<Name widget>`) so nbval
    output stays stable.
    """

    def __init__(self):
        self.controls: list[widgets.Widget] = []
        self.chart = Chart()
        self.box: widgets.Widget | None = None

    def _finish(self, extra=()) -> None:
        self.box = widgets.VBox(
            [
                widgets.HBox(self.controls, layout=widgets.Layout(flex_flow="row wrap")),
                *extra,
                self.chart,
            ]
        )
        # The page finds a widget's controls and chart by this class (keyboard focus, the
        # stored view's look before a kernel runs).
        self.box.add_class(WIDGET_CLASS)

    def _repr_mimebundle_(self, **kwargs):
        return fixed_text_bundle(self, **kwargs)

    def close(self) -> None:
        """Close every widget model this widget made: its box, chart, controls, their
        layouts and styles, and any other model it holds (the kernel's one ChartLibrary,
        shared by every chart, stays)."""
        close_models([self.box, self.chart, *self.controls, *vars(self).values()])


def _models_in(value) -> list:
    """The widget models `value` holds: itself, or those in a list, tuple or dict."""
    if isinstance(value, widgets.Widget):
        return [value]
    if isinstance(value, list | tuple):
        return [m for v in value for m in _models_in(v)]
    if isinstance(value, dict):
        return [m for v in value.values() for m in _models_in(v)]
    return []


def close_models(roots) -> None:
    """Close the widget models in `roots` and every model they refer to through their synced
    traits (children, layout, style, a chart's controls), except the shared ChartLibrary.

    Inputs: roots: widgets, or lists, tuples and dicts holding them (other values are skipped)
    """
    todo, seen = _models_in(list(roots)), {}
    while todo:
        model = todo.pop()
        if id(model) in seen or isinstance(model, ChartLibrary):
            continue
        seen[id(model)] = model
        todo.extend(_models_in([getattr(model, key, None) for key in model.keys]))
    for model in seen.values():
        model.close()


def fixed_text_bundle(widget, **kwargs) -> dict:
    """`widget.box`'s display bundle with a fixed text repr, `<Name widget>`; in Colab, with
    the metadata that sends it to Colab's custom widget manager (rnnviz.colab).

    The default text repr holds model ids; a fixed one keeps nbval's comparison of stored
    outputs stable.
    """
    bundle = widget.box._repr_mimebundle_(**kwargs)
    if isinstance(bundle, tuple):
        bundle = bundle[0]
    bundle = dict(bundle)
    bundle["text/plain"] = f"<{type(widget).__name__} widget>"
    # In Colab a widget shown as a cell's last value needs the custom manager's mark too.
    metadata = colab_widget_metadata()
    return (bundle, metadata) if metadata else bundle
