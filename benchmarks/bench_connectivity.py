"""How fast is a user's model's connectivity, ||dy_t/dx_k|| for every t and k?

A character model of the lab's shape (embedding 64 -> LSTM H=256 -> linear head over 64
characters), T = 300, batch 1, float64, one thread: rnnviz.gradients.model_gradients.
connectivity (every output step's seed pushed back together, by hand BPTT over the replay)
against the naive method: one forward pass through the fused torch.nn model, then one
torch.autograd.grad call per output step t. Target: <= 5 s, >= 5x faster than the naive
loop. The two must agree (max difference printed).
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

from rnnviz.gradients.model_gradients import connectivity  # noqa: E402

T, HIDDEN, EMBEDDING, VOCAB = 300, 256, 64, 64


class CharModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, EMBEDDING)
        self.lstm = nn.LSTM(EMBEDDING, HIDDEN, batch_first=True)
        self.head = nn.Linear(HIDDEN, VOCAB)

    def forward(self, x):
        return self.head(self.lstm(self.embed(x))[0])


def naive(model, x, targets, dtype):
    """One autograd.grad call per output step t through the fused model. Returns (T, T)."""
    twin = CharModel().to(dtype)
    twin.load_state_dict(model.state_dict())
    e = twin.embed(x).detach().requires_grad_()
    logits = twin.head(twin.lstm(e)[0])  # (1, T, V)
    y = logits.gather(2, targets[..., None])[0, :, 0]  # (T,) the true next token's logit
    rows = [torch.autograd.grad(y[t], e, retain_graph=True)[0][0].norm(dim=1) for t in range(T)]
    return torch.stack(rows).double().numpy()


def timed(fn):
    c0, w0 = time.thread_time(), time.perf_counter()
    value = fn()
    return value, (time.thread_time() - c0, time.perf_counter() - w0)


def main():
    torch.set_num_threads(1)
    torch.set_flush_denormal(True)
    torch.manual_seed(0)
    model = CharModel()
    ids = torch.randint(0, VOCAB, (1, T + 1))
    x, targets = ids[:, :-1], ids[:, 1:]
    print(f"T={T}, H={HIDDEN}, embedding {EMBEDDING}, vocabulary {VOCAB}, batch 1, 1 thread")
    ours, ours_s = timed(lambda: connectivity(model, x, output=targets)[0])
    slow64, naive64_s = timed(lambda: naive(model, x, targets, torch.float64))
    slow32, naive32_s = timed(lambda: naive(model, x, targets, torch.float32))
    difference = float(np.abs(ours - slow64).max())
    for name, (cpu, wall) in [
        ("rnnviz connectivity (float64)", ours_s),
        ("naive autograd.grad per t, float64", naive64_s),
        ("naive autograd.grad per t, float32", naive32_s),
    ]:
        print(f"  {name:<38} {cpu:7.2f} s cpu {wall:7.2f} s wall")
    print(
        f"  speed-up: {naive64_s[0] / ours_s[0]:.1f}x (float64 naive), "
        f"{naive32_s[0] / ours_s[0]:.1f}x (float32 naive), cpu; target <= 5 s, >= 5x"
    )
    print(f"  same numbers: max |rnnviz - naive float64| = {difference:.1e}")
    return {
        "T300_H256": {
            "rnnviz_s": ours_s,
            "naive_float64_s": naive64_s,
            "naive_float32_s": naive32_s,
            "speedup_cpu": naive64_s[0] / ours_s[0],
            "speedup_float32_cpu": naive32_s[0] / ours_s[0],
            "max_abs_difference": difference,
            "target_s": 5,
            "target_speedup": 5,
        },
        "units": "[cpu s, wall s]",
    }


if __name__ == "__main__":
    main()
