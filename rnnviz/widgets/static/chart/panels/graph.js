// "graph" (GraphUnroller, AutogradView): an unrolled computational graph. Its entries'
// frames are rows of numbers, one row a node, edge or text (renderer.graph_panel lists the
// fields); a row whose first value is NaN is absent, so graphs of different sizes pad to one
// frame shape. Colours and words are indexes into the panel's `colors` and `strings`: every
// word shown was written by the kernel. The kernel also sends the data range of each frame
// (`view`). The hover is the text of the node under the pointer.

function graphRows(v, width) {
  const rows = [];
  if (!v) return rows;
  for (let i = 0; i + width <= v.length; i += width)
    if (Number.isFinite(v[i])) rows.push(v.subarray(i, i + width));
  return rows;
}

function graphFrame(panel, read) {
  const v = read(panel.view); // [x0, x1, y0, y1]
  return v && new Frame(panel.box, [v[0], v[1]], [v[2], v[3]]);
}

function arrowhead(ctx, x0, y0, x1, y1, size, color) {
  // A triangle 60% along the edge, pointing the way the data flows (plotly's "arrow" marker).
  const x = x0 + 0.6 * (x1 - x0),
    y = y0 + 0.6 * (y1 - y0),
    a = Math.atan2(y1 - y0, x1 - x0);
  const l = size * 0.5,
    w = size * 0.35;
  ctx.beginPath();
  ctx.moveTo(x + l * Math.cos(a), y + l * Math.sin(a));
  ctx.lineTo(x - l * Math.cos(a) + w * Math.sin(a), y - l * Math.sin(a) - w * Math.cos(a));
  ctx.lineTo(x - l * Math.cos(a) - w * Math.sin(a), y - l * Math.sin(a) + w * Math.cos(a));
  ctx.closePath();
  ctx.fillStyle = color;
  ctx.fill();
}

function nodeLabel(ctx, panel, x, y, label, sub, color, size, on = null) {
  // A label with an optional subscript (h, 3 -> h\u2083 drawn as plotly's h<sub>3</sub>).
  const S = panel.strings,
    base = fontOf(size),
    small = fontOf(Math.round(size * 0.72));
  ctx.font = base;
  const wb = ctx.measureText(S[label]).width;
  ctx.font = small;
  const ws = Number.isFinite(sub) ? ctx.measureText(S[sub]).width : 0;
  const left = x - (wb + ws) / 2;
  write(ctx, S[label], left, y, { align: "left", color, font: base, on });
  if (ws) write(ctx, S[sub], left + wb, y + size * 0.3, { align: "left", color, font: small, on });
}

function drawGraph(ctx, panel, _fr, read) {
  const fr = graphFrame(panel, read);
  if (!fr) return;
  const C = panel.colors,
    S = panel.strings;
  graphRows(read(panel.title_lines), 1).forEach(([id], k) =>
    write(ctx, S[id], panel.title_at[0], panel.title_at[1] + 22 * k, {
      align: "left",
      font: fontOf(17),
      color: "#2a3f5f",
    }),
  );
  // edges: x0, y0, x1, y1, colour, width px, opacity, dotted, arrowhead size px (0: none)
  for (const [x0, y0, x1, y1, color, width, opacity, dotted, arrow] of graphRows(
    read(panel.edges),
    9,
  )) {
    const X0 = fr.px(x0),
      Y0 = fr.py(y0),
      X1 = fr.px(x1),
      Y1 = fr.py(y1);
    ctx.globalAlpha = opacity;
    ctx.strokeStyle = ink(C[color]);
    ctx.lineWidth = width;
    ctx.setLineDash(dotted ? [2, 3] : []);
    ctx.beginPath();
    ctx.moveTo(X0, Y0);
    ctx.lineTo(X1, Y1);
    ctx.stroke();
    if (arrow) arrowhead(ctx, X0, Y0, X1, Y1, arrow, ink(C[color]));
  }
  ctx.setLineDash([]);
  ctx.globalAlpha = 1;
  // nodes: x, y, diameter px, fill, outline width px, label colour, label, subscript,
  // label below (1) or inside (0), hover text
  for (const [x, y, size, fill, outline, color, label, sub, below] of graphRows(
    read(panel.nodes),
    10,
  )) {
    const X = fr.px(x),
      Y = fr.py(y);
    ctx.beginPath();
    ctx.arc(X, Y, size / 2, 0, 2 * Math.PI);
    ctx.fillStyle = C[fill];
    ctx.fill();
    ctx.lineWidth = outline;
    ctx.strokeStyle = ink(panel.outline);
    ctx.stroke();
    if (Number.isFinite(label))
      nodeLabel(
        ctx,
        panel,
        X,
        below ? Y + size / 2 + 10 : Y,
        label,
        sub,
        C[color],
        panel.label_size,
        below ? null : C[fill],
      );
  }
  // texts: x, y, string, colour, size px, placed above (0) or right of (1) the point
  for (const [x, y, id, color, size, right] of graphRows(read(panel.texts), 6)) {
    const X = fr.px(x) + (right ? 4 : 0),
      Y = fr.py(y) - (right ? 0 : size * 0.9);
    write(ctx, S[id], X, Y, {
      align: right ? "left" : "center",
      color: C[color],
      font: fontOf(size),
    });
  }
}

function hoverGraph(panel, _fr, read, x, y) {
  // The node under the pointer (within its circle, or 6 px of a small one): its hover text.
  const fr = graphFrame(panel, read);
  if (!fr) return "";
  let best = null,
    bestD = Infinity;
  for (const row of graphRows(read(panel.nodes), 10)) {
    const d = Math.hypot(fr.px(row[0]) - x, fr.py(row[1]) - y);
    if (d <= Math.max(row[2] / 2, 6) && d < bestD) {
      best = row;
      bestD = d;
    }
  }
  return best ? panel.strings[best[9]] : "";
}

const graphPanel = { draw: drawGraph, hover: hoverGraph };
