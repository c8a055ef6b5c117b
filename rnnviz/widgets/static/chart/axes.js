// Drawing primitives (markers, words), a panel's data-to-pixel mapping, its ranges, and its
// axes: ticks, grid lines, titles and the control marks every panel kind may carry.

function marker(ctx, symbol, x, y, size, color, filled = true) {
  ctx.beginPath();
  const r = size / 2;
  if (symbol === "triangle-down") {
    ctx.moveTo(x - r, y - r);
    ctx.lineTo(x + r, y - r);
    ctx.lineTo(x, y + r);
  } else if (symbol === "triangle-up") {
    ctx.moveTo(x - r, y + r);
    ctx.lineTo(x + r, y + r);
    ctx.lineTo(x, y - r);
  } else if (symbol === "x") {
    ctx.moveTo(x - r, y - r);
    ctx.lineTo(x + r, y + r);
    ctx.moveTo(x + r, y - r);
    ctx.lineTo(x - r, y + r);
    filled = false;
  } else if (symbol === "cross") {
    // a filled plus, so that it can be hollow as the other shapes can
    const a = r / 3;
    for (const [dx, dy] of [
      [-a, -r],
      [a, -r],
      [a, -a],
      [r, -a],
      [r, a],
      [a, a],
      [a, r],
      [-a, r],
      [-a, a],
      [-r, a],
      [-r, -a],
      [-a, -a],
    ])
      ctx.lineTo(x + dx, y + dy);
  } else if (symbol === "star") {
    // five points, a little larger than the size so that it reads as large as a circle
    for (let k = 0; k < 10; k++) {
      const radius = k % 2 ? r * 0.55 : r * 1.25;
      const angle = (Math.PI * k) / 5 - Math.PI / 2;
      ctx.lineTo(x + radius * Math.cos(angle), y + radius * Math.sin(angle));
    }
  } else if (symbol === "square") ctx.rect(x - r, y - r, size, size);
  else if (symbol === "diamond") {
    ctx.moveTo(x, y - r);
    ctx.lineTo(x + r, y);
    ctx.lineTo(x, y + r);
    ctx.lineTo(x - r, y);
  } else ctx.arc(x, y, r, 0, 2 * Math.PI);
  ctx.closePath();
  color = ink(color);
  if (filled) {
    ctx.fillStyle = color;
    ctx.fill();
  } else {
    ctx.strokeStyle = color;
    ctx.stroke();
  }
}

function write(
  ctx,
  words,
  x,
  y,
  { align = "center", base = "middle", color = null, font = null, angle = 0, on = null } = {},
) {
  // Text in the theme's axis colour, or in `color` made readable on `on` (the colour it is
  // drawn over: the page's background unless said). Leaves the context's font, fill colour
  // and text alignment as the text had them: a save and restore round each of a chart's
  // dozens of words made the font change back and forth, which costs a font lookup a word.
  ctx.font = font || fontOf(12);
  ctx.fillStyle = color ? readable(color, on || THEME.background) : THEME.axis;
  ctx.textAlign = align;
  ctx.textBaseline = base;
  if (!angle) {
    ctx.fillText(words, x, y);
    return;
  }
  ctx.save();
  ctx.translate(x, y);
  ctx.rotate(angle);
  ctx.fillText(words, 0, 0);
  ctx.restore();
}

class Frame {
  // One panel's data-to-pixel mapping: box [left, top, width, height], ranges [lo, hi].
  constructor(box, xr, yr) {
    Object.assign(this, { box, xr, yr });
  }
  px(x) {
    const [l, , w] = this.box;
    return l + ((x - this.xr[0]) / (this.xr[1] - this.xr[0])) * w;
  }
  py(y) {
    const [, t, , h] = this.box;
    return t + h - ((y - this.yr[0]) / (this.yr[1] - this.yr[0])) * h;
  }
  x(px) {
    return this.xr[0] + ((px - this.box[0]) / this.box[2]) * (this.xr[1] - this.xr[0]);
  }
  y(py) {
    return this.yr[0] + (1 - (py - this.box[1]) / this.box[3]) * (this.yr[1] - this.yr[0]);
  }
}

// --- Describe's tables: the x values of series and heatmap groups on grids x0 + k dx ------
function xsInside(fr, grids) {
  // Every x0 + k dx (k < n) of the [x0, dx, n] grids inside the frame's x range, ascending.
  const lo = Math.min(...fr.xr),
    hi = Math.max(...fr.xr),
    xs = new Set();
  for (const [x0, dx, n] of grids)
    for (let k = 0; k < n; k++) {
      const x = x0 + k * dx;
      if (x >= lo && x <= hi) xs.add(x);
    }
  return [...xs].toSorted((a, b) => a - b);
}

function stepAt(x0, dx, n, x) {
  // The k < n with x0 + k dx = x (to float rounding), or -1: a grid with no point at x.
  const k = Math.round((x - x0) / dx);
  return k >= 0 && k < n && sameFloat(x0 + k * dx, x) ? k : -1;
}

