"""Figure data that survives the trip to the browser: NaN and inf become gaps (None).

A widget's update message is JSON, and NaN or inf is not: the message fails to send and
the kernel prints a warning into the cell. plotly draws None as a gap, which is what a
non-finite value is in a picture.
"""

import numpy as np


def gaps(values):
    """`values` with every NaN/inf replaced by None, or unchanged if all are finite.

    Inputs: values: an array-like of numbers, any shape.
    Returns: the input itself when every entry is finite (numpy arrays travel to the
    browser as binary buffers), else nested lists of floats with None at the gaps.
    """
    array = np.asarray(values, dtype=float)
    finite = np.isfinite(array)
    if finite.all():
        return values
    out = array.astype(object)
    out[~finite] = None
    return out.tolist()


def finite_max(values, default: float) -> float:
    """The largest finite entry of `values`, or `default` if there is none (a colour or
    axis range from data that may hold NaN/inf)."""
    array = np.asarray(values, dtype=float)
    finite = array[np.isfinite(array)]
    return float(finite.max()) if finite.size else default
