"""The one training loop every lab uses: Adam, norm clipping, seeds and a progress bar.

A lab hands `train` a model and a `loss_fn(step)` that builds that step's batch; it gets back
a `TrainResult` with the loss curve, the gradient norms before clipping (Pascanu et al. 2013),
and when (if ever) the task was solved. Budgets are counted in steps so that a lab's stored
output is reproducible; a wall-clock budget (`seconds`) is for scripts. Progress reaches a
view (e.g. `rnnviz.widgets.loss_plot.LossPlot`) through `callback`: this module never draws.
"""

import math
import time
from dataclasses import dataclass, field

import numpy as np
import torch
from tqdm.auto import tqdm

from rnnviz import checks
from rnnviz.seeding import generator, seed_everything


@dataclass
class TrainResult:
    """What one training run did.

    - losses: the training loss at every step; grad_norms: the gradient norm at every step,
      measured before clipping (inf or NaN kept as they were)
    - evals: [(step, metrics)] from `eval_fn`, every `eval_every` steps and at the end
    - steps, seconds: how far the run went; steps_to_solve, seconds_to_solve: when the loss
      first fell below `solve_loss` (None if it never did)
    - diverged: the loss or the gradient became NaN or inf and training stopped before
      applying that step; diverged_at is that step (1-based), None if it never happened
    - finished: the run has ended (a callback sees False while it runs, True once at the end)
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
    diverged_at: int | None = None
    finished: bool = False

    @property
    def solved(self) -> bool:
        return self.steps_to_solve is not None

    @property
    def final(self) -> dict:
        """The last evaluation's metrics, with the last training loss as `train_loss`."""
        metrics = dict(self.evals[-1][1]) if self.evals else {}
        metrics["train_loss"] = self.losses[-1] if self.losses else float("nan")
        return metrics


MAX_LR = 1e3


# A stored lab shows its training bars before any kernel runs: the front end's stored-view
# style hides ipywidgets' "disconnected" icons inside this class (static/chart/stored_view.js).
PROGRESS_CLASS = "rnnviz-progress"


def progress_bar(*args, **kwargs):
    """tqdm.auto's bar (same arguments); in a notebook its widget carries PROGRESS_CLASS."""
    bar = tqdm(*args, **kwargs)
    container = getattr(bar, "container", None)  # tqdm.notebook's HBox; absent in a terminal
    if container is not None:
        container.add_class(PROGRESS_CLASS)
    return bar


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
    checks.within_budget({"batch_size": batch_size, "steps": steps}, batch_size * steps)
    order = generator(seed)
    return [torch.randint(num_examples, (batch_size,), generator=order) for _ in range(steps)]


def train_minibatches(
    model: torch.nn.Module,
    num_examples: int,
    batch_loss,
    *,
    steps: int,
    batch_size: int,
    seed: int,
    **train_kwargs,
) -> TrainResult:
    """`train` on a fixed training set: step k's loss is batch_loss(rows of minibatch k).

    The rows come from `minibatch_order(num_examples, batch_size, steps, seed)`, so the
    same seed gives the same batches (and `train` seeds the initial state with it too).
    Inputs:
    - model, steps, seed and train_kwargs (lr, clip, label, callback, ...): as `train`
    - num_examples: size of the training set; batch_size: examples a step
    - batch_loss: rows (batch_size,) int64 -> scalar loss tensor on those examples
    Returns: a TrainResult
    """
    batches = minibatch_order(num_examples, batch_size, steps, seed)
    return train(
        model, lambda step: batch_loss(batches[step]), steps=steps, seed=seed, **train_kwargs
    )


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
    progress: bool | str = True,
    callback=None,
    label: str = "model",
) -> TrainResult:
    """Train `model` with Adam on the losses `loss_fn(step)` returns.

    Inputs:
    - model: the torch.nn.Module whose parameters are trained
    - loss_fn: step (int) -> scalar loss tensor for that step's batch
    - steps: the step budget; lr: Adam's learning rate, in (0, 1000]
    - clip: rescale the gradient g to clip * g / ||g|| when ||g|| > clip (None: no clipping)
    - seed: seeds Python, numpy and torch before the first step
    - eval_fn: () -> dict of floats, run under torch.no_grad() every `eval_every` steps
    - solve_loss: solved when eval_fn's "loss" (or, without eval_fn, the mean training loss of
      the last `eval_every` steps) falls below it; stop_when_solved ends the run there
    - seconds: optional wall-clock budget (scripts only: it makes results irreproducible)
    - progress: True: a progress bar with the step count and the loss; False: none;
      "blind": a bar that says only "training", then "done", full, however the run ended (no
      step count, no loss, no progress a run solved early would jump), for a run whose
      outcome a student predicts before seeing it
    - callback: None, or callback(result) called after every step with the TrainResult so
      far and once more when the run ends (result.finished is then True); a view such as
      `LossPlot.run()` draws from it
    - label: the run's name (progress bar, result, curve)
    Returns:
    - a TrainResult. A NaN or inf loss or gradient stops the run before that step is applied
      (result.diverged, result.diverged_at), so the weights stay finite.
    """
    params = _check_train_arguments(
        model, loss_fn, steps, lr, clip, eval_every, solve_loss, seconds, eval_fn, callback
    )
    stop_when_solved = checks.switch("stop_when_solved", stop_when_solved)
    blind = progress == "blind"
    if not blind and not isinstance(progress, bool | np.bool_):
        raise TypeError(f"progress must be True, False or 'blind', got {progress!r}")
    seed_everything(seed)
    optimizer = torch.optim.Adam(params, lr=lr)
    result = TrainResult(label=label)
    bar = progress_bar(
        total=steps,
        desc=f"{label}: training" if blind else label,
        disable=not progress,
        leave=True,
        bar_format="{desc} {bar}|" if blind else "{l_bar}{bar}| {n_fmt}/{total_fmt} {postfix}",
    )
    bar.blind = blind
    start = time.perf_counter()
    for step in range(1, steps + 1):
        if not _step(model, loss_fn, params, optimizer, clip, step, result):
            break
        elapsed = time.perf_counter() - start
        if step % eval_every == 0 or step == steps:
            _record_eval(model, eval_fn, eval_every, solve_loss, step, elapsed, result)
        _report(bar, callback, result, steps)
        if (stop_when_solved and result.solved) or (seconds is not None and elapsed > seconds):
            break
    result.seconds = time.perf_counter() - start
    _finish_run(model, eval_fn, bar, callback, result)
    return result


