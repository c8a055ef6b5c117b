"""Checkpoints that are safe to open: tensors plus plain metadata, loaded weights-only.

A checkpoint is a `torch.save`d dict {"format", "version", "tensors", "meta"}, in torch's zip
format. A file loads exactly or is refused with a ValueError naming it, never a crash, code
execution or silently different weights: the zip's CRC-32 of every record is checked first (a
flipped byte or a cut anywhere is caught, and torch's own reader checks none), then
`torch.load(weights_only=True)` refuses arbitrary pickled objects, then the structure is
checked: dense contiguous CPU tensors with finite values, and in `build_module` the exact
name, shape and dtype of every weight, so no cast can change a value (1e300 as float32 is
inf). torch's legacy (pre-zip) format carries no checksum, so it is refused.

Saving is atomic: the file is written under a temporary name in the same
folder and renamed over `path` only when complete, so an interrupted save (a killed kernel,
a full disk) leaves the previous checkpoint, never half of a new one.
"""

import json
import os
import tempfile
import zipfile
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
    Raises: TypeError for non-tensors or non-JSON metadata; ValueError naming the path if
    its folder does not exist.
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
    if not path.parent.is_dir():
        raise ValueError(f"checkpoint {path}: folder {path.parent} does not exist")
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "tensors": {k: v.detach().cpu().contiguous() for k, v in tensors.items()},
        "meta": meta,
    }
    handle, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".partial", dir=path.parent
    )
    try:
        with os.fdopen(handle, "wb") as file:
            torch.save(payload, file)
            file.flush()
            os.fsync(file.fileno())  # on disk before the rename makes it the checkpoint
        os.replace(temporary, path)  # atomic on POSIX and Windows
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
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
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a file path (str or Path), got {type(path).__name__}")
    path = Path(path)
    if not path.is_file():
        what = "is a directory, not a file" if path.is_dir() else "does not exist"
        raise ValueError(f"checkpoint {path} {what}")
    _check_archive(path)
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # any failure to read the file is the file's
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise ValueError(
            f"checkpoint {path} is not a readable rnnviz checkpoint "
            f"(malformed, truncated or holding non-tensor objects): "
            f"{type(error).__name__}: {first_line}"
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
        if value.layout != torch.strided or value.device.type != "cpu" or value.is_quantized:
            raise ValueError(
                f"checkpoint {path}: tensor {name!r} is {value.layout}, {value.dtype} on "
                f"{value.device}; expected a dense CPU tensor"
            )
        if not value.is_contiguous():  # save_checkpoint writes every tensor contiguous
            raise ValueError(
                f"checkpoint {path}: tensor {name!r} has strides {value.stride()} for shape "
                f"{tuple(value.shape)}; expected a contiguous tensor"
            )
        inexact = value.is_floating_point() or value.is_complex()
        if inexact and not bool(torch.isfinite(value).all()):
            raise ValueError(f"checkpoint {path}: tensor {name!r} contains NaN or inf")
    return tensors, meta


def _check_archive(path: Path) -> None:
    """Refuse a file that is not a whole zip archive whose every record matches its CRC-32."""
    try:
        with zipfile.ZipFile(path) as archive:
            broken = archive.testzip()
    except Exception as error:  # a damaged archive fails in many ways
        raise ValueError(
            f"checkpoint {path} is not a readable rnnviz checkpoint (not a whole zip archive "
            f"as torch.save writes: malformed, truncated or in torch's legacy format): "
            f"{type(error).__name__}: {error}"
        ) from None
    if broken is not None:
        raise ValueError(
            f"checkpoint {path} is damaged: record {broken!r} does not match its checksum"
        )


def build_module(path, tensors: dict, make):
    """Build a module from a checkpoint's tensors, refusing a file made for another shape.

    The module is built first on torch's "meta" device, which allocates nothing, and every
    tensor's name and shape is compared with the file's: a file whose metadata claims a
    huge size cannot make the loader allocate it, and a wrong architecture is named.
    Inputs:
    - path: the checkpoint (for error messages)
    - tensors: name -> tensor, from load_checkpoint
    - make: make() -> torch.nn.Module, built from the checkpoint's metadata
    Returns: the module, with the tensors loaded.
    Raises: ValueError naming the file if the metadata cannot build a module or the tensors
    do not fit it (names, shapes and dtypes must match exactly: a cast could change a value).
    """
    try:
        with torch.device("meta"):
            skeleton = make()
    except Exception as err:  # metadata from a file can fail any way
        raise ValueError(
            f"checkpoint {path}: its metadata does not build a model: {type(err).__name__}: {err}"
        ) from None
    expected = {k: tuple(v.shape) for k, v in skeleton.state_dict().items()}
    found = {k: tuple(v.shape) for k, v in tensors.items()}
    dtypes = {k: v.dtype for k, v in skeleton.state_dict().items()}
    other_dtypes = [
        f"{k} {v.dtype} (expected {dtypes[k]})"
        for k, v in tensors.items()
        if k in dtypes and v.dtype != dtypes[k]
    ]
    if expected != found or other_dtypes:
        wrong = sorted(k for k in expected.keys() & found.keys() if expected[k] != found[k])
        problems = [
            f"{kind}: {', '.join(names[:5])}"
            for kind, names in (
                ("missing", sorted(expected.keys() - found.keys())),
                ("unexpected", sorted(found.keys() - expected.keys())),
                ("other shapes", [f"{k} {found[k]} (expected {expected[k]})" for k in wrong]),
                ("other dtypes", other_dtypes),
            )
            if names
        ]
        raise ValueError(
            f"checkpoint {path} does not fit the {type(skeleton).__name__} its "
            f"metadata describes; " + "; ".join(problems)
        )
    module = make()
    module.load_state_dict(tensors, strict=True)
    return module
