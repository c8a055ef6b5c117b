"""Sequential processing of non-sequence data: classify an 8x8 digit by reading it row by row.

The lecture's point 3: an image need not be seen all at once. A vanilla RNN reads the 8
rows of a handwritten digit (rnnviz.tasks.digits, T = 8 steps of 8 pixels) and only its final
hidden state is classified (many to one). `read_digit` keeps what happened on the way:
the hidden state after every row and what the classifier would answer if reading stopped
there, so a lab can show the answer forming as the rows come in.
"""

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from rnnviz import checks
from rnnviz.models.cells import RNN
from rnnviz.tasks.digits import DigitSequences
from rnnviz.training import train_minibatches

N_CLASSES = 10


class RowClassifier(nn.Module):
    """A vanilla RNN over the rows and a linear head on its last hidden state.

    forward(x (N, 8, 8)) -> (N, 10) logits; `per_row(x)` -> hidden states (N, 8, H) and
    the head's logits after every row (N, 8, 10).
    """

    def __init__(self, hidden_size: int = 64, row_size: int = 8):
        super().__init__()
        self.rnn = RNN(
            checks.positive_int("row_size", row_size),
            checks.positive_int("hidden_size", hidden_size),
        )
        self.head = nn.Linear(hidden_size, N_CLASSES)

    def per_row(self, x):
        h = self.rnn(x).h  # (N, T, H)
        return h, self.head(h)  # (N, T, H), (N, T, 10)

    def forward(self, x):
        return self.head(self.rnn(x).h_last)  # (N, 10)


def train_row_classifier(
    model: RowClassifier,
    data: DigitSequences,
    *,
    steps: int = 300,
    batch_size: int = 64,
    lr: float = 1e-2,
    seed: int = 0,
    label: str = "RNN",
    callback=None,
    progress: bool | str = True,
):
    """Train on the digits' training split with cross-entropy on random minibatches.

    Inputs:
    - model: a RowClassifier; data: from rnnviz.tasks.digits.load_digit_sequences("rows")
    - steps, batch_size, lr, seed, label, callback, progress: as
      rnnviz.training.train_minibatches (progress="blind": a bar without the loss)
    Returns: rnnviz.training.TrainResult
    """
    _check(model, data)

    def batch_loss(rows):
        return F.cross_entropy(model(data.x_train[rows]), data.y_train[rows])

    return train_minibatches(
        model,
        len(data.x_train),
        batch_loss,
        steps=steps,
        batch_size=batch_size,
        lr=lr,
        seed=seed,
        label=label,
        callback=callback,
        progress=progress,
    )


@torch.no_grad()
def accuracy_after_each_row(model: RowClassifier, data: DigitSequences) -> np.ndarray:
    """Test accuracy if the classifier answered after reading 1, 2, ..., 8 rows: (T,).

    The last entry is the model's real test accuracy (it answers after the last row).
    """
    _check(model, data)
    model.eval()
    _, logits = model.per_row(data.x_test)  # (N, T, 10)
    return (logits.argmax(dim=2) == data.y_test[:, None]).float().mean(dim=0).numpy()


@dataclass
class DigitReading:
    """One test digit read row by row.

    - image: (8, 8) pixels in [0, 1]; label: the true digit
    - hidden: (T, H) the hidden state after each row
    - probs: (T, 10) the classifier's probabilities after each row
    """

    image: np.ndarray
    label: int
    hidden: np.ndarray
    probs: np.ndarray


@torch.no_grad()
def read_digit(model: RowClassifier, data: DigitSequences, index: int) -> DigitReading:
    """Read test digit `index` and keep every row's hidden state and class probabilities."""
    _check(model, data)
    index = checks.positive_int("index", index, minimum=0)
    if index >= len(data.x_test):
        raise ValueError(f"index must be < {len(data.x_test)} (test digits), got {index}")
    model.eval()
    h, logits = model.per_row(data.x_test[index : index + 1])  # (1, T, H), (1, T, 10)
    return DigitReading(
        data.images_test[index],
        int(data.y_test[index]),
        h[0].numpy(),
        torch.softmax(logits[0], dim=1).numpy(),
    )


def _check(model, data):
    if not isinstance(model, RowClassifier):
        raise TypeError(f"model must be a RowClassifier, got {type(model).__name__}")
    if not isinstance(data, DigitSequences) or data.order != "rows":
        raise TypeError(
            "data must be DigitSequences read by rows "
            "(rnnviz.tasks.digits.load_digit_sequences('rows'))"
        )
