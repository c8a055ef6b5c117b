"""A tiny real RNN run through an unrolled graph: every node's value and every use's gradient.

`run_graph` makes a small vanilla RNN (random weights, random inputs and targets, all from
one seed), runs it forward through an `rnnviz.gradients.graph.UnrolledGraph` one step at a time with
the numpy reference layers, and backward again with `rnn_step_backward`. Because the same
W_hh is used on every h_{t-1} -> h_t edge, its gradient is a sum of one term per edge:

    dL/dW_hh = sum_t h_{t-1}^T (dL/dh_t * (1 - h_t^2))      (lecture 10: "sum the gradients")

`GraphRun.edge_gradients` keeps each term on its edge; `sequence_gradients` recomputes the
totals with `rnn_forward`/`rnn_backward` in one call per chain, so the two can be compared.
"""

from dataclasses import dataclass

import numpy as np

from rnnviz import checks
from rnnviz.gradients.graph import UnrolledGraph, family
from rnnviz.reference import (
    rnn_backward,
    rnn_forward,
    rnn_step_backward,
    rnn_step_forward,
    temporal_affine_backward,
    temporal_affine_forward,
    temporal_softmax_loss,
)


@dataclass
class GraphRun:
    """The forward and backward pass of a tiny RNN over one unrolled graph.

    - values: node name -> its value: x_t (D,), h_t (H,), y_t scores (V,), L_t and L
      scalars (0-d arrays), parameters their matrices
    - node_gradients: node name -> dL/d(node), same shapes (parameters: the summed total)
    - edge_gradients: (source, target) -> that one use's term in dL/dW for the edge's
      parameter (the matrix's shape); only edges that use a parameter
    - targets: output node name -> its target class
    - loss: the total loss L = sum_t L_t
    """

    graph: UnrolledGraph
    values: dict
    node_gradients: dict
    edge_gradients: dict
    targets: dict
    loss: float

    def gradient(self, parameter: str) -> np.ndarray:
        """dL/dW for one parameter, e.g. "W_hh": the sum of its edges' terms."""
        checks.choice("parameter", parameter, self.graph.parameters)
        return self.node_gradients[parameter]

    def uses(self, parameter: str) -> list[tuple[int, np.ndarray]]:
        """[(step, term)] for every use of `parameter`, in time order."""
        checks.choice("parameter", parameter, self.graph.parameters)
        return [
            (e.step, self.edge_gradients[(e.source, e.target)]) for e in self.graph.uses(parameter)
        ]


def tiny_weights(
    graph: UnrolledGraph, *, input_size=2, hidden_size=3, output_size=2, seed=0
) -> dict:
    """Random weights for every parameter of `graph`, scaled by 1/sqrt(fan-in).

    Returns:
    - dict parameter name -> W_xh (D, H), W_hh (H, H) or W_hy (H, V), float64
    """
    sizes = _sizes(input_size, hidden_size, output_size)
    rng = np.random.default_rng(checks.seed("seed", seed))
    shapes = {
        "W_xh": (sizes[0], sizes[1]),
        "W_hh": (sizes[1], sizes[1]),
        "W_hy": (sizes[1], sizes[2]),
    }
    return {
        name: rng.standard_normal(shapes[family(name)]) / np.sqrt(shapes[family(name)][0])
        for name in graph.parameters
    }


def run_graph(
    graph: UnrolledGraph, *, input_size=2, hidden_size=3, output_size=2, seed=0, weights=None
) -> GraphRun:
    """Run a tiny vanilla RNN forward and backward through every node and edge of `graph`.

    h_t = tanh(x_t W_xh + h_{t-1} W_hh) with h_0 = 0, y_t = h_t W_hy, L_t = softmax
    cross-entropy of y_t against a random class, L = sum_t L_t (no biases, as in the
    lecture's equations).

    Inputs:
    - graph: from rnnviz.gradients.graph.build_graph
    - input_size, hidden_size, output_size: D, H, V
    - seed: draws the inputs, the targets and (unless given) the weights
    - weights: optional dict parameter name -> matrix, e.g. to nudge one entry

    Returns:
    - GraphRun
    """
    if not isinstance(graph, UnrolledGraph):
        raise TypeError(f"graph must be an UnrolledGraph, got {type(graph).__name__}")
    D, H, V = _sizes(input_size, hidden_size, output_size)
    # Each use of a weight in the graph gets its own term of dL/dW: one (H, H) matrix each.
    checks.within_budget(
        {"hidden_size": H, "input_size": D, "output_size": V},
        (len(graph.edges) + 3) * (H + D + V) ** 2,
    )
    seed = checks.seed("seed", seed)
    if weights is None:
        weights = tiny_weights(graph, input_size=D, hidden_size=H, output_size=V, seed=seed)
    _check_weights(graph, weights, D, H, V)
    rng = np.random.default_rng(seed + 1)
    values = {n.name: rng.standard_normal(D) for n in graph.nodes_of_kind("input")}
    targets = {n.name: int(rng.integers(V)) for n in graph.nodes_of_kind("output")}
    values.update({n.name: np.zeros(H) for n in graph.nodes_of_kind("hidden") if n.step == 0})
    values.update(weights)
    grads = {name: np.zeros_like(value) for name, value in values.items()}
    edge_gradients, caches = {}, {}
    _forward(graph, weights, values, caches, D, H)
    loss = _losses(graph, weights, targets, values, grads, edge_gradients, V)
    _backward(graph, grads, caches, edge_gradients, H)
    for e in graph.edges:
        if e.parameter:
            grads[e.parameter] = grads[e.parameter] + edge_gradients[(e.source, e.target)]
    return GraphRun(graph, values, grads, edge_gradients, targets, float(loss))


