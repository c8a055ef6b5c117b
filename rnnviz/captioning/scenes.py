"""Synthetic scenes for offline image captioning: coloured shapes and captions that describe them.

CS231n's captioning assignment needs a COCO download; these scenes are drawn on the fly
from a seed. Each 48x48 RGB image holds 1 to 3 objects (a circle, square or triangle,
red/green/blue/yellow, small or large), each in its own cell of a 3x3 layout. The caption
is built from the true scene by a small grammar:

    a large red circle above a small blue square left of a large green triangle

Objects are named in a fixed order (circles, then squares, then triangles; within a shape,
by colour) and each relation word compares the object just named with the next one
("above"/"below" when their rows differ, else "left of"/"right of"). Because the generator
keeps every object's pixel mask, a captioning model's attention can be scored: for each
colour or shape word, did it look at the object that word describes?

The vocabulary follows CS231n: ``<NULL>`` (padding) is 0, ``<START>`` 1, ``<END>`` 2, and
``word_to_idx`` / ``idx_to_word`` / ``decode_captions`` have the assignment's names.
"""

from dataclasses import dataclass

import numpy as np

from rnnviz import checks

SHAPES = ("circle", "square", "triangle")
COLORS = ("red", "green", "blue", "yellow")
SIZES = ("small", "large")

RGB = {
    "red": (0.90, 0.15, 0.15),
    "green": (0.15, 0.80, 0.20),
    "blue": (0.20, 0.35, 0.95),
    "yellow": (0.95, 0.85, 0.10),
}
RADIUS = {"small": 4.5, "large": 7.0}
# How far a centre may move inside its 16-pixel cell so that no object leaves it.
JITTER = {"small": 3, "large": 1}
BACKGROUND = 0.12
NOISE = 0.03

IMAGE_SIZE = 48
GRID = 3  # objects sit in a GRID x GRID layout of cells
CELL = IMAGE_SIZE // GRID
MAX_OBJECTS = 3
# "a size colour shape" per object, "rel [of]" between objects, then <START> and <END>.
MAX_WORDS = 4 * MAX_OBJECTS + 2 * (MAX_OBJECTS - 1)
MAX_CAPTION_LEN = MAX_WORDS + 2

SPECIAL = ("<NULL>", "<START>", "<END>")
WORDS = ("a", *SIZES, *COLORS, *SHAPES, "above", "below", "left", "right", "of")
idx_to_word = list(SPECIAL + WORDS)
word_to_idx = {w: i for i, w in enumerate(idx_to_word)}
NULL, START, END = word_to_idx["<NULL>"], word_to_idx["<START>"], word_to_idx["<END>"]


@dataclass(frozen=True)
class SceneObject:
    """One object: what it is and where (centre in pixels, cell in the 3x3 layout)."""

    shape: str
    color: str
    size: str
    row: int
    col: int
    cx: float
    cy: float

    @property
    def name(self) -> str:
        return f"{self.size} {self.color} {self.shape}"


@dataclass
class Scenes:
    """A batch of scenes with their captions.

    Fields:
        images: (N, 3, 48, 48) float32 RGB in [0, 1]
        captions: (N, MAX_CAPTION_LEN) int64 word ids, <START> ... <END> then <NULL> padding
        masks: (N, MAX_OBJECTS, 48, 48) bool, one pixel mask per object (False if absent)
        objects: N lists of SceneObject, in caption order (mask k belongs to objects[n][k])
        word_objects: (N, MAX_CAPTION_LEN) int64, for each caption token the index of the
            object it describes (size, colour and shape words), else -1
        seed: the seed they were drawn from
    """

    images: np.ndarray
    captions: np.ndarray
    masks: np.ndarray
    objects: list
    word_objects: np.ndarray
    seed: int

    def __len__(self) -> int:
        return len(self.objects)

    def texts(self) -> list[str]:
        """The captions as plain strings (without <START>/<END>)."""
        return decode_captions(self.captions, idx_to_word)

    def subset(self, index) -> "Scenes":
        """The scenes at `index` (an int array, slice or list) as a new Scenes."""
        picked = np.arange(len(self))[index]
        return Scenes(
            images=self.images[picked],
            captions=self.captions[picked],
            masks=self.masks[picked],
            objects=[self.objects[i] for i in np.atleast_1d(picked)],
            word_objects=self.word_objects[picked],
            seed=self.seed,
        )


