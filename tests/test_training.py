"""rnnviz.training: the shared loop learns, is reproducible, clips and reports honestly."""

import math

import pytest
import torch

from rnnviz import training
from rnnviz.training import train


def regression_problem(seed=0, scale=1.0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(64, 3, generator=g)
    y = x @ torch.tensor([[1.0], [-2.0], [0.5]])
    torch.manual_seed(seed)
    model = torch.nn.Linear(3, 1)
    return model, lambda step: scale * torch.mean((model(x) - y) ** 2)


def test_learns_and_records_when_it_solved():
    model, loss_fn = regression_problem()
    result = train(
        model, loss_fn, steps=300, lr=0.05, eval_every=10, solve_loss=1e-3, progress=False
    )
    assert result.losses[-1] < 1e-3 < result.losses[0]
    assert result.solved and 10 <= result.steps_to_solve <= 300
    assert result.steps_to_solve % 10 == 0  # checked at eval points only
    assert result.steps == 300 and len(result.losses) == len(result.grad_norms) == 300


def test_stop_when_solved_ends_the_run_early():
    model, loss_fn = regression_problem()
    result = train(
        model,
        loss_fn,
        steps=2000,
        lr=0.05,
        eval_every=10,
        solve_loss=1e-2,
        stop_when_solved=True,
        progress=False,
    )
    assert result.solved and result.steps == result.steps_to_solve < 2000


def test_same_seed_same_curve():
    curves = []
    for _ in range(2):
        torch.manual_seed(3)
        model = torch.nn.GRU(2, 4, batch_first=True)

        def loss_fn(step, model=model):
            x = torch.randn(8, 5, 2)  # drawn from the seeded global generator
            return model(x)[0].pow(2).mean()

        curves.append(train(model, loss_fn, steps=20, seed=7, progress=False).losses)
    assert curves[0] == curves[1]


def test_clipping_rescales_the_gradient_to_the_threshold_and_records_the_raw_norm():
    model, loss_fn = regression_problem(scale=1e4)
    result = train(model, loss_fn, steps=3, clip=0.5, progress=False)
    assert result.grad_norms[0] > 100  # the raw norm, before clipping
    # After the last step the parameters still hold the clipped gradient.
    clipped = math.sqrt(sum(float(p.grad.pow(2).sum()) for p in model.parameters()))
    assert clipped == pytest.approx(0.5, rel=1e-4)


def test_no_clipping_leaves_the_gradient_alone():
    model, loss_fn = regression_problem(scale=1e4)
    result = train(model, loss_fn, steps=1, clip=None, progress=False)
    raw = math.sqrt(sum(float(p.grad.pow(2).sum()) for p in model.parameters()))
    assert raw == pytest.approx(result.grad_norms[0], rel=1e-6) and raw > 100


def test_a_nan_loss_stops_training_and_is_reported():
    model, loss_fn = regression_problem()
    result = train(
        model,
        lambda step: loss_fn(step) * (float("nan") if step == 4 else 1.0),
        steps=50,
        progress=False,
    )
    assert result.diverged and result.steps == 4 and math.isnan(result.losses[-1])


def test_eval_metrics_are_recorded_and_drive_solving():
    model, loss_fn = regression_problem()
    calls = []

    def eval_fn():
        calls.append(torch.is_grad_enabled())
        return {"loss": float(loss_fn(0)), "accuracy": 1.0}

    result = train(
        model,
        loss_fn,
        steps=100,
        lr=0.05,
        eval_fn=eval_fn,
        eval_every=25,
        solve_loss=0.5,
        progress=False,
    )
    assert [s for s, _ in result.evals] == [25, 50, 75, 100]
    assert not any(calls)  # evaluated without gradients
    assert result.final["accuracy"] == 1.0 and result.final["train_loss"] == result.losses[-1]
    assert result.solved


def test_callback_sees_every_step_then_the_finished_run():
    model, loss_fn = regression_problem()
    seen = []
    result = train(
        model,
        loss_fn,
        steps=5,
        progress=False,
        callback=lambda r: seen.append((len(r.losses), r.finished)),
    )
    assert seen == [(1, False), (2, False), (3, False), (4, False), (5, False), (5, True)]
    assert result.finished


def test_a_nan_gradient_with_a_finite_loss_stops_before_the_step():
    """sqrt(mean(0 ** 2)) is 0, but its gradient is 0/0: Adam would turn every weight to NaN."""
    model = torch.nn.Linear(2, 1)
    torch.nn.init.zeros_(model.weight)
    torch.nn.init.zeros_(model.bias)
    x = torch.ones(4, 2)
    result = train(
        model, lambda step: torch.sqrt((model(x) ** 2).mean()), steps=1, clip=1.0, progress=False
    )
    assert result.losses == [0.0] and math.isnan(result.grad_norms[0])
    assert result.diverged and result.diverged_at == 1 and result.steps == 0
    assert all(torch.isfinite(p).all() for p in model.parameters())


def test_a_nan_loss_stops_at_its_step():
    model, loss_fn = regression_problem()
    result = train(
        model,
        lambda step: loss_fn(step) * (math.nan if step == 2 else 1.0),
        steps=10,
        progress=False,
    )
    assert result.diverged and result.diverged_at == 3 and result.steps == 2
    assert len(result.losses) == 3 and math.isnan(result.losses[-1])
    assert all(torch.isfinite(p).all() for p in model.parameters())


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(steps=0), ValueError, "steps"),
        (dict(steps=2.5), TypeError, "steps"),
        (dict(lr=0), ValueError, "lr"),
        (dict(lr=float("nan")), ValueError, "lr"),
        (dict(clip=-1.0), ValueError, "clip"),
        (dict(eval_every=0), ValueError, "eval_every"),
        (dict(callback="yes"), TypeError, "callback"),
        (dict(seconds=0), ValueError, "seconds"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, match):
    model, loss_fn = regression_problem()
    with pytest.raises(error, match=match):
        train(model, loss_fn, progress=False, **kwargs)


