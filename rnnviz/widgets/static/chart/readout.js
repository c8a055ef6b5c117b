// Drawn readouts: a slider's value drawn on a canvas, so that a press lays nothing out.
//
// ipywidgets writes a slider's readout as text at every step. A text change makes the browser
// lay the page out again, and after a layout Chromium hit-tests the page once more under the
// resting mouse pointer; a readout made its own relayout boundary (`contain: strict`) cost as
// much. A canvas's pixels change with no layout, so each slider of an rnnviz widget keeps an
// empty spot in its readout's place, and the widget's readouts are drawn over their spots on
// one canvas. One canvas, not one a slider: each canvas is a composited layer, and a layer a
// slider took back on a page of many sliders (lab 05's) what the layout had saved
// (benchmarks/README.md, "Drawn readouts"). The readout stays in the page, hidden:
// ipywidgets goes on writing it, its text is what is drawn and what the handle's
// aria-valuetext reads (access.js), and it comes back, focused, for typing a value when its
// spot is clicked or, focused, takes Enter, Space, F2 or a character; Enter or leaving it
// takes the value, Escape leaves it as it was.

const DRAWN_READOUT = "rnnviz-readout"; // the readout's place: takes the focus and clicks
const READOUT_LAYER = "rnnviz-readout-layer"; // holds the canvas a widget's readouts are drawn on
const HIDDEN_READOUT = "rnnviz-readout-hidden"; // the readout while its text is drawn
const READOUT_STYLE_ID = "rnnviz-readout-style";
const READOUT_PADDING = 8; // CSS px either side of the widest text drawn so far
// A class, not an inline style: ipywidgets sets the readout's inline display at each update.
const READOUT_CSS = `.${HIDDEN_READOUT} { display: none !important; }`;
// readout -> {box, spot (the element in its place), width, height, look (colour, font),
// measured (the text and look its width was last fitted to), editing, before (the text when
// typing began)}
const drawnReadouts = new WeakMap();
// box -> {holder, canvas, ctx, where (the pixel ratio and places it was laid out for), place
// (the canvas's rectangle from its holder's corner, CSS px), drawn (readout -> its spot's
// rectangle on the canvas, CSS px, and the key it was drawn with)}
const readoutLayers = new WeakMap();

function addReadoutStyle(doc) {
  if (doc.getElementById(READOUT_STYLE_ID)) return;
  const style = doc.createElement("style");
  style.id = READOUT_STYLE_ID;
  style.textContent = READOUT_CSS;
  doc.head.append(style);
}

function drawReadouts(box, restyle = false) {
  // Draws the readout of each slider in `box` whose text changed since its last drawing, or
  // with `restyle` (a zoom, a theme change) whose colour, font or pixel ratio changed too. A
  // slider made with readout=False (ipywidgets hides its readout inline) shows none; a
  // disabled one (its readout not editable) takes no Tab.
  const readouts = box.querySelectorAll(".widget-hslider > .widget-readout");
  if (!readouts.length) return;
  addReadoutStyle(box.ownerDocument);
  const shown = [];
  for (const readout of readouts) {
    const drawn = drawnReadouts.get(readout) || drawnReadout(box, readout);
    const spot = drawn.spot,
      show = readout.style.display !== "none" && !drawn.editing,
      display = show ? "block" : "none",
      editable = readout.contentEditable === "true",
      tab = editable ? 0 : -1; // the readout it stands for took a Tab of its own
    if (spot.tabIndex !== tab) spot.tabIndex = tab;
    if (spot.getAttribute("aria-disabled") !== String(!editable)) {
      spot.setAttribute("aria-disabled", String(!editable));
      spot.style.cursor = editable ? "text" : "default";
    }
    if (spot.style.display !== display) spot.style.display = display;
    if (show) shown.push(readout);
  }
  paintLayer(box, readoutLayers.get(box) || readoutLayer(box), shown, restyle);
}

function redrawReadout(readout) {
  // Draws `readout`'s new text at its spot, with nothing else read or written: ipywidgets
  // wrote it while it was hidden, which moved no spot. False when that is not enough (not
  // drawn yet, being typed in, or a text wider than its spot): drawReadouts then.
  const drawn = drawnReadouts.get(readout),
    layer = drawn && readoutLayers.get(drawn.box),
    spot = layer?.drawn.get(readout);
  if (!spot || drawn.editing || !readout.classList.contains(HIDDEN_READOUT)) return false;
  // Its spot where it was drawn (a layout this observer did not see, a theme's stylesheet
  // say, may have moved it): one place read, none written.
  const at = drawn.spot.getBoundingClientRect(),
    origin = layer.holder.getBoundingClientRect(),
    [left, top] = layer.place,
    near = (a, b) => Math.abs(a - b) < 0.01;
  if (!near(at.left - origin.left, left + spot[0]) || !near(at.top - origin.top, top + spot[1]))
    return false;
  const text = readout.textContent,
    key = [text, drawn.look.color, drawn.look.font].join("|");
  if (key === spot.key) return true;
  layer.ctx.font = drawn.look.font;
  if (Math.ceil(layer.ctx.measureText(text).width) + 2 * READOUT_PADDING > drawn.width)
    return false;
  drawn.measured = spot.key = key;
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
  // Draws each of the `shown` readouts of `box` whose text (or, with `restyle`, colour or
  // font) changed, at its spot. When a spot moved, the pixel ratio changed or the shown set
  // changed, the canvas is laid over the spots again (their rectangles' union, on whole device
  // pixels) and drawn whole. The spots' places are read at each call: with the page laid out
  // already (a press changes no layout), that costs no layout.
  const { holder, canvas, ctx } = layer,
    ratio = window.devicePixelRatio || 1;
  if (holder.parentElement !== box) box.append(holder);
  for (const readout of shown) {
    const drawn = drawnReadouts.get(readout),
      text = readout.textContent;
    if (restyle || !drawn.look) drawn.look = readoutLook(readout);
    const key = [text, drawn.look.color, drawn.look.font].join("|");
    if (key === drawn.measured) continue;
    drawn.measured = key;
    ctx.font = drawn.look.font;
    const need = Math.ceil(ctx.measureText(text).width) + 2 * READOUT_PADDING;
    if (need > drawn.width) {
      // Wider only: a spot that shrank back would shift the row at every step.
      drawn.width = need;
      drawn.spot.style.width = `${need}px`;
    }
  }
  const origin = holder.getBoundingClientRect(),
    rects = shown.map((readout) => drawnReadouts.get(readout).spot.getBoundingClientRect());
  if (!rects.length || rects.some((r) => !r.width || !r.height)) {
    // Nothing shown, or not laid out (a detached output): drawn again once it is (watchPage).
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
    const drawn = drawnReadouts.get(readout);
    if (layer.drawn.get(readout)?.key === drawn.measured) return;
    layer.drawn.set(readout, Object.assign(spots[i], { key: drawn.measured }));
    paintReadout(ctx, spots[i], readout.textContent, drawn.look);
  });
}

