// rnnviz's one front end (rnnviz/widgets/renderer.py): draws panels from frames the kernel
// precomputed, so a slider the student drags is answered here, at display rate.
//
// It only indexes, scales and draws: every number it shows was computed in Python. A series
// names a data entry: a float32 buffer holding one frame per position of its controls'
// grids. Moving a control picks another frame; nothing is recomputed.
//   product entry: shape (len(grid_a), len(grid_b), ...frame), one frame per combination
//   star entry:    shape (sum of len(grid_a), ...frame): control a's frames with every other
//                  control at its base value (many sliders, one dragged at a time)
// Log axes receive log10 values: -inf is an underflow to 0, +inf or NaN an overflow; both
// are drawn as markers on the panel's edge, never as a silent gap.

const FONT = "12px 'Open Sans', verdana, arial, sans-serif";
const GRID_COLOR = "#ebebeb";
const AXIS_COLOR = "#444";
const SUPERSCRIPT = { "-": "\u207b", 0: "\u2070", 1: "\u00b9", 2: "\u00b2", 3: "\u00b3",
  4: "\u2074", 5: "\u2075", 6: "\u2076", 7: "\u2077", 8: "\u2078", 9: "\u2079" };

// --- numbers and colours ------------------------------------------------------------------
export function format(value, spec) {
  // A Python-style format spec: ".3f", ".1e", ".2g"; "pow" prints a log10 value as 10^x.
  if (!Number.isFinite(value)) return Number.isNaN(value) ? "NaN" : value > 0 ? "inf" : "0";
  if (spec === "pow") return `10${String(Math.round(value)).replace(/./g, (c) => SUPERSCRIPT[c])}`;
  const m = /^(\+?)\.(\d+)([efg])$/.exec(spec || ".3g");
  const digits = Number(m[2]), sign = m[1] && value >= 0 ? "+" : "";  // "+.3f": r = +0.532
  if (m[3] === "f") return sign + value.toFixed(digits);
  if (m[3] === "e") return sign + value.toExponential(digits).replace(/e([+-])(\d)$/, (_, s, d) => `e${s}0${d}`);
  return sign + String(Number(value.toPrecision(Math.max(1, digits))));
}

