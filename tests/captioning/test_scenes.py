"""rnnviz.captioning.scenes: seeded scenes whose captions and masks agree with what is drawn."""

import numpy as np
import pytest

from rnnviz.captioning import scenes


@pytest.fixture(scope="module")
def data():
    return scenes.make_scenes(300, seed=5)


def test_shapes_and_vocabulary(data):
    assert data.images.shape == (300, 3, 48, 48) and data.images.dtype == np.float32
    assert data.images.min() >= 0 and data.images.max() <= 1
    assert data.captions.shape == (300, scenes.MAX_CAPTION_LEN)
    assert data.masks.shape == (300, scenes.MAX_OBJECTS, 48, 48)
    # CS231n's special tokens and names.
    assert scenes.idx_to_word[:3] == ["<NULL>", "<START>", "<END>"]
    assert all(scenes.word_to_idx[w] == i for i, w in enumerate(scenes.idx_to_word))
    assert (data.captions[:, 0] == scenes.START).all()


def test_same_seed_same_scenes_other_seed_other_scenes(data):
    again = scenes.make_scenes(300, seed=5)
    np.testing.assert_array_equal(again.images, data.images)
    np.testing.assert_array_equal(again.captions, data.captions)
    other = scenes.make_scenes(300, seed=6)
    assert not np.array_equal(other.images, data.images)


def test_every_count_of_objects_occurs(data):
    counts = np.bincount([len(o) for o in data.objects], minlength=4)
    assert counts[0] == 0 and (counts[1:] > 60).all()


def test_captions_follow_the_grammar(data):
    for objects, text in zip(data.objects, data.texts()):
        words = text.split()
        phrases = " ".join(words).replace("left of", "left_of").replace("right of", "right_of")
        tokens = phrases.split()
        # a size colour shape (relation a size colour shape)*
        assert len(tokens) == 4 * len(objects) + (len(objects) - 1)
        for k, obj in enumerate(objects):
            assert tokens[5 * k : 5 * k + 4] == ["a", obj.size, obj.color, obj.shape]
        # Objects are named circles first, then squares, then triangles; colours in order.
        order = [(scenes.SHAPES.index(o.shape), scenes.COLORS.index(o.color)) for o in objects]
        assert order == sorted(order)


def test_relations_match_the_pixels(data):
    # Recompute each relation from the masks' centres of mass, not from the stored cells.
    texts = data.texts()
    for n in range(len(data)):
        tokens = texts[n].replace("left of", "left_of").replace("right of", "right_of")
        rels = tokens.split()[4::5]
        for k, rel in enumerate(rels):
            (ya, xa), (yb, xb) = (np.argwhere(data.masks[n, j]).mean(0) for j in (k, k + 1))
            if abs(ya - yb) > 8:
                assert rel == ("above" if ya < yb else "below")
            else:
                assert rel == ("left_of" if xa < xb else "right_of")


def test_masks_hold_the_named_colour(data):
    for n, objects in enumerate(data.objects):
        for k, obj in enumerate(objects):
            mask = data.masks[n, k]
            assert mask.sum() > 20
            mean = data.images[n][:, mask].mean(1)
            nearest = min(scenes.RGB, key=lambda c: np.abs(mean - np.array(scenes.RGB[c])).sum())
            assert nearest == obj.color
        # No two objects overlap; nothing outside the masks is bright.
        assert (data.masks[n].sum(0) <= 1).all()
        background = ~data.masks[n].any(0)
        assert data.images[n][:, background].max() < 0.3


def test_word_objects_point_at_the_described_object(data):
    for n, objects in enumerate(data.objects):
        for t, k in enumerate(data.word_objects[n]):
            word = scenes.idx_to_word[data.captions[n, t]]
            if word in scenes.SIZES + scenes.COLORS + scenes.SHAPES:
                assert word in (objects[k].size, objects[k].color, objects[k].shape)
            else:
                assert k == -1


def test_shapes_differ():
    areas = {s: scenes.object_mask(s, "large", 24, 24).sum() for s in scenes.SHAPES}
    assert 60 < min(areas.values()) and max(areas.values()) < 200
    circle, square = (scenes.object_mask(s, "large", 24, 24) for s in ("circle", "square"))
    assert not np.array_equal(circle, square)
    assert scenes.object_mask("circle", "small", 24, 24).sum() < circle.sum()


def test_encode_decode_round_trip(data):
    for text, ids in zip(data.texts(), data.captions):
        np.testing.assert_array_equal(scenes.encode_caption(text), ids)
    assert scenes.decode_captions(data.captions[0]) == data.texts()[0]


@pytest.mark.parametrize(
    "kwargs, error, name",
    [
        (dict(num_scenes=0), ValueError, "num_scenes"),
        (dict(num_scenes=2.5), TypeError, "num_scenes"),
        (dict(num_scenes=3, seed=-1), ValueError, "seed"),
        (dict(num_scenes=3, max_objects=4), ValueError, "max_objects"),
        (dict(num_scenes=3, max_objects=0), ValueError, "max_objects"),
    ],
)
def test_bad_arguments(kwargs, error, name):
    with pytest.raises(error, match=name):
        scenes.make_scenes(**kwargs)


def test_bad_captions():
    with pytest.raises(ValueError, match="text"):
        scenes.encode_caption("")
    with pytest.raises(ValueError, match="vocabulary"):
        scenes.encode_caption("a purple circle")
    with pytest.raises(ValueError, match="at most"):
        scenes.encode_caption(" ".join(["a"] * 20))
    with pytest.raises(ValueError, match="vocabulary"):
        scenes.decode_captions(np.array([1, 99, 2]))
    with pytest.raises(ValueError, match="captions"):
        scenes.decode_captions(np.zeros((2, 2, 2), dtype=int))
    with pytest.raises(ValueError, match="shape"):
        scenes.object_mask("hexagon", "large", 24, 24)
