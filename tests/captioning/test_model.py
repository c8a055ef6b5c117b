"""captioning.model: attention maths, teacher forcing vs greedy decoding, metrics, checkpoints."""

import numpy as np
import pytest
import torch

from rnnviz.captioning import model as captioning
from rnnviz.captioning import scenes
from rnnviz.captioning.metrics import (
    attention_localisation,
    attention_mass,
    attention_peak,
    caption_accuracy,
    word_targets,
)
from rnnviz.captioning.model import (
    AttentionCaptioner,
    BaselineCaptioner,
    caption_images,
    caption_loss,
    load_captioner,
    make_captioner,
    save_captioner,
)


@pytest.fixture(scope="module")
def data():
    return scenes.make_scenes(12, seed=3)


@pytest.fixture(scope="module")
def models():
    torch.manual_seed(0)
    return make_captioner("attention").eval(), make_captioner("baseline").eval()


def test_encoder_gives_a_feature_grid(data):
    features = captioning.Encoder(feature_size=16)(torch.as_tensor(data.images[:3]))
    assert features.shape == (3, captioning.GRID_SIZE**2, 16)


def test_attention_is_the_papers_softmax_and_weighted_sum(models):
    model = models[0].double()
    try:
        torch.manual_seed(1)
        features = torch.randn(2, 36, 64, dtype=torch.float64)
        h = torch.randn(2, 128, dtype=torch.float64)
        word = torch.randn(2, 64, dtype=torch.float64)  # E y_{t-1}
        alpha, context = model.attend(model.att_features(features), features, h, word)
        Wa, ba = model.att_features.weight, model.att_features.bias
        Wh, w = model.att_hidden.weight, model.att_score.weight[0]
        We = model.att_word.weight
        # e_ti = w . tanh(W_a a_i + W_h h_{t-1} + W_e E y_{t-1}), written out by hand (Xu et
        # al. 2015, eq. 4-6, with the word just written added to the query)
        e = torch.stack(
            [
                torch.stack(
                    [
                        w @ torch.tanh(Wa @ features[n, i] + ba + Wh @ h[n] + We @ word[n])
                        for i in range(36)
                    ]
                )
                for n in range(2)
            ]
        )
        want = torch.exp(e) / torch.exp(e).sum(1, keepdim=True)
        torch.testing.assert_close(alpha, want, rtol=1e-12, atol=1e-12)
        torch.testing.assert_close(alpha.sum(1), torch.ones(2, dtype=torch.float64))
        torch.testing.assert_close(context, (want[..., None] * features).sum(1))
    finally:
        model.float()


@pytest.mark.parametrize("kind", captioning.KINDS)
def test_teacher_forcing_replays_greedy_decoding(kind, models, data):
    # Fed its own greedy words, teacher forcing must pick the same words at every step:
    # both paths run the same model.
    model = models[0] if kind == "attention" else models[1]
    images = torch.as_tensor(data.images)
    words, alphas = model.generate(images, max_length=8)
    inputs = torch.cat([torch.full((len(images), 1), scenes.START), words[:, :-1]], 1)
    with torch.no_grad():
        logits, forced_alphas = model(images, inputs)
    live = torch.cat(
        [
            torch.ones(len(images), 1, dtype=torch.bool),
            (words[:, :-1] != scenes.END) & (words[:, :-1] != scenes.NULL),
        ],
        1,
    )
    live = live.cumprod(1).bool()
    assert torch.equal(logits.argmax(2)[live], words[live])
    assert torch.equal(words[~live], torch.zeros_like(words[~live]))  # <NULL> after <END>
    if kind == "attention":
        torch.testing.assert_close(forced_alphas[live], alphas[live])
    else:
        assert alphas is None and forced_alphas is None


