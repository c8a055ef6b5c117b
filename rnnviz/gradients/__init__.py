"""Gradients through time: BPTT norms, unrolled graphs, per-step terms of dL/dW, clipping, gates."""
