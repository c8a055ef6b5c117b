"""Shared widget-test helpers."""

import json

import numpy as np
import pytest


def _plain(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON: {type(value).__name__}")


@pytest.fixture
def assert_json_safe():
    """assert_json_safe(figure): every value the figure would send is strict JSON (no NaN,
    no inf), as a widget's update message must be."""

    def check(figure):
        json.dumps(figure.to_dict(), allow_nan=False, default=_plain)

    return check
