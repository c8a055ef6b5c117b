"""Checkpoints that are safe to open: tensors plus plain metadata, loaded weights-only.

A checkpoint is a `torch.save`d dict {"format", "version", "tensors", "meta"}. Loading uses
`torch.load(weights_only=True)`, which refuses arbitrary pickled objects, and then checks the
structure, so a truncated, hostile or foreign file gives a clear ValueError, never a crash or
code execution.
"""

import json
import pickle
from pathlib import Path

import torch

FORMAT = "rnnviz-checkpoint"
VERSION = 1


def save_checkpoint(path, tensors: dict, meta: dict) -> Path:
    """Write `tensors` and `meta` to `path`.

    Inputs:
    - path: file to write (its folder must exist)
    - tensors: name -> torch.Tensor (e.g. a model's state_dict)
    - meta: plain JSON-able metadata (vocabulary, sizes, command, seed, validation loss)
    Returns:
    - the path written
    """
    if not isinstance(tensors, dict) or not tensors:
        raise TypeError("tensors must be a non-empty dict of name -> torch.Tensor")
    for name, value in tensors.items():
        if not isinstance(name, str) or not isinstance(value, torch.Tensor):
            raise TypeError(f"tensors[{name!r}] must be a torch.Tensor under a str name")
    if not isinstance(meta, dict):
        raise TypeError(f"meta must be a dict, got {type(meta).__name__}")
    try:
        meta = json.loads(json.dumps(meta))  # plain values only: weights_only can load them
    except (TypeError, ValueError) as error:
        raise TypeError(f"meta must hold only JSON-able values: {error}") from None
    path = Path(path)
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "tensors": {k: v.detach().cpu().contiguous() for k, v in tensors.items()},
        "meta": meta,
    }
    torch.save(payload, path)
    return path


def load_checkpoint(path, required_meta=(), required_tensors=()):
    """Read a checkpoint written by `save_checkpoint`, refusing anything else.

    Inputs:
    - path: the file
    - required_meta: metadata keys that must be present
    - required_tensors: tensor names that must be present
    Returns:
    - (tensors, meta): name -> torch.Tensor, and the metadata dict
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"checkpoint {path} does not exist")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, OSError, ValueError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise ValueError(
            f"checkpoint {path} is not a readable rnnviz checkpoint "
            f"(malformed, truncated or holding non-tensor objects): {first_line}"
        ) from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ValueError(f"checkpoint {path} is not an rnnviz checkpoint (no '{FORMAT}' tag)")
    if payload.get("version") != VERSION:
        raise ValueError(
            f"checkpoint {path} has version {payload.get('version')!r}, expected {VERSION}"
        )
    tensors, meta = payload.get("tensors"), payload.get("meta")
    if not isinstance(tensors, dict) or not all(
        isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in tensors.items()
    ):
        raise ValueError(f"checkpoint {path}: 'tensors' must map names to tensors")
    if not isinstance(meta, dict):
        raise ValueError(f"checkpoint {path}: 'meta' must be a dict")
    missing = [k for k in required_meta if k not in meta]
    missing += [k for k in required_tensors if k not in tensors]
    if missing:
        raise ValueError(f"checkpoint {path} lacks required entries: {', '.join(missing)}")
    for name, value in tensors.items():
        if value.is_floating_point() and not bool(torch.isfinite(value).all()):
            raise ValueError(f"checkpoint {path}: tensor {name!r} contains NaN or inf")
    return tensors, meta
