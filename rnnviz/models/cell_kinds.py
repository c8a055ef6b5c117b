"""The recurrent cells rnnviz compares, under the one name every function takes: `cell=`.

- "rnn": the lecture's vanilla RNN, h_t = tanh(W_hh h_{t-1} + W_xh x_t + b)
- "irnn": the same recurrence with ReLU, W_hh = I and zero biases (Le et al. 2015)
- "lstm": gates i, f, o, g (Hochreiter & Schmidhuber 1997; the lecture's order)
- "gru": gates r, z, n in PyTorch's formulation (Cho et al. 2014)

A function that supports only some of them says which in its error (`check_cell`). The
names are plain data, importable without torch (the numpy analyses use them);
rnnviz.models.cells builds each one's torch.nn kernel (`torch_core`) and traced model
(`TRACED_CELLS`).
"""

from rnnviz import checks

CELLS = ("rnn", "irnn", "lstm", "gru")

CELL_NAMES = {"rnn": "RNN (tanh)", "irnn": "IRNN (ReLU, W=I)", "lstm": "LSTM", "gru": "GRU"}

LSTM_GATES = ("i", "f", "o", "g")
GRU_GATES = ("r", "z", "n")
GATES = {"rnn": (), "irnn": (), "lstm": LSTM_GATES, "gru": GRU_GATES}


def check_cell(cell, supported=CELLS) -> str:
    """Return `cell` if it is one of `supported` (names from CELLS), else raise ValueError."""
    return checks.choice("cell", cell, supported)
