// "points" and "scatter": series placed at x values, drawn like a lines panel (drawLines),
// hovered by the point nearest the pointer. They differ only in the hover's words:
//   points  (loss curves, sweeps): "name: x = 10, y = 0.25", in the axes' real values (a log
//           axis holds log10 values: 10^v is shown), within 12 px;
//   scatter (saturation, the LRU's ring): "name t 3: x 0.5, y 0.2" (the point's index and
//           the panel's `hover_names`), within 10 px, series with an `x` entry only.

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

function hoverPoints(panel, fr, read, x, y) {
  const best = nearestPoint(panel, fr, read, x, y, 12, false);
  if (!best) return "";
  const [s, , xv, yv] = best,
    real = (v, log) => format(log ? Math.pow(10, v) : v, ".4g");
  const xText = `${panel.x.label || "x"} = ${real(xv, panel.x.log)}`;
  return `${s.name}: ${xText}, ${panel.y.label || "y"} = ${real(yv, panel.y.log)}`;
}

function hoverScatter(panel, fr, read, x, y) {
  const best = nearestPoint(panel, fr, read, x, y, 10, true);
  if (!best) return "";
  const [s, k, xv, yv] = best,
    [xName, yName] = panel.hover_names || ["x", "y"],
    f = panel.hover || ".3g";
  return `${s.name} ${panel.x.label} ${k}: ${xName} ${format(xv, f)}, ${yName} ${format(yv, f)}`;
}

const pointsPanel = { draw: drawLines, hover: hoverPoints };
const scatterPanel = { draw: drawLines, hover: hoverScatter };
