"""The search for interpretable cells, as a statistic (Karpathy, Johnson and Fei-Fei 2015).

Run a trained character model over text, record every hidden cell (and every gate) at every
character, and correlate each cell with simple features of the text that a programmer would
track: inside a string literal, bracket depth, indentation, position in the line, inside a
comment. A cell whose activation follows a feature closely (|r| near 1) is "interpretable".
The same run gives the paper's saturation statistics: how often each gate is nearly shut
(< 0.1) or nearly open (> 0.9).
"""

from dataclasses import dataclass

import numpy as np
import torch

from rnnviz import checks
from rnnviz.charlm.model import CharLM, encode
from rnnviz.models import cells

FEATURES = {
    "in_string": "inside a string literal",
    "bracket_depth": "bracket depth",
    "indent": "indentation depth",
    "line_position": "position in the line",
    "in_comment": "inside a comment",
}

_OPENERS, _CLOSERS = "([{", ")]}"


def text_features(text: str) -> dict:
    """Each feature's value after reading every character of Python source.

    The value at t is the state *after* character t, since that is all the model has seen
    when its cell is recorded: the opening quote is inside the string, the closing one
    outside; a newline resets the line position and indentation to 0.
    Inputs: text of length T.
    Returns: {feature name: (T,) float64 array}, names as in FEATURES.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    values = {name: np.zeros(len(text)) for name in FEATURES}
    quote = None  # the delimiter of the open string literal: ', ", ''' or """
    comment = escaped = False
    depth = indent = column = 0
    at_line_start = True
    t = 0
    while t < len(text):
        ch = text[t]
        width = 1
        if ch == "\n":
            column, indent, at_line_start, comment, escaped = 0, 0, True, False, False
            if quote is not None and len(quote) == 1:
                quote = None  # an unterminated one-line string ends at the newline
        else:
            column += 1
            if at_line_start and ch in " \t":
                indent += 1
            else:
                at_line_start = False
            if quote is not None:
                if escaped:
                    escaped = False
                elif ch == "\\":
                    escaped = True
                elif text.startswith(quote, t):
                    width = len(quote)
                    quote = None
            elif not comment:
                if ch == "#":
                    comment = True
                elif ch in "'\"":
                    quote = ch * 3 if text.startswith(ch * 3, t) else ch
                    width = len(quote)
                elif ch in _OPENERS:
                    depth += 1
                elif ch in _CLOSERS:
                    depth = max(0, depth - 1)
        # A triple quote is read as one token: all three characters share the new state.
        for k in range(t, min(t + width, len(text))):
            column += k > t
            values["in_string"][k] = quote is not None
            values["in_comment"][k] = comment
            values["bracket_depth"][k] = depth
            values["indent"][k] = indent
            values["line_position"][k] = column
        t += width
    return values


@dataclass
class Activations:
    """Every recorded signal of a model over a text.

    text: the T characters read (the tail that did not fill a stream is dropped)
    signals: {"h": (T, H), "c": (T, H) for the LSTM, gate name: (T, H)} float32 arrays
    """

    text: str
    signals: dict


