"""Reading a renderer chart from Python, as the browser would draw it."""

import numpy as np
import pytest


def shown_frame(chart, name):
    """The frame of data entry `name` for the chart's controls' current values.

    Mirrors static/chart.js's frameOf (which tests/widgets/test_renderer_js.py checks in a
    browser): the nearest grid position of each control (a dropdown: its choice's place in
    the grid); a star entry takes the one control
    away from its base value. Returns: an array of the frame's shape, or None.
    """
    entry = chart.data[name]
    spec = chart.spec
    values = np.frombuffer(entry["values"], dtype=entry["dtype"]).reshape(entry["shape"])
    # A selection widget (toggle buttons) is picked by its index (spec["controls"][...]["trait"]).
    current = {
        name: getattr(c, spec["controls"][name].get("trait", "value"))
        for name, c in zip(spec["control_names"], chart.controls)
    }

    def at(axis):
        grid = spec["controls"][axis]["grid"]
        if isinstance(current[axis], str):  # a dropdown's choice: its place in the grid
            return grid.index(current[axis])
        return int(np.argmin(np.abs(np.asarray(grid) - current[axis])))

    if entry["star"]:
        base = {
            a: int(np.argmin(np.abs(np.asarray(spec["controls"][a]["grid"]) - spec["base"][a])))
            for a in entry["axes"]
        }
        moved = [a for a in entry["axes"] if at(a) != base[a]]
        if len(moved) > 1:
            return None
        axis = moved[0] if moved else entry["axes"][0]
        before = entry["axes"][: entry["axes"].index(axis)]
        offset = sum(len(spec["controls"][a]["grid"]) for a in before)
        return values[offset + at(axis)]
    index = tuple(at(a) for a in entry["axes"])
    return values[index] if index else values[0]


@pytest.fixture
def shown():
    return shown_frame


def picked_label(table, chart):
    """The string (or list) a renderer.labels entry gives for the chart's controls' current
    values, as static/chart.js's pickLabel picks it (the nearest grid position of each axis)."""
    if isinstance(table, str):
        return table
    current = dict(zip(chart.spec["control_names"], (c.value for c in chart.controls)))
    index = 0
    for axis, grid in zip(table["axes"], table["grids"]):
        index = index * len(grid) + int(np.argmin(np.abs(np.asarray(grid) - current[axis])))
    return table["values"][index]


@pytest.fixture
def label():
    return picked_label
