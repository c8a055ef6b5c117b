"""Argument checks for public functions: clear errors that name the argument.

Every public function in rnnviz validates its inputs with these, so a student who passes
a zero length or a NaN weight reads which argument was wrong and what was expected.
"""

import math
import numbers
import os

import numpy as np


def positive_int(name: str, value, *, minimum: int = 1, maximum: int | None = None) -> int:
    """Return `value` if it is an int in [minimum, maximum], else raise TypeError/ValueError.

    The one rule for out-of-range arguments: refuse them with the argument's public name and
    its range, never clamp them silently.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    if maximum is not None and not minimum <= value <= maximum:
        raise ValueError(f"{name} must be an int in [{minimum}, {maximum}], got {value}")
    if value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value}")
    return int(value)


def switch(name: str, value) -> bool:
    """The one rule for a switch: `True`/`False` or a numpy bool, refused otherwise by the
    argument's name (0, 1, "no", None are not switches: "no" would be truthy)."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}")
    return bool(value)


# torch's CPU generator keeps a seed's low 32 bits (rnnviz.seeding): larger seeds would alias.
SEED_LIMIT = 2**32


def seed(name: str, value) -> int:
    """The one rule for a seed: an int (numpy ints too; never a bool, float or str) in
    [0, 2**32), refused otherwise by the argument's name."""
    return positive_int(name, value, minimum=0, maximum=SEED_LIMIT - 1)


def real_number(name: str, value, *, low=None, high=None) -> float:
    """Return `value` as a finite float in [low, high], else raise TypeError/ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{name} must be in [{low}, {high}], got {value}")
    return value


def choice(name: str, value, options) -> str:
    """Return `value` if it is one of `options`, else raise ValueError listing them."""
    if value not in options:
        raise ValueError(f"{name} must be one of {sorted(options)}, got {value!r}")
    return value


def array(name: str, value, *, ndim=None, shape=None, finite: bool = True) -> np.ndarray:
    """Check a numpy array's rank, shape and finiteness; return it unchanged.

    `shape` may hold None for a free dimension, e.g. (None, 4 * H).
    """
    if not isinstance(value, np.ndarray):
        raise TypeError(f"{name} must be a numpy array, got {type(value).__name__}")
    if ndim is not None and value.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimensions, got shape {value.shape}")
    if shape is not None:
        if value.ndim != len(shape) or any(
            want is not None and got != want for got, want in zip(value.shape, shape)
        ):
            want_str = "(" + ", ".join("*" if s is None else str(s) for s in shape) + ")"
            raise ValueError(f"{name} must have shape {want_str}, got {value.shape}")
    if finite and np.issubdtype(value.dtype, np.number) and not np.all(np.isfinite(value)):
        raise ValueError(f"{name} contains NaN or inf; expected finite values")
    return value


def float_array(name: str, value, *, ndim=None, shape=None, finite: bool = True) -> np.ndarray:
    """`value` (an array, tensor or nested list of real numbers) as a float64 array, checked
    like `array`; TypeError naming the argument for text, None, complex or ragged values."""
    if value is None or isinstance(value, (str, bytes)) or np.iscomplexobj(value):
        raise TypeError(f"{name} must be an array of real numbers, got {type(value).__name__}")
    try:
        converted = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError, RuntimeError):
        raise TypeError(
            f"{name} must be an array of real numbers, got {type(value).__name__}"
        ) from None
    return array(name, converted, ndim=ndim, shape=shape, finite=finite)


def tensor(name: str, value, *, ndim=None, shape=None, finite: bool = True):
    """The torch twin of `array`: check a tensor's rank, shape and finiteness."""
    import torch

    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    if ndim is not None and value.dim() != ndim:
        raise ValueError(f"{name} must have {ndim} dimensions, got shape {tuple(value.shape)}")
    if shape is not None:
        if value.dim() != len(shape) or any(
            want is not None and got != want for got, want in zip(value.shape, shape)
        ):
            want_str = "(" + ", ".join("*" if s is None else str(s) for s in shape) + ")"
            raise ValueError(f"{name} must have shape {want_str}, got {tuple(value.shape)}")
    if finite and value.is_floating_point() and not bool(torch.isfinite(value).all()):
        raise ValueError(f"{name} contains NaN or inf; expected finite values")
    return value


