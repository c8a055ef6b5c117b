"""The logistic sigmoid, computed without overflow for inputs of either sign."""

import numpy as np

from rnnviz.reference import _validate as v


def sigmoid(x):
    """A numerically stable version of the logistic sigmoid function.

    exp is only ever taken of a non-positive number, so sigmoid(-1000) is 0, not a
    warning and a NaN (CS231n assignment 3's `sigmoid`).

    Inputs:
    - x: array of any shape, floating point

    Returns:
    - s: array of the same shape, 1 / (1 + exp(-x))
    """
    v.floats("x", x)
    return stable_sigmoid(x)


def stable_sigmoid(x):
    """`sigmoid` without the input checks, for hot loops and for values already checked.

    Inputs: x: float or array of floats (inf gives 0 or 1, NaN stays NaN).
    Returns: same shape, 1 / (1 + exp(-x)).
    """
    z = np.exp(-np.abs(x))  # in (0, 1]: never overflows
    return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))
