"""The computational graph of an RNN unrolled in time, as plain data (no drawing).

Lecture 10 draws the recurrence h_t = tanh(W_hh h_{t-1} + W_xh x_t), y_t = W_hy h_t as a
graph unrolled over T steps: f_W(h_0, x_1) -> h_1, f_W(h_1, x_2) -> h_2, ... The *same*
W_xh, W_hh, W_hy are used at every step, so every edge here is tagged with the parameter
it uses and `uses("W_hh")` lists every place one matrix is re-used. Five shapes:

- one-to-one: a plain feed-forward net (x -> h -> y), no recurrence;
- one-to-many: one input, an output at every step (image captioning);
- many-to-one: an input at every step, one output at the end (sentiment analysis);
- many-to-many: an input and a label at every step (tagging);
- seq2seq: a many-to-one encoder, then a one-to-many decoder with its own weights
  (translation). Decoder nodes and weights carry a prime: h'_t, W'_hh.

Layout (deterministic): step t sits in column x = t (the decoder continues after the
encoder); rows bottom to top are inputs, hidden states, outputs, per-step losses and the
total loss; the parameters sit in a row below the inputs.
"""

from dataclasses import dataclass

from rnnviz import checks

SHAPES = ("one-to-one", "one-to-many", "many-to-one", "many-to-many", "seq2seq")
PARAMETER_FAMILIES = ("W_xh", "W_hh", "W_hy")
NODE_KINDS = ("input", "hidden", "output", "step_loss", "loss", "parameter")

# Row (y coordinate) of each kind of node.
_ROW = {
    "parameter": -1.0,
    "input": 0.0,
    "hidden": 1.0,
    "output": 2.0,
    "step_loss": 3.0,
    "loss": 4.0,
}


@dataclass(frozen=True)
class Node:
    """One node of the unrolled graph.

    - name: unique id, e.g. "x_2", "h_0", "y_3", "L_3", "L", "W_hh"; decoder ones are primed
      ("h'_2", "W'_hh")
    - kind: one of NODE_KINDS
    - step: the time step t (None for the total loss and the parameters)
    - part: "encoder" or "decoder" in seq2seq, "" otherwise
    - x, y: layout position
    """

    name: str
    kind: str
    step: int | None
    part: str
    x: float
    y: float


@dataclass(frozen=True)
class Edge:
    """A directed edge source -> target; `parameter` names the weight it uses (or None)."""

    source: str
    target: str
    parameter: str | None
    step: int | None


@dataclass(frozen=True)
class UnrolledGraph:
    """An unrolled computational graph: nodes, parameter-tagged edges and their layout."""

    shape: str
    seq_len: int
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def node(self, name: str) -> Node:
        """The node called `name` (KeyError if there is none)."""
        for node in self.nodes:
            if node.name == name:
                return node
        raise KeyError(f"no node named {name!r} in the {self.shape} graph")

    def nodes_of_kind(self, kind: str) -> list[Node]:
        """Every node of one kind ("input", "hidden", ...), in layout order."""
        checks.choice("kind", kind, NODE_KINDS)
        return [node for node in self.nodes if node.kind == kind]

    @property
    def parameters(self) -> list[str]:
        """The names of the parameter nodes, e.g. ["W_xh", "W_hh", "W_hy"]."""
        return [node.name for node in self.nodes_of_kind("parameter")]

    def uses(self, parameter: str) -> list[Edge]:
        """Every edge that uses the parameter called exactly `parameter` (e.g. "W'_hh")."""
        return [e for e in self.edges if e.parameter == parameter]

    def uses_family(self, name: str) -> list[Edge]:
        """Every edge that uses a W_xh, W_hh or W_hy: the encoder's and the decoder's."""
        checks.choice("name", name, PARAMETER_FAMILIES)
        return [e for e in self.edges if e.parameter and family(e.parameter) == name]


def family(parameter: str) -> str:
    """The family of a parameter name: "W'_hh" -> "W_hh"."""
    return parameter.replace("'", "")