@torch.no_grad()
def activations(model: CharLM, text: str, streams: int = 1, signals=None) -> Activations:
    """Run the model over text and record h, c and every gate at every character.

    The text is cut into `streams` contiguous stretches read in parallel (each from a zero
    state) for speed; the recurrence is replayed with the lecture's equations by
    rnnviz.models.cells, so gates are in the lecture's order and naming (LSTM i, f, o, g).
    `signals` names the ones to keep, e.g. ("c", "i", "f", "o"); None keeps them all (each
    costs T * H * 4 bytes).
    Returns: Activations with T = len(text) // streams * streams characters.
    """
    if not isinstance(model, CharLM):
        raise TypeError(f"model must be a CharLM, got {type(model).__name__}")
    checks.positive_int("streams", streams)
    ids = encode(text, model.vocab)
    length = len(ids) // streams
    if length < 1:
        raise ValueError(f"text must hold at least streams={streams} characters, got {len(ids)}")
    ids = ids[: streams * length].reshape(streams, length)  # (S, L)
    recurrence = cells.TRACED_CELLS[model.cell].from_torch(model.rnn)
    available = ("h", "c")[: 1 + recurrence.has_cell_state] + {
        "rnn": (),
        "lstm": tuple("ifog"),
        "gru": tuple("rzn"),
    }[model.cell]
    if signals is not None:
        for name in signals:
            checks.choice("signals", name, available)
    keep = set(available if signals is None else signals)
    checks.within_budget(  # every kept signal, (S, L, H) float32, plus the text's features
        {"text": f"<{ids.numel()} characters>", "signals": signals},
        ids.numel() * (len(keep) * model.hidden_size + 16),
        bytes_each=4,
    )
    x = model.embed(ids)  # (S, L, E)
    H = recurrence.hidden_size
    h = torch.zeros(streams, H, dtype=x.dtype)  # (S, H)
    c = torch.zeros(streams, H, dtype=x.dtype) if recurrence.has_cell_state else None
    # Each step is written straight into preallocated arrays: stacking the per-step tensors
    # (as a trace does) holds every signal twice, which took lab 07 past 1 GB.
    recorded = {
        name: np.empty((streams, length, H), dtype=np.float32) for name in available if name in keep
    }  # (S, L, H) each
    for t in range(length):
        h, c, gates = recurrence.step(x[:, t], h, c)  # (S, H) each
        for name, value in {"h": h, "c": c, **gates}.items():
            if name in recorded:
                recorded[name][:, t] = value.numpy()
    # (S, L, H) -> (S * L, H): stream s holds characters s * L .. (s + 1) * L - 1, text order.
    return Activations(
        text[: streams * length], {name: value.reshape(-1, H) for name, value in recorded.items()}
    )


def correlations(signal: np.ndarray, features: dict) -> dict:
    """Pearson r of every cell with every feature.

    Inputs: signal (T, H) with T >= 1, finite; features {name: (T,)} finite.
    Returns: {name: (H,) r}; a cell or feature that never changes has r = 0.
    """
    checks.array("signal", signal, ndim=2)
    if signal.shape[0] < 1:
        raise ValueError(f"signal must hold at least one step, got shape {signal.shape}")
    if not isinstance(features, dict):
        raise TypeError(
            f"features must be a dict {{name: (T,) array}}, got {type(features).__name__}"
        )
    result = {}
    centred = signal - signal.mean(axis=0)  # (T, H)
    cell_norm = np.sqrt((centred.astype(np.float64) ** 2).sum(axis=0))  # (H,)
    for name, feature in features.items():
        checks.array(f"features[{name!r}]", feature, shape=(signal.shape[0],))
        f = feature - feature.mean()  # (T,)
        denom = cell_norm * np.sqrt((f**2).sum())  # (H,)
        r = (f @ centred.astype(np.float64)) / np.where(denom > 0, denom, 1.0)
        result[name] = np.where(denom > 0, r, 0.0)
    return result


def best_cells(signal: np.ndarray, features: dict) -> list:
    """The cell that tracks each feature best (largest |r|).

    Returns: [(feature name, cell index, r)] in the order of `features`.
    Raises: ValueError if the signal has no cells (H = 0).
    """
    if isinstance(signal, np.ndarray) and signal.ndim == 2 and signal.shape[1] < 1:
        raise ValueError(f"signal must hold at least one cell, got shape {signal.shape}")
    table = []
    for name, r in correlations(signal, features).items():
        cell = int(np.argmax(np.abs(r)))
        table.append((name, cell, float(r[cell])))
    return table


def saturation(gates: dict, low: float = 0.1, high: float = 0.9) -> dict:
    """Karpathy et al.'s statistic: how often each unit of each gate is saturated.

    Inputs: gates {name: (T, H) values in [0, 1]} (sigmoid gates), T >= 1, finite;
    thresholds low < high in [0, 1].
    Returns: {name: (left (H,), right (H,))}: the fraction of the T steps where the unit
    was left-saturated (< low, nearly shut) and right-saturated (> high, nearly open).
    """
    if not isinstance(gates, dict):
        raise TypeError(
            f"gates must be a dict {{gate name: (T, H) array}}, got {type(gates).__name__}"
        )
    low = checks.real_number("low", low, low=0.0, high=1.0)
    high = checks.real_number("high", high, low=0.0, high=1.0)
    if low >= high:
        raise ValueError(f"low must be < high, got low={low}, high={high}")
    result = {}
    for name, values in gates.items():
        checks.array(f"gates[{name!r}]", values, ndim=2)
        if values.shape[0] < 1:
            raise ValueError(
                f"gates[{name!r}] must hold at least one step, got shape {values.shape}"
            )
        result[name] = ((values < low).mean(axis=0), (values > high).mean(axis=0))
    return result
