"""Frames: a chart's data packed for the page, and the rule that picks one back out.

Data entries (`frames`): `values` has one leading axis per control (in `axes` order) and then
the frame's own shape. `frames(..., star=True)` holds, for widgets with many sliders, each
control's frames with every other control at its base value (`spec["base"]`), concatenated
along axis 0: the slider the student grabs is answered, the others are recomputed when the
kernel hears about it. `frame_index` is the rule the page's frameOf (static/chart/core.js) follows
to pick a frame for the controls' values. A log axis gets log10 values (`log10_or_edge`): -inf
marks an underflow to 0, +inf an overflow, both drawn as edge markers. Words travel as
indexes into a panel's list (`Words`), as `labels` tables, or as character codes.
"""

import numpy as np


def frames(values, axes, star=False, dtype="float32") -> dict:
    """A data entry: frames along `axes` (control names), sent as binary.

    Inputs:
    - values: array; product entries have shape (len(grid_a), len(grid_b), ..., *frame),
      star entries (sum of the axes' grid lengths, *frame)
    - axes: the control names its leading axes follow (empty: one frame for every value)
    - dtype: "float32" (pictures), or "float64" for numbers printed in a title that float32
      would round to 0 or inf (a ratio of 1e-65), or "uint8" (an image's 0..255 pixels)
    Returns: {"axes", "shape", "star", "dtype", "values": bytes} for Chart.show's data.
    """
    v = np.ascontiguousarray(values, dtype=np.dtype(dtype))
    if not axes:
        v = v[None]
    return {
        "axes": list(axes),
        "shape": list(v.shape),
        "star": bool(star),
        "dtype": dtype,
        "values": v.tobytes(),
    }


def nearest(grid, value) -> int:
    """The grid position the page shows for a control's value: the nearest one, or for a
    dropdown's choice (a string) its place in the grid (0 if absent)."""
    if isinstance(value, str):
        return grid.index(value) if value in grid else 0
    return int(np.argmin(np.abs(np.asarray(grid, dtype=float) - value)))


def frame_index(entry: dict, spec: dict, current: dict) -> int | None:
    """Which frame of `entry` the page draws for the controls' values (static/chart/core.js's
    frameOf follows the same rule).

    Inputs: entry: a frames(...) entry (its "axes" and "star"); spec: the chart's spec (each
    control's "grid", and "base" for star entries); current: control name -> its value.
    Returns: the frame's place along the entry's flattened leading axes, or None for a star
    entry with two controls away from their base values (the kernel has not sent it yet).
    """
    axes, controls = entry["axes"], spec["controls"]

    def at(axis):
        return nearest(controls[axis]["grid"], current[axis])

    if entry["star"]:
        moved = [a for a in axes if at(a) != nearest(controls[a]["grid"], spec["base"][a])]
        if len(moved) > 1:
            return None
        axis = moved[0] if moved else axes[0]
        offset = sum(len(controls[a]["grid"]) for a in axes[: axes.index(axis)])
        return offset + at(axis)
    index = 0
    for axis in axes:
        index = index * len(controls[axis]["grid"]) + at(axis)
    return index


def frame_at(entry: dict, spec: dict, current: dict):
    """The frame `frame_index` picks, as an array of the frame's shape (None: not sent).

    Inputs: as frame_index. Returns: a numpy array of entry["shape"] less its leading axes.
    """
    index = frame_index(entry, spec, current)
    if index is None:
        return None
    values = np.frombuffer(entry["values"], dtype=entry["dtype"])
    leading = 1 if entry["star"] else max(len(entry["axes"]), 1)
    frame_shape = entry["shape"][leading:]
    return values.reshape([-1, *frame_shape])[index]


def label_at(table, current: dict):
    """The string (or list) a `labels` table shows for the controls' values (static/chart/core.js's
    pickLabel); a plain string is itself."""
    if isinstance(table, str):
        return table
    spec = {"controls": {a: {"grid": g} for a, g in zip(table["axes"], table["grids"])}}
    return table["values"][frame_index({"axes": table["axes"], "star": False}, spec, current)]


