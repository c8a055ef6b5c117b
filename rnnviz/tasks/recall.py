"""A task where remembering matters: output the value that was marked most recently.

Every step shows a random value in [-1, 1] (channel 0); at a few random steps a marker
(channel 1) flags the value to keep. From a marked step on, the target is the most recently
marked value; before the first marker it is 0. Between markers the model must hold the value
while ignoring the new values streaming past, and at each marker it must overwrite it: the
LSTM's "remember forever" (f near 1, i near 0) and "write a new value" (i near 1, f near 0).

`train_recall` trains a small model on it with rnnviz.training.train; `gate_means` splits a
gate's values into holding steps, marker steps and steps before the first marker.
"""

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from rnnviz import checks
from rnnviz.claims import measured
from rnnviz.models.cell_kinds import check_cell
from rnnviz.models.cells import LSTM, TRACED_CELLS
from rnnviz.seeding import SEED_LIMIT, STEPS_PER_SEED, batch_seed, generator, torch_seed

CELLS = tuple(TRACED_CELLS)  # every cell with a traced model: its states and gates are read
# Training batches use rnnviz.seeding.batch_seed(seed, step), which stays below
# (MAX_SEED + 1) * STEPS_PER_SEED; evaluation counts down from the top of torch's seed range,
# above that, so no evaluation sequence is ever a training sequence.
_EVAL_SEED = SEED_LIMIT - 1


@dataclass(frozen=True)
class RecallBatch:
    """A batch of the recall task.

    - x: (N, T, 2) float32 inputs: value in [-1, 1], marker in {0, 1}
    - target: (N, T) the most recently marked value, 0 before the first marker
    - last_mark: (N, T) int64 index of the most recent marker at or before t, -1 if none
    """

    x: torch.Tensor
    target: torch.Tensor
    last_mark: torch.Tensor

    @property
    def marked(self) -> np.ndarray:
        """(N, T) bool: the steps that carry a marker."""
        return self.x[..., 1].numpy() > 0

    @property
    def holding(self) -> np.ndarray:
        """(N, T) bool: steps after a marker that carry no marker (the value must be held)."""
        return (self.last_mark.numpy() >= 0) & ~self.marked


def recall_batch(batch_size: int, seq_len: int, n_marks: int = 2, seed: int = 0) -> RecallBatch:
    """Make a seeded batch of the recall task (the same seed gives the same batch).

    Inputs:
    - batch_size: N sequences; seq_len: T steps
    - n_marks: markers per sequence, at distinct random steps, 1 <= n_marks <= seq_len
    - seed: int in [0, 2**32) for this batch's generator
    Returns: RecallBatch
    """
    n = checks.positive_int("batch_size", batch_size)
    T = checks.positive_int("seq_len", seq_len)
    k = checks.positive_int("n_marks", n_marks)
    checks.within_budget({"batch_size": n, "seq_len": T}, 8 * n * T, bytes_each=4)
    if k > T:
        raise ValueError(f"n_marks must be <= seq_len ({T}), got {k}")
    gen = generator(seed)
    values = torch.rand(n, T, generator=gen) * 2 - 1  # (N, T)
    positions = torch.rand(n, T, generator=gen).argsort(dim=1)[:, :k]  # (N, k) distinct steps
    marks = torch.zeros(n, T).scatter_(1, positions, 1.0)  # (N, T)
    steps = torch.arange(T).expand(n, T)
    last_mark = torch.cummax(torch.where(marks > 0, steps, -1), dim=1).values  # (N, T)
    target = torch.where(last_mark >= 0, values.gather(1, last_mark.clamp(min=0)), 0.0)
    return RecallBatch(x=torch.stack([values, marks], dim=-1), target=target, last_mark=last_mark)


