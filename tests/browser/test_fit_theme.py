"""Labs 04, 06 and 07 in JupyterLab at 1024x768 with the file browser open, then zoomed to
80% and 125% after load (as a browser zoom does: the CSS viewport grows or shrinks and
devicePixelRatio changes; CDP's device metrics), then in JupyterLab Dark: every chart fits
its output area (no sideways scroll), its pixels are whole after a slider move (backing store
= CSS size x ratio, every pixel painted, the corners the theme's background) and its text
keeps 4.5:1 contrast, read from the canvas pixels under each piece of text. One Run All per
lab; the zoom and theme change in the same page."""

import re

import pytest

from tests.browser.latency import charts_settled
from tests.browser.readouts import SPOT_PIXELS_JS

pytestmark = pytest.mark.browser

WINDOW = {"width": 1024, "height": 768}
# (name, CSS viewport, devicePixelRatio): a 1024x768 window at browser zoom 100%, 80%, 125%.
ZOOMS = [
    ("100%", WINDOW, 1),
    ("80%", {"width": 1280, "height": 960}, 0.8),
    ("125%", {"width": 819, "height": 614}, 1.25),
]

# In the page: WCAG contrast of two [r, g, b] pixels, and the page's background colour.
CONTRAST_JS = """
  const lum = (p) => { const f = (c) => (c /= 255) <= 0.03928 ? c / 12.92
                                       : ((c + 0.055) / 1.055) ** 2.4;
                       return 0.2126 * f(p[0]) + 0.7152 * f(p[1]) + 0.0722 * f(p[2]); };
  const contrast = (a, b) => { const x = lum(a), y = lum(b);
                               return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const rgb = (css) => css.match(/[\\d.]+/g).slice(0, 3).map(Number);
  // The page's background as the browser resolves it (the variable may be "white").
  const pageColor = () => {
    const probe = document.createElement('div');
    probe.style.color = 'var(--jp-layout-color0, white)';
    document.body.append(probe);
    const color = rgb(getComputedStyle(probe).color);
    probe.remove();
    return color;
  };
"""

# Test-only: each piece of text a canvas draws (since its last full clear or full copy)
# measured against the pixels it was drawn over: its box's pixels read before and after the
# text, the text's contrast the largest change's (its darkest pixel on light, its lightest on
# dark), and its fill colour against the colour that pixel had before.
TEXT_BOXES_JS = (
    """(() => {"""
    + CONTRAST_JS
    + """
  const boxes = new WeakMap();
  globalThis.__rnnvizTextBoxes = (canvas) => boxes.get(canvas) || [];
  const P = CanvasRenderingContext2D.prototype, fill = P.fillText, clear = P.clearRect,
    copy = P.drawImage;
  P.clearRect = function (x, y, ...rest) {
    if (x === 0 && y === 0) boxes.set(this.canvas, []);
    return clear.call(this, x, y, ...rest);
  };
  // A kept frame layer copied over the whole canvas (layers.js): the canvas shows the layer's
  // text, measured when the layer was painted, and nothing drawn before.
  P.drawImage = function (source, ...rest) {
    if (boxes.has(source) && this.globalCompositeOperation === 'copy'
        && rest.length === 2 && rest[0] === 0 && rest[1] === 0
        && source.width === this.canvas.width && source.height === this.canvas.height)
      boxes.set(this.canvas, [...boxes.get(source)]);
    return copy.call(this, source, ...rest);
  };
  P.fillText = function (text, x, y, ...rest) {
    const list = boxes.get(this.canvas);
    if (!list || !String(text).trim()) return fill.call(this, text, x, y, ...rest);
    const m = this.measureText(text), t = this.getTransform();
    const corners = [[x - m.actualBoundingBoxLeft, y - m.actualBoundingBoxAscent],
                     [x + m.actualBoundingBoxRight, y + m.actualBoundingBoxDescent],
                     [x - m.actualBoundingBoxLeft, y + m.actualBoundingBoxDescent],
                     [x + m.actualBoundingBoxRight, y - m.actualBoundingBoxAscent]]
      .map(([u, v]) => t.transformPoint({ x: u, y: v }));
    const xs = corners.map((p) => p.x), ys = corners.map((p) => p.y);
    const W = this.canvas.width, H = this.canvas.height;
    const x0 = Math.max(0, Math.floor(Math.min(...xs)) - 1),
      y0 = Math.max(0, Math.floor(Math.min(...ys)) - 1);
    const x1 = Math.min(W, Math.ceil(Math.max(...xs)) + 1),
      y1 = Math.min(H, Math.ceil(Math.max(...ys)) + 1);
    const color = String(this.fillStyle);
    if (x1 - x0 < 1 || y1 - y0 < 1) return fill.call(this, text, x, y, ...rest);
    const before = this.getImageData(x0, y0, x1 - x0, y1 - y0).data;
    const result = fill.call(this, text, x, y, ...rest);
    const after = this.getImageData(x0, y0, x1 - x0, y1 - y0).data;
    const ink = rgb(color.startsWith('#')
      ? `rgb(${[1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16))})` : color);
    let best = 1, drawn = null;
    for (let i = 0; i < after.length; i += 4) {
      const a = [after[i], after[i + 1], after[i + 2]],
        b = [before[i], before[i + 1], before[i + 2]];
      const c = contrast(a, b);
      if (c > best) { best = c; drawn = contrast(ink, b); }
    }
    list.push({ text: String(text), font: this.font, yScale: Math.hypot(t.c, t.d),
                contrast: best, drawn: drawn ?? 1, box: [x0 + 1, y0 + 1, x1 - 1, y1 - 1],
                // Smoothing keeps a glyph a few device px across (",", "_", any letter under
                // 10 device px) from full ink: its pixels are not held to 4.5:1, its colour is.
                thin: Math.min(x1 - x0, y1 - y0) < 8
                  || Number(/([\\d.]+)px/.exec(this.font)[1]) * Math.hypot(t.c, t.d) < 10 });
    return result;
  };
})();"""
)

