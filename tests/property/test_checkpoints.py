"""Fuzzing every loader by which a file's content becomes weights (`load_checkpoint`,
`load_charlm`, `load_captioner`): files their savers wrote, then cut, with bytes flipped, or
rewritten with a tensor of another dtype, layout or strides, or in torch's legacy format.
Every outcome is the exact weights that were saved (names, dtypes, every bit), or a
ValueError naming the file; never another error, and never weights that differ."""

import io
from functools import cache

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnviz.captioning.model import load_captioner, make_captioner, save_captioner
from rnnviz.charlm.model import CharLM, load_charlm, save_charlm
from rnnviz.checkpoint import load_checkpoint, save_checkpoint

FUZZ = settings(max_examples=60)  # a load takes milliseconds: more examples, still < 5 s


def charlm_file():
    torch.manual_seed(0)
    model = CharLM(list("ab(c)\n"), "lstm", 4, 3)
    return model, lambda path: save_charlm(path, model, seed=0)


def captioner_file():
    torch.manual_seed(0)
    model = make_captioner("baseline", hidden_size=4, embedding_size=3)
    return model, lambda path: save_captioner(model, path, {"seed": 0})


def plain_file():
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 2)
    return model, lambda path: save_checkpoint(path, dict(model.state_dict()), {"n": 2})


LOADERS = {
    "load_charlm": (charlm_file, lambda path: load_charlm(path)[0]),
    "load_captioner": (captioner_file, lambda path: load_captioner(path)[0]),
    "load_checkpoint": (plain_file, lambda path: load_checkpoint(path)[0]),
}


@cache
def saved(loader: str, folder) -> tuple:
    """(the model's state, the file's bytes) for a loader's saver."""
    make, _ = LOADERS[loader]
    model, save = make()
    path = folder / f"{loader}.pt"
    save(path)
    return {k: v.detach().clone() for k, v in model.state_dict().items()}, path.read_bytes()


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("checkpoints")


def assert_exact_or_refused_by_name(loader: str, path, state: dict) -> str:
    """Load `path`: the exact `state` or a ValueError naming the file. Returns the outcome."""
    try:
        loaded = LOADERS[loader][1](path)
    except ValueError as error:
        assert path.name in str(error), f"{loader} refused without naming the file: {error}"
        return "refused"
    loaded = loaded if isinstance(loaded, dict) else loaded.state_dict()
    assert list(loaded) == list(state), f"{loader} loaded other names: {list(loaded)}"
    for name, value in state.items():
        assert loaded[name].dtype == value.dtype, (name, loaded[name].dtype, value.dtype)
        assert torch.equal(loaded[name], value), f"{loader} loaded other values for {name}"
    return "exact"


@pytest.mark.parametrize("loader", sorted(LOADERS))
def test_the_saved_file_loads_exactly(folder, loader):
    state, data = saved(loader, folder)
    path = folder / f"intact_{loader}.pt"
    path.write_bytes(data)
    assert assert_exact_or_refused_by_name(loader, path, state) == "exact"


@pytest.mark.parametrize("loader", sorted(LOADERS))
@FUZZ
@given(data=st.data())
def test_a_cut_or_flipped_file_loads_exactly_or_is_refused_by_name(folder, loader, data):
    state, good = saved(loader, folder)
    damaged = bytearray(good)
    if data.draw(st.booleans(), label="cut"):
        damaged = damaged[: data.draw(st.integers(0, len(good) - 1), label="length")]
    else:
        for _ in range(data.draw(st.integers(1, 3), label="flips")):
            at = data.draw(st.integers(0, len(good) - 1), label="at")
            damaged[at] ^= data.draw(st.integers(1, 255), label="xor")
    path = folder / f"damaged_{loader}.pt"
    path.write_bytes(bytes(damaged))
    assert_exact_or_refused_by_name(loader, path, state)


def strided(t):
    """The same values and shape with other strides (a transposed copy seen transposed)."""
    return t.t().contiguous().t() if t.dim() == 2 else t.repeat(2)[::2]


REWRITES = {
    "float64": lambda t: t.double(),
    "float64 beyond float32": lambda t: t.double() * 1e300,
    "float16": lambda t: t.half(),
    "bfloat16": lambda t: t.bfloat16(),
    "int64": lambda t: t.long(),
    "bool": lambda t: t.bool(),
    "complex64": lambda t: t.to(torch.complex64),
    "strided": strided,
    "expanded": lambda t: t.flatten()[:1].expand(t.numel()).reshape(t.shape),
    "sparse": lambda t: t.to_sparse(),
    "a parameter": lambda t: torch.nn.Parameter(t.clone(), requires_grad=t.is_floating_point()),
}
LAYOUTS = ("strided", "expanded", "sparse")


@pytest.mark.parametrize("loader", sorted(LOADERS))
@FUZZ
@given(
    rewrite=st.sampled_from(sorted(REWRITES)),
    legacy=st.booleans(),
    which=st.integers(0, 100),
)
def test_a_tensor_of_another_dtype_or_layout_loads_exactly_or_is_refused_by_name(
    folder, loader, rewrite, legacy, which
):
    state, good = saved(loader, folder)
    payload = torch.load(io.BytesIO(good), weights_only=True)
    name = sorted(payload["tensors"])[which % len(payload["tensors"])]
    payload["tensors"][name] = REWRITES[rewrite](payload["tensors"][name])
    path = folder / f"rewritten_{loader}.pt"
    torch.save(payload, path, _use_new_zipfile_serialization=not legacy)
    # load_checkpoint returns the file's tensors as they are; a model loader the model's.
    generic = loader == "load_checkpoint"
    expected = {k: v.detach() for k, v in payload["tensors"].items()} if generic else state
    outcome = assert_exact_or_refused_by_name(loader, path, expected)
    # No checksum (legacy), not what save_checkpoint writes (layouts), or a cast (dtypes).
    if legacy or rewrite in LAYOUTS or not (generic or rewrite == "a parameter"):
        assert outcome == "refused", (rewrite, legacy, name)
