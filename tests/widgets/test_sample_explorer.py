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
        "<SampleExplorer widget>")


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
