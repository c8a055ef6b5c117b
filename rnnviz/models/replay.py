"""Replaying a torch.nn RNN, LSTM or GRU step by step, proved equal to the layer itself.

The engine behind rnnviz.models.foreign: find the recurrent layer in a user's module, run a
float64 CPU eval-mode copy of the module with hooks on that layer (they read its input and
initial state, and may hand the module leaf tensors in place of its output), replay every
layer and direction with the lecture's equations (those of rnnviz.models.cells), and compare
the replay with the layer's own output on every call (`ReplayMismatch` if they differ).
"""

import copy

import torch
from torch import nn
from torch.nn.utils.rnn import PackedSequence

from rnnviz.models.cells import torch_to_lecture_gates

CORE_TYPES = (nn.RNN, nn.LSTM, nn.GRU)
DIRECTIONS = ("forward", "backward")
GATES = {"rnn": (), "lstm": ("i", "f", "o", "g"), "gru": ("r", "z", "n")}
BLOCKS = {"rnn": 1, "lstm": 4, "gru": 3}
# The replay and torch's fused kernel agree to rounding in float64: about 1e-15 a step.
REPLAY_TOLERANCE = 1e-9


class ReplayMismatch(RuntimeError):
    """The replayed recurrence differs from the module's own output (a bug in rnnviz)."""


