"""The one training loop every lab uses: Adam, norm clipping, seeds, a progress bar, a live plot.

A lab hands `train` a model and a `loss_fn(step)` that builds that step's batch; it gets back
a `TrainResult` with the loss curve, the gradient norms before clipping (Pascanu et al. 2013),
and when (if ever) the task was solved. Budgets are counted in steps so that a lab's stored
output is reproducible; a wall-clock budget (`seconds`) is for scripts.
"""

import math
import random
import time
from dataclasses import dataclass, field

import numpy as np
import plotly.graph_objects as go
import torch
from tqdm.auto import tqdm

from rnnviz import checks
from rnnviz.style import FIGURE_TEMPLATE, MODEL_COLORS
from rnnviz.widgets.base import batch_update


@dataclass
class TrainResult:
    """What one training run did.

    - losses: the training loss at every step; grad_norms: the gradient norm at every step,
      measured before clipping (inf or NaN kept as they were)
    - evals: [(step, metrics)] from `eval_fn`, every `eval_every` steps and at the end
    - steps, seconds: how far the run went; steps_to_solve, seconds_to_solve: when the loss
      first fell below `solve_loss` (None if it never did)
    - diverged: the loss became NaN or inf and training stopped
    """

    label: str
    losses: list = field(default_factory=list)
    grad_norms: list = field(default_factory=list)
    evals: list = field(default_factory=list)
    steps: int = 0
    seconds: float = 0.0
    steps_to_solve: int | None = None
    seconds_to_solve: float | None = None
    diverged: bool = False

    @property
    def solved(self) -> bool:
        return self.steps_to_solve is not None

    @property
    def final(self) -> dict:
        """The last evaluation's metrics, with the last training loss as `train_loss`."""
        metrics = dict(self.evals[-1][1]) if self.evals else {}
        metrics["train_loss"] = self.losses[-1] if self.losses else float("nan")
        return metrics


class LossPlot:
    """A live log-scale loss plot; several runs can share it, one curve each.

    Display it in a notebook, then pass it to `train(..., plot=...)`: the curve is updated
    in place while the model trains.
    """

    def __init__(self, title: str = "training loss", yaxis_title: str = "loss", log_y=True):
        self.figure = go.FigureWidget(
            layout=dict(
                template=FIGURE_TEMPLATE,
                title=title,
                xaxis_title="step",
                yaxis_title=yaxis_title,
                yaxis_type="log" if log_y else "linear",
                height=320,
                margin=dict(l=60, r=20, t=50, b=40),
            )
        )

    def add_run(self, label: str, color: str | None = None) -> int:
        """Add an empty curve for a run; returns its index."""
        self.figure.add_scatter(x=[], y=[], mode="lines", name=label,
                                line=dict(color=color, width=1.5))
        return len(self.figure.data) - 1

    def update_run(self, index: int, losses: list) -> None:
        """Replace curve `index` with `losses` (one value a step), in place."""
        with batch_update(self.figure):
            self.figure.data[index].x = list(range(1, len(losses) + 1))
            self.figure.data[index].y = losses

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.figure._repr_mimebundle_(**kwargs)
        if isinstance(bundle, tuple):
            bundle = bundle[0]
        return {**bundle, "text/plain": "<LossPlot widget>"}


def _run_color(label: str) -> str | None:
    """The house colour for a run whose label names a model ("LSTM T=100" -> LSTM blue)."""
    words = label.lower().replace("-", " ").split()
    for name in ("irnn", "lstm", "gru", "rnn"):
        if name in words:
            return MODEL_COLORS[name]
    return None


