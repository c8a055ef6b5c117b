"""CellActivations: text coloured character by character by one hidden cell.

Karpathy, Johnson and Fei-Fei's (2015) picture: each character's background shows one
cell's value after reading it (red positive, blue negative), so a cell that turns on inside
quotes or counts brackets is visible at a glance. Below the text, the same cell as a line,
with a text feature beneath it and their correlation r.

Every control is answered in the browser: every cell of every signal over the shown text,
each feature (rnnviz.charlm.interpret.text_features) and every correlation
(rnnviz.charlm.interpret.correlations) go to the browser once, and the renderer
(rnnviz.widgets.renderer) picks the chosen cell's row and colours the text by it.
"""

import numpy as np

from rnnviz import checks
from rnnviz.charlm.interpret import FEATURES, Activations, correlations, text_features
from rnnviz.models.foreign import trace
from rnnviz.style import GATE_NAMES, MODEL_COLORS
from rnnviz.widgets.controls import dropdown, int_slider
from rnnviz.widgets.renderer import (
    CharsPanel,
    ChartWidget,
    Ref,
    Series,
    XYPanel,
    char_codes,
    frames,
    text_rows,
)

SIGNAL_NAMES = {"c": "cell state c", "h": "hidden state h", **GATE_NAMES}
SIGMOID_SIGNALS = ("i", "f", "o", "r", "z")
# Blue (negative) through white to red (positive): the colours of 85% opaque
# rgba(31,119,180) and rgba(214,39,40) on white; a NaN/inf value is grey.
ACTIVATION_SCALE = [[0.0, "rgb(65,139,191)"], [0.5, "rgb(255,255,255)"], [1.0, "rgb(220,71,72)"]]
NON_FINITE_COLOUR = "rgb(178,178,178)"
FEATURE_COLOUR = "#7f7f7f"
WIDTH = 940
TEXT_BOX = (10, 40, 820)  # left, top, width (px)
CHAR_WIDTH, LINE_HEIGHT = 7.2, 15
LINE_HEIGHT_PX, FEATURE_HEIGHT_PX = 170, 80


def value_range(values: np.ndarray, pad: float = 0.05) -> list:
    """[lo, hi] of the finite values, padded by `pad` of the span ([-1, 1] if none is finite;
    a constant series gets +-0.5)."""
    finite = values[np.isfinite(values)]
    if not finite.size:
        return [-1.0, 1.0]
    lo, hi = float(finite.min()), float(finite.max())
    if hi - lo < 1e-9:
        return [lo - 0.5, hi + 0.5]
    return [lo - pad * (hi - lo), hi + pad * (hi - lo)]


def colour_range(name: str, values: np.ndarray) -> list:
    """The values drawn at the colour scale's ends: a gate in (0, 1) is neutral (white) at
    half-open; another signal is centred on 0, as wide as its largest finite |value|."""
    if name in SIGMOID_SIGNALS:
        return [0.0, 1.0]
    finite = np.abs(values[np.isfinite(values)])
    reach = max(float(finite.max()) if finite.size else 0.0, 1e-6)
    return [-reach, reach]


