// The widget: the view JupyterLab (chart_loader.js) and the HTML export (offline.js) render,
// drawing the picture (picture.js) for the controls' current values (exports.js exports it).

async function render({ model, el }) {
  addStoredViewStyle(el.ownerDocument);
  guardShortcuts(document); // access.js: notebook shortcuts stay off in rnnviz widgets
  if (model.get("spec").predict) return renderPredict({ model, el });
  const root = document.createElement("div");
  root.className = "rnnviz-chart";
  // A block as wide as the notebook gives it: the canvas fits inside (fit.js).
  root.style.cssText = "position:relative;display:block;max-width:100%;min-width:0";
  const canvas = document.createElement("canvas");
  canvas.style.display = "block";
  const tip = document.createElement("div");
  tip.style.cssText =
    "position:absolute;display:none;pointer-events:none;border:1px solid;padding:3px 6px;" +
    "font-family:sans-serif;white-space:pre;z-index:5";
  const busy = document.createElement("div");
  busy.className = "rnnviz-busy";
  busy.textContent = "recomputing\u2026";
  busy.style.cssText = "position:absolute;top:2px;right:6px;font-family:sans-serif;display:none";
  const play = document.createElement("button");
  play.className = "rnnviz-play jupyter-button";
  play.style.display = "none"; // until a spec asks for Play
  const keys = document.createElement("div");
  // Play, when the spec has it, is a row above the picture: over it, it hid the start of the
  // first panel's title in a narrow column. The tip is placed from the canvas's top.
  root.append(play, canvas, tip, busy, keys);
  el.append(root);

  let spec,
    shownSpec,
    entries,
    frames = [],
    legendItems = null,
    pending = false,
    animation = null,
    chrome = "",
    // The notebook's width and the theme: read after a resize, zoom or theme change
    // (watchPage), not per slider step (reading them forces a layout).
    available = null,
    theme = null,
    fitted = null, // the scale and pixel ratio of the last draw (fitKey)
    // Each new spec or data is a new generation: pictures drawn ahead from the old are stale.
    generation = 0;
  const state = {},
    controlModels = {},
    listening = [], // [control model, event, callback]: let go when the view closes
    holding = {}, // name -> release() of its syncOnceSettled (sync.js)
    hidden = new Set();
  const toggle = (name) => {
    if (!hidden.delete(name)) hidden.add(name);
    legend(keys, spec.legend || [], toggle, hidden);
    redraw(true);
  };
  // The frames of an entry that the controls' values `at` pick.
  const readAt = (at) => (name) => {
    const e = entries[name];
    return e ? frameValues(e, at, spec) : null;
  };
  const read = readAt(state);
  // Whether some entry has no frame for the values `at` (a star entry waiting for the kernel).
  const framesMissing = (at) => Object.values(entries).some((e) => frameOf(e, at, spec) === null);
  const ahead = picturesAhead();
  // Keyboard and screen reader access (access.js): names, live region, keyboard cursor.
  const access = accessible({
    el,
    root,
    canvas,
    tip,
    frames: () => frames,
    spec: () => shownSpec,
    read,
    state,
    redraw: () => redraw(true),
  });
  function load() {
    spec = model.get("spec");
    generation++;
    entries = {};
    for (const [name, e] of Object.entries(model.get("data"))) {
      const dv = e.values; // a DataView on the message's binary buffer
      const Type = { float64: Float64Array, uint8: Uint8Array }[e.dtype] || Float32Array;
      entries[name] = {
        ...e,
        values: new Type(dv.buffer.slice(dv.byteOffset, dv.byteOffset + dv.byteLength)),
      };
    }
    const items = JSON.stringify(spec.legend || []);
    if (items !== legendItems) {
      legendItems = items;
      legend(keys, spec.legend || [], toggle, hidden);
    }
    const label = spec.play ? spec.play.label : "";
    if (play.textContent !== label) {
      play.textContent = label;
      play.style.cssText = `margin:0 0 4px 4px;${spec.play ? "" : "display:none"}`;
    }
  }
  function redraw(driven = false) {
    // driven: a control, Play, the legend or the keyboard cursor asked (layers.js keeps what
    // such draws leave unchanged); new data, a resize or a theme change did not.
    pending = false;
    if (!spec) return;
    shownSpec = withHidden(spec, hidden);
    // Every draw reads the pixel ratio and resizes the canvas only if the size or ratio
    // changed (fitCanvas): new frames for the same picture do not look like a change.
    available ??= root.clientWidth;
    theme ??= readTheme(root);
    const scale = fitScale(spec.width, available),
      options = { scale, theme, keep: driven };
    fitted = fitKey(scale);
    // A press that lands on a picture drawn ahead copies it (ahead.js); a draw takes the
    // values on the grid, as the pictures ahead are drawn.
    const at = snappedState(spec, state),
      copied = driven && ahead.take(canvas, view(), at, options);
    frames = copied || draw(canvas, shownSpec, readAt(at), at, options);
    ahead.drawn(at);
    access.afterDraw(canvas.getContext("2d"));
    const style = styleChrome({ tip, busy, keys }, scale, chrome);
    if (style !== chrome) {
      chrome = style; // the legend's swatches are inked in the theme: drawn again
      legend(keys, spec.legend || [], toggle, hidden);
    }
    const stale = framesMissing(state);
    const show = model.get("busy") || stale ? "" : "none";
    if (busy.style.display !== show) busy.style.display = show;
    // A page that measures or reads the charts (the browser tests) may listen here.
    globalThis.__rnnvizAfterDraw?.(root, {
      canvas,
      state,
      read,
      spec,
      hidden,
      frames,
      ahead: !!copied,
    });
  }
  // What the picture is drawn from now (ahead.js), or null before the first draw or while a
  // resize, zoom or theme change waits for its draw.
  const view = () =>
    spec && theme && available !== null
      ? { generation, hidden, spec: shownSpec, scale: fitScale(spec.width, available), theme }
      : null;
  function drawAhead(name, before) {
    // Once the page is idle, the pictures a step either side of the control's new value
    // (ahead.js), the way it moved first.
    const grid = spec?.controls[name]?.grid;
    if (!grid) return;
    const direction = nearest(grid, state[name]) < nearest(grid, before) ? -1 : 1;
    ahead.plan(view, snappedState(spec, state), name, direction, (target, at, v) =>
      framesMissing(at)
        ? null
        : draw(target, v.spec, readAt(at), at, { scale: v.scale, theme: v.theme }),
    );
  }
  // New data draws in the next animation frame (several changes in one task make one
  // picture); a slider's change draws at once, inside the key press's own task, so that the
  // next frame the browser paints already shows it.
  const schedule = () => {
    if (!pending) {
      pending = true;
      requestAnimationFrame(() => redraw());
    }
  };

  // Widgets whose frames hold one control's axis at a time (star entries) recompute the
  // others once the student lets go: "settle" tells the kernel, after spec.settle_ms quiet,
  // with the values it settled on.
  let settleTimer = null;
  const settleLater = () => {
    if (!spec.settle_ms) return;
    clearTimeout(settleTimer);
    settleTimer = setTimeout(() => {
      model.send({ event: "settle", state: { ...state } });
    }, spec.settle_ms);
  };

  async function bindControls() {
    const names = model.get("spec").control_names || [];
    const refs = model.get("controls");
    for (let k = 0; k < refs.length; k++) {
      const control = await model.widget_manager.get_model(refs[k].replace("IPY_MODEL_", ""));
      const name = names[k];
      if (controlModels[name] === control) continue;
      controlModels[name] = control;
      // A selection (toggle buttons, a dropdown) syncs its index, not its value. With
      // "trait": "index" its grid is the indexes; otherwise its grid lists its options' values.
      const trait = spec.controls[name]?.trait;
      const selection =
        !trait && control.get("value") === undefined && control.get("index") !== undefined;
      const synced = trait || (selection ? "index" : "value"),
        event = `change:${synced}`;
      const value = () =>
        selection ? spec.controls[name].grid[control.get("index")] : control.get(synced);
      state[name] = value();
      const changed = () => {
        const before = state[name];
        state[name] = value();
        settleLater();
        if (!animation) {
          redraw(true);
          drawAhead(name, before);
        }
      };
      control.on(event, changed);
      listening.push([control, event, changed]);
      holding[name]?.(); // the control replaced, or none: the new one held, if hot
      if (spec.controls[name]?.grid) holding[name] = syncOnceSettled(control, synced);
    }
  }

  play.addEventListener("click", () => {
    // The pulse travels from the cursor's last position back to its first at display rate;
    // the control gets the final value once, so the kernel sees one message, not one a step.
    const p = spec.play,
      grid = spec.controls[p.control].grid,
      start = performance.now();
    if (animation) cancelAnimationFrame(animation);
    const step = (now) => {
      const u = Math.min(1, (now - start) / (p.seconds * 1000));
      state[p.control] = grid[Math.round((1 - u) * (grid.length - 1))];
      redraw(true);
      if (u < 1) animation = requestAnimationFrame(step);
      else {
        animation = null;
        controlModels[p.control].set("value", grid[0]);
        controlModels[p.control].save_changes();
      }
    };
    animation = requestAnimationFrame(step);
  });

  canvas.addEventListener("mousemove", (event) => {
    // Frames and hovers work in spec px; the tooltip is placed in CSS px.
    const [x, y] = toSpec(canvas, spec, event.clientX, event.clientY),
      box = canvas.getBoundingClientRect(),
      cssX = event.clientX - box.left,
      cssY = event.clientY - box.top;
    const k = frames.findIndex(
      (fr) =>
        fr &&
        x >= fr.box[0] &&
        x <= fr.box[0] + fr.box[2] &&
        y >= fr.box[1] &&
        y <= fr.box[1] + fr.box[3],
    );
    const words =
      k < 0
        ? ""
        : PANELS[shownSpec.panels[k].kind].hover(shownSpec.panels[k], frames[k], read, x, y, state);
    tip.style.display = words ? "" : "none";
    tip.textContent = words;
    tip.style.left = `${Math.max(0, Math.min(cssX + 12, box.width - tip.offsetWidth))}px`;
    tip.style.top = `${canvas.offsetTop + cssY + 12}px`;
  });
  canvas.addEventListener("mouseleave", () => {
    tip.style.display = "none";
  });

  load();
  await bindControls();
  redraw();
  // A narrower or wider notebook, a browser zoom, another screen, another theme: the same
  // picture drawn again to fit.
  const stopWatching = watchPage(
    root,
    () => {
      // A resize that leaves the scale and the pixel ratio as drawn (a chart at full width
      // in a wider notebook, a panel dragged) changes no pixel: nothing to draw again.
      available = root.clientWidth;
      if (spec && fitKey(fitScale(spec.width, available)) === fitted) return;
      schedule();
    },
    () => {
      available = theme = null;
      schedule();
    },
  );
  const reload = async () => {
    load();
    await bindControls();
    schedule();
    ahead.renew();
  };
  model.on("change:spec", reload);
  model.on("change:data", reload);
  model.on("change:controls", reload);
  model.on("change:busy", schedule);
  return () => {
    if (animation) cancelAnimationFrame(animation);
    stopWatching();
    access.close();
    for (const [control, event, changed] of listening) control.off?.(event, changed);
    for (const release of Object.values(holding)) release();
    ahead.close();
    releaseLayers(canvas);
  };
}
