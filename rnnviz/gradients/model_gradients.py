"""Gradients of a user's model: ||dL/dh_t|| through time, and ||dy_t/dx_k|| for every t, k.

Both run backpropagation through time by hand over the replay of rnnviz.models.replay
(the lecture's BPTT for the RNN, the LSTM and the GRU, every layer and direction), never on
the user's device or kernels (cuDNN refuses a backward pass in eval mode; captum#564).
torch autograd only carries the gradient from the model's output back to its recurrent
layer (through the wrapper's head), once.

- `gradient_flow`: one seed, the loss; the total derivative dL/dh_t (through every later
  step and layer) at every step of every layer, as rnnviz.gradients.flow does for
  rnnviz's own models.
- `connectivity`: one seed per output step t, all pushed back together. Seed t is zero
  after step t (in a one-directional layer), so at step s only the seeds t >= s are
  carried: the T x T matrix costs half the work of T full backward passes, in a few large
  matrix products instead of T * T small ones (Madsen, "Visualizing memorization in
  RNNs", Distill 2019).
"""

from dataclasses import dataclass

import numpy as np
import torch

from rnnviz import checks
from rnnviz.gradients.norms import overflow_safe_norm
from rnnviz.models.replay import replay

LOSSES = ("last", "all")
# Seeds go back in chunks so that no per-seed array holds more than this many float64s.
CHUNK_ELEMENTS = 4_000_000


@dataclass(frozen=True)
class LayerFlow:
    """dL/dh_t (and dL/dc_t) of one layer in one direction, at every step.

    - layer, direction: as rnnviz.models.foreign.LayerTrace
    - dh: (N, T, H_out) the total derivative dL/dh_t; grad_h: (N, T) its norm
    - dc: (N, T, H) dL/dc_t, LSTM only (else None); grad_c: (N, T) its norm
    NaN and inf are kept as they came (NaN weights give NaN gradients).
    """

    layer: int
    direction: str
    dh: np.ndarray
    grad_h: np.ndarray
    dc: np.ndarray | None
    grad_c: np.ndarray | None


@dataclass(frozen=True)
class ModelFlow:
    """The gradient flow of a user's model: cell, the loss's value, and a LayerFlow for every
    layer and direction (layer by layer, forward first)."""

    cell: str
    loss: float
    layers: tuple

    def layer(self, layer: int = -1, direction: str = "forward") -> LayerFlow:
        """One layer's flow (negative counts from the top)."""
        count = 1 + max(f.layer for f in self.layers)
        if isinstance(layer, bool) or not isinstance(layer, int) or not -count <= layer < count:
            raise ValueError(f"layer must be an int in [{-count}, {count - 1}], got {layer!r}")
        for flow in self.layers:
            if flow.layer == layer % count and flow.direction == direction:
                return flow
        raise ValueError("direction must be 'forward' or 'backward' (bidirectional only)")


