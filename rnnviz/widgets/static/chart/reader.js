// One chart's reader (access.js has the pure parts and the page's rules): a polite live
// region that says what changed once the controls settle, the canvas's accessible name kept
// current, a keyboard cursor that reads each panel's own hover() (no new maths here), and a
// "Describe" button that shows every panel's hover values as a table.

const SETTLE_ANNOUNCE_MS = 500; // after the slider settles: one announcement, not one a step
const CURSOR_ANNOUNCE_MS = 150;
const KEY_HINT =
  "Left and right arrows, Home and End move a cursor that reads the values; up and down " +
  "arrows change panel; Escape leaves.";

function accessible({ el, root, canvas, tip, frames, spec, read, state, redraw }) {
  // The keyboard cursor, the names and the live region of one chart. `frames()`, `spec()`
  // (the shown one) and `state` are the chart's; `redraw()` paints again. Returns
  // {afterDraw(ctx), close()}: afterDraw runs after each picture.
  const live = document.createElement("div");
  live.className = "rnnviz-live";
  live.setAttribute("role", "status");
  live.setAttribute("aria-live", "polite");
  live.style.cssText = VISUALLY_HIDDEN;
  // In the page's body, not in the widget's output: its words come half a second after a
  // change, and a page that times a press by the output's last mutation (the latency
  // method) must not take them for the picture's answer. The chart's root names it.
  live.id = `rnnviz-live-${Math.random().toString(36).slice(2)}`;
  root.dataset.live = live.id;
  document.body.append(live);
  const hint = document.createElement("div");
  hint.id = `rnnviz-hint-${Math.random().toString(36).slice(2)}`;
  hint.textContent = KEY_HINT;
  hint.setAttribute("aria-hidden", "true"); // read as the canvas's description, not again
  hint.style.cssText = VISUALLY_HIDDEN;
  const describe = document.createElement("button");
  describe.className = "rnnviz-describe";
  describe.textContent = "Describe";
  describe.setAttribute("aria-expanded", "false");
  describe.style.cssText = "font:12px sans-serif;margin:2px 0";
  const table = document.createElement("div");
  table.className = "rnnviz-describe-table";
  table.style.cssText = "display:none;font:12px sans-serif;max-height:240px;overflow:auto";
  root.append(hint, describe, table);
  canvas.tabIndex = 0;
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-describedby", hint.id);
  const stopWatching = watchControls(el);

  let cursor = null, // {panel, index}
    said = null, // the last settled text (none announced before the first change)
    settleTimer = null,
    cursorTimer = null;
  const say = (text, ms) => {
    clearTimeout(cursorTimer);
    cursorTimer = setTimeout(() => {
      if (live.textContent !== text) live.textContent = text;
    }, ms);
  };
  const shownPanels = () => frames().flatMap((fr, k) => (fr ? [k] : []));
  const cursorAt = () => {
    const k = cursor.panel,
      fr = frames()[k],
      panel = spec().panels[k];
    if (!fr) return null;
    const stops = cursorStops(panel, fr, read);
    const x = stops[Math.min(cursor.index, stops.length - 1)];
    return { k, fr, panel, x, words: hoverAt(panel, fr, read, x, state) };
  };

  function fillTable() {
    // One table a panel, captioned with the chart's and the panel's titles: column headers
    // in one table never name another panel's cells.
    const shown = spec(),
      name = shown.title ? plainWords(fillTemplate(titleText(shown, state), read)) : "";
    const tables = describeRows(shown, frames(), read, state).map(({ title, head, rows }) => {
      const out = document.createElement("table");
      out.createCaption().textContent = [name, title].filter(Boolean).join(": ") || "panel";
      if (head) {
        const tr = out.createTHead().insertRow();
        for (const words of head) {
          const th = tr.appendChild(document.createElement("th"));
          th.scope = "col";
          th.textContent = words;
        }
      }
      const body = out.createTBody();
      for (const row of rows) {
        const tr = body.insertRow();
        row.forEach((words, k) => {
          // A data table's first cell names its row (the x it is at).
          const rowHead = head && k === 0,
            cell = rowHead ? tr.appendChild(document.createElement("th")) : tr.insertCell();
          if (rowHead) cell.scope = "row";
          cell.textContent = words;
        });
      }
      return out;
    });
    table.replaceChildren(...tables);
  }
  describe.addEventListener("click", () => {
    const open = describe.getAttribute("aria-expanded") !== "true";
    describe.setAttribute("aria-expanded", String(open));
    table.style.display = open ? "" : "none";
    if (open) fillTable();
  });

  canvas.addEventListener("keydown", (event) => {
    const panels = shownPanels();
    if (!panels.length) return;
    if (cursor && !panels.includes(cursor.panel)) cursor = null; // its panel went (a new spec)
    if (event.key === "Escape") {
      if (!cursor) return; // the page's Escape: back to the cell
      cursor = null;
      tip.style.display = "none";
      event.preventDefault();
      redraw();
      return;
    }
    const move = { ArrowUp: -1, PageUp: -1, ArrowDown: 1, PageDown: 1 }[event.key];
    if (move) {
      const at = cursor ? panels.indexOf(cursor.panel) : -1;
      const next = panels[Math.min(panels.length - 1, Math.max(0, at + move))];
      cursor = { panel: next, index: cursor?.index ?? 0 };
    } else {
      const k = cursor?.panel ?? panels[0];
      const count = cursorStops(spec().panels[k], frames()[k], read).length;
      const index = stepCursor(cursor?.index ?? null, count, event.key);
      if (index === null) return;
      cursor = { panel: k, index };
    }
    event.preventDefault();
    redraw();
    const at = cursorAt();
    if (at) {
      const title = plainWords(fillTemplate(at.panel.title, read));
      say([title, at.words].filter(Boolean).join(": ").replace(/\n/g, "; "), CURSOR_ANNOUNCE_MS);
    }
  });
  canvas.addEventListener("blur", () => {
    if (cursor) tip.style.display = "none";
  });

  function afterDraw(ctx) {
    // The canvas's name, kept current (the DOM touched only when the words change); the
    // cursor drawn over the picture with its hover text; the settled change announced.
    const shown = spec(),
      name = chartName(shown, read, state);
    if (canvas.getAttribute("aria-label") !== name) canvas.setAttribute("aria-label", name);
    if (cursor) {
      const at = cursorAt();
      if (!at) cursor = null;
      else {
        ctx.save();
        ctx.strokeStyle = THEME.text;
        ctx.setLineDash([4, 3]);
        ctx.beginPath();
        ctx.moveTo(at.x, at.fr.box[1]);
        ctx.lineTo(at.x, at.fr.box[1] + at.fr.box[3]);
        ctx.stroke();
        ctx.restore();
        tip.textContent = at.words;
        tip.style.display = at.words ? "" : "none";
        // The cursor is in spec px; the tip is placed in CSS px, inside the shown canvas.
        const scale = VIEW.scale;
        tip.style.left = `${Math.max(0, Math.min((at.x + 12) * scale, shown.width * scale - tip.offsetWidth))}px`;
        tip.style.top = `${canvas.offsetTop + (at.fr.box[1] + 8) * scale}px`;
      }
    }
    clearTimeout(settleTimer);
    settleTimer = setTimeout(() => {
      const text = announceText(spec(), read, state);
      if (said !== null && text !== said && live.textContent !== text) live.textContent = text;
      said = text;
      if (describe.getAttribute("aria-expanded") === "true") fillTable();
    }, SETTLE_ANNOUNCE_MS);
  }

  return {
    afterDraw,
    close() {
      clearTimeout(settleTimer);
      clearTimeout(cursorTimer);
      stopWatching();
      live.remove();
    },
  };
}
