"""Every model's colour, as Chromium paints it, stays apart from every other model's for a
viewer with normal vision and under Chromium's emulated protanopia, deuteranopia and
tritanopia (CDP `Emulation.setEmulatedVisionDeficiency`): the front end draws one thick line
a model, the page is screenshot under each vision, and the pixels of each line are compared
by CIEDE2000 (tests/test_style.py). On white and in JupyterLab's dark theme, where the page
swaps in the dark counterparts the spec carries (rnnviz.style.DARK_COLORS)."""

import base64
import json
from itertools import combinations

import numpy as np
import pytest

from rnnviz.front_end import chart_source
from rnnviz.style import DARK_COLORS, DARK_MODEL_COLORS, MODEL_COLORS, MODEL_DASHES, MODEL_SYMBOLS
from rnnviz.widgets.renderer import Ref, Series, XYPanel
from tests.test_style import delta_e, lab

pytestmark = pytest.mark.browser

SWATCH_WIDTH = 30  # px, static/chart/swatch.js at a pixel ratio of 1
BAND = 24  # px: each model's line, thick enough to sample its middle clear of antialiasing
SIZE = 60 + BAND * 2 * len(MODEL_COLORS)


def painted_bands(page, vision: str) -> dict:
    """{model: the median (r, g, b) of the middle of its line}, as painted under `vision`."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setEmulatedVisionDeficiency", {"type": vision})
    shot = page.screenshot(clip={"x": 0, "y": 0, "width": SIZE, "height": SIZE})
    cdp.send("Emulation.setEmulatedVisionDeficiency", {"type": "none"})
    cdp.detach()
    # The PNG decoded by the page itself (no image library here); decoding is not emulated.
    pixels = page.evaluate(
        """async (png) => {
          const bytes = Uint8Array.from(atob(png), (c) => c.charCodeAt(0));
          const image = await createImageBitmap(new Blob([bytes], { type: "image/png" }));
          const canvas = new OffscreenCanvas(image.width, image.height);
          const ctx = canvas.getContext("2d");
          ctx.drawImage(image, 0, 0);
          return Array.from(ctx.getImageData(0, 0, image.width, image.height).data);
        }""",
        base64.b64encode(shot).decode(),
    )
    rgba = np.array(pixels, dtype=np.uint8).reshape(SIZE, SIZE, 4)
    bands = {}
    for k, model in enumerate(MODEL_COLORS):
        y = 30 + BAND * (2 * k + 1)
        patch = rgba[y - BAND // 4 : y + BAND // 4, 60 : SIZE - 60, :3].reshape(-1, 3)
        bands[model] = np.median(patch, axis=0)
    return bands


def hex_of(rgb) -> str:
    return "#%02x%02x%02x" % tuple(int(round(v)) for v in rgb)


@pytest.fixture(scope="module", params=["light", "dark"])
def model_lines(browser, request):
    """A page with one thick, solid horizontal line a model, drawn by the front end on white
    or on JupyterLab's dark background (#111); `.painted`: the colours it should paint."""
    n = len(MODEL_COLORS)
    series = [
        Series(name=model, data=Ref(model), x0=0, dx=1, color=color, width=BAND)
        for model, color in MODEL_COLORS.items()
    ]
    # model k's line at y = 2k + 1 on a range of [0, 2n], i.e. 30 + BAND (2k + 1) px
    panel = XYPanel(
        [0, 30, SIZE, 2 * n * BAND], series, x_range=[0, 1], y_range=[2 * n, 0]
    ).to_spec()
    page = browser.new_page(viewport={"width": SIZE, "height": SIZE}, device_scale_factor=1)
    source = base64.b64encode(chart_source().encode()).decode()
    page.evaluate(
        f"""async (panel) => {{
          const chart = await import('data:text/javascript;base64,{source}');
          window.chart = chart;
          const models = {list(MODEL_COLORS)!r};
          const data = Object.fromEntries(models.map((m, k) => [m, [2 * k + 1, 2 * k + 1]]));
          const canvas = document.createElement('canvas');
          canvas.width = canvas.height = {SIZE};
          canvas.style.display = 'block';
          document.body.style.margin = '0';
          if ({json.dumps(request.param == "dark")})
            document.body.style.setProperty('--jp-layout-color0', '#111111');
          document.body.append(canvas);
          chart.draw(canvas, {{ width: {SIZE}, height: {SIZE}, panels: [panel],
                                dark_colors: {DARK_COLORS!r} }}, (name) => data[name], {{}});
        }}""",
        panel,
    )
    page.painted = DARK_MODEL_COLORS if request.param == "dark" else MODEL_COLORS
    yield page
    page.close()


@pytest.mark.parametrize("vision", ["none", "protanopia", "deuteranopia", "tritanopia"])
def test_painted_models_stay_apart_under_each_emulated_vision(model_lines, vision):
    bands = painted_bands(model_lines, vision)
    # The line is painted in the model's colour (normal vision) or as the simulation sees it.
    simulated = "normal" if vision == "none" else vision
    for model, rgb in bands.items():
        expected = lab(model_lines.painted[model], simulated)
        assert delta_e(lab(hex_of(rgb)), expected) < 3, (model, hex_of(rgb))
    nearest = min(
        (delta_e(lab(hex_of(p)), lab(hex_of(q))), a, b)
        for (a, p), (b, q) in combinations(bands.items(), 2)
    )
    print(f"{vision}: nearest models {nearest[1]} and {nearest[2]}: {nearest[0]:.1f}")
    assert nearest[0] >= 20, f"{nearest[1]} and {nearest[2]} are {nearest[0]:.1f} apart"


def test_achromatopsia_is_measured_not_promised(model_lines):
    """Without any colour, six lines are told apart by dash and marker: this records how far
    apart their greys are (printed with -s), and that the emulation removed the colour."""
    bands = painted_bands(model_lines, "achromatopsia")
    for rgb in bands.values():
        assert np.ptp(rgb) <= 2  # grey
    nearest = min(
        (delta_e(lab(hex_of(p)), lab(hex_of(q))), a, b)
        for (a, p), (b, q) in combinations(bands.items(), 2)
    )
    print(f"achromatopsia: nearest models {nearest[1]} and {nearest[2]}: {nearest[0]:.1f}")


def test_each_models_legend_swatch_draws_its_own_dash_and_marker(model_lines):
    """Without colour the swatches still differ: their painted shapes (alpha) are pairwise
    different, each has its marker off the line at its centre, and only the RNN's is solid."""
    items = [
        dict(name=m, color=MODEL_COLORS[m], dash=MODEL_DASHES[m], marker=MODEL_SYMBOLS[m])
        for m in MODEL_COLORS
    ]
    shapes = model_lines.evaluate(
        """(items) => {
          const el = document.createElement('div');
          window.chart.legend(el, items);
          return Array.from(el.querySelectorAll('canvas'), (c) =>
            Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data)
              .filter((_, i) => i % 4 === 3));
        }""",
        items,
    )
    assert len(shapes) == len(items)
    height = len(shapes[0]) // SWATCH_WIDTH
    masks = [np.array(s).reshape(height, SWATCH_WIDTH) > 128 for s in shapes]
    for model, mask in zip(MODEL_COLORS, masks):
        row = mask[height // 2]
        line = np.concatenate([row[:11], row[20:]])  # the line either side of the marker
        assert line.all() == (MODEL_DASHES[model] == []), model
        assert mask[height // 2 - 3, SWATCH_WIDTH // 2], model  # the marker, above the line
    for a, b in combinations(range(len(masks)), 2):
        assert (masks[a] != masks[b]).any(), (items[a]["name"], items[b]["name"])