# --- BPTT by hand, many seeds at once -------------------------------------------------------
def _direction_backward(rep, k, g, g_h, g_c, record):
    """Backpropagate S seeds through one layer in one direction.

    Inputs: k: the direction's index in rep.directions; g: (S, N, T, H_out) each seed's
    gradient on this direction's outputs; g_h, g_c: (S, N, H_out), (S, N, H) on its final
    states, or None.
    Returns: dx (S, N, T, D) on the layer's input; dh (S, N, T, H_out) and dc (S, N, T, H)
    the total derivatives at every step if `record` (else None).
    """
    S, N, T, _ = g.shape
    run = rep.directions[k]
    reverse = run["direction"] == "backward"
    w, h = run["weights"], run["h"]
    # Where each seed starts to be carried: its last non-zero step (first, going backwards
    # in time for the reverse direction); a seed on the final state starts at the end.
    touched = (g != 0).any(dim=3).any(dim=1)  # (S, T)
    if g_h is not None:
        touched[:, 0 if reverse else T - 1] |= (g_h != 0).flatten(1).any(dim=1)
    if g_c is not None:
        touched[:, 0 if reverse else T - 1] |= (g_c != 0).flatten(1).any(dim=1)
    steps = torch.arange(T)
    if reverse:
        start = torch.where(touched, steps, T).min(dim=1).values  # T: never
        order = torch.argsort(start)
    else:
        start = torch.where(touched, steps, -1).max(dim=1).values  # -1: never
        order = torch.argsort(start, descending=True)
    start = start[order]
    g = g[order]
    carry_h = g.new_zeros(S, N, h.shape[2]) if g_h is None else g_h[order].clone()
    carry_c = None
    if rep.cell == "lstm":
        carry_c = g.new_zeros(S, N, run["c"].shape[2]) if g_c is None else g_c[order].clone()
    dx = g.new_zeros(S, N, T, run["x"].shape[2])
    dh_all = g.new_zeros(S, N, T, h.shape[2]) if record else None
    dc_all = g.new_zeros(S, N, T, run["c"].shape[2]) if record and carry_c is not None else None
    w_ih, w_hh = w["w_ih"], w["w_hh"]
    for t in range(T) if reverse else range(T - 1, -1, -1):
        m = int((start <= t).sum()) if reverse else int((start >= t).sum())
        if m == 0:
            continue
        prev = t + 1 if reverse else t - 1
        has_prev = 0 <= prev < T
        dh = carry_h[:m] + g[:m, :, t]  # (m, N, H_out) total dL/dh_t
        if rep.cell == "lstm":
            i, f, o, gg = (run["gates"][name][:, t] for name in "ifog")  # (N, H)
            c_prev = run["c"][:, prev] if has_prev else rep.c0[k]
            dm = dh @ w["w_hr"] if w["w_hr"] is not None else dh  # (m, N, H)
            tc = torch.tanh(run["c"][:, t])
            dc = carry_c[:m] + dm * o * (1 - tc * tc)  # (m, N, H) total dL/dc_t
            da = torch.cat(
                [dc * gg * i * (1 - i), dc * c_prev * f * (1 - f), dm * tc * o * (1 - o)]
                + [dc * i * (1 - gg * gg)],
                dim=2,
            )  # (m, N, 4H) blocks i, f, o, g
            carry_c[:m] = dc * f
            carry_h[:m] = da @ w_hh
            if record:
                dc_all[:m, :, t] = dc
        elif rep.cell == "gru":
            r, z, n = (run["gates"][name][:, t] for name in "rzn")
            h_prev = h[:, prev] if has_prev else rep.h0[k]
            dan = dh * (1 - z) * (1 - n * n)  # (m, N, H) on n's pre-activation
            dar = dan * run["hn"][:, t] * r * (1 - r)
            daz = dh * (h_prev - n) * z * (1 - z)
            da = torch.cat([dar, daz, dan], dim=2)  # (m, N, 3H) input side
            carry_h[:m] = dh * z + torch.cat([dar, daz, dan * r], dim=2) @ w_hh
        else:
            h_t = h[:, t]
            slope = (h_t > 0).to(h.dtype) if rep.relu else 1 - h_t * h_t
            da = dh * slope  # (m, N, H)
            carry_h[:m] = da @ w_hh
        dx[:m, :, t] = da @ w_ih
        if record:
            dh_all[:m, :, t] = dh
    back = torch.empty_like(order)
    back[order] = torch.arange(S)
    return (
        dx[back],
        None if dh_all is None else dh_all[back],
        None if dc_all is None else dc_all[back],
    )


