"""Predict: the student commits a prediction, and only then sees the measured answer.

Students who predict a demonstration's outcome before they see it learn from it; students
who only watch learn about as much as those who never saw it (Crouch et al. 2004, "Classroom
demonstrations: learning tools or entertainment?"). So the answer stays out of the page until
the student has pressed Check:

- The lab's code measures the answer and hands it here. It travels to the page masked in a
  uint8 data buffer (its bytes XORed with a random key the spec carries): no text node, no
  attribute and no stored-state string holds it, so neither reading the page nor searching
  the stored notebook shows it.
- The page (static/chart/predict.js's renderPredict) draws the question, the student's
  control (a slider, on a log10 scale where the answer spans decades, or one button a choice)
  and Check. The press locks the control, unmasks the buffer and writes the answer, the
  distance to the guess and the explanation, with no kernel: it works in the stored lab and
  its HTML export.
- The press also tells the kernel: `widget.prediction` is the committed guess (None before).

It is a renderer Chart (one front end, one stored-state path, the offline export as it is)
whose spec has a "predict" entry instead of panels.

The lab's own check cell prints the answer too. After Run All that print would sit just below
the Predict, so a check cell runs its prints inside `with folded("Check Q1"):`, which shows
them under a closed <details> fold the student opens after committing.
"""

import contextlib
import html
import io
import json
import math
import secrets
import sys

import numpy as np
from IPython import get_ipython
from IPython.display import display

from rnnviz import checks
from rnnviz.widgets.renderer import ChartWidget, frames

STEPS = 200  # a number slider's positions between low and high
WIDTH = 640


def prediction_distance(prediction: float, answer: float, log: bool) -> float:
    """How far a numeric prediction is from the answer: |prediction - answer|, or on a log
    scale the factor between them (>= 1), as the page words it.

    Inputs: prediction, answer: finite numbers (> 0 if log); log: compare by ratio.
    Returns: the distance (float).
    """
    prediction = checks.real_number("prediction", prediction)
    answer = checks.real_number("answer", answer)
    if not checks.switch("log", log):
        return abs(prediction - answer)
    if prediction <= 0 or answer <= 0:
        raise ValueError("prediction and answer must be > 0 on a log scale")
    return max(prediction / answer, answer / prediction)


