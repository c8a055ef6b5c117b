// Keyboard and screen reader access: a chart a student can read without a mouse or without
// seeing it (WCAG 2.2: 1.1.1, 1.3.1, 2.1.1).
// - Notebook shortcuts never fire from a focused control inside an rnnviz widget: Lumino
//   (JupyterLab, Notebook 7) skips its key bindings when the keydown's target, or an ancestor
//   it meets before the binding's own selector, carries data-lm-suppress-shortcuts; the
//   command-mode selector matches the focused element itself, so the attribute goes there.
// - Every control gets an accessible name (its visible description); each canvas is an img
//   named by its filled titles; a polite live region says what changed once a slider settles
//   (spec.announce, a template filled like titles, or the titles themselves).
// - The canvas is focusable: arrow keys move a cursor along a panel's x axis and read the
//   panel's own hover() there; "Describe" shows every panel's hover values as a table.

const SUPPRESS = "data-lm-suppress-shortcuts";
const WIDGET_SELECTOR = ".rnnviz-widget";
const CURSOR_STOPS = 41; // a panel whose data gives no columns: stops across its width
const VISUALLY_HIDDEN =
  "position:absolute;width:1px;height:1px;margin:-1px;padding:0;border:0;overflow:hidden;" +
  "clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap";

