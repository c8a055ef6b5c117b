"""Handwritten 8x8 digits as sequences: an image read row by row, or pixel by pixel.

The lecture's "sequential processing of non-sequence data". The 1,797 digits ship inside
scikit-learn (`sklearn.datasets.load_digits`), so nothing is downloaded.
"""

from dataclasses import dataclass

import numpy as np
import torch

from rnnviz import checks


@dataclass
class DigitSequences:
    """A seeded train/test split of the digits as sequences.

    - x_train: (N_train, T, D) float32 in [0, 1]; y_train: (N_train,) int64 labels 0-9
    - x_test, y_test: the same for the held-out digits
    - images_test: (N_test, 8, 8) the held-out images, for drawing
    - order: "rows" (T=8, D=8) or "pixels" (T=64, D=1)
    """

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    images_test: np.ndarray
    order: str


def load_digit_sequences(
    order: str = "rows", test_fraction: float = 0.25, seed: int = 0
) -> DigitSequences:
    """Load the digits and turn each image into a sequence.

    Inputs:
    - order: "rows" reads one row of 8 pixels a step (T=8, D=8); "pixels" reads one pixel a
      step in raster order (T=64, D=1), the pixel-by-pixel task of Le et al. (2015)
    - test_fraction: share of digits held out, in (0, 1)
    - seed: seeds the shuffle that makes the split
    Returns:
    - DigitSequences
    """
    from sklearn.datasets import load_digits

    checks.choice("order", order, {"rows", "pixels"})
    checks.real_number("test_fraction", test_fraction, low=0.01, high=0.99)
    checks.seed("seed", seed)
    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)  # (1797, 8, 8), pixel values 0..16
    order_idx = np.random.default_rng(seed).permutation(len(images))
    n_test = int(round(len(images) * test_fraction))
    test, train = order_idx[:n_test], order_idx[n_test:]
    shape = (-1, 8, 8) if order == "rows" else (-1, 64, 1)
    as_seq = lambda idx: torch.from_numpy(images[idx].reshape(shape).copy())  # noqa: E731
    as_lab = lambda idx: torch.from_numpy(digits.target[idx].astype(np.int64))  # noqa: E731
    return DigitSequences(
        as_seq(train), as_lab(train), as_seq(test), as_lab(test), images[test], order
    )