def log10_or_edge(values):
    """log10 of |values| for a log axis: 0 -> -inf (underflow), inf/NaN -> +inf (overflow).

    Inputs: values, any shape, >= 0 where finite (norms). Returns: float64, same shape.
    """
    v = np.asarray(values, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.log10(v)
    out[~np.isfinite(v)] = np.inf
    return out


def value_range(values, log=False, pad=0.05):
    """An axis range [lo, hi] around the finite values, padded by `pad` of their span.

    Inputs: values: any shape (NaN/inf are left out); log: the values are log10 (a log axis),
    and a flat series gets half a decade each side instead of half a unit.
    Returns: [lo, hi] floats, or None when no value is finite.
    """
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return None
    lo, hi = float(v.min()), float(v.max())
    if hi == lo:
        half = 0.5 if log or lo == 0 else 0.5 * abs(lo)
        return [lo - half, hi + half]
    return [lo - pad * (hi - lo), hi + pad * (hi - lo)]


def finite_max(values, default: float) -> float:
    """The largest finite entry of `values`, or `default` if there is none (a colour or
    axis range from data that may hold NaN/inf)."""
    array = np.asarray(values, dtype=float)
    finite = array[np.isfinite(array)]
    return float(finite.max()) if finite.size else default


class Words:
    """A table of the words a chart shows: `words[text]` is its index (added the first
    time), `words.strings` the list for the panel. Frames hold indexes, never text."""

    def __init__(self, *first):
        self.strings: list[str] = []
        self._index: dict[str, int] = {}
        for word in first:
            self[word]

    def __getitem__(self, text: str) -> int:
        if text not in self._index:
            self._index[text] = len(self.strings)
            self.strings.append(text)
        return self._index[text]


def padded_rows(tables, width: int) -> np.ndarray:
    """Frames of rows, padded with NaN rows to the longest: (len(tables), longest, width).

    Inputs: tables: one list of rows (each `width` numbers) a frame, in frames()' order
    (reshape the result to the controls' axes). Returns: float64; a NaN row is absent.
    """
    longest = max([1] + [len(rows) for rows in tables])
    out = np.full((len(tables), longest, width), np.nan)
    for k, rows in enumerate(tables):
        if len(rows):
            out[k, : len(rows)] = rows
    return out


def labels(values, grids: dict) -> dict:
    """Strings (or lists of them) that follow controls, like a data entry's frames.

    Inputs: values: nested lists, one level a control in `grids` order (values[i][j] for
    grid_a[i], grid_b[j]); grids: control name -> its grid (spec["controls"][name]["grid"]).
    Returns: {"axes", "grids", "values" (flat, in frames' packing)} for TextPanel and
    BarsPanel's labels; the browser picks the entry for the controls' current values.
    """
    flat = list(values)
    for _ in range(len(grids) - 1):
        flat = [v for row in flat for v in row]
    size = int(np.prod([len(g) for g in grids.values()]))
    if len(flat) != size:
        raise ValueError(f"labels: {len(flat)} values for grids of {size} positions")
    return {"axes": list(grids), "grids": [list(g) for g in grids.values()], "values": flat}


def char_codes(texts, length=None) -> np.ndarray:
    """Strings as rows of character codes for a text panel's entries (0 pads a short row).

    Inputs: texts: a list of strings; length: the row length (default: the longest).
    Returns: (len(texts), length) float64 codes (float32 frames hold every code exactly).
    """
    width = max((len(t) for t in texts), default=0) if length is None else length
    codes = np.zeros((len(texts), width))
    for row, text in enumerate(texts):
        codes[row, : len(text)] = [ord(ch) for ch in text[:width]]
    return codes


def text_rows(text: str, columns: int) -> int:
    """How many rows a flow text panel needs for `text` at `columns` characters a row.

    The layout of static/chart/panels/chars.js's flowLayout: wrap at `columns`, a new row
    after "\n", a tab to the next multiple of 4 columns.
    """
    col = row = 0
    for ch in text:
        if col >= columns:
            col, row = 0, row + 1
        if ch == "\n":
            col, row = 0, row + 1
        else:
            col = max(col + 1, -(-(col + 1) // 4) * 4) if ch == "\t" else col + 1
    return row + 1 if col else row
