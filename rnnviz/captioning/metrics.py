"""How good a captioner is: exact and per-word accuracy, and whether it looks where it speaks.

`evaluate` scores a model on held-out scenes. The localisation score (lab 08) asks, for every
colour or shape word a model generated, whether the attention peak of the step that wrote it
lies on the object the word describes (Xu et al. 2015 show such maps; here the scene
generator knows the objects, so the maps are checked).
"""

import numpy as np

from rnnviz.captioning import scenes
from rnnviz.captioning.model import GRID_SIZE, caption_images


def generated_words(words) -> list[str]:
    """The words a model generated, one a decoding step, up to and including <END>."""
    out = []
    for idx in words:
        out.append(scenes.idx_to_word[idx])
        if idx in (scenes.END, scenes.NULL):
            break
    return out[:-1] if out[-1] == "<NULL>" else out


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
        for attr, values in (
            ("size", scenes.SIZES),
            ("color", scenes.COLORS),
            ("shape", scenes.SHAPES),
        ):
            if word in values:
                phrase[attr] = word
                if attr != "size":
                    pending.append((t, word, attr))
    return targets + _resolve(pending, phrase, objects)


def _resolve(pending, phrase, objects):
    whole = [
        k
        for k, o in enumerate(objects)
        if all(getattr(o, attr) == value for attr, value in phrase.items())
    ]
    out = []
    for t, word, attr in pending:
        named = whole or [k for k, o in enumerate(objects) if getattr(o, attr) == word]
        out.append((t, word, named))
    return out


def attention_peak(alpha: np.ndarray) -> tuple:
    """The grid cell with the most attention: alpha (6, 6) -> (row, col).

    NaN attention (a model with NaN weights) has no peak; the first finite maximum, or the
    first cell if none is finite, stands in so the picture still draws.
    """
    finite = np.where(np.isfinite(alpha), alpha, -np.inf)
    return tuple(int(i) for i in np.unravel_index(np.argmax(finite), alpha.shape))


def attention_mass(alpha: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """How much of one step's attention falls on each object, and on the background.

    Inputs: alpha (6, 6) one step's attention; masks (K, 48, 48) the scene's object masks
    Returns: (K + 1,) the attention on the cells each object touches, then the rest (the
    background; an object's share counts every cell it touches, so shares may overlap)
    """
    mass = np.array([alpha[cells].sum() for cells in object_cells(masks)], dtype=float)
    return np.append(mass, max(0.0, 1.0 - mass.sum()))


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
        raise ValueError(
            f"alphas must have shape {(*words.shape, GRID_SIZE, GRID_SIZE)}, got {alphas.shape}"
        )
    hits, chance, count = 0, 0.0, 0
    for n, objects in enumerate(data.objects):
        cells = object_cells(data.masks[n, : len(objects)])  # (K, 6, 6)
        for t, _word, named in word_targets(words[n], objects):
            target = cells[named].any(0) if named else np.zeros((GRID_SIZE, GRID_SIZE), bool)
            hits += bool(target[attention_peak(alphas[n, t])])
            chance += target.mean()
            count += 1
    if count == 0:
        return {"localisation": float("nan"), "chance": float("nan"), "words": 0}
    return {"localisation": hits / count, "chance": float(chance / count), "words": count}


def evaluate(model, data) -> dict:
    """Held-out quality of a captioner on scenes: exact, token and (attention) localisation.

    Returns:
        {"exact", "token", "exact_3_objects" (exact on the scenes with three objects, the
        hardest)} plus {"localisation", "chance", "words"} for the attention model
    """
    words, alphas = caption_images(model, data.images)
    metrics = caption_accuracy(words, data.captions)
    busiest = np.array([len(objects) == scenes.MAX_OBJECTS for objects in data.objects])
    metrics["exact_3_objects"] = caption_accuracy(words[busiest], data.captions[busiest])["exact"]
    if alphas is not None:
        metrics.update(attention_localisation(words, alphas, data))
    return metrics