# Every chart in the page, scrolled into view one at a time: how it sits in its output area,
# its backing store and pixels, and the contrast of each piece of its text.
CHARTS_JS = (
    """async () => {
  const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
"""
    + CONTRAST_JS
    + """
  const out = [];
  for (const root of document.querySelectorAll('.rnnviz-chart')) {
    const canvas = root.querySelector('canvas');
    root.scrollIntoView({ block: 'center' });
    await frame();
    const output = root.closest('.jp-OutputArea-output');
    const box = canvas.getBoundingClientRect(), area = output.getBoundingClientRect();
    // Nothing of the widget sticks out of its output area, the area stays in the notebook's
    // view, and no element from the chart up to the area scrolls sideways. (A long line of
    // code in a cell may still widen the notebook: that is the code's, not a chart's.)
    const view = output.closest('.jp-WindowedPanel-outer') || document.body;
    const sticking = [...output.querySelectorAll('*')]
      .filter((x) => x.getBoundingClientRect().right > area.right + 1)
      .slice(0, 3).map((x) => `${x.tagName}.${x.className}`);
    if (area.right > view.getBoundingClientRect().right + 1) sticking.push('the output area');
    const scrolls = [];
    for (let e = canvas.parentElement; e && e !== output.parentElement; e = e.parentElement)
      if (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible')
        scrolls.push(`${e.className}: ${e.scrollWidth} > ${e.clientWidth}`);
    const ctx = canvas.getContext('2d'), w = canvas.width, h = canvas.height;
    const d = ctx.getImageData(0, 0, w, h).data;
    let unpainted = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] !== 255) unpainted++;
    const px = (x, y) => Array.from(d.slice(4 * (y * w + x), 4 * (y * w + x) + 3));
    const texts = globalThis.__rnnvizTextBoxes(canvas).map((t) => ({
      text: t.text, contrast: t.contrast, drawn: t.drawn, thin: t.thin, box: t.box,
      css_px: Number(/([\\d.]+)px/.exec(t.font)[1]) * t.yScale / devicePixelRatio,
      monospace: t.font.includes('monospace') }));
    const page = pageColor();
    const legend = [...root.querySelectorAll('.rnnviz-legend-item')]
      .map((e) => contrast(rgb(getComputedStyle(e).color), page));
    out.push({
      cssWidth: box.width, cssHeight: box.height, width: w, height: h,
      inside: box.left >= area.left - 0.5 && box.right <= area.right + 0.5,
      scrolls, sticking, unpainted,
      corners: [px(0, 0), px(w - 1, 0), px(0, h - 1), px(w - 1, h - 1)],
      page, texts, legend, ratio: devicePixelRatio,
    });
  }
  return out;
}"""
)


# Every drawn slider readout in the page (readout.js): its readout canvas's backing store
# against its CSS size and the pixel ratio, its readout's text, and the ink over its spot (the
# most opaque pixel) against the page.
READOUTS_JS = (
    """() => {"""
    + CONTRAST_JS
    + SPOT_PIXELS_JS
    + """
  const page = pageColor();
  return [...document.querySelectorAll('.rnnviz-readout')].filter((s) => s.offsetParent)
    .map((s) => {
      const p = spotPixels(s);
      if (!p) return { text: s.previousElementSibling.textContent, drawn: false };
      const c = p.canvas, box = c.getBoundingClientRect(), d = p.data;
      let alpha = 0, ink = [0, 0, 0];
      for (let i = 3; i < d.length; i += 4)
        if (d[i] > alpha) [alpha, ink] = [d[i], [d[i - 3], d[i - 2], d[i - 1]]];
      return { text: s.previousElementSibling.textContent, drawn: true, width: c.width,
               height: c.height, cssWidth: box.width, cssHeight: box.height, alpha,
               contrast: contrast(ink, page) };
    });
}"""
)

