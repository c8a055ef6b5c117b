// The HTML export's page-side code (rnnviz/export.py), appended to chart.js in one module
// script: a small widget manager that draws each widget output from its stored state with no
// kernel and no network. Charts are drawn by chart.js's own render(); a slider whose value a
// chart has frames for is an HTML range input that answers in the page; every other control
// shows its saved value, disabled (it needs the kernel).

// One block, so that no name here can clash with chart.js's top-level names.
{
const MODELS = {};
for (const el of document.querySelectorAll("script.rnnviz-widget-state")) {
  Object.assign(MODELS, JSON.parse(el.textContent));
}

function decode(base64) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new DataView(bytes.buffer);
}

// A stand-in for a widget model: the part of the ipywidgets/anywidget model API that
// chart.js uses (get, set, on, save_changes, send, widget_manager.get_model).
const live = {};
function model(id) {
  if (live[id]) return live[id];
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
    id, name: stored.model_name, state,
    get: (key) => state[key],
    set: (key, value) => { state[key] = value; (listeners[`change:${key}`] || []).forEach((f) => f()); },
    on: (event, f) => { (listeners[event] ||= []).push(f); },
    save_changes: () => {},
    send: () => {},
    widget_manager: { get_model: async (ref) => model(ref) },
  };
  return (live[id] = m);
}

const ref = (value) => (typeof value === "string" && value.startsWith("IPY_MODEL_") ? value.slice(10) : null);

// Controls some chart draws from frames (hot): answered in the page.
const HOT = new Set();
for (const stored of Object.values(MODELS)) {
  if (stored.state._anywidget_id !== "rnnviz.widgets.renderer.Chart") continue;
  const grids = stored.state.spec.controls || {};
  (stored.state.spec.control_names || []).forEach((name, k) => {
    if (name in grids) HOT.add(ref(stored.state.controls[k]));
  });
}

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
  const s = m.state, log = m.name === "FloatLogSliderModel";
  const row = element("div", "display:flex;align-items:center;margin:2px 8px 2px 0");
  row.className = "rnnviz-offline-slider";
  if (s.description) row.append(element("label", "min-width:90px;margin-right:6px;font:13px sans-serif", s.description));
  const input = element("input", "width:140px");
  Object.assign(input, { type: "range", min: s.min, max: s.max, step: s.step });
  input.value = log ? Math.log(s.value) / Math.log(s.base) : s.value;
  const readout = element("span", "margin:0 14px 0 6px;min-width:40px;font:13px sans-serif");
  const show = () => { readout.textContent = s.readout === false ? "" : readoutText(m.get("value"), s.readout_format); };
  show();
  if (HOT.has(m.id)) {
    input.addEventListener("input", () => {
      const v = parseFloat(input.value);
      m.set("value", log ? s.base ** v : v);
    });
    m.on("change:value", () => {
      const v = m.get("value");
      input.value = log ? Math.log(v) / Math.log(s.base) : v;
      show();
    });
  } else {
    input.disabled = true;
    input.title = COLD;
  }
  row.append(input, readout);
  return row;
}

function choices(m, buttons) {
  const s = m.state, row = element("div", "display:flex;align-items:center;margin:2px 8px 2px 0");
  if (s.description) row.append(element("label", "min-width:90px;margin-right:6px;font:13px sans-serif", s.description));
  if (buttons) {
    (s._options_labels || []).forEach((label, k) => {
      const b = element("button", k === s.index ? "font-weight:bold" : "", label);
      b.disabled = true; b.title = COLD;
      row.append(b);
    });
  } else {
    const select = element("select");
    (s._options_labels || []).forEach((label, k) => select.append(new Option(label, k, false, k === s.index)));
    select.disabled = true; select.title = COLD;
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
    case "VBoxModel": case "HBoxModel": case "BoxModel": case "GridBoxModel": {
      const row = m.name === "HBoxModel";
      const box = element("div", `display:flex;flex-direction:${row ? "row" : "column"};flex-wrap:${row ? "wrap" : "nowrap"};gap:2px`);
      for (const child of s.children || []) box.append(view(ref(child)));
      return layout(box, m);
    }
    case "IntSliderModel": case "FloatSliderModel": case "FloatLogSliderModel":
      return layout(slider(m), m);
    case "DropdownModel": case "RadioButtonsModel": case "SelectModel":
      return layout(choices(m, false), m);
    case "ToggleButtonsModel":
      return layout(choices(m, true), m);
    case "CheckboxModel": case "ToggleButtonModel": {
      const row = element("label", "margin:2px 8px 2px 0;font:13px sans-serif");
      const box = element("input");
      Object.assign(box, { type: "checkbox", checked: !!s.value, disabled: true, title: COLD });
      row.append(box, ` ${s.description || ""}`);
      return layout(row, m);
    }
    case "LabelModel":
      return layout(element("span", "margin:2px 8px 2px 0;font:13px sans-serif", s.value || ""), m);
    case "HTMLModel": case "HTMLMathModel": {
      const el = element("div", "margin:2px 8px 2px 0;font:13px sans-serif");
      el.innerHTML = s.value || "";
      return layout(el, m);
    }
    case "FloatProgressModel": case "IntProgressModel": {
      const bar = element("progress", "margin:2px 8px;width:200px");
      Object.assign(bar, { max: s.max - s.min, value: s.value - s.min });
      return layout(bar, m);
    }
    case "ButtonModel": {
      const b = element("button", "", s.description || "");
      b.disabled = true; b.title = COLD;
      return layout(b, m);
    }
    case "AnyModel":
      if (s._anywidget_id === "rnnviz.widgets.renderer.Chart") {
        const el = element("div");
        render({ model: m, el });  // chart.js's own render, in this module
        return layout(el, m);
      }
    // falls through: another anywidget
    default:
      return element("div", "color:#b00;font:13px sans-serif", `(${m.name.replace("Model", "")}: ${COLD})`);
  }
}

for (const el of document.querySelectorAll(".rnnviz-widget[data-model-id]")) {
  el.replaceChildren(view(el.dataset.modelId));
}
}
