"""A Predict widget in the page: before Check no answer is in the page (neither its text nor
its attributes), the student commits a guess, Check reveals the measured answer, the
distance and the explanation, and the kernel hears the guess (`widget.prediction`). The
same notebook's HTML export reveals the answer offline, and its file holds no answer text.
A check cell's printed answer, `folded`, stays out of sight in both until the student opens
its fold, and markup in it stays text.

The notebook computes its answers, as a lab does, so its source holds no answer either.
"""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = "predict_check.ipynb"
FACTOR = 0.83  # the per-step shrink of the question below
SETUP = "from rnnviz import setup_lab\nseed = setup_lab(seed=0)"
NUMBER_CELL = f"""import math
import ipywidgets
from rnnviz.widgets import Predict
steps = math.log(1e-6) / math.log({FACTOR})
explanation = f"Each step multiplies the gradient by {FACTOR}: {{steps:.2f}} steps reach 1e-6."
number = Predict("After how many steps is the gradient 1e-6 of its size?", steps, explanation,
                 low=1, high=1000, log=True, unit="steps", fmt=".4g")
heard = ipywidgets.Label("kernel heard nothing")
def hear(_):
    heard.value = f"kernel heard {{number.prediction:.4g}}"
number.chart.on_event("predict", hear)
display(number, heard)"""
CHOICE_CELL = """cells = ["the RNN", "the LSTM"]
remembers = cells[int(steps) % 2]  # a computed choice
choice = Predict("Which cell remembers?", remembers, f"The answer was {remembers} by parity.",
                 choices=cells)
choice"""
FOLD_CELL = """from rnnviz.widgets.predict import folded
with folded("Check: open it after you commit your prediction"):
    print(f"steps to 1e-6, rounded up: {math.ceil(steps)}")
    print("<b id=folded-injected>markup</b> & text")"""
PAGE_TEXT_JS = """() => document.documentElement.textContent + '\\n' +
    [...document.querySelectorAll('*')]
        .flatMap(e => [...e.attributes].map(a => a.value)).join(' ')"""


def answers():
    """The texts the reveal shows, computed as the notebook computes them."""
    import math

    steps = math.log(1e-6) / math.log(FACTOR)
    remembers = ["the RNN", "the LSTM"][int(steps) % 2]
    return {
        "number": format(steps, ".4g"),
        "explanation": f"{steps:.2f} steps reach 1e-6",
        "choice": f"The answer was {remembers} by parity",
    }


def write_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    cells = (SETUP, NUMBER_CELL, CHOICE_CELL, FOLD_CELL)
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)


def assert_no_answer(text: str, where: str) -> None:
    for name, secret in answers().items():
        assert secret not in text, f"the {name} answer {secret!r} is in the {where} before Check"


def assert_fold_hidden_until_opened(page) -> None:
    """The check cell's printed text is in a closed fold: not visible until its summary is
    clicked, and then shown as text (its markup made no element)."""
    import math

    printed = f"steps to 1e-6, rounded up: {math.ceil(math.log(1e-6) / math.log(FACTOR))}"
    fold = page.locator("details.rnnviz-folded")
    assert fold.count() == 1
    fold.scroll_into_view_if_needed()
    assert fold.locator("summary").is_visible()
    assert not fold.locator("pre").is_visible() and not page.get_by_text(printed).is_visible()
    assert page.locator("#folded-injected").count() == 0
    fold.locator("summary").click()
    shown = fold.locator("pre")
    assert shown.is_visible()
    assert shown.inner_text().rstrip() == f"{printed}\n<b id=folded-injected>markup</b> & text"
    assert page.locator("#folded-injected").count() == 0


def commit_and_check(page) -> str:
    """Move the number's slider, press Check on both widgets; returns the guess shown."""
    slider = page.locator(".rnnviz-predict-slider").first
    slider.scroll_into_view_if_needed()
    slider.focus()
    for _ in range(12):
        slider.press("ArrowLeft")
    guess = page.locator(".rnnviz-predict-readout").first.inner_text()
    assert slider.get_attribute("aria-valuetext") == guess  # read as shown, not its position
    page.locator(".rnnviz-predict-check").first.click()
    page.locator(".rnnviz-predict-choice", has_text="the LSTM").click()
    page.locator(".rnnviz-predict-check").nth(1).click()
    return guess


def assert_revealed(page, guess: str) -> None:
    want = answers()
    number = page.locator(".rnnviz-predict-reveal").first.inner_text()
    assert f"Measured: {want['number']} steps." in number, number
    assert f"Your prediction: {guess}," in number and "off by a factor of" in number, number
    assert want["explanation"] in number, number
    choice = page.locator(".rnnviz-predict-reveal").nth(1).inner_text()
    assert want["choice"] in choice, choice
    assert ("(right)" in choice) == (want["choice"].endswith("the LSTM by parity")), choice
    assert page.locator(".rnnviz-predict-slider").first.is_disabled()


def test_predict_reveals_only_after_check_and_the_kernel_hears_the_guess(lab):
    write_notebook(lab.server.root / "labs" / NOTEBOOK)
    lab.run(NOTEBOOK, min_plots=0)
    page = lab.page
    lab.wait_until(lambda: page.locator(".rnnviz-predict").count(), lambda n: n == 2)
    assert_no_answer(page.evaluate(PAGE_TEXT_JS), "page")
    assert page.locator(".rnnviz-predict-reveal").first.inner_text() == ""
    lab.screenshot("predict_before")
    assert_fold_hidden_until_opened(page)
    guess = commit_and_check(page)
    assert_revealed(page, guess)
    lab.wait_until(
        lambda: page.locator(".widget-label", has_text="kernel heard").inner_text(),
        lambda text: text == f"kernel heard {guess.split()[0]}",
        message="the kernel to hear the committed guess",
    )
    lab.screenshot("predict_revealed")


def test_the_html_export_reveals_offline_and_holds_no_answer(browser, tmp_path):
    from tests.browser.conftest import Lab

    notebook = tmp_path / NOTEBOOK
    write_notebook(notebook)
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "execute_lab.py"), str(notebook)],
        check=True,
        capture_output=True,
    )
    jupyter = Path(sys.executable).parent / "jupyter"
    subprocess.run(
        [str(jupyter), "nbconvert", "--to", "html", str(notebook), "--output-dir", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    page_file = tmp_path / "predict_check.html"
    assert_no_answer(page_file.read_text(), "exported file")
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.route(
        "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
    )
    try:
        page = context.new_page()
        lab = Lab(page, server=None)
        page.goto(page_file.as_uri())
        lab.wait_until(lambda: page.locator(".rnnviz-predict").count(), lambda n: n == 2)
        assert_no_answer(page.evaluate(PAGE_TEXT_JS), "page")
        assert_fold_hidden_until_opened(page)
        guess = commit_and_check(page)
        assert_revealed(page, guess)
        assert not lab.page_errors, f"page errors: {lab.page_errors[:5]}"
    finally:
        context.close()
