"""Shared test set-up: one torch thread, so tests time and behave the same on any machine
(and don't fight each other for a 2-core CI box), and subnormals flushed as in the labs;
the strict-JSON check of a widget's figure. The network guard is set up by the conftest.py
at the repository's root."""

import json

import numpy as np
import pytest
import torch

torch.set_num_threads(1)
torch.set_flush_denormal(True)


def _plain(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON: {type(value).__name__}")


@pytest.fixture(scope="session")
def assert_json_safe():
    """assert_json_safe(figure): every value the figure would send is strict JSON (no NaN,
    no inf), as a widget's update message must be."""

    def check(figure):
        json.dumps(figure.to_dict(), allow_nan=False, default=_plain)

    return check
