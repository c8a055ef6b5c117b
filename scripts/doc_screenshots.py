"""The screenshots of a student at work in docs/screenshots/after/: `make doc-screenshots`.

Usage: python scripts/doc_screenshots.py [--out docs/screenshots/after]
       [--only predict,exercise,sweep,fit]

- predict: lab 06 opened in JupyterLab from its stored outputs (nothing runs; the kernel only
  starts, as `make lab` leaves it), in headless Chromium as the browser tests drive it
  (tests/browser/conftest.py). Its number Predict (the tanh RNN's lowest loss at T=50) before
  any press (predict_before.png), then with the slider moved to a student's guess and Check
  pressed (predict_revealed.png); its first choice Predict answered with a wrong choice
  (predict_choice_revealed.png). The page alone reveals: the answer is in the stored state.
- exercise: nbgrader, as `make assignments` and tests/test_assignments.py run it, in a
  temporary course folder. The student version's first exercise exported to HTML
  (exercise_student_version.png); a submission with one planted bug (tests/test_assignments.py
  BUGS: the tanh derivative left out of rnn_step_backward) autograded and its feedback page
  (`nbgrader generate_feedback`) opened with the network blocked, cut down to the score summary,
  the student's answer and the check it fails (exercise_graded.png).
- sweep: lab 06's sweep (SweepPlot of the committed results/, the chart its cell shows),
  drawn by the front end in a blank page, as a student with normal vision sees it
  (sweep_normal.png) and under Chromium's emulated deuteranopia (sweep_deuteranopia.png): each
  model keeps its marker and dash where red and green merge.
- fit: lab 04 run (Run All: the pictures are of the front end this checkout holds, not of the
  stored outputs') in a 1024x768 window with the file browser open; GradientFlow's widget as
  it fits the narrow notebook (width_1024.png), zoomed to 125% after load (the CSS viewport
  shrinks and devicePixelRatio becomes 1.25, as a browser zoom does: zoom_125.png, at that
  ratio), then in JupyterLab Dark (dark_theme.png).

Each picture is an element screenshot at device scale DEVICE_SCALE, so a 640 px widget is
about 900 px wide. The script checks what it photographs (no answer before Check, the answer
after; a partial score and a failed check) and fails otherwise.
"""

import argparse
import base64
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import nbformat  # noqa: E402

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, JupyterServer, Lab  # noqa: E402
from tests.browser.test_offline import trust  # noqa: E402
from tests.test_assignments import ASSIGNMENT, BUGS, SOURCE, nbgrader  # noqa: E402

OUT = REPO / "docs" / "screenshots" / "after"
DEVICE_SCALE = 1.4
PAD = 8  # CSS pixels of page around a cropped element

LAB = "06_long_range_memory.ipynb"
NUMBER_QUESTION = "Tanh RNN at T=50"  # the start of the number Predict's question
GUESS = 0.083  # the student expects the RNN to use the recent marked value (MSE 0.083)
CHOICE_QUESTION = "Which models solve T=50 within 1500 steps?"
CHOICE = "all four"

BUG = "missing_tanh_derivative"
EXERCISE = "rnn_step_backward"  # the solution cell BUG breaks
FAILED_CHECK = "check_rnn_step_backward"  # the check it fails (tests/test_assignments.py)
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def clip(page, *locators, pad: float = PAD) -> dict:
    """The rectangle of the whole page (not only the viewport) around every element in
    `locators`, `pad` CSS pixels wider on each side."""
    scroll = page.evaluate("() => [window.scrollX, window.scrollY]")
    boxes = [locator.bounding_box() for locator in locators]
    left = min(b["x"] for b in boxes) - pad
    top = min(b["y"] for b in boxes) - pad
    right = max(b["x"] + b["width"] for b in boxes) + pad
    bottom = max(b["y"] + b["height"] for b in boxes) + pad
    return {
        "x": max(left, 0) + scroll[0],
        "y": max(top, 0) + scroll[1],
        "width": right - max(left, 0),
        "height": bottom - max(top, 0),
    }


def shoot(page, path: Path, *locators, pad: float = PAD) -> None:
    locators[0].scroll_into_view_if_needed()
    page.screenshot(path=str(path), clip=clip(page, *locators, pad=pad), full_page=True)
    print(f"{path}: {path.stat().st_size / 1e3:.0f} kB")


def serve_lab(root: Path, lab: str) -> JupyterServer:
    """JupyterLab on a copy of one stored lab in `root`, as the browser tests serve labs."""
    (root / "labs").mkdir()
    shutil.copy(REPO / "labs" / lab, root / "labs" / lab)
    return JupyterServer(root)