def core_backward(rep, d_out, d_h=None, d_c=None, record=False):
    """Backpropagate S seeds from the replayed layer's output down to its input.

    Inputs: rep: rnnviz.models.replay.replay(...); d_out: (S, N, T, F) each seed's
    gradient on the layer's output; d_h: (S, L * dirs, N, H_out), d_c: (S, L * dirs, N, H)
    on its final states (or None); record: keep dL/dh_t, dL/dc_t of every direction.
    Returns: dx (S, N, T, D) on the layer's input; lists (one a direction, in
    rep.directions' order) of dh (S, N, T, H_out) and dc (S, N, T, H) (None unless record).
    """
    dirs, layers = rep.dirs, rep.core.num_layers
    dh_rec, dc_rec = [None] * len(rep.directions), [None] * len(rep.directions)
    above = d_out
    for layer in reversed(range(layers)):
        parts = above.chunk(dirs, dim=3)
        below = None
        for d in range(dirs):
            k = layer * dirs + d
            dx, dh_rec[k], dc_rec[k] = _direction_backward(
                rep,
                k,
                parts[d],
                None if d_h is None else d_h[:, k],
                None if d_c is None else d_c[:, k],
                record,
            )
            below = dx if below is None else below + dx
        above = below
    return above, dh_rec, dc_rec


# --- reading the model's output -------------------------------------------------------------
def _output_tensor(result):
    """The model's output tensor: itself, or the first item of a tuple (as torch.nn's
    recurrent layers return (output, state))."""
    if isinstance(result, (tuple, list)) and result:
        result = result[0]
    if not isinstance(result, torch.Tensor) or not result.is_floating_point():
        raise TypeError(
            "model must return a tensor of floats, or a tuple whose first item is one; got "
            f"{type(result).__name__}"
        )
    return result


def _per_step(rep, out, argument):
    """The model's output with its steps on axis 1: (N, T, ...), or a ValueError naming
    `argument` when its steps cannot be found."""
    N, T = rep.x.shape[:2]
    axis = rep.time_axis
    steps_ok = out.dim() >= (2 if rep.batched else 1) and out.shape[axis] == T
    batch_ok = not rep.batched or out.shape[1 - axis] == N
    if not (steps_ok and batch_ok):
        where = "(N, T, ...)" if axis == 1 else "(T, N, ...)" if rep.batched else "(T, ...)"
        raise ValueError(
            f"{argument} needs the model's output at every step, shaped {where} like its "
            f"recurrent layer (N={N}, T={T}); got shape {tuple(out.shape)}"
            + ("; give loss as a callable for a many-to-one model" if argument == "loss" else "")
        )
    return out.movedim(axis, 1) if rep.batched else out[None]


def _leaf_grads(rep, value, grad_outputs=None):
    """d value / d (layer output, final states), each zeros where value does not use it.

    grad_outputs: None (value is a scalar), or (S, *value.shape) seeds, one backward each.
    Returns: (d_out, d_h, d_c) with a leading seed axis S (1 for a scalar).
    """
    leaves = [leaf for leaf in rep.leaves if leaf is not None]
    if grad_outputs is None:
        grads = torch.autograd.grad(value, leaves, allow_unused=True, retain_graph=True)
        grads = [None if g is None else g[None] for g in grads]
        S = 1
    else:
        S = grad_outputs.shape[0]
        try:
            grads = torch.autograd.grad(
                value,
                leaves,
                grad_outputs,
                retain_graph=True,
                allow_unused=True,
                is_grads_batched=True,
            )
        except RuntimeError:  # a head whose backward has no batching rule: one seed a call
            per_seed = [
                torch.autograd.grad(value, leaves, g, retain_graph=True, allow_unused=True)
                for g in grad_outputs
            ]
            grads = [
                None if per_seed[0][j] is None else torch.stack([p[j] for p in per_seed])
                for j in range(len(leaves))
            ]
    full = [
        torch.zeros((S, *leaf.shape), dtype=leaf.dtype) if g is None else g
        for leaf, g in zip(leaves, grads)
    ]
    return full[0], full[1], full[2] if len(full) > 2 else None


