"""Lab 01 in JupyterLab: the hidden-state explorer answers its three sliders (t, the edit step
k, the new x_k) in the browser, even while the kernel is busy."""

import time

import pytest

from tests.browser.latency import (
    answered_in_browser_time,
    canvas_hash,
    chart_output,
    chart_read,
    chart_state,
    interrupt_kernels,
    start_busy_cell,
    time_presses,
    widget_screenshot,
)
from tests.browser.readouts import SPOT_PIXELS_JS

pytestmark = pytest.mark.browser

# Document order: the explorer's sliders t, edit step k, new x_k. Chart 0 is its picture.
T_SLIDER, EDIT_STEP, VALUE = 0, 1, 2
CHART = 0
T, H = 12, 8  # the lab's sequence length and hidden size


def handle(lab, slider):
    return lab.page.locator(".widget-slider .noUi-handle").nth(slider)


# Each slider of the explorer: its readout (hidden?), the readout's text, whether text is
# drawn over its spot (ink: a pixel more than half opaque), a hash of the pixels drawn there
# (readout.js) and the spot's accessible name.
READOUTS_JS = (
    "() => {"
    + SPOT_PIXELS_JS
    + """
  return [...document.querySelectorAll('.rnnviz-widget .widget-hslider')].map((s) => {
    const readout = s.querySelector(':scope > .widget-readout'), next = readout.nextElementSibling;
    const spot = next && next.matches('div.rnnviz-readout') ? next : null;
    const seen = !!spot && getComputedStyle(spot).display !== 'none';
    return { hidden: getComputedStyle(readout).display === 'none', text: readout.textContent,
             shown: seen && spotInk(spot) > 128, pixels: seen ? spotHash(spot) : null,
             label: spot && spot.getAttribute('aria-label') };
  });
}"""
)
PRESSES = 10


def zero_before(change, k):
    """The change h(edited) - h ((T, H) flattened, t-major) is exactly 0 before step k."""
    return all(v == 0 for v in change[: (k - 1) * H])


def test_lab_01(lab):
    lab.run("01_rnn_from_scratch.ipynb", min_plots=0, min_sliders=3)
    page = lab.page
    lab.wait_until(lambda: page.locator(".rnnviz-chart > canvas").count(), lambda n: n == 1)
    # (The page's slider may round 2.0 to -3 + 50 * 0.1 = 2.000000000000001.)
    assert chart_state(page, CHART) == {"step": 1, "edit_step": 5, "value": pytest.approx(2.0)}
    assert len(chart_read(page, CHART, "x")) == T and len(chart_read(page, CHART, "h")) == T * H

    # t: the titles name step 2 (the bars' rows are picked from h in the page).
    lab.press_slider(slider=T_SLIDER, key="ArrowRight")
    lab.wait_until(lambda: chart_read(page, CHART, "t_now"), lambda v: v == [2])

    # The new x_5, from 2.0 to 2.1: the change moves, and stays exactly zero before k = 5.
    before = chart_read(page, CHART, "dh")
    assert zero_before(before, 5) and any(before[4 * H : 5 * H])
    lab.press_slider(slider=VALUE, key="ArrowRight")
    change = lab.wait_until(lambda: chart_read(page, CHART, "dh"), lambda v: v != before)
    assert zero_before(change, 5) and any(change[4 * H : 5 * H])
    assert chart_state(page, CHART)["value"] == pytest.approx(2.1)
    assert chart_read(page, CHART, "x_edited")[4] == pytest.approx(2.1, abs=1e-6)

    # The edit step, k = 6: the change now starts one step later.
    lab.press_slider(slider=EDIT_STEP, key="ArrowRight")
    change = lab.wait_until(lambda: chart_read(page, CHART, "dh"), lambda v: zero_before(v, 6))
    assert any(change[5 * H : 6 * H])

    # Hover names the cell and its value as computed: the change map at t = 6, unit 1
    # (the panel's box is [60, 440, 500, 180] px, steps 0.5..12.5, units 0.5..8.5).
    canvas = page.locator(".rnnviz-chart > canvas").first
    canvas.scroll_into_view_if_needed()
    canvas.hover(position={"x": 60 + 5.5 / 12 * 500, "y": 440 + 180 - 0.5 / 8 * 180})
    tip = page.locator(".rnnviz-chart > div").first
    assert tip.inner_text() == f"unit 1, t 6: {change[5 * H]:.2e}"
    widget_screenshot(page, CHART, lab.screenshot("01_rnn_from_scratch").parent / "01_explorer.png")

    # Latency: every hot slider repaints from the browser while a cell keeps the kernel busy.
    start_busy_cell(page, seconds=120)
    where = chart_output(page, CHART)
    for slider in (T_SLIDER, EDIT_STEP, VALUE):
        answered_in_browser_time(
            lambda slider=slider: time_presses(
                page,
                handle(lab, slider),
                where,
                presses=20,
                picture=lambda: canvas_hash(page, CHART),
            )
        )
    interrupt_kernels(lab)
    lab._wait_until_kernel_idle()
    drawn_readouts(lab)
    lab.assert_healthy()