# --- a Predict in lab 06 ------------------------------------------------------------------
def predict_screenshots(out: Path, browser) -> None:
    with tempfile.TemporaryDirectory() as work:
        server = serve_lab(Path(work), LAB)
        context = browser.new_context(
            viewport={"width": 1100, "height": 900}, device_scale_factor=DEVICE_SCALE
        )
        try:
            trust(server, LAB)
            lab = Lab(context.new_page(), server)
            lab.notebook = LAB
            page = lab.page
            page.goto(f"{server.url}/lab/tree/{LAB}?reset&token={server.token}")
            page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=120_000)
            lab._start_kernel()
            number = page.locator(".rnnviz-predict", has_text=NUMBER_QUESTION)
            choice = page.locator(".rnnviz-predict", has_text=CHOICE_QUESTION)
            number.wait_for(timeout=120_000)
            prompts = [p for p, _, _ in lab._cells()]
            if any(p == "[*]:" for p in prompts):
                raise SystemExit(f"a cell of {LAB} ran; the pictures are of its stored outputs")
            reveal = number.locator(".rnnviz-predict-reveal")
            if reveal.inner_text().strip():
                raise SystemExit(f"the Predict shows an answer before Check: {reveal.inner_text()}")
            # Cut at the widget's own edge: a wider cut takes in the mark JupyterLab puts above
            # a stored widget the kernel has not made (the next Predict's, or this one's).
            shoot(page, out / "predict_before.png", number, pad=0)

            slider = number.locator(".rnnviz-predict-slider")
            readout = number.locator(".rnnviz-predict-readout")
            slider.scroll_into_view_if_needed()
            slider.focus()
            slider.press("Home")
            while float(readout.inner_text().split()[0]) < GUESS:
                slider.press("ArrowRight")
            number.locator(".rnnviz-predict-check").click()
            lab.wait_until(
                lambda: reveal.inner_text(),
                lambda text: f"Your prediction: {readout.inner_text()}" in text,
                message="the number Predict to reveal its answer",
            )
            shoot(page, out / "predict_revealed.png", number, pad=0)

            choice.locator(".rnnviz-predict-choice", has_text=CHOICE).click()
            choice.locator(".rnnviz-predict-check").click()
            lab.wait_until(
                lambda: choice.locator(".rnnviz-predict-reveal").inner_text(),
                lambda text: text.startswith("Measured: "),
                message="the choice Predict to reveal its answer",
            )
            shoot(page, out / "predict_choice_revealed.png", choice, pad=0)
            if lab.page_errors:
                raise SystemExit(f"page errors: {lab.page_errors[:5]}")
        finally:
            context.close()
            server.shutdown_kernels()
            server.stop()


# --- lab 06's sweep under emulated deuteranopia --------------------------------------------
def sweep_screenshots(out: Path, browser) -> None:
    import base64

    from rnnviz.experiments.results import load_results
    from rnnviz.front_end import chart_source
    from rnnviz.widgets.sweep_plot import SweepPlot

    chart = SweepPlot(load_results()).chart
    data = {
        name: {**entry, "values": base64.b64encode(entry["values"]).decode()}
        for name, entry in chart.data.items()
    }
    source = base64.b64encode(chart_source().encode()).decode()
    page = browser.new_page(
        viewport={"width": 1000, "height": 600}, device_scale_factor=DEVICE_SCALE
    )
    try:
        # The widget's own render() with a stand-in for its model: the stored spec and data.
        page.evaluate(
            f"""async ([spec, data]) => {{
              const chart = await import('data:text/javascript;base64,{source}');
              for (const entry of Object.values(data)) {{
                const bytes = Uint8Array.from(atob(entry.values), (c) => c.charCodeAt(0));
                entry.values = new DataView(bytes.buffer);
              }}
              const traits = {{ spec, data, controls: {{}}, busy: false }};
              const model = {{ get: (n) => traits[n], on() {{}}, off() {{}}, send() {{}} }};
              const el = document.createElement('div');
              el.id = 'sweep';
              el.style.cssText = 'display:inline-block;background:#fff';
              document.body.append(el);
              await chart.default.render({{ model, el }});
            }}""",
            [chart.spec, data],
        )
        sweep = page.locator("#sweep")
        sweep.locator(".rnnviz-legend-item").first.wait_for()
        models = sweep.locator(".rnnviz-legend-item canvas").count()
        if models != 6:
            raise SystemExit(f"the sweep's legend draws {models} model swatches, not 6")
        cdp = page.context.new_cdp_session(page)
        shots = {}
        for vision, name in (
            ("none", "sweep_normal.png"),
            ("deuteranopia", "sweep_deuteranopia.png"),
        ):
            cdp.send("Emulation.setEmulatedVisionDeficiency", {"type": vision})
            shoot(page, out / name, sweep)
            shots[vision] = (out / name).read_bytes()
        if shots["none"] == shots["deuteranopia"]:
            raise SystemExit("the emulated deuteranopia changed nothing in the picture")
    finally:
        page.close()