function parseColor(color) {
  // "#rrggbb" or "rgb(r, g, b)", the two forms plotly's colour scales use.
  if (color.startsWith("#")) {
    const n = parseInt(color.slice(1), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }
  return color.match(/[\d.]+/g).slice(0, 3).map(Number);
}

export function scaleColor(scale, u) {
  // scale: [[position 0..1, colour], ...]; u outside 0..1 is clamped to the ends.
  const t = Math.min(1, Math.max(0, u));
  for (let k = 1; k < scale.length; k++) {
    if (t <= scale[k][0] || k === scale.length - 1) {
      const [p0, c0] = scale[k - 1], [p1, c1] = scale[k];
      const w = p1 > p0 ? (t - p0) / (p1 - p0) : 0;
      const a = parseColor(c0), b = parseColor(c1);
      return `rgb(${a.map((v, i) => Math.round(v + w * (b[i] - v))).join(",")})`;
    }
  }
  return scale[0][1];
}

export function niceTicks(lo, hi, log, count = 6) {
  // Tick positions for a linear axis (steps of 1, 2 or 5 times a power of ten), or whole
  // decades for a log10 axis.
  if (!(hi > lo)) return [];
  const raw = (hi - lo) / count, power = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = log ? Math.max(1, Math.ceil(raw)) : [1, 2, 5, 10].map((f) => f * power).find((s) => s >= raw);
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

export function logRange(values) {
  // A log10 range around the finite values, padded, at least 3 decades (the kernel's rule).
  let lo = Infinity, hi = -Infinity;
  for (const v of values) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (lo > hi) return [-1.5, 1.5];
  const pad = Math.max(0.5, 0.06 * (hi - lo));
  lo -= pad; hi += pad;
  if (hi - lo < 3) { const mid = (lo + hi) / 2; lo = mid - 1.5; hi = mid + 1.5; }
  return [Math.max(lo, -320), Math.min(hi, 308)];
}

// --- frames -------------------------------------------------------------------------------
export function nearest(grid, value) {
  if (typeof value === "string") return Math.max(0, grid.indexOf(value));  // a dropdown's choice
  let best = 0;
  for (let k = 1; k < grid.length; k++) {
    if (Math.abs(grid[k] - value) < Math.abs(grid[best] - value)) best = k;
  }
  return best;
}

export function frameOf(entry, state, spec) {
  // The frame of `entry` for the controls' current values, or null when the kernel has not
  // sent it yet (a star entry with two controls away from their base values).
  const at = (name) => nearest(spec.controls[name].grid, state[name]);
  if (entry.star) {
    const moved = entry.axes.filter((a) => at(a) !== nearest(spec.controls[a].grid, spec.base[a]));
    if (moved.length > 1) return null;
    let offset = 0;
    const axis = moved[0] ?? entry.axes[0];
    for (const a of entry.axes) { if (a === axis) break; offset += spec.controls[a].grid.length; }
    return offset + at(axis);
  }
  return entry.axes.reduce((f, a) => f * spec.controls[a].grid.length + at(a), 0);
}

function frameValues(entry, state, spec) {
  const f = frameOf(entry, state, spec);
  if (f === null) return null;
  const leading = entry.star ? 1 : entry.axes.length;  // a star entry's frames share one axis
  const size = entry.shape.slice(leading).reduce((a, b) => a * b, 1);
  return entry.values.subarray(f * size, (f + 1) * size);
}

function fillTemplate(text, read) {
  // "s = {rnn_stats[0]:.2f}" -> the current frame's value, formatted; "{name:chars}" -> the
  // frame's character codes as a string (words the kernel chose, e.g. a signal's name).
  return (text || "").replace(/\{(\w+):chars\}/g, (_, name) => charString(read(name))).replace(/\{(\w+)\[(\d+)\](?::([^}]+))?\}/g, (_, name, i, fmt) => {
    const v = read(name);
    return v ? format(v[Number(i)], fmt) : "?";
  });
}

// --- drawing primitives ---------------------------------------------------------------
function marker(ctx, symbol, x, y, size, color, filled = true) {
  ctx.beginPath();
  const r = size / 2;
  if (symbol === "triangle-down") { ctx.moveTo(x - r, y - r); ctx.lineTo(x + r, y - r); ctx.lineTo(x, y + r); }
  else if (symbol === "triangle-up") { ctx.moveTo(x - r, y + r); ctx.lineTo(x + r, y + r); ctx.lineTo(x, y - r); }
  else if (symbol === "x") { ctx.moveTo(x - r, y - r); ctx.lineTo(x + r, y + r); ctx.moveTo(x + r, y - r); ctx.lineTo(x - r, y + r); filled = false; }
  else if (symbol === "square") ctx.rect(x - r, y - r, size, size);
  else if (symbol === "diamond") { ctx.moveTo(x, y - r); ctx.lineTo(x + r, y); ctx.lineTo(x, y + r); ctx.lineTo(x - r, y); }
  else ctx.arc(x, y, r, 0, 2 * Math.PI);
  ctx.closePath();
  if (filled) { ctx.fillStyle = color; ctx.fill(); } else { ctx.strokeStyle = color; ctx.stroke(); }
}

function text(ctx, words, x, y, { align = "center", base = "middle", color = AXIS_COLOR, font = FONT, angle = 0 } = {}) {
  ctx.save();
  ctx.font = font; ctx.fillStyle = color; ctx.textAlign = align; ctx.textBaseline = base;
  ctx.translate(x, y); ctx.rotate(angle); ctx.fillText(words, 0, 0);
  ctx.restore();
}

class Frame {
  // One panel's data-to-pixel mapping: box [left, top, width, height], ranges [lo, hi].
  constructor(box, xr, yr) { Object.assign(this, { box, xr, yr }); }
  px(x) { const [l, , w] = this.box; return l + ((x - this.xr[0]) / (this.xr[1] - this.xr[0])) * w; }
  py(y) { const [, t, , h] = this.box; return t + h - ((y - this.yr[0]) / (this.yr[1] - this.yr[0])) * h; }
}

function drawAxes(ctx, panel, fr) {
  const [l, t, w, h] = fr.box;
  const yLog = panel.y && panel.y.log;
  ctx.lineWidth = 1;
  for (const [axis, range, along] of [["x", fr.xr, 0], ["y", fr.yr, 1]]) {
    const opts = panel[axis] || {};
    if (opts.hidden) continue;
    const real = opts.real && !opts.tickvals ? realLogTicks(range[0], range[1]) : null;
    const ticks = opts.tickvals || (real ? real.map(([v]) => v) : niceTicks(range[0], range[1], axis === "y" && yLog));
    ticks.forEach((v, k) => {
      const label = opts.ticktext ? opts.ticktext[k] : real ? real[k][1] : format(v, axis === "y" && yLog ? "pow" : ".4g");
      if (along === 0) {
        const x = fr.px(v);
        if (x < l - 0.5 || x > l + w + 0.5) return;
        if (!opts.nogrid) { ctx.strokeStyle = GRID_COLOR; ctx.beginPath(); ctx.moveTo(x, t); ctx.lineTo(x, t + h); ctx.stroke(); }
        text(ctx, label, x, t + h + 12);
      } else {
        const y = fr.py(v);
        if (y < t - 0.5 || y > t + h + 0.5) return;
        if (!opts.nogrid) { ctx.strokeStyle = GRID_COLOR; ctx.beginPath(); ctx.moveTo(l, y); ctx.lineTo(l + w, y); ctx.stroke(); }
        text(ctx, label, l - 4, y, { align: "right" });
      }
    });
    if (opts.title && along === 0) text(ctx, opts.title, l + w / 2, t + h + 30);
    if (opts.title && along === 1) text(ctx, opts.title, l - 45, t + h / 2, { angle: -Math.PI / 2 });
  }
}

// --- panels -------------------------------------------------------------------------------
function drawLines(ctx, panel, fr, read, state) {
  const [l, t, w, h] = fr.box;
  ctx.save();
  ctx.beginPath(); ctx.rect(l, t, w, h); ctx.clip();
  for (const s of panel.series) {
    const v = read(s.data);
    if (!v || s.visible === false) continue;
    const xs = s.x ? read(s.x) : null;
    const x = (k) => (xs ? xs[k] : s.x0 + k * s.dx);
    ctx.globalAlpha = s.opacity ?? 1;
    ctx.strokeStyle = s.color; ctx.lineWidth = s.width ?? 2;
    ctx.setLineDash(s.dash || []);
    if (s.mode === "flags") {  // a mark at the top edge where the value is non-zero
      for (let k = 0; k < v.length; k++) if (v[k]) marker(ctx, "triangle-down", fr.px(x(k)), t + 6, s.size || 9, s.color);
      ctx.globalAlpha = 1;
      continue;
    }
    if (s.mode !== "markers") {
      ctx.beginPath();
      let open = false;
      for (let k = 0; k < v.length; k++) {
        if (!Number.isFinite(v[k])) { open = false; continue; }
        const X = fr.px(x(k)), Y = fr.py(v[k]);
        if (open) ctx.lineTo(X, Y); else ctx.moveTo(X, Y);
        open = true;
      }
      ctx.stroke();
    }
    ctx.setLineDash([]);
    if (s.mode === "markers" || s.markers) {
      for (let k = 0; k < v.length; k++) {
        if (Number.isFinite(v[k])) marker(ctx, s.symbol || "circle", fr.px(x(k)), fr.py(v[k]), s.size || 6, s.color, !s.open);
      }
    }
    ctx.globalAlpha = 1;
  }
  ctx.restore();
  // Values that left float's range sit on the edge they went through, labelled once.
  for (const s of panel.series) {
    const v = read(s.data);
    if (!v || !s.edges || s.visible === false) continue;
    const edges = [[(u) => u === -Infinity, "under", t + 6, "triangle-down", "0", t + 6 - 10],
                   [(u) => u === Infinity || Number.isNaN(u), "over", t + h - 6, "triangle-up", "inf/NaN", t + h - 6 + 12]];
    for (const [is, kind, y, symbol, label, labelY] of edges) {
      const color = panel.edge_colors[kind];
      let first = true;
      for (let k = 0; k < v.length; k++) {
        if (!is(v[k])) continue;
        const X = fr.px(s.x0 + k * s.dx);
        marker(ctx, symbol, X, kind === "under" ? t + h - 6 : t + 6, 9, color);
        if (first) text(ctx, label, X, kind === "under" ? t + h - 18 : t + 18, { color });
        first = false;
      }
    }
  }
  if (panel.cursor) drawLineCursor(ctx, panel, fr, read, state);
}

function drawLineCursor(ctx, panel, fr, read, state) {
  // A marker on each listed series at x = the cursor control's value; `fade` (a series of
  // opacities from the kernel) dims it as the travelling gradient shrinks.
  const c = panel.cursor, k = Math.round(state[c.control]) - c.x0;
  const [, t, , h] = fr.box;
  for (const m of c.markers) {
    const v = read(m.data);
    if (!v || k < 0 || k >= v.length || m.visible === false) continue;
    const fade = m.fade ? read(m.fade)[k] : 1;
    const y = v[k];
    const Y = Number.isFinite(y) ? fr.py(y) : y === -Infinity ? t + h - 6 : t + 6;
    ctx.globalAlpha = fade;
    ctx.lineWidth = 2;
    marker(ctx, "circle", fr.px(c.x0 + k), Y, m.fade ? 8 + 10 * fade : 11, m.color, !m.open);
    ctx.globalAlpha = 1;
  }
}

function drawHeatmap(ctx, panel, fr, read, state, crange) {
  // Rows of cells: each group is a data entry whose frame is (nx, ny) values, x-major.
  const [lo, hi] = crange;
  const cursor = panel.cursor ? Math.round(state[panel.cursor.control]) : null;
  for (const g of panel.groups) {
    const v = read(g.data);
    if (!v || g.visible === false) continue;
    const ny = g.ny || 1, nx = v.length / ny;
    const cw = Math.abs(fr.px(g.x0 + g.dx) - fr.px(g.x0)), ch = Math.abs(fr.py(1) - fr.py(0));
    for (let i = 0; i < nx; i++) {
      const xv = g.x0 + i * g.dx;
      const dim = panel.cursor && panel.cursor.dim_before !== undefined && xv < cursor;
      for (let j = 0; j < ny; j++) {
        const u = v[i * ny + j], X = fr.px(xv), Y = fr.py(g.y0 + j);
        ctx.globalAlpha = dim ? panel.cursor.dim_before : 1;
        if (Number.isFinite(u)) {
          ctx.fillStyle = scaleColor(panel.colorscale, (u - lo) / (hi - lo));
          const size = g.cell ? Math.min(g.cell, cw) : cw;
          ctx.fillRect(X - size / 2, Y - (g.cell ? size : ch) / 2, size + (g.cell ? 0 : 0.5), (g.cell ? size : ch) + 0.5);
        } else if (!g.gaps) {
          const kind = u === -Infinity ? "under" : "over";
          ctx.lineWidth = 1.5;
          marker(ctx, "x", X, Y, Math.min(7, cw + 2), panel.edge_colors[kind], false);
        }
      }
    }
    ctx.globalAlpha = 1;
    if (panel.cursor && panel.cursor.ring && g.ring !== false && cursor !== null) {
      ctx.lineWidth = 2;
      marker(ctx, "circle", fr.px(cursor), fr.py(g.y0), 14, "black", false);
    }
  }
  if (panel.cursor && panel.cursor.line) {
    ctx.strokeStyle = "black"; ctx.lineWidth = 2;
    ctx.beginPath(); ctx.moveTo(fr.px(cursor), fr.box[1]); ctx.lineTo(fr.px(cursor), fr.box[1] + fr.box[3]); ctx.stroke();
  }
  if (panel.colorbar) drawColorbar(ctx, panel, fr, crange);
}

function drawColorbar(ctx, panel, fr, [lo, hi]) {
  const [l, t, w, h] = fr.box, x = l + w + 14, steps = 40;
  for (let k = 0; k < steps; k++) {
    ctx.fillStyle = scaleColor(panel.colorscale, (k + 0.5) / steps);
    ctx.fillRect(x, t + h - ((k + 1) * h) / steps, 10, h / steps + 0.5);
  }
  if (panel.colorbar_format) return drawColorbarLabels(ctx, panel, x, t, h, lo, hi);
  text(ctx, format(hi, ".0f"), x + 14, t, { align: "left" });
  text(ctx, format(lo, ".0f"), x + 14, t + h, { align: "left" });
  text(ctx, panel.colorbar, x + 38, t + h / 2, { angle: -Math.PI / 2 });
}

function drawBars(ctx, panel, fr, read) {
  // Bars over categories; series side by side ("group") or on top of each other ("overlay").
  ctx.strokeStyle = AXIS_COLOR; ctx.lineWidth = 1;
  ctx.beginPath(); ctx.moveTo(fr.box[0], fr.py(0)); ctx.lineTo(fr.box[0] + fr.box[2], fr.py(0)); ctx.stroke();
  const n = panel.categories.length, shown = panel.series.filter((s) => s.visible !== false);
  const slot = fr.box[2] / n, groups = panel.mode === "group" ? shown.length : 1;
  shown.forEach((s, k) => {
    const v = s.data ? read(s.data) : s.values, base = s.base ? read(s.base) : null;
    if (!v) return;
    const width = (slot * 0.8) / groups;
    for (let i = 0; i < n; i++) {
      const left = fr.box[0] + i * slot + slot * 0.1 + (panel.mode === "group" ? k * width : 0);
      const b = base ? base[i] : s.bases ? s.bases[i] : 0;
      const y0 = fr.py(b), y1 = fr.py(b + v[i]);
      ctx.fillStyle = Array.isArray(s.color) ? s.color[i] : s.color;
      ctx.fillRect(left, Math.min(y0, y1), width, Math.abs(y1 - y0));
      if (s.text) text(ctx, format(v[i], s.text), left + width / 2, Math.min(y0, y1) - 8, { color: AXIS_COLOR });
    }
  });
  panel.categories.forEach((c, i) => text(ctx, c, fr.box[0] + (i + 0.5) * slot, fr.box[1] + fr.box[3] + 12));
  if (panel.x.title) text(ctx, panel.x.title, fr.box[0] + fr.box[2] / 2, fr.box[1] + fr.box[3] + 30);
}

// Hover texts: what the pointer is over, in the panel's own words, values as computed.
function hoverLines(panel, fr, read, x) {
  const val = (v) => (panel.y.log && Number.isFinite(v) ? format(Math.pow(10, v), ".3e") : format(v, panel.hover || ".3g"));
  const lines = [];
  for (const s of panel.series) {
    const v = read(s.data);
    if (!v || s.visible === false || s.x) continue;
    const k = Math.round((fr.xr[0] + ((x - fr.box[0]) / fr.box[2]) * (fr.xr[1] - fr.xr[0]) - s.x0) / s.dx);
    if (k >= 0 && k < v.length && !(s.mode === "markers" && Number.isNaN(v[k]))) lines.push(`${s.name} at ${panel.x.label || "x"} = ${s.x0 + k * s.dx}: ${val(v[k])}`);
  }
  return lines.join("\n");
}

function hoverBars(panel, fr, read, x) {
  const i = Math.floor(((x - fr.box[0]) / fr.box[2]) * panel.categories.length);
  return panel.series.filter((s) => s.visible !== false && (s.data || s.values))
    .map((s) => `${panel.categories[i]} ${s.name}: ${format((s.data ? read(s.data) : s.values)[i], panel.hover || ".3g")}`).join("\n");
}

function hoverHeatmap(panel, fr, read, x, y) {
  const xv = fr.xr[0] + ((x - fr.box[0]) / fr.box[2]) * (fr.xr[1] - fr.xr[0]);
  const yv = fr.yr[0] + (1 - (y - fr.box[1]) / fr.box[3]) * (fr.yr[1] - fr.yr[0]);
  for (const g of panel.groups) {
    const v = read(g.data), ny = g.ny || 1, j = Math.round(yv - g.y0), i = Math.round((xv - g.x0) / g.dx);
    if (v && j >= 0 && j < ny && i >= 0 && i < v.length / ny) {
      if (g.gaps && !Number.isFinite(v[i * ny + j])) return "";
      const row = g.rows ? g.rows[j] : `${panel.y.label || "row"} ${j}`;
      return `${row}, ${panel.x.label || "x"} ${g.x0 + i * g.dx}: ${panel.value_label || ""}${format(v[i * ny + j], panel.hover || ".3g")}`;
    }
  }
  return "";
}

// --- row bars, ranges from data, marks, colour bar labels ------------------------------------
// (HiddenStateExplorer.) "hbars": one horizontal bar a row at y = y0, y0 + 1, ..., so a bar
// chart sits beside a heatmap's rows (h_t's units next to the map of h). A series' frame is
// (n,), or with `at` {control, x0} a (m, n) frame whose row state[control] - x0 is drawn:
// the t slider picks h_t out of all of h, already in the page.
// A range (x.range, y.range, a heatmap's crange) may be {"data": entry}: the entry's current
// frame is [lo, hi], so a range the kernel computed follows the controls.
// "marks" [{control, color, dash, width}], on any panel: a vertical line at x = the control.
export function rangeOf(range, read) {
  // [lo, hi] as given, or a data entry's current frame [lo, hi] (its name, or {data: name}).
  if (!range || Array.isArray(range)) return range || null;
  const v = read(typeof range === "string" ? range : range.data);
  return v ? [v[0], v[1]] : null;
}

export function rowOf(series, read, state, n) {
  // The n values the series shows: its frame, or the frame's row picked by `at`.
  const v = read(series.data);
  if (!v || !series.at) return v;
  const k = Math.round(state[series.at.control]) - series.at.x0;
  return k >= 0 && (k + 1) * n <= v.length ? v.subarray(k * n, (k + 1) * n) : null;
}

function drawHbars(ctx, panel, fr, read, state) {
  const [l, t, w, h] = fr.box, half = 0.4 * Math.abs(fr.py(1) - fr.py(0)), n = panel.rows.length;
  ctx.save();
  ctx.beginPath(); ctx.rect(l, t, w, h); ctx.clip();
  for (const s of panel.series) {
    const v = rowOf(s, read, state, n);
    if (!v || s.visible === false) continue;
    ctx.fillStyle = s.color;
    v.forEach((u, j) => {
      const x0 = fr.px(0), x1 = fr.px(u), y = fr.py(panel.y0 + j);
      if (Number.isFinite(u)) ctx.fillRect(Math.min(x0, x1), y - half, Math.abs(x1 - x0), 2 * half);
    });
  }
  ctx.strokeStyle = AXIS_COLOR; ctx.lineWidth = 1;
  ctx.beginPath(); ctx.moveTo(fr.px(0), t); ctx.lineTo(fr.px(0), t + h); ctx.stroke();
  ctx.restore();
}

function hoverHbars(panel, fr, read, x, y, state) {
  const yv = fr.yr[0] + (1 - (y - fr.box[1]) / fr.box[3]) * (fr.yr[1] - fr.yr[0]);
  const j = Math.round(yv - panel.y0), n = panel.rows.length;
  if (j < 0 || j >= n) return "";
  return panel.series.filter((s) => s.visible !== false)
    .map((s) => { const v = rowOf(s, read, state, n); return v ? `${panel.rows[j]} ${s.name}: ${format(v[j], panel.hover || ".3g")}` : ""; })
    .filter(Boolean).join("\n");
}

function drawMarks(ctx, panel, fr, state) {
  const [l, t, w, h] = fr.box;
  for (const m of panel.marks) {
    const X = fr.px(state[m.control]);
    if (!(X >= l - 0.5 && X <= l + w + 0.5)) continue;
    ctx.strokeStyle = m.color || "black"; ctx.lineWidth = m.width ?? 2; ctx.setLineDash(m.dash || []);
    ctx.beginPath(); ctx.moveTo(X, t); ctx.lineTo(X, t + h); ctx.stroke();
  }
  ctx.setLineDash([]);
}

function drawColorbarLabels(ctx, panel, x, t, h, lo, hi) {
  // `colorbar_format`: the ends and the middle labelled in that format, the title above the
  // bar (a signed scale's bar reads -m, 0, m).
  for (const [v, y] of [[hi, t], [(lo + hi) / 2, t + h / 2], [lo, t + h]]) text(ctx, format(v, panel.colorbar_format), x + 14, y, { align: "left" });
  text(ctx, panel.colorbar, x, t - 12, { align: "left" });
}

// --- points, real-valued log axes, titles a position (loss curves, sweeps, digit reading) ---
// A "points" panel draws like a lines panel, its series placed at x values from an entry
// ("x"); the pointer reads the nearest point, in the axes' real values (a log axis holds
// log10 values: 10^v is shown). An axis with `real` set (log10 values) is labelled with the
// values themselves: 0.2, 0.5, 1, 2 rather than powers of ten when it spans few decades.
export function realLogTicks(lo, hi) {
  // [[log10 position, label], ...]: decades over more than 3.5 of them (powers of ten over
  // more than 10); over fewer, 1-2-5, then every digit, then linear steps in value space,
  // whichever first gives at least three ticks in [lo, hi].
  if (!(hi > lo)) return [];
  const label = (v) => [v, format(Math.pow(10, v), ".3g")];
  if (hi - lo > 10) return niceTicks(lo, hi, true).map((v) => [v, format(v, "pow")]);
  const sets = hi - lo > 3.5 ? [[1]] : [[1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]];
  for (const mantissas of sets) {
    const ticks = [];
    for (let d = Math.floor(lo); d <= Math.ceil(hi); d++) {
      for (const m of mantissas) {
        const v = d + Math.log10(m);
        if (v >= lo - 1e-9 && v <= hi + 1e-9) ticks.push(label(v));
      }
    }
    if (ticks.length >= 3) return ticks;
  }
  return niceTicks(Math.pow(10, lo), Math.pow(10, hi), false).filter((u) => u > 0).map((u) => label(Math.log10(u)));
}

export function withHidden(spec, hidden) {
  // The spec with the series the student hid in the legend (by name or "group") invisible.
  const names = new Set(hidden);  // the page's Set, or a list
  if (!names.size) return spec;
  const hide = (s) => (names.has(s.group ?? s.name) ? { ...s, visible: false } : s);
  return { ...spec, panels: spec.panels.map((p) => (p.series ? { ...p, series: p.series.map(hide) } : p)) };
}

export function titleText(spec, state) {
  // spec.title: a template, or {"control", "texts"}: the text for the control's position
  // (formatted in Python, one per grid value).
  const t = spec.title;
  if (!t || typeof t === "string") return t;
  return t.texts[nearest(spec.controls[t.control].grid, state[t.control])];
}

function hoverPoints(panel, fr, read, x, y) {
  // The point nearest the pointer (within 12 px): series name, x and y in real values.
  const real = (v, log) => format(log ? Math.pow(10, v) : v, ".4g");
  let best = null, dist = 144;
  for (const s of panel.series) {
    const v = read(s.data), xs = s.x ? read(s.x) : null;
    if (!v || s.visible === false || s.hover === false) continue;
    for (let k = 0; k < v.length; k++) {
      const xv = xs ? xs[k] : s.x0 + k * s.dx;
      if (!Number.isFinite(v[k]) || !Number.isFinite(xv)) continue;
      const d = (fr.px(xv) - x) ** 2 + (fr.py(v[k]) - y) ** 2;
      if (d < dist) { dist = d; best = `${s.name}: ${panel.x.label || "x"} = ${real(xv, panel.x.log)}, ${panel.y.label || "y"} = ${real(v[k], panel.y.log)}`; }
    }
  }
  return best || "";
}

// --- the panel kinds ----------------------------------------------------------------------
// One entry a kind: draw(ctx, panel, frame, read, state, shared ranges) paints the panel;
// hover(panel, frame, read, x, y, state) returns the text under the pointer. A new kind is a
// draw function above and one entry here.
const heatmapRange = (panel, read, shared) => {
  const c = panel.crange;
  return typeof c === "string" ? shared[c] : rangeOf(c, read) || logRange(panel.groups.flatMap((g) => Array.from(read(g.data) || [])));
};
export const PANELS = {
  lines: { draw: drawLines, hover: hoverLines },
  points: { draw: drawLines, hover: hoverPoints },
  bars: { draw: (ctx, panel, fr, read) => drawBars(ctx, panel, fr, read), hover: hoverBars },
  heatmap: {
    draw: (ctx, panel, fr, read, state, shared) => drawHeatmap(ctx, panel, fr, read, state, heatmapRange(panel, read, shared)),
    hover: hoverHeatmap,
  },
  hbars: { draw: drawHbars, hover: hoverHbars },
};

// --- images, texts and labelled bars (AttentionViewer) ------------------------------------
// An "image" panel paints an RGB frame (H, W, 3 values 0..255) under an optional overlay: a
// coarse grid of cells coloured through an rgba scale (a heat map that lets the image show),
// with one cell outlined. "text" panels and "labelled_bars" take strings from labels
// entries (renderer.labels): {axes, grids, values} packed like frames, picked by the controls.
export function pickLabel(table, state) {
  if (typeof table === "string" || !table || !table.axes) return table;
  const controls = Object.fromEntries(table.axes.map((a, k) => [a, { grid: table.grids[k] }]));
  return table.values[frameOf({ axes: table.axes, star: false }, state, { controls })];
}

export function scaleRGBA(scale, u) {
  // Like scaleColor, for stops "rgba(r,g,b,a)" too: the alpha is interpolated as well.
  const rgba = (c) => { const v = c.startsWith("#") ? [...parseColor(c), 1] : c.match(/[\d.]+/g).map(Number); return v.length > 3 ? v : [...v, 1]; };
  const t = Math.min(1, Math.max(0, u));
  let k = 1;
  while (k < scale.length - 1 && t > scale[k][0]) k++;
  const [p0, c0] = scale[k - 1], [p1, c1] = scale[k], w = p1 > p0 ? (t - p0) / (p1 - p0) : 0;
  const a = rgba(c0), b = rgba(c1), m = a.map((v, i) => v + w * (b[i] - v));
  return `rgba(${m.slice(0, 3).map(Math.round).join(",")},${Number(m[3].toFixed(4))})`;
}

const cellBox = (fr, size, row, col) => {
  const [l, t, w, h] = fr.box, cw = w / size[1], ch = h / size[0];
  return [l + col * cw, t + row * ch, cw, ch];
};
const bound = (b, read) => (typeof b === "string" ? (read(b) || [NaN])[0] : b);

function drawImage(ctx, panel, fr, read) {
  const [l, t, w, h] = fr.box, [H, W] = panel.size, px = read(panel.image);
  if (px) {
    const off = document.createElement("canvas");
    off.width = W; off.height = H;
    const octx = off.getContext("2d"), img = octx.createImageData(W, H);
    for (let k = 0; k < W * H; k++) {
      img.data[4 * k] = px[3 * k]; img.data[4 * k + 1] = px[3 * k + 1]; img.data[4 * k + 2] = px[3 * k + 2]; img.data[4 * k + 3] = 255;
    }
    octx.putImageData(img, 0, 0);
    ctx.save(); ctx.imageSmoothingEnabled = false; ctx.drawImage(off, l, t, w, h); ctx.restore();
  }
  const o = panel.overlay, v = o && read(o.data);
  if (v) {
    const lo = bound(o.crange[0], read), hi = bound(o.crange[1], read);
    ctx.globalAlpha = o.opacity ?? 1;
    for (let r = 0; r < o.size[0]; r++) {
      for (let c = 0; c < o.size[1]; c++) {
        const u = v[r * o.size[1] + c];
        if (!Number.isFinite(u)) continue;  // no colour: the image shows through
        // Whole-pixel edges shared by neighbours: translucent cells must not overlap.
        const [x, y] = cellBox(fr, o.size, r, c).map(Math.round);
        const [x1, y1] = cellBox(fr, o.size, r + 1, c + 1).map(Math.round);
        ctx.fillStyle = scaleRGBA(o.colorscale, (u - lo) / (hi - lo));
        ctx.fillRect(x, y, x1 - x, y1 - y);
      }
    }
    ctx.globalAlpha = 1;
    if (o.colorbar) drawRGBAColorbar(ctx, o, fr, lo, hi);
  }
  const q = panel.outline, at = q && read(q.data);
  if (at && o) {
    const [x, y, cw, ch] = cellBox(fr, o.size, at[0], at[1]);
    ctx.strokeStyle = q.color; ctx.lineWidth = q.width ?? 2;
    ctx.strokeRect(x, y, cw, ch);
  }
}

function drawRGBAColorbar(ctx, o, fr, lo, hi) {
  // The scale as it looks over white, with ticks at round values of its (per-frame) range.
  const [l, t, w, h] = fr.box, x = l + w + 14, steps = 40;
  for (let k = 0; k < steps; k++) {
    ctx.fillStyle = scaleRGBA(o.colorscale, (k + 0.5) / steps);
    ctx.fillRect(x, t + h - ((k + 1) * h) / steps, 12, h / steps + 0.5);
  }
  ctx.strokeStyle = "#ccc"; ctx.lineWidth = 1; ctx.strokeRect(x, t, 12, h);
  if (hi > lo) for (const v of niceTicks(lo, hi, false, 5)) text(ctx, format(v, ".2g"), x + 16, t + h - ((v - lo) / (hi - lo)) * h, { align: "left" });
  text(ctx, o.colorbar, x + 56, t + h / 2, { angle: -Math.PI / 2 });
}

function hoverImage(panel, fr, read, x, y) {
  const o = panel.overlay, v = o && read(o.data);
  if (!v) return "";
  const c = Math.floor(((x - fr.box[0]) / fr.box[2]) * o.size[1]), r = Math.floor(((y - fr.box[1]) / fr.box[3]) * o.size[0]);
  if (r < 0 || r >= o.size[0] || c < 0 || c >= o.size[1]) return "";
  return `${o.value_label || ""}${format(v[r * o.size[1] + c], o.hover || ".3g")}`;
}

function drawText(ctx, panel, fr, read, state) {
  // One line a row; **...** is bold (the marked word).
  const size = panel.font_size || 13, [l, t] = fr.box;
  panel.lines.forEach((line, k) => {
    let x = l;
    String(pickLabel(line, state) ?? "").split("**").forEach((run, i) => {
      const font = `${i % 2 ? "bold " : ""}${size}px 'Open Sans', verdana, arial, sans-serif`;
      text(ctx, run, x, t + (k + 0.5) * size * 1.45, { align: "left", font });
      ctx.font = font;
      x += ctx.measureText(run).width;
    });
  });
}

function labelledBars(panel, state) {
  // The bars panel for the controls' current values: categories and colours picked.
  return { ...panel, categories: pickLabel(panel.categories, state),
    series: panel.series.map((s) => (s.color && s.color.axes ? { ...s, color: pickLabel(s.color, state) } : s)) };
}

function drawLabelledBars(ctx, panel, fr, read, state) {
  const p = labelledBars(panel, state), n = p.categories.length, slot = fr.box[2] / n;
  drawBars(ctx, { ...p, categories: p.categories.map(() => "") }, fr, read);
  p.categories.forEach((name, i) => {  // long names on two lines, split at the last space
    const cut = name.lastIndexOf(" "), x = fr.box[0] + (i + 0.5) * slot, y = fr.box[1] + fr.box[3] + 12;
    if (cut < 0) text(ctx, name, x, y);
    else { text(ctx, name.slice(0, cut), x, y); text(ctx, name.slice(cut + 1), x, y + 14); }
  });
}

Object.assign(PANELS, {
  image: { draw: drawImage, hover: hoverImage },
  text: { draw: drawText, hover: () => "" },
  labelled_bars: { draw: drawLabelledBars, hover: (panel, fr, read, x, y, state) => hoverBars(labelledBars(panel, state), fr, read, x) },
});

// --- character and scatter panels --------------------------------------------------------------
// A "chars" panel draws characters the kernel sent as codes (float32 holds every code below
// 2**24; 0 is padding and draws nothing), each in a fixed monospace cell, optionally on a
// background coloured by the kernel's value for that character through the panel's scale.
//   layout "flow": the frame's characters wrapped at the box's width, a new line after "\n"
//     (a tab moves to the next multiple of 4 columns); `prefix`, a fixed string, comes first
//     in `prefix_color`, uncoloured. renderer.text_rows mirrors this layout in Python.
//   layout "grid": ny rows of nx cells, frame (nx, ny) x-major like a heatmap's; `labels`
//     (an entry of nx codes) is written under the columns.
// `values` names the entry of colour values, `crange` is [lo, hi] or an entry holding them;
// a value that is not finite is drawn on `missing_color`.
export function charString(codes) {
  if (!codes) return "?";
  let s = "";
  for (const c of codes) if (c > 0) s += String.fromCodePoint(c);
  return s;
}

export function flowLayout(prefix, codes, columns) {
  // Each character's [column, row] (null for padding), the prefix's first: the same rule as
  // renderer.text_rows, so the kernel can size the panel.
  let col = 0, row = 0;
  const place = (c) => {
    if (c === 0) return null;
    if (col >= columns) { col = 0; row += 1; }
    const at = [col, row];
    if (c === 10) { col = 0; row += 1; } else col = c === 9 ? Math.max(col + 1, Math.ceil((col + 1) / 4) * 4) : col + 1;
    return at;
  };
  const before = Array.from(prefix || "", (ch) => place(ch.codePointAt(0)));
  return { before, cells: Array.from(codes || [], place) };
}

// Per panel: its colour scale at 256 steps, and its letters drawn once (they stay while a
// control recolours them): a slider's redraw only fills backgrounds and copies the letters.
const colorSteps = new WeakMap(), letterLayers = new WeakMap();

function charColor(panel, u, lo, hi) {
  if (!Number.isFinite(u)) return panel.missing_color;
  if (!colorSteps.has(panel)) colorSteps.set(panel, Array.from({ length: 256 }, (_, k) => scaleColor(panel.colorscale, k / 255)));
  return colorSteps.get(panel)[Math.round(Math.min(1, Math.max(0, (u - lo) / (hi - lo))) * 255)];
}

function flowLetters(panel, codes, w, h) {
  // The flow layout and its letters on a transparent canvas, remade when the codes change.
  const old = letterLayers.get(panel);
  if (old && old.buffer === codes.buffer && old.offset === codes.byteOffset && old.length === codes.length) return old;
  const cw = panel.char_width, lh = panel.line_height, ratio = window.devicePixelRatio || 1;
  const { before, cells } = flowLayout(panel.prefix, codes, Math.floor(w / cw));
  const canvas = document.createElement("canvas");
  canvas.width = Math.ceil(w * ratio); canvas.height = Math.ceil(h * ratio);
  const ctx = canvas.getContext("2d");
  ctx.scale(ratio, ratio);
  ctx.font = `${panel.font_size}px monospace`; ctx.textAlign = "center"; ctx.textBaseline = "middle";
  const put = (c, at) => { if (at) ctx.fillText(glyph(c), (at[0] + 0.5) * cw, (at[1] + 0.5) * lh); };
  ctx.fillStyle = panel.prefix_color;
  Array.from(panel.prefix || "").forEach((ch, k) => put(ch.codePointAt(0), before[k]));
  ctx.fillStyle = "#222";
  cells.forEach((at, k) => put(codes[k], at));
  const layer = { buffer: codes.buffer, offset: codes.byteOffset, length: codes.length, cells, canvas };
  letterLayers.set(panel, layer);
  return layer;
}

const glyph = (c) => (c === 10 || c === 9 || c === 32 ? "" : String.fromCodePoint(c));

function drawChars(ctx, panel, fr, read) {
  const [l, t, w, h] = fr.box;
  const codes = read(panel.chars) || [], values = panel.values ? read(panel.values) : null;
  const [lo, hi] = typeof panel.crange === "string" ? read(panel.crange) : panel.crange || [0, 1];
  ctx.save();
  ctx.textAlign = "center"; ctx.textBaseline = "middle";
  if (panel.layout === "grid") {
    const ny = panel.ny, nx = codes.length / ny, cw = w / nx, ch = h / ny;
    ctx.font = `${Math.min(panel.font_size, cw * 1.2, ch * 0.8)}px monospace`;
    for (let i = 0; i < nx; i++) {
      for (let j = 0; j < ny; j++) {
        const k = i * ny + j;
        if (values) { ctx.fillStyle = charColor(panel, values[k], lo, hi); ctx.fillRect(l + i * cw, t + j * ch, cw + 0.5, ch + 0.5); }
        // Dark letters on light cells, white on dark ones (the colour's own lightness).
        const dark = values && Number.isFinite(values[k]) && (values[k] - lo) / (hi - lo) > 0.6;
        ctx.fillStyle = dark ? "white" : "#222";
        if (cw >= 5) ctx.fillText(String.fromCodePoint(codes[k] || 32), l + (i + 0.5) * cw, t + (j + 0.5) * ch);
      }
    }
    const labels = panel.labels ? read(panel.labels) : null;
    ctx.fillStyle = AXIS_COLOR;
    if (labels && cw >= 5) labels.forEach((c, i) => ctx.fillText(String.fromCodePoint(c || 32), l + (i + 0.5) * cw, t + h + 12));
    fr.grid = { nx, ny, cw, ch };
  } else {
    const cw = panel.char_width, lh = panel.line_height, letters = flowLetters(panel, codes, w, h);
    ctx.beginPath(); ctx.rect(l, t, w, h); ctx.clip();
    if (values) {
      letters.cells.forEach((at, k) => {
        if (!at) return;
        ctx.fillStyle = charColor(panel, values[k], lo, hi);
        ctx.fillRect(l + at[0] * cw, t + at[1] * lh, cw + 0.3, lh + 0.3);
      });
    }
    ctx.drawImage(letters.canvas, l, t, w, h);
    fr.flow = { cells: letters.cells, cw, lh };  // for hover
  }
  ctx.restore();
  // The colour bar beside the panel's top, at most 200 px tall.
  const bar = { box: [l, t, w, Math.min(h, 200)] };
  if (panel.colorbar) drawColorbar(ctx, { ...panel, colorbar: fillTemplate(panel.colorbar, read) }, bar, [lo, hi]);
}

function hoverChars(panel, fr, read, x, y) {
  // The character under the pointer, where it is, and its value as the kernel computed it.
  const codes = read(panel.chars), values = panel.values ? read(panel.values) : null;
  const [l, t] = fr.box;
  let k = -1, where = "";
  if (fr.grid) {
    const i = Math.floor((x - l) / fr.grid.cw), j = Math.floor((y - t) / fr.grid.ch);
    if (i < 0 || i >= fr.grid.nx || j < 0 || j >= fr.grid.ny) return "";
    k = i * fr.grid.ny + j;
    where = `${panel.rows ? panel.rows[j] : `row ${j}`}, ${panel.x.label} ${i}`;
  } else if (fr.flow) {
    const col = Math.floor((x - l) / fr.flow.cw), row = Math.floor((y - t) / fr.flow.lh);
    k = fr.flow.cells.findIndex((at) => at && at[0] === col && at[1] === row);
    where = `${panel.x.label} ${k}`;
  }
  if (k < 0 || !codes) return "";
  const v = values ? values[k] : null, shown = v === -Infinity ? "-inf" : format(v, panel.hover || ".3f");
  const value = values ? `: ${fillTemplate(panel.value_label, read)}${shown}` : "";
  return `${JSON.stringify(String.fromCodePoint(codes[k]))} at ${where}${value}`;
}

function hoverScatter(panel, fr, read, x, y) {
  // The point nearest the pointer (within 10 px) of the series drawn at x values.
  let best = null, bestD = 100;
  for (const s of panel.series) {
    const v = read(s.data), xs = s.x ? read(s.x) : null;
    if (!v || !xs || s.hover === false || s.visible === false) continue;
    for (let k = 0; k < v.length; k++) {
      const d = (fr.px(xs[k]) - x) ** 2 + (fr.py(v[k]) - y) ** 2;
      if (d < bestD) { bestD = d; best = [s, k, xs[k], v[k]]; }
    }
  }
  if (!best) return "";
  const [s, k, xv, yv] = best, [xName, yName] = panel.hover_names || ["x", "y"], f = panel.hover || ".3g";
  return `${s.name} ${panel.x.label} ${k}: ${xName} ${format(xv, f)}, ${yName} ${format(yv, f)}`;
}

PANELS.chars = { draw: drawChars, hover: hoverChars };
PANELS.scatter = { draw: drawLines, hover: hoverScatter };

// --- the widget ---------------------------------------------------------------------------
function sharedRanges(spec, read) {
  // Each "share" group's log range over every visible series of its panels.
  const values = {};
  for (const p of spec.panels) {
    const group = p.y && p.y.share;
    if (!group) continue;
    for (const s of p.series) {
      const v = s.visible !== false && s.autorange !== false ? read(s.data) : null;
      if (v) (values[group] = values[group] || []).push(...v);
    }
  }
  return Object.fromEntries(Object.entries(values).map(([g, v]) => [g, logRange(v)]));
}

function xRange(panel, read) {
  const fixed = panel.x && rangeOf(panel.x.range, read);
  if (fixed) return fixed;
  const s = (panel.series || panel.groups).find((q) => q.data && read(q.data));
  if (!s || panel.kind === "bars") return [0, 1];  // bars place themselves by category
  const n = read(s.data).length / (s.ny || 1);
  return [s.x0 - 0.5 * s.dx, s.x0 + (n - 0.5) * s.dx];
}

function barRange(panel, read) {
  // Bars without a fixed range: from 0 to the furthest bar end, padded for the text above.
  let lo = 0, hi = 0;
  for (const s of panel.series) {
    const v = s.data ? read(s.data) : s.values, base = s.base ? read(s.base) : null;
    if (!v || s.visible === false) continue;
    v.forEach((u, i) => { const end = u + (base ? base[i] : 0); lo = Math.min(lo, end); hi = Math.max(hi, end); });
  }
  const pad = 0.15 * (hi - lo || 1);
  return [lo < 0 ? lo - pad : lo, hi > 0 ? hi + pad : hi];
}

export function draw(canvas, spec, read, state) {
  const ratio = window.devicePixelRatio || 1;
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, spec.width, spec.height);
  ctx.fillStyle = "white"; ctx.fillRect(0, 0, spec.width, spec.height);
  const shared = sharedRanges(spec, read), frames = [];
  if (spec.title) text(ctx, fillTemplate(titleText(spec, state), read), spec.width / 2, 16, { font: "14px 'Open Sans', verdana, arial, sans-serif" });
  for (const panel of spec.panels) {
    if (panel.visible === false) { frames.push(null); continue; }
    const yr = panel.kind === "lines" && panel.y.share ? shared[panel.y.share]
      : rangeOf(panel.y.range, read) || barRange(panel, read);
    const fr = new Frame(panel.box, xRange(panel, read), yr);
    frames.push(fr);
    drawAxes(ctx, panel, fr);
    if (panel.title) text(ctx, fillTemplate(panel.title, read), fr.box[0] + fr.box[2] / 2, fr.box[1] - 12, { font: "13px 'Open Sans', verdana, arial, sans-serif" });
    PANELS[panel.kind].draw(ctx, panel, fr, read, state, shared);
    if (panel.marks) drawMarks(ctx, panel, fr, state);
  }
  return frames;
}