function readoutLook(readout) {
  // The readout's colour and font, as ipywidgets would show it.
  const style = getComputedStyle(readout);
  return {
    color: style.color,
    font: `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`,
  };
}

function paintReadout(ctx, [x, y, width, height], text, { color, font }) {
  ctx.clearRect(x, y, width, height);
  ctx.font = font;
  ctx.fillStyle = color;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  ctx.fillText(text, x + width / 2, y + height / 2);
}

function drawnReadout(box, readout) {
  // The element in `readout`'s place, as wide as the readout showed (or its least width).
  const doc = readout.ownerDocument,
    style = getComputedStyle(readout),
    spot = doc.createElement("div");
  spot.className = DRAWN_READOUT;
  // Named by access.js ("<the slider's name> value"); the handle carries the value itself.
  spot.setAttribute("role", "button");
  const drawn = {
    box,
    spot,
    width: Math.max(readout.getBoundingClientRect().width, parseFloat(style.minWidth) || 0),
    height: parseFloat(style.height) || 28,
    look: null,
    measured: null,
    editing: false,
    before: null,
  };
  spot.style.cssText =
    `display:block;flex:none;cursor:text;width:${drawn.width}px;height:${drawn.height}px;` +
    `margin-left:${style.marginLeft}`;
  const stopEditing = () => {
    drawn.editing = false;
    readout.classList.add(HIDDEN_READOUT);
    drawReadouts(box);
  };
  const edit = (typed = null) => {
    // Typing a value: the readout itself, focused, its text selected (or replaced by the key
    // that began the typing). A disabled slider's readout is not editable: nothing to type.
    if (readout.contentEditable !== "true") return;
    drawn.editing = true;
    drawn.before = readout.textContent;
    readout.classList.remove(HIDDEN_READOUT);
    drawReadouts(box); // its spot hidden and emptied
    readout.focus();
    if (doc.activeElement !== readout) return stopEditing();
    if (typed !== null) readout.textContent = typed;
    const selection = doc.getSelection();
    if (typed === null) selection?.selectAllChildren(readout);
    else selection?.collapse(readout, readout.childNodes.length);
  };
  spot.addEventListener("click", () => edit());
  spot.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (["Enter", " ", "F2"].includes(event.key)) edit();
    else if (event.key.length === 1) edit(event.key);
    else return;
    event.preventDefault();
  });
  const back = () => {
    // The drawn readout again, with the focus.
    stopEditing();
    spot.focus();
  };
  readout.addEventListener("keydown", (event) => {
    if (!drawn.editing || !event.isTrusted) return;
    if (event.key === "Escape") {
      // What was typed is dropped, and the focus goes back to the drawn readout: a second
      // Escape there returns to the cell (access.js's guardShortcuts skips a handled one).
      event.preventDefault();
      readout.textContent = drawn.before;
      back();
    } else if (event.key === "Enter") {
      // ipywidgets takes the value as the keydown bubbles up to its view's element, after
      // this listener: go back once it has (a microtask would run before it).
      setTimeout(() => {
        if (drawn.editing && doc.activeElement === readout) back();
      });
    }
  });
  readout.addEventListener("blur", () => {
    if (!drawn.editing) return;
    drawn.editing = false; // the Enter below is no student's: the focus stays where it went
    // ipywidgets takes a typed value on Enter only (its blur listener, on the view's element,
    // never hears a blur: it does not bubble). Leaving by Tab or a click takes it too.
    if (readout.textContent !== drawn.before) {
      const enter = new KeyboardEvent("keydown", { key: "Enter", bubbles: true }),
        view = readout.parentElement,
        // No further than the slider's view, whose listener takes it: an Enter reaching the
        // notebook moves the focus to the cell, away from where the student sent it.
        stop = (event) => event.stopPropagation();
      Object.defineProperty(enter, "keyCode", { get: () => 13 });
      view.addEventListener("keydown", stop);
      readout.dispatchEvent(enter);
      view.removeEventListener("keydown", stop);
    }
    stopEditing();
  });
  readout.classList.add(HIDDEN_READOUT);
  readout.after(spot);
  drawnReadouts.set(readout, drawn);
  return drawn;
}
