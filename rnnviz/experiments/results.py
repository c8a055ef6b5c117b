"""The long-range memory sweep's results file: write it, read it back, tabulate it.

`python -m rnnviz.experiments` writes `results/long_range_memory.json` with `save_results`;
the lab reads it with `load_results`, shows it with `sweep_table` and `runs_summary`, and
draws it with `rnnviz.widgets.sweep_plot.SweepPlot`. A results dict holds command,
git_commit, date, machine, load, settings (batch_size, hidden_size, clip, solve_mse,
eval_every, baseline_mse, steps, seq_lens, seeds, models, ...), complete and runs: one dict
per (model, seq_len, seed) with its curve of window-mean MSEs, steps_to_solve (None if not
solved), steps_run and stopped_by.
"""

import json
import math
from pathlib import Path

import numpy as np

from rnnviz.models.cell_kinds import CELL_NAMES, CELLS, LINEAR_CELLS
from rnnviz.paths import RESULTS_DIR

RESULTS_PATH = RESULTS_DIR / "long_range_memory.json"
SHORT_COMMIT = 7  # hex digits of a commit `provenance` prints, as `git log --oneline` does


def save_results(results: dict, path) -> None:
    """Write the results as JSON (atomically, so a reader never sees half a file).

    A NaN or inf (a diverged run's loss) is written as null: NaN is not JSON, and every
    reader but Python's own refuses it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(_finite_or_null(results), indent=1, allow_nan=False) + "\n")
    tmp.replace(path)


def _finite_or_null(value):
    """`value` with every non-finite float, at any depth, replaced by None."""
    if isinstance(value, dict):
        return {k: _finite_or_null(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite_or_null(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


_RUN_KEYS = (
    "model",
    "seq_len",
    "seed",
    "solved",
    "steps_to_solve",
    "steps_run",
    "stopped_by",
    "final_mse",
    "curve",
    "cpu_seconds",
    "seconds",
)


def load_results(path=RESULTS_PATH) -> dict:
    """Read a sweep's JSON; raise ValueError naming the file if it is missing or malformed.

    Returns: the dict with keys command, date, machine, load, settings, complete, runs.
    """
    path = Path(path)
    try:
        results = json.loads(path.read_text())
    except (OSError, ValueError) as err:
        raise ValueError(f"results file {path} could not be read as JSON: {err}") from err
    if not isinstance(results, dict):
        raise ValueError(f"results file {path} must hold a JSON object")
    for key in ("command", "date", "machine", "load", "settings", "complete", "runs"):
        if key not in results:
            raise ValueError(f"results file {path} lacks the key {key!r}")
    if not isinstance(results["runs"], list) or not results["runs"]:
        raise ValueError(f"results file {path} has no runs")
    for i, run in enumerate(results["runs"]):
        missing = [k for k in _RUN_KEYS if not isinstance(run, dict) or k not in run]
        if missing:
            raise ValueError(f"results file {path}: run {i} lacks {missing}")
    return results


def provenance(results) -> str:
    """Who made the runs: for each part of the sweep (one unless it was continued with
    --resume), its command, date, code (the git commit, short), machine, runs and load note.

    Inputs: results from `load_results`. Returns: the lines (str).
    """
    parts = results.get("parts") or [dict(results, runs=len(results["runs"]))]
    lines = []
    for part in parts:
        machine = part["machine"]
        # A sweep run outside a git checkout records no commit (None).
        commit = part.get("git_commit")
        code = f"commit {commit[:SHORT_COMMIT]}" if commit else "commit unknown"
        made = f"{part['date']}, {code}, {machine['cpu_model']}, torch {machine['torch']}"
        lines += [
            part["command"],
            f"  {made}: {part['runs']} runs",
            f"  load: {part['load']}",
        ]
        if "load_observed" in part:
            lines.append(f"  {part['load_observed']}")
    return "\n".join(lines)


def runs_by_config(results) -> dict:
    """The runs grouped by (model, seq_len): {(model, seq_len): [run, ...]}."""
    groups = {}
    for run in results["runs"]:
        groups.setdefault((run["model"], run["seq_len"]), []).append(run)
    return groups


def sweep_table(results) -> str:
    """Per model and T: seeds solved and their median steps-to-solve; if none solved, the
    median final MSE and the median steps those runs got (their budget, however it ended).

    Inputs: results from `load_results`. Returns: the table (str).
    """
    groups = runs_by_config(results)
    lens = sorted({t for _, t in groups})
    cells = [c for c in CELLS + LINEAR_CELLS if any(k[0] == c for k in groups)]
    lines = [f"{'model':18s}" + "".join(f"{'T=' + str(t):>26s}" for t in lens)]
    for cell in cells:
        row = f"{CELL_NAMES[cell]:18s}"
        for t in lens:
            runs = groups.get((cell, t), [])
            solved = [r["steps_to_solve"] for r in runs if r["solved"]]
            text = f"{len(solved)}/{len(runs)}"
            if solved:
                text += f" in {int(np.median(solved))} steps"
            else:
                # A run stopped before its first full window has no final MSE (None).
                mses = [r["final_mse"] for r in runs if r["final_mse"] is not None]
                got = int(np.median([r["steps_run"] for r in runs]))
                text += f", MSE {np.median(mses):.3f} @{got}" if mses else f", @{got}"
            row += f"{text:>26s}"
        lines.append(row)
    return "\n".join(lines)


def runs_summary(results) -> str:
    """One line per run: solved in how many steps, or how far it got and how it ended.

    Inputs: results from `load_results`. Returns: the lines (str).
    """
    lines = []
    for run in results["runs"]:
        head = f"{CELL_NAMES[run['model']]:18s} T={run['seq_len']:<4d} seed {run['seed']}: "
        if run["solved"]:
            lines.append(head + f"solved in {run['steps_to_solve']} steps")
        else:
            mse = "" if run["final_mse"] is None else f", MSE {run['final_mse']:.3f}"
            lines.append(
                head + f"not solved in {run['steps_run']} steps (stopped by "
                f"{run['stopped_by']}){mse}"
            )
    return "\n".join(lines)