function hoverText(panel, fr, read, x, y, state) {
  // What the pointer is over, in the panel's own words: values as the kernel computed them.
  return PANELS[panel.kind].hover(panel, fr, read, x, y, state);
}

function legend(el, items, toggle = null, hidden = new Set()) {
  // A click on an item hides (or shows again) the series of that name or group.
  el.replaceChildren(...items.map((item) => {
    const span = document.createElement("span");
    span.className = "rnnviz-legend-item";
    span.style.cssText = `margin-right:14px;white-space:nowrap;font:12px sans-serif;color:#444;cursor:pointer;opacity:${hidden.has(item.name) ? 0.4 : 1}`;
    if (toggle) span.addEventListener("click", () => toggle(item.name));
    const swatch = document.createElement("span");
    const line = item.symbol ? `color:${item.color};` : `border-top:2px ${item.dash === true ? "dashed" : item.dash || "solid"} ${item.color};`;
    swatch.style.cssText = `display:inline-block;width:22px;margin-right:4px;vertical-align:middle;${line}`;
    swatch.textContent = item.symbol || "";
    span.append(swatch, item.name);
    return span;
  }));
}

async function render({ model, el }) {
  if (model.get("spec").predict) return renderPredict({ model, el });
  const root = document.createElement("div");
  root.className = "rnnviz-chart";
  root.style.cssText = "position:relative;display:inline-block";
  const canvas = document.createElement("canvas");
  const tip = document.createElement("div");
  tip.style.cssText = "position:absolute;display:none;pointer-events:none;background:rgba(255,255,255,.95);border:1px solid #999;padding:3px 6px;font:12px sans-serif;white-space:pre;z-index:5";
  const busy = document.createElement("div");
  busy.className = "rnnviz-busy";
  busy.textContent = "recomputing\u2026";
  busy.style.cssText = "position:absolute;top:2px;right:6px;font:12px sans-serif;color:#b00;display:none";
  const play = document.createElement("button");
  play.className = "rnnviz-play jupyter-button";
  play.style.display = "none";  // until a spec asks for Play
  const keys = document.createElement("div");
  root.append(canvas, tip, busy, play, keys);
  el.append(root);

  let spec, shownSpec, entries, frames = [], drawn = 0, drawMs = null, legendItems = null, pending = false, animation = null;
  const state = {}, controlModels = {}, hidden = new Set();
  const toggle = (name) => {
    if (!hidden.delete(name)) hidden.add(name);
    legend(keys, spec.legend || [], toggle, hidden);
    redraw();
  };
  const read = (name) => {
    const e = entries[name];
    return e ? frameValues(e, state, spec) : null;
  };
  function load() {
    spec = model.get("spec");
    entries = {};
    for (const [name, e] of Object.entries(model.get("data"))) {
      const dv = e.values;  // a DataView on the message's binary buffer
      const Type = { float64: Float64Array, uint8: Uint8Array }[e.dtype] || Float32Array;
      entries[name] = { ...e, values: new Type(dv.buffer.slice(dv.byteOffset, dv.byteOffset + dv.byteLength)) };
    }
    // The page changes only where the picture does: new frames for the same picture (the
    // kernel recomputing around a settled slider) must not look like a change.
    const ratio = window.devicePixelRatio || 1;
    if (canvas.width !== spec.width * ratio || canvas.height !== spec.height * ratio) {
      canvas.width = spec.width * ratio; canvas.height = spec.height * ratio;
      canvas.style.width = `${spec.width}px`; canvas.style.height = `${spec.height}px`;
    }
    const items = JSON.stringify(spec.legend || []);
    if (items !== legendItems) { legendItems = items; legend(keys, spec.legend || [], toggle, hidden); }
    const label = spec.play ? spec.play.label : "";
    if (play.textContent !== label) {
      play.textContent = label;
      play.style.cssText = `position:absolute;left:4px;top:2px;${spec.play ? "" : "display:none"}`;
    }
  }
  function pixels() {
    // A hash of the canvas's pixels (every 7th byte), to tell a new picture from the same one.
    const d = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let h = 2166136261;
    for (let i = 0; i < d.length; i += 7) h = Math.imul(h ^ d[i], 16777619);
    return h >>> 0;
  }
  function redraw(fromKernel = false) {
    pending = false;
    if (!spec) return;
    const before = fromKernel ? pixels() : null;
    const start = performance.now();
    shownSpec = withHidden(spec, hidden);
    frames = draw(canvas, shownSpec, read, state);
    drawMs = performance.now() - start;
    const stale = Object.values(entries).some((e) => frameOf(e, state, spec) === null);
    const show = model.get("busy") || stale ? "" : "none";
    if (busy.style.display !== show) busy.style.display = show;
    if (fromKernel && pixels() === before) return;
    drawn += 1;
    root.dataset.drawn = String(drawn);  // a DOM change per new picture, for the latency bench
  }
  // New data draws in the next animation frame (several changes in one task make one
  // picture); a slider's change draws at once, inside the key press's own task, so that the
  // next frame the browser paints already shows it.
  const schedule = () => { if (!pending) { pending = true; requestAnimationFrame(() => redraw(true)); } };

  // Widgets whose frames hold one control's axis at a time (star entries) recompute the
  // others once the student lets go: "settle" tells the kernel, after spec.settle_ms quiet,
  // with the values it settled on.
  let settleTimer = null, settles = 0;
  const settleLater = () => {
    if (!spec.settle_ms) return;
    clearTimeout(settleTimer);
    settleTimer = setTimeout(() => { settles += 1; model.send({ event: "settle", state: { ...state } }); }, spec.settle_ms);
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
      const selection = !trait && control.get("value") === undefined && control.get("index") !== undefined;
      const value = () => (trait ? control.get(trait)
        : selection ? spec.controls[name].grid[control.get("index")] : control.get("value"));
      state[name] = value();
      control.on(`change:${trait || (selection ? "index" : "value")}`, () => {
        state[name] = value();
        settleLater();
        if (!animation) redraw();
      });
    }
  }

  play.addEventListener("click", () => {
    // The pulse travels from the cursor's last position back to its first at display rate;
    // the control gets the final value once, so the kernel sees one message, not one a step.
    const p = spec.play, grid = spec.controls[p.control].grid, start = performance.now();
    if (animation) cancelAnimationFrame(animation);
    const step = (now) => {
      const u = Math.min(1, (now - start) / (p.seconds * 1000));
      state[p.control] = grid[Math.round((1 - u) * (grid.length - 1))];
      redraw();
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
    const box = canvas.getBoundingClientRect(), x = event.clientX - box.left, y = event.clientY - box.top;
    const k = frames.findIndex((fr) => fr && x >= fr.box[0] && x <= fr.box[0] + fr.box[2] && y >= fr.box[1] && y <= fr.box[1] + fr.box[3]);
    const words = k < 0 ? "" : hoverText(shownSpec.panels[k], frames[k], read, x, y, state);
    tip.style.display = words ? "" : "none";
    tip.textContent = words;
    tip.style.left = `${Math.min(x + 12, spec.width - 260)}px`; tip.style.top = `${y + 12}px`;
  });
  canvas.addEventListener("mouseleave", () => { tip.style.display = "none"; });

  // Tests and the latency bench read what is drawn from here.
  root.chart = { state, read: (name) => { const v = read(name); return v && Array.from(v); }, drawn: () => drawn, drawMs: () => drawMs, settles: () => settles, spec: () => spec, hidden: () => [...hidden] };

  load();
  await bindControls();
  redraw();
  const reload = async () => { load(); await bindControls(); schedule(); };
  model.on("change:spec", reload);
  model.on("change:data", reload);
  model.on("change:controls", reload);
  model.on("change:busy", schedule);
  return () => { if (animation) cancelAnimationFrame(animation); };
}

