// "chars": characters the kernel sent as codes (float32 holds every code below 2**24; 0 is
// padding and draws nothing), each in a fixed monospace cell, optionally on a background
// coloured by the kernel's value for that character through the panel's scale.
//   layout "flow": the frame's characters wrapped at the box's width, a new line after "\n"
//     (a tab moves to the next multiple of 4 columns); `prefix`, a fixed string, comes first
//     in `prefix_color`, uncoloured. renderer.text_rows mirrors this layout in Python.
//   layout "grid": ny rows of nx cells, frame (nx, ny) x-major like a heatmap's; `labels`
//     (an entry of nx codes) is written under the columns.
// `values` names the entry of colour values, `crange` is [lo, hi] or an entry holding them;
// a value that is not finite is drawn on `missing_color`.

function flowLayout(prefix, codes, columns) {
  // Each character's [column, row] (null for padding), the prefix's first: the same rule as
  // renderer.text_rows, so the kernel can size the panel.
  let col = 0,
    row = 0;
  const place = (c) => {
    if (c === 0) return null;
    if (col >= columns) {
      col = 0;
      row += 1;
    }
    const at = [col, row];
    if (c === 10) {
      col = 0;
      row += 1;
    } else col = c === 9 ? Math.max(col + 1, Math.ceil((col + 1) / 4) * 4) : col + 1;
    return at;
  };
  const before = Array.from(prefix || "", (ch) => place(ch.codePointAt(0)));
  return { before, cells: Array.from(codes || [], place) };
}

// Per panel: its colour scale at 256 steps (as strings and as bytes), and its letters drawn
// once (they stay while a control recolours them): a slider's redraw writes the backgrounds'
// bytes, draws them as one image and copies the letters.
const colorSteps = new WeakMap(),
  colorBytes = new WeakMap(),
  letterLayers = new WeakMap(); // a canvas -> WeakMap(panel -> its letter layer)

function panelSteps(panel) {
  if (!colorSteps.has(panel))
    colorSteps.set(
      panel,
      Array.from({ length: 256 }, (_, k) => scaleColor(panel.colorscale, k / 255)),
    );
  return colorSteps.get(panel);
}

function panelBytes(panel) {
  // The scale's 256 steps as RGBA bytes, 4 a colour (ImageData's order).
  if (!colorBytes.has(panel))
    colorBytes.set(
      panel,
      Uint8ClampedArray.from(
        panelSteps(panel).flatMap((c) => {
          const [r, g, b, a] = parseColor(c);
          return [r, g, b, Math.round(a * 255)];
        }),
      ),
    );
  return colorBytes.get(panel);
}

function cellImage(letters) {
  // A canvas of one pixel per cell of the flow layout, made once per layout.
  if (!letters.image) {
    const canvas = document.createElement("canvas");
    canvas.width = letters.columns;
    canvas.height = letters.rows;
    const layer = canvas.getContext("2d");
    letters.image = { canvas, layer, data: layer.createImageData(canvas.width, canvas.height) };
  }
  return letters.image;
}

// A value's step on the panel's scale (0..255; the bottom on a range of one value), or 256,
// the missing colour, if not finite.
const charStep = (u, lo, hi) =>
  Number.isFinite(u)
    ? Math.round(Math.min(1, Math.max(0, hi > lo ? (u - lo) / (hi - lo) : 0)) * 255)
    : 256;

function charColor(panel, u, lo, hi) {
  const step = charStep(u, lo, hi);
  return step === 256 ? panel.missing_color : panelSteps(panel)[step];
}

// Black or white letters, whichever stands out more from the cell: one of them keeps 4.5:1
// on any colour.
const letterOn = (cell) => (contrast("black", cell) >= contrast("white", cell) ? "black" : "white");

const glyph = (c) => (c === 10 || c === 9 || c === 32 ? "" : String.fromCodePoint(c));

