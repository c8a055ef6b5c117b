"""Small sequence models: a recurrent core and a linear head.

`SequenceModel` is what the long-range memory experiments compare: one recurrent core
(vanilla tanh RNN, IRNN, LSTM or GRU, each torch.nn's fused kernel) plus a linear head that
reads either the last hidden state (many to one: the adding problem, pixel-by-pixel digits)
or every hidden state (many to many: the copy task). Only the core differs between models,
so a difference in results is the core's.

`LinearRecurrentModel` puts lab 09's linear recurrences in the same frame: an LRU (between a
position-wise ReLU layer, which supplies the nonlinearity the recurrence leaves out, and the
head) or a minGRU layer (whose gate is its nonlinearity), then the same linear head.

`TokenRNN` is the body of lab 03's word-level models: an embedding of each word id, the
lecture's traced vanilla RNN, and a linear head that each task applies where it needs it.
"""

import math

import torch
from torch import nn

from rnnviz import checks
from rnnviz.models.cell_kinds import CELLS, LINEAR_CELLS, check_cell
from rnnviz.models.cells import RNN, set_forget_bias, torch_core
from rnnviz.models.lru import LRU
from rnnviz.models.min_gru import MinGRU
from rnnviz.models.weight_init import check_forget_bias
from rnnviz.seeding import torch_seed


