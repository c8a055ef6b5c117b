"""Many-to-one: sentiment of short synthetic reviews, where "not" flips the meaning.

The lecture's example of many-to-one is sentiment analysis: read the whole sentence, then
classify it from the final hidden state. A generator of sentences such as
"the plot was not very good" (negative) makes word order matter: a bag-of-words model sees
the same words in "good" and "not good", so it can only learn that "good" is positive and
must get every negated sentence wrong. An RNN reads "not" first and carries it in its state.
"""

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from rnnviz import checks
from rnnviz.models.sequence_models import TokenRNN
from rnnviz.training import train_minibatches

SUBJECTS = ("the movie", "the plot", "the acting", "this film", "the ending", "the music")
VERBS = ("was", "is")
NEGATORS = ("not", "never")
INTENSIFIERS = ("very", "really", "quite")
POSITIVE = ("good", "great", "fun", "brilliant", "lovely")
NEGATIVE = ("bad", "awful", "boring", "dull", "terrible")
PAD = "<pad>"
VOCAB = (
    PAD,
    *sorted(
        {
            w
            for group in (SUBJECTS, VERBS, NEGATORS, INTENSIFIERS, POSITIVE, NEGATIVE)
            for phrase in group
            for w in phrase.split()
        }
    ),
)
WORD_INDEX = {w: i for i, w in enumerate(VOCAB)}
LABELS = ("negative", "positive")


@dataclass
class Sentences:
    """A batch of reviews, padded at the end with <pad> (index 0).

    - tokens: (N, T) int64 word indices; lengths: (N,) int64 real lengths
    - labels: (N,) int64, 1 positive, 0 negative
    - negated: (N,) bool, the sentence contains "not"/"never"
    - text: the N sentences as strings
    """

    tokens: torch.Tensor
    lengths: torch.Tensor
    labels: torch.Tensor
    negated: torch.Tensor
    text: list

    def __len__(self):
        return len(self.text)

    def subset(self, index) -> "Sentences":
        """The sentences at `index` (a LongTensor or slice)."""
        rows = range(len(self))[index] if isinstance(index, slice) else index.tolist()
        return Sentences(
            self.tokens[index],
            self.lengths[index],
            self.labels[index],
            self.negated[index],
            [self.text[i] for i in rows],
        )


def make_sentences(n_sentences: int, *, negated_fraction: float = 0.3, seed: int = 0) -> Sentences:
    """Generate reviews "SUBJECT VERB [not|never] [very] ADJECTIVE" with their sentiment.

    The label is the adjective's polarity, flipped when the sentence is negated.

    Inputs:
    - n_sentences: N >= 1
    - negated_fraction: share of negated sentences, in [0, 1]
    - seed: the generator's seed (same seed, same sentences)
    Returns:
    - Sentences
    """
    n = checks.positive_int("n_sentences", n_sentences)
    # A sentence is a Python str of about 30 characters, about 100 bytes: ~12 numbers' worth.
    checks.within_budget({"n_sentences": n}, 12 * n)
    negated_fraction = checks.real_number("negated_fraction", negated_fraction, low=0, high=1)
    rng = np.random.default_rng(checks.seed("seed", seed))
    texts, labels, negated = [], [], []
    for _ in range(n):
        positive = bool(rng.random() < 0.5)
        neg = bool(rng.random() < negated_fraction)
        words = [*rng.choice(SUBJECTS).split(), str(rng.choice(VERBS))]
        if neg:
            words.append(str(rng.choice(NEGATORS)))
        if rng.random() < 0.5:
            words.append(str(rng.choice(INTENSIFIERS)))
        words.append(str(rng.choice(POSITIVE if positive else NEGATIVE)))
        texts.append(" ".join(words))
        labels.append(int(positive != neg))
        negated.append(neg)
    return _encode(texts, labels, negated)


def encode(texts) -> Sentences:
    """Turn your own sentences (words from VOCAB) into a batch, labels unknown (-1).

    Inputs:
    - texts: list of non-empty strings
    Returns:
    - Sentences with labels -1 and negated from the presence of "not"/"never"
    """
    checks.sentences("texts", texts, set(VOCAB[1:]))  # every word but the padding
    negated = [any(w in NEGATORS for w in t.split()) for t in texts]
    return _encode(list(texts), [-1] * len(texts), negated)


