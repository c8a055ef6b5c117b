"""scripts/claims_table.py (`make claims`): per claim, seeds held, worst value and margin."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "claims_table.py"
spec = importlib.util.spec_from_file_location("claims_table", SCRIPT)
claims_table = importlib.util.module_from_spec(spec)
spec.loader.exec_module(claims_table)


def run(seed, claims, error=None, kernels="native"):
    return {
        "lab": "06_long_range_memory.ipynb",
        "seed": seed,
        "kernels": kernels,
        "seconds": 60.0,
        "error": error,
        "claims": [
            {"claim": name, "value": value, "check": check, "holds": holds}
            for name, value, check, holds in claims
        ],
    }


@pytest.mark.parametrize(
    "value, check, expected",
    [
        (0.81, ">= 0.7", 0.11),
        (0.65, ">= 0.7", -0.05),
        (0.1, "<= 0.15", 0.05),
        (0.17, "in [0.15, 0.19]", 0.02),
        (2e-3, "<= 1e-02", 8e-3),
        ("nan", ">= 0", float("-inf")),
    ],
)
def test_the_margin_is_the_distance_inside_the_bound(value, check, expected):
    assert claims_table.margin(value, check) == pytest.approx(expected)


def test_a_row_per_claim_with_the_worst_seed_of_each_kernel_path():
    runs = [
        run(
            0,
            [
                ("acc", 0.81, ">= 0.7", True),
                ("f", 0.9, "<= 0.95", True),
                ("f", 0.8, "<= 0.95", True),
            ],
        ),
        run(1, [("acc", 0.65, ">= 0.7", False), ("f", 0.92, "<= 0.95", True)]),
        run(0, [("acc", 0.75, ">= 0.7", True), ("f", 0.9, "<= 0.95", True)], kernels="default"),
    ]
    rows = [line for line in claims_table.table(runs).splitlines() if line.startswith("|")]
    assert rows[0].startswith("| claim | check | native: held | native: worst (seed) |")
    assert rows[2] == "| acc | >= 0.7 | **1/2** | 0.65 (1) | -0.05 | 1/1 | 0.75 (0) | 0.05 |"
    assert rows[3] == "| f | <= 0.95 | 2/2 | 0.92 (1) | 0.03 | 1/1 | 0.9 (0) | 0.05 |"
    # A claim a seed never reached (its second marker, say) counts as a miss for that seed.
    summary = claims_table.summary(runs)
    second = [r for r in summary if r["claim"] == "f" and r["occurrence"] == 1][0]
    assert second["paths"]["native"]["missing"] == [1]
    assert rows[4] == "| f (2) | <= 0.95 | **1/2** | 0.8 (0) | 0.15 | **0/1** | - | - |"


def test_a_lab_that_raised_is_reported():
    text = claims_table.table([run(0, [], error="CellExecutionError: boom")])
    assert "**seed 0 (native) raised** CellExecutionError: boom" in text
    assert "No claims." in text
