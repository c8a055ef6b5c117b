"""GradientFlow's picture: where each model's gradient norms are drawn, and in what colours.

rnnviz.widgets.gradient_flow computes the frames; this module lays out the panels that read
them (one lines panel a model over the unrolled chain of states) and the legend.
"""

import numpy as np

from rnnviz.style import (
    MAGNITUDE_SCALE,
    MODEL_COLORS,
    MODEL_MARKER_GAP,
    MODEL_SYMBOLS,
    OVERFLOW_COLOR,
    UNDERFLOW_COLOR,
)
from rnnviz.widgets.renderer import (
    HeatmapGroup,
    HeatmapPanel,
    Ref,
    Series,
    XYPanel,
    grid_boxes,
    span,
)

NAMES = {"rnn": "vanilla RNN", "lstm": "LSTM", "gru": "GRU"}
# The chain's rows, top to bottom: (model, state, y position).
CHAIN_ROWS = (("rnn", "h", 3), ("lstm", "h", 2), ("lstm", "c", 1), ("gru", "h", 0))
UNSEEN_OPACITY = 0.12  # states the backward pulse has not reached yet
WIDTH, HEIGHT = 980, 600


def flow_panels(T: int, with_gru: bool, jacobians: bool) -> list:
    """The panels of GradientFlow's picture: one lines panel a model, the unrolled chain.

    Inputs: T: seq_len; with_gru: draw the GRU's panel and row; jacobians: draw the RNN's
    ||dh_T/dh_t||_2. Returns: the Panels; their Refs name the entries GradientFlow sends.
    """
    n = 3 if with_gru else 2
    top = grid_boxes(
        WIDTH,
        HEIGHT,
        rows=2,
        cols=n,
        margin=(105, 80, 50, 45),
        hspace=55,
        vspace=75,
        row_heights=[0.68, 0.32],
    )
    t = dict(x0=1, dx=1)
    rnn_color, lstm_color = MODEL_COLORS["rnn"], MODEL_COLORS["lstm"]
    # Each model's ||dL/dh_t|| carries its marker (rnnviz.style); within a panel the dash
    # keeps telling the series apart (solid: the gradient; dashed: a bound or the cell state).
    marked = dict(markers=True, marker_gap=MODEL_MARKER_GAP)
    common = dict(y_log=True, share="top", x_title="step t", x_label="t")
    rnn_series = [
        Series(
            name="vanilla RNN ||dL/dh_t||",
            symbol=MODEL_SYMBOLS["rnn"],
            **marked,
            data=Ref("rnn_h"),
            color=rnn_color,
            width=2.5,
            edges=True,
            **t,
        ),
        Series(
            name="Pascanu bound",
            data=Ref("rnn_bound"),
            color=rnn_color,
            dash=[6, 4],
            opacity=0.6,
            autorange=False,
            **t,
        ),
    ]
    if jacobians:
        rnn_series.append(
            Series(
                name="||dh_T/dh_t||_2",
                data=Ref("rnn_jacobian"),
                color=rnn_color,
                dash=[2, 3],
                **t,
            )
        )
    panels = [
        XYPanel(
            top[0][0],
            rnn_series,
            y_title="||dL/dh_t||",
            title="vanilla RNN: s = {rnn_s:.2f}, h_1/h_T = {rnn_ratio:.1e}",
            cursor=dict(
                control="step",
                x0=1,
                markers=[dict(data=Ref("rnn_h"), fade=Ref("rnn_fade"), color=rnn_color)],
            ),
            **common,
        ),
        XYPanel(
            top[0][1],
            [
                Series(
                    name="LSTM ||dL/dh_t||",
                    symbol=MODEL_SYMBOLS["lstm"],
                    **marked,
                    data=Ref("lstm_h"),
                    color=lstm_color,
                    width=2.5,
                    edges=True,
                    **t,
                ),
                Series(
                    name="LSTM ||dL/dc_t||",
                    data=Ref("lstm_c"),
                    color=lstm_color,
                    dash=[6, 4],
                    edges=True,
                    **t,
                ),
            ],
            title="LSTM: c_1/c_T = {lstm_ratio:.1e}",
            cursor=dict(
                control="step",
                x0=1,
                markers=[dict(data=Ref("lstm_c"), fade=Ref("lstm_fade"), color=lstm_color)],
            ),
            **common,
        ),
    ]
    if with_gru:
        gru_color = MODEL_COLORS["gru"]
        panels.append(
            XYPanel(
                top[0][2],
                [
                    Series(
                        name="GRU ||dL/dh_t||",
                        symbol=MODEL_SYMBOLS["gru"],
                        **marked,
                        data=Ref("gru_h"),
                        color=gru_color,
                        width=2.5,
                        edges=True,
                        **t,
                    )
                ],
                title="GRU: h_1/h_T = {gru_ratio:.1e}",
                cursor=dict(
                    control="step",
                    x0=1,
                    markers=[dict(data=Ref("gru_h"), fade=Ref("gru_fade"), color=gru_color)],
                ),
                **common,
            )
        )
    rows = [r for r in CHAIN_ROWS if with_gru or r[0] != "gru"]
    cell = float(np.clip(700 / T, 2.5, 12))
    groups = [
        HeatmapGroup(
            data=Ref(f"{m}_{s}"),
            x0=1,
            dx=1,
            y0=y,
            cell=cell,
            ring=(m, s) != ("lstm", "h"),
            rows=[f"{NAMES[m]} {s}_t"],
        )
        for m, s, y in rows
    ]
    panels.append(
        HeatmapPanel(
            span(top[1][0], top[1][n - 1]),
            groups,
            MAGNITUDE_SCALE,
            share="top",
            title="unrolled chain: colour = log10 of the gradient's norm at each state",
            x_title="step t  (the loss is at T; the gradient flows right to left)",
            x_label="t",
            y_range=[-0.5 if with_gru else 0.5, 3.5],
            tickvals=[y for *_, y in rows],
            ticktext=[f"{NAMES[m]} {s}" for m, s, _ in rows],
            colorbar="log10 ||grad||",
            value_label="log10 ||grad|| = ",
            hover=".1f",
            cursor=dict(control="step", dim_before=UNSEEN_OPACITY, ring=True),
        )
    )
    return panels


def flow_legend(jacobians: bool, with_gru: bool) -> list:
    """The legend of GradientFlow's picture, for the same switches as flow_panels."""
    rnn, lstm = MODEL_COLORS["rnn"], MODEL_COLORS["lstm"]
    items = [
        dict(name="vanilla RNN ||dL/dh_t||", color=rnn, dash=[], marker=MODEL_SYMBOLS["rnn"]),
        dict(name="Pascanu bound", color=rnn, dash=True),
        dict(name="LSTM ||dL/dh_t||", color=lstm, dash=[], marker=MODEL_SYMBOLS["lstm"]),
        dict(name="LSTM ||dL/dc_t||", color=lstm, dash=True),
    ]
    if jacobians:
        items.append(dict(name="||dh_T/dh_t||_2", color=rnn, dash=True))
    if with_gru:
        gru = dict(color=MODEL_COLORS["gru"], dash=[], marker=MODEL_SYMBOLS["gru"])
        items.append(dict(name="GRU ||dL/dh_t||", **gru))
    return items + [
        dict(name="0: underflow", color=UNDERFLOW_COLOR, symbol="\u25bc"),
        dict(name="inf/NaN: overflow", color=OVERFLOW_COLOR, symbol="\u25b2"),
    ]
