"""Many-to-many: tag every word of a sentence, where a word's tag depends on the word before.

The lecture's many-to-many shape gives a label at every step. In "they fish" the word
"fish" is a verb, in "the fish" a noun: a tagger that looks at one word at a time (the
most frequent tag of each word) must get one of the two wrong, while an RNN's state
remembers what came before. The toy grammar: SUBJECT VERB OBJECT, where a subject is a
pronoun or "DET NOUN" and the object is "DET NOUN".
"""

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from rnnviz import checks
from rnnviz.models.sequence_models import TokenRNN
from rnnviz.training import train_minibatches

TAGS = ("DET", "NOUN", "PRON", "VERB")
DETERMINERS = ("the", "a", "my")
PRONOUNS = ("i", "we", "they", "you")
AMBIGUOUS = ("fish", "duck", "watch", "book")  # nouns and verbs
NOUNS = ("dog", "cat", "bird", "tree", *AMBIGUOUS)
VERBS = ("see", "like", "eat", *AMBIGUOUS)
PAD = "<pad>"
VOCAB = (PAD, *sorted(set(DETERMINERS + PRONOUNS + NOUNS + VERBS)))
WORD_INDEX = {w: i for i, w in enumerate(VOCAB)}
IGNORE = -100  # the tag of a padding position: cross_entropy's ignore_index


@dataclass
class TaggedSentences:
    """Sentences and their tags, padded at the end.

    - tokens: (N, T) int64 word indices (0 is <pad>); tags: (N, T) int64 indices into TAGS,
      IGNORE at padding
    - ambiguous: (N, T) bool, the word is one of AMBIGUOUS
    - text: the N sentences as strings
    """

    tokens: torch.Tensor
    tags: torch.Tensor
    ambiguous: torch.Tensor
    text: list

    def __len__(self):
        return len(self.text)


def make_tagged_sentences(n_sentences: int, *, seed: int = 0) -> TaggedSentences:
    """Generate "SUBJECT VERB OBJECT" sentences with a tag for every word.

    Inputs:
    - n_sentences: N >= 1
    - seed: the generator's seed (same seed, same sentences)
    Returns:
    - TaggedSentences (T = 5, the longest sentence)
    """
    n = checks.positive_int("n_sentences", n_sentences)
    checks.within_budget({"n_sentences": n}, 24 * n)  # words, tags and their ids: ~200 bytes
    rng = np.random.default_rng(checks.seed("seed", seed))
    sentences = []
    for _ in range(n):
        if rng.random() < 0.5:
            words = [(str(rng.choice(PRONOUNS)), "PRON")]
        else:
            words = [(str(rng.choice(DETERMINERS)), "DET"), (str(rng.choice(NOUNS)), "NOUN")]
        words += [
            (str(rng.choice(VERBS)), "VERB"),
            (str(rng.choice(DETERMINERS)), "DET"),
            (str(rng.choice(NOUNS)), "NOUN"),
        ]
        sentences.append(words)
    length = max(len(s) for s in sentences)
    tokens = torch.zeros(n, length, dtype=torch.int64)
    tags = torch.full((n, length), IGNORE, dtype=torch.int64)
    for i, words in enumerate(sentences):
        tokens[i, : len(words)] = torch.tensor([WORD_INDEX[w] for w, _ in words])
        tags[i, : len(words)] = torch.tensor([TAGS.index(t) for _, t in words])
    ambiguous = torch.isin(tokens, torch.tensor([WORD_INDEX[w] for w in AMBIGUOUS]))
    return TaggedSentences(
        tokens, tags, ambiguous, [" ".join(w for w, _ in words) for words in sentences]
    )


def encode(texts) -> TaggedSentences:
    """Turn your own sentences (words from VOCAB) into a batch to tag; tags unknown (IGNORE).

    Inputs:
    - texts: list of non-empty strings
    Returns:
    - TaggedSentences with every tag IGNORE
    """
    checks.sentences("texts", texts, set(VOCAB[1:]))  # every word but the padding
    length = max(len(t.split()) for t in texts)
    tokens = torch.zeros(len(texts), length, dtype=torch.int64)
    for i, text in enumerate(texts):
        tokens[i, : len(text.split())] = torch.tensor([WORD_INDEX[w] for w in text.split()])
    ambiguous = torch.isin(tokens, torch.tensor([WORD_INDEX[w] for w in AMBIGUOUS]))
    return TaggedSentences(tokens, torch.full_like(tokens, IGNORE), ambiguous, list(texts))


