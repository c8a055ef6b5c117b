"""Reading the renderer's charts and timing slider presses in the page (see RECIPES: Latency).

The method: a capture-phase keydown stamps the press; a MutationObserver on the widget's
output area stamps the last change the press caused ("DOM"); a double requestAnimationFrame
after that change stamps the painted frame ("frame"). The renderer draws on a canvas and
changes no DOM; it calls `globalThis.__rnnvizAfterDraw(root, chart)` after each draw if a
page defines it. The tests define it (AFTER_DRAW_JS, in every page before it loads, by
`watch_charts`): once the frame showing a draw has been painted it hashes the canvas's pixels
and marks each new picture on the chart's root element (`data-drawn`, with when it was drawn
and painted: a chart's "DOM" and "frame" stamps), and it gives the root a `chart` to read
(state, read(name), spec(), hidden(), drawn()). The compositor's own frames (Screencast, CDP
screencast) time the same presses with no script in the page's way. Used by the browser
tests, the static site's test (test_site.py), benchmarks/bench_latency.py and
scripts/build_site.py's screenshots.
"""

import statistics
import time

# A hash of a canvas's pixels, to tell a new picture from the same one. Hashed at half size on
# one reused canvas: a full-size readback of a tall chart made 5 MB of garbage per hash, and
# the garbage collector it woke slowed the presses being timed. Halving averages each 2 x 2
# block (bilinear at exactly half): no region is skipped.
PIXELS_JS = """
  if (!globalThis.__rnnvizPixels) {
    const small = document.createElement('canvas');
    const context = small.getContext('2d', { willReadFrequently: true });
    globalThis.__rnnvizPixels = (canvas) => {
      const width = Math.ceil(canvas.width / 2), height = Math.ceil(canvas.height / 2);
      if (small.width !== width || small.height !== height) {
        small.width = width; small.height = height;
      }
      context.clearRect(0, 0, width, height);
      context.drawImage(canvas, 0, 0, width, height);
      const d = context.getImageData(0, 0, width, height).data;
      let h = 2166136261;
      for (let i = 0; i < d.length; i += 3) h = Math.imul(h ^ d[i], 16777619);
      return h >>> 0;
    };
  }
"""

# Run in every page before its scripts (watch_charts): the renderer's after-draw hook. Each
# chart's root gets `chart` (what it draws: the controls' state, read(name) the current frame
# of an entry, spec(), hidden() the series hidden in the legend, drawn() the pictures drawn)
# and, per new picture (its pixels changed), `data-drawn`: the DOM change the latency method
# stamps. New frames for the same picture (the kernel recomputing around a settled slider)
# are not a change.
AFTER_DRAW_JS = (
    "(() => {"
    + PIXELS_JS
    + """
  const seen = new WeakMap();  // root -> {chart: the latest draw's, hash, drawn}
  globalThis.__rnnvizAfterDraw = (root, chart) => {
    let r = seen.get(root);
    if (!r) {
      seen.set(root, r = { chart, hash: null, drawn: 0 });
      root.chart = {
        state: chart.state, spec: () => r.chart.spec, hidden: () => [...r.chart.hidden],
        read: (name) => { const v = r.chart.read(name); return v && Array.from(v); },
        drawn: () => r.drawn,
      };
    }
    r.chart = chart;
    r.drawnAt = performance.now();
    if (!r.waiting) hashLater(root, r);
  };
  // The pixels are read once the frame showing the draw has been painted (a double
  // requestAnimationFrame, as the latency method stamps a painted frame), not in the draw's
  // own task: reading a canvas back makes it raster at once, which in a key press's task
  // delayed the very frame being timed (6 ms for CellActivations' tall canvas, 24 ms at 4x
  // CPU throttling). The root keeps when the picture was drawn and painted (__drawnAt,
  // __paintedAt) for the stamps.
  const hashLater = (root, r) => {
    r.waiting = true;
    requestAnimationFrame(() => {
      // A draw before this frame's animation callbacks is painted in this frame: the next
      // frame's callbacks come after that paint.
      const drawnAt = r.drawnAt;
      requestAnimationFrame(() => {
        const paintedAt = performance.now();
        setTimeout(() => {
          if (r.drawnAt !== drawnAt) return hashLater(root, r);  // drawn again since
          r.waiting = false;
          const h = globalThis.__rnnvizPixels(r.chart.canvas);
          if (h === r.hash) return;
          r.hash = h;
          r.drawn += 1;
          root.__drawnAt = drawnAt;
          root.__paintedAt = paintedAt;
          root.dataset.drawn = String(r.drawn);
        });
      });
    });
  };
})();"""
)