def _forward(graph, weights, values, caches, D, H) -> None:
    """Every h_t, chain by chain (the encoder before the decoder that reads its last state),
    into `values`; each step's cache into `caches`."""
    for steps in _chains(graph):
        for h, x_edge, h_edge, _ in steps:
            x = values[x_edge.source] if x_edge else np.zeros(D)
            prev_h = values[h_edge.source] if h_edge else np.zeros(H)
            W_hh = weights[h_edge.parameter] if h_edge else np.zeros((H, H))
            W_xh = weights[x_edge.parameter] if x_edge else np.zeros((D, H))
            next_h, caches[h] = rnn_step_forward(x[None], prev_h[None], W_xh, W_hh, np.zeros(H))
            values[h] = next_h[0]  # (H,)


def _losses(graph, weights, targets, values, grads, edge_gradients, V) -> float:
    """Each output's scores and softmax loss, and their gradients back to its h_t (the W_hy
    edges); returns L = sum_t L_t."""
    loss = 0.0
    for e in (e for e in graph.edges if e.parameter and family(e.parameter) == "W_hy"):
        h = values[e.source][None, None]  # (1, 1, H)
        scores, affine_cache = temporal_affine_forward(h, weights[e.parameter], np.zeros(V))
        step_loss, dscores = temporal_softmax_loss(
            scores, np.array([[targets[e.target]]]), np.ones((1, 1), dtype=bool)
        )
        dh, dW, _ = temporal_affine_backward(dscores, affine_cache)
        values[e.target], grads[e.target] = scores[0, 0], dscores[0, 0]  # (V,)
        loss_node = _loss_of(graph, e.target)
        values[loss_node], grads[loss_node] = np.array(step_loss), np.array(1.0)
        grads[e.source] = grads.get(e.source, np.zeros_like(dh[0, 0])) + dh[0, 0]
        edge_gradients[(e.source, e.target)] = dW
        loss += step_loss
    values["L"], grads["L"] = np.array(loss), np.array(1.0)
    return loss


def _backward(graph, grads, caches, edge_gradients, H) -> None:
    """Back through every step in exactly the reverse order, so each h_t's gradient is
    complete when it is reached; each use's dL/dW term goes on its edge."""
    for steps in reversed(_chains(graph)):
        for h, x_edge, h_edge, _ in reversed(steps):
            grads.setdefault(h, np.zeros(H))
            dx, dprev_h, dW_xh, dW_hh, _ = rnn_step_backward(grads[h][None], caches[h])
            if x_edge:
                grads[x_edge.source] = grads[x_edge.source] + dx[0]
                edge_gradients[(x_edge.source, h)] = dW_xh
            if h_edge:
                grads[h_edge.source] = grads.get(h_edge.source, np.zeros(H)) + dprev_h[0]
                edge_gradients[(h_edge.source, h)] = dW_hh


