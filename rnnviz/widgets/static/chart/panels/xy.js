// "xy": series of values at x = x0 + k dx (or at x values from an entry), drawn as lines,
// markers or flags; log axes hold log10 values, and values that left float's range sit on
// the edge they went through. A cursor marks each listed series at x = a control's value.
// The hover follows the panel's hover_mode:
//   "x"       every series' value at the pointer's x (series at x0 + k dx);
//   "point"   the nearest point within 12 px, in the axes' real values (a log axis holds
//             log10 values: 10^v is shown): "name: x = 10, y = 0.25";
//   "indexed" the nearest point of a series with an `x` entry within 10 px, with its index:
//             "name t 3: x 0.5, y 0.2".

function drawXY(ctx, panel, fr, read, state) {
  // The series, clipped to the box, over the axes: copied from the last draw when neither
  // their frames nor the axes changed (layers.js), e.g. the panels a slider leaves alone.
  const key = [
    fr.box,
    fr.xr,
    fr.yr,
    panel.series.map((s) => [s.visible, frameKey(read(s.data)), s.x ? frameKey(read(s.x)) : 0]),
  ];
  cachedRegion(ctx, panel, key, fr.box, () => drawSeries(ctx, panel, fr, read));
  drawEdges(ctx, panel, fr, read);
  if (panel.cursor) drawLineCursor(ctx, panel, fr, read, state);
}

function drawSeries(ctx, panel, fr, read) {
  const [l, t, w, h] = fr.box;
  ctx.save();
  ctx.beginPath();
  ctx.rect(l, t, w, h);
  ctx.clip();
  for (const s of panel.series) {
    const v = read(s.data);
    if (!v || s.visible === false) continue;
    const xs = s.x ? read(s.x) : null;
    const x = (k) => (xs ? xs[k] : s.x0 + k * s.dx);
    ctx.globalAlpha = s.opacity ?? 1;
    const color = ink(s.color); // a black line stays seen on a dark theme
    ctx.strokeStyle = color;
    ctx.lineWidth = s.width ?? 2;
    ctx.setLineDash(s.dash || []);
    if (s.mode === "flags") {
      // a mark at the top edge where the value is non-zero
      for (let k = 0; k < v.length; k++)
        if (v[k]) marker(ctx, "triangle-down", fr.px(x(k)), t + 6, s.size || 9, color);
      ctx.globalAlpha = 1;
      continue;
    }
    if (s.mode !== "markers") {
      ctx.beginPath();
      let open = false;
      for (let k = 0; k < v.length; k++) {
        if (!Number.isFinite(v[k])) {
          open = false;
          continue;
        }
        const X = fr.px(x(k)),
          Y = fr.py(v[k]);
        if (open) ctx.lineTo(X, Y);
        else ctx.moveTo(X, Y);
        open = true;
      }
      ctx.stroke();
    }
    ctx.setLineDash([]);
    if (s.mode === "markers" || s.markers) {
      // marker_gap: a few markers along a long line, at least that many px apart
      let last = -Infinity;
      for (let k = 0; k < v.length; k++) {
        if (!Number.isFinite(v[k])) continue;
        if (s.mode !== "markers" && s.marker_gap) {
          if (fr.px(x(k)) - last < s.marker_gap) continue;
          last = fr.px(x(k));
        }
        marker(ctx, s.symbol || "circle", fr.px(x(k)), fr.py(v[k]), s.size || 6, color, !s.open);
      }
    }
    ctx.globalAlpha = 1;
  }
  ctx.restore();
}

function drawEdges(ctx, panel, fr, read) {
  // Values that left float's range sit on the edge they went through, labelled once:
  // underflows (-inf) at the bottom, overflows (+inf, NaN) at the top.
  const [, t, , h] = fr.box;
  const edges = [
    [(u) => u === -Infinity, "under", "triangle-down", "0", t + h - 6, t + h - 18],
    [(u) => u === Infinity || Number.isNaN(u), "over", "triangle-up", "inf/NaN", t + 6, t + 18],
  ];
  for (const s of panel.series) {
    const v = read(s.data);
    if (!v || !s.edges || s.visible === false) continue;
    for (const [is, kind, symbol, label, y, labelY] of edges) {
      const color = panel.edge_colors[kind];
      let first = true;
      for (let k = 0; k < v.length; k++) {
        if (!is(v[k])) continue;
        const X = fr.px(s.x0 + k * s.dx);
        marker(ctx, symbol, X, y, 9, color);
        if (first) write(ctx, label, X, labelY, { color });
        first = false;
      }
    }
  }
}

