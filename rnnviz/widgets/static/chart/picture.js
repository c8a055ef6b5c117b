// The picture: every panel kind by name, and the whole canvas drawn for the controls'
// current values (the view in widget.js calls it on every change).

// One entry a kind: draw(ctx, panel, frame, read, state, shared ranges) paints the panel;
// hover(panel, frame, read, x, y, state) returns the text under the pointer; a kind may add
// table(panel, frame, read), its data as {head, rows} for Describe, or null. A new kind is
// one file in panels/ (listed in front_end.CHART_FILES) and one entry here.
const PANELS = {
  xy: xyPanel,
  bars: barsPanel,
  hbars: hbarsPanel,
  heatmap: heatmapPanel,
  image: imagePanel,
  text: textPanel,
  chars: charsPanel,
  graph: graphPanel,
};

function draw(canvas, spec, read, state, { scale = 1, theme = null, keep = false } = {}) {
  // The whole picture on the canvas, at `scale` CSS px per spec px (fit.js) and the screen's
  // current pixel ratio, in `theme`'s colours (theme.js; default: read on the canvas);
  // `keep`: a draw the student drives, whose unchanged parts may be kept to copy (layers.js).
  // Returns each panel's Frame (null: hidden) for hover.
  const ctx = prepare(canvas, spec, { scale, theme, keep });
  const shared = sharedRanges(spec, read);
  const frames = spec.panels.map((panel) =>
    panel.visible === false
      ? null
      : new Frame(panel.box, xRange(panel, read), yRange(panel, read, shared)),
  );
  // A title the controls pick from texts (spec.title {control, texts}) is drawn every time.
  const title = titleText(spec, state),
    fixedTitle = fixedWords(spec.title) ? spec.title : null;
  cachedLayer(ctx, frameLayerKey(spec, frames, fixedTitle), (c) => {
    c.save();
    try {
      c.clearRect(0, 0, spec.width, spec.height);
      c.fillStyle = THEME.background;
      c.fillRect(0, 0, spec.width, spec.height);
      if (fixedTitle) writeTitle(c, fixedTitle, spec.width / 2, 16, 14);
      spec.panels.forEach((panel, k) => {
        if (!frames[k]) return;
        drawAxes(c, panel, frames[k]);
        if (fixedWords(panel.title)) writePanelTitle(c, panel.title, frames[k]);
      });
    } finally {
      c.restore();
    }
  });
  if (title && !fixedTitle) writeTitle(ctx, fillTemplate(title, read), spec.width / 2, 16, 14);
  spec.panels.forEach((panel, k) => {
    const fr = frames[k];
    if (!fr) return;
    if (panel.title && !fixedWords(panel.title))
      writePanelTitle(ctx, fillTemplate(panel.title, read), fr);
    ctx.lineWidth = 1; // as the axes left it, for the panel kinds that stroke without setting it
    PANELS[panel.kind].draw(ctx, panel, fr, read, state, shared);
    if (panel.marks) drawMarks(ctx, panel, fr, state);
  });
  return frames;
}

function prepare(canvas, spec, { scale = 1, theme = null, keep = false } = {}) {
  // The canvas fitted to `spec` at `scale` and the screen's current pixel ratio, its context
  // set to spec px, the theme and the text floor in use: what every draw, or a copy of a
  // picture drawn ahead (ahead.js), starts from. Returns the context.
  VIEW.scale = scale;
  LAYERS.keep = keep;
  useTheme(theme || readTheme(canvas)).darkColors = spec.dark_colors || null;
  const [sx, sy] = fitCanvas(canvas, spec, scale, window.devicePixelRatio || 1);
  const ctx = canvas.getContext("2d");
  ctx.setTransform(sx, 0, 0, sy, 0, 0);
  // Words run left to right on every canvas, in a right-to-left page too: a canvas outside
  // the page (a layer, a picture drawn ahead) has no page direction to follow.
  ctx.direction = "ltr";
  return ctx;
}

function fixedWords(text) {
  // Words with no template field: the same in every frame, so part of the frame layer.
  return typeof text === "string" && !text.includes("{");
}

function writeTitle(ctx, text, x, y, size) {
  write(ctx, text, x, y, { font: fontOf(size) });
}

function writePanelTitle(ctx, text, fr) {
  writeTitle(ctx, text, fr.box[0] + fr.box[2] / 2, fr.box[1] - 12, 13);
}

function frameLayerKey(spec, frames, fixedTitle) {
  // What the frame layer shows: the spec's size, its plain title (`fixedTitle`, or null),
  // and each shown panel's box, ranges and axes (their ticks, tick words and titles are in
  // the spec).
  return [
    spec.width,
    spec.height,
    VIEW.scale,
    fixedTitle,
    spec.panels.map((panel, k) =>
      frames[k]
        ? [
            frames[k].box,
            frames[k].xr,
            frames[k].yr,
            panel.x,
            panel.y,
            fixedWords(panel.title) ? panel.title : null,
          ]
        : null,
    ),
  ];
}
