"""Models rnnviz did not build: any torch.nn RNN, LSTM or GRU, replayed step by step.

torch's fused kernels run a whole sequence in one call and keep the gates to themselves
(a hook sees only the layer's input and output; pytorch#31423). So `trace` replays the
layer's own weights with the lecture's equations, those of rnnviz.models.cells (LSTM gates
i, f, o, g, reordered from torch's i, f, g, o by `torch_to_lecture_gates`; GRU r, z, n),
one explicit step at a time, for every layer and direction, and proves the replay: the
replayed output must equal the layer's own output on every call, or `ReplayMismatch` is
raised.

The user's model is never changed. It is copied to the CPU in float64 and in eval mode
(dropout off, as at test time); a model in float16, bfloat16 or on a GPU is traced on that
copy. A wrapper (an embedding, the recurrent layer, a head) runs whole: hooks on its
recurrent layer read the layer's input and initial state and may hand the wrapper the
replayed output in place of the fused one, so that rnnviz.gradients.model_gradients can
differentiate the wrapper's head through the replay. The engine is rnnviz.models.replay.
"""

from dataclasses import dataclass

import numpy as np
import torch

from rnnviz.models.replay import (
    DIRECTIONS,
    GATES,
    REPLAY_TOLERANCE,
    ReplayMismatch,
    cell_of,
    find_core,
    replay,
)

__all__ = [
    "DIRECTIONS",
    "GATES",
    "REPLAY_TOLERANCE",
    "LayerTrace",
    "ModelTrace",
    "ReplayMismatch",
    "cell_of",
    "find_core",
    "layer_model",
    "replay",
    "trace",
]


@dataclass(frozen=True)
class LayerTrace:
    """One layer in one direction, over the whole sequence (N batch, T steps).

    - layer: 0 = the one reading the input; direction: "forward" | "backward"
    - h: (N, T, H_out) the hidden state after step t (the backward direction reads
      x_{T-1} .. x_t to reach it); H_out = proj_size for an LSTM with projections
    - c: (N, T, H) the LSTM's cell state (None for RNN and GRU)
    - gates: {"i", "f", "o", "g"} or {"r", "z", "n"} -> (N, T, H) ({} for the RNN)
    """

    layer: int
    direction: str
    h: np.ndarray
    c: np.ndarray | None
    gates: dict


@dataclass(frozen=True)
class ModelTrace:
    """Everything a user's recurrent layer did on one input, as float64 numpy arrays.

    - cell: "rnn" | "lstm" | "gru"; nonlinearity: the RNN's "tanh" | "relu" (else None)
    - core: the layer's name in the model ("" when the model is the layer)
    - x: (N, T, D) the layer's input (for a token model: the embeddings)
    - output: (N, T, directions * H_out) the layer's output
    - layers: LayerTrace for every layer and direction (layer by layer, forward first)
    - max_error: the largest |replay - module| over the output and final states
    Arrays are batch-major whatever the layer's batch_first; an unbatched input has N = 1.
    """

    cell: str
    nonlinearity: str | None
    core: str
    x: np.ndarray
    output: np.ndarray
    layers: tuple
    max_error: float

    def layer(self, layer: int = -1, direction: str = "forward") -> LayerTrace:
        """The trace of one layer (negative counts from the top) in one direction."""
        directions = sorted({t.direction for t in self.layers})
        if direction not in directions:
            raise ValueError(f"direction must be one of {directions}, got {direction!r}")
        count = len(self.layers) // len(directions)
        if isinstance(layer, bool) or not isinstance(layer, int) or not -count <= layer < count:
            raise ValueError(f"layer must be an int in [{-count}, {count - 1}], got {layer!r}")
        return next(t for t in self.layers if t.layer == layer % count and t.direction == direction)


