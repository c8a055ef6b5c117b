// The canvas a widget's drawn readouts are painted on (readout.js has the spots): one a
// widget, laid over the spots' union, in a holder out of the flow that takes no events.

const READOUT_LAYER = "rnnviz-readout-layer"; // holds the canvas a widget's readouts are drawn on
const READOUT_PADDING = 8; // CSS px either side of the widest text drawn so far
// box -> {holder, canvas, ctx, where (the pixel ratio and places it was laid out for), place
// (the canvas's rectangle from its holder's corner, CSS px), drawn (readout -> its spot's
// rectangle on the canvas, CSS px, and the key it was drawn with)}
const readoutLayers = new WeakMap();

function redrawReadout(readout) {
  // Draws `readout`'s new text at its spot, and nothing else: ipywidgets wrote it while it
  // was hidden, which moved no spot. False when that is not enough (not drawn yet, being
  // typed in, hidden, a text wider than its spot, or a spot moved): drawReadouts then.
  const drawn = drawnReadouts.get(readout),
    layer = drawn && readoutLayers.get(drawn.box),
    spot = layer?.drawn.get(readout);
  if (!spot || drawn.editing || !readout.classList.contains(HIDDEN_READOUT)) return false;
  if (readout.style.display === "none") return false; // ipywidgets hid it (readout=False)
  // Its spot where it was drawn (a layout this observer did not see, a theme's stylesheet
  // say, may have moved it): one place read, none written.
  const at = drawn.spot.getBoundingClientRect(),
    origin = layer.holder.getBoundingClientRect(),
    [left, top] = layer.place,
    near = (a, b) => Math.abs(a - b) < 0.01;
  if (!near(at.left - origin.left, left + spot[0]) || !near(at.top - origin.top, top + spot[1]))
    return false;
  const text = readout.textContent,
    key = lookKey(text, drawn.look);
  if (key === spot.key) return true;
  if (readoutWidth(layer.ctx, text, drawn.look.font) > drawn.width) return false;
  spot.key = key;
  paintReadout(layer.ctx, spot, text, drawn.look);
  return true;
}

function readoutLayer(box) {
  // One canvas for all the readouts of `box`, over their spots. A canvas is a composited layer
  // of its own, and a layer costs each frame about what a layout did: one a widget, not one a
  // slider. Its holder is out of the flow (no box's flex or grid sees it) and takes no events.
  const doc = box.ownerDocument,
    holder = doc.createElement("div"),
    canvas = doc.createElement("canvas");
  holder.className = READOUT_LAYER;
  holder.setAttribute("aria-hidden", "true"); // the spots are named; the pixels say it again
  holder.style.cssText = "position:absolute;width:0;height:0;margin:0;pointer-events:none";
  // Above the sliders' parts (noUiSlider's z-index 1), or those its rectangle covers would be
  // layers too; below the chart's tip (5).
  canvas.style.cssText = "position:absolute;z-index:2;display:block";
  holder.append(canvas);
  const layer = {
    holder,
    canvas,
    ctx: canvas.getContext("2d"),
    where: null,
    place: null,
    drawn: new Map(),
  };
  readoutLayers.set(box, layer);
  return layer;
}

