"""One hand-set LSTM or GRU unit, one step: every gate, the cell state, and dc_t/dc_{t-1}.

One unit (CS231n lecture 10, "LSTM"): with a = w_x x_t + w_h h_{t-1} + b for each gate,
i, f, o = sigmoid(a_i, a_f, a_o), g = tanh(a_g), c_t = f c_{t-1} + i g, h_t = o tanh(c_t).
Back through the cell state the gradient meets only dc_t/dc_{t-1} = f (an element-wise
product), where a vanilla RNN's meets dh_t/dh_{t-1} = W_hh diag(1 - h_t^2) (a full matrix).
The GRU (PyTorch's formulation, gates r, z, n) has the same kind of path: h_t = (1 - z) n +
z h_{t-1}, so its direct local derivative is z. The four behaviours a student sets up by
hand (forget, remember, write, hide) are checked here too.

Plain floats throughout; rnnviz.widgets.gate_cell only draws what these functions return.
The same arithmetic over whole sequences, and the gradient paths it opens, is in
rnnviz.gradients.highway.
"""

import math
from dataclasses import dataclass, field

from rnnviz import checks
from rnnviz.models.cell_kinds import GRU_GATES, LSTM_GATES
from rnnviz.reference.activations import stable_sigmoid

BEHAVIOURS = ("forget everything", "remember forever", "write a new value", "hide the memory")


def _sigmoid(a: float) -> float:
    return float(stable_sigmoid(a))


@dataclass(frozen=True)
class UnitSetting:
    """Every slider of one hand-set unit: the inputs and each gate's (w_x, w_h, b).

    - x: the input x_t; h_prev: h_{t-1}; c_prev: c_{t-1} (ignored by the GRU)
    - weights: gate name -> (w_x, w_h, b), for gates i, f, o, g (LSTM) or r, z, n (GRU)
    """

    x: float
    h_prev: float
    c_prev: float
    weights: dict = field(default_factory=dict)

    def __post_init__(self):
        for name in ("x", "h_prev", "c_prev"):
            checks.real_number(name, getattr(self, name))
        if not isinstance(self.weights, dict):
            raise TypeError(
                f"weights must be a dict gate -> (w_x, w_h, b), got {type(self.weights).__name__}"
            )
        if set(self.weights) not in (set(LSTM_GATES), set(GRU_GATES)):
            raise ValueError(
                f"weights must have the gates {LSTM_GATES} or {GRU_GATES}, "
                f"got {tuple(self.weights)}"
            )
        for gate, triple in self.weights.items():
            if not isinstance(triple, (tuple, list)) or len(triple) != 3:
                raise ValueError(
                    f"weights[{gate!r}] must be a triple (w_x, w_h, b), got {triple!r}"
                )
            for part, value in zip(("w_x", "w_h", "b"), triple):
                checks.real_number(f"weights[{gate!r}].{part}", value)

    @property
    def cell(self) -> str:
        """ "lstm" or "gru", from the gates in `weights`."""
        return "lstm" if set(self.weights) == set(LSTM_GATES) else "gru"


@dataclass(frozen=True)
class RNNUnitStep:
    """A vanilla RNN unit h_t = tanh(w_h h_{t-1} + w_x x_t + b) and its local derivative."""

    h: float
    local_derivative: float  # dh_t/dh_{t-1} = w_h (1 - h_t^2)


@dataclass(frozen=True)
class LSTMUnitStep:
    """One LSTM step of one unit, with every intermediate value.

    - pre: gate -> pre-activation a; gates: gate -> value (i, f, o in 0..1, g in -1..1)
    - kept = f c_{t-1}, written = i g, c = kept + written, tanh_c, h = o tanh(c)
    - local_derivative: dc_t/dc_{t-1} = f
    - rnn: the vanilla RNN unit with the g gate's weights, for the same x_t and h_{t-1}
    """

    setting: UnitSetting
    pre: dict
    gates: dict
    kept: float
    written: float
    c: float
    tanh_c: float
    h: float
    local_derivative: float
    rnn: RNNUnitStep


@dataclass(frozen=True)
class GRUUnitStep:
    """One GRU step of one unit: h_t = (1 - z) n + z h_{t-1}.

    - pre: gate -> pre-activation (n's includes r * w_h h_{t-1}); gates: gate -> value
    - written = (1 - z) n, kept = z h_{t-1}, h = written + kept
    - local_derivative: z, the direct path's dh_t/dh_{t-1} (the LSTM's f)
    - full_derivative: dh_t/dh_{t-1} including the paths through r, z and n
    - rnn: the vanilla RNN unit with the n gate's weights, for the same x_t and h_{t-1}
    """

    setting: UnitSetting
    pre: dict
    gates: dict
    kept: float
    written: float
    h: float
    local_derivative: float
    full_derivative: float
    rnn: RNNUnitStep


