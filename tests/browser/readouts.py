"""The drawn readouts as a page shows them (rnnviz/widgets/static/chart/readout.js): each
slider's readout is an empty spot (`.rnnviz-readout`, focusable, named) under its widget's one
readout canvas (`.rnnviz-readout-layer > canvas`), which draws the text over the spot."""

# spotPixels(spot): the device pixels of the readout canvas over `spot` ({canvas, data}), or
# null when no shown readout canvas covers it whole. spotHash(spot): an FNV-1a hash of them.
# spotInk(spot): the most opaque of them's alpha (0-255), 0 when none covers it.
SPOT_PIXELS_JS = """
function spotPixels(spot) {
  const s = spot.getBoundingClientRect();
  for (const c of document.querySelectorAll('.rnnviz-readout-layer > canvas')) {
    const b = c.getBoundingClientRect();
    if (!b.width || !s.width || s.left < b.left - 0.5 || s.right > b.right + 0.5
        || s.top < b.top - 0.5 || s.bottom > b.bottom + 0.5) continue;
    const kx = c.width / b.width, ky = c.height / b.height,
      x = Math.round((s.left - b.left) * kx), y = Math.round((s.top - b.top) * ky),
      w = Math.max(1, Math.round(s.width * kx)), h = Math.max(1, Math.round(s.height * ky));
    return { canvas: c, data: c.getContext('2d').getImageData(x, y, w, h).data };
  }
  return null;
}
function spotHash(spot) {
  const p = spotPixels(spot);
  if (!p) return null;
  let h = 2166136261;
  for (const v of p.data) h = Math.imul(h ^ v, 16777619);
  return h >>> 0;
}
function spotInk(spot) {
  const p = spotPixels(spot);
  let alpha = 0;
  for (let i = 3; p && i < p.data.length; i += 4) alpha = Math.max(alpha, p.data[i]);
  return alpha;
}
"""
