// Drawn readouts: a slider's value drawn on a canvas, so that a press lays nothing out. This
// file: the spots and typing a value; readout_canvas.js: the canvas they are drawn on.
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
const HIDDEN_READOUT = "rnnviz-readout-hidden"; // the readout while its text is drawn
const READOUT_STYLE_ID = "rnnviz-readout-style";
// A class, not an inline style: ipywidgets sets the readout's inline display at each update.
const READOUT_CSS = `.${HIDDEN_READOUT} { display: none !important; }`;
// readout -> {box, spot (the element in its place), width, height, look (colour, font,
// dimming, visibility), editing, before (the text when typing began)}
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