function drawLineCursor(ctx, panel, fr, read, state) {
  // A marker on each listed series at x = the cursor control's value; `fade` (a series of
  // opacities from the kernel) dims it as the travelling gradient shrinks.
  const c = panel.cursor,
    k = Math.round(state[c.control]) - c.x0;
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

// The "x" hover's parts: the series it reads (shown, at x0 + k dx), a value as it prints it
// (a log axis holds log10 values: 10^v is shown), and a series' value at step k ("" where it
// has none).
const atXSeries = (panel, read) =>
  panel.series.filter((s) => read(s.data) && s.visible !== false && !s.x);

function valueAtX(panel, s, read, k) {
  const v = read(s.data);
  if (k < 0 || k >= v.length || (s.mode === "markers" && Number.isNaN(v[k]))) return "";
  return panel.y.log && Number.isFinite(v[k])
    ? format(Math.pow(10, v[k]), ".3e")
    : format(v[k], panel.hover || ".3g");
}

function hoverAtX(panel, fr, read, x) {
  const lines = [];
  for (const s of atXSeries(panel, read)) {
    const k = Math.round((fr.x(x) - s.x0) / s.dx),
      value = valueAtX(panel, s, read, k);
    if (value) lines.push(`${s.name} at ${panel.x.label || "x"} = ${s.x0 + k * s.dx}: ${value}`);
  }
  return lines.join("\n");
}

function tableAtX(panel, fr, read) {
  // The "x" hover as a data table (Describe): a column per shown series, a row per x inside
  // the box (a series not at that x has an empty cell); null for other hover modes or when
  // nothing is inside.
  if (panel.hover_mode !== "x") return null;
  const series = atXSeries(panel, read),
    n = (s) => read(s.data).length;
  const xs = xsInside(
    fr,
    series.map((s) => [s.x0, s.dx, n(s)]),
  );
  if (!xs.length) return null;
  const rows = xs.map((x) => [
    format(x, ".6g"),
    ...series.map((s) => valueAtX(panel, s, read, stepAt(s.x0, s.dx, n(s), x))),
  ]);
  return { head: [panel.x.label || "x", ...series.map((s) => s.name)], rows };
}

function nearestPoint(panel, fr, read, x, y, radius, needsX) {
  // [series, index, x value, y value] of the finite point nearest (x, y) px, within radius.
  let best = null,
    dist = radius * radius;
  for (const s of panel.series) {
    const v = read(s.data),
      xs = s.x ? read(s.x) : null;
    if (!v || s.visible === false || s.hover === false || (needsX && !xs)) continue;
    for (let k = 0; k < v.length; k++) {
      const xv = xs ? xs[k] : s.x0 + k * s.dx;
      if (!Number.isFinite(v[k]) || !Number.isFinite(xv)) continue;
      const d = (fr.px(xv) - x) ** 2 + (fr.py(v[k]) - y) ** 2;
      if (d < dist) {
        dist = d;
        best = [s, k, xv, v[k]];
      }
    }
  }
  return best;
}

function hoverXY(panel, fr, read, x, y) {
  if (panel.hover_mode === "x") return hoverAtX(panel, fr, read, x);
  const indexed = panel.hover_mode === "indexed";
  const best = nearestPoint(panel, fr, read, x, y, indexed ? 10 : 12, indexed);
  if (!best) return "";
  const [s, k, xv, yv] = best;
  if (indexed) {
    const f = panel.hover || ".3g";
    const where = `${panel.x.label} ${format(xv, f)}, ${panel.y.label} ${format(yv, f)}`;
    return `${s.name} ${panel.index_label} ${k}: ${where}`;
  }
  const real = (v, log) => format(log ? Math.pow(10, v) : v, panel.hover || ".4g");
  const xText = `${panel.x.label} = ${real(xv, panel.x.log)}`;
  return `${s.name}: ${xText}, ${panel.y.label} = ${real(yv, panel.y.log)}`;
}

const xyPanel = { draw: drawXY, hover: hoverXY, table: tableAtX };
