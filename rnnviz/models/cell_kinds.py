"""The recurrent cells rnnviz compares, under the one name every function takes: `cell=`.

- "rnn": the lecture's vanilla RNN, h_t = tanh(W_hh h_{t-1} + W_xh x_t + b)
- "irnn": the same recurrence with ReLU, W_hh = I and zero biases (Le et al. 2015)
- "lstm": gates i, f, o, g (Hochreiter & Schmidhuber 1997; the lecture's order)
- "gru": gates r, z, n in PyTorch's formulation (Cho et al. 2014)

and the linear recurrences of lab 09 (`LINEAR_CELLS`, kept apart from CELLS because they have
no torch.nn kernel, no traced model and no place in the long-range sweep's tables):
- "lru": the Linear Recurrent Unit (Orvieto et al. 2023; rnnviz.models.lru)
- "mingru": minGRU, whose gate reads only the input (Feng et al. 2024; rnnviz.models.min_gru)

A function that supports only some of them says which in its error (`check_cell`). The
names are plain data, importable without torch (the numpy analyses use them);
rnnviz.models.cells builds each one's torch.nn kernel (`torch_core`) and traced model
(`TRACED_CELLS`).
"""

from rnnviz import checks

CELLS = ("rnn", "irnn", "lstm", "gru")

LINEAR_CELLS = ("lru", "mingru")

CELL_NAMES = {
    "rnn": "RNN (tanh)",
    "irnn": "IRNN (ReLU, W=I)",
    "lstm": "LSTM",
    "gru": "GRU",
    "lru": "LRU",
    "mingru": "minGRU",
}

LSTM_GATES = ("i", "f", "o", "g")
GRU_GATES = ("r", "z", "n")
GATES = {"rnn": (), "irnn": (), "lstm": LSTM_GATES, "gru": GRU_GATES, "lru": (), "mingru": ("z",)}


def check_cell(cell, supported=CELLS) -> str:
    """Return `cell` if it is one of `supported` (names from CELLS), else raise ValueError."""
    return checks.choice("cell", cell, supported)
