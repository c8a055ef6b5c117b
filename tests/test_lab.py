"""setup_lab: seeds every generator, and `make claims` can replace the lab's seed."""

import random

import numpy as np
import pytest
import torch

from rnnviz.lab import SEED_ENV, setup_lab


@pytest.fixture(autouse=True)
def restore_torch_threads(monkeypatch):
    monkeypatch.delenv(SEED_ENV, raising=False)
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


def draws():
    return random.random(), np.random.rand(), torch.rand(1).item()


def test_setup_lab_seeds_python_numpy_and_torch_and_returns_the_seed():
    assert setup_lab(seed=3) == 3
    first = draws()
    setup_lab(seed=3)
    assert draws() == first
    setup_lab(seed=4)
    assert draws() != first


def test_the_seed_environment_variable_replaces_the_labs_seed(monkeypatch):
    setup_lab(seed=2)
    expected = draws()
    monkeypatch.setenv(SEED_ENV, "2")
    assert setup_lab(seed=0) == 2
    assert draws() == expected


def test_bad_seeds_are_refused(monkeypatch):
    with pytest.raises(TypeError, match="seed must be an int"):
        setup_lab(seed=1.5)
    with pytest.raises(ValueError, match="threads must be an int >= 1"):
        setup_lab(threads=0)
    for text in ("one", "1_0", "+3", "-1", "1.0", "\u0663", ""):  # \u0663: an Arabic-Indic 3
        monkeypatch.setenv(SEED_ENV, text)
        with pytest.raises(ValueError, match=f"{SEED_ENV} must be an int"):
            setup_lab(seed=0)
    monkeypatch.setenv(SEED_ENV, str(2**32))
    with pytest.raises(ValueError, match=SEED_ENV):
        setup_lab(seed=0)
    monkeypatch.setenv(SEED_ENV, " 7 ")
    assert setup_lab(seed=0) == 7
