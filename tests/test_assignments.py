"""The exercises the assignment way: nbgrader makes the student version from
exercises/rnn_exercises (solutions removed, checks in place) and grades submissions.

One autograde run, in a temporary course folder, grades five students: the solution gets
full marks, the unfilled student version zero, and each of three planted single bugs partial
marks (the checks of the exercises it breaks fail, the others pass).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "exercises" / "rnn_exercises" / "rnn_exercises.ipynb"
ASSIGNMENT = "rnn_exercises"
BIN = Path(sys.executable).parent  # nbgrader runs alembic from here
# One line of the solution, as a student might get it wrong.
BUGS = {
    "missing_tanh_derivative": ("da = dnext_h * (1 - next_h**2)", "da = dnext_h"),
    "transposed_Wh": ("prev_h @ Wh + b)  # (N, H)", "prev_h @ Wh.T + b)  # (N, H)"),
    "forget_gate_on_h": ("next_c = f * prev_c + i * g", "next_c = f * prev_h + i * g"),
}
# The checks each bug must fail (and only these): the exercises that use the wrong line.
BROKEN = {
    "missing_tanh_derivative": {"check_rnn_step_backward", "check_rnn_gradient_norms"},
    "transposed_Wh": {
        "check_rnn_step_forward",
        "check_rnn_step_backward",
        "check_rnn_gradient_norms",
    },
    "forget_gate_on_h": {"check_lstm_step_forward", "check_lstm_step_backward"},
}


def nbgrader(*args, root: Path) -> None:
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    subprocess.run(
        [str(BIN / "nbgrader"), *args, f"--CourseDirectory.root={root}"],
        check=True,
        capture_output=True,
        env=env,
        cwd=root,
    )


def solutions() -> dict:
    """grade_id -> the source's solution cell."""
    nb = nbformat.read(SOURCE, as_version=4)
    return {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }


def filled(release: Path, bug: tuple[str, str] | None = None):
    """The student version with every solution cell written, optionally with one bug."""
    nb = nbformat.read(release, as_version=4)
    answers = solutions()
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = answers[grade_id]
    if bug is not None:
        sources = [c.source for c in nb.cells]
        assert sum(bug[0] in s for s in sources) == 1, f"the line to break {bug[0]!r}"
        for cell in nb.cells:
            cell.source = cell.source.replace(*bug)
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Autograde the five submissions; returns student -> (score, max score, failed ids)."""
    from nbgrader.api import Gradebook

    root = tmp_path_factory.mktemp("course")
    (root / "source" / ASSIGNMENT).mkdir(parents=True)
    shutil.copy(SOURCE, root / "source" / ASSIGNMENT / SOURCE.name)
    nbgrader("generate_assignment", ASSIGNMENT, "--force", root=root)
    release = root / "release" / ASSIGNMENT / SOURCE.name
    submissions = {"solution": filled(release), "unfilled": nbformat.read(release, as_version=4)}
    submissions.update({name: filled(release, bug) for name, bug in BUGS.items()})
    for student, nb in submissions.items():
        folder = root / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / SOURCE.name)
    nbgrader("autograde", ASSIGNMENT, "--create", "--force", root=root)
    results = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        for student in submissions:
            submission = gradebook.find_submission(ASSIGNMENT, student)
            notebook = submission.notebooks[0]
            failed = {g.name for g in notebook.grades if g.score < g.max_score}
            results[student] = (submission.score, submission.max_score, failed)
    return results, release


def test_the_student_version_has_no_solution_and_keeps_the_checks(graded):
    _, release = graded
    text = release.read_text()
    assert "BEGIN SOLUTION" not in text and "1 - next_h**2" not in text
    assert "f * prev_c + i * g" not in text
    nb = nbformat.read(release, as_version=4)
    checks = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert len(checks) == 8 and all("exercises.check_" in c.source for c in checks)
    hints = [
        c.source for c in nb.cells if c.cell_type == "markdown" and "| name | shape |" in c.source
    ]
    assert len(hints) == 8 and all("Lecture 10" in h for h in hints)


def test_the_solution_gets_full_marks(graded):
    score, max_score, failed = graded[0]["solution"]
    assert max_score == 10 and score == max_score and not failed


def test_the_unfilled_version_gets_zero(graded):
    score, max_score, failed = graded[0]["unfilled"]
    assert score == 0 and max_score == 10 and len(failed) == 8


@pytest.mark.parametrize("bug", sorted(BUGS))
def test_a_planted_bug_gets_partial_marks(graded, bug):
    score, max_score, failed = graded[0][bug]
    assert failed == BROKEN[bug]
    assert 0 < score < max_score
    print(f"{bug}: {score:g} / {max_score:g}, failed {sorted(failed)}")
