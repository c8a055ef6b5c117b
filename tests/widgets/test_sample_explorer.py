"""Tests for the SampleExplorer widget: controls resample, the figure updates in place."""

import numpy as np
import pytest
import torch

from rnnviz.charlm.model import CharLM, encode
from rnnviz.widgets.sample_explorer import SampleExplorer, visible

VOCAB = list("\n abcdef():=")


@pytest.fixture
def explorer():
    torch.manual_seed(0)
    return SampleExplorer(CharLM(VOCAB, "lstm", 16, 8).eval(), prime="ab", length=30)


def test_draws_the_sample_and_its_top5(explorer):
    heat = explorer.figure.data[0]
    assert np.asarray(heat.z).shape == (5, 30)
    # Column k is the model's own top 5 after reading the prime and the first k characters
    # drawn, run from scratch here (the widget carries the state along instead).
    model, text = explorer.model, explorer.data.text
    for k in (0, 1, 7):
        with torch.no_grad():
            logits, _ = model(encode("ab" + text[:k], VOCAB)[None])
        best = torch.topk(torch.softmax(logits[0, -1] / 1.0, dim=-1), 5)
        np.testing.assert_allclose(np.asarray(heat.z)[:, k], best.values.numpy(), rtol=1e-5)
        assert [row[k] for row in heat.text] == [visible(VOCAB[i]) for i in best.indices]
    assert list(explorer.figure.layout.xaxis.ticktext) == [visible(c) for c in explorer.data.text]
    assert explorer.data.text.replace("&", "&amp;").replace("<", "&lt;") in explorer.output.value
    assert repr(explorer) and explorer._repr_mimebundle_()["text/plain"] == (
        "<SampleExplorer widget>"
    )


def test_controls_resample_in_place(explorer):
    figure, heat = explorer.figure, explorer.figure.data[0]
    before = np.asarray(heat.z).copy()
    explorer.temperature.value = 0.3
    assert explorer.figure is figure and explorer.figure.data[0] is heat
    assert len(figure.data) == 1
    assert not np.allclose(np.asarray(heat.z), before)
    assert np.asarray(heat.z)[0].mean() > before[0].mean()  # colder: the top choice sharper
    explorer.length.value = 50
    assert len(explorer.data.text) == 50 and np.asarray(heat.z).shape == (5, 50)


def test_same_controls_give_the_same_text(explorer):
    first = explorer.data.text
    explorer.temperature.value = 1.5
    explorer.temperature.value = 1.0
    assert explorer.data.text == first


def test_bad_prime_shows_the_error_and_keeps_the_last_sample(explorer):
    z = np.asarray(explorer.figure.data[0].z).copy()
    explorer.prime.value = "xyz"
    assert "not in the model" in explorer.output.value
    np.testing.assert_array_equal(np.asarray(explorer.figure.data[0].z), z)
    explorer.prime.value = "fa"
    assert "not in the model" not in explorer.output.value


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


def test_a_vocabulary_smaller_than_five_shows_every_choice():
    torch.manual_seed(0)
    widget = SampleExplorer(CharLM(list("ab\n"), "rnn", 4, 2).eval(), prime="a", length=10)
    assert np.asarray(widget.figure.data[0].z).shape == (3, 10)
    assert list(widget.figure.data[0].y) == [1, 2, 3]


def test_a_model_with_nan_weights_shows_the_error(explorer):
    with torch.no_grad():
        explorer.model.head.weight.fill_(float("nan"))
    explorer.temperature.value = 0.5
    assert "no finite distribution" in explorer.output.value
