// Pictures drawn ahead. A slider moves one grid step a press (an arrow key, a held key, a
// slow drag), so once a press has been drawn and the page is idle, the pictures one step
// either side on the control that moved are drawn, from the frames the kernel already sent,
// on canvases of their own. A press that lands on one copies it whole instead of drawing: its
// task then records and rasters one copy, not every panel's marks and words (at 4x CPU
// throttling, GradientFlow's draw took 7-10 ms of the key press's task). A picture is taken
// only when everything it was drawn from is the same: the spec and data (the view's
// generation), the series hidden, every control's value, the scale, the screen's pixel
// ratio, the theme and the page's fonts, all as they were when the picture was drawn. The
// view draws every picture with its controls' values snapped to their grids (snappedState),
// so a copy and a draw show the same values. A picture drawn ahead never includes what is
// drawn over the picture (the keyboard cursor).

// At most two pictures a chart (a step either side), each of at most this many device
// pixels (16 MB): up to a 1000 x 1000 px chart at devicePixelRatio 2. A bigger canvas is
// drawn at every press, as without pictures ahead. Both are freed once the chart has not
// moved for AHEAD_KEEP_MS.
const AHEAD_MAX_PIXELS = 4e6;

// Web fonts that finished loading since the page opened: a picture drawn before a font
// arrived is not the one a draw makes now.
let fontsLoaded = 0;
globalThis.document?.fonts?.addEventListener?.("loadingdone", () => fontsLoaded++);

function snappedState(spec, state) {
  // The controls' values, each that is a grid value up to rounding (sameFloat) replaced by
  // it (keys in order: the same values make the same key).
  const out = {};
  for (const name of Object.keys(state).toSorted()) {
    const v = state[name],
      grid = spec.controls?.[name]?.grid;
    out[name] = v;
    if (typeof v !== "number" || !grid?.length || typeof grid[0] !== "number") continue;
    const g = grid[nearest(grid, v)];
    if (sameFloat(v, g)) out[name] = g;
  }
  return out;
}

function pictureKey(view, at) {
  // Everything a picture is drawn from (see above). view: {generation, hidden, spec, scale,
  // theme}; at: the controls' values, snapped (snappedState).
  return JSON.stringify([
    view.generation,
    [...view.hidden].toSorted(),
    at,
    view.scale,
    window.devicePixelRatio || 1,
    view.theme,
    fontsLoaded,
  ]);
}

// When the page is idle: the browser's idle callbacks, or a short timeout where there are
// none (Safari), its idle time counted from when it runs.
const WHEN_IDLE = globalThis.requestIdleCallback
  ? { start: (run) => requestIdleCallback(run), stop: (id) => cancelIdleCallback(id) }
  : {
      start: (run) =>
        setTimeout(() => {
          const end = performance.now() + 8;
          run({ timeRemaining: () => Math.max(0, end - performance.now()) });
        }, 50),
      stop: (id) => clearTimeout(id),
    };
// Idle periods too short for the last picture's drawing time before that estimate is halved
// (one slow draw, a garbage collection or a busy machine, does not stop the pictures for
// good), or, while the page's fonts load, before the pictures are given up.
const AHEAD_TRIES = 10;
// Pictures not taken for this long are freed: a chart the student left holds no pixels.
const AHEAD_KEEP_MS = 30000;

function pictureSize(view) {
  // The shown canvas's backing store for `view`, as fitCanvas sizes it: [width, height].
  const ratio = window.devicePixelRatio || 1;
  return [view.spec.width, view.spec.height].map((n) =>
    Math.max(1, Math.round(n * view.scale * ratio)),
  );
}