def watch_charts(context) -> None:
    """Install the after-draw hook (AFTER_DRAW_JS) in every page `context` opens from now on:
    call it before opening a page whose charts are read or timed."""
    context.add_init_script(AFTER_DRAW_JS)


# Installed once per page: stamps for the press in flight, and the pixel hash.
INSTALL_JS = (
    """
() => {
"""
    + PIXELS_JS
    + """
  if (window.__latency) return;
  const L = window.__latency = { key: null, dom: null, frame: null, changes: 0,
                                 firstDom: null, firstFrame: null };
  window.addEventListener('keydown', () => {
    L.key = performance.now(); L.dom = null; L.frame = null; L.changes = 0;
    L.firstDom = null; L.firstFrame = null;
  }, true);
  L.observer = new MutationObserver((records) => {
    if (L.key === null) return;
    // A renderer chart's new picture is marked after it was painted (AFTER_DRAW_JS): its
    // stamps are the root's, when it was drawn and painted.
    const pictures = records.filter((r) => r.attributeName === 'data-drawn');
    if (pictures.length < records.length) {
      const now = performance.now();
      L.dom = now; L.changes += 1;
      requestAnimationFrame(() => requestAnimationFrame(() => {
        if (L.dom === now) L.frame = performance.now();
      }));
    }
    const root = pictures.length ? pictures[pictures.length - 1].target : null;
    if (!root || root.__drawnAt < L.key) return;
    if (L.dom === null || root.__drawnAt >= L.dom) {
      L.dom = root.__drawnAt; L.frame = root.__paintedAt; L.changes += 1;
    }
    // The first new picture a renderer chart drew (a cold control shows "recomputing" and
    // may draw again when every frame has arrived).
    if (L.firstFrame === null && L.firstDom === null) {
      L.firstDom = root.__drawnAt; L.firstFrame = root.__paintedAt;
    }
  });
  L.watch = (el) => {
    L.observer.disconnect();
    L.observer.observe(el, { attributes: true, childList: true, subtree: true,
                             characterData: true });
  };
  L.pixels = globalThis.__rnnvizPixels;
}
"""
)

CHART_JS = "document.querySelectorAll('.rnnviz-chart')[{chart}].chart"


def install(page) -> None:
    page.evaluate(INSTALL_JS)


def chart_read(page, chart: int, name: str):
    """The current frame of data entry `name` in chart number `chart` (document order)."""
    return page.evaluate(f"n => {CHART_JS.format(chart=chart)}.read(n)", name)


def chart_drawn(page, chart: int) -> int:
    """How many pictures chart number `chart` has drawn."""
    return page.evaluate(f"() => {CHART_JS.format(chart=chart)}.drawn()")


def chart_state(page, chart: int) -> dict:
    """The control values chart number `chart` draws (name -> value)."""
    return page.evaluate(f"() => ({{...{CHART_JS.format(chart=chart)}.state}})")


def canvas_hash(page, chart: int) -> int:
    return page.evaluate(
        "i => window.__latency.pixels(document.querySelectorAll('.rnnviz-chart > canvas')[i])",
        chart,
    )


