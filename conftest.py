"""Set-up for every pytest run from this folder: unit tests, nbval over labs/, browser tests.

No network: tests/network_guard.py refuses outbound connections in this process and, named
in PYTHONSTARTUP, in every kernel started from it (nbval's, the browser tests' JupyterLab's).
It lives here, not in tests/conftest.py, so that `pytest labs/` alone is guarded too.

Strict claims: RNNVIZ_STRICT_CLAIMS (rnnviz.claims.STRICT_ENV) makes a missed claim raise in
every kernel started from here, so a lab test fails on it; a student's session only shows a
notice and goes on.

Lab tests (nbval) on a loaded machine: nbval waits at most 5 s (`IPyNbCell.output_timeout`,
not an option) for each output message after a cell has finished. A long training cell queues
many widget and progress messages; with both cores busy the kernel can take longer than that
to send the last of them, and nbval then fails the cell with "Timeout of 5 seconds exceeded
waiting for output" although nothing is wrong (seen on lab 06 with two other processes on the
CPU). A cell that really hangs is still stopped by `--nbval-cell-timeout`.
"""

import os
import runpy
from pathlib import Path

import pytest

NETWORK_GUARD = Path(__file__).parent / "tests" / "network_guard.py"
runpy.run_path(str(NETWORK_GUARD))
os.environ["PYTHONSTARTUP"] = str(NETWORK_GUARD)
os.environ["RNNVIZ_STRICT_CLAIMS"] = "1"

OUTPUT_TIMEOUT = 120  # seconds between two output messages of a finished cell


def pytest_collection_modifyitems(items):
    for item in items:
        if type(item).__name__ == "IPyNbCell":
            if not hasattr(item, "output_timeout"):
                raise pytest.UsageError(
                    "nbval's IPyNbCell no longer has output_timeout: revisit conftest.py"
                )
            item.output_timeout = OUTPUT_TIMEOUT