class MostFrequentTag:
    """The one-word-at-a-time baseline: each word gets the tag it had most often in training."""

    def __init__(self, sentences: TaggedSentences):
        _check_sentences(sentences)
        counts = torch.zeros(len(VOCAB), len(TAGS))
        real = sentences.tags != IGNORE
        counts.index_put_(
            (sentences.tokens[real], sentences.tags[real]),
            torch.ones(int(real.sum())),
            accumulate=True,
        )
        self.tag_of_word = counts.argmax(dim=1)  # (V,)

    def predict(self, sentences: TaggedSentences) -> torch.Tensor:
        """(N, T) predicted tag indices."""
        _check_sentences(sentences)
        return self.tag_of_word[sentences.tokens]


class TaggerRNN(TokenRNN):
    """Embedding -> vanilla RNN -> a linear head at every step (many to many).

    forward(tokens (N, T)) -> (N, T, len(TAGS)) logits
    """

    def __init__(self, embedding_size: int = 16, hidden_size: int = 32):
        super().__init__(len(VOCAB), len(TAGS), embedding_size, hidden_size)

    def forward(self, tokens):
        return self.head(self.hidden_states(tokens))  # (N, T, tags)

    @torch.no_grad()
    def predict(self, sentences: TaggedSentences) -> torch.Tensor:
        """(N, T) predicted tag indices."""
        _check_sentences(sentences)
        self.eval()
        return self(sentences.tokens).argmax(dim=2)


def train_tagger(
    model: TaggerRNN,
    sentences: TaggedSentences,
    *,
    steps: int = 200,
    batch_size: int = 64,
    lr: float = 1e-2,
    seed: int = 0,
    label: str = "RNN",
    callback=None,
):
    """Train a TaggerRNN with cross-entropy summed over every real (non-pad) word.

    Inputs:
    - model: a TaggerRNN; sentences: the training set
    - steps, batch_size, lr, seed, label, callback: as rnnviz.training.train_minibatches
    Returns: rnnviz.training.TrainResult
    """
    if not isinstance(model, TaggerRNN):
        raise TypeError(f"model must be a TaggerRNN, got {type(model).__name__}")
    _check_sentences(sentences)

    def batch_loss(rows):
        logits = model(sentences.tokens[rows])  # (B, T, tags)
        return F.cross_entropy(
            logits.flatten(0, 1), sentences.tags[rows].flatten(), ignore_index=IGNORE
        )

    return train_minibatches(
        model,
        len(sentences),
        batch_loss,
        steps=steps,
        batch_size=batch_size,
        lr=lr,
        seed=seed,
        label=label,
        callback=callback,
    )


def tag_accuracy(predicted: torch.Tensor, sentences: TaggedSentences) -> dict:
    """Accuracy over all real words and over the ambiguous ones: {"all", "ambiguous"}.

    Inputs:
    - predicted: (N, T) tag indices, from MostFrequentTag.predict or TaggerRNN.predict
    - sentences: the sentences they tag
    """
    _check_sentences(sentences)
    checks.tensor("predicted", predicted, shape=tuple(sentences.tags.shape))
    real = sentences.tags != IGNORE
    correct = predicted == sentences.tags
    return {
        "all": float(correct[real].float().mean()),
        "ambiguous": float(correct[real & sentences.ambiguous].float().mean()),
    }


def show_tags(predicted: torch.Tensor, sentences: TaggedSentences, rows=range(4)) -> str:
    """The sentences at `rows` with each word's predicted tag, e.g. "they/PRON fish/VERB ..."."""
    _check_sentences(sentences)
    lines = []
    for i in rows:
        words = sentences.text[i].split()
        lines.append(" ".join(f"{w}/{TAGS[int(t)]}" for w, t in zip(words, predicted[i])))
    return "\n".join(lines)


def _check_sentences(sentences):
    if not isinstance(sentences, TaggedSentences):
        raise TypeError(
            f"sentences must be TaggedSentences (from make_tagged_sentences), got "
            f"{type(sentences).__name__}"
        )
