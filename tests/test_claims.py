"""rnnviz.claims: a claim prints its value and bound, fails loudly, and logs for `make claims`."""

import json
import math
import re
from configparser import ConfigParser
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from rnnviz import claims
from rnnviz.claims import CLAIMS_LOG_ENV, STRICT_ENV, ClaimFailed, claim, measured, notice

SANITIZE_CFG = Path(__file__).resolve().parent / "nbval_sanitize.cfg"


@pytest.fixture(autouse=True)
def no_log(monkeypatch):
    monkeypatch.delenv(CLAIMS_LOG_ENV, raising=False)


def test_a_claim_that_holds_prints_the_value_and_its_bound():
    assert claim("accuracy", 0.81294, at_least=0.7) == "~0.8129 (claim: >= 0.7)"
    assert claim("loss", 0.0013, at_most=0.01, fmt=".2e") == "~1.30e-03 (claim: <= 0.01)"
    assert claim("share", 0.81, at_least=0.7, at_most=0.9, fmt=".2f") == (
        "~0.81 (claim: in [0.7, 0.9])"
    )


def test_bounds_are_inclusive():
    assert claim("x", 0.7, at_least=0.7).endswith("(claim: >= 0.7)")
    assert claim("x", 0.9, at_most=0.9).endswith("(claim: <= 0.9)")


@pytest.mark.parametrize(
    "value, bounds",
    [
        (0.69, {"at_least": 0.7}),
        (0.91, {"at_most": 0.9}),
        (0.5, {"at_least": 0.7, "at_most": 0.9}),
        (math.nan, {"at_least": 0.0}),
        (math.inf, {"at_least": 0.0}),
        (-math.inf, {"at_most": 0.0}),
    ],
)
def test_a_broken_claim_raises_an_assertion_naming_it(value, bounds, monkeypatch):
    monkeypatch.setenv(STRICT_ENV, "1")  # as under the tests and `make labs`
    with pytest.raises(ClaimFailed, match="claim failed: LSTM accuracy"):
        claim("LSTM accuracy", value, **bounds)
    assert issubclass(ClaimFailed, AssertionError)


def test_bad_arguments_are_refused_by_name():
    with pytest.raises(ValueError, match="at_least, at_most or both"):
        claim("x", 1.0)
    with pytest.raises(ValueError, match="at_least .* must not exceed at_most"):
        claim("x", 1.0, at_least=2, at_most=1)
    with pytest.raises(TypeError, match="at_least must be a finite real number"):
        claim("x", 1.0, at_least=math.nan)
    with pytest.raises(TypeError, match="value must be a real number"):
        claim("x", "0.8", at_least=0.5)
    with pytest.raises(TypeError, match="name must be a non-empty str"):
        claim("", 1.0, at_least=0)


def test_with_a_log_every_claim_is_recorded_and_a_failure_does_not_raise(tmp_path, monkeypatch):
    log = tmp_path / "claims.jsonl"
    monkeypatch.setenv(CLAIMS_LOG_ENV, str(log))
    assert claim("good", 0.8, at_least=0.7).endswith("(claim: >= 0.7)")
    assert claim("bad", 0.6, at_least=0.7).endswith("(claim: >= 0.7, FAILS)")
    assert claim("nan", math.nan, at_most=1).endswith("FAILS)")
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert records == [
        {"claim": "good", "value": 0.8, "check": ">= 0.7", "holds": True},
        {"claim": "bad", "value": 0.6, "check": ">= 0.7", "holds": False},
        {"claim": "nan", "value": "nan", "check": "<= 1", "holds": False},
    ]


def sanitize(text: str) -> str:
    """Apply tests/nbval_sanitize.cfg the way nbval does."""
    config = ConfigParser()
    config.read(SANITIZE_CFG)
    for section in config.sections():
        text = re.sub(config[section]["regex"], config[section]["replace"], text)
    return text


