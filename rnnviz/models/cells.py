"""Torch RNN, LSTM and GRU that show their work: every step's state and gate.

Each model keeps its weights in a `torch.nn.RNN/LSTM/GRU` (`model.core`, batch_first) and
runs that fused kernel in `forward`, so training is as fast as torch.nn. The returned
`Trace` recomputes the same sequence with the lecture's equations, one explicit step at a
time, only when its `c`, `gates` or `unrolled_h` is first read: transparency is paid for
when a student looks, never during training.

Gate order is the lecture's and CS231n's: LSTM i, f, o, g; GRU r, z, n (PyTorch's). torch
stores LSTM blocks as i, f, g, o; `torch_to_lecture_gates` is the one place that converts.

`torch_core(cell, ...)` builds the plain torch.nn layer of any cell kind named in
rnnviz.models.cell_kinds (for models that need no trace); `TRACED_CELLS` maps a name to its
traced class.
"""

import copy

import torch
from torch import nn

from rnnviz import checks
from rnnviz.models import cell_kinds
from rnnviz.models.weight_init import check_forget_bias

# Position in torch's i, f, g, o layout of each lecture gate i, f, o, g.
_TORCH_BLOCK_OF_LECTURE_GATE = (0, 1, 3, 2)


def torch_to_lecture_gates(w: torch.Tensor) -> torch.Tensor:
    """Reorder an LSTM parameter's gate blocks from torch's i, f, g, o to the lecture's i, f, o, g.

    Inputs:
    - w: (4H, ...) a torch.nn.LSTM weight_ih/weight_hh (4H, D) or bias (4H,)
    Returns:
    - (4H, ...) the same values with blocks in the order i, f, o, g
    """
    checks.tensor("w", w, finite=False)
    if w.shape[0] % 4:
        raise ValueError(f"w must have 4H rows (four gate blocks), got shape {tuple(w.shape)}")
    blocks = w.chunk(4, dim=0)
    return torch.cat([blocks[k] for k in _TORCH_BLOCK_OF_LECTURE_GATE], dim=0)


def lecture_to_torch_gates(w: torch.Tensor) -> torch.Tensor:
    """Reorder gate blocks from the lecture's i, f, o, g back to torch's i, f, g, o.

    Swapping the last two blocks is its own inverse, so this is the same permutation.
    Inputs:
    - w: (4H, ...) parameter in lecture order
    Returns:
    - (4H, ...) the same values in torch order
    """
    return torch_to_lecture_gates(w)


class Trace:
    """Everything a recurrent model did on one input batch.

    Attributes (N batch, T steps, H hidden units):
    - h: (N, T, H) hidden states from torch.nn's fused kernel (differentiable)
    - h_last: (N, H) the final hidden state; c_last: (N, H) the LSTM's final cell state
    - c: (N, T, H) the LSTM's cell states (None for RNN and GRU)       } recomputed by the
    - gates: dict gate name -> (N, T, H) activations ({} for the RNN) } explicit loop on
    - unrolled_h: (N, T, H) hidden states from the explicit loop      } first access
    - x, h0, c0: the inputs
    """

    def __init__(self, model, x, h0, c0, h, h_last, c_last):
        self.model, self.x, self.h0, self.c0 = model, x, h0, c0
        self.h, self.h_last, self.c_last = h, h_last, c_last
        self._unrolled = None

    def _unroll(self):
        if self._unrolled is None:
            hs, cs, gates = [], [], {}
            h, c = self.h0, self.c0
            for t in range(self.x.shape[1]):
                h, c, step_gates = self.model.step(self.x[:, t], h, c)  # (N, H) each
                hs.append(h)
                cs.append(c)
                for name, value in step_gates.items():
                    gates.setdefault(name, []).append(value)
            self._unrolled = (
                torch.stack(hs, dim=1),
                torch.stack(cs, dim=1) if c is not None else None,
                {name: torch.stack(v, dim=1) for name, v in gates.items()},
            )
        return self._unrolled

    @property
    def unrolled_h(self) -> torch.Tensor:
        return self._unroll()[0]

    @property
    def c(self):
        return self._unroll()[1]

    @property
    def gates(self) -> dict:
        return self._unroll()[2]


