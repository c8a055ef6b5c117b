"""scripts/claims_table.py (`make claims`): a row per claim, a column per seed, failures shown."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "claims_table.py"
spec = importlib.util.spec_from_file_location("claims_table", SCRIPT)
claims_table = importlib.util.module_from_spec(spec)
spec.loader.exec_module(claims_table)


def run(seed, claims, error=None):
    return {
        "lab": "06_long_range_memory.ipynb",
        "seed": seed,
        "seconds": 60.0,
        "error": error,
        "claims": [
            {"claim": name, "value": value, "check": ">= 0.7", "holds": holds}
            for name, value, holds in claims
        ],
    }


def test_the_table_has_a_row_per_claim_and_a_column_per_seed():
    runs = [
        run(0, [("LSTM accuracy", 0.81, True), ("marker f", 0.9, True), ("marker f", 0.95, True)]),
        run(1, [("LSTM accuracy", 0.65, False), ("marker f", 0.92, True)]),
    ]
    rows = [line for line in claims_table.table(runs, [0, 1]).splitlines() if line.startswith("|")]
    assert rows[0] == "| claim | check | seed 0 | seed 1 | holds |"
    assert rows[2] == "| LSTM accuracy | >= 0.7 | 0.81 | 0.65 **FAILS** | **no** |"
    assert rows[3] == "| marker f | >= 0.7 | 0.9 | 0.92 | yes |"
    # A claim the other seed never reached (its second marker, say) does not hold.
    assert rows[4] == "| marker f (2) | >= 0.7 | 0.95 | not reached | **no** |"


def test_a_lab_that_raised_is_reported():
    text = claims_table.table([run(0, [], error="CellExecutionError: boom")], [0])
    assert "**seed 0 raised** CellExecutionError: boom" in text
    assert "No claims." in text
