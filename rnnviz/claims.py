"""Checked claims: a number a lab's text relies on, printed with the bound it must meet.

Training amplifies last-bit differences between CPUs (AVX-512, AVX2, ARM, torch's scalar
kernels) into different digits, so a lab cannot promise "accuracy 0.8129" on every machine.
It can promise "accuracy >= 0.7", which is what its text argues from. A lab writes

    print(f"LSTM held-out accuracy {claim('LSTM held-out accuracy', acc, at_least=0.7)}")

and prints `LSTM held-out accuracy ~0.8129 (claim: >= 0.7)`. `claim` raises `ClaimFailed`
when the bound is missed, so a lab test (nbval) fails on a broken claim. Numbers marked
with `~` are the CPU-dependent ones: the nbval sanitizer (tests/nbval_sanitize.cfg) masks
their digits and keeps the rest of the line, so nbval compares the claim, not the digits.
Deterministic numbers (counts, shapes, small float64 computations) are printed plainly and
stay exact.

`make claims` re-runs the labs under other seeds (scripts/claims_table.py). It sets
CLAIMS_LOG_ENV to a file: every claim is then appended to it as one JSON line
{"claim", "value", "check", "holds"}, and a failing claim is recorded instead of raised,
so one run collects every claim of the lab.
"""

import json
import math
import numbers
import os

# Names a JSON-lines file that collects every claim (set by `make claims`).
CLAIMS_LOG_ENV = "RNNVIZ_CLAIMS_LOG"


class ClaimFailed(AssertionError):
    """A lab's claim about a measured number does not hold."""


def measured(value, fmt: str = ".4f") -> str:
    """Format a CPU-dependent number, marked `~` so the lab tests mask its digits.

    Use it for a number that a `claim` in the same cell bounds (a row of a table, say), or
    that the text does not argue from. inf and NaN print as such.

    Inputs: value: a real number; fmt: a format spec such as ".4f" or ".3e".
    Returns: e.g. "~0.8129".
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"value must be a real number, got {type(value).__name__} {value!r}")
    return f"~{float(value):{fmt}}"


def claim(name: str, value, *, at_least=None, at_most=None, fmt: str = ".4f") -> str:
    """Check `at_least <= value <= at_most` and return the value with its check, for printing.

    Inputs:
    - name: what the number is, e.g. "LSTM held-out accuracy" (the row of the claims table)
    - value: a real number; NaN and inf never satisfy a bound
    - at_least, at_most: the bounds (at least one), inclusive
    - fmt: the format spec of the printed value, e.g. ".4f" or ".2e"

    Returns: e.g. "~0.8129 (claim: >= 0.7)".

    Raises: ClaimFailed (an AssertionError) naming the claim, the value and the bound, unless
    CLAIMS_LOG_ENV names a log file (then the failure is recorded there and the text ends
    in "FAILS"); TypeError/ValueError for a bad name, value or bound.
    """
    if not isinstance(name, str) or not name.strip():
        raise TypeError(f"name must be a non-empty str, got {name!r}")
    text = measured(value, fmt)
    value = float(value)
    bounds = {"at_least": at_least, "at_most": at_most}
    for key, bound in bounds.items():
        if bound is not None and (
            isinstance(bound, bool)
            or not isinstance(bound, numbers.Real)
            or not math.isfinite(bound)
        ):
            raise TypeError(f"{key} must be a finite real number or None, got {bound!r}")
    if at_least is None and at_most is None:
        raise ValueError("a claim needs at_least, at_most or both")
    if at_least is not None and at_most is not None and at_least > at_most:
        raise ValueError(f"at_least ({at_least}) must not exceed at_most ({at_most})")
    check = _describe(at_least, at_most)
    holds = (
        math.isfinite(value)
        and (at_least is None or value >= at_least)
        and (at_most is None or value <= at_most)
    )
    log = os.environ.get(CLAIMS_LOG_ENV)
    if log:
        record = {
            "claim": name,
            "value": value if math.isfinite(value) else str(value),
            "check": check,
            "holds": holds,
        }
        with open(log, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
    if not holds and not log:
        raise ClaimFailed(f"claim failed: {name} = {value!r}, expected {check}")
    return f"{text} (claim: {check}{'' if holds else ', FAILS'})"


def _describe(at_least, at_most) -> str:
    if at_most is None:
        return f">= {at_least:g}"
    if at_least is None:
        return f"<= {at_most:g}"
    return f"in [{at_least:g}, {at_most:g}]"