# Every Predict in the page: inside its output area, its text readable on the page.
PREDICTS_JS = (
    """() => {"""
    + CONTRAST_JS
    + """
  const page = pageColor();
  return [...document.querySelectorAll('.rnnviz-predict')].map((p) => {
    const box = p.getBoundingClientRect(),
      area = p.closest('.jp-OutputArea-output').getBoundingClientRect();
    const texts = [p, ...p.querySelectorAll('*')].filter((e) => e.childNodes.length
      && [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())
      && !e.closest('button'));
    return { inside: box.right <= area.right + 1 && box.left >= area.left - 1,
             contrast: Math.min(...texts.map((e) => contrast(rgb(getComputedStyle(e).color),
                                                             page))) };
  });
}"""
)


def open_file_browser(page) -> None:
    """The left sidebar's file browser open, as a student usually has it."""
    if not page.locator("#filebrowser").is_visible():
        page.locator('.jp-SideBar .lm-TabBar-tab[data-id="filebrowser"]').click()
    page.locator("#filebrowser").wait_for(state="visible")


def dark_theme(lab) -> None:
    page = lab.page
    # Settings > Theme > JupyterLab Dark, as a student picks it.
    page.locator("#jp-MainMenu").get_by_text("Settings", exact=True).click()
    page.locator(".lm-Menu-itemLabel").filter(has_text=re.compile(r"^Theme$")).click()
    page.locator(".lm-Menu-itemLabel").filter(has_text=re.compile(r"^JupyterLab Dark$")).click()
    lab.wait_until(
        lambda: page.evaluate("() => document.body.dataset.jpThemeLight"),
        lambda light: light == "false",
        message="JupyterLab Dark to apply",
    )
    # JupyterLab shows its splash screen over the page while a theme loads.
    lab.wait_until(
        lambda: page.evaluate("() => !document.querySelector('#jupyterlab-splash')"),
        message="JupyterLab's splash screen to go after the theme change",
    )


def fitted(page) -> bool:
    """Every chart drawn at its present size and ratio (the redraw a resize, zoom or theme
    asks for has happened) and no chart recomputing."""
    return charts_settled(page) and page.evaluate(
        """() => [...document.querySelectorAll('.rnnviz-chart > canvas')].every((c) => {
             const w = parseFloat(c.style.width), r = devicePixelRatio;
             return c.width === Math.max(1, Math.round(w * r))
                    && w <= c.parentElement.clientWidth + 0.5;
           })"""
    )


def overlapping(texts: list, slack: float = 1.0) -> list:
    """The pairs of different texts whose ink boxes (device px) overlap by more than `slack`
    px both ways."""
    crossed = []
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            if a["text"] == b["text"]:
                continue
            w = min(a["box"][2], b["box"][2]) - max(a["box"][0], b["box"][0])
            h = min(a["box"][3], b["box"][3]) - max(a["box"][1], b["box"][1])
            if w > slack and h > slack:
                crossed.append((a["text"], b["text"]))
    return crossed


def larger_ui_font(lab) -> None:
    """Settings > Theme > Increase UI Font Size: JupyterLab writes its font sizes on the
    page's root element, not the body, and the sliders' rows reflow under the drawn readouts'
    canvas."""
    page = lab.page
    before = page.evaluate("() => document.documentElement.style.cssText")
    page.locator("#jp-MainMenu").get_by_text("Settings", exact=True).click()
    page.locator(".lm-Menu-itemLabel").filter(has_text=re.compile(r"^Theme$")).click()
    page.locator(".lm-Menu-itemLabel").filter(
        has_text=re.compile(r"^Increase UI Font Size$")
    ).click()
    lab.wait_until(
        lambda: page.evaluate("() => document.documentElement.style.cssText"),
        lambda now: now != before,
        message="the UI font size to change",
    )
    page.keyboard.press("Escape")
    page.wait_for_timeout(500)


