"""SampleExplorer: sample a character model at a temperature and see its top-5 choices.

As in Karpathy's "The Unreasonable Effectiveness of Recurrent Neural Networks": under each
generated character, the five characters the model found likeliest at that point, shaded by
probability. Move the temperature and watch the choices sharpen (low) or flatten (high).

The temperature slider is answered in the browser: the kernel samples
(rnnviz.charlm.model.sample, with the widget's seed) at every temperature of the slider's
grid and sends them once; the renderer (rnnviz.widgets.renderer) picks the frame. The prime
and the length resample here, with "recomputing" shown meanwhile.
"""

import html

import ipywidgets as widgets
import numpy as np

from rnnviz import checks
from rnnviz.charlm.model import CharLM, sample
from rnnviz.style import ERROR_COLOR
from rnnviz.widgets.controls import float_slider, int_slider
from rnnviz.widgets.renderer import CharsPanel, ChartWidget, Ref, char_codes, frames, text_rows

TOP_K = 5
TEMPERATURE_RANGE = (0.1, 2.0)
TEMPERATURES = np.round(np.arange(0.1, 2.0001, 0.1), 1)  # the slider's positions
LENGTH_RANGE = (10, 200)
WIDTH = 940
TEXT_BOX = (20, 56, 840)  # left, top, width (px) of the generated text
CHAR_WIDTH, LINE_HEIGHT = 7.2, 16
TABLE_HEIGHT = 150

# Whitespace drawn visibly in the probability table.
_VISIBLE = {" ": "␣", "\n": "⏎", "\t": "⇥"}


def visible(ch: str) -> str:
    """A character as drawn in a table cell: whitespace gets a visible symbol."""
    return _VISIBLE.get(ch, ch)


class SampleExplorer(ChartWidget):
    """Temperature slider, priming text box and length control over a CharLM's samples.

    Inputs: a CharLM; the initial prime, length (10..200 characters) and temperature
    (0.1..2.0, step 0.1); `seed` fixes the random draws so that the same controls always
    give the same text. A value outside its range raises ValueError, from here or set on the
    control.
    Attributes: temperature, prime, length (the controls); samples (one
    rnnviz.charlm.model.Sample a temperature of TEMPERATURES, all sampled with `seed`); data
    (the one the browser shows); output (an error message for a bad prime, else empty).
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
        self.seed = checks.seed("seed", seed)
        self.temperature = float_slider(
            "temperature",
            temperature,
            *TEMPERATURE_RANGE,
            step=0.1,
            description="temperature",
            continuous_update=True,
            readout_format=".1f",
            style={"description_width": "initial"},  # the whole word, not "temperat..."
        )
        self.prime = widgets.Text(value=prime, description="prime", continuous_update=False)
        self.length = int_slider(
            "length", length, *LENGTH_RANGE, step=10, description="length", continuous_update=False
        )
        self.controls = [self.temperature, self.prime, self.length]
        self.output = widgets.HTML()
        self.samples, self._temperatures = [], TEMPERATURES
        self._resample()
        for control in (self.prime, self.length):
            control.observe(self._on_cold_change, names="value")
        self._finish(extra=[self.output])

    def compute(self, temperature=None):
        """The seeded sample at `temperature` (default: the slider's), or the error message
        for a bad prime."""
        t = self.temperature.value if temperature is None else temperature
        try:
            return sample(
                self.model,
                self.prime.value,
                self.length.value,
                t,
                seed=self.seed,
                top_k=self.top_k,
            )
        except ValueError as err:
            return str(err)

    @property
    def data(self):
        """The sample the browser shows: at the grid temperature nearest the slider's (the
        error message if no prime has been sampled yet)."""
        if not self.samples:
            return self.compute()
        return self.samples[int(np.argmin(np.abs(self._temperatures - self.temperature.value)))]

    def _on_cold_change(self, _change) -> None:
        self.chart.busy = True
        # The temperature the student is looking at first, then every other one.
        if self._resample(full=False):
            self._resample(full=True)

    def _resample(self, full: bool = True) -> bool:
        """Sample the prime and length at every temperature of the grid (full) or at the one
        nearest the slider's; an error keeps the last picture. Returns: whether it sampled."""
        temperatures = TEMPERATURES
        if not full:
            temperatures = TEMPERATURES[[np.argmin(np.abs(TEMPERATURES - self.temperature.value))]]
        samples = []
        for t in temperatures:
            result = self.compute(float(t))
            if isinstance(result, str):
                self.output.value = f"<b style='color:{ERROR_COLOR}'>{html.escape(result)}</b>"
                if not self.samples:  # nothing to show yet: an empty picture
                    self.chart.show({"width": WIDTH, "height": 30, "panels": []}, {}, {})
                self.chart.busy = False
                return False
            samples.append(result)
        self.samples, self._temperatures = samples, temperatures
        self.output.value = ""
        self._show(busy=not full)
        return True

    def _show(self, busy: bool) -> None:
        k, prime = self.top_k, self.prime.value
        left, top, width = TEXT_BOX
        columns = int(width // CHAR_WIDTH)
        rows = max(text_rows(prime + s.text, columns) for s in self.samples)
        text_height = rows * LINE_HEIGHT
        table_top = top + text_height + 60
        height = table_top + TABLE_HEIGHT + 50
        grid = ["temperature"]
        data = {
            "text": frames(char_codes([s.text for s in self.samples]), grid),
            "labels": frames(
                char_codes(["".join(visible(c) for c in s.text) for s in self.samples]), grid
            ),
            # (temperatures, L, k): position-major, as a grid text panel reads its frame
            "top_chars": frames(
                np.stack(
                    [
                        char_codes(["".join(visible(c) for c in row) for row in s.top_chars], k)
                        for s in self.samples
                    ]
                ),
                grid,
            ),
            "top_probs": frames(np.stack([s.top_probs for s in self.samples]), grid),
        }
        panels = [
            CharsPanel(
                [left, top, width, text_height],
                Ref("text"),
                prefix=prime,
                title="the prime (grey) and the sampled text",
                char_width=CHAR_WIDTH,
                line_height=LINE_HEIGHT,
            ),
            CharsPanel(
                [60, table_top, 780, TABLE_HEIGHT],
                Ref("top_chars"),
                layout="grid",
                values=Ref("top_probs"),
                scale="Blues",
                crange=[0.0, 1.0],
                ny=k,
                rows=[f"rank {r}" for r in range(1, k + 1)],
                labels=Ref("labels"),
                tickvals=list(range(k)),
                ticktext=[str(r) for r in range(1, k + 1)],
                x_title="generated character",
                y_title="rank",
                x_label="position",
                title=f"top-{k} next characters at each generated position",
                colorbar="p",
                colorbar_format=".1f",
                value_label="p = ",
            ),
        ]
        spec = {
            "width": WIDTH,
            "height": height,
            "title": "temperature {temperature:.1f}",
            "controls": {"temperature": {"grid": self._temperatures.tolist()}},
            "panels": panels,
        }
        data["temperature"] = frames(self._temperatures[:, None], grid)
        self.chart.show(spec, data, controls={"temperature": self.temperature}, busy=busy)