def seed_everything(seed: int) -> None:
    """Seed Python, numpy and torch."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def minibatch_order(num_examples: int, batch_size: int, steps: int, seed: int) -> list:
    """The examples each step trains on, drawn with replacement from a seeded generator.

    Inputs:
    - num_examples: size of the training set; batch_size: examples a step; steps: how many
    - seed: seeds the draw, so a lab's training run is reproducible
    Returns:
    - a list of `steps` index tensors, each (batch_size,)
    """
    checks.positive_int("num_examples", num_examples)
    batch_size = checks.positive_int("batch_size", batch_size)
    steps = checks.positive_int("steps", steps)
    order = torch.Generator().manual_seed(checks.positive_int("seed", seed, minimum=0))
    return [torch.randint(num_examples, (batch_size,), generator=order) for _ in range(steps)]


def train(
    model: torch.nn.Module,
    loss_fn,
    *,
    steps: int = 500,
    lr: float = 1e-2,
    clip: float | None = 1.0,
    seed: int = 0,
    eval_fn=None,
    eval_every: int = 50,
    solve_loss: float | None = None,
    stop_when_solved: bool = False,
    seconds: float | None = None,
    progress: bool = True,
    plot=None,
    label: str = "model",
    color: str | None = None,
) -> TrainResult:
    """Train `model` with Adam on the losses `loss_fn(step)` returns.

    Inputs:
    - model: the torch.nn.Module whose parameters are trained
    - loss_fn: step (int) -> scalar loss tensor for that step's batch
    - steps: the step budget; lr: Adam's learning rate
    - clip: rescale the gradient g to clip * g / ||g|| when ||g|| > clip (None: no clipping)
    - seed: seeds Python, numpy and torch before the first step
    - eval_fn: () -> dict of floats, run under torch.no_grad() every `eval_every` steps
    - solve_loss: solved when eval_fn's "loss" (or, without eval_fn, the mean training loss of
      the last `eval_every` steps) falls below it; stop_when_solved ends the run there
    - seconds: optional wall-clock budget (scripts only: it makes results irreproducible)
    - progress: show a progress bar; plot: None, True (display a new LossPlot) or a LossPlot
    - label, color: the run's name and curve colour (default: the model's house colour)
    Returns:
    - a TrainResult
    """
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("model must have trainable parameters, got none")
    if not callable(loss_fn):
        raise TypeError(f"loss_fn must be callable as loss_fn(step), got {type(loss_fn).__name__}")
    checks.positive_int("steps", steps)
    checks.real_number("lr", lr, low=0)
    if lr == 0:
        raise ValueError("lr must be > 0, got 0")
    if clip is not None and checks.real_number("clip", clip) <= 0:
        raise ValueError(f"clip must be > 0 or None, got {clip}")
    checks.positive_int("eval_every", eval_every)
    if solve_loss is not None:
        checks.real_number("solve_loss", solve_loss)
    if seconds is not None and checks.real_number("seconds", seconds) <= 0:
        raise ValueError(f"seconds must be > 0 or None, got {seconds}")
    if eval_fn is not None and not callable(eval_fn):
        raise TypeError(f"eval_fn must be callable or None, got {type(eval_fn).__name__}")

    if plot is True:
        from IPython.display import display

        plot = LossPlot()
        display(plot)
    if plot is not None and not isinstance(plot, LossPlot):
        raise TypeError(f"plot must be None, True or a LossPlot, got {type(plot).__name__}")
    curve = plot.add_run(label, color or _run_color(label)) if plot is not None else None
    redraw_every = max(1, steps // 50)

    seed_everything(seed)
    optimizer = torch.optim.Adam(params, lr=lr)
    result = TrainResult(label=label)
    bar = tqdm(total=steps, desc=label, disable=not progress, leave=True,
               bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} {postfix}")
    start = time.perf_counter()
    for step in range(1, steps + 1):
        model.train()
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(step - 1)
        if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
            raise TypeError("loss_fn(step) must return a scalar torch.Tensor")
        value = loss.item()
        if not math.isfinite(value):
            result.losses.append(value)
            result.diverged = True
            break
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(
            params, max_norm=clip if clip is not None else math.inf, error_if_nonfinite=False
        )
        optimizer.step()
        result.losses.append(value)
        result.grad_norms.append(float(norm))
        result.steps = step
        elapsed = time.perf_counter() - start

        if step % eval_every == 0 or step == steps:
            metrics = _evaluate(model, eval_fn)
            if metrics is not None:
                result.evals.append((step, metrics))
            watched = metrics.get("loss") if metrics and "loss" in metrics else float(
                np.mean(result.losses[-eval_every:]))
            if solve_loss is not None and result.steps_to_solve is None and watched < solve_loss:
                result.steps_to_solve, result.seconds_to_solve = step, elapsed
        if step % redraw_every == 0 or step == steps:
            bar.set_postfix_str(f"loss {value:.4g}", refresh=False)
            if curve is not None:
                plot.update_run(curve, result.losses)
        bar.update(1)
        if (stop_when_solved and result.solved) or (seconds is not None and elapsed > seconds):
            break
    result.seconds = time.perf_counter() - start
    if result.steps and (not result.evals or result.evals[-1][0] != result.steps):
        metrics = _evaluate(model, eval_fn)
        if metrics is not None:
            result.evals.append((result.steps, metrics))
    if curve is not None:
        plot.update_run(curve, result.losses)
    if not result.diverged:
        # Stopping early because the task is solved (or the time is up) is no failure:
        # a bar closed short of its total would be drawn red.
        bar.total = result.steps
        bar.refresh()
    bar.close()
    model.eval()
    return result


def _evaluate(model, eval_fn):
    """Run eval_fn in eval mode without gradients; check that it returns numbers."""
    if eval_fn is None:
        return None
    model.eval()
    with torch.no_grad():
        metrics = eval_fn()
    model.train()
    if not isinstance(metrics, dict) or not all(
        isinstance(v, (int, float)) for v in metrics.values()
    ):
        raise TypeError(f"eval_fn must return a dict of numbers, got {metrics!r}")
    return {k: float(v) for k, v in metrics.items()}
