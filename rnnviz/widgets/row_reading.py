"""RowReading: a digit read row by row, with the RNN's hidden state and its answer so far.

Move "rows read" and the rows not yet seen go blank, the hidden state fills in one column
per row, and the bars show what the classifier would answer if reading stopped there.
"""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnnviz import checks
from rnnviz.style import FIGURE_TEMPLATE, MODEL_COLORS, SIGNED_SCALE
from rnnviz.tasks.digit_rows import N_CLASSES, RowClassifier, read_digit
from rnnviz.tasks.digits import DigitSequences
from rnnviz.widgets.base import LabWidget
from rnnviz.widgets.controls import int_slider
from rnnviz.widgets.figure_data import gaps
from rnnviz.widgets.traces import update_traces

# Trace names, one per panel from left to right.
DIGIT, HIDDEN, PROBS = "digit", "hidden state", "P(class)"


class RowReading(LabWidget):
    """Image, hidden states and class probabilities of one test digit after k rows.

    Inputs:
    - model: a trained rnnviz.tasks.digit_rows.RowClassifier
    - data: rnnviz.tasks.digits.load_digit_sequences("rows")
    - index: the first test digit shown, in 0..n_digits - 1; rows_read: k in 1..8
    - n_digits: how many test digits the slider walks through (at most the test set's size)
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
        self.rows_read = int_slider(
            "rows_read", rows_read, 1, n_rows, description="rows read", continuous_update=False
        )
        self.controls = [self.index, self.rows_read]
        fig = make_subplots(
            rows=1,
            cols=3,
            column_widths=[0.25, 0.45, 0.3],
            subplot_titles=[
                "the digit (rows read so far)",
                "hidden state h_t (red +1, blue -1)",
                "P(class) after these rows",
            ],
        )
        fig.add_heatmap(
            z=[[0.0]],
            name=DIGIT,
            colorscale="Greys",
            zmin=0,
            zmax=1,
            showscale=False,
            hovertemplate="row %{y}, col %{x}: %{z:.2f}<extra></extra>",
            row=1,
            col=1,
        )
        fig.add_heatmap(
            z=[[0.0]],
            name=HIDDEN,
            colorscale=SIGNED_SCALE,
            zmin=-1,
            zmax=1,
            showscale=False,
            hovertemplate="after row %{x}, unit %{y}: %{z:.3f}<extra></extra>",
            row=1,
            col=2,
        )
        fig.add_bar(
            x=list(range(N_CLASSES)),
            y=[0.0] * N_CLASSES,
            name=PROBS,
            showlegend=False,
            hovertemplate="digit %{x}: %{y:.3f}<extra></extra>",
            row=1,
            col=3,
        )
        fig.update_xaxes(range=[-0.5, 7.5], showgrid=False, row=1, col=1)
        fig.update_yaxes(range=[7.5, -0.5], showgrid=False, scaleanchor="x", row=1, col=1)
        fig.update_xaxes(title_text="row t", range=[0.5, 8.5], dtick=1, row=1, col=2)
        fig.update_yaxes(title_text="hidden unit", row=1, col=2)
        fig.update_xaxes(title_text="digit", dtick=1, row=1, col=3)
        fig.update_yaxes(range=[0, 1], row=1, col=3)
        fig.update_layout(template=FIGURE_TEMPLATE, height=330, margin=dict(l=40, r=20, t=70, b=40))
        self.figure = go.FigureWidget(fig)
        self._finish()

    def compute(self):
        """The DigitReading of the chosen test digit."""
        return read_digit(self.model, self.digits, self.index.value)

    def draw(self, reading) -> None:
        k = self.rows_read.value
        image = reading.image.tolist()  # (8, 8)
        image[k:] = [[None] * len(row) for row in image[k:]]  # rows not read yet: gaps
        hidden = gaps(reading.hidden.T)  # (H, T); NaN/inf states (a broken model) are gaps
        hidden = [list(row[:k]) + [None] * (len(row) - k) for row in hidden]
        probs = reading.probs[k - 1]
        # None, not NaN: NaN is not JSON, and the widget's message would fail to send.
        update_traces(
            self.figure,
            {
                DIGIT: dict(z=image),
                HIDDEN: dict(z=hidden, x=list(range(1, len(reading.probs) + 1))),
                PROBS: dict(
                    y=gaps(probs),
                    marker=dict(
                        color=[
                            MODEL_COLORS["rnn"] if c == reading.label else "#bbbbbb"
                            for c in range(N_CLASSES)
                        ]
                    ),
                ),
            },
        )
        if np.isfinite(probs).all():
            guess = int(probs.argmax())
            answer = f"the RNN says {guess} (p = {probs[guess]:.2f})"
        else:
            answer = "the RNN's probabilities are NaN/inf (are its weights finite?)"
        self.figure.layout.title.text = (
            f"a {reading.label}: after {k} of {len(reading.probs)} rows {answer}"
        )