def test_bad_model_and_loss_are_named():
    model, loss_fn = regression_problem()
    with pytest.raises(TypeError, match="model"):
        train(lambda x: x, loss_fn)
    with pytest.raises(TypeError, match="loss_fn"):
        train(model, 3)
    with pytest.raises(TypeError, match="scalar"):
        train(model, lambda step: torch.zeros(2), progress=False)


def test_minibatch_order_is_seeded_in_range_and_validated():
    from rnnviz.training import minibatch_order

    a, b, c = (minibatch_order(10, 4, 3, seed) for seed in (5, 5, 6))
    assert len(a) == 3 and all(t.shape == (4,) for t in a)
    assert all(torch.equal(x, y) for x, y in zip(a, b))
    assert not all(torch.equal(x, y) for x, y in zip(a, c))
    assert all(0 <= int(i) < 10 for t in a for i in t)
    good = dict(num_examples=10, batch_size=4, steps=3, seed=0)
    for name in good:
        with pytest.raises(ValueError, match=name):
            minibatch_order(**{**good, name: -1})


def recorded_bars(monkeypatch, bar_class):
    """The progress bars train makes, each a bar_class (tqdm's notebook or console bar)."""
    bars = []

    def make_bar(*args, **kwargs):
        bars.append(bar_class(*args, **kwargs))
        return bars[-1]

    monkeypatch.setattr("rnnviz.training.tqdm", make_bar)
    return bars


@pytest.mark.parametrize("stop_when_solved", [True, False])
def test_the_notebook_progress_bar_closes_full_and_green(monkeypatch, stop_when_solved):
    """A run that stops early because it solved the task fills its bar: the widget's max
    follows the shortened total, so "100%" never sits over a half-filled bar."""
    bars = recorded_bars(monkeypatch, pytest.importorskip("tqdm.notebook").tqdm)
    model, loss_fn = regression_problem()
    result = train(
        model,
        loss_fn,
        steps=2000,
        lr=0.05,
        eval_every=10,
        solve_loss=1e-2,
        stop_when_solved=stop_when_solved,
    )
    widget = bars[0].container.children[1]  # [description, progress bar, counts]
    assert result.steps == (result.steps_to_solve if stop_when_solved else 2000)
    assert widget.value == widget.max == result.steps
    assert widget.bar_style == "success"
    assert bars[0].format_dict["n"] == bars[0].format_dict["total"] == result.steps


def test_a_blind_progress_bar_tells_nothing_of_the_outcome(monkeypatch):
    """progress="blind": a run that solves the task early, one that never does and one that
    diverges leave the same bar behind (no step count, no loss, full), so a stored lab shows
    no answer above the prediction that asks for it."""
    bars = recorded_bars(monkeypatch, pytest.importorskip("tqdm.notebook").tqdm)
    model, loss_fn = regression_problem()
    common = dict(steps=400, eval_every=10, solve_loss=1e-2, progress="blind", label="run")
    solved = train(model, loss_fn, lr=0.05, stop_when_solved=True, **common)
    model, loss_fn = regression_problem()
    unsolved = train(model, loss_fn, lr=1e-6, stop_when_solved=True, **common)
    model, loss_fn = regression_problem()
    diverged = train(model, lambda step: loss_fn(step) * (math.inf if step == 5 else 1), **common)
    assert solved.steps < 400 == unsolved.steps and diverged.diverged
    states = [
        [
            (w.value, getattr(w, "max", None), getattr(w, "bar_style", None))
            for w in bar.container.children
        ]
        for bar in bars
    ]
    assert states[0] == states[1] == states[2]
    texts = "".join(str(value) for value, _, _ in states[0] if isinstance(value, str))
    assert texts.startswith("run:\u2007done") and not any(ch.isdigit() for ch in texts), texts
    for bad in ("yes", "Blind", 1, None):
        with pytest.raises(TypeError, match="progress must be True, False or 'blind'"):
            train(model, loss_fn, steps=1, progress=bad)


def test_a_blind_bar_does_not_move_while_the_run_trains(monkeypatch, capsys):
    """Watched live, a blind bar would otherwise give away a run solved early by jumping to
    its end: it says "training", empty, until the run is over."""
    from tqdm import tqdm as console_tqdm

    bars, seen = recorded_bars(monkeypatch, console_tqdm), []

    def callback(result):
        if not result.finished:
            seen.append(bars[-1].n)

    model, loss_fn = regression_problem()
    result = train(
        model,
        loss_fn,
        steps=400,
        lr=0.05,
        eval_every=10,
        solve_loss=1e-2,
        stop_when_solved=True,
        progress="blind",
        callback=callback,
        label="run",
    )
    assert result.steps < 400 and set(seen) == {0}
    err = capsys.readouterr().err
    assert "run: training" in err and "run: done" in err and "%" not in err


def test_a_notebook_progress_bar_carries_the_class_the_stored_view_reads(monkeypatch):
    """In a notebook (tqdm's widget bar) the bar's box is marked, so that a stored lab's
    bars show no "disconnected" icons (static/chart/stored_view.js); in a terminal there is
    no widget to mark."""
    from tqdm.notebook import tqdm as notebook_tqdm

    monkeypatch.setattr(training, "tqdm", notebook_tqdm)
    bar = training.progress_bar(total=3, desc="LSTM")
    assert training.PROGRESS_CLASS in bar.container._dom_classes
    bar.close()
    monkeypatch.undo()
    plain = training.progress_bar(total=3, disable=True)
    assert getattr(plain, "container", None) is None
    plain.close()