def _text(name: str, value, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {type(value).__name__}")
    if not allow_empty and not value.strip():
        raise ValueError(f"{name} must be a non-empty string")
    return value


def _format(name: str, fmt) -> str:
    _text(name, fmt)
    # The page formats the guess with the front end's format(): Python's .Nf, .Ne and .Ng only.
    if not (
        len(fmt) >= 3
        and fmt[0] == "."
        and fmt[-1] in "efg"
        and fmt[1:-1].isascii()
        and fmt[1:-1].isdigit()
    ):
        raise ValueError(f"{name} must be a format like '.3g', '.2f' or '.1e', got {fmt!r}")
    if not (0 if fmt[-1] == "f" else 1) <= int(fmt[1:-1]) <= 12:
        raise ValueError(f"{name} must have 1 to 12 digits (0 to 12 for 'f'), got {fmt!r}")
    return fmt


def mask(payload: dict, key: bytes) -> np.ndarray:
    """`payload` as JSON, UTF-8, its bytes XORed with `key` repeated: what the page unmasks.

    Inputs: payload: JSON-able dict; key: non-empty bytes. Returns: (n,) uint8.
    """
    raw = np.frombuffer(json.dumps(payload, allow_nan=False).encode(), dtype=np.uint8)
    pad = np.resize(np.frombuffer(key, dtype=np.uint8), raw.size)
    return raw ^ pad


class Predict(ChartWidget):
    """A question the student answers before the measured answer is shown.

    Inputs:
    - question: the question, shown above the control
    - answer: the measured answer: a number in [low, high] (choices None), or one of choices
    - explanation: what the answer shows, revealed with it
    - low, high: the slider's range (numbers; low > 0 if log)
    - log: the slider moves over log10(value): for answers that span decades
    - choices: the options (>= 2 distinct strings) instead of a slider
    - unit: words after every number ("steps", "x")
    - fmt: how numbers are printed (".3g", ".2f", ".1e")
    - value: where the slider starts (default: the middle of its range, geometric if log)
    Attributes: prediction (None until Check: the guessed number, or the chosen string),
    question, answer.
    Raises: TypeError/ValueError naming the argument (an answer outside [low, high] too).
    """

    def __init__(
        self,
        question: str,
        answer,
        explanation: str,
        low=None,
        high=None,
        log: bool = False,
        choices=None,
        unit: str = "",
        fmt: str = ".3g",
        value=None,
    ):
        super().__init__()
        self.question = _text("question", question)
        explanation = _text("explanation", explanation)
        unit = _text("unit", unit, allow_empty=True)
        fmt = _format("fmt", fmt)
        log = checks.switch("log", log)
        key = secrets.token_bytes(16)
        spec = {"question": self.question, "unit": unit, "fmt": fmt, "committed": None}
        if choices is not None:
            if low is not None or high is not None or value is not None or log:
                raise ValueError("choices: a choice takes no low, high, log or value")
            if not isinstance(choices, (list, tuple)) or len(choices) < 2:
                raise ValueError("choices must be a list of at least 2 strings")
            choices = [_text("choices", c) for c in choices]
            if len(set(choices)) != len(choices):
                raise ValueError(f"choices must be distinct, got {choices}")
            if not isinstance(answer, str) or answer not in choices:
                raise ValueError(f"answer must be one of choices {choices}, got {answer!r}")
            self.answer = answer
            spec.update(kind="choice", choices=choices)
            payload = {"answer": choices.index(answer), "text": answer}
        else:
            for name, bound in (("low", low), ("high", high)):
                if bound is None:
                    raise ValueError(f"{name} is needed for a numeric answer (or give choices)")
            low = checks.real_number("low", low, low=1e-300 if log else None)
            high = checks.real_number("high", high)
            if not high > low:
                raise ValueError(f"high must be > low, got low={low}, high={high}")
            if log and high / low > 1e100:
                raise ValueError(f"high must be within 100 decades of low, got {low}..{high}")
            self.answer = checks.real_number("answer", answer, low=low, high=high)
            start = math.sqrt(low * high) if log else (low + high) / 2
            value = checks.real_number(
                "value", start if value is None else value, low=low, high=high
            )
            spec.update(kind="number", low=low, high=high, log=log, steps=STEPS, value=value)
            payload = {"answer": self.answer, "text": format(self.answer, fmt)}
        payload["explanation"] = explanation
        spec["key"] = key.hex()
        self.prediction = None
        self.chart.on_event("predict", self._committed)
        self.chart.show(
            spec={"width": WIDTH, "height": 0, "panels": [], "controls": {}, "predict": spec},
            data={"reveal": frames(mask(payload, key), axes=[], dtype="uint8")},
            controls={},
        )
        self._finish()

    def _committed(self, content: dict) -> None:
        """The page's Check: record the guess, and mark it committed so every view of this
        widget (a second output of it) reveals too."""
        spec = self.chart.spec["predict"]
        if spec["committed"] is not None:
            return  # one prediction: the first press counts
        guess = content.get("prediction")
        if spec["kind"] == "choice":
            index = checks.positive_int("prediction", guess, minimum=0)
            if index >= len(spec["choices"]):
                raise ValueError(f"prediction must be a choice's index, got {index}")
            self.prediction = spec["choices"][index]
            committed = index
        else:
            self.prediction = checks.real_number(
                "prediction", guess, low=spec["low"], high=spec["high"]
            )
            committed = self.prediction
        self.chart.spec = {**self.chart.spec, "predict": {**spec, "committed": committed}}


def folded_output(summary: str, text: str) -> dict:
    """The output a fold shows: `text` under a closed <details> whose <summary> is `summary`.

    Inputs: summary: the fold's one-line label ("Check Q1"); text: what was printed.
    Returns: a MIME bundle {"text/html": the fold, both strings HTML-escaped, "text/plain":
    exactly `text`} (nbval compares text/plain; JupyterLab and the HTML export draw the fold).
    Raises: TypeError/ValueError naming summary (not a non-empty string) or text (not a string).
    """
    summary = _text("summary", summary)
    text = _text("text", text, allow_empty=True)
    fold = (
        '<details class="rnnviz-folded">'
        f"<summary>{html.escape(summary)}</summary>"
        f"<pre>{html.escape(text)}</pre></details>"
    )
    return {"text/html": fold, "text/plain": text}


def folded(summary: str) -> contextlib.AbstractContextManager:
    """Fold what a block prints, so a check cell's answer stays closed until the student opens it.

    Inside `with folded("Check Q1"):` everything the block writes to stdout is captured and, when
    the block ends, shown as one closed fold (`folded_output`); nothing is shown if it printed
    nothing, and outside IPython (a script) the text is printed as it was. What it writes to
    stderr (a claim's notice, which holds the measured value) goes into the fold too, after the
    printed text, and one line outside it says the fold holds a notice: the answer stays closed
    and the miss is still seen. An exception in the block propagates after the fold shows what
    was printed before it.

    Inputs: summary: the fold's one-line label. Returns: a context manager.
    Raises: TypeError/ValueError naming summary, at the call (before the block runs).
    """
    return _fold(_text("summary", summary))


@contextlib.contextmanager
def _fold(summary: str):
    if get_ipython() is None:
        yield
        return
    printed, notices = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(notices):
            yield
    finally:
        text, notes = printed.getvalue(), notices.getvalue()
        if text or notes:
            display(folded_output(summary, text + notes), raw=True)
        if notes:
            print(f"{summary}: the fold holds a notice; open it after you commit.", file=sys.stderr)