def test_the_lstm_remembers_where_it_looked_not_what_it_saw(models):
    # Same attention, different context read: the LSTM's next state is the same and only the
    # scores of the word being written change. Other attention: the state changes.
    model = models[0]
    torch.manual_seed(2)
    features = torch.randn(2, 36, 64)
    keys = model.att_features(features)
    word = torch.full((2,), scenes.START)
    h = c = torch.zeros(2, 128)
    alphas = torch.softmax(torch.randn(2, 2, 36), 2)
    contexts = torch.randn(2, 2, 64)
    steps = {}
    for a, z in ((0, 0), (0, 1), (1, 0)):
        model.attend = lambda *_, a=a, z=z: (alphas[a], contexts[z])
        try:
            with torch.no_grad():
                steps[a, z] = model.step(keys, features, word, h, c)
        finally:
            del model.attend
    torch.testing.assert_close(steps[0, 0][1:3], steps[0, 1][1:3])  # h, c
    assert not torch.allclose(steps[0, 0][0], steps[0, 1][0])  # the word's scores
    assert not torch.allclose(steps[0, 0][1], steps[1, 0][1])
    # p_t's coordinates: x to the right, y downwards, cell centres from -1 to 1.
    grid = model.locations.reshape(6, 6, 2)
    torch.testing.assert_close(grid[0, 0], torch.tensor([-1.0, -1.0]))
    torch.testing.assert_close(grid[0, 5], torch.tensor([1.0, -1.0]))
    torch.testing.assert_close(grid[5, 0], torch.tensor([-1.0, 1.0]))


def test_baseline_sees_only_the_mean_feature(models, data):
    # Shuffling the feature grid's locations keeps the mean, so the baseline cannot tell.
    baseline = models[1]
    images = torch.as_tensor(data.images[:4])
    captions = torch.as_tensor(data.captions[:4, :-1])
    original = baseline.encoder.forward
    with torch.no_grad():
        plain, _ = baseline(images, captions)
        perm = torch.randperm(36)
        baseline.encoder.forward = lambda x: original(x)[:, perm]
        try:
            shuffled, _ = baseline(images, captions)
        finally:
            del baseline.encoder.forward
    torch.testing.assert_close(plain, shuffled, rtol=1e-5, atol=1e-6)


def test_loss_is_masked_cross_entropy_plus_the_coverage_penalty(models, data):
    model = models[0]
    images, captions = torch.as_tensor(data.images[:5]), torch.as_tensor(data.captions[:5])
    with torch.no_grad():
        logits, alphas = model(images, captions[:, :-1])
        target = captions[:, 1:]
        total, count, penalty = 0.0, 0, 0.0
        for n in range(5):
            length = int((target[n] != scenes.NULL).sum())
            logp = torch.log_softmax(logits[n, :length], 1)
            total -= float(logp[torch.arange(length), target[n, :length]].sum())
            count += length
            coverage = alphas[n, :length].sum(0)  # (L,)
            penalty += float(((length / 36 - coverage) ** 2).sum()) / 5
        assert float(caption_loss(model, images, captions)) == pytest.approx(
            total / count, rel=1e-5
        )
        got = float(caption_loss(model, images, captions, attention_penalty=0.5))
        assert got == pytest.approx(total / count + 0.5 * penalty, rel=1e-5)


def test_caption_accuracy_counts_words_and_whole_captions():
    truth = np.array([[1, 3, 5, 6, 10, 2, 0], [1, 3, 4, 7, 11, 2, 0]])
    words = np.array([[3, 5, 6, 10, 2, 0], [3, 4, 8, 11, 2, 0]])
    acc = caption_accuracy(words, truth)
    assert acc == {"exact": 0.5, "token": 9 / 10}
    with pytest.raises(ValueError, match="words"):
        caption_accuracy(words[:, :3], truth)


def _one_scene():
    data = scenes.make_scenes(40, seed=11)
    n = next(i for i, o in enumerate(data.objects) if len(o) == 2)
    return data.subset([n])


def test_localisation_scores_the_peak():
    scene = _one_scene()
    words = scene.captions[:, 1:]  # the true caption, as if generated
    objects, masks = scene.objects[0], scene.masks[0]
    alphas = np.zeros((*words.shape, 6, 6))
    cells = masks.reshape(3, 6, 8, 6, 8).any(axis=(2, 4))
    for t, k in enumerate(scene.word_objects[0, 1:]):
        row, col = np.argwhere(cells[k] if k >= 0 else ~cells.any(0))[0]
        alphas[0, t, row, col] = 1.0
    got = attention_localisation(words, alphas, scene)
    assert got["localisation"] == 1.0 and got["words"] == 4  # 2 colour + 2 shape words
    expected_chance = np.mean([cells[k].mean() for k in (0, 0, 1, 1)])
    assert got["chance"] == pytest.approx(expected_chance)
    # Look at the other object for every word: every word misses.
    swapped = np.zeros_like(alphas)
    for t, k in enumerate(scene.word_objects[0, 1:]):
        if k >= 0:
            row, col = np.argwhere(cells[1 - k])[0]
            swapped[0, t, row, col] = 1.0
    assert attention_localisation(words, swapped, scene)["localisation"] == 0.0
    with pytest.raises(ValueError, match="alphas"):
        attention_localisation(words, alphas[:, :, :5], scene)
    assert len(objects) == 2