def _watch(page, output_selector: str, index: int) -> None:
    page.evaluate(
        "([s, i]) => window.__latency.watch(document.querySelectorAll(s)[i])",
        [output_selector, index],
    )


# What a timed press leaves in the page: its key stamp, its last DOM change, the frame painted
# after that change, and the frame after a chart's first new picture.
STAMPS_JS = (
    "() => [window.__latency.key, window.__latency.dom, "
    "window.__latency.frame, window.__latency.firstFrame]"
)


class _Timings:
    """The timed presses' milliseconds from their stamps (STAMPS_JS), and how many changed
    the picture."""

    def __init__(self):
        self.dom, self.frame, self.first, self.changed = [], [], [], 0

    def add(self, stamps, picture_changed: bool) -> None:
        t_key, t_dom, t_frame, t_first = stamps
        if t_dom is not None and t_frame is not None:
            self.dom.append(t_dom - t_key)
            self.frame.append(t_frame - t_key)
        if t_first is not None:
            self.first.append(t_first - t_key)
        self.changed += int(picture_changed and t_dom is not None)

    def result(self, presses: int) -> dict:
        return {
            "dom_ms": self.dom,
            "frame_ms": self.frame,
            "first_frame_ms": self.first,
            "changed": self.changed,
            "presses": presses,
        }


def time_presses(
    page,
    handle,
    watch: tuple,
    presses: int = 30,
    warmup: int = 3,
    settle: float = 0.4,
    picture=None,
    key: str = "ArrowRight",
    screencast=None,
    crop=None,
    inset: float = 0.0,
    crop_width: float | None = None,
) -> dict:
    """Press a slider's arrow keys and time each press to its DOM change and painted frame.

    Inputs: handle: the slider's `.noUi-handle` locator; watch: (selector, index) of the
    element whose mutations show the answer; picture: a function returning something that
    changes with the picture (a canvas hash), or None. The direction turns at the slider's
    ends; a press that did not change the value is not counted.
    `key` is the first direction; `settle` the wait after each press (s).
    With a `screencast` (Screencast), each press is also timed by the compositor's frames
    to the first one that changed the `crop` locator's box (shrunk by `inset` px, its left
    `crop_width` px only if given).
    Returns: {"dom_ms", "frame_ms" (to the last change a press caused), "first_frame_ms" (to
    the frame after a chart's first new picture), "screencast_ms" (with a screencast): lists;
    "changed": presses that changed the picture, "presses"}.
    """
    install(page)
    _watch(page, *watch)
    handle.scroll_into_view_if_needed()
    if screencast and _shown_box(crop, inset) is None:
        # The frames show the viewport only: a crop below its foot would see no change.
        crop.scroll_into_view_if_needed()
        handle.scroll_into_view_if_needed()
        if _shown_box(crop, inset) is None:
            raise AssertionError(
                f"the screencast's crop {crop.bounding_box()} is out of sight beside the "
                "pressed control: no frame could show the answer"
            )
    handle.focus()
    timings, screen = _Timings(), []
    turn = {
        "ArrowRight": "ArrowLeft",
        "ArrowLeft": "ArrowRight",
        "ArrowDown": "ArrowUp",
        "ArrowUp": "ArrowDown",
    }
    done, attempts = 0, 0
    while done < warmup + presses:
        attempts += 1
        if attempts > 3 * (warmup + presses):
            raise AssertionError(f"the control stopped moving after {done} presses")
        before = _value(handle)
        shown = picture() if picture else None
        handle.press(key)
        if screencast:  # Playwright delivers (and acknowledges) the frames while it waits
            page.wait_for_timeout(settle * 1000)
        else:
            time.sleep(settle)
        stamps = page.evaluate(STAMPS_JS)
        if _value(handle) == before:  # at an end: turn round, and press again
            key = turn[key]
            continue
        done += 1
        if done <= warmup:
            continue
        timings.add(stamps, picture is None or picture() != shown)
        if screencast:
            key_s = page.evaluate("() => (performance.timeOrigin + window.__latency.key) / 1000")
            box = _shown_box(crop, inset)
            if box is None:  # scrolled out of sight meanwhile: this press is not measured
                crop.scroll_into_view_if_needed()
                handle.scroll_into_view_if_needed()
                continue
            if crop_width:
                box["width"] = min(box["width"], crop_width)
            ms = screencast.latency_ms(key_s, box, inset)
            if ms is not None:
                screen.append(ms)
    result = timings.result(presses)
    if screencast:
        result["screencast_ms"] = screen
    return result


