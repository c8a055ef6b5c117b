"""Tagging: a one-word-at-a-time baseline fails on ambiguous words, an RNN does not."""

import pytest
import torch

from rnnviz.tasks.tagging import (
    AMBIGUOUS,
    IGNORE,
    TAGS,
    VOCAB,
    MostFrequentTag,
    TaggerRNN,
    encode,
    make_tagged_sentences,
    show_tags,
    tag_accuracy,
    train_tagger,
)


def test_tags_follow_the_grammar():
    s = make_tagged_sentences(300, seed=2)
    for row, tags, text in zip(s.tokens, s.tags, s.text):
        words = text.split()
        tags = [TAGS[t] for t in tags.tolist() if t != IGNORE]
        assert len(tags) == len(words) and [VOCAB[i] for i in row[: len(words)]] == words
        assert tags in (["PRON", "VERB", "DET", "NOUN"], ["DET", "NOUN", "VERB", "DET", "NOUN"])
        # An ambiguous word is a noun right after a determiner, else a verb.
        for k, w in enumerate(words):
            if w in AMBIGUOUS:
                assert tags[k] == ("NOUN" if tags[k - 1] == "DET" else "VERB")
    assert torch.equal(
        s.ambiguous, torch.isin(s.tokens, torch.tensor([VOCAB.index(w) for w in AMBIGUOUS]))
    )


def test_generator_is_seeded():
    assert make_tagged_sentences(10, seed=1).text == make_tagged_sentences(10, seed=1).text
    assert make_tagged_sentences(10, seed=1).text != make_tagged_sentences(10, seed=2).text


def test_most_frequent_tag_gives_one_tag_per_word():
    train_set = make_tagged_sentences(2000, seed=0)
    base = MostFrequentTag(train_set)
    test_set = make_tagged_sentences(500, seed=1)
    acc = tag_accuracy(base.predict(test_set), test_set)
    # Unambiguous words are always right, ambiguous ones only when their majority tag fits.
    assert acc["all"] < 0.95 and 0.3 < acc["ambiguous"] < 0.75
    assert base.tag_of_word[VOCAB.index("the")] == TAGS.index("DET")


def test_accuracy_counts_real_words_only():
    s = make_tagged_sentences(50, seed=0)
    perfect = s.tags.clone()
    perfect[perfect == IGNORE] = 0  # whatever is predicted at padding does not count
    assert tag_accuracy(perfect, s) == {"all": 1.0, "ambiguous": 1.0}
    assert show_tags(perfect, s, rows=[0]).split()[0].endswith(f"/{TAGS[int(s.tags[0, 0])]}")


@pytest.mark.slow
def test_rnn_tags_ambiguous_words_from_their_left_context():
    train_set, test_set = make_tagged_sentences(2000, seed=0), make_tagged_sentences(500, seed=1)
    model = TaggerRNN()
    train_tagger(model, train_set, steps=200)
    acc = tag_accuracy(model.predict(test_set), test_set)
    assert acc["all"] > 0.98 and acc["ambiguous"] > 0.97
    mine = encode(["they fish the fish", "the duck watch my book"])
    assert show_tags(model.predict(mine), mine, rows=[0, 1]).split("\n") == [
        "they/PRON fish/VERB the/DET fish/NOUN",
        "the/DET duck/NOUN watch/VERB my/DET book/NOUN",
    ]


def test_bad_arguments_are_named():
    s = make_tagged_sentences(5)
    with pytest.raises(ValueError, match="n_sentences must be an int >= 1"):
        make_tagged_sentences(-1)
    with pytest.raises(TypeError, match="sentences must be TaggedSentences"):
        MostFrequentTag([("the", "DET")])
    with pytest.raises(TypeError, match="model must be a TaggerRNN"):
        train_tagger(MostFrequentTag(s), s)
    with pytest.raises(ValueError, match="unknown words"):
        encode(["they fish the salmon"])
    with pytest.raises(TypeError, match="non-empty list"):
        encode("they fish")
    with pytest.raises(ValueError, match="predicted must have shape"):
        tag_accuracy(torch.zeros(2, 2, dtype=torch.int64), s)
