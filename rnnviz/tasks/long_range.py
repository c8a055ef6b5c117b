"""Seeded long-range memory tasks: the adding problem, the copy task, pixel-by-pixel digits.

Each generator is a plain function of `(batch_size, length, seed)`: the same arguments give
the same batch, so a training run that draws batch `step` with
`seed=rnnviz.seeding.batch_seed(seed, step)` is reproducible without any hidden random state.
Each task also states the loss of the best predictor that remembers nothing, the line a model
must get below to show memory.
"""

import math

import torch

from rnnviz import checks
from rnnviz.seeding import generator

# The adding problem's memoryless baseline: always predict E[u1 + u2] = 1, whose MSE is
# Var(u1 + u2) = 2 * Var(U[0, 1]) = 2 / 12.
ADDING_BASELINE_MSE = 1.0 / 6.0

# The copy task's alphabet (Arjovsky et al. 2016): 0 is the blank, 1..n_symbols the symbols
# to remember, n_symbols + 1 the delimiter that says "now repeat them".
BLANK = 0


def adding_problem(batch_size: int, seq_len: int, seed: int = 0):
    """A batch of the adding problem (Hochreiter & Schmidhuber 1997; Le et al. 2015).

    Channel 0 holds values drawn uniformly from [0, 1]; channel 1 is a marker that is 1 at
    exactly two steps, one in the first half of the sequence and one in the second half
    (Le et al.'s and Arjovsky et al.'s version). The target is the sum of the two marked
    values, so the first marked value must be carried across at least seq_len / 2 steps.

    Inputs:
    - batch_size: int >= 1, N
    - seq_len: int >= 2, T
    - seed: int in [0, 2**32); the same seed gives the same batch

    Returns: (x, y) with x (N, T, 2) float32 and y (N,) float32 in [0, 2].
    """
    batch_size = checks.positive_int("batch_size", batch_size)
    seq_len = checks.positive_int("seq_len", seq_len, minimum=2)
    # values, markers, x and their randint/where copies: about 6 (N, T) float32 arrays
    checks.within_budget(
        {"batch_size": batch_size, "seq_len": seq_len}, 6 * batch_size * seq_len, bytes_each=4
    )
    gen = generator(seed)
    half = seq_len // 2
    values = torch.rand(batch_size, seq_len, generator=gen)  # (N, T)
    first = torch.randint(0, half, (batch_size,), generator=gen)  # (N,)
    second = torch.randint(half, seq_len, (batch_size,), generator=gen)  # (N,)
    marker = torch.zeros(batch_size, seq_len)
    rows = torch.arange(batch_size)
    marker[rows, first] = 1.0
    marker[rows, second] = 1.0
    x = torch.stack([values, marker], dim=-1)  # (N, T, 2)
    y = values[rows, first] + values[rows, second]  # (N,)
    return x, y