def test_the_lab_sanitizer_masks_measured_digits_and_keeps_the_claim():
    other_cpu = f"LSTM accuracy {claim('a', 0.8619, at_least=0.7)}, RNN {measured(0.7461)}"
    stored = f"LSTM accuracy {claim('a', 0.8129, at_least=0.7)}, RNN {measured(0.7394)}"
    assert other_cpu != stored
    assert (
        sanitize(other_cpu)
        == sanitize(stored)
        == ("LSTM accuracy ~NUMBER (claim: >= 0.7), RNN ~NUMBER")
    )
    for value, fmt in [(-1.5e-20, ".3e"), (math.inf, ".2f"), (math.nan, ".2f"), (1234.5, ".1f")]:
        assert sanitize(measured(value, fmt)) == "~NUMBER"


def test_the_lab_sanitizer_leaves_plain_numbers_exact():
    assert sanitize("813 of 1000 steps, accuracy 0.8129") == "813 of 1000 steps, accuracy 0.8129"


@pytest.fixture
def student(monkeypatch, tmp_path):
    """A student's session: neither strict nor logging; a committed run of two seeds."""
    monkeypatch.delenv(STRICT_ENV, raising=False)
    runs = [
        {
            "seed": seed,
            "kernels": kernels,
            "claims": [
                {"claim": "LSTM accuracy", "value": v, "check": ">= 0.7", "holds": v >= 0.7}
            ],
        }
        for seed, kernels, v in [(0, "native", 0.8), (1, "native", 0.6), (0, "default", 0.8)]
    ]
    results = tmp_path / "claims.json"
    results.write_text(json.dumps(runs))
    monkeypatch.setattr(claims, "CLAIMS_RESULTS", results)
    claims._claim_counts.cache_clear()
    yield
    claims._claim_counts.cache_clear()


def test_in_a_students_session_a_missed_claim_shows_a_notice_and_goes_on(student, capsys):
    text = claim("LSTM accuracy", 0.65, at_least=0.7)
    assert text == "~0.6500 (claim: >= 0.7, MISSED in this run: see the notice)"
    shown = capsys.readouterr().err
    assert "in this run, LSTM accuracy = 0.6500, outside the claim >= 0.7" in shown
    assert "The text below assumes LSTM accuracy >= 0.7" in shown
    assert "held for 1 of 2 seeds on native; 1 of 1 seeds on default" in shown
    assert "the lab goes on" in shown


def test_a_notice_for_a_claim_the_committed_run_lacks_says_so(student):
    assert "has no record of this claim" in notice("other", 0.1, ">= 0.2")
    assert "inf, outside" in notice("other", math.inf, "<= 1")


def test_the_strict_switch_is_off_for_an_empty_or_zero_value(student, monkeypatch):
    for value in ("", "0"):
        monkeypatch.setenv(STRICT_ENV, value)
        assert "MISSED" in claim("x", 0.1, at_least=0.2)
    monkeypatch.setenv(STRICT_ENV, "1")
    with pytest.raises(ClaimFailed):
        claim("x", 0.1, at_least=0.2)


@pytest.mark.slow
def test_a_lab_run_interactively_finishes_past_a_missed_claim(monkeypatch, tmp_path):
    """Through a real kernel, as a student runs a lab: the miss is a notice, later cells run."""
    monkeypatch.delenv(STRICT_ENV, raising=False)
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("from rnnviz.claims import claim"),
        nbformat.v4.new_code_cell('print(claim("LSTM held-out accuracy", 0.5, at_least=0.7))'),
        nbformat.v4.new_code_cell('print("the next section ran")'),
    ]
    NotebookClient(nb, timeout=120, kernel_name="python3").execute(cwd=str(tmp_path))
    outputs = {
        (o["name"], o["text"].strip()) for c in nb.cells[1:] for o in c["outputs"] if "text" in o
    }
    stderr = " ".join(text for name, text in outputs if name == "stderr")
    assert "LSTM held-out accuracy = 0.5000, outside the claim >= 0.7" in stderr
    assert ("stdout", "the next section ran") in outputs
    monkeypatch.setenv(STRICT_ENV, "1")  # and under the lab tests the same cell stops the run
    with pytest.raises(Exception, match="ClaimFailed"):
        NotebookClient(nb, timeout=120, kernel_name="python3").execute(cwd=str(tmp_path))
