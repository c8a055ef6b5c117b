"""Seeds: one call seeds everything, and one rule gives every training batch its own seed.

A training run draws batch `step` from `generator(batch_seed(seed, step))`, so the batches
depend only on (seed, step): the same step budget gives the same run twice, and two runs
that differ only in a setting (clipping, the cell) see the same data.

torch's CPU generator keeps only a seed's low 32 bits (it seeds a Mersenne Twister with one
32-bit word), so a seed of 2**32 + k would silently replay seed k's stream. Every seed
handed to torch here is therefore checked to lie in [0, 2**32), and `batch_seed` packs
(seed, step) as seed * STEPS_PER_SEED + step, which stays below 2**32 and is distinct for
every pair in its range: seed in [0, MAX_SEED], step in [0, STEPS_PER_SEED).
"""

import random
from contextlib import contextmanager

import numpy as np
import torch

from rnnviz import checks

SEED_LIMIT = checks.SEED_LIMIT  # 2**32
STEPS_PER_SEED = 1_000_003
MAX_SEED = (SEED_LIMIT - STEPS_PER_SEED) // STEPS_PER_SEED  # 4293


def seed_everything(seed: int) -> None:
    """Seed Python's `random`, numpy's global generator and torch's.

    Inputs: seed: int in [0, 2**32).
    """
    seed = checks.seed("seed", seed)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


@contextmanager
def torch_seed(seed: int):
    """Run the block with torch's global generator seeded with `seed`, then give the caller
    back its own random stream: building a model under a seed moves nobody else's draws.

    Inputs: seed: int in [0, 2**32).
    """
    seed = checks.seed("seed", seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


def batch_seed(seed: int, step: int) -> int:
    """The seed of training batch `step` in a run seeded with `seed`: seed * 1_000_003 + step.

    Inputs:
    - seed: int in [0, MAX_SEED], the run's seed
    - step: int in [0, STEPS_PER_SEED), the 0-based training step
    Returns: an int in [0, 2**32), distinct for every (seed, step) in range.
    """
    seed = checks.positive_int("seed", seed, minimum=0, maximum=MAX_SEED)
    step = checks.positive_int("step", step, minimum=0, maximum=STEPS_PER_SEED - 1)
    return seed * STEPS_PER_SEED + step


def generator(seed: int) -> torch.Generator:
    """A new torch CPU generator seeded with `seed`.

    Inputs: seed: int in [0, 2**32) (a larger seed would alias a smaller one, see above).
    Returns: torch.Generator.
    """
    seed = checks.seed("seed", seed)
    return torch.Generator().manual_seed(seed)