def build_graph(shape: str, seq_len: int) -> UnrolledGraph:
    """Unroll a vanilla RNN of the given shape over `seq_len` steps.

    Inputs:
    - shape: one of SHAPES
    - seq_len: T >= 1, the number of steps (one-to-one has exactly 1; in seq2seq both
      the encoder and the decoder run T steps)

    Returns:
    - UnrolledGraph with nodes, parameter-tagged edges and a deterministic layout
    """
    checks.choice("shape", shape, SHAPES)
    seq_len = checks.positive_int("seq_len", seq_len)
    # About 5 nodes and 8 edges a step, each a small Python object (~40 numbers' worth).
    checks.within_budget({"seq_len": seq_len}, 520 * seq_len)
    if shape == "one-to-one" and seq_len != 1:
        raise ValueError(f"seq_len must be 1 for a one-to-one graph, got {seq_len}")
    builder = _Builder()
    steps = range(1, seq_len + 1)
    if shape == "one-to-one":
        builder.chain(steps, inputs={1}, outputs={1}, recurrent=False)
    elif shape == "one-to-many":
        builder.chain(steps, inputs={1}, outputs=set(steps))
    elif shape == "many-to-one":
        builder.chain(steps, inputs=set(steps), outputs={seq_len})
    elif shape == "many-to-many":
        builder.chain(steps, inputs=set(steps), outputs=set(steps))
    else:
        builder.chain(steps, inputs=set(steps), outputs=set(), part="encoder")
        # The decoder's first state is computed from the encoder's last one: the one
        # vector that summarises the whole input sequence.
        builder.chain(
            steps,
            inputs=set(steps),
            outputs=set(steps),
            part="decoder",
            start=f"h_{seq_len}",
            column0=seq_len,
        )
    builder.total_loss()
    return UnrolledGraph(shape, seq_len, tuple(builder.nodes), tuple(builder.edges))


class _Builder:
    """Collects nodes and edges for `build_graph`, one recurrent chain at a time."""

    def __init__(self):
        self.nodes: list[Node] = []
        self.edges: list[Edge] = []

    def add(self, name, kind, step, part, x):
        self.nodes.append(Node(name, kind, step, part, float(x), _ROW[kind]))

    def chain(self, steps, *, inputs, outputs, recurrent=True, part="", start=None, column0=0):
        """Add one RNN's steps; `start` is the node its first step reads as h_{t-1}."""
        prime = "'" if part == "decoder" else ""
        w_xh, w_hh, w_hy = (f"W{prime}_xh", f"W{prime}_hh", f"W{prime}_hy")
        first_node = len(self.nodes)
        if recurrent and start is None:
            start = "h_0"
            self.add(start, "hidden", 0, part, column0)
        prev = start
        for t in steps:
            x, h, y, loss = (f"{v}{prime}_{t}" for v in ("x", "h", "y", "L"))
            if part == "decoder":  # outputs and losses are the model's, not primed
                y, loss = f"y_{t}", f"L_{t}"
            column = column0 + t
            if t in inputs:
                self.add(x, "input", t, part, column)
            self.add(h, "hidden", t, part, column)
            if t in inputs:
                self.edges.append(Edge(x, h, w_xh, t))
            if recurrent:
                self.edges.append(Edge(prev, h, w_hh, t))
            if t in outputs:
                self.add(y, "output", t, part, column)
                self.add(loss, "step_loss", t, part, column)
                self.edges.append(Edge(h, y, w_hy, t))
                self.edges.append(Edge(y, loss, None, t))
            prev = h
        used = [w_xh] + ([w_hh] if recurrent else []) + ([w_hy] if outputs else [])
        # Parameters spread evenly under their own chain.
        first, last = self.nodes[first_node].x, column0 + max(steps)
        width = max(last - first + 1, 1.6)
        for k, name in enumerate(used):
            x = (first + last - width) / 2 + width * (k + 1) / (len(used) + 1)
            self.nodes.append(Node(name, "parameter", None, part, x, _ROW["parameter"]))

    def total_loss(self):
        step_losses = [n for n in self.nodes if n.kind == "step_loss"]
        x = sum(n.x for n in step_losses) / len(step_losses)
        self.add("L", "loss", None, "", x)
        self.edges.extend(Edge(n.name, "L", None, n.step) for n in step_losses)


