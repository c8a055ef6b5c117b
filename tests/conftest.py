"""Shared test set-up.

- One torch thread, so tests time and behave the same on any machine (and don't fight each
  other for a 2-core CI box), and subnormals flushed as in the labs.
- No network: tests/network_guard.py refuses outbound connections here and, through
  PYTHONSTARTUP, in every kernel the tests start (nbval's and the browser tests').
"""

import os
import runpy
from pathlib import Path

import torch

NETWORK_GUARD = Path(__file__).with_name("network_guard.py")
runpy.run_path(str(NETWORK_GUARD))
os.environ["PYTHONSTARTUP"] = str(NETWORK_GUARD)

torch.set_num_threads(1)
torch.set_flush_denormal(True)