function picturesAhead(idle = WHEN_IDLE) {
  // One chart's pictures drawn ahead.
  // take(canvas, view, at, options): when a picture was drawn for `view` and the controls'
  //   snapped values `at` (snappedState), copies it onto the shown canvas (prepared as
  //   draw() prepares it, with draw's options) and returns its frames; otherwise does
  //   nothing and returns null (draw as before).
  // plan(current, at, control, direction, paint, moved): once the page is idle, draws the
  //   pictures one grid step from at[control] (at: snapped values), the step in `direction`
  //   (+1, -1) first. current() is the view as it is when a picture is drawn ({generation,
  //   hidden, spec, scale, theme}, or null: nothing to draw); paint(canvas, state, view)
  //   draws one and returns its frames, or null when its frames are not all here. moved
  //   (true unless a renew plans again): a control moved, and the keep time starts again.
  // renew(): new frames or a new spec arrived (the kernel recomputing around a settled
  //   slider). drawn(at): the shown canvas was drawn, for the controls' values `at`; after
  //   a renew, while the pictures are kept, the last plan's pictures are drawn again from
  //   what that draw drew from (its spec is current only once drawn). The keep time still
  //   counts from the last move. Without it, every press after a settle drew in full.
  // close(): stops, frees the pictures' pixels and draws no more.
  const slots = []; // {key, canvas, frames}
  let task = null,
    keepTimer = null,
    closed = false,
    last = null, // the last plan's {current, control, direction, paint}, while it is kept
    renewed = false,
    cost = 0; // the last picture's drawing time (ms): drawn only when the idle time allows

  function stop() {
    if (task !== null) idle.stop(task);
    task = null;
  }

  function drop() {
    stop();
    clearTimeout(keepTimer);
    for (const s of slots) s.canvas.width = s.canvas.height = 0;
    slots.length = 0;
    last = null;
  }

  function take(canvas, view, at, options) {
    if (closed || !view || !slots.length) return null;
    const key = pictureKey(view, at),
      slot = slots.find((s) => s.key === key);
    if (!slot) return null;
    const [width, height] = pictureSize(view);
    if (slot.canvas.width !== width || slot.canvas.height !== height) return null;
    copyWhole(prepare(canvas, view.spec, options), slot.canvas);
    return slot.frames;
  }

  function plan(current, at, control, direction, paint, moved = true) {
    stop();
    if (closed) return;
    const first = current(),
      grid = first?.spec.controls?.[control]?.grid;
    if (!grid || grid.length < 2) return drop();
    if (moved) {
      clearTimeout(keepTimer);
      keepTimer = setTimeout(drop, AHEAD_KEEP_MS);
    }
    last = { current, control, direction, paint };
    const k = nearest(grid, at[control]);
    const todo = [k + direction, k - direction]
      .filter((j) => j >= 0 && j < grid.length)
      .map((j) => ({ ...at, [control]: grid[j] }));
    const wanted = new Set(todo.map((s) => pictureKey(first, s)));
    let tries = 0,
      waits = 0;
    const run = (deadline) => {
      // One picture a callback: a press waits for at most one draw.
      task = null;
      const view = current();
      if (closed || !view) return;
      const [width, height] = pictureSize(view);
      if (!(width * height <= AHEAD_MAX_PIXELS)) return drop();
      if (globalThis.document?.fonts?.status === "loading") {
        if (++tries < AHEAD_TRIES) task = idle.start(run);
        return;
      }
      if (deadline.timeRemaining() <= cost) {
        if (++waits >= AHEAD_TRIES) [cost, waits] = [cost / 2, 0];
        task = idle.start(run);
        return;
      }
      const next = todo.shift(),
        key = pictureKey(view, next);
      if (!slots.some((s) => s.key === key)) {
        let slot = slots.find((s) => !wanted.has(s.key));
        if (!slot) {
          if (slots.length >= 2) return;
          slot = { key: null, canvas: document.createElement("canvas"), frames: null };
          slots.push(slot);
        }
        slot.key = null; // only once painted whole
        const start = performance.now();
        const frames = paint(slot.canvas, next, view);
        cost = performance.now() - start;
        if (frames) Object.assign(slot, { key, frames });
      }
      if (todo.length) task = idle.start(run);
    };
    task = idle.start(run);
  }

  function renew() {
    renewed = true;
  }

  function drawn(at) {
    if (renewed && last) plan(last.current, at, last.control, last.direction, last.paint, false);
    renewed = false;
  }

  function close() {
    closed = true;
    drop();
  }

  return { take, plan, renew, drawn, close };
}
