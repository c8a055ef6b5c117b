"""Google Colab: its custom widget manager, which rnnviz's charts need there.

Colab draws only ipywidgets' own widgets until `google.colab.output.enable_custom_widget_manager()`
has run (googlecolab/colabtools#498), and it marks an output for that manager only when the
output is sent as display_data: a widget left as a cell's last value (execute_result) comes
without the mark and stays blank (manzt/anywidget#63). Standard library only: `setup_lab` calls
it from the core, and outside Colab every function here does nothing.
"""

import sys

WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"


def colab_output():
    """Colab's `google.colab.output` module when running in Colab (its kernel has loaded it),
    else None; rnnviz never imports it itself."""
    return sys.modules.get("google.colab.output")


def enable_colab_widgets() -> bool:
    """Turn on Colab's custom widget manager, so third-party widgets (anywidget's charts) draw.

    Returns: True in Colab (enabled), False elsewhere (nothing done)
    """
    output = colab_output()
    if output is None:
        return False
    output.enable_custom_widget_manager()
    return True


def colab_widget_metadata() -> dict:
    """The display metadata that sends a widget output to Colab's custom widget manager, as
    display_data gets it from Colab (after enabling the manager); {} outside Colab, or if this
    Colab does not say where its manager is.

    Returns: {WIDGET_VIEW_MIME: {"colab": {"custom_widget_manager": {"url": str}}}} or {}
    """
    if not enable_colab_widgets():
        return {}
    url = getattr(getattr(colab_output(), "_widgets", None), "_installed_url", None)
    if not url:
        return {}
    return {WIDGET_VIEW_MIME: {"colab": {"custom_widget_manager": {"url": url}}}}
