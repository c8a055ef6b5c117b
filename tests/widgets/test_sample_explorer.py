"""Tests for the SampleExplorer widget: the frames it sends are rnnviz.charlm.model.sample's
text and top-5 at every temperature of the slider's grid, each sampled with the widget's seed."""

import json

import numpy as np
import pytest
import torch

import rnnviz.widgets.sample_explorer as module
from rnnviz.charlm.model import CharLM, encode, sample
from rnnviz.widgets.sample_explorer import TEMPERATURES, SampleExplorer, visible

VOCAB = list("\n abcdef():=")


@pytest.fixture
def explorer():
    torch.manual_seed(0)
    return SampleExplorer(CharLM(VOCAB, "lstm", 16, 8).eval(), prime="ab", length=30)


def decode(codes) -> str:
    return "".join(chr(int(c)) for c in codes if c > 0)


def test_frames_are_the_sample_and_its_top5(explorer, shown):
    chart, model = explorer.chart, explorer.model
    probs = shown(chart, "top_probs")
    assert probs.shape == (30, 5)  # (position, rank): a grid panel's x-major frame
    text = decode(shown(chart, "text"))
    assert text == explorer.data.text == sample(model, "ab", 30, 1.0, seed=0).text
    # Column k is the model's own top 5 after reading the prime and the first k characters
    # drawn, run from scratch here (the widget carries the state along instead).
    chars = shown(chart, "top_chars")
    for k in (0, 1, 7):
        with torch.no_grad():
            logits, _ = model(encode("ab" + text[:k], VOCAB)[None])
        best = torch.topk(torch.softmax(logits[0, -1] / 1.0, dim=-1), 5)
        np.testing.assert_allclose(probs[k], best.values.numpy(), rtol=1e-5)
        assert [chr(int(c)) for c in chars[k]] == [visible(VOCAB[i]) for i in best.indices]
    assert decode(shown(chart, "labels")) == "".join(visible(c) for c in text)
    text_panel, table = chart.spec["panels"]
    assert text_panel["prefix"] == "ab" and text_panel["chars"] == "text"
    assert table["layout"] == "grid" and table["ny"] == 5 and table["values"] == "top_probs"
    assert explorer._repr_mimebundle_()["text/plain"] == "<SampleExplorer widget>"
    json.dumps(chart.spec, allow_nan=False)


def test_every_temperature_is_sampled_with_the_same_seed(explorer, shown):
    slider = explorer.temperature
    assert np.allclose(TEMPERATURES, np.arange(slider.min, slider.max + 1e-9, slider.step))
    assert explorer.chart.data["top_probs"]["shape"] == [len(TEMPERATURES), 30, 5]
    for t in (0.1, 0.3, 1.5, 2.0):
        explorer.temperature.value = t
        expected = sample(explorer.model, "ab", 30, t, seed=0)
        assert decode(shown(explorer.chart, "text")) == expected.text == explorer.data.text
        np.testing.assert_allclose(
            shown(explorer.chart, "top_probs"), expected.top_probs, rtol=1e-6
        )
    explorer.temperature.value = 0.3
    cold = shown(explorer.chart, "top_probs")
    explorer.temperature.value = 1.0
    assert cold[:, 0].mean() > shown(explorer.chart, "top_probs")[:, 0].mean()  # sharper


def test_the_temperature_slider_resamples_nothing(explorer, monkeypatch, shown):
    calls = []
    monkeypatch.setattr(module, "sample", lambda *a, **k: calls.append(a))
    spec, before = explorer.chart.spec, shown(explorer.chart, "text").copy()
    explorer.temperature.value = 0.3
    assert calls == [] and explorer.chart.spec is spec
    assert not np.array_equal(shown(explorer.chart, "text"), before)


def test_prime_and_length_resample_every_temperature(explorer, shown):
    explorer.length.value = 50
    assert explorer.chart.data["top_probs"]["shape"] == [len(TEMPERATURES), 50, 5]
    assert not explorer.chart.busy
    explorer.prime.value = "fa"
    explorer.temperature.value = 0.5
    expected = sample(explorer.model, "fa", 50, 0.5, seed=0)
    assert decode(shown(explorer.chart, "text")) == expected.text
    assert explorer.chart.spec["panels"][0]["prefix"] == "fa"


def test_bad_prime_shows_the_error_and_keeps_the_last_sample(explorer, shown):
    data = explorer.chart.data
    explorer.prime.value = "xyz"
    assert "not in the model" in explorer.output.value
    assert explorer.chart.data is data and not explorer.chart.busy
    explorer.prime.value = "fa"
    assert "not in the model" not in explorer.output.value
    assert explorer.chart.spec["panels"][0]["prefix"] == "fa"


def test_a_bad_first_prime_shows_the_error_and_an_empty_picture():
    widget = SampleExplorer(CharLM(VOCAB, "lstm", 8, 4).eval(), prime="xyz")
    assert "not in the model" in widget.output.value and widget.chart.spec["panels"] == []
    assert "not in the model" in widget.data


def test_rejects_a_non_model():
    with pytest.raises(TypeError, match="CharLM"):
        SampleExplorer(torch.nn.LSTM(3, 3))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(temperature=0.0), r"temperature must be in \[0.1, 2.0\], got 0.0"),
        (dict(temperature=3.0), r"temperature must be in \[0.1, 2.0\], got 3.0"),
        (dict(length=500), r"length must be an int in \[10, 200\], got 500"),
        (dict(length=5), r"length must be an int in \[10, 200\], got 5"),
    ],
)
def test_out_of_range_arguments_are_refused_not_clamped(kwargs, match):
    model = CharLM(VOCAB, "lstm", 8, 4).eval()
    with pytest.raises(ValueError, match=match):
        SampleExplorer(model, prime="ab", **kwargs)


def test_out_of_range_controls_set_from_python_are_refused(explorer):
    with pytest.raises(ValueError, match="length must be an int in"):
        explorer.length.value = 500
    with pytest.raises(ValueError, match="temperature must be in"):
        explorer.temperature.value = 0.0
    assert explorer.length.value == 30 and explorer.temperature.value == 1.0


def test_a_vocabulary_smaller_than_five_shows_every_choice(shown):
    torch.manual_seed(0)
    widget = SampleExplorer(CharLM(list("ab\n"), "rnn", 4, 2).eval(), prime="a", length=10)
    assert shown(widget.chart, "top_probs").shape == (10, 3)
    table = widget.chart.spec["panels"][1]
    assert table["ny"] == 3 and table["y"]["ticktext"] == ["1", "2", "3"]


def test_a_model_with_nan_weights_shows_the_error(explorer):
    with torch.no_grad():
        explorer.model.head.weight.fill_(float("nan"))
    explorer.length.value = 40
    assert "no finite distribution" in explorer.output.value
