"""A linear recurrence h_t = a_t * h_{t-1} + b_t, by a loop of T steps or a scan of log2 T rounds.

Element-wise linear recurrences are what the LRU and minGRU reduce to. Because the step
(a, b): h -> a h + b is an affine map, two steps compose into one: (a1, b1) then (a2, b2) is
(a2 a1, a2 b1 + b2). That composition is associative, so all T prefixes can be computed by a
parallel (inclusive) scan: in round r every position t combines with the position 2^(r-1)
before it, and after ceil(log2 T) rounds position t holds the composition of steps 1..t
(Hillis and Steele 1986; Blelloch 1990). It does O(T log T) work instead of T, in
ceil(log2 T) sequential rounds instead of T steps.

Heinsen (2023), "Efficient Parallelization of a Ubiquitous Sequential Computation", computes
the same prefixes for positive a and b in log space with two cumulative ops:
log h_t = a*_t + logcumsumexp(log b - a*)_t with a*_t = sum_{s <= t} log a_s (Feng et al.
2024 use it for minGRU).

Every function takes (N, T, H) tensors (real or complex) with time on dim 1.
"""

import math

import torch
import torch.nn.functional as F

from rnnviz import checks


def scan_depth(seq_len: int) -> int:
    """The number of rounds a parallel scan over `seq_len` steps needs: ceil(log2 T).

    Inputs: seq_len: T >= 1. Returns: int (0 for T = 1).
    """
    T = checks.positive_int("seq_len", seq_len)
    return math.ceil(math.log2(T)) if T > 1 else 0


def _numbers(name, value, complex_ok=True):
    """Check a 3-d float (or complex) tensor, naming it."""
    checks.tensor(name, value, ndim=3, finite=False)
    if not (value.is_floating_point() or (complex_ok and value.is_complex())):
        kind = "float or complex" if complex_ok else "float"
        raise TypeError(f"{name} must be a {kind} tensor, got {value.dtype}")
    return value


def _check(a, b, h0):
    _numbers("a", a)
    _numbers("b", b)
    if a.shape != b.shape:
        raise ValueError(
            f"a and b must have the same shape, got {tuple(a.shape)} and {tuple(b.shape)}"
        )
    if 0 in a.shape:
        raise ValueError(
            f"a must have shape (N, T, H) with no empty dimension, got {tuple(a.shape)}"
        )
    if h0 is not None:
        checks.tensor("h0", h0, shape=(a.shape[0], a.shape[2]), finite=False)
        if not (h0.is_floating_point() or h0.is_complex()):
            raise TypeError(f"h0 must be a float or complex tensor, got {h0.dtype}")
        # h_1 = a_1 h0 + b_1: the initial state folds into the first step's b.
        b = torch.cat([(a[:, 0] * h0 + b[:, 0]).unsqueeze(1), b[:, 1:]], dim=1)
    return b


def sequential_scan(a, b, h0=None):
    """h_t = a_t * h_{t-1} + b_t for t = 1..T, one step at a time (h_0 = h0, default 0).

    The loop reads each step with `unbind` (one view a step): indexing a[:, t] inside the
    loop would make every step's backward pass write into a full-size gradient, T^2 work.
    Inputs: a, b: (N, T, H) tensors; h0: (N, H) or None.
    Returns: h: (N, T, H)
    """
    b = _check(a, b, h0)
    h = torch.zeros_like(b[:, 0])
    states = []
    for a_t, b_t in zip(a.unbind(1), b.unbind(1)):
        h = a_t * h + b_t  # (N, H)
        states.append(h)
    return torch.stack(states, dim=1)


def scan_rounds(a, b, h0=None):
    """Every round of the parallel scan of h_t = a_t * h_{t-1} + b_t: what each position holds.

    Round 0 is the inputs (a, b). In round r = 1..ceil(log2 T), position t >= d = 2^(r-1)
    replaces its pair (A_t, B_t) by (A_t A_{t-d}, A_t B_{t-d} + B_t): it then holds the
    composition of the 2^r steps ending at t (or of all steps 1..t). The last round's B is h.
    Inputs: a, b: (N, T, H) tensors; h0: (N, H) or None.
    Returns: list of ceil(log2 T) + 1 tensors (N, T, H): B after each round, round 0 first.
    """
    b = _check(a, b, h0)
    A, B = a, b
    rounds = [B]
    d = 1
    while d < a.shape[1]:
        # Out of place: every position reads its partner's pair from before this round. The
        # first d positions have no partner: they meet the identity step (A, B) = (1, 0),
        # padded in, so each round slices only twice (a slice's backward pass fills a
        # full-size zero tensor, which dominated the cost).
        B = A * F.pad(B[:, :-d], (0, 0, d, 0)) + B  # (N, T, H)
        A = A * F.pad(A[:, :-d], (0, 0, d, 0), value=1.0)  # (N, T, H)
        rounds.append(B)
        d *= 2
    return rounds


def parallel_scan(a, b, h0=None):
    """h_t = a_t * h_{t-1} + b_t for t = 1..T by a parallel scan in ceil(log2 T) rounds.

    Equal to sequential_scan up to rounding (the products are taken in another order).
    Inputs: a, b: (N, T, H) tensors; h0: (N, H) or None.
    Returns: h: (N, T, H)
    """
    return scan_rounds(a, b, h0)[-1]


def log_space_scan(log_a, log_b, log_h0=None):
    """h_t = a_t h_{t-1} + b_t for positive a, b, computed in log space (Heinsen 2023).

    a*_t = sum_{s<=t} log a_s; log h_t = a*_t + logcumsumexp_{s<=t}(log b_s - a*_s). Two
    cumulative operations, each a parallel scan inside torch. With an initial state, h0
    enters as a step 0 with log b_0 = log h0.
    Inputs: log_a, log_b: (N, T, H) real tensors; log_h0: (N, H) or None.
    Returns: h: (N, T, H) (positive)
    """
    _numbers("log_a", log_a, complex_ok=False)
    _numbers("log_b", log_b, complex_ok=False)
    if log_a.shape != log_b.shape or 0 in log_a.shape:
        raise ValueError(
            f"log_a and log_b must have the same non-empty shape (N, T, H), got "
            f"{tuple(log_a.shape)} and {tuple(log_b.shape)}"
        )
    if log_h0 is not None:
        checks.tensor("log_h0", log_h0, shape=(log_a.shape[0], log_a.shape[2]), finite=False)
        if not log_h0.is_floating_point():
            raise TypeError(f"log_h0 must be a float tensor, got {log_h0.dtype}")
        log_a = torch.cat([torch.zeros_like(log_h0).unsqueeze(1), log_a], dim=1)
        log_b = torch.cat([log_h0.unsqueeze(1), log_b], dim=1)
    a_star = torch.cumsum(log_a, dim=1)  # (N, T, H)
    log_h = a_star + torch.logcumsumexp(log_b - a_star, dim=1)  # (N, T, H)
    h = torch.exp(log_h)
    return h if log_h0 is None else h[:, 1:]
