// rnnviz's one front end (rnnviz/widgets/renderer.py): draws panels from frames the kernel
// precomputed, so a slider the student drags is answered here, at display rate.
//
// The files of static/chart/ are plain scripts joined, in the order CHART_FILES declares, into
// one ES module (rnnviz/widgets/front_end.py): no build step. This one holds what every panel
// needs: frames, the frame-index rule, number formats and ticks.
//
// It only indexes, scales and draws: every number it shows was computed in Python. A series
// names a data entry: a float32 buffer holding one frame per position of its controls'
// grids. Moving a control picks another frame; nothing is recomputed.
//   product entry: shape (len(grid_a), len(grid_b), ...frame), one frame per combination
//   star entry:    shape (sum of len(grid_a), ...frame): control a's frames with every other
//                  control at its base value (many sliders, one dragged at a time)
// Log axes receive log10 values: -inf is an underflow to 0, +inf or NaN an overflow; both
// are drawn as markers on the panel's edge, never as a silent gap.

const SUPERSCRIPT = {
  "-": "\u207b",
  0: "\u2070",
  1: "\u00b9",
  2: "\u00b2",
  3: "\u00b3",
  4: "\u2074",
  5: "\u2075",
  6: "\u2076",
  7: "\u2077",
  8: "\u2078",
  9: "\u2079",
};
// A font of `px` spec pixels, never under MIN_TEXT_PX on screen (fit.js) at the current scale.
const fontOf = (px, weight = "") =>
  `${weight}${textPx(px)}px 'Open Sans', verdana, arial, sans-serif`;

// --- numbers ------------------------------------------------------------------------------
// Two numbers the same float up to rounding: within 1e-9 of b's size (at least 1e-9). A
// slider's own arithmetic (0.9 + 0.05), a grid's sum (x0 + k dx) or a value restated on
// another grid may miss the float it means by a rounding, which moves no pixel.
const sameFloat = (a, b) =>
  typeof a === "number" &&
  typeof b === "number" &&
  Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

function format(value, spec) {
  // A Python-style format spec, "[+].N" then "f", "e" or "g" (".3f", "+.3f", ".1e", ".2g";
  // none is ".3g"), printed as Python's format() prints the same float; "pow" prints a log10
  // value as 10^x. Python rounds the exact binary value half to even (2.5 -> "2", 0.125 at
  // ".2f" -> "0.12"), where toFixed and toPrecision round ties away from zero, so the digits
  // come from exact BigInt arithmetic on the float's bits.
  if (!Number.isFinite(value)) return Number.isNaN(value) ? "NaN" : value > 0 ? "inf" : "0";
  if (spec === "pow") return `10${String(Math.round(value)).replace(/./g, (c) => SUPERSCRIPT[c])}`;
  const m = /^(\+?)\.(\d+)([efg])$/.exec(spec || ".3g");
  const digits = Number(m[2]),
    x = Math.abs(value);
  // The sign as Python writes it: "-" for -0.0 too, "+" only when asked.
  const sign = value < 0 || Object.is(value, -0) ? "-" : m[1];

  function scaled(k) {
    // x * 10^k truncated and rounded half to even, as BigInts: x = mantissa * 2^exponent.
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, x);
    const bits = view.getBigUint64(0),
      biased = Number(bits >> 52n),
      fraction = bits & ((1n << 52n) - 1n);
    const mantissa = biased ? fraction | (1n << 52n) : fraction,
      exponent = biased ? biased - 1075 : -1074; // subnormals: no hidden bit
    let num = mantissa * 10n ** BigInt(Math.max(k, 0)),
      den = 10n ** BigInt(Math.max(-k, 0));
    if (exponent >= 0) num <<= BigInt(exponent);
    else den <<= BigInt(-exponent);
    const q = num / den,
      twice = 2n * (num % den);
    return [q, twice > den || (twice === den && q % 2n === 1n) ? q + 1n : q];
  }
  function fixed(places) {
    // x with `places` digits after the point (Python's "f").
    const text = String(scaled(places)[1]).padStart(places + 1, "0");
    return places ? `${text.slice(0, -places)}.${text.slice(-places)}` : text;
  }
  function exponentOf(places) {
    // x's exponent in "e" with `places` digits after the point, and its rounded digits.
    const low = 10n ** BigInt(places),
      high = 10n * low;
    if (!x) return [0, "0".repeat(places + 1)];
    // floor(log10(x)), exactly: Math.log10 may be one off near a power of ten.
    let power = Math.floor(Math.log10(x)),
      [q, n] = scaled(places - power);
    while (q >= high) [q, n] = scaled(places - ++power);
    while (q < low) [q, n] = scaled(places - --power);
    // Rounding may carry into a new digit: 9.96 at ".1e" is 1.0e+01.
    return n === high ? [power + 1, low.toString()] : [power, n.toString()];
  }
  function scientific(places) {
    // Python's "e": d.ddde+XX, at least two exponent digits.
    const [power, text] = exponentOf(places);
    const mantissa = places ? `${text[0]}.${text.slice(1)}` : text;
    return `${mantissa}e${power < 0 ? "-" : "+"}${String(Math.abs(power)).padStart(2, "0")}`;
  }

  if (m[3] === "f") return sign + fixed(digits);
  if (m[3] === "e") return sign + scientific(digits);
  // Python's "g": "f" or "e" by the exponent "e" would print, trailing zeros removed.
  const precision = Math.max(1, digits),
    power = exponentOf(precision - 1)[0];
  if (power < -4 || power >= precision)
    return sign + scientific(precision - 1).replace(/\.?0+e/, "e");
  const text = fixed(precision - 1 - power);
  return sign + (text.includes(".") ? text.replace(/\.?0+$/, "") : text);
}