# --- the public functions -------------------------------------------------------------------
def gradient_flow(model, x, loss="last", core=None) -> ModelFlow:
    """||dL/dh_t|| (and ||dL/dc_t|| for an LSTM) at every step of every layer of a user's model.

    One backward pass: torch autograd from the loss to the recurrent layer's output (through
    the model's head), then BPTT by hand through the replayed layer (rnnviz.models.replay),
    in float64. dL/dh_t is the total derivative, through every later step and layer.
    Inputs:
    - model, x, core: as rnnviz.models.foreign.trace
    - loss: "last" (the sum of the model's output at the last step), "all" (the sum over
      every step), or a callable taking the model's output (the tensor, or the first item
      of the tuple it returns) and returning a scalar tensor
    Returns: ModelFlow.
    Raises: TypeError/ValueError naming model, x, core or loss (a loss that is not a
    scalar, or does not depend on the output; "last"/"all" on an output without steps).
    Source: backpropagation through time as in the lecture; Pascanu et al. 2013.
    """
    if not callable(loss):
        if loss not in LOSSES:
            raise ValueError(f"loss must be 'last', 'all' or a callable, got {loss!r}")
    rep = replay(model, x, core, differentiable=True)
    out = _output_tensor(rep.model_output)
    if callable(loss):
        value = loss(out)
        if not isinstance(value, torch.Tensor) or value.numel() != 1:
            shape = tuple(value.shape) if isinstance(value, torch.Tensor) else type(value).__name__
            raise ValueError(f"loss must return a scalar tensor, got {shape}")
        if not value.requires_grad:
            raise ValueError("loss must depend on the model's output (it has no gradient)")
        value = value.reshape(())
    else:
        steps = _per_step(rep, out, "loss")
        value = (steps[:, -1] if loss == "last" else steps).sum()
    d_out, d_h, d_c = _leaf_grads(rep, value)
    _, dh, dc = core_backward(rep, d_out, d_h, d_c, record=True)
    layers = []
    for run, dh_k, dc_k in zip(rep.directions, dh, dc):
        dh_np = dh_k[0].numpy()
        dc_np = None if dc_k is None else dc_k[0].numpy()
        layers.append(
            LayerFlow(
                layer=run["layer"],
                direction=run["direction"],
                dh=dh_np,
                grad_h=overflow_safe_norm(dh_np, axis=2),
                dc=dc_np,
                grad_c=None if dc_np is None else overflow_safe_norm(dc_np, axis=2),
            )
        )
    return ModelFlow(cell=rep.cell, loss=float(value.detach()), layers=tuple(layers))


def _step_outputs(steps, output):
    """y (N, T): the scalar whose gradient connectivity measures, at every step."""
    N, T = steps.shape[:2]
    flat = steps.reshape(N, T, -1)  # (N, T, V)
    V = flat.shape[2]
    if isinstance(output, str):
        if output != "norm":
            raise ValueError(
                f"output must be 'norm', an int or a tensor of targets, got {output!r}"
            )
        return torch.linalg.vector_norm(flat, dim=2)
    if isinstance(output, bool) or not isinstance(output, (int, torch.Tensor)):
        raise TypeError(
            f"output must be 'norm', an int or a tensor of targets, got {type(output).__name__}"
        )
    if isinstance(output, int):
        if not 0 <= output < V:
            raise ValueError(f"output must be an index in [0, {V - 1}], got {output}")
        return flat[:, :, output]
    if output.is_floating_point() or output.is_complex() or output.dtype == torch.bool:
        raise TypeError(f"output must hold integer targets, got {output.dtype}")
    targets = output.reshape(1, -1) if output.dim() == 1 else output
    if tuple(targets.shape) != (N, T):
        raise ValueError(
            f"output must hold one target a step, shape ({N}, {T}), got {tuple(output.shape)}"
        )
    if targets.numel() and not (0 <= int(targets.min()) and int(targets.max()) < V):
        raise ValueError(f"output's targets must be in [0, {V - 1}]")
    return flat.gather(2, targets.to(torch.int64).unsqueeze(2))[..., 0]


