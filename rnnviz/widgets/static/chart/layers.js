// Layers: a part of the picture that a control leaves unchanged is copied, not drawn again.
// A panel's region (its box and one device pixel around it, where its clipped drawing may
// blend into the axes' edges) is kept as the canvas showed it right after the part was drawn,
// and copied back, pixel for pixel, when everything it depends on is the same: the part's
// own key (its data frames, ranges, box, visibility), the canvas's transform and size (its
// devicePixelRatio, a fit to the page's width) and the theme (the axis and grid colours as
// the draw reads them). A copy, not a transparent layer composited: a hairline composited
// from a layer differs by a level or two from the same line drawn in place.
// It is kept only when a draw the student drives (a control, Play, the keyboard cursor:
// LAYERS.keep, set by draw()) finds the key of the draw before it: a part that changes with
// every press is never read back (reading a canvas makes it raster at once), and a chart
// only drawn and fitted to its page keeps no second canvas. The region's key holds the frame
// layer's generation: a region copies what lies under it too, other panels' axes included.

const regions = new WeakMap(), // a canvas -> WeakMap(owner (a panel) -> {key, canvas})
  bufferIds = new WeakMap();
let nextBufferId = 1;
// Whether the draw under way may keep a copy (draw()'s `keep`).
const LAYERS = { keep: false };

function frameKey(values) {
  // Which frame of which data entry: a subarray's buffer, offset and length (a new message
  // makes new buffers).
  if (!values) return null;
  if (!values.buffer) return Array.from(values);
  if (!bufferIds.has(values.buffer)) bufferIds.set(values.buffer, nextBufferId++);
  return [bufferIds.get(values.buffer), values.byteOffset, values.length];
}

function themeKey() {
  // The theme's colours as this draw reads them (series may be inked or made readable on
  // its background).
  return Object.values(THEME);
}

function cachedRegion(ctx, owner, key, box, paint) {
  // paint() the part, or copy the region it left last time (see above). box: [l, t, w, h].
  const m = ctx.getTransform();
  if (m.b || m.c) return paint(); // a rotated canvas: never a copy
  const W = ctx.canvas.width,
    H = ctx.canvas.height;
  const x0 = Math.max(0, Math.floor(m.a * box[0] + m.e) - 1),
    y0 = Math.max(0, Math.floor(m.d * box[1] + m.f) - 1),
    x1 = Math.min(W, Math.ceil(m.a * (box[0] + box[2]) + m.e) + 1),
    y1 = Math.min(H, Math.ceil(m.d * (box[1] + box[3]) + m.f) + 1);
  if (x1 <= x0 || y1 <= y0) return paint();
  const full = JSON.stringify([
    key,
    themeKey(),
    frameLayers.get(ctx.canvas)?.generation,
    [m.a, m.d, m.e, m.f],
    [W, H, x0, y0, x1, y1],
  ]);
  // Kept a canvas: a picture drawn ahead (ahead.js) on a canvas of its own never takes the
  // shown canvas's regions away.
  const owners = perCanvas(regions, ctx.canvas),
    kept = owners.get(owner);
  if (kept && kept.key === full && kept.canvas) {
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalAlpha = 1;
    ctx.globalCompositeOperation = "copy";
    ctx.beginPath();
    ctx.rect(x0, y0, x1 - x0, y1 - y0);
    ctx.clip();
    ctx.drawImage(kept.canvas, x0, y0);
    ctx.restore();
    return;
  }
  paint();
  if (!kept || kept.key !== full || !LAYERS.keep) {
    owners.set(owner, { key: full, canvas: null });
    return;
  }
  const canvas = document.createElement("canvas");
  canvas.width = x1 - x0;
  canvas.height = y1 - y0;
  canvas.getContext("2d").drawImage(ctx.canvas, x0, y0, x1 - x0, y1 - y0, 0, 0, x1 - x0, y1 - y0);
  kept.canvas = canvas;
}

// The canvas's frame layer: its background, every panel's axes and the titles that are plain
// words (no template, no control) depend only on the layout, the ranges and the theme, not
// on the frames a slider picks. A kept draw (LAYERS.keep) that finds the same key as the draw
// before paints them once on a canvas of its own; every later draw with that key copies that
// canvas whole, in place of drawing them again (a press then records and rasters one copy,
// not dozens of words and grid lines). Each new key is a new generation (cachedRegion's key
// holds it). Not kept while the page's fonts load: the layer would keep a fallback font.
const frameLayers = new WeakMap(); // a chart's canvas -> {key, generation, canvas}
let nextGeneration = 1;

function cachedLayer(ctx, key, paint) {
  // paint(c) the layer on c (ctx, or the kept canvas's context; it restores c's drawing
  // state), or copy it from the kept canvas.
  const m = ctx.getTransform(),
    W = ctx.canvas.width,
    H = ctx.canvas.height;
  const full = JSON.stringify([key, themeKey(), [m.a, m.b, m.c, m.d, m.e, m.f], [W, H]]);
  const kept = frameLayers.get(ctx.canvas);
  if (!kept || kept.key !== full) {
    frameLayers.set(ctx.canvas, { key: full, generation: nextGeneration++, canvas: null });
    paint(ctx);
    return;
  }
  if (!kept.canvas) {
    if (!LAYERS.keep || document.fonts?.status === "loading") {
      paint(ctx);
      return;
    }
    const canvas = document.createElement("canvas");
    canvas.width = W;
    canvas.height = H;
    const layer = canvas.getContext("2d");
    layer.setTransform(m);
    paint(layer);
    kept.canvas = canvas; // only once painted whole
  }
  copyWhole(ctx, kept.canvas);
}

function perCanvas(maps, canvas) {
  // `maps` (a canvas -> WeakMap) entry for `canvas`, made when it has none.
  if (!maps.has(canvas)) maps.set(canvas, new WeakMap());
  return maps.get(canvas);
}

function copyWhole(ctx, source) {
  // The canvas made `source`'s pixels, one for one (a layer, a picture drawn ahead).
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.globalAlpha = 1;
  ctx.globalCompositeOperation = "copy";
  ctx.drawImage(source, 0, 0);
  ctx.restore();
}

function releaseLayers(canvas) {
  // A closed view's frame layer: its pixels freed now, not when the canvas is collected.
  const kept = frameLayers.get(canvas);
  if (kept?.canvas) kept.canvas.width = kept.canvas.height = 0;
  frameLayers.delete(canvas);
  regions.delete(canvas);
}
