"""SweepPlot: the long-range memory sweep's figure, steps to solve and final MSE against T."""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnnviz.experiments.results import runs_by_config
from rnnviz.models.cell_kinds import CELL_NAMES, CELLS
from rnnviz.style import FIGURE_TEMPLATE, MODEL_COLORS


def sweep_figure(results, *, widget: bool = True):
    """Steps-to-solve (left) and final MSE (right) against T, one line per model.

    Each marker is one seed; the line joins medians. An unsolved run is drawn at its step
    budget (hollow marker) on the left, so "failed within the budget" is never hidden.

    Returns: a plotly FigureWidget (widget=True, for labs) or Figure (for files).
    """
    groups = runs_by_config(results)
    settings = results["settings"]
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=(
            "steps to reach MSE < %g (hollow: not solved)" % settings["solve_mse"],
            "final MSE (dashed: predict 1.0)",
        ),
    )
    lens = sorted({t for _, t in groups})
    for cell in [c for c in CELLS if any(k[0] == c for k in groups)]:
        color = MODEL_COLORS[cell]
        runs = [r for t in lens for r in groups.get((cell, t), [])]
        fig.add_scatter(
            x=[r["seq_len"] for r in runs],
            y=[r["steps_to_solve"] if r["solved"] else r["steps_run"] for r in runs],
            mode="markers",
            name=CELL_NAMES[cell],
            legendgroup=cell,
            marker=dict(
                color=color,
                size=8,
                symbol=["circle" if r["solved"] else "circle-open" for r in runs],
            ),
            row=1,
            col=1,
        )
        fig.add_scatter(
            x=lens,
            y=[
                float(
                    np.median(
                        [
                            r["steps_to_solve"] if r["solved"] else r["steps_run"]
                            for r in groups.get((cell, t), [])
                        ]
                    )
                )
                for t in lens
            ],
            mode="lines",
            line=dict(color=color),
            legendgroup=cell,
            showlegend=False,
            row=1,
            col=1,
        )
        # A diverged run has no final MSE (null in the file; NaN in an older one).
        ended = [r for r in runs if r["final_mse"] is not None and np.isfinite(r["final_mse"])]
        fig.add_scatter(
            x=[r["seq_len"] for r in ended],
            y=[r["final_mse"] for r in ended],
            mode="markers",
            marker=dict(color=color, size=8),
            legendgroup=cell,
            showlegend=False,
            row=1,
            col=2,
        )
    fig.add_scatter(
        x=[min(lens), max(lens)],
        y=[settings["baseline_mse"]] * 2,
        mode="lines",
        line=dict(color="black", dash="dash"),
        name="predict 1.0",
        row=1,
        col=2,
    )
    fig.update_xaxes(title_text="sequence length T", type="log", tickvals=lens)
    fig.update_yaxes(title_text="steps", type="log", row=1, col=1)
    fig.update_yaxes(title_text="MSE", type="log", row=1, col=2)
    fig.update_layout(
        template=FIGURE_TEMPLATE,
        height=380,
        title="Adding problem, full sweep (%s)" % results["date"][:10],
        margin=dict(l=60, r=20, t=70, b=40),
    )
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
