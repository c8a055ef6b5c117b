"""Checked claims: a number a lab's text relies on, printed with the bound it must meet.

Training amplifies last-bit differences between CPUs (AVX-512, AVX2, ARM, torch's scalar
kernels) into different digits, so a lab cannot promise "accuracy 0.8129" on every machine.
It can promise "accuracy >= 0.7", which is what its text argues from. A lab writes

    print(f"LSTM held-out accuracy {claim('LSTM held-out accuracy', acc, at_least=0.7)}")

and prints `LSTM held-out accuracy ~0.8129 (claim: >= 0.7)`. Numbers marked with `~` are
the CPU-dependent ones: the nbval sanitizer (tests/nbval_sanitize.cfg) masks their digits and
keeps the rest of the line, so nbval compares the claim, not the digits. Deterministic
numbers (counts, shapes, small float64 computations) are printed plainly and stay exact.

What a missed claim does depends on who runs the lab:
- The tests and `make labs` set STRICT_ENV: `claim` raises `ClaimFailed`, so a lab test
  fails on a broken claim and no stored output ever shows one.
- `make claims` (scripts/claims_table.py) sets CLAIMS_LOG_ENV to a file: every claim is
  appended to it as one JSON line {"claim", "value", "check", "holds"} and a miss is recorded
  instead of raised, so one run collects every claim of the lab.
- A student's session sets neither: a miss writes a notice to the cell's stderr (the value,
  the bound, what the text below assumes, and how often the claim held over the committed
  many-seed run in results/claims.json) and the lab goes on. An unlucky run never stops a lab.
"""

import functools
import json
import math
import numbers
import os
import sys

from rnnviz.paths import RESULTS_DIR

# Names a JSON-lines file that collects every claim (set by `make claims`).
CLAIMS_LOG_ENV = "RNNVIZ_CLAIMS_LOG"
# Set (to anything but "" or "0") by the tests and `make labs`: a missed claim raises.
STRICT_ENV = "RNNVIZ_STRICT_CLAIMS"
# The committed many-seed run (`make claims`), whose counts a notice quotes.
CLAIMS_RESULTS = RESULTS_DIR / "claims.json"


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

    A missed claim raises ClaimFailed under STRICT_ENV (the tests, `make labs`); is recorded
    when CLAIMS_LOG_ENV names a log file (`make claims`; the text ends in "FAILS"); and
    otherwise, in a student's session, writes `notice(...)` to stderr and returns the text
    ending in "MISSED in this run", so the lab goes on.

    Raises: ClaimFailed (an AssertionError) naming the claim, the value and the bound, under
    STRICT_ENV; TypeError/ValueError for a bad name, value or bound.
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
    if holds:
        return f"{text} (claim: {check})"
    if log:
        return f"{text} (claim: {check}, FAILS)"
    if os.environ.get(STRICT_ENV, "") not in ("", "0"):
        raise ClaimFailed(f"claim failed: {name} = {value!r}, expected {check}")
    print(notice(name, value, check, fmt), file=sys.stderr, flush=True)
    return f"{text} (claim: {check}, MISSED in this run: see the notice)"


def notice(name: str, value: float, check: str, fmt: str = ".4f") -> str:
    """The text a student sees when this run misses a claim: what happened and how rare it is.

    Inputs: the claim's name, its value in this run, its check (e.g. ">= 0.7") and format.
    Returns: a few lines: the value against the bound, what the text below assumes, and how
    often the claim held over the committed many-seed run on each kernel path.
    """
    shown = f"{value:{fmt}}" if math.isfinite(value) else str(value)
    return (
        f"Notice: in this run, {name} = {shown}, outside the claim {check}.\n"
        f"The text below assumes {name} {check}: read it as describing the usual run.\n"
        f"{_track_record(name)}\n"
        "Training depends on the seed and on the CPU's rounding; the lab goes on."
    )


def _track_record(name: str) -> str:
    """How often `name` held over the committed many-seed run, per kernel path."""
    counts = _claim_counts().get(name)
    if not counts:
        return f"The committed many-seed run ({CLAIMS_RESULTS.name}) has no record of this claim."
    return (
        "Over the committed many-seed run it held for "
        + "; ".join(
            f"{held} of {total} seeds on {kernels}" for kernels, (held, total) in counts.items()
        )
        + "."
    )


@functools.cache
def _claim_counts() -> dict:
    """{claim name: {kernel path: (seeds it held for, seeds run)}} from CLAIMS_RESULTS."""
    try:
        runs = json.loads(CLAIMS_RESULTS.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    counts: dict = {}
    for run in runs if isinstance(runs, list) else []:
        seen = set()
        for record in run.get("claims", []):
            if record["claim"] in seen:  # a claim made twice in a run counts once per seed
                continue
            seen.add(record["claim"])
            held = all(r["holds"] for r in run["claims"] if r["claim"] == record["claim"])
            path = counts.setdefault(record["claim"], {})
            kernels = run.get("kernels", "the native kernels")
            before = path.get(kernels, (0, 0))
            path[kernels] = (before[0] + held, before[1] + 1)
    return counts


def _describe(at_least, at_most) -> str:
    if at_most is None:
        return f">= {at_least:g}"
    if at_least is None:
        return f"<= {at_most:g}"
    return f"in [{at_least:g}, {at_most:g}]"
