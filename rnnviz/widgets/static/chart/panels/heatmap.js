// "heatmap": rows of cells; each group is a data entry whose frame is (nx, ny) values,
// x-major, coloured through the panel's scale over its crange (fixed, from an entry, a
// shared group's, or a log range around the values). A value that is not finite is an "x"
// in its edge colour, or a gap (`gaps`). A cursor control may dim the cells before it, ring
// its cell or draw a line at it.

function heatmapRange(panel, read, shared) {
  const c = panel.crange;
  return typeof c === "string"
    ? (shared[c] ?? logRange([]))
    : rangeOf(c, read) || logRange(panel.groups.flatMap((g) => Array.from(read(g.data) || [])));
}

// Per panel: the colour of each value drawn lately. A control usually changes some rows of
// a heatmap and leaves the others (GradientFlow's radius moves the RNN's row, not the
// LSTM's): their colours are looked up, not interpolated and formatted again.
const cellColors = new WeakMap();

function cellColor(panel, t) {
  let colors = cellColors.get(panel);
  if (!colors || colors.size > 8192) cellColors.set(panel, (colors = new Map()));
  let color = colors.get(t);
  if (color === undefined) colors.set(t, (color = scaleColor(panel.colorscale, t)));
  return color;
}

function drawHeatmap(ctx, panel, fr, read, state, shared) {
  const crange = heatmapRange(panel, read, shared),
    [lo, hi] = crange;
  const cursor = panel.cursor ? Math.round(state[panel.cursor.control]) : null;
  for (const g of panel.groups) {
    const v = read(g.data);
    if (!v || g.visible === false) continue;
    const ny = g.ny || 1,
      nx = v.length / ny;
    const cw = Math.abs(fr.px(g.x0 + g.dx) - fr.px(g.x0)),
      ch = Math.abs(fr.py(1) - fr.py(0));
    for (let i = 0; i < nx; i++) {
      const xv = g.x0 + i * g.dx;
      const dim = panel.cursor && panel.cursor.dim_before !== undefined && xv < cursor;
      for (let j = 0; j < ny; j++) {
        const u = v[i * ny + j],
          X = fr.px(xv),
          Y = fr.py(g.y0 + j);
        ctx.globalAlpha = dim ? panel.cursor.dim_before : 1;
        if (Number.isFinite(u)) {
          ctx.fillStyle = cellColor(panel, (u - lo) / (hi - lo));
          const size = g.cell ? Math.min(g.cell, cw) : cw;
          ctx.fillRect(
            X - size / 2,
            Y - (g.cell ? size : ch) / 2,
            size + (g.cell ? 0 : 0.5),
            (g.cell ? size : ch) + 0.5,
          );
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
    ctx.strokeStyle = THEME.text;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(fr.px(cursor), fr.box[1]);
    ctx.lineTo(fr.px(cursor), fr.box[1] + fr.box[3]);
    ctx.stroke();
  }
  if (panel.colorbar) colorBar(ctx, panel.colorscale, fr.box, crange, panelBar(panel));
}

function panelBar(panel) {
  // The colour bar a heatmap or chars panel asks for: `colorbar` its title; with
  // `colorbar_format` its ends and middle in that format and the title above, else its ends
  // as whole numbers and the title upright beside it.
  return panel.colorbar_format
    ? { title: panel.colorbar, ticks: "middle", format: panel.colorbar_format, title_x: "above" }
    : { title: panel.colorbar, ticks: "ends", format: ".0f", title_x: 38 };
}

function hoverHeatmap(panel, fr, read, x, y) {
  const xv = fr.x(x),
    yv = fr.y(y);
  for (const g of panel.groups) {
    const v = read(g.data),
      ny = g.ny || 1,
      j = Math.round(yv - g.y0),
      i = Math.round((xv - g.x0) / g.dx);
    if (v && j >= 0 && j < ny && i >= 0 && i < v.length / ny) {
      if (g.gaps && !Number.isFinite(v[i * ny + j])) return "";
      const row = g.rows ? g.rows[j] : `${panel.y.label || "row"} ${j}`;
      const value = format(v[i * ny + j], panel.hover || ".3g");
      const at = `${panel.x.label || "x"} ${g.x0 + i * g.dx}`;
      return `${row}, ${at}: ${panel.value_label || ""}${value}`;
    }
  }
  return "";
}

function heatmapTable(panel, fr, read) {
  // Describe's table: a column per heatmap row (each group's rows, named as the hover names
  // them), a row per x inside the box; a cell off its group's grid, or a gap, is empty.
  const columns = [];
  for (const g of panel.groups) {
    const v = read(g.data);
    if (!v || g.visible === false) continue;
    const ny = g.ny || 1;
    for (let j = 0; j < ny; j++)
      columns.push({ g, v, ny, j, name: g.rows ? g.rows[j] : `${panel.y.label || "row"} ${j}` });
  }
  const xs = xsInside(
    fr,
    columns.map(({ g, v, ny }) => [g.x0, g.dx, v.length / ny]),
  );
  if (!xs.length) return null;
  const cell = ({ g, v, ny, j }, x) => {
    const i = stepAt(g.x0, g.dx, v.length / ny, x);
    if (i < 0) return "";
    const u = v[i * ny + j];
    return g.gaps && !Number.isFinite(u) ? "" : format(u, panel.hover || ".3g");
  };
  const rows = xs.map((x) => [format(x, ".6g"), ...columns.map((c) => cell(c, x))]);
  return { head: [panel.x.label || "x", ...columns.map((c) => c.name)], rows };
}

const heatmapPanel = { draw: drawHeatmap, hover: hoverHeatmap, table: heatmapTable };
