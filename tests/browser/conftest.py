"""The browser harness: JupyterLab on 127.0.0.1, headless Debian Chromium, Playwright.

Every lab's browser test uses the `lab` fixture:

    def test_lab_01(lab):
        lab.run("01_rnn_from_scratch.ipynb")       # fresh kernel, Run All, all rendered
        before = lab.plot_data(plot=0, trace=0, field="y")
        lab.press_slider(slider=0, key="ArrowRight")
        lab.wait_for_plot_change(plot=0, trace=0, field="y", before=before)

The server runs on a copy of labs/ (and results/) in a temporary folder, so running a lab
never rewrites the committed notebooks, and all of Jupyter's state stays in that folder.
"""

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
BROKEN_WIDGET = re.compile(r"Loading widget|Error displaying widget")
# Turns plotly's typed arrays (and arrays of them, for heatmaps) into plain JSON lists.
TO_LIST_JS = "const toList = v => (v && typeof v === 'object' && typeof v.length === 'number')"
TO_LIST_JS += " ? Array.from(v, toList) : v;"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JupyterServer:
    """A JupyterLab server on a temporary copy of the labs."""

    def __init__(self, root: Path):
        self.root = root
        self.token = secrets.token_hex(16)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        state = root / "jupyter-state"
        env = dict(os.environ)
        for var, sub in [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                         ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython"),
                         ("JUPYTERLAB_SETTINGS_DIR", "settings"),
                         ("JUPYTERLAB_WORKSPACES_DIR", "workspaces")]:
            env[var] = str(state / sub)
        settings = state / "settings" / "@jupyterlab"
        self._write(settings / "apputils-extension" / "notification.jupyterlab-settings",
                    {"fetchNews": "false", "checkForUpdates": False})
        # Render every cell, so plots below the fold are drawn and can be checked.
        self._write(settings / "notebook-extension" / "tracker.jupyterlab-settings",
                    {"windowingMode": "none"})
        self._write(settings / "docmanager-extension" / "plugin.jupyterlab-settings",
                    {"autosave": False})
        self.log = open(root / "jupyter.log", "w")
        jupyter = Path(sys.executable).parent / "jupyter"
        self.process = subprocess.Popen(
            [str(jupyter), "lab", "--no-browser", "--allow-root", "--ip=127.0.0.1",
             f"--port={self.port}", f"--IdentityProvider.token={self.token}",
             f"--ServerApp.root_dir={root / 'labs'}"],
            env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 120
        while True:
            try:
                self.api("GET", "/api/status")
                break
            except OSError:
                if self.process.poll() is not None or time.time() > deadline:
                    self.stop()
                    raise RuntimeError(
                        f"JupyterLab did not start; log: {(root / 'jupyter.log').read_text()}"
                    ) from None
                time.sleep(0.5)

    @staticmethod
    def _write(path: Path, content: dict) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content))

    def api(self, method: str, path: str):
        request = urllib.request.Request(
            f"{self.url}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        for kernel in self.api("GET", "/api/kernels"):
            self.api("DELETE", f"/api/kernels/{kernel['id']}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


class Lab:
    """One lab open in one browser page, with the actions a student takes."""

    def __init__(self, page, server: JupyterServer):
        self.page, self.server = page, server
        self.page_errors: list[str] = []
        self.console_errors: list[str] = []
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("console", lambda msg: msg.type == "error"
                and self.console_errors.append(msg.text))

    # --- running -----------------------------------------------------------------------
    def run(self, notebook: str, min_plots: int = 1, min_sliders: int = 0,
            timeout: float = 300) -> None:
        """Open `notebook` in a fresh kernel, run all cells, wait, check everything rendered."""
        page = self.page
        page.goto(f"{self.server.url}/lab/tree/{notebook}?reset&token={self.server.token}")
        page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=120_000)
        self._answer_kernel_dialog()
        page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(
            timeout=120_000)
        self._clear_all_outputs()
        self._run_all_cells()
        self._wait_until_executed(timeout)
        self._wait_until_rendered(min_plots, min_sliders)
        self.assert_healthy()
        self.screenshot(Path(notebook).stem)

    def _clear_all_outputs(self) -> None:
        """Edit > Clear Outputs of All Cells: a lab is stored executed, and its stored
        execution counts would otherwise look like a finished run."""
        prompts = self.page.locator(".jp-CodeCell .jp-InputArea-prompt")
        self.page.locator("#jp-MainMenu").get_by_text("Edit", exact=True).click()
        self.page.get_by_role("menuitem", name="Clear Outputs of All Cells", exact=True).click()
        deadline = time.time() + 30
        while any(p.strip() not in ("[ ]:", "") for p in prompts.all_inner_texts()):
            if time.time() > deadline:
                raise AssertionError("clearing the stored outputs did not reset the prompts")
            time.sleep(0.2)

    def _run_all_cells(self, attempts: int = 3) -> None:
        """Run > Run All Cells, retried if no cell starts (a busy page can swallow a click)."""
        prompts = self.page.locator(".jp-CodeCell .jp-InputArea-prompt")
        for _ in range(attempts):
            self.page.locator("#jp-MainMenu").get_by_text("Run", exact=True).click()
            self.page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
            deadline = time.time() + 30
            while time.time() < deadline:
                if any(p.strip() != "[ ]:" for p in prompts.all_inner_texts()):
                    return
                time.sleep(0.5)
            self.page.keyboard.press("Escape")  # close a menu left open
        raise AssertionError(f"Run All Cells did not start any cell in {attempts} attempts")

    def _answer_kernel_dialog(self) -> None:
        """A notebook without kernel metadata asks which kernel to use: take the default.
        Any other dialog is unexpected and fails the test with its text."""
        dialog = self.page.locator(".jp-Dialog")
        try:
            dialog.first.wait_for(timeout=3_000)
        except Exception:  # no dialog appeared: the usual case
            return
        text = dialog.first.inner_text()
        if "Select Kernel" not in text:
            raise AssertionError(f"unexpected dialog: {text[:500]}")
        dialog.locator(".jp-mod-accept").first.click()
        dialog.first.wait_for(state="detached", timeout=10_000)

    def _wait_until_executed(self, timeout: float) -> None:
        """Every code cell shows an execution count, or a cell failed (then raise)."""
        deadline, idle_since = time.time() + timeout, None
        while True:
            prompts = self.page.locator(".jp-CodeCell .jp-InputArea-prompt").all_inner_texts()
            done = [bool(re.fullmatch(r"\[\d+\]:", p.strip())) for p in prompts]
            if prompts and all(done):
                return
            # JupyterLab shows an error output as stderr text headed by the traceback.
            tracebacks = [t for t in self.page.locator(
                "[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()
                if "Traceback" in t or re.search(r"^\w*(Error|Exception)\b", t, re.M)]
            busy = "[*]:" in [p.strip() for p in prompts]
            idle_since = None if busy else (idle_since or time.time())
            if tracebacks or (idle_since and time.time() - idle_since > 15):
                raise AssertionError(
                    f"a cell failed; run stopped at {prompts}:\n"
                    + "\n".join(t[-3000:] for t in tracebacks))
            if time.time() > deadline:
                raise AssertionError(f"cells still running after {timeout} s: {prompts}")
            time.sleep(0.5)

    def _wait_until_rendered(self, min_plots: int, min_sliders: int, timeout=120) -> None:
        """Plots and sliders appear and their count settles, with no widget left loading."""
        deadline, last, stable_since = time.time() + timeout, None, time.time()
        while time.time() < deadline:
            counts = (self.plot_count(), self.slider_count(), self._broken_widget_text())
            if counts != last:
                last, stable_since = counts, time.time()
            ready = counts[0] >= min_plots and counts[1] >= min_sliders and not counts[2]
            if ready and time.time() - stable_since > 2:
                return
            time.sleep(0.5)
        raise AssertionError(f"widgets did not render: plots, sliders, broken = {last}; "
                             f"wanted >= {min_plots} plots and >= {min_sliders} sliders")

    def _broken_widget_text(self) -> list[str]:
        text = self.page.locator(".jp-OutputArea").all_inner_texts()
        return [t for t in text if BROKEN_WIDGET.search(t)]

    def assert_healthy(self) -> None:
        """No broken widget, no uncaught page error, every plot and slider drawn."""
        broken = self._broken_widget_text()
        assert not broken, f"widgets failed to display: {broken[:3]}"
        assert not self.page_errors, f"page errors: {self.page_errors[:5]}"
        widget_failures = [m for m in self.console_errors if "anywidget" in m or "widget" in m]
        assert not widget_failures, f"widget errors in the console: {widget_failures[:5]}"
        undrawn = self.page.evaluate(
            "() => [...document.querySelectorAll('.js-plotly-plot')]"
            ".filter(p => !p.querySelector('.main-svg') || !p._fullData"
            " || p._fullData.length === 0).length")
        assert undrawn == 0, f"{undrawn} plot(s) are not drawn or have no traces"
        handles = self.page.locator(".widget-slider .noUi-handle").count()
        assert handles >= self.slider_count(), "a slider has no handle"

    # --- reading -----------------------------------------------------------------------
    def plot_count(self) -> int:
        return self.page.locator(".js-plotly-plot .main-svg").locator("xpath=..").count()

    def slider_count(self) -> int:
        return self.page.locator(".widget-slider").count()

    def plot_data(self, plot: int = 0, trace: int = 0, field: str = "y"):
        """A field of one trace of one plot (document order), as plain lists."""
        return self.page.evaluate(
            f"([p, t, f]) => {{ {TO_LIST_JS} "
            "const el = document.querySelectorAll('.js-plotly-plot')[p];"
            "return toList(el._fullData[t][f]); }",
            [plot, trace, field],
        )

    def plot_title(self, plot: int = 0) -> str:
        return self.page.evaluate(
            "p => document.querySelectorAll('.js-plotly-plot')[p]._fullLayout.title.text", plot)

    def html_text(self, selector: str, index: int = 0) -> str:
        return self.page.locator(selector).nth(index).inner_text()

    # --- acting ------------------------------------------------------------------------
    def press_slider(self, slider: int = 0, key: str = "ArrowRight", times: int = 1) -> None:
        """Focus slider number `slider` and press `key` (one step per press)."""
        handle = self.page.locator(".widget-slider .noUi-handle").nth(slider)
        handle.scroll_into_view_if_needed()
        handle.focus()
        for _ in range(times):
            handle.press(key)

    def select(self, dropdown: int = 0, label: str = "") -> None:
        self.page.locator(".widget-dropdown select").nth(dropdown).select_option(label=label)

    def fill_text(self, text: int = 0, value: str = "") -> None:
        box = self.page.locator(".widget-text input, .widget-textarea textarea").nth(text)
        box.scroll_into_view_if_needed()
        box.fill(value)
        box.press("Enter")

    def click_button(self, name: str) -> None:
        self.page.locator("button.jupyter-button", has_text=name).first.click()

    def wait_until(self, read, want=bool, timeout: float = 30):
        """Poll read() until want(value) holds; return the value. A read that fails (a plot
        being redrawn) or returns None counts as not yet."""
        deadline, value = time.time() + timeout, None
        while time.time() < deadline:
            try:
                value = read()
            except Exception:  # the plot is being redrawn
                value = None
            if value is not None and want(value):
                return value
            time.sleep(0.2)
        raise AssertionError(f"condition not met within {timeout} s; last value {value!r}")

    def wait_for_plot_change(self, plot: int = 0, trace: int = 0, field: str = "y",
                             before=None, timeout: float = 30):
        """Poll until the plotted data differs from `before`; return the new data."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            now = self.plot_data(plot, trace, field)
            if now != before:
                return now
            time.sleep(0.2)
        raise AssertionError(f"plot {plot} trace {trace} field {field} did not change")

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        first_plot = self.page.locator(".js-plotly-plot").first
        if first_plot.count():
            first_plot.scroll_into_view_if_needed()
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path


@pytest.fixture(scope="session")
def jupyter_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser-labs")
    for folder in ("labs", "results"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, root / folder,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    server = JupyterServer(root)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def lab(browser, jupyter_server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        yield Lab(page, jupyter_server)
    finally:
        context.close()
        jupyter_server.shutdown_kernels()