@dataclass(frozen=True)
class AutogradGraph:
    """torch's own backward graph of a tensor, as plain data.

    - nodes: (name, kind, x, y) per node; kind is "op" (a grad_fn such as TanhBackward0)
      or "parameter" (an AccumulateGrad leaf, named after `parameters`)
    - edges: (source index, target index) pairs, in the direction the forward data flowed
    - uses: parameter name -> how many operations read it (its gradient sums that many terms)
    """

    nodes: tuple
    edges: tuple
    uses: dict


def autograd_graph(output, parameters: dict) -> AutogradGraph:
    """Walk `output.grad_fn.next_functions` back to the leaves; lay the nodes out by depth.

    Inputs:
    - output: a torch tensor with a grad_fn (e.g. a loss)
    - parameters: name -> leaf tensor (requires_grad) whose AccumulateGrad node gets that name
    Returns:
    - AutogradGraph: the output sits at the right, each node one column left of its
      furthest consumer (x = -depth); the parameters in a row below the operations
    """
    import torch

    checks.tensor("output", output, finite=False)
    if output.grad_fn is None:
        raise ValueError("output must have a grad_fn (computed from tensors that require grad)")
    names = {id(t): name for name, t in parameters.items()}
    order, parents = _reachable(output.grad_fn)
    edges = {(j, k) for k, js in enumerate(parents) for j in js}
    depth = _depths(parents, edges)
    kinds, labels = [], []
    for fn in order:
        variable = getattr(fn, "variable", None)  # set on AccumulateGrad leaves only
        if isinstance(variable, torch.Tensor):
            kinds.append("parameter")
            labels.append(names.get(id(variable), "leaf"))
        else:
            kinds.append("op")
            labels.append(type(fn).__name__)
    # Operations of one depth share a column, centred on y = 0; the parameters get a row
    # of their own below, so the lines from a leaf to each operation reading it fan out.
    columns = {}
    for k in range(len(order)):
        if kinds[k] == "op":
            columns.setdefault(depth[k], []).append(k)
    y = {k: i - (len(col) - 1) / 2 for col in columns.values() for i, k in enumerate(col)}
    bottom = min(y.values()) - 1.0
    nodes = tuple(
        (labels[k], kinds[k], float(-depth[k]), float(y.get(k, bottom))) for k in range(len(order))
    )
    uses = {}
    for source, _ in edges:
        if kinds[source] == "parameter":
            uses[labels[source]] = uses.get(labels[source], 0) + 1
    return AutogradGraph(nodes, tuple(sorted(edges)), uses)


def _reachable(grad_fn) -> tuple[list, list]:
    """Every grad_fn reachable from `grad_fn`, each once (the start first), and for each the
    indexes of the functions it passes its gradient on to."""
    order, index, stack = [], {}, [grad_fn]
    while stack:
        fn = stack.pop()
        if id(fn) in index:
            continue
        index[id(fn)] = len(order)
        order.append(fn)
        stack.extend(parent for parent, _ in fn.next_functions if parent is not None)
    parents = [{index[id(p)] for p, _ in fn.next_functions if p is not None} for fn in order]
    return order, parents


def _depths(parents: list, edges: set) -> list:
    """Each node's longest path from node 0 (the output), by Kahn's order: a node is placed
    once all its consumers are, one column left of the furthest."""
    consumers = [0] * len(parents)
    for j, _ in edges:
        consumers[j] += 1
    depth, ready = [0] * len(parents), [0]
    while ready:
        k = ready.pop()
        for j in parents[k]:
            depth[j] = max(depth[j], depth[k] + 1)
            consumers[j] -= 1
            if consumers[j] == 0:
                ready.append(j)
    return depth
