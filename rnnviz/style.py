"""The picture language shared by every widget: one colour per model and per gate.

A student learns these once: the vanilla RNN is always red, the LSTM blue, the GRU green;
the LSTM's gates i, f, o, g and the GRU's r, z, n keep their colours in every lab. Lab 09's
linear recurrences add the LRU (indigo) and minGRU (plum). An input is dark grey, a student's
own edit teal, the step a slider picks a dark line, a reference drawn for comparison grey.
"""

MODEL_COLORS = {
    "rnn": "#d62728",
    "lstm": "#1f77b4",
    "gru": "#2ca02c",
    "irnn": "#ff7f0e",
    "lru": "#393b79",  # deep indigo: a ring of eigenvalues, darker than the LSTM's blue
    "mingru": "#7b4173",  # plum: a gate again, apart from every gate's own colour
}

GATE_COLORS = {
    "i": "#9467bd",  # input gate
    "f": "#1f77b4",  # forget gate: the gradient highway, blue like the LSTM
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

# Diverging scale for signed values (weights, activations), sequential for magnitudes.
SIGNED_SCALE = "RdBu_r"
MAGNITUDE_SCALE = "Viridis"


def model_color(label: str) -> str | None:
    """The house colour of the model a run's label names ("LSTM T=100" -> LSTM blue), or None."""
    words = label.lower().replace("-", " ").split()
    for name in ("irnn", "lstm", "mingru", "gru", "lru", "rnn"):
        if name in words:
            return MODEL_COLORS[name]
    return None