function niceTicks(lo, hi, log, count = 6) {
  // Tick positions for a linear axis (steps of 1, 2 or 5 times a power of ten), or whole
  // decades for a log10 axis.
  if (!(hi > lo)) return [];
  const raw = (hi - lo) / count,
    power = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = log
    ? Math.max(1, Math.ceil(raw))
    : [1, 2, 5, 10].map((f) => f * power).find((s) => s >= raw);
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step)
    ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function realLogTicks(lo, hi) {
  // [[log10 position, label], ...] for an axis with `real` set (it holds log10 values and is
  // labelled with the values themselves): decades over more than 3.5 of them (powers of ten
  // over more than 10); over fewer, 1-2-5, then every digit, then linear steps in value
  // space, whichever first gives at least three ticks in [lo, hi].
  if (!(hi > lo)) return [];
  const label = (v) => [v, format(Math.pow(10, v), ".6g")];
  if (hi - lo > 10) return niceTicks(lo, hi, true).map((v) => [v, format(v, "pow")]);
  const sets =
    hi - lo > 3.5
      ? [[1]]
      : [
          [1, 2, 5],
          [1, 2, 3, 4, 5, 6, 7, 8, 9],
        ];
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
  return niceTicks(Math.pow(10, lo), Math.pow(10, hi), false)
    .filter((u) => u > 0)
    .map((u) => label(Math.log10(u)));
}

function logRange(values) {
  // A log10 range around the finite values, padded, at least 3 decades (the kernel's rule).
  let lo = Infinity,
    hi = -Infinity;
  for (const v of values)
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  if (lo > hi) return [-1.5, 1.5];
  const pad = Math.max(0.5, 0.06 * (hi - lo));
  lo -= pad;
  hi += pad;
  if (hi - lo < 3) {
    const mid = (lo + hi) / 2;
    lo = mid - 1.5;
    hi = mid + 1.5;
  }
  return [Math.max(lo, -320), Math.min(hi, 308)];
}

// --- frames -------------------------------------------------------------------------------
function nearest(grid, value) {
  if (typeof value === "string") return Math.max(0, grid.indexOf(value)); // a dropdown's choice
  let best = 0;
  for (let k = 1; k < grid.length; k++) {
    if (Math.abs(grid[k] - value) < Math.abs(grid[best] - value)) best = k;
  }
  return best;
}

