// "bars": bars over categories; series side by side ("group") or on top of each other
// ("overlay"), each on an optional base entry, with the value written above when `text`
// gives its format. The hover lists every series' value of the category under the pointer.
// With `labels` (AttentionViewer) the category names and bar colours are labels entries
// (pickLabel), so they change with the controls; a long name is written on two lines, split
// at its last space.

function labelledBars(panel, state) {
  // The bars panel for the controls' current values: categories and colours picked.
  if (!panel.labels) return panel;
  return {
    ...panel,
    categories: pickLabel(panel.labels, state),
    series: panel.series.map((s) =>
      s.color && s.color.axes ? { ...s, color: pickLabel(s.color, state) } : s,
    ),
  };
}

function drawBars(ctx, panel, fr, read, state) {
  if (!panel.labels) return drawBarsOf(ctx, panel, fr, read);
  const p = labelledBars(panel, state),
    n = p.categories.length,
    slot = fr.box[2] / n;
  drawBarsOf(ctx, { ...p, categories: p.categories.map(() => "") }, fr, read);
  p.categories.forEach((name, i) => {
    const cut = name.lastIndexOf(" "),
      x = fr.box[0] + (i + 0.5) * slot,
      y = fr.box[1] + fr.box[3] + 12;
    if (cut < 0) write(ctx, name, x, y);
    else {
      write(ctx, name.slice(0, cut), x, y);
      write(ctx, name.slice(cut + 1), x, y + 14);
    }
  });
}

function drawBarsOf(ctx, panel, fr, read) {
  ctx.strokeStyle = THEME.axis;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(fr.box[0], fr.py(0));
  ctx.lineTo(fr.box[0] + fr.box[2], fr.py(0));
  ctx.stroke();
  const n = panel.categories.length,
    shown = panel.series.filter((s) => s.visible !== false);
  const slot = fr.box[2] / n,
    groups = panel.mode === "group" ? shown.length : 1;
  shown.forEach((s, k) => {
    const v = s.data ? read(s.data) : s.values,
      base = s.base ? read(s.base) : null;
    if (!v) return;
    const width = (slot * 0.8) / groups;
    for (let i = 0; i < n; i++) {
      const left = fr.box[0] + i * slot + slot * 0.1 + (panel.mode === "group" ? k * width : 0);
      const b = base ? base[i] : s.bases ? s.bases[i] : 0;
      const y0 = fr.py(b),
        y1 = fr.py(b + v[i]);
      ctx.fillStyle = themed(Array.isArray(s.color) ? s.color[i] : s.color);
      ctx.fillRect(left, Math.min(y0, y1), width, Math.abs(y1 - y0));
      if (s.text) write(ctx, format(v[i], s.text), left + width / 2, Math.min(y0, y1) - 8);
    }
  });
  panel.categories.forEach((c, i) =>
    write(ctx, c, fr.box[0] + (i + 0.5) * slot, fr.box[1] + fr.box[3] + 12),
  );
  if (panel.x.title)
    write(ctx, panel.x.title, fr.box[0] + fr.box[2] / 2, fr.box[1] + fr.box[3] + 30);
}

function hoverBars(panel, fr, read, x, y, state) {
  return hoverBarsOf(labelledBars(panel, state), fr, read, x);
}

function hoverBarsOf(panel, fr, read, x) {
  const i = Math.floor(((x - fr.box[0]) / fr.box[2]) * panel.categories.length);
  return panel.series
    .filter((s) => s.visible !== false && (s.data || s.values))
    .map((s) => {
      const value = (s.data ? read(s.data) : s.values)[i];
      return `${panel.categories[i]} ${s.name}: ${format(value, panel.hover || ".3g")}`;
    })
    .join("\n");
}

const barsPanel = { draw: drawBars, hover: hoverBars };