def object_mask(shape: str, size: str, cx: float, cy: float, image_size: int = IMAGE_SIZE):
    """The pixels an object covers.

    Inputs:
        shape: "circle", "square" or "triangle"; size: "small" or "large"
        cx, cy: centre in pixels (x to the right, y downwards)
    Returns:
        mask: (image_size, image_size) bool
    """
    checks.choice("shape", shape, SHAPES)
    checks.choice("size", size, SIZES)
    r = RADIUS[size]
    y, x = np.mgrid[0:image_size, 0:image_size] + 0.5  # pixel centres
    if shape == "circle":
        return (x - cx) ** 2 + (y - cy) ** 2 <= r**2
    if shape == "square":
        half = 0.85 * r  # a square of the circle's area looks the same size
        return (np.abs(x - cx) <= half) & (np.abs(y - cy) <= half)
    top, base = cy - r, cy + 0.8 * r  # an upward triangle, its base as wide as the circle
    frac = (y - top) / (base - top)
    return (frac >= 0) & (frac <= 1) & (np.abs(x - cx) <= frac * r)


def relation(a: SceneObject, b: SceneObject) -> str:
    """Where `a` is relative to `b`: rows decide first (above/below), else columns."""
    if a.row != b.row:
        return "above" if a.row < b.row else "below"
    return "left of" if a.col < b.col else "right of"


def caption_words(objects: list) -> tuple[list[str], list[int]]:
    """The caption of objects already in caption order, and which object each word names.

    Returns:
        words: e.g. ["a", "large", "red", "circle", "above", "a", ...]
        owners: for each word, the index of the object it describes (size, colour or
            shape word), else -1
    """
    words, owners = [], []
    for k, obj in enumerate(objects):
        if k > 0:
            rel = relation(objects[k - 1], obj).split()
            words += rel
            owners += [-1] * len(rel)
        words += ["a", obj.size, obj.color, obj.shape]
        owners += [-1, k, k, k]
    return words, owners


def _caption_order(obj: SceneObject) -> tuple[int, int]:
    return SHAPES.index(obj.shape), COLORS.index(obj.color)


