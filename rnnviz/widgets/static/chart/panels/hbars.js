// "hbars" (HiddenStateExplorer): one horizontal bar a row at y = y0, y0 + 1, ..., so a bar
// chart sits beside a heatmap's rows (h_t's units next to the map of h). A series' frame is
// (n,), or with `at` a row of an (m, n) frame (rowOf).

function drawHbars(ctx, panel, fr, read, state) {
  const [l, t, w, h] = fr.box,
    half = 0.4 * Math.abs(fr.py(1) - fr.py(0)),
    n = panel.rows.length;
  ctx.save();
  ctx.beginPath();
  ctx.rect(l, t, w, h);
  ctx.clip();
  for (const s of panel.series) {
    const v = rowOf(s, read, state, n);
    if (!v || s.visible === false) continue;
    ctx.fillStyle = themed(s.color);
    v.forEach((u, j) => {
      const x0 = fr.px(0),
        x1 = fr.px(u),
        y = fr.py(panel.y0 + j);
      if (Number.isFinite(u)) ctx.fillRect(Math.min(x0, x1), y - half, Math.abs(x1 - x0), 2 * half);
    });
  }
  ctx.strokeStyle = THEME.axis;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(fr.px(0), t);
  ctx.lineTo(fr.px(0), t + h);
  ctx.stroke();
  ctx.restore();
}

function hoverHbars(panel, fr, read, x, y, state) {
  const j = Math.round(fr.y(y) - panel.y0),
    n = panel.rows.length;
  if (j < 0 || j >= n) return "";
  return panel.series
    .filter((s) => s.visible !== false)
    .map((s) => {
      const v = rowOf(s, read, state, n);
      return v ? `${panel.rows[j]} ${s.name}: ${format(v[j], panel.hover || ".3g")}` : "";
    })
    .filter(Boolean)
    .join("\n");
}

const hbarsPanel = { draw: drawHbars, hover: hoverHbars };