// --- Predict: a committed guess, then the measured answer (rnnviz/widgets/predict.py) ------
// The answer comes masked in the "reveal" entry (JSON bytes XORed with spec.predict.key): no
// text in the page holds it until Check is pressed. The press locks the control, unmasks,
// writes the answer, the distance to the guess and the explanation, and tells the kernel.
export function unmask(bytes, hexKey) {
  const key = hexKey.match(/../g).map((h) => parseInt(h, 16));
  const plain = Uint8Array.from(bytes, (b, i) => b ^ key[i % key.length]);
  return JSON.parse(new TextDecoder().decode(plain));
}

export function predictValue(p, position) {
  // A slider position 0..steps -> the value: evenly spaced, or evenly in log10 if p.log.
  const u = position / p.steps;
  if (u <= 0) return p.low;  // the ends exactly: 10 ** log10(high) may round past high
  if (u >= 1) return p.high;
  return p.log ? 10 ** (Math.log10(p.low) + u * (Math.log10(p.high) - Math.log10(p.low)))
    : p.low + u * (p.high - p.low);
}

export function predictPosition(p, value) {
  const u = p.log ? (Math.log10(value) - Math.log10(p.low)) / (Math.log10(p.high) - Math.log10(p.low))
    : (value - p.low) / (p.high - p.low);
  return Math.round(u * p.steps);
}

