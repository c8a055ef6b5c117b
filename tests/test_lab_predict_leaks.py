"""No stored lab shows a Predict's measured answer above it: a number a Predict asks for is not
printed, at the precision labs print their measurements, in any markdown cell or unfolded
output before the Predict (a check cell's prints sit in a closed fold, `folded`).

The answer is read back the way the page reads it: the stored Predict's "reveal" buffer,
XORed with the key its spec carries (rnnviz.widgets.predict.mask). Only numeric answers with
a fractional part are searched for: a count ("7 rows") or a choice ("near 1") also appears in
text that does not give it away, so those stay with the reader."""

import base64
import json
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

LABS = sorted((Path(__file__).resolve().parent.parent / "labs").glob("*.ipynb"))
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
NUMBER = re.compile(r"\d+(?:\.\d+)?(?:e[+-]?\d+)?%?")
# How labs print a measurement: claims and tables at 4 decimals or 4 significant digits,
# ratios at 3, tiny and huge values in scientific notation; a fraction also as a percentage.
PRINTED = (".3f", ".4f", ".3g", ".4g", ".2e", ".3e", ".4e")
PERCENT = (".1f", ".2f")


def predict_answers(nb, cell) -> list[dict]:
    """The unmasked payloads ({"answer", "text", "explanation"}) of the Predicts a cell shows."""
    state = nb.metadata["widgets"][WIDGET_STATE]["state"]
    found = []

    def visit(model_id):
        model = state[model_id]
        spec = model["state"].get("spec")
        if isinstance(spec, dict) and "predict" in spec:
            (buffer,) = [b for b in model["buffers"] if b["path"] == ["data", "reveal", "values"]]
            raw = np.frombuffer(base64.b64decode(buffer["data"]), dtype=np.uint8)
            key = np.frombuffer(bytes.fromhex(spec["predict"]["key"]), dtype=np.uint8)
            found.append(json.loads((raw ^ np.resize(key, raw.size)).tobytes()))
        for child in model["state"].get("children", []):
            visit(child.removeprefix("IPY_MODEL_"))

    for output in cell.get("outputs", []):
        view = output.get("data", {}).get(WIDGET_VIEW)
        if view is not None:
            visit(view["model_id"])
    return found


def shown_text(cell) -> str:
    """What a cell shows without a press: its markdown, or its outputs outside folds."""
    if cell.cell_type == "markdown":
        return cell.source
    texts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            texts.append(output.text)
        elif "rnnviz-folded" not in output.get("data", {}).get("text/html", ""):
            texts.append(output.get("data", {}).get("text/plain", ""))
    return "\n".join(texts)


def printed_forms(answer: float) -> set[str]:
    """The strings a lab would print for `answer` (without a sign: the text is searched for
    unsigned numbers)."""
    value = abs(answer)
    forms = {format(value, fmt) for fmt in PRINTED}
    if value <= 1:
        forms |= {format(100 * value, fmt) + "%" for fmt in PERCENT}
    return forms


def leaks(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    above, found = [], []
    for index, cell in enumerate(nb.cells):
        for payload in predict_answers(nb, cell) if cell.cell_type == "code" else []:
            answer = payload["answer"]
            if isinstance(answer, str) or float(answer).is_integer():
                continue
            forms = printed_forms(answer)
            for where, text in above:
                if forms & set(NUMBER.findall(text)):
                    found.append(f"cell {index}'s answer {payload['text']} shows in cell {where}")
        above.append((index, shown_text(cell)))
    return found


@pytest.mark.parametrize("path", LABS, ids=lambda p: p.stem)
def test_no_predict_answer_is_shown_above_it(path):
    assert not leaks(path), leaks(path)
