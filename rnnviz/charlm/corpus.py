"""Text for the character language model: the Python standard library's own source.

Karpathy, Johnson and Fei-Fei (2015) found their interpretable cells in the Linux kernel
source: quotes, brackets, indentation, line position. Every Python installation carries text
with exactly that structure, so nothing is downloaded: the default corpus is a seeded sample
of the running interpreter's stdlib `.py` files, split *by file* into train and validation.

The stdlib differs between Python versions, so a sample drawn here differs too. Anything
that must give the same numbers everywhere (the lab's printed numbers, the checkpoint test)
uses the frozen copy in `rnnviz/data/` instead: `shipped_split("val")`.
"""

import gzip
import lzma
import random
import sysconfig
from dataclasses import dataclass
from pathlib import Path

from rnnviz import checks
from rnnviz.paths import DATA_DIR

# The stdlib corpus keeps to one fixed alphabet (tab, newline, printable ASCII) so that a
# checkpoint's vocabulary is the same on every Python version; files with any other
# character are left out of the sample.
STDLIB_ALPHABET = "\t\n" + "".join(chr(code) for code in range(32, 127))

# Huge generated files (pydoc's topic table, Unicode tables) are not typical source.
MAX_FILE_CHARS = 100_000

SHIPPED_SPLITS = {"train": "charlm_train_sample.txt.xz", "val": "charlm_val.txt.xz"}


@dataclass
class Corpus:
    """Train and validation text plus the vocabulary (sorted characters) built from both.

    `files` lists where the text came from (stdlib-relative paths, or a description).
    """

    train: str
    val: str
    vocab: list[str]
    files: dict[str, list[str]]


def stdlib_dir() -> Path:
    """The running interpreter's standard-library folder."""
    return Path(sysconfig.get_paths()["stdlib"])


def stdlib_files(root=None) -> list[Path]:
    """Every usable stdlib `.py` file under `root`, sorted by relative path.

    Usable: readable as UTF-8, within STDLIB_ALPHABET, at most MAX_FILE_CHARS, not empty,
    and not from an installed third-party package (site-packages).
    """
    root = stdlib_dir() if root is None else Path(root)
    allowed = set(STDLIB_ALPHABET)
    found = []
    for path in sorted(root.rglob("*.py"), key=lambda p: p.relative_to(root).as_posix()):
        if {"site-packages", "dist-packages", "__pycache__"} & set(path.parts):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if 0 < len(text) <= MAX_FILE_CHARS and set(text) <= allowed:
            found.append(path)
    return found


def stdlib_corpus(
    train_chars: int = 1_500_000, val_chars: int = 150_000, seed: int = 0, root=None
) -> Corpus:
    """A seeded sample of stdlib source: whole files, shuffled, split by file.

    Inputs:
    - train_chars, val_chars: how much text to take for each split (whole files are taken
      until the split reaches at least this many characters)
    - seed: which shuffle of the files
    - root: the stdlib folder (default: the running interpreter's)
    Returns: a Corpus whose vocabulary is STDLIB_ALPHABET (fixed, sorted).
    """
    checks.positive_int("train_chars", train_chars)
    checks.positive_int("val_chars", val_chars)
    checks.seed("seed", seed)
    root = stdlib_dir() if root is None else Path(root)
    paths = stdlib_files(root)
    random.Random(seed).shuffle(paths)
    splits = {"train": [], "val": []}
    names = {"train": [], "val": []}
    budget = {"train": train_chars, "val": val_chars}
    order = iter(paths)
    for split in ("val", "train"):
        size = 0
        for path in order:
            text = path.read_text(encoding="utf-8")
            splits[split].append(text if text.endswith("\n") else text + "\n")
            names[split].append(path.relative_to(root).as_posix())
            size += len(text)
            if size >= budget[split]:
                break
        if size < budget[split]:
            raise ValueError(
                f"the stdlib at {root} holds too little usable text for "
                f"{split}_chars={budget[split]} (got {size} characters)"
            )
    return Corpus("".join(splits["train"]), "".join(splits["val"]), sorted(STDLIB_ALPHABET), names)


def text_corpus(text, val_fraction: float = 0.1, seq_len: int = 64) -> Corpus:
    """A corpus from any text: a string, or a path to a UTF-8 text file.

    Inputs:
    - text: a str, or a pathlib.Path to read
    - val_fraction: the last this fraction of the text is the validation split
    - seq_len: the training window; the training split must be longer than it
    Returns: a Corpus whose vocabulary is every character in the text, sorted.
    """
    if isinstance(text, Path):
        text = read_text_file(text)
    if not isinstance(text, str):
        raise TypeError(f"text must be a str or a pathlib.Path, got {type(text).__name__}")
    val_fraction = checks.real_number("val_fraction", val_fraction, low=0.01, high=0.5)
    check_text_length("text", text, seq_len)
    cut = round(len(text) * (1 - val_fraction))
    if cut <= seq_len or cut == len(text):
        raise ValueError(
            f"text is too short for seq_len={seq_len} with val_fraction={val_fraction}: its "
            f"{len(text)} characters leave {cut} for training and {len(text) - cut} for "
            f"validation; expected more than {seq_len} and at least 1"
        )
    files = {"train": ["<text>"], "val": ["<text>"]}
    return Corpus(text[:cut], text[cut:], sorted(set(text)), files)


def read_text_file(path) -> str:
    """Read a UTF-8 text file (`.gz` and `.xz` are decompressed); ValueError if unreadable."""
    path = Path(path)
    try:
        if path.suffix == ".xz":
            return lzma.decompress(path.read_bytes()).decode("utf-8")
        if path.suffix == ".gz":
            return gzip.decompress(path.read_bytes()).decode("utf-8")
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError, lzma.LZMAError, gzip.BadGzipFile, EOFError) as err:
        raise ValueError(f"cannot read text file {path}: {err}") from err


def shipped_split(split: str = "val") -> str:
    """The frozen stdlib text in rnnviz/data, the same on every Python version.

    `"val"`: the validation split the shipped checkpoint was scored on; `"train"`: the
    first part of its training split, the lab's live-training text.
    """
    checks.choice("split", split, SHIPPED_SPLITS)
    return read_text_file(DATA_DIR / SHIPPED_SPLITS[split])


def check_text_length(name: str, text: str, seq_len: int) -> str:
    """Raise ValueError unless `text` is non-empty and longer than `seq_len` characters.

    A window of seq_len inputs needs seq_len + 1 characters (inputs and next-char targets).
    """
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a str, got {type(text).__name__}")
    seq_len = checks.positive_int("seq_len", seq_len)
    if not text:
        raise ValueError(f"{name} is empty; expected text of at least {seq_len + 1} characters")
    if len(text) <= seq_len:
        raise ValueError(
            f"{name} is too short for seq_len={seq_len}: it has {len(text)} characters, "
            f"expected at least {seq_len + 1}"
        )
    return text
