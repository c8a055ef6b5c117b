"""Image captioning: a CNN encoder, an LSTM decoder with soft attention, a no-attention baseline.

The attention model follows Xu et al. 2015, *Show, Attend and Tell*: a CNN turns the image
into a 6x6 grid of feature vectors a_i; at every step t the decoder scores each location
from its previous hidden state, e_ti = w . tanh(W_a a_i + W_h h_{t-1}), turns the scores into
a distribution alpha_t = softmax(e_t) (the attention), and reads the context
z_t = sum_i alpha_ti a_i. The LSTM takes [embedding of the previous word, z_t]; the word is
predicted from the "deep output" E y_{t-1} + L_h h_t + L_z z_t. Training adds the paper's
doubly stochastic regulariser, which asks every location to receive its share of
attention over the caption.

One deliberate difference: the paper starts h_0, c_0 from the mean feature. We start them at
zero, so every bit of the image the decoder uses has to come through the attention, which is
what makes its attention maps an honest account of where it looked.

The baseline is CS231n's captioner: the same CNN, its mean feature projected once into
h_0 (through a tanh), then an LSTM over the words that never sees the image again.
"""

import numpy as np
import torch
from torch import nn

from rnnviz import checks
from rnnviz.captioning import scenes
from rnnviz.checkpoint import load_checkpoint, save_checkpoint

