"""charlm.interpret: text features, recorded activations, correlations, saturation."""

import numpy as np
import pytest
import torch

from rnnviz.charlm.interpret import (
    FEATURES,
    activations,
    best_cells,
    correlations,
    saturation,
    text_features,
)
from rnnviz.charlm.model import CharLM, encode

SOURCE = 'x = f(a, "(#")  # (\n    y = [1,\n        2]\n'


def test_text_features_by_hand():
    v = text_features(SOURCE)
    assert list(v) == list(FEATURES)
    at = {name: dict(zip(range(len(SOURCE)), values)) for name, values in v.items()}
    open_quote, close_quote = SOURCE.index('"'), SOURCE.rindex('"')
    hash_in_code = SOURCE.index("# (")
    # Inside the string: from the opening quote (after reading it) to just before the closing.
    assert [at["in_string"][t] for t in range(open_quote, close_quote + 1)] == [1, 1, 1, 0]
    assert at["in_comment"][SOURCE.index("#")] == 0  # a '#' inside a string is no comment
    assert at["in_comment"][hash_in_code] == 1 and at["in_comment"][hash_in_code + 2] == 1
    # '(' inside the string and the comment do not count; ')' closes f(.
    assert at["bracket_depth"][SOURCE.index("f(") + 1] == 1
    assert at["bracket_depth"][close_quote + 1] == 0
    assert at["bracket_depth"][SOURCE.index("[")] == 1
    assert at["bracket_depth"][SOURCE.index("2]") + 1] == 0
    line2 = SOURCE.index("    y")
    assert at["indent"][line2 + 3] == 4 and at["indent"][SOURCE.index("[1")] == 4
    assert at["indent"][SOURCE.index("2]")] == 8
    assert at["line_position"][0] == 1 and at["line_position"][line2 - 1] == 0  # the newline
    assert at["line_position"][line2 + 4] == 5


def test_escapes_triple_quotes_and_unterminated_strings():
    text = 's = "a\\"b" + """x\n\'y\'\n""" + \'open\nz = (1)\n'
    v = text_features(text)
    assert v["in_string"][text.index("b")] == 1  # the escaped quote did not close it
    assert v["in_string"][text.index("+")] == 0
    assert v["in_string"][text.index("x")] == 1 and v["in_string"][text.index("'y'")] == 1
    assert v["in_string"][text.index("open")] == 1
    # An unterminated one-line string ends at the newline; the next line is code again.
    assert v["in_string"][text.index("z")] == 0
    assert v["bracket_depth"][text.index("1)")] == 1
    with pytest.raises(TypeError, match="text"):
        text_features(b"x = 1")


def test_unmatched_closers_keep_depth_at_zero():
    v = text_features("))(x")
    np.testing.assert_array_equal(v["bracket_depth"], [0, 0, 1, 1])


VOCAB = sorted(set(SOURCE + "abcdefghijklmnopqrstuvwxyz"))


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_activations_match_the_models_own_forward_pass(cell):
    torch.manual_seed(0)
    model = CharLM(VOCAB, cell, hidden_size=12, embedding_size=6).eval()
    text = SOURCE * 3
    acts = activations(model, text, streams=2)
    half = len(text) // 2
    assert acts.text == text[: 2 * half]
    names = {"rnn": {"h"}, "lstm": {"h", "c", "i", "f", "o", "g"}, "gru": {"h", "r", "z", "n"}}
    assert set(acts.signals) == names[cell]
    assert all(v.shape == (2 * half, 12) for v in acts.signals.values())
    with torch.no_grad():
        h, _ = model.rnn(model.embed(encode(text[half : 2 * half], VOCAB)[None]))
    # The second stream, read from a zero state, is rows half .. 2 * half of the record.
    np.testing.assert_allclose(acts.signals["h"][half:], h[0].numpy(), atol=1e-5)
    if cell == "lstm":
        s = acts.signals
        np.testing.assert_allclose(s["h"], s["o"] * np.tanh(s["c"]), atol=1e-5)
        assert 0 < s["f"].min() and s["f"].max() < 1


def test_activations_keep_only_the_signals_asked_for():
    torch.manual_seed(0)
    model = CharLM(VOCAB, "lstm", hidden_size=12, embedding_size=6).eval()
    everything = activations(model, SOURCE, streams=2)
    some = activations(model, SOURCE, streams=2, signals=("c", "f"))
    assert set(some.signals) == {"c", "f"}
    for name in ("c", "f"):
        np.testing.assert_array_equal(some.signals[name], everything.signals[name])
    with pytest.raises(ValueError, match="signals must be one of"):
        activations(model, SOURCE, signals=("c", "z"))


def test_activations_reject_bad_input():
    model = CharLM(VOCAB, "lstm", 4)
    with pytest.raises(ValueError, match="vocabulary"):
        activations(model, "ÿ")
    with pytest.raises(ValueError, match="streams=10"):
        activations(model, "abc", streams=10)
    with pytest.raises(TypeError, match="model"):
        activations(torch.nn.LSTM(3, 4), "abc")


def test_correlations_agree_with_numpy_and_constant_cells_give_zero():
    rng = np.random.default_rng(0)
    signal = rng.normal(size=(200, 5))
    signal[:, 3] = 1.0
    feature = signal[:, 1] * 2 + rng.normal(size=200)
    r = correlations(signal, {"f": feature})["f"]
    for k in (0, 1, 2, 4):
        assert r[k] == pytest.approx(np.corrcoef(signal[:, k], feature)[0, 1], rel=1e-10)
    assert r[3] == 0.0
    with pytest.raises(ValueError, match="shape"):
        correlations(signal, {"f": feature[:-1]})
    with pytest.raises(ValueError, match="NaN"):
        correlations(signal * np.nan, {"f": feature})


def test_best_cells_finds_a_planted_cell_with_its_sign():
    rng = np.random.default_rng(1)
    features = text_features(SOURCE * 20)
    signal = rng.normal(size=(len(SOURCE) * 20, 30))
    signal[:, 17] = -features["indent"] + 0.1 * rng.normal(size=len(SOURCE) * 20)
    table = {name: (cell, r) for name, cell, r in best_cells(signal, features)}
    assert table["indent"][0] == 17 and table["indent"][1] < -0.95
    assert all(abs(r) < 0.5 for name, (_, r) in table.items() if name != "indent")


def test_saturation_counts_the_fractions_below_and_above_the_thresholds():
    gate = np.array([[0.05, 0.5], [0.95, 0.5], [0.01, 0.92], [0.5, 0.5]])
    left, right = saturation({"f": gate})["f"]
    np.testing.assert_allclose(left, [0.5, 0.0])
    np.testing.assert_allclose(right, [0.25, 0.25])
    with pytest.raises(ValueError, match="low must be < high"):
        saturation({"f": gate}, low=0.6, high=0.4)
    with pytest.raises(ValueError, match="ndim|dimensions"):
        saturation({"f": gate[0]})
