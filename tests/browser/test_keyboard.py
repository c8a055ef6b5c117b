"""Labs 04 and 05 by keyboard alone, in JupyterLab and in Notebook 7: Tab reaches every control
of each rnnviz widget, its keys change it and the picture follows; notebook shortcuts (`d d`,
`x`, `m`) pressed on a focused control leave the cells alone; legend items toggle by keyboard;
the canvas's cursor moves by arrow keys and is announced; the accessibility tree names every
chart and control, and the live region announces a settled slider (access.js, reader.js)."""

import re

import pytest

from tests.browser.latency import charts_settled, install

pytestmark = pytest.mark.browser

# The focusable parts of the rnnviz widget around chart number `chart` (its outermost box),
# in document order, each tagged data-kbd="k" so a Tab walk can name what has focus.
FOCUSABLES_JS = """(chart) => {
  for (const e of document.querySelectorAll('[data-kbd]')) delete e.dataset.kbd;
  let box = document.querySelectorAll('.rnnviz-chart')[chart].closest('.rnnviz-widget');
  while (box.parentElement && box.parentElement.closest('.rnnviz-widget'))
    box = box.parentElement.closest('.rnnviz-widget');
  const found = [...box.querySelectorAll(
    '.noUi-handle, select, input, button, canvas[tabindex], textarea')]
    .filter((e) => e.offsetParent !== null && !e.disabled && e.tabIndex >= 0);
  return found.map((e, k) => {
    e.dataset.kbd = String(k);
    const kind = e.matches('.noUi-handle') ? 'slider' : e.matches('.rnnviz-readout') ? 'readout'
      : e.matches('canvas') ? 'canvas'
      : e.matches('.rnnviz-legend-item') ? 'legend' : e.matches('.rnnviz-describe') ? 'describe'
      : e.matches('.rnnviz-play') ? 'play' : e.tagName.toLowerCase() === 'input' ? e.type
      : e.tagName.toLowerCase();
    return { k, kind };
  });
}"""
FOCUSED_JS = "() => document.activeElement ? document.activeElement.dataset.kbd ?? null : null"
CELLS_JS = """() => [...document.querySelectorAll('.jp-Notebook .jp-Cell')]
  .map((c) => (c.classList.contains('jp-MarkdownCell') ? 'm' : 'c')).join('')"""
# What chart number `chart` shows: its pixels' hash, every entry its panels draw (a cold
# control such as the precision may change the numbers by less than a pixel) and the control
# values it draws for (h_{t-1} moves nothing while every w_h is 0).
PICTURE_JS = """(chart) => {
  const c = document.querySelectorAll('.rnnviz-chart')[chart].chart, names = new Set();
  for (const p of c.spec().panels)
    for (const part of [...(p.series || []), ...(p.groups || [])])
      if (typeof part.data === 'string') names.add(part.data);
  const canvas = document.querySelectorAll('.rnnviz-chart > canvas')[chart];
  return JSON.stringify([window.__latency.pixels(canvas), [...names].map((n) => c.read(n)),
                         { ...c.state }]);
}"""
LIVE_JS = """(chart) => document.getElementById(
  document.querySelectorAll('.rnnviz-chart')[chart].dataset.live).textContent"""
CONTROL_ROLES = ("slider", "combobox", "checkbox", "button", "img", "textbox", "spinbutton")


@pytest.fixture(params=["lab", "notebook7"])
def front_end(request):
    """The `lab` fixture (JupyterLab) or the `notebook7` one (Notebook 7)."""
    return request.getfixturevalue(request.param)


def focus(page, k):
    element = page.locator(f"[data-kbd='{k}']")
    element.scroll_into_view_if_needed()
    element.focus()
    return element


