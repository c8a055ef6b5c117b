"""RowReading: a digit read row by row, with the RNN's hidden state and its answer so far.

Move "rows read" and the rows not yet seen go blank, the hidden state fills in one column
per row, and the bars show what the classifier would answer if reading stopped there.

"rows read" is answered in the browser: the kernel reads the digit once
(rnnviz.tasks.digit_rows.read_digit), sends the picture after every number of rows, and the
renderer (rnnviz.widgets.renderer) shows the one the slider picks. "test digit" reads
another digit here and sends its pictures.
"""

import numpy as np

from rnnviz import checks
from rnnviz.style import MODEL_COLORS, SIGNED_SCALE
from rnnviz.tasks.digit_rows import N_CLASSES, RowClassifier, read_digit
from rnnviz.tasks.digits import DigitSequences
from rnnviz.widgets.controls import int_slider
from rnnviz.widgets.renderer import (
    BarSeries,
    BarsPanel,
    ChartWidget,
    HeatmapGroup,
    HeatmapPanel,
    Ref,
    frames,
)

# Data entries, one per panel from left to right.
DIGIT, HIDDEN, PROBS = "digit", "hidden", "probs"
WIDTH, HEIGHT = 940, 350
TOP, BOTTOM = 82, 300  # the panels' top and bottom edges (px)
OTHER_BAR = "#bbbbbb"  # every class but the true one


def reading_frames(reading):
    """What the widget shows after k = 1..T rows, one frame per k.

    Inputs: reading: a DigitReading (image (8, 8), hidden (T, H), probs (T, 10)).
    Returns: {"digit": (T, 8 cols, 8 rows) the pixels of the rows read so far, NaN after;
    "hidden": (T, T, H) the states after the rows read, NaN after; "probs": (T, 10)}.
    """
    T = len(reading.probs)
    k = np.arange(1, T + 1)[:, None]  # (T, 1) rows read
    seen = np.arange(reading.image.shape[0])[None, :] < k  # (T, 8 rows)
    image = np.where(seen[:, :, None], reading.image[None], np.nan)  # (T, 8 rows, 8 cols)
    steps = np.arange(T)[None, :] < k  # (T, T)
    hidden = np.where(steps[:, :, None], reading.hidden[None], np.nan)  # (T, T, H)
    return {
        DIGIT: image.transpose(0, 2, 1),  # (T, col, row): the renderer's frames are x-major
        HIDDEN: hidden,
        PROBS: reading.probs,
    }


def answer_titles(reading) -> list[str]:
    """The figure's title after k = 1..T rows: the digit, and what the RNN would answer."""
    T = len(reading.probs)
    titles = []
    for k, probs in enumerate(reading.probs, start=1):
        if np.isfinite(probs).all():
            guess = int(probs.argmax())
            answer = f"the RNN says {guess} (p = {probs[guess]:.2f})"
        else:
            answer = "the RNN's probabilities are NaN/inf (are its weights finite?)"
        titles.append(f"a {reading.label}: after {k} of {T} rows {answer}")
    return titles


class RowReading(ChartWidget):
    """Image, hidden states and class probabilities of one test digit after k rows.

    Inputs:
    - model: a trained rnnviz.tasks.digit_rows.RowClassifier
    - data: rnnviz.tasks.digits.load_digit_sequences("rows")
    - index: the first test digit shown, in 0..n_digits - 1; rows_read: k in 1..8
    - n_digits: how many test digits the slider walks through (at most the test set's size)
    Attributes: index, rows_read (the sliders), chart (the renderer), data (the DigitReading
    shown).
    """

    def __init__(
        self,
        model: RowClassifier,
        data: DigitSequences,
        index: int = 0,
        rows_read: int = 8,
        n_digits: int = 40,
    ):
        super().__init__()
        if not isinstance(model, RowClassifier):
            raise TypeError(f"model must be a RowClassifier, got {type(model).__name__}")
        if not isinstance(data, DigitSequences) or data.order != "rows":
            raise TypeError("data must be DigitSequences read by rows")
        self.model, self.digits = model, data
        n_digits = checks.positive_int("n_digits", n_digits, maximum=len(data.x_test))
        n_rows = data.x_test.shape[1]
        self.index = int_slider(
            "index", index, 0, n_digits - 1, description="test digit", continuous_update=False
        )
        # Answered in the browser: it may follow the pointer.
        self.rows_read = int_slider(
            "rows_read", rows_read, 1, n_rows, description="rows read", continuous_update=True
        )
        self.controls = [self.index, self.rows_read]
        self.data = None
        self.index.observe(lambda _change: self._show(), names="value")
        self._show()
        self._finish()

    def compute(self):
        """The DigitReading of the chosen test digit."""
        return read_digit(self.model, self.digits, self.index.value)

    def _show(self) -> None:
        reading = self.data = self.compute()
        T, H = reading.hidden.shape
        pictures = reading_frames(reading)
        data = {name: frames(v, ["rows_read"]) for name, v in pictures.items()}
        bar_colors = [
            MODEL_COLORS["rnn"] if c == reading.label else OTHER_BAR for c in range(N_CLASSES)
        ]
        spec = {
            "width": WIDTH,
            "height": HEIGHT,
            "controls": {"rows_read": {"grid": list(range(1, T + 1))}},
            "title": {"control": "rows_read", "texts": answer_titles(reading)},
            "panels": self._panels(T, H, bar_colors),
        }
        self.chart.show(spec, data, controls={"rows_read": self.rows_read})

    @staticmethod
    def _panels(T, H, bar_colors):
        side = BOTTOM - TOP  # the digit's square
        return [
            HeatmapPanel(
                [40, TOP, side, side],
                [HeatmapGroup(data=Ref(DIGIT), ny=8, x0=0, dx=1, y0=0, gaps=True)],
                "Greys",
                crange=[0, 1],
                title="the digit (rows read so far)",
                x_label="col",
                y_label="row",
                y_range=[7.5, -0.5],
                tickvals=[0, 2, 4, 6],
                ticktext=["0", "2", "4", "6"],
                hover=".2f",
            ),
            HeatmapPanel(
                [330, TOP, 250, side],
                [HeatmapGroup(data=Ref(HIDDEN), ny=H, x0=1, dx=1, y0=0, gaps=True)],
                SIGNED_SCALE,
                crange=[-1, 1],
                title="hidden state h_t (red +1, blue -1)",
                x_title="row t",
                x_label="after row",
                y_title="hidden unit",
                y_label="unit",
                y_range=[-0.5, H - 0.5],
                hover=".3f",
            ),
            BarsPanel(
                [640, TOP, 250, side],
                [str(c) for c in range(N_CLASSES)],
                [BarSeries(name="P(class)", data=Ref(PROBS), color=bar_colors)],
                y_range=[0, 1],
                title="P(class) after these rows",
                x_title="digit",
            ),
        ]