def drawn_readouts(lab):
    """Each slider's readout is drawn on its widget's readout canvas, over an empty spot in the
    readout's place (readout.js): the readout itself is hidden, so a press changes pixels, not
    text the page must lay out again (the browser's layout count stays put); a click, or a key
    on the focused spot, brings the readout back, focused, for typing a value, which Enter or
    leaving it takes and Escape drops."""
    page = lab.page
    before = page.evaluate(READOUTS_JS)
    assert [(r["hidden"], r["shown"]) for r in before] == [(True, True)] * 3
    assert [r["label"] for r in before] == ["t value", "edit step k value", "new x_k value"]
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")

    def layouts():
        metrics = cdp.send("Performance.getMetrics")["metrics"]
        return next(m["value"] for m in metrics if m["name"] == "LayoutCount")

    value = handle(lab, VALUE)
    value.scroll_into_view_if_needed()
    value.focus()
    page.wait_for_timeout(500)  # the scroll's and the focus's layouts are done
    # Each press counted from the layout count before it to 40 ms after it, if that window
    # closed within 140 ms of the press before: sooner than the kernel hears of a slider
    # (sync.js, 150 ms), whose status JupyterLab lays out. A slower one is not counted.
    laid_out, counted, last = 0, 0, 0.0
    for _ in range(2 * PRESSES):
        start = layouts()
        value.press("ArrowLeft")
        page.wait_for_timeout(40)
        now, end = time.monotonic(), layouts()
        if now - last < 0.14:
            counted += 1
            laid_out += end > start
        last = now
        if counted == PRESSES:
            break
    cdp.detach()
    after = page.evaluate(READOUTS_JS)
    assert after[VALUE]["text"] != before[VALUE]["text"]
    assert after[VALUE]["pixels"] != before[VALUE]["pixels"]
    assert [r["pixels"] for r in after[:VALUE]] == [r["pixels"] for r in before[:VALUE]]
    assert counted >= PRESSES // 2, f"only {counted} presses were quick enough to count"
    assert laid_out <= 1, f"the page was laid out after {laid_out} of {counted} presses"

    # Typing a value: a click opens the readout, focused, its text selected; Enter takes it.
    drawn = page.locator(".rnnviz-readout").nth(VALUE)
    readout = page.locator(".rnnviz-widget .widget-readout").nth(VALUE)
    drawn.click()
    assert readout.is_visible()
    assert readout.evaluate("r => r === document.activeElement")
    page.keyboard.type("1.5")
    page.keyboard.press("Enter")
    shown = typed_value(lab, 1.5, "1.5")
    assert shown["pixels"] != after[VALUE]["pixels"]
    focused = "e => e === document.activeElement"
    lab.wait_until(lambda: drawn.evaluate(focused), message="the focus back on the drawn readout")
    # A character on the focused drawn readout begins the typing; Tab away takes the value,
    # and the focus stays where Tab sent it.
    page.keyboard.press("1")
    page.keyboard.type(".2")
    page.keyboard.press("Tab")
    typed_value(lab, 1.2, "1.2")
    page.wait_for_timeout(300)
    # The next control after new x_k's readout: the chart's canvas.
    chart = page.locator(".rnnviz-chart > canvas").nth(CHART)
    assert chart.evaluate(focused), page.evaluate("() => document.activeElement.outerHTML")
    # Escape drops what was typed, and the focus goes back to the drawn readout.
    drawn.focus()
    page.keyboard.press("Enter")
    page.keyboard.type("0.7")
    page.keyboard.press("Escape")
    page.wait_for_timeout(500)
    typed_value(lab, 1.2, "1.2")
    assert drawn.evaluate(focused)


def typed_value(lab, value: float, text: str) -> dict:
    """Wait until the picture draws `value`; the drawn readout, shown again, says `text`."""
    page = lab.page
    lab.wait_until(
        lambda: chart_state(page, CHART)["value"],
        lambda v: v == pytest.approx(value),
        message=f"the typed value {value} to reach the picture",
    )
    shown = lab.wait_until(
        lambda: page.evaluate(READOUTS_JS)[VALUE],
        lambda r: (r["hidden"], r["shown"], r["text"]) == (True, True, text),
        message=f"the drawn readout to say {text}",
    )
    return shown