# --- charts that fit the window, the zoom and the theme (lab 04) ----------------------------
FIT_LAB = "04_vanishing_gradients.ipynb"


def fit_screenshots(out: Path, browser) -> None:
    from tests.browser.latency import watch_charts
    from tests.browser.test_fit_theme import WINDOW, ZOOMS, dark_theme, fitted, open_file_browser

    with tempfile.TemporaryDirectory() as work:
        server = serve_lab(Path(work), FIT_LAB)
        context = browser.new_context(viewport=WINDOW)
        watch_charts(context)  # Lab.run counts what the charts drew
        try:
            lab = Lab(context.new_page(), server)
            page = lab.page
            lab.run(FIT_LAB, min_plots=3, min_sliders=5)
            open_file_browser(page)
            widget = page.locator(".rnnviz-chart").first.locator(
                "xpath=ancestor::div[contains(@class, 'widget-vbox')][1]"
            )

            cdp = context.new_cdp_session(page)

            def settled_shot(name: str) -> None:
                # The whole window, the file browser beside the notebook, by CDP: Playwright's
                # own screenshot would put back its viewport and ratio, undoing the zoom.
                lab.wait_until(lambda: fitted(page), message=f"charts to fit for {name}")
                widget.scroll_into_view_if_needed()
                page.evaluate("() => new Promise((r) => requestAnimationFrame(() => r()))")
                shot = cdp.send("Page.captureScreenshot", {"format": "png"})
                (out / name).write_bytes(base64.b64decode(shot["data"]))
                print(f"{out / name}: {(out / name).stat().st_size / 1e3:.0f} kB")

            settled_shot("width_1024.png")
            _, viewport, ratio = next(z for z in ZOOMS if z[0] == "125%")
            cdp.send(
                "Emulation.setDeviceMetricsOverride",
                {**viewport, "deviceScaleFactor": ratio, "mobile": False},
            )
            if page.evaluate("() => devicePixelRatio") != ratio:
                raise SystemExit("the zoom did not take: devicePixelRatio is not 1.25")
            settled_shot("zoom_125.png")
            cdp.send(
                "Emulation.setDeviceMetricsOverride",
                {**WINDOW, "deviceScaleFactor": 1, "mobile": False},
            )
            dark_theme(lab)
            lab.wait_until(lambda: fitted(page), message="charts to redraw in the dark theme")
            shoot(page, out / "dark_theme.png", widget)
            if lab.page_errors:
                raise SystemExit(f"page errors: {lab.page_errors[:5]}")
        finally:
            context.close()
            server.shutdown_kernels()
            server.stop()


# --- a graded exercise --------------------------------------------------------------------
def submission(release, source, bug: tuple[str, str]):
    """The student version filled in as a student would: each solution cell holds the source's
    solution without nbgrader's markers, and the line `bug[0]` reads `bug[1]`.

    Inputs: release, source: nbformat notebooks (the student version, the nbgrader source);
    bug: (correct line, wrong line), the correct line in exactly one solution.
    Returns: a new notebook. Raises: ValueError if the correct line is not in exactly one cell.
    """
    answers = {
        c.metadata["nbgrader"]["grade_id"]: "\n".join(
            line for line in c.source.splitlines() if line.strip() not in MARKERS
        )
        for c in source.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    filled = nbformat.from_dict(release)
    cells = [c for c in filled.cells if c.metadata.get("nbgrader", {}).get("solution")]
    for cell in cells:
        cell.source = answers[cell.metadata["nbgrader"]["grade_id"]]
    hits = [c for c in cells if bug[0] in c.source]
    if len(hits) != 1:
        raise ValueError(f"bug: {bug[0]!r} is in {len(hits)} solution cells, expected 1")
    hits[0].source = hits[0].source.replace(*bug)
    return filled


def exercise_screenshots(out: Path, browser) -> None:
    with tempfile.TemporaryDirectory() as work:
        root = Path(work)
        (root / "source" / ASSIGNMENT).mkdir(parents=True)
        shutil.copy(SOURCE, root / "source" / ASSIGNMENT / SOURCE.name)
        nbgrader("generate_assignment", ASSIGNMENT, "--force", root=root)
        release_file = root / "release" / ASSIGNMENT / SOURCE.name
        release = nbformat.read(release_file, as_version=4)
        student = root / "submitted" / BUG / ASSIGNMENT
        student.mkdir(parents=True)
        source = nbformat.read(SOURCE, as_version=4)
        nbformat.write(submission(release, source, BUGS[BUG]), student / SOURCE.name)
        nbgrader("autograde", ASSIGNMENT, "--create", "--force", root=root)
        nbgrader("generate_feedback", ASSIGNMENT, "--force", root=root)
        feedback = root / "feedback" / BUG / ASSIGNMENT / (SOURCE.stem + ".html")
        # The traceback names the checks' file by its absolute path; keep it repository-relative.
        feedback.write_text(feedback.read_text().replace(f"{REPO}{os.sep}", ""))
        jupyter = Path(sys.executable).parent / "jupyter"
        subprocess.run(
            [str(jupyter), "nbconvert", "--to", "html", str(release_file), "--output-dir", work],
            check=True,
            capture_output=True,
        )
        context = browser.new_context(
            viewport={"width": 1000, "height": 900}, device_scale_factor=DEVICE_SCALE
        )
        # Opened from disk; nbconvert's and nbgrader's templates ask for MathJax and fonts
        # from a CDN, which the pictures do not need.
        context.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
        )
        try:
            page = context.new_page()
            student_version(page, root / (SOURCE.stem + ".html"), release, out)
            graded(page, feedback, out)
        finally:
            context.close()