class _TracedRecurrence(nn.Module):
    """Shared plumbing: a torch.nn core, input checks, conversion to and from torch.nn."""

    core_class: type = nn.RNNBase
    has_cell_state = False

    def __init__(self, input_size: int, hidden_size: int, dtype=torch.float32, **core_kwargs):
        super().__init__()
        checks.positive_int("input_size", input_size)
        checks.positive_int("hidden_size", hidden_size)
        checks.within_budget(  # the LSTM's 4 gate blocks, the largest cell
            {"input_size": input_size, "hidden_size": hidden_size},
            4 * hidden_size * (input_size + hidden_size + 2),
            what="weights",
        )
        if dtype not in (torch.float32, torch.float64):
            raise TypeError(f"dtype must be torch.float32 or torch.float64, got {dtype}")
        self.core = self.core_class(
            input_size, hidden_size, batch_first=True, dtype=dtype, **core_kwargs
        )

    @property
    def input_size(self) -> int:
        return self.core.input_size

    @property
    def hidden_size(self) -> int:
        return self.core.hidden_size

    @property
    def dtype(self) -> torch.dtype:
        return self.core.weight_ih_l0.dtype

    def _check_state(self, name, value, batch):
        if value is None:
            return torch.zeros(batch, self.hidden_size, dtype=self.dtype)
        checks.tensor(name, value, shape=(batch, self.hidden_size))
        if value.dtype != self.dtype:
            raise TypeError(f"{name} must have dtype {self.dtype}, got {value.dtype}")
        return value

    def forward(self, x: torch.Tensor, h0=None, c0=None) -> Trace:
        """Run the model over a batch of sequences.

        Inputs:
        - x: (N, T, D) inputs
        - h0: (N, H) initial hidden state, zeros if None
        - c0: (N, H) initial cell state (LSTM only), zeros if None
        Returns:
        - a Trace with h (N, T, H) and, on access, every step's states and gates
        """
        checks.tensor("x", x, ndim=3)
        if x.shape[1] < 1 or x.shape[0] < 1:
            raise ValueError(
                f"x must hold at least one sequence and one step, got shape {tuple(x.shape)}"
            )
        if x.shape[2] != self.input_size:
            raise ValueError(
                f"x must have shape (N, T, {self.input_size}) to match input_size, "
                f"got {tuple(x.shape)}"
            )
        if x.dtype != self.dtype:
            raise TypeError(f"x must have dtype {self.dtype} like the weights, got {x.dtype}")
        n = x.shape[0]
        h0 = self._check_state("h0", h0, n)
        if self.has_cell_state:
            c0 = self._check_state("c0", c0, n)
            h, (h_last, c_last) = self.core(x, (h0[None], c0[None]))
            return Trace(self, x, h0, c0, h, h_last[0], c_last[0])
        if c0 is not None:
            raise TypeError(f"c0 is only for the LSTM; {type(self).__name__} has no cell state")
        h, h_last = self.core(x, h0[None])
        return Trace(self, x, h0, None, h, h_last[0], None)

    def _weights(self):
        c = self.core
        return c.weight_ih_l0, c.weight_hh_l0, c.bias_ih_l0, c.bias_hh_l0

    @classmethod
    def from_torch(cls, module: nn.Module):
        """Wrap a copy of a single-layer, unidirectional, batch_first torch.nn module."""
        if type(module) is not cls.core_class:
            raise TypeError(
                f"module must be a {cls.core_class.__name__}, got {type(module).__name__}"
            )
        problems = []
        if not module.batch_first:
            problems.append("batch_first=True")
        if module.num_layers != 1:
            problems.append("num_layers=1")
        if module.bidirectional:
            problems.append("bidirectional=False")
        if not module.bias:
            problems.append("bias=True")
        if getattr(module, "proj_size", 0):
            problems.append("proj_size=0")
        if problems:
            raise ValueError(f"module must have {', '.join(problems)}")
        model = cls.__new__(cls)
        nn.Module.__init__(model)
        model.core = copy.deepcopy(module)
        return model

    def to_torch(self) -> nn.Module:
        """A copy of the weights as a plain torch.nn module (batch_first)."""
        return copy.deepcopy(self.core)


