"""Lab tests (nbval) on a loaded machine.

nbval waits at most 5 s (`IPyNbCell.output_timeout`, not an option) for each output message
after a cell has finished. A long training cell queues thousands of widget and progress
messages; with both cores busy the kernel can take longer than that to send the last of them,
and nbval then fails the cell with "Timeout of 5 seconds exceeded waiting for output" although
nothing is wrong (seen on lab 06 with two other processes on the CPU). A cell that really
hangs is still stopped by `--nbval-cell-timeout`.
"""

import pytest

OUTPUT_TIMEOUT = 120  # seconds between two output messages of a finished cell


def pytest_collection_modifyitems(items):
    for item in items:
        if type(item).__name__ == "IPyNbCell":
            if not hasattr(item, "output_timeout"):
                raise pytest.UsageError("nbval's IPyNbCell no longer has output_timeout: "
                                        "revisit conftest.py")
            item.output_timeout = OUTPUT_TIMEOUT