def rnn_unit_step(x: float, h_prev: float, w_x: float, w_h: float, b: float) -> RNNUnitStep:
    """One step of a one-unit tanh RNN and its local derivative dh_t/dh_{t-1}.

    Inputs: x, h_prev, w_x, w_h, b: real numbers.
    Returns: RNNUnitStep(h, local_derivative = w_h (1 - h^2)); the lecture's W_hh diag(1 - h^2)
    for one unit.
    """
    values = [
        checks.real_number(n, v)
        for n, v in (("x", x), ("h_prev", h_prev), ("w_x", w_x), ("w_h", w_h), ("b", b))
    ]
    x, h_prev, w_x, w_h, b = values
    h = math.tanh(w_x * x + w_h * h_prev + b)
    return RNNUnitStep(h=h, local_derivative=w_h * (1.0 - h * h))


def lstm_unit_step(setting: UnitSetting) -> LSTMUnitStep:
    """One LSTM step of one hand-set unit, split into the pieces the lecture draws.

    Inputs: setting: a UnitSetting with LSTM gates i, f, o, g.
    Returns: LSTMUnitStep (all floats).
    """
    if not isinstance(setting, UnitSetting) or setting.cell != "lstm":
        raise TypeError("setting must be a UnitSetting with LSTM gates i, f, o, g")
    x, h_prev, c_prev = setting.x, setting.h_prev, setting.c_prev
    pre = {
        gate: w_x * x + w_h * h_prev + b
        for gate, (w_x, w_h, b) in ((gate, setting.weights[gate]) for gate in LSTM_GATES)
    }
    gates = {gate: _sigmoid(pre[gate]) for gate in ("i", "f", "o")}
    gates["g"] = math.tanh(pre["g"])
    kept = gates["f"] * c_prev
    written = gates["i"] * gates["g"]
    c = kept + written
    tanh_c = math.tanh(c)
    return LSTMUnitStep(
        setting=setting,
        pre=pre,
        gates=gates,
        kept=kept,
        written=written,
        c=c,
        tanh_c=tanh_c,
        h=gates["o"] * tanh_c,
        local_derivative=gates["f"],
        rnn=rnn_unit_step(x, h_prev, *setting.weights["g"]),
    )


def gru_unit_step(setting: UnitSetting) -> GRUUnitStep:
    """One GRU step of one hand-set unit (PyTorch's formulation, one bias per gate).

    n = tanh(w_x x + b + r w_h h_{t-1}): the reset gate scales only the recurrent term.
    Inputs: setting: a UnitSetting with GRU gates r, z, n (c_prev is ignored).
    Returns: GRUUnitStep (all floats).
    """
    if not isinstance(setting, UnitSetting) or setting.cell != "gru":
        raise TypeError("setting must be a UnitSetting with GRU gates r, z, n")
    x, h_prev = setting.x, setting.h_prev
    (wx_r, wh_r, b_r), (wx_z, wh_z, b_z), (wx_n, wh_n, b_n) = (
        setting.weights[gate] for gate in GRU_GATES
    )
    r = _sigmoid(wx_r * x + wh_r * h_prev + b_r)
    z = _sigmoid(wx_z * x + wh_z * h_prev + b_z)
    pre = {
        "r": wx_r * x + wh_r * h_prev + b_r,
        "z": wx_z * x + wh_z * h_prev + b_z,
        "n": wx_n * x + b_n + r * wh_n * h_prev,
    }
    n = math.tanh(pre["n"])
    # Chain rule through every gate: h depends on h_prev directly (z h_prev) and via r, z, n.
    dr = r * (1 - r) * wh_r
    dz = z * (1 - z) * wh_z
    dn = (1 - n * n) * (dr * wh_n * h_prev + r * wh_n)
    return GRUUnitStep(
        setting=setting,
        pre=pre,
        gates={"r": r, "z": z, "n": n},
        kept=z * h_prev,
        written=(1 - z) * n,
        h=(1 - z) * n + z * h_prev,
        local_derivative=z,
        full_derivative=z + (1 - z) * dn + dz * (h_prev - n),
        rnn=rnn_unit_step(x, h_prev, wx_n, wh_n, b_n),
    )


def unit_step(setting: UnitSetting):
    """lstm_unit_step or gru_unit_step, whichever fits the setting's gates."""
    if not isinstance(setting, UnitSetting):
        raise TypeError(f"setting must be a UnitSetting, got {type(setting).__name__}")
    return lstm_unit_step(setting) if setting.cell == "lstm" else gru_unit_step(setting)


# --- the four behaviours a student sets up by hand ---------------------------------------


def _lstm(x, h_prev, c_prev, i, f, o, g) -> UnitSetting:
    return UnitSetting(x=x, h_prev=h_prev, c_prev=c_prev, weights={"i": i, "f": f, "o": o, "g": g})


