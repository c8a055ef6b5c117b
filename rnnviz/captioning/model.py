"""Image captioning: a CNN encoder, an LSTM decoder with soft attention, a no-attention baseline.

The attention model follows Xu et al. 2015, *Show, Attend and Tell*: a CNN turns the image
into a 6x6 grid of feature vectors a_i; at every step t the decoder scores each location
from its previous hidden state and the word it just wrote,
e_ti = w . tanh(W_a a_i + W_h h_{t-1} + W_e E y_{t-1}), turns the scores into
a distribution alpha_t = softmax(e_t) (the attention), and reads the context
z_t = sum_i alpha_ti a_i. The word is predicted from the "deep output"
E y_{t-1} + L_h h_t + L_z z_t. Training adds the paper's doubly stochastic regulariser, which
asks every location to receive its share of attention over the caption.

Three deliberate differences, all so that the attention maps are an honest account of where
the model looked:

- The paper starts h_0, c_0 from the mean feature. We start them at zero, so every bit of the
  image the decoder uses has to come through the attention.
- The paper's LSTM takes [E y_{t-1}, z_t]: it remembers *what* it saw, so once it has read an
  object it can name the object's shape while looking elsewhere. Ours takes [E y_{t-1}, p_t]
  with p_t = sum_i alpha_ti (x_i, y_i) the glimpse's centre of mass: it remembers *where* it
  looked (enough to say "above" or "left of"), and what it saw reaches only the word being
  written. To name a colour or a shape it has to look at it now.
- The paper scores locations from h_{t-1} alone. Ours also sees E y_{t-1}, the word just
  written ("red"), so the next glimpse can be a lookup of what was just said.

The baseline is CS231n's captioner: the same CNN, its mean feature projected once into
h_0 (through a tanh), then an LSTM over the words that never sees the image again.
"""

import inspect

import numpy as np
import torch
from torch import nn

from rnnviz import checks
from rnnviz.captioning import scenes
from rnnviz.checkpoint import build_module, load_checkpoint, save_checkpoint

KINDS = ("attention", "baseline")
# Decoding starts from <START> and stops at <END>, and captions are padded with <NULL>: a
# vocabulary without their ids fails inside torch's embedding or loss.
MIN_VOCAB_SIZE = max(scenes.NULL, scenes.START, scenes.END) + 1
GRID_SIZE = scenes.IMAGE_SIZE // 8  # the encoder halves the image three times: 48 -> 6