def tab_walk(lab, parts):
    """Tab from the first part until focus leaves the widget: the parts it reached."""
    page, reached = lab.page, []
    focus(page, 0)
    for _ in range(3 * len(parts) + 10):  # readouts and the like take Tabs of their own
        now = page.evaluate(FOCUSED_JS)
        if now is not None:
            reached.append(int(now))
        elif reached and page.evaluate("() => !document.activeElement.closest('.rnnviz-widget')"):
            break
        page.keyboard.press("Tab")
    return set(reached)


def operate(lab, chart, part):
    """Press the key that changes `part`; wait until the picture of `chart` changes (its
    pixels, or the numbers it draws)."""
    page = lab.page
    lab.wait_until(lambda: charts_settled(page), message="the charts to settle")
    before = page.evaluate(PICTURE_JS, chart)
    element = focus(page, part["k"])
    kind = part["kind"]
    # Read now: an earlier key (a shortcut typed into a select) may have moved it.
    if kind == "slider":
        at_end = element.get_attribute("aria-valuenow") == element.get_attribute("aria-valuemax")
        key = "ArrowLeft" if at_end else "ArrowRight"
    elif kind == "select":
        last = element.evaluate("e => e.selectedIndex === e.options.length - 1")
        key = "ArrowUp" if last else "ArrowDown"
    elif kind == "readout":
        # Enter on the drawn readout opens the slider's own for typing: its other end's value,
        # then Enter takes it (readout.js).
        typed = element.evaluate(
            "c => { const h = c.closest('.widget-hslider').querySelector('.noUi-handle');"
            " const [now, low] = ['aria-valuenow', 'aria-valuemin'].map((a) => h.getAttribute(a));"
            " return now === low ? h.getAttribute('aria-valuemax') : low; }"
        )
        page.keyboard.press("Enter")
        assert page.evaluate("() => document.activeElement.matches('.widget-readout')")
        page.keyboard.type(typed)
        key = "Enter"
    elif kind == "checkbox":
        key = "Space"
    else:  # legend items, Play and Describe are buttons; the canvas moves its cursor
        key = "ArrowRight" if kind == "canvas" else "Enter"
    page.keyboard.press(key)
    if kind == "describe":
        assert element.get_attribute("aria-expanded") == "true"
        return
    if kind == "legend":
        # The item (rebuilt, focus kept) is no longer pressed and its series is hidden; a
        # symbol's item (the underflow marker) may hide nothing drawn, so pixels are no test.
        hidden = "(c) => document.querySelectorAll('.rnnviz-chart')[c].chart.hidden().length"
        assert page.evaluate("() => document.activeElement.getAttribute('aria-pressed')") == (
            "false"
        )
        assert page.evaluate(hidden, chart) == 1
        page.keyboard.press("Space")  # shown again, by the keyboard too
        assert page.evaluate(hidden, chart) == 0
        return
    lab.wait_until(
        lambda: page.evaluate(PICTURE_JS, chart),
        lambda now: now != before,
        message=f"the picture to change after {key} on {kind} {part['k']}",
    )
    if kind == "slider":
        # Read out as the readout shows it, not with the slider's float noise (0.9500000000000001).
        lab.wait_until(
            lambda: element.evaluate(
                "h => [h.getAttribute('aria-valuetext'), h.closest('.widget-inline-hbox')"
                "?.querySelector('.widget-readout')?.textContent.trim() || null]"
            ),
            lambda said: said[1] is None or said[0] == said[1],
            message=f"slider {part['k']}'s value to be read out as its readout shows it",
        )
    if kind == "readout":
        # The focus is back on the drawn readout, shown again.
        lab.wait_until(
            lambda: element.evaluate("c => c === document.activeElement && !!c.offsetParent"),
            message="the drawn readout to take the focus back after Enter",
        )
    if kind == "canvas":
        lab.wait_until(
            lambda: page.evaluate(LIVE_JS, chart),
            lambda t: re.search(r"\w+ .*: ", t),
            message="the cursor's reading to be announced",
        )
        page.keyboard.press("Escape")