// --- pure parts (tests/browser/test_chart_js.py) ------------------------------------------
function plainWords(text) {
  // Words as a screen reader should hear them: no **bold** marks, no runs of spaces.
  return String(text ?? "")
    .replace(/\*\*/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

function chartName(spec, read, state) {
  // The canvas's accessible name: its filled title, then each shown panel's filled title
  // and any text panel's lines, as the picture shows them.
  const parts = [];
  if (spec.title) parts.push(fillTemplate(titleText(spec, state), read));
  for (const panel of spec.panels || []) {
    if (panel.visible === false) continue;
    if (panel.title) parts.push(fillTemplate(panel.title, read));
    if (panel.kind === "text")
      parts.push(...panel.lines.map((line) => pickLabel(line, state) ?? ""));
  }
  const words = parts.map(plainWords).filter(Boolean);
  return words.length ? words.join(". ") : "chart";
}

function announceText(spec, read, state) {
  // What the live region says after a change: spec.announce (a template, or a list of them,
  // filled from entries the kernel computed), else the chart's name.
  const a = spec.announce;
  if (!a) return chartName(spec, read, state);
  return (Array.isArray(a) ? a : [a]).map((t) => plainWords(fillTemplate(t, read))).join(". ");
}

function cursorStops(panel, fr, read) {
  // The cursor's x positions (pixels) in a panel: an xy panel's points (x0 + k dx of its
  // first shown series), a heatmap's columns, bars' centres; otherwise evenly across.
  const [l, , w] = fr.box,
    inside = (px) => px >= l - 0.5 && px <= l + w + 0.5;
  const series = (panel.series || []).find((s) => s.visible !== false && s.dx && read(s.data));
  if (series) {
    const n = read(series.data).length,
      xs = [];
    for (let k = 0; k < n; k++) xs.push(fr.px(series.x0 + k * series.dx));
    const shown = xs.filter(inside);
    if (shown.length) return shown;
  }
  if (panel.groups) {
    const xs = [];
    for (let x = Math.ceil(fr.xr[0]); x <= Math.floor(fr.xr[1]); x++) xs.push(fr.px(x));
    if (xs.length) return xs;
  }
  const n = panel.categories?.length || panel.labels?.length || CURSOR_STOPS;
  return Array.from({ length: n }, (_, k) => l + ((k + 0.5) * w) / n);
}

function stepCursor(index, count, key) {
  // The cursor's stop after `key` (ArrowLeft/Right one stop, Home/End the ends), or null for
  // a key that does not move it. No stop yet (index null): the first key lands on an end.
  if (!count) return null;
  const last = count - 1;
  if (key === "Home") return 0;
  if (key === "End") return last;
  if (key === "ArrowRight") return index === null ? 0 : Math.min(last, index + 1);
  if (key === "ArrowLeft") return index === null ? last : Math.max(0, index - 1);
  return null;
}

function hoverAt(panel, fr, read, x, state) {
  // The panel's own hover text at pixel column x: at the box's middle row, else at the row
  // nearest it that has something to say (a point, a heatmap cell, a bar).
  const kind = PANELS[panel.kind],
    [, t, , h] = fr.box;
  for (let d = 0; d <= h / 2; d += 3) {
    for (const y of d ? [t + h / 2 - d, t + h / 2 + d] : [t + h / 2]) {
      const words = kind.hover(panel, fr, read, x, y, state);
      if (words) return words;
    }
  }
  return "";
}

function describeRows(spec, frames, read, state) {
  // The table "Describe" shows: per shown panel, its title, then its data table where its
  // kind has one (`head`: the column names), else its hover text at each of its cursor stops
  // (one row a stop, one cell a line), duplicates dropped.
  const sections = [];
  spec.panels.forEach((panel, k) => {
    const fr = frames[k];
    if (!fr || panel.kind === "text") return;
    const title = plainWords(fillTemplate(panel.title, read));
    const table = PANELS[panel.kind].table?.(panel, fr, read);
    if (table) {
      sections.push({ title, ...table });
      return;
    }
    const seen = new Set(),
      rows = [];
    for (const x of cursorStops(panel, fr, read)) {
      const words = hoverAt(panel, fr, read, x, state);
      if (words && !seen.has(words)) {
        seen.add(words);
        rows.push(words.split("\n"));
      }
    }
    if (rows.length) sections.push({ title, rows });
  });
  return sections;
}

// --- the page -----------------------------------------------------------------------------
function guardShortcuts(doc) {
  // Once per page: a control focused inside an rnnviz widget carries SUPPRESS (set before
  // its first keydown), and Escape on it returns focus to the notebook cell around it.
  if (doc.__rnnvizGuard) return;
  doc.__rnnvizGuard = true;
  doc.addEventListener(
    "focusin",
    (event) => {
      const target = event.target;
      if (target instanceof Element && target.closest(WIDGET_SELECTOR))
        if (!target.hasAttribute(SUPPRESS)) target.setAttribute(SUPPRESS, "true");
    },
    true,
  );
  doc.addEventListener("keydown", (event) => {
    const target = event.target;
    if (event.key !== "Escape" || event.defaultPrevented || !(target instanceof Element)) return;
    const widget = target.closest(WIDGET_SELECTOR);
    if (!widget) return;
    // The outermost rnnviz widget's nearest focusable ancestor: the cell (JupyterLab,
    // Notebook 7), where the notebook's own keys work again.
    const outer = outermostWidget(widget);
    const home = outer.closest(".jp-Cell") ?? outer.parentElement?.closest("[tabindex]");
    target.blur();
    home?.focus();
  });
}

function outermostWidget(el) {
  // The rnnviz widget holding `el` that no other rnnviz widget holds (a chart's own element
  // carries the class too, inside its widget's box).
  const outer = el.parentElement?.closest(WIDGET_SELECTOR);
  return outer ? outermostWidget(outer) : el;
}

function nameControls(box) {
  // An accessible name for each focusable control in an rnnviz widget's box that has none:
  // its visible description (ipywidgets ties it only to inputs and selects, by label[for]).
  for (const hbox of box.querySelectorAll(".widget-inline-hbox")) {
    const label = hbox.querySelector(":scope > .widget-label");
    const name = plainWords(label?.textContent) || hbox.title || "";
    if (!name) continue;
    for (const el of hbox.querySelectorAll(".noUi-handle, .widget-readout, .rnnviz-readout")) {
      const words = el.matches(".noUi-handle") ? name : `${name} value`;
      if (el.getAttribute("aria-label") !== words) el.setAttribute("aria-label", words);
    }
    readAsShown(hbox);
    const group = hbox.querySelector(".widget-toggle-buttons");
    if (group && group.getAttribute("aria-label") !== name) {
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", name);
    }
  }
  for (const button of box.querySelectorAll(".widget-toggle-button")) {
    const pressed = String(button.classList.contains("mod-active"));
    if (button.getAttribute("aria-pressed") !== pressed)
      button.setAttribute("aria-pressed", pressed);
  }
}

function readAsShown(hbox) {
  // A slider's value is read out as its readout shows it ("0.95"), not as the slider's own
  // float arithmetic left it ("0.9500000000000001", which it writes at every move).
  const readout = hbox.querySelector(".widget-readout");
  if (readout && readout === readout.ownerDocument.activeElement) return; // being typed in
  const handle = hbox.querySelector(".noUi-handle"),
    shown = readout?.textContent.trim();
  if (handle && shown && handle.getAttribute("aria-valuetext") !== shown)
    handle.setAttribute("aria-valuetext", shown);
}

// Changes watchControls leaves alone: inside a chart (its tip, its live region) and the drawn
// readouts' own (their spots and canvas).
const OWN_CHANGES = ".rnnviz-chart, .rnnviz-readout, .rnnviz-readout-layer";
// A slider's handle moved by its inline style (noUiSlider, at every step).
const sliderMove = (r) => r.attributeName === "style" && !!r.target.closest(".noUi-base");

function watchControls(el) {
  // Names the controls of the rnnviz widget around `el` and draws their readouts (readout.js)
  // once it is in the page, and again whenever its views change (ipywidgets renders a box's
  // children after the chart, restyles a toggle on click, hides or shows a view by its inline
  // style and writes a readout at each step); changes inside a chart (its tip, its live
  // region) and a handle's moves are not. The readouts are drawn again after a zoom or a
  // theme change too.
  let observer = null,
    stopPage = null,
    closed = false;
  const attach = () => {
    const box = outermostWidget(el.closest(WIDGET_SELECTOR) || el);
    const update = (restyle = false) => {
      drawReadouts(box, restyle); // first: the drawn readouts are named too
      nameControls(box);
    };
    update(true);
    observer = new MutationObserver((records) => {
      const outside = records.filter((r) => !r.target.closest(OWN_CHANGES) && !sliderMove(r));
      if (!outside.length) return;
      // A slider's step: ipywidgets wrote its hidden readout's text (and inline style). Only
      // that readout is drawn again and read out, not the whole box (benchmarks/README.md,
      // "Drawn readouts").
      const readouts = new Set(outside.map((r) => r.target.closest(".widget-readout")));
      if (!readouts.has(null) && [...readouts].every((readout) => redrawReadout(readout)))
        readouts.forEach((readout) => readAsShown(readout.parentElement));
      else update();
    });
    observer.observe(box, {
      childList: true,
      subtree: true,
      attributeFilter: ["class", "style"], // a view hidden or shown by its inline style too
    });
    stopPage = watchPage(
      box,
      () => update(true),
      () => update(true),
    );
  };
  requestAnimationFrame(function wait() {
    if (closed) return;
    if (el.isConnected) attach();
    else requestAnimationFrame(wait);
  });
  return () => {
    closed = true;
    observer?.disconnect();
    stopPage?.();
  };
}
