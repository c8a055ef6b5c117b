"""One call at the top of every lab: seeds, fast CPU arithmetic, readable printing."""

import os
import re

import numpy as np

# Overrides every lab's seed: `make claims` re-runs the labs' claims under other seeds.
SEED_ENV = "RNNVIZ_SEED"


def setup_lab(seed: int = 0, threads: int = 1) -> int:
    """Make a lab deterministic and quick; return the seed the lab passes to its experiments.

    - Seeds Python, numpy and torch (rnnviz.seeding.seed_everything, seed in [0, 2**32)) so
      stored outputs are reproducible (nbval checks them).
      If SEED_ENV is set (`make claims SEEDS="0 1 2"` sets it), its value replaces `seed`.
    - Flushes subnormal floats to zero: vanishing gradients land in subnormals, which
      made backward passes up to 5.6x slower on our CPUs.
    - Uses `threads` torch threads (1 by default) so a lab's numbers and timings do not
      depend on how many cores the machine has.
    - In Google Colab, turns on its custom widget manager (rnnviz.colab), which the charts need.
    """
    import torch

    from rnnviz import checks
    from rnnviz.colab import enable_colab_widgets
    from rnnviz.seeding import seed_everything

    checks.positive_int("threads", threads)
    override = os.environ.get(SEED_ENV)
    if override is not None:
        # Decimal digits only: int() would also read "1_0", "+3" or other scripts' digits.
        if not re.fullmatch(r"[0-9]+", override.strip()):
            raise ValueError(f"{SEED_ENV} must be an int in [0, 2**32) in digits, got {override!r}")
        seed = checks.seed(SEED_ENV, int(override))
    seed = checks.seed("seed", seed)
    seed_everything(seed)
    torch.set_flush_denormal(True)
    torch.set_num_threads(threads)
    np.set_printoptions(precision=4, suppress=True)
    enable_colab_widgets()  # in Colab only: its custom widget manager draws the charts
    return seed