SHOWN_BOX_JS = """
el => {
  // The part of el's box that shows: clipped by every ancestor that clips (the notebook's
  // scroller ends above JupyterLab's status bar) and by the viewport.
  const r = el.getBoundingClientRect();
  let [left, top, right, bottom] = [r.left, r.top, r.right, r.bottom];
  // The body's overflow is the viewport's (it does not clip its own zero-height box), and a
  // box of `display: contents` has no box to clip with.
  for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    const s = getComputedStyle(p);
    if (s.display === 'contents') continue;
    if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
    const q = p.getBoundingClientRect();
    [left, top] = [Math.max(left, q.left), Math.max(top, q.top)];
    [right, bottom] = [Math.min(right, q.right), Math.min(bottom, q.bottom)];
  }
  [right, bottom] = [Math.min(right, innerWidth), Math.min(bottom, innerHeight)];
  [left, top] = [Math.max(left, 0), Math.max(top, 0)];
  return right > left && bottom > top
    ? { x: left, y: top, width: right - left, height: bottom - top } : null;
}
"""


def _shown_box(crop, inset: float = 0.0):
    """The part of `crop`'s bounding box (CSS px) that the viewport shows, or None if none
    of it would be left once shrunk by `inset` px each side."""
    box = crop.evaluate(SHOWN_BOX_JS)
    if box is None or min(box["width"], box["height"]) <= 2 * inset:
        return None
    return box


def time_clicks(page, buttons: list, watch: tuple, picture, start=0, clicks=12, settle=0.4):
    """Click `buttons` (locators, e.g. a ToggleButtons' options) in turn from the one after
    `start` (the selected one), and time each click to its painted frame: the stamps of
    time_presses, started by the click (capture phase) instead of a key.
    Returns: {"frame_ms", "changed" (clicks that changed `picture()`), "presses"}."""
    install(page)
    page.evaluate(
        """() => window.addEventListener('click', () => {
             const L = window.__latency;
             L.key = performance.now(); L.dom = null; L.frame = null; L.changes = 0;
             L.firstDom = null; L.firstFrame = null; }, true)"""
    )
    _watch(page, *watch)
    frame, changed = [], 0
    for k in range(clicks):
        shown = picture()
        buttons[(start + 1 + k) % len(buttons)].click()
        time.sleep(settle)
        t_key, t_frame = page.evaluate("() => [window.__latency.key, window.__latency.frame]")
        if t_frame is not None:
            frame.append(t_frame - t_key)
        changed += picture() != shown
    return {"frame_ms": frame, "changed": changed, "presses": clicks}


