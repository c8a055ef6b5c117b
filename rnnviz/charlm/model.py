"""A character-level language model: embedding, one recurrent layer, linear head.

The lecture's many-to-many language model (Karpathy's char-rnn): at every step the model
reads one character and predicts the next, so a window of T characters gives T losses.
The recurrent layer is torch.nn's fused RNN/LSTM/GRU kernel; loss is in nats per character
(natural log), and perplexity = exp(loss).
"""

import math
import numbers
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from rnnviz import checks
from rnnviz.charlm.corpus import check_text_length
from rnnviz.checkpoint import build_module, load_checkpoint, save_checkpoint
from rnnviz.models.cell_kinds import check_cell
from rnnviz.models.cells import torch_core
from rnnviz.paths import DATA_DIR
from rnnviz.seeding import MAX_SEED, batch_seed, generator

CELLS = ("rnn", "lstm", "gru")

# Trained by `python -m rnnviz.charlm.train` (`make checkpoints`) on the stdlib corpus.
SHIPPED_CHECKPOINT = DATA_DIR / "charlm_lstm.pt"


def encode(text: str, vocab) -> torch.Tensor:
    """Character ids of `text` in `vocab`; ValueError naming any character not in it.

    Inputs: text of length T; vocab: sequence of distinct single characters.
    Returns: (T,) int64 tensor.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    index = {ch: i for i, ch in enumerate(vocab)}
    missing = sorted(set(text) - index.keys())
    if missing:
        raise ValueError(
            f"text holds characters not in the model's vocabulary: {missing[:10]!r}"
            f"{' ...' if len(missing) > 10 else ''}"
        )
    return torch.tensor([index[ch] for ch in text], dtype=torch.long)


def check_model(model) -> "CharLM":
    """Return `model` if it is a CharLM, else raise TypeError naming the argument."""
    if not isinstance(model, CharLM):
        raise TypeError(f"model must be a CharLM, got {type(model).__name__}")
    return model


def decode(ids, vocab) -> str:
    """The text of a sequence of character ids."""
    return "".join(vocab[int(i)] for i in ids)


class CharLM(nn.Module):
    """Embedding -> RNN/LSTM/GRU -> linear head over the vocabulary.

    Inputs of forward: ids (N, T) int64, optional state (h0 (1, N, H), or (h0, c0) for LSTM).
    Returns: logits (N, T, V) and the final state.
    """

    def __init__(self, vocab, cell: str = "lstm", hidden_size: int = 128, embedding_size: int = 32):
        super().__init__()
        if not isinstance(vocab, (list, tuple, str)):
            raise TypeError(f"vocab must be a list of characters, got {type(vocab).__name__}")
        vocab = list(vocab)
        if (
            len(vocab) < 2
            or len(set(vocab)) != len(vocab)
            or any(not isinstance(ch, str) or len(ch) != 1 for ch in vocab)
        ):
            raise ValueError("vocab must be at least 2 distinct single characters")
        self.vocab = vocab
        self.cell = check_cell(cell, CELLS)
        self.hidden_size = checks.positive_int("hidden_size", hidden_size)
        self.embedding_size = checks.positive_int("embedding_size", embedding_size)
        E, H = self.embedding_size, self.hidden_size
        checks.within_budget(  # weights: embedding, 4 gate blocks, head (float32)
            {"hidden_size": H, "embedding_size": E},
            len(vocab) * (E + H) + 4 * H * (E + H + 2),
            bytes_each=4,
            what="weights",
        )
        self.embed = nn.Embedding(len(vocab), self.embedding_size)
        self.rnn = torch_core(cell, self.embedding_size, self.hidden_size)
        self.head = nn.Linear(self.hidden_size, len(vocab))

    def forward(self, ids, state=None):
        x = self.embed(ids)  # (N, T, E)
        h, state = self.rnn(x, state)  # (N, T, H)
        return self.head(h), state  # (N, T, V)

    def config(self) -> dict:
        """The plain metadata that rebuilds this model (vocabulary and sizes)."""
        return {
            "vocab": "".join(self.vocab),
            "cell": self.cell,
            "hidden_size": self.hidden_size,
            "embedding_size": self.embedding_size,
        }


def random_windows(ids: torch.Tensor, batch_size: int, seq_len: int, generator):
    """A batch of random windows and their next-character targets (many-to-many).

    Inputs: ids (L,) with L > seq_len; generator: a torch.Generator (seeded by the caller).
    Returns: x (N, T) and y (N, T) where y[:, t] = x[:, t + 1]'s character.
    """
    starts = torch.randint(0, len(ids) - seq_len, (batch_size,), generator=generator)
    offsets = torch.arange(seq_len + 1)
    window = ids[starts[:, None] + offsets]  # (N, T + 1)
    return window[:, :-1], window[:, 1:]


def make_loss_fn(model: CharLM, text: str, batch_size: int = 32, seq_len: int = 64, seed: int = 0):
    """The `loss_fn(step)` for rnnviz.training.train: mean nats/char on a random batch.

    Batch `step` is drawn with rnnviz.seeding.batch_seed(seed, step), so it depends only on
    (seed, step) and a step budget gives the same run twice.
    """
    check_model(model)
    batch_size = checks.positive_int("batch_size", batch_size)
    seq_len = checks.positive_int("seq_len", seq_len)
    seed = checks.positive_int("seed", seed, minimum=0, maximum=MAX_SEED)
    # A batch's logits and the LSTM's saved activations for backward, float32
    checks.within_budget(
        {"batch_size": batch_size, "seq_len": seq_len},
        batch_size * seq_len * (len(model.vocab) + 12 * model.hidden_size),
        bytes_each=4,
    )
    check_text_length("text", text, seq_len)
    ids = encode(text, model.vocab)

    def loss_fn(step: int) -> torch.Tensor:
        x, y = random_windows(ids, batch_size, seq_len, generator(batch_seed(seed, step)))
        logits, _ = model(x)
        return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))

    return loss_fn


def stream_batches(ids: torch.Tensor, streams: int):
    """Cut ids into `streams` equal contiguous rows (the tail that does not fit is dropped).

    Returns: (S, L // S) tensor; each row is its own stretch of text, read from its
    start with a zero state.
    """
    length = len(ids) // streams
    return ids[: streams * length].reshape(streams, length)


@torch.no_grad()
def evaluate(model: CharLM, text: str, streams: int = 16, seq_len: int = 256) -> dict:
    """Validation loss of the model on `text`, in nats/char, and perplexity.

    The text is read as `streams` contiguous stretches in parallel, carrying the state
    across windows of seq_len characters, so every character after each stretch's first
    is predicted with its full left context.
    Returns: {"loss": nats/char, "perplexity": exp(loss), "chars": characters scored}.
    A model whose loss overflows exp has perplexity inf; a NaN loss (NaN weights) stays NaN.
    Raises: ValueError if seq_len < 1, or if the text has fewer than 2 characters per
    stream (each stream must score at least one next character).
    """
    check_model(model)
    streams = checks.positive_int("streams", streams)
    seq_len = checks.positive_int("seq_len", seq_len)
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    if len(text) < 2 * streams:
        raise ValueError(
            f"streams={streams} needs a text of at least {2 * streams} characters (2 a "
            f"stream: one input, one target), got {len(text)}; use streams <= "
            f"{max(len(text) // 2, 1)}" + ("" if len(text) >= 2 else " and a longer text")
        )
    ids = stream_batches(encode(text, model.vocab), streams)  # (S, L)
    total, count, state = 0.0, 0, None
    for start in range(0, ids.shape[1] - 1, seq_len):
        x = ids[:, start : start + seq_len]
        y = ids[:, start + 1 : start + seq_len + 1]
        x = x[:, : y.shape[1]]
        logits, state = model(x, state)
        total += float(
            nn.functional.cross_entropy(
                logits.reshape(-1, logits.shape[-1]), y.reshape(-1), reduction="sum"
            )
        )
        count += y.numel()
    loss = total / count
    return {"loss": loss, "perplexity": perplexity(loss), "chars": count}


def perplexity(loss: float) -> float:
    """exp(loss) for a loss in nats; inf when that overflows a float, NaN for a NaN loss."""
    if isinstance(loss, bool) or not isinstance(loss, numbers.Real):
        raise TypeError(f"loss must be a real number, got {type(loss).__name__} {loss!r}")
    try:
        return math.exp(loss)  # exp(NaN) is NaN
    except OverflowError:
        return math.inf


@dataclass
class Sample:
    """Generated text and, for every generated character, the top_k likeliest choices.

    top_chars: (L, k) characters; top_probs: (L, k) their probabilities at the sampling
    temperature, likeliest first.
    """

    prime: str
    text: str
    top_chars: list
    top_probs: np.ndarray


@torch.no_grad()
def sample(
    model: CharLM,
    prime: str = "def ",
    length: int = 200,
    temperature: float = 1.0,
    seed: int = 0,
    top_k: int | None = None,
) -> Sample:
    """Generate `length` characters after `prime`, one at a time, at a temperature.

    Each next character is drawn from softmax(logits / temperature): low temperatures
    sharpen the distribution (safe, repetitive text), high ones flatten it (diverse, more
    mistakes). Seeded, so the same arguments give the same text.
    Inputs: top_k in [1, V], how many likeliest choices to report at each position
    (default 5, or V for a smaller vocabulary).
    Raises: ValueError naming the argument for a bad length, temperature (outside
    [1e-3, 100]), top_k, seed or prime, and naming `model` when its scores (logits) are
    not finite, e.g. NaN weights: there is no distribution to sample from.
    """
    check_model(model)
    length = checks.positive_int("length", length)
    # One step a character (linear time); the probabilities kept: (length, vocab) float32
    checks.within_budget({"length": length}, length * (len(model.vocab) + 8), bytes_each=4)
    temperature = checks.real_number("temperature", temperature, low=1e-3, high=100.0)
    if top_k is None:
        top_k = min(5, len(model.vocab))
    top_k = checks.positive_int("top_k", top_k, maximum=len(model.vocab))
    if not isinstance(prime, str) or not prime:
        raise ValueError("prime must be a non-empty str (the text the model continues)")
    unknown = sorted(set(prime) - set(model.vocab))
    if unknown:
        raise ValueError(f"prime holds characters not in the model's vocabulary: {unknown[:10]}")
    gen = generator(seed)
    logits, state = model(encode(prime, model.vocab)[None])  # (1, P, V)
    logits = logits[0, -1]
    chars, top_chars, top_probs = [], [], []
    for position in range(length):
        probs = torch.softmax(logits / temperature, dim=-1)  # (V,)
        if not bool(torch.isfinite(probs).all()):
            raise ValueError(
                f"model gives no finite distribution at generated character {position}: "
                + (
                    "its scores (logits) are NaN or inf; are its weights finite?"
                    if not bool(torch.isfinite(logits).all())
                    else f"its scores overflow at temperature={temperature}"
                )
            )
        best = torch.topk(probs, top_k)
        top_chars.append([model.vocab[int(i)] for i in best.indices])
        top_probs.append(best.values.numpy())
        nxt = int(torch.multinomial(probs, 1, generator=gen))
        chars.append(model.vocab[nxt])
        logits, state = model(torch.tensor([[nxt]]), state)
        logits = logits[0, -1]
    return Sample(prime, "".join(chars), top_chars, np.stack(top_probs))


def save_charlm(path, model: CharLM, **meta) -> None:
    """Save the model's tensors and config plus any plain metadata (command, seed, loss)."""
    tensors = {name: value.detach().clone() for name, value in model.state_dict().items()}
    save_checkpoint(path, tensors, {**model.config(), **meta})


def load_charlm(path, vocab=None):
    """Load a CharLM checkpoint; returns (model in eval mode, metadata).

    If `vocab` is given it must equal the checkpoint's vocabulary (ValueError otherwise):
    ids from one vocabulary fed to a model trained on another are silently wrong.
    """
    tensors, meta = load_checkpoint(
        path, required_meta=("vocab", "cell", "hidden_size", "embedding_size")
    )
    if not isinstance(meta["vocab"], str) or not meta["vocab"]:
        raise ValueError(f"checkpoint {path}: its vocab must be a non-empty str")
    if vocab is not None and "".join(vocab) != meta["vocab"]:
        ours, theirs = set(vocab), set(meta["vocab"])
        raise ValueError(
            f"vocabulary mismatch with checkpoint {path}: it has {len(theirs)} characters, "
            f"expected {len(ours)}; only in checkpoint: {sorted(theirs - ours)[:10]!r}, "
            f"only expected: {sorted(ours - theirs)[:10]!r}"
            + ("; same characters, different order" if ours == theirs else "")
        )
    model = build_module(
        path,
        tensors,
        lambda: CharLM(meta["vocab"], meta["cell"], meta["hidden_size"], meta["embedding_size"]),
    )
    return model.eval(), meta
