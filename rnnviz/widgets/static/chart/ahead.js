// Pictures drawn ahead. A slider moves one grid step a press (an arrow key, a held key, a
// slow drag), so once a press has been drawn and the page is idle, the pictures one step
// either side on the control that moved are drawn, from the frames the kernel already sent,
// on canvases of their own. A press that lands on one copies it whole instead of drawing: its
// task then records and rasters one copy, not every panel's marks and words (at 4x CPU
// throttling, GradientFlow's draw took 7-10 ms of the key press's task). A picture is taken
// only when everything it was drawn from is the same: the spec and data (the view's
// generation), the series hidden, every control's value, the scale, the screen's pixel
// ratio, the theme and the page's fonts. The shown canvas stays the view's: a picture drawn
// ahead never includes what is drawn over it (the keyboard cursor).

// At most two pictures a chart (a step either side), each of at most this many device
// pixels (16 MB): up to a 1000 x 1000 px chart at devicePixelRatio 2. A bigger canvas is
// drawn at every press, as without pictures ahead.
const AHEAD_MAX_PIXELS = 4e6;
// A control's value within this fraction of a grid value is that value: a slider's own
// arithmetic (0.9 + 0.05) may miss the grid's float by a rounding, which moves no pixel.
const GRID_SNAP = 1e-9;

// Web fonts that finished loading since the page opened: a picture drawn before a font
// arrived is not the one a draw makes now.
let fontsLoaded = 0;
globalThis.document?.fonts?.addEventListener?.("loadingdone", () => fontsLoaded++);

function snappedState(spec, state) {
  // The controls' values, each that is within GRID_SNAP of a grid value replaced by it.
  const out = {};
  for (const name of Object.keys(state).toSorted()) {
    const v = state[name],
      grid = spec.controls?.[name]?.grid;
    out[name] = v;
    if (typeof v !== "number" || !grid?.length || typeof grid[0] !== "number") continue;
    const g = grid[nearest(grid, v)];
    if (Math.abs(g - v) <= GRID_SNAP * Math.max(1, Math.abs(g))) out[name] = g;
  }
  return out;
}

function pictureKey(view, state) {
  // Everything a picture is drawn from (see above). view: {generation, hidden, spec, scale,
  // theme}.
  return JSON.stringify([
    view.generation,
    [...view.hidden].toSorted(),
    snappedState(view.spec, state),
    view.scale,
    window.devicePixelRatio || 1,
    view.theme,
    fontsLoaded,
  ]);
}

// When the page is idle: the browser's idle callbacks, or a short timeout where there are
// none (Safari).
const WHEN_IDLE = globalThis.requestIdleCallback
  ? { start: (run) => requestIdleCallback(run), stop: (id) => cancelIdleCallback(id) }
  : {
      start: (run) => setTimeout(() => run({ timeRemaining: () => 8 }), 50),
      stop: (id) => clearTimeout(id),
    };

function picturesAhead(idle = WHEN_IDLE) {
  // One chart's pictures drawn ahead.
  // take(canvas, view, state, options): copies the picture drawn for `state` onto the shown
  //   canvas (prepared as draw() prepares it, with draw's options) and returns its frames;
  //   null when there is none (draw as before).
  // plan(view, state, control, direction, paint): draws, when the page is idle, the pictures
  //   one grid step from state[control], the step in `direction` (+1, -1) first; paint(canvas,
  //   state) draws one and returns its frames, or null when its frames are not all here.
  // close(): stops, and frees the pictures' pixels.
  const slots = []; // {key, canvas, frames}
  let task = null,
    cost = 0; // the last picture's drawing time (ms): drawn only when the idle time allows

  function take(canvas, view, state, options) {
    if (!slots.length) return null;
    const key = pictureKey(view, state),
      slot = slots.find((s) => s.key === key);
    if (!slot) return null;
    const ctx = prepare(canvas, view.spec, options);
    if (slot.canvas.width !== canvas.width || slot.canvas.height !== canvas.height) return null;
    copyWhole(ctx, slot.canvas);
    return slot.frames;
  }

  function plan(view, state, control, direction, paint) {
    if (task !== null) idle.stop(task);
    task = null;
    const grid = view.spec.controls?.[control]?.grid,
      ratio = window.devicePixelRatio || 1,
      pixels =
        Math.round(view.spec.width * view.scale * ratio) *
        Math.round(view.spec.height * view.scale * ratio);
    if (!grid || grid.length < 2 || !(pixels <= AHEAD_MAX_PIXELS)) return;
    const k = nearest(grid, state[control]);
    const wanted = [k + direction, k - direction]
      .filter((j) => j >= 0 && j < grid.length)
      .map((j) => {
        const s = { ...state, [control]: grid[j] };
        return { state: s, key: pictureKey(view, s) };
      });
    const keys = new Set(wanted.map((w) => w.key));
    const todo = wanted.filter((w) => !slots.some((s) => s.key === w.key));
    const run = (deadline) => {
      task = null;
      while (todo.length && deadline.timeRemaining() > cost) {
        if (globalThis.document?.fonts?.status === "loading") break; // drawn later
        const w = todo.shift();
        let slot = slots.find((s) => !keys.has(s.key));
        if (!slot) {
          if (slots.length >= 2) return;
          slot = { key: null, canvas: document.createElement("canvas"), frames: null };
          slots.push(slot);
        }
        slot.key = null; // only once painted whole
        const start = performance.now();
        const frames = paint(slot.canvas, w.state);
        cost = performance.now() - start;
        if (frames) Object.assign(slot, { key: w.key, frames });
      }
      if (todo.length) task = idle.start(run);
    };
    if (todo.length) task = idle.start(run);
  }

  function close() {
    if (task !== null) idle.stop(task);
    task = null;
    for (const s of slots) s.canvas.width = s.canvas.height = 0;
    slots.length = 0;
  }

  return { take, plan, close };
}