def check_charts(lab, where: str, viewport: dict, ratio: float, dark: bool = False) -> None:
    page = lab.page
    # The zoom took: the page's CSS viewport and pixel ratio are the zoomed window's.
    assert page.evaluate("() => [innerWidth, innerHeight]") == [
        viewport["width"],
        viewport["height"],
    ], where
    assert page.evaluate("() => devicePixelRatio") == pytest.approx(ratio), where
    # A slider move (where the lab has one): every chart is drawn again at this size, ratio
    # and theme.
    if lab.slider_count():
        lab.press_slider(slider=0, key="ArrowRight")
    lab.wait_until(lambda: fitted(page), message=f"charts to fit ({where})")
    charts = page.evaluate(CHARTS_JS)
    assert charts, where
    for k, c in enumerate(charts):
        at = f"{where}, chart {k}"
        assert c["inside"] and not c["scrolls"] and not c["sticking"], (at, c)
        assert c["width"] == round(c["cssWidth"] * c["ratio"]), at
        assert c["height"] == round(c["cssHeight"] * c["ratio"]), at
        # Whole: every backing pixel painted (no ghost, no uncovered strip), corners the page's.
        assert c["unpainted"] == 0, at
        assert all(corner == c["page"] for corner in c["corners"]), (at, c["corners"], c["page"])
        assert c["texts"], at  # the text boxes were recorded: the contrast check reads some
        # Text drawn in a colour with 4.5:1 on what it covers, and its pixels show it (but for
        # glyphs too small to reach full ink when smoothed: TEXT_BOXES_JS's `thin`).
        poor = [
            (t["text"], round(t["drawn"], 2), round(t["contrast"], 2))
            for t in c["texts"]
            if t["drawn"] < 4.5 or (t["contrast"] < 4.5 and not t["thin"])
        ]
        assert not poor, (at, poor)
        small = [
            (t["text"], round(t["css_px"], 1))
            for t in c["texts"]
            if t["css_px"] < 9.5 and not t["monospace"]
        ]
        assert not small, (at, small)
        # Legible: no two pieces of text (of different words) run into each other, however
        # the text floor widened them, down to a 600 px notebook column (a 1024 px
        # window's, 592 px). Narrower (125% of it, a 400 px column) the kernel's layout is
        # only scaled: lab 04's x-axis title meets the chain's title below it and its colour
        # bar's title its ticks, lab 06's y-axis title its "1000" at the canvas's edge.
        if viewport["width"] >= WINDOW["width"]:
            crossed = overlapping(c["texts"])
            assert not crossed, (at, crossed)
        assert all(ratio >= 4.5 for ratio in c["legend"]), (at, c["legend"])
        if dark:
            assert sum(c["page"]) < 3 * 80, at  # JupyterLab Dark's background, not white
    assert check_readouts(page, where, ratio) or not lab.slider_count(), where
    for k, p in enumerate(page.evaluate(PREDICTS_JS)):
        assert p["inside"] and p["contrast"] >= 4.5, (f"{where}, Predict {k}", p)


def check_readouts(page, where: str, ratio: float) -> list:
    """Every drawn readout in the page is drawn over its spot, sharp and readable; returns
    them."""
    readouts = page.evaluate(READOUTS_JS)
    for r in readouts:
        # Sharp at this zoom, drawn, its ink readable on this theme's page (getImageData's
        # colours are not premultiplied: a smoothed edge keeps its fill's colour).
        assert r["drawn"], (where, r)
        # A whole number of device pixels wide and high (to Blink's layout unit, 1/64 CSS px),
        # one backing pixel each: the browser snaps the canvas's edges to device pixels, and
        # a size in between would stretch it by a pixel.
        for size, css in (("width", "cssWidth"), ("height", "cssHeight")):
            assert abs(r[size] - r[css] * ratio) <= ratio / 64 + 1e-3, (where, size, r)
        assert r["alpha"] > 128 and r["contrast"] >= 4.5, (where, r)
    return readouts


@pytest.mark.parametrize(
    "notebook, plots, sliders, timeout",
    [
        ("04_vanishing_gradients.ipynb", 3, 5, 300),
        ("06_long_range_memory.ipynb", 3, 0, 900),
        ("07_char_language_model.ipynb", 4, 4, 600),
    ],
)
def test_charts_fit_zoom_and_theme(lab, notebook, plots, sliders, timeout):
    page = lab.page
    page.add_init_script(TEXT_BOXES_JS)
    page.set_viewport_size(WINDOW)
    lab.run(notebook, min_plots=plots, min_sliders=sliders, timeout=timeout)
    open_file_browser(page)
    cdp = page.context.new_cdp_session(page)
    for name, viewport, ratio in ZOOMS:
        cdp.send(
            "Emulation.setDeviceMetricsOverride",
            {**viewport, "deviceScaleFactor": ratio, "mobile": False},
        )
        check_charts(lab, f"{notebook} at zoom {name}", viewport, ratio)
    # Back to 100% (clearing the override would drop the window's size too).
    cdp.send(
        "Emulation.setDeviceMetricsOverride", {**WINDOW, "deviceScaleFactor": 1, "mobile": False}
    )
    dark_theme(lab)
    check_charts(lab, f"{notebook} in JupyterLab Dark", WINDOW, 1, dark=True)
    larger_ui_font(lab)
    check_readouts(page, f"{notebook} with a larger UI font", 1)
    lab.assert_healthy()