def test_word_targets_follow_the_generated_phrase():
    scene = _one_scene()
    objects = scene.objects[0]
    a, b = objects
    ids = scenes.encode_caption(f"a {a.size} {a.color} {b.shape}")[1:]
    targets = word_targets(ids, objects)
    # A phrase that matches no object: each word names the objects having its attribute.
    assert [(t, w) for t, w, _ in targets] == [(2, a.color), (3, b.shape)]
    assert targets[0][2] == [k for k, o in enumerate(objects) if o.color == a.color]
    assert targets[1][2] == [k for k, o in enumerate(objects) if o.shape == b.shape]
    missing = next(c for c in scenes.COLORS if c not in (a.color, b.color))
    ids = scenes.encode_caption(f"a {a.size} {missing} {a.shape}")[1:]
    assert word_targets(ids, objects)[0][2] == []  # hallucinated colour: names nothing


def test_caption_images_shapes(models, data):
    words, alphas = caption_images(models[0], data.images, batch_size=5)
    assert words.shape == (12, scenes.MAX_CAPTION_LEN - 1) and words.dtype == np.int64
    assert alphas.shape == (12, scenes.MAX_CAPTION_LEN - 1, 6, 6)
    words, alphas = caption_images(models[1], data.images)
    assert alphas is None
    with pytest.raises(ValueError, match="images"):
        caption_images(models[0], data.images[:, :, :40])


def test_bad_arguments(models, data):
    with pytest.raises(ValueError, match="kind"):
        make_captioner("transformer")
    with pytest.raises(ValueError, match="hidden_size"):
        make_captioner("attention", hidden_size=0)
    with pytest.raises(ValueError, match="attention_size is not a size of the baseline"):
        make_captioner("baseline", attention_size=8)
    with pytest.raises(ValueError, match="images"):
        caption_loss(models[0], torch.zeros(2, 48, 48), torch.zeros(2, 5, dtype=torch.long))


@pytest.mark.parametrize("kind", captioning.KINDS)
def test_every_size_is_checked_by_name_before_torch_sees_it(kind, data):
    model_class = AttentionCaptioner if kind == "attention" else BaselineCaptioner
    for name in captioning._size_defaults(model_class):
        for bad in (0, -3):
            with pytest.raises(ValueError, match=f"{name} must be an int >= "):
                make_captioner(kind, **{name: bad})
        for bad in (True, 4.0, "8"):
            with pytest.raises(TypeError, match=f"{name} must be an int"):
                make_captioner(kind, **{name: bad})
        with pytest.raises(ValueError, match=rf"{name}=\d+ would hold .* weights"):
            make_captioner(kind, **{name: 10**9})
        # The smallest size each takes builds a model that trains and decodes, and numpy
        # ints are sizes too (saved as plain ints).
        smallest = 3 if name == "vocab_size" else 1  # <NULL>, <START>, <END>
        model = make_captioner(kind, **{name: np.int64(smallest)})
        assert model.sizes[name] == smallest and type(model.sizes[name]) is int
        captions = np.minimum(data.captions[:2], model.sizes["vocab_size"] - 1)
        loss = caption_loss(model, torch.as_tensor(data.images[:2]), torch.as_tensor(captions))
        loss.backward()
        assert torch.isfinite(loss)
        words, _ = model.eval().generate(torch.as_tensor(data.images[:2]))
        assert int(words.max()) < model.sizes["vocab_size"]


def test_the_vocabulary_must_hold_the_special_tokens():
    for kind in captioning.KINDS:
        for too_small in (1, 2):
            with pytest.raises(ValueError, match="vocab_size must be an int >= 3, got"):
                make_captioner(kind, vocab_size=too_small)
    assert captioning.MIN_VOCAB_SIZE == 3  # <NULL> 0, <START> 1, <END> 2