def time_selections(
    page,
    select,
    watch: tuple,
    selections: int = 30,
    warmup: int = 3,
    settle: float = 0.4,
    picture=None,
) -> dict:
    """Pick a dropdown's options one after another and time each pick to its painted frame.

    A pick is what the student's choice does in the page: the select's value is set and its
    change event fired, stamped as a key press is (the stamp and the pick in one task). The
    options are walked in turn, so every pick changes the value. Inputs and returns as
    time_presses's (`select` a `.widget-dropdown select` locator).
    """
    install(page)
    _watch(page, *watch)
    select.scroll_into_view_if_needed()
    # Focused, as a student's click leaves it: focus left in a cell's editor keeps its cursor
    # blinking, and a pick then waits for the blink's frame.
    select.focus()
    options = select.evaluate("e => [...e.options].map((o) => o.value)")
    current = options.index(select.evaluate("e => e.value"))
    timings = _Timings()
    for done in range(1, warmup + selections + 1):
        shown = picture() if picture else None
        select.evaluate(
            """(e, v) => {
              const L = window.__latency;
              L.key = performance.now(); L.dom = null; L.frame = null; L.changes = 0;
              L.firstDom = null; L.firstFrame = null;
              e.value = v; e.dispatchEvent(new Event('change', { bubbles: true }));
            }""",
            options[(current + done) % len(options)],
        )
        time.sleep(settle)
        stamps = page.evaluate(STAMPS_JS)
        if done <= warmup:
            continue
        timings.add(stamps, picture is None or picture() != shown)
    return timings.result(selections)


def _value(handle):
    """A slider's position or a dropdown's value, as the page shows it (an HTML range input,
    as the HTML export draws a slider: its value). (A slider's aria-valuenow is rounded for
    display: two steps can read the same.)"""
    return handle.evaluate(
        "e => e.tagName === 'SELECT' || e.tagName === 'INPUT' ? e.value"
        " : (e.parentElement.getAttribute('style') || '') + e.getAttribute('aria-valuenow')"
    )


def hold_key(page, handle, chart: int, control: str, keys: int = 40, hz: float = 30.0) -> dict:
    """Home, then `keys` ArrowRight keydowns at `hz` (a held key): count the pictures drawn.

    `control` is the chart's name for the slider: its value is read after each keydown, in the
    page. The chart's canvas is hashed at every animation frame (the pictures seen), and each
    drawn picture is stamped by a MutationObserver on the chart (the lag).
    Returns: {"keys", "states" (value changes the keys made), "drawn" (distinct pictures seen
    after Home), "lag_ms" (the frame painting the last picture, after the last keydown that changed
    the value)}.
    """
    install(page)
    handle.scroll_into_view_if_needed()
    handle.focus()
    handle.press("Home")
    time.sleep(1.0)
    page.evaluate(
        """([i, control]) => {
          const L = window.__latency, root = document.querySelectorAll('.rnnviz-chart')[i];
          const canvas = root.querySelector('canvas');
          let value = root.chart.state[control], last = L.pixels(canvas);
          L.moves = []; L.seen = new Set([last]); L.sampling = true;
          L.lastDraw = null; L.lastFrame = null;
          // Bubble phase on window: after the slider's own keydown handler moved it.
          L.onKey = () => {
            const now = root.chart.state[control];
            if (now !== value) { value = now; L.moves.push(L.key); }
          };
          window.addEventListener('keydown', L.onKey);
          L.draws = new MutationObserver(() => {
            L.lastDraw = root.__drawnAt; L.lastFrame = root.__paintedAt;
          });
          L.draws.observe(root, { attributes: true, attributeFilter: ['data-drawn'] });
          const tick = () => {
            const h = L.pixels(canvas);
            if (h !== last) { L.seen.add(h); last = h; }
            if (L.sampling) requestAnimationFrame(tick);
          };
          requestAnimationFrame(tick);
        }""",
        [chart, control],
    )
    for _ in range(keys):
        start = time.perf_counter()
        page.keyboard.down("ArrowRight")
        time.sleep(max(0.0, 1 / hz - (time.perf_counter() - start)))
    page.keyboard.up("ArrowRight")
    time.sleep(1.5)
    moves, seen, last_draw = page.evaluate(
        "() => { const L = window.__latency; L.sampling = false; L.draws.disconnect();"
        " window.removeEventListener('keydown', L.onKey);"
        " return [L.moves, L.seen.size - 1, L.lastFrame]; }"
    )
    lag = None if last_draw is None or not moves else last_draw - moves[-1]
    return {"keys": keys, "states": len(moves), "drawn": seen, "lag_ms": lag}