def shortcuts_stay_off(lab, parts):
    """`d d`, `x`, `m` on each kind of focused control leave every cell where it was."""
    page = lab.page
    cells = page.evaluate(CELLS_JS)
    tried = set()
    for part in parts:
        if part["kind"] in tried or part["kind"] in ("text", "textarea"):
            continue
        tried.add(part["kind"])
        focus(page, part["k"])
        for key in ("d", "d", "x", "m"):
            page.keyboard.press(key)
        assert page.evaluate(CELLS_JS) == cells, f"a shortcut fired from a {part['kind']}"
        assert page.locator(f"[data-kbd='{part['k']}']").count() == 1
    # Escape hands focus back to the notebook's cell, where its own keys work again.
    focus(page, parts[0]["k"])
    page.keyboard.press("Escape")
    assert page.evaluate("() => document.activeElement.classList.contains('jp-Cell')")


def named_tree(lab, chart):
    """Every chart (img) and control in the widget's accessibility tree has a name."""
    box = (
        lab.page.locator(".rnnviz-chart")
        .nth(chart)
        .locator("xpath=ancestor::div[contains(@class, 'rnnviz-widget')][last()]")
    )
    tree = box.aria_snapshot()
    # A line is `- role "name"`, or that in YAML quotes when the name has a colon.
    roles = re.findall(r"^\s*- '?(\w+)( \"[^\"]+\"| /.+/)?", tree, re.M)
    controls = [(role, name) for role, name in roles if role in CONTROL_ROLES]
    assert "img" in {r for r, _ in controls}, tree
    unnamed = [role for role, name in controls if not name]
    assert not unnamed, f"unnamed {unnamed} in:\n{tree}"
    return tree


def settled(lab) -> bool:
    """Wait until the kernel is idle and no chart is recomputing (then the page's controls
    are the ones it will keep)."""
    lab._wait_until_kernel_idle()
    lab.wait_until(lambda: charts_settled(lab.page), message="the charts to settle")
    return True


def by_keyboard(lab, notebook, charts, min_sliders):
    lab.run(notebook, min_plots=0, min_sliders=min_sliders)
    page = lab.page
    install(page)
    for chart in charts:
        tree = named_tree(lab, chart)
        parts = page.evaluate(FOCUSABLES_JS, chart)
        reached = tab_walk(lab, parts)
        missing = [p for p in parts if p["k"] not in reached]
        assert not missing, f"Tab did not reach {missing}"
        shortcuts_stay_off(lab, parts)
        announces = page.evaluate(
            "(c) => !!document.querySelectorAll('.rnnviz-chart')[c].chart.spec().announce", chart
        )
        said = page.evaluate(LIVE_JS, chart)
        # Parts are found again before each press: a cold control's recompute may replace
        # a control (T makes a new pulse slider) or add legend items (show the GRU).
        k, played = 0, False
        while settled(lab) and k < len(parts := page.evaluate(FOCUSABLES_JS, chart)):
            part = parts[k]
            k += 1
            if part["kind"] == "play":  # Play runs for seconds: pressed last, below
                continue
            operate(lab, chart, part)
            if part["kind"] == "slider" and announces and said is not None:
                # The first slider's settled value is announced, in the kernel's words.
                lab.wait_until(
                    lambda chart=chart: page.evaluate(LIVE_JS, chart),
                    lambda t, said=said: t and t != said and "=" in t,
                    message="the live region to announce the slider's change",
                )
                said = None
        for part in page.evaluate(FOCUSABLES_JS, chart):
            if part["kind"] == "play":
                operate(lab, chart, part)
                played = True
        assert played == any(p["kind"] == "play" for p in parts)
        assert tree
    lab.assert_healthy()


def test_lab_04_by_keyboard(front_end):
    by_keyboard(front_end, "04_vanishing_gradients.ipynb", charts=[0], min_sliders=5)


def test_lab_05_by_keyboard(front_end):
    by_keyboard(front_end, "05_lstm_gates.ipynb", charts=[0, 1, 2], min_sliders=27)