class CellActivations(ChartWidget):
    """Pick a signal (c, h or a gate) and a cell; see it over the text and beside a feature.

    Inputs:
    - acts: rnnviz.charlm.interpret.Activations of a model over a text
    - signal, cell: what to show first (a key of acts.signals; a cell in 0..H-1)
    - feature: the text feature drawn beside it, a key of rnnviz.charlm.interpret.FEATURES
    - shown_chars: how many characters of the text (at most) to colour and plot
    NaN/inf activations are drawn as gaps in the line and grey in the text.
    Attributes: signal, cell, feature (the controls); text, signals (the shown stretch);
    features; correlations {signal: (H, n_features) r}; data (compute() for the controls).
    """

    def __init__(
        self,
        acts: Activations,
        signal: str = "c",
        cell: int = 0,
        feature: str = "in_string",
        shown_chars: int = 1500,
    ):
        super().__init__()
        if not isinstance(acts, Activations):
            raise TypeError(
                f"acts must be rnnviz.charlm.interpret.Activations, got {type(acts).__name__}"
            )
        shown_chars = checks.positive_int("shown_chars", shown_chars)
        if not acts.text or not acts.signals:
            raise ValueError("acts must hold a non-empty text and at least one signal")
        self.text = acts.text[:shown_chars]
        self.signals = {}
        for name, values in acts.signals.items():
            checks.array(f"acts.signals[{name!r}]", values, ndim=2, finite=False)
            if values.shape[0] < len(self.text) or values.shape[1] < 1:
                raise ValueError(
                    f"acts.signals[{name!r}] must have shape (T >= "
                    f"{len(self.text)}, H >= 1), got {values.shape}"
                )
            self.signals[name] = values[: len(self.text)]
        sizes = {name: v.shape[1] for name, v in self.signals.items()}
        if len(set(sizes.values())) > 1:
            raise ValueError(f"acts.signals must all have the same H (cells), got {sizes}")
        self.features = text_features(self.text)
        hidden = next(iter(self.signals.values())).shape[1]
        self.signal = dropdown(
            "signal",
            signal,
            [(SIGNAL_NAMES.get(n, n), n) for n in self.signals],
            description="signal",
        )
        self.cell = int_slider(
            "cell", cell, 0, hidden - 1, description="cell", continuous_update=True
        )
        self.feature = dropdown(
            "feature", feature, [(v, k) for k, v in FEATURES.items()], description="feature"
        )
        self.controls = [self.signal, self.cell, self.feature]
        self.correlations = {name: self._correlations(v) for name, v in self.signals.items()}
        self._show(hidden)
        self._finish()

    @classmethod
    def from_model(
        cls, model, text, encode, layer=-1, direction="forward", core=None, signals=None, **kwargs
    ):
        """The view for a user's own character (or token) model over `text`.

        Inputs: model, core: as rnnviz.models.foreign.trace; text: a str; encode: a callable
        mapping text to the model's input, one step a character (e.g. (1, T) token ids);
        layer (negative from the top), direction: which layer's cells; signals: the names to
        keep ("h", "c", gate names), None for all; kwargs: as the constructor.
        Raises: TypeError/ValueError naming text, encode, model, layer or direction.
        """
        if not isinstance(text, str) or not text:
            raise TypeError("text must be a non-empty str")
        if not callable(encode):
            raise TypeError(f"encode must be a callable text -> input, got {type(encode)}")
        traced = trace(model, encode(text), core=core)
        chosen = traced.layer(layer, direction)
        if chosen.h.shape[1] != len(text):
            raise ValueError(
                f"encode must give one step a character: {len(text)} characters, "
                f"{chosen.h.shape[1]} steps"
            )
        found = {"h": chosen.h[0], **({"c": chosen.c[0]} if chosen.c is not None else {})}
        found.update({name: value[0] for name, value in chosen.gates.items()})
        if signals is not None:
            unknown = set(signals) - set(found)
            if unknown or not signals:
                raise ValueError(f"signals must be names among {sorted(found)}, got {signals}")
            found = {name: found[name] for name in signals}
        kwargs.setdefault("signal", "c" if "c" in found else next(iter(found)))
        return cls(Activations(text, found), **kwargs)

    def _correlations(self, values: np.ndarray) -> np.ndarray:
        """(H, n_features) r of every cell with every feature; NaN for a cell whose series
        holds a NaN/inf (it has no correlation)."""
        finite = np.isfinite(values).all(axis=0)  # (H,)
        r = correlations(np.where(finite, values, 0.0), self.features)
        return np.where(finite[:, None], np.stack([r[f] for f in FEATURES], axis=1), np.nan)

    def compute(self) -> dict:
        """The chosen cell's values, the chosen feature, and their correlation."""
        values = self.signals[self.signal.value][:, self.cell.value]  # (T,)
        feature = self.features[self.feature.value]  # (T,)
        r = self.correlations[self.signal.value][
            self.cell.value, list(FEATURES).index(self.feature.value)
        ]
        return {"values": values, "feature": feature, "r": float(r)}

    @property
    def data(self) -> dict:
        """compute() for the controls' current values (what the browser shows)."""
        return self.compute()

    def _show(self, hidden: int) -> None:
        names, features = list(self.signals), list(FEATURES)
        cells = np.stack([v.T for v in self.signals.values()])  # (signals, H, T)
        grid = ["signal", "cell"]
        data = {
            "chars": frames(char_codes([self.text])[0], []),
            "values": frames(cells, grid),
            "crange": frames(
                [[colour_range(n, row) for row in self.signals[n].T] for n in names], grid
            ),
            "y_range": frames(
                [[value_range(row) for row in self.signals[n].T] for n in names], grid
            ),
            "feature": frames(np.stack([self.features[f] for f in features]), ["feature"]),
            "feature_range": frames([value_range(self.features[f]) for f in features], ["feature"]),
            # (signals, H, features, 1): r of the chosen cell with the chosen feature
            "r": frames(
                np.stack([self.correlations[n] for n in names])[..., None], grid + ["feature"]
            ),
            "signal_name": frames(char_codes([SIGNAL_NAMES.get(n, n) for n in names]), ["signal"]),
            "signal_short": frames(char_codes(names), ["signal"]),
            "feature_name": frames(char_codes([FEATURES[f] for f in features]), ["feature"]),
            "cell_no": frames(np.arange(hidden)[:, None], ["cell"]),
        }
        left, top, width = TEXT_BOX
        text_height = text_rows(self.text, int(width // CHAR_WIDTH)) * LINE_HEIGHT
        line_top = top + text_height + 60
        feature_top = line_top + LINE_HEIGHT_PX + 45
        height = feature_top + FEATURE_HEIGHT_PX + 50
        steps = [0, len(self.text) - 1] if len(self.text) > 1 else [-0.5, 0.5]
        line = XYPanel(
            [60, line_top, 770, LINE_HEIGHT_PX],
            [
                Series(
                    name="activation",
                    data=Ref("values"),
                    x0=0,
                    dx=1,
                    color=MODEL_COLORS["lstm"],
                    # One pixel: Skia strokes it as a hairline; a wider line over every
                    # character is a filled path that took ~8 ms to raster in software.
                    width=1,
                )
            ],
            title="{signal_name:chars}, cell {cell_no:.0f}: r = {r:+.3f} with "
            "{feature_name:chars} (on this text)",
            x_label="character",
            x_range=steps,
            y_range=Ref("y_range"),  # the chosen cell's own range, from the kernel
        )
        feature = XYPanel(
            [60, feature_top, 770, FEATURE_HEIGHT_PX],
            [
                Series(
                    name="feature",
                    data=Ref("feature"),
                    x0=0,
                    dx=1,
                    color=FEATURE_COLOUR,
                    width=1,
                    dash=[2, 2],
                )
            ],
            title="{feature_name:chars}",
            x_title="character",
            x_label="character",
            x_range=steps,
            y_range=Ref("feature_range"),
        )
        panels = [
            CharsPanel(
                [left, top, width, text_height],
                Ref("chars"),
                values=Ref("values"),
                scale=ACTIVATION_SCALE,
                crange=Ref("crange"),
                title="the text, each character on the colour of "
                "{signal_short:chars} cell {cell_no:.0f} after reading it",
                char_width=CHAR_WIDTH,
                line_height=LINE_HEIGHT,
                colorbar="{signal_short:chars}",
                value_label="{signal_short:chars} = ",
                missing_color=NON_FINITE_COLOUR,
            ),
            line,
            feature,
        ]
        spec = {
            "width": WIDTH,
            "height": height,
            "controls": {
                "signal": {"grid": names},
                "cell": {"grid": list(range(hidden))},
                "feature": {"grid": features},
            },
            "panels": panels,
            "legend": [
                dict(name="the chosen cell", color=MODEL_COLORS["lstm"]),
                dict(name="the feature", color=FEATURE_COLOUR, dash=True),
            ],
        }
        self.chart.show(
            spec, data, controls={"signal": self.signal, "cell": self.cell, "feature": self.feature}
        )