// --- ranges -------------------------------------------------------------------------------
// A range (x.range, y.range, a heatmap's crange) may name a data entry (rangeOf).
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
  if (!s || panel.kind === "bars") return [0, 1]; // bars place themselves by category
  const n = read(s.data).length / (s.ny || 1);
  return [s.x0 - 0.5 * s.dx, s.x0 + (n - 0.5) * s.dx];
}

function yRange(panel, read, shared) {
  // A shared log range, a fixed one, or (bars) from 0 to the furthest bar end, padded for
  // the text above the bars.
  // A shared group whose series are all hidden has no values: logRange's empty range.
  if (panel.kind === "xy" && panel.y.share) return shared[panel.y.share] ?? logRange([]);
  const fixed = rangeOf(panel.y.range, read);
  if (fixed) return fixed;
  let lo = 0,
    hi = 0;
  for (const s of panel.series) {
    const v = s.data ? read(s.data) : s.values,
      base = s.base ? read(s.base) : null;
    if (!v || s.visible === false) continue;
    v.forEach((u, i) => {
      const end = u + (base ? base[i] : 0);
      if (!Number.isFinite(end)) return; // drawn on an edge or as a gap, not in the range
      lo = Math.min(lo, end);
      hi = Math.max(hi, end);
    });
  }
  const pad = 0.15 * (hi - lo || 1);
  return [lo < 0 ? lo - pad : lo, hi > 0 ? hi + pad : hi];
}

// --- axes and marks -----------------------------------------------------------------------
function drawAxes(ctx, panel, fr) {
  const [l, t, w, h] = fr.box;
  // Under the box: the tick words' middle, then the title's, 12 and 30 px down at full size,
  // further when a narrow column's text floor (fit.js) makes the words taller than 12 px.
  const half = textPx(12) / 2,
    tickY = t + h + Math.max(12, half + 3),
    titleY = tickY + Math.max(18, 2 * half + 4);
  const yLog = panel.y && panel.y.log;
  ctx.lineWidth = 1;
  for (const [axis, range, along] of [
    ["x", fr.xr, 0],
    ["y", fr.yr, 1],
  ]) {
    const opts = panel[axis] || {};
    if (opts.hidden) continue;
    const real = opts.real && !opts.tickvals ? realLogTicks(range[0], range[1]) : null;
    let widest = 0; // the widest y tick label drawn, in spec px
    const ticks =
      opts.tickvals ||
      (real ? real.map(([v]) => v) : niceTicks(range[0], range[1], axis === "y" && yLog));
    ticks.forEach((v, k) => {
      const label = opts.ticktext
        ? opts.ticktext[k]
        : real
          ? real[k][1]
          : format(v, axis === "y" && yLog ? "pow" : ".6g");
      if (along === 0) {
        const x = fr.px(v);
        if (x < l - 0.5 || x > l + w + 0.5) return;
        if (!opts.nogrid) {
          ctx.strokeStyle = THEME.grid;
          ctx.beginPath();
          ctx.moveTo(x, t);
          ctx.lineTo(x, t + h);
          ctx.stroke();
        }
        write(ctx, label, x, tickY);
      } else {
        const y = fr.py(v);
        if (y < t - 0.5 || y > t + h + 0.5) return;
        if (!opts.nogrid) {
          ctx.strokeStyle = THEME.grid;
          ctx.beginPath();
          ctx.moveTo(l, y);
          ctx.lineTo(l + w, y);
          ctx.stroke();
        }
        write(ctx, label, l - 4, y, { align: "right" });
        if (opts.title) {
          widest = Math.max(widest, ctx.measureText(label).width);
        }
      }
    });
    if (opts.title && along === 0) write(ctx, opts.title, l + w / 2, titleY);
    if (opts.title && along === 1) {
      // Left of the tick labels: the layout's 45 px, or further when a narrow column's text
      // floor (fit.js) widened them; never past the canvas's left edge.
      const x = Math.max(half + 1, Math.min(l - 45, l - 10 - widest - half));
      write(ctx, opts.title, x, t + h / 2, { angle: -Math.PI / 2 });
    }
  }
}

function drawMarks(ctx, panel, fr, state) {
  // "marks" [{control, color, dash, width}], on any panel: a vertical line at x = the control.
  const [l, t, w, h] = fr.box;
  for (const m of panel.marks) {
    const X = fr.px(state[m.control]);
    if (!(X >= l - 0.5 && X <= l + w + 0.5)) continue;
    ctx.strokeStyle = ink(m.color || "black");
    ctx.lineWidth = m.width ?? 2;
    ctx.setLineDash(m.dash || []);
    ctx.beginPath();
    ctx.moveTo(X, t);
    ctx.lineTo(X, t + h);
    ctx.stroke();
  }
  ctx.setLineDash([]);
}
