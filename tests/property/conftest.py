"""The property suite's oracle and hostile inputs.

`fuzz.call(fn, **kwargs)` runs one call and accepts exactly two outcomes: a result, or a
ValueError/TypeError whose message names one of the callable's public arguments. Anything
else (an IndexError or ZeroDivisionError from deep inside, a RuntimeError from torch, an
OverflowError) fails the example. `fuzz.hostile(kind, good)` draws a bad value of a kind:
NaN, inf, empty, huge, of the wrong shape, dtype or type. Sizes stay small (at most 40 for
anything that allocates) so that nothing hangs; huge numbers go only where nothing is
allocated from them.
"""

import inspect
import re
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

# Deterministic (the same examples on every run, so `make test` is reproducible) and bounded:
# each property test draws EXAMPLES examples; one example over DEADLINE_MS fails the test.
EXAMPLES = 12
DEADLINE_MS = 5000
settings.register_profile(
    "rnnviz",
    max_examples=EXAMPLES,
    deadline=DEADLINE_MS,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
settings.load_profile("rnnviz")

COUNTS = {"calls": 0, "results": 0, "refusals": 0}


class Refused(Exception):
    """The call raised a clean ValueError/TypeError naming an argument."""


def parameter_names(fn) -> list[str]:
    target = fn.__init__ if inspect.isclass(fn) else fn
    return [name for name in inspect.signature(target).parameters if name != "self"]


def call(fn, *args, _names=(), **kwargs):
    """fn(*args, **kwargs): its result, or Refused for a clean named error; else the error."""
    COUNTS["calls"] += 1
    try:
        result = fn(*args, **kwargs)
    except (ValueError, TypeError) as error:
        names = [*parameter_names(fn), *_names]
        message = str(error)
        if not any(
            re.search(rf"(?<![A-Za-z_]){re.escape(n)}(?![A-Za-z_])", message, re.IGNORECASE)
            for n in names
        ):
            raise AssertionError(
                f"{getattr(fn, '__qualname__', fn)} raised {type(error).__name__}: {message!r}, "
                f"which names none of its arguments {names}"
            ) from error
        COUNTS["refusals"] += 1
        raise Refused(message) from None
    COUNTS["results"] += 1
    return result


def _with_nan(good):
    bad = np.array(good, dtype=float, copy=True)
    if bad.size:
        bad.flat[bad.size // 2] = np.nan
    return bad


def _with_inf(good):
    bad = np.array(good, dtype=float, copy=True)
    if bad.size:
        bad.flat[0] = -np.inf
    return bad


def _empty(good):
    shape = list(np.shape(good)) or [0]
    shape[0] = 0
    return np.zeros(shape)


def fixed_arrays(good):
    """Every fixed bad version of a float array (numpy, or torch if `good` is a tensor)."""
    if good is None:  # an optional argument left out of the good call
        good = np.zeros(3)
    good_np = good.numpy() if isinstance(good, torch.Tensor) else np.asarray(good)
    bad = [
        _with_nan(good_np),
        _with_inf(good_np),
        _empty(good_np),
        np.asarray(good_np, dtype=float) * 1e300,
        np.asarray(good_np, dtype=float) * -1e300,
        good_np[..., None],
        good_np.reshape(-1),
        np.zeros((0,)),
        good_np.astype(np.int64),
        good_np.astype(np.float32),
        good_np.astype(complex),
        good_np.astype(bool),
        good_np.astype(object),
        good_np.tolist(),
        None,
        "array",
        3.0,
    ]
    if isinstance(good, torch.Tensor):
        bad = [_as_tensor(v) for v in bad]
    return bad


def _as_tensor(value):
    if isinstance(value, np.ndarray) and value.dtype not in (object, complex):
        return torch.as_tensor(value)
    return value


def hostile_array(good):
    """Bad float arrays: the fixed ones, and random shapes holding NaN, inf and huge values."""
    random = hnp.arrays(
        st.sampled_from([np.float64, np.float32]),
        hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4),
        elements=st.floats(allow_nan=True, allow_infinity=True, width=32, allow_subnormal=False),
    )
    if isinstance(good, torch.Tensor):
        random = random.map(_as_tensor)
    return st.one_of(st.sampled_from(fixed_arrays(good)), random)


FIXED = {
    "size": [0, -1, 1, 2.0, 2.5, True, None, "3", np.int64(3), float("nan")],
    "number": [
        0.0,
        -1.0,
        1.0,
        0.5,
        1e300,
        -1e300,
        1e-300,
        True,
        None,
        "1",
        np.float32(0.5),
        float("nan"),
        float("inf"),
        -float("inf"),
    ],
    "word": ["", "lstm ", "RNN", None, 3, "x"],
    "text": ["", "a", None, 5, ["a", "b"], "\x00", "z" * 40],
    "bool": [None, 0, 1, "yes", 2.0],
}
FIXED["int"] = FIXED["size"] + [2**40, -(2**40)]
RANDOM = {
    "size": st.integers(-3, 40),
    "int": st.integers(-3, 40),
    "number": st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=False),
    "word": st.text(max_size=6),
    "text": st.text(alphabet='abc( )\n"#:=xyz\t', max_size=40),
    "bool": st.booleans(),
}


def fixed(kind, good=None) -> list:
    """Every fixed bad value of a kind (the exhaustive sweep calls each one)."""
    return fixed_arrays(good) if kind == "array" else FIXED[kind]


def hostile(kind, good=None):
    """A strategy of bad values for an argument of `kind` whose good value is `good`."""
    if kind == "array":
        return hostile_array(good)
    return st.one_of(st.sampled_from(FIXED[kind]), RANDOM[kind])


