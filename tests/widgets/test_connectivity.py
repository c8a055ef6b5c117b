"""Connectivity: what the browser shows for output step t is log10 ||dy_t/dx_k|| of the
user's models, characters not yet read left blank."""

import json

import numpy as np
import pytest
import torch
from torch import nn

from rnnviz.gradients.model_gradients import connectivity
from rnnviz.widgets import Connectivity

TEXT = "the cat sat."


class CharModel(nn.Module):
    def __init__(self, cell=nn.LSTM, **kw):
        super().__init__()
        self.embed = nn.Embedding(128, 4)
        self.rnn = cell(4, 6, batch_first=True, **kw)
        self.head = nn.Linear(6 * (2 if kw.get("bidirectional") else 1), 128)

    def forward(self, x):
        return self.head(self.rnn(self.embed(x))[0])


def encode(text):
    return torch.tensor([[ord(ch) for ch in text]])


def models():
    torch.manual_seed(0)
    return {"RNN": CharModel(nn.RNN), "LSTM": CharModel(), "GRU": CharModel(nn.GRU)}


def test_the_slider_picks_each_models_row_of_the_matrix(shown):
    x = encode(TEXT)
    chosen = models()
    widget = Connectivity(chosen, x, text=TEXT, step=4)
    json.dumps(widget.chart.spec, allow_nan=False)
    for t in (4, 0, len(TEXT) - 1):
        widget.step.value = t
        for j, (label, model) in enumerate(chosen.items()):
            row = connectivity(model, x)[0, t]
            line = shown(widget.chart, f"values_{j}")
            np.testing.assert_allclose(line[: t + 1], np.log10(row[: t + 1]), rtol=1e-5)
            assert np.isnan(line[t + 1 :]).all() and not row[t + 1 :].any()  # not read yet
            np.testing.assert_allclose(widget.data[label], row, rtol=1e-12)
    assert [p["title"].split(":")[0] for p in widget.chart.spec["panels"][:3]] == list(chosen)


def test_targets_pick_the_true_next_tokens_logit(shown):
    ids = encode(TEXT + "!")
    model = models()["LSTM"]
    widget = Connectivity(model, ids[:, :-1], text=TEXT, output=ids[:, 1:], step=6)
    expected = connectivity(model, ids[:, :-1], output=ids[:, 1:])[0, 6]
    np.testing.assert_allclose(
        shown(widget.chart, "values_0")[:7], np.log10(expected[:7]), rtol=1e-5
    )


def test_a_bidirectional_model_has_read_every_character(shown):
    torch.manual_seed(0)
    widget = Connectivity(CharModel(nn.GRU, bidirectional=True), encode(TEXT), step=2)
    assert np.isfinite(shown(widget.chart, "values_0")).all()


def test_nan_weights_are_shown_as_such_and_never_reach_json(shown):
    model = models()["GRU"]
    with torch.no_grad():
        model.rnn.weight_hh_l0[0, 0] = float("nan")
    widget = Connectivity(model, encode(TEXT), text=TEXT)
    json.dumps(widget.chart.spec, allow_nan=False)
    assert "NaN" in widget.chart.spec["panels"][0]["title"]
    assert not np.isfinite(shown(widget.chart, "values_0")).any()


def test_bad_arguments_are_refused_by_name():
    model = models()["LSTM"]
    with pytest.raises(ValueError, match="text must have one character a step"):
        Connectivity(model, encode(TEXT), text=TEXT + "x")
    with pytest.raises(TypeError, match="text must be a str"):
        Connectivity(model, encode(TEXT), text=3)
    with pytest.raises(ValueError, match="step"):
        Connectivity(model, encode(TEXT), step=len(TEXT))
    with pytest.raises(ValueError, match="x must hold one sequence"):
        Connectivity(model, torch.cat([encode(TEXT)] * 2))
    with pytest.raises(ValueError, match="model must be a module or a non-empty dict"):
        Connectivity({}, encode(TEXT))
    with pytest.raises(ValueError, match="output must be an index"):
        Connectivity(model, encode(TEXT), output=500)