def trace(model, x, core=None) -> ModelTrace:
    """Every hidden state, cell state and gate of a user's RNN, LSTM or GRU on x.

    The recurrent layer's own weights are replayed, layer by layer and direction by
    direction, on a float64 CPU copy of the model in eval mode; the replay must equal the
    layer's own output (and final states) to REPLAY_TOLERANCE, relative, on every call.
    Inputs:
    - model: a torch.nn.RNN, LSTM or GRU (any num_layers, bidirectional, batch_first,
      bias, nonlinearity, dropout, proj_size, dtype, device), or a module holding one
    - x: what the model takes: (N, T, D) or (T, N, D) floats for a bare layer (or (T, D)
      unbatched); token ids or anything else the wrapper embeds
    - core: which recurrent layer, when the model holds several (see find_core)
    Returns: ModelTrace (float64 numpy, batch-major).
    Raises: TypeError/ValueError naming model, core or x (no recurrent layer; x of the
    wrong rank, size or dtype, not finite, or packed); ReplayMismatch if the replay fails
    its proof. NaN weights are not an error: they give NaN states, as the module does.
    """
    rep = replay(model, x, core)
    layers = tuple(
        LayerTrace(
            layer=d["layer"],
            direction=d["direction"],
            h=d["h"].numpy(),
            c=None if d["c"] is None else d["c"].numpy(),
            gates={name: value.numpy() for name, value in d["gates"].items()},
        )
        for d in rep.directions
    )
    return ModelTrace(
        cell=rep.cell,
        nonlinearity=getattr(rep.core, "nonlinearity", None),
        core=rep.core_name,
        x=rep.x.numpy(),
        output=rep.output.numpy(),
        layers=layers,
        max_error=rep.max_error,
    )


def layer_model(model, x, layer: int = -1, direction: str = "forward", core=None) -> tuple:
    """One layer and direction of a user's model as an rnnviz traced cell, with its input.

    So rnnviz's own views of its traced cells (the gate explorer) work on a user's model.
    Inputs: model, x, core: as trace; layer: which layer (negative counts from the top);
    direction: "forward" | "backward".
    Returns: (an rnnviz.models.cells RNN, LSTM or GRU in float64 holding the layer's
    weights, x_layer (N, T, D) its input as a float64 tensor; for the backward direction
    the steps are reversed, so the cell reads them in its own order).
    Raises: as trace; ValueError naming model for an LSTM with projections (proj_size),
    which the traced cells do not have, and naming layer or direction when out of range.
    """
    from rnnviz.models.cells import TRACED_CELLS, lecture_to_torch_gates

    rep = replay(model, x, core)
    if getattr(rep.core, "proj_size", 0):
        raise ValueError(
            "model's LSTM has proj_size > 0; rnnviz's traced cells have no projection "
            "(trace() reads its gates)"
        )
    count = rep.core.num_layers
    if isinstance(layer, bool) or not isinstance(layer, int) or not -count <= layer < count:
        raise ValueError(f"layer must be an int in [{-count}, {count - 1}], got {layer!r}")
    if direction not in DIRECTIONS[: rep.dirs]:
        raise ValueError(f"direction must be one of {list(DIRECTIONS[: rep.dirs])}")
    run = rep.directions[(layer % count) * rep.dirs + DIRECTIONS.index(direction)]
    w = run["weights"]
    kwargs = {"nonlinearity": "relu"} if rep.relu else {}
    cell = TRACED_CELLS[rep.cell](
        run["x"].shape[2], w["w_hh"].shape[1], dtype=torch.float64, **kwargs
    )
    reorder = lecture_to_torch_gates if rep.cell == "lstm" else (lambda p: p)
    with torch.no_grad():
        for name in ("w_ih", "w_hh", "b_ih", "b_hh"):
            target = name.replace("w_", "weight_").replace("b_", "bias_") + "_l0"
            getattr(cell.core, target).copy_(reorder(w[name]))
    x_layer = run["x"].flip(1) if direction == "backward" else run["x"]
    return cell, x_layer