KINDS = ("attention", "baseline")
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
            nn.Conv2d(5, c // 2, 3, stride=2, padding=1), nn.ReLU(),  # 48 -> 24
            nn.Conv2d(c // 2, c, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 24 -> 12
            nn.Conv2d(c, feature_size, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 12 -> 6
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

    def __init__(self, vocab_size: int = len(scenes.idx_to_word), feature_size: int = 64,
                 hidden_size: int = 128, embed_size: int = 64, attention_size: int = 64):
        super().__init__()
        self.sizes = dict(vocab_size=vocab_size, feature_size=feature_size,
                          hidden_size=hidden_size, embed_size=embed_size,
                          attention_size=attention_size)
        self.encoder = Encoder(feature_size)
        self.embed = nn.Embedding(vocab_size, embed_size)
        self.att_features = nn.Linear(feature_size, attention_size)  # W_a
        self.att_hidden = nn.Linear(hidden_size, attention_size, bias=False)  # W_h
        self.att_score = nn.Linear(attention_size, 1, bias=False)  # w
        self.cell = nn.LSTMCell(embed_size + feature_size, hidden_size)
        self.out_hidden = nn.Linear(hidden_size, embed_size)  # L_h
        self.out_context = nn.Linear(feature_size, embed_size, bias=False)  # L_z
        self.out_words = nn.Linear(embed_size, vocab_size)  # L_o

    def attend(self, keys, features, h):
        """One step's attention: a distribution over locations and the context it reads.

        Inputs:
            keys: (N, L, A) W_a a_i, computed once per image; features: (N, L, D); h: (N, H)
        Returns:
            alpha: (N, L) attention weights (sum to 1); context: (N, D)
        """
        scores = self.att_score(torch.tanh(keys + self.att_hidden(h)[:, None])).squeeze(2)  # (N, L)
        alpha = torch.softmax(scores, dim=1)  # (N, L)
        context = torch.bmm(alpha[:, None], features).squeeze(1)  # (N, D)
        return alpha, context

    def step(self, keys, features, word, h, c):
        """One decoder step: attend, update the LSTM, score the next word.

        Returns:
            logits: (N, V); h, c: (N, H); alpha: (N, L)
        """
        alpha, context = self.attend(keys, features, h)
        e = self.embed(word)  # (N, E)
        h, c = self.cell(torch.cat([e, context], dim=1), (h, c))
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

    def __init__(self, vocab_size: int = len(scenes.idx_to_word), feature_size: int = 64,
                 hidden_size: int = 128, embed_size: int = 64):
        super().__init__()
        self.sizes = dict(vocab_size=vocab_size, feature_size=feature_size,
                          hidden_size=hidden_size, embed_size=embed_size)
        self.encoder = Encoder(feature_size)
        self.standardise = nn.BatchNorm1d(feature_size)
        self.project = nn.Linear(feature_size, hidden_size)
        self.embed = nn.Embedding(vocab_size, embed_size)
        self.lstm = nn.LSTM(embed_size, hidden_size, batch_first=True)
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
    """A new "attention" or "baseline" captioner with the given sizes."""
    checks.choice("kind", kind, KINDS)
    for name, value in sizes.items():
        checks.positive_int(name, value)
    return (AttentionCaptioner if kind == "attention" else BaselineCaptioner)(**sizes)


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
    """
    tensors, meta = load_checkpoint(path, required_meta=("kind", "sizes", "vocab"))
    if meta["vocab"] != list(scenes.idx_to_word):
        raise ValueError(f"{path}: its vocabulary {meta['vocab']!r} does not match "
                         f"rnnviz.captioning.scenes' {scenes.idx_to_word!r}; retrain it")
    if meta["kind"] not in KINDS or not isinstance(meta["sizes"], dict):
        raise ValueError(f"{path}: kind must be one of {KINDS} with a dict of sizes, "
                         f"got {meta['kind']!r}, {meta['sizes']!r}")
    try:
        model = make_captioner(meta["kind"], **meta["sizes"])
        model.load_state_dict(tensors)
    except (TypeError, ValueError, RuntimeError) as err:
        raise ValueError(f"{path}: weights do not fit a {meta['kind']} captioner: {err}") from err
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


def caption_accuracy(words: np.ndarray, captions: np.ndarray) -> dict:
    """How often the generated captions are right, whole and word by word.

    Inputs:
        words: (N, T) generated ids (no <START>), <NULL> after <END>
        captions: (N, T + 1) true ids, <START> first
    Returns:
        {"exact": fraction of captions generated exactly (up to and including <END>),
         "token": fraction of true words (and <END>) matched at their position}
    """
    truth = captions[:, 1:]  # (N, T)
    if words.shape != truth.shape:
        raise ValueError(f"words must have shape {truth.shape}, got {words.shape}")
    counted = truth != scenes.NULL
    right = (words == truth) & counted
    return {
        "exact": float(np.mean(right.sum(1) == counted.sum(1))),
        "token": float(right.sum() / counted.sum()),
    }


def object_cells(masks: np.ndarray) -> np.ndarray:
    """For each object, which grid cells it covers. masks (K, 48, 48) -> (K, 6, 6) bool."""
    k = masks.shape[0]
    size = scenes.IMAGE_SIZE // GRID_SIZE
    return masks.reshape(k, GRID_SIZE, size, GRID_SIZE, size).any(axis=(2, 4))


def word_targets(words, objects) -> list:
    """The scene objects each generated colour or shape word describes.

    A generated phrase "a large red circle" names the object with all of its attributes;
    if no object has them all (the model got one wrong), each word names the objects having
    that word's attribute, and a word no object has names nothing.

    Inputs:
        words: (T,) generated ids; objects: the scene's SceneObject list
    Returns:
        [(step, word, [object indices])] for every colour or shape word
    """
    targets, phrase = [], {}
    pending = []
    for t, idx in enumerate(words):
        word = scenes.idx_to_word[idx]
        if word in ("<END>", "<NULL>"):
            break
        if word == "a":
            targets += _resolve(pending, phrase, objects)
            phrase, pending = {}, []
        for attr, values in (("size", scenes.SIZES), ("color", scenes.COLORS),
                             ("shape", scenes.SHAPES)):
            if word in values:
                phrase[attr] = word
                if attr != "size":
                    pending.append((t, word, attr))
    return targets + _resolve(pending, phrase, objects)


def _resolve(pending, phrase, objects):
    whole = [k for k, o in enumerate(objects)
             if all(getattr(o, attr) == value for attr, value in phrase.items())]
    out = []
    for t, word, attr in pending:
        named = whole or [k for k, o in enumerate(objects) if getattr(o, attr) == word]
        out.append((t, word, named))
    return out


def attention_localisation(words: np.ndarray, alphas: np.ndarray, data) -> dict:
    """Did the attention peak fall on the object each generated colour or shape word describes?

    The peak is the grid cell (an 8x8 patch) with the largest attention at the step that
    produced the word; it is a hit if any pixel of the described object lies in that patch.

    Inputs:
        words: (N, T) generated ids; alphas: (N, T, 6, 6) attention; data: captioning.scenes.Scenes
    Returns:
        {"localisation": hit fraction, "chance": the hit fraction a uniformly random peak
         would get on the same words, "words": how many words were scored}
    """
    if alphas.shape[:2] != words.shape or alphas.shape[2:] != (GRID_SIZE, GRID_SIZE):
        raise ValueError(f"alphas must have shape {(*words.shape, GRID_SIZE, GRID_SIZE)}, "
                         f"got {alphas.shape}")
    hits, chance, count = 0, 0.0, 0
    for n, objects in enumerate(data.objects):
        cells = object_cells(data.masks[n, : len(objects)])  # (K, 6, 6)
        for t, _word, named in word_targets(words[n], objects):
            target = cells[named].any(0) if named else np.zeros((GRID_SIZE, GRID_SIZE), bool)
            peak = np.unravel_index(np.argmax(alphas[n, t]), target.shape)
            hits += bool(target[peak])
            chance += target.mean()
            count += 1
    if count == 0:
        return {"localisation": float("nan"), "chance": float("nan"), "words": 0}
    return {"localisation": hits / count, "chance": float(chance / count), "words": count}


def evaluate(model, data) -> dict:
    """Held-out quality of a captioner on scenes: exact, token and (attention) localisation.

    Returns:
        {"exact", "token"} plus {"localisation", "chance", "words"} for the attention model
    """
    words, alphas = caption_images(model, data.images)
    metrics = caption_accuracy(words, data.captions)
    if alphas is not None:
        metrics.update(attention_localisation(words, alphas, data))
    return metrics