export function revealText(p, secret, guess) {
  // The words shown after Check; `guess` is a value (numbers) or an index (choices).
  const unit = p.unit ? ` ${p.unit}` : "";
  if (p.kind === "choice") {
    const verdict = guess === secret.answer ? "right" : `not quite: you chose ${p.choices[guess]}`;
    return [`Measured: ${secret.text}${unit} (${verdict}).`, secret.explanation];
  }
  const off = p.log
    ? `off by a factor of ${format(Math.max(guess / secret.answer, secret.answer / guess), ".3g")}`
    : `off by ${format(Math.abs(guess - secret.answer), p.fmt)}${unit}`;
  return [`Measured: ${secret.text}${unit}. Your prediction: ${format(guess, p.fmt)}${unit}, ${off}.`, secret.explanation];
}

function renderPredict({ model, el }) {
  const root = document.createElement("div");
  root.className = "rnnviz-predict";
  root.style.cssText = `max-width:${model.get("spec").width}px;font:13px sans-serif;padding:6px 8px;border-left:3px solid #1f77b4;color:var(--jp-ui-font-color1, #222)`;
  const p = model.get("spec").predict;
  const question = document.createElement("div");
  question.textContent = p.question;
  question.style.cssText = "font-weight:bold;margin-bottom:6px";
  const row = document.createElement("div");
  row.style.cssText = "display:flex;align-items:center;flex-wrap:wrap;gap:6px";
  const check = document.createElement("button");
  check.className = "rnnviz-predict-check jupyter-button";
  check.textContent = "Check";
  const reveal = document.createElement("div");
  reveal.className = "rnnviz-predict-reveal";
  reveal.setAttribute("role", "status");
  reveal.setAttribute("aria-live", "polite");
  reveal.style.cssText = "margin-top:6px;white-space:pre-wrap";
  let guess, inputs = [];
  if (p.kind === "choice") {
    guess = null;
    check.disabled = true;  // until a choice is made
    p.choices.forEach((label, k) => {
      const b = document.createElement("button");
      b.className = "rnnviz-predict-choice jupyter-button";
      b.textContent = label;
      b.setAttribute("aria-pressed", "false");
      b.addEventListener("click", () => {
        guess = k;
        inputs.forEach((o, j) => { o.setAttribute("aria-pressed", String(j === k)); o.style.fontWeight = j === k ? "bold" : ""; });
        check.disabled = false;
      });
      inputs.push(b);
    });
    row.append(...inputs, check);
  } else {
    const input = document.createElement("input");
    Object.assign(input, { type: "range", min: 0, max: p.steps, step: 1, className: "rnnviz-predict-slider" });
    input.value = predictPosition(p, p.value);
    input.setAttribute("aria-label", p.question);
    input.setAttribute("data-lm-suppress-shortcuts", "true");
    input.style.width = "260px";
    const readout = document.createElement("span");
    readout.className = "rnnviz-predict-readout";
    readout.style.minWidth = "80px";
    const show = () => { guess = predictValue(p, Number(input.value)); readout.textContent = `${format(guess, p.fmt)}${p.unit ? ` ${p.unit}` : ""}`; };
    input.addEventListener("input", show);
    show();
    inputs = [input];
    const scale = document.createElement("span");
    scale.style.cssText = "color:#777";
    scale.textContent = p.log ? "(log scale)" : "";
    row.append(input, readout, scale, check);
  }
  function revealWith(value) {
    if (reveal.textContent) return;
    if (p.kind === "number") { guess = value; inputs[0].value = predictPosition(p, value); }
    else guess = value;
    inputs.forEach((o) => { o.disabled = true; });
    check.disabled = true;
    const entry = model.get("data").reveal, dv = entry.values;
    const secret = unmask(new Uint8Array(dv.buffer, dv.byteOffset, dv.byteLength), p.key);
    const [first, explanation] = revealText(p, secret, value);
    const head = document.createElement("div");
    head.className = "rnnviz-predict-answer";
    head.style.fontWeight = "bold";
    head.textContent = first;
    const why = document.createElement("div");
    why.className = "rnnviz-predict-explanation";
    why.textContent = explanation;
    reveal.replaceChildren(head, why);
  }
  check.addEventListener("click", () => {
    if (guess === null) return;
    const value = guess;
    revealWith(value);
    model.send({ event: "predict", prediction: value });
  });
  // Another view of the same widget (or the kernel) committed: reveal here too.
  model.on("change:spec", () => {
    const committed = model.get("spec").predict?.committed;
    if (committed !== null && committed !== undefined) revealWith(committed);
  });
  if (p.committed !== null && p.committed !== undefined) revealWith(p.committed);
  root.append(question, row, reveal);
  el.append(root);
  root.predict = { guess: () => guess, revealed: () => reveal.textContent !== "" };
}