def draw(data, good: dict, kinds: dict) -> dict:
    """Good arguments with one or two of them replaced by hostile values of their kind."""
    kwargs = dict(good)
    for name in data.draw(
        st.lists(st.sampled_from(sorted(kinds)), min_size=1, max_size=2, unique=True),
        label="arguments",
    ):
        kwargs[name] = data.draw(hostile(kinds[name], kwargs.get(name)), label=name)
    return kwargs


def sweep(good, kinds: dict):
    """Every argument in turn with every fixed bad value of its kind, the others good.
    `good` makes fresh good arguments."""
    for name, kind in kinds.items():
        for value in fixed(kind, good().get(name)):
            yield {**good(), name: value}


def attempt(fn, kwargs: dict, aliases=()):
    """call(fn, **kwargs): the result, or None for a clean refusal naming an argument (the
    argument names accepted are kwargs' own and `aliases`)."""
    try:
        return call(fn, _names=(*kwargs, *aliases), **kwargs)
    except Refused:
        return None
    finally:
        torch.set_num_threads(1)  # a hostile call must not leave the process changed


def refused_naming(fn, kwargs: dict, argument: str, aliases=()) -> str:
    """call(fn, **kwargs) must be refused with an error naming `argument` (or one of its
    `aliases`, the inner names a wrapper above hands it to). Returns the message."""
    try:
        result = call(fn, _names=(argument, *aliases), **kwargs)
    except Refused as refusal:
        message = str(refusal)
    else:
        raise AssertionError(f"{argument}={kwargs[argument]!r} was accepted, giving {result!r}")
    finally:
        torch.set_num_threads(1)
    named = [
        n for n in (argument, *aliases) if re.search(rf"(?<![A-Za-z_.]){re.escape(n)}\b", message)
    ]
    assert named, f"{argument}={kwargs[argument]!r} was refused without its name: {message!r}"
    return message


# The rules every switch and every seed follows (DEVELOPING "Reliability").
SWITCHES_GOOD = [True, False, np.True_, np.False_]
SWITCHES_BAD = [None, 0, 1, "yes", "False", 2.0, np.int64(1), [True]]
SEEDS_GOOD = [0, 7, np.int64(7), np.uint32(3)]
SEEDS_BAD = [True, np.True_, 1.0, "1", -1, 2**32, None, np.float64(2.0)]


def rng_state():
    """The global random streams: Python's, numpy's and torch's."""
    import random

    return random.getstate(), np.random.get_state()[1].tobytes(), torch.get_rng_state()


def same_streams(a, b) -> bool:
    return a[0] == b[0] and a[1] == b[1] and torch.equal(a[2], b[2])


def explicit_defaults(fn, good: dict) -> list[dict]:
    """good arguments with each optional parameter the good call leaves out passed
    explicitly at its documented default."""
    target = fn.__init__ if inspect.isclass(fn) else fn
    calls = []
    for name, parameter in inspect.signature(target).parameters.items():
        if parameter.default is inspect.Parameter.empty or name in good or name == "self":
            continue
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        calls.append({**good, name: parameter.default})
    return calls


def check_switches(fn, good, kinds: dict, aliases=()) -> int:
    """Every switch argument takes True/False and numpy bools, and refuses all else by name.
    Returns: how many switch arguments were walked."""
    switches = [name for name, kind in kinds.items() if kind == "bool"]
    for name in switches:
        for value in SWITCHES_GOOD:
            assert attempt(fn, {**good(), name: value}) is not None, (name, value)
        for value in SWITCHES_BAD:
            refused_naming(fn, {**good(), name: value}, name, aliases)
    return len(switches)


def check_seeds(fn, good, kinds: dict, aliases=()) -> int:
    """A `seed` argument follows the one seed rule (rnnviz.checks.seed). Returns: 1 if the
    case has a seed, else 0."""
    if "seed" not in kinds:
        return 0
    for value in SEEDS_GOOD:
        assert attempt(fn, {**good(), "seed": value}) is not None, value
    for value in SEEDS_BAD:
        refused_naming(fn, {**good(), "seed": value}, "seed", aliases)
    return 1


def check_names_the_argument(fn, good, kinds: dict, aliases=()) -> None:
    """Each fixed bad value of one argument, the others good: a refusal names that argument
    (as the caller wrote it), not another, nor an inner function's parameter."""
    for name, kind in kinds.items():
        for value in fixed(kind, good().get(name)):
            kwargs = {**good(), name: value}
            try:
                call(fn, _names=(*kwargs, *aliases), **kwargs)
            except Refused as refusal:
                message = str(refusal)
                assert any(
                    re.search(rf"(?<![A-Za-z_]){re.escape(n)}(?![A-Za-z_])", message)
                    for n in (name, *aliases)
                ), f"{name}={value!r} was refused naming another argument: {message!r}"
            finally:
                torch.set_num_threads(1)


@pytest.fixture(scope="session")
def fuzz():
    """The oracle (attempt), the hostile arguments (draw, sweep), the rules' checks and the
    running counts."""
    return SimpleNamespace(
        attempt=attempt,
        draw=draw,
        sweep=sweep,
        counts=COUNTS,
        refused_naming=refused_naming,
        rng_state=rng_state,
        same_streams=same_streams,
        explicit_defaults=explicit_defaults,
        check_switches=check_switches,
        check_seeds=check_seeds,
        check_names_the_argument=check_names_the_argument,
    )


def pytest_terminal_summary(terminalreporter):
    if COUNTS["calls"]:
        terminalreporter.write_line(
            f"property suite: {COUNTS['calls']} calls: {COUNTS['results']} results, "
            f"{COUNTS['refusals']} clean refusals naming an argument"
        )