# Each preset drives its gates with a bias of +-4 (sigmoid(4) = 0.982) and small weights,
# so the behaviour holds for any x_t, h_{t-1} in [-1, 1].
PRESETS = {
    "forget everything": _lstm(
        1.0, 0.5, 2.0, i=(0.5, 0.0, 0.0), f=(0.0, 0.0, -4.0), o=(0.0, 0.0, 2.0), g=(1.0, 0.5, 0.0)
    ),
    "remember forever": _lstm(
        1.0, 0.5, 2.0, i=(0.0, 0.0, -4.0), f=(0.0, 0.0, 4.0), o=(0.0, 0.0, 2.0), g=(1.0, 0.5, 0.0)
    ),
    "write a new value": _lstm(
        1.0, 0.5, 2.0, i=(0.0, 0.0, 4.0), f=(0.0, 0.0, -4.0), o=(0.0, 0.0, 2.0), g=(2.0, 0.0, -3.0)
    ),
    "hide the memory": _lstm(
        1.0, 0.5, 2.0, i=(0.0, 0.0, -4.0), f=(0.0, 0.0, 4.0), o=(0.0, 0.0, -4.0), g=(1.0, 0.5, 0.0)
    ),
}

# A starting point that shows none of the four behaviours: every gate half open.
NEUTRAL = _lstm(
    1.0, 0.5, 1.0, i=(1.0, 0.0, 0.0), f=(1.0, 0.0, 0.0), o=(1.0, 0.0, 0.0), g=(1.0, 0.0, 0.0)
)
GRU_NEUTRAL = UnitSetting(
    x=1.0,
    h_prev=0.5,
    c_prev=0.0,
    weights={"r": (1.0, 0.0, 0.0), "z": (1.0, 0.0, 0.0), "n": (1.0, 1.0, 0.0)},
)


@dataclass(frozen=True)
class BehaviourCheck:
    """Whether an LSTM step shows a named behaviour, condition by condition.

    - conditions: tuple of (description, met) pairs, e.g. ("f = 0.0180 <= 0.05", True)
    """

    behaviour: str
    conditions: tuple

    @property
    def met(self) -> bool:
        return all(ok for _, ok in self.conditions)

    def report(self) -> str:
        """One line per condition, then the verdict, at fixed precision (nbval-stable)."""
        lines = [f"  [{'x' if ok else ' '}] {text}" for text, ok in self.conditions]
        verdict = "yes" if self.met else "not yet"
        return "\n".join([f"{self.behaviour}: {verdict}", *lines])


def check_behaviour(behaviour: str, step: LSTMUnitStep, tolerance: float = 0.05) -> BehaviourCheck:
    """Check that an LSTM step shows one of BEHAVIOURS, gate by gate and in its cell state.

    A behaviour needs something to act on: "forget" and "remember" need |c_{t-1}| >= 0.5,
    "write" a candidate |g| >= 0.5, "hide" a memory |c_t| >= 0.5.
    Inputs:
    - behaviour: one of BEHAVIOURS
    - step: an LSTMUnitStep (from lstm_unit_step)
    - tolerance: how close to 0 or 1 a gate must be, in (0, 0.5)
    Returns: BehaviourCheck
    """
    checks.choice("behaviour", behaviour, set(BEHAVIOURS))
    if not isinstance(step, LSTMUnitStep):
        raise TypeError(f"step must be an LSTMUnitStep, got {type(step).__name__}")
    tol = checks.real_number("tolerance", tolerance, low=1e-6, high=0.499)
    i, f, o, g = (step.gates[k] for k in LSTM_GATES)
    c_prev, c, h = step.setting.c_prev, step.c, step.h

    def low(name, value):
        return (f"{name} = {value:.4f} <= {tol:g}", value <= tol)

    def high(name, value):
        return (f"{name} = {value:.4f} >= {1 - tol:g}", value >= 1 - tol)

    def big(name, value):
        return (f"|{name}| = {abs(value):.4f} >= 0.5", abs(value) >= 0.5)

    if behaviour == "forget everything":
        conditions = (
            big("c_{t-1}", c_prev),
            low("f", f),
            (
                f"|f*c_{{t-1}}| = {abs(step.kept):.4f} <= {tol * abs(c_prev):.4f} "
                f"(c_t keeps <= {tol:g} of c_{{t-1}})",
                abs(step.kept) <= tol * abs(c_prev),
            ),
        )
    elif behaviour == "remember forever":
        conditions = (
            big("c_{t-1}", c_prev),
            high("f", f),
            low("i", i),
            (
                f"|c_t - c_{{t-1}}| = {abs(c - c_prev):.4f} <= {tol * abs(c_prev) + tol:.4f}",
                abs(c - c_prev) <= tol * abs(c_prev) + tol,
            ),
        )
    elif behaviour == "write a new value":
        conditions = (
            big("g", g),
            high("i", i),
            low("f", f),
            (
                f"|c_t - g| = {abs(c - g):.4f} <= {tol * (abs(g) + abs(c_prev)):.4f}",
                abs(c - g) <= tol * (abs(g) + abs(c_prev)),
            ),
        )
    else:  # hide the memory
        conditions = (
            big("c_t", c),
            low("o", o),
            (f"|h_t| = {abs(h):.4f} <= {tol:g}", abs(h) <= tol),
        )
    return BehaviourCheck(behaviour=behaviour, conditions=conditions)
