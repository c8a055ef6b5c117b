"""The Euclidean norm of a gradient, without overflow: a gradient of 1e200 has norm 1e200.

sqrt(sum(v^2)) would square 1e200 to inf and report an explosion that did not happen;
dividing by the largest entry first keeps every square at most 1. inf and NaN are reported
as they are: an exploding gradient is a result, not an error.
"""

import numpy as np


def overflow_safe_norm(v: np.ndarray, axis: int | None = None):
    """||v|| over `axis` (every entry if None), computed as m * ||v / m|| with m = max |v|.

    Inputs:
    - v: array of floats, any shape
    - axis: the axis to reduce, or None for the norm of all entries
    Returns: float (axis None) or an array of v's shape without `axis`, v's dtype; where v
    holds an inf the norm is inf, where it holds a NaN the norm is NaN.
    """
    with np.errstate(all="ignore"):
        scale = np.max(np.abs(v), axis=axis, keepdims=True)
        safe = np.where((scale > 0) & np.isfinite(scale), scale, 1)
        norms = safe * np.sqrt(np.sum((v / safe) ** 2, axis=axis, keepdims=True))
        norms = np.where(np.isfinite(scale), norms, scale)  # inf stays inf, NaN stays NaN
    if axis is None:
        return float(norms.reshape(()))
    return np.squeeze(norms, axis=axis)
