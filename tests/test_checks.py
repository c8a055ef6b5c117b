"""rnnviz.checks: bad arguments are refused by name and range, never clamped."""

import math
import re

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


def test_a_budget_refusal_never_prints_a_size_as_zero():
    # A small need under a small budget (a trainer's own budget may be any size) printed
    # "(0 MB), past the 0 MB one call may use".
    with pytest.raises(ValueError) as refused:
        checks.within_budget({"batch_size": 300}, 300, bytes_each=4, budget=1000)
    message = str(refused.value)
    assert "(1.2 KB), past the 1,000 bytes one call may use" in message, message
    assert not re.search(r"\b0(\.0)? (bytes|KB|MB|GB)", message), message
    with pytest.raises(ValueError, match=r"\(512 MB\), past the 256 MB one call"):
        checks.within_budget({"n": 2**26}, 2**26)


def test_byte_size_picks_the_largest_unit_reached():
    cases = {
        0: "0 bytes",
        1: "1 byte",
        1023: "1,023 bytes",
        1024: "1.0 KB",
        1536: "1.5 KB",
        2**20 - 1: "1,024 KB",
        2**20: "1.0 MB",
        32_000_000: "30.5 MB",
        256 * 2**20: "256 MB",
        2 * 2**30: "2.0 GB",
        10**15: "931,323 GB",
    }
    assert {n: checks.byte_size(n) for n in cases} == cases
    for n in np.unique(np.geomspace(1, 2**40, 2000).astype(np.int64)):
        assert not re.match(r"0(\.0)? ", checks.byte_size(int(n)))
