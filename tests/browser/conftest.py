"""The browser harness: JupyterLab on 127.0.0.1, headless Debian Chromium, Playwright.

Every lab's browser test uses the `lab` fixture:

    def test_lab_01(lab):
        lab.run("01_rnn_from_scratch.ipynb", min_plots=1, min_sliders=3)  # Run All, drawn
        before = chart_read(lab.page, 0, "h")      # tests/browser/latency.py reads a chart
        lab.press_slider(slider=0, key="ArrowRight")
        lab.wait_until(lambda: chart_read(lab.page, 0, "h"), lambda now: now != before)

Every wait polls the page's real state until it holds, with a generous timeout: the tests
hold on a busy machine (`make test-load` runs tests/browser/test_under_load.py: one lab;
RNNVIZ_BROWSER_LOAD=1 runs every browser test with every core busy).

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

from tests.browser.latency import watch_charts

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
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
    """A JupyterLab server on a temporary copy of the labs (root/labs).

    windowing_mode: JupyterLab's notebook setting ("none" renders every cell, so plots below
    the fold are drawn and can be checked; "full", "contentVisibility", "defer" are what a
    student may have). app: "lab" (JupyterLab) or "notebook" (Notebook 7, same settings)."""

    WINDOWING_MODES = ("none", "full", "contentVisibility", "defer")

    def __init__(self, root: Path, windowing_mode: str = "none", app: str = "lab"):
        if windowing_mode not in self.WINDOWING_MODES or app not in ("lab", "notebook"):
            raise ValueError(f"unknown windowing_mode {windowing_mode!r} or app {app!r}")
        self.root, self.app = root, app
        self.token = secrets.token_hex(16)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        suffix = "" if app == "lab" else f"-{app}"  # a Notebook server's state apart
        state = self.state = root / f"jupyter-state{suffix}"
        env = dict(os.environ)
        for var, sub in [
            ("JUPYTER_CONFIG_DIR", "config"),
            ("JUPYTER_DATA_DIR", "data"),
            ("JUPYTER_RUNTIME_DIR", "runtime"),
            ("IPYTHONDIR", "ipython"),
            ("JUPYTERLAB_SETTINGS_DIR", "settings"),
            ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
        ]:
            env[var] = str(state / sub)
        settings = state / "settings" / "@jupyterlab"
        self._write(
            settings / "apputils-extension" / "notification.jupyterlab-settings",
            {"fetchNews": "false", "checkForUpdates": False},
        )
        self._write(
            settings / "notebook-extension" / "tracker.jupyterlab-settings",
            {"windowingMode": windowing_mode},
        )
        self._write(
            settings / "docmanager-extension" / "plugin.jupyterlab-settings", {"autosave": False}
        )
        self.log = open(root / f"jupyter{suffix}.log", "w")
        jupyter = Path(sys.executable).parent / "jupyter"
        self.process = subprocess.Popen(
            [
                str(jupyter),
                app,
                "--no-browser",
                "--allow-root",
                "--ip=127.0.0.1",
                f"--port={self.port}",
                f"--IdentityProvider.token={self.token}",
                f"--ServerApp.root_dir={root / 'labs'}",
            ],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
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
                        f"jupyter {app} did not start; log: "
                        f"{(root / f'jupyter{suffix}.log').read_text()}"
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


class CpuBurner:
    """Busy loops, one a core, started and stopped by PID: a wait that only holds on an idle
    machine fails while they run. `RNNVIZ_BROWSER_LOAD=1` runs every browser test under one;
    `make test-load` runs one representative lab under one."""

    def __init__(self, processes: int | None = None):
        self.count = processes or os.cpu_count() or 2
        self.processes: list[subprocess.Popen] = []

    def start(self) -> "CpuBurner":
        for _ in range(self.count):
            self.processes.append(
                subprocess.Popen(
                    [sys.executable, "-c", "while True: pass"],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        # Started is not burning: wait until every loop has used CPU time.
        deadline = time.time() + 60
        while not all(self._cpu_seconds(p.pid) > 0.2 for p in self.processes):
            dead = [p.pid for p in self.processes if p.poll() is not None]
            if dead or time.time() > deadline:
                self.stop()
                raise RuntimeError(f"CPU burners did not start (exited: {dead})")
            time.sleep(0.1)
        return self

    @staticmethod
    def _cpu_seconds(pid: int) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("inf")  # no /proc: trust that it runs
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes = []


# Every wait polls real state until it holds, with a generous timeout (a loaded machine is
# slow, not wrong) and a failure message that says what was last seen. No fixed sleeps.
WAIT = 120  # seconds, for anything a key press, a click or a kernel start should cause
POLL = 0.2

# Every picture in the page: plotly's (drawn: its SVG, with its traces) and the renderer's
# charts (drawn: its canvas, painted at least once).
PLOTS_JS = """() => [
  ...[...document.querySelectorAll('.js-plotly-plot')].map(p => ({
    svg: !!p.querySelector('.main-svg'),
    traces: p._fullData ? p._fullData.length : null})),
  ...[...document.querySelectorAll('.rnnviz-chart')].map(c => ({
    svg: !!c.querySelector('canvas'),
    traces: Number(c.dataset.drawn || 0)}))]"""
DIALOG_JS = """() => {
    const d = document.querySelector('.jp-Dialog');
    if (!d) return null;
    const header = d.querySelector('.jp-Dialog-header');
    const body = d.querySelector('.jp-Dialog-body');
    return {header: header ? header.innerText.trim() : '',
            body: body ? body.innerText.trim() : '',
            kernel_select: !!(body && body.querySelector('select')
                              && /select kernel/i.test(body.innerText)),
            accept: !!d.querySelector('.jp-Dialog-footer .jp-mod-accept')};
}"""
PAGE_KERNEL_JS = """() => ({
    status: (document.querySelector('.jp-Notebook-ExecutionIndicator') || {dataset: {}})
        .dataset.status || null,
    name: [...document.querySelectorAll('.jp-Toolbar-kernelName')]
        .map(e => e.innerText.trim()).join(' ')})"""
# A cell whose source is hidden (lab 05's collapsed solution) shows a placeholder with no
# execution count; like an empty cell it is not waited for (nbval checks that it runs).
CELLS_JS = """() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')].map(c => {
    const prompt = c.querySelector('.jp-InputArea-prompt');
    const source = c.querySelector('.jp-InputArea-editor .cm-content');
    const hidden = c.querySelector('.jp-InputPlaceholder') !== null;
    return [prompt ? prompt.innerText.trim() : '',
            hidden || (source ? source.textContent.trim() === '' : false),
            c.querySelectorAll('.jp-OutputArea-output').length];
})"""


class Lab:
    """One lab open in one browser page, with the actions a student takes."""

    def __init__(self, page, server: JupyterServer):
        self.page, self.server = page, server
        self.notebook: str | None = None
        self.page_errors: list[str] = []
        self.console_errors: list[str] = []
        # Kernel messages the page's widget manager exchanges (see _wait_until_widgets_restored).
        self.widget_restore = {
            "request_states": 0,
            "update_states": 0,
            "comm_info_request": 0,
            "comm_info_reply": 0,
        }
        # The widget updates the page sent to the kernel ("update" comm messages), as text.
        self.updates_sent: list[str] = []
        page.on("websocket", self._watch_kernel_socket)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(msg.text))

    # --- waiting -----------------------------------------------------------------------
    def wait_until(self, read, want=bool, timeout: float = WAIT, message: str = ""):
        """Poll read() until want(value) holds; return the value. A read that fails (a plot
        being redrawn) or returns None counts as not yet. On timeout, fail with `message`
        and the last value read."""
        deadline, value, error = time.time() + timeout, None, None
        while True:
            try:
                value, error = read(), None
            except Exception as exc:  # the plot is being redrawn, the page is busy
                value, error = None, exc
            if value is not None and want(value):
                return value
            if time.time() > deadline:
                raise AssertionError(
                    f"{message or 'condition not met'} within {timeout} s; last value "
                    f"{value!r}" + (f" (read failed: {error})" if error else "")
                )
            time.sleep(POLL)

    def _watch_kernel_socket(self, socket) -> None:
        if "/api/kernels/" not in socket.url:
            return

        def count(direction, payload):
            text = payload if isinstance(payload, str) else payload.decode("utf-8", "replace")
            for key in self.widget_restore:
                if key in direction and f'"{key}"' in text:
                    self.widget_restore[key] += 1

        def sent(payload):
            count(("request_states", "comm_info_request"), payload)
            text = payload if isinstance(payload, str) else payload.decode("utf-8", "replace")
            if '"comm_msg"' in text and re.search(r'"method":\s*"update"', text):
                self.updates_sent.append(text)

        socket.on("framesent", sent)
        socket.on("framereceived", lambda p: count(("update_states", "comm_info_reply"), p))

    # --- running -----------------------------------------------------------------------
    def run(
        self, notebook: str, min_plots: int = 1, min_sliders: int = 0, timeout: float = 300
    ) -> None:
        """Open `notebook` in a fresh kernel, run all cells, wait, check everything rendered.
        min_plots and min_sliders: the lab's numbers of pictures (plotly plots and renderer
        charts) and sliders (give them all: a widget that has not rendered yet is not in the
        page to be waited for)."""
        page, self.notebook = self.page, notebook
        # Notebook 7 opens a notebook at /notebooks/; its page has JupyterLab's menu bar,
        # cells, toolbar and kernel indicator, so every step below serves both.
        where = (
            f"notebooks/{notebook}?"
            if self.server.app == "notebook"
            else f"lab/tree/{notebook}?reset&"
        )
        page.goto(f"{self.server.url}/{where}token={self.server.token}")
        page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=WAIT * 1000)

        self._start_kernel()
        self._wait_until_widgets_restored()
        self._clear_all_outputs()
        self._run_all_cells()
        self._wait_until_executed(timeout)
        self._wait_until_kernel_idle()
        self._wait_until_rendered(min_plots, min_sliders)
        self.assert_healthy()
        suffix = "_notebook7" if self.server.app == "notebook" else ""
        self.screenshot(Path(notebook).stem + suffix)

    def _session_state(self) -> str | None:
        """The server's execution state of this notebook's kernel, or None if it has none."""
        try:
            sessions = self.server.api("GET", "/api/sessions")
        except OSError:  # a busy server: not known yet
            return None
        for session in sessions:
            if session.get("path", "").split("/")[-1] == Path(self.notebook).name:
                kernel = session.get("kernel") or {}
                return kernel.get("execution_state")
        return None

    def _start_kernel(self, timeout: float = 180) -> None:
        """Wait until the notebook has a kernel that is idle, on the server and in the page.
        A notebook without kernel metadata asks which kernel to use first: take the default.
        Any other dialog is unexpected and fails the test with its text.

        Neither the dialog's arrival nor its wording is timed: the dialog can come whenever
        the page gets round to it, and its header is a React widget that renders after the
        body (a dialog read on arrival says 'Select kernel for: "x.ipynb"' with no 'Select
        Kernel' title). The page's execution indicator says 'idle' before any kernel exists,
        so it alone is no sign of a kernel."""
        deadline = time.time() + timeout
        while True:
            dialog = self.page.evaluate(DIALOG_JS)
            if dialog is not None:
                self._answer_dialog(dialog)
                continue
            page_kernel = self.page.evaluate(PAGE_KERNEL_JS)
            server = self._session_state()
            if (
                server == "idle"
                and page_kernel["status"] == "idle"
                and page_kernel["name"]
                and "No Kernel" not in page_kernel["name"]
            ):
                return
            if time.time() > deadline:
                raise AssertionError(
                    f"no idle kernel for {self.notebook} within {timeout} s: "
                    f"server says {server!r}, page says {page_kernel}"
                )
            time.sleep(POLL)

    def _wait_until_widgets_restored(self) -> None:
        """The page's widget manager has asked the new kernel for its widgets and had the
        answer. It asks once the kernel is connected: "request_states" on the
        jupyter.widget.control comm, which a fresh kernel (ipywidgets not imported yet)
        closes at once, or which times out after 4 s; then, as a fallback, a comm_info
        request, and a "request_state" for every widget comm listed. Until the kernel has
        answered, Run All races it: a widget made by the first cells is listed, the manager
        opens a second comm and model for it, and that plot stays empty ("Click to enter
        Plot title", no traces): seen under load for a lab's first plot. Answered before any
        cell ran, the answer lists no widget and is harmless."""

        def answered(counts):
            control = counts["request_states"] >= 1 and (
                counts["update_states"] >= counts["request_states"]
            )
            fallback = counts["comm_info_request"] >= 1
            return (control or fallback) and counts["comm_info_reply"] >= counts[
                "comm_info_request"
            ]

        def read():
            self.page.evaluate("() => 0")  # lets Playwright deliver the socket events
            return dict(self.widget_restore)

        self.wait_until(
            read,
            answered,
            timeout=WAIT,
            message="the widget manager's request for the kernel's widgets to be "
            "answered (request_states -> update_states, or comm_info)",
        )

    def _answer_dialog(self, dialog: dict) -> None:
        if dialog["kernel_select"] and dialog["accept"]:
            # The kernel selector's body and buttons are plain DOM, there from the start.
            self.page.locator(".jp-Dialog .jp-Dialog-footer .jp-mod-accept").first.click()
            try:
                self.page.locator(".jp-Dialog").first.wait_for(state="detached", timeout=30_000)
            except Exception:  # still there: the caller sees it again and clicks again
                pass
            return
        # Anything else: wait for its title to render, so the failure says what it was.
        try:
            dialog = self.wait_until(
                lambda: self.page.evaluate(DIALOG_JS), lambda d: d["header"], timeout=30
            )
        except AssertionError:
            pass
        raise AssertionError(f"unexpected dialog: {dialog['header']!r}: {dialog['body'][:500]}")

    def _menu(self, menu: str, item: str) -> bool:
        """Open `menu` in the main menu bar and click `item`; False if the menu did not open
        (a busy page can swallow a click)."""
        self.page.locator("#jp-MainMenu").get_by_text(menu, exact=True).click()
        entry = self.page.get_by_role("menuitem", name=item, exact=True)
        try:
            entry.wait_for(state="visible", timeout=30_000)
        except Exception:
            self.page.keyboard.press("Escape")
            return False
        entry.click()
        return True

    def _cells(self) -> list:
        """[prompt, empty source, number of outputs] of every code cell."""
        return self.page.evaluate(CELLS_JS)

    def _clear_all_outputs(self, attempts: int = 3) -> None:
        """Edit > Clear Outputs of All Cells: a lab is stored executed, and its stored
        execution counts would otherwise look like a finished run."""

        def cleared(cells):
            return all(p in ("[ ]:", "") and outputs == 0 for p, _, outputs in cells)

        for _ in range(attempts):
            if self._menu("Edit", "Clear Outputs of All Cells"):
                try:
                    self.wait_until(self._cells, cleared, timeout=60)
                    return
                except AssertionError:
                    pass
        raise AssertionError(
            f"clearing the stored outputs did not reset the cells: {self._cells()}"
        )

    def _run_all_cells(self, attempts: int = 3) -> None:
        """Run > Run All Cells, retried if no cell starts (a busy page can swallow a click)."""

        def started(cells):
            return any(p == "[*]:" or re.fullmatch(r"\[\d+\]:", p) for p, _, _ in cells)

        for _ in range(attempts):
            if self._menu("Run", "Run All Cells"):
                try:
                    self.wait_until(self._cells, started, timeout=60)
                    return
                except AssertionError:
                    pass
        raise AssertionError(
            f"Run All Cells did not start any cell in {attempts} attempts: {self._cells()}"
        )

    def _tracebacks(self) -> list[str]:
        # JupyterLab shows an error output as stderr text headed by the traceback.
        return [
            t
            for t in self.page.locator(
                "[data-mime-type='application/vnd.jupyter.stderr']"
            ).all_inner_texts()
            if "Traceback" in t or re.search(r"^\w*(Error|Exception)\b", t, re.M)
        ]

    def _wait_until_executed(self, timeout: float) -> None:
        """Every code cell shows an execution count (an empty cell never gets one), or a
        cell failed (then raise). The run has stopped when no cell is running or queued and
        the server says the kernel is idle; if it stays so for 15 s before every cell is
        done, the rest will never run."""
        deadline, stopped_since = time.time() + timeout, None
        while True:
            cells = self._cells()
            prompts = [p for p, _, _ in cells]
            if cells and all(re.fullmatch(r"\[\d+\]:", p) or empty for p, empty, _ in cells):
                return
            tracebacks = self._tracebacks()
            if tracebacks:
                raise AssertionError(
                    f"a cell failed; run stopped at {prompts}:\n"
                    + "\n".join(t[-3000:] for t in tracebacks)
                )
            stopped = "[*]:" not in prompts and self._session_state() == "idle"
            stopped_since = (stopped_since or time.time()) if stopped else None
            if stopped_since and time.time() - stopped_since > 15:
                raise AssertionError(f"the run stopped before every cell ran: {prompts}")
            if time.time() > deadline:
                raise AssertionError(f"cells still running after {timeout} s: {prompts}")
            time.sleep(0.5)

    def _wait_until_kernel_idle(self) -> None:
        """The kernel's last 'idle' reached the page: a kernel's messages arrive in order, so
        every widget message the cells sent has reached the page too. (A cell's prompt shows
        its count on the execute reply, which can overtake the cell's last widget
        messages.)"""
        self.wait_until(
            lambda: (self._session_state(), self.page.evaluate(PAGE_KERNEL_JS)),
            lambda s: s[0] == "idle" and s[1]["status"] == "idle",
            message="the kernel did not become idle after the run",
        )

    def _render_state(self) -> dict:
        return {
            "plots": self.page.evaluate(PLOTS_JS),
            "sliders": self.slider_count(),
            "handles": self.page.locator(".widget-slider .noUi-handle").count(),
            "broken": self._broken_widget_text(),
        }

    def _wait_until_rendered(self, min_plots: int, min_sliders: int, timeout=180) -> None:
        """Every plot drawn with its traces, at least min_plots of them, every slider with
        its handle, at least min_sliders of them, and no widget left loading or broken.
        Polled on the page's real state; never 'nothing changed for a while', which a
        starved browser satisfies mid-render."""

        def ready(state):
            plots = state["plots"]
            return (
                len(plots) >= min_plots
                and all(p["svg"] and p["traces"] for p in plots)
                and state["sliders"] >= min_sliders
                and state["handles"] >= state["sliders"]
                and not state["broken"]
            )

        try:
            self.wait_until(self._render_state, ready, timeout=timeout)
        except AssertionError as error:
            raise AssertionError(
                f"widgets did not render: wanted >= {min_plots} plots, all drawn with traces, "
                f">= {min_sliders} sliders with handles, nothing broken; {error}; the page's "
                f"widget-restore messages so far: {self.widget_restore}"
            ) from None

    def _broken_widget_text(self) -> list[str]:
        text = self.page.locator(".jp-OutputArea").all_inner_texts()
        return [t[:300] for t in text if BROKEN_WIDGET.search(t)]

    def _app_error(self, error: str) -> bool:
        """Notebook 7.6.5's own error: its settings loading (notebook_core.js) throws this on
        opening any notebook, with no settings written and no widget on the page."""
        return self.server.app == "notebook" and error == (
            "Cannot read properties of undefined (reading 'schema')"
        )

    def assert_healthy(self) -> None:
        """No broken widget, no uncaught page error, every plot and slider drawn."""
        broken = self._broken_widget_text()
        assert not broken, f"widgets failed to display: {broken[:3]}"
        errors = [e for e in self.page_errors if not self._app_error(e)]
        assert not errors, f"page errors: {errors[:5]}"
        widget_failures = [m for m in self.console_errors if "anywidget" in m or "widget" in m]
        assert not widget_failures, f"widget errors in the console: {widget_failures[:5]}"
        plots = self.page.evaluate(PLOTS_JS)
        undrawn = [(i, p) for i, p in enumerate(plots) if not (p["svg"] and p["traces"])]
        assert not undrawn, (
            f"{len(undrawn)} plot(s) are not drawn or have no traces "
            f"(index, state): {undrawn}; widget-restore messages: "
            f"{self.widget_restore}"
        )
        handles = self.page.locator(".widget-slider .noUi-handle").count()
        assert handles >= self.slider_count(), "a slider has no handle"

    # --- reading -----------------------------------------------------------------------
    def slider_count(self) -> int:
        return self.page.locator(".widget-slider").count()

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

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        first_plot = self.page.locator(".js-plotly-plot").first
        if first_plot.count():
            first_plot.scroll_into_view_if_needed()
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path


def _serve(tmp_path_factory, app: str):
    root = tmp_path_factory.mktemp(f"browser-labs-{app}")
    for folder in ("labs", "results"):
        if (REPO / folder).is_dir():
            shutil.copytree(
                REPO / folder, root / folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints")
            )
    return JupyterServer(root, app=app)


@pytest.fixture(scope="session")
def jupyter_server(tmp_path_factory):
    server = _serve(tmp_path_factory, "lab")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def notebook_server(tmp_path_factory):
    """A Notebook 7 server (`jupyter notebook`) on its own copy of the labs."""
    server = _serve(tmp_path_factory, "notebook")
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


@pytest.fixture(scope="session", autouse=True)
def _load_everything():
    """RNNVIZ_BROWSER_LOAD=1: every browser test runs with every core busy."""
    if os.environ.get("RNNVIZ_BROWSER_LOAD") != "1":
        yield None
        return
    burner = CpuBurner().start()
    try:
        yield burner
    finally:
        burner.stop()


@pytest.fixture
def cpu_load(_load_everything):
    """A busy loop on every core for one test (list it before `lab`, so that the load
    covers the whole run); the session's, if RNNVIZ_BROWSER_LOAD=1 already started one."""
    if _load_everything is not None:
        yield _load_everything
        return
    burner = CpuBurner().start()
    try:
        yield burner
    finally:
        burner.stop()


def _open(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    watch_charts(context)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        yield Lab(page, server)
    finally:
        context.close()
        server.shutdown_kernels()


@pytest.fixture
def lab(browser, jupyter_server):
    yield from _open(browser, jupyter_server)


@pytest.fixture
def notebook7(browser, notebook_server):
    """A lab open in Notebook 7 (`/notebooks/<lab>`), with the `lab` fixture's actions."""
    yield from _open(browser, notebook_server)
