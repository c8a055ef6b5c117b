"""Shared test set-up: one torch thread, so tests time and behave the same on any machine
(and don't fight each other for a 2-core CI box), and subnormals flushed as in the labs;
the strict-JSON check of a widget's figure; a small tanh RNN. The network guard is set up by
the conftest.py
at the repository's root."""

import json

import numpy as np
import pytest
import torch

from rnnviz.models.weight_init import rnn_params

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


@pytest.fixture
def tanh_rnn():
    """A small contracting tanh RNN and one input sequence: x (10, 2), Wx (2, 6), Wh (6, 6)
    at spectral radius 0.9, b (6,), all seeded."""
    params = rnn_params(2, 6, spectral_radius=0.9, seed=0)
    x = np.random.default_rng(0).standard_normal((10, 2))
    return x, params["Wx"], params["Wh"], params["b"]