def _check_train_arguments(
    model, loss_fn, steps, lr, clip, eval_every, solve_loss, seconds, eval_fn, callback
) -> list:
    """Refuse bad arguments to `train` by name; return the trainable parameters."""
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("model must have trainable parameters, got none")
    if not callable(loss_fn):
        raise TypeError(f"loss_fn must be callable as loss_fn(step), got {type(loss_fn).__name__}")
    checks.positive_int("steps", steps)
    # Adam's first step moves a weight by about lr / (1 - beta1) = 10 lr, which must stay a
    # float32 (torch raises deep inside Adam past ~3e37); no useful rate is anywhere near 1e3.
    checks.real_number("lr", lr, low=0, high=MAX_LR)
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
    if callback is not None and not callable(callback):
        raise TypeError(
            f"callback must be callable as callback(result) or None, got {type(callback).__name__}"
        )
    return params


def _step(model, loss_fn, params, optimizer, clip, step, result) -> bool:
    """One optimisation step; False (and nothing applied) if the loss or gradient is not finite."""
    model.train()
    optimizer.zero_grad(set_to_none=True)
    loss = loss_fn(step - 1)
    if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
        raise TypeError("loss_fn(step) must return a scalar torch.Tensor")
    value = loss.item()
    result.losses.append(value)
    if math.isfinite(value):
        loss.backward()
        norm = float(
            torch.nn.utils.clip_grad_norm_(
                params, max_norm=clip if clip is not None else math.inf, error_if_nonfinite=False
            )
        )
        result.grad_norms.append(norm)
        if math.isfinite(norm):
            optimizer.step()
            result.steps = step
            return True
    # A NaN or inf loss or gradient would poison every weight that Adam touches: stop first.
    optimizer.zero_grad(set_to_none=True)
    result.diverged, result.diverged_at = True, step
    return False


def _record_eval(model, eval_fn, eval_every, solve_loss, step, elapsed, result) -> None:
    """Evaluate (if there is an eval_fn) and note the first step the task counts as solved."""
    metrics = _evaluate(model, eval_fn)
    if metrics is not None:
        result.evals.append((step, metrics))
    watched = (
        metrics["loss"]
        if metrics and "loss" in metrics
        else float(np.mean(result.losses[-eval_every:]))
    )
    if solve_loss is not None and result.steps_to_solve is None and watched < solve_loss:
        result.steps_to_solve, result.seconds_to_solve = step, elapsed


def _report(bar, callback, result, steps) -> None:
    """Advance the progress bar (its loss readout about 50 times a run; a blind bar stays
    as it is until the run ends) and call back."""
    step = result.steps
    if not bar.blind:
        if step % max(1, steps // 50) == 0 or step == steps:
            bar.set_postfix_str(f"loss {result.losses[-1]:.4g}", refresh=False)
        bar.update(1)
    if callback is not None:
        callback(result)


def _finish_run(model, eval_fn, bar, callback, result) -> None:
    """Evaluate the last step if the run stopped between evaluations, close the bar, leave
    the model in eval mode and tell the callback the run is over."""
    if result.steps and (not result.evals or result.evals[-1][0] != result.steps):
        metrics = _evaluate(model, eval_fn)
        if metrics is not None:
            result.evals.append((result.steps, metrics))
    _close_bar(bar, result)
    model.eval()
    result.finished = True
    if callback is not None:
        callback(result)


def _close_bar(bar, result) -> None:
    """Close the progress bar; a run that ended early without diverging (or any run, on a
    blind bar) closes it full."""
    if bar.blind:
        # "done" and full, however many steps ran: neither the page nor the bar's stored
        # widget state tells a solved run from an unsolved or diverged one.
        bar.set_description_str(f"{result.label}: done", refresh=False)
        bar.update(bar.total)
    elif not result.diverged:
        # Stopping early because the task is solved (or the time is up) is no failure:
        # a bar closed short of its total would be drawn red, and one whose total stayed at
        # the budget would read 100% over a half-filled bar. `reset` is the one way to change
        # the total that also resizes a notebook bar's widget.
        bar.reset(total=result.steps)
        bar.update(result.steps)
    bar.close()


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
