"""The long-range memory sweep's results file: write it, read it back, tabulate and plot it.

`python -m rnnviz.experiments` writes `results/long_range_memory.json` with `save_results`;
the lab reads it with `load_results` and shows it with `sweep_table`, `runs_summary` and
`SweepPlot`. A results dict holds command, git_commit, date, machine, load, settings
(batch_size, hidden_size, clip, solve_mse, eval_every, baseline_mse, steps, seq_lens, seeds,
models, ...), complete and runs: one dict per (model, seq_len, seed) with its curve of
window-mean MSEs, steps_to_solve (None if not solved), steps_run and stopped_by.
"""

import json
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnnviz.sequence_models import CELL_NAMES, CELLS
from rnnviz.style import FIGURE_TEMPLATE, MODEL_COLORS

RESULTS_DIR = Path(__file__).resolve().parent.parent / "results"
RESULTS_PATH = RESULTS_DIR / "long_range_memory.json"


def save_results(results: dict, path) -> None:
    """Write the results as JSON (atomically, so a reader never sees half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(results, indent=1) + "\n")
    tmp.replace(path)


_RUN_KEYS = ("model", "seq_len", "seed", "solved", "steps_to_solve", "steps_run", "stopped_by",
             "final_mse", "curve", "cpu_seconds", "seconds")


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


def _by_config(results):
    groups = {}
    for run in results["runs"]:
        groups.setdefault((run["model"], run["seq_len"]), []).append(run)
    return groups


def sweep_table(results) -> str:
    """Per model and T: seeds solved and their median steps-to-solve; if none solved, the
    median final MSE and the median steps those runs got (their budget, however it ended).

    Inputs: results from `load_results`. Returns: the table (str).
    """
    groups = _by_config(results)
    lens = sorted({t for _, t in groups})
    cells = [c for c in CELLS if any(k[0] == c for k in groups)]
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
            lines.append(head + f"not solved in {run['steps_run']} steps (stopped by "
                         f"{run['stopped_by']}){mse}")
    return "\n".join(lines)


def sweep_figure(results, *, widget: bool = True):
    """Steps-to-solve (left) and final MSE (right) against T, one line per model.

    Each marker is one seed; the line joins medians. An unsolved run is drawn at its step
    budget (hollow marker) on the left, so "failed within the budget" is never hidden.

    Returns: a plotly FigureWidget (widget=True, for labs) or Figure (for files).
    """
    groups = _by_config(results)
    settings = results["settings"]
    fig = make_subplots(rows=1, cols=2, subplot_titles=(
        "steps to reach MSE < %g (hollow: not solved)" % settings["solve_mse"],
        "final MSE (dashed: predict 1.0)"))
    lens = sorted({t for _, t in groups})
    for cell in [c for c in CELLS if any(k[0] == c for k in groups)]:
        color = MODEL_COLORS[cell]
        runs = [r for t in lens for r in groups.get((cell, t), [])]
        fig.add_scatter(
            x=[r["seq_len"] for r in runs],
            y=[r["steps_to_solve"] if r["solved"] else r["steps_run"] for r in runs],
            mode="markers", name=CELL_NAMES[cell], legendgroup=cell,
            marker=dict(color=color, size=8,
                        symbol=["circle" if r["solved"] else "circle-open" for r in runs]),
            row=1, col=1)
        fig.add_scatter(x=lens, y=[float(np.median([
            r["steps_to_solve"] if r["solved"] else r["steps_run"]
            for r in groups.get((cell, t), [])])) for t in lens],
            mode="lines", line=dict(color=color), legendgroup=cell, showlegend=False,
            row=1, col=1)
        ended = [r for r in runs if r["final_mse"] is not None]
        fig.add_scatter(x=[r["seq_len"] for r in ended], y=[r["final_mse"] for r in ended],
                        mode="markers", marker=dict(color=color, size=8), legendgroup=cell,
                        showlegend=False, row=1, col=2)
    fig.add_scatter(x=[min(lens), max(lens)], y=[settings["baseline_mse"]] * 2, mode="lines",
                    line=dict(color="black", dash="dash"), name="predict 1.0", row=1, col=2)
    fig.update_xaxes(title_text="sequence length T", type="log", tickvals=lens)
    fig.update_yaxes(title_text="steps", type="log", row=1, col=1)
    fig.update_yaxes(title_text="MSE", type="log", row=1, col=2)
    fig.update_layout(template=FIGURE_TEMPLATE, height=380,
                      title="Adding problem, full sweep (%s)" % results["date"][:10],
                      margin=dict(l=60, r=20, t=70, b=40))
    return go.FigureWidget(fig) if widget else fig


class SweepPlot:
    """The sweep's figure for a notebook; a fixed text repr keeps nbval's comparison stable.

    Inputs: results from `load_results`. `.figure` is the plotly FigureWidget.
    """

    def __init__(self, results):
        self.figure = sweep_figure(results)

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.figure._repr_mimebundle_(**kwargs)
        if isinstance(bundle, tuple):
            bundle = bundle[0]
        return {**bundle, "text/plain": "<SweepPlot widget>"}
