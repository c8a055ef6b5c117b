"""rnnviz.checks: bad arguments are refused by name and range, never clamped."""

import math

import numpy as np
import pytest

from rnnviz import checks


def test_positive_int_accepts_its_range_and_names_the_argument_outside_it():
    assert checks.positive_int("seq_len", 5, maximum=5) == 5
    assert checks.positive_int("seed", np.int64(0), minimum=0) == 0
    with pytest.raises(ValueError, match=r"seq_len must be an int in \[2, 1000\], got 5000"):
        checks.positive_int("seq_len", 5000, minimum=2, maximum=1000)
    with pytest.raises(ValueError, match=r"steps must be an int >= 1, got 0"):
        checks.positive_int("steps", 0)
    with pytest.raises(TypeError, match="hidden_size must be an int, got float"):
        checks.positive_int("hidden_size", 2.0)
    with pytest.raises(TypeError, match="hidden_size"):
        checks.positive_int("hidden_size", True)


def test_real_number_refuses_nan_inf_and_out_of_range():
    assert checks.real_number("temperature", 0.5, low=0.1, high=2.0) == 0.5
    for bad in (math.nan, math.inf, -math.inf):
        with pytest.raises(ValueError, match="temperature"):
            checks.real_number("temperature", bad)
    with pytest.raises(ValueError, match=r"temperature must be in \[0.1, 2.0\], got 3.0"):
        checks.real_number("temperature", 3.0, low=0.1, high=2.0)
    with pytest.raises(TypeError, match="temperature"):
        checks.real_number("temperature", "hot")


def test_output_budget_is_the_notebooks_unless_the_site_lifts_it(monkeypatch):
    monkeypatch.delenv(checks.OUTPUT_BUDGET_ENV, raising=False)
    assert checks.output_budget() == checks.OUTPUT_BUDGET
    monkeypatch.setenv(checks.OUTPUT_BUDGET_ENV, "none")
    assert checks.output_budget() == math.inf
    monkeypatch.setenv(checks.OUTPUT_BUDGET_ENV, "5000")
    assert checks.output_budget() == 5000
    for bad in ("0", "-3", "1e6", "unlimited"):
        monkeypatch.setenv(checks.OUTPUT_BUDGET_ENV, bad)
        with pytest.raises(ValueError, match=checks.OUTPUT_BUDGET_ENV):
            checks.output_budget()
