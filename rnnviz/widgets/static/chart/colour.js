// Colour scales and the colour bar: one interpolator and one painter for every panel kind.

// Each colour string parsed once: a heatmap recolours hundreds of cells per slider press,
// and parsing its scale's stops again for each took most of its draw.
const parsedColors = new Map();

function parseColor(color) {
  // [r, g, b, a] of "#rrggbb" (opaque), "rgb(r, g, b)" or "rgba(r, g, b, a)": the forms
  // plotly's colour scales and rnnviz.style use. Shared: callers must not change it.
  let rgba = parsedColors.get(color);
  if (rgba) return rgba;
  if (color.startsWith("#")) {
    const n = parseInt(color.slice(1), 16);
    rgba = [(n >> 16) & 255, (n >> 8) & 255, n & 255, 1];
  } else {
    const v = color.match(/[\d.]+/g).map(Number);
    rgba = v.length > 3 ? v.slice(0, 4) : [...v, 1];
  }
  parsedColors.set(color, rgba);
  return rgba;
}

function scaleColor(scale, u) {
  // scale: [[position 0..1, colour], ...]; u outside 0..1 is clamped to the ends. Red,
  // green, blue and alpha are interpolated between the two stops around u.
  if (scale.length < 2) return scale[0][1];
  const t = Math.min(1, Math.max(0, u));
  let k = 1;
  while (k < scale.length - 1 && t > scale[k][0]) k++;
  const [p0, c0] = scale[k - 1],
    [p1, c1] = scale[k],
    w = p1 > p0 ? (t - p0) / (p1 - p0) : 0;
  const a = parseColor(c0),
    b = parseColor(c1),
    m = a.map((v, i) => v + w * (b[i] - v));
  return `rgba(${m.slice(0, 3).map(Math.round).join(",")},${Number(m[3].toFixed(4))})`;
}

function colorBar(ctx, scale, box, [lo, hi], bar) {
  // The scale as a bar 14 px right of the panel's box, lo at the bottom, hi at the top (over
  // white: a translucent scale shows as it would over the page). bar: {title, width (px),
  // outline (a colour), ticks: "ends" (lo and hi), "middle" (lo, the middle and hi) or
  // "nice" (round values), format, title_x (px right of the bar, the title turned upright;
  // "above": over the bar)}.
  const [l, t, w, h] = box,
    x = l + w + 14,
    steps = 40,
    width = bar.width ?? 10;
  for (let k = 0; k < steps; k++) {
    ctx.fillStyle = scaleColor(scale, (k + 0.5) / steps);
    ctx.fillRect(x, t + h - ((k + 1) * h) / steps, width, h / steps + 0.5);
  }
  if (bar.outline) {
    ctx.strokeStyle = bar.outline;
    ctx.lineWidth = 1;
    ctx.strokeRect(x, t, width, h);
  }
  const at = (v) => t + h - ((v - lo) / (hi - lo)) * h;
  const ticks =
    bar.ticks === "nice"
      ? hi > lo
        ? niceTicks(lo, hi, false, 5).map((v) => [v, at(v)])
        : []
      : bar.ticks === "middle"
        ? [
            [hi, t],
            [(lo + hi) / 2, t + h / 2],
            [lo, t + h],
          ]
        : [
            [hi, t],
            [lo, t + h],
          ];
  let widest = 0; // the widest tick word, in spec px (write leaves its font set)
  for (const [v, y] of ticks) {
    const words = format(v, bar.format);
    write(ctx, words, x + width + 4, y, { align: "left" });
    widest = Math.max(widest, ctx.measureText(words).width);
  }
  if (bar.title_x === "above") write(ctx, bar.title, x, t - 12, { align: "left" });
  else {
    // title_x, or right of the tick words when a narrow column's text floor widened them;
    // never past the canvas's right edge
    const half = textPx(12) / 2,
      right = ctx.canvas.width / ctx.getTransform().a - half - 1,
      titleX = Math.min(right, x + Math.max(bar.title_x, width + 4 + widest + half));
    write(ctx, bar.title, titleX, t + h / 2, { angle: -Math.PI / 2 });
  }
}