def test_a_checkpoint_whose_vocab_size_is_not_its_vocabulary_is_refused(tmp_path):
    big = make_captioner("baseline", vocab_size=len(scenes.idx_to_word) + 5, hidden_size=4)
    save_captioner(big, tmp_path / "big.pt", {"seed": 0})
    with pytest.raises(
        ValueError, match=f"big.pt: its vocab_size {big.sizes['vocab_size']} is not"
    ):
        load_captioner(tmp_path / "big.pt")
    # Sizes a file's metadata claims meet make_captioner's checks, named with the file.
    from rnnviz.checkpoint import load_checkpoint, save_checkpoint

    save_captioner(make_captioner("baseline", hidden_size=4), tmp_path / "small.pt", {})
    tensors, meta = load_checkpoint(tmp_path / "small.pt")
    for name, bad in (("vocab_size", 1), ("hidden_size", 0), ("hidden_size", True)):
        save_checkpoint(
            tmp_path / "bad.pt", tensors, dict(meta, sizes={**meta["sizes"], name: bad})
        )
        with pytest.raises(ValueError, match=f"bad.pt.*{name}"):
            load_captioner(tmp_path / "bad.pt")


def test_checkpoint_round_trip_and_refusals(tmp_path, models, data):
    model = models[0]
    path = tmp_path / "att.pt"
    save_captioner(model, path, {"seed": 0})
    loaded, meta = load_captioner(path)
    assert isinstance(loaded, AttentionCaptioner) and meta["seed"] == 0
    np.testing.assert_array_equal(
        caption_images(loaded, data.images)[0], caption_images(model, data.images)[0]
    )

    from rnnviz.checkpoint import load_checkpoint, save_checkpoint

    tensors, meta = load_checkpoint(path)
    wrong_vocab = dict(meta, vocab=meta["vocab"][:-1] + ["purple"])
    save_checkpoint(tmp_path / "vocab.pt", tensors, wrong_vocab)
    with pytest.raises(ValueError, match="vocabulary"):
        load_captioner(tmp_path / "vocab.pt")

    bad = dict(tensors)
    bad["embed.weight"] = torch.full_like(bad["embed.weight"], float("nan"))
    save_checkpoint(tmp_path / "nan.pt", bad, meta)
    with pytest.raises(ValueError, match="NaN"):
        load_captioner(tmp_path / "nan.pt")

    save_checkpoint(tmp_path / "kind.pt", tensors, dict(meta, kind="baseline"))
    with pytest.raises(ValueError, match="kind.pt.*attention_size is not a size of the baseline"):
        load_captioner(tmp_path / "kind.pt")

    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError):
        load_captioner(tmp_path / "junk.pt")
    assert isinstance(load_captioner(_save(tmp_path, models[1]))[0], BaselineCaptioner)


def _save(tmp_path, model):
    path = tmp_path / "base.pt"
    save_captioner(model, path, {})
    return path


@pytest.mark.slow
def test_short_training_lowers_the_loss():
    from rnnviz.captioning.train import train_captioner

    data = scenes.make_scenes(400, seed=4)
    _, result = train_captioner("attention", 40, data, seed=0, batch_size=16, progress=False)
    first, last = np.mean(result.losses[:5]), np.mean(result.losses[-5:])
    assert last < 0.6 * first


def test_attention_peak_and_mass_are_what_the_viewer_and_the_score_use():
    alpha = np.zeros((6, 6))
    alpha[2, 3], alpha[0, 0] = 0.75, 0.25
    assert attention_peak(alpha) == (2, 3)
    masks = np.zeros((2, 48, 48), bool)
    masks[0, 16:20, 24:28] = True  # inside cell (2, 3)
    masks[1, 40:44, 40:44] = True  # inside cell (5, 5), where nothing looks
    assert attention_mass(alpha, masks).tolist() == [0.75, 0.0, 0.25]
    alpha[2, 3] = np.nan  # no finite peak there: the largest finite cell stands in
    assert attention_peak(alpha) == (0, 0)


def test_caption_loss_refuses_word_ids_past_the_vocabulary():
    model = make_captioner("attention", vocab_size=3)
    images = torch.zeros(2, 3, 48, 48)
    with pytest.raises(ValueError, match=r"captions must hold word ids in \[0, 3\)"):
        caption_loss(model, images, torch.tensor([[1, 5, 2], [1, 0, 2]]))
    with pytest.raises(ValueError, match="captions must hold word ids"):
        caption_loss(model, images, torch.tensor([[1, -1, 2], [1, 0, 2]]))
