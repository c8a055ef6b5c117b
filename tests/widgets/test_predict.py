"""Tests for the Predict widget: nothing the kernel sends holds the answer as text, the
masked buffer unmasks to it, the page's Check reaches `widget.prediction`, and bad arguments
are refused by name. And for `folded`, the fold a check cell prints its answer into."""

import json
import math
import sys
from html.parser import HTMLParser

import numpy as np
import pytest

from rnnviz.widgets import Predict, predict
from rnnviz.widgets.predict import folded, folded_output, mask, prediction_distance

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
        (dict(answer=5.0, low=1, high=10, fmt=".\u0663f"), "fmt"),  # a digit, not an ASCII one
        (dict(answer=5.0, low=1, high=10, fmt=".\u00b2f"), "fmt"),
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


HOSTILE = "</pre></details><script>window.__pwned=1</script><b id=x>&amp;\"'"


class Parsed(HTMLParser):
    """The fold's elements and the text inside each, as the page's parser reads them."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.tags, self.text, self.open = [], {}, []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open.pop() == tag

    def handle_data(self, data):
        self.text[self.open[-1]] = self.text.get(self.open[-1], "") + data


def test_a_fold_is_closed_and_its_text_reads_back_exactly_whatever_it_holds():
    text = f"measured ~0.0059 (claim: <= 0.2)\n{HOSTILE}\n"
    bundle = folded_output(f"Check Q1 {HOSTILE}", text)
    assert bundle["text/plain"] == text  # what nbval compares: the printed text, unchanged
    page = Parsed(bundle["text/html"])
    assert [tag for tag, _ in page.tags] == ["details", "summary", "pre"]
    assert ("open", None) not in page.tags[0][1]  # closed until the student opens it
    assert page.text == {"summary": f"Check Q1 {HOSTILE}", "pre": text}


@pytest.fixture
def shown(monkeypatch):
    """The bundles `folded` displays, in a kernel as IPython hands them to the front end."""
    bundles = []
    monkeypatch.setattr(predict, "get_ipython", lambda: object())
    monkeypatch.setattr(predict, "display", lambda bundle, raw: bundles.append((bundle, raw)))
    return bundles


def test_folded_shows_the_printed_text_as_one_fold(shown, capsys):
    print("above the fold")
    with folded("Check Q1"):
        print("answer: 0.0658")
        print("answer: 3.2496")
    out = capsys.readouterr()
    assert out.out == "above the fold\n" and out.err == ""
    assert shown == [(folded_output("Check Q1", "answer: 0.0658\nanswer: 3.2496\n"), True)]


def test_a_claims_notice_goes_into_the_fold_and_one_line_outside_says_so(shown, capsys):
    # A missed claim's notice holds the measured value: outside the fold it would be the answer.
    with folded("Check Q1"):
        print("answer: 0.0658")
        print("claim missed: value 0.0658", file=sys.stderr)
    out = capsys.readouterr()
    assert "0.0658" not in out.out + out.err
    assert out.err == "Check Q1: the fold holds a notice; open it after you commit.\n"
    text = "answer: 0.0658\nclaim missed: value 0.0658\n"
    assert shown == [(folded_output("Check Q1", text), True)]


def test_folded_shows_nothing_when_nothing_was_printed(shown, capsys):
    with folded("Check Q1"):
        pass
    assert shown == [] and capsys.readouterr().out == ""


def test_an_exception_in_the_block_propagates_after_the_fold_shows_what_was_printed(shown):
    with pytest.raises(AssertionError, match="claim missed"):
        with folded("Check Q2"):
            print("steps with a gradient of exactly 0: 812")
            raise AssertionError("claim missed")
    assert shown == [(folded_output("Check Q2", "steps with a gradient of exactly 0: 812\n"), True)]


def test_outside_ipython_the_text_is_printed_as_it_was(capsys):
    with folded("Check Q1"):
        print("answer: 42")
    assert capsys.readouterr().out == "answer: 42\n"


@pytest.mark.parametrize("summary, error", [("", ValueError), (" ", ValueError), (3, TypeError)])
def test_a_bad_summary_is_refused_by_name_before_the_block_runs(summary, error):
    ran = []
    with pytest.raises(error, match="summary"):
        with folded(summary):
            ran.append(True)
    assert ran == []
    with pytest.raises(TypeError, match="text"):
        folded_output("Check", None)
