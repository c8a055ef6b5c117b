"""Every control of every rnnviz widget has words a screen reader can name it by: the front end
(static/chart/access.js) names a slider's handle, and toggle buttons' group, by the control's
visible description, and ipywidgets ties it to inputs and selects; a control without one would
be read as an unnamed slider or list."""

import warnings

import ipywidgets as widgets

# The focusable controls: each needs a description (a button's is its text).
NAMED = (
    widgets.widgets.widget_int._Int,
    widgets.widgets.widget_float._Float,
    widgets.widgets.widget_selection._Selection,
    widgets.widgets.widget_string._String,
    widgets.widgets.widget_bool._Bool,
    widgets.Button,
)
WORDS_ONLY = (
    widgets.Label,
    widgets.HTML,
    widgets.HTMLMath,
    widgets.IntProgress,
    widgets.FloatProgress,
)


def controls_in(widget) -> list:
    """The ipywidgets under `widget` (a box's children, recursively)."""
    found = [widget]
    for child in getattr(widget, "children", ()):
        found += controls_in(child)
    return found


def test_every_control_of_every_widget_has_a_description(fresh_widgets):
    unnamed, checked = [], set()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, build in sorted(fresh_widgets.items()):
            widget = build()
            box = getattr(widget, "box", None) or widget
            for control in controls_in(box):
                if isinstance(control, NAMED) and not isinstance(control, WORDS_ONLY):
                    checked.add(name)
                    if not (control.description or "").strip():
                        unnamed.append((name, type(control).__name__))
            if hasattr(widget, "close"):
                widget.close()
    assert not unnamed, f"controls with no description: {unnamed}"
    assert "GradientFlow" in checked  # the walk reaches the controls inside the boxes
