"""Shared test set-up: one torch thread, so tests time and behave the same on any machine
(and don't fight each other for a 2-core CI box), and subnormals flushed as in the labs.
The network guard is set up by the conftest.py at the repository's root."""

import torch

torch.set_num_threads(1)
torch.set_flush_denormal(True)
