"""rnnviz.experiments.results: the committed sweep is complete and consistent; tables and figure."""

import json

import pytest

from rnnviz.experiments.results import (
    RESULTS_PATH,
    load_results,
    provenance,
    runs_summary,
    save_results,
    sweep_table,
)
from rnnviz.models.cell_kinds import CELL_NAMES, CELLS, LINEAR_CELLS

COMMITTED = sorted(RESULTS_PATH.parent.glob("long_range_memory*.json"))


def test_the_main_sweep_is_committed():
    assert RESULTS_PATH in COMMITTED


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: p.name)
def test_committed_results_load_and_are_consistent(path, assert_consistent):
    assert_consistent(load_results(path))


def test_committed_results_cover_every_model_three_seeds_and_long_sequences():
    """T up to 200, three seeds, every model."""
    settings = load_results()["settings"]
    assert max(settings["seq_lens"]) >= 200 and len(settings["seeds"]) >= 3
    assert set(settings["models"]) == set(CELLS + LINEAR_CELLS)


def test_committed_results_tell_who_made_each_part():
    results = load_results()
    parts = results["parts"]
    assert sum(part["runs"] for part in parts) == len(results["runs"])
    assert provenance(results).count("python -m rnnviz.experiments") == len(parts)


def test_provenance_names_each_parts_commit():
    results = load_results()
    lines = provenance(results).splitlines()
    for part in results["parts"]:
        assert part["git_commit"], "every committed part records its commit"
        made = [line for line in lines if line.startswith(f"  {part['date']}, ")]
        assert len(made) == 1 and f", commit {part['git_commit'][:7]}, " in made[0], made
    # A file without parts (before --resume) and a run outside a git checkout.
    single = {k: v for k, v in results.items() if k != "parts"}
    assert f", commit {results['git_commit'][:7]}, " in provenance(single)
    assert ", commit unknown, " in provenance(dict(single, git_commit=None))


def test_sweep_table_shows_every_model():
    table = sweep_table(load_results())
    for cell in CELLS + LINEAR_CELLS:
        assert CELL_NAMES[cell] in table


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "could not be read"),
        ("not json {", "could not be read"),
        ("[1, 2]", "JSON object"),
        (json.dumps({"command": "x"}), "lacks the key 'date'"),
    ],
)
def test_malformed_results_files_are_rejected(tmp_path, content, message):
    path = tmp_path / "results.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ValueError, match=message):
        load_results(path)


def test_a_run_missing_fields_is_rejected(tmp_path):
    results = load_results()
    del results["runs"][3]["steps_to_solve"]
    path = tmp_path / "results.json"
    path.write_text(json.dumps(results))
    with pytest.raises(ValueError, match="run 3 lacks"):
        load_results(path)


def test_runs_summary_has_one_line_per_run():
    results = load_results()
    lines = runs_summary(results).splitlines()
    assert len(lines) == len(results["runs"])
    for line, run in zip(lines, results["runs"]):
        assert ("solved in" in line and "not" not in line) == run["solved"]
        assert f"T={run['seq_len']}" in line


def test_save_then_load_round_trips(tmp_path):
    results = load_results()
    path = tmp_path / "sub" / "sweep.json"
    save_results(results, path)
    assert load_results(path) == results
    assert not path.with_suffix(".tmp").exists()


def test_a_diverged_run_is_saved_as_strict_json_with_null_gaps(tmp_path):
    results = load_results()
    run = results["runs"][0]
    run["final_mse"] = float("nan")
    run["curve"]["mse"][0] = float("inf")
    path = tmp_path / "r.json"
    save_results(results, path)
    json.loads(path.read_text(), parse_constant=pytest.fail)  # no NaN/Infinity tokens
    back = load_results(path)["runs"][0]
    assert back["final_mse"] is None and back["curve"]["mse"][0] is None