def _sample_objects(rng: np.random.Generator, num_objects: int) -> list:
    cells = rng.choice(GRID * GRID, size=num_objects, replace=False)
    # Distinct (shape, colour) pairs, so the caption order is never ambiguous.
    kinds = rng.choice(len(SHAPES) * len(COLORS), size=num_objects, replace=False)
    objects = []
    for cell, kind in zip(cells, kinds):
        size = SIZES[rng.integers(len(SIZES))]
        row, col = divmod(int(cell), GRID)
        jx, jy = rng.integers(-JITTER[size], JITTER[size] + 1, size=2)
        objects.append(
            SceneObject(
                shape=SHAPES[kind // len(COLORS)],
                color=COLORS[kind % len(COLORS)],
                size=size,
                row=row,
                col=col,
                cx=CELL * col + CELL / 2 + float(jx),
                cy=CELL * row + CELL / 2 + float(jy),
            )
        )
    return sorted(objects, key=_caption_order)


def make_scenes(
    num_scenes: int,
    seed: int = 0,
    max_objects: int = MAX_OBJECTS,
    memory_budget: int | None = None,
) -> Scenes:
    """Draw `num_scenes` random scenes and their captions; the same seed gives the same scenes.

    Inputs:
        num_scenes: how many scenes (>= 1)
        seed: the random seed (an int >= 0)
        max_objects: each scene holds 1 to max_objects objects (1 to 3)
        memory_budget: bytes the call may hold; None is rnnviz.checks.MEMORY_BUDGET (about
            4,300 scenes). The checkpoint trainer passes its own, larger budget.
    Returns:
        Scenes with images (N, 3, 48, 48), captions (N, MAX_CAPTION_LEN), masks, objects
    Raises:
        ValueError naming num_scenes if the scenes would pass the memory budget.
    """
    num_scenes = checks.positive_int("num_scenes", num_scenes)
    seed = checks.seed("seed", seed)
    max_objects = checks.positive_int("max_objects", max_objects)
    if memory_budget is not None:
        memory_budget = checks.positive_int("memory_budget", memory_budget)
    # At its peak the call holds the images twice (float32, before and after the transpose)
    # and the object masks (one byte a pixel).
    checks.within_budget(
        {"num_scenes": num_scenes},
        num_scenes * (2 * 3 * 4 + MAX_OBJECTS) * IMAGE_SIZE**2,
        bytes_each=1,
        what="bytes",
        budget=memory_budget,
    )
    if max_objects > MAX_OBJECTS:
        raise ValueError(f"max_objects must be an int in [1, {MAX_OBJECTS}], got {max_objects}")
    rng = np.random.default_rng(seed)
    n, s = num_scenes, IMAGE_SIZE
    images = np.empty((n, s, s, 3), dtype=np.float32)
    masks = np.zeros((n, MAX_OBJECTS, s, s), dtype=bool)
    captions = np.full((n, MAX_CAPTION_LEN), NULL, dtype=np.int64)
    word_objects = np.full((n, MAX_CAPTION_LEN), -1, dtype=np.int64)
    all_objects = []
    for i in range(n):
        objects = _sample_objects(rng, int(rng.integers(1, max_objects + 1)))
        image = BACKGROUND + NOISE * rng.standard_normal((s, s, 3))
        for k, obj in enumerate(objects):
            mask = object_mask(obj.shape, obj.size, obj.cx, obj.cy)
            shade = np.clip(np.array(RGB[obj.color]) + 0.05 * rng.standard_normal(3), 0, 1)
            image[mask] = shade + NOISE * rng.standard_normal((int(mask.sum()), 3))
            masks[i, k] = mask
        images[i] = np.clip(image, 0.0, 1.0)
        words, owners = caption_words(objects)
        ids = [START] + [word_to_idx[w] for w in words] + [END]
        captions[i, : len(ids)] = ids
        word_objects[i, 1 : 1 + len(owners)] = owners
        all_objects.append(objects)
    return Scenes(
        images=images.transpose(0, 3, 1, 2).copy(),
        captions=captions,
        masks=masks,
        objects=all_objects,
        word_objects=word_objects,
        seed=seed,
    )


def decode_captions(captions, idx_to_word=idx_to_word):
    """Turn word ids into strings, stopping at <END> and skipping <NULL>/<START> (CS231n's).

    Inputs:
        captions: (N, T) or (T,) int word ids
    Returns:
        a list of N strings, or one string for a (T,) input
    """
    captions = np.asarray(captions)
    if captions.ndim not in (1, 2) or not np.issubdtype(captions.dtype, np.integer):
        raise ValueError(
            f"captions must be a (N, T) or (T,) int array, got {captions.dtype} "
            f"of shape {captions.shape}"
        )
    rows = captions[None] if captions.ndim == 1 else captions
    out = []
    for row in rows:
        words = []
        for idx in row:
            if not 0 <= idx < len(idx_to_word):
                raise ValueError(
                    f"captions holds word id {idx}, outside the vocabulary "
                    f"of {len(idx_to_word)} words"
                )
            word = idx_to_word[idx]
            if word == "<END>":
                break
            if word not in ("<NULL>", "<START>"):
                words.append(word)
        out.append(" ".join(words))
    return out[0] if captions.ndim == 1 else out


def encode_caption(text: str) -> np.ndarray:
    """Turn a caption string into word ids: <START> words <END>, padded with <NULL>.

    Returns:
        ids: (MAX_CAPTION_LEN,) int64
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"text must be a non-empty caption string, got {text!r}")
    words = text.split()
    unknown = [w for w in words if w not in word_to_idx or w in SPECIAL]
    if unknown:
        raise ValueError(f"text holds words outside the vocabulary: {unknown}")
    if len(words) > MAX_WORDS:
        raise ValueError(f"text must have at most {MAX_WORDS} words, got {len(words)}")
    ids = np.full(MAX_CAPTION_LEN, NULL, dtype=np.int64)
    seq = [START] + [word_to_idx[w] for w in words] + [END]
    ids[: len(seq)] = seq
    return ids
