// Drawn readouts: a slider's value shown on a small canvas, so that a press lays nothing out.
//
// ipywidgets writes a slider's readout as text at every step. A text change makes the browser
// lay the page out again, and after a layout Chromium hit-tests the page once more under the
// resting mouse pointer; a readout made its own relayout boundary (`contain: strict`) cost as
// much. With the CPU throttled 4x that was 3-6 ms of each press (benchmarks/README.md, "Drawn
// readouts"). A canvas's pixels change with no layout, so each slider of an rnnviz widget
// shows its readout's text drawn on a canvas in the readout's place. The readout stays in the
// page, hidden: ipywidgets goes on writing it, its text is what is drawn and what the handle's
// aria-valuetext reads (access.js), and it comes back for typing a value when the drawn one
// is clicked or reached by Tab, until it loses the focus.

const DRAWN_READOUT = "rnnviz-readout"; // the canvas
const HIDDEN_READOUT = "rnnviz-readout-hidden"; // the readout while its text is drawn
const READOUT_STYLE_ID = "rnnviz-readout-style";
const READOUT_PADDING = 8; // CSS px either side of the widest text drawn so far
// A class, not an inline style: ipywidgets sets the readout's inline display at each update.
const READOUT_CSS = `.${HIDDEN_READOUT} { display: none !important; }`;
// readout -> {canvas, width, height, text and key (text, colour, font, ratio) drawn, editing}
const drawnReadouts = new WeakMap();

function addReadoutStyle(doc) {
  if (doc.getElementById(READOUT_STYLE_ID)) return;
  const style = doc.createElement("style");
  style.id = READOUT_STYLE_ID;
  style.textContent = READOUT_CSS;
  doc.head.append(style);
}

function drawReadouts(box, restyle = false) {
  // Draws the readout of each slider in `box` whose text changed since its last drawing, or
  // with `restyle` (a zoom, a theme change) whose colour, font or pixel ratio changed too; a
  // slider made with readout=False (ipywidgets hides its readout inline) keeps none.
  addReadoutStyle(box.ownerDocument);
  for (const readout of box.querySelectorAll(".widget-hslider > .widget-readout")) {
    const drawn = drawnReadouts.get(readout) || drawnReadout(readout);
    const shown = readout.style.display !== "none" && !drawn.editing;
    const display = shown ? "block" : "none";
    if (drawn.canvas.style.display !== display) drawn.canvas.style.display = display;
    if (shown && (restyle || readout.textContent !== drawn.text)) paintReadout(drawn, readout);
  }
}

function drawnReadout(readout) {
  // The canvas in `readout`'s place, sized as the readout's row shows it.
  const style = getComputedStyle(readout),
    canvas = document.createElement("canvas");
  canvas.className = DRAWN_READOUT;
  canvas.tabIndex = 0; // the readout it stands for took a Tab of its own
  canvas.setAttribute("role", "button"); // named by access.js: "<the slider's name> value"
  const drawn = {
    canvas,
    width: parseFloat(style.minWidth) || 0,
    height: parseFloat(style.height) || 28,
    text: null,
    key: null,
    editing: false,
  };
  canvas.style.cssText =
    `display:block;flex:none;cursor:text;width:${drawn.width}px;height:${drawn.height}px;` +
    `margin-left:${style.marginLeft}`;
  const edit = () => {
    // Typing a value: the readout itself, focused, with its text selected.
    drawn.editing = true;
    canvas.style.display = "none";
    readout.classList.remove(HIDDEN_READOUT);
    readout.focus();
    readout.ownerDocument.getSelection()?.selectAllChildren(readout);
  };
  canvas.addEventListener("focus", edit);
  readout.addEventListener("blur", () => {
    if (!drawn.editing) return;
    drawn.editing = false;
    readout.classList.add(HIDDEN_READOUT);
    drawReadouts(readout.parentElement, true);
  });
  readout.classList.add(HIDDEN_READOUT);
  readout.after(canvas);
  drawnReadouts.set(readout, drawn);
  return drawn;
}

function paintReadout(drawn, readout) {
  const style = getComputedStyle(readout),
    text = readout.textContent,
    ratio = window.devicePixelRatio || 1,
    font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`,
    key = [text, style.color, font, ratio].join("|");
  drawn.text = text;
  if (key === drawn.key) return;
  drawn.key = key;
  const canvas = drawn.canvas,
    ctx = canvas.getContext("2d");
  ctx.font = font;
  const need = Math.ceil(ctx.measureText(text).width) + 2 * READOUT_PADDING;
  if (need > drawn.width) {
    // Wider only: a readout that shrank back would shift the row at every step.
    drawn.width = need;
    canvas.style.width = `${need}px`;
  }
  const width = Math.round(drawn.width * ratio),
    height = Math.round(drawn.height * ratio);
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  } else ctx.clearRect(0, 0, width, height);
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.font = font;
  ctx.fillStyle = style.color;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  ctx.fillText(text, drawn.width / 2, drawn.height / 2);
}
