// Drawn readouts: a slider's value shown on a small canvas, so that a press lays nothing out.
//
// ipywidgets writes a slider's readout as text at every step. A text change makes the browser
// lay the page out again, and after a layout Chromium hit-tests the page once more under the
// resting mouse pointer; a readout made its own relayout boundary (`contain: strict`) cost as
// much. A canvas's pixels change with no layout, so each slider of an rnnviz widget shows its
// readout's text drawn on a canvas in the readout's place: with the CPU throttled 4x, about
// 2-4 ms off a press's p90 on a page of a few sliders. Each canvas was a composited layer,
// though, and on a page of many sliders (lab 05's) there was no gain (benchmarks/README.md,
// "Drawn readouts"). The readout stays in the
// page, hidden: ipywidgets goes on writing it, its text is what is drawn and what the handle's
// aria-valuetext reads (access.js), and it comes back, focused, for typing a value when the
// drawn one is clicked or, focused, takes Enter, Space, F2 or a character; Enter or leaving
// it takes the value, Escape leaves it as it was.

const DRAWN_READOUT = "rnnviz-readout"; // the canvas
const HIDDEN_READOUT = "rnnviz-readout-hidden"; // the readout while its text is drawn
const READOUT_STYLE_ID = "rnnviz-readout-style";
const READOUT_PADDING = 8; // CSS px either side of the widest text drawn so far
// A class, not an inline style: ipywidgets sets the readout's inline display at each update.
const READOUT_CSS = `.${HIDDEN_READOUT} { display: none !important; }`;
// readout -> {canvas, width, height, text and key (text, colour, font, ratio) drawn, editing,
// before (the text when typing began)}
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
  // with `restyle` (a zoom, a theme change) whose colour, font or pixel ratio changed too. A
  // slider made with readout=False (ipywidgets hides its readout inline) shows no canvas; a
  // disabled one (its readout not editable) takes no Tab.
  addReadoutStyle(box.ownerDocument);
  for (const readout of box.querySelectorAll(".widget-hslider > .widget-readout")) {
    const drawn = drawnReadouts.get(readout) || drawnReadout(readout);
    const canvas = drawn.canvas,
      shown = readout.style.display !== "none" && !drawn.editing,
      display = shown ? "block" : "none",
      editable = readout.contentEditable === "true",
      tab = editable ? 0 : -1; // the readout it stands for took a Tab of its own
    if (canvas.tabIndex !== tab) canvas.tabIndex = tab;
    if (canvas.getAttribute("aria-disabled") !== String(!editable)) {
      canvas.setAttribute("aria-disabled", String(!editable));
      canvas.style.cursor = editable ? "text" : "default";
    }
    if (canvas.style.display !== display) {
      canvas.style.display = display;
      if (shown) drawn.key = null; // what it drew before it was hidden may be stale
    }
    if (shown && (restyle || !drawn.key || readout.textContent !== drawn.text))
      paintReadout(drawn, readout);
  }
}

function drawnReadout(readout) {
  // The canvas in `readout`'s place, as wide as the readout showed (or its least width).
  const doc = readout.ownerDocument,
    style = getComputedStyle(readout),
    canvas = doc.createElement("canvas");
  canvas.className = DRAWN_READOUT;
  // Named by access.js ("<the slider's name> value"); the handle carries the value itself.
  canvas.setAttribute("role", "button");
  const drawn = {
    canvas,
    width: Math.max(readout.getBoundingClientRect().width, parseFloat(style.minWidth) || 0),
    height: parseFloat(style.height) || 28,
    text: null,
    key: null,
    editing: false,
    before: null,
  };
  canvas.style.cssText =
    `display:block;flex:none;cursor:text;width:${drawn.width}px;height:${drawn.height}px;` +
    `margin-left:${style.marginLeft}`;
  const stopEditing = () => {
    drawn.editing = false;
    readout.classList.add(HIDDEN_READOUT);
    drawReadouts(readout.parentElement);
  };
  const edit = (typed = null) => {
    // Typing a value: the readout itself, focused, its text selected (or replaced by the key
    // that began the typing). A disabled slider's readout is not editable: nothing to type.
    if (readout.contentEditable !== "true") return;
    drawn.editing = true;
    drawn.before = readout.textContent;
    canvas.style.display = "none";
    readout.classList.remove(HIDDEN_READOUT);
    readout.focus();
    if (doc.activeElement !== readout) return stopEditing();
    if (typed !== null) readout.textContent = typed;
    const selection = doc.getSelection();
    if (typed === null) selection?.selectAllChildren(readout);
    else selection?.collapse(readout, readout.childNodes.length);
  };
  canvas.addEventListener("click", () => edit());
  canvas.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (["Enter", " ", "F2"].includes(event.key)) edit();
    else if (event.key.length === 1) edit(event.key);
    else return;
    event.preventDefault();
  });
  const back = () => {
    // The drawn readout again, with the focus.
    stopEditing();
    canvas.focus();
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
