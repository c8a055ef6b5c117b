"""SweepPlot: the long-range memory sweep's figure, steps to solve and final MSE against T.

A static picture drawn by the renderer (rnnviz.widgets.renderer): two panels of markers and
lines on log axes, whose data entries hold log10 values; nothing is recomputed. A click on a
model in the legend hides its markers and lines in both panels.
"""

import numpy as np

from rnnviz.experiments.results import runs_by_config
from rnnviz.models.cell_kinds import CELL_NAMES, CELLS, LINEAR_CELLS
from rnnviz.style import MODEL_COLORS, MODEL_DASHES, MODEL_SYMBOLS
from rnnviz.widgets.renderer import (
    ChartWidget,
    Ref,
    Series,
    XYPanel,
    frames,
    grid_boxes,
    value_range,
)

WIDTH, HEIGHT = 940, 400
BASELINE_COLOR = "#000000"


def _log10(values):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log10(np.asarray(values, dtype=np.float64).reshape(-1))


def _steps(run):
    """Where a run sits on the left panel: its steps to solve, or its budget if unsolved."""
    return run["steps_to_solve"] if run["solved"] else run["steps_run"]


def sweep_chart(results):
    """Steps-to-solve (left) and final MSE (right) against T, one colour, dash and marker per
    model (rnnviz.style), so that no model is told apart by colour alone.

    Each marker is one seed; the line joins medians. An unsolved run is drawn at its step
    budget (hollow marker) on the left, so "failed within the budget" is never hidden. A run
    without a finite final MSE (diverged) is left out of the right panel.

    Inputs: results: from rnnviz.experiments.results.load_results.
    Returns: (spec, data) for Chart.show: every axis holds log10 values.
    """
    groups = runs_by_config(results)
    settings = results["settings"]
    lens = sorted({t for _, t in groups})
    data = {"lens": frames(_log10(lens), [])}
    left, right, legend = [], [], []
    for cell in [c for c in CELLS + LINEAR_CELLS if any(k[0] == c for k in groups)]:
        color, name = MODEL_COLORS[cell], CELL_NAMES[cell]
        dash, symbol = MODEL_DASHES[cell], MODEL_SYMBOLS[cell]
        runs = [r for t in lens for r in groups.get((cell, t), [])]
        for solved, label in ((True, name), (False, f"{name}, not solved")):
            chosen = [r for r in runs if r["solved"] == solved]
            if not chosen:
                continue
            key = f"{cell}_{'solved' if solved else 'unsolved'}"
            data[key] = frames(_log10([_steps(r) for r in chosen]), [])
            data[f"{key}_T"] = frames(_log10([r["seq_len"] for r in chosen]), [])
            left.append(
                Series(
                    name=label,
                    data=Ref(key),
                    x=Ref(f"{key}_T"),
                    color=color,
                    mode="markers",
                    symbol=symbol,
                    size=8,
                    open=not solved,
                    group=name,
                )
            )
        medians = [
            np.median([_steps(r) for r in groups[cell, t]]) if groups.get((cell, t)) else np.nan
            for t in lens
        ]
        data[f"{cell}_median"] = frames(_log10(medians), [])
        left.append(
            Series(
                name=f"{name}, median",
                data=Ref(f"{cell}_median"),
                x=Ref("lens"),
                color=color,
                dash=dash,
                group=name,
            )
        )
        # A diverged run has no final MSE (null in the file; NaN in an older one).
        ended = [r for r in runs if r["final_mse"] is not None and np.isfinite(r["final_mse"])]
        legend.append(dict(name=name, color=color, dash=dash, marker=symbol))
        if not ended:
            continue
        data[f"{cell}_mse"] = frames(_log10([r["final_mse"] for r in ended]), [])
        data[f"{cell}_mse_T"] = frames(_log10([r["seq_len"] for r in ended]), [])
        right.append(
            Series(
                name=name,
                data=Ref(f"{cell}_mse"),
                x=Ref(f"{cell}_mse_T"),
                color=color,
                mode="markers",
                symbol=symbol,
                size=8,
                group=name,
            )
        )
    data["ends"] = frames(_log10([min(lens), max(lens)]), [])
    data["baseline"] = frames(_log10([settings["baseline_mse"]] * 2), [])
    right.append(
        Series(
            name="predict 1.0",
            data=Ref("baseline"),
            x=Ref("ends"),
            color=BASELINE_COLOR,
            dash=[7, 4],
        )
    )
    legend.append(dict(name="predict 1.0", color=BASELINE_COLOR, dash=True))

    def y_range(series):
        values = [np.frombuffer(data[s.data.name]["values"], np.float32) for s in series]
        return value_range(np.concatenate(values), log=True, pad=0.08) or [0, 1]

    x_range = value_range(_log10(lens), log=True, pad=0.1)
    x_ticks = (_log10(lens), [str(t) for t in lens])
    boxes = grid_boxes(WIDTH, HEIGHT, rows=1, cols=2, margin=(80, 40, 80, 60), hspace=90)[0]
    common = dict(
        hover_mode="point",
        x_title="sequence length T",
        x_label="T",
        x_log=True,
        y_log=True,
        y_real=True,
        x_ticks=x_ticks,
    )
    spec = {
        "width": WIDTH,
        "height": HEIGHT,
        "title": "Adding problem, full sweep (%s)" % results["date"][:10],
        "controls": {},
        "legend": legend,
        "panels": [
            XYPanel(
                boxes[0],
                left,
                x_range=x_range,
                y_range=y_range(left),
                title="steps to reach MSE < %g (hollow: not solved)" % settings["solve_mse"],
                y_title="steps",
                y_label="steps",
                **common,
            ),
            XYPanel(
                boxes[1],
                right,
                x_range=x_range,
                y_range=y_range(right),
                title="final MSE (dashed: predict 1.0)",
                y_title="MSE",
                y_label="MSE",
                **common,
            ),
        ],
    }
    return spec, data


class SweepPlot(ChartWidget):
    """The sweep's figure for a notebook; a fixed text repr keeps nbval's comparison stable.

    Inputs: results from `load_results`. `.chart` is the renderer showing sweep_chart(results).
    """

    def __init__(self, results):
        super().__init__()
        spec, data = sweep_chart(results)
        self.chart.show(spec, data, controls={})
        self.box = self.chart
