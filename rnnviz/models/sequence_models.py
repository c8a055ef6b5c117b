"""The small sequence models the long-range memory experiments compare.

One recurrent core (vanilla tanh RNN, IRNN, LSTM or GRU, each torch.nn's fused kernel)
plus a linear head that reads either the last hidden state (many to one: the adding
problem, pixel-by-pixel digits) or every hidden state (many to many: the copy task).
Only the core differs between models, so a difference in results is the core's.
"""

import torch
from torch import nn

from rnnviz import checks
from rnnviz.models.weight_init import check_forget_bias

CELLS = ("rnn", "irnn", "lstm", "gru")

CELL_NAMES = {"rnn": "RNN (tanh)", "irnn": "IRNN (ReLU, W=I)", "lstm": "LSTM", "gru": "GRU"}


class SequenceModel(nn.Module):
    """A recurrent core and a linear head.

    Inputs (constructor):
    - cell: "rnn" (tanh), "irnn" (ReLU with identity recurrent weights and zero biases,
      Le et al. 2015), "lstm" or "gru"
    - input_size: int >= 1, D
    - hidden_size: int >= 1, H
    - output_size: int >= 1, the head's outputs
    - many_to_many: False reads only the last hidden state, True reads every step
    - forget_bias: LSTM only, the initial forget-gate bias (None keeps torch's init). A
      bias of 1 starts every f near sigmoid(1) = 0.73, keeping the cell-state path open
      from the first step (Gers et al. 2000; Jozefowicz et al. 2015).

    forward(x): x (N, T, D) -> (N, output_size), or (N, T, output_size) if many_to_many.
    """

    def __init__(self, cell: str, input_size: int, hidden_size: int, output_size: int, *,
                 many_to_many: bool = False, forget_bias: float | None = None):
        super().__init__()
        self.cell = checks.choice("cell", cell, CELLS)
        self.input_size = checks.positive_int("input_size", input_size)
        self.hidden_size = checks.positive_int("hidden_size", hidden_size)
        self.output_size = checks.positive_int("output_size", output_size)
        if not isinstance(many_to_many, bool):
            raise TypeError(f"many_to_many must be a bool, got {type(many_to_many).__name__}")
        self.many_to_many = many_to_many
        if forget_bias is not None:
            if cell != "lstm":
                raise ValueError(f"forget_bias applies to cell='lstm' only, got cell={cell!r}")
            forget_bias = check_forget_bias(forget_bias)
        self.forget_bias = forget_bias

        H = self.hidden_size
        if cell in ("rnn", "irnn"):
            nonlinearity = "relu" if cell == "irnn" else "tanh"
            self.core = nn.RNN(input_size, H, nonlinearity=nonlinearity, batch_first=True)
        elif cell == "lstm":
            self.core = nn.LSTM(input_size, H, batch_first=True)
        else:
            self.core = nn.GRU(input_size, H, batch_first=True)
        self.head = nn.Linear(H, output_size)

        with torch.no_grad():
            if cell == "irnn":
                self.core.weight_hh_l0.copy_(torch.eye(H))
                self.core.bias_ih_l0.zero_()
                self.core.bias_hh_l0.zero_()
            if forget_bias is not None:
                # torch's gate blocks are i, f, g, o and its two biases add: put the whole
                # forget bias in one of them.
                self.core.bias_ih_l0[H: 2 * H].fill_(forget_bias)
                self.core.bias_hh_l0[H: 2 * H].zero_()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        checks.tensor("x", x, shape=(None, None, self.input_size), finite=False)
        h, _ = self.core(x)  # (N, T, H)
        if self.many_to_many:
            return self.head(h)  # (N, T, output_size)
        return self.head(h[:, -1])  # (N, output_size)


def make_model(cell: str, input_size: int, output_size: int, *, hidden_size: int = 64,
               many_to_many: bool = False, forget_bias: float | None = None,
               seed: int = 0) -> SequenceModel:
    """Build a `SequenceModel` with weights drawn from `seed` (same seed, same weights).

    Inputs: as `SequenceModel`; seed: int >= 0.

    Returns: the model (float32).
    """
    seed = checks.positive_int("seed", seed, minimum=0)
    state = torch.random.get_rng_state()
    torch.manual_seed(seed)
    try:
        return SequenceModel(cell, input_size, hidden_size, output_size,
                             many_to_many=many_to_many, forget_bias=forget_bias)
    finally:
        # Building a model must not move the caller's random stream.
        torch.random.set_rng_state(state)
