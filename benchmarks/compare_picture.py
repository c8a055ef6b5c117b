"""The picture the renderer comparison redraws (bench_latency.py): GradientFlow's frames, as data.

Lab 04's GradientFlow at T=100, H=32: per spectral radius frame the RNN's log10 ||dL/dh_t||
and Pascanu's bound; the LSTM's log10 ||dL/dh_t|| and ||dL/dc_t|| at forget bias 0. Every
candidate draws the same picture from these numbers: two log-scale line panels (one a model)
over a 3 x T chain heatmap. `vega_lite_spec` is that picture in Vega-Lite, for Vega in the
page and for Altair's JupyterChart in JupyterLab (`altair_chart`). Imports no browser code.
"""

import numpy as np

from rnnviz.style import MODEL_COLORS

# log10 of the edges of float64: an overflow (inf/NaN) and an underflow (0) stay on the axis.
FINITE = {"nan": 0.0, "posinf": 308.0, "neginf": -320.0}
RNN_SERIES = ("vanilla RNN ||dL/dh_t||", "Pascanu bound")
LSTM_SERIES = ("LSTM ||dL/dh_t||", "LSTM ||dL/dc_t||")
CHAIN_ROWS = ("vanilla RNN h", "LSTM h", "LSTM c")


def picture_frames(seq_len=100, hidden_size=32):
    """GradientFlow's frames for the comparison, and its renderer spec.

    Returns: (frames, spec): frames {"rnn_h", "rnn_bound", "rnn_fade": (n, T) lists, one row a
    radius frame; "lstm_h", "lstm_c", "lstm_fade": (T,) lists at forget bias 0; stats}, with
    non-finite values moved to FINITE's edges; spec: the widget's chart spec without cursors.
    """
    from rnnviz.widgets.gradient_flow import GradientFlow

    flow = GradientFlow(seq_len=seq_len, hidden_size=hidden_size)
    data = flow.chart.data

    def frames_of(name):
        entry = data[name]
        return np.frombuffer(entry["values"], np.float32).reshape(entry["shape"])

    grid = np.asarray(flow.chart.spec["controls"]["forget_bias"]["grid"])
    bias = int(np.argmin(np.abs(grid)))
    frames = {
        name: np.nan_to_num(frames_of(name), **FINITE).tolist()
        for name in ("rnn_h", "rnn_bound", "rnn_fade")
    }
    frames.update(
        {name: frames_of(name)[bias].tolist() for name in ("lstm_h", "lstm_c", "lstm_fade")}
    )
    frames["rnn_s"] = frames["rnn_ratio"] = frames["lstm_ratio"] = [0.0]
    spec = dict(flow.chart.spec)
    spec["panels"] = [dict(p, cursor=None) if p["kind"] == "xy" else p for p in spec["panels"]]
    return frames, spec


def _rows(series, chain_rows, logs, frame=None):
    """Vega-Lite data rows: one a (series, t): log10 value `u`, the norm `g` = 10**u, the
    chain row it colours (or None) and its cell's edges t0, t1 (Vega computes nothing)."""
    rows = []
    for name, chain_row, values in zip(series, chain_rows, logs):
        for t, u in enumerate(values, start=1):
            row = {"s": name, "row": chain_row, "t": t, "t0": t - 0.5, "t1": t + 0.5}
            row.update(u=u, g=10.0**u)
            if frame is not None:
                row["f"] = frame
            rows.append(row)
    return rows


def vega_rows(frames):
    """(rnn rows of every frame, rnn rows per frame, lstm rows) for vega_lite_spec's data."""
    n = len(frames["rnn_h"])
    per_frame = [
        _rows(
            RNN_SERIES, (CHAIN_ROWS[0], None), (frames["rnn_h"][k], frames["rnn_bound"][k]), frame=k
        )
        for k in range(n)
    ]
    lstm = _rows(LSTM_SERIES, CHAIN_ROWS[1:], (frames["lstm_h"], frames["lstm_c"]))
    return [row for rows in per_frame for row in rows], per_frame, lstm


def vega_lite_spec(frames, per_frame_data=False, slider=False, frame=0):
    """The GradientFlow picture in Vega-Lite: RNN and LSTM norms on a shared log axis, the chain.

    Inputs: frames from picture_frames; per_frame_data: the "rnn" dataset holds one frame and
    a redraw replaces it (`view.data("rnn", rows)`); otherwise it holds every frame and the
    param `frame` filters it (a redraw sets the param); slider: bind `frame` to a range
    input (Vega's own slider, answered in the browser); frame: the first frame shown.
    Returns: a Vega-Lite spec (dict) with its data inline as named datasets.
    """
    every, per_frame, lstm = vega_rows(frames)
    n = len(per_frame)
    pick = [] if per_frame_data else [{"filter": "datum.f == frame"}]
    rnn_color, lstm_color = MODEL_COLORS["rnn"], MODEL_COLORS["lstm"]
    x = {"field": "t", "type": "quantitative", "title": "step t", "scale": {"nice": False}}
    y = {
        "field": "g",
        "type": "quantitative",
        "scale": {"type": "log"},
        "axis": {"format": ".0e"},
        "title": "||dL/dh_t||",
    }

    def lines(source, series, color, title):
        return {
            "data": {"name": source},
            "transform": pick if source == "rnn" else [],
            "mark": {"type": "line", "color": color, "clip": True},
            "encoding": {
                "x": x,
                "y": y,
                "strokeDash": {
                    "field": "s",
                    "type": "nominal",
                    "scale": {"domain": list(series), "range": [[1, 0], [6, 4]]},
                    "legend": {"title": None, "orient": "bottom"},
                },
            },
            "title": title,
            "width": 400,
            "height": 300,
        }

    def chain(source):
        return {
            "data": {"name": source},
            "transform": (pick if source == "rnn" else []) + [{"filter": "datum.row != null"}],
            "mark": "rect",
            "encoding": {
                "x": {
                    "field": "t0",
                    "type": "quantitative",
                    "title": "step t",
                    "scale": x["scale"],
                },
                "x2": {"field": "t1"},
                "y": {"field": "row", "type": "nominal", "sort": list(CHAIN_ROWS), "title": None},
                "color": {
                    "field": "u",
                    "type": "quantitative",
                    "scale": {"scheme": "viridis"},
                    "title": "log10 ||grad||",
                },
            },
        }

    param = {"name": "frame", "value": frame}
    if slider:
        param["bind"] = {
            "input": "range",
            "min": 0,
            "max": n - 1,
            "step": 1,
            "name": "RNN radius frame ",
        }
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "params": [param],
        "datasets": {"rnn": per_frame[frame] if per_frame_data else every, "lstm": lstm},
        "vconcat": [
            {
                "hconcat": [
                    lines("rnn", RNN_SERIES, rnn_color, "vanilla RNN"),
                    lines("lstm", LSTM_SERIES, lstm_color, "LSTM"),
                ],
                "resolve": {"scale": {"y": "shared", "strokeDash": "independent"}},
            },
            {
                "layer": [chain("rnn"), chain("lstm")],
                "width": 880,
                "height": 90,
                "title": "unrolled chain: colour = log10 of the gradient's norm at each state",
            },
        ],
    }


def altair_chart(frames, frame=0):
    """The picture as an Altair chart whose param `frame` is bound to a slider (a range input)."""
    import altair as alt

    return alt.VConcatChart.from_dict(vega_lite_spec(frames, slider=True, frame=frame))