function paintLayer(box, layer, shown, restyle) {
  // Draws each of the `shown` readouts of `box` whose text, colour, font or dimming changed
  // (all of them with `restyle`), at its spot. When a spot moved, the pixel ratio changed or
  // the shown set changed, the canvas is laid over the spots again (their rectangles' union,
  // on whole device pixels) and drawn whole. The spots' places are read at each call: with
  // the page laid out already, that costs no layout.
  const { holder, canvas, ctx } = layer,
    ratio = window.devicePixelRatio || 1;
  if (holder.parentElement !== box) box.append(holder);
  // Colour, font and dimming read again at each whole drawing (not at a slider's step): a
  // class or a style the observer saw may have changed them. One hidden from sight
  // (visibility) is not drawn.
  for (const readout of shown) drawnReadouts.get(readout).look = readoutLook(readout, box);
  shown = shown.filter((readout) => drawnReadouts.get(readout).look.visible);
  const keys = new Map(); // readout -> what its drawing is to show (lookKey)
  for (const readout of shown) {
    const drawn = drawnReadouts.get(readout),
      text = readout.textContent,
      key = lookKey(text, drawn.look);
    keys.set(readout, key);
    if (layer.drawn.get(readout)?.key === key) continue; // drawn as it is: its width fits
    const need = readoutWidth(ctx, text, drawn.look.font);
    if (need > drawn.width) {
      // Wider only: a spot that shrank back would shift the row at every step.
      drawn.width = need;
      drawn.spot.style.width = `${need}px`;
    }
  }
  // A spot that is not laid out (its view hidden by its style, in a closed accordion, a
  // detached output) is not drawn; the others are.
  const origin = holder.getBoundingClientRect(),
    laidOut = shown
      .map((readout) => [readout, drawnReadouts.get(readout).spot.getBoundingClientRect()])
      .filter(([, r]) => r.width && r.height);
  shown = laidOut.map(([readout]) => readout);
  const rects = laidOut.map(([, r]) => r);
  if (!rects.length) {
    // Nothing to draw: drawn again once there is (the observer, watchPage).
    layer.where = null;
    layer.drawn.clear();
    canvas.style.display = "none";
    return;
  }
  const snap = (v, round) => round(v * ratio) / ratio,
    left = snap(Math.min(...rects.map((r) => r.left)), Math.floor),
    top = snap(Math.min(...rects.map((r) => r.top)), Math.floor),
    width = snap(Math.max(...rects.map((r) => r.right)), Math.ceil) - left,
    height = snap(Math.max(...rects.map((r) => r.bottom)), Math.ceil) - top,
    spots = rects.map((r) => [r.left - left, r.top - top, r.width, r.height]),
    place = [left - origin.left, top - origin.top, width, height],
    where = JSON.stringify([ratio, place, spots]);
  if (restyle || where !== layer.where) {
    layer.where = where;
    layer.place = place;
    layer.drawn.clear();
    Object.assign(canvas.style, {
      display: "block",
      left: `${place[0]}px`,
      top: `${place[1]}px`,
      width: `${width}px`,
      height: `${height}px`,
    });
    const pixels = [Math.round(width * ratio), Math.round(height * ratio)];
    if (canvas.width !== pixels[0] || canvas.height !== pixels[1])
      [canvas.width, canvas.height] = pixels; // which clears it
    else ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  }
  for (const [readout, spot] of layer.drawn) {
    // A readout no longer shown (being typed in, or hidden): its spot is emptied.
    if (shown.includes(readout)) continue;
    ctx.clearRect(...spot);
    layer.drawn.delete(readout);
  }
  shown.forEach((readout, i) => {
    const key = keys.get(readout);
    if (layer.drawn.get(readout)?.key === key) return;
    layer.drawn.set(readout, Object.assign(spots[i], { key }));
    paintReadout(ctx, spots[i], readout.textContent, drawnReadouts.get(readout).look);
  });
}

function readoutLook(readout, box) {
  // The readout's colour and font, as ipywidgets would show it; whether it would be seen
  // (visibility); and the opacity of its views inside `box`, which the canvas (a child of
  // `box`) does not inherit: the stored view dims its cold sliders (stored_view.js).
  const style = getComputedStyle(readout);
  let alpha = 1;
  for (let el = readout.parentElement; el && el !== box; el = el.parentElement)
    alpha *= parseFloat(getComputedStyle(el).opacity);
  return {
    color: style.color,
    font: `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`,
    alpha: Number.isFinite(alpha) ? alpha : 1,
    visible: style.visibility === "visible",
  };
}

// What a readout's drawing shows: its text and look.
const lookKey = (text, { color, font, alpha }) => [text, color, font, alpha].join("|");

function readoutWidth(ctx, text, font) {
  // The CSS px a spot needs to show `text` in `font`: the text and its padding.
  ctx.font = font;
  return Math.ceil(ctx.measureText(text).width) + 2 * READOUT_PADDING;
}

function paintReadout(ctx, [x, y, width, height], text, { color, font, alpha }) {
  ctx.clearRect(x, y, width, height);
  ctx.globalAlpha = alpha;
  ctx.font = font;
  ctx.fillStyle = color;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  ctx.fillText(text, x + width / 2, y + height / 2);
}
