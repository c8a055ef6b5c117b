"""Tests for the Predict widget: nothing the kernel sends holds the answer as text, the
masked buffer unmasks to it, the page's Check reaches `widget.prediction`, and bad arguments
are refused by name."""

import json
import math

import numpy as np
import pytest

from rnnviz.widgets import Predict
from rnnviz.widgets.predict import mask, prediction_distance

QUESTION = "After how many steps is the gradient 1e-6 of its size?"
EXPLANATION = "Each step multiplies the gradient by about 0.83, the Jacobian's norm."


def unmasked(widget) -> dict:
    """The page's unmask (static/chart/predict.js): XOR the reveal bytes with the spec's key,
    read JSON."""
    entry = widget.chart.data["reveal"]
    key = bytes.fromhex(widget.chart.spec["predict"]["key"])
    raw = np.frombuffer(entry["values"], dtype=np.uint8)
    pad = np.resize(np.frombuffer(key, dtype=np.uint8), raw.size)
    return json.loads((raw ^ pad).tobytes().decode())


def sent_text(widget) -> str:
    """Everything the kernel sends the page, as text (the spec's JSON and the raw buffers)."""
    buffers = b"".join(e["values"] for e in widget.chart.data.values())
    # The key is random hex: leave it out, or a short secret could match it by chance.
    spec = dict(widget.chart.spec, predict={**widget.chart.spec["predict"], "key": ""})
    return json.dumps(spec) + buffers.decode("latin-1")


def test_a_number_answer_is_sent_masked_and_unmasks_to_the_answer():
    widget = Predict(
        QUESTION, 73.25, EXPLANATION, low=1, high=1000, log=True, unit="steps", fmt=".4g"
    )
    spec = widget.chart.spec["predict"]
    assert spec["kind"] == "number" and spec["log"] and spec["committed"] is None
    assert math.isclose(spec["value"], math.sqrt(1000))  # starts in the geometric middle
    text = sent_text(widget)
    for secret in ("73.25", "Jacobian", EXPLANATION):
        assert secret not in text
    assert unmasked(widget) == {"answer": 73.25, "text": "73.25", "explanation": EXPLANATION}
    assert widget.prediction is None
    assert widget._repr_mimebundle_()["text/plain"] == "<Predict widget>"
    json.dumps(widget.chart.spec, allow_nan=False)


def test_each_widget_masks_with_its_own_key():
    a = Predict(QUESTION, 73.0, EXPLANATION, low=1, high=1000)
    b = Predict(QUESTION, 73.0, EXPLANATION, low=1, high=1000)
    assert a.chart.spec["predict"]["key"] != b.chart.spec["predict"]["key"]
    assert a.chart.data["reveal"]["values"] != b.chart.data["reveal"]["values"]
    assert unmasked(a) == unmasked(b)


def test_check_records_the_prediction_and_marks_it_committed():
    widget = Predict(QUESTION, 73.0, EXPLANATION, low=1, high=1000, log=True)
    widget.chart._message(widget.chart, {"event": "predict", "prediction": 20.0}, [])
    assert widget.prediction == 20.0
    assert widget.chart.spec["predict"]["committed"] == 20.0
    # One prediction: a second press (another view of the widget) changes nothing.
    widget.chart._message(widget.chart, {"event": "predict", "prediction": 70.0}, [])
    assert widget.prediction == 20.0


def test_a_guess_outside_the_range_is_refused_by_name():
    widget = Predict(QUESTION, 73.0, EXPLANATION, low=1, high=1000)
    with pytest.raises(ValueError, match="prediction"):
        widget.chart._message(widget.chart, {"event": "predict", "prediction": 5000.0}, [])
    assert widget.prediction is None


def test_a_choice_answer_and_its_committed_index():
    choices = ["the RNN", "the LSTM", "both"]
    widget = Predict("Which one remembers?", "the LSTM", "Its cell path.", choices=choices)
    spec = widget.chart.spec["predict"]
    assert spec["kind"] == "choice" and spec["choices"] == choices
    assert unmasked(widget)["answer"] == 1
    assert "Its cell path" not in sent_text(widget)
    widget.chart._message(widget.chart, {"event": "predict", "prediction": 2}, [])
    assert widget.prediction == "both" and widget.chart.spec["predict"]["committed"] == 2


def test_a_count_prints_with_no_decimals_and_a_log_range_may_span_decades():
    count = Predict("How many?", 813.0, "Many.", low=0, high=1000, fmt=".0f")
    assert unmasked(count)["text"] == "813"
    tiny = Predict("How small?", 2.8e-31, "Tiny.", low=1e-40, high=1.0, log=True, fmt=".2e")
    assert unmasked(tiny)["text"] == "2.80e-31"
    with pytest.raises(ValueError, match="high"):
        Predict("How small?", 1e-3, "Tiny.", low=1e-200, high=1.0, log=True)


def test_the_distance_is_a_difference_or_a_factor():
    assert prediction_distance(20.0, 73.0, log=False) == 53.0
    assert math.isclose(prediction_distance(20.0, 80.0, log=True), 4.0)
    assert math.isclose(prediction_distance(80.0, 20.0, log=True), 4.0)
    with pytest.raises(ValueError, match="prediction"):
        prediction_distance(-1.0, 2.0, log=True)


def test_mask_is_an_xor_with_the_key_repeated():
    masked = mask({"a": 1}, b"\x01\x02")
    plain = np.frombuffer(b'{"a": 1}', dtype=np.uint8)
    np.testing.assert_array_equal(masked ^ np.resize(np.array([1, 2], np.uint8), plain.size), plain)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(answer=2000.0, low=1, high=1000), "answer"),
        (dict(answer=5.0, low=10, high=1), "high"),
        (dict(answer=5.0, low=0, high=10, log=True), "low"),
        (dict(answer=5.0, low=1), "high"),
        (dict(answer=5.0, high=10), "low"),
        (dict(answer=float("nan"), low=1, high=10), "answer"),
        (dict(answer=5.0, low=1, high=10, value=11), "value"),
        (dict(answer=5.0, low=1, high=10, fmt="%d"), "fmt"),
        (dict(answer=5.0, low=1, high=10, log="yes"), "log"),
        (dict(answer=5.0, low=1, high=10, unit=3), "unit"),
        (dict(answer="c", choices=["a", "b"]), "answer"),
        (dict(answer="a", choices=["a"]), "choices"),
        (dict(answer="a", choices=["a", "a"]), "choices"),
        (dict(answer="a", choices=["a", "b"], low=1), "choices"),
    ],
)
def test_bad_arguments_are_refused_by_name(kwargs, name):
    with pytest.raises((ValueError, TypeError), match=name):
        Predict(QUESTION, explanation=EXPLANATION, **kwargs)


@pytest.mark.parametrize("name", ["question", "explanation"])
def test_empty_texts_are_refused_by_name(name):
    kwargs = dict(question=QUESTION, answer=5.0, explanation=EXPLANATION, low=1, high=10)
    kwargs[name] = " "
    with pytest.raises(ValueError, match=name):
        Predict(**kwargs)