class RNN(_TracedRecurrence):
    """The vanilla RNN of the lecture: h_t = tanh(W_hh h_{t-1} + W_xh x_t + b).

    `nonlinearity="relu"` gives the IRNN-style ReLU recurrence (Le et al. 2015).
    """

    core_class = nn.RNN

    def __init__(self, input_size, hidden_size, nonlinearity="tanh", dtype=torch.float32):
        checks.choice("nonlinearity", nonlinearity, {"tanh", "relu"})
        super().__init__(input_size, hidden_size, dtype=dtype, nonlinearity=nonlinearity)

    @property
    def nonlinearity(self) -> str:
        return self.core.nonlinearity

    def step(self, x_t, h, c=None):
        """One explicit step. x_t: (N, D), h: (N, H) -> (next_h (N, H), None, {})."""
        w_ih, w_hh, b_ih, b_hh = self._weights()
        a = x_t @ w_ih.T + b_ih + h @ w_hh.T + b_hh  # (N, H)
        return (torch.tanh(a) if self.nonlinearity == "tanh" else torch.relu(a)), None, {}

    def reference_params(self) -> dict:
        """Weights for rnnviz.reference.rnn_forward: Wx (D, H), Wh (H, H), b (H,), float64."""
        w_ih, w_hh, b_ih, b_hh = (p.detach().double().numpy() for p in self._weights())
        return {"Wx": w_ih.T.copy(), "Wh": w_hh.T.copy(), "b": b_ih + b_hh}


class LSTM(_TracedRecurrence):
    """The LSTM of the lecture: gates i, f, o, g; c_t = f*c_{t-1} + i*g; h_t = o*tanh(c_t).

    `forget_bias` sets the forget gate's bias (Jozefowicz et al. 2015 recommend 1); None
    keeps torch's default initialisation.
    """

    core_class = nn.LSTM
    has_cell_state = True

    def __init__(self, input_size, hidden_size, forget_bias=None, dtype=torch.float32):
        super().__init__(input_size, hidden_size, dtype=dtype)
        if forget_bias is not None:
            self.set_forget_bias(forget_bias)

    def set_forget_bias(self, forget_bias: float) -> None:
        """Set the forget gate's total bias (b_ih + b_hh) to `forget_bias` for every unit."""
        set_forget_bias(self.core, forget_bias)

    def step(self, x_t, h, c=None):
        """One explicit step. x_t: (N, D), h, c: (N, H) -> (next_h, next_c, gates i/f/o/g)."""
        w_ih, w_hh, b_ih, b_hh = self._weights()
        H = self.hidden_size
        a = x_t @ w_ih.T + b_ih + h @ w_hh.T + b_hh  # (N, 4H) in torch's i, f, g, o order
        i = torch.sigmoid(a[:, :H])
        f = torch.sigmoid(a[:, H : 2 * H])
        g = torch.tanh(a[:, 2 * H : 3 * H])
        o = torch.sigmoid(a[:, 3 * H :])
        next_c = f * c + i * g  # (N, H)
        next_h = o * torch.tanh(next_c)  # (N, H)
        return next_h, next_c, {"i": i, "f": f, "o": o, "g": g}

    def reference_params(self) -> dict:
        """Weights for rnnviz.reference.lstm_forward: Wx (D, 4H), Wh (H, 4H), b (4H,),
        gate blocks i, f, o, g, float64."""
        w_ih, w_hh, b_ih, b_hh = (
            torch_to_lecture_gates(p.detach().double()) for p in self._weights()
        )
        return {
            "Wx": w_ih.T.numpy().copy(),
            "Wh": w_hh.T.numpy().copy(),
            "b": (b_ih + b_hh).numpy(),
        }