def copy_task(
    batch_size: int, delay: int, seed: int = 0, *, n_symbols: int = 8, copy_len: int = 10
):
    """A batch of the copy task (Arjovsky et al. 2016, after Hochreiter & Schmidhuber 1997).

    The input is `copy_len` symbols drawn from 1..n_symbols, then `delay - 1` blanks, the
    delimiter, and `copy_len` more blanks. The target is blank everywhere except the last
    `copy_len` steps, which must repeat the first `copy_len` input symbols: the model has
    to hold them for `delay + copy_len` steps.

    Inputs:
    - batch_size: int >= 1, N
    - delay: int >= 1, Arjovsky et al.'s T; the sequence length is L = delay + 2 * copy_len
    - seed: int in [0, 2**32); the same seed gives the same batch
    - n_symbols: int >= 2, the symbols to remember (the vocabulary is n_symbols + 2)
    - copy_len: int >= 1, how many symbols to remember

    Returns: (x, y) with x (N, L, n_symbols + 2) float32 one-hot inputs and y (N, L) int64
    target tokens.
    """
    batch_size = checks.positive_int("batch_size", batch_size)
    delay = checks.positive_int("delay", delay)
    n_symbols = checks.positive_int("n_symbols", n_symbols, minimum=2)
    copy_len = checks.positive_int("copy_len", copy_len)
    length = delay + 2 * copy_len
    checks.within_budget(  # the one-hot x (N, L, n_symbols + 2) float32 dominates
        {"batch_size": batch_size, "delay": delay, "copy_len": copy_len, "n_symbols": n_symbols},
        batch_size * length * (n_symbols + 4),
        bytes_each=4,
    )
    gen = generator(seed)
    symbols = torch.randint(1, n_symbols + 1, (batch_size, copy_len), generator=gen)  # (N, K)
    tokens = torch.full((batch_size, length), BLANK, dtype=torch.long)  # (N, L)
    tokens[:, :copy_len] = symbols
    tokens[:, delay + copy_len - 1] = n_symbols + 1  # the delimiter
    y = torch.full((batch_size, length), BLANK, dtype=torch.long)  # (N, L)
    y[:, -copy_len:] = symbols
    x = torch.nn.functional.one_hot(tokens, n_symbols + 2).float()  # (N, L, V)
    return x, y


def copy_baseline_loss(delay: int, *, n_symbols: int = 8, copy_len: int = 10) -> float:
    """The copy task's memoryless cross-entropy: blanks, then a uniform guess at the end.

    A model without memory can still count: it predicts the blank with certainty for the
    first delay + copy_len steps and a uniform guess over the symbols for the last copy_len,
    so its mean cross-entropy per step is copy_len * ln(n_symbols) / (delay + 2 * copy_len)
    (Arjovsky et al. 2016).

    Inputs: as `copy_task`.

    Returns: the baseline, in nats per step (float).
    """
    delay = checks.positive_int("delay", delay)
    n_symbols = checks.positive_int("n_symbols", n_symbols, minimum=2)
    copy_len = checks.positive_int("copy_len", copy_len)
    return copy_len * math.log(n_symbols) / (delay + 2 * copy_len)


def copy_baseline_logits(
    delay: int, *, n_symbols: int = 8, copy_len: int = 10, confidence: float = 30.0
) -> torch.Tensor:
    """The logits of the memoryless copy predictor (for checking the baseline by measuring).

    Inputs: as `copy_task`; confidence is the blank's logit margin where a blank is certain.

    Returns: (L, n_symbols + 2) logits, the same for every sequence.
    """
    delay = checks.positive_int("delay", delay)
    n_symbols = checks.positive_int("n_symbols", n_symbols, minimum=2)
    copy_len = checks.positive_int("copy_len", copy_len)
    confidence = checks.real_number("confidence", confidence, low=0.0)
    length = delay + 2 * copy_len
    logits = torch.full((length, n_symbols + 2), -confidence)
    logits[: delay + copy_len, BLANK] = 0.0
    logits[delay + copy_len :, 1 : n_symbols + 1] = 0.0  # uniform over the symbols
    return logits


def pixel_digits(seed: int = 0, test_fraction: float = 0.25):
    """The 8x8 digits read one pixel a step in raster order: T=64, D=1 (Le et al. 2015).

    A small version of pixel-by-pixel MNIST (T=784): the label depends on pixels seen up to
    63 steps before the last one, where the model answers. Uses `rnnviz.tasks.digits`
    (scikit-learn's bundled digits; nothing is downloaded).

    Inputs:
    - seed: int >= 0, the train/test split
    - test_fraction: the held-out share, in (0, 1)

    Returns: rnnviz.tasks.digits.DigitSequences with x_train (N_train, 64, 1), y_train (N_train,),
    x_test (N_test, 64, 1), y_test (N_test,), pixel values in [0, 1].
    """
    from rnnviz.tasks.digits import load_digit_sequences

    return load_digit_sequences(order="pixels", test_fraction=test_fraction, seed=seed)