def connectivity(model, x, output="norm", core=None) -> np.ndarray:
    """||dy_t/dx_k||: how much the input at step k moves the prediction at step t.

    Madsen's connectivity ("Visualizing memorization in RNNs", Distill 2019): x_k is the
    recurrent layer's input at step k (for a token model: the embedding of token k), y_t a
    scalar read from the model's output at step t. In a one-directional model it is 0 for
    k > t. Computed in float64 by BPTT by hand over the replay, every t at once.
    Inputs:
    - model, x, core: as rnnviz.models.foreign.trace; the model's output must have a value
      at every step (N, T, V) (or (T, N, V) like a time-major layer)
    - output: "norm" (y_t = ||output_t||), an int j (y_t = output_t[j], e.g. one class's
      logit), or an integer tensor (N, T) of targets (y_t = the logit of the true next
      token, as in Distill)
    Returns: (N, T, T) float64; [n, t, k] = ||dy_t/dx_k|| for sequence n.
    Raises: TypeError/ValueError naming model, x, core or output.
    """
    if not isinstance(output, (str, int, torch.Tensor)) or isinstance(output, bool):
        raise TypeError(
            f"output must be 'norm', an int or a tensor of targets, got {type(output).__name__}"
        )
    rep = replay(model, x, core, differentiable=True)
    steps = _per_step(rep, _output_tensor(rep.model_output), "output")
    y = _step_outputs(steps, output)  # (N, T)
    N, T, D = rep.x.shape
    widest = max([D, rep.output.shape[2]] + [r["x"].shape[2] for r in rep.directions])
    chunk = max(1, CHUNK_ELEMENTS // (N * T * widest))
    result = np.empty((N, T, T))
    for first in range(0, T, chunk):
        seeds = torch.arange(first, min(first + chunk, T))
        grad_outputs = torch.zeros(len(seeds), N, T, dtype=y.dtype)
        grad_outputs[torch.arange(len(seeds)), :, seeds] = 1.0  # seed j: y_t for t = seeds[j]
        d_out, d_h, d_c = _leaf_grads(rep, y, grad_outputs)
        dx, _, _ = core_backward(rep, d_out, d_h, d_c)  # (S, N, T, D)
        result[:, first : first + len(seeds)] = overflow_safe_norm(dx.numpy(), axis=3).swapaxes(
            0, 1
        )
    return result


def reach(matrix, far=(20, 40), near=(1, 3)) -> float:
    """How far back a model looks, in decades: inputs `far` steps back against `near` ones.

    For every output step t with t - far[1] >= 0: the mean of log10 ||dy_t/dx_{t-d}|| over
    d in far[0]..far[1], minus the same mean over d in near[0]..near[1]; averaged over t.
    -3 means the distant inputs move the prediction a thousand times less than the recent
    ones. Inputs: matrix (T, T) = connectivity(...)[n]; far, near: (first, last) distances
    with 0 <= first <= last < T. Returns: float (NaN when the matrix holds NaN, -inf when
    a distant input has exactly no effect).
    """
    matrix = checks.float_array("matrix", matrix, ndim=2, finite=False)
    T = matrix.shape[0]
    checks.array("matrix", matrix, shape=(T, T), finite=False)
    spans = {}
    for name, span in (("far", far), ("near", near)):
        if not isinstance(span, (tuple, list)) or len(span) != 2:
            raise TypeError(f"{name} must be a pair (first, last) of distances, got {span!r}")
        first = checks.positive_int(f"{name}[0]", span[0], minimum=0)
        last = checks.positive_int(f"{name}[1]", span[1], minimum=first, maximum=max(T - 1, first))
        if last >= T:
            raise ValueError(f"{name} must reach at most T - 1 = {T - 1} steps back, got {last}")
        spans[name] = (first, last)
    (f0, f1), (n0, n1) = spans["far"], spans["near"]
    steps = range(max(f1, n1), T)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log10(matrix)
        rows = [
            logs[t, t - f1 : t - f0 + 1].mean() - logs[t, t - n1 : t - n0 + 1].mean() for t in steps
        ]
    return float(np.mean(rows))