def student_version(page, html_file: Path, release, out: Path) -> None:
    """The first exercise as the student gets it: its hint, the cell to fill, its check."""
    cells = release.cells
    first = next(k for k, c in enumerate(cells) if c.metadata.get("nbgrader", {}).get("solution"))
    if "YOUR CODE HERE" not in cells[first].source or any(
        m in cells[first].source for m in MARKERS
    ):
        raise SystemExit("the student version's first exercise still holds its solution")
    page.goto(html_file.as_uri())
    shown = [page.locator(f'[id="cell-id={cells[k].id}"]') for k in (first - 1, first, first + 1)]
    shoot(page, out / "exercise_student_version.png", *shown, pad=4)


def graded(page, feedback: Path, out: Path) -> None:
    """The feedback page cut to its score summary, the broken answer and the check it fails:
    every other cell is hidden, and a line says how many."""
    page.goto(feedback.as_uri())
    summary = page.locator(".panel-heading").first
    score = re.search(r"Score: ([\d.]+) / ([\d.]+)", summary.inner_text())
    if not score or not 0 < float(score[1]) < float(score[2]):
        raise SystemExit(f"the feedback's score is not partial: {summary.inner_text()[:200]}")
    check = page.locator(f'div.cell:has(a[name="{FAILED_CHECK}"])')
    if not re.search(r"Score: 0\.0 / ", check.locator(".panel-heading").inner_text()):
        raise SystemExit(f"{FAILED_CHECK} did not fail: {check.inner_text()[:200]}")
    hidden = page.evaluate(
        """([answer, check]) => {
            const keep = [document.querySelector(`a[name="${answer}"]`).closest('.cell'),
                          document.querySelector(`a[name="${check}"]`).closest('.cell')];
            const cells = [...document.querySelectorAll('#notebook-container .cell')];
            const others = cells.filter(c => !keep.includes(c));
            others.forEach(c => { c.style.display = 'none'; });
            const note = document.createElement('p');
            note.textContent = `(the feedback's ${others.length} other cells are not shown)`;
            note.style.cssText = 'color:#777;font-style:italic;margin:6px 0';
            keep[1].after(note);
            return others.length;
        }""",
        [f"comment-{EXERCISE}", FAILED_CHECK],
    )
    print(f"feedback: {score[0]}; {hidden} other cells hidden")
    shoot(page, out / "exercise_graded.png", page.locator("body > .container").first)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--only",
        default="predict,exercise,sweep,fit",
        help="any of predict, exercise, sweep and fit",
    )
    args = parser.parse_args()
    parts = set(args.only.split(","))
    if not parts <= {"predict", "exercise", "sweep", "fit"}:
        raise SystemExit(f"--only takes predict, exercise, sweep and/or fit, got {args.only!r}")
    if not os.access(CHROMIUM, os.X_OK):
        raise SystemExit(f"{CHROMIUM} is missing: `make chromium` installs Debian's chromium")
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            if "predict" in parts:
                predict_screenshots(args.out.resolve(), browser)
            if "exercise" in parts:
                exercise_screenshots(args.out.resolve(), browser)
            if "sweep" in parts:
                sweep_screenshots(args.out.resolve(), browser)
            if "fit" in parts:
                fit_screenshots(args.out.resolve(), browser)
        finally:
            browser.close()


if __name__ == "__main__":
    main()
