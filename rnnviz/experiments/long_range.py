"""Long-range memory, measured: RNN, IRNN, LSTM, GRU, LRU, minGRU on adding and digits.

`adding_run` and `digits_run` train one model (the lab calls them with step budgets);
`python -m rnnviz.experiments` (`make experiments`) runs the full sweep over sequence
lengths, models and seeds and writes `results/long_range_memory.json` and a figure;
`rnnviz.experiments.results` owns that file (writing, reading, tables and the figure).
"""

import argparse
import os
import platform
import shlex
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from rnnviz import checks
from rnnviz.claims import measured
from rnnviz.experiments.results import RESULTS_PATH, load_results, save_results, sweep_table
from rnnviz.models.cell_kinds import CELL_NAMES, CELLS, LINEAR_CELLS, check_cell
from rnnviz.models.sequence_models import make_model
from rnnviz.seeding import batch_seed, generator
from rnnviz.tasks.long_range import ADDING_BASELINE_MSE, adding_problem, pixel_digits
from rnnviz.training import train

# The runs in results/: batch 64, H=64, Adam, norm clipping at 1; solved = MSE < 0.01.
BATCH_SIZE = 64
HIDDEN_SIZE = 64
CLIP = 1.0
SOLVE_MSE = 0.01
EVAL_EVERY = 50
# Learning rates that worked for each core at T=20 (the IRNN needs a small one, as in
# Le et al. 2015, because ReLU states are unbounded).
LEARNING_RATES = {
    "rnn": 3e-3,
    "irnn": 1e-3,
    "lstm": 1e-2,
    "gru": 1e-2,
    "lru": 3e-3,
    "mingru": 1e-2,
}


def adding_run(
    cell: str,
    seq_len: int,
    *,
    steps: int,
    seed: int = 0,
    lr: float | None = None,
    hidden_size: int = HIDDEN_SIZE,
    seconds: float | None = None,
    stop_when_solved: bool = True,
    progress: bool | str = True,
    callback=None,
):
    """Train one model on the adding problem until MSE < SOLVE_MSE or the budget runs out.

    Each step draws a fresh batch (seeded by `batch_seed(seed, step)`), so the training loss
    is also a held-out loss: solved means the mean MSE of the last EVAL_EVERY batches fell
    below SOLVE_MSE, against ADDING_BASELINE_MSE (0.1667) for a model that remembers nothing.

    Inputs:
    - cell: "rnn", "irnn", "lstm", "gru", or lab 09's "lru", "mingru"; seq_len: int >= 2, T
    - steps: the step budget; seed: weights and batches; lr: None uses LEARNING_RATES
    - hidden_size: H (the sweep's HIDDEN_SIZE unless a lab needs a smaller model)
    - seconds: an optional wall-clock cap (the sweep's; never in labs)
    - stop_when_solved, progress, callback: passed to `rnnviz.training.train`

    Returns: rnnviz.training.TrainResult (label "<model> T=<seq_len>").
    """
    check_cell(cell, CELLS + LINEAR_CELLS)
    seq_len = checks.positive_int("seq_len", seq_len, minimum=2)
    lr = LEARNING_RATES[cell] if lr is None else lr
    model = make_model(cell, 2, 1, hidden_size=hidden_size, seed=seed)

    def loss_fn(step):
        x, y = adding_problem(BATCH_SIZE, seq_len, batch_seed(seed, step))  # (N, T, 2), (N,)
        return F.mse_loss(model(x).squeeze(-1), y)

    result = train(
        model,
        loss_fn,
        steps=steps,
        lr=lr,
        clip=CLIP,
        seed=seed,
        eval_every=EVAL_EVERY,
        solve_loss=SOLVE_MSE,
        stop_when_solved=stop_when_solved,
        seconds=seconds,
        progress=progress,
        callback=callback,
        label=f"{CELL_NAMES[cell]} T={seq_len}",
    )
    return result