export default { render };

// --- node-and-edge diagrams (GraphUnroller, AutogradView) ---------------------------------
// A "graph" panel draws an unrolled computational graph. Its entries' frames are rows of
// numbers, one row a node, edge or text (renderer.graph_panel lists the fields); a row whose
// first value is NaN is absent, so graphs of different sizes pad to one frame shape. Colours
// and words are indexes into the panel's `colors` and `strings`: every word shown was
// written by the kernel. The kernel also sends the data range of each frame (`view`).
function graphRows(v, width) {
  const rows = [];
  for (let i = 0; v && i + width <= v.length; i += width) if (Number.isFinite(v[i])) rows.push(v.subarray(i, i + width));
  return rows;
}

function graphFrame(panel, read) {
  const v = read(panel.view);  // [x0, x1, y0, y1]
  return v && new Frame(panel.box, [v[0], v[1]], [v[2], v[3]]);
}

function arrowhead(ctx, x0, y0, x1, y1, size, color) {
  // A triangle 60% along the edge, pointing the way the data flows (plotly's "arrow" marker).
  const x = x0 + 0.6 * (x1 - x0), y = y0 + 0.6 * (y1 - y0), a = Math.atan2(y1 - y0, x1 - x0);
  const l = size * 0.5, w = size * 0.35;
  ctx.beginPath();
  ctx.moveTo(x + l * Math.cos(a), y + l * Math.sin(a));
  ctx.lineTo(x - l * Math.cos(a) + w * Math.sin(a), y - l * Math.sin(a) - w * Math.cos(a));
  ctx.lineTo(x - l * Math.cos(a) - w * Math.sin(a), y - l * Math.sin(a) + w * Math.cos(a));
  ctx.closePath(); ctx.fillStyle = color; ctx.fill();
}

