"""SampleExplorer: sample a character model at a temperature and see its top-5 choices.

As in Karpathy's "The Unreasonable Effectiveness of Recurrent Neural Networks": under each
generated character, the five characters the model found likeliest at that point, shaded by
probability. Move the temperature and watch the choices sharpen (low) or flatten (high).
"""

import html

import ipywidgets as widgets
import numpy as np

from rnnviz import checks
from rnnviz.charlm.model import CharLM, sample
from rnnviz.widgets.base import LabWidget
from rnnviz.widgets.controls import float_slider, int_slider

TOP_K = 5
TEMPERATURE_RANGE = (0.1, 2.0)
LENGTH_RANGE = (10, 200)

# Whitespace drawn visibly in the probability table.
_VISIBLE = {" ": "␣", "\n": "⏎", "\t": "⇥"}


def visible(ch: str) -> str:
    """A character as drawn in a table cell: whitespace gets a visible symbol."""
    return _VISIBLE.get(ch, ch)


class SampleExplorer(LabWidget):
    """Temperature slider, priming text box and length control over a CharLM's samples.

    Inputs: a CharLM; the initial prime, length (10..200 characters) and temperature
    (0.1..2.0); `seed` fixes the random draws so that the same controls always give the
    same text. A value outside its range raises ValueError, from here or set on the control.
    """

    def __init__(
        self,
        model: CharLM,
        prime: str = "def ",
        length: int = 60,
        temperature: float = 1.0,
        seed: int = 0,
    ):
        super().__init__()
        if not isinstance(model, CharLM):
            raise TypeError(f"model must be a CharLM, got {type(model).__name__}")
        if not isinstance(prime, str):
            raise TypeError(f"prime must be a str, got {type(prime).__name__}")
        self.model = model
        self.top_k = min(TOP_K, len(model.vocab))  # a vocabulary may hold fewer than 5
        self.seed = checks.positive_int("seed", seed, minimum=0)
        self.temperature = float_slider(
            "temperature",
            temperature,
            *TEMPERATURE_RANGE,
            step=0.1,
            description="temperature",
            continuous_update=False,
            readout_format=".1f",
        )
        self.prime = widgets.Text(value=prime, description="prime", continuous_update=False)
        self.length = int_slider(
            "length", length, *LENGTH_RANGE, step=10, description="length", continuous_update=False
        )
        self.controls = [self.temperature, self.prime, self.length]
        self.output = widgets.HTML()
        self.figure = self.new_figure(
            title="top-5 next characters at each generated position",
            height=300,
            xaxis=dict(title="generated character", tickangle=0),
            yaxis=dict(title="rank", autorange="reversed", tickvals=list(range(1, self.top_k + 1))),
        )
        self.figure.add_heatmap(
            z=[[0.0]],
            text=[[""]],
            texttemplate="%{text}",
            colorscale="Blues",
            zmin=0.0,
            zmax=1.0,
            colorbar=dict(title="p"),
            hovertemplate="rank %{y}: %{text} p=%{z:.3f}<extra></extra>",
        )
        self._finish(extra=[self.output])

    def compute(self):
        """The seeded sample for the current controls, or the error message for a bad prime."""
        try:
            return sample(
                self.model,
                self.prime.value,
                self.length.value,
                self.temperature.value,
                seed=self.seed,
                top_k=self.top_k,
            )
        except ValueError as err:
            return str(err)

    def draw(self, data) -> None:
        if isinstance(data, str):
            self.output.value = f"<b style='color:#d62728'>{html.escape(data)}</b>"
            return
        heat = self.figure.data[0]
        heat.z = np.asarray(data.top_probs).T  # (k, L)
        heat.text = [[visible(row[k]) for row in data.top_chars] for k in range(self.top_k)]
        heat.x = list(range(len(data.text)))
        heat.y = list(range(1, self.top_k + 1))
        self.figure.layout.xaxis.tickvals = list(range(len(data.text)))
        self.figure.layout.xaxis.ticktext = [visible(ch) for ch in data.text]
        self.output.value = (
            "<pre style='white-space:pre-wrap;font-size:13px'>"
            f"<span style='color:#7f7f7f'>{html.escape(data.prime)}</span>"
            f"{html.escape(data.text)}</pre>"
        )
