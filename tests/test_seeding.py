"""rnnviz.seeding: one entry point seeds everything; batch seeds are distinct and never leave
torch's 32-bit seed range."""

import random

import numpy as np
import pytest
import torch

from rnnviz.seeding import (
    MAX_SEED,
    SEED_LIMIT,
    STEPS_PER_SEED,
    batch_seed,
    generator,
    seed_everything,
    torch_seed,
)


def test_seed_everything_replays_python_numpy_and_torch():
    seed_everything(3)
    first = (random.random(), np.random.rand(), torch.rand(1).item())
    seed_everything(3)
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == first
    seed_everything(4)
    assert torch.rand(1).item() != first[2]


def test_torch_keeps_only_32_bits_of_a_seed():
    """Why the range checks exist: seed 2**32 + 5 replays seed 5 in torch's CPU generator."""
    a = torch.rand(4, generator=torch.Generator().manual_seed(5))
    b = torch.rand(4, generator=torch.Generator().manual_seed(2**32 + 5))
    assert torch.equal(a, b)
    with pytest.raises(ValueError, match="seed"):
        generator(2**32 + 5)


def test_batch_seeds_are_distinct_and_stay_below_2_32():
    seeds = {batch_seed(s, step) for s in range(4) for step in range(5000)}
    assert len(seeds) == 4 * 5000
    # The corners of the range: the largest pair is still a 32-bit seed, and the blocks of
    # consecutive seeds do not overlap.
    assert batch_seed(MAX_SEED, STEPS_PER_SEED - 1) < SEED_LIMIT
    assert batch_seed(1, 0) == batch_seed(0, STEPS_PER_SEED - 1) + 1
    assert batch_seed(MAX_SEED, 0) > batch_seed(MAX_SEED - 1, STEPS_PER_SEED - 1)


def test_a_batch_seed_gives_the_same_stream_twice():
    a = torch.rand(3, generator=generator(batch_seed(7, 11)))
    b = torch.rand(3, generator=generator(batch_seed(7, 11)))
    c = torch.rand(3, generator=generator(batch_seed(7, 12)))
    assert torch.equal(a, b) and not torch.equal(a, c)


@pytest.mark.parametrize(
    "call, error, name",
    [
        (lambda: batch_seed(MAX_SEED + 1, 0), ValueError, "seed"),
        (lambda: batch_seed(10_000, 0), ValueError, "seed"),
        (lambda: batch_seed(-1, 0), ValueError, "seed"),
        (lambda: batch_seed(0, -1), ValueError, "step"),
        (lambda: batch_seed(0, STEPS_PER_SEED), ValueError, "step"),
        (lambda: batch_seed(0.5, 0), TypeError, "seed"),
        (lambda: generator(-1), ValueError, "seed"),
        (lambda: seed_everything(2**32), ValueError, "seed"),
        (lambda: seed_everything("0"), TypeError, "seed"),
    ],
)
def test_out_of_range_seeds_are_refused_by_name(call, error, name):
    with pytest.raises(error, match=name):
        call()


def test_torch_seed_builds_the_same_weights_and_leaves_the_callers_stream_alone():
    torch.manual_seed(1)
    expected_next = torch.rand(3)
    torch.manual_seed(1)
    with torch_seed(5):
        a = torch.nn.Linear(3, 2).weight.detach().clone()
    with torch_seed(5):
        b = torch.nn.Linear(3, 2).weight.detach().clone()
    assert torch.equal(a, b)
    assert torch.equal(torch.rand(3), expected_next)  # as if nothing had been drawn
    with pytest.raises(ValueError, match="seed"):
        with torch_seed(-1):
            pass