def find_core(model, core=None) -> tuple:
    """The one torch.nn.RNN, LSTM or GRU inside `model`, or the one named by `core`.

    Inputs:
    - model: a torch.nn.Module that is, or holds, a recurrent layer
    - core: None (find the only one), its name in model.named_modules(), or the module
    Returns: (name, module); name is "" when the model is the layer itself.
    Raises: TypeError/ValueError naming model (no recurrent layer, or several and no core)
    or core (not found, not a recurrent layer).
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    named = list(model.named_modules())
    found = [(name, m) for name, m in named if isinstance(m, CORE_TYPES)]
    if core is not None:
        if isinstance(core, str):
            match = [(name, m) for name, m in named if name == core]
        elif isinstance(core, nn.Module):
            match = [(name, m) for name, m in named if m is core]
        else:
            raise TypeError(f"core must be None, a module name or a module, got {type(core)}")
        if not match:
            raise ValueError(
                f"core {core!r} is not part of model; its recurrent layers are "
                f"{[name for name, _ in found]}"
            )
        if not isinstance(match[0][1], CORE_TYPES):
            raise TypeError(
                f"core must name a torch.nn.RNN, LSTM or GRU, got {type(match[0][1]).__name__}"
            )
        return match[0]
    if not found:
        loops = [name for name, m in named if isinstance(m, nn.RNNCellBase)]
        hint = f" (its cells {loops} run in a Python loop, which is not traced)" if loops else ""
        raise ValueError(f"model holds no torch.nn.RNN, LSTM or GRU{hint}")
    if len(found) > 1:
        raise ValueError(
            f"model holds {len(found)} recurrent layers {[name for name, _ in found]}; "
            "name the one to trace with core="
        )
    return found[0]


def cell_of(core: nn.Module) -> str:
    """ "lstm", "gru" or "rnn" for a torch.nn recurrent layer."""
    return "lstm" if isinstance(core, nn.LSTM) else "gru" if isinstance(core, nn.GRU) else "rnn"


def _weights(core, layer, reverse):
    """One layer-direction's weights, float64, LSTM blocks in the lecture's order."""
    suffix = f"_l{layer}" + ("_reverse" if reverse else "")
    w_ih, w_hh = getattr(core, "weight_ih" + suffix), getattr(core, "weight_hh" + suffix)
    zeros = torch.zeros(w_ih.shape[0], dtype=torch.float64)
    b_ih = getattr(core, "bias_ih" + suffix) if core.bias else zeros
    b_hh = getattr(core, "bias_hh" + suffix) if core.bias else zeros
    w = [p.detach() for p in (w_ih, w_hh, b_ih, b_hh)]
    if isinstance(core, nn.LSTM):
        w = [torch_to_lecture_gates(p) for p in w]
    w_hr = getattr(core, "weight_hr" + suffix).detach() if getattr(core, "proj_size", 0) else None
    return dict(w_ih=w[0], w_hh=w[1], b_ih=w[2], b_hh=w[3], w_hr=w_hr)


def replay_direction(cell, relu, w, x, h0, c0, reverse):
    """One layer in one direction by the lecture's equations, one explicit step at a time.

    Inputs: cell; relu: the RNN's nonlinearity is ReLU; w: _weights(...); x: (N, T, D);
    h0: (N, H_out); c0: (N, H) or None; reverse: read the steps from T-1 down to 0.
    Returns: dict h (N, T, H_out), c (N, T, H) or None, gates {name: (N, T, H)}, and what
    the backward pass needs: "hn" (the GRU's W_hn h + b_hn), "m" (an LSTM's o * tanh(c)).
    """
    N, T, _ = x.shape
    H = w["w_hh"].shape[0] // BLOCKS[cell]
    xw = x @ w["w_ih"].T + w["b_ih"]  # (N, T, blocks H)
    out = dict(h=x.new_empty(N, T, h0.shape[1]), c=None, gates={}, hn=None, m=None)
    out["gates"] = {g: x.new_empty(N, T, H) for g in GATES[cell]}
    if cell == "lstm":
        out["c"], out["m"] = x.new_empty(N, T, H), x.new_empty(N, T, H)
    if cell == "gru":
        out["hn"] = x.new_empty(N, T, H)
    h, c = h0, c0
    for t in range(T - 1, -1, -1) if reverse else range(T):
        hw = h @ w["w_hh"].T + w["b_hh"]  # (N, blocks H)
        if cell == "lstm":
            a = xw[:, t] + hw  # (N, 4H) i, f, o, g
            i, f, o = torch.sigmoid(a[:, : 3 * H]).split(H, dim=1)
            g = torch.tanh(a[:, 3 * H :])
            c = f * c + i * g  # (N, H)
            m = o * torch.tanh(c)  # (N, H)
            h = m @ w["w_hr"].T if w["w_hr"] is not None else m  # (N, H_out)
            out["c"][:, t], out["m"][:, t] = c, m
            step_gates = (i, f, o, g)
        elif cell == "gru":
            gi = xw[:, t]  # (N, 3H) r, z, n
            r = torch.sigmoid(gi[:, :H] + hw[:, :H])
            z = torch.sigmoid(gi[:, H : 2 * H] + hw[:, H : 2 * H])
            n = torch.tanh(gi[:, 2 * H :] + r * hw[:, 2 * H :])
            h = (1 - z) * n + z * h  # (N, H)
            out["hn"][:, t] = hw[:, 2 * H :]
            step_gates = (r, z, n)
        else:
            a = xw[:, t] + hw  # (N, H)
            h = torch.relu(a) if relu else torch.tanh(a)
            step_gates = ()
        out["h"][:, t] = h
        for name, value in zip(GATES[cell], step_gates):
            out["gates"][name][:, t] = value
    return out


class Replay:
    """One run of a float64 copy of a user's model with its recurrent layer replayed.

    Attributes: cell, relu, core_name, core (the copy's layer), x (N, T, D) the layer's
    input, h0 (L * dirs, N, H_out), c0, directions [{"layer", "direction", "weights",
    "x", **replay_direction(...)}], output (N, T, F), h_n, c_n, max_error, batched,
    time_axis (of the model's own output: 1 batch-major, 0 time-major or unbatched),
    model_output (the model's output, differentiable with respect to `leaves` when the run
    was), leaves (output, h_n, c_n: the tensors the model's head was given, or None).
    """


def _check_x(x):
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"x must be a torch.Tensor, got {type(x).__name__}")
    if x.is_complex():
        raise TypeError(f"x must hold real numbers or token ids, got {x.dtype}")
    if x.is_floating_point() and x.numel() and not bool(torch.isfinite(x).all()):
        raise ValueError("x contains NaN or inf; expected finite values")
    x = x.detach().to("cpu")
    return x.double() if x.is_floating_point() else x


def _layer_input(core, inputs):
    """The layer's input and initial state from a forward call, checked, batch-major."""
    data, hx = inputs
    if isinstance(data, PackedSequence):
        raise ValueError(
            "x reached the recurrent layer as a PackedSequence, which is not traced: pass "
            "a padded tensor of equal-length sequences instead (one sequence a call for "
            "different lengths; torch.nn.utils.rnn.pad_packed_sequence unpacks a batch)"
        )
    if not isinstance(data, torch.Tensor) or not data.is_floating_point():
        kind = data.dtype if isinstance(data, torch.Tensor) else type(data).__name__
        raise TypeError(f"x must reach the recurrent layer as floating point, got {kind}")
    if data.dim() not in (2, 3) or data.shape[-1] != core.input_size or 0 in data.shape:
        raise ValueError(
            f"x must reach the recurrent layer as (N, T, {core.input_size}) (or (T, N, "
            f"{core.input_size}) with batch_first=False, or unbatched (T, "
            f"{core.input_size})), got shape {tuple(data.shape)}"
        )
    batched = data.dim() == 3
    if not batched:
        data = data[None]
    elif not core.batch_first:
        data = data.transpose(0, 1)
    states = hx if isinstance(hx, tuple) else (hx,)
    if hx is not None:
        states = tuple(s if batched else s[:, None] for s in states)
    return data, states, batched


def _replay_core(core, x, states):
    cell, dirs = cell_of(core), 2 if core.bidirectional else 1
    H, P = core.hidden_size, getattr(core, "proj_size", 0) or core.hidden_size
    N = x.shape[0]
    h0 = states[0] if states[0] is not None else x.new_zeros(core.num_layers * dirs, N, P)
    c0 = None
    if cell == "lstm":
        c0 = states[1] if len(states) > 1 else x.new_zeros(core.num_layers * dirs, N, H)
    directions, layer_in = [], x
    for layer in range(core.num_layers):
        outs = []
        for d in range(dirs):
            k = layer * dirs + d
            w = _weights(core, layer, reverse=d == 1)
            run = replay_direction(
                cell,
                getattr(core, "nonlinearity", "tanh") == "relu",
                w,
                layer_in,
                h0[k],
                None if c0 is None else c0[k],
                reverse=d == 1,
            )
            directions.append(dict(layer=layer, direction=DIRECTIONS[d], weights=w, x=layer_in))
            directions[-1].update(run)
            outs.append(run["h"])
        layer_in = torch.cat(outs, dim=2)  # (N, T, dirs H_out); eval mode: no dropout
    last = {0: -1, 1: 0}  # the step each direction ends on
    h_n = torch.stack([d["h"][:, last[k % dirs]] for k, d in enumerate(directions)])
    c_n = None
    if cell == "lstm":
        c_n = torch.stack([d["c"][:, last[k % dirs]] for k, d in enumerate(directions)])
    return directions, layer_in, h0, c0, h_n, c_n


def _difference(replayed, module):
    """max |replayed - module| where both are finite; inf if their NaN/inf differ."""
    both = torch.isfinite(replayed) & torch.isfinite(module)
    same_edges = torch.equal(torch.isnan(replayed), torch.isnan(module)) and torch.equal(
        replayed[~both].nan_to_num(0.0), module[~both].nan_to_num(0.0)
    )
    if not same_edges:
        return float("inf"), 1.0
    diff = (replayed - module)[both].abs()
    scale = 1.0 + float(module[both].abs().max()) if both.any() else 1.0
    return (float(diff.max()) if diff.numel() else 0.0), scale


def replay(model, x, core=None, differentiable=False) -> Replay:
    """Run a float64 CPU copy of `model` on x with its recurrent layer replayed and proved.

    Inputs: model, core: as find_core; x: the model's input (float values, or token ids
    for a model that embeds them); differentiable: hand the model's head leaf tensors
    (Replay.leaves) so that its output can be differentiated with respect to the layer's
    output and final states.
    Returns: Replay. Raises: TypeError/ValueError naming model, core or x; ReplayMismatch.
    """
    name, _ = find_core(model, core)
    x = _check_x(x)
    twin = copy.deepcopy(model).to(device="cpu", dtype=torch.float64).eval()
    twin.requires_grad_(False)  # gradients flow to the replay's leaves only
    layer = dict(twin.named_modules())[name]
    rep, calls = Replay(), []

    def before(module, args, kwargs):
        calls.append(1)
        if len(calls) > 1:
            raise ValueError(
                "model must run its recurrent layer once a call to be traced; it ran it again"
            )
        data = args[0] if args else kwargs.get("input")
        hx = args[1] if len(args) > 1 else kwargs.get("hx")
        # A wrapper may make float32 tensors as it runs (a one-hot input, a stored state):
        # the layer reads them in float64, like the copy's weights.
        if isinstance(data, torch.Tensor) and data.is_floating_point():
            data = data.double()
        if hx is not None:
            hx = tuple(s.double() for s in hx) if isinstance(hx, tuple) else hx.double()
        rep.x, rep.states, rep.batched = _layer_input(module, (data, hx))
        return (data, hx), {}

    def after(module, args, kwargs, output):
        cell = cell_of(module)
        with torch.no_grad():
            rep.directions, out, rep.h0, rep.c0, h_n, c_n = _replay_core(module, rep.x, rep.states)
        fused = output[0] if rep.batched else output[0][None]
        if rep.batched and not module.batch_first:
            fused = fused.transpose(0, 1)
        fused_states = output[1] if cell == "lstm" else (output[1],)
        if not rep.batched:
            fused_states = tuple(s[:, None] for s in fused_states)
        mine = (out, h_n) if c_n is None else (out, h_n, c_n)
        errors = [_difference(a, b.detach()) for a, b in zip(mine, (fused, *fused_states))]
        rep.max_error = max(e for e, _ in errors)
        if any(e > REPLAY_TOLERANCE * scale for e, scale in errors):
            raise ReplayMismatch(
                f"the replayed {cell.upper()} differs from the module's own output by "
                f"{rep.max_error:.3g} (tolerance {REPLAY_TOLERANCE:g}, relative)"
            )
        rep.cell, rep.output, rep.h_n, rep.c_n = cell, out, h_n, c_n
        rep.dirs = 2 if module.bidirectional else 1
        if not differentiable:
            return None
        leaves = tuple(t.detach().requires_grad_() for t in mine)
        rep.leaves = leaves + (None,) * (3 - len(leaves))
        given = leaves[0] if rep.batched else leaves[0][0]
        if rep.batched and not module.batch_first:
            given = given.transpose(0, 1)
        states = tuple(s if rep.batched else s[:, 0] for s in leaves[1:])
        return given, (states if cell == "lstm" else states[0])

    handles = [
        layer.register_forward_pre_hook(before, with_kwargs=True),
        layer.register_forward_hook(after, with_kwargs=True),
    ]
    rep.leaves = None
    try:
        with torch.set_grad_enabled(differentiable):
            result = twin(x)
    except (ReplayMismatch, ValueError, TypeError):
        raise
    except (RuntimeError, IndexError) as error:
        raise ValueError(f"x could not be run through model: {error}") from None
    finally:
        for handle in handles:
            handle.remove()
    if not calls:
        raise ValueError(f"model never ran its recurrent layer {name!r} on x")
    rep.core_name, rep.core = name, layer
    rep.relu = getattr(layer, "nonlinearity", "tanh") == "relu"
    rep.time_axis = 1 if rep.batched and layer.batch_first else 0
    rep.model_output = result
    return rep
