// A widget drawn from a notebook's stored state, before any kernel holds its models: ipywidgets
// marks every such view "jupyter-widgets-disconnected" and paints a red broken-link icon
// before it (10-13 on one of our widgets), which reads as an error on a lab's first screen.
// Inside an rnnviz widget, and in a training's progress bar (rnnviz.training.PROGRESS_CLASS),
// the icons go, and the outermost element says once, quietly, what is true: its hot controls
// (the kernel marks them: renderer.HOT_CONTROL_CLASS) still pick among the saved frames;
// every other control would only move itself, so it is dimmed and takes no pointer and no key.
const STORED_VIEW_STYLE_ID = "rnnviz-stored-view-style";
const STORED_VIEW_NOTE =
  "Saved view, no kernel: the controls not greyed out step through the saved pictures; " +
  "run the cell to use the rest.";
// The controls a view may hold, and those of them the kernel has no frames for.
const CONTROLS =
  ".widget-slider, .widget-dropdown, .widget-checkbox, .widget-toggle-buttons, " +
  ".widget-text, .widget-textarea, .widget-button";
const COLD_CONTROL = `:is(${CONTROLS}):not(.rnnviz-hot-control)`;
// The outermost element of a stored widget; the note only where there are controls to explain.
const STORED_OUTER =
  ".rnnviz-widget.jupyter-widgets-disconnected:not(.rnnviz-widget .rnnviz-widget)";
const STORED_VIEW_CSS = `
.rnnviz-widget .jupyter-widgets-disconnected::before,
.rnnviz-widget.jupyter-widgets-disconnected::before,
.rnnviz-progress .jupyter-widgets-disconnected::before,
.rnnviz-progress.jupyter-widgets-disconnected::before {
  content: none;
}
${STORED_OUTER}:has(${CONTROLS})::before {
  content: ${JSON.stringify(STORED_VIEW_NOTE)};
  display: block;
  align-self: stretch;
  font: 12px var(--jp-ui-font-family, sans-serif);
  color: var(--jp-ui-font-color2, #616161);
  padding: 2px 0 4px;
}
${STORED_OUTER} ${COLD_CONTROL} {
  opacity: 0.45;
  pointer-events: none;
}`;

function coldControl(target) {
  // The dimmed control `target` is in, or null (a live widget's controls are never cold).
  const control = target?.closest?.(COLD_CONTROL);
  return control?.closest(".rnnviz-widget.jupyter-widgets-disconnected") ? control : null;
}

function addStoredViewStyle(doc) {
  // Once a document: every chart of a page calls it as it renders.
  if (!doc || doc.getElementById(STORED_VIEW_STYLE_ID)) return;
  const style = doc.createElement("style");
  style.id = STORED_VIEW_STYLE_ID;
  style.textContent = STORED_VIEW_CSS;
  doc.head.append(style);
  // The keyboard as the pointer: a dimmed control says it is disabled and takes no key but
  // the ones that move the focus on.
  doc.addEventListener(
    "focusin",
    (event) => {
      if (coldControl(event.target)) event.target.setAttribute("aria-disabled", "true");
    },
    true,
  );
  doc.addEventListener(
    "keydown",
    (event) => {
      if (event.key === "Tab" || event.key === "Escape" || !coldControl(event.target)) return;
      event.preventDefault();
      event.stopImmediatePropagation();
    },
    true,
  );
}