def summary(times: list) -> dict:
    """Median, p90 and max of a list of milliseconds."""
    if not times:
        return {"median": None, "p90": None, "max": None, "n": 0}
    ordered = sorted(times)
    p90 = ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]
    return {"median": statistics.median(ordered), "p90": p90, "max": ordered[-1], "n": len(ordered)}


def start_busy_cell(page, seconds: int = 60, code: str | None = None) -> None:
    """Add a cell at the end of the notebook that keeps the kernel busy, and run it: it sleeps
    for `seconds`, or runs `code` (e.g. a training loop)."""
    # The last cell's prompt: a click there selects the cell and never lands on a widget.
    page.locator(".jp-Notebook .jp-Cell").last.locator(".jp-InputPrompt").click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")
    page.keyboard.press("Enter")  # edit the new cell
    # Typed key by key (the editor's own input path); one-line statements, since the editor
    # indents after a colon.
    page.keyboard.type(code or f"import time; time.sleep({seconds})")
    page.keyboard.press("Shift+Enter")
    page.locator(".jp-CodeCell .jp-InputArea-prompt", has_text="[*]").first.wait_for(timeout=30_000)


def widget_screenshot(page, chart: int, path) -> None:
    """A screenshot of the widget (controls and picture) around chart number `chart`."""
    box = (
        page.locator(".rnnviz-chart")
        .nth(chart)
        .locator("xpath=ancestor::div[contains(@class, 'widget-vbox')][1]")
    )
    box.scroll_into_view_if_needed()
    box.screenshot(path=str(path))


OUTPUT = ".jp-OutputArea-output"


def chart_output(page, chart: int) -> tuple:
    """(selector, index) of the output area that holds chart number `chart`, to watch."""
    index = page.evaluate(
        """([sel, c]) => { const all = [...document.querySelectorAll(sel)];
             return all.indexOf(all.filter(o => o.querySelector('.rnnviz-chart'))[c]); }""",
        [OUTPUT, chart],
    )
    return OUTPUT, index


def charts_settled(page) -> bool:
    """No chart says "recomputing": every frame the controls need has arrived."""
    return page.evaluate(
        "() => [...document.querySelectorAll('.rnnviz-busy')]"
        ".every(b => b.style.display === 'none')"
    )


# The goal is two frames: p90 <= 33 ms and max <= 50 ms from key press to painted frame;
# `make bench` measures it. A test asserts a looser bound that a shared or slow machine still
# meets but a slider answered through the kernel (hundreds of ms before the renderer) does not,
# so `make test` cannot flake on a busy CI box while a regression to the kernel path fails.
TEST_P90_MS = 66.0
TEST_MAX_MS = 150.0


def answered_in_browser_time(
    measure, p90_ms: float = TEST_P90_MS, max_ms: float = TEST_MAX_MS
) -> dict:
    """Every press repaints within the test's bound (see TEST_P90_MS), key to painted frame.

    `measure()` returns time_presses(...)'s result. On a shared machine another job can
    stall the browser for a moment, so a run that misses is measured once more and the second
    run decides; both are in the assertion message.
    Returns: the deciding run's summary of frame times.
    """
    runs = []
    for _ in range(2):
        times = measure()
        frame = summary(times["frame_ms"])
        runs.append((frame, times["changed"], times["presses"]))
        if (
            times["changed"] == times["presses"]
            and frame["p90"] <= p90_ms
            and frame["max"] <= max_ms
        ):
            return frame
    raise AssertionError(
        f"slower than p90 <= {p90_ms} ms, max <= {max_ms} ms, "
        f"or a press did not change the picture: {runs}"
    )


def interrupt_kernels(lab) -> None:
    """Interrupt every kernel of the lab's server (ends a busy cell), through its REST API."""
    for kernel in lab.server.api("GET", "/api/kernels"):
        lab.server.api("POST", f"/api/kernels/{kernel['id']}/interrupt")


