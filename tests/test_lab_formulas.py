"""Every lab writes the GRU update the way rnnviz.reference.gru computes it.

Two conventions circulate: h_t = (1 - z) n + z h_{t-1} (PyTorch's, the package's) and
h_t = (1 - z) h_{t-1} + z n (Cho et al. 2014's paper). Each lab's formula is read from its
markdown, turned into arithmetic and evaluated on the gates of a real reference GRU step.
"""

import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from rnnviz.reference import gru_step_forward

LABS = sorted((Path(__file__).resolve().parent.parent / "labs").glob("*.ipynb"))
# A GRU update in LaTeX: h_t = ... with z in it, up to the closing $.
GRU_UPDATE = re.compile(r"h_t\s*=\s*([^$=]*\bz[^$=]*)\$")


def gru_formulas(path: Path) -> list:
    """The right-hand sides of every GRU update written in the lab's markdown."""
    nb = nbformat.read(path, as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return [m.group(1).strip() for m in GRU_UPDATE.finditer(text) if "n" in m.group(1)]


def as_python(latex: str) -> str:
    """E.g. "(1-z_t) \\odot n_t + z_t \\odot h_{t-1}" -> "(1-z)*n+z*h"."""
    expr = re.sub(r"\\odot|\\cdot|\s", "", latex)
    expr = expr.replace("h_{t-1}", "h").replace("z_t", "z").replace("n_t", "n")
    expr = re.sub(r"(?<=[)a-z])(?=[(a-z])", "*", expr)  # implicit products
    if not re.fullmatch(r"[()+\-*0-9hzn]+", expr):
        raise ValueError(f"cannot read the GRU formula {latex!r} (as {expr!r})")
    return expr


def reference_step():
    """One reference GRU step: its gates z, n, the previous state h and the next state."""
    rng = np.random.default_rng(0)
    N, D, H = 3, 4, 5
    x, h = rng.standard_normal((N, D)), rng.standard_normal((N, H))
    Wx, Wh = rng.standard_normal((D, 3 * H)), rng.standard_normal((H, 3 * H))
    bx, bh = rng.standard_normal(3 * H), rng.standard_normal(3 * H)
    next_h, cache = gru_step_forward(x, h, Wx, Wh, bx, bh)
    _, _, _, _, _, z, n, _ = cache
    return {"z": z, "n": n, "h": h}, next_h


def test_the_formula_reader_tells_the_two_conventions_apart():
    gates, next_h = reference_step()
    torch_form = eval(as_python(r"(1 - z_t) \odot n_t + z_t \odot h_{t-1}"), {}, gates)
    paper_form = eval(as_python(r"(1-z)\cdot h_{t-1} + z\cdot n"), {}, gates)
    assert np.allclose(torch_form, next_h)
    assert not np.allclose(paper_form, next_h)


def test_labs_that_teach_the_gru_write_its_update():
    teaching = {path.name for path in LABS if gru_formulas(path)}
    assert {
        "04_vanishing_gradients.ipynb",
        "05_lstm_gates.ipynb",
        "06_long_range_memory.ipynb",
    } <= teaching


@pytest.mark.parametrize("path", LABS, ids=lambda p: p.stem)
def test_each_gru_formula_in_a_lab_is_the_packages(path):
    gates, next_h = reference_step()
    for latex in gru_formulas(path):
        assert np.allclose(eval(as_python(latex), {}, gates), next_h), (
            f"{path.name} writes h_t = {latex}, which is not rnnviz.reference.gru's update"
        )