def sentences(name: str, texts, vocabulary) -> list:
    """Check a non-empty list of space-separated sentences whose words are all in
    `vocabulary`; return the sentences as lists of words."""
    if isinstance(texts, str) or not isinstance(texts, (list, tuple)) or not texts:
        raise TypeError(f"{name} must be a non-empty list of sentences")
    words = []
    for text in texts:
        if not isinstance(text, str) or not text.split():
            raise ValueError(f"{name} must hold non-empty strings, got {text!r}")
        unknown = [w for w in text.split() if w not in vocabulary]
        if unknown:
            raise ValueError(
                f"{name}: unknown words {unknown}; known words are {sorted(vocabulary)}"
            )
        words.append(text.split())
    return words


# The budgets every size cap is derived from (DEVELOPING "Caps"). One call of a public
# function, or building one widget, holds at most MEMORY_BUDGET bytes of arrays: a lab runs
# several and must stay under 1 GB. A widget builds in about WIDGET_SECONDS on one core: a lab
# shows several and must run in well under 60 s.
MEMORY_BUDGET = 256 * 2**20
WIDGET_SECONDS = 2.0
# A stored notebook keeps each output's widget state up to OUTPUT_BUDGET characters of its
# JSON (frames as base64), so that a lab stays under 2 MB (scripts/execute_lab.py drops a
# larger one, which then needs the kernel). A widget that can show part of its data sizes
# itself to output_budget(): the static site's build executes its labs with OUTPUT_BUDGET_ENV
# set to "none", and its pages carry the whole of it.
OUTPUT_BUDGET = 1_200_000
OUTPUT_BUDGET_ENV = "RNNVIZ_OUTPUT_BUDGET"


def output_budget() -> float:
    """The characters of widget state one output may store in this process.

    Returns: OUTPUT_BUDGET, or math.inf if the environment variable OUTPUT_BUDGET_ENV is
    "none" (the static site's build, scripts/build_site.py).
    Raises: ValueError if OUTPUT_BUDGET_ENV holds anything else but a positive int.
    """
    value = os.environ.get(OUTPUT_BUDGET_ENV, "").strip()
    if not value:
        return OUTPUT_BUDGET
    if value == "none":
        return math.inf
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f'{OUTPUT_BUDGET_ENV} must be "none" or a positive int, got {value!r}')
    return int(value)


def byte_size(count: int) -> str:
    """A number of bytes as the messages of the size caps print it, never rounded to 0.

    Inputs: count: a number of bytes (>= 0).
    Returns: the count in the largest of bytes, KB, MB, GB (powers of 1024) that it reaches,
    with one decimal below 100 of that unit: "512 bytes", "1.5 KB", "30.5 MB", "256 MB".
    """
    count = int(count)
    if count < 1024:
        return f"{count:,} byte{'' if count == 1 else 's'}"
    for unit, scale in (("GB", 2**30), ("MB", 2**20), ("KB", 2**10)):
        if count >= scale:
            value = count / scale
            return f"{value:.1f} {unit}" if value < 100 else f"{value:,.0f} {unit}"


def within_budget(
    sizes: dict,
    count: int,
    *,
    bytes_each: int = 8,
    what: str = "numbers",
    budget: int | None = None,
) -> None:
    """Refuse sizes that would make `count` numbers of `bytes_each` bytes, past the budget.

    Inputs:
    - sizes: {argument name: value} of the arguments `count` grows with (named in the error)
    - count: how many numbers the call would hold at once, from its cost model
    - budget: bytes the call may hold; None is MEMORY_BUDGET (a command that is not run in a
      lab, such as a checkpoint trainer, states its own)
    Raises: ValueError naming every argument in `sizes`, the memory needed and the budget.
    """
    budget = MEMORY_BUDGET if budget is None else budget
    need = int(count) * bytes_each
    if need > budget:
        given = ", ".join(f"{name}={value}" for name, value in sizes.items())
        raise ValueError(
            f"{given} would hold {int(count):,} {what} ({byte_size(need)}), past the "
            f"{byte_size(budget)} one call may use: make {' or '.join(sizes)} smaller"
        )