# --- the compositor's own frames (RECIPES: "Latency by the compositor's own frames") ---------
# A press's latency read from Chromium's screencast: each Page.screencastFrame carries the
# time its frame was swapped to the screen (metadata.timestamp, epoch seconds). The press is
# stamped in the page as performance.timeOrigin + performance.now() (the same clock); its
# latency is the first frame after it whose crop of the answer (the chart's canvas, a linked
# slider) differs from the last frame before it. The frames are decoded and compared after
# the press has settled, in a second page (no Pillow needed): the measured page does nothing
# extra while it answers.
CROP_HASH_JS = """
async ([frames, crop, viewportWidth]) => {
  // crop: [x, y, width, height] in CSS px; a frame is the viewport at its own pixel size.
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const out = [];
  for (const b64 of frames) {
    const blob = await (await fetch('data:image/jpeg;base64,' + b64)).blob();
    const whole = await createImageBitmap(blob), scale = whole.width / viewportWidth;
    whole.close();
    const [x, y, w, h] = crop.map((v) => Math.round(v * scale));
    if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
    const bitmap = await createImageBitmap(blob, x, y, w, h);
    ctx.clearRect(0, 0, w, h);
    ctx.drawImage(bitmap, 0, 0);
    bitmap.close();
    const d = ctx.getImageData(0, 0, w, h).data;
    let hash = 2166136261;
    for (let i = 0; i < d.length; i++) hash = Math.imul(hash ^ d[i], 16777619);
    out.push(hash >>> 0);
  }
  return out;
}
"""


class Screencast:
    """Chromium's screencast of `page` (CDP Page.startScreencast, JPEG, every frame), each
    frame acknowledged as it arrives; `decoder` is another page of the same browser that
    compares crops. Also sets the page's CPU throttling (a slow laptop: rate 4)."""

    def __init__(self, page, decoder, quality: int = 90):
        self.page, self.decoder = page, decoder
        self.cdp = page.context.new_cdp_session(page)
        self.frames = []  # (swap time s, base64 JPEG, metadata)
        self.cdp.on("Page.screencastFrame", self._frame)
        self.cdp.send(
            "Page.startScreencast", {"format": "jpeg", "quality": quality, "everyNthFrame": 1}
        )

    def _frame(self, params) -> None:
        self.cdp.send("Page.screencastFrameAck", {"sessionId": params["sessionId"]})
        self.frames.append((params["metadata"]["timestamp"], params["data"], params["metadata"]))

    def throttle(self, rate: float) -> None:
        """CPU throttling of the page's renderer: 1 none, 4 a 4x slower CPU."""
        self.cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})

    def stop(self) -> None:
        self.throttle(1)
        self.cdp.send("Page.stopScreencast")
        self.cdp.detach()

    def latency_ms(self, key_s: float, box: dict, inset: float = 0.0):
        """Milliseconds from the press at `key_s` (epoch s) to the first frame whose crop of
        `box` (a bounding box in CSS px, shrunk by `inset` px: JPEG's 16 px blocks at its
        edges may take colour from outside) differs from the last frame before the press;
        None if no frame changed it. Frames older than that last one are dropped."""
        before = [k for k, f in enumerate(self.frames) if f[0] <= key_s]
        if not before:
            return None
        start = before[-1]
        self.frames = self.frames[start:]
        top = self.frames[0][2].get("offsetTop", 0)  # the viewport's top in the frame (CSS px)
        crop = [
            box["x"] + inset,
            box["y"] + inset + top,
            max(1.0, box["width"] - 2 * inset),
            max(1.0, box["height"] - 2 * inset),
        ]
        width = self.page.viewport_size["width"]
        hashes = self.decoder.evaluate(CROP_HASH_JS, [[f[1] for f in self.frames], crop, width])
        for (t, _, _), h in zip(self.frames[1:], hashes[1:]):
            if h != hashes[0]:
                return (t - key_s) * 1000.0
        return None
