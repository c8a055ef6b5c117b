"""SampleExplorer: sample a character model at a temperature and see its top-5 choices.

As in Karpathy's "The Unreasonable Effectiveness of Recurrent Neural Networks": under each
generated character, the five characters the model found likeliest at that point, shaded by
probability. Move the temperature and watch the choices sharpen (low) or flatten (high).
"""

import html

import ipywidgets as widgets
import numpy as np

from rnnviz.charlm.model import CharLM, sample
from rnnviz.widgets.base import LabWidget

# Whitespace drawn visibly in the probability table.
_VISIBLE = {" ": "␣", "\n": "⏎", "\t": "⇥"}


def visible(ch: str) -> str:
    """A character as drawn in a table cell: whitespace gets a visible symbol."""
    return _VISIBLE.get(ch, ch)


class SampleExplorer(LabWidget):
    """Temperature slider, priming text box and length control over a CharLM's samples.

    Inputs: a CharLM; the initial prime, length and temperature; `seed` fixes the random
    draws so that the same controls always give the same text.
    """

    def __init__(self, model: CharLM, prime: str = "def ", length: int = 60,
                 temperature: float = 1.0, seed: int = 0):
        super().__init__()
        if not isinstance(model, CharLM):
            raise TypeError(f"model must be a CharLM, got {type(model).__name__}")
        self.model, self.seed = model, seed
        self.temperature = widgets.FloatSlider(
            value=temperature, min=0.1, max=2.0, step=0.1, description="temperature",
            continuous_update=False, readout_format=".1f")
        self.prime = widgets.Text(value=prime, description="prime", continuous_update=False)
        self.length = widgets.IntSlider(value=length, min=10, max=200, step=10,
                                        description="length", continuous_update=False)
        self.controls = [self.temperature, self.prime, self.length]
        self.output = widgets.HTML()
        self.figure = self.new_figure(
            title="top-5 next characters at each generated position", height=300,
            xaxis=dict(title="generated character", tickangle=0),
            yaxis=dict(title="rank", autorange="reversed", tickvals=[1, 2, 3, 4, 5]),
        )
        self.figure.add_heatmap(z=[[0.0]], text=[[""]], texttemplate="%{text}",
                                colorscale="Blues", zmin=0.0, zmax=1.0,
                                colorbar=dict(title="p"),
                                hovertemplate="rank %{y}: %{text} p=%{z:.3f}<extra></extra>")
        self._finish(extra=[self.output])

    def compute(self):
        """The seeded sample for the current controls, or the error message for a bad prime."""
        try:
            return sample(self.model, self.prime.value, self.length.value,
                          self.temperature.value, seed=self.seed)
        except ValueError as err:
            return str(err)

    def draw(self, data) -> None:
        if isinstance(data, str):
            self.output.value = f"<b style='color:#d62728'>{html.escape(data)}</b>"
            return
        heat = self.figure.data[0]
        heat.z = np.asarray(data.top_probs).T  # (5, L)
        heat.text = [[visible(row[k]) for row in data.top_chars] for k in range(5)]
        heat.x = list(range(len(data.text)))
        heat.y = [1, 2, 3, 4, 5]
        self.figure.layout.xaxis.tickvals = list(range(len(data.text)))
        self.figure.layout.xaxis.ticktext = [visible(ch) for ch in data.text]
        self.output.value = (
            "<pre style='white-space:pre-wrap;font-size:13px'>"
            f"<span style='color:#7f7f7f'>{html.escape(data.prime)}</span>"
            f"{html.escape(data.text)}</pre>"
        )