function nodeLabel(ctx, panel, x, y, label, sub, color, size) {
  // A label with an optional subscript (h, 3 -> h\u2083 drawn as plotly's h<sub>3</sub>).
  const S = panel.strings, base = `${size}px 'Open Sans', verdana, arial, sans-serif`;
  const small = `${Math.round(size * 0.72)}px 'Open Sans', verdana, arial, sans-serif`;
  ctx.font = base; const wb = ctx.measureText(S[label]).width;
  ctx.font = small; const ws = Number.isFinite(sub) ? ctx.measureText(S[sub]).width : 0;
  const left = x - (wb + ws) / 2;
  text(ctx, S[label], left, y, { align: "left", color, font: base });
  if (ws) text(ctx, S[sub], left + wb, y + size * 0.3, { align: "left", color, font: small });
}

export function drawGraph(ctx, panel, _fr, read) {
  const fr = graphFrame(panel, read);
  if (!fr) return;
  const C = panel.colors, S = panel.strings, font = (px) => `${px}px 'Open Sans', verdana, arial, sans-serif`;
  graphRows(read(panel.title_lines), 1).forEach(([id], k) =>
    text(ctx, S[id], panel.title_at[0], panel.title_at[1] + 22 * k, { align: "left", font: font(17), color: "#2a3f5f" }));
  // edges: x0, y0, x1, y1, colour, width px, opacity, dotted, arrowhead size px (0: none)
  for (const [x0, y0, x1, y1, color, width, opacity, dotted, arrow] of graphRows(read(panel.edges), 9)) {
    const X0 = fr.px(x0), Y0 = fr.py(y0), X1 = fr.px(x1), Y1 = fr.py(y1);
    ctx.globalAlpha = opacity; ctx.strokeStyle = C[color]; ctx.lineWidth = width;
    ctx.setLineDash(dotted ? [2, 3] : []);
    ctx.beginPath(); ctx.moveTo(X0, Y0); ctx.lineTo(X1, Y1); ctx.stroke();
    if (arrow) arrowhead(ctx, X0, Y0, X1, Y1, arrow, C[color]);
  }
  ctx.setLineDash([]); ctx.globalAlpha = 1;
  // nodes: x, y, diameter px, fill, outline width px, label colour, label, subscript,
  // label below (1) or inside (0), hover text
  for (const [x, y, size, fill, outline, color, label, sub, below] of graphRows(read(panel.nodes), 10)) {
    const X = fr.px(x), Y = fr.py(y);
    ctx.beginPath(); ctx.arc(X, Y, size / 2, 0, 2 * Math.PI);
    ctx.fillStyle = C[fill]; ctx.fill();
    ctx.lineWidth = outline; ctx.strokeStyle = panel.outline; ctx.stroke();
    if (Number.isFinite(label)) nodeLabel(ctx, panel, X, below ? Y + size / 2 + 10 : Y, label, sub, C[color], panel.label_size);
  }
  // texts: x, y, string, colour, size px, placed above (0) or right of (1) the point
  for (const [x, y, id, color, size, right] of graphRows(read(panel.texts), 6)) {
    const X = fr.px(x) + (right ? 4 : 0), Y = fr.py(y) - (right ? 0 : size * 0.9);
    text(ctx, S[id], X, Y, { align: right ? "left" : "center", color: C[color], font: font(size) });
  }
}

export function hoverGraph(panel, _fr, read, x, y) {
  // The node under the pointer (within its circle, or 6 px of a small one): its hover text.
  const fr = graphFrame(panel, read);
  if (!fr) return "";
  let best = null, bestD = Infinity;
  for (const row of graphRows(read(panel.nodes), 10)) {
    const d = Math.hypot(fr.px(row[0]) - x, fr.py(row[1]) - y);
    if (d <= Math.max(row[2] / 2, 6) && d < bestD) { best = row; bestD = d; }
  }
  return best ? panel.strings[best[9]] : "";
}

Object.assign(PANELS, { graph: { draw: drawGraph, hover: hoverGraph } });