function flowLetters(ctx, panel, codes, w, h) {
  // The flow layout and its letters on a transparent canvas at the target's pixel scale,
  // remade when anything they show changes: the codes, the box, the canvas's scale (its
  // devicePixelRatio, a fit to the page's width), the font and the colours. Letters over
  // coloured cells are dark; letters on the page are the theme's.
  const m = ctx.getTransform(),
    sx = Math.hypot(m.a, m.b),
    sy = Math.hypot(m.c, m.d);
  const letterColor = panel.values ? "#222" : THEME.text,
    prefixColor = readable(panel.prefix_color, THEME.background);
  const key = JSON.stringify([
    sx,
    sy,
    w,
    h,
    panel.font_size,
    panel.prefix,
    prefixColor,
    letterColor,
    panel.char_width,
    panel.line_height,
  ]);
  // Kept a canvas, as layers.js keeps regions: a picture drawn ahead (ahead.js) with other
  // letters never takes the shown canvas's layer away.
  const layers = perCanvas(letterLayers, ctx.canvas),
    old = layers.get(panel);
  if (
    old &&
    old.key === key &&
    old.buffer === codes.buffer &&
    old.offset === codes.byteOffset &&
    old.length === codes.length
  )
    return old;
  const cw = panel.char_width,
    lh = panel.line_height;
  const { before, cells } = flowLayout(panel.prefix, codes, Math.floor(w / cw));
  const canvas = document.createElement("canvas");
  canvas.width = Math.ceil(w * sx);
  canvas.height = Math.ceil(h * sy);
  const layer = canvas.getContext("2d");
  layer.scale(sx, sy);
  layer.font = `${panel.font_size}px monospace`;
  layer.textAlign = "center";
  layer.textBaseline = "middle";
  const put = (c, at) => {
    if (at) layer.fillText(glyph(c), (at[0] + 0.5) * cw, (at[1] + 0.5) * lh);
  };
  layer.fillStyle = prefixColor;
  Array.from(panel.prefix || "").forEach((ch, k) => put(ch.codePointAt(0), before[k]));
  layer.fillStyle = letterColor;
  cells.forEach((at, k) => put(codes[k], at));
  const made = {
    key,
    buffer: codes.buffer,
    offset: codes.byteOffset,
    length: codes.length,
    cells,
    canvas,
    columns: Math.max(1, Math.floor(w / cw)),
    rows: 1 + (cells.findLast((at) => at)?.[1] ?? 0), // the flow fills rows in order
  };
  layers.set(panel, made);
  return made;
}

