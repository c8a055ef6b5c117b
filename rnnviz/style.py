"""The picture language shared by every widget: a colour, a dash and a marker per model, a
colour per gate.

A student learns these once: the vanilla RNN is always red and solid with circles, the LSTM
blue and long-dashed with squares, the GRU teal and dotted with diamonds; the IRNN (an RNN
started at the identity) dark red with triangles, the LRU lavender with stars and minGRU
ochre with crosses, each with a dash of its own; the LSTM's gates i, f, o, g and the GRU's
r, z, n keep their colours in every lab. No model is told apart by colour alone: its dash and
marker say it too. The model colours stay CIEDE2000 >= 20 apart in normal vision and under
simulated protanopia, deuteranopia and tritanopia (Machado et al. 2009; tests/test_style.py),
and each keeps a contrast of at least 2:1 on white. Not WCAG 1.4.11's 3:1, which the LRU and
minGRU miss: an ochre minGRU at 3:1 on white is at most CIEDE2000 18.0 from the RNN's red
under deuteranopia (every such colour in the sRGB cube, at step 1), and each model's dash and
marker tell it apart as well. On a dark theme every model, the forget and gate gates and the
input take a dark counterpart (DARK_COLORS, chosen the same way, each at least 3:1 on #111 and
on VS Code's #1e1e1e, WCAG 1.4.11's contrast for graphics). An input is dark grey, a
student's own edit green-teal, the step a slider picks a dark line, a reference drawn for
comparison grey.
"""

import re

# Found by a search of the sRGB cube for the six colours whose smallest CIEDE2000 distance in
# any of the four visions is largest (23.6), with the LSTM blue and the RNN warm.
MODEL_COLORS = {
    "rnn": "#cc0000",
    "lstm": "#0b0ae9",
    "gru": "#008b8c",
    "irnn": "#743142",  # dark red: an RNN too, with ReLU and W_hh = I
    "lru": "#b3afff",  # lavender: a ring of eigenvalues, lighter than the LSTM's blue
    "mingru": "#c4ba00",  # ochre: a gate again, apart from every gate's own colour
}

# The models' colours on a dark theme: found by the same search, among colours within 25
# degrees of hue of the light one's (10 for the RNN's red and the LSTM's blue) that keep 3.3:1
# on #1e1e1e, with the LRU's lavender lighter than the LSTM's blue and the IRNN darker than
# the RNN, as on white. Smallest CIEDE2000 distance in the four visions: 23.5.
DARK_MODEL_COLORS = {
    "rnn": "#e60000",
    "lstm": "#7350fa",
    "gru": "#5affd7",
    "irnn": "#965f73",
    "lru": "#beb9ff",
    "mingru": "#ffc300",
}

# Line dashes ([on, off, ...] px at a line width of 2; [] is solid) and markers, one a model,
# so that a line reads without its colour. The symbols are the renderer's marker shapes; none
# is the underflow's triangle-down, which marks an exact 0 on a panel's bottom edge.
MODEL_DASHES = {
    "rnn": [],
    "lstm": [10, 4],
    "gru": [2, 3],
    "irnn": [10, 3, 2, 3],
    "lru": [5, 5],
    "mingru": [10, 3, 2, 3, 2, 3],
}
MODEL_SYMBOLS = {
    "rnn": "circle",
    "lstm": "square",
    "gru": "diamond",
    "irnn": "triangle-up",
    "lru": "star",
    "mingru": "cross",
}
# Along a line, a model's marker every this many px at least: a few, not one a step.
MODEL_MARKER_GAP = 70

GATE_COLORS = {
    "i": "#9467bd",  # input gate
    "f": "#0b0ae9",  # forget gate: the gradient highway, blue like the LSTM
    "o": "#ff7f0e",  # output gate
    "g": "#8c564b",  # gate gate (candidate)
    "r": "#e377c2",  # GRU reset gate
    "z": "#17becf",  # GRU update gate
    "n": "#bcbd22",  # GRU candidate
}

GATE_NAMES = {
    "i": "input gate i",
    "f": "forget gate f",
    "o": "output gate o",
    "g": "gate gate g",
    "r": "reset gate r",
    "z": "update gate z",
    "n": "candidate n",
}

# The input a step reads (x_t; the state c_{t-1} or h_{t-1} a cell step starts from): dark
# grey, apart from the underflow grey.
INPUT_COLOR = "#555555"
# What a student's edit is drawn in (HiddenStateExplorer's new x_k, its mark and the change
# it makes): teal, CIEDE2000 >= 12 from every model, gate and named colour here, in
# normal vision and under simulated deuteranopia and protanopia (Machado et al. 2009;
# tests/test_style.py); it once shared the IRNN's orange.
EDIT_COLOR = "#00bb77"
# The line at the step a slider picks (a control's mark): darker than the axes and the input.
STEP_COLOR = "#222222"
# A reference drawn for comparison, never data: the unit circle, the exact h_t, a limit.
REFERENCE_COLOR = "#888888"
# Words that say something went wrong (a refused input), as the chart's "recomputing" mark:
# not the RNN's red.
ERROR_COLOR = "#bb0000"

# Drawn where a value underflowed to exactly 0 or overflowed to inf/NaN, so that neither
# ever shows as a silent gap in a log plot.
UNDERFLOW_COLOR = "#7f7f7f"
OVERFLOW_COLOR = "#000000"

# Each colour that would fade into a dark theme's background -> what the renderer draws
# instead there (its lines, marks, bars and legend swatches): the models' dark colours, the
# forget gate with the LSTM, the gate gate and the input lightened (the input stays apart from
# the underflow and reference greys). Every chart's spec carries it (Chart.show).
DARK_COLORS = {MODEL_COLORS[m]: DARK_MODEL_COLORS[m] for m in MODEL_COLORS} | {
    GATE_COLORS["g"]: "#a87a6e",
    INPUT_COLOR: "#b0b0b0",
}

# Diverging scale for signed values (weights, activations), sequential for magnitudes.
SIGNED_SCALE = "RdBu_r"
MAGNITUDE_SCALE = "Viridis"


def model_style(label: str) -> dict | None:
    """The colour, dash and marker of the model a run's label names ("LSTM T=100" -> LSTM's).

    Inputs: label: a model's name ("gru") or a run's label that names one as a word.
    Returns: {"color": "#rrggbb", "dash": [on, off, ...] px, "symbol": marker shape}, the
    fields of a renderer Series, or None when the label names no model.
    Raises: TypeError if label is not a str.
    """
    if not isinstance(label, str):
        raise TypeError(f"label must be a str, got {type(label).__name__}")
    # A word: letters and digits between anything else ("gru(64)", "LSTM_T=100", "rnn,lstm").
    words = re.split(r"[^a-z0-9]+", label.lower())
    for name in ("irnn", "lstm", "mingru", "gru", "lru", "rnn"):
        if name in words:
            return dict(
                color=MODEL_COLORS[name],
                dash=list(MODEL_DASHES[name]),
                symbol=MODEL_SYMBOLS[name],
            )
    return None


def model_color(label: str) -> str | None:
    """The house colour of the model a run's label names ("LSTM T=100" -> LSTM blue), or None."""
    style = model_style(label)
    return style and style["color"]
