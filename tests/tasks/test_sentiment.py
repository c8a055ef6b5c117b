"""Synthetic reviews with negation: bag-of-words fails on "not", an RNN does not."""

import pytest
import torch

from rnnviz.tasks.sentiment import (
    NEGATORS,
    POSITIVE,
    VOCAB,
    BagOfWords,
    SentimentRNN,
    accuracy_by_kind,
    encode,
    make_sentences,
    predict,
    train_sentiment,
)


def test_labels_are_the_adjectives_polarity_flipped_by_negation():
    s = make_sentences(500, negated_fraction=0.5, seed=3)
    for text, label, negated in zip(s.text, s.labels.tolist(), s.negated.tolist()):
        words = text.split()
        assert negated == any(w in NEGATORS for w in words)
        assert label == int((words[-1] in POSITIVE) != negated)
    assert 0.4 < float(s.negated.float().mean()) < 0.6
    assert 0.4 < float(s.labels.float().mean()) < 0.6


def test_tokens_are_padded_and_decode_back_to_the_text():
    s = make_sentences(50, seed=0)
    for row, text, length in zip(s.tokens, s.text, s.lengths.tolist()):
        assert " ".join(VOCAB[i] for i in row[:length].tolist()) == text
        assert row[length:].eq(0).all()
    assert s.subset(slice(2, 5)).text == s.text[2:5]


def test_generator_is_seeded():
    assert make_sentences(20, seed=1).text == make_sentences(20, seed=1).text
    assert make_sentences(20, seed=1).text != make_sentences(20, seed=2).text


def test_bag_of_words_cannot_tell_not_good_from_good():
    # The same words in a different order give exactly the same counts.
    bow = BagOfWords()
    a, b = encode(["the movie was not good"]), encode(["not the movie was good"])
    assert torch.equal(bow(a.tokens, a.lengths), bow(b.tokens, b.lengths))


@pytest.mark.slow
def test_rnn_gets_negated_sentences_right_where_bag_of_words_fails():
    train_set = make_sentences(2000, seed=0)
    test_set = make_sentences(600, negated_fraction=0.5, seed=1)
    bow = BagOfWords()
    train_sentiment(bow, train_set, steps=150, lr=0.05)
    rnn = SentimentRNN()
    train_sentiment(rnn, train_set, steps=200)
    bow_acc, rnn_acc = accuracy_by_kind(bow, test_set), accuracy_by_kind(rnn, test_set)
    assert bow_acc["plain"] > 0.95 and bow_acc["negated"] < 0.2
    assert rnn_acc["plain"] > 0.95 and rnn_acc["negated"] > 0.95
    mine = encode(["the plot was not good", "the plot was not bad"])
    assert predict(rnn, mine).tolist() == [0, 1]


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="n_sentences must be an int >= 1"):
        make_sentences(0)
    with pytest.raises(ValueError, match=r"negated_fraction must be in \[0, 1\]"):
        make_sentences(5, negated_fraction=1.5)
    with pytest.raises(ValueError, match="unknown words"):
        encode(["the movie was superb"])
    with pytest.raises(ValueError, match="non-empty strings"):
        encode([""])
    with pytest.raises(TypeError, match="non-empty list"):
        encode("the movie was good")
    with pytest.raises(TypeError, match="model must be a BagOfWords or SentimentRNN"):
        train_sentiment(torch.nn.Linear(2, 2), make_sentences(5))
    with pytest.raises(TypeError, match="sentences must be Sentences"):
        accuracy_by_kind(BagOfWords(), ["the movie was good"])
    with pytest.raises(ValueError, match="hidden_size must be an int >= 1"):
        SentimentRNN(hidden_size=0)