class Encoder(nn.Module):
    """A small CNN: an image to a grid of feature vectors, one per 8x8 patch.

    Two coordinate channels are appended to the RGB input (CoordConv, Liu et al. 2018) so the
    features can say *where* as well as *what*; both models get them.

    Inputs:
        images: (N, 3, 48, 48)
    Returns:
        features: (N, L, D) with L = 36 locations in row-major order, D = feature_size
    """

    def __init__(self, feature_size: int = 64, channels: int = 32):
        super().__init__()
        c = channels
        self.net = nn.Sequential(
            nn.Conv2d(5, c // 2, 3, stride=2, padding=1),
            nn.ReLU(),  # 48 -> 24
            nn.Conv2d(c // 2, c, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),  # 24 -> 12
            nn.Conv2d(c, feature_size, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),  # 12 -> 6
            nn.Conv2d(feature_size, feature_size, 1),
        )
        size = scenes.IMAGE_SIZE
        ramp = torch.linspace(-1.0, 1.0, size)
        coords = torch.stack([ramp[None, :].expand(size, size), ramp[:, None].expand(size, size)])
        self.register_buffer("coords", coords, persistent=False)  # (2, 48, 48)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        n = images.shape[0]
        x = torch.cat([images, self.coords.expand(n, -1, -1, -1)], dim=1)  # (N, 5, 48, 48)
        f = self.net(x)  # (N, D, 6, 6)
        return f.flatten(2).transpose(1, 2)  # (N, 36, D)


class AttentionCaptioner(nn.Module):
    """CNN + LSTM decoder with soft attention over the feature grid (Xu et al. 2015)."""

    kind = "attention"

    def __init__(
        self,
        vocab_size: int = len(scenes.idx_to_word),
        feature_size: int = 64,
        hidden_size: int = 128,
        embedding_size: int = 64,
        attention_size: int = 64,
    ):
        super().__init__()
        self.sizes = dict(
            vocab_size=vocab_size,
            feature_size=feature_size,
            hidden_size=hidden_size,
            embedding_size=embedding_size,
            attention_size=attention_size,
        )
        self.encoder = Encoder(feature_size)
        self.embed = nn.Embedding(vocab_size, embedding_size)
        self.att_features = nn.Linear(feature_size, attention_size)  # W_a
        self.att_hidden = nn.Linear(hidden_size, attention_size, bias=False)  # W_h
        self.att_word = nn.Linear(embedding_size, attention_size, bias=False)  # W_e
        self.att_score = nn.Linear(attention_size, 1, bias=False)  # w
        self.cell = nn.LSTMCell(embedding_size + 2, hidden_size)  # [E y_{t-1}, p_t]
        self.out_hidden = nn.Linear(hidden_size, embedding_size)  # L_h
        self.out_context = nn.Linear(feature_size, embedding_size, bias=False)  # L_z
        self.out_words = nn.Linear(embedding_size, vocab_size)  # L_o
        centres = torch.linspace(-1.0, 1.0, GRID_SIZE)
        locations = torch.stack(
            [
                centres[None, :].expand(GRID_SIZE, GRID_SIZE),
                centres[:, None].expand(GRID_SIZE, GRID_SIZE),
            ],
            dim=2,
        )
        self.register_buffer("locations", locations.reshape(-1, 2), persistent=False)  # (L, 2)

    def attend(self, keys, features, h, e):
        """One step's attention: a distribution over locations and the context it reads.

        Inputs:
            keys: (N, L, A) W_a a_i, computed once per image; features: (N, L, D); h: (N, H)
            e: (N, E) the embedding of the word just written
        Returns:
            alpha: (N, L) attention weights (sum to 1); context: (N, D)
        """
        query = self.att_hidden(h) + self.att_word(e)  # (N, A)
        scores = self.att_score(torch.tanh(keys + query[:, None])).squeeze(2)  # (N, L)
        alpha = torch.softmax(scores, dim=1)  # (N, L)
        context = torch.bmm(alpha[:, None], features).squeeze(1)  # (N, D)
        return alpha, context

    def step(self, keys, features, word, h, c):
        """One decoder step: attend, update the LSTM with where it looked, score the next word.

        Returns:
            logits: (N, V); h, c: (N, H); alpha: (N, L)
        """
        e = self.embed(word)  # (N, E)
        alpha, context = self.attend(keys, features, h, e)
        where = alpha @ self.locations  # (N, 2) p_t, the glimpse's (x, y) in [-1, 1]
        h, c = self.cell(torch.cat([e, where], dim=1), (h, c))
        logits = self.out_words(e + self.out_hidden(h) + self.out_context(context))  # (N, V)
        return logits, h, c, alpha

    def _start(self, images):
        features = self.encoder(images)  # (N, L, D)
        n = features.shape[0]
        h = features.new_zeros(n, self.sizes["hidden_size"])
        return features, self.att_features(features), h, torch.zeros_like(h)

    def forward(self, images, captions_in):
        """Teacher forcing: predict every next word given the true previous words.

        Inputs:
            images: (N, 3, 48, 48); captions_in: (N, T) word ids starting with <START>
        Returns:
            logits: (N, T, V); alphas: (N, T, L)
        """
        features, keys, h, c = self._start(images)
        logits, alphas = [], []
        for t in range(captions_in.shape[1]):
            step_logits, h, c, alpha = self.step(keys, features, captions_in[:, t], h, c)
            logits.append(step_logits)
            alphas.append(alpha)
        return torch.stack(logits, 1), torch.stack(alphas, 1)

    @torch.no_grad()
    def generate(self, images, max_length: int = scenes.MAX_CAPTION_LEN - 1):
        """Greedy decoding: feed back the most likely word until <END> or max_length words.

        Returns:
            words: (N, max_length) int64 ids, <NULL> after <END>; alphas: (N, max_length, L)
        """
        features, keys, h, c = self._start(images)
        word = torch.full((images.shape[0],), scenes.START, dtype=torch.long)
        done = torch.zeros(images.shape[0], dtype=torch.bool)
        words, alphas = [], []
        for _ in range(max_length):
            logits, h, c, alpha = self.step(keys, features, word, h, c)
            word = logits.argmax(1)
            words.append(torch.where(done, scenes.NULL, word))
            alphas.append(alpha)
            done |= word == scenes.END
            if bool(done.all()):
                break
        return _pad(torch.stack(words, 1), max_length), _pad(torch.stack(alphas, 1), max_length)


class BaselineCaptioner(nn.Module):
    """CS231n's captioner: the mean CNN feature sets h_0 once; no attention afterwards."""

    kind = "baseline"

    def __init__(
        self,
        vocab_size: int = len(scenes.idx_to_word),
        feature_size: int = 64,
        hidden_size: int = 128,
        embedding_size: int = 64,
    ):
        super().__init__()
        self.sizes = dict(
            vocab_size=vocab_size,
            feature_size=feature_size,
            hidden_size=hidden_size,
            embedding_size=embedding_size,
        )
        self.encoder = Encoder(feature_size)
        self.standardise = nn.BatchNorm1d(feature_size)
        self.project = nn.Linear(feature_size, hidden_size)
        self.embed = nn.Embedding(vocab_size, embedding_size)
        self.lstm = nn.LSTM(embedding_size, hidden_size, batch_first=True)
        self.out_words = nn.Linear(hidden_size, vocab_size)

    def _h0(self, images):
        # One object moves the mean over 36 locations only a little: standardising it (as
        # CS231n's PCA'd features are) and a tanh (h's range) let the baseline learn from it;
        # without them it learned to ignore the image.
        mean = self.standardise(self.encoder(images).mean(1))  # (N, D)
        h0 = torch.tanh(self.project(mean))[None]  # (1, N, H)
        return h0, torch.zeros_like(h0)

    def forward(self, images, captions_in):
        """Teacher forcing. Returns logits (N, T, V) and alphas None (there is no attention)."""
        h, _ = self.lstm(self.embed(captions_in), self._h0(images))  # (N, T, H)
        return self.out_words(h), None

    @torch.no_grad()
    def generate(self, images, max_length: int = scenes.MAX_CAPTION_LEN - 1):
        """Greedy decoding. Returns words (N, max_length) and alphas None."""
        state = self._h0(images)
        word = torch.full((images.shape[0], 1), scenes.START, dtype=torch.long)
        done = torch.zeros(images.shape[0], dtype=torch.bool)
        words = []
        for _ in range(max_length):
            h, state = self.lstm(self.embed(word), state)
            word = self.out_words(h).argmax(2)  # (N, 1)
            words.append(torch.where(done, scenes.NULL, word[:, 0]))
            done |= word[:, 0] == scenes.END
            if bool(done.all()):
                break
        return _pad(torch.stack(words, 1), max_length), None


def _pad(x, length):
    """Pad a (N, T, ...) tensor with zeros (<NULL>) along time to `length` steps."""
    if x.shape[1] == length:
        return x
    return torch.cat([x, x.new_zeros(x.shape[0], length - x.shape[1], *x.shape[2:])], 1)


def make_captioner(kind: str, **sizes) -> nn.Module:
    """A new "attention" or "baseline" captioner with the given sizes.

    Inputs:
        kind: "attention" or "baseline"; sizes: any of the model's size arguments
        (vocab_size, feature_size, hidden_size, embedding_size, and attention_size for
        "attention"), each a positive int; vocab_size at least MIN_VOCAB_SIZE (3: the ids
        of <NULL>, <START> and <END>).
    Returns:
        the model (torch.nn.Module), its weights drawn from torch's random stream
    Raises:
        TypeError for a size that is not an int (a bool or float); ValueError for an unknown
        kind or size name, a size below 1, a vocab_size below MIN_VOCAB_SIZE, or sizes whose
        weights would pass `checks.MEMORY_BUDGET` (the error names the sizes given).
    """
    checks.choice("kind", kind, KINDS)
    model_class = AttentionCaptioner if kind == "attention" else BaselineCaptioner
    defaults = _size_defaults(model_class)
    checked = {}
    for name, value in sizes.items():
        if name not in defaults:
            raise ValueError(
                f"{name} is not a size of the {kind} captioner; expected one of {tuple(defaults)}"
            )
        minimum = MIN_VOCAB_SIZE if name == "vocab_size" else 1
        # Plain ints go on: torch.nn refuses numpy ints, and the sizes are saved as JSON.
        checked[name] = checks.positive_int(name, value, minimum=minimum)
    full = {**defaults, **checked}
    checks.within_budget(checked or full, _weight_count(kind, **full), bytes_each=4, what="weights")
    return model_class(**checked)


def _size_defaults(model_class) -> dict:
    """The size arguments of a captioner class and their defaults."""
    parameters = inspect.signature(model_class.__init__).parameters
    return {name: p.default for name, p in parameters.items() if name != "self"}


def _weight_count(kind, vocab_size, feature_size, hidden_size, embedding_size, attention_size=0):
    """About how many float32 weights a captioner of these sizes holds (its largest blocks).

    The cost model behind make_captioner's cap: the encoder's last two convolutions, the
    word embedding and output layer, the LSTM's four gate blocks, and (attention) the
    attention and deep-output layers. Small terms (biases, the first convolutions) are left out.
    """
    D, H, E, V = feature_size, hidden_size, embedding_size, vocab_size
    count = 9 * 32 * D + D * D + 2 * V * E + 4 * H * (E + H + 2)
    if kind == "attention":
        count += (D + H + E + 1) * attention_size + H * E + D * E
    else:
        count += D * H
    return count


def caption_loss(model, images, captions, attention_penalty: float = 0.0):
    """Cross-entropy of every next word under teacher forcing, plus the attention regulariser.

    The doubly stochastic regulariser (Xu et al. 2015, eq. 14) is
    penalty * sum_i (tau - sum_t alpha_ti)^2. The paper uses tau = 1, which fits captions
    about as long as the grid has locations; ours are 5-17 words over 36 locations, so tau =
    T / L, the coverage every location would get if attention were spread evenly.

    Inputs:
        images: (N, 3, 48, 48); captions: (N, T) <START> ... <END> <NULL>...
    Returns:
        loss: scalar tensor (mean cross-entropy per word + the penalty, mean over images)
    """
    checks.tensor("images", images, ndim=4)
    checks.tensor("captions", captions, ndim=2)
    vocab_size = model.sizes["vocab_size"]
    if captions.numel() and not (0 <= int(captions.min()) and int(captions.max()) < vocab_size):
        raise ValueError(
            f"captions must hold word ids in [0, {vocab_size}) (the model's vocab_size), got "
            f"ids from {int(captions.min())} to {int(captions.max())}"
        )
    captions_in, captions_out = captions[:, :-1], captions[:, 1:]
    mask = captions_out != scenes.NULL  # (N, T)
    logits, alphas = model(images, captions_in)
    loss = nn.functional.cross_entropy(logits[mask], captions_out[mask])
    if alphas is not None and attention_penalty > 0:
        coverage = (alphas * mask[..., None]).sum(1)  # (N, L)
        tau = mask.sum(1, keepdim=True) / alphas.shape[2]  # (N, 1)
        loss = loss + attention_penalty * ((tau - coverage) ** 2).sum(1).mean()
    return loss


def save_captioner(model, path, meta: dict) -> None:
    """Save a captioner's weights, sizes and vocabulary (plus `meta`) via rnnviz.checkpoint."""
    full = dict(meta, kind=model.kind, sizes=model.sizes, vocab=list(scenes.idx_to_word))
    tensors = {k: v.detach().clone() for k, v in model.state_dict().items()}
    save_checkpoint(path, tensors, full)


def load_captioner(path):
    """Load a captioner saved by save_captioner; refuse one made for another vocabulary.

    Returns:
        model (in eval mode), meta (dict)
    Raises:
        ValueError naming the file if it is damaged, its vocabulary is not scenes' (or its
        vocab_size not that vocabulary's length), or its sizes are refused by make_captioner.
    """
    tensors, meta = load_checkpoint(path, required_meta=("kind", "sizes", "vocab"))
    if meta["vocab"] != list(scenes.idx_to_word):
        raise ValueError(
            f"{path}: its vocabulary {meta['vocab']!r} does not match "
            f"rnnviz.captioning.scenes' {scenes.idx_to_word!r}; retrain it"
        )
    if meta["kind"] not in KINDS or not isinstance(meta["sizes"], dict):
        raise ValueError(
            f"{path}: kind must be one of {KINDS} with a dict of sizes, "
            f"got {meta['kind']!r}, {meta['sizes']!r}"
        )
    # A model with more words than the vocabulary would write ids no word has.
    vocab_size = meta["sizes"].get("vocab_size", len(scenes.idx_to_word))
    if vocab_size != len(scenes.idx_to_word):
        raise ValueError(
            f"{path}: its vocab_size {vocab_size!r} is not the length of its vocabulary "
            f"({len(scenes.idx_to_word)} words)"
        )
    # Shapes are checked on the meta device first: metadata claiming huge sizes allocates
    # nothing, and a file made for another architecture is refused by name.
    model = build_module(path, tensors, lambda: make_captioner(meta["kind"], **meta["sizes"]))
    for name, value in model.state_dict().items():
        if value.is_floating_point() and not bool(torch.isfinite(value).all()):
            raise ValueError(f"{path}: weight {name} contains NaN or inf")
    return model.eval(), meta


def caption_images(model, images: np.ndarray, batch_size: int = 256):
    """Greedy captions (and attention maps) for a batch of images.

    Inputs:
        images: (N, 3, 48, 48) float array
    Returns:
        words: (N, T) int64 numpy; alphas: (N, T, 6, 6) float32 numpy, or None for the baseline
    """
    checks.array("images", images, ndim=4, shape=(None, 3, scenes.IMAGE_SIZE, scenes.IMAGE_SIZE))
    model.eval()
    words, alphas = [], []
    for i in range(0, len(images), batch_size):
        w, a = model.generate(torch.as_tensor(images[i : i + batch_size], dtype=torch.float32))
        words.append(w.numpy())
        if a is not None:
            alphas.append(a.reshape(*a.shape[:2], GRID_SIZE, GRID_SIZE).numpy())
    return np.concatenate(words), (np.concatenate(alphas) if alphas else None)
