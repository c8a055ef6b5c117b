"""The labs' nbval markers: each is one that nbval recognises, and says why output is unchecked.

nbval matches a marker comment as a whole (`# NBVAL_IGNORE_OUTPUT`, nothing after it), so
`# NBVAL_IGNORE_OUTPUT: because ...` is silently no marker at all.
"""

import re
from pathlib import Path

import nbformat
import pytest

LABS = sorted((Path(__file__).resolve().parent.parent / "labs").glob("*.ipynb"))
MARKERS = {"NBVAL_IGNORE_OUTPUT", "NBVAL_CHECK_OUTPUT", "NBVAL_RAISES_EXCEPTION", "NBVAL_SKIP"}


def code_cells(path):
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


@pytest.mark.parametrize("path", LABS, ids=lambda p: p.stem)
def test_every_nbval_marker_is_recognised_and_explained(path):
    for cell in code_cells(path):
        lines = [line.strip() for line in cell.source.splitlines()]
        for k, line in enumerate(lines):
            if re.match(r"#\s*NBVAL_", line):
                assert line.lstrip("#").strip() in MARKERS, f"{path.name}: {line!r} is no marker"
                assert k + 1 < len(lines) and lines[k + 1].startswith("#"), (
                    f"{path.name}: say why in a comment under {line!r}"
                )