class SequenceModel(nn.Module):
    """A recurrent core and a linear head.

    Inputs (constructor):
    - cell: "rnn" (tanh), "irnn" (ReLU with identity recurrent weights and zero biases,
      Le et al. 2015), "lstm" or "gru"
    - input_size: int >= 1, D
    - hidden_size: int >= 1, H
    - output_size: int >= 1, the head's outputs
    - many_to_many: False reads only the last hidden state, True reads every step
    - forget_bias: LSTM only, the initial forget-gate bias (None keeps torch's init; see
      rnnviz.models.cells.set_forget_bias)

    forward(x): x (N, T, D) -> (N, output_size), or (N, T, output_size) if many_to_many.
    """

    def __init__(
        self,
        cell: str,
        input_size: int,
        hidden_size: int,
        output_size: int,
        *,
        many_to_many: bool = False,
        forget_bias: float | None = None,
    ):
        super().__init__()
        self.cell = check_cell(cell)
        self.input_size = checks.positive_int("input_size", input_size)
        self.hidden_size = checks.positive_int("hidden_size", hidden_size)
        self.output_size = checks.positive_int("output_size", output_size)
        self.many_to_many = checks.switch("many_to_many", many_to_many)
        if forget_bias is not None:
            if cell != "lstm":
                raise ValueError(f"forget_bias applies to cell='lstm' only, got cell={cell!r}")
            forget_bias = check_forget_bias(forget_bias)
        self.forget_bias = forget_bias

        self.core = torch_core(cell, input_size, self.hidden_size)
        self.head = nn.Linear(self.hidden_size, output_size)
        if forget_bias is not None:
            set_forget_bias(self.core, forget_bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        checks.tensor("x", x, shape=(None, None, self.input_size), finite=False)
        h, _ = self.core(x)  # (N, T, H)
        if self.many_to_many:
            return self.head(h)  # (N, T, output_size)
        return self.head(h[:, -1])  # (N, output_size)


class LinearRecurrentModel(nn.Module):
    """A linear recurrence (LRU or minGRU) and a linear head, trained by the parallel scan.

    - "lru": u_t -> ReLU(u_t W + c) (N, T, H) -> LRU (Orvieto et al. 2023; ring [r_min,
      r_max], phases in [0, pi / 10], the paper's long-range setting) -> ReLU -> head. The
      ReLU before the recurrence is where a product such as value * marker can be formed:
      the recurrence itself only adds up what it is given.
    - "mingru": x_t -> MinGRU (Feng et al. 2024; update-gate bias `gate_bias`) -> head.
    Inputs (constructor): cell "lru" | "mingru"; input_size D; hidden_size H; output_size;
    many_to_many (read every step, else the last); r_min, r_max (LRU); gate_bias (minGRU);
    seed (the recurrence's weights; the linear layers draw from torch's generator).
    forward(x): x (N, T, D) -> (N, output_size), or (N, T, output_size) if many_to_many.
    """

    def __init__(
        self,
        cell: str,
        input_size: int,
        hidden_size: int,
        output_size: int,
        *,
        many_to_many: bool = False,
        r_min: float = 0.9,
        r_max: float = 0.999,
        gate_bias: float = -4.0,
        seed: int = 0,
    ):
        super().__init__()
        self.cell = check_cell(cell, LINEAR_CELLS)
        D = checks.positive_int("input_size", input_size)
        H = checks.positive_int("hidden_size", hidden_size)
        checks.positive_int("output_size", output_size)
        if not isinstance(many_to_many, bool):
            raise TypeError(f"many_to_many must be a bool, got {type(many_to_many).__name__}")
        self.many_to_many, self.input_size = many_to_many, D
        if cell == "lru":
            self.encoder = nn.Sequential(nn.Linear(D, H), nn.ReLU())
            self.core = LRU(H, H, H, r_min=r_min, r_max=r_max, max_phase=math.pi / 10, seed=seed)
        else:
            self.encoder = nn.Identity()
            self.core = MinGRU(D, H, gate_bias=gate_bias, seed=seed)
        self.head = nn.Linear(H, output_size)

    def forward(self, x: torch.Tensor, method: str = "scan") -> torch.Tensor:
        checks.tensor("x", x, shape=(None, None, self.input_size), finite=False)
        h = self.encoder(x)  # (N, T, H)
        if self.cell == "lru":
            h = torch.relu(self.core(h, method=method))  # (N, T, H)
        else:
            h = self.core(h, method=method)  # (N, T, H)
        return self.head(h if self.many_to_many else h[:, -1])


class TokenRNN(nn.Module):
    """Word ids -> embedding -> vanilla tanh RNN (rnnviz.models.cells.RNN) -> a linear head.

    Inputs (constructor): vocab_size, output_size, embedding_size, hidden_size: ints >= 1.
    hidden_states(tokens (N, T) int64) -> (N, T, H); `head` maps a hidden state to
    output_size scores, and a subclass's forward decides which states it reads.
    """

    def __init__(
        self, vocab_size: int, output_size: int, embedding_size: int = 16, hidden_size: int = 32
    ):
        super().__init__()
        checks.positive_int("embedding_size", embedding_size)
        checks.positive_int("hidden_size", hidden_size)
        self.embed = nn.Embedding(vocab_size, embedding_size)
        self.rnn = RNN(embedding_size, hidden_size)
        self.head = nn.Linear(hidden_size, output_size)

    def hidden_states(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.rnn(self.embed(tokens)).h  # (N, T, H)


def make_model(
    cell: str,
    input_size: int,
    output_size: int,
    *,
    hidden_size: int = 64,
    many_to_many: bool = False,
    forget_bias: float | None = None,
    seed: int = 0,
) -> SequenceModel:
    """Build a `SequenceModel` (or, for "lru" and "mingru", a `LinearRecurrentModel`) with
    weights drawn from `seed` (same seed, same weights).

    Inputs: as `SequenceModel`; seed: int in [0, 2**32).

    Returns: the model (float32).
    """
    check_cell(cell, CELLS + LINEAR_CELLS)
    if cell in LINEAR_CELLS:
        if forget_bias is not None:
            raise ValueError(f"forget_bias applies to cell='lstm' only, got cell={cell!r}")
        with torch_seed(seed):
            return LinearRecurrentModel(
                cell, input_size, hidden_size, output_size, many_to_many=many_to_many, seed=seed
            )
    with torch_seed(seed):
        return SequenceModel(
            cell,
            input_size,
            hidden_size,
            output_size,
            many_to_many=many_to_many,
            forget_bias=forget_bias,
        )