def _encode(texts, labels, negated) -> Sentences:
    lengths = [len(t.split()) for t in texts]
    tokens = torch.zeros(len(texts), max(lengths), dtype=torch.int64)  # PAD is 0
    for i, text in enumerate(texts):
        tokens[i, : lengths[i]] = torch.tensor([WORD_INDEX[w] for w in text.split()])
    return Sentences(
        tokens, torch.tensor(lengths), torch.tensor(labels), torch.tensor(negated), texts
    )


class BagOfWords(nn.Module):
    """The order-blind baseline: logistic regression on word counts.

    forward(tokens (N, T), lengths (N,)) -> (N, 2) logits
    """

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(len(VOCAB), len(LABELS))

    def forward(self, tokens, lengths):
        counts = F.one_hot(tokens, len(VOCAB)).sum(dim=1).float()  # (N, V)
        counts[:, WORD_INDEX[PAD]] = 0
        return self.linear(counts)  # (N, 2)


class SentimentRNN(TokenRNN):
    """Embedding -> vanilla RNN -> linear head on the last real word's hidden state.

    forward(tokens (N, T), lengths (N,)) -> (N, 2) logits. `hidden_states(tokens, lengths)`
    returns the (N, T, H) states.
    """

    def __init__(self, embedding_size: int = 16, hidden_size: int = 32):
        super().__init__(len(VOCAB), len(LABELS), embedding_size, hidden_size)

    def hidden_states(self, tokens, lengths=None):
        return super().hidden_states(tokens)  # (N, T, H)

    def forward(self, tokens, lengths):
        h = self.hidden_states(tokens, lengths)  # (N, T, H)
        last = h[torch.arange(len(tokens)), lengths - 1]  # (N, H): the final hidden state
        return self.head(last)  # (N, 2)


def train_sentiment(
    model: nn.Module,
    sentences: Sentences,
    *,
    steps: int = 300,
    batch_size: int = 64,
    lr: float = 1e-2,
    seed: int = 0,
    label: str = "model",
    callback=None,
    progress: bool | str = True,
):
    """Train a BagOfWords or SentimentRNN with cross-entropy on random minibatches.

    Inputs:
    - model: BagOfWords or SentimentRNN; sentences: the training set
    - steps, batch_size, lr, seed, label, callback, progress: as
      rnnviz.training.train_minibatches (progress="blind": a bar without the loss)
    Returns: rnnviz.training.TrainResult
    """
    _check_model(model)
    _check_sentences(sentences)

    def batch_loss(rows):
        b = sentences.subset(rows)
        return F.cross_entropy(model(b.tokens, b.lengths), b.labels)

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
        progress=progress,
    )


@torch.no_grad()
def predict(model: nn.Module, sentences: Sentences) -> torch.Tensor:
    """The predicted label (1 positive, 0 negative) of every sentence: (N,) int64."""
    _check_model(model)
    _check_sentences(sentences)
    model.eval()
    return model(sentences.tokens, sentences.lengths).argmax(dim=1)


def accuracy_by_kind(model: nn.Module, sentences: Sentences) -> dict:
    """Accuracy on all, plain and negated sentences: {"all", "plain", "negated"} -> float.

    A kind with no sentences gets NaN.
    """
    correct = (predict(model, sentences) == sentences.labels).float()  # (N,)
    neg = sentences.negated

    def mean(mask):
        return float(correct[mask].mean()) if bool(mask.any()) else float("nan")

    return {"all": mean(torch.ones_like(neg)), "plain": mean(~neg), "negated": mean(neg)}


def _check_model(model):
    if not isinstance(model, (BagOfWords, SentimentRNN)):
        raise TypeError(f"model must be a BagOfWords or SentimentRNN, got {type(model).__name__}")


def _check_sentences(sentences):
    if not isinstance(sentences, Sentences):
        raise TypeError(
            f"sentences must be Sentences (from make_sentences), got {type(sentences).__name__}"
        )
