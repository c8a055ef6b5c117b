// The HTML export's page-side code (rnnviz/export.py), appended to the front end
// (front_end.chart_source) in one module script: a small widget manager that draws each
// widget output from its stored state with no
// kernel and no network. Charts are drawn by the front end's own render(); a slider whose value a
// chart has frames for is an HTML range input that answers in the page; every other control
// shows its saved value, disabled (it needs the kernel).

// One block, so that no name here can clash with the front end's top-level names.
{
  // Each output's stored models sit in the JSON block just before its widget (or, for a large
  // one on the static site, in a sidecar script there that puts the block back as it runs).
  // A block is parsed when its widget is drawn, in document order, so the first charts are
  // drawn before a megabyte block further down has been read.
  const ref = (value) =>
    typeof value === "string" && value.startsWith("IPY_MODEL_") ? value.slice(10) : null;
  const MODELS = {};
  const parsed = new Set();
  function parse(block) {
    if (parsed.has(block)) return;
    parsed.add(block);
    const models = JSON.parse(block.textContent);
    Object.assign(MODELS, models);
    for (const stored of Object.values(models)) markHot(stored);
  }
  const blocks = () => document.querySelectorAll("script.rnnviz-widget-state");

  // The block of widget element `el`: parsed now, or once the sidecar script standing in its
  // place has run (the site loads it deferred, so it does not hold up the page's first charts).
  async function blockOf(el) {
    for (;;) {
      const before = el.previousElementSibling;
      if (before && before.matches("script.rnnviz-widget-state")) return parse(before);
      if (!(before && before.matches("script[src]"))) return; // none: a model elsewhere, if any
      await new Promise((done) => {
        before.addEventListener("load", done, { once: true });
        before.addEventListener("error", done, { once: true });
      });
      if (el.previousElementSibling === before) return; // the sidecar failed to load
    }
  }

  function decode(base64) {
    // A loop, not Uint8Array.from(text, callback): megabytes of frames decode several times
    // faster.
    const text = atob(base64),
      bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return new DataView(bytes.buffer);
  }

  // A stand-in for a widget model: the part of the ipywidgets/anywidget model API that
  // the front end uses (get, set, on, save_changes, send, widget_manager.get_model).
  const live = {};
  function model(id) {
    if (!id) return null;
    if (live[id]) return live[id];
    // A model another output's block holds: read every block on the page.
    if (!MODELS[id]) blocks().forEach(parse);
    const stored = MODELS[id];
    if (!stored) return null;
    const state = structuredClone(stored.state);
    for (const b of stored.buffers || []) {
      let node = state;
      for (const key of b.path.slice(0, -1)) node = node[key];
      node[b.path[b.path.length - 1]] = decode(b.data);
    }
    const listeners = {};
    const m = {
      id,
      name: stored.model_name,
      state,
      get: (key) => state[key],
      set: (key, value) => {
        state[key] = value;
        (listeners[`change:${key}`] || []).forEach((f) => f());
      },
      on: (event, f) => {
        (listeners[event] ||= []).push(f);
      },
      save_changes: () => {},
      send: () => {},
      widget_manager: { get_model: async (modelId) => model(modelId) },
    };
    return (live[id] = m);
  }

  // Controls some chart draws from frames (hot): answered in the page. A slider drawn before
  // the block of a chart it drives has been read is made hot once every block has been.
  const HOT = new Set();
  function markHot(stored) {
    if (stored.state._anywidget_id !== "rnnviz.widgets.renderer.Chart") return;
    const grids = stored.state.spec.controls || {};
    (stored.state.spec.control_names || []).forEach((name, k) => {
      if (name in grids) HOT.add(ref(stored.state.controls[k]));
    });
  }
  const cold = []; // [model, make it hot] of the sliders drawn disabled

  function readoutText(value, fmt) {
    const m = /^\.(\d+)([ef])$/.exec(fmt || "");
    if (m) return m[2] === "f" ? value.toFixed(+m[1]) : value.toExponential(+m[1]);
    return Number.isInteger(value) ? String(value) : String(+value.toPrecision(6));
  }

  function element(tag, css = "", text = "") {
    const el = document.createElement(tag);
    el.style.cssText = css;
    if (text) el.textContent = text;
    return el;
  }

  const COLD = "needs the running kernel";

  function slider(m) {
    const s = m.state,
      log = m.name === "FloatLogSliderModel";
    const row = element("div", "display:flex;align-items:center;margin:2px 8px 2px 0");
    row.className = "rnnviz-offline-slider";
    if (s.description)
      row.append(
        element("label", "min-width:90px;margin-right:6px;font:13px sans-serif", s.description),
      );
    const input = element("input", "width:140px");
    Object.assign(input, { type: "range", min: s.min, max: s.max, step: s.step });
    input.value = log ? Math.log(s.value) / Math.log(s.base) : s.value;
    const readout = element("span", "margin:0 14px 0 6px;min-width:40px;font:13px sans-serif");
    const show = () => {
      readout.textContent =
        s.readout === false ? "" : readoutText(m.get("value"), s.readout_format);
    };
    show();
    const hot = () => {
      input.disabled = false;
      input.title = "";
      input.addEventListener("input", () => {
        const v = parseFloat(input.value);
        m.set("value", log ? s.base ** v : v);
      });
      m.on("change:value", () => {
        const v = m.get("value");
        input.value = log ? Math.log(v) / Math.log(s.base) : v;
        show();
      });
    };
    if (HOT.has(m.id)) {
      hot();
    } else {
      input.disabled = true;
      input.title = COLD;
      cold.push([m, hot]);
    }
    row.append(input, readout);
    return row;
  }

  function choices(m, buttons) {
    const s = m.state,
      row = element("div", "display:flex;align-items:center;margin:2px 8px 2px 0");
    if (s.description)
      row.append(
        element("label", "min-width:90px;margin-right:6px;font:13px sans-serif", s.description),
      );
    if (buttons) {
      (s._options_labels || []).forEach((label, k) => {
        const b = element("button", k === s.index ? "font-weight:bold" : "", label);
        b.disabled = true;
        b.title = COLD;
        row.append(b);
      });
    } else {
      const select = element("select");
      (s._options_labels || []).forEach((label, k) =>
        select.append(new Option(label, k, false, k === s.index)),
      );
      select.disabled = true;
      select.title = COLD;
      row.append(select);
    }
    return row;
  }

  function layout(el, m) {
    const l = model(ref(m.state.layout));
    if (!l) return el;
    if (l.state.display === "none") el.style.display = "none";
    if (l.state.visibility === "hidden") el.style.visibility = "hidden";
    if (l.state.width) el.style.width = l.state.width;
    return el;
  }

  function view(id) {
    const m = model(id);
    if (!m) return element("div", "color:#b00", "(a widget that needs the running kernel)");
    const s = m.state;
    switch (m.name) {
      case "VBoxModel":
      case "HBoxModel":
      case "BoxModel":
      case "GridBoxModel": {
        const row = m.name === "HBoxModel";
        const box = element(
          "div",
          `display:flex;flex-direction:${row ? "row" : "column"};flex-wrap:${row ? "wrap" : "nowrap"};gap:2px`,
        );
        for (const child of s.children || []) box.append(view(ref(child)));
        return layout(box, m);
      }
      case "IntSliderModel":
      case "FloatSliderModel":
      case "FloatLogSliderModel":
        return layout(slider(m), m);
      case "DropdownModel":
      case "RadioButtonsModel":
      case "SelectModel":
        return layout(choices(m, false), m);
      case "ToggleButtonsModel":
        return layout(choices(m, true), m);
      case "CheckboxModel":
      case "ToggleButtonModel": {
        const row = element("label", "margin:2px 8px 2px 0;font:13px sans-serif");
        const box = element("input");
        Object.assign(box, { type: "checkbox", checked: !!s.value, disabled: true, title: COLD });
        row.append(box, ` ${s.description || ""}`);
        return layout(row, m);
      }
      case "LabelModel":
        return layout(
          element("span", "margin:2px 8px 2px 0;font:13px sans-serif", s.value || ""),
          m,
        );
      case "HTMLModel":
      case "HTMLMathModel": {
        const el = element("div", "margin:2px 8px 2px 0;font:13px sans-serif");
        el.innerHTML = s.value || "";
        return layout(el, m);
      }
      case "FloatProgressModel":
      case "IntProgressModel": {
        const bar = element("progress", "margin:2px 8px;width:200px");
        Object.assign(bar, { max: s.max - s.min, value: s.value - s.min });
        return layout(bar, m);
      }
      case "ButtonModel": {
        const b = element("button", "", s.description || "");
        b.disabled = true;
        b.title = COLD;
        return layout(b, m);
      }
      case "AnyModel":
        if (s._anywidget_id === "rnnviz.widgets.renderer.Chart") {
          const el = element("div");
          render({ model: m, el }); // the front end's own render, in this module
          return layout(el, m);
        }
      // falls through: another anywidget
      default:
        return element(
          "div",
          "color:#b00;font:13px sans-serif",
          `(${m.name.replace("Model", "")}: ${COLD})`,
        );
    }
  }

  // Widgets are drawn in document order, a slice of about SLICE_MS at a time: between slices
  // the browser paints what is drawn, so the page shows its first charts while later ones
  // (a large block to parse and decode) are still being drawn.
  const SLICE_MS = 30;
  const paint = () =>
    new Promise((done) => {
      if (document.hidden) setTimeout(done, 0); // no animation frames in a hidden tab
      else requestAnimationFrame(() => setTimeout(done, 0));
    });
  (async () => {
    let slice = performance.now();
    for (const el of document.querySelectorAll(".rnnviz-widget[data-model-id]")) {
      await blockOf(el);
      el.replaceChildren(view(el.dataset.modelId));
      if (performance.now() - slice > SLICE_MS) {
        await paint();
        slice = performance.now();
      }
    }
    blocks().forEach(parse);
    for (const [m, hot] of cold.splice(0)) if (HOT.has(m.id)) hot();
  })();
}
