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
    return _sigmoid(x)


def _sigmoid(x):
    z = np.exp(-np.abs(x))  # in (0, 1]: never overflows
    return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))