def digits_run(
    cell: str,
    *,
    steps: int,
    seed: int = 0,
    lr: float | None = None,
    progress: bool | str = True,
    callback=None,
):
    """Classify 8x8 digits read one pixel a step (T=64, Le et al. 2015's task, in small).

    Inputs: cell, steps, seed, lr, progress, callback as in `adding_run`.

    Returns: (model, result): the trained SequenceModel and the rnnviz.training.TrainResult
    whose evals hold the held-out "loss" (cross-entropy) and "accuracy".
    """
    check_cell(cell)
    lr = LEARNING_RATES[cell] if lr is None else lr
    data = pixel_digits(seed=0)
    model = make_model(cell, 1, 10, hidden_size=HIDDEN_SIZE, seed=seed)
    order = generator(seed)
    n_train = len(data.y_train)

    def loss_fn(step):
        rows = torch.randint(0, n_train, (BATCH_SIZE,), generator=order)  # (N,)
        return F.cross_entropy(model(data.x_train[rows]), data.y_train[rows])

    def eval_fn():
        logits = model(data.x_test)  # (N_test, 10)
        return {
            "loss": F.cross_entropy(logits, data.y_test).item(),
            "accuracy": accuracy(model, data.x_test, data.y_test),
        }

    result = train(
        model,
        loss_fn,
        steps=steps,
        lr=lr,
        clip=CLIP,
        seed=seed,
        eval_fn=eval_fn,
        eval_every=max(1, steps // 10),
        progress=progress,
        callback=callback,
        label=f"{CELL_NAMES[cell]} digits T=64",
    )
    return model, result


def accuracy(model, x, y) -> float:
    """The share of sequences `model` classifies right.

    Inputs: model: a many-to-one SequenceModel; x: (N, T, D) inputs; y: (N,) int64 labels.

    Returns: a float in [0, 1].
    """
    checks.tensor("y", y, ndim=1)
    with torch.no_grad():
        return (model(x).argmax(-1) == y).float().mean().item()


def window_means(losses, window: int = EVAL_EVERY) -> list:
    """Mean loss over each full block of `window` steps (the quantity `train` compares)."""
    n = len(losses) // window
    return [float(np.mean(losses[i * window : (i + 1) * window])) for i in range(n)]


def steps_table(results) -> str:
    """A text table of steps-to-solve, one row per model and one column per T.

    Inputs: results: {(cell, seq_len): TrainResult}.

    Returns: the table (str); a run that did not solve shows "> <steps run>" and the mean
    MSE of its last EVAL_EVERY steps. Trained numbers print `~`-marked
    (rnnviz.claims.measured): they differ between CPUs, so the lab checks claims about them.
    """
    cells = [c for c in CELLS if any(k[0] == c for k in results)]
    lens = sorted({k[1] for k in results})
    lines = [f"{'model':18s}" + "".join(f"{'T=' + str(t):>22s}" for t in lens)]
    for cell in cells:
        row = f"{CELL_NAMES[cell]:18s}"
        for t in lens:
            r = results.get((cell, t))
            if r is None:
                row += f"{'':>22s}"
            elif r.solved:
                row += f"{measured(r.steps_to_solve, '.0f'):>22s}"
            else:
                mse = measured(np.mean(r.losses[-EVAL_EVERY:]), ".3f")
                row += f"{f'> {r.steps} (MSE {mse})':>22s}"
        lines.append(row)
    return "\n".join(lines)


# --- the full sweep ----------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _git_commit() -> str | None:
    """The checkout's commit, so a results file names the code that made it."""
    import subprocess

    try:
        return subprocess.run(
            ["git", "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            cwd=Path(__file__).resolve().parent,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def _record(cell, seq_len, seed, result, steps, cpu_seconds) -> dict:
    """One run of the sweep as plain JSON values."""
    if result.solved:
        stopped_by = "solved"
    elif result.diverged:
        stopped_by = "diverged"
    elif result.steps >= steps:
        stopped_by = "steps"
    else:
        stopped_by = "time"
    # A diverged run's last loss is the NaN that stopped it, not a completed step.
    means = window_means(result.losses[: result.steps])
    return {
        "model": cell,
        "seq_len": seq_len,
        "seed": seed,
        "solved": result.solved,
        "steps_to_solve": result.steps_to_solve,
        "seconds_to_solve": result.seconds_to_solve,
        "steps_run": result.steps,
        "seconds": result.seconds,
        "cpu_seconds": cpu_seconds,
        "stopped_by": stopped_by,
        "diverged": result.diverged,
        "final_mse": means[-1] if means else None,  # the last full window's mean
        "curve": {"step": [EVAL_EVERY * (i + 1) for i in range(len(means))], "mse": means},
    }


def run_sweep(
    *,
    seq_lens,
    seeds,
    cells,
    steps: int,
    total_seconds: float | None,
    command: str,
    load_note: str,
    out: Path | None = None,
    earlier: dict | None = None,
) -> dict:
    """Train every (model, T, seed) on the adding problem; return (and save) the results.

    Runs go from short to long sequences, so the cheap, telling comparisons finish first.
    With `total_seconds`, each run may use the time left divided by the runs left, so time
    a solved run leaves unused passes to the later, longer runs and the sweep adapts to a
    loaded machine; a run that hits its share is recorded with stopped_by "time".

    With `earlier` (a results dict from `load_results`, made with the same settings), its
    runs are kept and only the missing (model, T, seed) runs are made; the results then list
    each run's provenance in "parts" (see `rnnviz.experiments.results.provenance`).

    Returns: the results dict (see `rnnviz.experiments.results`).
    Raises: ValueError if `earlier` was made with other settings.
    """
    from rnnviz.training import progress_bar

    part = {
        "command": command,
        "git_commit": _git_commit(),
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {
            "cores": os.cpu_count(),
            "cpu_model": _cpu_model(),
            "torch": torch.__version__,
            "python": platform.python_version(),
            "torch_threads": torch.get_num_threads(),
            "nice": os.nice(0),
            "load_average_at_start": list(os.getloadavg()),
        },
        "load": load_note,
    }
    results = {
        "task": "adding",
        **part,
        "settings": {
            "batch_size": BATCH_SIZE,
            "hidden_size": HIDDEN_SIZE,
            "clip": CLIP,
            "solve_mse": SOLVE_MSE,
            "eval_every": EVAL_EVERY,
            "baseline_mse": ADDING_BASELINE_MSE,
            "steps": steps,
            "total_seconds": total_seconds,
            "time_share": "each run may use (time left) / (runs left)",
            "learning_rates": {c: LEARNING_RATES[c] for c in cells},
            "seq_lens": list(seq_lens),
            "seeds": list(seeds),
            "models": list(cells),
        },
        "complete": False,
        "runs": [],
    }
    plan = [(c, t, s) for t in sorted(seq_lens) for s in seeds for c in cells]
    if earlier is not None:
        results, plan = _continue(earlier, results, part, plan)
    start = time.perf_counter()
    bar = progress_bar(plan, desc="sweep", unit="run")
    for done, (cell, seq_len, seed) in enumerate(bar):
        cap = None
        if total_seconds is not None:
            left = total_seconds - (time.perf_counter() - start)
            cap = max(1.0, left / (len(plan) - done))
        bar.set_postfix_str(f"{cell} T={seq_len} seed={seed}")
        cpu = time.process_time()
        result = adding_run(cell, seq_len, steps=steps, seed=seed, seconds=cap, progress=False)
        record = _record(cell, seq_len, seed, result, steps, time.process_time() - cpu)
        record["cap_seconds"] = cap
        results["runs"].append(record)
        if out is not None:
            save_results(results, out)
    results["complete"] = True
    part["machine"]["load_average_at_end"] = list(os.getloadavg())
    part["wall_seconds"] = time.perf_counter() - start
    if earlier is None:
        results.update(part)
    else:
        if plan:
            results["parts"][-1].update(wall_seconds=part["wall_seconds"])
    if out is not None:
        save_results(results, out)
    return results


# The settings a kept run must share with the runs added to it.
_SHARED_SETTINGS = ("batch_size", "hidden_size", "clip", "solve_mse", "eval_every", "steps")


def _continue(earlier: dict, results: dict, part: dict, plan: list):
    """Results that keep `earlier`'s runs and record this run as a further part; the plan's
    runs that `earlier` lacks."""
    old, new = earlier["settings"], results["settings"]
    if not isinstance(old.get("learning_rates"), dict):
        raise ValueError("--resume: the results file's settings lack its learning_rates")
    differ = [k for k in _SHARED_SETTINGS if old.get(k) != new[k]]
    if old.get("total_seconds") is not None or new["total_seconds"] is not None:
        differ.append("total_seconds")  # a time-capped run is not comparable with an uncapped one
    differ += [
        f"learning rate of {c}"
        for c in set(old["learning_rates"]) & set(new["learning_rates"])
        if old["learning_rates"][c] != new["learning_rates"][c]
    ]
    if differ:
        raise ValueError(f"--resume: the results file was made with other settings: {differ}")
    done = {(r["model"], r["seq_len"], r["seed"]) for r in earlier["runs"]}
    first = {k: earlier[k] for k in ("command", "git_commit", "date", "machine", "load")}
    first.update({k: earlier[k] for k in ("load_observed", "wall_seconds") if k in earlier})
    parts = earlier.get("parts") or [dict(first, runs=len(earlier["runs"]))]
    missing = [p for p in plan if p not in done]
    if missing:  # a resume with nothing to run adds no part to the file's history
        parts = [*parts, dict(part, runs=len(missing))]
    merged = dict(earlier, parts=parts, runs=list(earlier["runs"]), complete=False)
    merged["settings"] = dict(
        old,
        learning_rates={**old["learning_rates"], **new["learning_rates"]},
        seq_lens=sorted(set(old["seq_lens"]) | set(new["seq_lens"])),
        seeds=sorted(set(old["seeds"]) | set(new["seeds"])),
        models=list(dict.fromkeys([*old["models"], *new["models"]])),
    )
    return merged, missing


def _int_list(text: str) -> list:
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"expected comma-separated ints, got {text!r}") from err
    if not values or min(values) < 0:
        raise argparse.ArgumentTypeError(f"expected non-negative ints, got {text!r}")
    return values


def main(argv=None) -> dict:
    """The command line: `python -m rnnviz.experiments [--fast] [--steps N] ...`."""
    parser = argparse.ArgumentParser(prog="python -m rnnviz.experiments", description=__doc__)
    parser.add_argument("--seq-lens", type=_int_list, default=None, help="default 20,50,100,200")
    parser.add_argument("--seeds", type=_int_list, default=None, help="default 0,1,2")
    models_known = CELLS + LINEAR_CELLS
    parser.add_argument(
        "--models",
        default=",".join(models_known),
        help="comma-separated, from " + ",".join(models_known),
    )
    parser.add_argument(
        "--steps", type=int, default=None, help="step budget of each run (default 5000)"
    )
    parser.add_argument(
        "--total-seconds",
        type=float,
        default=None,
        help="wall-clock budget of the whole sweep, shared out between runs",
    )
    parser.add_argument("--out", type=Path, default=RESULTS_PATH)
    parser.add_argument(
        "--load-note",
        default="not recorded",
        help="how loaded the machine was (recorded in the JSON)",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="keep the runs already in --out (same settings) and make only the missing ones",
    )
    parser.add_argument(
        "--fast",
        action="store_true",
        help="a small smoke run: defaults T=10,20, one seed, 200 steps",
    )
    args = parser.parse_args(argv)
    if args.resume and not args.out.exists():
        parser.error(f"--resume: {args.out} does not exist (nothing to resume)")
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    for m in models:
        if m not in models_known:
            parser.error(f"--models: {m!r} is not one of {', '.join(models_known)}")
    fast = args.fast
    args.seq_lens = args.seq_lens or ([10, 20] if fast else [20, 50, 100, 200])
    args.seeds = args.seeds or ([0] if fast else [0, 1, 2])
    args.steps = args.steps or (200 if fast else 5000)
    if args.steps < EVAL_EVERY:
        parser.error(f"--steps must be >= {EVAL_EVERY}")
    torch.set_num_threads(1)
    torch.set_flush_denormal(True)
    command = "python -m rnnviz.experiments " + shlex.join(sys.argv[1:] if argv is None else argv)
    results = run_sweep(
        seq_lens=args.seq_lens,
        seeds=args.seeds,
        cells=models,
        steps=args.steps,
        total_seconds=args.total_seconds,
        command=command.strip(),
        load_note=args.load_note,
        out=args.out,
        earlier=load_results(args.out) if args.resume and args.out.exists() else None,
    )
    print(sweep_table(results))
    print(f"wrote {args.out}; lab 06 draws it (rnnviz.widgets.sweep_plot.SweepPlot)")
    return results
