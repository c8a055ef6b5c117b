"""scripts/doc_screenshots.py (`make doc-screenshots`): the graded submission it photographs is
the student version filled in as a student would, with exactly one planted bug."""

import importlib.util
from pathlib import Path

import nbformat
import pytest
from nbgrader.preprocessors import ClearSolutions

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "doc_screenshots.py"
spec = importlib.util.spec_from_file_location("doc_screenshots", SCRIPT)
doc_screenshots = importlib.util.module_from_spec(spec)
spec.loader.exec_module(doc_screenshots)


def notebooks():
    """(student version, source): the student version made by nbgrader's own preprocessor."""
    source = nbformat.read(doc_screenshots.SOURCE, as_version=4)
    release, _ = ClearSolutions().preprocess(nbformat.from_dict(source), {})
    return release, source


def solution_cells(nb) -> dict:
    return {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }


def test_the_submission_is_the_solution_without_markers_and_with_one_bug():
    release, source = notebooks()
    assert all("YOUR CODE HERE" in s for s in solution_cells(release).values())
    right, wrong = doc_screenshots.BUGS[doc_screenshots.BUG]
    filled = solution_cells(doc_screenshots.submission(release, source, (right, wrong)))
    want = solution_cells(source)
    assert filled.keys() == want.keys()
    changed = []
    for grade_id, text in filled.items():
        assert "YOUR CODE HERE" not in text and "SOLUTION" not in text
        unmarked = "\n".join(l for l in want[grade_id].splitlines() if "SOLUTION" not in l)
        if text != unmarked:
            assert text == unmarked.replace(right, wrong), grade_id
            changed.append(grade_id)
    assert changed == [doc_screenshots.EXERCISE]
    # The release itself is left as it was.
    assert all("YOUR CODE HERE" in s for s in solution_cells(release).values())


def test_a_bug_whose_line_is_not_in_one_solution_is_refused():
    release, source = notebooks()
    with pytest.raises(ValueError, match="bug"):
        doc_screenshots.submission(release, source, ("no such line", "x"))
    with pytest.raises(ValueError, match="bug"):
        doc_screenshots.submission(release, source, ("return", "x"))