def sequence_gradients(run: GraphRun) -> tuple[float, dict]:
    """Recompute L and dL/dW with whole-sequence `rnn_forward`/`rnn_backward`.

    The independent check of `run_graph`'s per-edge terms: it reuses only the run's
    inputs, targets and weights, and one `rnn_backward` call per chain sums over the steps
    internally. A step without an input reads a zero vector.

    Inputs:
    - run: a GraphRun
    Returns:
    - loss: float, L
    - grads: dict parameter name -> dL/dW
    """
    if not isinstance(run, GraphRun):
        raise TypeError(f"run must be a GraphRun, got {type(run).__name__}")
    values, grads, loss = run.values, {}, 0.0
    chains = _chains(run.graph)
    H = values[chains[0][0][0]].shape[0]
    forward, h_last = [], None
    for steps in chains:
        x_edge = next(s[1] for s in steps if s[1])
        h_edge = next((s[2] for s in steps if s[2]), None)
        D = values[x_edge.source].shape[0]
        W_hh = values[h_edge.parameter] if h_edge else np.zeros((H, H))
        x = np.stack([values[s[1].source] if s[1] else np.zeros(D) for s in steps])[None]
        h0 = np.zeros((1, H)) if h_last is None else h_last  # the encoder's summary
        h, cache = rnn_forward(x, h0, values[x_edge.parameter], W_hh, np.zeros(H))
        h_last = h[:, -1]  # (1, H)
        dh = np.zeros_like(h)  # (1, T, H) gradients from this chain's own outputs
        y_edge = next((s[3] for s in steps if s[3]), None)
        if y_edge:
            mask = np.array([[s[3] is not None for s in steps]])  # (1, T)
            y = np.array([[run.targets[s[3].target] if s[3] else 0 for s in steps]])
            V = values[y_edge.parameter].shape[1]
            scores, affine_cache = temporal_affine_forward(h, values[y_edge.parameter], np.zeros(V))
            chain_loss, dscores = temporal_softmax_loss(scores, y, mask)
            dh, grads[y_edge.parameter], _ = temporal_affine_backward(dscores, affine_cache)
            loss += chain_loss
        forward.append((x_edge, h_edge, cache, dh))
    dh0 = None
    for x_edge, h_edge, cache, dh in reversed(forward):
        if dh0 is not None:  # the decoder's gradient flows into the encoder's last state
            dh[:, -1] += dh0
        _, dh0, grads[x_edge.parameter], dW_hh, _ = rnn_backward(dh, cache)
        if h_edge:
            grads[h_edge.parameter] = dW_hh
    return float(loss), grads


def _sizes(input_size, hidden_size, output_size):
    return (
        checks.positive_int("input_size", input_size),
        checks.positive_int("hidden_size", hidden_size),
        checks.positive_int("output_size", output_size),
    )


def _check_weights(graph, weights, D, H, V):
    if not isinstance(weights, dict) or set(weights) != set(graph.parameters):
        raise ValueError(
            f"weights must be a dict with keys {graph.parameters}, got "
            f"{sorted(weights) if isinstance(weights, dict) else weights!r}"
        )
    shapes = {"W_xh": (D, H), "W_hh": (H, H), "W_hy": (H, V)}
    for name, w in weights.items():
        checks.array(f"weights[{name!r}]", w, shape=shapes[family(name)])


def _loss_of(graph, output):
    return next(e.target for e in graph.edges if e.source == output)


def _chains(graph):
    """[[(h, x_edge, h_edge, y_edge) per step] per chain], in the order the forward runs."""
    into = {}
    for e in graph.edges:
        if e.parameter:
            into.setdefault((e.target, family(e.parameter)), e)
    out_of = {e.source: e for e in graph.edges if e.parameter and family(e.parameter) == "W_hy"}
    chains = []
    for part in ("", "encoder", "decoder"):
        steps = [
            (n.name, into.get((n.name, "W_xh")), into.get((n.name, "W_hh")), out_of.get(n.name))
            for n in graph.nodes_of_kind("hidden")
            if n.part == part and n.step > 0
        ]
        if steps:
            chains.append(steps)
    return chains


def torch_replay(run: GraphRun):
    """The same tiny RNN, inputs and targets as `run`, written in torch with an explicit loop.

    autograd then builds its own graph of the unrolled computation (see
    rnnviz.gradients.graph.autograd_graph) and its gradients must equal the run's.

    Inputs:
    - run: a GraphRun
    Returns:
    - loss: scalar float64 tensor, L
    - parameters: name -> leaf tensor (requires_grad) for every parameter of the graph
    """
    import torch

    if not isinstance(run, GraphRun):
        raise TypeError(f"run must be a GraphRun, got {type(run).__name__}")
    params = {
        name: torch.tensor(run.values[name], requires_grad=True) for name in run.graph.parameters
    }
    values = {name: torch.tensor(v) for name, v in run.values.items() if name not in params}
    loss = torch.zeros((), dtype=torch.float64)
    for steps in _chains(run.graph):
        for h, x_edge, h_edge, y_edge in steps:
            a = 0
            if x_edge:
                a = a + values[x_edge.source] @ params[x_edge.parameter]  # (H,)
            if h_edge:
                a = a + values[h_edge.source] @ params[h_edge.parameter]  # (H,)
            values[h] = torch.tanh(a)
            if y_edge:
                scores = values[h] @ params[y_edge.parameter]  # (V,)
                target = torch.tensor(run.targets[y_edge.target])
                loss = loss + torch.nn.functional.cross_entropy(scores[None], target[None])
    return loss, params