function frameOf(entry, state, spec) {
  // The frame of `entry` for the controls' current values, or null when the kernel has not
  // sent it yet (a star entry with two controls away from their base values).
  const at = (name) => nearest(spec.controls[name].grid, state[name]);
  if (entry.star) {
    const moved = entry.axes.filter((a) => at(a) !== nearest(spec.controls[a].grid, spec.base[a]));
    if (moved.length > 1) return null;
    let offset = 0;
    const axis = moved[0] ?? entry.axes[0];
    for (const a of entry.axes) {
      if (a === axis) break;
      offset += spec.controls[a].grid.length;
    }
    return offset + at(axis);
  }
  return entry.axes.reduce((f, a) => f * spec.controls[a].grid.length + at(a), 0);
}

function frameValues(entry, state, spec) {
  const f = frameOf(entry, state, spec);
  if (f === null) return null;
  const leading = entry.star ? 1 : entry.axes.length; // a star entry's frames share one axis
  const size = entry.shape.slice(leading).reduce((a, b) => a * b, 1);
  return entry.values.subarray(f * size, (f + 1) * size);
}

function pickLabel(table, state) {
  // Words from a labels entry (renderer.labels: {axes, grids, values}, packed like frames)
  // for the controls' current values; a plain string is itself.
  if (typeof table === "string" || !table || !table.axes) return table;
  const controls = Object.fromEntries(table.axes.map((a, k) => [a, { grid: table.grids[k] }]));
  return table.values[frameOf({ axes: table.axes, star: false }, state, { controls })];
}

function rangeOf(range, read) {
  // [lo, hi] as given, or a data entry's current frame [lo, hi] (its name, or {data: name}):
  // a range the kernel computed follows the controls.
  if (!range || Array.isArray(range)) return range || null;
  const v = read(typeof range === "string" ? range : range.data);
  return v ? [v[0], v[1]] : null;
}

function rowOf(series, read, state, n) {
  // The n values the series shows: its frame, or with `at` {control, x0} the row
  // state[control] - x0 of its (m, n) frame (the t slider picks h_t out of all of h).
  const v = read(series.data);
  if (!v || !series.at) return v;
  const k = Math.round(state[series.at.control]) - series.at.x0;
  return k >= 0 && (k + 1) * n <= v.length ? v.subarray(k * n, (k + 1) * n) : null;
}

function charString(codes) {
  // Character codes (float32 holds every code below 2**24; 0 is padding) as a string.
  if (!codes) return "?";
  let s = "";
  for (const c of codes) if (c > 0) s += String.fromCodePoint(c);
  return s;
}

function fillTemplate(template, read) {
  // "s = {rnn_s:.2f}" -> the value of the entry rnn_s (a frame of one number, named for what it
  // is), formatted; "{name:chars}" -> the frame's character codes as a string (words the
  // kernel chose, e.g. a signal's name). No index: a template names its entries.
  return (template || "").replace(/\{(\w+)(?::([^}]+))?\}/g, (_, name, fmt) => {
    const v = read(name);
    if (!v) return "?";
    return fmt === "chars" ? charString(v) : format(v[0], fmt);
  });
}

function titleText(spec, state) {
  // spec.title: a template, or {"control", "texts"}: the text for the control's position
  // (formatted in Python, one per grid value).
  const t = spec.title;
  if (!t || typeof t === "string") return t;
  return t.texts[nearest(spec.controls[t.control].grid, state[t.control])];
}

function withHidden(spec, hidden) {
  // The spec with the series the student hid in the legend (by name or "group") invisible.
  const names = new Set(hidden); // the page's Set, or a list
  if (!names.size) return spec;
  const hide = (s) => (names.has(s.group ?? s.name) ? { ...s, visible: false } : s);
  return {
    ...spec,
    panels: spec.panels.map((p) => (p.series ? { ...p, series: p.series.map(hide) } : p)),
  };
}