class RecallModel(nn.Module):
    """A recurrent model (rnnviz.models.cells) with a linear readout at every step.

    Inputs: x (N, T, 2). Returns: (N, T) predictions of the recalled value.
    """

    def __init__(self, cell: str = "lstm", hidden_size: int = 4, forget_bias=None):
        super().__init__()
        check_cell(cell, CELLS)
        hidden_size = checks.positive_int("hidden_size", hidden_size)
        if cell == "lstm":
            self.rnn = LSTM(2, hidden_size, forget_bias=forget_bias)
        elif forget_bias is not None:
            raise ValueError(f"forget_bias is only for cell='lstm', got cell={cell!r}")
        else:
            self.rnn = TRACED_CELLS[cell](2, hidden_size)
        self.cell = cell
        self.readout = nn.Linear(hidden_size, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.readout(self.rnn(x).h)[..., 0]  # (N, T)


def train_recall(
    cell: str = "lstm",
    hidden_size: int = 4,
    seq_len: int = 40,
    n_marks: int = 2,
    batch_size: int = 32,
    steps: int = 800,
    lr: float = 1e-2,
    forget_bias=2.0,
    seed: int = 0,
    progress: bool = True,
    callback=None,
):
    """Train a small model on the recall task for a fixed number of steps (deterministic).

    forget_bias (LSTM only) starts f at sigmoid(forget_bias): 2.0 gives 0.88, so early
    gradients reach back far enough to find the markers (Gers et al. 2000; Jozefowicz et
    al. 2015 use 1.0).
    Inputs: the task's sizes, rnnviz.training.train's steps, lr, seed, progress, callback.
    Returns: (model: RecallModel, result: rnnviz.training.TrainResult with eval "loss" and
    "baseline" = the loss of always answering 0, on a fixed evaluation batch)
    """
    from rnnviz.training import train

    checks.positive_int("seq_len", seq_len)
    checks.positive_int("batch_size", batch_size)
    _check_run(steps, seed)
    with torch_seed(seed):
        model = RecallModel(cell, hidden_size, forget_bias=forget_bias if cell == "lstm" else None)
    evaluation = evaluation_batch(seq_len, n_marks, seed)
    baseline = float((evaluation.target**2).mean())

    def loss_fn(step):
        batch = recall_batch(batch_size, seq_len, n_marks, seed=batch_seed(seed, step))
        return ((model(batch.x) - batch.target) ** 2).mean()

    def eval_fn():
        loss = ((model(evaluation.x) - evaluation.target) ** 2).mean()
        return {"loss": float(loss), "baseline": baseline}

    result = train(
        model,
        loss_fn,
        steps=steps,
        lr=lr,
        seed=seed,
        eval_fn=eval_fn,
        eval_every=max(1, steps // 8),
        progress=progress,
        callback=callback,
        label=cell.upper(),
    )
    return model, result


def evaluation_batch(
    seq_len: int = 40, n_marks: int = 2, seed: int = 0, batch_size: int = 256
) -> RecallBatch:
    """The held-out batch train_recall evaluates on (never used for training)."""
    _check_run(1, seed)
    return recall_batch(batch_size, seq_len, n_marks, seed=_EVAL_SEED - seed)


def _check_run(steps, seed):
    checks.positive_int("steps", steps, maximum=STEPS_PER_SEED)
    batch_seed(seed, 0)


def memory_unit(state, batch: RecallBatch) -> int:
    """The unit whose state tracks the held value best (largest |correlation| while holding).

    Inputs: state: (N, T, H) cell states c (LSTM) or hidden states h; batch: its RecallBatch
    Returns: the unit's index
    """
    state = checks.float_array("state", state)
    holding = batch.holding
    if state.ndim != 3 or state.shape[:2] != holding.shape:
        raise ValueError(f"state must have shape {holding.shape + ('H',)}, got {state.shape}")
    target = batch.target.numpy()[holding]
    corr = [abs(np.corrcoef(state[..., u][holding], target)[0, 1]) for u in range(state.shape[2])]
    return int(np.nanargmax(corr))


def gate_means(gate, batch: RecallBatch, unit=None) -> dict:
    """A gate's mean while holding, at the markers, and before the first marker.

    Inputs:
    - gate: (N, T, H) gate values, e.g. trace.gates["f"]
    - batch: the RecallBatch the trace ran on
    - unit: one unit's index, or None to average over all units
    Returns: {"holding": float, "at markers": float, "before first marker": float}
    """
    gate = checks.float_array("gate", gate, finite=False)
    if gate.ndim != 3 or gate.shape[:2] != batch.holding.shape:
        raise ValueError(f"gate must have shape {batch.holding.shape + ('H',)}, got {gate.shape}")
    if unit is not None:
        unit = checks.positive_int("unit", unit, minimum=0)
        if unit >= gate.shape[2]:
            raise ValueError(f"unit must be < {gate.shape[2]} (hidden units), got {unit}")
        gate = gate[..., unit : unit + 1]
    before = batch.last_mark.numpy() < 0
    return {
        "holding": float(gate[batch.holding].mean()),
        "at markers": float(gate[batch.marked].mean()),
        "before first marker": float(gate[before].mean()) if before.any() else float("nan"),
    }


@dataclass(frozen=True)
class HoldSummary:
    """A trained LSTM's gates on the recall task: its memory unit's f and i, all units' f,
    and how much the memory unit's cell state moves.

    Each of f, i, f_all_units, cell_change is a dict over holding / at markers / before first
    marker: gate_means(...) of the gates, and of |c_t - c_{t-1}| (c_0 - 0 at the first step)
    for cell_change. Which unit becomes the memory, and whether it writes through i or
    through g, changes from run to run; the rule that picks it (`memory_unit`) does not.
    """

    unit: int
    f: dict
    i: dict
    f_all_units: dict
    cell_change: dict

    def report(self) -> str:
        """A small table; the gate means come from training, so they print `~`-marked
        (rnnviz.claims.measured: the lab tests mask their digits and check claims instead)."""
        columns = {
            "f (unit)": self.f,
            "i (unit)": self.i,
            "|c_t - c_t-1| (unit)": self.cell_change,
            "f (all units)": self.f_all_units,
        }
        lines = [
            f"memory unit: {self.unit} (its c tracks the held value best)",
            f"{'':>20}" + "".join(f"  {name:>{max(9, len(name))}}" for name in columns),
        ]
        for where in self.f:
            lines.append(
                f"{where:>20}"
                + "".join(
                    f"  {measured(values[where]):>{max(9, len(name))}}"
                    for name, values in columns.items()
                )
            )
        return "\n".join(lines)


def hold_summary(model: RecallModel, batch: RecallBatch) -> HoldSummary:
    """Run a trained recall LSTM on `batch` and average its gates, and its memory unit's cell
    changes, while holding, at markers and before the first marker.

    Inputs: model: a RecallModel with cell="lstm"; batch: a RecallBatch (e.g. evaluation_batch())
    Returns: HoldSummary
    """
    if not isinstance(model, RecallModel) or model.cell != "lstm":
        raise TypeError("model must be a RecallModel with cell='lstm'")
    if not isinstance(batch, RecallBatch):
        raise TypeError(f"batch must be a RecallBatch, got {type(batch).__name__}")
    with torch.no_grad():
        trace = model.rnn(batch.x)
        f, i, c = (trace.gates["f"].numpy(), trace.gates["i"].numpy(), trace.c.numpy())
    unit = memory_unit(c, batch)
    change = np.abs(np.diff(c, axis=1, prepend=0.0))  # (N, T, H) |c_t - c_{t-1}|, c_0 = 0
    return HoldSummary(
        unit=unit,
        f=gate_means(f, batch, unit),
        i=gate_means(i, batch, unit),
        f_all_units=gate_means(f, batch),
        cell_change=gate_means(change, batch, unit),
    )


def final_hold_paths(lstm: RecallModel, rnn: RecallModel, batch: RecallBatch) -> dict:
    """How much gradient gets from the last step back to the last marker, LSTM vs RNN.

    Over each sequence's final hold (the steps after its last marker), the LSTM's path along
    the cell state is diag(f) at every step, the RNN's is W_hh diag(1 - h^2); this gives
    log10 of the norm of each product (and the RNN's product of norms, its upper bound),
    averaged over the sequences whose last marker is not the last step.
    Inputs: lstm: RecallModel cell "lstm"; rnn: RecallModel cell "rnn"; batch: RecallBatch
    Returns: {"hold steps": mean hold length, "lstm": ..., "rnn": ..., "rnn bound": ...}
    """
    from rnnviz.gradients.highway import forget_highway, log10_product_norm, rnn_jacobians

    if not isinstance(lstm, RecallModel) or lstm.cell != "lstm":
        raise TypeError("lstm must be a RecallModel with cell='lstm'")
    if not isinstance(rnn, RecallModel) or rnn.cell != "rnn":
        raise TypeError("rnn must be a RecallModel with cell='rnn'")
    with torch.no_grad():
        f = lstm.rnn(batch.x).gates["f"].numpy()  # (N, T, H)
        rnn_h = rnn.rnn(batch.x).h.numpy()  # (N, T, H)
        w_hh = rnn.rnn.core.weight_hh_l0.numpy()
    jacobians = rnn_jacobians(rnn_h, w_hh, rnn.rnn.nonlinearity)  # (N, T, H, H)
    last = batch.last_mark.numpy()[:, -1]  # (N,) the last marker's step
    rows = {"hold steps": [], "lstm": [], "rnn": [], "rnn bound": []}
    for n in np.flatnonzero(last < f.shape[1] - 1):
        hold = slice(last[n] + 1, None)
        rows["hold steps"].append(f.shape[1] - 1 - last[n])
        rows["lstm"].append(forget_highway(f[n : n + 1, hold])[0, -1])
        rows["rnn"].append(log10_product_norm(jacobians[n : n + 1, hold])[0, -1])
        step_norms = np.linalg.norm(jacobians[n, hold], ord=2, axis=(-2, -1))
        rows["rnn bound"].append(np.log10(step_norms).sum())
    if not rows["lstm"]:
        raise ValueError("batch has no sequence whose last marker comes before its last step")
    return {key: float(np.mean(values)) for key, values in rows.items()}
