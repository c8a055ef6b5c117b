"""Seq2seq: an encoder-decoder that reverses or sorts digit strings, with teacher forcing.

The lecture's translation shape: a many-to-one encoder reads the whole input and leaves
one vector, its last hidden state; a one-to-many decoder with its own weights starts from
that vector and writes the output one symbol at a time. During training the decoder reads
the *true* previous symbol (teacher forcing: GO, y_1, ..., y_{T-1}); at test time it reads
its own previous guess, so one early mistake can derail the rest.
"""

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from rnnviz import checks
from rnnviz.models.cell_kinds import check_cell
from rnnviz.models.cells import TRACED_CELLS
from rnnviz.seeding import generator
from rnnviz.training import train_minibatches

TASKS = ("reverse", "sort")
N_DIGITS = 10
GO = N_DIGITS  # the decoder's first input: "start writing"
CELLS = ("rnn", "gru")


@dataclass
class DigitPairs:
    """Source strings and the strings the decoder must write.

    - source: (N, T) int64 digits; target: (N, T) int64 digits
    - task: "reverse" or "sort"
    """

    source: torch.Tensor
    target: torch.Tensor
    task: str

    def __len__(self):
        return len(self.source)


def make_digit_pairs(
    n_pairs: int, *, length: int = 5, task: str = "reverse", seed: int = 0
) -> DigitPairs:
    """Random digit strings and their reversal (or sorted order).

    Inputs:
    - n_pairs: N >= 1; length: T >= 1 digits per string
    - task: "reverse" or "sort"
    - seed: the generator's seed (same seed, same strings)
    Returns:
    - DigitPairs
    """
    n = checks.positive_int("n_pairs", n_pairs)
    length = checks.positive_int("length", length)
    checks.within_budget({"n_pairs": n, "length": length}, 4 * n * (length + 2))
    checks.choice("task", task, TASKS)
    gen = generator(seed)
    source = torch.randint(N_DIGITS, (n, length), generator=gen)  # (N, T)
    target = source.flip(1) if task == "reverse" else source.sort(dim=1).values
    return DigitPairs(source, target, task)


def teacher_inputs(target: torch.Tensor) -> torch.Tensor:
    """The decoder's inputs under teacher forcing: GO, then the target shifted right.

    Inputs:
    - target: (N, T) digits
    Returns:
    - (N, T) int64: GO, y_1, ..., y_{T-1}
    """
    checks.tensor("target", target, ndim=2)
    go = torch.full((len(target), 1), GO, dtype=target.dtype)
    return torch.cat([go, target[:, :-1]], dim=1)


class Seq2Seq(nn.Module):
    """Encoder RNN -> its last hidden state -> decoder RNN (own weights) -> digit scores.

    Inputs (constructor): cell "rnn" (vanilla tanh) or "gru"; embedding_size; hidden_size.
    forward(source (N, T), decoder_inputs (N, T')) -> (N, T', 10) logits (teacher forcing)
    generate(source (N, T), length) -> (N, length) greedy digits, each step reading its own
    previous guess.
    """

    def __init__(self, cell: str = "rnn", embedding_size: int = 16, hidden_size: int = 64):
        super().__init__()
        check_cell(cell, CELLS)
        checks.positive_int("embedding_size", embedding_size)
        checks.positive_int("hidden_size", hidden_size)
        self.cell = cell
        self.embed_source = nn.Embedding(N_DIGITS, embedding_size)
        self.embed_target = nn.Embedding(N_DIGITS + 1, embedding_size)  # digits and GO
        self.encoder = TRACED_CELLS[cell](embedding_size, hidden_size)
        self.decoder = TRACED_CELLS[cell](embedding_size, hidden_size)
        self.head = nn.Linear(hidden_size, N_DIGITS)

    def encode(self, source: torch.Tensor) -> torch.Tensor:
        """(N, T) digits -> (N, H) the encoder's last hidden state, the input's summary."""
        checks.tensor("source", source, ndim=2)
        return self.encoder(self.embed_source(source)).h_last

    def forward(self, source, decoder_inputs):
        summary = self.encode(source)  # (N, H)
        h = self.decoder(self.embed_target(decoder_inputs), h0=summary).h  # (N, T', H)
        return self.head(h)  # (N, T', 10)

    @torch.no_grad()
    def generate(self, source: torch.Tensor, length: int) -> torch.Tensor:
        """Decode greedily: (N, T) digits -> (N, length) digits."""
        length = checks.positive_int("length", length)
        h = self.encode(source)  # (N, H)
        previous = torch.full((len(source),), GO, dtype=torch.int64)
        out = []
        for _ in range(length):
            h, _, _ = self.decoder.step(self.embed_target(previous), h)  # (N, H)
            previous = self.head(h).argmax(dim=1)  # (N,)
            out.append(previous)
        return torch.stack(out, dim=1)  # (N, length)


def train_seq2seq(
    model: Seq2Seq,
    pairs: DigitPairs,
    *,
    steps: int = 400,
    batch_size: int = 64,
    lr: float = 1e-2,
    seed: int = 0,
    label: str = "seq2seq",
    callback=None,
):
    """Train with teacher forcing: cross-entropy of every target digit given the true prefix.

    Inputs:
    - model: a Seq2Seq; pairs: the training set
    - steps, batch_size, lr, seed, label, callback: as rnnviz.training.train_minibatches
    Returns: rnnviz.training.TrainResult
    """
    _check_model(model)
    _check_pairs(pairs)

    def batch_loss(rows):
        source, target = pairs.source[rows], pairs.target[rows]
        logits = model(source, teacher_inputs(target))  # (B, T, 10)
        return F.cross_entropy(logits.flatten(0, 1), target.flatten())

    return train_minibatches(
        model,
        len(pairs),
        batch_loss,
        steps=steps,
        batch_size=batch_size,
        lr=lr,
        seed=seed,
        label=label,
        callback=callback,
    )


def seq2seq_accuracy(model: Seq2Seq, pairs: DigitPairs) -> dict:
    """Greedy decoding's accuracy: {"digits": share of digits right, "strings": share of
    whole strings right, "teacher_forced_digits": the same digits given the true prefix}."""
    _check_model(model)
    _check_pairs(pairs)
    model.eval()
    guess = model.generate(pairs.source, pairs.target.shape[1])
    with torch.no_grad():
        forced = model(pairs.source, teacher_inputs(pairs.target)).argmax(dim=2)
    right = guess == pairs.target
    return {
        "digits": float(right.float().mean()),
        "strings": float(right.all(dim=1).float().mean()),
        "teacher_forced_digits": float((forced == pairs.target).float().mean()),
    }


def show_outputs(model: Seq2Seq, pairs: DigitPairs, rows=range(5)) -> str:
    """One line per string: input -> the model's output (the target, and a check mark)."""
    _check_model(model)
    _check_pairs(pairs)
    rows = list(rows)
    guess = model.generate(pairs.source[rows], pairs.target.shape[1])

    def digits(t):
        return "".join(str(int(d)) for d in t)

    return "\n".join(
        f"{digits(pairs.source[i])} -> {digits(g)}   target {digits(pairs.target[i])} "
        f"{'ok' if torch.equal(g, pairs.target[i]) else 'WRONG'}"
        for i, g in zip(rows, guess)
    )


def _check_model(model):
    if not isinstance(model, Seq2Seq):
        raise TypeError(f"model must be a Seq2Seq, got {type(model).__name__}")


def _check_pairs(pairs):
    if not isinstance(pairs, DigitPairs):
        raise TypeError(
            f"pairs must be DigitPairs (from make_digit_pairs), got {type(pairs).__name__}"
        )