class GRU(_TracedRecurrence):
    """The GRU in PyTorch's formulation: gates r, z and candidate n;
    h_t = (1 - z) * n + z * h_{t-1}, with n = tanh(W_in x + b_in + r * (W_hn h + b_hn)).
    """

    core_class = nn.GRU

    def step(self, x_t, h, c=None):
        """One explicit step. x_t: (N, D), h: (N, H) -> (next_h, None, gates r/z/n)."""
        w_ih, w_hh, b_ih, b_hh = self._weights()
        H = self.hidden_size
        gi = x_t @ w_ih.T + b_ih  # (N, 3H) r, z, n
        gh = h @ w_hh.T + b_hh  # (N, 3H)
        r = torch.sigmoid(gi[:, :H] + gh[:, :H])
        z = torch.sigmoid(gi[:, H : 2 * H] + gh[:, H : 2 * H])
        n = torch.tanh(gi[:, 2 * H :] + r * gh[:, 2 * H :])
        next_h = (1 - z) * n + z * h  # (N, H)
        return next_h, None, {"r": r, "z": z, "n": n}

    def reference_params(self) -> dict:
        """Weights for rnnviz.reference.gru_forward: Wx (D, 3H), Wh (H, 3H), bx, bh (3H,),
        gate blocks r, z, n, float64."""
        w_ih, w_hh, b_ih, b_hh = (p.detach().double().numpy() for p in self._weights())
        return {"Wx": w_ih.T.copy(), "Wh": w_hh.T.copy(), "bx": b_ih.copy(), "bh": b_hh.copy()}


# The traced model of each cell kind that has one (rnnviz.models.cell_kinds names them).
TRACED_CELLS = {"rnn": RNN, "lstm": LSTM, "gru": GRU}

_CORES = {"rnn": nn.RNN, "irnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def torch_core(cell: str, input_size: int, hidden_size: int, **kwargs) -> nn.RNNBase:
    """torch.nn's fused recurrent layer for `cell`, batch_first, one layer.

    "irnn" is nn.RNN with ReLU, its recurrent matrix set to the identity and both biases
    to zero. kwargs go to the torch.nn constructor (e.g. dtype).
    Inputs: cell: one of CELLS; input_size: D; hidden_size: H.
    Returns: nn.RNN, nn.LSTM or nn.GRU.
    """
    cell_kinds.check_cell(cell)
    if cell in ("rnn", "irnn"):
        kwargs["nonlinearity"] = "relu" if cell == "irnn" else "tanh"
    core = _CORES[cell](input_size, hidden_size, batch_first=True, **kwargs)
    if cell == "irnn":
        with torch.no_grad():
            core.weight_hh_l0.copy_(torch.eye(hidden_size))
            core.bias_ih_l0.zero_()
            core.bias_hh_l0.zero_()
    return core


def set_forget_bias(core: nn.LSTM, forget_bias: float) -> None:
    """Set a torch.nn.LSTM's forget-gate bias (b_ih + b_hh) to `forget_bias` in every unit of
    every layer and direction.

    torch's gate blocks are i, f, g, o and its two biases add, so the whole bias goes in
    b_ih's second block and b_hh's is zeroed. A bias of 1 starts every f near
    sigmoid(1) = 0.73, keeping the cell-state path open from the first step (Gers et al.
    2000; Jozefowicz et al. 2015).
    Raises: TypeError naming core if it is not an nn.LSTM; ValueError naming core if it has
    no biases (bias=False), naming forget_bias if that is out of range.
    """
    if not isinstance(core, nn.LSTM):
        raise TypeError(f"core must be a torch.nn.LSTM, got {type(core).__name__}")
    if not core.bias:
        raise ValueError("core has no biases (bias=False), so it has no forget bias to set")
    forget_bias = check_forget_bias(forget_bias)
    H = core.hidden_size
    suffixes = ["", "_reverse"] if core.bidirectional else [""]
    with torch.no_grad():
        for layer in range(core.num_layers):
            for suffix in suffixes:
                getattr(core, f"bias_ih_l{layer}{suffix}")[H : 2 * H] = forget_bias
                getattr(core, f"bias_hh_l{layer}{suffix}")[H : 2 * H] = 0.0