function drawChars(ctx, panel, fr, read) {
  const [l, t, w, h] = fr.box;
  const codes = read(panel.chars) || [],
    values = panel.values ? read(panel.values) : null;
  const [lo, hi] = typeof panel.crange === "string" ? read(panel.crange) : panel.crange || [0, 1];
  ctx.save();
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  if (panel.layout === "grid") {
    const ny = panel.ny,
      nx = codes.length / ny,
      cw = w / nx,
      ch = h / ny;
    ctx.font = `${Math.min(panel.font_size, cw * 1.2, ch * 0.8)}px monospace`;
    for (let i = 0; i < nx; i++) {
      for (let j = 0; j < ny; j++) {
        const k = i * ny + j;
        if (values) {
          ctx.fillStyle = charColor(panel, values[k], lo, hi);
          ctx.fillRect(l + i * cw, t + j * ch, cw + 0.5, ch + 0.5);
        }
        // On a cell, letterOn's; on the page, the theme's.
        ctx.fillStyle = values ? letterOn(charColor(panel, values[k], lo, hi)) : THEME.text;
        if (cw >= 5)
          ctx.fillText(
            String.fromCodePoint(codes[k] || 32),
            l + (i + 0.5) * cw,
            t + (j + 0.5) * ch,
          );
      }
    }
    const labels = panel.labels ? read(panel.labels) : null;
    ctx.fillStyle = THEME.axis;
    if (labels && cw >= 5)
      labels.forEach((c, i) =>
        ctx.fillText(String.fromCodePoint(c || 32), l + (i + 0.5) * cw, t + h + 12),
      );
    fr.grid = { nx, ny, cw, ch };
  } else {
    const cw = panel.char_width,
      lh = panel.line_height,
      letters = flowLetters(ctx, panel, codes, w, h);
    ctx.beginPath();
    ctx.rect(l, t, w, h);
    ctx.clip();
    if (values) {
      // The backgrounds are one image, a pixel per cell, drawn scaled up without smoothing: a
      // slider's redraw writes 1500-odd pixels' bytes instead of filling as many rectangles.
      // A value that is not finite (rare) leaves its pixel clear and is filled after, in the
      // missing colour as CSS gives it (any form a user may pass).
      const image = cellImage(letters),
        bytes = panelBytes(panel),
        pixels = image.data.data,
        cells = letters.cells,
        missing = [];
      pixels.fill(0);
      for (let k = 0; k < cells.length; k++) {
        const at = cells[k];
        if (!at) continue;
        const step = charStep(values[k], lo, hi);
        if (step === 256) {
          missing.push(at);
          continue;
        }
        const to = 4 * (at[1] * letters.columns + at[0]);
        for (let b = 0; b < 4; b++) pixels[to + b] = bytes[4 * step + b];
      }
      image.layer.putImageData(image.data, 0, 0);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(image.canvas, l, t, letters.columns * cw, letters.rows * lh);
      ctx.fillStyle = panel.missing_color;
      for (const at of missing) ctx.fillRect(l + at[0] * cw, t + at[1] * lh, cw, lh);
    }
    // One layer pixel to one canvas pixel: the layer was made at the canvas's scale.
    const m = ctx.getTransform();
    ctx.drawImage(
      letters.canvas,
      l,
      t,
      letters.canvas.width / Math.hypot(m.a, m.b),
      letters.canvas.height / Math.hypot(m.c, m.d),
    );
    fr.flow = { cells: letters.cells, cw, lh }; // for hover
  }
  ctx.restore();
  // The colour bar beside the panel's top, at most 200 px tall.
  if (panel.colorbar) {
    colorBar(ctx, panel.colorscale, [l, t, w, Math.min(h, 200)], [lo, hi], {
      ...panelBar(panel),
      title: fillTemplate(panel.colorbar, read),
    });
  }
}

function hoverChars(panel, fr, read, x, y) {
  // The character under the pointer, where it is, and its value as the kernel computed it.
  const codes = read(panel.chars),
    values = panel.values ? read(panel.values) : null;
  const [l, t] = fr.box;
  let k = -1,
    where = "";
  if (fr.grid) {
    const i = Math.floor((x - l) / fr.grid.cw),
      j = Math.floor((y - t) / fr.grid.ch);
    if (i < 0 || i >= fr.grid.nx || j < 0 || j >= fr.grid.ny) return "";
    k = i * fr.grid.ny + j;
    where = `${panel.rows ? panel.rows[j] : `row ${j}`}, ${panel.x.label} ${i}`;
  } else if (fr.flow) {
    const col = Math.floor((x - l) / fr.flow.cw),
      row = Math.floor((y - t) / fr.flow.lh);
    k = fr.flow.cells.findIndex((at) => at && at[0] === col && at[1] === row);
    where = `${panel.x.label} ${k}`;
  }
  if (k < 0 || !codes) return "";
  const v = values ? values[k] : null,
    shown = v === -Infinity ? "-inf" : format(v, panel.hover || ".3f");
  const value = values ? `: ${fillTemplate(panel.value_label, read)}${shown}` : "";
  return `${JSON.stringify(String.fromCodePoint(codes[k]))} at ${where}${value}`;
}

const charsPanel = { draw: drawChars, hover: hoverChars };
